//! The window's publish flow end to end (Feed → Confirm → Publish → Result):
//! the real app under Xvfb publishes a package made in the test to a local
//! folder feed (then NuGet.exe installs it from there) and to pynuget with a
//! key stored in the session's keyring beforehand (then the same version
//! again ends with the "already exists" guidance). Every step saves a screenshot.
#![allow(clippy::unwrap_used)]

use nupub_testkit::nuget_exe::NuGetExe;
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::PyNuGet;
use nupub_testkit::window::{png_size, AppWindow, Launch};
use std::path::{Path, PathBuf};
use std::time::Duration;

async fn shot(window: &AppWindow, name: &str) {
    let path = window.screenshot(name).await;
    let png = std::fs::read(&path).unwrap();
    let (w, h) = png_size(&png).expect("screenshot is a PNG");
    assert!(w >= 800 && h >= 600, "{name} is {w}x{h}");
}

/// The app started with `package`, its data (and so its default local feed)
/// and settings in `root`.
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

fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_named(&path, name));
        } else if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(name))
        {
            found.push(path);
        }
    }
    found
}

/// Waits until the Publish step reports `status` (published, exists, failed…).
async fn wait_for_outcome(window: &AppWindow, status: &str) {
    window
        .wait_until(
            &format!(
                "const s = document.querySelector('[data-testid=publish-step]'); return !!s && s.dataset.status === '{status}'"
            ),
            Duration::from_secs(90),
        )
        .await;
}

/// Opens the Feed step from the step navigation and waits for the list.
async fn open_feeds(window: &AppWindow) {
    window.click("[data-testid=step-feed] button").await;
    window.find("[data-testid=feed-local]").await;
}

/// From the Feed step with `feed_css` chosen to the Confirm step, with the checks done.
async fn confirm_with(window: &AppWindow, feed_css: &str) {
    window.click(&format!("{feed_css} input")).await;
    window.click("[data-testid=feed-next]").await;
    window
        .wait_for_text("[data-testid=summary-checks]", |t| {
            !t.is_empty() && !t.starts_with("Checking")
        })
        .await;
    window
        .wait_for_text("[data-testid=summary-preflight]", |t| {
            !t.is_empty() && !t.starts_with("Asking")
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn publishes_to_the_local_feed_and_nuget_exe_installs_it() {
    let root = tempfile::tempdir().unwrap();
    let package = make_nupkg(
        &root.path().join("packages"),
        "Nupub.E2E.Local",
        "1.0.0",
        "<license type=\"expression\">MIT</license>",
        0,
    );
    let before = std::fs::read(&package).unwrap();
    let window = AppWindow::launch(launch(&package, root.path())).await;
    window.find("[data-testid=open-another]").await;

    open_feeds(&window).await;
    let feed_dir = root.path().join("data/nupub/feed");
    let local = window.text_of("[data-testid=feed-local]").await;
    assert!(
        local.contains(&feed_dir.display().to_string()),
        "the local feed is the temp data folder's: {local}"
    );
    assert!(local.contains("No key needed"), "{local}");
    let order = window
        .eval(
            "return [...document.querySelectorAll('label.feed-option')].map(e => e.dataset.testid)",
        )
        .await;
    assert_eq!(order[0], "feed-local");
    assert_eq!(
        order.as_array().unwrap().last().unwrap(),
        "feed-nuget-org",
        "nuget.org comes last: {order}"
    );
    window.find("[data-testid=try-local]").await;
    shot(&window, "publish-local-1-feed").await;

    confirm_with(&window, "[data-testid=feed-local]").await;
    let summary = window.text_of("[data-testid=summary]").await;
    assert!(summary.contains("Nupub.E2E.Local 1.0.0"), "{summary}");
    assert!(summary.contains("MIT"), "{summary}");
    let focused = window
        .eval("return document.activeElement && document.activeElement.dataset.testid")
        .await;
    assert_eq!(focused, "confirm-cancel", "Cancel is the default button");
    shot(&window, "publish-local-2-confirm").await;

    window.click("[data-testid=confirm-publish]").await;
    wait_for_outcome(&window, "published").await;
    let result = window.text_of("[data-testid=result-published]").await;
    assert!(
        result.contains("Nupub.E2E.Local 1.0.0 is on Local feed"),
        "{result}"
    );
    shot(&window, "publish-local-3-result").await;
    window.close().await;

    let stored = files_named(&feed_dir, "nupub.e2e.local.1.0.0.nupkg");
    assert_eq!(stored.len(), 1, "one copy in {}", feed_dir.display());
    assert_eq!(std::fs::read(&stored[0]).unwrap(), before);
    assert_eq!(
        std::fs::read(&package).unwrap(),
        before,
        "the user's file is untouched"
    );

    let nuget = NuGetExe::new();
    let out = root.path().join("installed");
    let run = nuget.install(
        "Nupub.E2E.Local",
        "1.0.0",
        &feed_dir.display().to_string(),
        &out,
    );
    let text = run.text();
    let run = run.expect_success("NuGet.exe installs from the local feed");
    drop(run);
    assert!(
        files_named(&out, "nupub.e2e.local.1.0.0.nupkg").len() == 1,
        "installed: {text}"
    );
}

const FEED_NAME: &str = "e2e-pynuget-publish";

#[tokio::test(flavor = "multi_thread")]
async fn publishes_to_pynuget_with_the_stored_key_then_the_same_version_already_exists() {
    let key = format!("e2e-key-{}", std::process::id());
    let server = PyNuGet::start(&key);
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    let package = make_nupkg(
        &packages,
        "Nupub.E2E.Remote",
        "2.1.0",
        "<license type=\"expression\">MIT</license>",
        0,
    );
    // nuget.config beside the package names the feed, as a repository's would.
    std::fs::write(
        packages.join("nuget.config"),
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="{FEED_NAME}" value="{}" />
  </packageSources>
</configuration>
"#,
            server.push_url()
        ),
    )
    .unwrap();
    // The key goes into the session's keyring (scripts/with-peers) before the app starts.
    let config_dir = root.path().join("config");
    let vault =
        nupub_accounts::Vault::open(nupub_accounts::vault::SERVICE, config_dir.clone()).unwrap();
    vault
        .set_feed_key(
            FEED_NAME,
            nupub_accounts::Secret::new(key.clone()),
            nupub_accounts::KeyMetadata::default(),
        )
        .unwrap();

    let window = AppWindow::launch(launch(&package, root.path())).await;
    window.find("[data-testid=open-another]").await;
    open_feeds(&window).await;
    let css = format!("[data-testid=feed-{FEED_NAME}]");
    let entry = window.text_of(&css).await;
    assert!(entry.contains("API key stored"), "{entry}");
    assert!(!entry.contains(&key), "the key never reaches the page");
    shot(&window, "publish-pynuget-1-feed").await;

    confirm_with(&window, &css).await;
    assert_eq!(
        window.text_of("[data-testid=summary-key]").await,
        "API key stored"
    );
    shot(&window, "publish-pynuget-2-confirm").await;
    window.click("[data-testid=confirm-publish]").await;
    wait_for_outcome(&window, "published").await;
    shot(&window, "publish-pynuget-3-result").await;
    assert!(
        server.stored_package("Nupub.E2E.Remote", "2.1.0").is_some(),
        "pynuget holds the package; its log:\n{}",
        server.server_log()
    );
    let page = window.eval("return document.body.innerHTML").await;
    assert!(
        !page.as_str().unwrap().contains(&key),
        "the key never reaches the page"
    );

    // Unlist, with its own confirmation (pynuget deletes what it is asked to unlist).
    window.click("[data-testid=unlist-start]").await;
    let go = window.find("[data-testid=unlist-go]").await;
    assert_eq!(go.prop("disabled").await.unwrap().as_deref(), Some("true"));
    window
        .find("[data-testid=unlist-phrase]")
        .await
        .send_keys("Nupub.E2E.Remote 2.1.0")
        .await
        .unwrap();
    shot(&window, "publish-pynuget-4-unlist-confirm").await;
    window.click("[data-testid=unlist-go]").await;
    let done = window.text_of("[data-testid=unlist-done]").await;
    assert!(
        done.contains("is unlisted on e2e-pynuget-publish"),
        "{done}"
    );
    assert!(server.stored_package("Nupub.E2E.Remote", "2.1.0").is_none());
    shot(&window, "publish-pynuget-5-unlisted").await;

    // Published again (pynuget took the version out), then once more: the
    // preflight finds it on the feed, so Confirm
    // ends the flow with the new-version guidance and nothing is uploaded.
    window.click("[data-testid=result-done]").await;
    open_feeds(&window).await;
    confirm_with(&window, &css).await;
    window.click("[data-testid=confirm-publish]").await;
    wait_for_outcome(&window, "published").await;
    assert!(server.stored_package("Nupub.E2E.Remote", "2.1.0").is_some());
    window.click("[data-testid=result-done]").await;
    open_feeds(&window).await;
    confirm_with(&window, &css).await;
    let exists = window.text_of("[data-testid=preflight-exists]").await;
    assert!(
        exists.contains("Nupub.E2E.Remote 2.1.0 is already on e2e-pynuget-publish"),
        "{exists}"
    );
    assert!(exists.contains("Raise the version number"), "{exists}");
    let disabled = window
        .eval("return document.querySelector('[data-testid=confirm-publish]').disabled")
        .await;
    assert_eq!(disabled, serde_json::Value::Bool(true));
    shot(&window, "publish-pynuget-6-exists").await;
    window.close().await;

    vault.remove_feed_key(FEED_NAME).unwrap();
}
