//! The low-level requests for managing published versions (what the feed
//! says, not what it means; `nupub-lifecycle` decides that):
//!
//! - [`FeedClient::versions`]: every version of an id with what the feed
//!   knows about it: the V3 registration (`listed`, `published`,
//!   `deprecation`, `vulnerabilities`; lifecycle reference §a.3), else the V2
//!   `FindPackagesById()` feed (`Listed`, `IsLatestVersion`, `Published`),
//!   else the V3 flat container (versions only), or the files of a folder feed.
//! - [`FeedClient::send_listed`]: one unlist (DELETE) or relist (POST), with
//!   the feed's whole answer (status, words, `Retry-After`).
//! - [`FeedClient::send_deprecation`]: `PUT {PackagePublish}/{id}/deprecations`
//!   with the JSON body nuget.org's model binding reads (lifecycle reference §a.1).
//!
//! Every request has a time limit and every answer a size limit (the same
//! [`FactsOptions`] as feed facts); hostile answers are errors, never panics.

use crate::client::{Answer, Auth, FeedClient};
use crate::error::FeedError;
use crate::lookup::{feed_name, parse_flat_versions, FactsOptions, Lookup, V2Listing};
use crate::source::{package_endpoint, Location, Source};
use nupub_package::NuGetVersion;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use ts_rs::TS;
use url::Url;

/// Where a version list came from (what the feed can say about each version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum VersionsFrom {
    /// The V3 registration: listing, dates, deprecation and vulnerabilities.
    Registration,
    /// The V2 OData feed: `Listed` (when the server reports it), latest flag, date.
    V2Feed,
    /// The V3 flat container: versions only (listed and unlisted alike).
    FlatContainer,
    /// A folder feed: the package files; a folder has no listing state.
    Folder,
}

/// A deprecation as the registration shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedDeprecation {
    /// `Legacy`, `CriticalBugs`, `Other` (unknown strings dropped; only
    /// unknown strings read as `Other`, as NuGet's clients do).
    pub reasons: Vec<String>,
    pub message: Option<String>,
    pub alternate_id: Option<String>,
    /// `*` for any version, else a range such as `[2.0.0, )`.
    pub alternate_range: Option<String>,
}

/// A known vulnerability (GitHub advisory data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedVulnerability {
    pub advisory_url: String,
    /// `Low`, `Moderate`, `High`, `Critical` (from `0`…`3`), or the text as sent.
    pub severity: String,
}

/// One version of an id on a feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedVersion {
    /// As the feed writes it (normalized on V3 feeds).
    pub version: String,
    /// `None` when the feed does not report listing (folders, flat containers, most V2 servers).
    pub listed: Option<bool>,
    /// The publication date as the feed writes it (year 1900 on nuget.org when unlisted).
    pub published: Option<String>,
    /// V2 `IsLatestVersion`.
    pub latest: Option<bool>,
    pub deprecation: Option<FeedDeprecation>,
    pub vulnerabilities: Vec<FeedVulnerability>,
    /// Folder feeds: the file or folder that holds the version.
    pub file: Option<String>,
}

/// Every version of an id a feed lists, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedVersionList {
    pub id: String,
    pub feed: String,
    pub from: VersionsFrom,
    pub versions: Vec<FeedVersion>,
}

/// The body of a deprecation request, field for field as nuget.org binds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeprecationBody {
    pub versions: Vec<String>,
    pub is_legacy: bool,
    pub has_critical_bugs: bool,
    pub is_other: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternate_package_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternate_package_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `Unchanged`, `Unlist` or `Relist`.
    pub listed_verb: String,
}

/// A feed's answer to a change, kept whole for the caller to judge.
#[derive(Debug)]
pub enum Sent {
    /// 2xx.
    Done,
    Answered {
        status: u16,
        /// The feed's own words (reason phrase or body).
        server: String,
        retry_after: Option<Duration>,
        /// The general explanation of this answer (key refused, locked, ...).
        error: FeedError,
    },
}

/// At most this many registration pages are read for one id.
const MAX_PAGES: usize = 200;

impl FeedClient {
    /// Every version of `id` on `source`, newest first, with what the feed
    /// says about each. An id the feed does not know gives an empty list.
    pub async fn versions(
        &self,
        source: &Source,
        auth: &Auth,
        id: &str,
        options: &FactsOptions,
    ) -> Result<FeedVersionList, FeedError> {
        let feed = feed_name(source);
        let (from, mut versions) = match &source.location {
            Location::Folder(root) => (VersionsFrom::Folder, folder_versions(root, id)),
            Location::Url(url) => {
                let lookup = Lookup::new(self, source, auth, options);
                let read = lookup.read_endpoints(url).await?;
                if let Some(registrations) = &read.registrations {
                    (
                        VersionsFrom::Registration,
                        registration_versions(&lookup, registrations, id).await?,
                    )
                } else if let Some(base) = &read.base_address {
                    (
                        VersionsFrom::FlatContainer,
                        flat_versions(&lookup, base, id).await?,
                    )
                } else {
                    (
                        VersionsFrom::V2Feed,
                        v2_versions(&lookup, &read.v2_roots, id).await?,
                    )
                }
            }
        };
        sort_newest_first(&mut versions);
        Ok(FeedVersionList {
            id: id.to_string(),
            feed,
            from,
            versions,
        })
    }

    /// Unlists (`listed: false`, DELETE) or relists (POST) one version.
    pub async fn send_listed(
        &self,
        source: &Source,
        id: &str,
        version: &str,
        listed: bool,
        auth: &Auth,
    ) -> Result<Sent, FeedError> {
        let (method, what) = if listed {
            (reqwest::Method::POST, "relisting")
        } else {
            (reqwest::Method::DELETE, "unlisting")
        };
        let answer = self
            .send_listing(source, id, version, auth, method, what)
            .await?;
        Ok(judge(answer, source, id, version, what, auth))
    }

    /// `PUT {PackagePublish}/{id}/deprecations` with `body` as JSON.
    pub async fn send_deprecation(
        &self,
        source: &Source,
        id: &str,
        body: &DeprecationBody,
        auth: &Auth,
    ) -> Result<Sent, FeedError> {
        let endpoints = self.endpoints(source).await?;
        let url = package_endpoint(&endpoints.publish, id, "deprecations");
        let json = serde_json::to_vec(body).map_err(|e| FeedError::InvalidUrl {
            given: url.to_string(),
            reason: format!("the request could not be written ({e})"),
        })?;
        let what = format!("deprecating versions of {id}");
        let feed = source.label();
        let mut url = url;
        let mut hops = 0;
        // The request goes through the one place that attaches secrets (and so
        // refuses redirects that would take the key to another origin).
        let answer = loop {
            let request = self
                .request(reqwest::Method::PUT, &url, source, Some(auth))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(json.clone())
                .timeout(Duration::from_secs(100));
            let response = request.send().await.map_err(|e| FeedError::Network {
                feed: feed.clone(),
                what: what.clone(),
                detail: crate::client::describe(&e),
            })?;
            let answer = Answer::read(response).await;
            match crate::client::follow_write(&answer, &url, &mut hops, &feed)? {
                Some(next) => url = next,
                None => break answer,
            }
        };
        let versions = body.versions.join(", ");
        Ok(judge(answer, source, id, &versions, &what, auth))
    }
}

fn judge(
    answer: Answer,
    source: &Source,
    id: &str,
    version: &str,
    what: &str,
    auth: &Auth,
) -> Sent {
    if answer.status.is_success() {
        return Sent::Done;
    }
    let error = answer.error(&source.label(), source, id, version, what, auth);
    Sent::Answered {
        status: answer.status.as_u16(),
        server: answer.message(),
        retry_after: answer.retry_after,
        error,
    }
}

fn sort_newest_first(versions: &mut [FeedVersion]) {
    versions.sort_by(|a, b| {
        match (
            NuGetVersion::parse(&a.version),
            NuGetVersion::parse(&b.version),
        ) {
            (Ok(x), Ok(y)) => y.cmp(&x),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            (Err(_), Err(_)) => a.version.cmp(&b.version),
        }
    });
}

impl FeedVersion {
    /// A version with nothing known about it but its text.
    pub fn new(version: impl Into<String>) -> FeedVersion {
        FeedVersion {
            version: version.into(),
            listed: None,
            published: None,
            latest: None,
            deprecation: None,
            vulnerabilities: Vec::new(),
            file: None,
        }
    }
}

/// The versions a folder feed holds, in either layout (protocol reference §8).
fn folder_versions(root: &Path, id: &str) -> Vec<FeedVersion> {
    let lid = id.to_lowercase();
    let mut found: Vec<FeedVersion> = Vec::new();
    let mut push = |version: &str, path: &Path| {
        let Ok(parsed) = NuGetVersion::parse(version) else {
            return;
        };
        if found
            .iter()
            .any(|f| NuGetVersion::parse(&f.version).is_ok_and(|v| v == parsed))
        {
            return;
        }
        let published = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .map(httpdate::fmt_http_date);
        found.push(FeedVersion {
            published,
            file: Some(path.display().to_string()),
            ..FeedVersion::new(version.to_string())
        });
    };
    // Hierarchical: {root}/{id-lower}/{version-lower}/ with the package's files.
    if let Ok(entries) = std::fs::read_dir(root.join(&lid)) {
        for entry in entries.flatten() {
            let dir = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let holds = dir.join(format!("{lid}.{name}.nupkg")).is_file()
                || dir.join(format!("{lid}.nuspec")).is_file();
            if dir.is_dir() && holds {
                push(&name, &dir);
            }
        }
    }
    // Flat: {root}/{Id}.{Version}.nupkg (the id compared case-insensitively).
    if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_lowercase();
            let version = name
                .strip_suffix(".nupkg")
                .filter(|_| !name.ends_with(".symbols.nupkg"))
                .and_then(|n| n.strip_prefix(&format!("{lid}.")));
            if let (true, Some(version)) = (path.is_file(), version) {
                // Keep the file's own casing of the version.
                let original = entry.file_name().to_string_lossy().into_owned();
                let start = lid.len() + 1;
                let text = original
                    .get(start..start + version.len())
                    .unwrap_or(version)
                    .to_string();
                push(&text, &path);
            }
        }
    }
    found
}

async fn flat_versions(
    lookup: &Lookup<'_>,
    base: &Url,
    id: &str,
) -> Result<Vec<FeedVersion>, FeedError> {
    let lid = id.to_lowercase();
    let url = Url::parse(&format!(
        "{}/{lid}/index.json",
        base.as_str().trim_end_matches('/')
    ))
    .map_err(|e| {
        lookup.invalid(
            base,
            format!("the flat container address is not valid ({e})"),
        )
    })?;
    let Some(body) = lookup
        .small(&url, &format!("listing the versions of {id}"))
        .await?
    else {
        return Ok(Vec::new());
    };
    let versions = parse_flat_versions(&body).map_err(|d| lookup.invalid(&url, d))?;
    Ok(versions
        .into_iter()
        .map(|v| FeedVersion::new(v.normalized()))
        .collect())
}

async fn registration_versions(
    lookup: &Lookup<'_>,
    base: &Url,
    id: &str,
) -> Result<Vec<FeedVersion>, FeedError> {
    let lid = id.to_lowercase();
    let url = Url::parse(&format!(
        "{}/{lid}/index.json",
        base.as_str().trim_end_matches('/')
    ))
    .map_err(|e| lookup.invalid(base, format!("the registration address is not valid ({e})")))?;
    let what = format!("reading the registration of {id}");
    let Some(body) = lookup.small(&url, &what).await? else {
        return Ok(Vec::new());
    };
    let index: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| lookup.invalid(&url, format!("it is not JSON ({e})")))?;
    let pages = index
        .get("items")
        .and_then(|i| i.as_array())
        .ok_or_else(|| lookup.invalid(&url, "the registration index has no 'items' list"))?;
    if pages.len() > MAX_PAGES {
        return Err(lookup.invalid(&url, format!("it has more than {MAX_PAGES} pages")));
    }
    let mut versions = Vec::new();
    for page in pages {
        let leaves = match page.get("items").and_then(|i| i.as_array()) {
            Some(leaves) => leaves.clone(),
            None => {
                // A page without inline items is fetched from its own address.
                let page_url = page
                    .get("@id")
                    .and_then(|v| v.as_str())
                    .and_then(|u| url.join(u).ok())
                    .ok_or_else(|| {
                        lookup.invalid(&url, "a registration page has neither items nor an address")
                    })?;
                lookup.source.check_transport(&page_url)?;
                let body = lookup.small(&page_url, &what).await?.ok_or_else(|| {
                    lookup.invalid(&page_url, "the registration page is missing (404)")
                })?;
                let page: serde_json::Value = serde_json::from_slice(&body)
                    .map_err(|e| lookup.invalid(&page_url, format!("it is not JSON ({e})")))?;
                page.get("items")
                    .and_then(|i| i.as_array())
                    .cloned()
                    .ok_or_else(|| {
                        lookup.invalid(&page_url, "the registration page has no 'items' list")
                    })?
            }
        };
        for leaf in &leaves {
            if let Some(version) = registration_leaf(leaf) {
                versions.push(version);
            }
        }
    }
    Ok(versions)
}

/// One registration leaf's `catalogEntry` (lifecycle reference §a.3). A leaf
/// without a version is skipped.
pub(crate) fn registration_leaf(leaf: &serde_json::Value) -> Option<FeedVersion> {
    let entry = leaf.get("catalogEntry")?;
    let text =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let version = text(entry, "version")?;
    let listed = match entry.get("listed") {
        Some(serde_json::Value::Bool(b)) => Some(*b),
        // Missing means listed (registration reference).
        _ => Some(true),
    };
    let deprecation = entry.get("deprecation").filter(|d| d.is_object()).map(|d| {
        let raw: Vec<String> = d
            .get("reasons")
            .and_then(|r| r.as_array())
            .map(|r| {
                r.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let alternate = d.get("alternatePackage").filter(|a| a.is_object());
        FeedDeprecation {
            reasons: known_reasons(&raw),
            message: text(d, "message"),
            alternate_id: alternate.and_then(|a| text(a, "id")),
            alternate_range: alternate.and_then(|a| text(a, "range")),
        }
    });
    let vulnerabilities = entry
        .get("vulnerabilities")
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|v| {
                    let severity = match v.get("severity") {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(serde_json::Value::Number(n)) => n.to_string(),
                        _ => String::new(),
                    };
                    Some(FeedVulnerability {
                        advisory_url: text(v, "advisoryUrl")?,
                        severity: severity_name(&severity),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(FeedVersion {
        listed,
        published: text(entry, "published"),
        deprecation,
        vulnerabilities,
        ..FeedVersion::new(version)
    })
}

/// Reasons compared case-insensitively, unknown ones dropped, only unknown → `Other`.
fn known_reasons(raw: &[String]) -> Vec<String> {
    let mut reasons = Vec::new();
    for known in ["Legacy", "CriticalBugs", "Other"] {
        if raw.iter().any(|r| r.trim().eq_ignore_ascii_case(known)) {
            reasons.push(known.to_string());
        }
    }
    if reasons.is_empty() {
        reasons.push("Other".to_string());
    }
    reasons
}

fn severity_name(severity: &str) -> String {
    match severity.trim() {
        "0" => "Low".into(),
        "1" => "Moderate".into(),
        "2" => "High".into(),
        "3" => "Critical".into(),
        other => other.to_string(),
    }
}

async fn v2_versions(
    lookup: &Lookup<'_>,
    roots: &[Url],
    id: &str,
) -> Result<Vec<FeedVersion>, FeedError> {
    let mut last = None;
    for root in roots {
        match lookup.v2_listing(root, id).await? {
            V2Listing::Entries(entries) => {
                return Ok(entries
                    .into_iter()
                    .filter_map(|e| v2_version(e.properties))
                    .collect())
            }
            // 404 or 405: not the feed's root; try the next one.
            V2Listing::NotHere => continue,
            V2Listing::NotOData(url) => {
                last = Some(lookup.invalid(&url, "it is not a NuGet V2 (OData) feed"));
            }
        }
    }
    Err(last.unwrap_or_else(|| FeedError::AnswerInvalid {
        feed: lookup.feed.clone(),
        url: roots.first().map(|r| r.to_string()).unwrap_or_default(),
        detail: "no V2 feed answers FindPackagesById(), so the versions cannot be listed".into(),
    }))
}

fn v2_version(properties: HashMap<String, String>) -> Option<FeedVersion> {
    let version = properties
        .get("Version")
        .or_else(|| properties.get("NormalizedVersion"))?
        .trim()
        .to_string();
    let published = properties.get("Published").cloned();
    let flag = |name: &str| {
        properties
            .get(name)
            .map(|v| v.trim().eq_ignore_ascii_case("true"))
    };
    // nuget.org's V2 feed reports `Listed`; others may only show the 1900 date of an unlisted version.
    let listed = flag("Listed").or_else(|| {
        published
            .as_deref()
            .filter(|p| p.starts_with("1900-"))
            .map(|_| false)
    });
    Some(FeedVersion {
        listed,
        latest: flag("IsLatestVersion"),
        published,
        ..FeedVersion::new(version)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_leaf_reads_listing_deprecation_and_vulnerabilities() {
        let leaf = serde_json::json!({
            "catalogEntry": {
                "version": "1.2.0",
                "listed": false,
                "published": "1900-01-01T00:00:00+00:00",
                "deprecation": {
                    "reasons": ["criticalbugs", "Legacy", "SomethingNew"],
                    "message": "Use 2.x",
                    "alternatePackage": {"id": "Contoso.Next", "range": "[2.0.0, )"}
                },
                "vulnerabilities": [{"advisoryUrl": "https://github.com/advisories/GHSA-1", "severity": "3"}]
            }
        });
        let v = registration_leaf(&leaf).unwrap();
        assert_eq!(v.version, "1.2.0");
        assert_eq!(v.listed, Some(false));
        let d = v.deprecation.unwrap();
        assert_eq!(d.reasons, ["Legacy", "CriticalBugs"]);
        assert_eq!(d.alternate_id.as_deref(), Some("Contoso.Next"));
        assert_eq!(d.alternate_range.as_deref(), Some("[2.0.0, )"));
        assert_eq!(v.vulnerabilities[0].severity, "Critical");
        // Only unknown reasons read as Other; a missing `listed` means listed.
        let leaf = serde_json::json!({"catalogEntry": {"version": "1.0.0", "deprecation": {"reasons": ["Nope"]}}});
        let v = registration_leaf(&leaf).unwrap();
        assert_eq!(v.listed, Some(true));
        assert_eq!(v.deprecation.unwrap().reasons, ["Other"]);
        assert!(registration_leaf(&serde_json::json!({"catalogEntry": {}})).is_none());
        assert!(registration_leaf(&serde_json::json!("text")).is_none());
    }

    #[test]
    fn v2_properties_give_listing_latest_and_dates() {
        let body = br#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">
 <entry><title>A</title><m:properties><d:Version>1.0</d:Version><d:Listed m:type="Edm.Boolean">false</d:Listed><d:Published>1900-01-01T00:00:00</d:Published><d:IsLatestVersion>false</d:IsLatestVersion></m:properties></entry>
 <entry><m:properties><d:Version>2.0.0</d:Version><d:Published>2024-05-01T10:00:00</d:Published><d:IsLatestVersion>true</d:IsLatestVersion></m:properties></entry>
 <entry><m:properties><d:Version>0.9.0</d:Version><d:Published>1900-01-01T00:00:00</d:Published></m:properties></entry>
 <link rel="next" href="https://x.test/FindPackagesById?$skip=3"/>
</feed>"#;
        let page = crate::odata::parse_page(body).unwrap();
        let next = page.next;
        let versions: Vec<FeedVersion> = page
            .entries
            .into_iter()
            .filter_map(|e| v2_version(e.properties))
            .collect();
        assert_eq!(versions.len(), 3);
        assert_eq!(
            (versions[0].listed, versions[0].latest),
            (Some(false), Some(false))
        );
        assert_eq!((versions[1].listed, versions[1].latest), (None, Some(true)));
        assert_eq!(versions[2].listed, Some(false));
        assert_eq!(
            next.as_deref(),
            Some("https://x.test/FindPackagesById?$skip=3")
        );
    }

    #[test]
    fn folder_versions_in_both_layouts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("my.pkg/1.0.0")).unwrap();
        std::fs::write(root.join("my.pkg/1.0.0/my.pkg.nuspec"), "x").unwrap();
        std::fs::create_dir_all(root.join("my.pkg/empty")).unwrap();
        std::fs::write(root.join("My.Pkg.2.0.0-Beta.nupkg"), "x").unwrap();
        std::fs::write(root.join("My.Pkg.Other.1.0.0.nupkg"), "x").unwrap();
        std::fs::write(root.join("My.Pkg.1.0.0.nupkg"), "x").unwrap(); // same version: once
        let mut v = folder_versions(root, "MY.PKG");
        sort_newest_first(&mut v);
        let names: Vec<&str> = v.iter().map(|v| v.version.as_str()).collect();
        assert_eq!(names, ["2.0.0-Beta", "1.0.0"]);
        assert!(v.iter().all(|v| v.listed.is_none() && v.file.is_some()));
    }

    #[test]
    fn deprecation_body_has_the_bound_names() {
        let body = DeprecationBody {
            versions: vec!["1.0.0".into()],
            is_legacy: true,
            has_critical_bugs: false,
            is_other: false,
            alternate_package_id: Some("B".into()),
            alternate_package_version: None,
            message: None,
            listed_verb: "Unlist".into(),
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"versions":["1.0.0"],"isLegacy":true,"hasCriticalBugs":false,"isOther":false,"alternatePackageId":"B","listedVerb":"Unlist"})
        );
    }
}
