//! The "Changes since X.Y.Z" view: thin commands over `nupub_diff`. The diff
//! runs in the background; progress arrives as [`DIFF_EVENT`] events and
//! [`cancel_package_changes`] stops it between steps.

use nupub_diff::baseline::{self, BaselineRequest, ChangesReport};
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::FeedClient;
use nupub_publish::{credential, ConfigScope};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tauri::Emitter;

/// The event that carries a running diff's [`nupub_diff::Progress`].
pub const DIFF_EVENT: &str = "diff-progress";

/// The comparison running now, so the window can cancel it.
#[derive(Clone, Default)]
pub struct DiffTask(Arc<Mutex<Option<Arc<AtomicBool>>>>);

/// Compares the package at `path` with its baseline on `feed` (an id from
/// `list_feeds`): the highest lower version, or `baseline` (a file or version).
#[tauri::command]
pub async fn package_changes<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    task: tauri::State<'_, DiffTask>,
    path: String,
    feed: String,
    baseline: Option<String>,
) -> Result<ChangesReport, ErrorInfo> {
    let cancel = Arc::new(AtomicBool::new(false));
    if let Some(old) = task
        .0
        .lock()
        .ok()
        .and_then(|mut s| s.replace(cancel.clone()))
    {
        old.store(true, Ordering::Relaxed);
    }
    let package = Path::new(&path);
    let (source, _) = ConfigScope::beside(package).resolve(Some(&feed))?;
    let folder = package.parent().unwrap_or(Path::new("."));
    let request = match baseline.as_deref() {
        Some(given) => BaselineRequest::parse(given, folder).map_err(|e| e.info())?,
        None => BaselineRequest::Auto,
    };
    let auth = credential::for_reading(&source);
    let client = FeedClient::new().map_err(|e| e.info())?;
    let cache = baseline::default_cache_dir().map_err(|e| e.info())?;
    let progress = Arc::new(move |p: nupub_diff::Progress| drop(app.emit(DIFF_EVENT, p)));
    baseline::changes_since(
        &client,
        &source,
        &auth,
        Path::new(&path),
        &request,
        &cache,
        progress,
        cancel,
    )
    .await
    .map_err(|e| e.info())
}

/// Stops the running comparison (it ends with `diff.cancelled`).
#[tauri::command]
pub fn cancel_package_changes(task: tauri::State<'_, DiffTask>) {
    if let Some(running) = task.0.lock().ok().and_then(|s| s.clone()) {
        running.store(true, Ordering::Relaxed);
    }
}
