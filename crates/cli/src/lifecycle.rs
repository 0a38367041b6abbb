//! `nupub versions`, `nupub unlist|relist ID --versions …`, `nupub deprecate`:
//! argument parsing and presentation of what nupub-lifecycle decides.
//!
//! Exit codes: 0 everything done, 1 a failure or some versions not done
//! (each version's outcome is printed; with `--json` the report is on
//! stdout), 2 usage (including a change without `--yes` when nobody can be
//! asked), 130 stopped with Ctrl-C (what was done stays done).

use crate::push::{
    confirm, exit_with, resolve_key, resolve_source, say, Failure, ListingArgs, SourceArgs,
};
use clap::Args;
use nupub_error::Coded;
use nupub_feeds::{Auth, CancellationToken, FeedClient, Source};
use nupub_lifecycle::deprecate::{Alternate, DeprecationRequest, ListedVerb, Reason};
use nupub_lifecycle::listing::{
    plan_listing, run_listing as run_plan, Confirmation, LifecycleEvent, LifecycleSink,
    ListingReport, VersionOutcome,
};
use nupub_lifecycle::select::Selection;
use nupub_lifecycle::{versions_view, VersionsView};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

const EXIT_USAGE: u8 = 2;
const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug, Args)]
pub struct VersionsArgs {
    /// The package id.
    pub id: String,
    #[command(flatten)]
    pub target: SourceArgs,
}

#[derive(Debug, Args)]
pub struct BulkListingArgs {
    /// The package id.
    pub id: String,
    /// One version (the classic form `nupub unlist ID VERSION`).
    pub version: Option<String>,
    /// Versions to change: 1.2.0, a range such as "[1.0, 1.4.2)", 1.x,
    /// or filters such as "prerelease <2.0.0" (see `nupub versions`).
    #[arg(long)]
    pub versions: Option<String>,
    #[command(flatten)]
    pub target: SourceArgs,
    /// Change without asking (required when there is no terminal to ask on).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// On a folder feed (where unlisting deletes files): the package id, typed to confirm.
    #[arg(long)]
    pub confirm: Option<String>,
}

#[derive(Debug, Args)]
pub struct DeprecateArgs {
    /// The package id.
    pub id: String,
    /// Versions to deprecate (same forms as `unlist --versions`).
    #[arg(long)]
    pub versions: String,
    /// legacy, critical-bugs or other (repeat or separate with commas).
    #[arg(long, value_delimiter = ',')]
    pub reason: Vec<String>,
    /// The package to use instead: ID or ID@VERSION.
    #[arg(long)]
    pub alternate: Option<String>,
    /// A message for users (at most 1000 characters; required with 'other').
    #[arg(long)]
    pub message: Option<String>,
    /// Remove the deprecation of these versions instead.
    #[arg(long)]
    pub undo: bool,
    /// Also unlist the versions in the same request.
    #[arg(long, conflicts_with = "relist")]
    pub unlist: bool,
    /// Also relist the versions in the same request.
    #[arg(long)]
    pub relist: bool,
    #[command(flatten)]
    pub target: SourceArgs,
    /// Deprecate without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    nupub_feeds::runtime()
        .map_err(|e| Failure::Usage(format!("could not start the network runtime: {e}")))
}

fn auth_for(target: &SourceArgs, source: &Source) -> Result<Auth, Failure> {
    Ok(Auth {
        api_key: resolve_key(target, source)?,
        bearer_token: None,
    })
}

/// Progress on stderr.
fn printer() -> LifecycleSink {
    Arc::new(|event| {
        match event {
        LifecycleEvent::Sending {
            version,
            index,
            total,
        } => eprintln!("[{index}/{total}] {version}…"),
        LifecycleEvent::Waiting {
            what,
            seconds,
            server,
        } => eprintln!(
            "The feed asked Nupub to wait {seconds} s before {what} ({server}); waiting (Ctrl-C stops, what is done stays done)…"
        ),
        LifecycleEvent::Finished { .. } => {}
    }
    })
}

/// Ctrl-C cancels the token (the run stops between requests).
fn cancel_on_ctrl_c(runtime: &tokio::runtime::Runtime) -> CancellationToken {
    let cancel = CancellationToken::new();
    let token = cancel.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nCtrl-C: stopping after the current request…");
            token.cancel();
        }
    });
    cancel
}

async fn load_view(
    client: &FeedClient,
    source: &Source,
    auth: &Auth,
    id: &str,
) -> Result<VersionsView, Failure> {
    versions_view(client, source, auth, id)
        .await
        .map_err(Failure::from)
}

pub fn run_versions(args: VersionsArgs) -> ExitCode {
    let json = args.target.json;
    exit_with(versions_inner(args), json)
}

fn versions_inner(args: VersionsArgs) -> Result<serde_json::Value, Failure> {
    let source = resolve_source(&args.target)?;
    let auth = auth_for(&args.target, &source)?;
    let client = FeedClient::new()?;
    let view = runtime()?.block_on(load_view(&client, &source, &auth, &args.id))?;
    if !args.target.json {
        println!(
            "{} on {} ({} version(s)):",
            view.list.id,
            view.list.feed,
            view.list.versions.len()
        );
        for v in &view.list.versions {
            let mut line = format!("  {:<24}", v.version);
            line.push_str(match v.listed {
                Some(true) => " listed  ",
                Some(false) => " UNLISTED",
                None => "         ",
            });
            if let Some(date) = &v.published {
                line.push_str(&format!("  {date}"));
            }
            if v.latest == Some(true) {
                line.push_str("  latest");
            }
            if let Some(d) = &v.deprecation {
                line.push_str(&format!("  DEPRECATED ({})", d.reasons.join(", ")));
                if let Some(alt) = &d.alternate_id {
                    line.push_str(&format!(
                        " → {alt} {}",
                        d.alternate_range.as_deref().unwrap_or("*")
                    ));
                }
                if let Some(m) = &d.message {
                    line.push_str(&format!(": {m}"));
                }
            }
            for vuln in &v.vulnerabilities {
                line.push_str(&format!(
                    "  VULNERABLE ({}, {})",
                    vuln.severity, vuln.advisory_url
                ));
            }
            println!("{line}");
        }
        for note in &view.notes {
            println!("note: {note}");
        }
    }
    serde_json::to_value(&view).map_err(|e| Failure::Usage(e.to_string()))
}

/// `nupub unlist|relist`: the classic one-version form, or `--versions`.
pub fn run_listing(args: BulkListingArgs, relist: bool) -> ExitCode {
    match (&args.version, &args.versions) {
        (Some(version), None) => crate::push::run_listing(
            ListingArgs {
                id: args.id,
                version: version.clone(),
                target: args.target,
                yes: args.yes,
            },
            relist,
        ),
        (Some(_), Some(_)) => {
            eprintln!("error: give either a VERSION or --versions, not both");
            ExitCode::from(EXIT_USAGE)
        }
        (None, None) => {
            eprintln!("error: say which versions: a VERSION, or --versions (for example --versions \"[1.0, 2.0)\")");
            ExitCode::from(EXIT_USAGE)
        }
        (None, Some(_)) => {
            let json = args.target.json;
            report_exit(bulk_inner(args, relist), json)
        }
    }
}

/// Prints the report (JSON on stdout with `--json`) and exits 1 when some version was not done.
fn report_exit(result: Result<ListingReport, Failure>, json: bool) -> ExitCode {
    let report = match result {
        Ok(report) => report,
        Err(failure) => return exit_with(Err(failure), json),
    };
    for r in &report.results {
        let text = match &r.outcome {
            VersionOutcome::Done => "done".to_string(),
            VersionOutcome::Skipped { why } => format!("skipped ({why})"),
            VersionOutcome::Failed { error } => format!("FAILED: {error}"),
            VersionOutcome::NotAttempted => "not attempted (stopped earlier)".to_string(),
        };
        say(json, &format!("  {:<24} {text}", r.version));
    }
    say(json, &report.summary);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    }
    let interrupted = report
        .stopped
        .as_ref()
        .is_some_and(|e| e.code == "lifecycle.cancelled");
    if interrupted {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if report.failed() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Asks on the terminal; `Err` (usage) when nobody can be asked and `--yes` was not given.
fn agree(yes: bool, question: &str) -> Result<bool, Failure> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(
            "nobody can be asked to confirm here: add --yes to go ahead".into(),
        ));
    }
    Ok(confirm(question))
}

fn bulk_inner(args: BulkListingArgs, relist: bool) -> Result<ListingReport, Failure> {
    let selection = Selection::parse(args.versions.as_deref().unwrap_or_default())
        .map_err(|e| Failure::from(e.info()))?;
    let source = resolve_source(&args.target)?;
    let auth = auth_for(&args.target, &source)?;
    let client = FeedClient::new()?;
    let runtime = runtime()?;
    let view = runtime.block_on(load_view(&client, &source, &auth, &args.id))?;
    let chosen = selection
        .choose(&view.list.id, &view.list.feed, &view.list.versions)
        .map_err(|e| Failure::from(e.info()))?;
    let plan = plan_listing(&source, &view.list.id, &chosen, relist)
        .map_err(|e| Failure::from(e.info()))?;
    let json = args.target.json;
    say(json, &plan.summary);
    for v in &plan.versions {
        match &v.skip {
            Some(why) => say(json, &format!("  {} ({why}: nothing sent)", v.version)),
            None => say(json, &format!("  {}", v.version)),
        }
    }
    if let Some(note) = &plan.rate_note {
        say(json, note);
    }
    let typed = match &plan.confirmation {
        Confirmation::Typed { text } => match &args.confirm {
            Some(given) => Some(given.clone()),
            None if std::io::stdin().is_terminal() => {
                eprint!("Type {text} to delete these files: ");
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
                Some(line.trim().to_string())
            }
            None => None,
        },
        Confirmation::Yes => {
            if plan.requests > 0 && !agree(args.yes, "Go ahead?")? {
                return Err(Failure::Usage("nothing was changed".into()));
            }
            None
        }
    };
    let cancel = cancel_on_ctrl_c(&runtime);
    let events = printer();
    runtime
        .block_on(run_plan(
            &client,
            &source,
            &auth,
            &plan,
            typed.as_deref(),
            &events,
            &cancel,
        ))
        .map_err(|e| Failure::from(e.info()))
}

pub fn run_deprecate(args: DeprecateArgs) -> ExitCode {
    let json = args.target.json;
    exit_with(deprecate_inner(args), json)
}

fn deprecate_inner(args: DeprecateArgs) -> Result<serde_json::Value, Failure> {
    let mut reasons = Vec::new();
    for r in args.reason.iter().filter(|r| !r.trim().is_empty()) {
        match Reason::parse(r) {
            Some(reason) if !reasons.contains(&reason) => reasons.push(reason),
            Some(_) => {}
            None => {
                return Err(Failure::Usage(format!(
                    "'{r}' is not a reason: use legacy, critical-bugs or other"
                )))
            }
        }
    }
    let selection = Selection::parse(&args.versions).map_err(|e| Failure::from(e.info()))?;
    let source = resolve_source(&args.target)?;
    let auth = auth_for(&args.target, &source)?;
    let client = FeedClient::new()?;
    let runtime = runtime()?;
    let view = runtime.block_on(load_view(&client, &source, &auth, &args.id))?;
    let chosen = selection
        .choose(&view.list.id, &view.list.feed, &view.list.versions)
        .map_err(|e| Failure::from(e.info()))?;
    let request = DeprecationRequest {
        id: view.list.id.clone(),
        versions: chosen.iter().map(|v| v.version.clone()).collect(),
        reasons,
        message: args.message.clone(),
        alternate: args.alternate.as_deref().map(Alternate::parse),
        listed_verb: if args.unlist {
            ListedVerb::Unlist
        } else if args.relist {
            ListedVerb::Relist
        } else {
            ListedVerb::Unchanged
        },
        undo: args.undo,
    };
    // Checked before asking: a request nuget.org would refuse is never offered.
    request.body().map_err(|e| Failure::from(e.info()))?;
    let json = args.target.json;
    let verb = if args.undo {
        "Remove the deprecation of"
    } else {
        "Deprecate"
    };
    say(
        json,
        &format!(
            "{verb} {} {} on {}?",
            request.id,
            request.versions.join(", "),
            view.list.feed
        ),
    );
    if let nupub_lifecycle::deprecate::DeprecationSupport::Unknown { note } = &view.deprecation {
        say(json, &format!("note: {note}"));
    }
    if !agree(args.yes, "Go ahead?")? {
        return Err(Failure::Usage("nothing was changed".into()));
    }
    let cancel = cancel_on_ctrl_c(&runtime);
    let events = printer();
    runtime
        .block_on(nupub_lifecycle::deprecate::deprecate(
            &client, &source, &auth, &request, &events, &cancel,
        ))
        .map_err(Failure::from)?;
    let done = if args.undo {
        "no longer deprecated"
    } else {
        "deprecated"
    };
    say(
        json,
        &format!(
            "{} {} {done} on {}.",
            request.id,
            request.versions.join(", "),
            view.list.feed
        ),
    );
    Ok(serde_json::json!({
        "id": request.id,
        "versions": request.versions,
        "feed": view.list.feed,
        "done": done,
    }))
}
