//! `--verbose` and `NUPUB_LOG`: the core crates' tracing events on stderr.
//! `NUPUB_LOG` takes tracing-subscriber's filter syntax (`debug`,
//! `nupub_feeds=debug,warn`, …); `--verbose` alone means debug for Nupub's
//! own crates. Nothing is printed otherwise. The events never hold a secret
//! (the core crates log addresses without user info and skip keys).

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

const VERBOSE: &str =
    "nupub_feeds=debug,nupub_accounts=debug,nupub_package=debug,nupub_rules=debug,warn";

/// Starts printing events to stderr when asked to.
pub fn init(verbose: bool) {
    let from_env = std::env::var("NUPUB_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let filter = match (from_env, verbose) {
        (Some(spec), _) => EnvFilter::try_new(spec.trim()).unwrap_or_else(|e| {
            eprintln!("note: NUPUB_LOG is not a valid log filter ({e}); using --verbose's");
            EnvFilter::new(VERBOSE)
        }),
        (None, true) => EnvFilter::new(VERBOSE),
        (None, false) => return,
    };
    let filter = nupub_feeds::LOG_CAPS
        .iter()
        .filter_map(|cap| cap.parse().ok())
        .fold(filter, |filter, cap| filter.add_directive(cap));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(true)
        .try_init();
}
