//! `nupub diff OLD NEW [--source FEED] [--json] [--breaking-only]`: what NEW
//! changes since OLD, down to the public API, and the version bump it needs.
//! OLD and NEW are package files, or `ID@VERSION` read from `--source`;
//! OLD may also be `auto` (the highest lower version on `--source`).

use crate::push::{Failure, SourceArgs};
use clap::Args;
use nupub_diff::baseline::{self, Baseline, BaselineRequest};
use nupub_diff::{ChangeKind, ReleaseDiff, Severity};
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::{Auth, FactsOptions, FeedClient, FeedKind, Source};
use nupub_package::{NuGetVersion, Package};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The chosen version bump is smaller than the changes need.
const EXIT_BUMP_TOO_SMALL: u8 = 3;
const EXIT_USAGE: u8 = 2;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline: a .nupkg, ID@VERSION on --source, or `auto` (the highest
    /// lower version of NEW's id on --source).
    pub old: String,
    /// The new package: a .nupkg, or ID@VERSION on --source.
    pub new: String,
    #[command(flatten)]
    pub feed: SourceArgs,
    /// List only the breaking changes (the verdict still weighs them all).
    #[arg(long)]
    pub breaking_only: bool,
    /// Skip the health comparison (it reads every assembly and PDB of both packages).
    #[arg(long)]
    pub no_health: bool,
    /// Folder for downloaded baselines (default: Nupub's cache folder).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

/// Exit codes: 0 compared and the version bump is enough, 3 compared and the
/// bump is smaller than the changes need, 1 the packages could not be
/// compared (explained on stderr), 2 usage errors.
pub fn run(args: DiffArgs) -> ExitCode {
    match compare(&args) {
        Ok(Outcome::NoBaseline(reason)) => {
            if args.feed.json {
                let json = serde_json::json!({ "baseline": null, "reason": reason });
                emit(&format!("{json}\n"));
            } else {
                emit(&format!("Nothing to compare with: {reason}\n"));
            }
            ExitCode::SUCCESS
        }
        Ok(Outcome::Diff(diff)) => {
            if args.feed.json {
                match serde_json::to_string_pretty(&diff) {
                    Ok(text) => emit(&format!("{text}\n")),
                    Err(e) => {
                        eprintln!("nupub: could not write the JSON: {e}");
                        return ExitCode::from(1);
                    }
                }
            } else {
                emit(&human(&diff, args.breaking_only));
            }
            if diff.verdict.too_small {
                ExitCode::from(EXIT_BUMP_TOO_SMALL)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(Failure::Usage(text)) => {
            eprintln!("nupub: {text}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Error { info, .. })
        | Err(Failure::Interrupted(info))
        | Err(Failure::Refused { info, .. })
        | Err(Failure::SetRefused { info, .. }) => {
            eprintln!("nupub: {} [{}]", info.message, info.code);
            if let Some(hint) = info.hint {
                eprintln!("  fix: {hint}");
            }
            ExitCode::from(1)
        }
    }
}

enum Outcome {
    NoBaseline(String),
    Diff(Box<ReleaseDiff>),
}

/// `ID@VERSION` → (id, version), when `text` is that and not a file.
fn id_at_version(text: &str) -> Option<(String, NuGetVersion)> {
    if Path::new(text).exists() {
        return None;
    }
    let (id, version) = text.rsplit_once('@')?;
    Some((
        id.trim().to_string(),
        NuGetVersion::parse(version.trim()).ok()?,
    ))
}

fn failed(e: &dyn Coded) -> Failure {
    Failure::Error {
        info: e.info(),
        exists: false,
    }
}

struct Feed {
    source: Source,
    auth: Auth,
    client: FeedClient,
    cache: PathBuf,
    options: FactsOptions,
}

fn feed(args: &DiffArgs) -> Result<Feed, Failure> {
    if args.feed.source.is_none() {
        return Err(Failure::Usage(
            "say which feed to read ID@VERSION or `auto` from with --source (a name from `nupub sources`, a URL or a folder)".into(),
        ));
    }
    let source = crate::push::resolve_source(&args.feed)?;
    // Reading nuget.org needs no key; never read the keyring for it.
    let api_key = if source.kind == FeedKind::NugetOrg {
        None
    } else {
        crate::push::resolve_key(&args.feed, &source)?
    };
    let cache = match &args.cache_dir {
        Some(dir) => dir.clone(),
        None => baseline::default_cache_dir().map_err(|e| failed(&e))?,
    };
    Ok(Feed {
        source,
        auth: Auth {
            api_key,
            bearer_token: None,
        },
        client: FeedClient::new()?,
        cache,
        options: FactsOptions::default(),
    })
}

fn open(text: &str, feed: &mut Option<Feed>, args: &DiffArgs) -> Result<Package, Failure> {
    if let Some((id, version)) = id_at_version(text) {
        if feed.is_none() {
            *feed = Some(self::feed(args)?);
        }
        let f = feed
            .as_ref()
            .ok_or_else(|| Failure::Usage("no feed".into()))?;
        let rt = nupub_feeds::runtime()
            .map_err(|e| Failure::Usage(format!("the network client could not start: {e}")))?;
        let (package, info) = rt
            .block_on(baseline::fetch(
                &f.client, &f.source, &f.auth, &id, &version, &f.cache, &f.options,
            ))
            .map_err(|e| failed(&e))?;
        eprintln!(
            "note: {id} {} read from {} ({})",
            info.version, info.origin, info.file
        );
        return Ok(package);
    }
    let path = PathBuf::from(text);
    if !path.exists() {
        return Err(Failure::Usage(format!(
            "{text} is neither a file nor ID@VERSION [diff.no_such_file]"
        )));
    }
    Package::open(&path).map_err(|e| failed(&e))
}

fn compare(args: &DiffArgs) -> Result<Outcome, Failure> {
    let mut feed = None;
    let new = open(&args.new, &mut feed, args)?;
    let old = if args.old.trim().eq_ignore_ascii_case("auto") {
        if feed.is_none() {
            feed = Some(self::feed(args)?);
        }
        let f = feed
            .as_ref()
            .ok_or_else(|| Failure::Usage("no feed".into()))?;
        let rt = nupub_feeds::runtime()
            .map_err(|e| Failure::Usage(format!("the network client could not start: {e}")))?;
        match rt
            .block_on(baseline::resolve(
                &f.client,
                &f.source,
                &f.auth,
                &new,
                &BaselineRequest::Auto,
                &f.cache,
                &f.options,
            ))
            .map_err(|e| failed(&e))?
        {
            Baseline::None { reason } => return Ok(Outcome::NoBaseline(reason)),
            Baseline::Found { package, info } => {
                eprintln!("note: comparing with {} from {}", info.version, info.origin);
                *package
            }
        }
    } else {
        open(&args.old, &mut feed, args)?
    };
    let options = nupub_diff::DiffOptions {
        health: !args.no_health,
    };
    nupub_diff::diff_with(
        &old,
        &new,
        &options,
        &|_| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .map(|d| Outcome::Diff(Box::new(d)))
    .map_err(|e| failed(&e))
}

fn size(n: Option<u64>) -> String {
    match n {
        None => "-".into(),
        Some(n) if n < 1024 => format!("{n} B"),
        Some(n) if n < 1024 * 1024 => format!("{:.1} KB", n as f64 / 1024.0),
        Some(n) => format!("{:.1} MB", n as f64 / (1024.0 * 1024.0)),
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Breaking => "BREAKING",
        Severity::Significant => "significant",
        Severity::Addition => "added",
        Severity::Info => "info",
    }
}

/// Grouped by kind, breaking first within each group, then the verdict.
pub fn human(diff: &ReleaseDiff, breaking_only: bool) -> String {
    let mut out = format!(
        "Changes in {} {} since {}\n",
        diff.new.id, diff.new.version, diff.old.version
    );
    for kind in ChangeKind::ALL {
        let group: Vec<_> = diff
            .changes
            .iter()
            .filter(|c| c.kind == kind && (!breaking_only || c.severity == Severity::Breaking))
            .collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{} ({}):\n", kind.as_str(), group.len()));
        let mut last_assembly = None;
        for c in group {
            if matches!(kind, ChangeKind::Api | ChangeKind::Assembly) && c.assembly != last_assembly
            {
                out.push_str(&format!(
                    "  {}:\n",
                    c.assembly.as_deref().unwrap_or_default()
                ));
                last_assembly = c.assembly.clone();
            }
            let id = c.id.as_deref().map(|i| format!(" {i}")).unwrap_or_default();
            let indent = if matches!(kind, ChangeKind::Api | ChangeKind::Assembly) {
                "    "
            } else {
                "  "
            };
            out.push_str(&format!(
                "{indent}[{}{id}] {}\n",
                severity_word(c.severity),
                c.message
            ));
            if kind == ChangeKind::File {
                out.push_str(&format!(
                    "{indent}    {} -> {}\n",
                    size(c.old_size),
                    size(c.new_size)
                ));
            } else if (c.old.is_some() || c.new.is_some()) && kind != ChangeKind::Api {
                out.push_str(&format!(
                    "{indent}    was: {}\n{indent}    now: {}\n",
                    c.old.as_deref().unwrap_or("(none)"),
                    c.new.as_deref().unwrap_or("(none)")
                ));
            }
        }
    }
    let v = &diff.verdict;
    out.push_str(&format!(
        "\nVerdict: the changes need a {} bump; {} -> {} is a {} bump{}\n",
        v.needed.as_str(),
        diff.old.version,
        diff.new.version,
        v.chosen.as_str(),
        if v.too_small {
            format!(": TOO SMALL, use {}", v.suggested_version)
        } else {
            ": OK".to_string()
        }
    ));
    for r in &v.reasons {
        out.push_str(&format!("  because: {r}\n"));
    }
    for n in &v.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    out
}

/// The verdict finding `nupub validate --baseline` adds: `Ok(None)` when there
/// is nothing to compare with or the bump is enough.
pub fn baseline_finding(
    package: &Path,
    given: &str,
    source: Option<&Source>,
    auth: &Auth,
) -> Result<Option<nupub_rules::Finding>, ErrorInfo> {
    let cwd = std::env::current_dir().map_err(|e| {
        ErrorInfo::new(
            "diff.no_current_folder",
            format!("the current folder cannot be read: {e}"),
            None,
        )
    })?;
    let request = BaselineRequest::parse(given, &cwd).map_err(|e| e.info())?;
    // An unreadable package has its own findings; there is nothing to compare.
    let Ok(new) = Package::open(package) else {
        return Ok(None);
    };
    let old = match (&request, source) {
        (BaselineRequest::File(path), _) => Package::open(path).map_err(|e| e.info())?,
        (_, None) => {
            return Err(ErrorInfo::new(
                "diff.no_source",
                "a baseline version needs a feed to read it from",
                Some("add --source, or give the baseline's .nupkg file".into()),
            ))
        }
        (_, Some(source)) => {
            let cache = baseline::default_cache_dir().map_err(|e| e.info())?;
            let rt = nupub_feeds::runtime()
                .map_err(|e| ErrorInfo::new("diff.no_runtime", e.to_string(), None))?;
            let client = FeedClient::new().map_err(|e| e.info())?;
            match rt
                .block_on(baseline::resolve(
                    &client,
                    source,
                    auth,
                    &new,
                    &request,
                    &cache,
                    &FactsOptions::default(),
                ))
                .map_err(|e| e.info())?
            {
                Baseline::None { reason } => {
                    eprintln!("note: no baseline: {reason}");
                    return Ok(None);
                }
                Baseline::Found { package, .. } => *package,
            }
        }
    };
    let diff = nupub_diff::diff(&old, &new).map_err(|e| e.info())?;
    Ok(nupub_diff::verdict_finding(&diff))
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
