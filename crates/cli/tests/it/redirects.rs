//! An API key never leaves its feed: a feed on 127.0.0.1 that redirects
//! every request (301, 302, 303, 307, 308) to a recording server on another
//! loopback address (127.0.0.2, another origin). `nupub push`, `unlist`,
//! `relist` and `validate --source` run with a key (the real binary); the
//! recording server must never see the key or Basic credentials, and each
//! command fails with `feed.redirect_refused` naming the new location. A
//! same-origin redirect in front of the real pynuget still publishes.
#![allow(clippy::unwrap_used)]

use nupub_testkit::cli::{text, Nupub};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::{read, PyNuGet};
use nupub_testkit::wire::{CaptureServer, CapturedRequest, RedirectServer};
use std::path::Path;
use std::process::Output;

const KEY: &str = "redirect-key-0123456789";
const USER: &str = "feeduser";
const PASSWORD: &str = "feed-password-5550123";

fn cli(home: &Path) -> Nupub {
    Nupub::new(env!("CARGO_BIN_EXE_nupub"), home)
}

/// No request may carry the key, the password, or any Authorization header.
fn assert_no_secret(requests: &[CapturedRequest], case: &str) {
    for request in requests {
        let raw = format!("{:?}", request.headers);
        assert!(!raw.contains(KEY), "{case}: the key reached {request:?}");
        assert!(
            request.header("x-nuget-apikey").is_none(),
            "{case}: {request:?}"
        );
        assert!(
            request.header("authorization").is_none(),
            "{case}: {request:?}"
        );
    }
}

fn assert_refused(out: &Output, to: &str, case: &str) {
    let all = text(out);
    assert_ne!(out.status.code(), Some(0), "{case}: {all}");
    assert!(all.contains("feed.redirect_refused"), "{case}: {all}");
    assert!(all.contains(&format!("moved to {to}")), "{case}: {all}");
    assert!(!all.contains(KEY), "{case}: the key was printed: {all}");
    assert!(!all.contains(PASSWORD), "{case}: {all}");
}

#[test]
fn a_key_is_never_sent_to_the_origin_a_redirect_names() {
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Moved", "1.0.0", "", 0);
    let pkg = package.to_string_lossy().into_owned();
    for status in [301u16, 302, 303, 307, 308] {
        let recorder = CaptureServer::start_on("127.0.0.2", 201);
        let feed = RedirectServer::elsewhere(status, &recorder.base_url());
        let url = format!("{}/api/v2/package", feed.base_url());
        let to = format!("{}/api/v2/package/", recorder.base_url());
        let nupub = cli(home.path());

        // The key given on the command line.
        let case = format!("{status} push");
        let out = nupub.push(&pkg, &["--source", &url, "--api-key", KEY]);
        assert_refused(&out, &to, &case);

        // The key read from stdin (`--api-key -`).
        let case = format!("{status} unlist");
        let out = nupub.run(
            &[
                "unlist",
                "Nupub.Moved",
                "1.0.0",
                "--source",
                &url,
                "--api-key",
                "-",
            ],
            &format!("{KEY}\n"),
        );
        assert_refused(&out, &format!("{to}Nupub.Moved/1.0.0"), &case);

        let case = format!("{status} relist");
        let out = nupub.run(
            &[
                "relist",
                "Nupub.Moved",
                "1.0.0",
                "--source",
                &url,
                "--api-key",
                KEY,
            ],
            "",
        );
        assert_refused(&out, &format!("{to}Nupub.Moved/1.0.0"), &case);

        let case = format!("{status} validate --source");
        let out = nupub.run(&["validate", &pkg, "--source", &url, "--api-key", KEY], "");
        assert_refused(&out, &recorder.base_url(), &case);

        // A V3 service index that moves: the recorder would serve an index
        // naming itself as the push address, so following it would hand over the key.
        let case = format!("{status} push to a V3 index");
        let index = format!("{}/v3/index.json", feed.base_url());
        let out = nupub.push(&pkg, &["--source", &index, "--api-key", KEY]);
        assert_refused(
            &out,
            &format!("{}/v3/index.json", recorder.base_url()),
            &case,
        );

        // The feed's own address saw the key each time; the other origin nothing.
        let at_feed = feed.requests();
        let keyed = at_feed
            .iter()
            .filter(|r| r.header("x-nuget-apikey") == Some(KEY))
            .count();
        assert!(keyed >= 4, "{status}: {at_feed:?}");
        // The plan's anonymous reads (no key, no credentials) may follow the
        // redirect; nothing secret and nothing written ever reaches the other origin.
        assert_no_secret(&recorder.requests(), &format!("{status}"));
        assert!(
            recorder
                .requests()
                .iter()
                .all(|r| r.method == "GET" || r.method == "HEAD"),
            "{status}: {:?}",
            recorder.requests()
        );
    }
}

#[test]
fn basic_credentials_from_nuget_config_are_not_sent_to_another_origin() {
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Creds", "1.0.0", "", 0);
    let pkg = package.to_string_lossy().into_owned();
    for status in [302u16, 307] {
        let recorder = CaptureServer::start_on("127.0.0.2", 201);
        let feed = RedirectServer::elsewhere(status, &recorder.base_url());
        std::fs::write(
            home.path().join("nuget.config"),
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><add key="moving" value="{}/api/v2/package" /></packageSources>
  <packageSourceCredentials>
    <moving>
      <add key="Username" value="{USER}" />
      <add key="ClearTextPassword" value="{PASSWORD}" />
    </moving>
  </packageSourceCredentials>
</configuration>"#,
                feed.base_url()
            ),
        )
        .unwrap();
        let nupub = cli(home.path());
        let out = nupub.push(&pkg, &["--source", "moving"]);
        let to = format!("{}/api/v2/package/", recorder.base_url());
        assert_refused(&out, &to, &format!("{status} push with credentials"));
        let out = nupub.run(&["validate", &pkg, "--source", "moving"], "");
        assert_refused(&out, &recorder.base_url(), "validate with credentials");
        assert!(feed.requests().iter().any(|r| r
            .header("authorization")
            .is_some_and(|a| a.starts_with("Basic "))));
        assert_no_secret(&recorder.requests(), &format!("{status} credentials"));
        assert!(recorder.requests().is_empty());
    }
}

#[test]
fn a_same_origin_redirect_still_publishes_to_pynuget() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let upstream = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    for (n, status) in [301u16, 302, 307, 308].into_iter().enumerate() {
        let version = format!("1.0.{n}");
        let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Same", &version, "", 0);
        let front = RedirectServer::same_origin(status, upstream);
        let url = format!("{}/moved/api/v2/package", front.base_url());
        let out = cli(home.path()).push(&package, &["--source", &url, "--api-key", KEY]);
        assert_eq!(out.status.code(), Some(0), "{status}: {}", text(&out));
        let stored = server.stored_package("Nupub.Same", &version).unwrap();
        assert_eq!(read(&stored), read(&package), "{status}");
        let puts: Vec<String> = front
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .map(|r| r.path.clone())
            .collect();
        assert_eq!(
            puts,
            ["/moved/api/v2/package/", "/api/v2/package/"],
            "{status}"
        );
    }
    // 303 tells a client to GET something else: the push is not re-sent, nothing published.
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Same", "2.0.0", "", 0);
    let front = RedirectServer::same_origin(303, upstream);
    let url = format!("{}/moved/api/v2/package", front.base_url());
    let out = cli(home.path()).push(&package, &["--source", &url, "--api-key", KEY]);
    assert_refused(
        &out,
        &format!("{}/api/v2/package/", front.base_url()),
        "303 same origin",
    );
    assert!(server.stored_package("Nupub.Same", "2.0.0").is_none());
}
