//! The publish flow's commands: each translates its arguments, calls the
//! publish core (`nupub-publish`, the same session `nupub push` runs) and
//! maps the answer. No decision is made here. API keys are read from the
//! keyring by the core and never cross to the page; a key typed on the Confirm
//! step crosses once, into [`store_feed_key`] or [`publish`], and is never sent back.

use crate::commands::blocking;
use nupub_error::ErrorInfo;
use nupub_feeds::{ApiKey, CancellationToken, ProgressSink, PushEvent, PushOptions};
use nupub_publish::{
    ConfigScope, Consent, FeedList, ListingOutcome, ListingRequest, Outcome, Plan, PlanRequest,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tauri::Emitter;

/// The event carrying [`PushEvent`]s to the window.
pub const PUBLISH_EVENT: &str = "publish:progress";

/// The push running now, so the window can cancel it.
#[derive(Clone, Default)]
pub struct PublishTask(Arc<Mutex<Option<CancellationToken>>>);

/// The request for `path` to `feed` (an id from [`list_feeds`]): nuget.config
/// files are read from the package's folder, as `dotnet nuget push` run beside it would.
pub fn request(path: &str, feed: &str, key: Option<String>) -> PlanRequest {
    let package = PathBuf::from(path);
    let scope = ConfigScope::beside(&package);
    let mut request = PlanRequest::new(package, Some(feed.to_string()), scope);
    request.key = key.filter(|k| !k.trim().is_empty()).map(ApiKey::new);
    request
}

/// The local feed, the nuget.config sources and nuget.org, with the key each would use.
#[tauri::command]
pub async fn list_feeds(package_path: Option<String>) -> Result<FeedList, ErrorInfo> {
    blocking("listing the feeds", move || {
        let scope = match package_path {
            Some(path) => ConfigScope::beside(&PathBuf::from(path)),
            None => ConfigScope::folder(std::env::current_dir().unwrap_or_default(), None),
        };
        Ok(nupub_publish::feeds::list(&scope)?)
    })
    .await
}

/// The plan for Confirm: checks for the feed's target, what the feed knows, the key, the symbols,
/// what blocks and what needs acknowledging. Only reads.
#[tauri::command]
pub async fn plan_publish(
    path: String,
    feed: String,
    key: Option<String>,
) -> Result<Plan, ErrorInfo> {
    Ok(nupub_publish::prepare(&request(&path, &feed, key))
        .await?
        .plan)
}

/// Publishes `path` to `feed` if the plan, made again now, agrees with `consent`.
/// Progress arrives as [`PUBLISH_EVENT`] events.
#[tauri::command]
pub async fn publish<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    task: tauri::State<'_, PublishTask>,
    path: String,
    feed: String,
    consent: Consent,
    key: Option<String>,
) -> Result<Outcome, ErrorInfo> {
    let cancel = task.start();
    let progress: ProgressSink = Arc::new(move |event: PushEvent| {
        // A window that closed mid-push has nobody to tell.
        let _ = app.emit(PUBLISH_EVENT, event);
    });
    let request = request(&path, &feed, key);
    let result = nupub_publish::publish(
        &request,
        &consent,
        &PushOptions::default(),
        &progress,
        &cancel,
    )
    .await;
    task.finish();
    Ok(result?)
}

/// Stores a key for `feed` (any kind) in the keyring; returns the name it is stored under.
#[tauri::command]
pub async fn store_feed_key(
    path: String,
    feed: String,
    key: String,
    metadata: nupub_accounts::KeyMetadata,
) -> Result<String, ErrorInfo> {
    blocking("storing the key", move || {
        let (source, _) = ConfigScope::beside(&PathBuf::from(path)).resolve(Some(&feed))?;
        Ok(nupub_publish::credential::store(
            &source,
            &ApiKey::new(key),
            metadata,
        )?)
    })
    .await
}

/// Unlists (`listed: false`) or relists `id` `version` on `feed` (the window confirms first).
#[tauri::command]
pub async fn set_listed(
    path: String,
    feed: String,
    id: String,
    version: String,
    listed: bool,
) -> Result<ListingOutcome, ErrorInfo> {
    let request = ListingRequest {
        scope: ConfigScope::beside(&PathBuf::from(path)),
        feed: Some(feed),
        id,
        version,
        key: None,
        // The window never removes from a folder: it does not offer unlisting there.
        remove_from_folder: false,
    };
    Ok(nupub_publish::set_listed(&request, listed).await?)
}

/// Cancels the running push. Returns false when none was running.
#[tauri::command]
pub fn cancel_publish(task: tauri::State<'_, PublishTask>) -> bool {
    task.cancel()
}

impl PublishTask {
    /// A new token for a push starting now (a push still running is cancelled).
    pub(crate) fn start(&self) -> CancellationToken {
        let cancel = CancellationToken::new();
        if let Ok(mut slot) = self.0.lock() {
            if let Some(old) = slot.replace(cancel.clone()) {
                old.cancel();
            }
        }
        cancel
    }

    pub(crate) fn finish(&self) {
        if let Ok(mut slot) = self.0.lock() {
            slot.take();
        }
    }

    /// A publish is running now.
    pub fn is_running(&self) -> bool {
        self.0.lock().map(|slot| slot.is_some()).unwrap_or(true)
    }

    fn cancel(&self) -> bool {
        match self.0.lock().ok().and_then(|slot| slot.clone()) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}
