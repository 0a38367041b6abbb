//! After publishing: decisions about versions already on a feed. The window
//! (`src-tauri/src/lifecycle_commands.rs`) and the CLI (`nupub versions`,
//! `unlist`, `relist`, `deprecate`) only present what this crate decides.
//!
//! - [`versions_view`]: every version of an id on a feed and what can be done there.
//! - [`select`]: choosing versions (one by one, NuGet ranges, `1.x`, filters).
//! - [`listing`]: bulk unlist/relist plans and their execution (rate limits,
//!   per-version outcomes, folder removal with a typed confirmation).
//! - [`deprecate`]: nuget.org's deprecation request, checked and explained.
//! - [`fix`]: the guided "fix a bad release" flow as a resumable state machine.
//!
//! HTTP goes through `nupub_feeds::FeedClient` (its `lifecycle` module).

pub mod deprecate;
pub mod error;
pub mod fix;
pub mod listing;
pub mod select;

pub use error::LifecycleError;

use nupub_error::ErrorInfo;
use nupub_feeds::lifecycle::{FeedVersionList, VersionsFrom};
use nupub_feeds::source::Location;
use nupub_feeds::{Auth, FactsOptions, FeedClient, Source};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the Versions view and `nupub versions` show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VersionsView {
    pub list: FeedVersionList,
    /// Unlisting is offered (on a folder feed it removes, said in `notes`).
    pub can_unlist: bool,
    pub can_relist: bool,
    pub deprecation: deprecate::DeprecationSupport,
    /// Whether the feed reports listing state for each version.
    pub shows_listing: bool,
    /// Plain sentences about what the feed can and cannot say or do.
    pub notes: Vec<String>,
}

/// Builds the view from a version list the feed gave.
pub fn view_of(source: &Source, list: FeedVersionList) -> VersionsView {
    let folder = matches!(source.location, Location::Folder(_));
    let mut notes = Vec::new();
    let shows_listing = list.versions.iter().any(|v| v.listed.is_some());
    match list.from {
        VersionsFrom::Folder => notes.push(
            "A folder feed has no listing state: unlisting a version here deletes its files.".to_string(),
        ),
        VersionsFrom::FlatContainer => notes.push(
            "This feed lists versions without saying which are unlisted.".to_string(),
        ),
        VersionsFrom::V2Feed if !shows_listing => notes.push(
            "This feed does not report unlisted versions: it lists the versions it serves (some servers delete a version when it is unlisted).".to_string(),
        ),
        _ => {}
    }
    if list.versions.is_empty() {
        notes.push(format!("{} has no version of {}.", list.feed, list.id));
    }
    let deprecation = deprecate::support(source);
    if let deprecate::DeprecationSupport::Unsupported { why } = &deprecation {
        notes.push(format!("No deprecation here: {why}."));
    }
    VersionsView {
        list,
        can_unlist: true,
        can_relist: !folder,
        deprecation,
        shows_listing,
        notes,
    }
}

/// Reads the versions of `id` on `source` and what can be done with them.
pub async fn versions_view(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    id: &str,
) -> Result<VersionsView, ErrorInfo> {
    use nupub_error::Coded;
    let id = id.trim();
    if id.is_empty() || id.chars().count() > 100 || id.contains(['/', '\\', '?', '#']) {
        return Err(LifecycleError::SelectionInvalid {
            given: id.to_string(),
            reason: "a package id is 1 to 100 characters without / \\ ? or #".into(),
        }
        .info());
    }
    let list = client
        .versions(source, auth, id, &FactsOptions::default())
        .await
        .map_err(|e| e.info())?;
    Ok(view_of(source, list))
}
