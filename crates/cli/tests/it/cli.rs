//! The `nupub` binary as a user runs it.
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn nupub(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nupub"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn version_and_help() {
    let out = nupub(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("nupub {}", env!("CARGO_PKG_VERSION"))
    );
    let out = nupub(&["version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("nupub {}", env!("CARGO_PKG_VERSION"))
    );
    let out = nupub(&["--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("what nuget.org would reject before anything is sent"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(nupub(&["--no-such-flag"]).status.code(), Some(2));
    assert_eq!(nupub(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(nupub(&[]).status.code(), Some(2));
}
