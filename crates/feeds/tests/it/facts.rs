//! Feed facts against real peers: pynuget (a real V2 server) directly and
//! behind a static V3 service index, a static V3 flat container served by
//! Python's http.server (no runnable V3 server exists), folder feeds, and
//! the fake search service (`nupub_testkit::search`: no real peer serves
//! nuget.org's search with owners and verified) for owners and hostile answers.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{code, runtime, KEY};
use nupub_feeds::{Auth, FactsOptions, FeedClient, FeedError, Source};
use nupub_package::NuGetVersion;
use nupub_rules::{FeedFacts, Options, RuleTarget};
use nupub_testkit::nuget_exe::NuGetExe;
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::{serve_folder, write_v3_index, PyNuGet, StaticV3Index};
use nupub_testkit::search::{Answer, Body, FakeSearch};
use std::path::Path;
use std::time::Duration;

const SIGNED: &str = "TestPackage.AuthorSigned.1.0.0.nupkg";
const SIGNED_ID: &str = "TestPackage.AuthorSigned";

fn facts(source: &Source, id: &str, version: &str, user_name: Option<&str>) -> FeedFacts {
    try_facts(source, id, version, user_name, &FactsOptions::default())
        .unwrap_or_else(|e| panic!("facts for {id} {version}: {e}"))
}

fn try_facts(
    source: &Source,
    id: &str,
    version: &str,
    you: Option<&str>,
    options: &FactsOptions,
) -> Result<FeedFacts, FeedError> {
    let client = FeedClient::new().unwrap();
    let version = NuGetVersion::parse(version).unwrap();
    runtime().block_on(client.facts(source, &Auth::default(), id, &version, you, options))
}

/// Pushes with the official client, as a maintainer published earlier versions.
fn push_with_nuget(server: &PyNuGet, package: &Path) {
    NuGetExe::new()
        .push(package, &server.push_url(), Some(KEY))
        .expect_success("nuget push");
}

fn rule_codes(package: &Path, facts: FeedFacts, target: RuleTarget) -> Vec<String> {
    let mut options = Options::for_target(target);
    options.feed = Some(facts);
    nupub_rules::validate_file(package, &options)
        .findings
        .into_iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn pynuget_v2_previous_version_signature_and_existence() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    push_with_nuget(&server, &nupub_testkit::fixture(SIGNED));
    let source = Source::from_url("pynuget", &server.push_url()).unwrap();

    // An unsigned higher version: the previous one was author-signed.
    let next = make_nupkg(work.path(), SIGNED_ID, "1.1.0", "", 0);
    let f = facts(&source, SIGNED_ID, "1.1.0", None);
    assert_eq!(f.version_exists, Some(false), "{f:?}");
    assert_eq!(f.id_exists, Some(true), "{f:?}");
    let previous = f.previous_version.clone().expect("previous version");
    assert_eq!(previous.version, "1.0.0");
    assert!(previous.author_signed, "{f:?}");
    assert!(f.owners.is_empty() && f.you_are_owner.is_none() && f.reserved_by_others.is_none());
    assert!(f.notes.is_empty(), "{:?}", f.notes);
    let codes = rule_codes(&next, f, RuleTarget::NugetOrg);
    assert!(
        codes.contains(&"sign.signed_to_unsigned".to_string()),
        "{codes:?}"
    );
    assert!(!codes.contains(&"version.exists".to_string()), "{codes:?}");

    // The same version again: it exists, an error for every target.
    let f = facts(&source, SIGNED_ID, "1.0.0", None);
    assert_eq!(f.version_exists, Some(true), "{f:?}");
    assert_eq!(f.previous_version, None);
    let same = make_nupkg(&work.path().join("same"), SIGNED_ID, "1.0.0", "", 0);
    assert!(rule_codes(&same, f, RuleTarget::Generic).contains(&"version.exists".to_string()));

    // An unsigned version in between: the nearest lower one decides.
    let unsigned = make_nupkg(&work.path().join("u"), SIGNED_ID, "1.0.5", "", 0);
    push_with_nuget(&server, &unsigned);
    let f = facts(&source, SIGNED_ID, "1.1.0", None);
    let previous = f.previous_version.clone().unwrap();
    assert_eq!(
        (previous.version.as_str(), previous.author_signed),
        ("1.0.5", false)
    );
    assert!(!rule_codes(&next, f, RuleTarget::NugetOrg)
        .contains(&"sign.signed_to_unsigned".to_string()));

    // A new id: nothing to say.
    let f = facts(&source, "Nupub.Facts.New", "1.0.0", None);
    assert_eq!(f.version_exists, Some(false));
    assert_eq!(f.id_exists, Some(false));
    assert_eq!(f.previous_version, None);
    let new = make_nupkg(&work.path().join("n"), "Nupub.Facts.New", "1.0.0", "", 0);
    let offline = rule_codes(&new, FeedFacts::default(), RuleTarget::NugetOrg);
    assert_eq!(rule_codes(&new, f, RuleTarget::NugetOrg), offline);
}

#[test]
fn v3_index_owners_verified_and_prefix_hints() {
    let server = PyNuGet::start(KEY);
    push_with_nuget(&server, &nupub_testkit::fixture(SIGNED));
    let search = FakeSearch::owning(SIGNED_ID, &["nuget-tests", "Ann"], true);
    search.on(
        "contoso",
        Answer::hits(&[("Contoso.Core", &["contoso"], true)]),
    );
    let (_index, source) = v3_with_search(&server, &search);

    // Versions come from pynuget behind the index, owners from search.
    let f = facts(&source, SIGNED_ID, "2.0.0", Some("ann"));
    assert_eq!(f.version_exists, Some(false));
    assert!(f.previous_version.as_ref().unwrap().author_signed);
    assert_eq!(f.owners, ["nuget-tests", "Ann"]);
    assert_eq!(f.you_are_owner, Some(true));
    assert_eq!(f.reserved_by_others, Some(false));
    let query = search.queries()[0].clone();
    for part in [
        &format!("q=packageid:{SIGNED_ID}"),
        "prerelease=true",
        "semVerLevel=2.0.0",
    ] {
        assert!(query.contains(part), "{query}");
    }

    // Someone else: the id is theirs and inside their reserved prefix.
    let f = facts(&source, SIGNED_ID, "2.0.0", Some("mallory"));
    assert_eq!(f.you_are_owner, Some(false));
    assert_eq!(f.reserved_by_others, Some(true));
    let work = tempfile::tempdir().unwrap();
    let package = make_nupkg(work.path(), SIGNED_ID, "2.0.0", "", 0);
    let codes = rule_codes(&package, f, RuleTarget::NugetOrg);
    for expected in ["id.owners", "id.reserved_prefix", "sign.signed_to_unsigned"] {
        assert!(codes.contains(&expected.to_string()), "{codes:?}");
    }

    // Nobody named: owners are listed, nothing is guessed.
    let f = facts(&source, SIGNED_ID, "2.0.0", None);
    assert_eq!(f.owners.len(), 2);
    assert_eq!((f.you_are_owner, f.reserved_by_others), (None, None));

    // A new id whose first part is a verified id's: a hint (a warning), not an error.
    let f = facts(&source, "Contoso.Brand.New", "1.0.0", Some("mallory"));
    assert_eq!((f.id_exists, f.reserved_by_others), (Some(false), None));
    let hint = f.prefix_hint.clone().expect("prefix hint");
    assert_eq!(
        (hint.prefix.as_str(), hint.verified_id.as_str()),
        ("Contoso.", "Contoso.Core")
    );
    assert_eq!(hint.owners, ["contoso"]);
    assert!(f.notes.is_empty(), "{:?}", f.notes);
    assert!(search.queries().iter().any(|q| q.contains("q=Contoso&")));
    let package = make_nupkg(work.path(), "Contoso.Brand.New", "1.0.0", "", 0);
    let mut options = Options::for_target(RuleTarget::NugetOrg);
    options.feed = Some(f);
    let report = nupub_rules::validate_file(&package, &options);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == "id.reserved_prefix")
        .expect("prefix warning");
    assert_eq!(finding.severity, nupub_rules::Severity::Warning);
    assert!(
        finding.message.contains("Contoso.Core"),
        "{}",
        finding.message
    );
    // ... and none for one of that prefix's owners, or a different first part.
    let f = facts(&source, "Contoso.Brand.New", "1.0.0", Some("CONTOSO"));
    assert_eq!(f.prefix_hint, None);
    assert_eq!(
        facts(&source, "Fabrikam.New", "1.0.0", None).prefix_hint,
        None
    );
}

/// A V3 index whose PackageBaseAddress is a static flat container in `dir`
/// (Python's http.server; no runnable V3 server exists).
fn flat_container(
    dir: &Path,
    packages: &[(&str, &str, &Path)],
) -> (nupub_testkit::PeerProcess, String) {
    let port = nupub_testkit::free_port();
    let flat = format!("http://127.0.0.1:{port}/flat/");
    write_v3_index(dir, &[("PackageBaseAddress/3.0.0", &flat)]);
    let mut versions: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (id, version, file) in packages {
        let (lid, lver) = (id.to_lowercase(), version.to_lowercase());
        let folder = dir.join("flat").join(&lid).join(&lver);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::copy(file, folder.join(format!("{lid}.{lver}.nupkg"))).unwrap();
        std::fs::write(folder.join(format!("{lid}.nuspec")), "<package/>").unwrap();
        versions.entry(lid).or_default().push(lver);
    }
    for (lid, list) in versions {
        std::fs::write(
            dir.join("flat").join(&lid).join("index.json"),
            serde_json::json!({ "versions": list }).to_string(),
        )
        .unwrap();
    }
    let process = serve_folder("flat-container", dir, port);
    (process, format!("http://127.0.0.1:{port}/v3/index.json"))
}

#[test]
fn v3_flat_container_versions_download_and_size_cap() {
    let work = tempfile::tempdir().unwrap();
    let signed = nupub_testkit::fixture(SIGNED);
    let beta = make_nupkg(&work.path().join("p"), SIGNED_ID, "3.0.0-beta.1", "", 0);
    let (_server, index_url) = flat_container(
        &work.path().join("feed"),
        &[
            (SIGNED_ID, "1.0.0", &signed),
            (SIGNED_ID, "3.0.0-beta.1", &beta),
        ],
    );
    let source = Source::from_url("flat", &index_url).unwrap();

    let f = facts(&source, SIGNED_ID, "2.0.0", None);
    assert_eq!((f.version_exists, f.id_exists), (Some(false), Some(true)));
    let previous = f.previous_version.unwrap();
    assert_eq!(
        (previous.version.as_str(), previous.author_signed),
        ("1.0.0", true)
    );

    // 3.0.0 follows the unsigned prerelease.
    let f = facts(&source, SIGNED_ID, "3.0.0", None);
    assert_eq!(f.previous_version.unwrap().version, "3.0.0-beta.1");
    assert_eq!(
        facts(&source, SIGNED_ID, "1.0.0", None).version_exists,
        Some(true)
    );
    // A new id: the flat container answers 404 for its version list.
    let f = facts(&source, "Nupub.Nothing", "1.0.0", None);
    assert_eq!((f.version_exists, f.id_exists), (Some(false), Some(false)));

    // A previous version larger than the cap is not downloaded: unknown, and said why.
    let options = FactsOptions {
        max_package_bytes: 4096,
        temp_dir: Some(work.path().to_path_buf()),
        ..FactsOptions::default()
    };
    let f = try_facts(&source, SIGNED_ID, "2.0.0", None, &options).unwrap();
    assert_eq!(f.previous_version, None);
    assert!(
        f.notes.iter().any(|n| n.contains("larger than")),
        "{:?}",
        f.notes
    );
    // Nothing is left in the temporary folder.
    let left: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn folder_feeds_in_both_layouts() {
    let work = tempfile::tempdir().unwrap();
    let signed = nupub_testkit::fixture(SIGNED);
    // Flat: {Id}.{Version}.nupkg.
    let flat = work.path().join("flat");
    std::fs::create_dir_all(&flat).unwrap();
    std::fs::copy(&signed, flat.join(SIGNED)).unwrap();
    let source = Source::folder("flat", &flat);
    let f = facts(&source, SIGNED_ID, "1.2.0", Some("ann"));
    assert_eq!((f.version_exists, f.id_exists), (Some(false), Some(true)));
    assert!(f.previous_version.unwrap().author_signed);
    assert!(f.owners.is_empty() && f.you_are_owner.is_none());
    assert_eq!(
        facts(&source, SIGNED_ID, "1.0.0", None).version_exists,
        Some(true)
    );

    // Hierarchical: {id}/{version}/{id}.{version}.nupkg, with an unsigned version.
    let tree = work.path().join("tree");
    let dir = tree.join("testpackage.authorsigned/1.0.0");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&signed, dir.join("testpackage.authorsigned.1.0.0.nupkg")).unwrap();
    let unsigned = make_nupkg(&work.path().join("u"), SIGNED_ID, "1.5.0", "", 0);
    let dir = tree.join("testpackage.authorsigned/1.5.0");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&unsigned, dir.join("testpackage.authorsigned.1.5.0.nupkg")).unwrap();
    let source = Source::folder("tree", &tree);
    let f = facts(&source, SIGNED_ID, "2.0.0", None);
    let previous = f.previous_version.unwrap();
    assert_eq!(
        (previous.version.as_str(), previous.author_signed),
        ("1.5.0", false)
    );
    assert_eq!(
        facts(&source, SIGNED_ID, "1.5.0", None).version_exists,
        Some(true)
    );

    // A damaged previous version: unknown and said why, never a panic.
    let broken = work.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("Nupub.Broken.1.0.0.nupkg"),
        b"PK\x03\x04 not a zip",
    )
    .unwrap();
    let f = facts(
        &Source::folder("broken", &broken),
        "Nupub.Broken",
        "2.0.0",
        None,
    );
    assert_eq!(f.previous_version, None);
    assert!(f.notes[0].contains("could not be read"), "{:?}", f.notes);
    // A folder that does not exist yet: nothing there.
    let f = facts(
        &Source::folder("none", &work.path().join("none")),
        "A",
        "1.0.0",
        None,
    );
    assert_eq!((f.version_exists, f.id_exists), (Some(false), Some(false)));
}

fn v3_with_search(server: &PyNuGet, search: &FakeSearch) -> (StaticV3Index, Source) {
    let index = StaticV3Index::with_search(server, search);
    let source = Source::from_url("v3", &index.index_url()).unwrap();
    (index, source)
}

/// Short limits, so that hostile answers end quickly: 2 s, 1 MiB.
fn quick_options() -> FactsOptions {
    FactsOptions {
        timeout: Duration::from_secs(2),
        max_answer_bytes: 1024 * 1024,
        ..FactsOptions::default()
    }
}

/// Asks `source` for the facts of `(id, version, you)` and expects the error
/// `expected` whose message contains `needle`, within 5 s.
fn expect_error_in_time(
    source: &Source,
    (id, version, you): (&str, &str, Option<&str>),
    options: &FactsOptions,
    expected: &str,
    needle: &str,
) -> FeedError {
    let started = std::time::Instant::now();
    let err = try_facts(source, id, version, you, options).unwrap_err();
    assert_eq!(code(&err), expected, "{err}");
    assert!(err.to_string().contains(needle), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{expected} took {:?}",
        started.elapsed()
    );
    err
}

#[test]
fn hostile_search_answers_are_typed_errors() {
    let server = PyNuGet::start(KEY);
    let search = FakeSearch::start();
    let (_index, source) = v3_with_search(&server, &search);
    let quick = quick_options();
    let cases: Vec<(Answer, &str, &str)> = vec![
        (
            Answer::raw(200, "text/html", b"<html><body>Sign in</body></html>"),
            "feed.answer_invalid",
            "not JSON",
        ),
        (
            Answer::raw(500, "text/html", b"<html><h1>Internal error</h1></html>"),
            "feed.http_status",
            "Internal error",
        ),
        (
            Answer::json(serde_json::json!({"data": [{"id": "Nupub.X", "owners": {"a": 1}}]})),
            "feed.answer_invalid",
            "owners of Nupub.X",
        ),
        (
            Answer::json(serde_json::json!({"data": "none"})),
            "feed.answer_invalid",
            "'data'",
        ),
        (
            Answer {
                status: 200,
                content_type: "application/json".into(),
                body: Body::Endless(b'[', 64 * 1024 * 1024),
                delay: Duration::ZERO,
            },
            "feed.answer_too_large",
            "1048576 bytes",
        ),
        (
            Answer::hits(&[]).delayed(Duration::from_secs(6)),
            "feed.timeout",
            "searching for Nupub.X",
        ),
        (
            Answer::raw(404, "text/plain", b"gone"),
            "feed.answer_invalid",
            "404",
        ),
    ];
    for (answer, expected, needle) in cases {
        search.otherwise(answer);
        let err = expect_error_in_time(
            &source,
            ("Nupub.X", "1.0.0", Some("ann")),
            &quick,
            expected,
            needle,
        );
        let info = nupub_error::Coded::info(&err);
        assert!(nupub_error::is_valid_code(&info.code) && info.hint.is_some());
    }
}

#[test]
fn unreachable_and_foreign_feeds_are_clear_errors() {
    // Nothing listens: a network error naming the feed.
    let port = nupub_testkit::free_port();
    let source =
        Source::from_url("gone", &format!("http://127.0.0.1:{port}/api/v2/package")).unwrap();
    let err = try_facts(&source, "A", "1.0.0", None, &FactsOptions::default()).unwrap_err();
    assert_eq!(code(&err), "feed.network", "{err}");
    let source =
        Source::from_url("gone", &format!("http://127.0.0.1:{port}/v3/index.json")).unwrap();
    let err = try_facts(&source, "A", "1.0.0", None, &FactsOptions::default()).unwrap_err();
    assert_eq!(code(&err), "feed.index_unreachable", "{err}");

    // Plain http to another computer: refused before anything is sent.
    let source = Source::from_url("plain", "http://feed.example.test/api/v2/package").unwrap();
    let err = try_facts(&source, "A", "1.0.0", None, &FactsOptions::default()).unwrap_err();
    assert_eq!(code(&err), "feed.insecure_url", "{err}");

    // A web server that is not a V2 feed (HTML everywhere), or fails.
    let search = FakeSearch::start();
    let v2 = search.url().replace("/query", "/api/v2/package");
    let source = Source::from_url("web", &v2).unwrap();
    search.otherwise(Answer::raw(200, "text/html", b"<html>Welcome</html>"));
    let err = try_facts(&source, "A", "1.0.0", None, &FactsOptions::default()).unwrap_err();
    assert_eq!(code(&err), "feed.answer_invalid", "{err}");
    assert!(err.to_string().contains("V2 feed"), "{err}");
    // An OData answer that never ends, and one that breaks off mid-document.
    search.otherwise(Answer {
        status: 200,
        content_type: "application/atom+xml".into(),
        body: Body::Endless(b' ', 64 * 1024 * 1024),
        delay: Duration::ZERO,
    });
    let small = FactsOptions {
        max_answer_bytes: 1024 * 1024,
        ..FactsOptions::default()
    };
    let err = try_facts(&source, "A", "1.0.0", None, &small).unwrap_err();
    assert_eq!(code(&err), "feed.answer_too_large", "{err}");
    search.otherwise(Answer::raw(
        200,
        "application/atom+xml",
        b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><m:properties><d:Version>1.0</d:Ver",
    ));
    let err = try_facts(&source, "A", "1.0.0", None, &small).unwrap_err();
    assert_eq!(code(&err), "feed.answer_invalid", "{err}");
    search.otherwise(Answer::raw(503, "text/plain", b"down for maintenance"));
    let err = try_facts(&source, "A", "1.0.0", None, &FactsOptions::default()).unwrap_err();
    assert_eq!(code(&err), "feed.http_status", "{err}");
    assert!(err.to_string().contains("down for maintenance"), "{err}");
}

/// A V3 index whose flat container is the fake server (canned answers at paths).
fn index_with_fake_flat(fake: &FakeSearch) -> (StaticV3Index, Source) {
    let flat = fake.url().replace("/query", "/flat/");
    let index = StaticV3Index::start(&[("PackageBaseAddress/3.0.0", &flat)]);
    let source = Source::from_url("v3", &index.index_url()).unwrap();
    (index, source)
}

#[test]
fn hostile_flat_container_answers() {
    let fake = FakeSearch::start();
    fake.otherwise(Answer::raw(404, "text/plain", b"not here"));
    let (_index, source) = index_with_fake_flat(&fake);
    let quick = quick_options();
    let list = "/flat/nupub.x/index.json";
    let cases: Vec<(Answer, &str, &str)> = vec![
        (
            Answer::raw(200, "text/html", b"<!DOCTYPE html><p>Sign in</p>"),
            "feed.answer_invalid",
            "not JSON",
        ),
        (
            Answer::json(serde_json::json!({"versions": "1.0.0"})),
            "feed.answer_invalid",
            "'versions'",
        ),
        (
            Answer::raw(500, "text/plain", b"storage account unavailable"),
            "feed.http_status",
            "storage account unavailable",
        ),
        (
            Answer {
                status: 200,
                content_type: "application/json".into(),
                body: Body::Endless(b' ', 64 * 1024 * 1024),
                delay: Duration::ZERO,
            },
            "feed.answer_too_large",
            "more than 1048576 bytes",
        ),
        (
            Answer::json(serde_json::json!({"versions": []})).delayed(Duration::from_secs(6)),
            "feed.timeout",
            "listing the versions of Nupub.X",
        ),
    ];
    for (answer, expected, needle) in cases {
        fake.on_path(list, answer);
        expect_error_in_time(
            &source,
            ("Nupub.X", "2.0.0", None),
            &quick,
            expected,
            needle,
        );
    }
    // The push's exists check stalls: the version list answers instead, in time.
    fake.on_path(
        list,
        Answer::json(serde_json::json!({"versions": ["1.0.0", "2.0.0"]})),
    );
    fake.on_path(
        "/flat/nupub.x/2.0.0/nupub.x.nuspec",
        Answer::raw(200, "application/xml", b"<package/>").delayed(Duration::from_secs(6)),
    );
    let started = std::time::Instant::now();
    let f = try_facts(&source, "Nupub.X", "2.0.0", None, &quick).unwrap();
    assert_eq!(f.version_exists, Some(true));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn hostile_previous_version_downloads_leave_it_unknown() {
    let work = tempfile::tempdir().unwrap();
    let fake = FakeSearch::start();
    fake.otherwise(Answer::raw(404, "text/plain", b"not here"));
    let (_index, source) = index_with_fake_flat(&fake);
    let options = FactsOptions {
        max_package_bytes: 1024 * 1024,
        download_timeout: Duration::from_secs(2),
        temp_dir: Some(work.path().to_path_buf()),
        ..FactsOptions::default()
    };
    let versions = Answer::json(serde_json::json!({"versions": ["1.0.0"]}));
    let cases: Vec<(&str, Answer, &str)> = vec![
        (
            "nupub.huge",
            // No Content-Length: the cap is enforced while streaming.
            Answer {
                status: 200,
                content_type: "application/octet-stream".into(),
                body: Body::Endless(b'P', 64 * 1024 * 1024),
                delay: Duration::ZERO,
            },
            "larger than 1 MB",
        ),
        (
            "nupub.html",
            Answer::raw(200, "text/html", b"<html>Sign in to download</html>"),
            "could not be read",
        ),
        (
            "nupub.gone",
            Answer::raw(500, "text/plain", b"oops"),
            "answered 500",
        ),
        (
            "nupub.slow",
            Answer::raw(200, "application/octet-stream", b"PK").delayed(Duration::from_secs(6)),
            "timed out",
        ),
    ];
    for (lid, download, needle) in cases {
        fake.on_path(&format!("/flat/{lid}/index.json"), versions.clone());
        fake.on_path(&format!("/flat/{lid}/1.0.0/{lid}.1.0.0.nupkg"), download);
        let f = try_facts(&source, lid, "2.0.0", None, &options).unwrap();
        assert_eq!((f.version_exists, f.id_exists), (Some(false), Some(true)));
        assert_eq!(f.previous_version, None, "{lid}");
        assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
        assert!(f.notes[0].contains(needle), "{lid}: {}", f.notes[0]);
        assert!(f.notes[0].contains("1.0.0"), "{}", f.notes[0]);
    }
    let left: Vec<_> = std::fs::read_dir(work.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}
