//! `nupub push`, `nupub unlist`, `nupub relist`: the publish session of
//! `nupub-publish`, presented in a terminal. The plan (checks for the feed's
//! target, the feed's answers, the key, the symbol package) is shown first;
//! what it refuses is refused here exactly as in the window.
//!
//! Several files or a folder make a set: see `push_set`.
//!
//! Exit codes: 0 published (or unlisted/relisted); 1 any other failure
//! (explained on stderr); 2 usage (including a push without `--yes` when
//! nobody can be asked); 3 the version already exists on the feed; 4 refused
//! before anything was sent (an error for the feed's target, a symbol package
//! that would be refused, no key for a feed that needs one, an unacknowledged
//! warning); 130 stopped with Ctrl-C (the shell's convention for SIGINT).
//!
//! Ctrl-C while the package is still being sent stops the upload: the feed
//! gets an incomplete body and stores nothing. Once the whole body is sent the
//! feed may already hold the version, so Nupub says so and keeps waiting for
//! the answer (asking the feed when the answer is lost); a second Ctrl-C stops
//! waiting without knowing the outcome.

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::{
    ApiKey, CancellationToken, FeedKind, ProgressSink, PushEvent, PushOptions, Source,
    SymbolsChoice, SymbolsOutcome,
};
use nupub_publish::{
    execute, prepare, set_listed, ConfigScope, Consent, KeyNeed, ListingRequest, Plan, PlanRequest,
    PublishError, SymbolsPlan,
};
use nupub_rules::{Finding, Severity};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const EXIT_EXISTS: u8 = 3;
const EXIT_USAGE: u8 = 2;
/// Refused before anything was sent: the plan says no.
const EXIT_REFUSED: u8 = 4;
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
    #[arg(long, short = 'k', help = crate::key_arg::HELP, value_parser = crate::key_arg::parse)]
    pub api_key: Option<ApiKey>,
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
    /// The .nupkg to publish; or several .nupkg/.snupkg files, or a folder holding
    /// them (a set: sent in dependency order, each .snupkg with its .nupkg).
    #[arg(required = true, num_args = 1.., value_name = "FILE|FOLDER")]
    pub files: Vec<PathBuf>,
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
    /// A set: after a package fails, still send the packages that do not depend on it.
    #[arg(long)]
    pub keep_going: bool,
    /// A set: uploads at once where the dependency order allows.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub concurrency: u8,
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
pub(crate) enum Failure {
    Usage(String),
    Error {
        info: ErrorInfo,
        exists: bool,
    },
    /// Stopped with Ctrl-C.
    Interrupted(ErrorInfo),
    /// The plan says no: nothing was sent.
    Refused {
        info: ErrorInfo,
        exists: bool,
        plan: Box<Plan>,
    },
    /// A set's plan says no: nothing was sent.
    SetRefused {
        info: ErrorInfo,
        plan: Box<nupub_publish::SetPlan>,
    },
}

impl From<PublishError> for Failure {
    fn from(e: PublishError) -> Self {
        if e.is_cancelled() {
            return Failure::Interrupted(e.info());
        }
        Failure::Error {
            exists: e.is_version_exists(),
            info: e.info(),
        }
    }
}

impl From<nupub_feeds::FeedError> for Failure {
    fn from(e: nupub_feeds::FeedError) -> Self {
        PublishError::from(e).into()
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

/// Prints the outcome (JSON on stdout with `--json`; a failure as its plain
/// message and hint) and turns it into the exit code.
pub(crate) fn exit_with(result: Result<serde_json::Value, Failure>, json: bool) -> ExitCode {
    match result {
        Ok(value) => {
            if json {
                out(&serde_json::to_string_pretty(&value).unwrap_or_default());
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(text)) => {
            eprintln!("error: {text}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Interrupted(info)) => {
            if json {
                out(
                    &serde_json::to_string_pretty(&serde_json::json!({ "error": info }))
                        .unwrap_or_default(),
                );
            }
            eprintln!("{info}");
            ExitCode::from(EXIT_INTERRUPTED)
        }
        Err(Failure::Refused { info, exists, plan }) => {
            if json {
                out(&serde_json::to_string_pretty(
                    &serde_json::json!({ "error": info, "plan": plan }),
                )
                .unwrap_or_default());
            }
            eprintln!("{info}");
            ExitCode::from(if exists { EXIT_EXISTS } else { EXIT_REFUSED })
        }
        Err(Failure::SetRefused { info, plan }) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "error": info, "plan": plan })
                    )
                    .unwrap_or_default()
                );
            }
            eprintln!("{info}");
            ExitCode::from(EXIT_REFUSED)
        }
        Err(Failure::Error { info, exists }) => {
            if json {
                out(
                    &serde_json::to_string_pretty(&serde_json::json!({ "error": info }))
                        .unwrap_or_default(),
                );
            }
            eprintln!("{info}");
            ExitCode::from(if exists { EXIT_EXISTS } else { 1 })
        }
    }
}

/// Where nuget.config files are read from: the current folder, or only `--configfile`.
pub(crate) fn scope(args: &SourceArgs) -> Result<ConfigScope, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Usage(format!("the current folder cannot be read: {e}")))?;
    Ok(ConfigScope::folder(cwd, args.configfile.clone()))
}

/// `--source`, or defaultPushSource; usage error when neither says where.
pub(crate) fn wanted_source(
    args: &SourceArgs,
    scope: &ConfigScope,
) -> Result<Option<String>, Failure> {
    if args.source.is_none() && scope.load()?.default_push_source.is_none() {
        return Err(Failure::Usage(
            "say where to publish with --source (a name from `nupub sources`, a URL or a folder); nuget.config sets no defaultPushSource".into(),
        ));
    }
    Ok(args.source.clone())
}

/// `--source` (or defaultPushSource) resolved as a push resolves it.
pub(crate) fn resolve_source(args: &SourceArgs) -> Result<Source, Failure> {
    let scope = scope(args)?;
    let feed = wanted_source(args, &scope)?;
    let (source, warnings) = scope.resolve(feed.as_deref())?;
    for warning in &warnings {
        eprintln!("note: {warning}");
    }
    Ok(source)
}

/// The key given for this run: `--api-key-env NAME` (an unset variable is an error), then `--api-key`.
pub(crate) fn given_key(args: &SourceArgs) -> Result<Option<ApiKey>, Failure> {
    Ok(crate::ci::key_from_env(&args.key_env)?.or_else(|| args.api_key.clone()))
}

/// The key for `source` by the publish core's lookup (given, NUGET_API_KEY, the keyring).
pub(crate) fn resolve_key(args: &SourceArgs, source: &Source) -> Result<Option<ApiKey>, Failure> {
    if let Some(key) = given_key(args)? {
        return Ok(Some(key));
    }
    let mut lookup = nupub_publish::credential::Lookup::system(None);
    let found = nupub_publish::credential::resolve_offline(source, &mut lookup);
    if let Some(note) = &found.note {
        eprintln!("note: {note}");
    }
    Ok(found.auth.api_key)
}

/// Human-readable lines go to stdout, or to stderr when stdout carries JSON.
pub(crate) fn say(json: bool, text: &str) {
    if json {
        eprintln!("{text}");
    } else {
        out(text);
    }
}

/// One line on stdout; a reader that went away (`nupub api … | head`) is not
/// worth a panic.
pub(crate) fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
}

fn ask(question: &str) -> String {
    eprint!("{question} ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return String::new();
    }
    answer.trim().to_string()
}

pub(crate) fn confirm(question: &str) -> bool {
    matches!(
        ask(&format!("{question} [y/N]"))
            .to_ascii_lowercase()
            .as_str(),
        "y" | "yes"
    )
}

/// Progress on a terminal: an `indicatif` bar for the upload (its rate and
/// time left are the feeds crate's own estimate) and for the wait until the
/// version shows; otherwise only the events that matter (retries, checks) as
/// plain lines.
fn progress_printer(json: bool) -> ProgressSink {
    let terminal = std::io::stderr().is_terminal() && !json;
    let bar: Mutex<Option<ProgressBar>> = Mutex::new(None);
    Arc::new(move |event| {
        let mut bar = bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let line = match &event {
            PushEvent::Uploading {
                file,
                sent_bytes,
                total_bytes,
                bytes_per_second,
                eta_seconds,
            } if terminal => {
                let upload = bar.get_or_insert_with(|| {
                    terminal_bar(
                        *total_bytes,
                        "{prefix} {wide_bar} {percent:>3}% of {total_bytes}, {msg}",
                    )
                });
                upload.set_prefix(file.clone());
                upload.set_position(*sent_bytes);
                // A zero rate means the feeds crate has not measured one yet
                // (the first burst only fills the kernel's buffers).
                upload.set_message(if *bytes_per_second > 0.0 {
                    let eta = eta_seconds
                        .map(|s| format!(", {s:.0} s left"))
                        .unwrap_or_default();
                    format!("{:.1} MB/s{eta}", bytes_per_second / 1e6)
                } else {
                    "measuring the speed...".to_string()
                });
                return;
            }
            PushEvent::WaitingForVisibility {
                elapsed_seconds,
                limit_seconds,
            } if terminal => {
                let wait = bar.get_or_insert_with(|| {
                    terminal_bar(
                        limit_seconds.ceil() as u64,
                        "Waiting for the feed to show the version: {pos} of {len} s",
                    )
                });
                wait.set_position(*elapsed_seconds as u64);
                return;
            }
            PushEvent::Sent { .. } if terminal => {
                "Sent; waiting for the feed's answer...".to_string()
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
            _ => return,
        };
        // A line after a bar: the bar stays as it last was, the line goes under it.
        if let Some(done) = bar.take() {
            done.abandon();
            // indicatif leaves the cursor at the end of the bar's line (where
            // it drew one: not on a terminal without a TERM type).
            if !done.is_hidden() {
                eprintln!();
            }
        }
        eprintln!("{line}");
    })
}

/// A bar drawn on stderr (stdout carries the outcome).
fn terminal_bar(length: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// `nupub push` with one package (a set goes to `push_set::run`).
pub fn run_push(args: PushArgs) -> ExitCode {
    let json = args.target.json;
    exit_with(push_inner(args), json)
}

/// The plan as the terminal shows it, before the question (on stderr: stdout carries the outcome).
fn show_plan(plan: &Plan) {
    eprintln!("Package:  {} {}", plan.package.id, plan.package.version);
    eprintln!("File:     {}", plan.package.path);
    eprintln!("Feed:     {}", plan.feed.label);
    let symbols = match &plan.symbols {
        SymbolsPlan::None => None,
        SymbolsPlan::WillSend { file } => Some(format!("{file} goes too")),
        SymbolsPlan::NotSupported { file } => Some(format!(
            "{file} stays here: {} takes no symbol packages",
            plan.feed.name
        )),
        SymbolsPlan::Invalid { file, .. } => Some(format!("{file} would be refused")),
        SymbolsPlan::Unknown { file } => Some(format!(
            "{file} goes too if {} takes symbol packages (it could not be asked)",
            plan.feed.name
        )),
    };
    if let Some(symbols) = symbols {
        eprintln!("Symbols:  {symbols}");
    }
    if plan.key.need != KeyNeed::None {
        let expiry = match (&plan.key.expires, plan.key.expires_in_days) {
            (Some(date), Some(days)) if days < 0 => format!(", expired on {date}"),
            (Some(date), Some(days)) => format!(", expires {date} (in {days} days)"),
            _ => String::new(),
        };
        eprintln!("API key:  {}{expiry}", plan.key.origin.describe());
    }
    if let Some(note) = &plan.key.note {
        eprintln!("note: {note}");
    }
    if let Some(changes) = &plan.changes_headline {
        eprintln!("Changes:  {changes}");
    }
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    let listed: Vec<&Finding> = plan
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    for f in listed {
        let label = if f.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        eprintln!("{label}: {} [{}]", f.message, f.code);
        if let Some(hint) = &f.hint {
            eprintln!("  fix: {hint}");
        }
    }
    if plan.feed.kind == FeedKind::NugetOrg {
        eprintln!(
            "A version published to nuget.org can never be deleted or replaced; it can only be unlisted."
        );
    }
}

/// What the user agrees to: `--yes`, or the answers on a terminal; nobody to ask is a usage error.
fn consent_for(plan: &Plan, yes: bool) -> Result<Consent, Failure> {
    if yes {
        return Ok(Consent::everything());
    }
    let what = format!("{} {}", plan.package.id, plan.package.version);
    if crate::ci::never_prompt() {
        return Err(Failure::Usage(format!(
            "publishing {what} to {} needs confirmation: run it in a terminal, or add --yes",
            plan.feed.label
        )));
    }
    let not_confirmed = || Failure::Error {
        info: ErrorInfo::new(
            "cli.push.not_confirmed",
            format!("{what} was not published: you did not confirm it"),
            Some("answer y to publish, or add --yes".into()),
        ),
        exists: false,
    };
    let warnings = plan.acknowledgements.len();
    let question = if warnings > 0 {
        format!(
            "Publish it, acknowledging the {warnings} warning{} above?",
            if warnings == 1 { "" } else { "s" }
        )
    } else {
        "Publish it?".to_string()
    };
    if !confirm(&question) {
        return Err(not_confirmed());
    }
    let mut consent = Consent {
        acknowledged: plan
            .acknowledgements
            .iter()
            .map(|a| a.key.clone())
            .collect(),
        ..Consent::default()
    };
    if let Some(phrase) = &plan.confirmation {
        consent.typed = Some(ask(&format!("Type \"{phrase}\" to confirm:")));
    }
    Ok(consent)
}

/// The key a push (or a set) is given: nupub-ci (issue 19): a key from
/// --api-key-env or Trusted Publishing is the given key; else --api-key.
pub(crate) fn push_key(
    args: &PushArgs,
    scope: &ConfigScope,
    feed: Option<&str>,
    runtime: &tokio::runtime::Runtime,
) -> Result<Option<ApiKey>, Failure> {
    let key_given = args.target.api_key.is_some() || std::env::var_os("NUGET_API_KEY").is_some();
    let (source, _) = scope.resolve(feed)?;
    let ci_key = crate::ci::key_for_push(
        &args.ci,
        &args.target.key_env,
        key_given,
        &source,
        runtime,
        args.target.json,
    )?;
    match ci_key {
        Some(key) => Ok(Some(key)),
        None => given_key(&args.target),
    }
}

fn push_inner(args: PushArgs) -> Result<serde_json::Value, Failure> {
    let json = args.target.json;
    let mut request = plan_request(&args)?;
    let runtime = nupub_feeds::runtime()
        .map_err(|e| Failure::Usage(format!("could not start the network runtime: {e}")))?;
    request.key = push_key(&args, &request.scope, request.feed.as_deref(), &runtime)?;
    let prepared = runtime.block_on(prepare(&request))?;
    for warning in &prepared.config_warnings {
        eprintln!("note: {warning}");
    }
    let plan = prepared.plan.clone();
    show_plan(&plan);
    if let Err(refused) = plan.check(&Consent::everything()) {
        return Err(Failure::Refused {
            info: refused.info(),
            exists: refused.is_version_exists(),
            plan: Box::new(plan),
        });
    }
    let consent = consent_for(&plan, args.yes)?;
    let options = PushOptions {
        timeout: Duration::from_secs(if args.timeout == 0 { 300 } else { args.timeout }),
        ..PushOptions::default()
    };
    let outcome = upload(&runtime, prepared, &consent, &options, json);
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) if e.is_refusal() => {
            return Err(Failure::Refused {
                info: e.info(),
                exists: false,
                plan: Box::new(plan),
            })
        }
        Err(e) => return Err(e.into()),
    };
    tell_outcome(&outcome, &plan, json)
}

/// What to plan: the one package named, the feed wanted, the symbol choice.
fn plan_request(args: &PushArgs) -> Result<PlanRequest, Failure> {
    let scope = scope(&args.target)?;
    let feed = wanted_source(&args.target, &scope)?;
    let file = args.files.first().cloned().unwrap_or_default();
    let mut request = PlanRequest::new(file, feed, scope);
    request.symbols = match args.symbols.as_str() {
        "auto" => SymbolsChoice::Auto,
        "none" => SymbolsChoice::None,
        path => SymbolsChoice::File(PathBuf::from(path)),
    };
    Ok(request)
}

/// Carries out the prepared push with progress on the terminal and Ctrl-C
/// watched (what a Ctrl-C means depends on whether the body was all sent).
fn upload(
    runtime: &tokio::runtime::Runtime,
    prepared: nupub_publish::plan::Prepared,
    consent: &Consent,
    options: &PushOptions,
    json: bool,
) -> Result<nupub_publish::run::Outcome, PublishError> {
    let plan = &prepared.plan;
    let what = format!("{} {}", plan.package.id, plan.package.version);
    let cancel = CancellationToken::new();
    let body_sent = Arc::new(AtomicBool::new(false));
    let printer = progress_printer(json);
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
    runtime.block_on(async {
        let watcher = tokio::spawn(stop_on_ctrl_c(cancel.clone(), body_sent, what));
        let result = execute(prepared, consent, options, &progress, &cancel).await;
        watcher.abort();
        result
    })
}

/// The outcome in words on the terminal (notes and reminders on stderr) and
/// as the JSON value `--json` prints; a symbol package that failed after the
/// package went is an error.
fn tell_outcome(
    outcome: &nupub_publish::run::Outcome,
    plan: &Plan,
    json: bool,
) -> Result<serde_json::Value, Failure> {
    let report = &outcome.report;
    if std::io::stderr().is_terminal() && !json {
        eprintln!();
    }
    for warning in &report.warnings {
        eprintln!("warning from the feed: {warning}");
    }
    say(json, &report.summary());
    if let Some(location) = &report.location {
        say(json, &format!("Stored in {location}"));
    }
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "credential".into(),
            serde_json::to_value(outcome.credential).unwrap_or_default(),
        );
    }
    if let Some(note) = &outcome.note {
        eprintln!("note: {note}");
    }
    if let Some(reminder) = &outcome.key_reminder {
        eprintln!("{}", reminder.text);
        eprintln!(
            "  fix: create a new key on the feed's website, then store it with `nupub key set --source {}`",
            plan.key.store_as
        );
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "keyReminder".into(),
                serde_json::to_value(reminder).unwrap_or_default(),
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
    exit_with(listing_inner(args, relist), json)
}

fn listing_inner(args: ListingArgs, relist: bool) -> Result<serde_json::Value, Failure> {
    let scope = scope(&args.target)?;
    let feed = wanted_source(&args.target, &scope)?;
    let (source, _) = scope.resolve(feed.as_deref())?;
    let mut remove_from_folder = args.yes;
    if let nupub_feeds::source::Location::Folder(root) = &source.location {
        // A folder has no listing state: unlisting means deleting, which needs a clear yes.
        if !relist && !remove_from_folder && std::io::stdin().is_terminal() {
            remove_from_folder = confirm(&format!(
                "A folder feed cannot unlist: remove {} {} from {} for good?",
                args.id,
                args.version,
                root.display()
            ));
        }
    }
    let request = ListingRequest {
        scope,
        feed,
        id: args.id.clone(),
        version: args.version.clone(),
        key: given_key(&args.target)?,
        remove_from_folder,
    };
    let runtime = nupub_feeds::runtime()
        .map_err(|e| Failure::Usage(format!("could not start the network runtime: {e}")))?;
    let outcome = runtime.block_on(set_listed(&request, relist))?;
    let text = match &outcome.removed {
        Some(path) => format!("Removed {} {} ({path}).", outcome.id, outcome.version),
        None => format!(
            "{} {} was {} on {}.",
            outcome.id,
            outcome.version,
            if relist { "relisted" } else { "unlisted" },
            outcome.feed
        ),
    };
    say(args.target.json, &text);
    Ok(serde_json::to_value(&outcome).unwrap_or_default())
}
