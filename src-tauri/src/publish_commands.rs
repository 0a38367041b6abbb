//! The publish flow's commands: the feeds a package can go to, the push
//! itself (its progress forwarded to the window as events) and cancelling it.
//! The feeds crate does the work; API keys are read from the vault here and
//! never cross to the page.

use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::config::{ConfigLocations, NuGetConfig};
use nupub_feeds::{
    plan_for, ApiKey, Auth, CancellationToken, FactsOptions, FeedClient, FeedKind, ProgressSink,
    Protocol, PushEvent, PushOptions, PushReport, Source, SymbolsChoice,
};
use nupub_rules::{FeedFacts, Severity, Target};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::Emitter;
use ts_rs::TS;

/// The event carrying [`PushEvent`]s to the window.
pub const PUBLISH_EVENT: &str = "publish:progress";

/// Errors of the publish commands themselves (`publish.*`); everything else
/// comes from the feeds, package and accounts crates with their own codes.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{feed} would refuse {id} {version}: {first}{}", more_errors(*.count))]
    BlockedByChecks {
        feed: String,
        id: String,
        version: String,
        /// The first error finding's message (errors come first in a report).
        first: String,
        count: usize,
        target: Target,
    },
}

fn more_errors(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        2 => " (and 1 more error)".into(),
        n => format!(" (and {} more errors)", n - 1),
    }
}

impl Coded for PublishError {
    fn code(&self) -> &'static str {
        match self {
            PublishError::BlockedByChecks { .. } => "publish.blocked_by_checks",
        }
    }
    fn hint(&self) -> Option<String> {
        match self {
            PublishError::BlockedByChecks { target, .. } => Some(format!(
                "nothing was sent. Open the Checks step for {}, fix every error there in your project, pack again and publish the new package",
                target.as_str()
            )),
        }
    }
}

/// A feed the user can choose, as the Feed step lists it. Never holds a key.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedChoice {
    /// What `publish` is given to name this feed.
    pub id: String,
    pub name: String,
    pub kind: FeedKind,
    /// Folder path or URL.
    pub location: String,
    /// Nupub's own local folder feed (the safe place to try a package first).
    pub is_default_local: bool,
    /// Whether the feed needs an API key at all (folders do not).
    pub needs_key: bool,
    /// Whether a key for this feed is stored in the OS keyring.
    pub has_key: bool,
    /// The stored key's expiry date (`YYYY-MM-DD`), when the user gave one.
    pub key_expires: Option<String>,
    /// Days until that expiry (negative when expired).
    #[ts(type = "number | null")]
    pub key_expires_in_days: Option<i64>,
    /// The nuget.config file the source comes from.
    pub origin: Option<String>,
    /// The rules' target for this feed ([`FeedKind::rules_target`], the mapping the CLI uses too): the checks Confirm
    /// shows and [`publish`] enforces.
    pub target: Target,
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

/// The folder nuget.config files are searched from: the package's folder,
/// as `dotnet nuget push` run beside the package would.
fn start_dir(package_path: Option<&str>) -> PathBuf {
    package_path
        .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
        .filter(|p| p.is_dir())
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

pub(crate) fn load_config(package_path: Option<&str>) -> Result<(NuGetConfig, PathBuf), ErrorInfo> {
    let cwd = start_dir(package_path);
    let config = NuGetConfig::load(&ConfigLocations::system(&cwd)).map_err(|e| e.info())?;
    Ok((config, cwd))
}

fn choice(source: &Source, id: String, origin: Option<String>) -> FeedChoice {
    FeedChoice {
        id,
        name: source.name.clone(),
        kind: source.kind,
        location: source.location.display(),
        is_default_local: false,
        needs_key: source.protocol != Protocol::Folder,
        has_key: false,
        key_expires: None,
        key_expires_in_days: None,
        origin,
        target: source.kind.rules_target(),
    }
}

/// The names a key for `feed` may be stored under: its name, then its location.
fn key_names(name: &str, location: &str) -> [String; 2] {
    [name.to_string(), location.to_string()]
}

/// Lists the feeds: the default local folder feed first, then the enabled
/// nuget.config sources, nuget.org last, each with what the vault knows of its key.
pub fn feed_list(package_path: Option<&str>) -> Result<FeedList, ErrorInfo> {
    let mut feeds = Vec::new();
    let local = nupub_feeds::default_target().map_err(|e| e.info())?;
    feeds.push(FeedChoice {
        id: local.location.clone(),
        name: local.name.clone(),
        kind: FeedKind::Local,
        location: local.location.clone(),
        is_default_local: true,
        needs_key: false,
        has_key: false,
        key_expires: None,
        key_expires_in_days: None,
        origin: None,
        target: FeedKind::Local.rules_target(),
    });
    let (config, _) = load_config(package_path)?;
    let mut nuget_org = None;
    for configured in config.sources.iter().filter(|s| s.enabled) {
        let origin = configured.origin.as_ref().map(|p| p.display().to_string());
        let entry = choice(&configured.source, configured.source.name.clone(), origin);
        if configured.source.kind == FeedKind::NugetOrg {
            nuget_org.get_or_insert(entry);
        } else if entry.location != local.location {
            feeds.push(entry);
        }
    }
    feeds.push(nuget_org.unwrap_or_else(|| {
        let source = Source::nuget_org();
        choice(&source, "nuget.org".into(), None)
    }));

    let mut keyring_error = None;
    match nupub_accounts::Vault::system().and_then(|v| v.feed_keys()) {
        Ok(keys) => {
            for feed in feeds.iter_mut().filter(|f| f.needs_key) {
                let names = key_names(&feed.name, &feed.location);
                let found = keys.iter().find(|k| {
                    k.in_store
                        && names
                            .iter()
                            .any(|n| k.source.eq_ignore_ascii_case(n.trim_end_matches('/')))
                });
                if let Some(key) = found {
                    feed.has_key = true;
                    feed.key_expires = key.expires.clone();
                    feed.key_expires_in_days = key.expires_in_days;
                }
            }
        }
        Err(e) => keyring_error = Some(e.info()),
    }
    Ok(FeedList {
        feeds,
        warnings: config.warnings,
        keyring_error,
    })
}

#[tauri::command]
pub async fn list_feeds(package_path: Option<String>) -> Result<FeedList, ErrorInfo> {
    tauri::async_runtime::spawn_blocking(move || feed_list(package_path.as_deref()))
        .await
        .map_err(|e| {
            crate::error::AppError::TaskFailed {
                task: "listing the feeds",
                detail: e.to_string(),
            }
            .info()
        })?
}

/// The push running now, so the window can cancel it.
#[derive(Clone, Default)]
pub struct PublishTask(Arc<Mutex<Option<CancellationToken>>>);

/// The key stored for the source (by name, then by location). A keyring that
/// does not answer means no key: the feed then says a key is needed.
pub(crate) fn stored_key(source: &Source) -> Option<ApiKey> {
    if source.protocol == Protocol::Folder {
        return None;
    }
    let vault = nupub_accounts::Vault::system().ok()?;
    let location = source.location.display();
    key_names(&source.name, &location)
        .iter()
        .find_map(|name| vault.feed_key(name).ok().flatten())
        .map(|secret| ApiKey::new(secret.expose()))
}

/// Publishes the package at `path` to `feed` (an id from [`list_feeds`]).
/// Progress arrives as [`PUBLISH_EVENT`] events; an existing version fails
/// with `feed.push.version_exists`.
#[tauri::command]
pub async fn publish<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    task: tauri::State<'_, PublishTask>,
    path: String,
    feed: String,
) -> Result<PushReport, ErrorInfo> {
    let cancel = CancellationToken::new();
    if let Ok(mut slot) = task.0.lock() {
        if let Some(old) = slot.replace(cancel.clone()) {
            old.cancel();
        }
    }
    let result = run_publish(app, &path, &feed, &cancel).await;
    if let Ok(mut slot) = task.0.lock() {
        slot.take();
    }
    result
}

async fn run_publish<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    path: &str,
    feed: &str,
    cancel: &CancellationToken,
) -> Result<PushReport, ErrorInfo> {
    let progress: ProgressSink = Arc::new(move |event: PushEvent| {
        // A window that closed mid-push has nobody to tell.
        let _ = app.emit(PUBLISH_EVENT, event);
    });
    publish_to(path, feed, &progress, cancel).await
}

/// Runs the rules for the feed's target over the package as it is on disk
/// now (the checks the Confirm step showed: the same facts, CRC check
/// included, and options as the `check_package` command) and refuses when
/// any finding is an error.
pub fn ensure_no_errors(path: &Path, source: &Source) -> Result<(), ErrorInfo> {
    let target = source.kind.rules_target();
    let package = nupub_package::Package::open(path).map_err(|e| e.info())?;
    let facts = nupub_rules::Facts::gather(&package, true);
    let options = nupub_rules::Options {
        verify_integrity: false,
        ..nupub_rules::Options::for_target(target)
    };
    let report = nupub_rules::validate_package(&package, &facts, &options);
    let count = report.count(Severity::Error);
    let Some(first) = report
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
    else {
        return Ok(());
    };
    let first = match &first.path {
        Some(file) if !first.message.contains(file.as_str()) => {
            format!("{} ({file})", first.message)
        }
        _ => first.message.clone(),
    };
    Err(PublishError::BlockedByChecks {
        feed: source.label(),
        id: package.id().to_string(),
        version: package.version().full(),
        first,
        count,
        target,
    }
    .info())
}

/// Resolves `feed` as `dotnet nuget push --source` would (from the package's
/// folder), runs the checks for it ([`ensure_no_errors`]: nothing is sent
/// when one fails), takes its key from the vault and pushes the package (and
/// the `.snupkg` beside it).
pub async fn publish_to(
    path: &str,
    feed: &str,
    progress: &ProgressSink,
    cancel: &CancellationToken,
) -> Result<PushReport, ErrorInfo> {
    let (config, cwd) = load_config(Some(path))?;
    let source = config.resolve(Some(feed), &cwd).map_err(|e| e.info())?;
    // The checks below read the whole package (CRC check included): say so,
    // rather than a bare "Starting…" that looks stuck on a large package.
    progress(PushEvent::Verifying {
        file: Path::new(path)
            .file_name()
            .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned()),
    });
    let checked = (PathBuf::from(path), source.clone());
    tauri::async_runtime::spawn_blocking(move || ensure_no_errors(&checked.0, &checked.1))
        .await
        .map_err(|e| {
            crate::error::AppError::TaskFailed {
                task: "checking the package before publishing",
                detail: e.to_string(),
            }
            .info()
        })??;
    let plan = plan_for(Path::new(path), SymbolsChoice::Auto)?;
    if cancel.is_cancelled() {
        // Cancelled while the checks ran: nothing was sent.
        return Err(nupub_feeds::FeedError::Cancelled {
            feed: source.label(),
            id: plan.package.id.clone(),
            version: plan.package.version.clone(),
        }
        .info());
    }
    let auth = stored_key(&source).map(Auth::key).unwrap_or_default();
    let client = FeedClient::new().map_err(|e| e.info())?;
    client
        .push(
            &source,
            &plan,
            &auth,
            &PushOptions::default(),
            progress,
            cancel,
        )
        .await
        .map_err(|e| e.info())
}

/// Whether the version is on the feed already, as far as the feed can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum VersionState {
    Present,
    Absent,
    Unknown,
}

/// The symbol package that would follow the package (the `.snupkg` beside
/// it, as `publish` finds it), and whether the feed would take it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum SymbolsCheck {
    /// No `.snupkg` beside the package.
    None,
    /// It goes too, and the checks found nothing that would stop it.
    Valid { file: String },
    /// It cannot go: `publish` would refuse it before sending anything.
    Invalid {
        file: String,
        errors: Vec<ErrorInfo>,
    },
}

/// What Nupub can learn before publishing: is the feed reachable, is a key
/// stored (and when it expires), what the feed knows about the id and
/// version (the feed-fact rules), whether the symbol package is valid.
/// Nothing is sent to the feed but reads.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Preflight {
    pub feed: String,
    /// The feed answered (its service index, or the folder is usable).
    pub reachable: bool,
    /// Why the feed could not be reached.
    pub reach_error: Option<ErrorInfo>,
    pub needs_key: bool,
    pub key_present: bool,
    /// The stored key's expiry date (`YYYY-MM-DD`), when the user gave one.
    pub key_expires: Option<String>,
    /// Days until that expiry (negative when expired).
    #[ts(type = "number | null")]
    pub key_expires_in_days: Option<i64>,
    pub version: VersionState,
    /// Why the feed could not tell whether the version exists.
    pub version_detail: Option<String>,
    /// What the feed's facts mean for this feed's target (`nupub_rules::feed`
    /// through `apply_target`), errors first. "This version exists" is not
    /// among them: [`Preflight::version`] says it once.
    pub findings: Vec<nupub_rules::Finding>,
    /// What could not be looked up, in plain words.
    pub notes: Vec<String>,
    pub symbols: SymbolsCheck,
}

/// Time allowed for the whole feed-facts lookup; past it the preflight says
/// what it could not look up and shows everything else.
const FACTS_LIMIT: Duration = Duration::from_secs(30);

fn facts_options() -> FactsOptions {
    FactsOptions {
        timeout: Duration::from_secs(10),
        download_timeout: Duration::from_secs(20),
        ..FactsOptions::default()
    }
}

/// The feed as the window names it: its nuget.config name, else its location.
fn feed_name(source: &Source) -> String {
    if source.name.trim().is_empty() {
        source.location.display()
    } else {
        source.name.clone()
    }
}

/// The vault's record of the key stored for `source` (expiry included).
fn key_entry(source: &Source) -> Option<nupub_accounts::vault::FeedKeyEntry> {
    let vault = nupub_accounts::Vault::system().ok()?;
    let keys = vault.feed_keys().ok()?;
    let names = key_names(&source.name, &source.location.display());
    keys.into_iter().find(|k| {
        k.in_store
            && names
                .iter()
                .any(|n| k.source.eq_ignore_ascii_case(n.trim_end_matches('/')))
    })
}

/// The `.snupkg` beside `path` (as `plan_for(.., SymbolsChoice::Auto)` finds
/// it) checked against the package: the errors the push would refuse it for.
pub fn symbols_check(path: &Path, package: &nupub_package::Package) -> SymbolsCheck {
    let symbols = path.with_extension("snupkg");
    if !symbols.is_file() {
        return SymbolsCheck::None;
    }
    let file = symbols.display().to_string();
    let errors = match nupub_package::Package::open(&symbols) {
        Ok(opened) => nupub_feeds::plan::symbol_package_errors(&opened, package),
        Err(e) => {
            let mut info = e.info();
            info.message = format!("the symbol package {file} cannot be read: {}", info.message);
            vec![info]
        }
    };
    if errors.is_empty() {
        SymbolsCheck::Valid { file }
    } else {
        SymbolsCheck::Invalid { file, errors }
    }
}

/// The feed-fact findings for `target`, without "the version exists" (the
/// preflight's `version` says that), errors first.
fn fact_findings(
    package: &nupub_package::Package,
    facts: &FeedFacts,
    target: Target,
) -> Vec<nupub_rules::Finding> {
    let mut findings: Vec<_> =
        nupub_rules::apply_target(nupub_rules::feed::check(package, facts), target)
            .into_iter()
            .filter(|f| f.code != "version.exists")
            .collect();
    findings.sort_by_key(|f| f.severity);
    findings
}

/// The checks behind [`preflight`].
pub async fn preflight_for(path: &str, feed: &str) -> Result<Preflight, ErrorInfo> {
    let (config, cwd) = load_config(Some(path))?;
    let source = config.resolve(Some(feed), &cwd).map_err(|e| e.info())?;
    let file = PathBuf::from(path);
    let opened = tauri::async_runtime::spawn_blocking(move || {
        let package = nupub_package::Package::open(&file).map_err(|e| e.info())?;
        let symbols = symbols_check(&file, &package);
        Ok::<_, ErrorInfo>((package, symbols))
    })
    .await
    .map_err(|e| {
        crate::error::AppError::TaskFailed {
            task: "reading the package before asking the feed",
            detail: e.to_string(),
        }
        .info()
    })??;
    let (package, symbols) = opened;
    let id = package.id().to_string();
    let version = package.version().clone();
    let normalized = version.normalized();
    let mut result = Preflight {
        feed: source.label(),
        reachable: true,
        reach_error: None,
        needs_key: source.protocol != Protocol::Folder,
        key_present: false,
        key_expires: None,
        key_expires_in_days: None,
        version: VersionState::Unknown,
        version_detail: None,
        findings: Vec::new(),
        notes: Vec::new(),
        symbols,
    };
    let client = FeedClient::new().map_err(|e| e.info())?;
    let mut auth = Auth::default();
    // Who the owner and reserved-prefix checks are for: the user name saved with the feed's key.
    let mut you: Option<String> = None;
    if let nupub_feeds::source::Location::Folder(root) = &source.location {
        let found = nupub_feeds::local::find_in_folder(root, &id, &normalized, version.original());
        result.version = if found.is_some() {
            VersionState::Present
        } else {
            VersionState::Absent
        };
    } else {
        if let Some(key) = stored_key(&source) {
            result.key_present = true;
            if let Some(entry) = key_entry(&source) {
                result.key_expires = entry.expires;
                result.key_expires_in_days = entry.expires_in_days;
                you = entry.owner;
            }
            // Reading nuget.org needs no key: it is never sent there for reads.
            if source.kind != FeedKind::NugetOrg {
                auth = Auth::key(key);
            }
        }
        match client.endpoints(&source).await {
            Err(e) => {
                result.reachable = false;
                result.reach_error = Some(e.info());
                // Nothing more can be asked of a feed that does not answer.
                result.notes.push(format!(
                    "{} did not answer, so who owns {id}, its earlier versions and any reserved prefix were not checked.",
                    feed_name(&source)
                ));
                return Ok(result);
            }
            Ok(endpoints) => {
                let answer = client
                    .exists(&source, &endpoints, &id, &normalized, version.original())
                    .await;
                match answer {
                    nupub_feeds::Existence::Present => result.version = VersionState::Present,
                    nupub_feeds::Existence::Absent => result.version = VersionState::Absent,
                    nupub_feeds::Existence::Unknown(why) => result.version_detail = Some(why),
                }
            }
        }
    }
    // The rest of what the feed knows; a lookup that fails or takes too long
    // becomes a note and hides nothing else.
    let asked = tokio::time::timeout(
        FACTS_LIMIT,
        client.facts(
            &source,
            &auth,
            &id,
            &version,
            you.as_deref(),
            &facts_options(),
        ),
    )
    .await;
    match asked {
        Ok(Ok(facts)) => {
            if result.version == VersionState::Unknown {
                match facts.version_exists {
                    Some(true) => result.version = VersionState::Present,
                    Some(false) => result.version = VersionState::Absent,
                    None => {}
                }
            }
            result.findings = fact_findings(&package, &facts, source.kind.rules_target());
            result.notes.extend(facts.notes);
        }
        Ok(Err(e)) => {
            let info = e.info();
            result.notes.push(format!(
                "Nupub could not ask {} about the owners of {id} and its earlier versions: {}",
                feed_name(&source),
                info.message
            ));
        }
        Err(_) => result.notes.push(format!(
            "{} did not tell Nupub about the owners of {id} and its earlier versions within {} s, so that was not checked.",
            feed_name(&source),
            FACTS_LIMIT.as_secs()
        )),
    }
    Ok(result)
}

/// Before Confirm: reachable, key stored, version not there yet.
#[tauri::command]
pub async fn preflight(path: String, feed: String) -> Result<Preflight, ErrorInfo> {
    preflight_for(&path, &feed).await
}

/// Unlists a version on an HTTP feed (it stays installable by exact version,
/// hidden from search). A folder feed has no listing state, so the window
/// never offers this for one; asked anyway, it refuses without touching the folder.
pub async fn unlist_on(path: &str, feed: &str, id: &str, version: &str) -> Result<(), ErrorInfo> {
    let (config, cwd) = load_config(Some(path))?;
    let source = config.resolve(Some(feed), &cwd).map_err(|e| e.info())?;
    if let nupub_feeds::source::Location::Folder(root) = &source.location {
        return Err(nupub_feeds::FeedError::LocalUnsupported {
            id: id.to_string(),
            version: version.to_string(),
            path: root.display().to_string(),
            what: "unlisted".into(),
        }
        .info());
    }
    let auth = stored_key(&source).map(Auth::key).unwrap_or_default();
    let client = FeedClient::new().map_err(|e| e.info())?;
    client
        .unlist(&source, id, version, &auth)
        .await
        .map_err(|e| e.info())
}

/// Unlists `id` `version` on `feed` (the window confirms first).
#[tauri::command]
pub async fn unlist(
    path: String,
    feed: String,
    id: String,
    version: String,
) -> Result<(), ErrorInfo> {
    unlist_on(&path, &feed, &id, &version).await
}

/// Cancels the running push. Returns false when none was running.
#[tauri::command]
pub fn cancel_publish(task: tauri::State<'_, PublishTask>) -> bool {
    match task.0.lock().ok().and_then(|slot| slot.clone()) {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_choice_serializes_without_any_key() {
        let source = Source::nuget_org();
        let mut entry = choice(&source, "nuget.org".into(), None);
        entry.has_key = true;
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["kind"], "nugetOrg");
        assert_eq!(json["needsKey"], true);
        assert_eq!(json["hasKey"], true);
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert!(!keys
            .iter()
            .any(|k| k.as_str() == "key" || k.as_str() == "apiKey"));
    }

    #[test]
    fn every_feed_kind_has_the_target_the_checks_name_it_by() {
        let cases = [
            (FeedKind::Local, "local"),
            (FeedKind::NugetOrg, "nuget.org"),
            (FeedKind::MyGet, "myget"),
            (FeedKind::GitHubPackages, "github"),
            (FeedKind::AzureArtifacts, "azure"),
            (FeedKind::V3, "generic"),
            (FeedKind::V2, "generic"),
        ];
        for (kind, name) in cases {
            assert_eq!(kind.rules_target().as_str(), name, "{kind:?}");
        }
        let entry = choice(&Source::nuget_org(), "nuget.org".into(), None);
        assert_eq!(serde_json::to_value(&entry).unwrap()["target"], "nuget.org");
    }

    #[test]
    fn the_block_names_the_first_error_and_the_count() {
        let error = |count| PublishError::BlockedByChecks {
            feed: "nuget.org".into(),
            id: "A".into(),
            version: "1.0.0".into(),
            first: "the licence file LICENSE.txt is not in the package".into(),
            count,
            target: Target::NugetOrg,
        };
        let one = error(1).info();
        assert_eq!(one.code, "publish.blocked_by_checks");
        assert!(nupub_error::is_valid_code(&one.code));
        assert_eq!(
            one.message,
            "nuget.org would refuse A 1.0.0: the licence file LICENSE.txt is not in the package"
        );
        assert!(one.hint.unwrap_or_default().contains("Checks"));
        assert!(error(2).info().message.ends_with("(and 1 more error)"));
        assert!(error(5).info().message.ends_with("(and 4 more errors)"));
    }

    #[test]
    fn publishing_a_package_with_errors_sends_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // One flipped byte in the stored (uncompressed) padding, which is most
        // of the file: the CRC check finds it, so even a folder feed refuses it.
        let package = nupub_testkit::packages::make_nupkg(
            &dir.path().join("in"),
            "Damaged.Pkg",
            "1.0.0",
            "",
            64 * 1024,
        );
        let mut bytes = std::fs::read(&package).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xFF;
        std::fs::write(&package, &bytes).unwrap();
        let feed = dir.path().join("feed");
        let error = push(&package, &feed).unwrap_err();
        assert_eq!(error.code, "publish.blocked_by_checks", "{error:?}");
        assert!(
            error.message.contains("Damaged.Pkg 1.0.0"),
            "{}",
            error.message
        );
        assert_eq!(std::fs::read(&package).unwrap(), bytes, "file untouched");
        assert!(!feed.exists() || std::fs::read_dir(&feed).unwrap().count() == 0);
    }

    #[test]
    fn a_cancel_that_comes_while_the_checks_run_sends_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let package = nupub_testkit::packages::make_nupkg(
            &dir.path().join("in"),
            "Early.Cancel",
            "1.0.0",
            "",
            0,
        );
        let feed = dir.path().join("feed");
        let cancel = CancellationToken::new();
        cancel.cancel();
        let error = run(publish_to(
            &package.display().to_string(),
            &feed.display().to_string(),
            &nupub_feeds::no_progress(),
            &cancel,
        ))
        .unwrap_err();
        assert_eq!(error.code, "feed.push.cancelled");
        assert!(
            error.message.contains("Early.Cancel 1.0.0"),
            "{}",
            error.message
        );
        assert!(!feed.exists() || std::fs::read_dir(&feed).unwrap().count() == 0);
    }

    fn run<T>(future: impl std::future::Future<Output = T>) -> T {
        nupub_feeds::runtime().unwrap().block_on(future)
    }

    fn push(path: &Path, feed: &Path) -> Result<PushReport, ErrorInfo> {
        run(publish_to(
            &path.display().to_string(),
            &feed.display().to_string(),
            &nupub_feeds::no_progress(),
            &CancellationToken::new(),
        ))
    }

    #[test]
    fn publishes_to_a_folder_once_and_then_says_the_version_exists() {
        let dir = tempfile::tempdir().unwrap();
        let package = nupub_testkit::packages::make_nupkg(
            &dir.path().join("in"),
            "Publish.Cmd",
            "1.0.0",
            "",
            0,
        );
        let before = std::fs::read(&package).unwrap();
        let feed = dir.path().join("feed");
        let report = push(&package, &feed).unwrap();
        assert_eq!(
            (report.id.as_str(), report.version.as_str()),
            ("Publish.Cmd", "1.0.0")
        );
        let stored = report
            .location
            .expect("a folder feed says where the package went");
        // A hierarchical feed names the version's folder; the file is inside.
        let stored = Path::new(&stored);
        let file = if stored.is_dir() {
            stored.join("publish.cmd.1.0.0.nupkg")
        } else {
            stored.to_path_buf()
        };
        assert_eq!(std::fs::read(&file).unwrap(), before);
        let again = push(&package, &feed).unwrap_err();
        assert_eq!(again.code, "feed.push.version_exists");
        assert!(again.hint.unwrap_or_default().contains("version"));
        assert_eq!(
            std::fs::read(&package).unwrap(),
            before,
            "the user's file is untouched"
        );
    }

    #[test]
    fn preflight_on_a_folder_sees_the_version_once_published() {
        let dir = tempfile::tempdir().unwrap();
        let package = nupub_testkit::packages::make_nupkg(
            &dir.path().join("in"),
            "Pre.Flight",
            "2.0.0",
            "",
            0,
        );
        let feed = dir.path().join("feed");
        let (p, f) = (package.display().to_string(), feed.display().to_string());
        let before = run(preflight_for(&p, &f)).unwrap();
        assert_eq!(before.version, VersionState::Absent);
        assert!(before.reachable && !before.needs_key);
        push(&package, &feed).unwrap();
        assert_eq!(
            run(preflight_for(&p, &f)).unwrap().version,
            VersionState::Present
        );
    }

    #[test]
    fn preflight_says_when_the_feed_cannot_be_reached() {
        let dir = tempfile::tempdir().unwrap();
        let package = nupub_testkit::packages::make_nupkg(dir.path(), "Pre.Down", "1.0.0", "", 0);
        // A port nothing listens on (bound, then released).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/v3/index.json");
        let result = run(preflight_for(&package.display().to_string(), &url)).unwrap();
        assert!(!result.reachable);
        let error = result.reach_error.unwrap();
        assert!(nupub_error::is_valid_code(&error.code), "{}", error.code);
        assert_eq!(result.version, VersionState::Unknown);
        assert!(result.needs_key);
        // Said plainly, so the window never claims nothing stands in the way.
        assert_eq!(result.notes.len(), 1, "{:?}", result.notes);
        assert!(
            result.notes[0].contains("did not answer") && result.notes[0].contains("Pre.Down"),
            "{:?}",
            result.notes
        );
    }

    #[test]
    fn unlisting_on_a_folder_feed_is_refused_and_deletes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let package =
            nupub_testkit::packages::make_nupkg(&dir.path().join("in"), "Un.List", "1.0.0", "", 0);
        let feed = dir.path().join("feed");
        push(&package, &feed).unwrap();
        let (p, f) = (package.display().to_string(), feed.display().to_string());
        let error = run(unlist_on(&p, &f, "Un.List", "1.0.0")).unwrap_err();
        assert_eq!(error.code, "feed.local.unsupported");
        assert_eq!(
            run(preflight_for(&p, &f)).unwrap().version,
            VersionState::Present,
            "the version is still in the folder"
        );
    }

    #[test]
    fn hostile_packages_fail_with_a_coded_error_and_publish_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let feed = dir.path().join("feed");
        let missing = push(&dir.path().join("Nope.1.0.0.nupkg"), &feed).unwrap_err();
        assert!(
            nupub_error::is_valid_code(&missing.code),
            "{}",
            missing.code
        );
        assert!(
            missing.message.contains("Nope.1.0.0.nupkg"),
            "{}",
            missing.message
        );
        let garbage = dir.path().join("Garbage.1.0.0.nupkg");
        std::fs::write(&garbage, b"PK\x03\x04 this is not a zip").unwrap();
        let error = push(&garbage, &feed).unwrap_err();
        assert!(nupub_error::is_valid_code(&error.code), "{}", error.code);
        assert!(error.hint.is_some());
        assert_eq!(
            std::fs::read(&garbage).unwrap(),
            b"PK\x03\x04 this is not a zip"
        );
        let published = std::fs::read_dir(&feed).map(|d| d.count()).unwrap_or(0);
        assert_eq!(published, 0, "nothing reached the feed");
    }

    #[test]
    fn a_broken_nuget_config_beside_the_package_is_named_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let package = nupub_testkit::packages::make_nupkg(dir.path(), "Cfg.Test", "1.0.0", "", 0);
        std::fs::write(
            dir.path().join("nuget.config"),
            "<configuration><packageSources><add key=",
        )
        .unwrap();
        let path = package.display().to_string();
        match feed_list(Some(&path)) {
            Err(error) => {
                assert_eq!(error.code, "feed.config_unreadable");
                assert!(error.message.contains("nuget.config"), "{}", error.message);
            }
            Ok(list) => assert!(
                list.warnings.iter().any(|w| w.contains("nuget.config")),
                "{:?}",
                list.warnings
            ),
        }
    }

    #[test]
    fn a_feed_name_that_is_nowhere_fails_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let package = nupub_testkit::packages::make_nupkg(dir.path(), "Src.Test", "1.0.0", "", 0);
        let error = run(publish_to(
            &package.display().to_string(),
            "ftp://example.com/feed",
            &nupub_feeds::no_progress(),
            &CancellationToken::new(),
        ))
        .unwrap_err();
        assert_eq!(error.code, "feed.invalid_url");
    }

    #[test]
    fn publishing_says_it_is_checking_the_package_again_before_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let package =
            nupub_testkit::packages::make_nupkg(&dir.path().join("in"), "Re.Check", "1.0.0", "", 0);
        let feed = dir.path().join("feed");
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&events);
        let sink: ProgressSink = Arc::new(move |e: PushEvent| seen.lock().unwrap().push(e));
        run(publish_to(
            &package.display().to_string(),
            &feed.display().to_string(),
            &sink,
            &CancellationToken::new(),
        ))
        .unwrap();
        let events = events.lock().unwrap();
        match events.first() {
            Some(PushEvent::Verifying { file }) => assert_eq!(file, "Re.Check.1.0.0.nupkg"),
            other => panic!("expected Verifying first, got {other:?}"),
        }
        let json = serde_json::to_value(&events[0]).unwrap();
        assert_eq!(json["kind"], "verifying");
    }

    #[test]
    fn preflight_names_a_bad_symbol_package_and_every_error() {
        let dir = tempfile::tempdir().unwrap();
        let package = nupub_testkit::packages::make_nupkg(dir.path(), "Sym.Check", "1.0.0", "", 0);
        let path = package.display().to_string();
        let feed = dir.path().join("feed").display().to_string();
        let none = run(preflight_for(&path, &feed)).unwrap();
        assert!(
            matches!(none.symbols, SymbolsCheck::None),
            "{:?}",
            none.symbols
        );
        // The .nupkg itself renamed .snupkg (a classic mistake): not a
        // symbols package, no PDB; nuget.org would refuse it.
        let snupkg = dir.path().join("Sym.Check.1.0.0.snupkg");
        std::fs::copy(&package, &snupkg).unwrap();
        let before = std::fs::read(&snupkg).unwrap();
        let result = run(preflight_for(&path, &feed)).unwrap();
        match &result.symbols {
            SymbolsCheck::Invalid { file, errors } => {
                assert!(file.ends_with("Sym.Check.1.0.0.snupkg"), "{file}");
                assert!(!errors.is_empty());
                let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
                assert!(codes.contains(&"symbols.no_pdb"), "{codes:?}");
                assert!(codes.contains(&"symbols.package_type"), "{codes:?}");
                for e in errors {
                    assert!(nupub_error::is_valid_code(&e.code), "{}", e.code);
                    assert!(!e.message.is_empty());
                }
            }
            other => panic!("expected the symbol errors, got {other:?}"),
        }
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["symbols"]["status"], "invalid");
        assert!(json["symbols"]["errors"][0]["code"].is_string());
        // Not a zip at all: one error naming the file, no panic.
        std::fs::write(&snupkg, b"PK\x03\x04 garbage").unwrap();
        match run(preflight_for(&path, &feed)).unwrap().symbols {
            SymbolsCheck::Invalid { errors, .. } => {
                assert_eq!(errors.len(), 1);
                assert!(
                    errors[0].message.contains("Sym.Check.1.0.0.snupkg"),
                    "{:?}",
                    errors[0]
                );
            }
            other => panic!("expected an unreadable symbol package, got {other:?}"),
        }
        assert_eq!(std::fs::read(&package).unwrap().len(), before.len());

        // A real package with its real symbol package beside it: valid.
        let real = dir.path().join("real");
        std::fs::create_dir_all(&real).unwrap();
        for name in ["TestData.1.2.3.nupkg", "TestData.1.2.3.snupkg"] {
            std::fs::copy(nupub_testkit::fixture(name), real.join(name)).unwrap();
        }
        let good = run(preflight_for(
            &real.join("TestData.1.2.3.nupkg").display().to_string(),
            &feed,
        ))
        .unwrap();
        match good.symbols {
            SymbolsCheck::Valid { file } => assert!(file.ends_with("TestData.1.2.3.snupkg")),
            other => panic!("expected a valid symbol package, got {other:?}"),
        }
    }

    #[test]
    fn preflight_on_a_folder_says_the_previous_version_was_signed() {
        let dir = tempfile::tempdir().unwrap();
        let feed = dir.path().join("feed");
        // The real author-signed 1.0.0, published to the folder feed first.
        push(
            &nupub_testkit::fixture("TestPackage.AuthorSigned.1.0.0.nupkg"),
            &feed,
        )
        .unwrap();
        let next = nupub_testkit::packages::make_nupkg(
            &dir.path().join("in"),
            "TestPackage.AuthorSigned",
            "1.1.0",
            "",
            0,
        );
        let result = run(preflight_for(
            &next.display().to_string(),
            &feed.display().to_string(),
        ))
        .unwrap();
        assert_eq!(result.version, VersionState::Absent);
        let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
        assert!(
            codes.contains(&"sign.signed_to_unsigned"),
            "{codes:?} {:?}",
            result.notes
        );
        assert!(!codes.contains(&"version.exists"), "{codes:?}");
        // The same version again: said once, by `version`, not as a finding too.
        let same = run(preflight_for(
            &nupub_testkit::fixture("TestPackage.AuthorSigned.1.0.0.nupkg")
                .display()
                .to_string(),
            &feed.display().to_string(),
        ))
        .unwrap();
        assert_eq!(same.version, VersionState::Present);
        assert!(same.findings.iter().all(|f| f.code != "version.exists"));
    }

    #[test]
    fn start_dir_is_the_package_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("A.1.0.0.nupkg");
        assert_eq!(start_dir(Some(&file.display().to_string())), dir.path());
        // A path whose folder does not exist falls back to the working folder.
        let missing = start_dir(Some("/no/such/folder/A.nupkg"));
        assert!(missing.is_dir());
    }
}
