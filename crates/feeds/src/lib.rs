//! Package sources: where a package can be published.
//!
//! Today this crate knows the one source that needs no account and no
//! network: the local folder feed under the user's data directory, which is
//! the default target of a fresh installation.

use nupub_error::Coded;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The kind of a package source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FeedKind {
    /// A folder on this computer (or a network share).
    Local,
}

/// A source a package can be published to, as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedTarget {
    pub kind: FeedKind,
    /// Short name shown in lists.
    pub name: String,
    /// Folder path or URL.
    pub location: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("Nupub could not find a home folder for its data on this computer")]
    NoDataDir,
}

impl Coded for FeedError {
    fn code(&self) -> &'static str {
        match self {
            FeedError::NoDataDir => "feed.no_data_dir",
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            FeedError::NoDataDir => Some(
                "set the HOME environment variable (or XDG_DATA_HOME on Linux) to a folder you can write to"
                    .into(),
            ),
        }
    }
}

/// Nupub's data directory (for example `~/.local/share/nupub` on Linux).
pub fn data_dir() -> Result<PathBuf, FeedError> {
    directories::ProjectDirs::from("org", "Nupub", "Nupub")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(FeedError::NoDataDir)
}

/// The local folder feed a fresh installation publishes to.
pub fn default_local_feed_in(data_dir: &Path) -> FeedTarget {
    FeedTarget {
        kind: FeedKind::Local,
        name: "Local feed".into(),
        location: data_dir.join("feed").display().to_string(),
    }
}

/// The default target: the local folder feed under [`data_dir`].
pub fn default_target() -> Result<FeedTarget, FeedError> {
    Ok(default_local_feed_in(&data_dir()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_feed_is_a_folder_under_the_data_dir() {
        let target = default_local_feed_in(Path::new("/home/ann/.local/share/nupub"));
        assert_eq!(target.kind, FeedKind::Local);
        assert_eq!(target.location, "/home/ann/.local/share/nupub/feed");
    }

    #[test]
    fn target_serializes_in_camel_case() {
        let target = default_local_feed_in(Path::new("/d"));
        let json = serde_json::to_value(&target).unwrap();
        assert_eq!(json["kind"], "local");
        assert_eq!(json["name"], "Local feed");
    }

    #[test]
    fn error_has_code_and_hint() {
        let info = FeedError::NoDataDir.info();
        assert_eq!(info.code, "feed.no_data_dir");
        assert!(nupub_error::is_valid_code(&info.code));
        assert!(info.hint.unwrap().contains("HOME"));
    }
}
