//! Tauri commands. Each one only translates between the window and a core
//! crate: it holds no logic of its own, and errors leave as `{code, message, hint}`.
//! Work that reads files runs on a blocking thread, so the window never freezes.

use crate::error::AppError;
use crate::links::{self, LinkDecision, LinkOutcome};
use crate::preview::{self, AssemblyDetails, FilePreview};
use crate::state::{Browser, OpenPackages, OpenTask, Opened};
use nupub_error::{Coded, ErrorInfo};
use nupub_package::{Inspection, IntegrityReport, Limits, OpenObserver, OpenPhase, Package};
use nupub_rules::{Finding, Report, RuleTarget};
use serde::Serialize;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

/// What the window shows about the app itself.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub product_name: String,
    pub version: String,
    /// Where a package goes when the user has set up nothing else (the same
    /// type the Feed step lists feeds with).
    pub default_target: nupub_publish::feeds::FeedChoice,
}

#[tauri::command]
pub fn app_info() -> Result<AppInfo, ErrorInfo> {
    Ok(AppInfo {
        product_name: "Nupub".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        default_target: nupub_publish::feeds::default_feed().map_err(|e| e.info())?,
    })
}

/// The symbol package found beside a package.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SymbolsSummary {
    pub path: String,
    pub file_name: String,
    pub id: String,
    pub version: String,
    /// Its nuspec declares the `SymbolsPackage` package type.
    pub is_symbols_package: bool,
    #[ts(type = "number")]
    pub size: u64,
}

/// An opened package: everything the inspector shows at once.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenedPackage {
    /// The path as the window gave it (the key for later commands).
    pub path: String,
    pub file_name: String,
    pub inspection: Inspection,
    /// The embedded icon as a `data:` URL, when it could be read.
    pub icon_data_url: Option<String>,
    /// The `.snupkg` beside the package, when there is one.
    pub symbols: Option<SymbolsSummary>,
    /// Why the `.snupkg` beside the package could not be read.
    pub symbols_error: Option<ErrorInfo>,
}

/// Runs file work on a blocking thread and turns a crashed task into an error.
pub(crate) async fn blocking<T: Send + 'static>(
    task: &'static str,
    work: impl FnOnce() -> Result<T, ErrorInfo> + Send + 'static,
) -> Result<T, ErrorInfo> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| {
            AppError::TaskFailed {
                task,
                detail: e.to_string(),
            }
            .info()
        })?
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn open_and_keep(packages: &OpenPackages, path: &str) -> Result<Opened, ErrorInfo> {
    let package = Package::open(Path::new(path)).map_err(|e| e.info())?;
    let opened = Opened::new(package);
    packages.insert(path.to_string(), opened.clone());
    Ok(opened)
}

fn kept_or_open(packages: &OpenPackages, path: &str) -> Result<Opened, ErrorInfo> {
    match packages.get(path) {
        Some(opened) => Ok(opened),
        None => open_and_keep(packages, path),
    }
}

/// The icon's bytes as a `data:` URL (icons are small; nuget.org allows 1 MB).
fn icon_data_url(package: &Package) -> Option<String> {
    let entry = package.icon()?.entry.clone()?;
    let bytes = package.read_entry(&entry, 1024 * 1024).ok()?;
    preview::image_data_url(&bytes).map(|(url, _)| url)
}

/// The event that tells the window which phase an open is in.
pub const OPEN_PROGRESS_EVENT: &str = "package:open-progress";

/// One phase of an open, as the window hears it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenProgress {
    pub path: String,
    pub phase: OpenPhase,
}

/// Tells the window each phase and stops when the open is cancelled or superseded.
struct WindowObserver<R: Runtime> {
    app: AppHandle<R>,
    path: String,
    stop: Arc<AtomicBool>,
}

impl<R: Runtime> OpenObserver for WindowObserver<R> {
    fn phase(&self, phase: OpenPhase) {
        let path = self.path.clone();
        let _ = self
            .app
            .emit(OPEN_PROGRESS_EVENT, OpenProgress { path, phase });
    }
    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Reads the package phase by phase (the observer tells the window each one and
/// may stop it); a Cancel during the last phase is still a cancel.
fn open_observed<R: Runtime>(
    path: &str,
    observer: &WindowObserver<R>,
) -> Result<Opened, ErrorInfo> {
    let package = Package::open_observed(Path::new(path), &Limits::default(), observer)
        .map_err(|e| e.info())?;
    observer.phase(OpenPhase::Summary);
    let opened = Opened::new(package);
    if observer.cancelled() {
        return Err(nupub_package::PackageError::Cancelled { path: path.into() }.info());
    }
    Ok(opened)
}

impl OpenedPackage {
    /// What the window shows for `opened` (read from `path`), with the `.snupkg` beside it.
    fn of(path: String, opened: &Opened) -> OpenedPackage {
        // The package itself opened, so a failure here is about the .snupkg.
        let (symbols, symbols_error) =
            match nupub_feeds::plan_for(Path::new(&path), nupub_feeds::SymbolsChoice::Auto) {
                Ok(plan) => (plan.symbols.map(SymbolsSummary::of), None),
                Err(error) => (None, Some(error)),
            };
        OpenedPackage {
            file_name: file_name(Path::new(&path)),
            icon_data_url: icon_data_url(&opened.package),
            inspection: (*opened.inspection).clone(),
            symbols,
            symbols_error,
            path,
        }
    }
}

impl SymbolsSummary {
    fn of(symbols: nupub_feeds::SymbolsRef) -> SymbolsSummary {
        SymbolsSummary {
            file_name: file_name(&symbols.path),
            size: std::fs::metadata(&symbols.path)
                .map(|m| m.len())
                .unwrap_or(0),
            path: symbols.path.display().to_string(),
            id: symbols.id,
            version: symbols.version,
            is_symbols_package: symbols.is_symbols_package,
        }
    }
}

/// Stops the open under way (the window's Cancel).
#[tauri::command]
pub fn cancel_open(task: tauri::State<'_, OpenTask>) {
    task.cancel();
}

/// Opens a package: reads its directory, nuspec, signature, readme, icon and
/// licence (never the whole file), telling the window each phase; a newer
/// open or Cancel stops it between phases. The CRC check is [`verify_package`].
#[tauri::command]
pub async fn open_package<R: Runtime>(
    app: AppHandle<R>,
    packages: tauri::State<'_, OpenPackages>,
    task: tauri::State<'_, OpenTask>,
    path: String,
) -> Result<OpenedPackage, ErrorInfo> {
    let packages = packages.inner().clone();
    let stop = task.begin();
    blocking("opening the package", move || {
        let observer = WindowObserver {
            app,
            path: path.clone(),
            stop,
        };
        let opened = open_observed(&path, &observer)?;
        packages.insert(path.clone(), opened.clone());
        Ok(OpenedPackage::of(path, &opened))
    })
    .await
}

/// Streams every entry of the package through its CRC check (slow on big packages).
#[tauri::command]
pub async fn verify_package(
    packages: tauri::State<'_, OpenPackages>,
    path: String,
) -> Result<IntegrityReport, ErrorInfo> {
    let packages = packages.inner().clone();
    blocking("checking the package", move || {
        let opened = kept_or_open(&packages, &path)?;
        opened.integrity().clone()
    })
    .await
}

/// A preview of one file inside the package.
#[tauri::command]
pub async fn preview_entry(
    packages: tauri::State<'_, OpenPackages>,
    path: String,
    entry: String,
) -> Result<FilePreview, ErrorInfo> {
    let packages = packages.inner().clone();
    blocking("reading the file", move || {
        let opened = kept_or_open(&packages, &path)?;
        preview::preview(&opened.package, &entry).map_err(|e| e.info())
    })
    .await
}

/// Who a `.dll`/`.exe` in the package is (name, version, culture, public-key
/// token, framework, runtime) and its health checks, each passed or failed
/// with the rule's reason and fix.
#[tauri::command]
pub async fn assembly_info(
    packages: tauri::State<'_, OpenPackages>,
    path: String,
    entry: String,
) -> Result<AssemblyDetails, ErrorInfo> {
    let packages = packages.inner().clone();
    blocking("reading the assembly", move || {
        let opened = kept_or_open(&packages, &path)?;
        preview::assembly_details(&opened.package, opened.facts(), &entry).map_err(|e| e.info())
    })
    .await
}

/// Opens a link in the system browser: trusted pages at once, the open
/// package's own links only when `confirmed`, nothing else (see [`links`]).
#[tauri::command]
pub fn open_link(
    packages: tauri::State<'_, OpenPackages>,
    browser: tauri::State<'_, Browser>,
    url: String,
    package_path: Option<String>,
    confirmed: bool,
) -> Result<LinkOutcome, ErrorInfo> {
    let opened = package_path.as_deref().and_then(|p| packages.get(p));
    let parsed = match links::decide(&url, opened.as_ref().map(|o| &*o.inspection), confirmed)
        .map_err(|e| e.info())?
    {
        LinkDecision::Ask(outcome) => return Ok(outcome),
        LinkDecision::Open(parsed) => parsed,
    };
    (browser.0)(parsed.as_str()).map_err(|detail| {
        AppError::BrowserFailed {
            url: parsed.to_string(),
            detail,
        }
        .info()
    })?;
    Ok(LinkOutcome::Opened {
        url: parsed.to_string(),
    })
}

/// What the rules say about the package for a target: findings grouped by
/// severity (errors first), each with its fix and nuget.org's own words.
#[tauri::command]
pub async fn check_package(
    packages: tauri::State<'_, OpenPackages>,
    path: String,
    target: RuleTarget,
) -> Result<Report, ErrorInfo> {
    let packages = packages.inner().clone();
    blocking("checking the package", move || {
        let opened = kept_or_open(&packages, &path)?;
        let options = nupub_rules::Options::for_target(target);
        Ok(nupub_rules::validate_package(
            &opened.package,
            opened.facts(),
            &options,
        ))
    })
    .await
}

/// The health of the package's assemblies (deterministic build, symbols,
/// Source Link, compiler flags): the rules' `health.*` findings, for any target.
#[tauri::command]
pub async fn package_health(
    packages: tauri::State<'_, OpenPackages>,
    path: String,
) -> Result<Vec<Finding>, ErrorInfo> {
    let packages = packages.inner().clone();
    blocking("checking the assemblies", move || {
        let opened = kept_or_open(&packages, &path)?;
        let findings = nupub_rules::check(&opened.package, opened.facts());
        Ok(findings
            .into_iter()
            .filter(|f| f.code.starts_with("health."))
            .collect())
    })
    .await
}
