//! `nupub`: the command-line face of Nupub. It calls the same core crates as the window.
//!
//! Exit codes shared by every command: 0 success, 1 failure (explained on
//! stderr), 2 usage error (clap's own), and command-specific codes documented
//! on the command (for example 3 from `push` when the version already exists).

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Inspect, check and publish NuGet packages.
#[derive(Debug, Parser)]
#[command(
    name = "nupub",
    version,
    about = "Inspect, check and publish NuGet packages",
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
    Version,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Version => {
            println!("nupub {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
    }
}
