//! `nupub`: the command-line face of Nupub. It calls the same core crates as the window.
//!
//! Exit codes shared by every command: 0 success, 1 failure (explained on
//! stderr), 2 usage error (clap's own), and command-specific codes documented
//! on the command (3 from `push` when the version already exists and from
//! `ci workflow --write` when the file exists, 4 from `ci doctor` when no
//! known cause was found, 130 after Ctrl-C). With `CI` set or no terminal,
//! nothing prompts or waits.

mod account;
mod ci;
mod inspect;
mod key;
mod push;
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
    /// Publish a .nupkg (and its .snupkg) to a feed or a folder. Exit 0 published,
    /// 3 the version already exists, 1 failed (explained), 2 usage, 130 stopped with
    /// Ctrl-C (during the upload: nothing was published).
    Push(push::PushArgs),
    /// Unlist a version on a feed (on a folder feed: remove it, after confirmation).
    Unlist(push::ListingArgs),
    /// Relist a version that was unlisted on a feed.
    Relist(push::ListingArgs),
    /// List the package sources from your nuget.config files, as NuGet reads them.
    Sources(sources::SourcesArgs),
    /// Publishing from CI: `ci doctor` names the cause of a failed job from its log,
    /// `ci workflow` writes a GitHub Actions workflow and gives nuget.org's policy values.
    Ci(ci::CiArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Command::Push(args) => push::run_push(args),
        Command::Unlist(args) => push::run_listing(args, false),
        Command::Relist(args) => push::run_listing(args, true),
        Command::Sources(args) => sources::run(args),
        Command::Ci(args) => ci::run(args),
    }
}
