//! `nupub push|unlist|relist|sources` as a user runs them, each in its own
//! HOME, against the real pynuget, a folder feed and a real gnome-keyring.
#![allow(clippy::unwrap_used)]

use nupub_testkit::cli::{assert_exit, text, Nupub};
use nupub_testkit::packages::{make_nupkg, make_snupkg};
use nupub_testkit::pynuget::{read, PyNuGet, StaticV3Index};
use nupub_testkit::secret_service::SecretService;
use nupub_testkit::wire::{Fault, FaultProxy};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

const KEY: &str = "cli-key-0123456789";

/// `nupub ARGS` in its own HOME (the testkit's runner).
fn nupub(home: &Path, env: &[(String, String)], args: &[&str], stdin: &str) -> Output {
    cli(home, env).run(args, stdin)
}

/// The testkit's runner for `nupub` in `home` with `env`.
fn cli(home: &Path, env: &[(String, String)]) -> Nupub {
    Nupub::new(env!("CARGO_BIN_EXE_nupub"), home).envs(env)
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
    assert_exit(&out, 2);
    assert!(text(&out).contains("--yes"), "{}", text(&out));
    assert!(server.stored_package("Nupub.Cli", "1.0.0").is_none());

    // Published (key from NUGET_API_KEY), byte-identical, JSON report on stdout.
    let env = [("NUGET_API_KEY".to_string(), KEY.to_string())];
    let out = cli(home.path(), &env).push(&pkg, &["--source", &url, "--json"]);
    assert_exit(&out, 0);
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
    let out = cli(home.path(), &env).push(&pkg, &["--source", &url]);
    assert_exit(&out, 3);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Nupub.Cli 1.0.0 already exists"), "{err}");
    assert!(err.contains("[feed.push.version_exists]"), "{err}");
    assert!(err.contains("fix: raise the version number"), "{err}");

    // A wrong key on a new version: exit 1 with the reason and a fix.
    let second = make_nupkg(&home.path().join("pkgs2"), "Nupub.Cli", "1.1.0", "", 0);
    let out =
        cli(home.path(), &[]).push(&second, &["--source", &url, "--api-key", "WRONG-KEY-7731"]);
    assert_exit(&out, 1);
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
    let out = cli(home.path(), &env).push(&junk, &["--source", &url]);
    assert_exit(&out, 1);
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
    assert_exit(&out, 0);
    assert!(server.stored_package("Nupub.Cli", "1.0.0").is_none());
    let out = nupub(
        home.path(),
        &env,
        &["unlist", "Nupub.Cli", "1.0.0", "--source", &url],
        "",
    );
    assert_exit(&out, 1);
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
    let out = cli(home.path(), &[]).push(&pkg, &["--source", &feed_arg]);
    assert_exit(&out, 0);
    let stored = feed.join("nupub.folder/2.0.0/nupub.folder.2.0.0.nupkg");
    assert_eq!(read(&stored), read(&package));
    let out = cli(home.path(), &[]).push(&pkg, &["--source", &feed_arg]);
    assert_exit(&out, 3);
    // A relative folder works too (resolved against the current folder).
    let out = cli(home.path(), &[]).push(&pkg, &["--source", "feed"]);
    assert_exit(&out, 3);

    let out = nupub(
        home.path(),
        &[],
        &["relist", "Nupub.Folder", "2.0.0", "--source", &feed_arg],
        "",
    );
    assert_exit(&out, 1);
    let out = nupub(
        home.path(),
        &[],
        &["unlist", "Nupub.Folder", "2.0.0", "--source", &feed_arg],
        "",
    );
    assert_exit(&out, 1);
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
    assert_exit(&out, 0);
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
    assert_exit(&out, 0);
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
    cli(home.path(), &env).set_key("team", KEY, &[]);
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Keyring", "1.0.0", "", 0);
    // No --source: defaultPushSource from the config file.
    let out = cli(home.path(), &env).push(&package, &["--configfile", &cfg]);
    assert_exit(&out, 0);
    assert!(server.stored_package("Nupub.Keyring", "1.0.0").is_some());
    // A disabled source is refused by name.
    let out = cli(home.path(), &env).push(&package, &["--configfile", &cfg, "--source", "off"]);
    assert_exit(&out, 1);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("source_disabled"),
        "{}",
        text(&out)
    );
}

/// Runs `nupub ARGS` on a pseudo-terminal (the runner clears the environment,
/// CI=true included), typing `input` once nupub asks.
fn nupub_on_terminal(home: &Path, args: &[&str], input: &str) -> Output {
    cli(home, &[]).answer_on_terminal(args, "Publish it? [y/N]", input)
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
    assert!(shown.contains("not published"), "{shown}");
    assert_exit(&out, 1);
    assert!(!stored.exists());

    let out = nupub_on_terminal(home.path(), &["push", &pkg, "--source", &feed_arg], "y\n");
    assert_exit(&out, 0);
    assert_eq!(read(&stored), read(&package));
}

#[test]
fn on_a_terminal_an_upload_shows_a_bar_and_the_next_line_starts_clean() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    // 4 MB of incompressible content: several progress events.
    let package = make_nupkg(
        &home.path().join("pkgs"),
        "Nupub.Bar",
        "1.0.0",
        "",
        4_000_000,
    );
    let pkg = package.to_string_lossy().into_owned();
    let url = server.push_url();
    let out = nupub_on_terminal(
        home.path(),
        &["push", &pkg, "--source", &url, "--api-key", KEY],
        "y\n",
    );
    assert_exit(&out, 0);
    // What a terminal shows: escape sequences dropped, each \r-rewrite a line.
    let raw = text(&out);
    let mut shown = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters, then one final letter.
            chars.next();
            while chars.next().is_some_and(|c| !c.is_ascii_alphabetic()) {}
        } else {
            shown.push(if c == '\r' { '\n' } else { c });
        }
    }
    let lines: Vec<&str> = shown.lines().map(str::trim_end).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Nupub.Bar.1.0.0.nupkg ") && l.contains("100% of 3.")),
        "{shown}"
    );
    assert!(
        lines.contains(&"Sent; waiting for the feed's answer..."),
        "the line after the bar starts on its own line: {shown}"
    );
    assert!(server.stored_package("Nupub.Bar", "1.0.0").is_some());
}

/// Starts `nupub push PACKAGE --api-key KEY --yes` to `server` through a
/// proxy that applies `fault`, for a test to act while it runs.
fn push_through(
    server: &PyNuGet,
    fault: Fault,
    home: &Path,
    package: &Path,
) -> (FaultProxy, nupub_testkit::cli::Running) {
    let upstream = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = FaultProxy::start(upstream, vec![fault]);
    let run = cli(home, &[]).start(&[
        "push",
        &package.to_string_lossy(),
        "--source",
        &proxy.push_url(),
        "--api-key",
        KEY,
        "--yes",
    ]);
    (proxy, run)
}

#[test]
fn ctrl_c_during_the_upload_stops_it_and_nothing_is_published() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    // About 5 MB through a proxy that reads 256 kB/s: some 20 s of upload. (Socket
    // buffers take a few MB at once, so a faster proxy could have it all before Ctrl-C.)
    let package = make_nupkg(
        &home.path().join("pkgs"),
        "Nupub.Interrupted",
        "1.0.0",
        "",
        5 * 1024 * 1024,
    );
    let (proxy, mut run) =
        push_through(&server, Fault::Throttle(256 * 1024), home.path(), &package);
    run.wait_for_stderr(
        "Pushing Nupub.Interrupted.1.0.0.nupkg",
        Duration::from_secs(30),
    );
    // Let the upload get going, then press Ctrl-C.
    std::thread::sleep(Duration::from_millis(1500));
    run.interrupt();
    let out = run.finish(Duration::from_secs(30));
    assert_eq!(out.code, Some(130), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Ctrl-C: stopping the upload of Nupub.Interrupted 1.0.0"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("was cancelled before the package was fully sent; nothing was published"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("[feed.push.cancelled]"),
        "{}",
        out.stderr
    );
    // The proxy saw one PUT, stopped mid-body, and forwarded nothing to pynuget.
    let start = std::time::Instant::now();
    while proxy.puts_received() == 0 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(proxy.puts_received(), 1, "{:?}", proxy.events());
    assert!(proxy.forwarded_puts().is_empty(), "{:?}", proxy.events());
    // Before it, only the plan's questions (GETs) went through.
    let events = proxy.events();
    let put = events
        .iter()
        .position(|e| e.method == "PUT")
        .expect("one PUT");
    assert!(
        events[..put].iter().all(|e| e.method == "GET"),
        "{events:?}"
    );
    assert!(
        events[put]
            .fault
            .contains("the client stopped before the body was complete"),
        "{events:?}"
    );
    // Asked directly: pynuget does not hold the version.
    assert!(server
        .stored_package("Nupub.Interrupted", "1.0.0")
        .is_none());
    let (status, listed) = nupub_testkit::http::get(&format!(
        "{}/FindPackagesById()?id='Nupub.Interrupted'",
        server.base_url()
    ))
    .unwrap();
    assert_eq!(status, 200, "{listed}");
    assert!(!listed.contains("1.0.0"), "{listed}");
    assert!(
        std::fs::read(&package).unwrap().len() > 5 * 1024 * 1024,
        "the user's package is untouched"
    );
}

/// Entry names and bytes of the PDBs in a symbol package.
type Pdbs<'a> = &'a [(&'a str, &'a [u8])];

/// A portable PDB taken from a real package, for symbol packages built here.
fn real_pdb(fixture: &str, entry: &str) -> Vec<u8> {
    nupub_package::Package::open(&nupub_testkit::fixture(fixture))
        .unwrap()
        .read_entry(entry, 1 << 26)
        .unwrap()
}

#[test]
fn the_symbol_package_is_validated_before_anything_is_sent() {
    let home = tempfile::tempdir().unwrap();
    let packages = PyNuGet::start(KEY);
    let symbols = PyNuGet::start(KEY);
    let index = StaticV3Index::start(&[
        ("PackagePublish/2.0.0", &packages.push_url()),
        ("SymbolPackagePublish/4.9.0", &symbols.push_url()),
    ]);
    let feed = index.index_url();
    let env = [("NUGET_API_KEY".to_string(), KEY.to_string())];
    let dir = home.path().join("pkgs");
    std::fs::create_dir_all(&dir).unwrap();
    // The real TestData 1.2.3 package, beside symbol packages made here.
    let nupkg = dir.join("TestData.1.2.3.nupkg");
    std::fs::copy(nupub_testkit::fixture("TestData.1.2.3.nupkg"), &nupkg).unwrap();
    let pkg = nupkg.to_string_lossy().into_owned();
    let windows_pdb: &[u8] = b"Microsoft C/C++ MSF 7.00\r\n\x1aDS\0\0\0";
    let foreign = real_pdb(
        "Newtonsoft.Json.Bson.1.0.2.nupkg",
        "lib/netstandard2.0/Newtonsoft.Json.Bson.pdb",
    );
    // (the PDBs in the .snupkg, what the refusal must say)
    let cases: [(Pdbs, &[&str]); 3] = [
        (
            &[("lib/net5.0/TestData.pdb", windows_pdb)],
            &["symbols.pdb_not_portable", "TestData.pdb is a Windows PDB"],
        ),
        (
            &[("lib/net5.0/Other.pdb", &foreign)],
            &["symbols.pdb_without_dll", "has no matching assembly"],
        ),
        (
            &[("lib/net5.0/TestData.pdb", &foreign)],
            &["symbols.checksum_mismatch", "was not built together with"],
        ),
    ];
    for (pdbs, expected) in cases {
        make_snupkg(&dir, "TestData", "1.2.3", pdbs);
        let out = cli(home.path(), &env).push(&pkg, &["--source", &feed]);
        // 4: refused by the plan before anything was sent.
        assert_exit(&out, 4);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("[feed.symbols_invalid]"), "{err}");
        assert!(err.contains("nothing was sent"), "{err}");
        assert!(err.contains("--symbols none"), "{err}");
        for part in expected {
            assert!(err.contains(part), "{part}: {err}");
        }
        assert!(packages.stored_package("TestData", "1.2.3").is_none());
        assert!(symbols.stored_package("TestData", "1.2.3").is_none());
    }
    // The window gets the same refusal: it plans with the same function.
    let refused = nupub_feeds_plan(&nupkg, &feed);
    assert_eq!(refused, "feed.symbols_invalid");

    // A hostile symbol package (not a zip) is refused too, and left as it was.
    std::fs::write(dir.join("TestData.1.2.3.snupkg"), b"not a zip").unwrap();
    let out = cli(home.path(), &env).push(&pkg, &["--source", &feed]);
    assert_exit(&out, 4);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("TestData.1.2.3.snupkg cannot be read"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read(dir.join("TestData.1.2.3.snupkg")).unwrap(),
        b"not a zip"
    );
    assert!(packages.stored_package("TestData", "1.2.3").is_none());

    // A good pair (the PDB of this very build): both go out.
    make_snupkg(
        &dir,
        "TestData",
        "1.2.3",
        &[(
            "lib/net5.0/TestData.pdb",
            &real_pdb("TestData.1.2.3.snupkg", "lib/net5.0/TestData.pdb"),
        )],
    );
    let out = cli(home.path(), &env).push(&pkg, &["--source", &feed, "--json"]);
    assert_exit(&out, 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["symbols"]["status"], "pushed", "{report}");
    assert_eq!(
        read(&packages.stored_package("TestData", "1.2.3").unwrap()),
        read(&nupkg)
    );
    assert_eq!(
        read(&symbols.stored_package("TestData", "1.2.3").unwrap()),
        read(&dir.join("TestData.1.2.3.snupkg"))
    );
}

/// The window's plan for the same push (the publish core, called as the shell calls it).
fn nupub_feeds_plan(path: &Path, feed: &str) -> String {
    let request = nupub_publish::PlanRequest::new(
        path.to_path_buf(),
        Some(feed.to_string()),
        nupub_publish::ConfigScope::beside(path),
    );
    let plan = nupub_feeds::runtime()
        .unwrap()
        .block_on(nupub_publish::prepare(&request))
        .unwrap()
        .plan;
    plan.blockers
        .first()
        .map(|b| b.code.clone())
        .unwrap_or_default()
}

#[test]
fn ctrl_c_after_the_whole_package_was_sent_says_the_feed_may_have_it() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Late", "1.0.0", "", 0);
    // The proxy hands the package to pynuget (which stores it), then never answers.
    let (proxy, mut run) = push_through(&server, Fault::StallAfterForward, home.path(), &package);
    run.wait_for_stderr(
        "Sent Nupub.Late.1.0.0.nupkg; waiting for the feed's answer",
        Duration::from_secs(30),
    );
    run.interrupt();
    run.wait_for_stderr(
        "Ctrl-C: the whole package was already sent",
        Duration::from_secs(10),
    );
    assert!(
        run.stderr()
            .contains("so the feed may already have Nupub.Late 1.0.0"),
        "{}",
        run.stderr()
    );
    // Still waiting for the answer: a second Ctrl-C stops waiting.
    std::thread::sleep(Duration::from_millis(500));
    run.interrupt();
    let out = run.finish(Duration::from_secs(30));
    assert_eq!(out.code, Some(130), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Stopped without the feed's answer: the feed may have Nupub.Late 1.0.0"),
        "{}",
        out.stderr
    );
    // And it does: the whole body had reached pynuget. One PUT, never repeated.
    let start = std::time::Instant::now();
    while server.stored_package("Nupub.Late", "1.0.0").is_none()
        && start.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        read(&server.stored_package("Nupub.Late", "1.0.0").unwrap()),
        read(&package)
    );
    assert_eq!(proxy.puts_received(), 1, "{:?}", proxy.events());
}
