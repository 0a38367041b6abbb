//! Bulk unlist and relist: one plan listing every version (what happens to
//! each, what it costs in time), one confirmation, then one request per
//! version with a per-version outcome.
//!
//! - nuget.org allows 250 unlists per hour per API key (lifecycle reference
//!   §d): the plan says how long a larger batch takes at least, and a 429 is
//!   waited out for as long as the feed's `Retry-After` (or its "Try again
//!   in N seconds") says, with a progress event saying until when.
//! - A folder feed has no listing state: unlisting removes the files, which
//!   needs the id typed as confirmation; relisting is refused.
//! - Versions already in the wanted state are skipped (and said so), so
//!   running the same command again after a stop finishes the rest.

use crate::error::LifecycleError;
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::lifecycle::{FeedVersion, Sent};
use nupub_feeds::source::Location;
use nupub_feeds::{Auth, CancellationToken, FeedClient, FeedError, FeedKind, Source};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use ts_rs::TS;

/// nuget.org's documented unlist limit, per API key.
pub const NUGET_ORG_UNLISTS_PER_HOUR: u32 = 250;
/// Longest single wait Nupub accepts from a feed (nuget.org's limit window).
pub const MAX_WAIT: Duration = Duration::from_secs(3600);
/// Wait used when a 429 names no time.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);
/// 429s in a row for one request before Nupub stops.
pub const MAX_WAITS_IN_A_ROW: u32 = 5;

/// What a listing change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ListingAction {
    /// Hide from search; still installable by exact version.
    Unlist,
    Relist,
    /// A folder feed: the files are deleted.
    Remove,
}

/// How the user confirms a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Confirmation {
    /// A yes after reading the list.
    Yes,
    /// This text must be typed (deleting files cannot be undone).
    Typed { text: String },
}

/// One version in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlannedVersion {
    pub version: String,
    /// Why nothing is sent for it (already in the wanted state).
    pub skip: Option<String>,
}

/// Everything a bulk change will do, shown before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ListingPlan {
    pub id: String,
    pub feed: String,
    pub action: ListingAction,
    pub versions: Vec<PlannedVersion>,
    pub confirmation: Confirmation,
    /// The question or statement to show above the list.
    pub summary: String,
    /// The rate limit in plain words, when one applies.
    pub rate_note: Option<String>,
    /// Requests that will be sent (versions not skipped).
    pub requests: u32,
}

/// What happened to one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum VersionOutcome {
    Done,
    Skipped {
        why: String,
    },
    Failed {
        error: ErrorInfo,
    },
    /// Not tried because an earlier failure stopped the run.
    NotAttempted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VersionResult {
    pub version: String,
    pub outcome: VersionOutcome,
}

/// The outcome of a bulk change, version by version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ListingReport {
    pub id: String,
    pub feed: String,
    pub action: ListingAction,
    pub results: Vec<VersionResult>,
    /// Why the run stopped early, if it did.
    pub stopped: Option<ErrorInfo>,
    pub summary: String,
}

impl ListingReport {
    pub fn done(&self) -> usize {
        self.count(|o| matches!(o, VersionOutcome::Done))
    }
    pub fn failed(&self) -> usize {
        self.count(|o| {
            matches!(
                o,
                VersionOutcome::Failed { .. } | VersionOutcome::NotAttempted
            )
        })
    }
    fn count(&self, f: impl Fn(&VersionOutcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }
}

/// Progress while a plan runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum LifecycleEvent {
    /// Request `index` (1-based) of `total` is being sent.
    Sending {
        version: String,
        index: u32,
        total: u32,
    },
    /// The feed asked Nupub to wait; it resumes by itself.
    Waiting {
        what: String,
        #[ts(type = "number")]
        seconds: u64,
        server: String,
    },
    Finished {
        version: String,
        outcome: VersionOutcome,
    },
}

pub type LifecycleSink = Arc<dyn Fn(LifecycleEvent) + Send + Sync>;

/// A sink that drops every event.
pub fn no_events() -> LifecycleSink {
    Arc::new(|_| {})
}

fn is_folder(source: &Source) -> bool {
    matches!(source.location, Location::Folder(_))
}

/// Plans unlisting (`relist: false`) or relisting `chosen` versions of `id`.
pub fn plan_listing(
    source: &Source,
    id: &str,
    chosen: &[&FeedVersion],
    relist: bool,
) -> Result<ListingPlan, LifecycleError> {
    let feed = source.label();
    if relist && is_folder(source) {
        return Err(LifecycleError::FolderCannotRelist { feed });
    }
    let action = match (relist, is_folder(source)) {
        (true, _) => ListingAction::Relist,
        (false, true) => ListingAction::Remove,
        (false, false) => ListingAction::Unlist,
    };
    let versions: Vec<PlannedVersion> = chosen
        .iter()
        .map(|v| PlannedVersion {
            version: v.version.clone(),
            skip: match (action, v.listed) {
                (ListingAction::Unlist, Some(false)) => Some("already unlisted".into()),
                (ListingAction::Relist, Some(true)) => Some("already listed".into()),
                _ => None,
            },
        })
        .collect();
    let requests = versions.iter().filter(|v| v.skip.is_none()).count() as u32;
    let names = |n: u32| if n == 1 { "version" } else { "versions" };
    let summary = match action {
        ListingAction::Unlist => format!(
            "Unlist {requests} {} of {id} on {feed}? They disappear from search and from the version lists \
people browse, but stay installable by exact version (some servers delete them instead).",
            names(requests)
        ),
        ListingAction::Relist => format!(
            "Relist {requests} {} of {id} on {feed}? They show in search again.",
            names(requests)
        ),
        ListingAction::Remove => format!(
            "A folder feed cannot unlist: this DELETES {requests} {} of {id} from {feed} for good.",
            names(requests)
        ),
    };
    let confirmation = match action {
        ListingAction::Remove => Confirmation::Typed {
            text: id.to_string(),
        },
        _ => Confirmation::Yes,
    };
    let rate_note = (source.kind == FeedKind::NugetOrg && action == ListingAction::Unlist).then(|| {
        let hours = requests.saturating_sub(1) / NUGET_ORG_UNLISTS_PER_HOUR;
        if hours == 0 {
            format!("nuget.org allows {NUGET_ORG_UNLISTS_PER_HOUR} unlists per hour per API key; if the key was used for others this hour, Nupub waits when nuget.org asks it to.")
        } else {
            format!("nuget.org allows {NUGET_ORG_UNLISTS_PER_HOUR} unlists per hour per API key: {requests} unlists take at least {hours} hour(s); Nupub waits when nuget.org asks it to and says until when.")
        }
    });
    Ok(ListingPlan {
        id: id.to_string(),
        feed,
        action,
        versions,
        confirmation,
        summary,
        rate_note,
        requests,
    })
}

/// The wait a 429 asks for: `Retry-After`, else "Try again in N seconds" in
/// the feed's words, else [`DEFAULT_WAIT`].
pub fn wait_of(retry_after: Option<Duration>, server: &str) -> Duration {
    if let Some(wait) = retry_after {
        return wait;
    }
    let lower = server.to_ascii_lowercase();
    lower
        .split("try again in ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_WAIT)
}

/// Sends `send` again after each 429 for as long as the feed asks (each wait
/// at most [`MAX_WAIT`], at most [`MAX_WAITS_IN_A_ROW`]); other answers are returned.
pub(crate) async fn with_waits<F, Fut>(
    what: &str,
    feed: &str,
    events: &LifecycleSink,
    cancel: &CancellationToken,
    mut send: F,
) -> Result<Sent, ErrorInfo>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Sent, FeedError>>,
{
    let mut waits = 0;
    loop {
        if cancel.is_cancelled() {
            return Err(LifecycleError::Cancelled {
                what: what.to_string(),
            }
            .info());
        }
        let sent = send().await.map_err(|e| e.info())?;
        let Sent::Answered {
            status: 429,
            server,
            retry_after,
            ..
        } = &sent
        else {
            return Ok(sent);
        };
        waits += 1;
        let wait = wait_of(*retry_after, server);
        if waits > MAX_WAITS_IN_A_ROW || wait > MAX_WAIT {
            return Err(LifecycleError::RateLimited {
                feed: feed.to_string(),
                server: server.clone(),
            }
            .info());
        }
        events(LifecycleEvent::Waiting {
            what: what.to_string(),
            seconds: wait.as_secs().max(1),
            server: server.clone(),
        });
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancel.cancelled() => {
                return Err(LifecycleError::Cancelled { what: what.to_string() }.info());
            }
        }
    }
}

/// Runs a plan. `typed` is what the user typed for a [`Confirmation::Typed`] plan.
pub async fn run_listing(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    plan: &ListingPlan,
    typed: Option<&str>,
    events: &LifecycleSink,
    cancel: &CancellationToken,
) -> Result<ListingReport, LifecycleError> {
    if let Confirmation::Typed { text } = &plan.confirmation {
        if typed.map(str::trim) != Some(text.as_str()) {
            return Err(LifecycleError::RemovalNotConfirmed {
                id: plan.id.clone(),
                feed: plan.feed.clone(),
                count: plan.requests as usize,
                expected: text.clone(),
            });
        }
    }
    let total = plan.requests;
    let mut index = 0;
    let mut results = Vec::new();
    let mut stopped: Option<ErrorInfo> = None;
    for planned in &plan.versions {
        let version = planned.version.clone();
        let outcome = if let Some(why) = &planned.skip {
            VersionOutcome::Skipped { why: why.clone() }
        } else if stopped.is_some() {
            VersionOutcome::NotAttempted
        } else {
            index += 1;
            events(LifecycleEvent::Sending {
                version: version.clone(),
                index,
                total,
            });
            match change_one(client, source, auth, plan, &version, events, cancel).await {
                Ok(()) => VersionOutcome::Done,
                Err((error, go_on)) => {
                    if !go_on {
                        stopped = Some(error.clone());
                    }
                    VersionOutcome::Failed { error }
                }
            }
        };
        events(LifecycleEvent::Finished {
            version: version.clone(),
            outcome: outcome.clone(),
        });
        results.push(VersionResult { version, outcome });
    }
    let mut report = ListingReport {
        id: plan.id.clone(),
        feed: plan.feed.clone(),
        action: plan.action,
        results,
        stopped,
        summary: String::new(),
    };
    let verb = match plan.action {
        ListingAction::Unlist => "unlisted",
        ListingAction::Relist => "relisted",
        ListingAction::Remove => "removed",
    };
    report.summary = format!(
        "{} of {} version(s) of {} {verb} on {}{}",
        report.done(),
        plan.requests,
        plan.id,
        plan.feed,
        if report.failed() > 0 {
            format!("; {} not done (see each version)", report.failed())
        } else {
            String::new()
        }
    );
    Ok(report)
}

/// One version. `Err((error, go_on))`: `go_on` when the failure is about this
/// version only (it is not on the feed), so the others are still tried.
async fn change_one(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    plan: &ListingPlan,
    version: &str,
    events: &LifecycleSink,
    cancel: &CancellationToken,
) -> Result<(), (ErrorInfo, bool)> {
    if let Location::Folder(root) = &source.location {
        return nupub_feeds::local::remove_from_folder(root, &plan.id, version, true)
            .map(|_| ())
            .map_err(|e| {
                let go_on = matches!(e, FeedError::NotFound { .. });
                (e.info(), go_on)
            });
    }
    let relist = plan.action == ListingAction::Relist;
    let what = format!(
        "{} {} {version}",
        if relist { "relisting" } else { "unlisting" },
        plan.id
    );
    let sent = with_waits(&what, &plan.feed, events, cancel, || {
        client.send_listed(source, &plan.id, version, relist, auth)
    })
    .await
    .map_err(|e| (e, false))?;
    match sent {
        Sent::Done => Ok(()),
        Sent::Answered {
            status: 404, error, ..
        } => Err((error.info(), true)),
        Sent::Answered {
            status: status @ (405 | 501),
            server,
            ..
        } if relist => Err((
            LifecycleError::RelistUnsupported {
                feed: plan.feed.clone(),
                status,
                server,
            }
            .info(),
            false,
        )),
        Sent::Answered { error, .. } => Err((error.info(), false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn v(version: &str, listed: Option<bool>) -> FeedVersion {
        FeedVersion {
            listed,
            ..FeedVersion::new(version)
        }
    }

    #[test]
    fn nuget_org_plans_say_the_rate_and_skip_what_is_done() {
        let versions: Vec<FeedVersion> = (0..600)
            .map(|i| v(&format!("1.0.{i}"), Some(i % 100 != 0)))
            .collect();
        let chosen: Vec<&FeedVersion> = versions.iter().collect();
        let plan = plan_listing(&Source::nuget_org(), "A", &chosen, false).unwrap();
        assert_eq!(plan.action, ListingAction::Unlist);
        assert_eq!(plan.requests, 594);
        assert_eq!(plan.versions.iter().filter(|p| p.skip.is_some()).count(), 6);
        let note = plan.rate_note.unwrap();
        assert!(
            note.contains("250") && note.contains("at least 2 hour"),
            "{note}"
        );
        assert_eq!(plan.confirmation, Confirmation::Yes);
        let relist = plan_listing(&Source::nuget_org(), "A", &chosen, true).unwrap();
        assert_eq!(relist.requests, 6);
        assert!(relist.rate_note.is_none());
    }

    #[test]
    fn folder_plans_remove_with_a_typed_confirmation_and_never_relist() {
        let folder = Source::folder("local", Path::new("/tmp/feed"));
        let list = [v("1.0.0", None)];
        let chosen: Vec<&FeedVersion> = list.iter().collect();
        let plan = plan_listing(&folder, "My.Pkg", &chosen, false).unwrap();
        assert_eq!(plan.action, ListingAction::Remove);
        assert_eq!(
            plan.confirmation,
            Confirmation::Typed {
                text: "My.Pkg".into()
            }
        );
        assert!(plan.summary.contains("DELETES"));
        let err = plan_listing(&folder, "My.Pkg", &chosen, true).unwrap_err();
        assert_eq!(err.code(), "lifecycle.listing.folder_relist");
    }

    #[tokio::test]
    async fn a_folder_removal_without_the_typed_id_touches_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("My.Pkg.1.0.0.nupkg");
        std::fs::write(&file, "x").unwrap();
        let folder = Source::folder("local", dir.path());
        let list = [v("1.0.0", None)];
        let chosen: Vec<&FeedVersion> = list.iter().collect();
        let plan = plan_listing(&folder, "My.Pkg", &chosen, false).unwrap();
        let client = FeedClient::new().unwrap();
        let cancel = CancellationToken::new();
        for typed in [None, Some("yes"), Some("my.pkg")] {
            let err = run_listing(
                &client,
                &folder,
                &Auth::default(),
                &plan,
                typed,
                &no_events(),
                &cancel,
            )
            .await
            .unwrap_err();
            assert_eq!(err.code(), "lifecycle.listing.removal_unconfirmed");
            assert!(file.exists());
        }
        let report = run_listing(
            &client,
            &folder,
            &Auth::default(),
            &plan,
            Some("My.Pkg"),
            &no_events(),
            &cancel,
        )
        .await
        .unwrap();
        assert_eq!(report.done(), 1);
        assert!(!file.exists());
    }

    #[test]
    fn waits_come_from_retry_after_then_the_message() {
        assert_eq!(
            wait_of(Some(Duration::from_secs(7)), "Try again in 56 seconds."),
            Duration::from_secs(7)
        );
        assert_eq!(
            wait_of(None, "{\"statusCode\": 429, \"message\": \"Rate limit is exceeded. Try again in 56 seconds.\"}"),
            Duration::from_secs(56)
        );
        assert_eq!(wait_of(None, "slow down"), DEFAULT_WAIT);
    }
}
