//! The fault matrix: a fault-injecting proxy (a fake by necessity, see
//! tests/src/wire.rs) in front of the real pynuget. In every case the
//! reported outcome must equal what pynuget really holds, and pynuget must
//! never receive a second PUT for a version it stored.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{code, plan, push, quick_options, KEY};
use nupub_feeds::{PushEvent, PushOptions, Source};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::{serve_folder, write_v3_index, PyNuGet};
use nupub_testkit::wire::{CaptureServer, Fault, FaultProxy};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

struct Case {
    name: &'static str,
    faults: Vec<Fault>,
    /// Whether the push should end published.
    published: bool,
    answer_lost: bool,
    /// PUTs the client sends in total.
    puts: usize,
    error_code: Option<&'static str>,
}

fn header(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

#[test]
fn every_fault_ends_with_the_outcome_the_feed_really_has() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let upstream: SocketAddr = ([127, 0, 0, 1], server.port()).into();
    let cases = vec![
        Case {
            name: "reset at 0%",
            faults: vec![Fault::ResetAt(0.0)],
            published: true,
            answer_lost: false,
            puts: 2,
            error_code: None,
        },
        Case {
            name: "reset at 50%",
            faults: vec![Fault::ResetAt(0.5)],
            published: true,
            answer_lost: false,
            puts: 2,
            error_code: None,
        },
        Case {
            name: "reset at 100%",
            faults: vec![Fault::ResetAt(1.0)],
            published: true,
            answer_lost: false,
            puts: 2,
            error_code: None,
        },
        Case {
            name: "500 three times",
            faults: vec![
                Fault::Status(500, vec![]),
                Fault::Status(500, vec![]),
                Fault::Status(500, vec![]),
            ],
            published: false,
            answer_lost: false,
            puts: 3,
            error_code: Some("feed.http_status"),
        },
        Case {
            name: "503 with Retry-After",
            faults: vec![Fault::Status(503, vec![header("Retry-After", "1")])],
            published: true,
            answer_lost: false,
            puts: 2,
            error_code: None,
        },
        Case {
            name: "408",
            faults: vec![Fault::Status(408, vec![])],
            published: true,
            answer_lost: false,
            puts: 2,
            error_code: None,
        },
        Case {
            name: "429",
            faults: vec![Fault::Status(429, vec![header("Retry-After", "1")])],
            published: true,
            answer_lost: false,
            puts: 2,
            error_code: None,
        },
        Case {
            name: "timeout after the server stored it",
            faults: vec![Fault::StallAfterForward],
            published: true,
            answer_lost: true,
            puts: 1,
            error_code: None,
        },
        Case {
            name: "201 lost after storing",
            faults: vec![Fault::DropAfterForward],
            published: true,
            answer_lost: true,
            puts: 1,
            error_code: None,
        },
        Case {
            name: "500 after storing",
            faults: vec![Fault::ForwardThenStatus(500)],
            published: true,
            answer_lost: true,
            puts: 1,
            error_code: None,
        },
    ];
    let mut failures = Vec::new();
    for (i, case) in cases.into_iter().enumerate() {
        let version = format!("1.0.{i}");
        let package = make_nupkg(
            &work.path().join(&version),
            "Nupub.Faults",
            &version,
            "",
            300_000,
        );
        let proxy = FaultProxy::start(upstream, case.faults.clone());
        let source = Source::from_url("proxy", &proxy.push_url()).unwrap();
        let options = PushOptions {
            timeout: Duration::from_secs(3),
            ..quick_options()
        };
        let started = Instant::now();
        let (result, events) = push(&source, &plan(&package), Some(KEY), &options);
        let took = started.elapsed();
        let stored = server.stored_package("Nupub.Faults", &version).is_some();
        let forwarded = proxy.forwarded_puts();
        let summary = format!(
            "{}: result {:?}, stored {stored}, forwarded {forwarded:?}, puts {}, took {took:?}",
            case.name,
            result
                .as_ref()
                .map(|r| (r.answer_lost, r.attempts))
                .map_err(|e| e.to_string()),
            proxy.puts_received()
        );
        eprintln!("{summary}");
        let mut ok = true;
        // The reported outcome is what the feed holds.
        ok &= result.is_ok() == stored;
        ok &= case.published == stored;
        // Never a second PUT for a stored version: at most one reached pynuget
        // with 201, and none got pynuget's "already exists".
        ok &= forwarded.iter().filter(|s| **s == 201).count() == usize::from(stored);
        ok &= !forwarded.contains(&409);
        ok &= proxy.puts_received() == case.puts;
        ok &= proxy.faults_left() == 0;
        match (&result, case.error_code) {
            (Ok(report), None) => ok &= report.answer_lost == case.answer_lost,
            (Err(e), Some(expected)) => ok &= code(e) == expected,
            _ => ok = false,
        }
        if case.answer_lost {
            ok &= events
                .iter()
                .any(|e| matches!(e, PushEvent::Checking { .. }));
        }
        if case.name == "503 with Retry-After" || case.name == "429" {
            ok &= events.iter().any(|e| matches!(e, PushEvent::Retrying { wait_seconds, .. } if (*wait_seconds - 1.0).abs() < 1e-9));
        }
        if !ok {
            failures.push(summary);
        }
    }
    assert!(
        failures.is_empty(),
        "failed cases:\n{}\n{}",
        failures.join("\n"),
        server
            .server_log()
            .lines()
            .rev()
            .take(20)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn when_the_feed_cannot_be_asked_nothing_is_sent_twice() {
    // The capturing server has no V2 query routes, so after a lost answer the
    // client cannot learn whether the version arrived: it must stop and say so.
    let work = tempfile::tempdir().unwrap();
    let capture = CaptureServer::start(201);
    let upstream: SocketAddr = capture
        .base_url()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let proxy = FaultProxy::start(upstream, vec![Fault::DropAfterForward]);
    let package = make_nupkg(work.path(), "Nupub.Unknown", "1.0.0", "", 0);
    let source = Source::from_url("proxy", &proxy.push_url()).unwrap();
    let (result, _) = push(&source, &plan(&package), Some(KEY), &quick_options());
    let err = result.unwrap_err();
    assert_eq!(code(&err), "feed.push.outcome_unknown", "{err}");
    assert!(err.to_string().contains("Nupub.Unknown 1.0.0"), "{err}");
    assert!(err.to_string().contains("did not send it again"), "{err}");
    let puts = capture
        .requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(puts, 1);
}

#[test]
fn cancelling_during_the_upload_sends_nothing_complete() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    // 40 MB so the upload is still running when the cancel arrives.
    let package = make_nupkg(work.path(), "Nupub.Cancel", "1.0.0", "", 40_000_000);
    let source = Source::from_url("pynuget", &server.push_url()).unwrap();
    let plan = plan(&package);
    let client = nupub_feeds::FeedClient::new().unwrap();
    let cancel = nupub_feeds::CancellationToken::new();
    let trigger = cancel.clone();
    let sink: nupub_feeds::ProgressSink = std::sync::Arc::new(move |e| {
        if let PushEvent::Uploading {
            sent_bytes,
            total_bytes,
            ..
        } = e
        {
            if sent_bytes > total_bytes / 10 {
                trigger.cancel();
            }
        }
    });
    let auth = nupub_feeds::Auth::key(nupub_feeds::ApiKey::new(KEY));
    let result = common::runtime().block_on(client.push(
        &source,
        &plan,
        &auth,
        &quick_options(),
        &sink,
        &cancel,
    ));
    let err = result.unwrap_err();
    assert_eq!(code(&err), "feed.push.cancelled", "{err}");
    std::thread::sleep(Duration::from_millis(500));
    assert!(server.stored_package("Nupub.Cancel", "1.0.0").is_none());
}

/// A V3 index (served by Python's http.server, as StaticV3Index does) whose
/// PackagePublish goes through the proxy to pynuget and whose
/// PackageBaseAddress is a static folder this test controls. No runnable V3
/// server with a flat container exists, so the flat container is static files.
fn v3_in_front(proxy: &FaultProxy, dir: &Path) -> (nupub_testkit::PeerProcess, String) {
    let port = nupub_testkit::free_port();
    std::fs::create_dir_all(dir.join("flat")).unwrap();
    let flat = format!("http://127.0.0.1:{port}/flat/");
    write_v3_index(
        dir,
        &[
            ("PackagePublish/2.0.0", &proxy.push_url()),
            ("PackageBaseAddress/3.0.0", &flat),
        ],
    );
    let process = serve_folder("flat-container", dir, port);
    (process, format!("http://127.0.0.1:{port}/v3/index.json"))
}

#[test]
fn the_v3_flat_container_decides_after_a_lost_answer() {
    let work = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let upstream: SocketAddr = ([127, 0, 0, 1], server.port()).into();

    // The flat container shows the version: "published, answer lost", one PUT.
    let proxy = FaultProxy::start(upstream, vec![Fault::DropAfterForward]);
    let (_index_server, index_url) = v3_in_front(&proxy, &work.path().join("a"));
    let nuspec_dir = work.path().join("a/flat/nupub.flat/1.0.0");
    std::fs::create_dir_all(&nuspec_dir).unwrap();
    std::fs::write(nuspec_dir.join("nupub.flat.nuspec"), "<package/>").unwrap();
    let package = make_nupkg(&work.path().join("p1"), "Nupub.Flat", "1.0.0", "", 0);
    let source = Source::from_url("v3", &index_url).unwrap();
    let report = push(&source, &plan(&package), Some(KEY), &quick_options())
        .0
        .unwrap();
    assert!(report.answer_lost);
    assert_eq!(proxy.puts_received(), 1);
    assert!(server.stored_package("Nupub.Flat", "1.0.0").is_some());

    // The flat container lags behind (as nuget.org's does while validating):
    // the client sends again and the feed's 409 is reported as "already exists",
    // saying that the earlier attempt may be what stored it.
    let proxy = FaultProxy::start(upstream, vec![Fault::DropAfterForward]);
    let (_index_server, index_url) = v3_in_front(&proxy, &work.path().join("b"));
    let package = make_nupkg(&work.path().join("p2"), "Nupub.Flat", "2.0.0", "", 0);
    let source = Source::from_url("v3", &index_url).unwrap();
    let err = push(&source, &plan(&package), Some(KEY), &quick_options())
        .0
        .unwrap_err();
    assert!(err.is_version_exists(), "{err}");
    assert!(err.to_string().contains("earlier attempt"), "{err}");
    assert_eq!(proxy.forwarded_puts(), [201, 409]);
    assert!(server.stored_package("Nupub.Flat", "2.0.0").is_some());
}
