//! `nupub`: the command-line face of Nupub. It calls the same core crates as the window.
//!
//! Exit codes shared by every command: 0 success, 1 failure (explained on
//! stderr), 2 usage error (clap's own), and command-specific codes documented
//! on the command (3 from `push` when the version already exists and from
//! `ci workflow --write` when the file exists, 4 from `ci doctor` when no
//! known cause was found, 130 after Ctrl-C). With `CI` set or no terminal,
//! nothing prompts or waits.

mod account;
mod api;
mod ci;
mod diff;
mod inspect;
mod key;
mod key_arg;
mod lifecycle;
mod log;
mod push;
mod push_set;
mod sources;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Inspect, check and publish NuGet packages.
#[derive(Debug, Parser)]
#[command(
    name = "nupub",
    version,
    about = "Inspect, check and publish NuGet packages",
    after_help = "Exit codes: 0 success, 1 failed (explained), 2 usage or confirmation needed (add --yes), \
3 already exists (push; ci workflow --write without --force), 4 no known cause (ci doctor), 130 stopped with Ctrl-C.\n\
In CI (CI=true) or without a terminal nothing prompts or waits.",
    long_about = "Nupub inspects a .nupkg, tells you what nuget.org would reject before anything is sent, \
and publishes it to nuget.org, another feed or a local folder.\n\nThe desktop app (nupub-app) does the same in a window."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print what Nupub does (requests, answers, decisions) on stderr; NUPUB_LOG=debug does the same.
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print Nupub's version.
    Version {
        /// Print it as JSON (`{"version": "..."}`).
        #[arg(long)]
        json: bool,
    },
    /// Show what is inside a .nupkg: identity, licence, frameworks, dependencies, files, signature.
    Inspect(inspect::InspectArgs),
    /// Tell what nuget.org (or another feed) would reject or warn about, before anything is sent;
    /// with --source, also ask the feed (version exists, previous version signed, owners).
    Validate(validate::ValidateArgs),
    /// Sign in with your Microsoft account, see who is signed in, sign out.
    Account(account::AccountArgs),
    /// Store, list and remove feed API keys (kept in the OS keyring).
    Key(key::KeyArgs),
    /// Publish a .nupkg (and its .snupkg) to a feed or a folder, after showing the plan.
    /// Exit 0 published, 1 failed (explained), 2 usage, 3 the version already exists,
    /// 4 refused before anything was sent (errors, a bad symbol package, no key),
    /// 130 stopped with Ctrl-C (during the upload: nothing was published).
    /// Several files or a folder publish a set in dependency order: exit 0 every package is
    /// published or already there, 4 refused before anything was sent, 5 some failed or were
    /// not sent (the report names each), 130 stopped with Ctrl-C.
    Push(push::PushArgs),
    /// Every version of a package on a feed: listed or not, deprecation, vulnerabilities, dates.
    Versions(lifecycle::VersionsArgs),
    /// Unlist a version, or many with --versions (on a folder feed: remove them, after a typed confirmation).
    Unlist(lifecycle::BulkListingArgs),
    /// Relist a version, or many with --versions.
    Relist(lifecycle::BulkListingArgs),
    /// Deprecate versions on nuget.org (legacy, critical bugs, other), point to an alternate, or --undo.
    Deprecate(lifecycle::DeprecateArgs),
    /// List the package sources from your nuget.config files, as NuGet reads them.
    Sources(sources::SourcesArgs),
    /// What a package changes since an earlier version, down to the public API, and the
    /// version bump it needs. Exit 0 the bump is enough, 3 it is too small, 1 failed, 2 usage.
    Diff(diff::DiffArgs),
    /// The public API surface of an assembly (or of a package's lib/ and ref/ assemblies),
    /// as `nupub diff` compares it.
    Api(api::ApiArgs),
    /// Publishing from CI: `ci doctor` names the cause of a failed job from its log,
    /// `ci workflow` writes a GitHub Actions workflow and gives nuget.org's policy values.
    Ci(ci::CiArgs),
}

fn main() -> ExitCode {
    // A reader that stops early (`nupub inspect --json … | head`) ends the
    // command quietly, as it ends other Unix tools, instead of a panic on a
    // broken pipe.
    sigpipe::reset();
    let cli = Cli::parse();
    log::init(cli.verbose);
    match cli.command {
        Command::Version { json } => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "version": env!("CARGO_PKG_VERSION") })
                );
            } else {
                println!("nupub {}", env!("CARGO_PKG_VERSION"));
            }
            ExitCode::SUCCESS
        }
        Command::Inspect(args) => inspect::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Account(args) => account::run(args),
        Command::Key(args) => key::run(args),
        Command::Push(args) if push_set::is_set(&args) => push_set::run(args),
        Command::Push(args) => push::run_push(args),
        Command::Versions(args) => lifecycle::run_versions(args),
        Command::Unlist(args) => lifecycle::run_listing(args, false),
        Command::Relist(args) => lifecycle::run_listing(args, true),
        Command::Deprecate(args) => lifecycle::run_deprecate(args),
        Command::Sources(args) => sources::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Api(args) => api::run(args),
        Command::Ci(args) => ci::run(args),
    }
}
