//! `nupub push`, `nupub unlist`, `nupub relist`: publishing through nupub-feeds.
//!
//! Exit codes: 0 published (or unlisted/relisted), 3 the version already
//! exists on the feed, 1 any other failure (explained on stderr), 2 usage
//! (including a push without `--yes` when nobody can be asked), 130 the push
//! was stopped with Ctrl-C (the shell's convention for SIGINT).
//!
//! Ctrl-C while the package is still being sent stops the upload: the feed
//! gets an incomplete body and stores nothing. Once the whole body is sent the
//! feed may already hold the version, so Nupub says so and keeps waiting for
//! the answer (asking the feed when the answer is lost); a second Ctrl-C stops
//! waiting without knowing the outcome.

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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const EXIT_EXISTS: u8 = 3;
const EXIT_USAGE: u8 = 2;
/// 128 + SIGINT, what shells report for a command stopped with Ctrl-C.
const EXIT_INTERRUPTED: u8 = 130;

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
    #[command(flatten)] // nupub-ci (issue 19): --api-key-env NAME
    pub key_env: crate::ci::KeyEnvArgs,
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
    #[command(flatten)] // nupub-ci (issue 19): --trusted-publishing --user NAME
    pub ci: crate::ci::CiPushArgs,
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
    Error {
        info: ErrorInfo,
        exists: bool,
    },
    /// Stopped with Ctrl-C.
    Interrupted(ErrorInfo),
}

impl From<FeedError> for Failure {
    fn from(e: FeedError) -> Self {
        if matches!(e, FeedError::Cancelled { .. }) {
            return Failure::Interrupted(e.info());
        }
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
        Err(Failure::Interrupted(info)) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "error": info }))
                        .unwrap_or_default()
                );
            }
            eprintln!("{info}");
            ExitCode::from(EXIT_INTERRUPTED)
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
pub(crate) fn resolve_key(args: &SourceArgs, source: &Source) -> Option<ApiKey> {
    resolve_key_from(args, source).map(|(key, _)| key)
}

/// Where the API key of a push came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyOrigin {
    /// `--api-key` or `NUGET_API_KEY`.
    Given,
    /// The key stored with `nupub key set` for this source.
    Stored,
}

/// [`resolve_key`], telling where the key came from.
fn resolve_key_from(args: &SourceArgs, source: &Source) -> Option<(ApiKey, KeyOrigin)> {
    if source.protocol == Protocol::Folder {
        return None;
    }
    if let Some(key) = args.api_key.as_deref().filter(|k| !k.trim().is_empty()) {
        return Some((ApiKey::new(key.trim()), KeyOrigin::Given));
    }
    if let Ok(key) = std::env::var("NUGET_API_KEY") {
        if !key.trim().is_empty() {
            return Some((ApiKey::new(key.trim()), KeyOrigin::Given));
        }
    }
    match nupub_accounts::Vault::system().and_then(|v| v.feed_key(&source.name)) {
        Ok(Some(secret)) => Some((ApiKey::new(secret.expose()), KeyOrigin::Stored)),
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
                // A zero rate means the feeds crate has not measured one yet
                // (the first burst only fills the kernel's buffers).
                let speed = if *bytes_per_second > 0.0 {
                    let eta = eta_seconds
                        .map(|s| format!(", {s:.0} s left"))
                        .unwrap_or_default();
                    format!("{:.1} MB/s{eta}", bytes_per_second / 1e6)
                } else {
                    "measuring the speed...".to_string()
                };
                eprint!(
                    "\r{file}: {percent:5.1}% of {:.1} MB, {speed}    ",
                    *total_bytes as f64 / 1e6,
                );
                return;
            }
            PushEvent::Sent { .. } if terminal && !json => {
                "\nSent; waiting for the feed's answer...".to_string()
            }
            PushEvent::Sent { file } => format!("Sent {file}; waiting for the feed's answer..."),
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
            PushEvent::Verifying { file } => format!("Checking {file} again before sending..."),
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
        if crate::ci::never_prompt() {
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
    let runtime = nupub_feeds::runtime()
        .map_err(|e| Failure::Usage(format!("could not start the network runtime: {e}")))?;
    // nupub-ci (issue 19): a key from --api-key-env or Trusted Publishing is the explicit key.
    let key_given = args.target.api_key.is_some() || std::env::var_os("NUGET_API_KEY").is_some();
    let ci_key = crate::ci::key_for_push(
        &args.ci,
        &args.target.key_env,
        key_given,
        &source,
        &runtime,
        args.target.json,
    )?;
    let resolved = ci_key
        .map(|key| (key, KeyOrigin::Given))
        .or_else(|| resolve_key_from(&args.target, &source));
    let key_origin = resolved.as_ref().map(|(_, origin)| *origin);
    let mut auth = Auth {
        api_key: resolved.map(|(key, _)| key),
        bearer_token: None,
    };
    let azure = is_azure_artifacts(&source);
    if azure && auth.api_key.is_none() && source.credentials.is_none() {
        // Azure Artifacts authenticates with a token; the API key is required
        // but ignored (its docs use "AZ"): the signed-in account's token.
        let token = runtime
            .block_on(azure_token())
            .map_err(|e| Failure::Error {
                info: azure_sign_in_needed(&source, e),
                exists: false,
            })?;
        auth = Auth {
            api_key: Some(ApiKey::new(AZURE_PLACEHOLDER_KEY)),
            bearer_token: Some(ApiKey::new(token.expose())),
        };
        eprintln!(
            "Using your signed-in account's Azure DevOps token for {}.",
            source.label()
        );
    }
    if auth.api_key.is_none()
        && source.protocol != Protocol::Folder
        && source.credentials.is_none()
        && !azure
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
    let client = FeedClient::new()?;
    let cancel = CancellationToken::new();
    let body_sent = Arc::new(AtomicBool::new(false));
    let printer = progress_printer(args.target.json);
    let progress: ProgressSink = {
        let body_sent = body_sent.clone();
        Arc::new(move |event| {
            match &event {
                PushEvent::Started { .. } => body_sent.store(false, Ordering::SeqCst),
                PushEvent::Sent { .. } => body_sent.store(true, Ordering::SeqCst),
                _ => {}
            }
            printer(event)
        })
    };
    let what = format!("{} {}", plan.package.id, plan.package.version);
    let report = runtime.block_on(async {
        let watcher = tokio::spawn(stop_on_ctrl_c(cancel.clone(), body_sent, what));
        let result = client
            .push(&source, &plan, &auth, &options, &progress, &cancel)
            .await;
        watcher.abort();
        result
    })?;
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
    let mut value = serde_json::to_value(&report).unwrap_or_default();
    if let Some(reminder) = key_reminder(&source, key_origin, &report.warnings) {
        eprintln!("{}", reminder.text);
        eprintln!(
            "  fix: create a new key on the feed's website, then store it with `nupub key set --source {}`",
            source.name
        );
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "keyReminder".into(),
                serde_json::to_value(&reminder).unwrap_or_default(),
            );
        }
    }
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

/// The API key Azure Artifacts' docs give: required, any value works.
const AZURE_PLACEHOLDER_KEY: &str = "AZ";

/// An Azure Artifacts feed: an `azure:` source or a `pkgs.dev.azure.com`
/// URL, or any URL of Azure Artifacts' shape
/// (`…/_packaging/FEED/nuget/v3/index.json`, as Azure DevOps Server uses on
/// its own host).
fn is_azure_artifacts(source: &Source) -> bool {
    source.kind == FeedKind::AzureArtifacts
        || source.url().is_some_and(|url| {
            let path = url.path().to_ascii_lowercase();
            path.contains("/_packaging/") && path.ends_with("/nuget/v3/index.json")
        })
}

/// The signed-in account's token for Azure DevOps.
async fn azure_token() -> Result<nupub_accounts::Secret, nupub_accounts::AccountError> {
    let accounts = nupub_accounts::Accounts::system()?;
    accounts.azure_devops_token(None).await
}

/// Why no Azure DevOps token could be had, and the two ways out.
fn azure_sign_in_needed(source: &Source, error: nupub_accounts::AccountError) -> ErrorInfo {
    let reason = error.info();
    ErrorInfo::new(
        "cli.push.azure_sign_in",
        format!(
            "{} is an Azure Artifacts feed, which needs a sign-in or a personal access token, and no API key, credentials or usable sign-in were found: {}",
            source.label(),
            reason.message
        ),
        Some(format!(
            "sign in with the Microsoft account that can reach the feed (`nupub account login`), or put a personal access token with Packaging › Read & write in nuget.config as packageSourceCredentials for {}{}",
            source.name,
            reason
                .hint
                .map(|h| format!(" ({h})"))
                .unwrap_or_default()
        )),
    )
}

/// The reminder for a key the feed warned about (nuget.org's `X-NuGet-Warning`
/// about expiry). When the key was the one stored for this source, its stored
/// facts learn the date (so `nupub key list` and the window show it); a key
/// given on the command line or in `NUGET_API_KEY` only gets the reminder.
fn key_reminder(
    source: &Source,
    origin: Option<KeyOrigin>,
    warnings: &[String],
) -> Option<nupub_accounts::expiry::KeyReminder> {
    use nupub_accounts::expiry;
    if origin == Some(KeyOrigin::Stored) {
        match expiry::note_push_warnings(&source.name, warnings) {
            Ok(reminder) => return reminder,
            Err(e) => eprintln!(
                "note: the key's expiry could not be saved ({})",
                e.info().message
            ),
        }
    }
    expiry::reminder_from_warnings(&source.name, None, warnings, expiry::today())
}

/// Ctrl-C cancels the push (see the module documentation); a second one
/// stops waiting for the feed's answer and exits.
async fn stop_on_ctrl_c(cancel: CancellationToken, body_sent: Arc<AtomicBool>, what: String) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    if body_sent.load(Ordering::SeqCst) {
        eprintln!(
            "\nCtrl-C: the whole package was already sent, so the feed may already have {what}. \
Nupub is waiting for the feed's answer (and will ask the feed if the answer is lost); press Ctrl-C again to stop waiting."
        );
    } else {
        eprintln!("\nCtrl-C: stopping the upload of {what}...");
    }
    cancel.cancel();
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!(
            "Stopped without the feed's answer: the feed may have {what}. Check the feed before pushing again \
(a second push of the same version is refused with \"already exists\" if it arrived)."
        );
        std::process::exit(i32::from(EXIT_INTERRUPTED));
    }
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
        // nupub-ci (issue 19): --api-key-env first.
        api_key: crate::ci::key_from_env(&args.target.key_env)?
            .or_else(|| resolve_key(&args.target, &source)),
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
