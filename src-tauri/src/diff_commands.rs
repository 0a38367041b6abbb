//! The "Changes since X.Y.Z" view: thin commands over `nupub_diff`. The diff
//! runs in the background; progress arrives as [`DIFF_EVENT`] events and
//! [`cancel_package_changes`] stops it between steps.

use nupub_diff::baseline::ChangesReport;
use nupub_error::ErrorInfo;
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
    let cancel = task.begin();
    let progress = Arc::new(move |p: nupub_diff::Progress| drop(app.emit(DIFF_EVENT, p)));
    let path = Path::new(&path);
    let report =
        nupub_publish::changes::since_on_feed(path, &feed, baseline.as_deref(), progress, cancel);
    Ok(report.await?)
}

impl DiffTask {
    /// A new comparison: the one running (if any) is told to stop.
    fn begin(&self) -> Arc<AtomicBool> {
        let cancel = Arc::new(AtomicBool::new(false));
        if let Some(old) = self
            .0
            .lock()
            .ok()
            .and_then(|mut s| s.replace(cancel.clone()))
        {
            old.store(true, Ordering::Relaxed);
        }
        cancel
    }
}

/// Stops the running comparison (it ends with `diff.cancelled`).
#[tauri::command]
pub fn cancel_package_changes(task: tauri::State<'_, DiffTask>) {
    if let Some(running) = task.0.lock().ok().and_then(|s| s.clone()) {
        running.store(true, Ordering::Relaxed);
    }
}
