//! `nupub push`, `nupub unlist`, `nupub relist`: publishing through nupub-feeds.
//!
//! Exit codes: 0 published (or unlisted/relisted), 3 the version already
//! exists on the feed, 1 any other failure (explained on stderr), 2 usage
//! (including a push without `--yes` when nobody can be asked).

use clap::Args;
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::config::{ConfigLocations, NuGetConfig};
use nupub_feeds::{
    plan_for, ApiKey, Auth, CancellationToken, FeedClient, FeedError, FeedKind, ProgressSink,
    Protocol, PushEvent, PushOptions, PushPlan, Source, SymbolsChoice, SymbolsOutcome,
};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const EXIT_EXISTS: u8 = 3;
const EXIT_USAGE: u8 = 2;

#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Where to publish: a source name from nuget.config (see `nupub sources`),
    /// nuget.org, myget:FEED, github:OWNER, azure:ORG[/PROJECT]/FEED, a URL
    /// (V3 when it ends in .json, otherwise a V2 push URL) or a folder.
    /// Default: defaultPushSource from nuget.config.
    #[arg(long, short = 's')]
    pub source: Option<String>,
    /// The feed's API key. Default: the NUGET_API_KEY environment variable,
    /// then the key stored with `nupub key set` for this source.
    #[arg(long, short = 'k')]
    pub api_key: Option<String>,
    /// Read only this nuget.config file.
    #[arg(long)]
    pub configfile: Option<PathBuf>,
    /// Print the outcome as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The .nupkg to publish.
    pub file: PathBuf,
    #[command(flatten)]
    pub target: SourceArgs,
    /// The symbol package: auto (the .snupkg next to the .nupkg), none, or a .snupkg path.
    #[arg(long, default_value = "auto")]
    pub symbols: String,
    /// Seconds to wait for each upload attempt (0 means 300, the official client's default).
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
    /// Publish without asking (required when there is no terminal to ask on).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ListingArgs {
    /// The package id.
    pub id: String,
    /// The version.
    pub version: String,
    #[command(flatten)]
    pub target: SourceArgs,
    /// On a folder feed, confirm that the version is deleted for good.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// How a command ended, for the exit code and the JSON output.
enum Failure {
    Usage(String),
    Error { info: ErrorInfo, exists: bool },
}

impl From<FeedError> for Failure {
    fn from(e: FeedError) -> Self {
        Failure::Error {
            exists: e.is_version_exists(),
            info: e.info(),
        }
    }
}

impl From<ErrorInfo> for Failure {
    fn from(info: ErrorInfo) -> Self {
        Failure::Error {
            info,
            exists: false,
        }
    }
}

fn finish(result: Result<serde_json::Value, Failure>, json: bool) -> ExitCode {
    match result {
        Ok(value) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&value).unwrap_or_default()
                );
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(text)) => {
            eprintln!("error: {text}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Error { info, exists }) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "error": info }))
                        .unwrap_or_default()
                );
            }
            eprintln!("{info}");
            ExitCode::from(if exists { EXIT_EXISTS } else { 1 })
        }
    }
}

fn load_config(args: &SourceArgs) -> Result<(NuGetConfig, PathBuf), Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Usage(format!("the current folder cannot be read: {e}")))?;
    let mut locations = ConfigLocations::system(&cwd);
    locations.only_file = args.configfile.clone();
    let config = NuGetConfig::load(&locations)?;
    for warning in &config.warnings {
        eprintln!("note: {warning}");
    }
    Ok((config, cwd))
}

fn resolve_source(args: &SourceArgs) -> Result<Source, Failure> {
    let (config, cwd) = load_config(args)?;
    match (&args.source, &config.default_push_source) {
        (None, None) => Err(Failure::Usage(
            "say where to publish with --source (a name from `nupub sources`, a URL or a folder); nuget.config sets no defaultPushSource".into(),
        )),
        _ => Ok(config.resolve(args.source.as_deref(), &cwd)?),
    }
}

/// `--api-key`, else `NUGET_API_KEY`, else the key stored for this source in the OS keyring.
fn resolve_key(args: &SourceArgs, source: &Source) -> Option<ApiKey> {
    if source.protocol == Protocol::Folder {
        return None;
    }
    if let Some(key) = args.api_key.as_deref().filter(|k| !k.trim().is_empty()) {
        return Some(ApiKey::new(key.trim()));
    }
    if let Ok(key) = std::env::var("NUGET_API_KEY") {
        if !key.trim().is_empty() {
            return Some(ApiKey::new(key.trim()));
        }
    }
    match nupub_accounts::Vault::system().and_then(|v| v.feed_key(&source.name)) {
        Ok(Some(secret)) => Some(ApiKey::new(secret.expose())),
        Ok(None) => None,
        Err(e) => {
            eprintln!(
                "note: the OS keyring could not be read, so no stored API key was used ({})",
                e.info().message
            );
            None
        }
    }
}

/// Human-readable lines go to stdout, or to stderr when stdout carries JSON.
fn say(json: bool, text: &str) {
    if json {
        eprintln!("{text}");
    } else {
        println!("{text}");
    }
}

fn confirm(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Progress on a terminal: one line rewritten in place; otherwise only the
/// events that matter (retries, checks) as plain lines.
fn progress_printer(json: bool) -> ProgressSink {
    let terminal = std::io::stderr().is_terminal();
    Arc::new(move |event| {
        let line = match &event {
            PushEvent::Uploading {
                file,
                sent_bytes,
                total_bytes,
                bytes_per_second,
                eta_seconds,
            } if terminal && !json => {
                let percent = if *total_bytes > 0 {
                    *sent_bytes as f64 * 100.0 / *total_bytes as f64
                } else {
                    100.0
                };
                let eta = eta_seconds
                    .map(|s| format!(", {s:.0} s left"))
                    .unwrap_or_default();
                eprint!(
                    "\r{file}: {percent:5.1}% of {:.1} MB, {:.1} MB/s{eta}    ",
                    *total_bytes as f64 / 1e6,
                    bytes_per_second / 1e6
                );
                return;
            }
            PushEvent::Sent { .. } if terminal && !json => {
                "\nSent; waiting for the feed's answer...".to_string()
            }
            PushEvent::Started {
                file,
                feed,
                attempt,
                ..
            } if *attempt == 1 => {
                format!("Pushing {file} to {feed}...")
            }
            PushEvent::Started { attempt, .. } => format!("Attempt {attempt}..."),
            PushEvent::Checking { reason } => format!("{reason}."),
            PushEvent::Retrying {
                attempt,
                wait_seconds,
                reason,
            } => format!("{reason}; attempt {attempt} in {wait_seconds:.1} s."),
            PushEvent::WaitingForVisibility {
                elapsed_seconds,
                limit_seconds,
            } if terminal && !json => {
                eprint!("\rWaiting for the feed to show the version: {elapsed_seconds:.0} of {limit_seconds:.0} s   ");
                return;
            }
            _ => return,
        };
        eprintln!("{line}");
    })
}

pub fn run_push(args: PushArgs) -> ExitCode {
    let json = args.target.json;
    finish(push_inner(args), json)
}

fn push_inner(args: PushArgs) -> Result<serde_json::Value, Failure> {
    let source = resolve_source(&args.target)?;
    let symbols = match args.symbols.as_str() {
        "auto" => SymbolsChoice::Auto,
        "none" => SymbolsChoice::None,
        path => SymbolsChoice::File(PathBuf::from(path)),
    };
    let plan: PushPlan = plan_for(&args.file, symbols)?;
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::Usage(format!(
                "publishing {} {} to {} needs confirmation: run it in a terminal, or add --yes",
                plan.package.id,
                plan.package.version,
                source.label()
            )));
        }
        eprintln!("Package:  {} {}", plan.package.id, plan.package.version);
        eprintln!("File:     {}", plan.package.path.display());
        if let Some(symbols) = &plan.symbols {
            eprintln!("Symbols:  {}", symbols.path.display());
        }
        eprintln!("Feed:     {}", source.label());
        if source.kind == FeedKind::NugetOrg {
            eprintln!(
                "A version published to nuget.org can never be deleted or replaced; it can only be unlisted."
            );
        }
        if !confirm("Publish it?") {
            return Err(Failure::Error {
                info: ErrorInfo::new(
                    "cli.push.not_confirmed",
                    format!(
                        "{} {} was not published: you did not confirm it",
                        plan.package.id, plan.package.version
                    ),
                    Some("answer y to publish, or add --yes".into()),
                ),
                exists: false,
            });
        }
    }
    let auth = Auth {
        api_key: resolve_key(&args.target, &source),
        bearer_token: None,
    };
    if auth.api_key.is_none()
        && source.protocol != Protocol::Folder
        && source.credentials.is_none()
        && source.kind != FeedKind::AzureArtifacts
    {
        eprintln!(
            "note: no API key was given for {} (--api-key, NUGET_API_KEY or `nupub key set --source {}`); pushing without one",
            source.label(),
            source.name
        );
    }
    let options = PushOptions {
        timeout: Duration::from_secs(if args.timeout == 0 { 300 } else { args.timeout }),
        ..PushOptions::default()
    };
    let runtime = nupub_feeds::runtime()
        .map_err(|e| Failure::Usage(format!("could not start the network runtime: {e}")))?;
    let client = FeedClient::new()?;
    let progress = progress_printer(args.target.json);
    let report = runtime.block_on(client.push(
        &source,
        &plan,
        &auth,
        &options,
        &progress,
        &CancellationToken::new(),
    ))?;
    if std::io::stderr().is_terminal() && !args.target.json {
        eprintln!();
    }
    for warning in &report.warnings {
        eprintln!("warning from the feed: {warning}");
    }
    let json = args.target.json;
    say(json, &report.summary());
    if let Some(location) = &report.location {
        say(json, &format!("Stored in {location}"));
    }
    let value = serde_json::to_value(&report).unwrap_or_default();
    match &report.symbols {
        SymbolsOutcome::Pushed { file } => say(json, &format!("Symbols pushed: {file}")),
        SymbolsOutcome::NotSupported { file } => {
            eprintln!(
                "note: {} does not take symbol packages, so {file} was not pushed",
                report.feed
            )
        }
        SymbolsOutcome::Failed { file, error } => {
            return Err(Failure::Error {
                info: ErrorInfo::new(
                    error.code.clone(),
                    format!(
                        "{} {} was published, but its symbol package {file} was not: {}",
                        report.id, report.version, error.message
                    ),
                    error.hint.clone(),
                ),
                exists: false,
            });
        }
        SymbolsOutcome::None => {}
    }
    Ok(value)
}

pub fn run_listing(args: ListingArgs, relist: bool) -> ExitCode {
    let json = args.target.json;
    finish(listing_inner(args, relist), json)
}

fn listing_inner(args: ListingArgs, relist: bool) -> Result<serde_json::Value, Failure> {
    let source = resolve_source(&args.target)?;
    let what = if relist { "relisted" } else { "unlisted" };
    if let nupub_feeds::source::Location::Folder(root) = &source.location {
        if relist {
            return Err(FeedError::LocalUnsupported {
                id: args.id.clone(),
                version: args.version.clone(),
                path: root.display().to_string(),
                what: "relisted".into(),
            }
            .into());
        }
        // A folder has no listing state: unlisting means deleting, which needs a clear yes.
        let confirmed = args.yes
            || (std::io::stdin().is_terminal()
                && confirm(&format!(
                    "A folder feed cannot unlist: remove {} {} from {} for good?",
                    args.id,
                    args.version,
                    root.display()
                )));
        let removed =
            nupub_feeds::local::remove_from_folder(root, &args.id, &args.version, confirmed)?;
        say(
            args.target.json,
            &format!(
                "Removed {} {} ({}).",
                args.id,
                args.version,
                removed.display()
            ),
        );
        return Ok(
            serde_json::json!({ "id": args.id, "version": args.version, "removed": removed.display().to_string() }),
        );
    }
    let auth = Auth {
        api_key: resolve_key(&args.target, &source),
        bearer_token: None,
    };
    let runtime = nupub_feeds::runtime()
        .map_err(|e| Failure::Usage(format!("could not start the network runtime: {e}")))?;
    let client = FeedClient::new()?;
    let result = runtime.block_on(async {
        if relist {
            client.relist(&source, &args.id, &args.version, &auth).await
        } else {
            client.unlist(&source, &args.id, &args.version, &auth).await
        }
    });
    result?;
    say(
        args.target.json,
        &format!(
            "{} {} was {what} on {}.",
            args.id,
            args.version,
            source.label()
        ),
    );
    Ok(
        serde_json::json!({ "id": args.id, "version": args.version, "feed": source.label(), "done": what }),
    )
}
