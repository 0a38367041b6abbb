//! `nupub push A B …` and `nupub push FOLDER` (a set) as a user runs them, in
//! its own HOME, against the real pynuget (with the fault proxy in front
//! where a failure is needed) and a folder feed.
#![allow(clippy::unwrap_used)]

use nupub_testkit::cli::{assert_exit, text, Nupub};
use nupub_testkit::packages::{make_nupkg, make_snupkg};
use nupub_testkit::pynuget::PyNuGet;
use nupub_testkit::wire::{Fault, FaultProxy};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Output;

const KEY: &str = "cli-set-key-0123456789";

fn cli(home: &Path) -> Nupub {
    Nupub::new(env!("CARGO_BIN_EXE_nupub"), home)
}

/// Four packages: Base ← Mid ← Top, and a lone Side; Base has its .snupkg.
fn family(dir: &Path) -> PathBuf {
    let dep = |id: &str| {
        format!("<dependencies><dependency id=\"{id}\" version=\"1.0.0\" /></dependencies>")
    };
    make_nupkg(dir, "Set.Top", "1.0.0", &dep("Set.Mid"), 0);
    make_nupkg(dir, "Set.Mid", "1.0.0", &dep("Set.Base"), 0);
    make_nupkg(dir, "Set.Base", "1.0.0", "", 0);
    make_nupkg(dir, "Set.Side", "1.0.0", "", 0);
    make_snupkg(dir, "Set.Base", "1.0.0", &[]);
    dir.to_path_buf()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", text(out)))
}

fn statuses(value: &serde_json::Value) -> Vec<(String, String)> {
    value["report"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["result"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_folder_is_published_in_order_then_again_everything_is_already_there() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let bin = family(&home.path().join("bin"));
    let url = server.push_url();
    let bin_text = bin.to_string_lossy().into_owned();
    let args = [
        "push",
        &bin_text,
        "--source",
        &url,
        "--api-key",
        KEY,
        "--json",
    ];

    // Nobody to ask and no --yes: usage, nothing sent.
    let out = cli(home.path()).run(&args, "");
    assert_exit(&out, 2);
    assert!(text(&out).contains("--yes"), "{}", text(&out));
    assert!(server.stored_package("Set.Base", "1.0.0").is_none());

    let mut yes = args.to_vec();
    yes.push("--yes");
    let out = cli(home.path()).run(&yes, "");
    assert_exit(&out, 0);
    let value = json(&out);
    let published: Vec<(String, String)> = ["Set.Base", "Set.Mid", "Set.Side", "Set.Top"]
        .iter()
        .map(|id| (id.to_string(), "published".to_string()))
        .collect();
    assert_eq!(statuses(&value), published);
    assert_eq!(value["report"]["complete"], true);
    assert_eq!(
        value["plan"]["members"][0]["plan"]["package"]["id"],
        "Set.Base"
    );
    for id in ["Set.Base", "Set.Mid", "Set.Side", "Set.Top"] {
        assert!(server.stored_package(id, "1.0.0").is_some(), "{id}");
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("(after Set.Mid)"), "{err}");
    assert!(
        err.contains("Set.Base 1.0.0 + Set.Base.1.0.0.snupkg"),
        "{err}"
    );
    assert!(!text(&out).contains(KEY), "the key is never printed");

    // The same set again: the feed is asked first, nothing is sent, exit 0.
    let out = cli(home.path()).run(&yes, "");
    assert_exit(&out, 0);
    let again = json(&out);
    assert!(
        statuses(&again).iter().all(|(_, s)| s == "alreadyThere"),
        "{again}"
    );
    assert_eq!(again["report"]["alreadyThere"], 4);

    // --symbols names one file: not for a set.
    let mut symbols = yes.clone();
    symbols.extend(["--symbols", "none"]);
    assert_exit(&cli(home.path()).run(&symbols, ""), 2);
}

#[test]
fn several_files_to_a_folder_feed_and_a_refused_set_exits_4_naming_both_problems() {
    let home = tempfile::tempdir().unwrap();
    let bin = family(&home.path().join("bin"));
    let feed = home.path().join("feed");
    let feed_text = feed.to_string_lossy().into_owned();
    let files: Vec<String> = ["Set.Top", "Set.Base", "Set.Mid"]
        .iter()
        .map(|id| {
            bin.join(format!("{id}.1.0.0.nupkg"))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let mut args: Vec<&str> = vec!["push"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--source", &feed_text, "--yes"]);
    let out = cli(home.path()).run(&args, "");
    assert_exit(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("3 published to"), "{stdout}");
    let first = stdout.find("Set.Base").unwrap();
    assert!(
        first < stdout.find("Set.Mid").unwrap()
            && stdout.find("Set.Mid").unwrap() < stdout.find("Set.Top").unwrap(),
        "{stdout}"
    );

    // Two versions of one id, and a dependency on a sibling version that is nowhere.
    let bad = home.path().join("bad");
    make_nupkg(&bad, "Bad.Core", "1.0.0", "", 0);
    make_nupkg(&bad, "Bad.Core", "2.0.0", "", 0);
    make_nupkg(&bad, "Bad.Data", "1.0.0", "", 0);
    make_nupkg(
        &bad,
        "Bad.Web",
        "1.0.0",
        "<dependencies><dependency id=\"Bad.Data\" version=\"[3.0.0]\" /></dependencies>",
        0,
    );
    let bad_text = bad.to_string_lossy().into_owned();
    let out = cli(home.path()).run(
        &["push", &bad_text, "--source", &feed_text, "--yes", "--json"],
        "",
    );
    assert_exit(&out, 4);
    let value = json(&out);
    assert_eq!(value["error"]["code"], "publish.set.blocked");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Bad.Core is in the set in 2 versions"),
        "{err}"
    );
    assert!(err.contains("[publish.set.missing_sibling]"), "{err}");
    assert!(!feed.join("bad.core").exists(), "nothing was sent");
}

#[test]
fn a_failure_exits_5_and_the_report_says_what_the_feed_holds() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let upstream: SocketAddr = ([127, 0, 0, 1], server.port()).into();
    let bin = family(&home.path().join("bin"));
    // The second upload fails every time (three attempts).
    let proxy = FaultProxy::start(
        upstream,
        vec![
            Fault::Pass,
            Fault::Status(500, vec![]),
            Fault::Status(500, vec![]),
            Fault::Status(500, vec![]),
        ],
    );
    let url = proxy.push_url();
    let bin_text = bin.to_string_lossy().into_owned();
    let out = cli(home.path()).run(
        &[
            "push",
            &bin_text,
            "--source",
            &url,
            "--api-key",
            KEY,
            "--yes",
            "--json",
            "--concurrency",
            "1",
        ],
        "",
    );
    assert_exit(&out, 5);
    let value = json(&out);
    assert_eq!(
        statuses(&value),
        [
            ("Set.Base".to_string(), "published".to_string()),
            ("Set.Mid".to_string(), "failed".to_string()),
            ("Set.Side".to_string(), "notSent".to_string()),
            ("Set.Top".to_string(), "notSent".to_string()),
        ]
    );
    assert!(server.stored_package("Set.Base", "1.0.0").is_some());
    for id in ["Set.Mid", "Set.Side", "Set.Top"] {
        assert!(server.stored_package(id, "1.0.0").is_none(), "{id}");
    }
    let top = &value["report"]["packages"][3]["result"]["reason"];
    assert!(
        top.as_str()
            .unwrap()
            .contains("Set.Mid 1.0.0, which failed"),
        "{top}"
    );

    // --keep-going: the independent Set.Side goes, Set.Top (after the failed Set.Mid) does not.
    let proxy = FaultProxy::start(
        upstream,
        vec![
            Fault::Status(500, vec![]),
            Fault::Status(500, vec![]),
            Fault::Status(500, vec![]),
        ],
    );
    let url = proxy.push_url();
    let out = cli(home.path()).run(
        &[
            "push",
            &bin_text,
            "--source",
            &url,
            "--api-key",
            KEY,
            "--yes",
            "--json",
            "--concurrency",
            "1",
            "--keep-going",
        ],
        "",
    );
    assert_exit(&out, 5);
    assert_eq!(
        statuses(&json(&out)),
        [
            ("Set.Base".to_string(), "alreadyThere".to_string()),
            ("Set.Mid".to_string(), "failed".to_string()),
            ("Set.Side".to_string(), "published".to_string()),
            ("Set.Top".to_string(), "notSent".to_string()),
        ]
    );
    assert!(server.stored_package("Set.Side", "1.0.0").is_some());
    assert!(server.stored_package("Set.Top", "1.0.0").is_none());
}
