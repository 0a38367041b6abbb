//! The set view's commands (several packages, or a folder, published
//! together): each translates its arguments, calls the publish core's
//! [`nupub_publish::batch`] (the same session `nupub push A B …` runs) and maps
//! the answer. No decision is made here. The running set shares the single
//! publish's [`PublishTask`], so files handed to the window wait for it too.

use crate::publish_commands::PublishTask;
use nupub_error::ErrorInfo;
use nupub_publish::batch::SetRequest;
use nupub_publish::{SetConsent, SetEvent, SetOptions, SetPlan, SetProgressSink, SetReport};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::Emitter;

/// The event carrying [`SetEvent`]s to the window.
pub const SET_EVENT: &str = "set:progress";

fn request(paths: Vec<String>, feed: &str, key: Option<String>) -> SetRequest {
    SetRequest::beside(paths.into_iter().map(PathBuf::from).collect(), feed, key)
}

/// The set's plan: order, symbol pairs, each package's plan, the set's problems. Only reads.
#[tauri::command]
pub async fn plan_set(
    paths: Vec<String>,
    feed: String,
    key: Option<String>,
) -> Result<SetPlan, ErrorInfo> {
    let prepared = nupub_publish::prepare_set(&request(paths, &feed, key)).await;
    prepared.map(|p| p.plan).map_err(Into::into)
}

/// Publishes the set if its plan, made again now, agrees with `consent`.
/// Progress arrives as [`SET_EVENT`] events; the answer is the report.
#[tauri::command]
pub async fn publish_set<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    task: tauri::State<'_, PublishTask>,
    paths: Vec<String>,
    feed: String,
    consent: SetConsent,
    keep_going: bool,
    key: Option<String>,
) -> Result<SetReport, ErrorInfo> {
    let cancel = task.start();
    let progress: SetProgressSink = Arc::new(move |event: SetEvent| {
        let _ = app.emit(SET_EVENT, event);
    });
    let options = SetOptions {
        keep_going,
        ..SetOptions::default()
    };
    let request = request(paths, &feed, key);
    let result = nupub_publish::publish_set(&request, &consent, &options, &progress, &cancel).await;
    task.finish();
    Ok(result?)
}

/// Stops the set before its next package. Returns false when nothing was running.
#[tauri::command]
pub fn cancel_set(task: tauri::State<'_, PublishTask>) -> bool {
    crate::publish_commands::cancel_publish(task)
}
