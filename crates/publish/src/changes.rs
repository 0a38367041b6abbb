//! What a package changes since its baseline on a feed (nupub-diff), with the
//! feed named as the window and `nupub` name feeds: resolved from the
//! nuget.config files beside the package, read with the reading credentials.

use crate::{credential, error::PublishError, feeds::ConfigScope};
use nupub_diff::baseline::{self, BaselineRequest, ChangesReport};
use nupub_feeds::FeedClient;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Compares the package at `package` with `baseline` (a file or a version;
/// `None`: the highest lower version) on `feed`. Progress goes to `progress`;
/// setting `cancel` stops it between steps.
pub async fn since_on_feed(
    package: &Path,
    feed: &str,
    baseline: Option<&str>,
    progress: Arc<dyn Fn(nupub_diff::Progress) + Send + Sync>,
    cancel: Arc<AtomicBool>,
) -> Result<ChangesReport, PublishError> {
    let (source, _) = ConfigScope::beside(package).resolve(Some(feed))?;
    let folder = package.parent().unwrap_or(Path::new("."));
    let request = match baseline {
        Some(given) => BaselineRequest::parse(given, folder)?,
        None => BaselineRequest::Auto,
    };
    let auth = credential::for_reading(&source);
    let client = FeedClient::new()?;
    let cache = baseline::default_cache_dir()?;
    Ok(baseline::changes_since(
        &client, &source, &auth, package, &request, &cache, progress, cancel,
    )
    .await?)
}
