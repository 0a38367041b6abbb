//! Package sources: what `--source` may name, and how each kind maps to URLs.
//!
//! Rules follow the official client (protocol reference §1.1, §2.1, §13): an
//! http(s) URL ending in `.json` is a V3 service index, any other http(s) URL
//! is a V2 push endpoint (with `api/v2/package` appended when it has no path),
//! anything else is a folder.

use crate::error::FeedError;
use crate::secret::Credentials;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use ts_rs::TS;
use url::Url;

/// The kind of a package source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FeedKind {
    /// A folder on this computer (or a network share).
    Local,
    /// nuget.org, the public gallery.
    NugetOrg,
    /// A MyGet feed (`https://www.myget.org/F/{feed}/api/v3/index.json`).
    MyGet,
    /// GitHub Packages (`https://nuget.pkg.github.com/{owner}/index.json`).
    GitHubPackages,
    /// An Azure Artifacts feed (`https://pkgs.dev.azure.com/{org}[/{project}]/_packaging/{feed}/nuget/v3/index.json`).
    AzureArtifacts,
    /// Any other feed with a V3 service index.
    V3,
    /// Any other V2 push URL.
    V2,
}

impl FeedKind {
    /// The validation target this kind of feed implies: what the rules check
    /// a package against before it is pushed here. The CLI (`nupub validate
    /// --source`) and the window (Confirm step, `publish`) both use this one
    /// mapping.
    pub fn rules_target(self) -> nupub_rules::RuleTarget {
        use nupub_rules::RuleTarget;
        match self {
            FeedKind::Local => RuleTarget::Local,
            FeedKind::NugetOrg => RuleTarget::NugetOrg,
            FeedKind::MyGet => RuleTarget::Myget,
            FeedKind::GitHubPackages => RuleTarget::Github,
            FeedKind::AzureArtifacts => RuleTarget::Azure,
            FeedKind::V3 | FeedKind::V2 => RuleTarget::Generic,
        }
    }
}

/// How Nupub talks to a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Protocol {
    /// Files copied into a folder.
    Folder,
    /// A V2 push URL (PUT to it directly).
    V2,
    /// A V3 service index (its PackagePublish resource is the push URL).
    V3,
}

/// Where a source lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Url(Url),
    Folder(PathBuf),
}

impl Location {
    pub fn display(&self) -> String {
        match self {
            Location::Url(url) => url.to_string(),
            Location::Folder(path) => path.display().to_string(),
        }
    }
}

/// A package source, resolved and ready to use. Holds credentials, so it is
/// not serialized: the UI gets a [`SourceInfo`].
#[derive(Debug, Clone)]
pub struct Source {
    /// The name from nuget.config, or a short name Nupub gives it.
    pub name: String,
    pub kind: FeedKind,
    pub protocol: Protocol,
    pub location: Location,
    /// `allowInsecureConnections="true"` in nuget.config.
    pub allow_insecure: bool,
    /// From `packageSourceCredentials` or the environment.
    pub credentials: Option<Credentials>,
    /// GitHub Packages: the owner (user or organization) the feed belongs to.
    pub github_owner: Option<String>,
}

/// A source as shown to the user: no secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SourceInfo {
    pub name: String,
    pub kind: FeedKind,
    pub protocol: Protocol,
    /// Folder path or URL.
    pub location: String,
    pub enabled: bool,
    /// True when nuget.config or the environment holds a user name and password for it.
    pub has_credentials: bool,
    /// The nuget.config file that declared it (`None` for built-in or typed sources).
    pub origin: Option<String>,
}

pub const NUGET_ORG_INDEX: &str = "https://api.nuget.org/v3/index.json";

impl Source {
    /// nuget.org's V3 service index.
    pub fn nuget_org() -> Source {
        Source::from_url("nuget.org", NUGET_ORG_INDEX).unwrap_or_else(|_| unreachable_source())
    }

    /// A MyGet feed by name.
    pub fn myget(feed: &str) -> Result<Source, FeedError> {
        check_segment(feed, "MyGet feed name")?;
        Source::from_url(
            feed,
            &format!("https://www.myget.org/F/{feed}/api/v3/index.json"),
        )
    }

    /// GitHub Packages for a user or organization.
    pub fn github(owner: &str) -> Result<Source, FeedError> {
        check_segment(owner, "GitHub owner")?;
        let mut source = Source::from_url(
            &format!("github-{owner}"),
            &format!("https://nuget.pkg.github.com/{owner}/index.json"),
        )?;
        source.github_owner = Some(owner.to_string());
        Ok(source)
    }

    /// An Azure Artifacts feed (`project` is `None` for organization-scoped feeds).
    pub fn azure(org: &str, project: Option<&str>, feed: &str) -> Result<Source, FeedError> {
        check_segment(org, "Azure DevOps organization")?;
        check_segment(feed, "Azure Artifacts feed")?;
        let url = match project {
            Some(project) => {
                check_segment(project, "Azure DevOps project")?;
                format!("https://pkgs.dev.azure.com/{org}/{project}/_packaging/{feed}/nuget/v3/index.json")
            }
            None => {
                format!("https://pkgs.dev.azure.com/{org}/_packaging/{feed}/nuget/v3/index.json")
            }
        };
        Source::from_url(feed, &url)
    }

    /// Any http(s) URL: V3 when it ends in `.json` (case-insensitive), else V2.
    ///
    /// A user name and password in the URL (`https://user:token@host/…`) are
    /// taken out into [`Source::credentials`] here, so the location, the
    /// label and every message built from them can never show them; a name
    /// that repeats them is redacted the same way.
    pub fn from_url(name: &str, url: &str) -> Result<Source, FeedError> {
        let invalid = |reason: String| FeedError::InvalidUrl {
            given: redact_text(url),
            reason,
        };
        let mut parsed = Url::parse(url.trim()).map_err(|e| invalid(e.to_string()))?;
        if parsed.scheme() != "http" && parsed.scheme() != "https" {
            return Err(invalid("only http and https addresses can be feeds".into()));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid("the address has no host name".into()));
        }
        let credentials = take_userinfo(&mut parsed);
        let protocol = if parsed.path().to_ascii_lowercase().ends_with(".json") {
            Protocol::V3
        } else {
            Protocol::V2
        };
        let kind = kind_of(&parsed, protocol);
        let github_owner = if kind == FeedKind::GitHubPackages {
            parsed
                .path_segments()
                .and_then(|mut s| s.next())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        } else {
            None
        };
        Ok(Source {
            name: redact_text(name),
            kind,
            protocol,
            location: Location::Url(parsed),
            allow_insecure: false,
            credentials,
            github_owner,
        })
    }

    /// A folder feed.
    pub fn folder(name: &str, path: &Path) -> Source {
        Source {
            name: name.to_string(),
            kind: FeedKind::Local,
            protocol: Protocol::Folder,
            location: Location::Folder(path.to_path_buf()),
            allow_insecure: false,
            credentials: None,
            github_owner: None,
        }
    }

    /// Parses what a user typed after `--source` when it is not a configured
    /// name: `nuget.org`, `myget:FEED`, `github:OWNER`,
    /// `azure:ORG/FEED` or `azure:ORG/PROJECT/FEED`, an http(s) URL, a
    /// `file://` URL or a folder path (relative to `cwd`).
    pub fn parse(given: &str, cwd: &Path) -> Result<Source, FeedError> {
        let trimmed = given.trim();
        if trimmed.is_empty() {
            return Err(FeedError::UnknownSource {
                given: redact_text(given),
            });
        }
        if trimmed.eq_ignore_ascii_case("nuget.org") {
            return Ok(Source::nuget_org());
        }
        if let Some(rest) = strip_prefix_ci(trimmed, "myget:") {
            return Source::myget(rest);
        }
        if let Some(rest) = strip_prefix_ci(trimmed, "github:") {
            return Source::github(rest);
        }
        if let Some(rest) = strip_prefix_ci(trimmed, "azure:") {
            let parts: Vec<&str> = rest.split('/').collect();
            return match parts.as_slice() {
                [org, feed] => Source::azure(org, None, feed),
                [org, project, feed] => Source::azure(org, Some(project), feed),
                _ => Err(FeedError::InvalidUrl {
                    given: given.to_string(),
                    reason: "write azure:ORGANIZATION/FEED or azure:ORGANIZATION/PROJECT/FEED"
                        .into(),
                }),
            };
        }
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return Source::from_url(trimmed, trimmed);
        }
        if lower.starts_with("file:") {
            let url = Url::parse(trimmed).map_err(|e| FeedError::InvalidUrl {
                given: redact_text(given),
                reason: e.to_string(),
            })?;
            let path = url.to_file_path().map_err(|_| FeedError::InvalidUrl {
                given: redact_text(given),
                reason: "the file:// address does not name a local folder".into(),
            })?;
            return Ok(Source::folder(trimmed, &path));
        }
        if trimmed.contains("://") {
            return Err(FeedError::InvalidUrl {
                given: redact_text(given),
                reason: "only http, https and file addresses can be feeds".into(),
            });
        }
        let path = cwd.join(trimmed);
        Ok(Source::folder(trimmed, &path))
    }

    /// The source as the user named it: its name, or its address when it has
    /// none. Keys are stored under it, and short messages name the feed so.
    pub fn name_or_location(&self) -> String {
        if self.name.trim().is_empty() {
            self.location.display()
        } else {
            self.name.clone()
        }
    }

    /// The display name used in messages: the name, plus the address when they differ.
    pub fn label(&self) -> String {
        let location = self.location.display();
        if self.name == location {
            location
        } else {
            format!("'{}' ({location})", self.name)
        }
    }

    pub fn info(&self, enabled: bool, origin: Option<String>) -> SourceInfo {
        SourceInfo {
            name: self.name.clone(),
            kind: self.kind,
            protocol: self.protocol,
            location: self.location.display(),
            enabled,
            has_credentials: self.credentials.is_some(),
            origin,
        }
    }

    /// The URL of a V3 source's service index, or of a V2 source's push endpoint
    /// (without the trailing slash rules applied).
    pub fn url(&self) -> Option<&Url> {
        match &self.location {
            Location::Url(url) => Some(url),
            Location::Folder(_) => None,
        }
    }

    /// Refuses plain http except for loopback addresses and sources that allow it.
    pub fn check_transport(&self, url: &Url) -> Result<(), FeedError> {
        check_transport(url, self.allow_insecure)
    }
}

/// Takes `user:password@` out of `url` (percent-decoded) as credentials.
fn take_userinfo(url: &mut Url) -> Option<Credentials> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let decode = |s: &str| {
        zeroize::Zeroizing::new(
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned(),
        )
    };
    let username = decode(url.username());
    let password = decode(url.password().unwrap_or_default());
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(Credentials::new(username.as_str(), password.as_str()))
}

/// `text` with the user information of every `scheme://user:password@`
/// inside it removed ([`nupub_error::redact_urls`]).
pub fn redact_text(text: &str) -> String {
    nupub_error::redact_urls(text)
}

fn unreachable_source() -> Source {
    // NUGET_ORG_INDEX is a constant valid URL; this keeps the code panic-free.
    Source::folder("nuget.org", Path::new(NUGET_ORG_INDEX))
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

fn check_segment(value: &str, what: &str) -> Result<(), FeedError> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(FeedError::InvalidUrl {
            given: value.to_string(),
            reason: format!("a {what} may contain only letters, digits, '-', '_' and '.'"),
        })
    }
}

fn kind_of(url: &Url, protocol: Protocol) -> FeedKind {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if host == "api.nuget.org" || host == "www.nuget.org" || host == "nuget.org" {
        FeedKind::NugetOrg
    } else if host == "www.myget.org" || host == "myget.org" {
        FeedKind::MyGet
    } else if host == "nuget.pkg.github.com" {
        FeedKind::GitHubPackages
    } else if host == "pkgs.dev.azure.com" || host.ends_with(".pkgs.visualstudio.com") {
        FeedKind::AzureArtifacts
    } else if protocol == Protocol::V3 {
        FeedKind::V3
    } else {
        FeedKind::V2
    }
}

/// True for `localhost`, 127.0.0.0/8 and `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// https is required, except for loopback addresses or when the source allows it.
pub fn check_transport(url: &Url, allow_insecure: bool) -> Result<(), FeedError> {
    if url.scheme() == "https" || allow_insecure || is_loopback(url) {
        Ok(())
    } else {
        Err(FeedError::InsecureUrl {
            url: redact_text(url.as_str()),
        })
    }
}

/// The official client's push URL rule (`GetServiceEndpointUrl`): a base with
/// an empty path gets `api/v2/package`; then a trailing `/` is appended.
pub fn push_endpoint(base: &Url) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    if path.is_empty() {
        url.set_path("/api/v2/package/");
    } else {
        url.set_path(&format!("{path}/"));
    }
    url
}

/// `{push endpoint}{id}/{version}` as the official client builds the delete URL
/// (id and version as typed; we percent-encode only what a URL path cannot hold).
pub fn package_endpoint(base: &Url, id: &str, version: &str) -> Url {
    let mut url = push_endpoint(base);
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(id).push(version);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Source {
        Source::parse(s, Path::new("/work")).unwrap()
    }

    #[test]
    fn urls_ending_in_json_are_v3_others_v2() {
        assert_eq!(parse("https://x.test/v3/index.json").protocol, Protocol::V3);
        assert_eq!(parse("https://x.test/v3/INDEX.JSON").protocol, Protocol::V3);
        assert_eq!(
            parse("https://x.test/api/v2/package").protocol,
            Protocol::V2
        );
        assert_eq!(parse("https://x.test/api/v2/package").kind, FeedKind::V2);
        assert_eq!(parse("https://x.test/index.json").kind, FeedKind::V3);
    }

    #[test]
    fn well_known_hosts_and_shorthands() {
        let org = parse("nuget.org");
        assert_eq!(org.kind, FeedKind::NugetOrg);
        assert_eq!(org.url().unwrap().as_str(), NUGET_ORG_INDEX);
        let myget = parse("myget:contoso");
        assert_eq!(myget.kind, FeedKind::MyGet);
        assert_eq!(
            myget.url().unwrap().as_str(),
            "https://www.myget.org/F/contoso/api/v3/index.json"
        );
        let gh = parse("github:octo-org");
        assert_eq!(gh.kind, FeedKind::GitHubPackages);
        assert_eq!(gh.github_owner.as_deref(), Some("octo-org"));
        assert_eq!(
            gh.url().unwrap().as_str(),
            "https://nuget.pkg.github.com/octo-org/index.json"
        );
        let gh2 = parse("https://nuget.pkg.github.com/ann/index.json");
        assert_eq!(gh2.github_owner.as_deref(), Some("ann"));
        let az = parse("azure:fabrikam/web/main");
        assert_eq!(az.kind, FeedKind::AzureArtifacts);
        assert_eq!(
            az.url().unwrap().as_str(),
            "https://pkgs.dev.azure.com/fabrikam/web/_packaging/main/nuget/v3/index.json"
        );
        assert_eq!(
            parse("azure:fabrikam/main").url().unwrap().as_str(),
            "https://pkgs.dev.azure.com/fabrikam/_packaging/main/nuget/v3/index.json"
        );
    }

    #[test]
    fn hostile_source_strings_are_refused_clearly() {
        for bad in [
            "",
            "  ",
            "ftp://x/y",
            "myget:",
            "myget:a/b",
            "github:../x",
            "azure:onlyone",
            "azure:a/b/c/d",
            "http://",
            "http://[::1",
        ] {
            let err = Source::parse(bad, Path::new("/w")).unwrap_err();
            assert!(
                nupub_error::is_valid_code(nupub_error::Coded::code(&err)),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn credentials_in_a_url_never_reach_the_location_name_or_label() {
        for given in [
            "https://ann:tok-9931@feed.test/v3/index.json",
            "https://tok-9931@feed.test/api/v2/package",
            "https://ann:tok%2D9931@feed.test/api/v2/package",
            "http://:tok-9931@127.0.0.1:5000/",
        ] {
            let source = parse(given);
            for shown in [
                source.name.clone(),
                source.label(),
                source.location.display(),
                format!("{:?}", source.info(true, None)),
                format!("{source:?}"),
            ] {
                assert!(!shown.contains("tok"), "{given}: {shown}");
                assert!(!shown.contains('@'), "{given}: {shown}");
            }
            assert!(source.credentials.is_some(), "{given}");
            assert!(source.info(true, None).has_credentials);
        }
        let source = parse("https://ann:tok%2D9931@feed.test/api/v2/package");
        let credentials = source.credentials.unwrap();
        assert_eq!(credentials.username, "ann");
        assert_eq!(credentials.password(), "tok-9931");
        // Errors about an unusable address repeat it without the secret.
        for bad in ["ftp://ann:tok-9931@x/y", "https://ann:tok-9931@[::1/"] {
            let text = Source::parse(bad, Path::new("/w")).unwrap_err().to_string();
            assert!(!text.contains("tok-9931"), "{text}");
        }
    }

    #[test]
    fn paths_and_file_urls_are_folders() {
        let rel = parse("feed");
        assert_eq!(rel.protocol, Protocol::Folder);
        assert_eq!(rel.location, Location::Folder(PathBuf::from("/work/feed")));
        let file = parse("file:///srv/feed");
        assert_eq!(file.location, Location::Folder(PathBuf::from("/srv/feed")));
    }

    #[test]
    fn push_url_rules_match_the_official_client() {
        let u = |s: &str| push_endpoint(&Url::parse(s).unwrap()).to_string();
        assert_eq!(
            u("http://127.0.0.1:5000"),
            "http://127.0.0.1:5000/api/v2/package/"
        );
        assert_eq!(
            u("http://127.0.0.1:5000/"),
            "http://127.0.0.1:5000/api/v2/package/"
        );
        assert_eq!(u("http://h/nuget"), "http://h/nuget/");
        assert_eq!(
            u("https://www.nuget.org/api/v2/package"),
            "https://www.nuget.org/api/v2/package/"
        );
        assert_eq!(u("https://h/api/v2/package/"), "https://h/api/v2/package/");
        let del = package_endpoint(
            &Url::parse("https://h/api/v2/package").unwrap(),
            "My.Pkg",
            "1.0.0-beta",
        );
        assert_eq!(del.as_str(), "https://h/api/v2/package/My.Pkg/1.0.0-beta");
    }

    #[test]
    fn https_required_except_loopback() {
        let check = |s: &str| check_transport(&Url::parse(s).unwrap(), false);
        assert!(check("https://feed.test/x").is_ok());
        assert!(check("http://127.0.0.1:80/x").is_ok());
        assert!(check("http://127.8.9.1/x").is_ok());
        assert!(check("http://localhost/x").is_ok());
        assert!(check("http://[::1]/x").is_ok());
        let err = check("http://feed.test/x").unwrap_err();
        assert_eq!(nupub_error::Coded::code(&err), "feed.insecure_url");
        assert!(check_transport(&Url::parse("http://feed.test/").unwrap(), true).is_ok());
    }
}
