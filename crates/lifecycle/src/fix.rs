//! "Fix a bad release": pick the bad version(s), open the corrected package
//! (its version must be higher), publish it, deprecate the bad versions
//! pointing to it and/or unlist them, then verify each on the feed.
//!
//! The flow is a list of steps with a status each ([`FixState`]), saved as
//! JSON after every step. A failed step stops the run and leaves everything
//! before it done; [`FixState::left`] says in plain words what is still to
//! do, and running again ([`run_fix`]) starts at the first step not done
//! (versions already unlisted are not sent again). Publishing a version the
//! feed already holds is never attempted: when the new version is on the
//! feed at the start, the publish step is done.
//!
//! nuget.org refuses a package as the alternate of itself, so the pointer to
//! the new version of the same id goes into the deprecation message.

use crate::deprecate::{DeprecationRequest, ListedVerb, Reason};
use crate::error::LifecycleError;
use nupub_error::ErrorInfo;
use nupub_feeds::lifecycle::{FeedVersionList, VersionsFrom};
use nupub_package::NuGetVersion;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The deprecation part of a fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FixDeprecation {
    pub reasons: Vec<Reason>,
    /// The user's words; Nupub adds which version to use instead.
    pub message: Option<String>,
}

/// What the user chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FixPlan {
    pub id: String,
    /// The feed as the caller names it (to resolve it again when resuming).
    pub feed: String,
    pub bad_versions: Vec<String>,
    /// The corrected .nupkg.
    pub package: String,
    pub new_version: String,
    pub unlist: bool,
    pub deprecate: Option<FixDeprecation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FixStepKind {
    Publish,
    Deprecate,
    Unlist,
    Verify,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum StepStatus {
    Pending,
    Done { detail: String },
    Failed { error: ErrorInfo },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FixStep {
    pub kind: FixStepKind,
    /// What the step does, in plain words.
    pub title: String,
    pub status: StepStatus,
    /// Unlist: the versions already unlisted (not sent again when resuming).
    pub done_versions: Vec<String>,
}

/// The flow's state: saved, shown, resumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FixState {
    pub plan: FixPlan,
    pub steps: Vec<FixStep>,
    pub finished: bool,
    /// What is done and what is left, in plain words.
    pub summary: String,
}

/// What the flow needs from the feed (the real one: [`FeedFixOps`]).
pub trait FixOps {
    /// Publishes the corrected package (the existing push path, checks included).
    fn publish(&self, package: &Path) -> impl Future<Output = Result<String, ErrorInfo>> + Send;
    fn unlist(&self, id: &str, version: &str)
        -> impl Future<Output = Result<(), ErrorInfo>> + Send;
    fn deprecate(
        &self,
        request: &DeprecationRequest,
    ) -> impl Future<Output = Result<(), ErrorInfo>> + Send;
    fn versions(&self, id: &str)
        -> impl Future<Output = Result<FeedVersionList, ErrorInfo>> + Send;
    /// The feed shows changes only after a while (nuget.org: usually under 15 minutes).
    fn eventual(&self) -> bool;
}

fn parse(v: &str) -> Option<NuGetVersion> {
    NuGetVersion::parse(v).ok()
}

fn on_list<'a>(
    list: &'a FeedVersionList,
    version: &NuGetVersion,
) -> Option<&'a nupub_feeds::lifecycle::FeedVersion> {
    list.versions
        .iter()
        .find(|v| parse(&v.version).is_some_and(|p| p == *version))
}

impl FixState {
    /// Checks the choice against the feed and the corrected package, and lays out the steps.
    pub fn start(
        plan: FixPlan,
        list: &FeedVersionList,
        package_id: &str,
        package_version: &str,
    ) -> Result<FixState, LifecycleError> {
        if !package_id.trim().eq_ignore_ascii_case(plan.id.trim()) {
            return Err(LifecycleError::FixWrongPackage {
                id: plan.id.clone(),
                got: format!("{package_id} {package_version}"),
            });
        }
        if plan.bad_versions.is_empty() {
            return Err(LifecycleError::FixNothingToDo {
                reason: "no bad version was chosen".into(),
            });
        }
        if !plan.unlist && plan.deprecate.is_none() {
            return Err(LifecycleError::FixNothingToDo {
                reason: "neither unlisting nor deprecating was chosen".into(),
            });
        }
        let new =
            NuGetVersion::parse(package_version).map_err(|e| LifecycleError::FixWrongPackage {
                id: plan.id.clone(),
                got: format!("{package_id} {package_version} ({e})"),
            })?;
        let mut missing = Vec::new();
        for bad in &plan.bad_versions {
            let Some(parsed) = parse(bad) else {
                missing.push(bad.clone());
                continue;
            };
            if on_list(list, &parsed).is_none() {
                missing.push(bad.clone());
            }
            if new <= parsed {
                return Err(LifecycleError::FixVersionNotHigher {
                    new: new.normalized(),
                    bad: bad.clone(),
                });
            }
        }
        if !missing.is_empty() {
            return Err(LifecycleError::VersionsNotOnFeed {
                id: plan.id.clone(),
                versions: missing.join(", "),
                feed: list.feed.clone(),
            });
        }
        let bad = plan.bad_versions.join(", ");
        let mut plan = plan;
        plan.new_version = new.normalized();
        let mut steps = vec![FixStep {
            kind: FixStepKind::Publish,
            title: format!("Publish {} {}", plan.id, plan.new_version),
            status: match on_list(list, &new) {
                Some(_) => StepStatus::Done {
                    detail: format!(
                        "{} {} is already on {}",
                        plan.id, plan.new_version, list.feed
                    ),
                },
                None => StepStatus::Pending,
            },
            done_versions: Vec::new(),
        }];
        if plan.deprecate.is_some() {
            steps.push(FixStep {
                kind: FixStepKind::Deprecate,
                title: format!("Deprecate {bad}, pointing to {}", plan.new_version),
                status: StepStatus::Pending,
                done_versions: Vec::new(),
            });
        }
        if plan.unlist {
            // Versions the feed already shows unlisted need nothing.
            let already: Vec<String> = plan
                .bad_versions
                .iter()
                .filter(|b| {
                    parse(b)
                        .and_then(|p| on_list(list, &p).cloned())
                        .is_some_and(|v| v.listed == Some(false))
                })
                .cloned()
                .collect();
            steps.push(FixStep {
                kind: FixStepKind::Unlist,
                title: format!("Unlist {bad}"),
                status: StepStatus::Pending,
                done_versions: already,
            });
        }
        steps.push(FixStep {
            kind: FixStepKind::Verify,
            title: format!("Check every change on {}", list.feed),
            status: StepStatus::Pending,
            done_versions: Vec::new(),
        });
        let mut state = FixState {
            plan,
            steps,
            finished: false,
            summary: String::new(),
        };
        state.refresh();
        Ok(state)
    }

    /// The deprecation sent for the bad versions.
    pub fn deprecation_request(&self) -> Option<DeprecationRequest> {
        let choice = self.plan.deprecate.as_ref()?;
        let pointer = format!("Use version {} instead.", self.plan.new_version);
        let message = match choice
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(m) => format!("{m} {pointer}"),
            None => pointer,
        };
        let mut reasons = choice.reasons.clone();
        if reasons.is_empty() {
            reasons.push(Reason::CriticalBugs);
        }
        Some(DeprecationRequest {
            id: self.plan.id.clone(),
            versions: self.plan.bad_versions.clone(),
            reasons,
            message: Some(message),
            alternate: None,
            listed_verb: ListedVerb::Unchanged,
            undo: false,
        })
    }

    /// Plain sentences for what is done.
    pub fn done(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter_map(|s| match &s.status {
                StepStatus::Done { detail } => Some(format!("{}: {detail}", s.title)),
                _ if !s.done_versions.is_empty() => {
                    Some(format!("{}: {} done", s.title, s.done_versions.join(", ")))
                }
                _ => None,
            })
            .collect()
    }

    /// Plain sentences for what is left.
    pub fn left(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter(|s| !matches!(s.status, StepStatus::Done { .. }))
            .map(|s| {
                let what = match s.kind {
                    FixStepKind::Unlist => {
                        let rest: Vec<&String> = self
                            .plan
                            .bad_versions
                            .iter()
                            .filter(|b| !s.done_versions.contains(b))
                            .collect();
                        format!(
                            "Unlist {}",
                            rest.iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                    _ => s.title.clone(),
                };
                match &s.status {
                    StepStatus::Failed { error } => format!("{what} (failed: {})", error.message),
                    _ => format!("{what} (not done yet)"),
                }
            })
            .collect()
    }

    fn refresh(&mut self) {
        self.finished = self
            .steps
            .iter()
            .all(|s| matches!(s.status, StepStatus::Done { .. }));
        let done = self.done();
        let left = self.left();
        self.summary = if self.finished {
            format!("Fixed: {}.", done.join("; "))
        } else if done.is_empty() {
            format!("Nothing done yet. To do: {}.", left.join("; "))
        } else {
            format!("Done: {}. Left: {}.", done.join("; "), left.join("; "))
        };
    }

    /// Where a fix of `id` on `feed` is saved under `dir`.
    pub fn file_in(dir: &Path, feed: &str, id: &str) -> PathBuf {
        // FNV-1a of the feed, so any feed name or URL gives a plain file name.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in feed.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        let safe: String = id
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .take(100)
            .collect();
        dir.join(format!("{safe}-{hash:016x}.json"))
    }

    /// Saves the state (replacing the file in one step).
    pub fn save(&self, dir: &Path) -> Result<PathBuf, LifecycleError> {
        let path = Self::file_in(dir, &self.plan.feed, &self.plan.id);
        let fail = |what: &str, e: String| LifecycleError::FixStateUnreadable {
            path: path.display().to_string(),
            what: what.to_string(),
            detail: e,
        };
        std::fs::create_dir_all(dir).map_err(|e| fail("saved", e.to_string()))?;
        let json = serde_json::to_vec_pretty(self).map_err(|e| fail("saved", e.to_string()))?;
        let temp = path.with_extension("json.tmp");
        std::fs::write(&temp, json).map_err(|e| fail("saved", e.to_string()))?;
        std::fs::rename(&temp, &path).map_err(|e| fail("saved", e.to_string()))?;
        Ok(path)
    }

    /// The saved fix of `id` on `feed`, if there is one.
    pub fn load(dir: &Path, feed: &str, id: &str) -> Result<Option<FixState>, LifecycleError> {
        let path = Self::file_in(dir, feed, id);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(LifecycleError::FixStateUnreadable {
                    path: path.display().to_string(),
                    what: "read".into(),
                    detail: e.to_string(),
                })
            }
        };
        if bytes.len() > 4 * 1024 * 1024 {
            return Err(LifecycleError::FixStateUnreadable {
                path: path.display().to_string(),
                what: "read".into(),
                detail: "it is larger than 4 MB".into(),
            });
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| LifecycleError::FixStateUnreadable {
                path: path.display().to_string(),
                what: "read".into(),
                detail: e.to_string(),
            })
    }
}

/// Opens the corrected package, reads the feed's versions and starts the flow
/// (nothing is sent yet).
pub async fn begin(
    client: &nupub_feeds::FeedClient,
    source: &nupub_feeds::Source,
    auth: &nupub_feeds::Auth,
    plan: FixPlan,
) -> Result<FixState, ErrorInfo> {
    use nupub_error::Coded;
    let package = nupub_package::Package::open(Path::new(&plan.package)).map_err(|e| e.info())?;
    let list = client
        .versions(
            source,
            auth,
            &plan.id,
            &nupub_feeds::FactsOptions::default(),
        )
        .await
        .map_err(|e| e.info())?;
    FixState::start(plan, &list, package.id(), &package.version().full()).map_err(|e| e.info())
}

/// Runs every step not done yet, in order; stops at the first failure.
/// `after_step` is called after each step (to save and show the state).
pub async fn run_fix<O: FixOps>(
    state: &mut FixState,
    ops: &O,
    after_step: &(dyn Fn(&FixState) + Sync),
) {
    for index in 0..state.steps.len() {
        if matches!(state.steps[index].status, StepStatus::Done { .. }) {
            continue;
        }
        let outcome = run_step(state, index, ops).await;
        state.steps[index].status = match outcome {
            Ok(detail) => StepStatus::Done { detail },
            Err(error) => StepStatus::Failed { error },
        };
        state.refresh();
        after_step(state);
        if matches!(state.steps[index].status, StepStatus::Failed { .. }) {
            return;
        }
    }
}

async fn run_step<O: FixOps>(
    state: &mut FixState,
    index: usize,
    ops: &O,
) -> Result<String, ErrorInfo> {
    let plan = state.plan.clone();
    match state.steps[index].kind {
        FixStepKind::Publish => {
            // A publish whose answer was lost may have arrived: ask the feed first.
            let list = ops.versions(&plan.id).await?;
            if let Some(new) = parse(&plan.new_version) {
                if on_list(&list, &new).is_some() {
                    return Ok(format!(
                        "{} {} is on {}",
                        plan.id, plan.new_version, list.feed
                    ));
                }
            }
            ops.publish(Path::new(&plan.package)).await
        }
        FixStepKind::Deprecate => {
            let Some(request) = state.deprecation_request() else {
                return Ok("nothing to deprecate".into());
            };
            ops.deprecate(&request).await?;
            Ok(format!("{} deprecated", plan.bad_versions.join(", ")))
        }
        FixStepKind::Unlist => {
            for version in &plan.bad_versions {
                if state.steps[index].done_versions.contains(version) {
                    continue;
                }
                ops.unlist(&plan.id, version).await?;
                state.steps[index].done_versions.push(version.clone());
            }
            Ok(format!("{} unlisted", plan.bad_versions.join(", ")))
        }
        FixStepKind::Verify => verify(state, ops).await,
    }
}

async fn verify<O: FixOps>(state: &FixState, ops: &O) -> Result<String, ErrorInfo> {
    let plan = &state.plan;
    let list = ops.versions(&plan.id).await?;
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    match parse(&plan.new_version).and_then(|n| on_list(&list, &n).cloned()) {
        Some(v) if v.listed == Some(false) => {
            problems.push(format!("{} shows as unlisted", plan.new_version))
        }
        Some(_) => notes.push(format!("{} is on the feed", plan.new_version)),
        None => problems.push(format!("{} is not on the feed", plan.new_version)),
    }
    for bad in &plan.bad_versions {
        let found = parse(bad).and_then(|b| on_list(&list, &b).cloned());
        if plan.unlist {
            match &found {
                None => notes.push(format!("{bad} is no longer served (this feed removed it)")),
                Some(v) if v.listed == Some(false) => notes.push(format!("{bad} is unlisted")),
                Some(v) if v.listed == Some(true) => {
                    problems.push(format!("{bad} still shows as listed"))
                }
                Some(_) => notes.push(format!(
                    "{bad}: this feed does not say whether it is unlisted"
                )),
            }
        }
        if plan.deprecate.is_some() {
            match (&found, list.from) {
                (Some(v), VersionsFrom::Registration) if v.deprecation.is_some() => {
                    notes.push(format!("{bad} shows as deprecated"))
                }
                (Some(_), VersionsFrom::Registration) => {
                    problems.push(format!("{bad} does not show as deprecated"))
                }
                (None, _) => {}
                (Some(_), _) => notes.push(format!("{bad}: this feed cannot show deprecation")),
            }
        }
    }
    if problems.is_empty() {
        return Ok(notes.join("; "));
    }
    if ops.eventual() {
        return Ok(format!(
            "{}; not visible yet: {} (nuget.org usually shows changes within 15 minutes)",
            notes.join("; "),
            problems.join("; ")
        ));
    }
    Err(ErrorInfo::new(
        "lifecycle.fix.not_verified",
        format!(
            "the feed does not show every change: {}",
            problems.join("; ")
        ),
        Some("run the fix again to retry what is not done; the steps already done are kept".into()),
    ))
}

/// [`FixOps`] against a real feed: listing, unlisting and deprecation through
/// `FeedClient`; publishing through the caller's push path.
pub struct FeedFixOps<'a, P> {
    pub client: &'a nupub_feeds::FeedClient,
    pub source: &'a nupub_feeds::Source,
    pub auth: &'a nupub_feeds::Auth,
    pub events: &'a crate::listing::LifecycleSink,
    pub cancel: &'a nupub_feeds::CancellationToken,
    /// The push path (the window's publish, checks included).
    pub publish: P,
}

impl<P, F> FixOps for FeedFixOps<'_, P>
where
    P: Fn(PathBuf) -> F + Sync,
    F: Future<Output = Result<String, ErrorInfo>> + Send,
{
    fn publish(&self, package: &Path) -> impl Future<Output = Result<String, ErrorInfo>> + Send {
        (self.publish)(package.to_path_buf())
    }

    async fn unlist(&self, id: &str, version: &str) -> Result<(), ErrorInfo> {
        {
            use nupub_feeds::lifecycle::FeedVersion;
            let only = [FeedVersion::new(version.to_string())];
            let chosen: Vec<&FeedVersion> = only.iter().collect();
            let plan = crate::listing::plan_listing(self.source, id, &chosen, false)
                .map_err(|e| nupub_error::Coded::info(&e))?;
            // The flow's own confirmation stands for the typed one.
            let typed = match &plan.confirmation {
                crate::listing::Confirmation::Typed { text } => Some(text.clone()),
                crate::listing::Confirmation::Yes => None,
            };
            let report = crate::listing::run_listing(
                self.client,
                self.source,
                self.auth,
                &plan,
                typed.as_deref(),
                self.events,
                self.cancel,
            )
            .await
            .map_err(|e| nupub_error::Coded::info(&e))?;
            match report.results.into_iter().next().map(|r| r.outcome) {
                Some(crate::listing::VersionOutcome::Done)
                | Some(crate::listing::VersionOutcome::Skipped { .. }) => Ok(()),
                Some(crate::listing::VersionOutcome::Failed { error }) => Err(error),
                _ => Err(report.stopped.unwrap_or_else(|| {
                    ErrorInfo::new(
                        "lifecycle.fix.not_verified",
                        format!("{id} {version} was not unlisted"),
                        None,
                    )
                })),
            }
        }
    }

    fn deprecate(
        &self,
        request: &DeprecationRequest,
    ) -> impl Future<Output = Result<(), ErrorInfo>> + Send {
        crate::deprecate::deprecate(
            self.client,
            self.source,
            self.auth,
            request,
            self.events,
            self.cancel,
        )
    }

    async fn versions(&self, id: &str) -> Result<FeedVersionList, ErrorInfo> {
        {
            self.client
                .versions(
                    self.source,
                    self.auth,
                    id,
                    &nupub_feeds::FactsOptions::default(),
                )
                .await
                .map_err(|e| nupub_error::Coded::info(&e))
        }
    }

    fn eventual(&self) -> bool {
        self.source.kind == nupub_feeds::FeedKind::NugetOrg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nupub_feeds::lifecycle::FeedVersion;
    use std::sync::Mutex;

    fn list(versions: &[(&str, Option<bool>)]) -> FeedVersionList {
        FeedVersionList {
            id: "A".into(),
            feed: "feed".into(),
            from: VersionsFrom::V2Feed,
            versions: versions
                .iter()
                .map(|(v, l)| FeedVersion {
                    listed: *l,
                    ..FeedVersion::new(v.to_string())
                })
                .collect(),
        }
    }

    fn plan() -> FixPlan {
        FixPlan {
            id: "A".into(),
            feed: "feed".into(),
            bad_versions: vec!["1.0.1".into(), "1.0.2".into()],
            package: "/tmp/A.1.0.3.nupkg".into(),
            new_version: String::new(),
            unlist: true,
            deprecate: None,
        }
    }

    /// A feed in memory, for the state machine's own rules (the real feed
    /// paths are tested against pynuget and the deprecation fake).
    struct Memory {
        versions: Mutex<Vec<(String, Option<bool>)>>,
        fail_unlist: Mutex<Option<String>>,
        published: Mutex<u32>,
    }

    impl FixOps for Memory {
        fn publish(&self, _: &Path) -> impl Future<Output = Result<String, ErrorInfo>> + Send {
            *self.published.lock().unwrap() += 1;
            self.versions.lock().unwrap().push(("1.0.3".into(), None));
            async { Ok("published".to_string()) }
        }
        fn unlist(
            &self,
            _: &str,
            version: &str,
        ) -> impl Future<Output = Result<(), ErrorInfo>> + Send {
            let fail = self.fail_unlist.lock().unwrap().as_deref() == Some(version);
            if !fail {
                self.versions.lock().unwrap().retain(|(v, _)| v != version);
            }
            async move {
                if fail {
                    Err(ErrorInfo::new(
                        "feed.http_status",
                        "the feed answered 503",
                        None,
                    ))
                } else {
                    Ok(())
                }
            }
        }
        async fn deprecate(&self, _: &DeprecationRequest) -> Result<(), ErrorInfo> {
            Ok(())
        }
        fn versions(
            &self,
            _: &str,
        ) -> impl Future<Output = Result<FeedVersionList, ErrorInfo>> + Send {
            let now: Vec<(String, Option<bool>)> = self.versions.lock().unwrap().clone();
            let refs: Vec<(&str, Option<bool>)> =
                now.iter().map(|(v, l)| (v.as_str(), *l)).collect();
            let l = list(&refs);
            async move { Ok(l) }
        }
        fn eventual(&self) -> bool {
            false
        }
    }

    #[test]
    fn start_checks_the_package_and_the_versions() {
        let feed = list(&[("1.0.2", None), ("1.0.1", None), ("1.0.0", None)]);
        assert_eq!(
            nupub_error::Coded::code(&FixState::start(plan(), &feed, "B", "1.0.3").unwrap_err()),
            "lifecycle.fix.wrong_package"
        );
        assert_eq!(
            nupub_error::Coded::code(&FixState::start(plan(), &feed, "a", "1.0.2").unwrap_err()),
            "lifecycle.fix.version_not_higher"
        );
        let missing = FixPlan {
            bad_versions: vec!["0.9.0".into()],
            ..plan()
        };
        assert_eq!(
            nupub_error::Coded::code(&FixState::start(missing, &feed, "A", "1.0.3").unwrap_err()),
            "lifecycle.select.not_on_feed"
        );
        let nothing = FixPlan {
            unlist: false,
            ..plan()
        };
        assert_eq!(
            nupub_error::Coded::code(&FixState::start(nothing, &feed, "A", "1.0.3").unwrap_err()),
            "lifecycle.fix.nothing_to_do"
        );
        let state = FixState::start(plan(), &feed, "A", "1.0.3").unwrap();
        let kinds: Vec<FixStepKind> = state.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                FixStepKind::Publish,
                FixStepKind::Unlist,
                FixStepKind::Verify
            ]
        );
        assert!(!state.finished);
        // Deprecation never names the package itself as its alternate.
        let with = FixPlan {
            deprecate: Some(FixDeprecation {
                reasons: vec![],
                message: Some("Broken build.".into()),
            }),
            ..plan()
        };
        let state = FixState::start(with, &feed, "A", "1.0.3").unwrap();
        let request = state.deprecation_request().unwrap();
        assert!(request.alternate.is_none());
        assert_eq!(
            request.message.as_deref(),
            Some("Broken build. Use version 1.0.3 instead.")
        );
        assert!(request.body().is_ok());
    }

    #[tokio::test]
    async fn a_failure_after_publishing_says_what_is_left_and_resuming_finishes() {
        let memory = Memory {
            versions: Mutex::new(vec![
                ("1.0.0".into(), None),
                ("1.0.1".into(), None),
                ("1.0.2".into(), None),
            ]),
            fail_unlist: Mutex::new(Some("1.0.2".into())),
            published: Mutex::new(0),
        };
        let feed = memory.versions("A").await.unwrap();
        let mut state = FixState::start(plan(), &feed, "A", "1.0.3").unwrap();
        let saves = Mutex::new(0);
        run_fix(&mut state, &memory, &|_| *saves.lock().unwrap() += 1).await;
        assert!(!state.finished);
        assert!(matches!(state.steps[0].status, StepStatus::Done { .. }));
        assert!(matches!(state.steps[1].status, StepStatus::Failed { .. }));
        assert_eq!(state.steps[1].done_versions, ["1.0.1"]);
        assert!(
            state.summary.contains("Publish A 1.0.3"),
            "{}",
            state.summary
        );
        let left = state.left();
        assert!(left[0].starts_with("Unlist 1.0.2 (failed"), "{left:?}");
        assert!(left[1].contains("not done yet"), "{left:?}");
        assert_eq!(*saves.lock().unwrap(), 2);

        // Saved and loaded, the state resumes where it stopped.
        let dir = tempfile::tempdir().unwrap();
        state.save(dir.path()).unwrap();
        let mut resumed = FixState::load(dir.path(), "feed", "A").unwrap().unwrap();
        assert_eq!(resumed, state);
        *memory.fail_unlist.lock().unwrap() = None;
        run_fix(&mut resumed, &memory, &|_| {}).await;
        assert!(resumed.finished, "{}", resumed.summary);
        assert_eq!(
            *memory.published.lock().unwrap(),
            1,
            "never published twice"
        );
        assert!(resumed.summary.starts_with("Fixed:"));
        assert!(FixState::load(dir.path(), "other feed", "A")
            .unwrap()
            .is_none());
    }

    #[tokio::test]
    async fn verification_fails_when_the_feed_contradicts() {
        let memory = Memory {
            versions: Mutex::new(vec![
                ("1.0.1".into(), Some(true)),
                ("1.0.2".into(), Some(true)),
            ]),
            fail_unlist: Mutex::new(None),
            published: Mutex::new(0),
        };
        let feed = memory.versions("A").await.unwrap();
        let mut state = FixState::start(plan(), &feed, "A", "1.0.3").unwrap();
        // The unlist step is marked done without the feed changing.
        state.steps[1].status = StepStatus::Done {
            detail: "claimed".into(),
        };
        state.steps[0].status = StepStatus::Done {
            detail: "claimed".into(),
        };
        run_fix(&mut state, &memory, &|_| {}).await;
        let StepStatus::Failed { error } = &state.steps[2].status else {
            panic!("{:?}", state.steps[2].status)
        };
        assert_eq!(error.code, "lifecycle.fix.not_verified");
        assert!(
            error.message.contains("1.0.3 is not on the feed"),
            "{}",
            error.message
        );
    }
}
