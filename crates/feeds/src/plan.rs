//! What is pushed (the push plan), how (options), and what comes back
//! (progress events and the report). Everything the window shows is
//! serializable and free of secrets.

use nupub_error::ErrorInfo;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use ts_rs::TS;

/// The package being pushed, as the package model read it.
#[derive(Debug, Clone)]
pub struct PackageRef {
    pub path: PathBuf,
    pub id: String,
    /// The normalized version (`1.0.0`, no build metadata).
    pub version: String,
    /// The version as written in the nuspec (`1.0`, `1.0.0+build.7`).
    pub original_version: String,
    /// The nuspec bytes as stored in the package (written to local feeds).
    pub nuspec_raw: Vec<u8>,
    /// The nuspec `<repository url>` (GitHub Packages checks it).
    pub repository_url: Option<String>,
}

/// A symbol package (.snupkg) that follows the package.
#[derive(Debug, Clone)]
pub struct SymbolsRef {
    pub path: PathBuf,
    pub id: String,
    pub version: String,
    /// True when its nuspec declares the `SymbolsPackage` package type.
    pub is_symbols_package: bool,
}

impl PackageRef {
    /// What a push needs to know of `package`, read from `path`.
    pub fn of(path: &std::path::Path, package: &nupub_package::Package) -> PackageRef {
        PackageRef {
            path: path.to_path_buf(),
            id: package.id().to_string(),
            version: package.version().normalized(),
            original_version: package.version().original().to_string(),
            nuspec_raw: package.nuspec_raw().to_vec(),
            repository_url: package
                .nuspec()
                .repository
                .as_ref()
                .and_then(|r| r.url.clone()),
        }
    }
}

impl SymbolsRef {
    /// The symbol package `symbols`, read from `path`.
    pub fn of(path: PathBuf, symbols: &nupub_package::Package) -> SymbolsRef {
        SymbolsRef {
            is_symbols_package: symbols
                .nuspec()
                .package_types
                .iter()
                .any(|t| t.name.trim().eq_ignore_ascii_case("SymbolsPackage")),
            id: symbols.id().to_string(),
            version: symbols.version().normalized(),
            path,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PushPlan {
    pub package: PackageRef,
    pub symbols: Option<SymbolsRef>,
}

/// A check the rules crate plugs in: the symbol package is validated before
/// anything is sent, so a bad one never follows a good package.
pub trait SymbolsCheck: Send + Sync {
    /// `Err` with a plain explanation when the symbol package must not be pushed.
    fn check(&self, symbols: &SymbolsRef, package: &PackageRef) -> Result<(), String>;
}

/// How a push behaves. Defaults match the official client.
#[derive(Clone)]
pub struct PushOptions {
    /// Per-attempt limit (the official client's default is 300 s; 0 also means 300 s).
    pub timeout: Duration,
    /// Attempts in total for one file (the official client makes 3).
    pub max_attempts: u32,
    /// Base of the exponential backoff (`2^attempt × base` plus up to 200 ms).
    pub backoff_base: Duration,
    /// Longest `Retry-After` Nupub waits; a longer one ends the push with the server's answer.
    pub max_retry_after: Duration,
    /// How long to poll after success until the version is visible (zero: do not poll).
    pub visibility_wait: Duration,
    pub poll_interval: Duration,
    /// Extra validation of the symbol package (the rules crate).
    pub symbols_check: Option<Arc<dyn SymbolsCheck>>,
}

impl Default for PushOptions {
    fn default() -> Self {
        PushOptions {
            timeout: Duration::from_secs(300),
            max_attempts: 3,
            backoff_base: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(120),
            visibility_wait: Duration::from_secs(60),
            poll_interval: Duration::from_secs(2),
            symbols_check: None,
        }
    }
}

impl std::fmt::Debug for PushOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushOptions")
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("visibility_wait", &self.visibility_wait)
            .finish_non_exhaustive()
    }
}

/// Progress while pushing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum PushEvent {
    /// Checking the package again (the rules, CRC check included) before
    /// anything is sent; still cancellable, nothing has left the machine.
    Verifying { file: String },
    /// Reading the feed's service index.
    Resolving { feed: String },
    /// An upload attempt starts.
    Started {
        file: String,
        feed: String,
        total_bytes: u64,
        attempt: u32,
    },
    /// Bytes handed to the network so far. `bytes_per_second` is 0 and
    /// `eta_seconds` `None` while the rate is still being measured (the first
    /// second after the kernel's send buffers filled): the window says
    /// "measuring…" instead of a rate the network never had.
    Uploading {
        file: String,
        sent_bytes: u64,
        total_bytes: u64,
        bytes_per_second: f64,
        eta_seconds: Option<f64>,
    },
    /// The whole body went out; waiting for the feed's answer (no longer cancellable).
    Sent { file: String },
    /// Asking the feed whether the version arrived, before deciding anything.
    Checking { reason: String },
    /// Waiting before the next attempt.
    Retrying {
        attempt: u32,
        wait_seconds: f64,
        reason: String,
    },
    /// Polling until the new version is visible.
    WaitingForVisibility {
        elapsed_seconds: f64,
        limit_seconds: f64,
    },
}

/// Where progress goes.
pub type ProgressSink = Arc<dyn Fn(PushEvent) + Send + Sync>;

/// A sink that drops every event.
pub fn no_progress() -> ProgressSink {
    Arc::new(|_| {})
}

/// Whether the pushed version can be seen on the feed yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Visibility {
    /// The feed lists the version.
    Available,
    /// Accepted, but the feed does not show it yet (validation or indexing).
    StillProcessing,
    /// Nupub did not (or could not) look.
    NotChecked,
}

/// What happened to the symbol package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum SymbolsOutcome {
    /// There was none (or `--symbols none`).
    None,
    Pushed {
        file: String,
    },
    /// The feed has no symbol endpoint (no `SymbolPackagePublish` in its index, or a V2/folder feed).
    NotSupported {
        file: String,
    },
    /// The package went out, the symbols did not.
    Failed {
        file: String,
        error: ErrorInfo,
    },
}

/// A successful push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PushReport {
    pub feed: String,
    pub id: String,
    pub version: String,
    /// True when the feed's answer never arrived and Nupub confirmed by asking the feed.
    pub answer_lost: bool,
    pub visibility: Visibility,
    /// Every `X-NuGet-Warning` the feed sent.
    pub warnings: Vec<String>,
    /// The warning about the API key's expiry, when the feed sent one.
    pub key_warning: Option<String>,
    pub symbols: SymbolsOutcome,
    /// For folder feeds: where the package now is.
    pub location: Option<String>,
    /// Upload attempts made for the package.
    pub attempts: u32,
}

impl PushReport {
    /// One plain sentence for the outcome.
    pub fn summary(&self) -> String {
        let how = if self.answer_lost {
            " (the feed's answer was lost; Nupub asked the feed and the version is there)"
        } else {
            ""
        };
        let state = match self.visibility {
            Visibility::Available => "it is available",
            Visibility::StillProcessing => {
                "it was accepted and is still being validated or indexed; it can take a few minutes to appear"
            }
            Visibility::NotChecked => "it was accepted",
        };
        format!(
            "Published {} {} to {}{how}: {state}.",
            self.id, self.version, self.feed
        )
    }
}

/// The error for a symbol package nuget.org would refuse: each error
/// finding with its code and fix, and that nothing was sent.
pub fn symbols_refused(path: &str, id: &str, version: &str, errors: &[ErrorInfo]) -> ErrorInfo {
    use nupub_error::Coded;
    let listed: Vec<String> = errors
        .iter()
        .map(|f| match &f.hint {
            Some(hint) => format!("{} [{}] (fix: {hint})", f.message, f.code),
            None => format!("{} [{}]", f.message, f.code),
        })
        .collect();
    crate::error::FeedError::SymbolsInvalid {
        path: path.to_string(),
        id: id.to_string(),
        version: version.to_string(),
        detail: format!(
            "nuget.org would refuse it, so nothing was sent: {}",
            listed.join("; ")
        ),
    }
    .info()
}

/// Which symbol package follows the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SymbolsChoice {
    /// The `.snupkg` next to the `.nupkg`, when there is one.
    Auto,
    None,
    File(PathBuf),
}

/// Reads the package (and its symbol package) with the package model and
/// builds the plan. Errors keep the package model's own codes.
///
/// A symbol package is validated here by the rules (nuget.org's symbol
/// checks, PDBs paired with the assemblies of this very package) before
/// anything is sent: with an error finding the whole push is refused
/// (`feed.symbols_invalid`, each finding listed with its code and fix), so a
/// bad .snupkg never follows a good .nupkg. `SymbolsChoice::None` skips it.
pub fn plan_for(path: &std::path::Path, symbols: SymbolsChoice) -> Result<PushPlan, ErrorInfo> {
    use nupub_error::Coded;
    let package = nupub_package::Package::open(path).map_err(|e| e.info())?;
    let package_ref = PackageRef::of(path, &package);
    let symbols_path = match symbols {
        SymbolsChoice::None => None,
        SymbolsChoice::File(p) => Some(p),
        SymbolsChoice::Auto => nupub_package::symbols_beside(path),
    };
    let symbols = match symbols_path {
        None => None,
        Some(p) => {
            let opened = nupub_package::Package::open(&p).map_err(|e| {
                let mut info = e.info();
                info.message = format!(
                    "the symbol package {} cannot be read, so it cannot follow {} {}: {}",
                    p.display(),
                    package_ref.id,
                    package_ref.version,
                    info.message
                );
                info
            })?;
            let refused = symbol_package_errors(&opened, &package);
            if !refused.is_empty() {
                return Err(symbols_refused(
                    &p.display().to_string(),
                    &package_ref.id,
                    &package_ref.version,
                    &refused,
                ));
            }
            Some(SymbolsRef::of(p, &opened))
        }
    };
    Ok(PushPlan {
        package: package_ref,
        symbols,
    })
}

/// The error findings of the rules' symbol-package checks (`symbols.*`) and
/// archive checks (`zip.*`) on `symbols`, its PDBs paired with the assemblies
/// of `package` (the .nupkg actually pushed, whatever the files are named).
/// Each comes back as `{code, message, hint}`.
pub fn symbol_package_errors(
    symbols: &nupub_package::Package,
    package: &nupub_package::Package,
) -> Vec<ErrorInfo> {
    use nupub_rules::facts::{is_checked_assembly, AssemblyFacts, Companion, MAX_BINARY};
    let mut facts = nupub_rules::PackageFacts::gather(symbols, true);
    let assemblies = package
        .entries()
        .iter()
        .filter(|e| !e.is_directory && is_checked_assembly(&e.path))
        .map(|e| AssemblyFacts {
            path: e.path.clone(),
            pe: if e.size > MAX_BINARY {
                Err(format!(
                    "it is {} bytes; Nupub reads at most {MAX_BINARY}",
                    e.size
                ))
            } else {
                package
                    .read_entry(&e.path, MAX_BINARY)
                    .map_err(|err| err.to_string())
                    .and_then(|bytes| nupub_package::pdb::read_assembly_debug(&bytes))
            },
        })
        .collect();
    facts.companion = Some(Companion {
        path: package.path().to_path_buf(),
        assemblies,
        pdbs: Vec::new(),
        error: None,
    });
    // The symbol checks are nuget.org's (the .snupkg format is its symbol server's).
    let options = nupub_rules::Options::for_target(nupub_rules::RuleTarget::NugetOrg);
    nupub_rules::validate_package(symbols, &facts, &options)
        .findings
        .into_iter()
        .filter(|f| f.severity == nupub_rules::Severity::Error)
        .filter(|f| f.code.starts_with("symbols.") || f.code.starts_with("zip."))
        .map(|f| ErrorInfo::new(f.code, f.message, f.hint))
        .collect()
}
