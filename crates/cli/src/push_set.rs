//! `nupub push A.nupkg B.nupkg …` and `nupub push FOLDER`: a set of packages
//! published by the publish core's [`nupub_publish::batch`], presented in a
//! terminal. The set's plan (order, symbol pairs, problems, what the feed
//! already holds) is shown first; one question (and nuget.org's typed
//! phrase, "publish N packages") covers the set; one report ends it.
//!
//! Exit codes of a set: 0 every package is published or already there;
//! 1 the set could not be read or planned (explained); 2 usage; 4 refused
//! before anything was sent; 5 some packages failed or were not sent (the
//! report names each); 130 stopped with Ctrl-C (the report says which
//! packages were published before).

use crate::push::{confirm, exit_with, say, Failure, PushArgs};
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::{CancellationToken, FeedKind, PushEvent, PushOptions};
use nupub_publish::batch::SetRequest;
use nupub_publish::{
    execute_set, prepare_set, ConfigScope, MemberAction, MemberOutcome, SetConsent, SetEvent,
    SetOptions, SetPlan, SetProgressSink, SetReport,
};
use nupub_rules::Severity;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Some packages failed or were not sent.
const EXIT_INCOMPLETE: u8 = 5;
const EXIT_INTERRUPTED: u8 = 130;

/// Whether these arguments name a set (several paths, or a folder) rather than one package.
pub fn is_set(args: &PushArgs) -> bool {
    args.files.len() > 1 || args.files.first().is_some_and(|p| p.is_dir())
}

/// `nupub push` with several packages or a folder.
pub fn run(args: PushArgs) -> ExitCode {
    let json = args.target.json;
    let target = crate::push::scope(&args.target).and_then(|scope| {
        let feed = crate::push::wanted_source(&args.target, &scope)?;
        Ok((scope, feed))
    });
    match target {
        Ok((scope, feed)) => run_in(args, scope, feed),
        Err(failure) => exit_with(Err(failure), json),
    }
}

fn run_in(args: PushArgs, scope: ConfigScope, feed: Option<String>) -> ExitCode {
    let json = args.target.json;
    match inner(&args, scope, feed) {
        Ok((value, report)) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&value).unwrap_or_default()
                );
            }
            if report.cancelled {
                ExitCode::from(EXIT_INTERRUPTED)
            } else if report.complete {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_INCOMPLETE)
            }
        }
        Err(failure) => exit_with(Err(failure), json),
    }
}

fn show_plan(plan: &SetPlan) {
    eprintln!("Feed:     {}", plan.feed.label);
    eprintln!(
        "Packages: {} ({} to send, {} already there), in this order:",
        plan.members.len(),
        plan.to_send,
        plan.already_there
    );
    for (n, m) in plan.members.iter().enumerate() {
        let mut line = format!("  {:>2}. {}", n + 1, m.name());
        if let Some(symbols) = &m.symbols_file {
            let name = std::path::Path::new(symbols)
                .file_name()
                .map_or_else(|| symbols.clone(), |f| f.to_string_lossy().into_owned());
            line.push_str(&format!(" + {name}"));
        }
        if !m.depends_on.is_empty() {
            line.push_str(&format!(" (after {})", m.depends_on.join(", ")));
        }
        match m.action {
            MemberAction::AlreadyThere => line.push_str(" — already on the feed: not sent"),
            MemberAction::Blocked => line.push_str(" — blocked"),
            MemberAction::Send => {}
        }
        eprintln!("{line}");
    }
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    for b in &plan.blockers {
        eprintln!("error: {} [{}]", b.message, b.code);
        if let Some(hint) = &b.hint {
            eprintln!("  fix: {hint}");
        }
    }
    for a in &plan.acknowledgements {
        let about = a
            .package
            .as_deref()
            .map_or_else(String::new, |p| format!("{p}: "));
        eprintln!("warning: {about}{} [{}]", a.message, a.code);
        if let Some(hint) = &a.hint {
            eprintln!("  fix: {hint}");
        }
    }
    for problem in plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Info)
    {
        eprintln!("note: {}", problem.message);
    }
    if plan.feed.kind == FeedKind::NugetOrg {
        eprintln!(
            "A version published to nuget.org can never be deleted or replaced; it can only be unlisted."
        );
    }
}

fn consent_for(plan: &SetPlan, yes: bool) -> Result<SetConsent, Failure> {
    if yes {
        return Ok(SetConsent::everything());
    }
    if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
        || !std::io::stdin().is_terminal()
    {
        return Err(Failure::Usage(format!(
            "publishing {} packages to {} needs confirmation: run it in a terminal, or add --yes",
            plan.to_send, plan.feed.label
        )));
    }
    let warnings = plan.acknowledgements.len();
    let question = if warnings > 0 {
        format!(
            "Publish these {} packages, acknowledging the {warnings} warning{} above?",
            plan.to_send,
            if warnings == 1 { "" } else { "s" }
        )
    } else {
        format!("Publish these {} packages?", plan.to_send)
    };
    if !confirm(&question) {
        return Err(Failure::Error {
            info: ErrorInfo::new(
                "cli.push.not_confirmed",
                format!(
                    "the {} packages were not published: you did not confirm it",
                    plan.to_send
                ),
                Some("answer y to publish, or add --yes".into()),
            ),
            exists: false,
        });
    }
    let mut consent = SetConsent {
        acknowledged: plan
            .acknowledgements
            .iter()
            .map(|a| a.key.clone())
            .collect(),
        ..SetConsent::default()
    };
    if let Some(phrase) = &plan.confirmation {
        eprint!("Type \"{phrase}\" to confirm: ");
        let mut typed = String::new();
        let _ = std::io::stdin().read_line(&mut typed);
        consent.typed = Some(typed.trim().to_string());
    }
    Ok(consent)
}

fn printer(json: bool, total: usize) -> SetProgressSink {
    let _ = json;
    let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    Arc::new(move |event| match &event {
        SetEvent::Started { id, version } => {
            let n = started.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            eprintln!("Pushing {id} {version} ({n} of {total})...");
        }
        SetEvent::Package {
            id,
            version,
            event:
                PushEvent::Retrying {
                    attempt,
                    wait_seconds,
                    reason,
                },
        } => eprintln!("{id} {version}: {reason}; attempt {attempt} in {wait_seconds:.1} s."),
        SetEvent::Package {
            id,
            version,
            event: PushEvent::Checking { reason },
        } => eprintln!("{id} {version}: {reason}."),
        SetEvent::Done {
            id,
            version,
            result,
        } => match result.as_ref() {
            MemberOutcome::Published { .. } => eprintln!("Published {id} {version}."),
            MemberOutcome::AlreadyThere { .. } => {}
            MemberOutcome::Failed { error } => {
                eprintln!("{id} {version} failed: {} [{}]", error.message, error.code)
            }
            MemberOutcome::NotSent { reason } => eprintln!("{id} {version}: {reason}"),
        },
        SetEvent::Waiting {
            reason,
            wait_seconds,
        } => eprintln!("{reason} ({wait_seconds:.0} s)."),
        _ => {}
    })
}

/// Ctrl-C stops before the next package; a second one exits at once.
async fn stop_on_ctrl_c(cancel: CancellationToken) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    eprintln!(
        "\nCtrl-C: no further package is started; an upload still sending is stopped (the feed stores nothing), \
one already sent waits for the feed's answer. Press Ctrl-C again to stop waiting."
    );
    cancel.cancel();
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("Stopped without the feed's last answers: check the feed before publishing the set again (a package the feed has is then shown as already there).");
        std::process::exit(i32::from(EXIT_INTERRUPTED));
    }
}

fn report_lines(json: bool, report: &SetReport) {
    for p in &report.packages {
        let line = match &p.result {
            MemberOutcome::Published { .. } => format!("  published     {} {}", p.id, p.version),
            MemberOutcome::AlreadyThere { .. } => {
                format!("  already there {} {}", p.id, p.version)
            }
            MemberOutcome::Failed { error } => format!(
                "  failed        {} {}: {} [{}]",
                p.id, p.version, error.message, error.code
            ),
            MemberOutcome::NotSent { reason } => {
                format!("  not sent      {} {}: {reason}", p.id, p.version)
            }
        };
        say(json, &line);
    }
    say(json, &report.summary());
}

fn inner(
    args: &PushArgs,
    scope: ConfigScope,
    feed: Option<String>,
) -> Result<(serde_json::Value, SetReport), Failure> {
    let json = args.target.json;
    if args.symbols != "auto" {
        return Err(Failure::Usage(
            "--symbols applies to one package: in a set each .snupkg is paired with its .nupkg by id and version".into(),
        ));
    }
    let runtime = nupub_feeds::runtime()
        .map_err(|e| Failure::Usage(format!("could not start the network runtime: {e}")))?;
    let key = crate::push::push_key(args, &scope, feed.as_deref(), &runtime)?;
    let mut request = SetRequest::new(args.files.clone(), feed, scope);
    request.key = key;
    let prepared = runtime.block_on(prepare_set(&request))?;
    let plan = prepared.plan.clone();
    show_plan(&plan);
    if let Err(refused) = plan.check(&SetConsent::everything()) {
        return Err(refusal(refused.info(), &plan));
    }
    let consent = if plan.to_send == 0 {
        SetConsent::default()
    } else {
        consent_for(&plan, args.yes)?
    };
    let options = SetOptions {
        concurrency: usize::from(args.concurrency.max(1)),
        keep_going: args.keep_going,
        push: PushOptions {
            timeout: Duration::from_secs(if args.timeout == 0 { 300 } else { args.timeout }),
            ..SetOptions::default().push
        },
        pushes_per_hour: None,
    };
    let cancel = CancellationToken::new();
    let progress = printer(json, plan.to_send);
    let result = runtime.block_on(async {
        let watcher = tokio::spawn(stop_on_ctrl_c(cancel.clone()));
        let result = execute_set(prepared, &consent, &options, &progress, &cancel).await;
        watcher.abort();
        result
    });
    let report = match result {
        Ok(report) => report,
        Err(e) if e.is_refusal() => return Err(refusal(e.info(), &plan)),
        Err(e) => return Err(e.into()),
    };
    report_lines(json, &report);
    let value = serde_json::json!({ "plan": plan, "report": report });
    Ok((value, report))
}

fn refusal(info: ErrorInfo, plan: &SetPlan) -> Failure {
    Failure::SetRefused {
        info,
        plan: Box::new(plan.clone()),
    }
}
