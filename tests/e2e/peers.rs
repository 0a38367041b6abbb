//! One smoke test per real peer, proving it is the real thing, plus the
//! harness promise that a stopped peer leaves no process behind.
#![allow(clippy::unwrap_used)]

use nupub_testkit::nuget_exe::{write_simple_nuspec, NuGetExe};
use nupub_testkit::oidc::OidcProvider;
use nupub_testkit::process::{live_members, run_with_timeout};
use nupub_testkit::pynuget::{read, PyNuGet, StaticV3Index};
use nupub_testkit::secret_service::SecretService;
use nupub_testkit::{fixture, http};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::process::Command;
use std::time::Duration;

const KEY: &str = "test-key-0123456789";

fn entry_names(package: &std::path::Path) -> Vec<String> {
    let file = std::fs::File::open(package).unwrap();
    let archive = zip::ZipArchive::new(file).unwrap();
    archive.file_names().map(str::to_string).collect()
}

#[test]
fn nuget_exe_packs_pushes_to_pynuget_and_installs_back() {
    let work = tempfile::tempdir().unwrap();
    let nuget = NuGetExe::new();
    let nuspec = write_simple_nuspec(&work.path().join("src"), "Nupub.Smoke", "1.2.3", "");
    let package = nuget.pack(&nuspec, &work.path().join("out"));
    assert_eq!(package.file_name().unwrap(), "Nupub.Smoke.1.2.3.nupkg");
    let names = entry_names(&package);
    for expected in [
        "Nupub.Smoke.nuspec",
        "content/hello.txt",
        "[Content_Types].xml",
        "_rels/.rels",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }

    let server = PyNuGet::start(KEY);
    let pushed = nuget.push(&package, &server.push_url(), Some(KEY));
    assert!(pushed.success, "push failed:\n{}", pushed.text());
    assert!(
        pushed.text().contains("Your package was pushed."),
        "{}",
        pushed.text()
    );
    let stored = server
        .stored_package("Nupub.Smoke", "1.2.3")
        .unwrap_or_else(|| {
            panic!(
                "pynuget did not store the package:\n{}",
                server.server_log()
            )
        });
    assert_eq!(
        read(&stored),
        read(&package),
        "stored bytes differ from the pushed file"
    );

    // A real server says no to a duplicate and to a wrong key.
    let again = nuget.push(&package, &server.push_url(), Some(KEY));
    assert!(!again.success);
    assert!(again.text().contains("409"), "{}", again.text());
    let wrong_key = nuget.push(&package, &server.push_url(), Some("not-the-key"));
    assert!(!wrong_key.success);
    assert!(wrong_key.text().contains("401"), "{}", wrong_key.text());

    // Its V2 feed lists the package, and the official client installs it from there.
    let (status, body) = http::get(&format!(
        "{}/FindPackagesById()?id='Nupub.Smoke'",
        server.base_url()
    ))
    .unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("1.2.3"), "{body}");
    let installed = work.path().join("installed");
    nuget
        .install(
            "Nupub.Smoke",
            "1.2.3",
            &format!("{}/", server.base_url()),
            &installed,
        )
        .expect_success("install");
    let hello =
        std::fs::read_to_string(installed.join("Nupub.Smoke.1.2.3/content/hello.txt")).unwrap();
    assert_eq!(hello, "Hello from Nupub.Smoke 1.2.3\n");
}

#[test]
fn nuget_exe_pushes_through_the_static_v3_index() {
    let server = PyNuGet::start(KEY);
    let index = StaticV3Index::in_front_of(&server);
    let (status, body) = http::get(&index.index_url()).unwrap();
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["resources"][0]["@type"], "PackagePublish/2.0.0");

    let nuget = NuGetExe::new();
    let package = fixture("TestData.1.2.3.nupkg");
    let pushed = nuget.push(&package, &index.index_url(), Some(KEY));
    assert!(pushed.success, "push through V3 failed:\n{}", pushed.text());
    let stored = server
        .stored_package("TestData", "1.2.3")
        .expect("stored through V3");
    assert_eq!(read(&stored), read(&package));
}

#[test]
fn oidc_provider_serves_a_microsoft_like_discovery_document() {
    let provider = OidcProvider::start();
    let (status, body) = http::get(&provider.discovery_url()).unwrap();
    assert_eq!(status, 200, "{body}");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["issuer"], provider.issuer());
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    for endpoint in [
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "device_authorization_endpoint",
    ] {
        let url = doc[endpoint]
            .as_str()
            .unwrap_or_else(|| panic!("{endpoint} missing: {doc}"));
        assert!(url.starts_with(&provider.issuer()), "{endpoint} = {url}");
    }
    let scopes = doc["scopes_supported"].as_array().unwrap();
    assert!(scopes.iter().any(|s| s == "offline_access"), "{scopes:?}");
    let grants = doc["grant_types_supported"].as_array().unwrap();
    assert!(grants.iter().any(|g| g == "refresh_token"));
    assert!(grants
        .iter()
        .any(|g| g == "urn:ietf:params:oauth:grant-type:device_code"));

    let (status, jwks) = http::get(doc["jwks_uri"].as_str().unwrap()).unwrap();
    assert_eq!(status, 200);
    let jwks: serde_json::Value = serde_json::from_str(&jwks).unwrap();
    assert!(
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["kty"] == "RSA"),
        "{jwks}"
    );

    // PKCE is enforced: an authorization request without a code challenge is
    // sent back to the (loopback) redirect URI with an error.
    let (status, location) = http::get_redirect(&format!(
        "{}?client_id={}&response_type=code&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&state=s1",
        doc["authorization_endpoint"].as_str().unwrap(),
        nupub_testkit::oidc::CLIENT_ID
    ))
    .unwrap();
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert!(
        location.starts_with("http://127.0.0.1:9/callback?"),
        "{location}"
    );
    assert!(location.contains("error=invalid_request"), "{location}");
    assert!(location.contains("PKCE"), "{location}");
}

#[test]
fn secret_service_round_trip_with_a_real_client() {
    let service = SecretService::start();
    let secret_tool = |args: &[&str], input: Option<&str>| {
        let mut command = Command::new("secret-tool");
        command.args(args).envs(service.env());
        if let Some(input) = input {
            // secret-tool reads the secret from stdin when it is not a terminal.
            let mut child = command
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            return output;
        }
        run_with_timeout(command, Duration::from_secs(20))
    };
    let stored = secret_tool(
        &[
            "store",
            "--label=Nupub smoke",
            "service",
            "nupub-smoke",
            "account",
            "ann",
        ],
        Some("s3cret-value"),
    );
    assert!(
        stored.status.success(),
        "store: {}",
        String::from_utf8_lossy(&stored.stderr)
    );
    let found = secret_tool(
        &["lookup", "service", "nupub-smoke", "account", "ann"],
        None,
    );
    assert!(
        found.status.success(),
        "lookup: {}",
        String::from_utf8_lossy(&found.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&found.stdout), "s3cret-value");
    let cleared = secret_tool(&["clear", "service", "nupub-smoke", "account", "ann"], None);
    assert!(cleared.status.success());
    let gone = secret_tool(
        &["lookup", "service", "nupub-smoke", "account", "ann"],
        None,
    );
    assert!(
        !gone.status.success() || gone.stdout.is_empty(),
        "secret still there after clear"
    );
}

#[test]
fn stopped_peers_leave_no_process_behind() {
    let server = PyNuGet::start(KEY);
    let provider = OidcProvider::start();
    let service = SecretService::start();
    let groups = [
        server.process().pgid(),
        provider.process().pgid(),
        service.bus_process().pgid(),
        service.keyring_process().pgid(),
    ];
    for group in groups {
        assert!(
            !live_members(group).is_empty(),
            "peer group {group} should be running"
        );
    }
    drop(server);
    drop(provider);
    drop(service);
    for group in groups {
        assert_eq!(
            live_members(group),
            Vec::<i32>::new(),
            "processes left in group {group}"
        );
    }
}

#[test]
fn real_fixtures_match_their_manifest_checksums() {
    // The shared fixtures are read in place, never copied into the project.
    // Every file listed in MANIFEST.md's SHA-256 table must be there, unchanged.
    let manifest =
        std::fs::read_to_string(nupub_testkit::fixtures_dir().join("MANIFEST.md")).unwrap();
    let table = manifest
        .split("## SHA-256")
        .nth(1)
        .expect("MANIFEST.md has a SHA-256 section");
    let mut checked = 0;
    for line in table.lines().take_while(|l| !l.starts_with("## ")) {
        let cells: Vec<&str> = line
            .split('|')
            .map(|c| c.trim().trim_matches('`'))
            .collect();
        if cells.len() < 3
            || cells[2].len() != 64
            || !cells[2].bytes().all(|b| b.is_ascii_hexdigit())
        {
            continue;
        }
        let mut bytes = Vec::new();
        std::fs::File::open(fixture(cells[1]))
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            digest, cells[2],
            "{} differs from its MANIFEST checksum",
            cells[1]
        );
        checked += 1;
    }
    assert_eq!(checked, 29, "MANIFEST.md lists 29 fixtures");
}
