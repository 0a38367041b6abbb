//! The plan: exactly what will be sent where, with which key, what stands in
//! the way, and what the user must acknowledge or type first. Made by
//! [`prepare`]: open the package → run the checks for the feed's target →
//! resolve the feed and its credential → ask the feed (version, symbols
//! endpoint, owners, earlier versions) → decide. The window's Confirm step and
//! `nupub push` show this one plan; [`Plan::check`] is the one decision both enforce.

use crate::credential::{self, Credential, CredentialOrigin, KeyNeed, Lookup};
use crate::error::PublishError;
use crate::feeds::ConfigScope;
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::source::Location;
use nupub_feeds::{
    ApiKey, Existence, FactsOptions, FeedClient, FeedError, FeedKind, PackageRef, PushPlan, Source,
    SymbolsChoice, SymbolsRef,
};
use nupub_package::Package;
use nupub_rules::{FeedFacts, Finding, RuleTarget, Severity};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
use ts_rs::TS;

/// What the user asks for: this package, to this feed.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub package: PathBuf,
    /// A nuget.config name, URL, folder or shorthand; `None`: defaultPushSource.
    pub feed: Option<String>,
    pub scope: ConfigScope,
    pub symbols: SymbolsChoice,
    /// A key given for this run (checked first, see [`credential`]).
    pub key: Option<ApiKey>,
    /// Whose ownership the owner checks are about (`--as`); default: the user name stored with the key.
    pub owner: Option<String>,
    pub facts: FactsOptions,
    /// Time allowed for the whole feed-facts lookup; past it the plan says what it could not learn.
    pub facts_limit: Duration,
    /// Ask the feed even when the package's own errors already refuse it (Confirm and
    /// `nupub push` show everything at once; the window's Publish re-check does not connect).
    pub ask_despite_errors: bool,
}

impl PlanRequest {
    /// The defaults both doors use: the `.snupkg` beside the package, 10 s per
    /// question to the feed and 30 s for all of them.
    pub fn new(package: PathBuf, feed: Option<String>, scope: ConfigScope) -> PlanRequest {
        PlanRequest {
            package,
            feed,
            scope,
            symbols: SymbolsChoice::Auto,
            key: None,
            owner: None,
            facts: FactsOptions {
                timeout: Duration::from_secs(10),
                download_timeout: Duration::from_secs(20),
                ..FactsOptions::default()
            },
            facts_limit: Duration::from_secs(30),
            ask_despite_errors: true,
        }
    }
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

/// What happens to the symbol package (the `.snupkg` beside the package, or the one named).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum SymbolsPlan {
    /// There is none (or none was wanted).
    None,
    /// It is sent after the package.
    WillSend { file: String },
    /// It is valid but the feed takes no symbol packages: it stays on disk.
    NotSupported { file: String },
    /// It would be refused: publishing is blocked.
    Invalid {
        file: String,
        errors: Vec<ErrorInfo>,
    },
    /// The feed could not be asked whether it takes symbols; it is sent if it does.
    Unknown { file: String },
}

/// The package as the plan describes it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlannedPackage {
    pub path: String,
    pub file_name: String,
    pub id: String,
    /// Normalized (`1.0.0`).
    pub version: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// The feed as the plan describes it (no credentials).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlannedFeed {
    pub name: String,
    /// `'name' (location)`, as messages name it.
    pub label: String,
    pub kind: FeedKind,
    pub location: String,
    pub target: RuleTarget,
    pub is_folder: bool,
}

/// The key the push will send, described (never the key).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyPlan {
    pub need: KeyNeed,
    pub origin: CredentialOrigin,
    pub present: bool,
    /// The nuget.config credentials (user name and password) are sent too.
    pub feed_credentials: bool,
    /// The name a key given now would be stored under.
    pub store_as: String,
    /// The keyring entry used, when the key comes from there.
    pub stored_as: Option<String>,
    pub expires: Option<String>,
    #[ts(type = "number | null")]
    pub expires_in_days: Option<i64>,
    /// The key expires soon or has expired (the accounts crate's one threshold).
    pub expires_soon: bool,
    /// Why the keyring or a sign-in could not be asked.
    pub note: Option<String>,
}

/// A warning the user must read and acknowledge before publishing.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Acknowledgement {
    /// What [`Consent::acknowledged`] names it by.
    pub key: String,
    pub finding: Finding,
    /// It comes from the feed (the Confirm step acknowledges it), not from the package checks.
    pub from_feed: bool,
}

/// Where the plan leaves the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PlanStatus {
    /// Something stands in the way: nothing can be sent.
    Blocked,
    /// Warnings to acknowledge and/or a phrase to type.
    NeedsConsent,
    /// Nothing to acknowledge or type: publishing needs only the user's go.
    Ready,
}

/// Everything the Confirm step and `nupub push` show before anything is sent.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Plan {
    pub package: PlannedPackage,
    pub feed: PlannedFeed,
    pub key: KeyPlan,
    /// The feed was asked at all: a package with errors for the target is refused
    /// before any connection is made.
    pub feed_asked: bool,
    /// The feed answered (its service index, or the folder is usable).
    pub reachable: bool,
    pub reach_error: Option<ErrorInfo>,
    pub version: VersionState,
    pub version_detail: Option<String>,
    /// The package checks for the feed's target (what the Checks step shows), errors first.
    pub findings: Vec<Finding>,
    /// What the feed's answers mean for this package (owners, reserved prefix, the previous
    /// version's signature, no key), errors first. "This version exists" is not among
    /// them: [`Plan::version`] says it once.
    pub feed_findings: Vec<Finding>,
    /// What could not be looked up, in plain words.
    pub notes: Vec<String>,
    /// What this release changes since the highest lower version on the feed
    /// (down to the public API) and whether its version bump is enough; a bump
    /// that is too small is also a warning in [`Plan::feed_findings`].
    pub changes: Option<nupub_diff::baseline::ChangesReport>,
    /// [`Plan::changes`] in one line, as both doors show it.
    pub changes_headline: Option<String>,
    pub symbols: SymbolsPlan,
    /// What stands in the way, most decisive first; empty when nothing does.
    pub blockers: Vec<ErrorInfo>,
    pub acknowledgements: Vec<Acknowledgement>,
    /// What the user types to confirm (feeds that never delete a version: nuget.org).
    pub confirmation: Option<String>,
    pub status: PlanStatus,
}

/// What the user agreed to.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Consent {
    /// [`Acknowledgement::key`]s of the warnings the user acknowledged.
    #[serde(default)]
    pub acknowledged: Vec<String>,
    /// What the user typed for [`Plan::confirmation`].
    #[serde(default)]
    pub typed: Option<String>,
    /// Everything shown is accepted (`nupub push --yes`, or the terminal's yes after the list).
    #[serde(skip)]
    pub everything: bool,
}

impl Consent {
    /// `--yes`: every warning shown is acknowledged and the publish confirmed.
    pub fn everything() -> Consent {
        Consent {
            everything: true,
            ..Consent::default()
        }
    }
}

/// The key under which a warning is acknowledged: its code, file and message.
pub fn ack_key(finding: &Finding) -> String {
    [
        finding.code.as_str(),
        finding.path.as_deref().unwrap_or(""),
        finding.message.as_str(),
    ]
    .join("\u{0}")
}

/// Does the typed text match a confirmation phrase? Spacing never matters.
/// A package's phrase is `Id Version`: the id ignoring case (ids are
/// case-insensitive), the version exactly. A set's phrase
/// (`publish 7 packages`) matches ignoring case.
pub fn phrase_matches(typed: &str, phrase: &str) -> bool {
    let typed: Vec<&str> = typed.split_whitespace().collect();
    let wanted: Vec<&str> = phrase.split_whitespace().collect();
    if typed.is_empty() || typed.len() != wanted.len() {
        return false;
    }
    if let ([typed_id, typed_version], [id, version]) = (typed.as_slice(), wanted.as_slice()) {
        return typed_id.eq_ignore_ascii_case(id) && typed_version == version;
    }
    typed
        .iter()
        .zip(&wanted)
        .all(|(t, w)| t.to_lowercase() == w.to_lowercase())
}

impl Plan {
    /// The one decision: `Ok` when the plan may be carried out with this consent.
    pub fn check(&self, consent: &Consent) -> Result<(), PublishError> {
        if let Some(first) = self.blockers.first() {
            return Err(self.refusal(first));
        }
        let missing: Vec<&Acknowledgement> = if consent.everything {
            Vec::new()
        } else {
            self.acknowledgements
                .iter()
                .filter(|a| !consent.acknowledged.contains(&a.key))
                .collect()
        };
        if let Some(first) = missing.first() {
            return Err(PublishError::NotAcknowledged {
                id: self.package.id.clone(),
                version: self.package.version.clone(),
                first: first.finding.message.clone(),
                count: missing.len(),
            });
        }
        if let Some(phrase) = &self.confirmation {
            let typed = consent.typed.as_deref().unwrap_or("");
            if !consent.everything && !phrase_matches(typed, phrase) {
                return Err(PublishError::NotConfirmed {
                    feed: self.feed.name.clone(),
                    phrase: phrase.clone(),
                });
            }
        }
        Ok(())
    }

    /// The error for the first blocker: the check summary for error findings, else the blocker itself.
    fn refusal(&self, first: &ErrorInfo) -> PublishError {
        if first.code == CHECKS_FAILED {
            let errors: Vec<&Finding> = self
                .findings
                .iter()
                .chain(&self.feed_findings)
                .filter(|f| f.severity == Severity::Error)
                .collect();
            let first = errors.first().map_or_else(String::new, |f| match &f.path {
                Some(file) if !f.message.contains(file.as_str()) => {
                    format!("{} ({file})", f.message)
                }
                _ => f.message.clone(),
            });
            return PublishError::BlockedByChecks {
                feed: self.feed.label.clone(),
                id: self.package.id.clone(),
                version: self.package.version.clone(),
                first,
                count: errors.len(),
                target: self.feed.target,
            };
        }
        PublishError::Refused(first.clone())
    }
}

const CHECKS_FAILED: &str = "publish.blocked_by_checks";

/// A plan and what carrying it out needs (the resolved source and its credential).
#[derive(Debug)]
pub struct Prepared {
    pub plan: Plan,
    pub source: Source,
    pub credential: Credential,
    pub push: PushPlan,
    /// Notes about the nuget.config files read.
    pub config_warnings: Vec<String>,
}

/// The package opened and checked for the target.
struct Checked {
    package: Package,
    findings: Vec<Finding>,
    push: PushPlan,
    /// The symbol package, with the errors it would be refused for (empty: valid).
    symbols: Option<(PathBuf, Vec<ErrorInfo>)>,
}

/// Runs `work` on the blocking pool (reading and checking a package is CPU and disk work).
pub(crate) async fn blocking<T: Send + 'static>(
    task: &'static str,
    work: impl FnOnce() -> Result<T, PublishError> + Send + 'static,
) -> Result<T, PublishError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PublishError::TaskFailed {
            task,
            detail: e.to_string(),
        })?
}

fn open_and_check(
    path: &Path,
    target: RuleTarget,
    symbols: &SymbolsChoice,
) -> Result<Checked, PublishError> {
    let package = Package::open(path)?;
    let facts = nupub_rules::PackageFacts::gather(&package, true);
    let options = nupub_rules::Options::for_target(target);
    let mut findings = nupub_rules::validate_package(&package, &facts, &options).findings;
    findings.sort_by_key(|f| f.severity);
    let symbols_path = match symbols {
        SymbolsChoice::None => None,
        SymbolsChoice::File(p) => Some(p.clone()),
        SymbolsChoice::Auto => nupub_package::symbols_beside(path),
    };
    let mut symbols_ref = None;
    let symbols = symbols_path.map(|p| {
        let errors = match Package::open(&p) {
            Ok(opened) => {
                let errors = nupub_feeds::plan::symbol_package_errors(&opened, &package);
                symbols_ref = Some(SymbolsRef::of(p.clone(), &opened));
                errors
            }
            Err(e) => {
                let mut info = e.info();
                info.message = format!(
                    "the symbol package {} cannot be read: {}",
                    p.display(),
                    info.message
                );
                vec![info]
            }
        };
        (p, errors)
    });
    let push = PushPlan {
        package: PackageRef::of(path, &package),
        symbols: symbols_ref,
    };
    Ok(Checked {
        package,
        findings,
        push,
        symbols,
    })
}

/// What the feed told Nupub before anything is sent.
struct Asked {
    asked: bool,
    reachable: bool,
    reach_error: Option<ErrorInfo>,
    version: VersionState,
    version_detail: Option<String>,
    /// Whether the feed takes symbol packages (`None`: could not ask).
    takes_symbols: Option<bool>,
    facts: Option<FeedFacts>,
    notes: Vec<String>,
    /// A folder feed's copy of the version.
    existing: Option<PathBuf>,
    /// The release compared with the feed's previous version.
    changes: Option<nupub_diff::baseline::ChangesReport>,
}

impl Asked {
    fn not_asked(note: String) -> Asked {
        Asked {
            asked: false,
            reachable: true,
            reach_error: None,
            version: VersionState::Unknown,
            version_detail: None,
            takes_symbols: None,
            facts: None,
            notes: vec![note],
            existing: None,
            changes: None,
        }
    }
}

async fn ask_feed(
    source: &Source,
    package: &Package,
    credential: &Credential,
    owner: Option<&str>,
    request: &PlanRequest,
    client: &FeedClient,
) -> Result<Asked, PublishError> {
    let id = package.id().to_string();
    let version = package.version().clone();
    let normalized = version.normalized();
    let mut asked = Asked {
        asked: true,
        reachable: true,
        reach_error: None,
        version: VersionState::Unknown,
        version_detail: None,
        takes_symbols: None,
        facts: None,
        notes: Vec::new(),
        changes: None,
        existing: None,
    };
    if let Location::Folder(root) = &source.location {
        let found = nupub_feeds::local::find_in_folder(root, &id, &normalized, version.original());
        asked.version = if found.is_some() {
            VersionState::Present
        } else {
            VersionState::Absent
        };
        asked.existing = found;
        asked.takes_symbols = Some(false);
    } else {
        match client.endpoints(source).await {
            Err(e) => {
                asked.reachable = false;
                asked.reach_error = Some(e.info());
                asked.notes.push(format!(
                    "{} did not answer, so who owns {id}, its earlier versions and any reserved prefix were not checked.",
                    source.name_or_location()
                ));
                return Ok(asked);
            }
            Ok(endpoints) => {
                asked.takes_symbols = Some(endpoints.symbols.is_some());
                match client
                    .exists(source, &endpoints, &id, &normalized, version.original())
                    .await
                {
                    Existence::Present => asked.version = VersionState::Present,
                    Existence::Absent => asked.version = VersionState::Absent,
                    Existence::Unknown(why) => asked.version_detail = Some(why),
                }
            }
        }
    }
    let auth = credential::read_auth(source, credential);
    // What the feed just said about this version is not asked a second time.
    let facts_options = nupub_feeds::FactsOptions {
        version_known: match asked.version {
            VersionState::Present => Some(true),
            VersionState::Absent => Some(false),
            VersionState::Unknown => None,
        },
        ..request.facts.clone()
    };
    let answer = tokio::time::timeout(
        request.facts_limit,
        client.facts(source, &auth, &id, &version, owner, &facts_options),
    )
    .await;
    match answer {
        Ok(Ok(facts)) => {
            if asked.version == VersionState::Unknown {
                match facts.version_exists {
                    Some(true) => asked.version = VersionState::Present,
                    Some(false) => asked.version = VersionState::Absent,
                    None => {}
                }
            }
            asked.notes.extend(facts.notes.iter().cloned());
            asked.facts = Some(facts);
        }
        Ok(Err(e)) => asked.notes.push(format!(
            "Nupub could not ask {} about the owners of {id} and its earlier versions: {}",
            source.name_or_location(),
            e.info().message
        )),
        Err(_) => asked.notes.push(format!(
            "{} did not tell Nupub about the owners of {id} and its earlier versions within {} s, so that was not checked.",
            source.name_or_location(),
            request.facts_limit.as_secs()
        )),
    }
    Ok(asked)
}

/// Who the owner checks are about: `--as`, else the user name stored with the key.
fn owner_for(request: &PlanRequest, source: &Source, credential: &Credential) -> Option<String> {
    if let Some(given) = request
        .owner
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Some(given.to_string());
    }
    if let Some(owner) = credential.stored.as_ref().and_then(|e| e.owner.clone()) {
        return Some(owner);
    }
    credential::stored_owner(source).ok().flatten()
}

/// Makes the plan (module docs). Reads only: nothing is sent to the feed but questions.
#[tracing::instrument(skip_all, err(Debug), fields(package = %request.package.display(), feed = request.feed.as_deref().map(nupub_error::redact_urls)))]
pub async fn prepare(request: &PlanRequest) -> Result<Prepared, PublishError> {
    let client = FeedClient::new()?;
    // The id's version listing is read once for the plan (exists, facts, changes).
    client.remember_listings();
    prepare_with(request, &client).await
}

/// [`prepare`] with an HTTP client the caller keeps (a set plans many packages with one).
pub(crate) async fn prepare_with(
    request: &PlanRequest,
    client: &FeedClient,
) -> Result<Prepared, PublishError> {
    let (source, config_warnings) = request.scope.resolve(request.feed.as_deref())?;
    let target = source.kind.rules_target();
    let checked = {
        let path = request.package.clone();
        let symbols = request.symbols.clone();
        blocking("checking the package", move || {
            open_and_check(&path, target, &symbols)
        })
        .await?
    };
    let credential = credential::resolve(&source, Lookup::system(request.key.clone())).await;
    let owner = owner_for(request, &source, &credential);
    let asked = if !request.ask_despite_errors
        && checked
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error)
    {
        // Refused whatever the feed says: no connection is made.
        Asked::not_asked(format!(
            "Nupub did not ask {} anything: the package has errors for {} to fix first.",
            source.name_or_location(),
            target.as_str()
        ))
    } else {
        ask_feed(
            &source,
            &checked.package,
            &credential,
            owner.as_deref(),
            request,
            client,
        )
        .await?
    };
    tracing::debug!(
        credential = ?credential.origin,
        version = ?asked.version,
        reachable = asked.reachable,
        "asked the feed"
    );
    let mut asked = asked;
    if asked.reachable && asked.version == VersionState::Absent {
        compare_with_previous(&mut asked, &source, &credential, request, client).await;
    }
    let plan = decide(request, &source, &checked, &credential, asked);
    Ok(Prepared {
        plan,
        source,
        credential,
        push: checked.push,
        config_warnings,
    })
}

/// The feed as plans describe it.
pub(crate) fn planned_feed(source: &Source) -> PlannedFeed {
    PlannedFeed {
        name: source.name_or_location(),
        label: source.label(),
        kind: source.kind,
        location: source.location.display(),
        target: source.kind.rules_target(),
        is_folder: matches!(source.location, Location::Folder(_)),
    }
}

/// Compares the package with the highest lower version on the feed (within
/// the facts time limit); what could not be compared is a note, never a blocker.
async fn compare_with_previous(
    asked: &mut Asked,
    source: &Source,
    credential: &Credential,
    request: &PlanRequest,
    client: &FeedClient,
) {
    use nupub_diff::baseline::{self, BaselineRequest};
    let cache = match baseline::default_cache_dir() {
        Ok(cache) => cache,
        Err(e) => {
            asked.notes.push(format!(
                "Nupub did not compare this release with the previous one: {}",
                e.info().message
            ));
            return;
        }
    };
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let compared = tokio::time::timeout(
        request.facts_limit,
        baseline::changes_since(
            client,
            source,
            &credential.auth,
            &request.package,
            &BaselineRequest::Auto,
            &cache,
            std::sync::Arc::new(|_| {}),
            cancel.clone(),
        ),
    )
    .await;
    match compared {
        Ok(Ok(report)) => asked.changes = Some(report),
        Ok(Err(e)) => asked.notes.push(format!(
            "Nupub could not compare this release with the previous one on {}: {}",
            source.name_or_location(),
            e.info().message
        )),
        Err(_) => {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            asked.notes.push(format!(
                "Nupub could not compare this release with the previous one on {} in time",
                source.name_or_location()
            ));
        }
    }
}

/// Puts together what was learnt and decides what blocks, what needs consent.
fn decide(
    request: &PlanRequest,
    source: &Source,
    checked: &Checked,
    credential: &Credential,
    asked: Asked,
) -> Plan {
    let package = &checked.package;
    let id = package.id().to_string();
    let version = package.version().normalized();
    let findings = checked.findings.clone();
    let need = credential::key_need(source);
    let from_feed = feed_findings(source, checked, credential, need, &asked);
    let symbols = symbols_plan(checked, asked.takes_symbols);
    let mut blockers = Vec::new();
    if asked.version == VersionState::Present {
        blockers.push(version_exists(source, &id, &version, &asked));
    }
    blockers.extend(checks_failed(source, &findings, &from_feed));
    if let SymbolsPlan::Invalid { file, errors } = &symbols {
        blockers.push(nupub_feeds::plan::symbols_refused(
            file, &id, &version, errors,
        ));
    }
    if need == KeyNeed::Required && !credential.has_key() && source.credentials.is_none() {
        blockers.push(key_missing(source, credential));
    }
    let acknowledgements = acknowledgements(&findings, &from_feed);
    let confirmation = (source.kind == FeedKind::NugetOrg).then(|| format!("{id} {version}"));
    let status = if !blockers.is_empty() {
        PlanStatus::Blocked
    } else if !acknowledgements.is_empty() || confirmation.is_some() {
        PlanStatus::NeedsConsent
    } else {
        PlanStatus::Ready
    };
    Plan {
        package: PlannedPackage {
            path: request.package.display().to_string(),
            file_name: request
                .package
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            id,
            version,
            size: std::fs::metadata(&request.package).map_or(0, |m| m.len()),
        },
        feed: planned_feed(source),
        key: key_plan(source, credential, need),
        feed_asked: asked.asked,
        reachable: asked.reachable,
        reach_error: asked.reach_error,
        version: asked.version,
        version_detail: asked.version_detail,
        findings,
        feed_findings: from_feed,
        notes: asked.notes,
        changes_headline: asked.changes.as_ref().map(|c| c.headline()),
        changes: asked.changes,
        symbols,
        blockers,
        acknowledgements,
        confirmation,
        status,
    }
}

/// What the feed's answers add to the package's own checks: its facts (the
/// version's existence is a blocker of its own, not a finding), the release
/// diff's verdict, and a missing key where feeds usually want one. Most
/// severe first.
fn feed_findings(
    source: &Source,
    checked: &Checked,
    credential: &Credential,
    need: KeyNeed,
    asked: &Asked,
) -> Vec<Finding> {
    let target = source.kind.rules_target();
    let mut from_feed: Vec<Finding> = Vec::new();
    if let Some(facts) = &asked.facts {
        from_feed =
            nupub_rules::apply_target(nupub_rules::feed::check(&checked.package, facts), target)
                .into_iter()
                .filter(|f| f.code != "version.exists")
                .collect();
    }
    if let Some(finding) = asked.changes.as_ref().and_then(|c| c.finding.clone()) {
        from_feed.push(finding);
    }
    if need == KeyNeed::Usually && !credential.has_key() && source.credentials.is_none() {
        from_feed.push(no_key_warning(source));
    }
    from_feed.sort_by_key(|f| f.severity);
    from_feed
}

fn no_key_warning(source: &Source) -> Finding {
    Finding {
        code: "publish.no_key".into(),
        severity: Severity::Warning,
        title: "No API key for this feed".into(),
        message: format!(
            "no API key was given or stored for {}: most feeds refuse a push without one",
            source.name_or_location()
        ),
        hint: Some(format!(
            "give the feed's key on the Confirm step, or run `nupub key set --source {}`; acknowledge this only if the feed takes pushes without a key",
            credential::store_name(source)
        )),
        server_message: None,
        path: None,
        docs: None,
    }
}

/// What happens to the symbol package beside the package, if there is one.
fn symbols_plan(checked: &Checked, takes_symbols: Option<bool>) -> SymbolsPlan {
    let Some((path, errors)) = &checked.symbols else {
        return SymbolsPlan::None;
    };
    let file = path.display().to_string();
    match takes_symbols {
        Some(false) => SymbolsPlan::NotSupported { file },
        _ if !errors.is_empty() => SymbolsPlan::Invalid {
            file,
            errors: errors.clone(),
        },
        Some(true) => SymbolsPlan::WillSend { file },
        None => SymbolsPlan::Unknown { file },
    }
}

fn version_exists(source: &Source, id: &str, version: &str, asked: &Asked) -> ErrorInfo {
    let detail = match &asked.existing {
        Some(path) => format!(" ({}); Nupub never overwrites a version", path.display()),
        None => String::new(),
    };
    FeedError::VersionExists {
        feed: source.label(),
        id: id.to_string(),
        version: version.to_string(),
        detail,
        nuget_org: source.kind == FeedKind::NugetOrg,
    }
    .info()
}

/// One blocker for all the error findings, the package's and the feed's.
fn checks_failed(
    source: &Source,
    findings: &[Finding],
    from_feed: &[Finding],
) -> Option<ErrorInfo> {
    let errors = findings
        .iter()
        .chain(from_feed)
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors > 0).then(|| {
        ErrorInfo::new(
            CHECKS_FAILED,
            format!(
                "{errors} error{} for {}",
                if errors == 1 { "" } else { "s" },
                source.kind.rules_target().as_str()
            ),
            None,
        )
    })
}

/// The feed needs a key and none is at hand: sign in (Azure Artifacts) or store one.
fn key_missing(source: &Source, credential: &Credential) -> ErrorInfo {
    let feed = source.label();
    let missing = if credential::is_azure_artifacts(source) {
        PublishError::AzureSignIn {
            feed,
            reason: credential
                .note
                .clone()
                .unwrap_or_else(|| "no account is signed in".into()),
            source_name: credential::store_name(source),
        }
    } else {
        PublishError::KeyMissing {
            feed,
            store_as: credential::store_name(source),
        }
    };
    missing.info()
}

/// Every warning, the package's then the feed's, to be acknowledged.
fn acknowledgements(findings: &[Finding], from_feed: &[Finding]) -> Vec<Acknowledgement> {
    findings
        .iter()
        .map(|f| (f, false))
        .chain(from_feed.iter().map(|f| (f, true)))
        .filter(|(f, _)| f.severity == Severity::Warning)
        .map(|(f, from_feed)| Acknowledgement {
            key: ack_key(f),
            from_feed,
            finding: f.clone(),
        })
        .collect()
}

fn key_plan(source: &Source, credential: &Credential, need: KeyNeed) -> KeyPlan {
    let stored = credential.stored.as_ref();
    KeyPlan {
        need,
        origin: credential.origin,
        present: credential.has_key(),
        feed_credentials: source.credentials.is_some(),
        store_as: credential::store_name(source),
        stored_as: stored.map(|e| e.source.clone()),
        expires: stored.and_then(|e| e.expires.clone()),
        expires_in_days: stored.and_then(|e| e.expires_in_days),
        expires_soon: stored.is_some_and(|e| e.expires_soon),
        note: credential.note.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &str, severity: Severity) -> Finding {
        Finding {
            code: code.into(),
            severity,
            title: "t".into(),
            message: format!("{code} message"),
            hint: None,
            server_message: None,
            path: Some("lib/a.dll".into()),
            docs: None,
        }
    }

    fn plan(blockers: Vec<ErrorInfo>, warnings: &[&str], confirmation: Option<&str>) -> Plan {
        let findings: Vec<Finding> = warnings
            .iter()
            .map(|c| finding(c, Severity::Warning))
            .collect();
        Plan {
            package: PlannedPackage {
                path: "/p/A.1.0.0.nupkg".into(),
                file_name: "A.1.0.0.nupkg".into(),
                id: "A".into(),
                version: "1.0.0".into(),
                size: 1,
            },
            feed: PlannedFeed {
                name: "nuget.org".into(),
                label: "nuget.org".into(),
                kind: FeedKind::NugetOrg,
                location: "https://api.nuget.org/v3/index.json".into(),
                target: RuleTarget::NugetOrg,
                is_folder: false,
            },
            key: KeyPlan {
                need: KeyNeed::Required,
                origin: CredentialOrigin::Given,
                present: true,
                feed_credentials: false,
                store_as: "nuget.org".into(),
                stored_as: None,
                expires: None,
                expires_in_days: None,
                expires_soon: false,
                note: None,
            },
            feed_asked: true,
            reachable: true,
            reach_error: None,
            version: VersionState::Absent,
            version_detail: None,
            acknowledgements: findings
                .iter()
                .map(|f| Acknowledgement {
                    key: ack_key(f),
                    finding: f.clone(),
                    from_feed: false,
                })
                .collect(),
            findings,
            feed_findings: vec![],
            notes: vec![],
            changes: None,
            changes_headline: None,
            symbols: SymbolsPlan::None,
            blockers,
            confirmation: confirmation.map(str::to_string),
            status: PlanStatus::NeedsConsent,
        }
    }

    #[test]
    fn every_warning_must_be_acknowledged_before_the_phrase_counts() {
        let p = plan(vec![], &["w.one", "w.two"], Some("A 1.0.0"));
        let typed = Some("a 1.0.0".to_string());
        let one = Consent {
            acknowledged: vec![p.acknowledgements[0].key.clone()],
            typed: typed.clone(),
            everything: false,
        };
        let err = p.check(&one).unwrap_err();
        assert_eq!(err.info().code, "publish.not_acknowledged");
        assert!(err.to_string().contains("w.two message"), "{err}");
        let both = Consent {
            acknowledged: p.acknowledgements.iter().map(|a| a.key.clone()).collect(),
            typed: Some("A 1.0".into()),
            everything: false,
        };
        assert_eq!(
            p.check(&both).unwrap_err().info().code,
            "publish.not_confirmed"
        );
        let right = Consent { typed, ..both };
        p.check(&right).unwrap();
        p.check(&Consent::everything()).unwrap();
    }

    #[test]
    fn a_blocker_refuses_whatever_the_consent() {
        let exists = FeedError::VersionExists {
            feed: "f".into(),
            id: "A".into(),
            version: "1.0.0".into(),
            detail: String::new(),
            nuget_org: false,
        }
        .info();
        let p = plan(vec![exists], &[], None);
        let err = p.check(&Consent::everything()).unwrap_err();
        assert!(err.is_version_exists(), "{err}");
        let mut p = plan(
            vec![ErrorInfo::new(CHECKS_FAILED, "1 error", None)],
            &[],
            None,
        );
        p.findings.push(finding("id.format", Severity::Error));
        let err = p.check(&Consent::everything()).unwrap_err();
        assert_eq!(err.info().code, "publish.blocked_by_checks");
        assert_eq!(
            err.to_string(),
            "nuget.org would refuse A 1.0.0: id.format message (lib/a.dll)"
        );
    }

    #[test]
    fn phrase_rule() {
        assert!(phrase_matches("  Demo.Pkg   1.2.3 ", "Demo.Pkg 1.2.3"));
        assert!(phrase_matches("demo.pkg 1.2.3", "Demo.Pkg 1.2.3"));
        assert!(!phrase_matches("Demo.Pkg 1.2.3-RC", "Demo.Pkg 1.2.3-rc"));
        assert!(!phrase_matches("Demo.Pkg", "Demo.Pkg 1.2.3"));
        assert!(!phrase_matches("", "Demo.Pkg 1.2.3"));
        // The cases the window's copy of the rule (ui/src/lib/phrase.ts) is tested with too.
        let cases: Vec<(String, String, bool)> =
            serde_json::from_str(include_str!("phrase_cases.json")).unwrap();
        assert!(cases.len() >= 10);
        for (typed, phrase, expected) in cases {
            assert_eq!(
                phrase_matches(&typed, &phrase),
                expected,
                "{typed:?} / {phrase:?}"
            );
        }
    }
}
