//! Deprecation on nuget.org (`PUT /api/v2/package/{id}/deprecations`,
//! lifecycle reference §a.1): the request checked here with nuget.org's own
//! rules before anything is sent (so the user never waits for a 400 Nupub
//! could have said), and every documented answer explained.

use crate::error::LifecycleError;
use crate::listing::{with_waits, LifecycleSink};
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::lifecycle::{DeprecationBody, Sent};
use nupub_feeds::{Auth, CancellationToken, FeedClient, FeedKind, Source};
use nupub_package::NuGetVersion;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// nuget.org's limit on the custom message (`message.Length > 1000` is refused;
/// .NET counts UTF-16 code units, so Nupub does too).
pub const MAX_MESSAGE_UNITS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Reason {
    Legacy,
    CriticalBugs,
    Other,
}

impl Reason {
    /// `legacy`, `critical-bugs` (or `criticalbugs`, `critical`), `other`.
    pub fn parse(text: &str) -> Option<Reason> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "legacy" => Some(Reason::Legacy),
            "criticalbugs" | "critical" | "bugs" => Some(Reason::CriticalBugs),
            "other" => Some(Reason::Other),
            _ => None,
        }
    }
}

/// Also change the listing of the same versions in the same request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ListedVerb {
    #[default]
    Unchanged,
    Unlist,
    Relist,
}

/// The package users should move to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Alternate {
    pub id: String,
    /// `None`: any version.
    pub version: Option<String>,
}

impl Alternate {
    /// `ID` or `ID@VERSION`.
    pub fn parse(text: &str) -> Alternate {
        match text.trim().split_once('@') {
            Some((id, version)) if !version.trim().is_empty() => Alternate {
                id: id.trim().to_string(),
                version: Some(version.trim().to_string()),
            },
            Some((id, _)) => Alternate {
                id: id.trim().to_string(),
                version: None,
            },
            None => Alternate {
                id: text.trim().to_string(),
                version: None,
            },
        }
    }
}

/// A deprecation (or, with no reasons and `undo`, its removal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeprecationRequest {
    pub id: String,
    pub versions: Vec<String>,
    pub reasons: Vec<Reason>,
    pub message: Option<String>,
    pub alternate: Option<Alternate>,
    pub listed_verb: ListedVerb,
    /// Remove the deprecation of these versions.
    pub undo: bool,
}

/// Whether a feed can deprecate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum DeprecationSupport {
    Supported,
    /// A feed Nupub does not know: it may implement nuget.org's API; the
    /// feed's answer says whether it does.
    Unknown {
        note: String,
    },
    Unsupported {
        why: String,
    },
}

/// What Nupub knows about deprecation on this kind of feed.
pub fn support(source: &Source) -> DeprecationSupport {
    match source.kind {
        FeedKind::NugetOrg => DeprecationSupport::Supported,
        FeedKind::Local => DeprecationSupport::Unsupported {
            why: "a folder feed has no deprecation".into(),
        },
        FeedKind::MyGet | FeedKind::GitHubPackages | FeedKind::AzureArtifacts => {
            DeprecationSupport::Unsupported {
                why: "only nuget.org offers deprecation; this service has no deprecation API".into(),
            }
        }
        FeedKind::V2 | FeedKind::V3 => DeprecationSupport::Unknown {
            note: "deprecation is nuget.org's API; this feed may not have it, and Nupub says so if it answers that way".into(),
        },
    }
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

impl DeprecationRequest {
    fn invalid(&self, reason: impl Into<String>) -> LifecycleError {
        LifecycleError::DeprecationInvalid {
            id: self.id.clone(),
            reason: reason.into(),
        }
    }

    /// nuget.org's checks that need no server (in its order), and the
    /// request's own consistency; returns the body to send.
    pub fn body(&self) -> Result<DeprecationBody, LifecycleError> {
        let message = self
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        if self.undo && !self.reasons.is_empty() {
            return Err(self.invalid("removing a deprecation takes no reasons"));
        }
        if !self.undo && self.reasons.is_empty() {
            return Err(self.invalid("no reason was chosen (legacy, critical bugs or other)"));
        }
        if self.reasons.contains(&Reason::Other) && message.is_none() {
            return Err(self.invalid(
                "'other' needs a message (nuget.org: \"You must add a custom message if you are deprecating a package due to another reason!\")",
            ));
        }
        if let Some(m) = &message {
            let units = utf16_len(m);
            if units > MAX_MESSAGE_UNITS {
                return Err(self.invalid(format!(
                    "the message is {units} characters long (as nuget.org counts them); at most {MAX_MESSAGE_UNITS} are accepted"
                )));
            }
        }
        if self.versions.is_empty() {
            return Err(self.invalid("no version was chosen"));
        }
        let mut versions = Vec::new();
        for v in &self.versions {
            let parsed = NuGetVersion::parse(v).map_err(|e| self.invalid(format!("'{v}': {e}")))?;
            versions.push(parsed.normalized());
        }
        let alternate = match &self.alternate {
            Some(a) if a.id.trim().is_empty() => {
                return Err(self.invalid("the alternate package has no id"))
            }
            Some(a) => {
                if a.id.trim().eq_ignore_ascii_case(self.id.trim()) {
                    return Err(self.invalid(
                        "a package cannot be the alternate of itself (point to another package id)",
                    ));
                }
                let version = match &a.version {
                    Some(v) => Some(
                        NuGetVersion::parse(v)
                            .map_err(|e| self.invalid(format!("alternate version '{v}': {e}")))?
                            .normalized(),
                    ),
                    None => None,
                };
                Some((a.id.trim().to_string(), version))
            }
            None => None,
        };
        let (alternate_package_id, alternate_package_version) = match alternate {
            Some((id, version)) => (Some(id), version),
            None => (None, None),
        };
        Ok(DeprecationBody {
            versions,
            is_legacy: self.reasons.contains(&Reason::Legacy),
            has_critical_bugs: self.reasons.contains(&Reason::CriticalBugs),
            is_other: self.reasons.contains(&Reason::Other),
            alternate_package_id,
            alternate_package_version,
            message,
            listed_verb: format!("{:?}", self.listed_verb),
        })
    }
}

/// Sends a deprecation (waiting out 429s) and explains the answer.
pub async fn deprecate(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    request: &DeprecationRequest,
    events: &LifecycleSink,
    cancel: &CancellationToken,
) -> Result<(), ErrorInfo> {
    let feed = source.label();
    if let DeprecationSupport::Unsupported { why } = support(source) {
        return Err(LifecycleError::DeprecationUnsupported { feed, why }.info());
    }
    let body = request.body().map_err(|e| e.info())?;
    let what = format!("deprecating {} {}", request.id, body.versions.join(", "));
    let sent = with_waits(&what, &feed, events, cancel, || {
        client.send_deprecation(source, &request.id, &body, auth)
    })
    .await?;
    match sent {
        Sent::Done => Ok(()),
        Sent::Answered {
            status,
            server,
            error,
            ..
        } => Err(explain(source, &request.id, status, server, error.info())),
    }
}

/// The documented answers (lifecycle reference §a.1) in plain words.
fn explain(
    source: &Source,
    id: &str,
    status: u16,
    server: String,
    general: ErrorInfo,
) -> ErrorInfo {
    let feed = source.label();
    let lower = server.to_ascii_lowercase();
    let nuget_org = source.kind == FeedKind::NugetOrg;
    let refused = |server: String| {
        LifecycleError::DeprecationRefused {
            feed: feed.clone(),
            id: id.to_string(),
            status,
            server,
        }
        .info()
    };
    match status {
        // The route does not exist here: this feed has no deprecation API.
        405 | 501 => LifecycleError::DeprecationUnsupported {
            feed,
            why: format!("it answered {status} ({server})"),
        }
        .info(),
        404 if !nuget_org
            && !lower.contains("could not be found")
            && !lower.contains("no packages with id") =>
        {
            LifecycleError::DeprecationUnsupported {
                feed,
                why: format!("it answered 404 ({server})"),
            }
            .info()
        }
        403 if lower.contains("do not have permission to deprecate")
            || lower.contains("api key is invalid") =>
        {
            LifecycleError::DeprecationNotEnabled { feed, server }.info()
        }
        403 if lower.contains("locked") => general,
        400 | 403 | 404 => refused(server),
        401 => general,
        _ => general,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> DeprecationRequest {
        DeprecationRequest {
            id: "Contoso.Lib".into(),
            versions: vec!["1.0".into(), "1.1.0-Beta".into()],
            reasons: vec![Reason::CriticalBugs],
            message: None,
            alternate: Some(Alternate::parse("Contoso.Lib2@2.0")),
            listed_verb: ListedVerb::Unlist,
            undo: false,
        }
    }

    #[test]
    fn body_is_what_nuget_org_binds() {
        let body = request().body().unwrap();
        assert_eq!(body.versions, ["1.0.0", "1.1.0-Beta"]);
        assert!(body.has_critical_bugs && !body.is_legacy && !body.is_other);
        assert_eq!(body.alternate_package_id.as_deref(), Some("Contoso.Lib2"));
        assert_eq!(body.alternate_package_version.as_deref(), Some("2.0.0"));
        assert_eq!(body.listed_verb, "Unlist");
        let undo = DeprecationRequest {
            reasons: vec![],
            undo: true,
            alternate: None,
            listed_verb: ListedVerb::Unchanged,
            ..request()
        }
        .body()
        .unwrap();
        assert!(!undo.is_legacy && !undo.has_critical_bugs && !undo.is_other);
        assert_eq!(undo.listed_verb, "Unchanged");
    }

    #[test]
    fn nuget_org_rules_are_checked_before_sending() {
        let cases: Vec<(DeprecationRequest, &str)> = vec![
            (
                DeprecationRequest {
                    reasons: vec![Reason::Other],
                    ..request()
                },
                "needs a message",
            ),
            (
                DeprecationRequest {
                    reasons: vec![Reason::Other],
                    message: Some("   ".into()),
                    ..request()
                },
                "needs a message",
            ),
            (
                DeprecationRequest {
                    reasons: vec![],
                    ..request()
                },
                "no reason",
            ),
            (
                DeprecationRequest {
                    undo: true,
                    ..request()
                },
                "takes no reasons",
            ),
            (
                DeprecationRequest {
                    versions: vec![],
                    ..request()
                },
                "no version",
            ),
            (
                DeprecationRequest {
                    versions: vec!["1..0".into()],
                    ..request()
                },
                "1..0",
            ),
            (
                DeprecationRequest {
                    alternate: Some(Alternate::parse("contoso.LIB")),
                    ..request()
                },
                "alternate of itself",
            ),
            (
                DeprecationRequest {
                    alternate: Some(Alternate::parse("@1.0")),
                    ..request()
                },
                "no id",
            ),
        ];
        for (req, expected) in cases {
            let err = req.body().unwrap_err();
            assert_eq!(err.code(), "lifecycle.deprecation.invalid");
            assert!(err.to_string().contains(expected), "{err}");
        }
    }

    #[test]
    fn the_message_limit_counts_like_dotnet() {
        // 1000 ASCII characters pass; 501 emoji are 1002 UTF-16 units and fail.
        let ok = DeprecationRequest {
            message: Some("a".repeat(1000)),
            ..request()
        };
        assert!(ok.body().is_ok());
        let long = DeprecationRequest {
            message: Some("a".repeat(1001)),
            ..request()
        };
        assert!(long.body().is_err());
        let emoji = DeprecationRequest {
            message: Some("😀".repeat(501)),
            ..request()
        };
        let err = emoji.body().unwrap_err();
        assert!(err.to_string().contains("1002"), "{err}");
    }

    #[test]
    fn support_by_feed_kind() {
        assert_eq!(support(&Source::nuget_org()), DeprecationSupport::Supported);
        let folder = Source::folder("f", std::path::Path::new("/tmp/f"));
        assert!(matches!(
            support(&folder),
            DeprecationSupport::Unsupported { .. }
        ));
        let myget = Source::myget("x").unwrap();
        assert!(matches!(
            support(&myget),
            DeprecationSupport::Unsupported { .. }
        ));
        let other = Source::from_url("x", "https://feed.test/v3/index.json").unwrap();
        assert!(matches!(
            support(&other),
            DeprecationSupport::Unknown { .. }
        ));
    }

    #[test]
    fn documented_answers_are_explained() {
        let org = Source::nuget_org();
        let general = ErrorInfo::new("feed.http_status", "x", None);
        let code = |source: &Source, status: u16, text: &str| {
            explain(
                source,
                "Contoso.Lib",
                status,
                text.to_string(),
                general.clone(),
            )
            .code
        };
        assert_eq!(
            code(
                &org,
                403,
                "You do not have permission to deprecate this package."
            ),
            "lifecycle.deprecation.not_enabled"
        );
        assert_eq!(
            code(&org, 403, "The specified API key is invalid, has expired, or does not have permission to access the specified package."),
            "lifecycle.deprecation.not_enabled"
        );
        assert_eq!(
            code(&org, 400, "Alternate package 'X' does not exist."),
            "lifecycle.deprecation.refused"
        );
        assert_eq!(
            code(
                &org,
                404,
                "At least one version of package 'Contoso.Lib' specified could not be found."
            ),
            "lifecycle.deprecation.refused"
        );
        let other = Source::from_url("x", "https://feed.test/v3/index.json").unwrap();
        assert_eq!(
            code(&other, 405, "Method Not Allowed"),
            "lifecycle.deprecation.unsupported"
        );
        assert_eq!(
            code(&other, 404, "Not Found"),
            "lifecycle.deprecation.unsupported"
        );
    }
}
