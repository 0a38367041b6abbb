//! Looking a package up on its feed: what the feed knows about an id and version, asked
//! before a push so the rules (`nupub_rules::feed`) can say it in advance (the feed facts).
//!
//! - Version exists: the same check a push uses ([`FeedClient::exists`]: the
//!   V3 flat container, else V2 `FindPackagesById()`), or the folder layout.
//! - The versions the feed lists (V3 `{PackageBaseAddress}/{id}/index.json`,
//!   else V2 `FindPackagesById()`), the nearest lower one, and whether it was
//!   author-signed: that one .nupkg is streamed to a temporary file with a
//!   size cap and its `.signature.p7s` read with `nupub_package`.
//! - Owners and `verified` from the V3 SearchQueryService
//!   (`q=packageid:{id}`, protocol reference §5.5).
//!
//! Every request has a time limit and every answer a size limit; a hostile
//! answer is a [`FeedError`], never a panic. What could not be looked up but
//! does not make the facts wrong (the previous version's signature) goes
//! into `FeedFacts::notes`; for a new id, a verified id sharing its first
//! part becomes `FeedFacts::prefix_hint` (search cannot say more).

use crate::client::v2_roots as v2_roots_for;
use crate::client::{describe, moved, Auth, Endpoints, Existence, FeedClient};
use crate::error::FeedError;
use crate::index::ServiceIndex;
use crate::local;
use crate::source::{FeedKind, Location, Protocol, Source};
use nupub_package::{NuGetVersion, Package, SignatureKind};
use nupub_rules::feed::{FeedFacts, PrefixHint, PreviousVersion};
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use url::Url;

/// Limits for one lookup.
#[derive(Debug, Clone)]
pub struct FactsOptions {
    /// Time allowed for each small request (index, version list, search), body included.
    pub timeout: Duration,
    /// Largest small answer read (JSON, OData pages).
    pub max_answer_bytes: u64,
    /// Largest previous-version .nupkg downloaded to read its signature.
    pub max_package_bytes: u64,
    /// Time allowed for that download.
    pub download_timeout: Duration,
    /// Where the download goes (the system temporary folder when `None`).
    pub temp_dir: Option<PathBuf>,
    /// The caller asked the feed whether this version exists a moment ago
    /// (the publish plan): that answer is used instead of asking again.
    pub version_known: Option<bool>,
}

impl Default for FactsOptions {
    fn default() -> Self {
        FactsOptions {
            timeout: Duration::from_secs(30),
            max_answer_bytes: 8 * 1024 * 1024,
            // nuget.org accepts packages up to 250 MB.
            max_package_bytes: 300 * 1024 * 1024,
            download_timeout: Duration::from_secs(300),
            temp_dir: None,
            version_known: None,
        }
    }
}

/// What a V2 root answers to `FindPackagesById()`.
pub(crate) enum V2Listing {
    /// Every entry of every page.
    Entries(Vec<crate::odata::ODataEntry>),
    /// 404 or 405: this is not the feed's root.
    NotHere,
    /// This page is not an OData feed.
    NotOData(Url),
}

/// A version the feed lists, and where its .nupkg can be downloaded.
#[derive(Debug, Clone)]
struct Listed {
    version: NuGetVersion,
    download: Option<Url>,
}

/// How the feed's versions can be read.
pub(crate) struct ReadEndpoints {
    pub base_address: Option<Url>,
    pub search: Option<Url>,
    pub v2_roots: Vec<Url>,
    /// V3 RegistrationsBaseUrl (a SemVer 2 hive when the index has one).
    pub registrations: Option<Url>,
}

impl FeedClient {
    /// Looks up what `source` knows about `id` `version`. `user_name` is the
    /// nuget.org user name the user gave, compared (case-insensitively) with
    /// the owners. `auth` is sent only to the source's own host, and never to
    /// nuget.org (its read endpoints are public).
    #[tracing::instrument(err, skip(self, source, auth, options, user_name), fields(feed = %source.label(), %version))]
    pub async fn facts(
        &self,
        source: &Source,
        auth: &Auth,
        id: &str,
        version: &NuGetVersion,
        user_name: Option<&str>,
        options: &FactsOptions,
    ) -> Result<FeedFacts, FeedError> {
        let user_name = user_name.map(str::trim).filter(|y| !y.is_empty());
        match &source.location {
            Location::Folder(root) => folder_facts(source, root, id, version).await,
            Location::Url(url) => {
                let mut facts = FeedFacts {
                    feed: feed_name(source),
                    ..FeedFacts::default()
                };
                let lookup = Lookup::new(self, source, auth, options);
                let read = lookup.read_endpoints(url).await?;
                let listed = lookup.versions(&read, id).await?;
                let endpoints = Endpoints {
                    publish: url.clone(),
                    symbols: None,
                    base_address: read.base_address.clone(),
                    v2_roots: read.v2_roots.clone(),
                };
                let normalized = version.normalized();
                // The push's own check, held to this lookup's time limit (unless the caller just asked it).
                let existence = match options.version_known {
                    Some(true) => Existence::Present,
                    Some(false) => Existence::Absent,
                    None => tokio::time::timeout(
                        options.timeout,
                        self.exists(source, &endpoints, id, &normalized, version.original()),
                    )
                    .await
                    .unwrap_or_else(|_| {
                        Existence::Unknown(format!(
                            "the feed did not answer within {} s",
                            options.timeout.as_secs()
                        ))
                    }),
                };
                facts.version_exists = match existence {
                    Existence::Present => Some(true),
                    Existence::Absent => Some(false),
                    Existence::Unknown(why) => match &listed {
                        Some(list) => Some(list.iter().any(|l| l.version == *version)),
                        None => {
                            facts.notes.push(format!(
                                "Nupub could not tell whether {id} {normalized} is already on {}: {why}",
                                facts.feed
                            ));
                            None
                        }
                    },
                };
                if let Some(list) = &listed {
                    facts.id_exists = Some(!list.is_empty());
                    if let Some(previous) = nearest_lower(list, version) {
                        facts.previous_version =
                            lookup.previous(id, previous, &mut facts.notes).await;
                    }
                } else {
                    facts.notes.push(format!(
                        "{} offers no way to list the versions of {id}, so the previous version was not checked",
                        facts.feed
                    ));
                }
                if let Some(search) = &read.search {
                    lookup.owners(search, id, user_name, &mut facts).await?;
                }
                Ok(facts)
            }
        }
    }
}

/// A version a feed lists for an id, and where its .nupkg is.
#[derive(Debug, Clone)]
pub struct ListedVersion {
    pub version: NuGetVersion,
    location: ListedAt,
}

#[derive(Debug, Clone)]
enum ListedAt {
    Url(Url),
    File(PathBuf),
    Nowhere,
}

/// A .nupkg fetched from a feed: a file in a folder feed, or a bounded
/// download in a temporary file (removed when this is dropped).
#[derive(Debug)]
pub enum FetchedPackage {
    InFolder(PathBuf),
    Downloaded(tempfile::NamedTempFile),
}

impl FetchedPackage {
    pub fn path(&self) -> &Path {
        match self {
            FetchedPackage::InFolder(p) => p,
            FetchedPackage::Downloaded(t) => t.path(),
        }
    }
}

impl FeedClient {
    /// Every version `source` lists for `id`: V3 flat container, else V2
    /// `FindPackagesById()`, or the folder layout. `Ok(None)` when the feed
    /// offers no way to list versions; an empty list for an id it does not know.
    pub async fn list_versions(
        &self,
        source: &Source,
        auth: &Auth,
        id: &str,
        options: &FactsOptions,
    ) -> Result<Option<Vec<ListedVersion>>, FeedError> {
        match &source.location {
            Location::Folder(root) => {
                let (root, id) = (root.clone(), id.to_string());
                let listed = tokio::task::spawn_blocking(move || folder_versions(&root, &id))
                    .await
                    .unwrap_or_default();
                Ok(Some(
                    listed
                        .into_iter()
                        .map(|(version, path)| ListedVersion {
                            version,
                            location: ListedAt::File(path),
                        })
                        .collect(),
                ))
            }
            Location::Url(url) => {
                let lookup = Lookup::new(self, source, auth, options);
                let read = lookup.read_endpoints(url).await?;
                Ok(lookup.versions(&read, id).await?.map(|list| {
                    list.into_iter()
                        .map(|l| ListedVersion {
                            version: l.version,
                            location: l.download.map_or(ListedAt::Nowhere, ListedAt::Url),
                        })
                        .collect()
                }))
            }
        }
    }

    /// Fetches one listed version's .nupkg: streamed to a temporary file with
    /// `options.max_package_bytes` and `options.download_timeout`.
    pub async fn fetch_version(
        &self,
        source: &Source,
        auth: &Auth,
        id: &str,
        listed: &ListedVersion,
        options: &FactsOptions,
    ) -> Result<FetchedPackage, FeedError> {
        let feed = feed_name(source);
        let what = format!("downloading {id} {}", listed.version.normalized());
        match &listed.location {
            ListedAt::File(path) => Ok(FetchedPackage::InFolder(path.clone())),
            ListedAt::Nowhere => Err(FeedError::Network {
                feed,
                what,
                detail: "the feed gives no download address for it".into(),
            }),
            ListedAt::Url(url) => {
                let lookup = Lookup::new(self, source, auth, options);
                lookup
                    .download(url)
                    .await
                    .map(FetchedPackage::Downloaded)
                    .map_err(|detail| FeedError::Network { feed, what, detail })
            }
        }
    }
}

/// The feed's name as the rules' messages show it: unlike
/// [`Source::name_or_location`] (how the user named the source), a folder
/// feed is named by its cleaned path and nuget.org by its own name, whatever
/// the source was called, since the finding is about where the package goes.
pub(crate) fn feed_name(source: &Source) -> String {
    match source.kind {
        FeedKind::NugetOrg => "nuget.org".to_string(),
        FeedKind::Local => match &source.location {
            // `./feed` typed in the current folder reads as `/home/ann/feed`, not `/home/ann/./feed`.
            Location::Folder(path) => path
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect::<PathBuf>()
                .display()
                .to_string(),
            Location::Url(url) => url.to_string(),
        },
        _ => source.label(),
    }
}

/// One lookup's requests: time and size limits, credentials only for the
/// source's own host (the lifecycle requests use it too).
pub(crate) struct Lookup<'a> {
    pub client: &'a FeedClient,
    pub source: &'a Source,
    pub auth: &'a Auth,
    pub options: &'a FactsOptions,
    pub feed: String,
}

impl<'a> Lookup<'a> {
    /// The lookup of `source` (its messages name the feed as [`feed_name`] does).
    pub fn new(
        client: &'a FeedClient,
        source: &'a Source,
        auth: &'a Auth,
        options: &'a FactsOptions,
    ) -> Lookup<'a> {
        Lookup {
            client,
            source,
            auth,
            options,
            feed: feed_name(source),
        }
    }
    pub(crate) async fn read_endpoints(&self, url: &Url) -> Result<ReadEndpoints, FeedError> {
        self.source.check_transport(url)?;
        match self.source.protocol {
            Protocol::V3 => {
                let index: ServiceIndex = tokio::time::timeout(
                    self.options.timeout,
                    self.client.service_index(self.source),
                )
                .await
                .map_err(|_| FeedError::Timeout {
                    feed: self.feed.clone(),
                    what: "loading its service index".into(),
                    seconds: self.options.timeout.as_secs(),
                })??;
                let parse = |u: &Option<String>| {
                    u.as_deref()
                        .and_then(|u| Url::parse(u).ok())
                        .filter(|u| self.source.check_transport(u).is_ok())
                };
                let publish = parse(&index.package_publish);
                Ok(ReadEndpoints {
                    base_address: parse(&index.package_base_address),
                    search: parse(&index.search_query_service),
                    v2_roots: publish.as_ref().map(v2_roots_for).unwrap_or_default(),
                    registrations: parse(&index.registrations_base_url),
                })
            }
            Protocol::V2 | Protocol::Folder => Ok(ReadEndpoints {
                base_address: None,
                search: None,
                v2_roots: v2_roots_for(url),
                registrations: None,
            }),
        }
    }

    /// A GET with the time limit, credentials for the source's own origin, and
    /// the key or token only there (never for nuget.org).
    pub(crate) fn get(&self, url: &Url, timeout: Duration) -> reqwest::RequestBuilder {
        let same_origin = self
            .source
            .url()
            .is_some_and(|s| s.origin() == url.origin());
        let auth = (same_origin && self.source.kind != FeedKind::NugetOrg).then_some(self.auth);
        self.client
            .request(reqwest::Method::GET, url, self.source, auth)
            .timeout(timeout)
    }

    /// GETs `url`; a redirect the client did not follow is the error naming the new location.
    async fn send(
        &self,
        url: &Url,
        timeout: Duration,
        what: &str,
    ) -> Result<reqwest::Response, FeedError> {
        let response = self
            .get(url, timeout)
            .send()
            .await
            .map_err(|e| self.transport(what, &e))?;
        match moved(&response, &self.feed) {
            Some(error) => Err(error),
            None => Ok(response),
        }
    }

    pub(crate) fn transport(&self, what: &str, error: &reqwest::Error) -> FeedError {
        if error.is_timeout() {
            FeedError::Timeout {
                feed: self.feed.clone(),
                what: what.to_string(),
                seconds: self.options.timeout.as_secs(),
            }
        } else {
            FeedError::Network {
                feed: self.feed.clone(),
                what: what.to_string(),
                detail: describe(error),
            }
        }
    }

    /// GETs a small answer: `Ok(None)` on 404, the body on success, a typed error otherwise.
    pub(crate) async fn small(&self, url: &Url, what: &str) -> Result<Option<Vec<u8>>, FeedError> {
        let response = self.send(url, self.options.timeout, what).await?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            let answer = crate::client::Answer::read(response).await;
            return Err(FeedError::HttpStatus {
                feed: self.feed.clone(),
                what: what.to_string(),
                status: status.as_u16(),
                server: answer.message(),
            });
        }
        self.read_body(response, url, what).await.map(Some)
    }

    pub(crate) async fn read_body(
        &self,
        mut response: reqwest::Response,
        url: &Url,
        what: &str,
    ) -> Result<Vec<u8>, FeedError> {
        let limit = self.options.max_answer_bytes;
        let too_large = || FeedError::AnswerTooLarge {
            feed: self.feed.clone(),
            url: crate::source::redact_text(url.as_str()),
            limit,
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport(what, &e))?
        {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    pub(crate) fn invalid(&self, url: &Url, detail: impl Into<String>) -> FeedError {
        FeedError::AnswerInvalid {
            feed: self.feed.clone(),
            url: crate::source::redact_text(url.as_str()),
            detail: detail.into(),
        }
    }

    /// Every version the feed lists for `id` (`None` when it has no way to list them).
    async fn versions(
        &self,
        read: &ReadEndpoints,
        id: &str,
    ) -> Result<Option<Vec<Listed>>, FeedError> {
        if let Some(base) = &read.base_address {
            return self.versions_v3(base, id).await.map(Some);
        }
        let mut last_error = None;
        for root in &self.client.v2_roots_in_order(&read.v2_roots) {
            match self.versions_v2(root, id).await {
                Ok(Some(list)) => {
                    self.client.remember_v2_root(&read.v2_roots, root);
                    return Ok(Some(list));
                }
                Ok(None) => continue,
                Err(e) => last_error = Some(e),
            }
        }
        match (last_error, read.v2_roots.first()) {
            (Some(e), _) => Err(e),
            // A V2 address where no V2 feed answers is not a feed at all; a V3
            // index without a flat container merely cannot list versions.
            (None, Some(root)) if self.source.protocol == Protocol::V2 => Err(self.invalid(
                root,
                "neither it nor the server's root answers FindPackagesById() as a NuGet V2 feed",
            )),
            (None, _) => Ok(None),
        }
    }

    async fn versions_v3(&self, base: &Url, id: &str) -> Result<Vec<Listed>, FeedError> {
        let lid = id.to_lowercase();
        let base_text = base.as_str().trim_end_matches('/');
        let url = Url::parse(&format!("{base_text}/{lid}/index.json")).map_err(|e| {
            self.invalid(
                base,
                format!("the flat container address is not valid ({e})"),
            )
        })?;
        let what = format!("listing the versions of {id}");
        let body = match self.client.remembered_listing(&url) {
            Some(body) => body,
            None => {
                let Some(body) = self.small(&url, &what).await? else {
                    return Ok(Vec::new());
                };
                self.client.keep_listing(&url, &body);
                std::sync::Arc::from(body)
            }
        };
        let versions = parse_flat_versions(&body).map_err(|d| self.invalid(&url, d))?;
        Ok(versions
            .into_iter()
            .map(|version| {
                let lver = version.normalized().to_lowercase();
                let download =
                    Url::parse(&format!("{base_text}/{lid}/{lver}/{lid}.{lver}.nupkg")).ok();
                Listed { version, download }
            })
            .collect())
    }

    /// `Ok(None)` when this root is not a V2 feed (404, 405, not an OData feed).
    async fn versions_v2(&self, root: &Url, id: &str) -> Result<Option<Vec<Listed>>, FeedError> {
        let V2Listing::Entries(entries) = self.v2_listing(root, id).await? else {
            // Not the V2 feed's root (try the next one).
            return Ok(None);
        };
        // The normalized version where the feed gives one; an entry whose
        // version cannot be parsed is skipped (it cannot be "lower").
        Ok(Some(
            entries
                .iter()
                .filter_map(|entry| {
                    let text = entry
                        .property("NormalizedVersion")
                        .or(entry.property("Version"))?;
                    let version = NuGetVersion::parse(text.trim()).ok()?;
                    let download = entry
                        .content_src
                        .as_deref()
                        .and_then(|s| Url::parse(s).ok());
                    Some(Listed { version, download })
                })
                .collect(),
        ))
    }

    /// Every entry of the V2 `FindPackagesById()` listing of `id` under `root`
    /// (all pages, at most [`crate::odata::MAX_PAGES`]), each `<content src>`
    /// made absolute against its page. Pages read while listings are
    /// remembered are read once.
    pub(crate) async fn v2_listing(&self, root: &Url, id: &str) -> Result<V2Listing, FeedError> {
        let mut next = crate::odata::find_packages_by_id(root, id);
        let mut entries = Vec::new();
        let mut pages = 0;
        let what = format!("listing the versions of {id}");
        while let Some(url) = next.take() {
            pages += 1;
            if pages > crate::odata::MAX_PAGES {
                return Err(self.invalid(
                    &url,
                    format!(
                        "it has more than {} pages of versions",
                        crate::odata::MAX_PAGES
                    ),
                ));
            }
            self.source.check_transport(&url)?;
            let body = match self.client.remembered_listing(&url) {
                Some(body) => body,
                None => {
                    let response = self.send(&url, self.options.timeout, &what).await?;
                    let status = response.status();
                    if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
                        return Ok(V2Listing::NotHere);
                    }
                    if !status.is_success() {
                        let answer = crate::client::Answer::read(response).await;
                        return Err(FeedError::HttpStatus {
                            feed: self.feed.clone(),
                            what,
                            status: status.as_u16(),
                            server: answer.message(),
                        });
                    }
                    let body = self.read_body(response, &url, &what).await?;
                    self.client.keep_listing(&url, &body);
                    std::sync::Arc::from(body)
                }
            };
            let Ok(page) = crate::odata::parse_page(&body) else {
                return Ok(V2Listing::NotOData(url));
            };
            entries.extend(page.entries.into_iter().map(|mut entry| {
                entry.content_src = entry
                    .content_src
                    .and_then(|s| url.join(&s).ok())
                    .map(String::from);
                entry
            }));
            next = page.next.and_then(|n| url.join(&n).ok());
        }
        Ok(V2Listing::Entries(entries))
    }

    /// Downloads the previous version (bounded) and reads its signature.
    async fn previous(
        &self,
        id: &str,
        previous: &Listed,
        notes: &mut Vec<String>,
    ) -> Option<PreviousVersion> {
        let version = previous.version.normalized();
        let Some(url) = &previous.download else {
            notes.push(format!(
                "{} gives no download address for {id} {version}, so Nupub could not tell whether it was signed",
                self.feed
            ));
            return None;
        };
        match self.download(url).await {
            Ok(file) => signature_of(file.path(), id, &version, &self.feed, notes).await,
            Err(why) => {
                notes.push(format!(
                    "Nupub could not tell whether {id} {version} on {} was signed: {why}",
                    self.feed
                ));
                None
            }
        }
    }

    /// Streams a .nupkg to a temporary file, never more than `max_package_bytes`.
    async fn download(&self, url: &Url) -> Result<tempfile::NamedTempFile, String> {
        self.source
            .check_transport(url)
            .map_err(|e| e.to_string())?;
        let limit = self.options.max_package_bytes;
        let too_large = || format!("its package is larger than {} MB", limit / (1024 * 1024));
        let failed = |e: reqwest::Error| format!("downloading it failed ({})", describe(&e));
        let mut response = self
            .get(url, self.options.download_timeout)
            .send()
            .await
            .map_err(failed)?;
        // A download the key went with may move to another origin (GitHub
        // Packages sends it to blob storage): it is fetched there without
        // any secret, and never over plain http from https.
        if let Some(elsewhere) = crate::client::location_of(&response) {
            if crate::client::redirect_rule(false, response.url(), &elsewhere).is_err()
                || self.source.check_transport(&elsewhere).is_err()
            {
                return Err(moved(&response, &self.feed)
                    .map(|e| e.to_string())
                    .unwrap_or_default());
            }
            response = self
                .client
                .request(reqwest::Method::GET, &elsewhere, self.source, None)
                .timeout(self.options.download_timeout)
                .send()
                .await
                .map_err(failed)?;
        }
        if !response.status().is_success() {
            return Err(format!(
                "downloading it from {} answered {}",
                crate::client::redact_url(response.url()),
                response.status().as_u16()
            ));
        }
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let temp = match &self.options.temp_dir {
            Some(dir) => tempfile::NamedTempFile::new_in(dir),
            None => tempfile::NamedTempFile::new(),
        }
        .map_err(|e| format!("no temporary file could be made ({e})"))?;
        let std_file = temp
            .reopen()
            .map_err(|e| format!("no temporary file could be made ({e})"))?;
        let mut file = tokio::fs::File::from_std(std_file);
        let mut written: u64 = 0;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("downloading it failed ({})", describe(&e)))?
        {
            written += chunk.len() as u64;
            if written > limit {
                return Err(too_large());
            }
            file.write_all(&chunk)
                .await
                .map_err(|e| format!("the temporary file could not be written ({e})"))?;
        }
        file.flush()
            .await
            .map_err(|e| format!("the temporary file could not be written ({e})"))?;
        Ok(temp)
    }

    /// Owners and `verified` from the search service.
    async fn owners(
        &self,
        search: &Url,
        id: &str,
        user_name: Option<&str>,
        facts: &mut FeedFacts,
    ) -> Result<(), FeedError> {
        let hits = self.search(search, &format!("packageid:{id}"), id).await?;
        if let Some(hit) = hits.iter().find(|h| h.id.eq_ignore_ascii_case(id)) {
            facts.id_exists = Some(true);
            facts.owners = hit.owners.clone();
            if let Some(user_name) = user_name {
                let mine = hit.owners.iter().any(|o| o.eq_ignore_ascii_case(user_name));
                if !hit.owners.is_empty() {
                    facts.you_are_owner = Some(mine);
                }
                facts.reserved_by_others = Some(hit.verified && !mine);
            }
            return Ok(());
        }
        if facts.id_exists == Some(true) {
            // Listed by the feed but not found by search (for example every version unlisted).
            return Ok(());
        }
        // A new id: search cannot say whether its prefix is reserved, but a
        // verified id sharing its first part is a strong hint.
        let Some((prefix, _)) = id.split_once('.') else {
            return Ok(());
        };
        if prefix.is_empty() {
            return Ok(());
        }
        let hits = self.search(search, prefix, id).await?;
        let wanted = format!("{}.", prefix.to_lowercase());
        let hint = hits.iter().find(|h| {
            let lower = h.id.to_lowercase();
            h.verified && (lower.starts_with(&wanted) || lower == prefix.to_lowercase())
        });
        if let Some(hit) = hint {
            let mine =
                user_name.is_some_and(|y| hit.owners.iter().any(|o| o.eq_ignore_ascii_case(y)));
            if !mine {
                facts.prefix_hint = Some(PrefixHint {
                    prefix: format!("{prefix}."),
                    verified_id: hit.id.clone(),
                    owners: hit.owners.clone(),
                });
            }
        }
        Ok(())
    }

    async fn search(&self, search: &Url, q: &str, id: &str) -> Result<Vec<SearchHit>, FeedError> {
        let mut url = search.clone();
        url.query_pairs_mut()
            .clear()
            .append_pair("q", q)
            .append_pair("prerelease", "true")
            .append_pair("semVerLevel", "2.0.0")
            .append_pair("take", "20");
        let what = format!("searching for {id}");
        let body = self
            .small(&url, &what)
            .await?
            .ok_or_else(|| self.invalid(&url, "the search service answered 404 Not Found"))?;
        parse_search(&body).map_err(|d| self.invalid(&url, d))
    }
}

/// The nearest version lower than `version` (build metadata ignored, as NuGet compares).
fn nearest_lower<'a>(list: &'a [Listed], version: &NuGetVersion) -> Option<&'a Listed> {
    list.iter()
        .filter(|l| l.version < *version)
        .max_by(|a, b| a.version.cmp(&b.version))
}

/// Opens a downloaded (or folder) .nupkg and says whether it was author-signed.
async fn signature_of(
    path: &Path,
    id: &str,
    version: &str,
    feed: &str,
    notes: &mut Vec<String>,
) -> Option<PreviousVersion> {
    let owned = path.to_path_buf();
    let opened = tokio::task::spawn_blocking(move || Package::open(&owned)).await;
    let package = match opened {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            notes.push(format!(
                "{id} {version} on {feed} could not be read, so Nupub could not tell whether it was signed: {e}"
            ));
            return None;
        }
        Err(e) => {
            notes.push(format!("reading {id} {version} stopped unexpectedly ({e})"));
            return None;
        }
    };
    let author_signed = match package.signature().map(|s| s.kind) {
        None | Some(SignatureKind::Repository) | Some(SignatureKind::Unknown) => false,
        Some(SignatureKind::Author) | Some(SignatureKind::AuthorWithRepositoryCountersignature) => {
            true
        }
        Some(SignatureKind::Unreadable) => {
            notes.push(format!(
                "the signature of {id} {version} on {feed} could not be read, so Nupub could not tell whether it was author-signed"
            ));
            return None;
        }
    };
    Some(PreviousVersion {
        version: version.to_string(),
        author_signed,
    })
}

/// A folder feed: version exists and versions from the layout; no owners.
async fn folder_facts(
    source: &Source,
    root: &Path,
    id: &str,
    version: &NuGetVersion,
) -> Result<FeedFacts, FeedError> {
    let feed = feed_name(source);
    let mut facts = FeedFacts {
        feed: feed.clone(),
        ..FeedFacts::default()
    };
    let (root_owned, id_owned) = (root.to_path_buf(), id.to_string());
    let normalized = version.normalized();
    let (norm, original) = (normalized.clone(), version.original().to_string());
    let (exists, listed) = tokio::task::spawn_blocking(move || {
        let exists = local::find_in_folder(&root_owned, &id_owned, &norm, &original).is_some();
        (exists, folder_versions(&root_owned, &id_owned))
    })
    .await
    .map_err(|e| FeedError::FileUnreadable {
        path: root.display().to_string(),
        detail: format!("reading the folder stopped unexpectedly ({e})"),
    })?;
    facts.version_exists = Some(exists);
    facts.id_exists = Some(!listed.is_empty());
    let lower = listed
        .iter()
        .filter(|(v, _)| v < version)
        .max_by(|a, b| a.0.cmp(&b.0));
    if let Some((previous, path)) = lower {
        facts.previous_version =
            signature_of(path, id, &previous.normalized(), &feed, &mut facts.notes).await;
    }
    Ok(facts)
}

/// The versions of `id` in a folder feed, with their .nupkg files: the
/// hierarchical `{id}/{version}/{id}.{version}.nupkg` and the flat
/// `{Id}.{Version}.nupkg` layouts (protocol reference §8).
fn folder_versions(root: &Path, id: &str) -> Vec<(NuGetVersion, PathBuf)> {
    let lid = id.to_lowercase();
    let mut out = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(root.join(&lid)) {
        for dir in dirs.flatten() {
            let name = dir.file_name().to_string_lossy().to_lowercase();
            let file = dir.path().join(format!("{lid}.{name}.nupkg"));
            if let (Ok(version), true) = (NuGetVersion::parse(&name), file.is_file()) {
                out.push((version, file));
            }
        }
    }
    if let Ok(files) = std::fs::read_dir(root) {
        for file in files.flatten() {
            let name = file.file_name().to_string_lossy().to_lowercase();
            let rest = name
                .strip_prefix(&format!("{lid}."))
                .and_then(|r| r.strip_suffix(".nupkg"));
            if let Some(Ok(version)) = rest.map(NuGetVersion::parse) {
                if file.path().is_file() && !out.iter().any(|(v, _)| *v == version) {
                    out.push((version, file.path()));
                }
            }
        }
    }
    out
}

/// `{"versions": ["1.0.0", …]}` from a flat container; unparsable versions are skipped.
pub(crate) fn parse_flat_versions(body: &[u8]) -> Result<Vec<NuGetVersion>, String> {
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("it is not JSON ({e})"))?;
    let list = json
        .get("versions")
        .and_then(|v| v.as_array())
        .ok_or("it has no 'versions' list")?;
    Ok(list
        .iter()
        .filter_map(|v| v.as_str())
        .filter_map(|v| NuGetVersion::parse(v.trim()).ok())
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct SearchHit {
    id: String,
    owners: Vec<String>,
    verified: bool,
}

/// A search answer: `{"data": [{"id", "owners": string or [string], "verified"}]}`.
/// Entries without a string `id` are skipped; `owners` or `verified` of
/// another type make the whole answer unreadable (the feed is not what it says).
fn parse_search(body: &[u8]) -> Result<Vec<SearchHit>, String> {
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("it is not JSON ({e})"))?;
    let data = json
        .get("data")
        .and_then(|d| d.as_array())
        .ok_or("it has no 'data' list")?;
    let mut hits = Vec::new();
    for item in data {
        let Some(id) = item.get("id").and_then(|v| v.as_str()) else {
            continue;
        };
        let owners = match item.get("owners") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::String(s)) => vec![s.trim().to_string()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect(),
            Some(serde_json::Value::Array(list)) => {
                let mut owners = Vec::new();
                for owner in list {
                    let owner = owner
                        .as_str()
                        .ok_or_else(|| format!("the owners of {id} are not text"))?;
                    if !owner.trim().is_empty() {
                        owners.push(owner.trim().to_string());
                    }
                }
                owners
            }
            Some(_) => return Err(format!("the owners of {id} are not text")),
        };
        let verified = match item.get("verified") {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(_) => return Err(format!("'verified' of {id} is not true or false")),
        };
        hits.push(SearchHit {
            id: id.to_string(),
            owners,
            verified,
        });
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> NuGetVersion {
        NuGetVersion::parse(text).unwrap()
    }

    #[test]
    fn nearest_lower_follows_nuget_ordering() {
        let list: Vec<Listed> = [
            "1.0.0",
            "1.10.0",
            "1.2.0",
            "2.0.0-beta.2",
            "2.0.0",
            "1.9.0+meta",
        ]
        .iter()
        .map(|s| Listed {
            version: v(s),
            download: None,
        })
        .collect();
        let lower = |s: &str| nearest_lower(&list, &v(s)).map(|l| l.version.normalized());
        assert_eq!(lower("2.0.0").as_deref(), Some("2.0.0-beta.2"));
        assert_eq!(lower("2.0.0-beta.10").as_deref(), Some("2.0.0-beta.2"));
        assert_eq!(lower("1.9.5").as_deref(), Some("1.9.0"));
        assert_eq!(lower("1.10.1").as_deref(), Some("1.10.0"));
        assert_eq!(lower("1.0.0"), None);
        assert_eq!(lower("0.1.0"), None);
    }

    #[test]
    fn search_answers_with_string_or_list_owners() {
        let hits = parse_search(
            br#"{"totalHits":3,"data":[
                {"id":"Contoso.Lib","version":"1.0.0","owners":"contoso","verified":true},
                {"id":"Contoso.Two","owners":["ann"," bob ",""],"verified":false},
                {"id":"Contoso.Three"},
                {"id":7,"owners":5},
                "junk"
            ]}"#,
        )
        .unwrap();
        assert_eq!(
            hits,
            [
                SearchHit {
                    id: "Contoso.Lib".into(),
                    owners: vec!["contoso".into()],
                    verified: true
                },
                SearchHit {
                    id: "Contoso.Two".into(),
                    owners: vec!["ann".into(), "bob".into()],
                    verified: false
                },
                SearchHit {
                    id: "Contoso.Three".into(),
                    owners: vec![],
                    verified: false
                },
            ]
        );
    }

    #[test]
    fn hostile_search_answers_are_refused() {
        for (body, needle) in [
            (&b""[..], "not JSON"),
            (b"<html><body>Service unavailable</body></html>", "not JSON"),
            (b"[]", "'data'"),
            (b"{\"data\":{}}", "'data'"),
            (b"{\"data\":[{\"id\":\"A\",\"owners\":5}]}", "owners of A"),
            (b"{\"data\":[{\"id\":\"A\",\"owners\":[1]}]}", "owners of A"),
            (
                b"{\"data\":[{\"id\":\"A\",\"verified\":\"yes\"}]}",
                "'verified' of A",
            ),
        ] {
            let err = parse_search(body).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn flat_container_versions() {
        let list =
            parse_flat_versions(br#"{"versions":["1.0.0","2.0.0-beta.1","not a version",5]}"#)
                .unwrap();
        assert_eq!(list, [v("1.0.0"), v("2.0.0-beta.1")]);
        assert!(parse_flat_versions(b"{\"versions\":\"1.0.0\"}").is_err());
        assert!(parse_flat_versions(b"\xff").is_err());
    }

    #[test]
    fn every_truncation_of_an_answer_is_handled_without_panic() {
        let search =
            br#"{"totalHits":1,"data":[{"id":"Contoso.Lib","owners":["a","b"],"verified":true}]}"#;
        let flat = br#"{"versions":["1.0.0","2.0.0-beta.1"]}"#;
        for n in 0..search.len() {
            assert!(parse_search(&search[..n]).is_err(), "{n}");
        }
        for n in 0..flat.len() {
            let _ = parse_flat_versions(&flat[..n]);
        }
        assert_eq!(parse_search(search).unwrap().len(), 1);
        assert_eq!(parse_flat_versions(flat).unwrap().len(), 2);
    }

    #[test]
    fn folder_versions_from_both_layouts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("contoso.lib/1.0.0")).unwrap();
        std::fs::write(root.join("contoso.lib/1.0.0/contoso.lib.1.0.0.nupkg"), b"x").unwrap();
        std::fs::create_dir_all(root.join("contoso.lib/not-a-version")).unwrap();
        std::fs::create_dir_all(root.join("contoso.lib/3.0.0")).unwrap(); // no .nupkg: not counted
        std::fs::write(root.join("Contoso.Lib.2.0.nupkg"), b"x").unwrap();
        std::fs::write(root.join("Contoso.Lib.Extra.1.0.0.nupkg"), b"x").unwrap();
        std::fs::write(root.join("Contoso.Lib.1.0.0.nupkg"), b"x").unwrap(); // same as the folder
        let mut versions: Vec<String> = folder_versions(root, "Contoso.Lib")
            .into_iter()
            .map(|(v, _)| v.normalized())
            .collect();
        versions.sort();
        assert_eq!(versions, ["1.0.0", "2.0.0"]);
        assert!(folder_versions(&root.join("missing"), "Contoso.Lib").is_empty());
    }
}
