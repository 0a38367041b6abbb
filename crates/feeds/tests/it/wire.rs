//! The push request on the wire, compared with NuGet.exe's, through a
//! capturing server (a fake by necessity: no real peer records requests; see
//! tests/src/wire.rs).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{plan, push, quick_options, KEY};
use nupub_feeds::{Source, SymbolsOutcome};
use nupub_testkit::nuget_exe::NuGetExe;
use nupub_testkit::pynuget::read;
use nupub_testkit::wire::{CaptureServer, CapturedRequest};

fn only_put(requests: &[CapturedRequest]) -> CapturedRequest {
    let puts: Vec<_> = requests
        .iter()
        .filter(|r| r.method == "PUT")
        .cloned()
        .collect();
    assert_eq!(puts.len(), 1, "{requests:#?}");
    puts.into_iter().next().unwrap()
}

#[test]
fn our_put_has_nugets_shape_plus_the_protocol_header_and_a_content_length() {
    let package = nupub_testkit::fixture("Newtonsoft.Json.Bson.1.0.2.nupkg");
    let bytes = read(&package);

    let ours_server = CaptureServer::start(201);
    let source = Source::from_url("capture", &ours_server.push_url()).unwrap();
    let (result, _) = push(
        &source,
        &plan(&package),
        Some(KEY),
        &nupub_feeds::PushOptions {
            visibility_wait: std::time::Duration::ZERO,
            ..quick_options()
        },
    );
    result.unwrap();
    let ours = only_put(&ours_server.requests());

    let nuget_server = CaptureServer::start(201);
    let run = NuGetExe::new().push(&package, &nuget_server.push_url(), Some(KEY));
    assert!(run.success, "{}", run.text());
    let theirs = only_put(&nuget_server.requests());

    // Same method and path (trailing slash included).
    assert_eq!(
        (ours.method.as_str(), ours.path.as_str()),
        ("PUT", "/api/v2/package/")
    );
    assert_eq!(
        (theirs.method.as_str(), theirs.path.as_str()),
        ("PUT", "/api/v2/package/")
    );
    // Same multipart shape: one part, same part headers in the same order, same bytes.
    let our_parts = ours.multipart_parts();
    let their_parts = theirs.multipart_parts();
    assert_eq!(our_parts.len(), 1);
    assert_eq!(their_parts.len(), 1);
    assert_eq!(our_parts[0].0, their_parts[0].0, "part headers differ");
    assert_eq!(
        our_parts[0].0,
        [
            "Content-Type: application/octet-stream",
            "Content-Disposition: form-data; name=package; filename=package.nupkg; filename*=utf-8''package.nupkg"
        ]
    );
    assert_eq!(our_parts[0].1, bytes);
    assert_eq!(their_parts[0].1, bytes);
    // Same content type form: a quoted GUID boundary.
    for request in [&ours, &theirs] {
        let ct = request.header("content-type").unwrap();
        assert!(ct.starts_with("multipart/form-data; boundary=\""), "{ct}");
        assert_eq!(
            ct.len(),
            "multipart/form-data; boundary=\"\"".len() + 36,
            "{ct}"
        );
    }
    // The same key header.
    assert_eq!(ours.header("x-nuget-apikey"), Some(KEY));
    assert_eq!(theirs.header("x-nuget-apikey"), Some(KEY));
    // What we add on purpose: the protocol version nuget.org requires, our
    // User-Agent, and a Content-Length instead of chunking.
    assert_eq!(ours.header("x-nuget-protocol-version"), Some("4.1.0"));
    assert_eq!(theirs.header("x-nuget-protocol-version"), None);
    assert!(
        ours.header("user-agent").unwrap().starts_with("Nupub/"),
        "{:?}",
        ours.header("user-agent")
    );
    assert!(!ours.chunked);
    assert_eq!(
        ours.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        ours.body.len()
    );
    assert!(theirs.chunked, "NuGet.exe sends chunked bodies");
    assert_eq!(
        ours.header("x-nuget-client-version"),
        None,
        "reserved for the official client"
    );
}

#[test]
fn through_a_v3_index_the_snupkg_follows_like_nugets() {
    let package = nupub_testkit::fixture("TestData.1.2.3.nupkg");
    let symbols = nupub_testkit::fixture("TestData.1.2.3.snupkg");

    let ours_server = CaptureServer::start(201);
    let source = Source::from_url("capture", &ours_server.index_url()).unwrap();
    let (result, _) = push(
        &source,
        &plan(&package),
        Some(KEY),
        &nupub_feeds::PushOptions {
            visibility_wait: std::time::Duration::ZERO,
            ..quick_options()
        },
    );
    let report = result.unwrap();
    assert!(
        matches!(report.symbols, SymbolsOutcome::Pushed { .. }),
        "{:?}",
        report.symbols
    );

    let nuget_server = CaptureServer::start(201);
    let run = NuGetExe::new().push(&package, &nuget_server.index_url(), Some(KEY));
    assert!(run.success, "{}", run.text());

    let sequence = |requests: Vec<CapturedRequest>| -> Vec<(String, String)> {
        requests.into_iter().map(|r| (r.method, r.path)).collect()
    };
    let ours = ours_server.requests();
    assert_eq!(sequence(ours.clone()), sequence(nuget_server.requests()));
    assert_eq!(
        sequence(ours.clone()),
        [
            ("GET".to_string(), "/v3/index.json".to_string()),
            ("PUT".to_string(), "/api/v2/package/".to_string()),
            ("PUT".to_string(), "/api/v2/symbolpackage/".to_string()),
        ]
    );
    let symbol_put = &ours[2];
    assert_eq!(symbol_put.multipart_parts()[0].1, read(&symbols));
    assert_eq!(symbol_put.header("x-nuget-apikey"), Some(KEY));
    // The index is read without the key, as NuGet.exe does.
    assert_eq!(ours[0].header("x-nuget-apikey"), None);
}
