//! `nupub validate FILE [--target T] [--source FEED [--as NUGET_USER]] [--json]`:
//! what the feed would say, before anything is sent. With `--source` it also
//! asks the feed what only the feed knows (the version exists, the previous
//! version was author-signed, the owners, a reserved prefix).

use clap::Args;
use nupub_error::Coded;
use nupub_feeds::config::{ConfigLocations, NuGetConfig};
use nupub_feeds::{FactsOptions, Source};
use nupub_rules::{FeedFacts, Finding, Options, Report, RuleTarget, Severity};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The package file (.nupkg or .snupkg).
    pub file: PathBuf,
    /// Where the package goes: nuget.org, myget, github, azure, generic or local.
    /// Default: the kind of --source, else nuget.org.
    #[arg(long, value_parser = parse_target)]
    pub target: Option<RuleTarget>,
    /// For --target github: the repository you publish to (OWNER/NAME).
    #[arg(long)]
    pub repository: Option<String>,
    /// Print `{"package": {"id", "version"} or null, "target", "findings": [...],
    /// "facts": {...} or null}` instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also ask this feed what only it knows (version exists, previous version
    /// signed, owners): a source name from nuget.config, nuget.org, a URL or a folder.
    #[arg(long, short = 's')]
    pub source: Option<String>,
    /// Your nuget.org user name, to tell whether you own the id (with --source).
    /// Default: the user name stored with the feed's key (`nupub key set --owner`).
    #[arg(long = "as", value_name = "NUGET_USER", requires = "source")]
    pub as_user: Option<String>,
    #[arg(long, short = 'k', requires = "source", help = crate::key_arg::HELP, value_parser = crate::key_arg::parse)]
    pub api_key: Option<nupub_feeds::ApiKey>,
    /// Read only this nuget.config file (with --source).
    #[arg(long, requires = "source")]
    pub configfile: Option<PathBuf>,
    /// Compare with this earlier version (a .nupkg, a version on --source, or
    /// `auto`: the highest lower version on --source, the default with --source)
    /// and warn when the version bump is smaller than the changes need.
    #[arg(long, value_name = "FILE|VERSION")]
    pub baseline: Option<String>,
    /// Seconds to wait for each answer from the feed (with --source).
    #[arg(long, default_value_t = 30, requires = "source")]
    pub timeout: u64,
}

fn parse_target(text: &str) -> Result<RuleTarget, String> {
    RuleTarget::parse(text).map_err(|e| {
        let info = e.info();
        format!("{} ({})", info.message, info.hint.unwrap_or_default())
    })
}

/// Exit codes: 0 no error finding, 1 at least one error finding (an unreadable
/// package, or a feed that could not be asked, included), 2 usage errors
/// (clap's own, a file that does not exist, a --source that names nothing).
pub fn run(args: ValidateArgs) -> ExitCode {
    if !args.file.exists() {
        eprintln!(
            "nupub: {} does not exist [validate.no_such_file]\n  fix: check the path, or pick the file again",
            args.file.display()
        );
        return ExitCode::from(2);
    }
    let source = match args.source.as_deref().map(|s| resolve(s, &args)) {
        None => None,
        Some(Ok(source)) => Some(source),
        Some(Err(info)) => {
            eprintln!("nupub: {info}");
            return ExitCode::from(2);
        }
    };
    let target = args
        .target
        .or(source.as_ref().map(|s| s.kind.rules_target()))
        .unwrap_or(RuleTarget::NugetOrg);
    let mut options = Options::for_target(target);
    options.github_repository = args.repository.clone();
    let mut unreachable = None;
    if let Some(source) = &source {
        match feed_facts_for(source, &args) {
            Ok(Some(facts)) => options.feed = Some(facts),
            Ok(None) => {} // The package cannot be read: its own findings say so.
            Err(finding) => unreachable = Some(finding),
        }
    }
    let mut report = nupub_rules::validate_file(&args.file, &options);
    if let Some(finding) = unreachable {
        report.findings.insert(0, *finding);
    }
    let baseline = args
        .baseline
        .clone()
        .or(source.as_ref().map(|_| "auto".to_string()));
    if let Some(given) = &baseline {
        let auth = nupub_feeds::Auth {
            api_key: source.as_ref().and_then(|s| key_for(s, &args)),
            bearer_token: None,
        };
        match crate::diff::baseline_finding(&args.file, given, source.as_ref(), &auth) {
            Ok(Some(finding)) => report.findings.push(finding),
            Ok(None) => {}
            Err(info) => eprintln!("note: the baseline was not compared: {info}"),
        }
    }
    if args.json {
        let json = serde_json::json!({
            "package": report.package,
            "target": report.target,
            "findings": report.findings,
            "facts": options.feed,
        });
        match serde_json::to_string_pretty(&json) {
            Ok(text) => emit(&format!("{text}\n")),
            Err(e) => {
                eprintln!("nupub: could not write the JSON: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        let mut text = human(&args.file, &report);
        if let Some(facts) = &options.feed {
            text.push_str(&facts_text(facts));
        }
        emit(&text);
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--source` as `nupub push` reads it: nuget.config names first, then URLs and folders.
fn resolve(given: &str, args: &ValidateArgs) -> Result<Source, nupub_error::ErrorInfo> {
    let cwd = std::env::current_dir().map_err(|e| {
        nupub_error::ErrorInfo::new(
            "validate.no_current_folder",
            format!("the current folder cannot be read: {e}"),
            Some("run nupub from a folder that exists".into()),
        )
    })?;
    let mut locations = ConfigLocations::system(&cwd);
    locations.only_file = args.configfile.clone();
    let config = NuGetConfig::load(&locations).map_err(|e| e.info())?;
    for warning in &config.warnings {
        eprintln!("note: {warning}");
    }
    config.resolve(Some(given), &cwd).map_err(|e| e.info())
}

/// The key to read `source` with for the baseline: the publish core's lookup;
/// reading nuget.org needs none, so the keyring is not read for it.
fn key_for(source: &Source, args: &ValidateArgs) -> Option<nupub_feeds::ApiKey> {
    let key_args = crate::push::SourceArgs {
        source: args.source.clone(),
        api_key: args.api_key.clone(),
        configfile: args.configfile.clone(),
        json: args.json,
        key_env: crate::ci::KeyEnvArgs { api_key_env: None }, // nupub-ci (issue 19)
    };
    if source.kind == nupub_feeds::FeedKind::NugetOrg {
        None
    } else {
        // With no --api-key-env here, the lookup cannot fail.
        crate::push::resolve_key(&key_args, source).ok().flatten()
    }
}

/// Asks the feed (the publish core's lookup: the same key a push would use,
/// never one for nuget.org's public reads). `Ok(None)` when the package cannot
/// be opened (nothing to ask about); `Err` is the error finding that says the
/// feed could not be asked.
fn feed_facts_for(source: &Source, args: &ValidateArgs) -> Result<Option<FeedFacts>, Box<Finding>> {
    let key = args.api_key.clone();
    let owner = who_you_are(source, args);
    let seconds = if args.timeout == 0 { 30 } else { args.timeout };
    let options = FactsOptions {
        timeout: Duration::from_secs(seconds),
        ..FactsOptions::default()
    };
    let asked = nupub_feeds::runtime()
        .map_err(|e| {
            nupub_error::ErrorInfo::new(
                "validate.no_runtime",
                format!("Nupub could not start its network client: {e}"),
                None,
            )
        })
        .and_then(|rt| {
            rt.block_on(nupub_publish::feed_facts(
                source, &args.file, key, owner, &options,
            ))
            .map_err(|e| e.info())
        });
    let error = match asked {
        Ok(facts) => return Ok(facts),
        Err(info) => info,
    };
    Err(Box::new(Finding {
        code: error.code,
        severity: Severity::Error,
        title: "The feed could not be asked".into(),
        message: format!(
            "{} (so whether this version already exists there is unknown)",
            error.message
        ),
        hint: error.hint,
        server_message: None,
        path: None,
        docs: None,
    }))
}

/// Who the owner checks are for: `--as`, else the user name stored with the
/// feed's key (read from the settings file; the keyring is not touched). Says
/// on stderr which it used, so the JSON on stdout stays clean.
fn who_you_are(source: &Source, args: &ValidateArgs) -> Option<String> {
    if let Some(given) = args
        .as_user
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        eprintln!("note: checking ownership as {given} (from --as)");
        return Some(given.to_string());
    }
    match nupub_publish::credential::stored_owner(source) {
        Ok(Some(owner)) => {
            eprintln!(
                "note: checking ownership as {owner} (the user name stored with the key for {}; --as overrides it)",
                source.name
            );
            Some(owner)
        }
        Ok(None) => None,
        Err(e) => {
            eprintln!(
                "note: the stored user name for {} could not be read, so ownership was not checked ({})",
                source.name,
                e.info().message
            );
            None
        }
    }
}

/// What the feed said, after the findings.
fn facts_text(facts: &FeedFacts) -> String {
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    let mut out = format!("\nAsked {}:\n", facts.feed);
    out.push_str(&format!(
        "  this version is already there: {}\n",
        yes_no(facts.version_exists)
    ));
    out.push_str(&format!(
        "  the id is already there: {}\n",
        yes_no(facts.id_exists)
    ));
    if let Some(previous) = &facts.previous_version {
        out.push_str(&format!(
            "  previous version: {} ({})\n",
            previous.version,
            if previous.author_signed {
                "author-signed"
            } else {
                "not author-signed"
            }
        ));
    }
    if !facts.owners.is_empty() {
        out.push_str(&format!("  owners: {}\n", facts.owners.join(", ")));
    }
    if facts.you_are_owner.is_some() {
        out.push_str(&format!(
            "  you are an owner: {}\n",
            yes_no(facts.you_are_owner)
        ));
    }
    for note in &facts.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    out
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Grouped like `twine check`: a verdict line, then each finding with its fix.
pub fn human(file: &std::path::Path, report: &Report) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let verdict = if report.has_errors() {
        "FAILED"
    } else if report.count(Severity::Warning) > 0 {
        "PASSED with warnings"
    } else {
        "PASSED"
    };
    let mut out = format!(
        "Checking {name} for {}: {verdict}\n",
        report.target.as_str()
    );
    if let Some(p) = &report.package {
        out.push_str(&format!("  {} {}\n", p.id, p.version));
    }
    for (severity, heading) in [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Notes"),
    ] {
        let group: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading} ({}):\n", group.len()));
        for f in group {
            out.push_str(&format!("  - {} [{}]\n", f.message, f.code));
            if let Some(hint) = &f.hint {
                out.push_str(&format!("    fix: {hint}\n"));
            }
            if let Some(server) = &f.server_message {
                out.push_str(&format!("    nuget.org says: {server}\n"));
            }
        }
    }
    out.push_str(&format!(
        "\n{} error(s), {} warning(s), {} note(s)\n",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_output_has_verdict_fix_and_server_text() {
        let path = nupub_testkit::fixture("ILMerge.3.0.41.nupkg");
        let report = nupub_rules::validate_file(&path, &Options::for_target(RuleTarget::NugetOrg));
        let text = human(&path, &report);
        assert!(
            text.starts_with("Checking ILMerge.3.0.41.nupkg for nuget.org: FAILED\n"),
            "{text}"
        );
        assert!(
            text.contains("[sign.countersignatures]")
                && text.contains("fix: ")
                && text.contains("nuget.org says: "),
            "{text}"
        );
        let report = nupub_rules::validate_file(&path, &Options::for_target(RuleTarget::Local));
        assert!(
            human(&path, &report).starts_with("Checking ILMerge.3.0.41.nupkg for local: PASSED\n")
        );
    }
}
