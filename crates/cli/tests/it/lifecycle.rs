//! `nupub versions|unlist|relist|deprecate` as a user runs them, each in its
//! own HOME: against the real pynuget (listing, bulk unlist, relist), and
//! against the labelled deprecation fake in front of it (nuget.org's
//! deprecation API and registration, `nupub_testkit::deprecation`).
#![allow(clippy::unwrap_used)]

use nupub_testkit::cli::{assert_exit, text, Nupub};
use nupub_testkit::deprecation::{normalize, upstream_versions, DeprecationFake};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::PyNuGet;
use std::path::Path;
use std::process::Output;

const KEY: &str = "life-key-0123456789";

fn cli(home: &Path) -> Nupub {
    Nupub::new(env!("CARGO_BIN_EXE_nupub"), home)
}

/// `nupub ARGS --source SOURCE --api-key KEY --yes --json`.
fn change(home: &Path, source: &str, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--source", source, "--api-key", KEY, "--yes", "--json"]);
    cli(home).run(&all, "")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

fn publish(home: &Path, url: &str, id: &str, versions: &[&str]) {
    for v in versions {
        let package = make_nupkg(&home.join("pkgs"), id, v, "", 0);
        let out = cli(home).push(&package, &["--source", url, "--api-key", KEY]);
        assert_exit(&out, 0);
    }
}

/// `nupub versions --json`'s versions, normalized and sorted.
fn listed_by_nupub(home: &Path, id: &str, source: &str) -> Vec<String> {
    let out = cli(home).run(&["versions", id, "--source", source, "--json"], "");
    assert_exit(&out, 0);
    let view = json(&out);
    let mut versions: Vec<String> = view["list"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| normalize(v["version"].as_str().unwrap()))
        .collect();
    versions.sort();
    versions
}

fn listed_by_pynuget(server: &PyNuGet, id: &str) -> Vec<String> {
    let upstream = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let mut versions: Vec<String> = upstream_versions(upstream, id)
        .iter()
        .map(|v| normalize(v))
        .collect();
    versions.sort();
    versions
}

fn agree(home: &Path, server: &PyNuGet, id: &str, expected: &[&str]) {
    let ours = listed_by_nupub(home, id, &server.push_url());
    let theirs = listed_by_pynuget(server, id);
    assert_eq!(
        ours, theirs,
        "nupub versions and pynuget's own listing differ"
    );
    let mut expected: Vec<String> = expected.iter().map(|v| v.to_string()).collect();
    expected.sort();
    assert_eq!(ours, expected);
}

#[test]
fn versions_bulk_unlist_and_relist_agree_with_pynuget() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let server = PyNuGet::start(KEY);
    let url = server.push_url();
    let id = "Life.Pkg";
    publish(
        home,
        &url,
        id,
        &["1.0.0", "1.0.1", "1.0.2", "1.1.0", "2.0.0-beta"],
    );
    agree(
        home,
        &server,
        id,
        &["1.0.0", "1.0.1", "1.0.2", "1.1.0", "2.0.0-beta"],
    );

    // The human listing names every version and says the feed cannot tell unlisted ones.
    let out = cli(home).run(&["versions", id, "--source", &url], "");
    assert_exit(&out, 0);
    let printed = text(&out);
    for v in ["1.0.0", "1.0.1", "1.0.2", "1.1.0", "2.0.0-beta"] {
        assert!(printed.contains(v), "{printed}");
    }
    assert!(printed.contains("does not report unlisted"), "{printed}");

    // Nobody to ask and no --yes: nothing changes.
    let out = cli(home).run(
        &[
            "unlist",
            id,
            "--versions",
            "[1.0.1, 1.1.0)",
            "--source",
            &url,
            "--api-key",
            KEY,
        ],
        "",
    );
    assert_exit(&out, 2);
    agree(
        home,
        &server,
        id,
        &["1.0.0", "1.0.1", "1.0.2", "1.1.0", "2.0.0-beta"],
    );

    // A range: 1.0.1 and 1.0.2 (pynuget deletes what it unlists).
    let out = change(home, &url, &["unlist", id, "--versions", "[1.0.1, 1.1.0)"]);
    assert_exit(&out, 0);
    let report = json(&out);
    let done: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"]["kind"] == "done")
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(done, ["1.0.2", "1.0.1"]);
    assert!(!text(&out).contains(KEY), "the key is never printed");
    agree(home, &server, id, &["1.0.0", "1.1.0", "2.0.0-beta"]);

    // Relist one: pynuget has no relist, and Nupub says so; nothing changes.
    let out = change(home, &url, &["relist", id, "--versions", "1.0.0"]);
    assert_exit(&out, 1);
    let report = json(&out);
    assert_eq!(
        report["results"][0]["outcome"]["error"]["code"],
        "lifecycle.listing.relist_unsupported"
    );
    agree(home, &server, id, &["1.0.0", "1.1.0", "2.0.0-beta"]);
    // A version pynuget no longer serves cannot be relisted: said before anything is sent.
    let out = change(home, &url, &["relist", id, "--versions", "1.0.1"]);
    assert_exit(&out, 1);
    assert_eq!(json(&out)["error"]["code"], "lifecycle.select.not_on_feed");

    // Filters: "all prereleases older than 3.0.0" is 2.0.0-beta only.
    let out = cli(home).run(
        &[
            "unlist",
            id,
            "--versions",
            "prerelease older than 3.0.0",
            "--source",
            &url,
            "--api-key",
            KEY,
            "--yes",
        ],
        "",
    );
    assert_exit(&out, 0);
    agree(home, &server, id, &["1.0.0", "1.1.0"]);

    // Nothing matches: an error, not an empty success.
    let out = change(home, &url, &["unlist", id, "--versions", "5.x"]);
    assert_exit(&out, 1);
    assert_eq!(json(&out)["error"]["code"], "lifecycle.select.empty");

    // The classic one-version form still works.
    let out = cli(home).run(
        &["unlist", id, "1.1.0", "--source", &url, "--api-key", KEY],
        "",
    );
    assert_exit(&out, 0);
    agree(home, &server, id, &["1.0.0"]);
}

#[test]
fn folder_feeds_remove_only_with_the_typed_id() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let feed = home.join("feed");
    let feed_text = feed.to_string_lossy().into_owned();
    publish(home, &feed_text, "Life.Local", &["1.0.0", "1.1.0"]);
    assert_eq!(
        listed_by_nupub(home, "Life.Local", &feed_text),
        ["1.0.0", "1.1.0"]
    );
    for extra in [&["--yes"][..], &["--yes", "--confirm", "life.local"][..]] {
        let mut args = vec![
            "unlist",
            "Life.Local",
            "--versions",
            "1.x",
            "--source",
            &feed_text,
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = cli(home).run(&args, "");
        assert_exit(&out, 1);
        assert_eq!(
            json(&out)["error"]["code"],
            "lifecycle.listing.removal_unconfirmed"
        );
        assert_eq!(
            listed_by_nupub(home, "Life.Local", &feed_text),
            ["1.0.0", "1.1.0"]
        );
    }
    let out = cli(home).run(
        &[
            "unlist",
            "Life.Local",
            "--versions",
            "1.0.0",
            "--source",
            &feed_text,
            "--confirm",
            "Life.Local",
        ],
        "",
    );
    assert_exit(&out, 0);
    assert!(text(&out).contains("DELETES"), "{}", text(&out));
    assert_eq!(listed_by_nupub(home, "Life.Local", &feed_text), ["1.1.0"]);
    let out = cli(home).run(
        &[
            "relist",
            "Life.Local",
            "--versions",
            "1.1.0",
            "--source",
            &feed_text,
            "--yes",
            "--json",
        ],
        "",
    );
    assert_exit(&out, 1);
    assert_eq!(
        json(&out)["error"]["code"],
        "lifecycle.listing.folder_relist"
    );
    let out = cli(home).run(
        &[
            "deprecate",
            "Life.Local",
            "--versions",
            "1.1.0",
            "--reason",
            "legacy",
            "--source",
            &feed_text,
            "--yes",
            "--json",
        ],
        "",
    );
    assert_exit(&out, 1);
    assert_eq!(
        json(&out)["error"]["code"],
        "lifecycle.deprecation.unsupported"
    );
}

#[test]
fn deprecation_against_the_spec_fake() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let server = PyNuGet::start(KEY);
    let id = "Life.Dep";
    publish(home, &server.push_url(), id, &["1.0.0", "1.0.1", "2.0.0"]);
    let fake = DeprecationFake::start(&server, &[id]);
    fake.add_other_package("Life.Next", &["3.0.0"]);
    let src = fake.index_url();
    let run = |args: &[&str]| change(home, &src, args);
    let view = |version: &str| -> serde_json::Value {
        let out = cli(home).run(&["versions", id, "--source", &src, "--json"], "");
        assert_exit(&out, 0);
        let view = json(&out);
        assert_eq!(view["list"]["from"], "registration");
        view["list"]["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["version"] == version)
            .cloned()
            .unwrap_or_else(|| panic!("{version} missing: {view}"))
    };
    assert_eq!(view("1.0.0")["listed"], true);
    assert!(view("1.0.0")["deprecation"].is_null());

    // Deprecated with two reasons, an alternate at a version and a message.
    let out = run(&[
        "deprecate",
        id,
        "--versions",
        "1.x",
        "--reason",
        "critical-bugs,legacy",
        "--alternate",
        "Life.Next@3.0",
        "--message",
        "Broken serializer",
    ]);
    assert_exit(&out, 0);
    let sent = fake.deprecation_requests();
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(request.path, "/api/v2/package/Life.Dep/deprecations");
    assert_eq!(request.header("x-nuget-apikey"), Some(KEY));
    assert!(request.header("user-agent").unwrap().starts_with("Nupub/"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "versions": ["1.0.1", "1.0.0"], "isLegacy": true, "hasCriticalBugs": true, "isOther": false,
            "alternatePackageId": "Life.Next", "alternatePackageVersion": "3.0.0",
            "message": "Broken serializer", "listedVerb": "Unchanged"
        })
    );
    // The registration the fake serves drives the view.
    for v in ["1.0.0", "1.0.1"] {
        let d = &view(v)["deprecation"];
        assert_eq!(d["reasons"], serde_json::json!(["Legacy", "CriticalBugs"]));
        assert_eq!(d["alternateId"], "Life.Next");
        assert_eq!(d["alternateRange"], "[3.0.0, )");
        assert_eq!(d["message"], "Broken serializer");
    }
    assert!(view("2.0.0")["deprecation"].is_null());
    let out = cli(home).run(&["versions", id, "--source", &src], "");
    assert!(
        text(&out)
            .contains("DEPRECATED (Legacy, CriticalBugs) → Life.Next [3.0.0, ): Broken serializer"),
        "{}",
        text(&out)
    );

    // Undo one.
    let out = run(&["deprecate", id, "--versions", "1.0.0", "--undo"]);
    assert_exit(&out, 0);
    assert!(view("1.0.0")["deprecation"].is_null());
    assert!(!view("1.0.1")["deprecation"].is_null());

    // Refused here, before anything is sent: nuget.org's rules.
    let before = fake.deprecation_requests().len();
    let long = "x".repeat(1001);
    for (args, expected) in [
        (
            vec!["deprecate", id, "--versions", "2.0.0", "--reason", "other"],
            "needs a message",
        ),
        (
            vec![
                "deprecate",
                id,
                "--versions",
                "2.0.0",
                "--reason",
                "legacy",
                "--message",
                &long,
            ],
            "1001",
        ),
        (
            vec![
                "deprecate",
                id,
                "--versions",
                "2.0.0",
                "--reason",
                "legacy",
                "--alternate",
                "life.dep",
            ],
            "itself",
        ),
        (vec!["deprecate", id, "--versions", "2.0.0"], "no reason"),
    ] {
        let out = run(&args);
        assert_exit(&out, 1);
        let error = &json(&out)["error"];
        assert_eq!(error["code"], "lifecycle.deprecation.invalid");
        assert!(
            error["message"].as_str().unwrap().contains(expected),
            "{error}"
        );
    }
    assert_eq!(
        fake.deprecation_requests().len(),
        before,
        "nothing was sent"
    );

    // The documented answers, explained.
    let out = run(&[
        "deprecate",
        id,
        "--versions",
        "2.0.0",
        "--reason",
        "legacy",
        "--alternate",
        "Life.Nope",
    ]);
    assert_exit(&out, 1);
    let error = &json(&out)["error"];
    assert_eq!(error["code"], "lifecycle.deprecation.refused");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Alternate package 'Life.Nope' does not exist."),
        "{error}"
    );

    fake.set_flight(false);
    let out = run(&["deprecate", id, "--versions", "2.0.0", "--reason", "legacy"]);
    assert_exit(&out, 1);
    let error = &json(&out)["error"];
    assert_eq!(error["code"], "lifecycle.deprecation.not_enabled");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("You do not have permission to deprecate this package."));
    assert!(
        error["hint"].as_str().unwrap().contains("Manage page"),
        "{error}"
    );
    fake.set_flight(true);

    fake.set_locked(true);
    let out = run(&["deprecate", id, "--versions", "2.0.0", "--reason", "legacy"]);
    assert_exit(&out, 1);
    assert!(json(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("is locked"));
    fake.set_locked(false);

    // 429 with Retry-After: waited out, then done.
    fake.fail_deprecations(&[429]);
    let before = fake.deprecation_requests().len();
    let out = run(&["deprecate", id, "--versions", "2.0.0", "--reason", "legacy"]);
    assert_exit(&out, 0);
    assert!(text(&out).contains("wait 1 s"), "{}", text(&out));
    assert_eq!(fake.deprecation_requests().len(), before + 2);
    assert!(fake.deprecation_of(id, "2.0.0").unwrap().legacy);

    // A wrong key: nuget.org's 403.
    let out = cli(home).run(
        &[
            "deprecate",
            id,
            "--versions",
            "2.0.0",
            "--reason",
            "legacy",
            "--source",
            &src,
            "--api-key",
            "wrong",
            "--yes",
            "--json",
        ],
        "",
    );
    assert_exit(&out, 1);
    assert_eq!(
        json(&out)["error"]["code"],
        "lifecycle.deprecation.not_enabled"
    );

    // listedVerb=Unlist: unlisted in the same request; a later unlist skips it and sends nothing.
    let out = run(&[
        "deprecate",
        id,
        "--versions",
        "1.0.1",
        "--reason",
        "legacy",
        "--unlist",
    ]);
    assert_exit(&out, 0);
    assert_eq!(view("1.0.1")["listed"], false);
    let deletes = fake
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    let out = run(&["unlist", id, "--versions", "1.0.1"]);
    assert_exit(&out, 0);
    assert_eq!(json(&out)["results"][0]["outcome"]["kind"], "skipped");
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count(),
        deletes
    );

    // A feed without the API (pynuget itself): said plainly.
    let out = change(
        home,
        &server.push_url(),
        &["deprecate", id, "--versions", "2.0.0", "--reason", "legacy"],
    );
    assert_exit(&out, 1);
    assert_eq!(
        json(&out)["error"]["code"],
        "lifecycle.deprecation.unsupported"
    );
}
