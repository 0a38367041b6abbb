//! The HTTP side of feeds: one [`FeedClient`] holds the connection pools and
//! the service index cache; it resolves endpoints, asks whether a version
//! exists, and unlists or relists.
//!
//! # Redirects: a secret never leaves its origin
//!
//! reqwest drops only `Authorization`-like headers when a redirect changes
//! origin; `X-NuGet-ApiKey` would travel on. So every request is built by
//! [`FeedClient::request`], which attaches the secrets itself and then picks
//! the connection rules from what it attached (a per-request decision, made
//! from the request's own headers, never from a caller's flag):
//!
//! - **no secret, GET/HEAD** (`open`): redirects are followed to any origin
//!   (GitHub Packages downloads go to blob storage), at most
//!   [`MAX_REDIRECTS`], never from https to plain http;
//! - **a secret** (API key, Azure's placeholder key, Bearer token, Basic
//!   credentials), **or the service index** (it names where the key will
//!   go), GET/HEAD (`keyed`): only same-origin redirects (scheme, host and
//!   port) are followed;
//! - **PUT, DELETE, POST** (`writes`): reqwest never follows them (a 301/302/303
//!   would turn them into a GET that "succeeds" without sending anything);
//!   the caller re-sends the same request to a same-origin `Location` itself
//!   ([`follow_write`]), as .NET's HttpClient does for PUT and DELETE.
//!
//! A redirect that is not followed reaches the caller as a 3xx answer and
//! becomes [`FeedError::RedirectRefused`] naming the new location (without
//! its user name, password or query string); nothing is sent there.

use crate::error::FeedError;
use crate::index::ServiceIndex;
use crate::secret::ApiKey;
use crate::source::{package_endpoint, push_endpoint, FeedKind, Location, Protocol, Source};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::Url;

/// The official client keeps a loaded service index for 40 minutes.
const INDEX_TTL: Duration = Duration::from_secs(40 * 60);
/// Limit for reading small answers (indexes, error bodies, feeds).
pub(crate) const SMALL_BODY_LIMIT: usize = 8 * 1024 * 1024;
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Authentication sent to a feed. Never logged: the fields redact.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    /// `X-NuGet-ApiKey`; omitted when `None` or empty, as the official client does.
    pub api_key: Option<ApiKey>,
    /// `Authorization: Bearer` (Azure Artifacts when signed in).
    pub bearer_token: Option<ApiKey>,
}

impl Auth {
    pub fn key(key: ApiKey) -> Auth {
        Auth {
            api_key: Some(key),
            bearer_token: None,
        }
    }
}

/// The URLs Nupub uses for one source.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// PUT target, with the trailing slash (`…/api/v2/package/`).
    pub publish: Url,
    pub symbols: Option<Url>,
    /// V3 flat container.
    pub base_address: Option<Url>,
    /// Candidate V2 feed roots for `FindPackagesById()`, best first.
    pub v2_roots: Vec<Url>,
}

/// Does an exact version exist on the feed?
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existence {
    Present,
    Absent,
    /// The feed could not tell; the text says why.
    Unknown(String),
}

pub struct FeedClient {
    /// GET/HEAD without secrets: follows redirects to any origin, never https→http.
    open: reqwest::Client,
    /// GET/HEAD with a secret, and the service index: same-origin redirects only.
    keyed: reqwest::Client,
    /// PUT/DELETE/POST: no redirect followed by reqwest (see [`follow_write`]).
    writes: reqwest::Client,
    index_cache: Mutex<HashMap<String, (Instant, ServiceIndex)>>,
    /// For a list of V2 roots (keyed by the first), the one that answered as a
    /// V2 feed: tried first next time, so a client asking many questions of
    /// one feed (a set of packages) does not probe a root known to 404.
    v2_root_memo: Mutex<HashMap<String, Url>>,
    /// While a plan is made ([`FeedClient::remember_listings`]): the version
    /// listings already read, by address. A plan asks about one id three
    /// times (does the version exist, the feed facts, the previous version
    /// to compare with); with this the feed answers once, and the three see
    /// the same snapshot. `None` (the default, and during uploads) reads
    /// every listing afresh: after a PUT only a fresh answer says anything.
    listings: Mutex<Option<HashMap<String, std::sync::Arc<[u8]>>>>,
}

impl std::fmt::Debug for FeedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedClient").finish_non_exhaustive()
    }
}

/// `Nupub/<version> (<OS>)`.
pub fn user_agent() -> String {
    format!(
        "Nupub/{} ({})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    )
}

impl FeedClient {
    pub fn new() -> Result<FeedClient, FeedError> {
        // reqwest is built without a default crypto provider (see Cargo.toml);
        // installing ring fails harmlessly when another part already installed one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let build = |policy: reqwest::redirect::Policy| {
            reqwest::Client::builder()
                .user_agent(user_agent())
                .connect_timeout(Duration::from_secs(30))
                .redirect(policy)
                .build()
                .map_err(|e| FeedError::Network {
                    feed: "(none)".into(),
                    what: "preparing the HTTP client".into(),
                    detail: e.to_string(),
                })
        };
        Ok(FeedClient {
            open: build(redirect_policy(false))?,
            keyed: build(redirect_policy(true))?,
            writes: build(reqwest::redirect::Policy::none())?,
            index_cache: Mutex::new(HashMap::new()),
            v2_root_memo: Mutex::new(HashMap::new()),
            listings: Mutex::new(None),
        })
    }

    /// From now on, a version listing (V2 `FindPackagesById()` pages, the V3
    /// flat container's version list) read once is reused: for making plans.
    pub fn remember_listings(&self) {
        if let Ok(mut listings) = self.listings.lock() {
            *listings = Some(HashMap::new());
        }
    }

    /// Back to reading every listing afresh (before anything is sent).
    pub fn forget_listings(&self) {
        if let Ok(mut listings) = self.listings.lock() {
            *listings = None;
        }
    }

    /// The listing read from `url` while listings are remembered.
    pub(crate) fn remembered_listing(&self, url: &Url) -> Option<std::sync::Arc<[u8]>> {
        self.listings
            .lock()
            .ok()?
            .as_ref()?
            .get(url.as_str())
            .cloned()
    }

    /// Keeps a listing's successful answer while listings are remembered.
    pub(crate) fn keep_listing(&self, url: &Url, body: &[u8]) {
        if let Ok(mut listings) = self.listings.lock() {
            if let Some(listings) = listings.as_mut() {
                listings.insert(url.as_str().to_string(), std::sync::Arc::from(body));
            }
        }
    }

    /// A request to `url` for `source`, with the source's Basic credentials
    /// (same origin only) and, when `auth` is given, the key or token. The
    /// client is chosen from the headers actually attached (module docs).
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        url: &Url,
        source: &Source,
        auth: Option<&Auth>,
    ) -> reqwest::RequestBuilder {
        let mut headers = HeaderMap::new();
        credentials_header(&mut headers, source, url);
        if let Some(auth) = auth {
            auth_headers(&mut headers, auth, source);
        }
        // What is logged: the method, the address without user info or query, and
        // whether a secret goes with it; never the secret.
        tracing::debug!(%method, url = %redact_url(url), secret = !headers.is_empty(), "request");
        let client = if method != reqwest::Method::GET && method != reqwest::Method::HEAD {
            &self.writes
        } else if headers.is_empty() {
            &self.open
        } else {
            &self.keyed
        };
        client.request(method, url.clone()).headers(headers)
    }
    /// Loads (or takes from the cache) a V3 service index.
    #[tracing::instrument(level = "debug", err, skip_all, fields(feed = %source.label()))]
    pub async fn service_index(&self, source: &Source) -> Result<ServiceIndex, FeedError> {
        let url = source.url().ok_or_else(|| FeedError::InvalidUrl {
            given: source.location.display(),
            reason: "a folder has no service index".into(),
        })?;
        source.check_transport(url)?;
        let key = url.to_string();
        if let Ok(cache) = self.index_cache.lock() {
            if let Some((at, index)) = cache.get(&key) {
                if at.elapsed() < INDEX_TTL {
                    return Ok(index.clone());
                }
            }
        }
        let unreachable = |detail: String| FeedError::IndexUnreachable {
            url: key.clone(),
            detail,
        };
        // The index names where the key goes, so it never moves to another origin.
        let mut headers = HeaderMap::new();
        credentials_header(&mut headers, source, url);
        let request = self
            .keyed
            .get(url.clone())
            .headers(headers)
            .timeout(Duration::from_secs(100));
        let response = request
            .send()
            .await
            .map_err(|e| unreachable(describe(&e)))?;
        if let Some(moved) = moved(&response, &source.label()) {
            return Err(moved);
        }
        let status = response.status();
        if !status.is_success() {
            return Err(unreachable(format!(
                "the server answered {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or_default()
            )));
        }
        let body = read_limited(response, SMALL_BODY_LIMIT)
            .await
            .map_err(unreachable)?;
        let index = ServiceIndex::parse(&key, &body)?;
        if let Ok(mut cache) = self.index_cache.lock() {
            cache.insert(key, (Instant::now(), index.clone()));
        }
        Ok(index)
    }

    /// The endpoints of an HTTP source.
    #[tracing::instrument(level = "debug", err, skip_all, fields(feed = %source.label()))]
    pub async fn endpoints(&self, source: &Source) -> Result<Endpoints, FeedError> {
        let url = match &source.location {
            Location::Url(url) => url.clone(),
            Location::Folder(path) => {
                return Err(FeedError::InvalidUrl {
                    given: path.display().to_string(),
                    reason: "a folder feed has no HTTP endpoints".into(),
                })
            }
        };
        source.check_transport(&url)?;
        match source.protocol {
            Protocol::V3 => {
                let index = self.service_index(source).await?;
                let publish = index
                    .package_publish
                    .as_deref()
                    .and_then(|u| Url::parse(u).ok())
                    .ok_or_else(|| FeedError::NoPublishResource {
                        url: url.to_string(),
                    })?;
                source.check_transport(&publish)?;
                let parse = |u: &Option<String>| {
                    u.as_deref()
                        .and_then(|u| Url::parse(u).ok())
                        .filter(|u| source.check_transport(u).is_ok())
                };
                Ok(Endpoints {
                    v2_roots: v2_roots(&publish),
                    publish: push_endpoint(&publish),
                    symbols: parse(&index.symbol_package_publish).map(|u| push_endpoint(&u)),
                    base_address: parse(&index.package_base_address),
                })
            }
            Protocol::V2 | Protocol::Folder => Ok(Endpoints {
                v2_roots: v2_roots(&url),
                publish: push_endpoint(&url),
                symbols: None,
                base_address: None,
            }),
        }
    }

    /// `roots` with the one that last answered as a V2 feed first.
    pub(crate) fn v2_roots_in_order(&self, roots: &[Url]) -> Vec<Url> {
        let known = roots.first().and_then(|first| {
            self.v2_root_memo
                .lock()
                .ok()
                .and_then(|memo| memo.get(first.as_str()).cloned())
        });
        let mut ordered: Vec<Url> = known.iter().cloned().collect();
        ordered.extend(roots.iter().filter(|r| Some(*r) != known.as_ref()).cloned());
        ordered
    }

    /// Notes that `root` (one of `roots`) answered as a V2 feed.
    pub(crate) fn remember_v2_root(&self, roots: &[Url], root: &Url) {
        if let (Some(first), Ok(mut memo)) = (roots.first(), self.v2_root_memo.lock()) {
            memo.insert(first.as_str().to_string(), root.clone());
        }
    }

    /// Asks the feed whether `id` `version` exists: the V3 flat container when
    /// the index has one, else the V2 `FindPackagesById()` query.
    pub async fn exists(
        &self,
        source: &Source,
        endpoints: &Endpoints,
        id: &str,
        version: &str,
        original_version: &str,
    ) -> Existence {
        if let Some(base) = &endpoints.base_address {
            return self.exists_v3(source, base, id, version).await;
        }
        let mut last = String::from("the feed offers no way to look a version up");
        for root in &self.v2_roots_in_order(&endpoints.v2_roots) {
            match self
                .exists_v2(source, root, id, version, original_version)
                .await
            {
                V2Answer::Known(existence) => {
                    self.remember_v2_root(&endpoints.v2_roots, root);
                    return existence;
                }
                V2Answer::NoSuchRoute(detail) | V2Answer::Failed(detail) => last = detail,
            }
        }
        Existence::Unknown(last)
    }

    async fn exists_v3(&self, source: &Source, base: &Url, id: &str, version: &str) -> Existence {
        let lid = id.to_lowercase();
        let lver = version.to_lowercase();
        let base = base.as_str().trim_end_matches('/');
        let Ok(url) = Url::parse(&format!("{base}/{lid}/{lver}/{lid}.nuspec")) else {
            return Existence::Unknown("the flat container address is not valid".into());
        };
        let request = self
            .request(reqwest::Method::HEAD, &url, source, None)
            .timeout(Duration::from_secs(60));
        match request.send().await {
            Ok(r) if moved(&r, "").is_some() => Existence::Unknown(moved_text(&r)),
            Ok(r) if r.status().is_success() => Existence::Present,
            Ok(r) if r.status() == StatusCode::NOT_FOUND => Existence::Absent,
            Ok(r) => Existence::Unknown(format!("{url} answered {}", r.status().as_u16())),
            Err(e) => Existence::Unknown(format!("{url}: {}", describe(&e))),
        }
    }

    async fn exists_v2(
        &self,
        source: &Source,
        root: &Url,
        id: &str,
        version: &str,
        original_version: &str,
    ) -> V2Answer {
        let mut next = crate::odata::find_packages_by_id(root, id);
        let first = next.as_ref().map(Url::to_string).unwrap_or_default();
        let mut pages = 0;
        let wanted = [
            strip_metadata(version).to_lowercase(),
            strip_metadata(original_version).to_lowercase(),
        ];
        while let Some(url) = next.take() {
            pages += 1;
            if pages > crate::odata::MAX_PAGES {
                return V2Answer::Failed(format!(
                    "{first} has more than {} pages",
                    crate::odata::MAX_PAGES
                ));
            }
            if source.check_transport(&url).is_err() {
                return V2Answer::Failed(format!("{url} is not https"));
            }
            let body = match self.remembered_listing(&url) {
                Some(body) => body,
                None => match self.read_v2_page(source, &url).await {
                    Ok(body) => body,
                    Err(answer) => return answer,
                },
            };
            let page = match crate::odata::parse_page(&body) {
                Ok(page) => page,
                Err(e) => return V2Answer::NoSuchRoute(format!("{url} is not a V2 feed ({e})")),
            };
            let listed = page.entries.iter().flat_map(|e| {
                [e.property("Version"), e.property("NormalizedVersion")]
                    .into_iter()
                    .flatten()
            });
            if listed
                .into_iter()
                .any(|v| wanted.contains(&strip_metadata(v).to_lowercase()))
            {
                return V2Answer::Known(Existence::Present);
            }
            next = page.next.and_then(|n| url.join(&n).ok());
        }
        V2Answer::Known(Existence::Absent)
    }

    /// One page of a V2 listing for [`Self::exists_v2`] (kept while listings are remembered).
    async fn read_v2_page(
        &self,
        source: &Source,
        url: &Url,
    ) -> Result<std::sync::Arc<[u8]>, V2Answer> {
        let request = self
            .request(reqwest::Method::GET, url, source, None)
            .timeout(Duration::from_secs(60));
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Err(V2Answer::Failed(format!("{url}: {}", describe(&e)))),
        };
        if moved(&response, "").is_some() {
            return Err(V2Answer::Failed(moved_text(&response)));
        }
        let status = response.status();
        if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
            return Err(V2Answer::NoSuchRoute(format!(
                "{url} answered {}",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            return Err(V2Answer::Failed(format!(
                "{url} answered {}",
                status.as_u16()
            )));
        }
        match read_limited(response, SMALL_BODY_LIMIT).await {
            Ok(body) => {
                self.keep_listing(url, &body);
                Ok(std::sync::Arc::from(body))
            }
            Err(e) => Err(V2Answer::Failed(format!("{url}: {e}"))),
        }
    }

    /// Unlists (DELETE) a version on an HTTP feed.
    #[tracing::instrument(err, skip(self, source, auth), fields(feed = %source.label()))]
    pub async fn unlist(
        &self,
        source: &Source,
        id: &str,
        version: &str,
        auth: &Auth,
    ) -> Result<(), FeedError> {
        self.listing(
            source,
            id,
            version,
            auth,
            reqwest::Method::DELETE,
            "unlisting",
        )
        .await
    }

    /// Relists (POST) a version on an HTTP feed.
    #[tracing::instrument(err, skip(self, source, auth), fields(feed = %source.label()))]
    pub async fn relist(
        &self,
        source: &Source,
        id: &str,
        version: &str,
        auth: &Auth,
    ) -> Result<(), FeedError> {
        self.listing(
            source,
            id,
            version,
            auth,
            reqwest::Method::POST,
            "relisting",
        )
        .await
    }

    async fn listing(
        &self,
        source: &Source,
        id: &str,
        version: &str,
        auth: &Auth,
        method: reqwest::Method,
        what: &str,
    ) -> Result<(), FeedError> {
        let answer = self
            .send_listing(source, id, version, auth, method, what)
            .await?;
        let feed = source.label();
        if answer.status.is_success() {
            return Ok(());
        }
        if answer.status == StatusCode::NOT_FOUND {
            return Err(FeedError::NotFound {
                feed,
                id: id.into(),
                version: version.into(),
            });
        }
        Err(answer.error(
            &feed,
            source,
            id,
            version,
            &format!("{what} {id} {version}"),
            auth,
        ))
    }

    /// Sends an unlist (DELETE) or relist (POST) and returns the feed's whole
    /// answer (the caller decides what a 429 or a 405 means).
    pub(crate) async fn send_listing(
        &self,
        source: &Source,
        id: &str,
        version: &str,
        auth: &Auth,
        method: reqwest::Method,
        what: &str,
    ) -> Result<Answer, FeedError> {
        let endpoints = self.endpoints(source).await?;
        let mut url = package_endpoint(&endpoints.publish, id, version);
        let feed = source.label();
        let mut hops = 0;
        loop {
            let request = self
                .request(method.clone(), &url, source, Some(auth))
                .header(reqwest::header::CONTENT_LENGTH, "0")
                .timeout(Duration::from_secs(100));
            let response = request.send().await.map_err(|e| FeedError::Network {
                feed: feed.clone(),
                what: format!("{what} {id} {version}"),
                detail: describe(&e),
            })?;
            let answer = Answer::read(response).await;
            match follow_write(&answer, &url, &mut hops, &feed)? {
                Some(next) => url = next,
                None => return Ok(answer),
            }
        }
    }
}

enum V2Answer {
    Known(Existence),
    NoSuchRoute(String),
    Failed(String),
}

fn strip_metadata(version: &str) -> &str {
    version.split('+').next().unwrap_or(version).trim()
}

/// V2 feed roots to query, derived from a push URL: `…/api/v2/package` →
/// `…/api/v2/`, then the host root (servers such as pynuget serve their
/// OData feed there).
pub fn v2_roots(push: &Url) -> Vec<Url> {
    let mut roots = Vec::new();
    let path = push.path().trim_end_matches('/');
    let mut base = push.clone();
    base.set_query(None);
    base.set_fragment(None);
    if let Some(parent) = path.strip_suffix("/package") {
        base.set_path(&format!("{parent}/"));
    } else if path.is_empty() {
        base.set_path("/api/v2/");
    } else {
        base.set_path(&format!("{path}/"));
    }
    roots.push(base.clone());
    let mut host_root = base;
    host_root.set_path("/");
    if !roots.contains(&host_root) {
        roots.push(host_root);
    }
    roots
}

/// The most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 10;

/// Why a redirect is not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectRefusal {
    /// From https to plain http: never, with or without a secret.
    Downgrade,
    /// To another scheme, host or port while the request carries a secret.
    OtherOrigin,
    /// The same origin, but following would change the request (a 303 for a
    /// PUT, DELETE or POST).
    ChangesRequest,
}

impl RedirectRefusal {
    fn why(self) -> &'static str {
        match self {
            RedirectRefusal::Downgrade => {
                "it leads from https to plain http, where everything sent could be read on the way"
            }
            RedirectRefusal::OtherOrigin => {
                "it leads to another address (scheme, host or port) than the feed's, and your key or credentials are only ever sent to the feed's own address"
            }
            RedirectRefusal::ChangesRequest => {
                "following it would not send the same request again"
            }
        }
    }
}

/// The one redirect rule (both reqwest policies and [`follow_write`] use it):
/// never https→http; with a secret, only within the same origin.
pub fn redirect_rule(carries_secret: bool, from: &Url, to: &Url) -> Result<(), RedirectRefusal> {
    if from.scheme() == "https" && to.scheme() != "https" {
        return Err(RedirectRefusal::Downgrade);
    }
    if carries_secret && from.origin() != to.origin() {
        return Err(RedirectRefusal::OtherOrigin);
    }
    Ok(())
}

/// reqwest's policy for GET/HEAD: a refused redirect stops (the 3xx reaches
/// the caller, which names the new location); too many is an error.
fn redirect_policy(carries_secret: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        let allowed = match attempt.previous().last() {
            Some(from) => redirect_rule(carries_secret, from, attempt.url()).is_ok(),
            None => false,
        };
        if allowed {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// For a PUT, DELETE or POST answered with a redirect: the same-origin
/// location to send the same request to again (301, 302, 307, 308 keep the
/// method, as .NET's HttpClient does for PUT and DELETE), `None` when the
/// answer is not a redirect, or [`FeedError::RedirectRefused`].
pub(crate) fn follow_write(
    answer: &Answer,
    from: &Url,
    hops: &mut usize,
    feed: &str,
) -> Result<Option<Url>, FeedError> {
    let Some(to) = answer.location.clone() else {
        return Ok(None);
    };
    let refusal = match redirect_rule(true, from, &to) {
        Err(refusal) => Some(refusal),
        Ok(()) if answer.status == StatusCode::SEE_OTHER => Some(RedirectRefusal::ChangesRequest),
        Ok(()) => None,
    };
    *hops += 1;
    match refusal {
        None if *hops <= MAX_REDIRECTS => Ok(Some(to)),
        None => Err(FeedError::Network {
            feed: feed.to_string(),
            what: format!("following the redirects from {}", redact_url(from)),
            detail: format!("more than {MAX_REDIRECTS} redirects"),
        }),
        Some(refusal) => Err(refused(feed, answer.status, &to, refusal)),
    }
}

fn refused(feed: &str, status: StatusCode, to: &Url, refusal: RedirectRefusal) -> FeedError {
    tracing::warn!(status = status.as_u16(), to = %redact_url(to), ?refusal, "redirect not followed");
    FeedError::RedirectRefused {
        feed: feed.to_string(),
        status: status.as_u16(),
        to: redact_url(to),
        why: refusal.why().to_string(),
    }
}

/// The resolved `Location` of a redirect answer.
pub(crate) fn location_of(response: &reqwest::Response) -> Option<Url> {
    if !response.status().is_redirection() {
        return None;
    }
    let value = response
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    response.url().join(value.trim()).ok()
}

/// A redirect the client did not follow, as the error that names the new
/// location (`None` for any other answer).
pub(crate) fn moved(response: &reqwest::Response, feed: &str) -> Option<FeedError> {
    let to = location_of(response)?;
    let refusal = redirect_rule(true, response.url(), &to)
        .err()
        .unwrap_or(RedirectRefusal::ChangesRequest);
    Some(refused(feed, response.status(), &to, refusal))
}

/// [`moved`] as one line, for answers that become a note or an "unknown".
fn moved_text(response: &reqwest::Response) -> String {
    match location_of(response) {
        Some(to) => format!(
            "{} answered {} and moved to {}, which Nupub does not follow",
            redact_url(response.url()),
            response.status().as_u16(),
            redact_url(&to)
        ),
        None => format!(
            "{} answered {}",
            redact_url(response.url()),
            response.status().as_u16()
        ),
    }
}

/// Basic authentication from `packageSourceCredentials` (or the source URL's
/// user info), only for URLs of the source's own origin.
fn credentials_header(headers: &mut HeaderMap, source: &Source, url: &Url) {
    let same_origin = source.url().is_some_and(|s| s.origin() == url.origin());
    let Some(credentials) = source.credentials.as_ref().filter(|_| same_origin) else {
        return;
    };
    use base64::Engine as _;
    // The encoded pair and the header text are wiped when dropped.
    let mut pair = zeroize::Zeroizing::new(Vec::new());
    pair.extend_from_slice(credentials.username.as_bytes());
    pair.push(b':');
    pair.extend_from_slice(credentials.password().as_bytes());
    let mut value = zeroize::Zeroizing::new(b"Basic ".to_vec());
    value.extend_from_slice(
        base64::engine::general_purpose::STANDARD
            .encode(pair.as_slice())
            .as_bytes(),
    );
    insert_sensitive(headers, reqwest::header::AUTHORIZATION, &value);
}

/// The API key (never when empty; Azure Artifacts' placeholder otherwise)
/// and the bearer token, marked sensitive, built without a plain copy.
fn auth_headers(headers: &mut HeaderMap, auth: &Auth, source: &Source) {
    /// Azure Artifacts requires the header but ignores its value (its docs use "AZ").
    const AZURE_PLACEHOLDER: &[u8] = b"AZ";
    let key = match (&auth.api_key, source.kind) {
        (Some(key), _) if !key.is_empty() => Some(key.expose().as_bytes()),
        (_, FeedKind::AzureArtifacts) => Some(AZURE_PLACEHOLDER),
        _ => None,
    };
    if let Some(key) = key {
        insert_sensitive(
            headers,
            reqwest::header::HeaderName::from_static("x-nuget-apikey"),
            key,
        );
    }
    if let Some(token) = &auth.bearer_token {
        let mut value = zeroize::Zeroizing::new(b"Bearer ".to_vec());
        value.extend_from_slice(token.expose().as_bytes());
        insert_sensitive(headers, reqwest::header::AUTHORIZATION, &value);
    }
}

fn insert_sensitive(headers: &mut HeaderMap, name: reqwest::header::HeaderName, value: &[u8]) {
    if let Ok(mut value) = HeaderValue::from_bytes(value) {
        value.set_sensitive(true);
        headers.insert(name, value);
    }
}

/// A URL as Nupub shows it: no user name or password, no query string or
/// fragment (signed download addresses carry tokens there).
pub fn redact_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// A transport error in plain words, without URLs' query strings or secrets.
pub(crate) fn describe(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = if error.is_timeout() {
        "the request timed out".to_string()
    } else if error.is_connect() {
        "the connection could not be made".to_string()
    } else {
        "the connection failed".to_string()
    };
    let mut source = error.source();
    let mut seen = 0;
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !cause_text.is_empty() && !text.contains(&cause_text) && seen < 3 {
            text.push_str(": ");
            text.push_str(&cause_text);
            seen += 1;
        }
        source = cause.source();
    }
    text
}

pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(format!("the answer is larger than {limit} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(describe(&e)),
        }
    }
}

/// A feed's answer, read into memory (status, reason phrase, body text, headers of interest).
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub reason: Option<String>,
    pub body: String,
    pub warnings: Vec<String>,
    pub retry_after: Option<Duration>,
    /// Where a redirect answer points (resolved against the request's URL).
    pub location: Option<Url>,
}

impl Answer {
    pub async fn read(response: reqwest::Response) -> Answer {
        let status = response.status();
        let reason = response
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned());
        let headers = response.headers().clone();
        let location = location_of(&response);
        let body = tokio::time::timeout(
            Duration::from_secs(60),
            read_limited(response, ERROR_BODY_LIMIT),
        )
        .await
        .ok()
        .and_then(Result::ok)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
        Answer {
            status,
            reason,
            body,
            warnings: warnings(&headers),
            retry_after: retry_after(&headers),
            location,
        }
    }

    /// The server's own words: the reason phrase when it is not the standard
    /// one, else the body (plain text, first lines), else the standard phrase.
    pub fn message(&self) -> String {
        let canonical = self.status.canonical_reason().unwrap_or_default();
        if let Some(reason) = &self.reason {
            if !reason.trim().is_empty() && !reason.trim().eq_ignore_ascii_case(canonical) {
                return reason.trim().to_string();
            }
        }
        let body = plain_text(&self.body);
        if !body.is_empty() {
            return body;
        }
        format!("{} {canonical}", self.status.as_u16())
    }

    /// Maps a failed answer to the error that explains it (protocol reference §3.3).
    pub fn error(
        &self,
        feed: &str,
        source: &Source,
        id: &str,
        version: &str,
        what: &str,
        auth: &Auth,
    ) -> FeedError {
        let server = self.message();
        let lower = server.to_lowercase();
        let nuget_org = source.kind == FeedKind::NugetOrg;
        let feed = feed.to_string();
        let (id, version) = (id.to_string(), version.to_string());
        match self.status.as_u16() {
            400 => FeedError::Rejected {
                feed,
                id,
                version,
                server,
            },
            401 | 403 => {
                let no_key = auth.api_key.as_ref().is_none_or(ApiKey::is_empty)
                    && auth.bearer_token.is_none()
                    && source.credentials.is_none();
                if lower.contains("owner that is unconfirmed") {
                    FeedError::OwnerUnconfirmed { feed, server }
                } else if lower.contains("owner that is locked") {
                    FeedError::OwnerLocked { feed, server }
                } else if lower.contains("has been locked") {
                    FeedError::PackageLocked { feed, id, server }
                } else if no_key || lower.contains("must be provided") {
                    FeedError::NoApiKey { feed, server }
                } else {
                    FeedError::KeyRefused {
                        feed,
                        id,
                        version,
                        status: self.status.as_u16(),
                        server,
                        nuget_org,
                    }
                }
            }
            409 if lower.contains("reserved") => FeedError::ReservedPrefix { feed, id, server },
            409 => FeedError::VersionExists {
                feed,
                id,
                version,
                detail: format!(" (the feed says: {server})"),
                nuget_org,
            },
            413 => FeedError::TooLarge {
                feed,
                file: what.to_string(),
                server,
            },
            status => FeedError::HttpStatus {
                feed,
                what: what.to_string(),
                status,
                server,
            },
        }
    }
}

/// The body as one or a few plain lines (HTML tags dropped, at most 500 characters).
fn plain_text(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 500 {
        let cut: String = collapsed.chars().take(497).collect();
        format!("{cut}...")
    } else {
        collapsed
    }
}

fn warnings(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("X-NuGet-Warning")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// The warning about the key's expiry, among the feed's warnings.
pub(crate) fn key_warning(warnings: &[String]) -> Option<String> {
    warnings
        .iter()
        .find(|w| {
            let l = w.to_lowercase();
            l.contains("api key expires") || l.contains("api key has expired")
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn redirects_with_a_secret_stay_on_the_origin_and_never_go_to_http() {
        let from = url("https://feed.test/api/v2/package/");
        // Same origin: followed with or without a secret.
        for secret in [true, false] {
            assert_eq!(
                redirect_rule(secret, &from, &url("https://feed.test/other/path")),
                Ok(())
            );
            assert_eq!(
                redirect_rule(secret, &from, &url("https://FEED.test:443/x")),
                Ok(())
            );
        }
        // https → http: never, same host or not, secret or not.
        for to in ["http://feed.test/api/v2/package/", "http://elsewhere.test/"] {
            for secret in [true, false] {
                assert_eq!(
                    redirect_rule(secret, &from, &url(to)),
                    Err(RedirectRefusal::Downgrade),
                    "{to}"
                );
            }
        }
        // Another host, port or scheme: only without a secret.
        for to in [
            "https://elsewhere.test/api/v2/package/",
            "https://feed.test:8443/api/v2/package/",
            "https://sub.feed.test/",
        ] {
            assert_eq!(
                redirect_rule(true, &from, &url(to)),
                Err(RedirectRefusal::OtherOrigin),
                "{to}"
            );
            assert_eq!(redirect_rule(false, &from, &url(to)), Ok(()), "{to}");
        }
        // http → https on the same host is another origin (the scheme differs).
        let plain = url("http://127.0.0.1:5000/api/v2/package/");
        assert_eq!(
            redirect_rule(true, &plain, &url("https://127.0.0.1:5000/api/v2/package/")),
            Err(RedirectRefusal::OtherOrigin)
        );
        assert_eq!(
            redirect_rule(true, &plain, &url("http://127.0.0.2:5000/api/v2/package/")),
            Err(RedirectRefusal::OtherOrigin)
        );
    }

    #[test]
    fn a_write_follows_only_same_origin_method_keeping_redirects() {
        let from = url("https://feed.test/api/v2/package/");
        let redirect = |status: u16, to: &str| Answer {
            location: Some(url(to)),
            ..answer(status, None, "")
        };
        for status in [301, 302, 307, 308] {
            let mut hops = 0;
            let next = follow_write(
                &redirect(status, "https://feed.test/v2/"),
                &from,
                &mut hops,
                "f",
            );
            assert_eq!(
                next.unwrap(),
                Some(url("https://feed.test/v2/")),
                "{status}"
            );
        }
        let mut hops = 0;
        let code = |r: Result<Option<Url>, FeedError>| nupub_error::Coded::code(&r.unwrap_err());
        assert_eq!(
            code(follow_write(
                &redirect(303, "https://feed.test/v2/"),
                &from,
                &mut hops,
                "f"
            )),
            "feed.redirect_refused"
        );
        let elsewhere = follow_write(
            &redirect(307, "https://u:p@evil.test/x?sig=SECRET"),
            &from,
            &mut hops,
            "f",
        )
        .unwrap_err();
        let text = elsewhere.to_string();
        assert!(text.contains("moved to https://evil.test/x"), "{text}");
        assert!(!text.contains("SECRET") && !text.contains("u:p"), "{text}");
        assert_eq!(
            code(follow_write(
                &redirect(308, "http://feed.test/v2/"),
                &from,
                &mut hops,
                "f"
            )),
            "feed.redirect_refused"
        );
        // Not a redirect: nothing to follow.
        assert_eq!(
            follow_write(&answer(201, None, ""), &from, &mut hops, "f").unwrap(),
            None
        );
        // Bounded.
        let mut hops = MAX_REDIRECTS;
        assert_eq!(
            code(follow_write(
                &redirect(307, "https://feed.test/again"),
                &from,
                &mut hops,
                "f"
            )),
            "feed.network"
        );
    }

    #[test]
    fn key_headers_are_sensitive_and_only_for_the_sources_origin() {
        let mut source =
            Source::from_url("f", "https://ann:pa%3Ass@feed.test/api/v2/package").unwrap();
        assert_eq!(
            source.url().unwrap().as_str(),
            "https://feed.test/api/v2/package"
        );
        let mut headers = HeaderMap::new();
        credentials_header(&mut headers, &source, &url("https://feed.test/x"));
        let basic = headers.get(reqwest::header::AUTHORIZATION).unwrap();
        assert!(basic.is_sensitive());
        // base64("ann:pa:ss")
        assert_eq!(basic.to_str().unwrap(), "Basic YW5uOnBhOnNz");
        let mut elsewhere = HeaderMap::new();
        credentials_header(&mut elsewhere, &source, &url("https://feed.test:444/x"));
        assert!(elsewhere.is_empty());
        let mut headers = HeaderMap::new();
        auth_headers(&mut headers, &Auth::key(ApiKey::new("k-1")), &source);
        let key = headers.get("x-nuget-apikey").unwrap();
        assert!(key.is_sensitive());
        assert_eq!(key.to_str().unwrap(), "k-1");
        source.kind = FeedKind::AzureArtifacts;
        let mut headers = HeaderMap::new();
        auth_headers(&mut headers, &Auth::default(), &source);
        assert_eq!(headers.get("x-nuget-apikey").unwrap(), "AZ");
    }

    #[test]
    fn v2_roots_from_push_urls() {
        let roots = |s: &str| -> Vec<String> {
            v2_roots(&Url::parse(s).unwrap())
                .iter()
                .map(|u| u.to_string())
                .collect()
        };
        assert_eq!(
            roots("http://127.0.0.1:5/api/v2/package"),
            ["http://127.0.0.1:5/api/v2/", "http://127.0.0.1:5/"]
        );
        assert_eq!(
            roots("https://www.myget.org/F/x/api/v2/package/"),
            [
                "https://www.myget.org/F/x/api/v2/",
                "https://www.myget.org/"
            ]
        );
        assert_eq!(roots("http://h:1"), ["http://h:1/api/v2/", "http://h:1/"]);
        assert_eq!(roots("http://h/nuget"), ["http://h/nuget/", "http://h/"]);
    }

    #[test]
    fn server_text_is_kept_plain_and_short() {
        assert_eq!(
            plain_text("<html><b>Bad</b>  package</html>"),
            "Bad package"
        );
        assert_eq!(plain_text(&"x".repeat(600)).chars().count(), 500);
        assert_eq!(plain_text(""), "");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    fn answer(status: u16, reason: Option<&str>, body: &str) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            reason: reason.map(str::to_string),
            body: body.to_string(),
            warnings: Vec::new(),
            retry_after: None,
            location: None,
        }
    }

    fn classify(status: u16, text: &str, key: bool) -> FeedError {
        let source = Source::nuget_org();
        let auth = if key {
            Auth::key(ApiKey::new("k"))
        } else {
            Auth::default()
        };
        answer(status, Some(text), "").error(
            "nuget.org",
            &source,
            "Contoso.Lib",
            "1.0.0",
            "the push",
            &auth,
        )
    }

    #[test]
    fn nuget_org_answers_map_to_plain_explanations() {
        use nupub_error::Coded;
        let cases = [
            (400, "A client version '4.1.0' or higher is required to be able to push packages. Please contact support@nuget.org to get more details.", true, "feed.push.rejected"),
            (401, "An API key must be provided in the 'X-NuGet-ApiKey' header to use this service", false, "feed.auth.no_key"),
            (403, "The specified API key is invalid, has expired, or does not have permission to access the specified package.", true, "feed.auth.key_refused"),
            (401, "The specified API key is invalid, has expired, or does not have permission to access the specified package.", true, "feed.auth.key_refused"),
            (401, "The specified API key is scoped to an owner that is unconfirmed. You must confirm the owner that this API key is scoped to before you can use it.", true, "feed.auth.owner_unconfirmed"),
            (403, "The specified API key is scoped to an owner that is locked. Please contact support@nuget.org.", true, "feed.auth.owner_locked"),
            (403, "Package 'Contoso.Lib' has been locked. This means you cannot publish a new version or change the listing status of a published package version. Please contact support@nuget.org.", true, "feed.auth.package_locked"),
            (409, "This package ID has been reserved. Please request access to upload to this reserved namespace from the owner of the reserved prefix, or re-upload the package with a different ID.", true, "feed.push.reserved_prefix"),
            (409, "The package ID is reserved. You can upload your package with a different package ID. Reach out to support@nuget.org if you have questions.", true, "feed.push.reserved_prefix"),
            (409, "A package with ID 'Contoso.Lib' and version '1.0.0' already exists and cannot be modified.", true, "feed.push.version_exists"),
            (413, "The package file exceeds the size limit. Please try again.", true, "feed.push.too_large"),
            (418, "I'm a teapot today", true, "feed.http_status"),
        ];
        for (status, text, key, expected) in cases {
            let error = classify(status, text, key);
            assert_eq!(error.code(), expected, "{status} {text}");
            // The server's own words are kept, and the hint says what to do.
            assert!(error.to_string().contains(text), "{error}");
            assert!(error.hint().is_some());
        }
        let refused = classify(403, "The specified API key is invalid, has expired, or does not have permission to access the specified package.", true);
        let hint = refused.hint().unwrap();
        assert!(
            hint.contains("glob pattern matches 'Contoso.Lib'"),
            "{hint}"
        );
        assert!(hint.contains("owner"), "{hint}");
        let exists = classify(409, "A package with ID 'Contoso.Lib' and version '1.0.0' already exists and cannot be modified.", true);
        assert!(exists.hint().unwrap().contains("can never be replaced"));
    }

    #[test]
    fn server_message_comes_from_reason_then_body_then_status() {
        assert_eq!(
            answer(409, Some("Already there"), "api_error: exists").message(),
            "Already there"
        );
        assert_eq!(
            answer(409, Some("CONFLICT"), "api_error: exists").message(),
            "api_error: exists"
        );
        assert_eq!(
            answer(409, Some("Conflict"), "api_error: exists").message(),
            "api_error: exists"
        );
        assert_eq!(answer(409, None, "<p>exists</p>").message(), "exists");
        assert_eq!(answer(500, None, "").message(), "500 Internal Server Error");
    }

    #[test]
    fn key_expiry_warning_is_found() {
        let w = vec![
            "Something else".to_string(),
            "Your API key expires in 3 days. Visit https://www.nuget.org/account/apikeys to regenerate your API key."
                .to_string(),
        ];
        assert!(key_warning(&w).unwrap().contains("3 days"));
        assert_eq!(key_warning(&w[..1]), None);
    }
}
