//! Pushing to a real V2 server (pynuget 0.2.5), directly and through a static
//! V3 service index in front of it (no runnable V3 server exists; see
//! tests/src/pynuget.rs), and installing what we pushed with NuGet.exe.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{code, plan, push, quick_options, runtime, KEY};
use nupub_feeds::{ApiKey, Auth, FeedClient, PushEvent, Source, SymbolsOutcome, Visibility};
use nupub_testkit::nuget_exe::{write_simple_nuspec, NuGetExe};
use nupub_testkit::pynuget::{read, PyNuGet, StaticV3Index};

#[test]
fn push_duplicate_wrong_key_unlist_and_install_against_pynuget() {
    let work = tempfile::tempdir().unwrap();
    let nuget = NuGetExe::new();
    let nuspec = write_simple_nuspec(&work.path().join("src"), "Nupub.Feeds.Push", "1.4.0", "");
    let package = nuget.pack(&nuspec, &work.path().join("out"));
    let server = PyNuGet::start(KEY);
    let source = Source::from_url("pynuget", &server.push_url()).unwrap();
    let plan = plan(&package);

    // Published, byte-identical, visible, progress reported.
    let (result, events) = push(&source, &plan, Some(KEY), &quick_options());
    let report = result.unwrap_or_else(|e| panic!("push failed: {e}\n{}", server.server_log()));
    assert_eq!(
        (report.id.as_str(), report.version.as_str()),
        ("Nupub.Feeds.Push", "1.4.0")
    );
    assert!(!report.answer_lost);
    assert_eq!(report.visibility, Visibility::Available);
    assert_eq!(report.attempts, 1);
    assert_eq!(report.symbols, SymbolsOutcome::None);
    let stored = server
        .stored_package("Nupub.Feeds.Push", "1.4.0")
        .expect("stored");
    assert_eq!(read(&stored), read(&package));
    let total = std::fs::metadata(&package).unwrap().len();
    let last_upload = events
        .iter()
        .rev()
        .filter_map(|e| match e {
            PushEvent::Uploading {
                sent_bytes,
                total_bytes,
                ..
            } => Some((*sent_bytes, *total_bytes)),
            _ => None,
        })
        .next()
        .expect("upload progress");
    assert_eq!(last_upload.0, last_upload.1);
    assert!(
        last_upload.1 > total,
        "the multipart body is the file plus framing"
    );
    assert!(events.iter().any(|e| matches!(e, PushEvent::Sent { .. })));

    // The same version again: "already exists", the stored file unchanged.
    let (again, _) = push(&source, &plan, Some(KEY), &quick_options());
    let err = again.unwrap_err();
    assert!(err.is_version_exists(), "{err}");
    assert!(err.to_string().contains("Nupub.Feeds.Push 1.4.0"), "{err}");
    assert!(
        err.to_string().contains("Package version already exists"),
        "{err}"
    );
    assert_eq!(read(&stored), read(&package));

    // A wrong key on a new version: refused, explained, nothing stored.
    let nuspec = write_simple_nuspec(&work.path().join("src2"), "Nupub.Feeds.Push", "1.5.0", "");
    let second = nuget.pack(&nuspec, &work.path().join("out2"));
    let (wrong, _) = push(
        &source,
        &common::plan(&second),
        Some("not-the-key"),
        &quick_options(),
    );
    let err = wrong.unwrap_err();
    assert_eq!(code(&err), "feed.auth.key_refused", "{err}");
    assert!(err.to_string().contains("401"), "{err}");
    assert!(server.stored_package("Nupub.Feeds.Push", "1.5.0").is_none());
    // No key at all: said so.
    let (none, _) = push(&source, &common::plan(&second), None, &quick_options());
    assert_eq!(code(&none.unwrap_err()), "feed.auth.no_key");

    // NuGet.exe installs what we pushed.
    let installed = work.path().join("installed");
    nuget
        .install(
            "Nupub.Feeds.Push",
            "1.4.0",
            &format!("{}/", server.base_url()),
            &installed,
        )
        .expect_success("install");
    assert_eq!(
        std::fs::read_to_string(installed.join("Nupub.Feeds.Push.1.4.0/content/hello.txt"))
            .unwrap(),
        "Hello from Nupub.Feeds.Push 1.4.0\n"
    );

    // Unlist (DELETE): pynuget removes the version; a second unlist is "not found".
    let client = FeedClient::new().unwrap();
    let auth = Auth::key(ApiKey::new(KEY));
    let rt = runtime();
    rt.block_on(client.unlist(&source, "Nupub.Feeds.Push", "1.4.0", &auth))
        .unwrap();
    assert!(server.stored_package("Nupub.Feeds.Push", "1.4.0").is_none());
    let err = rt
        .block_on(client.unlist(&source, "Nupub.Feeds.Push", "1.4.0", &auth))
        .unwrap_err();
    assert_eq!(code(&err), "feed.not_found", "{err}");
    let err = rt
        .block_on(client.unlist(
            &source,
            "Nupub.Feeds.Push",
            "1.4.0",
            &Auth::key(ApiKey::new("bad")),
        ))
        .unwrap_err();
    assert!(matches!(code(&err), "feed.auth.key_refused"), "{err}");
    // pynuget has no relist route: the feed's own answer is reported.
    let err = rt
        .block_on(client.relist(&source, "Nupub.Feeds.Push", "1.4.0", &auth))
        .unwrap_err();
    assert_eq!(code(&err), "feed.http_status", "{err}");
    assert!(err.to_string().contains("405"), "{err}");
}

#[test]
fn push_through_the_static_v3_index_and_symbols_are_not_sent_where_unsupported() {
    let server = PyNuGet::start(KEY);
    let index = StaticV3Index::in_front_of(&server);
    let source = Source::parse(&index.index_url(), std::path::Path::new("/")).unwrap();
    assert_eq!(source.protocol, nupub_feeds::Protocol::V3);
    let fixture = nupub_testkit::fixture("TestData.1.2.3.nupkg");
    // The real fixture has a real .snupkg beside it: it is read and checked,
    // but this index has no SymbolPackagePublish, so it is reported as not supported.
    let plan = plan(&fixture);
    assert!(plan.symbols.as_ref().unwrap().is_symbols_package);
    let (result, _) = push(&source, &plan, Some(KEY), &quick_options());
    let report = result.unwrap_or_else(|e| panic!("{e}\n{}", server.server_log()));
    assert!(
        matches!(report.symbols, SymbolsOutcome::NotSupported { .. }),
        "{:?}",
        report.symbols
    );
    assert_eq!(report.visibility, Visibility::Available);
    let stored = server
        .stored_package("TestData", "1.2.3")
        .expect("stored through V3");
    assert_eq!(read(&stored), read(&fixture));
    let (again, _) = push(&source, &plan, Some(KEY), &quick_options());
    assert!(again.unwrap_err().is_version_exists());
    // Unlist through the index too.
    let client = FeedClient::new().unwrap();
    runtime()
        .block_on(client.unlist(&source, "TestData", "1.2.3", &Auth::key(ApiKey::new(KEY))))
        .unwrap();
    assert!(server.stored_package("TestData", "1.2.3").is_none());
}

#[test]
fn a_bad_symbol_package_stops_the_push_before_anything_is_sent() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let source = Source::from_url("pynuget", &server.push_url()).unwrap();
    let package = nupub_testkit::packages::make_nupkg(work.path(), "Sym.Check", "1.0.0", "", 0);
    let snupkg = work.path().join("Sym.Check.1.0.0.snupkg");
    // A .snupkg that is an ordinary package: the rules refuse it when the plan is made.
    let plain =
        nupub_testkit::packages::make_nupkg(&work.path().join("p"), "Sym.Check", "1.0.0", "", 0);
    std::fs::copy(&plain, &snupkg).unwrap();
    let refused = nupub_feeds::plan_for(&package, nupub_feeds::SymbolsChoice::Auto).unwrap_err();
    assert_eq!(refused.code, "feed.symbols_invalid", "{refused}");
    for part in [
        "[symbols.package_type]",
        "[symbols.forbidden_metadata]",
        "[symbols.file_types]",
        "[symbols.no_pdb]",
        "nothing was sent",
    ] {
        assert!(refused.message.contains(part), "{part}: {refused}");
    }
    assert!(refused.hint.unwrap().contains("--symbols none"));
    // --symbols none skips the symbol package and its checks.
    let without = nupub_feeds::plan_for(&package, nupub_feeds::SymbolsChoice::None).unwrap();
    assert!(without.symbols.is_none());

    // A plan whose symbols are for another version, or not a symbols package
    // (built by hand: plan_for refuses them first), is refused by the push itself.
    let mut mismatched = without.clone();
    mismatched.symbols = Some(nupub_feeds::SymbolsRef {
        path: snupkg.clone(),
        id: "Sym.Check".into(),
        version: "2.0.0".into(),
        is_symbols_package: true,
    });
    let err = push(&source, &mismatched, Some(KEY), &quick_options())
        .0
        .unwrap_err();
    assert_eq!(code(&err), "feed.symbols_invalid", "{err}");
    assert!(err.to_string().contains("version 2.0.0"), "{err}");
    let mut not_symbols = mismatched.clone();
    if let Some(s) = not_symbols.symbols.as_mut() {
        s.version = "1.0.0".into();
        s.is_symbols_package = false;
    }
    let err = push(&source, &not_symbols, Some(KEY), &quick_options())
        .0
        .unwrap_err();
    assert!(err.to_string().contains("SymbolsPackage"), "{err}");
    // The extra hook in the options can refuse too.
    struct Refuse;
    impl nupub_feeds::SymbolsCheck for Refuse {
        fn check(
            &self,
            _: &nupub_feeds::SymbolsRef,
            _: &nupub_feeds::PackageRef,
        ) -> Result<(), String> {
            Err("the PDB is not a portable PDB".into())
        }
    }
    let mut fixed_plan = mismatched.clone();
    fixed_plan.symbols.as_mut().unwrap().version = "1.0.0".into();
    let options = nupub_feeds::PushOptions {
        symbols_check: Some(std::sync::Arc::new(Refuse)),
        ..quick_options()
    };
    let err = push(&source, &fixed_plan, Some(KEY), &options)
        .0
        .unwrap_err();
    assert!(err.to_string().contains("portable PDB"), "{err}");
    assert!(
        server.stored_package("Sym.Check", "1.0.0").is_none(),
        "nothing was sent"
    );
}
