//! Carrying a set's plan out: after [`SetPlan::check`] says yes, packages are
//! sent in the plan's order, a few at a time where the order allows (a
//! package starts only when every sibling it depends on is on the feed).
//! Each upload is the single-package [`execute`] (its retries, its 429 wait
//! for `Retry-After`, its lost-answer rule). A failure stops what depends on
//! the failed package; the rest goes on only with [`SetOptions::keep_going`].
//! Cancel stops before the next package (an upload still sending its body is
//! stopped, and the feed stores nothing). One [`SetReport`] says what
//! happened to every package.

use super::{
    MemberAction, PreparedSet, SetConsent, SetPlan, SetRequest, NUGET_ORG_PUSHES_PER_HOUR,
};
use crate::error::PublishError;
use crate::plan::{Consent, Prepared};
use crate::run::{execute_with, Outcome};
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::{CancellationToken, FeedKind, ProgressSink, PushEvent, PushOptions};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ts_rs::TS;

/// How a set is sent.
#[derive(Debug, Clone)]
pub struct SetOptions {
    /// Uploads at once where the order allows (default 2).
    pub concurrency: usize,
    /// After a failure, go on with the packages that do not depend on the failed one.
    pub keep_going: bool,
    /// Each upload's options (timeout, attempts, `Retry-After` limit).
    pub push: PushOptions,
    /// Pushes one key may make per hour; `None`: the feed's documented limit (nuget.org: 350).
    pub pushes_per_hour: Option<usize>,
}

impl Default for SetOptions {
    fn default() -> Self {
        SetOptions {
            concurrency: 2,
            keep_going: false,
            // A set does not wait for each version to show on the feed: the
            // upload slot goes to the next package as soon as the feed accepts
            // one (nuget.org indexes for minutes, and the set's report says
            // "published" either way); a lost answer is still checked.
            push: PushOptions {
                visibility_wait: std::time::Duration::ZERO,
                ..PushOptions::default()
            },
            pushes_per_hour: None,
        }
    }
}

/// What happened to one package of the set.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum MemberOutcome {
    Published {
        outcome: Box<Outcome>,
    },
    /// The feed said it holds this version: nothing was sent for it.
    AlreadyThere {
        detail: String,
    },
    Failed {
        error: ErrorInfo,
    },
    /// Never sent (the feed did not get it); the reason says why.
    NotSent {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MemberResult {
    pub id: String,
    pub version: String,
    pub file: String,
    pub result: MemberOutcome,
}

/// The one report of a set: published / already there / failed (why) / not sent.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetReport {
    pub feed: String,
    /// Every package, in the plan's order.
    pub packages: Vec<MemberResult>,
    #[ts(type = "number")]
    pub published: usize,
    #[ts(type = "number")]
    pub already_there: usize,
    #[ts(type = "number")]
    pub failed: usize,
    #[ts(type = "number")]
    pub not_sent: usize,
    /// The user cancelled.
    pub cancelled: bool,
    /// Every package is published or already there.
    pub complete: bool,
}

impl SetReport {
    /// One plain sentence.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} published", self.published)];
        if self.already_there > 0 {
            parts.push(format!("{} already there", self.already_there));
        }
        if self.failed > 0 {
            parts.push(format!("{} failed", self.failed));
        }
        if self.not_sent > 0 {
            parts.push(format!("{} not sent", self.not_sent));
        }
        let how = if self.cancelled { " (cancelled)" } else { "" };
        format!("{} to {}{how}.", parts.join(", "), self.feed)
    }
}

/// Progress of a set.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum SetEvent {
    /// A package's upload starts.
    Started { id: String, version: String },
    /// A package's own progress (bytes, rate, retries and their waits).
    Package {
        id: String,
        version: String,
        event: PushEvent,
    },
    /// A package is done, one way or another.
    Done {
        id: String,
        version: String,
        result: Box<MemberOutcome>,
    },
    /// The whole set: packages done and bytes sent.
    Overall {
        #[ts(type = "number")]
        done: usize,
        #[ts(type = "number")]
        total: usize,
        #[ts(type = "number")]
        sent_bytes: u64,
        #[ts(type = "number")]
        total_bytes: u64,
        bytes_per_second: f64,
        eta_seconds: Option<f64>,
    },
    /// Waiting before the next upload (the feed's pushes-per-hour limit).
    Waiting { reason: String, wait_seconds: f64 },
}

pub type SetProgressSink = Arc<dyn Fn(SetEvent) + Send + Sync>;

/// The pushes one key made in the last hour, against the feed's limit.
#[derive(Debug)]
pub(crate) struct Budget {
    per_hour: Option<usize>,
    starts: VecDeque<Instant>,
}

const HOUR: Duration = Duration::from_secs(3600);

impl Budget {
    pub(crate) fn new(per_hour: Option<usize>) -> Budget {
        Budget {
            per_hour: per_hour.map(|n| n.max(1)),
            starts: VecDeque::new(),
        }
    }

    /// How long until one more push fits in the limit (`None`: now).
    pub(crate) fn wait(&mut self, now: Instant) -> Option<Duration> {
        let limit = self.per_hour?;
        while self
            .starts
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= HOUR)
        {
            self.starts.pop_front();
        }
        (self.starts.len() >= limit).then(|| (self.starts[0] + HOUR).saturating_duration_since(now))
    }

    pub(crate) fn record(&mut self, now: Instant) {
        self.starts.push_back(now);
    }
}

/// Bytes sent so far, per package, for the overall progress.
struct Overall {
    started: Instant,
    total: usize,
    total_bytes: u64,
    done: usize,
    sent: HashMap<usize, u64>,
}

impl Overall {
    fn event(&self) -> SetEvent {
        let sent_bytes: u64 = self.sent.values().sum::<u64>().min(self.total_bytes);
        let elapsed = self.started.elapsed().as_secs_f64();
        let bytes_per_second = if elapsed >= 1.0 {
            sent_bytes as f64 / elapsed
        } else {
            0.0
        };
        let eta_seconds = (bytes_per_second > 0.0)
            .then(|| (self.total_bytes - sent_bytes) as f64 / bytes_per_second);
        SetEvent::Overall {
            done: self.done,
            total: self.total,
            sent_bytes,
            total_bytes: self.total_bytes,
            bytes_per_second,
            eta_seconds,
        }
    }
}

/// The window's publish of a set: the plan is made again from the files as they
/// are now, checked against the consent, and carried out.
pub async fn publish_set(
    request: &SetRequest,
    consent: &SetConsent,
    options: &SetOptions,
    progress: &SetProgressSink,
    cancel: &CancellationToken,
) -> Result<SetReport, PublishError> {
    let prepared = super::prepare_set(request).await?;
    execute_set(prepared, consent, options, progress, cancel).await
}

fn done_ok(outcome: Option<&MemberOutcome>) -> Option<bool> {
    match outcome? {
        MemberOutcome::Published { .. } | MemberOutcome::AlreadyThere { .. } => Some(true),
        MemberOutcome::Failed { .. } | MemberOutcome::NotSent { .. } => Some(false),
    }
}

/// Carries out a prepared set, after [`SetPlan::check`] says yes. Nothing is sent otherwise.
#[tracing::instrument(skip_all, err(Debug), fields(packages = prepared.plan.members.len(), feed = %prepared.plan.feed.label))]
pub async fn execute_set(
    prepared: PreparedSet,
    consent: &SetConsent,
    options: &SetOptions,
    progress: &SetProgressSink,
    cancel: &CancellationToken,
) -> Result<SetReport, PublishError> {
    let PreparedSet {
        plan,
        prepared,
        source,
        client,
    } = prepared;
    plan.check(consent)?;
    let count = plan.members.len();
    let mut results = already_there(&plan);
    let mut slots: Vec<Option<Prepared>> = prepared.into_iter().map(Some).collect();
    let deps = dependency_indexes(&plan);
    let overall = Arc::new(Mutex::new(Overall {
        started: Instant::now(),
        total: count,
        total_bytes: plan.total_bytes,
        done: results.iter().filter(|r| r.is_some()).count(),
        sent: HashMap::new(),
    }));
    let concurrency = options.concurrency.max(1);
    let per_hour = options
        .pushes_per_hour
        .or((source.kind == FeedKind::NugetOrg).then_some(NUGET_ORG_PUSHES_PER_HOUR));
    let mut budget = Budget::new(per_hour);
    // The set's consent covers each package's: its check passed above.
    let member_consent = Consent::everything();
    let mut in_flight = FuturesUnordered::new();
    let mut started = vec![false; count];
    let mut stopped_after: Option<String> = None;
    loop {
        let mut rate_wait = None;
        if stopped_after.is_none() && !cancel.is_cancelled() {
            for n in 0..count {
                if started[n] || results[n].is_some() {
                    continue;
                }
                let states: Vec<Option<bool>> = deps[n]
                    .iter()
                    .map(|&d| done_ok(results[d].as_ref()))
                    .collect();
                if let Some(reason) = blocked_by(&plan, &deps[n], &results) {
                    finish(
                        &plan,
                        n,
                        MemberOutcome::NotSent { reason },
                        &mut results,
                        &overall,
                        progress,
                    );
                    continue;
                }
                if states.iter().any(Option::is_none) || in_flight.len() >= concurrency {
                    continue;
                }
                let now = Instant::now();
                if let Some(wait) = budget.wait(now) {
                    rate_wait = Some(wait);
                    break;
                }
                budget.record(now);
                started[n] = true;
                let Some(member_prepared) = slots[n].take() else {
                    continue;
                };
                let member = &plan.members[n];
                let (id, version) = (
                    member.plan.package.id.clone(),
                    member.plan.package.version.clone(),
                );
                progress(SetEvent::Started {
                    id: id.clone(),
                    version: version.clone(),
                });
                let sink = member_sink(n, &id, &version, progress, &overall);
                let member_consent = &member_consent;
                let push = &options.push;
                let client = &client;
                in_flight.push(async move {
                    let result =
                        execute_with(member_prepared, member_consent, push, &sink, cancel, client)
                            .await;
                    (n, result)
                });
            }
        }
        if in_flight.is_empty() {
            match rate_wait {
                Some(wait) if stopped_after.is_none() && !cancel.is_cancelled() => {
                    progress(SetEvent::Waiting {
                        reason: format!(
                            "{} takes {} pushes per hour for one API key: waiting before the next package",
                            plan.feed.name,
                            per_hour.unwrap_or_default()
                        ),
                        wait_seconds: wait.as_secs_f64(),
                    });
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = cancel.cancelled() => {}
                    }
                    continue;
                }
                _ => break,
            }
        }
        let Some((n, result)) = in_flight.next().await else {
            break;
        };
        let outcome = member_outcome(result);
        if matches!(outcome, MemberOutcome::Failed { .. })
            && !options.keep_going
            && stopped_after.is_none()
        {
            stopped_after = Some(plan.members[n].name());
        }
        finish(&plan, n, outcome, &mut results, &overall, progress);
    }
    let cancelled = cancel.is_cancelled();
    for n in 0..count {
        if results[n].is_none() {
            let reason = blocked_by(&plan, &deps[n], &results)
                .unwrap_or_else(|| not_sent_reason(stopped_after.as_deref(), cancelled));
            finish(
                &plan,
                n,
                MemberOutcome::NotSent { reason },
                &mut results,
                &overall,
                progress,
            );
        }
    }
    Ok(report(&plan, results, cancelled))
}

/// The members the feed holds already: settled before anything is sent.
fn already_there(plan: &SetPlan) -> Vec<Option<MemberOutcome>> {
    plan.members
        .iter()
        .map(|member| {
            (member.action == MemberAction::AlreadyThere).then(|| {
                let detail = member.plan.version_detail.clone().unwrap_or_else(|| {
                    format!(
                        "{} says it holds {} already: nothing was sent",
                        plan.feed.name,
                        member.name()
                    )
                });
                MemberOutcome::AlreadyThere { detail }
            })
        })
        .collect()
}

/// What one member's push came to.
fn member_outcome(result: Result<Outcome, PublishError>) -> MemberOutcome {
    match result {
        Ok(outcome) => MemberOutcome::Published {
            outcome: Box::new(outcome),
        },
        Err(e) if e.is_cancelled() => MemberOutcome::NotSent {
            reason: "not sent: publishing was cancelled while it was being sent, before the feed had all of it".into(),
        },
        Err(e) if e.is_version_exists() => MemberOutcome::AlreadyThere {
            detail: format!("the feed answered that it already holds this version when Nupub sent it: {}", e.info().message),
        },
        Err(e) => MemberOutcome::Failed { error: e.info() },
    }
}

/// Why a member that no failed sibling blocks was not sent.
fn not_sent_reason(stopped_after: Option<&str>, cancelled: bool) -> String {
    match stopped_after {
        Some(failed) => format!("not sent: Nupub stopped after {failed} failed (with --keep-going, or \"keep going\" in the window, packages that do not depend on it are still sent)"),
        None if cancelled => "not sent: publishing was cancelled before it started".to_string(),
        None => "not sent".to_string(),
    }
}

/// Why a member cannot be sent: a sibling it depends on failed or was not sent.
fn blocked_by(plan: &SetPlan, deps: &[usize], results: &[Option<MemberOutcome>]) -> Option<String> {
    let &d = deps
        .iter()
        .find(|&&d| done_ok(results[d].as_ref()) == Some(false))?;
    Some(format!(
        "not sent: it depends on {}, which {}",
        plan.members[d].name(),
        match &results[d] {
            Some(MemberOutcome::Failed { .. }) => "failed",
            _ => "was not sent",
        }
    ))
}

/// For each member (by index), the members it depends on.
fn dependency_indexes(plan: &SetPlan) -> Vec<Vec<usize>> {
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, m) in plan.members.iter().enumerate() {
        by_id
            .entry(m.plan.package.id.to_lowercase())
            .or_default()
            .push(n);
    }
    plan.members
        .iter()
        .enumerate()
        .map(|(n, m)| {
            m.depends_on
                .iter()
                .flat_map(|id| by_id.get(&id.to_lowercase()).cloned().unwrap_or_default())
                .filter(|&d| d != n)
                .collect()
        })
        .collect()
}

fn member_sink(
    n: usize,
    id: &str,
    version: &str,
    progress: &SetProgressSink,
    overall: &Arc<Mutex<Overall>>,
) -> ProgressSink {
    let (id, version, progress, overall) = (
        id.to_string(),
        version.to_string(),
        progress.clone(),
        overall.clone(),
    );
    Arc::new(move |event: PushEvent| {
        let total = match &event {
            PushEvent::Uploading { sent_bytes, .. } => Some(*sent_bytes),
            _ => None,
        };
        progress(SetEvent::Package {
            id: id.clone(),
            version: version.clone(),
            event,
        });
        if let Some(sent) = total {
            let event = {
                let mut state = overall.lock().unwrap_or_else(|e| e.into_inner());
                state.sent.insert(n, sent);
                state.event()
            };
            progress(event);
        }
    })
}

fn finish(
    plan: &SetPlan,
    n: usize,
    outcome: MemberOutcome,
    results: &mut [Option<MemberOutcome>],
    overall: &Arc<Mutex<Overall>>,
    progress: &SetProgressSink,
) {
    let member = &plan.members[n];
    let event = {
        let mut state = overall.lock().unwrap_or_else(|e| e.into_inner());
        state.done += 1;
        if matches!(outcome, MemberOutcome::Published { .. }) {
            state.sent.insert(n, member.bytes_to_send());
        }
        state.event()
    };
    progress(SetEvent::Done {
        id: member.plan.package.id.clone(),
        version: member.plan.package.version.clone(),
        result: Box::new(outcome.clone()),
    });
    progress(event);
    results[n] = Some(outcome);
}

fn report(plan: &SetPlan, results: Vec<Option<MemberOutcome>>, cancelled: bool) -> SetReport {
    let packages: Vec<MemberResult> = plan
        .members
        .iter()
        .zip(results)
        .map(|(m, r)| MemberResult {
            id: m.plan.package.id.clone(),
            version: m.plan.package.version.clone(),
            file: m.plan.package.path.clone(),
            result: r.unwrap_or(MemberOutcome::NotSent {
                reason: "not sent".into(),
            }),
        })
        .collect();
    let count = |f: fn(&MemberOutcome) -> bool| packages.iter().filter(|p| f(&p.result)).count();
    let published = count(|r| matches!(r, MemberOutcome::Published { .. }));
    let already_there = count(|r| matches!(r, MemberOutcome::AlreadyThere { .. }));
    let failed = count(|r| matches!(r, MemberOutcome::Failed { .. }));
    let not_sent = count(|r| matches!(r, MemberOutcome::NotSent { .. }));
    SetReport {
        feed: plan.feed.label.clone(),
        complete: failed == 0 && not_sent == 0,
        packages,
        published,
        already_there,
        failed,
        not_sent,
        cancelled,
    }
}
