//! The Versions view and "fix a bad release" end to end in the real window:
//! pynuget holds the versions (unlisting there deletes), the labelled
//! deprecation fake (`nupub_testkit::deprecation`) stands in front of it with
//! nuget.org's registration and deprecation API. The fix fails after the new
//! version is published (the fake answers the unlist with 503): the window
//! says the new version is published and the unlist is not done; finishing it
//! later works, and the view agrees with pynuget's own listing.
#![allow(clippy::unwrap_used)]

use nupub_testkit::deprecation::{normalize, push_package, upstream_versions, DeprecationFake};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::PyNuGet;
use nupub_testkit::window::{AppWindow, Launch};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

const MIT: &str = "<license type=\"expression\">MIT</license>";
const FEED: &str = "fake-nuget-org";
const ID: &str = "Life.Fix";

fn launch(package: &Path, root: &Path) -> Launch {
    Launch {
        args: vec![package.display().to_string()],
        env: vec![
            (
                "XDG_DATA_HOME".into(),
                root.join("data").display().to_string(),
            ),
            (
                "NUPUB_CONFIG_DIR".into(),
                root.join("config").display().to_string(),
            ),
        ],
    }
}

/// The versions the view shows, normalized and sorted.
async fn rows(window: &AppWindow) -> Vec<String> {
    let value = window
        .eval("return [...document.querySelectorAll('[data-testid=version-row]')].map(r => r.dataset.version)")
        .await;
    let mut versions: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| normalize(v.as_str().unwrap()))
        .collect();
    versions.sort();
    versions
}

fn pynuget_listing(upstream: SocketAddr) -> Vec<String> {
    let mut versions: Vec<String> = upstream_versions(upstream, ID)
        .iter()
        .map(|v| normalize(v))
        .collect();
    versions.sort();
    versions
}

async fn wait_rows(window: &AppWindow, expected: &[&str]) {
    let list = expected
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(",");
    window
        .wait_until(
            &format!(
                "const got = [...document.querySelectorAll('[data-testid=version-row]')].map(r => r.dataset.version).sort(); \
                 const want = [{list}].sort(); return JSON.stringify(got) === JSON.stringify(want)"
            ),
            Duration::from_secs(30),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_a_bad_release_recovers_from_a_failed_unlist() {
    let key = format!("e2e-life-{}", std::process::id());
    let server = PyNuGet::start(&key);
    let upstream: SocketAddr = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    for v in ["1.0.0", "1.0.1"] {
        let p = make_nupkg(&root.path().join("published"), ID, v, MIT, 0);
        assert_eq!(push_package(&server.push_url(), &key, &p), 201);
    }
    let fake = DeprecationFake::start(&server, &[ID]);
    let corrected = make_nupkg(&packages, ID, "1.0.2", MIT, 0);
    std::fs::write(
        packages.join("nuget.config"),
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <add key=\"{FEED}\" value=\"{}\" />\n  </packageSources>\n</configuration>\n",
            fake.index_url()
        ),
    )
    .unwrap();
    let vault =
        nupub_accounts::Vault::open(nupub_accounts::vault::SERVICE, root.path().join("config"))
            .unwrap();
    vault
        .set_feed_key(
            FEED,
            nupub_accounts::Secret::new(key.clone()),
            nupub_accounts::KeyMetadata::default(),
        )
        .unwrap();

    let window = AppWindow::launch(launch(&corrected, root.path())).await;
    window.click("[data-testid=package-versions]").await;
    window.find("[data-testid=versions-view]").await;
    wait_rows(&window, &["1.0.1", "1.0.0"]).await;
    assert_eq!(rows(&window).await, pynuget_listing(upstream));
    let listed = window
        .eval("return [...document.querySelectorAll('[data-testid=version-row]')].every(r => r.dataset.listed === 'true')")
        .await;
    assert_eq!(
        listed,
        serde_json::Value::Bool(true),
        "the registration says listed"
    );
    window.screenshot("versions-1-list").await;

    // Pick the bad version, deprecate and unlist it behind the corrected package.
    window
        .click("[data-testid=version-row][data-version='1.0.1'] [data-testid=version-check]")
        .await;
    window.click("[data-testid=versions-fix]").await;
    assert_eq!(window.text_of("[data-testid=fix-bad]").await, "1.0.1");
    window.click("[data-testid=fix-deprecate]").await;
    window.click("[data-testid=reason-critical]").await;
    fake.fail_next("DELETE", 503);
    window.click("[data-testid=fix-start]").await;
    window
        .wait_until(
            "const s = document.querySelector('[data-testid=fix-step][data-kind=unlist]'); return !!s && s.dataset.status === 'failed'",
            Duration::from_secs(90),
        )
        .await;
    let summary = window.text_of("[data-testid=fix-summary]").await;
    assert!(summary.contains("Publish Life.Fix 1.0.2"), "{summary}");
    assert!(summary.contains("Unlist 1.0.1 (failed"), "{summary}");
    let state = window
        .eval("return [...document.querySelectorAll('[data-testid=fix-step]')].map(s => s.dataset.kind + ':' + s.dataset.status)")
        .await;
    assert_eq!(
        state,
        serde_json::json!([
            "publish:done",
            "deprecate:done",
            "unlist:failed",
            "verify:pending"
        ])
    );
    assert!(
        server.stored_package(ID, "1.0.2").is_some(),
        "the new version is published"
    );
    assert!(
        server.stored_package(ID, "1.0.1").is_some(),
        "the bad version is still there"
    );
    let deprecation = fake.deprecation_of(ID, "1.0.1").unwrap();
    assert!(deprecation.critical_bugs);
    assert_eq!(
        deprecation.message.as_deref(),
        Some("Use version 1.0.2 instead.")
    );
    window.screenshot("versions-2-fix-failed").await;

    // Finish what is left: the unlist and the check; nothing is published twice.
    window.click("[data-testid=fix-resume]").await;
    window
        .wait_until(
            "const s = document.querySelector('[data-testid=fix-state]'); return !!s && s.dataset.finished === 'true'",
            Duration::from_secs(90),
        )
        .await;
    assert!(server.stored_package(ID, "1.0.1").is_none());
    let pushes = fake
        .requests()
        .iter()
        .filter(|r| {
            r.method == "PUT"
                && r.path.starts_with("/api/v2/package/")
                && !r.path.ends_with("/deprecations")
        })
        .count();
    assert_eq!(pushes, 1, "published once");
    wait_rows(&window, &["1.0.2", "1.0.0"]).await;
    assert_eq!(rows(&window).await, pynuget_listing(upstream));
    window.screenshot("versions-3-fixed").await;

    // A long wait the feed asks for (429, Retry-After: 120) is stopped from the
    // window: the version in flight is not unlisted and the report says so.
    fake.set_retry_after(120);
    fake.fail_next("DELETE", 429);
    window
        .click("[data-testid=version-row][data-version='1.0.0'] [data-testid=version-check]")
        .await;
    window.click("[data-testid=versions-unlist]").await;
    window.click("[data-testid=listing-go]").await;
    window
        .wait_for_text("[data-testid=versions-progress]", |t| {
            t.contains("wait 120 s")
        })
        .await;
    window.screenshot("versions-4-waiting").await;
    window.click("[data-testid=versions-cancel]").await;
    window
        .find("[data-testid=listing-result][data-kind=failed]")
        .await;
    let report = window.text_of("[data-testid=listing-report]").await;
    assert!(report.contains("0 of 1 version(s)"), "{report}");
    assert!(
        server.stored_package(ID, "1.0.0").is_some(),
        "stopped before unlisting"
    );
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=versions-progress]') === null")
            .await,
        serde_json::Value::Bool(true),
        "no progress line once stopped"
    );

    // Bulk by range: one confirmation listing every version, then the per-version report.
    window.click("[data-testid=versions-select-none]").await;
    let range = window.find("[data-testid=versions-range]").await;
    range.send_keys("[1.0.0, 1.0.2)").await.unwrap();
    window.click("[data-testid=versions-select-range]").await;
    window.click("[data-testid=versions-unlist]").await;
    let listed = window.text_of("[data-testid=listing-confirm]").await;
    assert!(
        listed.contains("1.0.0") && !listed.contains("1.0.2"),
        "{listed}"
    );
    window.click("[data-testid=listing-go]").await;
    window
        .find("[data-testid=listing-result][data-kind=done]")
        .await;
    wait_rows(&window, &["1.0.2"]).await;
    assert_eq!(rows(&window).await, pynuget_listing(upstream));
    window.screenshot("versions-5-bulk").await;
    window.close().await;
    vault.remove_feed_key(FEED).unwrap();
}
