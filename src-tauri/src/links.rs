//! Which web links the window may open in the system browser.
//!
//! The window itself has no permission to open anything: every link goes
//! through the `open_link` command, which applies the rules here. Pages of
//! nuget.org, the Microsoft account pages and github.com open at once; a link
//! the open package declares (project, repository or licence URL, or a link
//! in its readme) opens only after the user confirmed it; nothing else opens.
//! Only `https` is accepted.

use crate::error::AppError;
use nupub_package::Inspection;
use serde::Serialize;
use ts_rs::TS;
use url::Url;

/// Hosts whose https pages open without asking.
const TRUSTED_HOSTS: &[&str] = &[
    "nuget.org",
    "www.nuget.org",
    "licenses.nuget.org",
    "learn.microsoft.com",
    "account.microsoft.com",
    "account.live.com",
    "login.live.com",
    "mysignins.microsoft.com",
    "entra.microsoft.com",
    "github.com",
    "www.github.com",
];

/// How a link may be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A trusted page: opens at once.
    Trusted,
    /// A link from the package: opens after the user confirmed it.
    FromPackage,
}

/// What `open_link` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "status")]
#[ts(export)]
pub enum LinkOutcome {
    /// The link was handed to the system browser.
    #[serde(rename_all = "camelCase")]
    Opened { url: String },
    /// The link comes from the package: ask the user, then call again with `confirmed`.
    #[serde(rename_all = "camelCase")]
    NeedsConfirmation { url: String, host: String },
}

/// Parses `raw` and decides whether it may be opened, given the links the open package declares.
pub fn classify(
    raw: &str,
    package_links: &[String],
    readme_html: Option<&str>,
) -> Result<(Url, LinkKind), AppError> {
    let trimmed = raw.trim();
    let url = Url::parse(trimmed).map_err(|_| AppError::LinkInvalid {
        url: raw.to_string(),
    })?;
    if url.scheme() != "https" {
        return Err(AppError::LinkNotHttps {
            url: trimmed.to_string(),
        });
    }
    // Credentials in a link (https://user:pass@host) are a phishing device; never open them.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::LinkNotAllowed {
            url: trimmed.to_string(),
        });
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if url.port().is_none() && TRUSTED_HOSTS.contains(&host.as_str()) {
        return Ok((url, LinkKind::Trusted));
    }
    let declared = package_links.iter().any(|l| l.trim() == trimmed);
    if declared || readme_links_to(readme_html, trimmed) {
        return Ok((url, LinkKind::FromPackage));
    }
    Err(AppError::LinkNotAllowed {
        url: trimmed.to_string(),
    })
}

/// The links a package declares in its nuspec.
/// What to do with a link the window asks to open.
#[derive(Debug)]
pub enum LinkDecision {
    /// Open it in the browser now.
    Open(Url),
    /// A link from the package: the window asks first (this outcome says where it goes).
    Ask(LinkOutcome),
}

/// Decides about `url` given the open package (its declared links and readme):
/// trusted pages open at once, the package's own links only when `confirmed`,
/// anything else is refused (see [`classify`]).
pub fn decide(
    url: &str,
    package: Option<&Inspection>,
    confirmed: bool,
) -> Result<LinkDecision, AppError> {
    let declared = package.map(package_links).unwrap_or_default();
    let readme = package
        .and_then(|i| i.readme.as_ref())
        .and_then(|r| r.html.as_deref());
    let (parsed, kind) = classify(url, &declared, readme)?;
    if kind == LinkKind::FromPackage && !confirmed {
        return Ok(LinkDecision::Ask(LinkOutcome::NeedsConfirmation {
            host: parsed.host_str().unwrap_or_default().to_string(),
            url: parsed.to_string(),
        }));
    }
    Ok(LinkDecision::Open(parsed))
}

pub fn package_links(inspection: &Inspection) -> Vec<String> {
    let mut links = Vec::new();
    links.extend(inspection.project_url.clone());
    links.extend(inspection.repository.as_ref().and_then(|r| r.url.clone()));
    links.extend(inspection.license_url.clone());
    if let Some(license) = &inspection.license {
        if license.kind == "url" {
            links.push(license.value.clone());
        }
    }
    links
}

/// True when the sanitized readme HTML has a link with exactly this address
/// (attribute values are HTML-escaped by the sanitizer's serializer).
fn readme_links_to(html: Option<&str>, url: &str) -> bool {
    let Some(html) = html else { return false };
    let escaped = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\u{a0}', "&nbsp;");
    html.contains(&format!("href=\"{escaped}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(url: &str) -> Result<LinkKind, String> {
        classify(
            url,
            &[
                "https://www.newtonsoft.com/json".to_string(),
                "https://example.org/repo.git".to_string(),
            ],
            Some(r#"<p><a href="https://docs.example.org/a?b=1&amp;c=2" rel="noopener">x</a></p>"#),
        )
        .map(|(_, k)| k)
        .map_err(|e| nupub_error::Coded::code(&e).to_string())
    }

    #[test]
    fn trusted_pages_open_without_asking() {
        assert_eq!(
            kind("https://www.nuget.org/packages/Newtonsoft.Json"),
            Ok(LinkKind::Trusted)
        );
        assert_eq!(
            kind("https://github.com/JamesNK/Newtonsoft.Json"),
            Ok(LinkKind::Trusted)
        );
        assert_eq!(
            kind("https://account.microsoft.com/security"),
            Ok(LinkKind::Trusted)
        );
        assert_eq!(
            kind("HTTPS://WWW.NUGET.ORG/account/apikeys"),
            Ok(LinkKind::Trusted)
        );
    }

    #[test]
    fn package_links_need_confirmation() {
        assert_eq!(
            kind("https://www.newtonsoft.com/json"),
            Ok(LinkKind::FromPackage)
        );
        assert_eq!(
            kind(" https://example.org/repo.git "),
            Ok(LinkKind::FromPackage)
        );
        assert_eq!(
            kind("https://docs.example.org/a?b=1&c=2"),
            Ok(LinkKind::FromPackage)
        );
    }

    #[test]
    fn everything_else_is_refused() {
        assert_eq!(
            kind("https://evil.example/"),
            Err("app.link_not_allowed".into())
        );
        // Look-alike hosts and ports are not the trusted sites.
        assert_eq!(
            kind("https://nuget.org.evil.example/"),
            Err("app.link_not_allowed".into())
        );
        assert_eq!(
            kind("https://github.com:8443/x"),
            Err("app.link_not_allowed".into())
        );
        assert_eq!(
            kind("https://user:pw@github.com/"),
            Err("app.link_not_allowed".into())
        );
        assert_eq!(
            kind("http://www.nuget.org/"),
            Err("app.link_not_https".into())
        );
        assert_eq!(
            kind("http://www.newtonsoft.com/json"),
            Err("app.link_not_https".into())
        );
        assert_eq!(
            kind("javascript:alert(1)"),
            Err("app.link_not_https".into())
        );
        assert_eq!(kind("file:///etc/passwd"), Err("app.link_not_https".into()));
        assert_eq!(kind("docs/readme.md"), Err("app.link_invalid".into()));
        assert_eq!(kind(""), Err("app.link_invalid".into()));
        // A readme link is matched as written, not as a prefix.
        assert_eq!(
            kind("https://docs.example.org/a"),
            Err("app.link_not_allowed".into())
        );
    }

    #[test]
    fn outcome_wire_shape() {
        let json = serde_json::to_value(LinkOutcome::NeedsConfirmation {
            url: "https://a.example/".into(),
            host: "a.example".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": "needsConfirmation", "url": "https://a.example/", "host": "a.example"})
        );
    }
}
