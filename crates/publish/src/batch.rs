//! Publishing a set of packages at once (a family packed together, such as
//! `Foo`, `Foo.Abstractions`, `Foo.AspNetCore`): one plan for the set, one
//! decision, one report.
//!
//! - [`collect`]: the files and folders named become packages; each `.snupkg`
//!   is paired with its `.nupkg` by identity (nuspec id and version, not the
//!   file name); an unpaired one is a finding.
//! - [`prepare_set`]: a [`Plan`] per package (the single-package [`prepare`],
//!   a few at a time), the set's own problems (two versions of one id, a
//!   dependency on a sibling at a version neither in the set nor on the feed,
//!   a stable package depending on a prerelease sibling, cycles), and the
//!   order: dependencies before dependents, ties broken by id. What the feed
//!   already holds is shown as such and skipped.
//! - [`SetPlan::check`]: the one decision for the set.
//! - the `execute` submodule: the uploads, a few at a time
//!   where the order allows, with progress, cancel, and one report.
//!
//! The graph work (order, cycles) is a few lines of Kahn's algorithm over at
//! most a few hundred nodes, written here rather than pulling in a graph crate.

pub mod execute;

use crate::credential::{self, Lookup};
use crate::error::PublishError;
use crate::feeds::ConfigScope;
use crate::plan::{
    phrase_matches, planned_feed, prepare_with, Acknowledgement, Plan, PlanRequest, PlanStatus,
    PlannedFeed, Prepared, VersionState,
};
use futures_util::StreamExt;
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::{ApiKey, FactsOptions, FeedClient, FeedKind, Source, SymbolsChoice};
use nupub_package::version::{NuGetVersion, VersionRange};
use nupub_package::Package;
use nupub_rules::Severity;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;
use ts_rs::TS;

/// Files a set may hold: more is refused before anything is read (bounded time and memory).
pub const MAX_SET_FILES: usize = 2000;

/// nuget.org's documented limit: 350 pushes per hour per API key (../shared/spec/lifecycle-and-ci.md).
pub const NUGET_ORG_PUSHES_PER_HOUR: usize = 350;

/// What the user asks for: these files and folders, to this feed.
#[derive(Debug, Clone)]
pub struct SetRequest {
    /// `.nupkg` and `.snupkg` files, and folders holding them (not searched below).
    pub inputs: Vec<PathBuf>,
    /// As [`PlanRequest::feed`].
    pub feed: Option<String>,
    pub scope: ConfigScope,
    pub key: Option<ApiKey>,
    pub owner: Option<String>,
    pub facts: FactsOptions,
    pub facts_limit: Duration,
    /// Packages planned at once (each plan reads a package and asks the feed).
    pub plan_concurrency: usize,
}

impl SetRequest {
    /// The defaults of [`PlanRequest::new`], four plans at a time.
    pub fn new(inputs: Vec<PathBuf>, feed: Option<String>, scope: ConfigScope) -> SetRequest {
        let single = PlanRequest::new(PathBuf::new(), None, scope.clone());
        SetRequest {
            inputs,
            feed,
            scope,
            key: None,
            owner: None,
            facts: single.facts,
            facts_limit: single.facts_limit,
            plan_concurrency: 4,
        }
    }

    /// The window's request: nuget.config files read from the first file's folder
    /// (or the first folder), as for one package; a key typed for this run.
    pub fn beside(inputs: Vec<PathBuf>, feed: &str, key: Option<String>) -> SetRequest {
        let scope = ConfigScope::beside(inputs.first().map_or(Path::new("."), PathBuf::as_path));
        let mut request = SetRequest::new(inputs, Some(feed.to_string()), scope);
        request.key = key.filter(|k| !k.trim().is_empty()).map(ApiKey::new);
        request
    }

    fn plan_request(&self, package: &Path, symbols: Option<&Path>) -> PlanRequest {
        let mut request =
            PlanRequest::new(package.to_path_buf(), self.feed.clone(), self.scope.clone());
        request.symbols = match symbols {
            Some(p) => SymbolsChoice::File(p.to_path_buf()),
            None => SymbolsChoice::None,
        };
        request.key = self.key.clone();
        request.owner = self.owner.clone();
        request.facts = self.facts.clone();
        request.facts_limit = self.facts_limit;
        request
    }
}

/// A problem of the set itself (not of one package alone).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetProblem {
    /// `publish.set.*`.
    pub code: String,
    /// `error` refuses the set; `warning` needs acknowledging.
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
    /// The packages it is about (`Id Version`), or files when they could not be read.
    pub packages: Vec<String>,
    /// What [`SetConsent::acknowledged`] names a warning by.
    pub key: String,
}

impl SetProblem {
    fn new(
        code: &str,
        severity: Severity,
        message: String,
        hint: &str,
        packages: Vec<String>,
    ) -> SetProblem {
        let key = format!("set\u{0}{code}\u{0}{message}");
        SetProblem {
            code: code.into(),
            severity,
            message,
            hint: Some(hint.into()),
            packages,
            key,
        }
    }
}

/// What happens to a package of the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MemberAction {
    /// It is sent (in [`SetPlan::members`] order).
    Send,
    /// The feed says this version is there: nothing is sent for it.
    AlreadyThere,
    /// Its own plan is blocked: the set is refused (see [`SetPlan::blockers`]).
    Blocked,
}

/// One package of the set, as the plan describes it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetMember {
    pub plan: Plan,
    pub action: MemberAction,
    /// The `.snupkg` paired with it by identity, whatever its file name.
    pub symbols_file: Option<String>,
    /// The ids of the set this package depends on (sent before it).
    pub depends_on: Vec<String>,
}

impl SetMember {
    /// `Id Version`, as messages name a package.
    pub fn name(&self) -> String {
        format!("{} {}", self.plan.package.id, self.plan.package.version)
    }

    /// The package's bytes, and its symbol package's when the plan sends it.
    pub fn bytes_to_send(&self) -> u64 {
        let symbols_go = matches!(
            self.plan.symbols,
            crate::plan::SymbolsPlan::WillSend { .. } | crate::plan::SymbolsPlan::Unknown { .. }
        );
        let symbols = self
            .symbols_file
            .as_ref()
            .filter(|_| symbols_go)
            .and_then(|f| std::fs::metadata(f).ok())
            .map_or(0, |m| m.len());
        self.plan.package.size + symbols
    }
}

/// A warning of the set to acknowledge: one package's, or the set's own.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetAcknowledgement {
    /// What [`SetConsent::acknowledged`] names it by.
    pub key: String,
    /// `Id Version` of the package it is about; `None` for the set's own warnings.
    pub package: Option<String>,
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

/// Everything shown before a set is sent.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetPlan {
    pub feed: PlannedFeed,
    /// In the order they are sent: dependencies before dependents, ties by id.
    pub members: Vec<SetMember>,
    pub problems: Vec<SetProblem>,
    /// What refuses the set, each naming its package; empty when nothing does.
    pub blockers: Vec<ErrorInfo>,
    pub acknowledgements: Vec<SetAcknowledgement>,
    /// What the user types for feeds that never delete a version: `publish N packages`.
    pub confirmation: Option<String>,
    #[ts(type = "number")]
    pub to_send: usize,
    #[ts(type = "number")]
    pub already_there: usize,
    /// Bytes of the packages (and symbol packages) to send.
    #[ts(type = "number")]
    pub total_bytes: u64,
    /// Pushes per hour the feed allows one key (nuget.org), when it has a limit.
    #[ts(type = "number | null")]
    pub pushes_per_hour: Option<usize>,
    pub notes: Vec<String>,
    pub status: PlanStatus,
}

/// What the user agreed to for the set.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetConsent {
    /// [`SetAcknowledgement::key`]s acknowledged one by one.
    #[serde(default)]
    pub acknowledged: Vec<String>,
    /// Every warning listed is acknowledged at once (the list was shown).
    #[serde(default)]
    pub all_warnings: bool,
    /// What the user typed for [`SetPlan::confirmation`].
    #[serde(default)]
    pub typed: Option<String>,
    /// `--yes`: everything shown is accepted.
    #[serde(skip)]
    pub everything: bool,
}

impl SetConsent {
    pub fn everything() -> SetConsent {
        SetConsent {
            everything: true,
            ..SetConsent::default()
        }
    }
}

impl SetPlan {
    /// The one decision for the set: `Ok` when it may be sent with this consent.
    pub fn check(&self, consent: &SetConsent) -> Result<(), PublishError> {
        if let Some(first) = self.blockers.first() {
            return Err(PublishError::SetBlocked {
                packages: self.members.len(),
                first: first.message.clone(),
                count: self.blockers.len(),
            });
        }
        if !(consent.everything || consent.all_warnings) {
            let missing: Vec<&SetAcknowledgement> = self
                .acknowledgements
                .iter()
                .filter(|a| !consent.acknowledged.contains(&a.key))
                .collect();
            if let Some(first) = missing.first() {
                let about = first
                    .package
                    .as_deref()
                    .map_or_else(String::new, |p| format!("{p}: "));
                return Err(PublishError::SetNotAcknowledged {
                    first: format!("{about}{}", first.message),
                    count: missing.len(),
                });
            }
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
}

/// A set plan and what carrying it out needs, member by member (same order).
#[derive(Debug)]
pub struct PreparedSet {
    pub plan: SetPlan,
    pub(crate) prepared: Vec<Prepared>,
    pub(crate) source: Source,
    /// The client the plan asked with: the uploads reuse it (and what it learnt about the feed).
    pub(crate) client: FeedClient,
}

/// A package file found in the inputs, with its identity.
#[derive(Debug, Clone)]
struct Found {
    path: PathBuf,
    id: String,
    version: NuGetVersion,
    /// Every dependency of every framework group: (id, range as written).
    dependencies: Vec<(String, Option<String>)>,
}

/// The inputs sorted out: packages with their paired symbol packages, and what did not fit.
#[derive(Debug, Default)]
pub struct Collected {
    packages: Vec<(Found, Option<PathBuf>)>,
    problems: Vec<SetProblem>,
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The files the inputs name: files as given, folders' `.nupkg`/`.snupkg` (one level, sorted).
fn list_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, PublishError> {
    let mut files = Vec::new();
    let mut seen = BTreeSet::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| PublishError::SetInput {
            path: input.display().to_string(),
            detail: format!("cannot be read: {e}"),
        })?;
        let mut found = Vec::new();
        if meta.is_dir() {
            let entries = std::fs::read_dir(input).map_err(|e| PublishError::SetInput {
                path: input.display().to_string(),
                detail: format!("cannot be listed: {e}"),
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_file()
                    && (has_extension(&path, "nupkg") || has_extension(&path, "snupkg"))
                {
                    found.push(path);
                }
            }
            found.sort();
        } else if has_extension(input, "nupkg") || has_extension(input, "snupkg") {
            found.push(input.clone());
        } else {
            return Err(PublishError::SetInput {
                path: input.display().to_string(),
                detail: "is neither a .nupkg, a .snupkg nor a folder".into(),
            });
        }
        for path in found {
            let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if seen.insert(canonical) {
                files.push(path);
            }
        }
    }
    if files.len() > MAX_SET_FILES {
        return Err(PublishError::SetInput {
            path: inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            detail: format!(
                "hold {} package files; a set takes at most {MAX_SET_FILES}",
                files.len()
            ),
        });
    }
    Ok(files)
}

fn read_found(path: &Path) -> Result<(Found, bool), PublishError> {
    let package = Package::open(path)?;
    let mut dependencies = Vec::new();
    for group in package.nuspec().dependencies.effective_groups() {
        for dep in group.dependencies {
            if let Some(id) = dep.id.filter(|i| !i.trim().is_empty()) {
                dependencies.push((id.trim().to_string(), dep.version));
            }
        }
    }
    let symbols = has_extension(path, "snupkg");
    Ok((
        Found {
            path: path.to_path_buf(),
            id: package.id().to_string(),
            version: package.version().clone(),
            dependencies,
        },
        symbols,
    ))
}

fn identity(id: &str, version: &NuGetVersion) -> (String, String) {
    (id.to_lowercase(), version.normalized().to_lowercase())
}

/// Reads the files the inputs name and pairs symbol packages with packages (module docs).
pub fn collect(inputs: &[PathBuf]) -> Result<Collected, PublishError> {
    let files = list_files(inputs)?;
    let mut collected = Collected::default();
    let mut packages: Vec<Found> = Vec::new();
    let mut symbols: Vec<Found> = Vec::new();
    for path in &files {
        let name = file_name(path);
        if name.to_lowercase().ends_with(".symbols.nupkg") {
            collected.problems.push(SetProblem::new(
                "publish.set.legacy_symbols",
                Severity::Warning,
                format!("{name} is a legacy symbol package (.symbols.nupkg): it is not sent"),
                "nuget.org takes symbols as .snupkg: set <SymbolPackageFormat>snupkg</SymbolPackageFormat> in the project and pack again",
                vec![name],
            ));
            continue;
        }
        match read_found(path) {
            Ok((found, true)) => symbols.push(found),
            Ok((found, false)) => packages.push(found),
            Err(e) => {
                let info = e.info();
                collected.problems.push(SetProblem {
                    hint: info.hint.clone(),
                    ..SetProblem::new(
                        "publish.set.unreadable",
                        if has_extension(path, "snupkg") {
                            Severity::Warning
                        } else {
                            Severity::Error
                        },
                        format!(
                            "{name} cannot be read, so the set cannot be planned with it: {}",
                            info.message
                        ),
                        "",
                        vec![name],
                    )
                });
            }
        }
    }
    // The same identity in two files: which one would be sent is a guess.
    let mut by_identity: BTreeMap<(String, String), Vec<&Found>> = BTreeMap::new();
    for p in &packages {
        by_identity
            .entry(identity(&p.id, &p.version))
            .or_default()
            .push(p);
    }
    for same in by_identity.values().filter(|v| v.len() > 1) {
        let names: Vec<String> = same.iter().map(|f| file_name(&f.path)).collect();
        collected.problems.push(SetProblem::new(
            "publish.set.duplicate",
            Severity::Error,
            format!(
                "{} {} is in the set twice ({})",
                same[0].id,
                same[0].version.normalized(),
                names.join(", ")
            ),
            "keep one file for each package version, then publish the set again",
            names,
        ));
    }
    let mut paired: HashMap<(String, String), PathBuf> = HashMap::new();
    for s in symbols {
        let key = identity(&s.id, &s.version);
        if by_identity.contains_key(&key) && !paired.contains_key(&key) {
            paired.insert(key, s.path);
        } else {
            let name = file_name(&s.path);
            collected.problems.push(SetProblem::new(
                "publish.set.unpaired_symbols",
                Severity::Warning,
                format!(
                    "{name} holds the symbols of {} {}, which is not in the set (or has another symbol package already): it is not sent",
                    s.id,
                    s.version.normalized()
                ),
                "add the .nupkg it belongs to, or leave the .snupkg out",
                vec![name],
            ));
        }
    }
    for p in packages {
        let symbols = paired.get(&identity(&p.id, &p.version)).cloned();
        collected.packages.push((p, symbols));
    }
    Ok(collected)
}

/// The dependency edges inside the set and the problems they show.
struct Graph {
    /// For each package (by index), the indexes it depends on.
    edges: Vec<BTreeSet<usize>>,
    problems: Vec<SetProblem>,
    /// (package index, dependency id, range) that no sibling satisfies: asked of the feed.
    unresolved: Vec<(usize, String, Option<VersionRange>)>,
}

fn name_of(f: &Found) -> String {
    format!("{} {}", f.id, f.version.normalized())
}

fn graph(packages: &[&Found]) -> Graph {
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        by_id.entry(p.id.to_lowercase()).or_default().push(i);
    }
    let mut out = Graph {
        edges: vec![BTreeSet::new(); packages.len()],
        problems: Vec::new(),
        unresolved: Vec::new(),
    };
    let mut ids: Vec<&String> = by_id.keys().collect();
    ids.sort();
    for id in ids {
        let same = &by_id[id];
        if same.len() > 1 {
            let mut versions: Vec<&NuGetVersion> =
                same.iter().map(|&i| &packages[i].version).collect();
            versions.sort();
            versions.dedup_by(|a, b| a.normalized() == b.normalized());
            if versions.len() > 1 {
                let listed: Vec<String> = versions.iter().map(|v| v.normalized()).collect();
                out.problems.push(SetProblem::new(
                    "publish.set.two_versions",
                    Severity::Error,
                    format!("{} is in the set in {} versions ({})", packages[same[0]].id, listed.len(), listed.join(", ")),
                    "a release holds one version of each package: remove the old .nupkg files from the folder (or clean it and pack again)",
                    same.iter().map(|&i| name_of(packages[i])).collect(),
                ));
            }
        }
    }
    for (i, p) in packages.iter().enumerate() {
        for (dep_id, written) in &p.dependencies {
            let Some(siblings) = by_id.get(&dep_id.to_lowercase()) else {
                continue;
            };
            let range = written.as_deref().and_then(|w| VersionRange::parse(w).ok());
            let fits: Vec<usize> = siblings
                .iter()
                .copied()
                .filter(|&s| {
                    s != i
                        && range
                            .as_ref()
                            .is_none_or(|r| r.satisfies(&packages[s].version))
                })
                .collect();
            if fits.is_empty() {
                out.unresolved.push((i, dep_id.clone(), range));
                continue;
            }
            for &s in &fits {
                if !p.version.is_prerelease() && packages[s].version.is_prerelease() {
                    out.problems.push(SetProblem::new(
                        "publish.set.stable_on_prerelease",
                        Severity::Warning,
                        format!(
                            "{} is a stable release but depends on the prerelease {}",
                            name_of(p),
                            name_of(packages[s])
                        ),
                        "NuGet warns about this (NU5104) and restores pick the prerelease: release the dependency as stable too, or make this package a prerelease",
                        vec![name_of(p), name_of(packages[s])],
                    ));
                }
                out.edges[i].insert(s);
            }
        }
    }
    out
}

/// Dependencies before dependents, ties broken by id (then version); the packages
/// of a cycle come last, named by the returned list.
fn order(packages: &[&Found], edges: &[BTreeSet<usize>]) -> (Vec<usize>, Vec<usize>) {
    let key = |i: usize| {
        (
            packages[i].id.to_lowercase(),
            packages[i].version.clone(),
            i,
        )
    };
    let mut waiting: Vec<usize> = edges.iter().map(BTreeSet::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); packages.len()];
    for (i, deps) in edges.iter().enumerate() {
        for &d in deps {
            dependents[d].push(i);
        }
    }
    let mut ready: BTreeSet<(String, NuGetVersion, usize)> = (0..packages.len())
        .filter(|&i| waiting[i] == 0)
        .map(key)
        .collect();
    let mut out = Vec::with_capacity(packages.len());
    while let Some(next) = ready.pop_first() {
        let i = next.2;
        out.push(i);
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.insert(key(d));
            }
        }
    }
    let mut cycle: Vec<usize> = (0..packages.len()).filter(|i| !out.contains(i)).collect();
    cycle.sort_by_key(|&i| key(i));
    (out, cycle)
}

/// Asks the feed whether a version fitting `range` of `id` is there.
async fn feed_has(
    source: &Source,
    request: &SetRequest,
    client: &FeedClient,
    id: &str,
    range: Option<&VersionRange>,
) -> Option<bool> {
    let credential = credential::resolve(source, Lookup::system(request.key.clone())).await;
    let auth = credential::read_auth(source, &credential);
    let listed = tokio::time::timeout(
        request.facts_limit,
        client.list_versions(source, &auth, id, &request.facts),
    )
    .await
    .ok()?
    .ok()??;
    Some(
        listed
            .iter()
            .any(|l| range.is_none_or(|r| r.satisfies(&l.version))),
    )
}

/// Makes the set's plan (module docs). Reads only: the feed is asked questions, nothing is sent.
#[tracing::instrument(skip_all, err(Debug), fields(inputs = request.inputs.len()))]
pub async fn prepare_set(request: &SetRequest) -> Result<PreparedSet, PublishError> {
    let inputs = request.inputs.clone();
    let collected =
        crate::plan::blocking("reading the packages of the set", move || collect(&inputs)).await?;
    if collected.packages.is_empty() && collected.problems.is_empty() {
        return Err(PublishError::EmptySet {
            inputs: request
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let (source, config_warnings) = request.scope.resolve(request.feed.as_deref())?;
    // One HTTP client for every question of the set (building one loads the TLS roots).
    let client = FeedClient::new()?;
    // Each id's version listing is read once for the whole plan (exists, facts, changes).
    client.remember_listings();
    let mut problems = collected.problems;
    let found: Vec<&Found> = collected.packages.iter().map(|(f, _)| f).collect();
    let graph = graph(&found);
    problems.extend(graph.problems);
    for (i, id, range) in &graph.unresolved {
        let wanted = range
            .as_ref()
            .map_or_else(|| "any version".to_string(), |r| r.original().to_string());
        match feed_has(&source, request, &client, id, range.as_ref()).await {
            Some(true) => {}
            Some(false) => problems.push(SetProblem::new(
                "publish.set.missing_sibling",
                Severity::Error,
                format!(
                    "{} depends on {id} {wanted}, which is neither in the set nor on {}",
                    name_of(found[*i]),
                    credential::store_name(&source)
                ),
                "add that version of the package to the set (pack it too), or change the dependency to a version the set holds",
                vec![name_of(found[*i])],
            )),
            None => problems.push(SetProblem::new(
                "publish.set.sibling_unknown",
                Severity::Warning,
                format!(
                    "{} depends on {id} {wanted}, which is not in the set, and {} could not say whether it has it",
                    name_of(found[*i]),
                    credential::store_name(&source)
                ),
                "acknowledge this only if that version is on the feed already",
                vec![name_of(found[*i])],
            )),
        }
    }
    let (mut sequence, cycle) = order(&found, &graph.edges);
    if !cycle.is_empty() {
        let names: Vec<String> = cycle.iter().map(|&i| name_of(found[i])).collect();
        problems.push(SetProblem::new(
            "publish.set.cycle",
            Severity::Error,
            format!("these packages depend on each other in a cycle, which NuGet cannot restore: {}", names.join(", ")),
            "remove the dependency that closes the cycle in one of the projects, pack again and publish the set again",
            names,
        ));
        sequence.extend(cycle);
    }

    let concurrency = request.plan_concurrency.max(1);
    let requests: Vec<PlanRequest> = sequence
        .iter()
        .map(|&i| {
            let (f, symbols) = &collected.packages[i];
            request.plan_request(&f.path, symbols.as_deref())
        })
        .collect();
    let asking = &client;
    let plans: Vec<_> = requests.iter().map(|r| prepare_with(r, asking)).collect();
    let results: Vec<Result<Prepared, PublishError>> = futures_util::stream::iter(plans)
        .buffered(concurrency)
        .collect()
        .await;
    let mut prepared = Vec::with_capacity(results.len());
    for (n, result) in results.into_iter().enumerate() {
        match result {
            Ok(p) => prepared.push((sequence[n], p)),
            Err(e) => {
                let name = file_name(&collected.packages[sequence[n]].0.path);
                let info = e.info();
                problems.push(SetProblem {
                    hint: info.hint,
                    ..SetProblem::new(
                        "publish.set.unreadable",
                        Severity::Error,
                        format!("{name}: {}", info.message),
                        "",
                        vec![name],
                    )
                });
            }
        }
    }
    let position: HashMap<usize, usize> = prepared
        .iter()
        .enumerate()
        .map(|(n, (i, _))| (*i, n))
        .collect();
    let mut members = Vec::with_capacity(prepared.len());
    for (i, p) in &prepared {
        let plan = p.plan.clone();
        let action = if plan.version == VersionState::Present {
            MemberAction::AlreadyThere
        } else if plan.blockers.is_empty() {
            MemberAction::Send
        } else {
            MemberAction::Blocked
        };
        let mut depends_on: Vec<String> = graph.edges[*i]
            .iter()
            .filter(|d| position.contains_key(d))
            .map(|&d| found[d].id.clone())
            .collect();
        depends_on.sort_by_key(|id| id.to_lowercase());
        depends_on.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        members.push(SetMember {
            plan,
            action,
            symbols_file: collected.packages[*i]
                .1
                .as_ref()
                .map(|p| p.display().to_string()),
            depends_on,
        });
    }
    let plan = decide(&source, members, problems, config_warnings);
    // The uploads ask afresh (a lost answer, whether a version became visible).
    client.forget_listings();
    Ok(PreparedSet {
        plan,
        prepared: prepared.into_iter().map(|(_, p)| p).collect(),
        source,
        client,
    })
}

fn decide(
    source: &Source,
    members: Vec<SetMember>,
    problems: Vec<SetProblem>,
    notes: Vec<String>,
) -> SetPlan {
    let mut blockers: Vec<ErrorInfo> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| ErrorInfo::new(&p.code, p.message.clone(), p.hint.clone()))
        .collect();
    let mut acknowledgements: Vec<SetAcknowledgement> = problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(|p| SetAcknowledgement {
            key: p.key.clone(),
            package: None,
            code: p.code.clone(),
            message: p.message.clone(),
            hint: p.hint.clone(),
        })
        .collect();
    for m in &members {
        let name = m.name();
        match m.action {
            MemberAction::AlreadyThere => continue,
            MemberAction::Blocked => {
                for b in &m.plan.blockers {
                    let message = match m.plan.check(&crate::plan::Consent::everything()) {
                        Err(e) if b.code == "publish.blocked_by_checks" => e.to_string(),
                        _ => b.message.clone(),
                    };
                    let message = if message.contains(&m.plan.package.id) {
                        message
                    } else {
                        format!("{name}: {message}")
                    };
                    blockers.push(ErrorInfo::new(&b.code, message, b.hint.clone()));
                }
            }
            MemberAction::Send => {}
        }
        acknowledgements.extend(m.plan.acknowledgements.iter().map(|a: &Acknowledgement| {
            SetAcknowledgement {
                key: member_ack_key(&name, &a.key),
                package: Some(name.clone()),
                code: a.finding.code.clone(),
                message: a.finding.message.clone(),
                hint: a.finding.hint.clone(),
            }
        }));
    }
    let sending: Vec<&SetMember> = members
        .iter()
        .filter(|m| m.action != MemberAction::AlreadyThere)
        .collect();
    let to_send = sending.len();
    let total_bytes = sending.iter().map(|m| m.bytes_to_send()).sum();
    let confirmation =
        (to_send > 0 && sending.iter().any(|m| m.plan.confirmation.is_some())).then(|| {
            if to_send == 1 {
                sending[0].plan.confirmation.clone().unwrap_or_default()
            } else {
                format!("publish {to_send} packages")
            }
        });
    let pushes_per_hour = (source.kind == FeedKind::NugetOrg).then_some(NUGET_ORG_PUSHES_PER_HOUR);
    let mut notes = notes;
    if let Some(limit) = pushes_per_hour.filter(|&l| to_send > l) {
        notes.push(format!(
            "nuget.org takes {limit} pushes per hour for one API key: Nupub sends {limit}, then waits, so these {to_send} packages take at least {} hour(s)",
            to_send.div_ceil(limit) - 1
        ));
    }
    if to_send == 0 && !members.is_empty() {
        notes.push(format!(
            "{} holds every package of the set already: nothing needs sending",
            credential::store_name(source)
        ));
    }
    let status = if !blockers.is_empty() {
        PlanStatus::Blocked
    } else if !acknowledgements.is_empty() || confirmation.is_some() {
        PlanStatus::NeedsConsent
    } else {
        PlanStatus::Ready
    };
    SetPlan {
        feed: planned_feed(source),
        already_there: members.len() - to_send,
        members,
        problems,
        blockers,
        acknowledgements,
        confirmation,
        to_send,
        total_bytes,
        pushes_per_hour,
        notes,
        status,
    }
}

/// A package's warning as the set names it: the package, then the single plan's key.
pub fn member_ack_key(name: &str, key: &str) -> String {
    format!("{name}\u{0}{key}")
}

#[cfg(test)]
mod tests;
