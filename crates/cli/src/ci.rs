//! `nupub ci doctor`, `nupub ci workflow`, and the key a push gets from CI
//! (`--api-key-env NAME`, `--trusted-publishing --user NAME`). Decisions live
//! in nupub-ci; this file parses arguments and prints.

use clap::{Args, Subcommand, ValueEnum};
use nupub_ci::{CiEnvironment, CiError, PublishMode, TokenEndpoint, WorkflowOptions};
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::{ApiKey, Source};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

/// `nupub ci workflow` refused to replace an existing file.
const EXIT_EXISTS: u8 = 3;
/// `nupub ci doctor` found no known cause.
const EXIT_NO_CAUSE: u8 = 4;

/// Arguments a push adds for CI.
#[derive(Debug, Args)]
pub struct CiPushArgs {
    /// Get a one-hour nuget.org key with Trusted Publishing: the GitHub Actions
    /// (or GitLab) job's OIDC token is exchanged at nuget.org. Automatic in a job
    /// that can get an OIDC token when no key was given and the feed is nuget.org.
    #[arg(long)]
    pub trusted_publishing: bool,
    /// The nuget.org user name of the person who created the Trusted Publishing
    /// policy (not the organization). Default: the NUGET_USER environment variable.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
}

/// `--api-key-env NAME`, for every command that sends a key.
#[derive(Debug, Args)]
pub struct KeyEnvArgs {
    /// Read the feed's API key from this environment variable (for CI secrets,
    /// for example MYGET_API_KEY). An unset or empty variable is an error.
    #[arg(long, value_name = "NAME")]
    pub api_key_env: Option<String>,
}

/// Prompts are forbidden: `CI` is set (to anything but false/0) or stdin is not a terminal.
pub fn never_prompt() -> bool {
    nupub_ci::env::never_prompt(std::io::stdin().is_terminal())
}

/// In CI (`CI` set), the reason `account login` does not start: a sign-in
/// needs a person at a browser or another device, and nobody can wait there.
pub fn refuse_sign_in_in_ci() -> Option<ErrorInfo> {
    CiEnvironment::from_process().non_interactive.then(|| {
        ErrorInfo::new(
            "cli.account.login_in_ci",
            "signing in needs a person at a browser or another device, and this is a CI job (CI is set), so Nupub does not start one",
            Some("sign in on your own computer; in CI publish with --trusted-publishing, or give a key with --api-key-env NAME".into()),
        )
    })
}

/// The key named by `--api-key-env`, if it was given.
pub fn key_from_env(args: &KeyEnvArgs) -> Result<Option<ApiKey>, ErrorInfo> {
    let Some(name) = args.api_key_env.as_deref() else {
        return Ok(None);
    };
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(Some(ApiKey::new(value.trim()))),
        _ => Err(ErrorInfo::new(
            "cli.key.env_empty",
            format!("--api-key-env names {name}, but that environment variable is not set or is empty"),
            Some(format!("set {name} (in GitHub Actions: `env: {name}: ${{{{ secrets.{name} }}}}` on the step), or name another variable")),
        )),
    }
}

/// The key for a push from CI: `--api-key-env`, else Trusted Publishing when
/// asked for (or automatic, see [`CiPushArgs::trusted_publishing`]); `None`
/// leaves the usual key lookup to the push.
pub fn key_for_push(
    ci: &CiPushArgs,
    key_env: &KeyEnvArgs,
    key_given: bool,
    source: &Source,
    runtime: &tokio::runtime::Runtime,
    json: bool,
) -> Result<Option<ApiKey>, ErrorInfo> {
    if let Some(key) = key_from_env(key_env)? {
        if ci.trusted_publishing {
            return Err(conflict());
        }
        return Ok(Some(key));
    }
    let env = CiEnvironment::from_process();
    let endpoint = TokenEndpoint::from_process().map_err(|e| e.info())?;
    let allowed = source
        .url()
        .is_some_and(|url| nupub_ci::key_may_be_sent_to(url, &endpoint));
    if ci.trusted_publishing && key_given {
        return Err(conflict());
    }
    let automatic = !ci.trusted_publishing && !key_given && env.has_oidc() && allowed;
    if !ci.trusted_publishing && !automatic {
        return Ok(None);
    }
    if !allowed {
        return Err(CiError::KeyDestination(source.label()).info());
    }
    let user = ci
        .user
        .clone()
        .or_else(|| std::env::var("NUGET_USER").ok())
        .unwrap_or_default();
    if automatic {
        eprintln!("This job can prove its identity to nuget.org and no API key was given: using Trusted Publishing.");
    }
    let http = nupub_ci::trusted::http_client().map_err(|e| e.info())?;
    let key = runtime
        .block_on(nupub_ci::obtain_key(&http, &env, &user, &endpoint))
        .map_err(|e| e.info())?;
    for line in nupub_ci::trusted::mask_lines(&env, &[&key.key]) {
        if json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
    eprintln!(
        "Got a temporary nuget.org API key through Trusted Publishing{} (kept in memory for this run only).",
        key.expires
            .as_deref()
            .map(|e| format!(", valid until {e}"))
            .unwrap_or_default()
    );
    Ok(Some(key.key))
}

fn conflict() -> ErrorInfo {
    ErrorInfo::new(
        "cli.push.key_conflict",
        "--trusted-publishing gets its own key, but a key was also given (--api-key, --api-key-env or NUGET_API_KEY)",
        Some("use either Trusted Publishing or a key, not both".into()),
    )
}

#[derive(Debug, Args)]
pub struct CiArgs {
    #[command(subcommand)]
    command: CiCommand,
}

#[derive(Debug, Subcommand)]
enum CiCommand {
    /// Name the cause of a failed CI publish from its job log. FILE is the log
    /// (`-` reads stdin). Exit 0 a cause was named, 4 no known cause was found,
    /// 1 the log could not be read.
    Doctor(DoctorArgs),
    /// Show (and with --write, write) a GitHub Actions workflow that publishes
    /// the package, and the values for nuget.org's Trusted Publishing form.
    /// Exit 0 shown or written, 3 the file exists and --force was not given
    /// (nothing written), 1 failed (explained).
    Workflow(WorkflowArgs),
}

#[derive(Debug, Args)]
struct DoctorArgs {
    /// The job log, or `-` for stdin.
    file: String,
    /// Print the diagnosis as JSON on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Mode {
    /// `nupub push --trusted-publishing`.
    Nupub,
    /// NuGet/login and `dotnet nuget push`.
    Dotnet,
    /// Prereleases to MyGet with a key from the MYGET_API_KEY secret.
    Myget,
}

#[derive(Debug, Args)]
struct WorkflowArgs {
    /// The .nupkg to publish (its folder's git checkout is where the workflow goes).
    package: PathBuf,
    /// How to publish.
    #[arg(long, value_enum, default_value = "nupub")]
    mode: Mode,
    /// The nuget.org user name of the policy's creator (default: read from the NUGET_USER secret).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// A GitHub environment for the publishing job (the policy's Environment).
    #[arg(long)]
    environment: Option<String>,
    /// The workflow file name.
    #[arg(long, default_value = "publish-nuget.yml")]
    file_name: String,
    /// The MyGet feed (with --mode myget).
    #[arg(long)]
    myget_feed: Option<String>,
    /// Write the file into .github/workflows/ of the checkout.
    #[arg(long)]
    write: bool,
    /// With --write: replace a file that is already there.
    #[arg(long)]
    force: bool,
    /// Print the plan as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub fn run(args: CiArgs) -> ExitCode {
    match args.command {
        CiCommand::Doctor(a) => doctor(a),
        CiCommand::Workflow(a) => workflow(a),
    }
}

fn fail(info: ErrorInfo, json: bool, code: u8) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "error": info })).unwrap_or_default()
        );
    }
    eprintln!("{info}");
    ExitCode::from(code)
}

fn doctor(args: DoctorArgs) -> ExitCode {
    let limit = (nupub_ci::doctor::MAX_LOG_BYTES + 1) as u64;
    let mut bytes = Vec::new();
    let read = if args.file == "-" {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(&args.file).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    if let Err(e) = read {
        return fail(
            ErrorInfo::new(
                "cli.doctor.unreadable",
                format!("the log {} could not be read: {e}", args.file),
                Some("give the path of a saved job log, or `-` and paste it on stdin".into()),
            ),
            args.json,
            1,
        );
    }
    let text = String::from_utf8_lossy(&bytes);
    let diagnosis = nupub_ci::diagnose(&text);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&diagnosis).unwrap_or_default()
        );
    } else {
        for finding in &diagnosis.findings {
            println!("Line {}: {}", finding.line, finding.title);
            println!("  seen:  {}", finding.excerpt);
            println!("  why:   {}", finding.explanation);
            println!("  fix:   {}", finding.fix);
            println!("  code:  {}", finding.code);
        }
        if diagnosis.findings.is_empty() {
            println!(
                "No known cause found in {} lines. Look for the first line starting with ##[error].",
                diagnosis.lines_read
            );
        } else {
            println!("Trusted Publishing policies: {}", diagnosis.policy_page);
        }
        if diagnosis.truncated {
            eprintln!(
                "note: only the first {} MiB of the log were read",
                nupub_ci::doctor::MAX_LOG_BYTES / (1024 * 1024)
            );
        }
    }
    if diagnosis.findings.is_empty() {
        ExitCode::from(EXIT_NO_CAUSE)
    } else {
        ExitCode::SUCCESS
    }
}

fn workflow(args: WorkflowArgs) -> ExitCode {
    let options = WorkflowOptions {
        mode: match args.mode {
            Mode::Nupub => PublishMode::Nupub,
            Mode::Dotnet => PublishMode::Dotnet,
            Mode::Myget => PublishMode::MyGet,
        },
        user: args.user.clone(),
        environment: args.environment.clone(),
        file_name: Some(args.file_name.clone()),
        myget_feed: args.myget_feed.clone(),
    };
    let plan = match nupub_ci::plan_workflow(&args.package, &options) {
        Ok(plan) => plan,
        Err(e) => return fail(e.info(), args.json, 1),
    };
    let written = if args.write {
        match nupub_ci::write_workflow(&plan, args.force) {
            Ok(path) => Some(path),
            Err(e) => {
                let code = if matches!(e, CiError::WorkflowExists(_)) {
                    EXIT_EXISTS
                } else {
                    1
                };
                return fail(e.info(), args.json, code);
            }
        }
    } else {
        None
    };
    if args.json {
        let mut value = serde_json::to_value(&plan).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "written".into(),
                serde_json::json!(written.as_ref().map(|p| p.display().to_string())),
            );
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    let repo = &plan.repository;
    eprintln!(
        "Repository: {} (from {}){}",
        repo.url,
        match repo.origin {
            nupub_ci::workflow::RepositoryOrigin::GitRemote => "the git checkout's origin remote",
            nupub_ci::workflow::RepositoryOrigin::Nuspec => "the package's <repository> URL",
        },
        repo.default_branch
            .as_deref()
            .map(|b| format!(", default branch {b}"))
            .unwrap_or_default()
    );
    if let Some(note) = &repo.note {
        eprintln!("note: {note}");
    }
    eprintln!("--- {} ---", plan.relative_path);
    print!("{}", plan.yaml);
    eprintln!("---");
    if let Some(policy) = &plan.policy {
        eprintln!("On {} add a GitHub Actions policy with:", policy.page);
        eprintln!("  Policy name:      {}", policy.policy_name);
        eprintln!("  Repository Owner: {}", policy.repository_owner);
        eprintln!("  Repository:       {}", policy.repository);
        eprintln!("  Workflow File:    {}", policy.workflow_file);
        eprintln!(
            "  Environment:      {}",
            if policy.environment.is_empty() {
                "(leave empty)"
            } else {
                &policy.environment
            }
        );
        match &policy.creator {
            Some(user) => eprintln!("Create it signed in as {user}: the workflow sends that user name."),
            None => eprintln!("The workflow sends the user name from the repository secret NUGET_USER: the nuget.org name of whoever creates the policy."),
        }
    }
    for secret in &plan.secrets {
        eprintln!("Repository secret to create: {secret}");
    }
    match (&written, &plan.target) {
        (Some(path), _) => eprintln!("Written: {}", path.display()),
        (None, Some(target)) if plan.exists => eprintln!(
            "{target} already exists; add --write --force to replace it."
        ),
        (None, Some(target)) => eprintln!("Add --write to save it as {target}."),
        (None, None) => eprintln!(
            "The package is not inside a git checkout: copy the workflow into .github/workflows/ yourself."
        ),
    }
    ExitCode::SUCCESS
}
