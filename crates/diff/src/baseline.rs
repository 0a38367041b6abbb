//! Which earlier version a new package is compared with.
//!
//! By default the highest version on the feed that is lower than the new one:
//! for a stable version the highest stable one, for a pre-release the highest
//! of any kind. It is listed and downloaded through `nupub-feeds` (size cap
//! and time limit), then kept in a cache folder under its SHA-256, so the same
//! bytes are stored once. The user can name a file or a version instead.
//! "No earlier version" (a new id) is an answer, not an error.

use crate::error::DiffError;
use nupub_feeds::{Auth, FactsOptions, FeedClient, Source};
use nupub_package::{NuGetVersion, Package};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// What the user asked to compare with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineRequest {
    /// The highest lower version on the feed.
    Auto,
    /// A package file.
    File(PathBuf),
    /// A version on the feed.
    Version(NuGetVersion),
}

impl BaselineRequest {
    /// `--baseline FILE|VERSION|auto`: an existing file, else a version; `auto`
    /// is the highest lower version on the feed.
    pub fn parse(text: &str, cwd: &Path) -> Result<BaselineRequest, DiffError> {
        if text.trim().eq_ignore_ascii_case("auto") {
            return Ok(BaselineRequest::Auto);
        }
        let path = cwd.join(text.trim());
        if path.is_file() {
            return Ok(BaselineRequest::File(path));
        }
        NuGetVersion::parse(text.trim())
            .map(BaselineRequest::Version)
            .map_err(|_| DiffError::BadBaseline {
                value: text.to_string(),
            })
    }
}

/// Where a baseline came from, as the window and the CLI say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BaselineInfo {
    /// Normalized version.
    pub version: String,
    /// The feed's name, or the file's path.
    pub origin: String,
    /// The file read (in the cache folder for a download).
    pub file: String,
}

/// The answer of [`resolve`].
#[derive(Debug)]
pub enum Baseline {
    /// Nothing to compare with, and why (a new id, no lower version).
    None { reason: String },
    Found {
        package: Box<Package>,
        info: BaselineInfo,
    },
}

/// The baseline NuGet users would have had: the highest version lower than
/// `new` — the highest stable one for a stable `new`, any for a pre-release.
pub fn pick<'a>(versions: &'a [NuGetVersion], new: &NuGetVersion) -> Option<&'a NuGetVersion> {
    versions
        .iter()
        .filter(|v| *v < new && (new.is_prerelease() || !v.is_prerelease()))
        .max()
}

/// The cache folder for downloaded baselines.
pub fn default_cache_dir() -> Result<PathBuf, DiffError> {
    nupub_feeds::data_dir()
        .map(|d| d.join("cache").join("baselines"))
        .map_err(|source| DiffError::Feed { source })
}

/// Opens a baseline file, saying which file failed.
fn open(path: &Path) -> Result<Package, DiffError> {
    Package::open(path).map_err(|source| DiffError::Package {
        what: format!("the baseline {}", path.display()),
        source,
    })
}

/// Copies `file` into `cache_dir` as `{sha256}.nupkg` (once per content).
pub fn store_in_cache(file: &Path, cache_dir: &Path) -> Result<PathBuf, DiffError> {
    let fail = |detail: String| DiffError::Cache {
        path: cache_dir.display().to_string(),
        detail,
    };
    let mut hasher = Sha256::new();
    let mut input = std::fs::File::open(file).map_err(|e| fail(e.to_string()))?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = input.read(&mut buf).map_err(|e| fail(e.to_string()))?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    std::fs::create_dir_all(cache_dir).map_err(|e| fail(e.to_string()))?;
    let target = cache_dir.join(format!("{hash}.nupkg"));
    if !target.is_file() {
        // Copy to a temporary name first so a crash never leaves a half file under the hash.
        let partial = cache_dir.join(format!("{hash}.partial"));
        std::fs::copy(file, &partial).map_err(|e| fail(e.to_string()))?;
        std::fs::rename(&partial, &target).map_err(|e| fail(e.to_string()))?;
    }
    Ok(target)
}

/// Finds, downloads (into `cache_dir`) and opens the baseline for `new`.
#[allow(clippy::too_many_arguments)]
pub async fn resolve(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    new: &Package,
    request: &BaselineRequest,
    cache_dir: &Path,
    options: &FactsOptions,
) -> Result<Baseline, DiffError> {
    let id = new.id();
    let wanted = match request {
        BaselineRequest::File(path) => {
            let package = open(path)?;
            let info = BaselineInfo {
                version: package.version().normalized(),
                origin: path.display().to_string(),
                file: path.display().to_string(),
            };
            return Ok(Baseline::Found {
                package: Box::new(package),
                info,
            });
        }
        BaselineRequest::Version(v) if v >= new.version() => {
            return Err(DiffError::BaselineNotLower {
                version: v.normalized(),
                new: new.version().normalized(),
            })
        }
        BaselineRequest::Version(v) => Some(v.clone()),
        BaselineRequest::Auto => None,
    };
    let feed = source.label();
    let listed = client
        .list_versions(source, auth, id, options)
        .await
        .map_err(|source| DiffError::Feed { source })?;
    let Some(listed) = listed else {
        return Ok(Baseline::None {
            reason: format!("{feed} offers no way to list the versions of {id}"),
        });
    };
    let versions: Vec<NuGetVersion> = listed.iter().map(|l| l.version.clone()).collect();
    let chosen = match &wanted {
        Some(v) => match versions.iter().find(|x| *x == v) {
            Some(found) => found.clone(),
            None => {
                return Err(DiffError::VersionNotOnFeed {
                    id: id.to_string(),
                    version: v.normalized(),
                    feed,
                })
            }
        },
        None => match pick(&versions, new.version()) {
            Some(v) => v.clone(),
            None if versions.is_empty() => {
                return Ok(Baseline::None {
                    reason: format!("{id} is new on {feed}: there is no earlier version"),
                })
            }
            None => {
                return Ok(Baseline::None {
                    reason: format!(
                        "{feed} has no {}version of {id} lower than {}",
                        if new.version().is_prerelease() {
                            ""
                        } else {
                            "stable "
                        },
                        new.version().normalized()
                    ),
                })
            }
        },
    };
    let (package, info) = fetch_listed(
        client, source, auth, id, &listed, &chosen, cache_dir, options,
    )
    .await?;
    Ok(Baseline::Found {
        package: Box::new(package),
        info,
    })
}

/// Downloads `id` `version` from `source` into `cache_dir` and opens it (`nupub diff ID@VERSION`).
pub async fn fetch(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    id: &str,
    version: &NuGetVersion,
    cache_dir: &Path,
    options: &FactsOptions,
) -> Result<(Package, BaselineInfo), DiffError> {
    let listed = client
        .list_versions(source, auth, id, options)
        .await
        .map_err(|source| DiffError::Feed { source })?
        .unwrap_or_default();
    fetch_listed(
        client, source, auth, id, &listed, version, cache_dir, options,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn fetch_listed(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    id: &str,
    listed: &[nupub_feeds::ListedVersion],
    chosen: &NuGetVersion,
    cache_dir: &Path,
    options: &FactsOptions,
) -> Result<(Package, BaselineInfo), DiffError> {
    let feed = source.label();
    let entry = listed
        .iter()
        .find(|l| l.version == *chosen)
        .ok_or_else(|| DiffError::VersionNotOnFeed {
            id: id.to_string(),
            version: chosen.normalized(),
            feed: feed.clone(),
        })?;
    let fetched = client
        .fetch_version(source, auth, id, entry, options)
        .await
        .map_err(|source| DiffError::Feed { source })?;
    let (from, cache) = (fetched.path().to_path_buf(), cache_dir.to_path_buf());
    let (package, stored) = tokio::task::spawn_blocking(move || {
        let stored = store_in_cache(&from, &cache)?;
        Ok::<_, DiffError>((open(&stored)?, stored))
    })
    .await
    .map_err(|e| DiffError::Cache {
        path: cache_dir.display().to_string(),
        detail: e.to_string(),
    })??;
    drop(fetched);
    Ok((
        package,
        BaselineInfo {
            version: chosen.normalized(),
            origin: feed,
            file: stored.display().to_string(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(list: &[&str]) -> Vec<NuGetVersion> {
        list.iter()
            .map(|v| NuGetVersion::parse(v).unwrap())
            .collect()
    }

    #[test]
    fn stable_takes_the_highest_lower_stable_and_prerelease_any() {
        let list = versions(&["1.0.0", "1.1.0", "2.0.0-beta.1", "1.2.0-rc.1", "3.0.0"]);
        let new = NuGetVersion::parse("2.0.0").unwrap();
        assert_eq!(pick(&list, &new).unwrap().normalized(), "1.1.0");
        let pre = NuGetVersion::parse("2.0.0-beta.2").unwrap();
        assert_eq!(pick(&list, &pre).unwrap().normalized(), "2.0.0-beta.1");
        let first = NuGetVersion::parse("0.9.0").unwrap();
        assert_eq!(pick(&list, &first), None);
        assert_eq!(pick(&[], &new), None);
        // Build metadata does not make a version lower or higher.
        let meta = versions(&["2.0.0+abc"]);
        assert_eq!(pick(&meta, &new), None);
    }

    #[test]
    fn a_request_is_a_file_when_one_exists_else_a_version() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("old.nupkg"), b"x").unwrap();
        assert_eq!(
            BaselineRequest::parse("old.nupkg", dir.path()).unwrap(),
            BaselineRequest::File(dir.path().join("old.nupkg"))
        );
        assert_eq!(
            BaselineRequest::parse("1.2.0", dir.path()).unwrap(),
            BaselineRequest::Version(NuGetVersion::parse("1.2.0").unwrap())
        );
        assert_eq!(
            BaselineRequest::parse("auto", dir.path()).unwrap(),
            BaselineRequest::Auto
        );
        let err = BaselineRequest::parse("missing.nupkg", dir.path()).unwrap_err();
        assert_eq!(nupub_error::Coded::code(&err), "diff.bad_baseline");
    }

    #[test]
    fn the_cache_keeps_one_file_per_content() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"same").unwrap();
        std::fs::write(&b, b"same").unwrap();
        let cache = dir.path().join("cache");
        let first = store_in_cache(&a, &cache).unwrap();
        let second = store_in_cache(&b, &cache).unwrap();
        assert_eq!(first, second);
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);
        assert!(first
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5"));
    }
}

/// What the window's "Changes since X.Y.Z" view shows: the baseline used (or
/// why there is none) and the diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChangesReport {
    pub baseline: Option<BaselineInfo>,
    /// Why nothing was compared (a new id, no lower version on the feed).
    pub no_baseline: Option<String>,
    pub diff: Option<crate::types::ReleaseDiff>,
    /// The `version.bump_too_small` warning for the Checks/Confirm steps, when the bump is too small.
    pub finding: Option<nupub_rules::Finding>,
}

impl ChangesReport {
    /// One line for a summary (Confirm, `nupub push`): what changed since the
    /// baseline and whether the version bump is enough.
    pub fn headline(&self) -> String {
        let Some(diff) = &self.diff else {
            return match &self.no_baseline {
                Some(reason) => format!("Nothing to compare with: {reason}"),
                None => "Nothing to compare with".to_string(),
            };
        };
        let count = |severity: crate::types::Severity| {
            diff.changes
                .iter()
                .filter(|c| c.severity == severity)
                .count()
        };
        let mut parts = Vec::new();
        for (n, one, many) in [
            (
                count(crate::types::Severity::Breaking),
                "breaking change",
                "breaking changes",
            ),
            (
                count(crate::types::Severity::Significant),
                "change to look at",
                "changes to look at",
            ),
            (
                count(crate::types::Severity::Addition),
                "addition",
                "additions",
            ),
        ] {
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        let what = if parts.is_empty() {
            "no API or metadata changes".to_string()
        } else {
            parts.join(", ")
        };
        let v = &diff.verdict;
        let bump = if v.too_small {
            format!(
                "needs a {} bump, {} is a {} bump (publish it as {})",
                v.needed.as_str(),
                diff.new.version,
                v.chosen.as_str(),
                v.suggested_version
            )
        } else if v.chosen == crate::types::Bump::None {
            "the version numbers stay the same, which is enough".to_string()
        } else {
            format!("the {} bump is enough", v.chosen.as_str())
        };
        format!("Since {}: {what}; {bump}", diff.old.version)
    }
}

/// Finds the baseline for the package at `path` on `source` (or the file or
/// version in `request`) and compares: the one call behind the window's view.
#[allow(clippy::too_many_arguments)]
pub async fn changes_since(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    path: &Path,
    request: &BaselineRequest,
    cache_dir: &Path,
    progress: std::sync::Arc<dyn Fn(crate::types::Progress) + Send + Sync>,
    cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<ChangesReport, DiffError> {
    let owned = path.to_path_buf();
    let new = tokio::task::spawn_blocking(move || open(&owned))
        .await
        .map_err(|e| DiffError::Cache {
            path: path.display().to_string(),
            detail: e.to_string(),
        })??;
    progress(crate::types::Progress {
        step: "finding the earlier version on the feed".into(),
        done: 0,
        total: 3,
    });
    let options = FactsOptions::default();
    let (old, info) =
        match resolve(client, source, auth, &new, request, cache_dir, &options).await? {
            Baseline::None { reason } => {
                return Ok(ChangesReport {
                    baseline: None,
                    no_baseline: Some(reason),
                    diff: None,
                    finding: None,
                })
            }
            Baseline::Found { package, info } => (package, info),
        };
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(DiffError::Cancelled);
    }
    let diff = tokio::task::spawn_blocking(move || {
        crate::diff_with(
            &old,
            &new,
            &crate::types::DiffOptions::default(),
            &*progress,
            &cancel,
        )
    })
    .await
    .map_err(|e| DiffError::Cache {
        path: path.display().to_string(),
        detail: e.to_string(),
    })??;
    Ok(ChangesReport {
        baseline: Some(info),
        no_baseline: None,
        finding: crate::verdict_finding(&diff),
        diff: Some(diff),
    })
}
