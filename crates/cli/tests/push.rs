//! `nupub push|unlist|relist|sources` as a user runs them, each in its own
//! HOME, against the real pynuget, a folder feed and a real gnome-keyring.
#![allow(clippy::unwrap_used)]

use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::{read, PyNuGet};
use nupub_testkit::secret_service::SecretService;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const KEY: &str = "cli-key-0123456789";

fn nupub(home: &Path, env: &[(String, String)], args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nupub"));
    command
        .args(args)
        .current_dir(home)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn push_to_pynuget_exit_codes_and_messages() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Cli", "1.0.0", "", 0);
    let pkg = package.to_string_lossy().into_owned();
    let url = server.push_url();

    // Nobody to ask and no --yes: refused (usage), nothing sent.
    let out = nupub(
        home.path(),
        &[],
        &["push", &pkg, "--source", &url, "--api-key", KEY],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--yes"), "{}", text(&out));
    assert!(server.stored_package("Nupub.Cli", "1.0.0").is_none());

    // Published (key from NUGET_API_KEY), byte-identical, JSON report on stdout.
    let env = [("NUGET_API_KEY".to_string(), KEY.to_string())];
    let out = nupub(
        home.path(),
        &env,
        &["push", &pkg, "--source", &url, "--yes", "--json"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["id"], "Nupub.Cli");
    assert_eq!(report["version"], "1.0.0");
    assert_eq!(report["visibility"], "available");
    assert_eq!(report["answerLost"], false);
    assert_eq!(
        read(&server.stored_package("Nupub.Cli", "1.0.0").unwrap()),
        read(&package)
    );
    assert!(!text(&out).contains(KEY), "the key is never printed");

    // The same version again: exit 3, explained.
    let out = nupub(
        home.path(),
        &env,
        &["push", &pkg, "--source", &url, "--yes"],
        "",
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Nupub.Cli 1.0.0 already exists"), "{err}");
    assert!(err.contains("[feed.push.version_exists]"), "{err}");
    assert!(err.contains("fix: raise the version number"), "{err}");

    // A wrong key on a new version: exit 1 with the reason and a fix.
    let second = make_nupkg(&home.path().join("pkgs2"), "Nupub.Cli", "1.1.0", "", 0);
    let out = nupub(
        home.path(),
        &[],
        &[
            "push",
            &second.to_string_lossy(),
            "--source",
            &url,
            "--api-key",
            "WRONG-KEY-7731",
            "--yes",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused the API key for Nupub.Cli 1.1.0"),
        "{err}"
    );
    assert!(
        !err.contains("WRONG-KEY-7731"),
        "the key is never printed: {err}"
    );
    assert!(server.stored_package("Nupub.Cli", "1.1.0").is_none());

    // A file that is not a package: exit 1, the package model's explanation.
    let junk = home.path().join("junk.nupkg");
    std::fs::write(&junk, b"not a zip").unwrap();
    let out = nupub(
        home.path(),
        &env,
        &["push", &junk.to_string_lossy(), "--source", &url, "--yes"],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("junk.nupkg"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read(&junk).unwrap(),
        b"not a zip",
        "the user's file is untouched"
    );

    // Unlist; then unlisting again is "not found" (exit 1).
    let out = nupub(
        home.path(),
        &env,
        &["unlist", "Nupub.Cli", "1.0.0", "--source", &url],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(server.stored_package("Nupub.Cli", "1.0.0").is_none());
    let out = nupub(
        home.path(),
        &env,
        &["unlist", "Nupub.Cli", "1.0.0", "--source", &url],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[feed.not_found]"),
        "{}",
        text(&out)
    );
}

#[test]
fn push_to_a_folder_then_remove_only_with_confirmation() {
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Folder", "2.0.0", "", 0);
    let pkg = package.to_string_lossy().into_owned();
    let feed = home.path().join("feed");
    let feed_arg = feed.to_string_lossy().into_owned();
    let out = nupub(
        home.path(),
        &[],
        &["push", &pkg, "--source", &feed_arg, "--yes"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stored = feed.join("nupub.folder/2.0.0/nupub.folder.2.0.0.nupkg");
    assert_eq!(read(&stored), read(&package));
    let out = nupub(
        home.path(),
        &[],
        &["push", &pkg, "--source", &feed_arg, "--yes"],
        "",
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    // A relative folder works too (resolved against the current folder).
    let out = nupub(
        home.path(),
        &[],
        &["push", &pkg, "--source", "feed", "--yes"],
        "",
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));

    let out = nupub(
        home.path(),
        &[],
        &["relist", "Nupub.Folder", "2.0.0", "--source", &feed_arg],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = nupub(
        home.path(),
        &[],
        &["unlist", "Nupub.Folder", "2.0.0", "--source", &feed_arg],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("remove_unconfirmed"),
        "{}",
        text(&out)
    );
    assert!(stored.is_file());
    let out = nupub(
        home.path(),
        &[],
        &[
            "unlist",
            "Nupub.Folder",
            "2.0.0",
            "--source",
            &feed_arg,
            "--yes",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!stored.exists());
}

#[test]
fn sources_and_a_key_from_the_keyring() {
    let home = tempfile::tempdir().unwrap();
    let keyring = SecretService::start();
    let env = keyring.env();
    let server = PyNuGet::start(KEY);
    let config = home.path().join("nuget.config");
    std::fs::write(
        &config,
        format!(
            r#"<configuration><packageSources><add key="team" value="{}" /><add key="off" value="https://off.example/v3/index.json" /></packageSources>
<disabledPackageSources><add key="off" value="true" /></disabledPackageSources>
<config><add key="defaultPushSource" value="team" /></config></configuration>"#,
            server.push_url()
        ),
    )
    .unwrap();
    let cfg = config.to_string_lossy().into_owned();
    let out = nupub(
        home.path(),
        &env,
        &["sources", "--configfile", &cfg, "--json"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["sources"][0]["name"], "team");
    assert_eq!(listed["sources"][0]["protocol"], "v2");
    assert_eq!(listed["sources"][1]["enabled"], false);
    assert_eq!(listed["defaultPushSource"], "team");
    let out = nupub(home.path(), &env, &["sources", "--configfile", &cfg], "");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2.  off [Disabled]"),
        "{}",
        text(&out)
    );

    // The key stored for "team" in the OS keyring is used when none is given.
    let out = nupub(home.path(), &env, &["key", "set", "--source", "team"], KEY);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Keyring", "1.0.0", "", 0);
    // No --source: defaultPushSource from the config file.
    let out = nupub(
        home.path(),
        &env,
        &[
            "push",
            &package.to_string_lossy(),
            "--configfile",
            &cfg,
            "--yes",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(server.stored_package("Nupub.Keyring", "1.0.0").is_some());
    // A disabled source is refused by name.
    let out = nupub(
        home.path(),
        &env,
        &[
            "push",
            &package.to_string_lossy(),
            "--configfile",
            &cfg,
            "--source",
            "off",
            "--yes",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("source_disabled"),
        "{}",
        text(&out)
    );
}

/// Runs `nupub ARGS` on a pseudo-terminal (util-linux `script`), typing `input`.
fn nupub_on_terminal(home: &Path, args: &[&str], input: &str) -> Output {
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_nupub").to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let mut child = Command::new("script")
        .args(["-qec", &quoted.join(" "), "/dev/null"])
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Give the prompt a moment, then answer.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn on_a_terminal_push_shows_what_and_where_and_asks() {
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Ask", "3.0.0", "", 0);
    let pkg = package.to_string_lossy().into_owned();
    let feed = home.path().join("feed");
    let feed_arg = feed.to_string_lossy().into_owned();
    let stored = feed.join("nupub.ask/3.0.0/nupub.ask.3.0.0.nupkg");

    let out = nupub_on_terminal(home.path(), &["push", &pkg, "--source", &feed_arg], "n\n");
    let shown = text(&out);
    assert!(shown.contains("Nupub.Ask 3.0.0"), "{shown}");
    assert!(shown.contains(&feed_arg), "{shown}");
    assert!(shown.contains("Publish it? [y/N]"), "{shown}");
    assert!(shown.contains("not published"), "{shown}");
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(!stored.exists());

    let out = nupub_on_terminal(home.path(), &["push", &pkg, "--source", &feed_arg], "y\n");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(read(&stored), read(&package));
}
