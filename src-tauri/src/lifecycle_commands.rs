//! The Versions view's commands: list the versions of an id on a feed,
//! choose by range, plan and run bulk unlist/relist, deprecate, and the
//! guided "fix a bad release" flow. nupub-lifecycle decides everything;
//! keys are read from the vault here and never cross to the page.

use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::lifecycle::FeedVersion;
use nupub_feeds::{Auth, CancellationToken, FeedClient, Source};
use nupub_lifecycle::deprecate::DeprecationRequest;
use nupub_lifecycle::fix::{FixPlan, FixState};
use nupub_lifecycle::listing::{
    plan_listing, run_listing, LifecycleSink, ListingPlan, ListingReport,
};
use nupub_lifecycle::select::Selection;
use nupub_lifecycle::VersionsView;
use std::sync::Arc;
use tauri::Emitter;

/// The event carrying `LifecycleEvent`s (unlist/relist/deprecation progress).
pub const LIFECYCLE_EVENT: &str = "lifecycle:progress";
/// The event carrying the fix flow's `FixState` after each step.
pub const FIX_EVENT: &str = "lifecycle:fix";

/// The feed as `dotnet nuget push --source` would resolve it (from the
/// package's folder when one is open), its key by the publish core's one
/// lookup, and a client.
async fn feed_of(
    feed: &str,
    package_path: Option<&str>,
) -> Result<(Source, Auth, FeedClient), ErrorInfo> {
    let scope = match package_path {
        Some(path) => nupub_publish::ConfigScope::beside(std::path::Path::new(path)),
        None => {
            nupub_publish::ConfigScope::folder(std::env::current_dir().unwrap_or_default(), None)
        }
    };
    let (source, _) = scope.resolve(Some(feed))?;
    let lookup = nupub_publish::credential::Lookup::system(None);
    let credential = nupub_publish::credential::resolve(&source, lookup).await;
    Ok((source, credential.auth, FeedClient::new()?))
}

fn events<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> LifecycleSink {
    Arc::new(move |event| {
        let _ = app.emit(LIFECYCLE_EVENT, event);
    })
}

fn fixes_dir() -> Result<std::path::PathBuf, ErrorInfo> {
    Ok(nupub_feeds::data_dir().map_err(|e| e.info())?.join("fixes"))
}

/// Every version of `id` on `feed` and what can be done there.
#[tauri::command]
pub async fn feed_versions(
    feed: String,
    id: String,
    package_path: Option<String>,
) -> Result<VersionsView, ErrorInfo> {
    let (source, auth, client) = feed_of(&feed, package_path.as_deref()).await?;
    nupub_lifecycle::versions_view(&client, &source, &auth, &id).await
}

/// The versions a selection text chooses among `versions` (the view's list).
#[tauri::command]
pub fn choose_versions(
    text: String,
    id: String,
    feed: String,
    versions: Vec<FeedVersion>,
) -> Result<Vec<String>, ErrorInfo> {
    let selection = Selection::parse(&text).map_err(|e| e.info())?;
    let chosen = selection
        .choose(&id, &feed, &versions)
        .map_err(|e| e.info())?;
    Ok(chosen.iter().map(|v| v.version.clone()).collect())
}

/// What unlisting (or relisting) `versions` will do, for the one confirmation.
#[tauri::command]
pub async fn plan_listing_change(
    feed: String,
    id: String,
    versions: Vec<FeedVersion>,
    relist: bool,
    package_path: Option<String>,
) -> Result<ListingPlan, ErrorInfo> {
    let (source, _, _) = feed_of(&feed, package_path.as_deref()).await?;
    let chosen: Vec<&FeedVersion> = versions.iter().collect();
    plan_listing(&source, &id, &chosen, relist).map_err(|e| e.info())
}

/// The unlist/relist or deprecation under way, so the window can stop it
/// (also during a wait the feed asked for).
#[derive(Clone, Default)]
pub struct LifecycleTask(std::sync::Arc<std::sync::Mutex<Option<CancellationToken>>>);

impl LifecycleTask {
    /// A new run: one still going is stopped.
    fn begin(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Some(old) = self
            .0
            .lock()
            .ok()
            .and_then(|mut t| t.replace(token.clone()))
        {
            old.cancel();
        }
        token
    }
}

/// Stops the running unlist/relist or deprecation before its next request;
/// what was done stays done and the report says so. False when none runs.
#[tauri::command]
pub fn cancel_lifecycle(task: tauri::State<'_, LifecycleTask>) -> bool {
    let running = task.0.lock().ok().and_then(|mut t| t.take());
    running.map(|t| t.cancel()).is_some()
}

/// Runs a confirmed plan; progress arrives as [`LIFECYCLE_EVENT`] events.
#[tauri::command]
pub async fn run_listing_change<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    task: tauri::State<'_, LifecycleTask>,
    feed: String,
    plan: ListingPlan,
    typed: Option<String>,
    package_path: Option<String>,
) -> Result<ListingReport, ErrorInfo> {
    let cancel = task.begin();
    let (source, auth, client) = feed_of(&feed, package_path.as_deref()).await?;
    run_listing(
        &client,
        &source,
        &auth,
        &plan,
        typed.as_deref(),
        &events(app),
        &cancel,
    )
    .await
    .map_err(|e| e.info())
}

/// Deprecates (or with `undo`, un-deprecates) versions; the request is checked first.
#[tauri::command]
pub async fn deprecate_versions<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    task: tauri::State<'_, LifecycleTask>,
    feed: String,
    request: DeprecationRequest,
    package_path: Option<String>,
) -> Result<(), ErrorInfo> {
    let cancel = task.begin();
    let (source, auth, client) = feed_of(&feed, package_path.as_deref()).await?;
    nupub_lifecycle::deprecate::deprecate(&client, &source, &auth, &request, &events(app), &cancel)
        .await
}

/// Starts a guided fix: checks the corrected package against the feed and saves the steps.
#[tauri::command]
pub async fn fix_start(plan: FixPlan) -> Result<FixState, ErrorInfo> {
    let (source, auth, client) = feed_of(&plan.feed, Some(&plan.package)).await?;
    let state = nupub_lifecycle::fix::begin(&client, &source, &auth, plan).await?;
    state.save(&fixes_dir()?).map_err(|e| e.info())?;
    Ok(state)
}

/// The saved fix of `id` on `feed`, if one was started.
#[tauri::command]
pub fn fix_saved(feed: String, id: String) -> Result<Option<FixState>, ErrorInfo> {
    FixState::load(&fixes_dir()?, &feed, &id).map_err(|e| e.info())
}

/// Runs (or finishes) the saved fix of `id` on `feed`; the state after each
/// step arrives as [`FIX_EVENT`] events and is saved.
#[tauri::command]
pub async fn fix_run<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    feed: String,
    id: String,
) -> Result<FixState, ErrorInfo> {
    let dir = fixes_dir()?;
    let sink = events(app.clone());
    let after_step = |s: &FixState| {
        if let Err(e) = s.save(&dir) {
            tracing::warn!(code = %e.info().code, "the fix's state could not be saved");
        }
        let _ = app.emit(FIX_EVENT, s);
    };
    Ok(nupub_publish::fix::run_saved_fix(&dir, &feed, &id, &sink, &after_step).await?)
}
