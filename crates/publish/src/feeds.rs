//! Which feeds a package can go to, and resolving the one the user names,
//! from the nuget.config files NuGet reads for a folder.

use crate::credential::{self, CredentialOrigin, KeyNeed, Lookup};
use crate::error::PublishError;
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::config::{ConfigLocations, NuGetConfig};
use nupub_feeds::{FeedKind, Source};
use nupub_rules::RuleTarget;
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Where nuget.config files are searched from.
#[derive(Debug, Clone)]
pub struct ConfigScope {
    /// The folder the walk up to the root starts in.
    pub start_dir: PathBuf,
    /// Read only this file (`--configfile`).
    pub only_file: Option<PathBuf>,
}

impl ConfigScope {
    /// The package's folder, as `dotnet nuget push` run beside the package would (the window);
    /// a folder of packages (a set) is its own start.
    pub fn beside(package: &Path) -> ConfigScope {
        if package.is_dir() {
            return ConfigScope {
                start_dir: package.to_path_buf(),
                only_file: None,
            };
        }
        let start_dir = package
            .parent()
            .filter(|p| p.is_dir())
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        ConfigScope {
            start_dir,
            only_file: None,
        }
    }

    /// A folder (the CLI's current folder), optionally one file only.
    pub fn folder(start_dir: PathBuf, only_file: Option<PathBuf>) -> ConfigScope {
        ConfigScope {
            start_dir,
            only_file,
        }
    }

    pub fn load(&self) -> Result<NuGetConfig, PublishError> {
        let mut locations = ConfigLocations::system(&self.start_dir);
        locations.only_file = self.only_file.clone();
        Ok(NuGetConfig::load(&locations)?)
    }

    /// Resolves `given` (a nuget.config name, URL, folder or shorthand; `None`:
    /// defaultPushSource) as `dotnet nuget push --source` would.
    pub fn resolve(&self, given: Option<&str>) -> Result<(Source, Vec<String>), PublishError> {
        let config = self.load()?;
        let source = config.resolve(given, &self.start_dir)?;
        Ok((source, config.warnings))
    }
}

/// A feed the user can choose, as the Feed step lists it. Never holds a key.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedChoice {
    /// What the publish commands are given to name this feed.
    pub id: String,
    pub name: String,
    pub kind: FeedKind,
    /// Folder path or URL (never with credentials in it).
    pub location: String,
    /// Nupub's own local folder feed (the safe place to try a package first).
    pub is_default_local: bool,
    /// Whether the feed needs an API key at all (folders do not).
    pub needs_key: bool,
    /// How sure Nupub is that it needs one.
    pub key_need: KeyNeed,
    /// Whether a key the publish would use was found (environment or keyring).
    pub has_key: bool,
    /// Where that key comes from.
    pub key_origin: CredentialOrigin,
    /// The stored key's expiry date (`YYYY-MM-DD`), when the user gave one.
    pub key_expires: Option<String>,
    /// Days until that expiry (negative when expired).
    #[ts(type = "number | null")]
    pub key_expires_in_days: Option<i64>,
    /// The key expires soon or has expired (the accounts crate's one threshold).
    pub key_expires_soon: bool,
    /// The nuget.config file the source comes from.
    pub origin: Option<String>,
    /// The rules' target for this feed: the checks Confirm shows and publishing enforces.
    pub target: RuleTarget,
}

/// Everything the Feed step shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedList {
    pub feeds: Vec<FeedChoice>,
    /// Notes about nuget.config files (unreadable entries, disabled sources).
    pub warnings: Vec<String>,
    /// Why stored keys could not be looked up (no keyring answering), if so.
    pub keyring_error: Option<ErrorInfo>,
}

fn feed_choice(source: &Source, id: String, origin: Option<String>) -> FeedChoice {
    let key_need = credential::key_need(source);
    FeedChoice {
        id,
        name: source.name.clone(),
        kind: source.kind,
        location: source.location.display(),
        is_default_local: false,
        needs_key: key_need != KeyNeed::None,
        key_need,
        has_key: false,
        key_origin: CredentialOrigin::None,
        key_expires: None,
        key_expires_in_days: None,
        key_expires_soon: false,
        origin,
        target: source.kind.rules_target(),
    }
}

/// The default local folder feed as the Feed step lists it (before any key
/// lookup: a folder needs none).
pub fn default_feed() -> Result<FeedChoice, PublishError> {
    Ok(default_feed_choice(&nupub_feeds::default_local_feed()?))
}

fn default_feed_choice(source: &Source) -> FeedChoice {
    FeedChoice {
        is_default_local: true,
        ..feed_choice(source, source.location.display(), None)
    }
}

/// The feeds: the default local folder feed first, then the enabled nuget.config
/// sources, nuget.org last, each with the key a publish would use (looked up as
/// [`credential::resolve_offline`] does).
pub fn list(scope: &ConfigScope) -> Result<FeedList, PublishError> {
    let local_source = nupub_feeds::default_local_feed()?;
    let local = default_feed_choice(&local_source);
    let mut sources = vec![(local_source, local.clone())];
    let config = scope.load()?;
    let mut nuget_org = None;
    for configured in config.sources.iter().filter(|s| s.enabled) {
        let origin = configured.origin.as_ref().map(|p| p.display().to_string());
        let source = configured.source.clone();
        let entry = feed_choice(&source, source.name.clone(), origin);
        if source.kind == FeedKind::NugetOrg {
            nuget_org.get_or_insert((source, entry));
        } else if entry.location != local.location {
            sources.push((source, entry));
        }
    }
    sources.push(nuget_org.unwrap_or_else(|| {
        let source = Source::nuget_org();
        let entry = feed_choice(&source, "nuget.org".into(), None);
        (source, entry)
    }));

    let mut keyring_error = None;
    let mut lookup = Lookup::system(None);
    let mut feeds = Vec::with_capacity(sources.len());
    for (source, mut feed) in sources {
        if feed.needs_key {
            let found = credential::resolve_offline(&source, &mut lookup);
            feed.has_key = found.has_key();
            feed.key_origin = found.origin;
            if let Some(entry) = found.stored {
                feed.key_expires = entry.expires;
                feed.key_expires_in_days = entry.expires_in_days;
                feed.key_expires_soon = entry.expires_soon;
            }
            if keyring_error.is_none() {
                if let Some(Err(e)) = &lookup.vault {
                    keyring_error = Some(e.info());
                }
            }
        }
        feeds.push(feed);
    }
    Ok(FeedList {
        feeds,
        warnings: config.warnings,
        keyring_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_feed_is_the_local_folder_marked_as_default() {
        let source = nupub_feeds::default_local_feed_in(Path::new("/home/ann/.local/share/nupub"));
        let c = default_feed_choice(&source);
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["kind"], "local");
        assert_eq!(json["name"], "Local feed");
        assert_eq!(json["location"], "/home/ann/.local/share/nupub/feed");
        assert_eq!(json["id"], "/home/ann/.local/share/nupub/feed");
        assert_eq!(json["isDefaultLocal"], true);
        assert_eq!(json["needsKey"], false);
    }

    #[test]
    fn a_choice_serializes_without_any_key() {
        let source = Source::nuget_org();
        let c = feed_choice(&source, "nuget.org".into(), None);
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["needsKey"], true);
        assert_eq!(json["keyNeed"], "required");
        assert_eq!(json["target"], "nuget.org");
        assert!(json.get("key").is_none() && json.get("apiKey").is_none());
    }
}
