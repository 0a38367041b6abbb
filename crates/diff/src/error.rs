//! Why a diff could not be made, with a stable code (`diff.*`) and a fix.

use nupub_error::Coded;

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("the two packages have different ids ({old} and {new}), so they are not versions of one package")]
    DifferentIds { old: String, new: String },
    #[error("the comparison was cancelled")]
    Cancelled,
    #[error("{what} could not be read: {source}")]
    Package {
        what: String,
        #[source]
        source: nupub_package::PackageError,
    },
    #[error("the baseline could not be found or downloaded: {source}")]
    Feed {
        #[source]
        source: nupub_feeds::FeedError,
    },
    #[error("{value:?} is neither a package file nor a version")]
    BadBaseline { value: String },
    #[error("{version} of {id} is not on {feed}")]
    VersionNotOnFeed {
        id: String,
        version: String,
        feed: String,
    },
    #[error("the baseline {version} is not lower than the new version {new}")]
    BaselineNotLower { version: String, new: String },
    #[error("the baseline cache folder {path} could not be written: {detail}")]
    Cache { path: String, detail: String },
}

impl Coded for DiffError {
    fn code(&self) -> &'static str {
        match self {
            DiffError::DifferentIds { .. } => "diff.different_ids",
            DiffError::Cancelled => "diff.cancelled",
            DiffError::Package { source, .. } => source.code(),
            DiffError::Feed { source } => source.code(),
            DiffError::BadBaseline { .. } => "diff.bad_baseline",
            DiffError::VersionNotOnFeed { .. } => "diff.version_not_on_feed",
            DiffError::BaselineNotLower { .. } => "diff.baseline_not_lower",
            DiffError::Cache { .. } => "diff.cache",
        }
    }
    fn hint(&self) -> Option<String> {
        Some(match self {
            DiffError::DifferentIds { .. } => {
                "compare two versions of the same package id".to_string()
            }
            DiffError::Cancelled => "start the comparison again when you want it".to_string(),
            DiffError::Package { source, .. } => return source.hint(),
            DiffError::Feed { source } => return source.hint(),
            DiffError::BadBaseline { .. } => {
                "give the path of an existing .nupkg, or a version such as 1.2.0 (with --source for the feed)"
                    .to_string()
            }
            DiffError::VersionNotOnFeed { .. } => {
                "check the version (nupub lists the feed's versions in the message of `nupub diff`), or give the .nupkg file"
                    .to_string()
            }
            DiffError::BaselineNotLower { .. } => {
                "choose an earlier version as the baseline".to_string()
            }
            DiffError::Cache { .. } => {
                "check that the folder is writable and the disk has space".to_string()
            }
        })
    }
}
