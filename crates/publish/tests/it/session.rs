//! The publish session on folder feeds and unreachable feeds (no peer needed):
//! what the plan says, what publishing refuses, and that nothing is sent when
//! the plan says no. Moved here from the window's shell with the logic.

#![allow(clippy::unwrap_used)]

use nupub_feeds::{CancellationToken, ProgressSink, PushEvent, PushOptions, PushReport};
use nupub_publish::{
    prepare, publish, set_listed, ConfigScope, Consent, ListingRequest, Plan, PlanRequest,
    SymbolsPlan, VersionState,
};
use std::path::Path;
use std::sync::{Arc, Mutex};

fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    nupub_feeds::runtime().unwrap().block_on(future)
}

fn request(path: &Path, feed: &str) -> PlanRequest {
    PlanRequest::new(
        path.to_path_buf(),
        Some(feed.to_string()),
        ConfigScope::beside(path),
    )
}

fn plan(path: &Path, feed: &Path) -> Plan {
    plan_at(path, &feed.display().to_string())
}

fn plan_at(path: &Path, feed: &str) -> Plan {
    run(prepare(&request(path, feed))).unwrap().plan
}

fn push_with(
    path: &Path,
    feed: &str,
    consent: &Consent,
    sink: &ProgressSink,
    cancel: &CancellationToken,
) -> Result<PushReport, nupub_error::ErrorInfo> {
    run(publish(
        &request(path, feed),
        consent,
        &PushOptions::default(),
        sink,
        cancel,
    ))
    .map(|o| o.report)
    .map_err(|e| nupub_error::Coded::info(&e))
}

fn push(path: &Path, feed: &Path) -> Result<PushReport, nupub_error::ErrorInfo> {
    push_with(
        path,
        &feed.display().to_string(),
        &Consent::everything(),
        &nupub_feeds::no_progress(),
        &CancellationToken::new(),
    )
}

#[test]
fn publishing_a_package_with_errors_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // One flipped byte in the stored (uncompressed) padding, which is most
    // of the file: the CRC check finds it, so even a folder feed refuses it.
    let package = nupub_testkit::packages::make_nupkg(
        &dir.path().join("in"),
        "Damaged.Pkg",
        "1.0.0",
        "",
        64 * 1024,
    );
    let mut bytes = std::fs::read(&package).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xFF;
    std::fs::write(&package, &bytes).unwrap();
    let feed = dir.path().join("feed");
    let error = push(&package, &feed).unwrap_err();
    assert_eq!(error.code, "publish.blocked_by_checks", "{error:?}");
    assert!(
        error.message.contains("Damaged.Pkg 1.0.0"),
        "{}",
        error.message
    );
    assert!(error.hint.unwrap_or_default().contains("Checks"));
    assert_eq!(std::fs::read(&package).unwrap(), bytes, "file untouched");
    assert!(!feed.exists() || std::fs::read_dir(&feed).unwrap().count() == 0);
}

#[test]
fn a_cancel_that_comes_while_the_checks_run_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let package =
        nupub_testkit::packages::make_nupkg(&dir.path().join("in"), "Early.Cancel", "1.0.0", "", 0);
    let feed = dir.path().join("feed");
    let cancel = CancellationToken::new();
    cancel.cancel();
    let error = push_with(
        &package,
        &feed.display().to_string(),
        &Consent::everything(),
        &nupub_feeds::no_progress(),
        &cancel,
    )
    .unwrap_err();
    assert_eq!(error.code, "feed.push.cancelled");
    assert!(
        error.message.contains("Early.Cancel 1.0.0"),
        "{}",
        error.message
    );
    assert!(!feed.exists() || std::fs::read_dir(&feed).unwrap().count() == 0);
}

#[test]
fn publishes_to_a_folder_once_and_then_the_plan_says_the_version_exists() {
    let dir = tempfile::tempdir().unwrap();
    let package =
        nupub_testkit::packages::make_nupkg(&dir.path().join("in"), "Publish.Cmd", "1.0.0", "", 0);
    let before = std::fs::read(&package).unwrap();
    let feed = dir.path().join("feed");
    let first = plan(&package, &feed);
    assert_eq!(first.version, VersionState::Absent);
    assert!(first.reachable && first.blockers.is_empty(), "{first:?}");
    let report = push(&package, &feed).unwrap();
    assert_eq!(
        (report.id.as_str(), report.version.as_str()),
        ("Publish.Cmd", "1.0.0")
    );
    let stored = report
        .location
        .expect("a folder feed says where the package went");
    // A hierarchical feed names the version's folder; the file is inside.
    let stored = Path::new(&stored);
    let file = if stored.is_dir() {
        stored.join("publish.cmd.1.0.0.nupkg")
    } else {
        stored.to_path_buf()
    };
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // Now the plan says it exists, once, and nothing else claims the way is clear.
    let again = plan(&package, &feed);
    assert_eq!(again.version, VersionState::Present);
    assert_eq!(again.blockers.len(), 1, "{:?}", again.blockers);
    assert_eq!(again.blockers[0].code, "feed.push.version_exists");
    let error = push(&package, &feed).unwrap_err();
    assert_eq!(error.code, "feed.push.version_exists");
    assert!(error.hint.unwrap_or_default().contains("version"));
    assert!(
        error.message.contains("Nupub never overwrites a version"),
        "{}",
        error.message
    );
    assert_eq!(
        std::fs::read(&package).unwrap(),
        before,
        "the user's file is untouched"
    );
}

#[test]
fn the_plan_says_when_the_feed_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let package = nupub_testkit::packages::make_nupkg(dir.path(), "Pre.Down", "1.0.0", "", 0);
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/v3/index.json");
    let result = plan_at(&package, &url);
    assert!(!result.reachable);
    let error = result.reach_error.unwrap();
    assert!(nupub_error::is_valid_code(&error.code), "{}", error.code);
    assert_eq!(result.version, VersionState::Unknown);
    assert_ne!(result.key.need, nupub_publish::KeyNeed::None);
    // Said plainly, so the window never claims nothing stands in the way.
    assert_eq!(result.notes.len(), 1, "{:?}", result.notes);
    assert!(
        result.notes[0].contains("did not answer") && result.notes[0].contains("Pre.Down"),
        "{:?}",
        result.notes
    );
}

#[test]
fn unlisting_on_a_folder_feed_needs_the_removal_yes_and_deletes_nothing_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let package =
        nupub_testkit::packages::make_nupkg(&dir.path().join("in"), "Un.List", "1.0.0", "", 0);
    let feed = dir.path().join("feed");
    push(&package, &feed).unwrap();
    let listing = |listed: bool, remove: bool| {
        run(set_listed(
            &ListingRequest {
                scope: ConfigScope::beside(&package),
                feed: Some(feed.display().to_string()),
                id: "Un.List".into(),
                version: "1.0.0".into(),
                key: None,
                remove_from_folder: remove,
            },
            listed,
        ))
        .map_err(|e| nupub_error::Coded::info(&e))
    };
    assert_eq!(
        listing(true, true).unwrap_err().code,
        "feed.local.unsupported"
    );
    let refused = listing(false, false).unwrap_err();
    assert!(nupub_error::is_valid_code(&refused.code), "{refused:?}");
    assert_eq!(
        plan(&package, &feed).version,
        VersionState::Present,
        "the version is still in the folder"
    );
    let removed = listing(false, true).unwrap();
    assert!(removed.removed.is_some());
    assert_eq!(plan(&package, &feed).version, VersionState::Absent);
}

#[test]
fn hostile_packages_fail_with_a_coded_error_and_publish_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed");
    let missing = push(&dir.path().join("Nope.1.0.0.nupkg"), &feed).unwrap_err();
    assert!(
        nupub_error::is_valid_code(&missing.code),
        "{}",
        missing.code
    );
    assert!(
        missing.message.contains("Nope.1.0.0.nupkg"),
        "{}",
        missing.message
    );
    let garbage = dir.path().join("Garbage.1.0.0.nupkg");
    std::fs::write(&garbage, b"PK\x03\x04 this is not a zip").unwrap();
    let error = push(&garbage, &feed).unwrap_err();
    assert!(nupub_error::is_valid_code(&error.code), "{}", error.code);
    assert!(error.hint.is_some());
    assert_eq!(
        std::fs::read(&garbage).unwrap(),
        b"PK\x03\x04 this is not a zip"
    );
    let published = std::fs::read_dir(&feed).map(|d| d.count()).unwrap_or(0);
    assert_eq!(published, 0, "nothing reached the feed");
}

#[test]
fn a_broken_nuget_config_beside_the_package_is_named_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let package = nupub_testkit::packages::make_nupkg(dir.path(), "Cfg.Test", "1.0.0", "", 0);
    std::fs::write(
        dir.path().join("nuget.config"),
        "<configuration><packageSources><add key=",
    )
    .unwrap();
    let scope = ConfigScope::beside(&package);
    let error = nupub_error::Coded::info(&nupub_publish::feeds::list(&scope).unwrap_err());
    assert_eq!(error.code, "feed.config_unreadable");
    assert!(error.message.contains("nuget.config"), "{}", error.message);
    // Publishing from that folder says the same, and sends nothing.
    let feed = dir.path().join("feed");
    assert_eq!(
        push(&package, &feed).unwrap_err().code,
        "feed.config_unreadable"
    );
    assert!(!feed.exists());
}

#[test]
fn a_feed_name_that_is_nowhere_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let package = nupub_testkit::packages::make_nupkg(dir.path(), "Src.Test", "1.0.0", "", 0);
    let error = push_with(
        &package,
        "ftp://example.com/feed",
        &Consent::everything(),
        &nupub_feeds::no_progress(),
        &CancellationToken::new(),
    )
    .unwrap_err();
    assert_eq!(error.code, "feed.invalid_url");
}

#[test]
fn publishing_says_it_is_checking_the_package_again_before_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    let package =
        nupub_testkit::packages::make_nupkg(&dir.path().join("in"), "Re.Check", "1.0.0", "", 0);
    let feed = dir.path().join("feed");
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let sink: ProgressSink = Arc::new(move |e: PushEvent| seen.lock().unwrap().push(e));
    push_with(
        &package,
        &feed.display().to_string(),
        &Consent::everything(),
        &sink,
        &CancellationToken::new(),
    )
    .unwrap();
    let events = events.lock().unwrap();
    match events.first() {
        Some(PushEvent::Verifying { file }) => assert_eq!(file, "Re.Check.1.0.0.nupkg"),
        other => panic!("expected Verifying first, got {other:?}"),
    }
}

#[test]
fn the_plan_names_a_bad_symbol_package_and_every_error_where_it_would_be_sent() {
    let dir = tempfile::tempdir().unwrap();
    let package = nupub_testkit::packages::make_nupkg(dir.path(), "Sym.Check", "1.0.0", "", 0);
    let folder = dir.path().join("feed");
    // A feed that could not be asked whether it takes symbols: the .snupkg would be sent if it did.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let http = format!("http://127.0.0.1:{port}/v3/index.json");
    assert_eq!(plan(&package, &folder).symbols, SymbolsPlan::None);
    // The .nupkg itself renamed .snupkg (a classic mistake): not a
    // symbols package, no PDB; nuget.org would refuse it.
    let snupkg = dir.path().join("Sym.Check.1.0.0.snupkg");
    std::fs::copy(&package, &snupkg).unwrap();
    let before = std::fs::read(&snupkg).unwrap();
    let result = plan_at(&package, &http);
    match &result.symbols {
        SymbolsPlan::Invalid { file, errors } => {
            assert!(file.ends_with("Sym.Check.1.0.0.snupkg"), "{file}");
            let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
            assert!(codes.contains(&"symbols.no_pdb"), "{codes:?}");
            assert!(codes.contains(&"symbols.package_type"), "{codes:?}");
            for e in errors {
                assert!(nupub_error::is_valid_code(&e.code), "{}", e.code);
                assert!(!e.message.is_empty());
            }
        }
        other => panic!("expected the symbol errors, got {other:?}"),
    }
    assert!(
        result
            .blockers
            .iter()
            .any(|b| b.code == "feed.symbols_invalid"),
        "{:?}",
        result.blockers
    );
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["symbols"]["status"], "invalid");
    // A folder feed takes no symbol packages: the .snupkg stays, and blocks nothing.
    let local = plan(&package, &folder);
    match &local.symbols {
        SymbolsPlan::NotSupported { file } => assert!(file.ends_with("Sym.Check.1.0.0.snupkg")),
        other => panic!("expected not supported, got {other:?}"),
    }
    assert!(local.blockers.is_empty(), "{:?}", local.blockers);
    // Not a zip at all: one error naming the file, no panic.
    std::fs::write(&snupkg, b"PK\x03\x04 garbage").unwrap();
    match plan_at(&package, &http).symbols {
        SymbolsPlan::Invalid { errors, .. } => {
            assert_eq!(errors.len(), 1);
            assert!(
                errors[0].message.contains("Sym.Check.1.0.0.snupkg"),
                "{:?}",
                errors[0]
            );
        }
        other => panic!("expected an unreadable symbol package, got {other:?}"),
    }
    assert_eq!(std::fs::read(&package).unwrap().len(), before.len());

    // A real package with its real symbol package beside it: valid.
    let real = dir.path().join("real");
    std::fs::create_dir_all(&real).unwrap();
    for name in ["TestData.1.2.3.nupkg", "TestData.1.2.3.snupkg"] {
        std::fs::copy(nupub_testkit::fixture(name), real.join(name)).unwrap();
    }
    match plan_at(&real.join("TestData.1.2.3.nupkg"), &http).symbols {
        SymbolsPlan::Unknown { file } => assert!(file.ends_with("TestData.1.2.3.snupkg")),
        other => panic!("expected a valid symbol package the feed may take, got {other:?}"),
    }
    // And the result agrees with the plan: the folder feed kept it.
    let report = push(&real.join("TestData.1.2.3.nupkg"), &folder).unwrap();
    assert_eq!(
        serde_json::to_value(&report.symbols).unwrap()["status"],
        "notSupported"
    );
}

#[test]
fn the_plan_on_a_folder_says_the_previous_version_was_signed() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed");
    // The real author-signed 1.0.0, published to the folder feed first.
    push(
        &nupub_testkit::fixture("TestPackage.AuthorSigned.1.0.0.nupkg"),
        &feed,
    )
    .unwrap();
    let next = nupub_testkit::packages::make_nupkg(
        &dir.path().join("in"),
        "TestPackage.AuthorSigned",
        "1.1.0",
        "",
        0,
    );
    let result = plan(&next, &feed);
    assert_eq!(result.version, VersionState::Absent);
    let codes: Vec<&str> = result
        .feed_findings
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    assert!(
        codes.contains(&"sign.signed_to_unsigned"),
        "{codes:?} {:?}",
        result.notes
    );
    // A warning: publishing waits for its acknowledgement, by key.
    let ack = result
        .acknowledgements
        .iter()
        .find(|a| a.finding.code == "sign.signed_to_unsigned")
        .expect("the warning must be acknowledged");
    assert!(ack.from_feed);
    let refused = result.check(&Consent::default()).unwrap_err();
    assert_eq!(
        nupub_error::Coded::info(&refused).code,
        "publish.not_acknowledged"
    );
    let all: Vec<String> = result
        .acknowledgements
        .iter()
        .map(|a| a.key.clone())
        .collect();
    result
        .check(&Consent {
            acknowledged: all,
            ..Consent::default()
        })
        .unwrap();
    assert!(!codes.contains(&"version.exists"), "{codes:?}");
    // The same version again: said once, by `version`, not as a finding too.
    let same = plan(
        &nupub_testkit::fixture("TestPackage.AuthorSigned.1.0.0.nupkg"),
        &feed,
    );
    assert_eq!(same.version, VersionState::Present);
    assert!(same
        .feed_findings
        .iter()
        .all(|f| f.code != "version.exists"));
}

#[test]
fn the_config_scope_starts_in_the_package_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("A.1.0.0.nupkg");
    assert_eq!(ConfigScope::beside(&file).start_dir, dir.path());
    // A path whose folder does not exist falls back to the working folder.
    let missing = ConfigScope::beside(Path::new("/no/such/folder/A.nupkg"));
    assert!(missing.start_dir.is_dir());
}
