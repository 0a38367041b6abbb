//! Package sources: where a package can be published, and publishing to them.
//!
//! - [`source`]: the kinds of sources (nuget.org, MyGet, GitHub Packages,
//!   Azure Artifacts, any V2/V3 URL, a local folder) and what `--source` may name.
//! - [`config`]: the user's nuget.config hierarchy, read as NuGet reads it.
//! - [`index`]: V3 service index resources.
//! - [`client::FeedClient`]: pushes ([`push`]), existence checks, unlist and relist.
//! - [`local`]: folder feeds.
//! - [`lookup`]: what a feed knows about an id and version (exists, previous
//!   version's signature, owners) as `nupub_rules::FeedFacts`.
//! - [`plan`]: what is pushed and what comes back (progress, report).
//!
//! The fresh-install default stays the local folder feed under the user's
//! data directory ([`default_local_feed`]).

pub mod client;
pub mod config;
pub mod error;
pub mod index;
pub mod lifecycle;
pub mod local;
pub mod lookup;
mod odata;
pub mod plan;
pub mod push;
pub mod secret;
pub mod source;

pub use client::{Auth, Endpoints, Existence, FeedClient};
pub use config::{ConfigLocations, NuGetConfig};
pub use error::FeedError;
pub use lookup::{FactsOptions, FetchedPackage, ListedVersion};
pub use plan::{
    no_progress, plan_for, PackageRef, ProgressSink, PushEvent, PushOptions, PushPlan, PushReport,
    SymbolsCheck, SymbolsChoice, SymbolsOutcome, SymbolsRef, Visibility,
};
pub use secret::{ApiKey, Credentials};
pub use source::{FeedKind, Protocol, Source, SourceInfo};
pub use tokio_util::sync::CancellationToken;

use std::path::{Path, PathBuf};

/// Log filter directives every log output adds after the user's own: the
/// HTTP, TLS and keyring crates underneath log raw requests and answers at
/// debug/trace level (headers included), so they never go below `info`.
pub const LOG_CAPS: &[&str] = &[
    "hyper=info",
    "hyper_util=info",
    "h2=info",
    "reqwest=info",
    "rustls=info",
    "tower=info",
    "tower_http=info",
    "keyring=info",
    "zbus=info",
    "secret_service=info",
];

/// Nupub's data directory (for example `~/.local/share/nupub` on Linux).
pub fn data_dir() -> Result<PathBuf, FeedError> {
    directories::ProjectDirs::from("org", "Nupub", "Nupub")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(FeedError::NoDataDir)
}

/// The local folder feed a fresh installation publishes to.
pub fn default_local_feed_in(data_dir: &Path) -> Source {
    Source::folder("Local feed", &data_dir.join("feed"))
}

/// The default destination: the local folder feed under [`data_dir`].
pub fn default_local_feed() -> Result<Source, FeedError> {
    Ok(default_local_feed_in(&data_dir()?))
}

/// A tokio runtime for callers without one (the CLI); the window's async
/// commands call the async API directly.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nupub_error::Coded;

    #[test]
    fn default_feed_is_a_folder_under_the_data_dir() {
        let feed = default_local_feed_in(Path::new("/home/ann/.local/share/nupub"));
        assert_eq!(feed.kind, FeedKind::Local);
        assert_eq!(feed.name, "Local feed");
        assert_eq!(feed.location.display(), "/home/ann/.local/share/nupub/feed");
    }

    #[test]
    fn error_has_code_and_hint() {
        let info = FeedError::NoDataDir.info();
        assert_eq!(info.code, "feed.no_data_dir");
        assert!(nupub_error::is_valid_code(&info.code));
        assert!(info.hint.unwrap().contains("HOME"));
    }
}
