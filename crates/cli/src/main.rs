//! `nupub`: the command-line face of Nupub. It calls the same core crates as the window.

use clap::Parser;

/// Inspect, check and publish NuGet packages.
#[derive(Debug, Parser)]
#[command(
    name = "nupub",
    version,
    about = "Inspect, check and publish NuGet packages",
    long_about = "Nupub inspects a .nupkg, tells you what nuget.org would reject before anything is sent, \
and publishes it to nuget.org, another feed or a local folder.\n\nThe desktop app (nupub-app) does the same in a window."
)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
    println!(
        "nupub {}: no command yet; see `nupub --help`",
        env!("CARGO_PKG_VERSION")
    );
}
