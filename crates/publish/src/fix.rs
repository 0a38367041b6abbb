//! The guided fix of a bad release (nupub-lifecycle's [`run_fix`]: publish the
//! corrected version, deprecate, unlist, verify), with the publish session as
//! its push: the corrected package goes through the same plan, checks and key
//! lookup as any publish.

use crate::{credential, error::PublishError, feeds::ConfigScope};
use nupub_error::Coded;
use nupub_feeds::{CancellationToken, FeedClient};
use nupub_lifecycle::fix::{run_fix, FeedFixOps, FixState};
use nupub_lifecycle::listing::LifecycleSink;
use nupub_lifecycle::LifecycleError;
use std::path::{Path, PathBuf};

/// Runs (or finishes) the fix of `id` on `feed` saved in `dir`; `after_step`
/// sees the state after each step (to save it and show it).
pub async fn run_saved_fix(
    dir: &Path,
    feed: &str,
    id: &str,
    events: &LifecycleSink,
    after_step: &(dyn Fn(&FixState) + Sync),
) -> Result<FixState, PublishError> {
    let mut state =
        FixState::load(dir, feed, id)?.ok_or_else(|| LifecycleError::FixNothingToDo {
            reason: format!("no fix of {id} on {feed} was started"),
        })?;
    let scope = ConfigScope::beside(Path::new(&state.plan.package));
    let (source, _) = scope.resolve(Some(feed))?;
    let auth = credential::resolve(&source, credential::Lookup::system(None))
        .await
        .auth;
    let client = FeedClient::new()?;
    let cancel = CancellationToken::new();
    let progress = nupub_feeds::no_progress();
    let publish = |path: PathBuf| {
        let (feed, progress, cancel) = (feed.to_string(), progress.clone(), cancel.clone());
        async move {
            let request =
                crate::plan::PlanRequest::new(path.clone(), Some(feed), ConfigScope::beside(&path));
            // The fix's own confirmation covers the warnings; blockers still refuse.
            let consent = crate::plan::Consent::everything();
            crate::run::publish(&request, &consent, &Default::default(), &progress, &cancel)
                .await
                .map(|o| o.report.summary())
                .map_err(|e| e.info())
        }
    };
    let ops = FeedFixOps {
        client: &client,
        source: &source,
        auth: &auth,
        events,
        cancel: &cancel,
        publish,
    };
    run_fix(&mut state, &ops, after_step).await;
    Ok(state)
}
