//! `nupub sources`: the package sources from the nuget.config hierarchy, as NuGet reads them.

use clap::Args;
use nupub_error::Coded;
use nupub_feeds::config::{ConfigLocations, NuGetConfig};
use nupub_feeds::SourceInfo;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct SourcesArgs {
    /// Read only this nuget.config file.
    #[arg(long)]
    pub configfile: Option<PathBuf>,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: SourcesArgs) -> ExitCode {
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(e) => {
            eprintln!("error: the current folder cannot be read: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut locations = ConfigLocations::system(&cwd);
    locations.only_file = args.configfile;
    let config = match NuGetConfig::load(&locations) {
        Ok(config) => config,
        Err(e) => {
            if args.json {
                println!("{}", serde_json::json!({ "error": e.info() }));
            }
            eprintln!("{}", e.info());
            return ExitCode::FAILURE;
        }
    };
    let sources: Vec<SourceInfo> = config.sources.iter().map(|s| s.info()).collect();
    if args.json {
        let value = serde_json::json!({
            "sources": sources,
            "defaultPushSource": config.default_push_source,
            "files": config.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
            "warnings": config.warnings,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    println!("Package sources:");
    for (i, source) in sources.iter().enumerate() {
        let state = if source.enabled {
            "Enabled"
        } else {
            "Disabled"
        };
        let creds = if source.has_credentials {
            ", credentials set"
        } else {
            ""
        };
        println!("  {}.  {} [{state}{creds}]", i + 1, source.name);
        println!("      {}", source.location);
    }
    if let Some(default) = &config.default_push_source {
        println!("Default push source: {default}");
    }
    for warning in &config.warnings {
        eprintln!("note: {warning}");
    }
    ExitCode::SUCCESS
}
