//! Publishing a set of packages (issue 16) against the real pynuget, with the
//! fault proxy in front where a failure half-way is needed, and a folder feed.
//! NuGet.exe restores what was published.

#![allow(clippy::unwrap_used)]

use nupub_feeds::{ApiKey, CancellationToken, PushOptions};
use nupub_publish::{
    execute_set, prepare_set, ConfigScope, MemberAction, MemberOutcome, PreparedSet, SetConsent,
    SetEvent, SetOptions, SetProgressSink, SetReport, SetRequest,
};
use nupub_testkit::nuget_exe::NuGetExe;
use nupub_testkit::packages::{make_nupkg, make_snupkg};
use nupub_testkit::pynuget::{read, PyNuGet};
use nupub_testkit::wire::{Fault, FaultProxy};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "set-key-0123456789";

fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    nupub_feeds::runtime().unwrap().block_on(future)
}

/// The family: a diamond (Top → Left, Right → Base), Extra → Util, and All on top of both.
const FAMILY: &[(&str, &[&str])] = &[
    ("Fam.Base", &[]),
    ("Fam.Left", &["Fam.Base"]),
    ("Fam.Right", &["Fam.Base"]),
    ("Fam.Top", &["Fam.Left", "Fam.Right"]),
    ("Fam.Util", &[]),
    ("Fam.Extra", &["Fam.Util"]),
    ("Fam.All", &["Fam.Top", "Fam.Extra"]),
];
const ORDER: [&str; 7] = [
    "Fam.Base",
    "Fam.Left",
    "Fam.Right",
    "Fam.Top",
    "Fam.Util",
    "Fam.Extra",
    "Fam.All",
];

/// Writes the seven packages (and Fam.Base's .snupkg) and returns the files in a shuffled order.
fn family(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = FAMILY
        .iter()
        .map(|(id, deps)| {
            let deps: String = deps
                .iter()
                .map(|d| format!("<dependency id=\"{d}\" version=\"1.0.0\" />"))
                .collect();
            make_nupkg(
                dir,
                id,
                "1.0.0",
                &format!("<dependencies>{deps}</dependencies>"),
                20_000,
            )
        })
        .collect();
    files.push(make_snupkg(dir, "Fam.Base", "1.0.0", &[]));
    // A fixed shuffle: no file comes in the order it is published.
    let shuffled = [7, 6, 3, 0, 5, 2, 4, 1];
    shuffled.iter().map(|&i| files[i].clone()).collect()
}

fn request(inputs: Vec<PathBuf>, feed: &str, scope_dir: &Path) -> SetRequest {
    let mut request = SetRequest::new(
        inputs,
        Some(feed.to_string()),
        ConfigScope::folder(scope_dir.to_path_buf(), None),
    );
    request.key = Some(ApiKey::new(KEY));
    request
}

fn options(concurrency: usize) -> SetOptions {
    SetOptions {
        concurrency,
        push: PushOptions {
            backoff_base: Duration::from_millis(50),
            visibility_wait: Duration::from_secs(5),
            poll_interval: Duration::from_millis(200),
            max_attempts: 2,
            ..PushOptions::default()
        },
        ..SetOptions::default()
    }
}

fn recorder() -> (SetProgressSink, Arc<Mutex<Vec<SetEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    (
        Arc::new(move |e: SetEvent| seen.lock().unwrap().push(e)),
        events,
    )
}

fn send(prepared: PreparedSet, options: &SetOptions, sink: &SetProgressSink) -> SetReport {
    run(execute_set(
        prepared,
        &SetConsent::everything(),
        options,
        sink,
        &CancellationToken::new(),
    ))
    .unwrap()
}

fn names(report: &SetReport, which: fn(&MemberOutcome) -> bool) -> Vec<String> {
    let mut out: Vec<String> = report
        .packages
        .iter()
        .filter(|p| which(&p.result))
        .map(|p| p.id.clone())
        .collect();
    out.sort();
    out
}

fn published(r: &MemberOutcome) -> bool {
    matches!(r, MemberOutcome::Published { .. })
}

fn held(server: &PyNuGet) -> Vec<String> {
    let mut out: Vec<String> = ORDER
        .iter()
        .filter(|id| server.stored_package(id, "1.0.0").is_some())
        .map(|id| id.to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn a_family_reaches_pynuget_in_dependency_order_and_nuget_exe_restores_all_seven() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let files = family(&work.path().join("bin"));
    let prepared = run(prepare_set(&request(
        files.clone(),
        &server.push_url(),
        work.path(),
    )))
    .unwrap();
    let plan = &prepared.plan;
    let order: Vec<&str> = plan
        .members
        .iter()
        .map(|m| m.plan.package.id.as_str())
        .collect();
    assert_eq!(order, ORDER);
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert_eq!(plan.to_send, 7);
    assert!(plan.members[0]
        .symbols_file
        .as_deref()
        .unwrap()
        .ends_with("Fam.Base.1.0.0.snupkg"));
    assert_eq!(plan.members[3].depends_on, ["Fam.Left", "Fam.Right"]);

    let (sink, events) = recorder();
    let report = send(prepared, &options(2), &sink);
    assert_eq!((report.published, report.complete), (7, true), "{report:?}");
    assert_eq!(held(&server).len(), 7);
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        if let Some(id) = name.strip_suffix(".1.0.0.nupkg") {
            assert_eq!(
                read(&server.stored_package(id, "1.0.0").unwrap()),
                read(file)
            );
        }
    }
    // pynuget serves one request at a time: the time it stored each file is the
    // order the feed received them. Every dependency was there before its dependent.
    let stored_at = |id: &str| {
        std::fs::metadata(server.stored_package(id, "1.0.0").unwrap())
            .unwrap()
            .modified()
            .unwrap()
    };
    for (id, deps) in FAMILY {
        for dep in *deps {
            assert!(
                stored_at(dep) < stored_at(id),
                "{dep} reached the feed after {id}"
            );
        }
    }
    // Progress per package and overall, ending at everything.
    let events = events.lock().unwrap();
    let done: Vec<&SetEvent> = events
        .iter()
        .filter(|e| matches!(e, SetEvent::Done { .. }))
        .collect();
    assert_eq!(done.len(), 7);
    assert!(events
        .iter()
        .any(|e| matches!(e, SetEvent::Package { id, .. } if id == "Fam.Top")));
    match events
        .iter()
        .rev()
        .find(|e| matches!(e, SetEvent::Overall { .. }))
    {
        Some(SetEvent::Overall {
            done,
            total,
            sent_bytes,
            total_bytes,
            ..
        }) => {
            assert_eq!((*done, *total), (7, 7));
            assert_eq!(sent_bytes, total_bytes);
        }
        other => panic!("no overall progress: {other:?}"),
    }

    // NuGet.exe restores all seven from pynuget. pynuget 0.2.5 writes the V2
    // `Dependencies` property as nested XML instead of the `id:range:framework|…`
    // text NuGet reads, so NuGet.exe sees no dependencies there and installing
    // the top package alone brings only it: the seven are listed in a
    // packages.config, as a restore of the release does.
    let nuget = NuGetExe::new();
    let installed = work.path().join("installed");
    let config = work.path().join("packages.config");
    let entries: String = ORDER
        .iter()
        .map(|id| format!("  <package id=\"{id}\" version=\"1.0.0\" />\n"))
        .collect();
    std::fs::write(
        &config,
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n{entries}</packages>\n"),
    )
    .unwrap();
    let source = format!("{}/", server.base_url());
    let restore = nuget
        .run(&[
            "install",
            &config.to_string_lossy(),
            "-Source",
            &source,
            "-OutputDirectory",
            &installed.to_string_lossy(),
            "-NoCache",
        ])
        .expect_success("restore the seven");
    for id in ORDER {
        assert_eq!(
            std::fs::read_to_string(installed.join(format!("{id}.1.0.0/content/hello.txt")))
                .unwrap_or_else(|e| panic!("{id} was not restored ({e}):\n{}", restore.text())),
            format!("Hello from {id} 1.0.0\n")
        );
    }
}

#[test]
fn a_failure_half_way_is_reported_as_pynuget_holds_it_and_a_second_run_sends_only_the_rest() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let upstream: SocketAddr = ([127, 0, 0, 1], server.port()).into();
    let files = family(&work.path().join("bin"));
    // The fourth upload: the connection is reset after the body, then 500 (and
    // every later upload fails too, so which package it hits does not matter).
    let mut faults = vec![Fault::Pass, Fault::Pass, Fault::Pass, Fault::ResetAt(1.0)];
    faults.extend((0..10).map(|_| Fault::Status(500, vec![])));
    let proxy = FaultProxy::start(upstream, faults);
    let prepared = run(prepare_set(&request(
        files.clone(),
        &proxy.push_url(),
        work.path(),
    )))
    .unwrap();
    let (sink, _) = recorder();
    let first = send(prepared, &options(2), &sink);
    assert!(!first.complete);
    // The report names exactly what pynuget holds.
    assert_eq!(names(&first, published), held(&server), "{first:?}");
    assert_eq!(first.published, 3, "{first:?}");
    assert!(first.failed >= 1, "{first:?}");
    assert_eq!(first.published + first.failed + first.not_sent, 7);
    for p in &first.packages {
        match &p.result {
            MemberOutcome::Failed { error } => {
                assert_eq!(error.code, "feed.http_status", "{error:?}");
            }
            MemberOutcome::NotSent { reason } => {
                assert!(reason.starts_with("not sent"), "{reason}");
            }
            MemberOutcome::Published { .. } => {}
            MemberOutcome::AlreadyThere { .. } => panic!("nothing was there: {p:?}"),
        }
    }
    // Nothing that depends on a package pynuget lacks was sent.
    for (id, deps) in FAMILY {
        if server.stored_package(id, "1.0.0").is_some() {
            for dep in *deps {
                assert!(
                    server.stored_package(dep, "1.0.0").is_some(),
                    "{id} before {dep}"
                );
            }
        }
    }
    let first_held: Vec<(String, Vec<u8>)> = held(&server)
        .into_iter()
        .map(|id| {
            let bytes = read(&server.stored_package(&id, "1.0.0").unwrap());
            (id, bytes)
        })
        .collect();

    // The same set again, through a proxy that breaks nothing: the feed is asked
    // first and only the missing four are sent.
    let clean = FaultProxy::start(upstream, vec![]);
    let prepared = run(prepare_set(&request(files, &clean.push_url(), work.path()))).unwrap();
    let there: Vec<&str> = prepared
        .plan
        .members
        .iter()
        .filter(|m| m.action == MemberAction::AlreadyThere)
        .map(|m| m.plan.package.id.as_str())
        .collect();
    assert_eq!(there.len(), 3, "{there:?}");
    let second = send(prepared, &options(2), &sink);
    assert_eq!(
        (second.published, second.already_there, second.complete),
        (4, 3, true),
        "{second:?}"
    );
    assert_eq!(held(&server).len(), 7);
    assert_eq!(
        clean.puts_received(),
        4,
        "no second PUT for a version pynuget holds"
    );
    assert_eq!(clean.forwarded_puts(), vec![201; 4]);
    for (id, bytes) in first_held {
        assert_eq!(read(&server.stored_package(&id, "1.0.0").unwrap()), bytes);
    }
}

#[test]
fn the_same_set_to_a_folder_feed_and_again() {
    let work = tempfile::tempdir().unwrap();
    let files = family(&work.path().join("bin"));
    let feed = work.path().join("feed");
    let feed_text = feed.display().to_string();
    let prepared = run(prepare_set(&request(
        files.clone(),
        &feed_text,
        work.path(),
    )))
    .unwrap();
    let order: Vec<&str> = prepared
        .plan
        .members
        .iter()
        .map(|m| m.plan.package.id.as_str())
        .collect();
    assert_eq!(order, ORDER);
    assert!(prepared.plan.feed.is_folder);
    let (sink, _) = recorder();
    let report = send(prepared, &options(2), &sink);
    assert_eq!((report.published, report.complete), (7, true), "{report:?}");
    for p in &report.packages {
        let MemberOutcome::Published { outcome } = &p.result else {
            panic!("{p:?}");
        };
        assert!(outcome.report.location.is_some());
    }
    let again = run(prepare_set(&request(files, &feed_text, work.path()))).unwrap();
    assert_eq!((again.plan.to_send, again.plan.already_there), (0, 7));
    let report = send(again, &options(2), &sink);
    assert_eq!(
        (report.published, report.already_there, report.complete),
        (0, 7, true)
    );
}

#[test]
fn a_version_conflict_and_a_missing_sibling_refuse_the_set_with_both_named() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let bin = work.path().join("bin");
    let core1 = make_nupkg(&bin.join("old"), "Mix.Core", "1.0.0", "", 0);
    let core2 = make_nupkg(&bin, "Mix.Core", "2.0.0", "", 0);
    let data = make_nupkg(&bin, "Mix.Data", "1.0.0", "", 0);
    let web = make_nupkg(
        &bin,
        "Mix.Web",
        "1.0.0",
        "<dependencies><dependency id=\"Mix.Data\" version=\"[3.0.0]\" /></dependencies>",
        0,
    );
    let inputs = vec![core1, core2, data, web];
    let prepared = run(prepare_set(&request(
        inputs.clone(),
        &server.push_url(),
        work.path(),
    )))
    .unwrap();
    let codes: Vec<&str> = prepared
        .plan
        .blockers
        .iter()
        .map(|b| b.code.as_str())
        .collect();
    assert_eq!(
        codes,
        ["publish.set.two_versions", "publish.set.missing_sibling"],
        "{:?}",
        prepared.plan.blockers
    );
    assert!(prepared.plan.blockers[0].message.contains("Mix.Core"));
    assert!(
        prepared.plan.blockers[1]
            .message
            .contains("Mix.Web 1.0.0 depends on Mix.Data [3.0.0]"),
        "{}",
        prepared.plan.blockers[1].message
    );
    let (sink, _) = recorder();
    let error = run(execute_set(
        prepared,
        &SetConsent::everything(),
        &options(2),
        &sink,
        &CancellationToken::new(),
    ))
    .unwrap_err();
    let info = nupub_error::Coded::info(&error);
    assert_eq!(info.code, "publish.set.blocked");
    assert!(
        info.message.contains("(and 1 more problem)"),
        "{}",
        info.message
    );
    assert!(info.hint.unwrap().starts_with("nothing was sent"));
    assert!(held_any(&server).is_empty(), "nothing reached pynuget");

    // With Mix.Data 3.0.0 on the feed already, the sibling is not missing.
    let data3 = make_nupkg(&work.path().join("d3"), "Mix.Data", "3.0.0", "", 0);
    let one = run(prepare_set(&request(
        vec![data3],
        &server.push_url(),
        work.path(),
    )))
    .unwrap();
    assert_eq!(send(one, &options(1), &sink).published, 1);
    let again = run(prepare_set(&request(
        inputs[1..].to_vec(),
        &server.push_url(),
        work.path(),
    )))
    .unwrap();
    assert!(again.plan.blockers.is_empty(), "{:?}", again.plan.blockers);
}

fn held_any(server: &PyNuGet) -> Vec<PathBuf> {
    std::fs::read_dir(server.packages_dir())
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn a_429_during_a_set_waits_for_retry_after_and_says_so() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let upstream: SocketAddr = ([127, 0, 0, 1], server.port()).into();
    let proxy = FaultProxy::start(
        upstream,
        vec![
            Fault::Pass,
            Fault::Status(429, vec![("Retry-After".into(), "1".into())]),
        ],
    );
    let bin = work.path().join("bin");
    let files = vec![
        make_nupkg(&bin, "Rate.One", "1.0.0", "", 0),
        make_nupkg(&bin, "Rate.Two", "1.0.0", "", 0),
    ];
    let prepared = run(prepare_set(&request(files, &proxy.push_url(), work.path()))).unwrap();
    let (sink, events) = recorder();
    let report = send(prepared, &options(1), &sink);
    assert_eq!((report.published, report.complete), (2, true), "{report:?}");
    assert_eq!(proxy.puts_received(), 3);
    let events = events.lock().unwrap();
    let waited: Vec<(&str, f64, &str)> = events
        .iter()
        .filter_map(|e| match e {
            SetEvent::Package {
                id,
                event:
                    nupub_feeds::PushEvent::Retrying {
                        wait_seconds,
                        reason,
                        ..
                    },
                ..
            } => Some((id.as_str(), *wait_seconds, reason.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(waited.len(), 1, "{waited:?}");
    assert_eq!(waited[0].0, "Rate.Two");
    assert!((waited[0].1 - 1.0).abs() < 1e-9, "{waited:?}");
    assert!(waited[0].2.contains("429"), "{waited:?}");
}

/// GETs of `id`'s V2 version listing that pynuget answered.
fn listings_of(events: &[nupub_testkit::wire::ProxyEvent], id: &str) -> usize {
    let quoted = format!("id=%27{id}%27");
    events
        .iter()
        .filter(|e| {
            e.method == "GET" && e.path.contains("FindPackagesById") && e.path.contains(&quoted)
        })
        .filter(|e| e.upstream_status == Some(200))
        .count()
}

/// A plan reads each id's version listing once (whether the version exists,
/// the feed facts and the comparison with the previous version read one
/// answer); the uploads do not wait for each version to show, and after a
/// lost answer they ask the feed afresh: the package that arrived is not
/// sent a second time.
#[test]
fn planning_a_set_lists_each_id_once_and_a_lost_answer_is_asked_afresh() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let (sink, _) = recorder();
    let earlier = vec![make_nupkg(
        &work.path().join("old"),
        "Ask.One",
        "1.0.0",
        "",
        0,
    )];
    let first = send(
        run(prepare_set(&request(
            earlier,
            &server.push_url(),
            work.path(),
        )))
        .unwrap(),
        &options(1),
        &sink,
    );
    assert_eq!(first.published, 1, "{first:?}");

    let upstream: SocketAddr = ([127, 0, 0, 1], server.port()).into();
    // The first upload reaches pynuget, and its answer is lost.
    let proxy = FaultProxy::start(upstream, vec![Fault::DropAfterForward]);
    let bin = work.path().join("bin");
    let ids = ["Ask.One", "Ask.Two", "Ask.Three"];
    let files = vec![
        make_nupkg(&bin, "Ask.One", "1.1.0", "", 0),
        make_nupkg(&bin, "Ask.Two", "1.0.0", "", 0),
        make_nupkg(&bin, "Ask.Three", "1.0.0", "", 0),
    ];
    let prepared = run(prepare_set(&request(files, &proxy.push_url(), work.path()))).unwrap();
    let one = prepared
        .plan
        .members
        .iter()
        .find(|m| m.plan.package.id == "Ask.One")
        .unwrap();
    let baseline = one.plan.changes.as_ref().and_then(|c| c.baseline.as_ref());
    assert_eq!(
        baseline.map(|b| b.version.as_str()),
        Some("1.0.0"),
        "the plan compared with the version on the feed: {:?}",
        one.plan.changes
    );
    let planned = proxy.events();
    for id in ids {
        assert_eq!(listings_of(&planned, id), 1, "{id}: {planned:#?}");
    }

    let report = send(prepared, &SetOptions::default(), &sink);
    assert_eq!(report.published, 3, "{report:?}");
    assert_eq!(proxy.puts_received(), 3, "no version was sent twice");
    for (id, version) in [
        ("Ask.One", "1.1.0"),
        ("Ask.Two", "1.0.0"),
        ("Ask.Three", "1.0.0"),
    ] {
        assert!(server.stored_package(id, version).is_some(), "{id}");
    }
    let all = proxy.events();
    let after = &all[planned.len()..];
    let asked: usize = ids.iter().map(|id| listings_of(after, id)).sum();
    assert_eq!(
        asked, 1,
        "only the lost answer is asked about, afresh, and no upload waits for visibility: {after:#?}"
    );
}
