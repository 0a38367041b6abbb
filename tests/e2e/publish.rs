//! The window's publish flow end to end (Feed → Confirm → Publish → Result):
//! the real app under Xvfb publishes a package made in the test to a local
//! folder feed (then NuGet.exe installs it from there) and to pynuget with a
//! key stored in the session's keyring beforehand (then the same version
//! again ends with the "already exists" guidance); cancels a slow upload to
//! pynuget (behind the fault proxy's throttle) so nothing is published; and
//! walks nuget.org's typed confirmation on a machine that cannot reach
//! nuget.org, without publishing. Every step saves a screenshot.
#![allow(clippy::unwrap_used)]

use nupub_testkit::nuget_exe::NuGetExe;
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::{PyNuGet, StaticV3Index};
use nupub_testkit::search::{Answer, FakeSearch};
use nupub_testkit::window::{contrast_ratio, luminance, png_size, AppWindow, Launch};
use nupub_testkit::wire::{Fault, FaultProxy};
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

/// The licence metadata the tests' packages carry.
const MIT: &str = "<license type=\"expression\">MIT</license>";
/// What `dotnet pack` writes for a licence expression; nuget.org wants both.
const NUGET_ORG_METADATA: &str = "<license type=\"expression\">MIT</license><licenseUrl>https://licenses.nuget.org/MIT</licenseUrl><projectUrl>https://github.com/nupub/nupub</projectUrl>";

/// A small package `id` `version` with `metadata`, made in `root/packages`.
fn package_in(root: &Path, id: &str, version: &str, metadata: &str) -> PathBuf {
    make_nupkg(&root.join("packages"), id, version, metadata, 0)
}

/// The app's default local feed under the temp data folder of `root`.
fn local_feed(root: &Path) -> PathBuf {
    root.join("data/nupub/feed")
}

/// Starts the app as `launch` says, waits for it to open the package, and
/// opens the Feed step.
async fn start_at_feeds(launch: Launch) -> AppWindow {
    let window = AppWindow::launch(launch).await;
    window.find("[data-testid=open-another]").await;
    open_feeds(&window).await;
    window
}

/// Presses Publish on the Confirm step and waits until it has published.
async fn publish(window: &AppWindow) {
    window.click("[data-testid=confirm-publish]").await;
    wait_for_outcome(window, "published").await;
}

/// Whether the Confirm step's Publish button is disabled (a JSON bool).
async fn publish_disabled(window: &AppWindow) -> serde_json::Value {
    window
        .eval("return document.querySelector('[data-testid=confirm-publish]').disabled")
        .await
}

/// `script` run in the page returns `true`; `why` says what it means.
async fn assert_page_true(window: &AppWindow, script: &str, why: &str) {
    assert_eq!(
        window.eval(script).await,
        serde_json::Value::Bool(true),
        "{why}"
    );
}

/// The Confirm step's Publish button is disabled: Publish is blocked.
async fn assert_publish_blocked(window: &AppWindow) {
    assert_page_true(
        window,
        "return document.querySelector('[data-testid=confirm-publish]').disabled",
        "Publish is blocked",
    )
    .await;
}

/// Waits until the Confirm step's Publish button can be pressed.
async fn wait_for_publish_enabled(window: &AppWindow) {
    window
        .wait_until(
            "return document.querySelector('[data-testid=confirm-publish]').disabled === false",
            Duration::from_secs(5),
        )
        .await;
}

/// Types `text` into the field `css`.
async fn type_into(window: &AppWindow, css: &str, text: &str) {
    window.find(css).await.send_keys(text).await.unwrap();
}

/// Scrolls `css` into view (before a screenshot).
async fn scroll_to(window: &AppWindow, css: &str) {
    window
        .eval(&format!(
            "document.querySelector('{css}').scrollIntoView(); return true"
        ))
        .await;
}

/// The focused element's test id.
async fn focused(window: &AppWindow) -> serde_json::Value {
    window
        .eval("return document.activeElement && document.activeElement.dataset.testid")
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn publishes_to_the_local_feed_and_nuget_exe_installs_it() {
    let root = tempfile::tempdir().unwrap();
    let package = package_in(root.path(), "Nupub.E2E.Local", "1.0.0", MIT);
    let before = std::fs::read(&package).unwrap();
    let window = start_at_feeds(launch(&package, root.path())).await;

    let feed_dir = local_feed(root.path());
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
    assert_eq!(
        focused(&window).await,
        "confirm-title",
        "Confirm opens on its heading (the one focus rule), never on Publish: no key press publishes"
    );
    shot(&window, "publish-local-2-confirm").await;

    publish(&window).await;
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
    let package = package_in(root.path(), "Nupub.E2E.Remote", "2.1.0", MIT);
    let vault = feed_with_key(&packages, root.path(), FEED_NAME, &server.push_url(), &key);

    let window = start_at_feeds(launch(&package, root.path())).await;
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
    publish(&window).await;
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
    type_into(
        &window,
        "[data-testid=unlist-phrase]",
        "Nupub.E2E.Remote 2.1.0",
    )
    .await;
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
    publish(&window).await;
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
    let disabled = publish_disabled(&window).await;
    assert_eq!(disabled, serde_json::Value::Bool(true));
    shot(&window, "publish-pynuget-6-exists").await;
    window.close().await;

    vault.remove_feed_key(FEED_NAME).unwrap();
}

/// Writes a nuget.config beside the packages naming `name` → `url`, as a
/// repository's would, and stores `key` for it in the session's keyring
/// (scripts/with-peers) before the app starts. Returns the vault to clean up.
fn feed_with_key(
    packages: &Path,
    root: &Path,
    name: &str,
    url: &str,
    key: &str,
) -> nupub_accounts::Vault {
    write_nuget_config(
        packages,
        &format!(r#"    <add key="{name}" value="{url}" />"#),
    );
    let vault =
        nupub_accounts::Vault::open(nupub_accounts::vault::SERVICE, root.join("config")).unwrap();
    store_key(&vault, name, key, nupub_accounts::KeyMetadata::default());
    vault
}

/// Writes `packages/nuget.config` whose `<packageSources>` holds `sources`
/// (the lines inside it).
fn write_nuget_config(packages: &Path, sources: &str) {
    std::fs::write(
        packages.join("nuget.config"),
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
{sources}
  </packageSources>
</configuration>
"#
        ),
    )
    .unwrap();
}

/// Stores `key` for the feed `name` in the keyring, with `metadata`.
fn store_key(
    vault: &nupub_accounts::Vault,
    name: &str,
    key: &str,
    metadata: nupub_accounts::KeyMetadata,
) {
    vault
        .set_feed_key(name, nupub_accounts::Secret::new(key.to_string()), metadata)
        .unwrap();
}

/// `launch` with its HTTP(S) proxy variables `names` set to `proxy`;
/// loopback stays direct (WebKitWebDriver reaches the app's inspector there).
fn through_proxy(mut launch: Launch, names: &[&str], proxy: &str) -> Launch {
    for name in names {
        launch.env.push(((*name).into(), proxy.into()));
    }
    for name in ["NO_PROXY", "no_proxy"] {
        launch.env.push((name.into(), "127.0.0.1,localhost".into()));
    }
    launch
}

const CANCEL_FEED: &str = "e2e-pynuget-cancel";

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_slow_upload_publishes_nothing() {
    cancel_flow(false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_in_the_dark_theme_reads_clearly() {
    cancel_flow(true).await;
}

/// Publishes a large package to pynuget behind a slow network, presses
/// Cancel once bytes are on their way, and proves nothing was published.
async fn cancel_flow(dark_theme: bool) {
    let theme = if dark_theme { "-dark" } else { "" };
    let feed_name = format!("{CANCEL_FEED}{theme}");
    let key = format!("e2e-cancel-key-{}{theme}", std::process::id());
    let server = PyNuGet::start(&key);
    // A slow network in front of the real pynuget: 24 MB read at 1 MB/s. The
    // loopback socket buffers take the first few MB at once (the client
    // counts them as sent), the rest goes at the proxy's pace: some 20 s of
    // upload, time enough to press Cancel.
    let upstream = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = FaultProxy::start(upstream, vec![Fault::Throttle(1024 * 1024)]);
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    let package = make_nupkg(
        &packages,
        "Nupub.E2E.Cancel",
        "1.0.0",
        MIT,
        24 * 1024 * 1024,
    );
    let before = std::fs::read(&package).unwrap();
    let vault = feed_with_key(&packages, root.path(), &feed_name, &proxy.push_url(), &key);

    let mut start = launch(&package, root.path());
    if dark_theme {
        start = dark(start);
    }
    let window = start_at_feeds(start).await;
    let css = format!("[data-testid=feed-{feed_name}]");
    confirm_with(&window, &css).await;
    window.click("[data-testid=confirm-publish]").await;

    // The bar shows bytes on their way (or the step has ended, which fails below).
    window
        .wait_until(
            "const s = document.querySelector('[data-testid=publish-step]'); \
             const p = document.querySelector('[data-testid=progress] progress'); \
             const l = document.querySelector('[data-testid=progress-line]'); \
             return (!!s && s.dataset.status !== 'running') || (!!p && p.value > 0 && !!l && / of /.test(l.textContent))",
            Duration::from_secs(60),
        )
        .await;
    let status = window
        .eval("return document.querySelector('[data-testid=publish-step]').dataset.status")
        .await;
    assert_eq!(
        status,
        "running",
        "the upload ended before Cancel: {}\nproxy: {:?}",
        window.text_of("[data-testid=publish-step]").await,
        proxy.events()
    );
    let line = window.text_of("[data-testid=progress-line]").await;
    assert!(line.contains("of 25.2 MB"), "{line}");
    shot(&window, &format!("publish-cancel-1-uploading{theme}")).await;
    if dark_theme {
        assert_dark_and_readable(&window, "[data-testid=progress-line]").await;
        assert_dark_and_readable(&window, "[data-testid=publish-cancel]").await;
        // The page draws the bar itself (the toolkit's is dark blue on dark
        // grey): no native appearance, its track the surface colour, its fill
        // the accent, which stands out from the track (3:1, WCAG's figure for
        // UI parts). WebKit does not compute styles of the bar's pseudo-elements,
        // so the fill is read from the theme's variable the stylesheet uses.
        let parts = window
            .eval(
                "const p = document.querySelector('[data-testid=progress] progress'); \
                 const s = getComputedStyle(p); const root = getComputedStyle(document.documentElement); \
                 const hex = (h) => { h = h.trim().replace('#', ''); return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16)); }; \
                 return [s.getPropertyValue('appearance') || s.getPropertyValue('-webkit-appearance'), \
                         (s.backgroundColor.match(/[\\d.]+/g) || []).map(Number).slice(0, 3), \
                         hex(root.getPropertyValue('--accent'))]",
            )
            .await;
        let rgb = |v: &serde_json::Value| -> [f64; 3] {
            let n: Vec<f64> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            [n[0], n[1], n[2]]
        };
        assert_eq!(parts[0], "none", "the bar is drawn by the page: {parts}");
        let (track, fill) = (rgb(&parts[1]), rgb(&parts[2]));
        assert!(luminance(track) < 0.1, "the track is dark: {track:?}");
        assert!(
            contrast_ratio(fill, track) >= 3.0,
            "progress fill {fill:?} on track {track:?}: {:.2}:1",
            contrast_ratio(fill, track)
        );
    }
    let cancel = window.find("[data-testid=publish-cancel]").await;
    assert_eq!(cancel.text().await.unwrap(), "Cancel");
    cancel.click().await.unwrap();

    wait_for_outcome(&window, "cancelled").await;
    let said = window.text_of("[data-testid=result-cancelled]").await;
    assert!(said.contains("Nothing was published."), "{said}");
    assert!(
        said.contains(&format!("{feed_name} does not have it")),
        "{said}"
    );
    let code = window
        .eval("return document.querySelector('[data-testid=result-cancelled]').dataset.code")
        .await;
    assert_eq!(code, "feed.push.cancelled");
    assert_eq!(window.text_of("#publish-title").await, "Cancelled");
    shot(&window, &format!("publish-cancel-2-cancelled{theme}")).await;
    if dark_theme {
        assert_dark_and_readable(&window, "[data-testid=result-cancelled]").await;
        assert_dark_and_readable(&window, "[data-testid=result-back]").await;
        assert_readable(&window, "[data-testid=result-done]").await;
    }
    window.close().await;

    // The proxy saw one PUT, stopped mid-body, and forwarded nothing.
    let start = std::time::Instant::now();
    while proxy.puts_received() == 0 && start.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let events = proxy.events();
    assert_eq!(proxy.puts_received(), 1, "{events:?}");
    assert!(proxy.forwarded_puts().is_empty(), "{events:?}");
    assert!(
        events.iter().any(|e| e.method == "PUT"
            && e.fault
                .contains("the client stopped before the body was complete")),
        "{events:?}"
    );
    // Asked directly: pynuget does not list the version, nor hold its file.
    let (status, listed) = nupub_testkit::http::get(&format!(
        "{}/FindPackagesById()?id='Nupub.E2E.Cancel'",
        server.base_url()
    ))
    .unwrap();
    assert_eq!(status, 200, "{listed}");
    assert!(!listed.contains("1.0.0"), "{listed}");
    assert!(server.stored_package("Nupub.E2E.Cancel", "1.0.0").is_none());
    assert_eq!(
        std::fs::read(&package).unwrap(),
        before,
        "the user's file is untouched"
    );
    vault.remove_feed_key(&feed_name).unwrap();
}

/// The environment of a machine that cannot reach nuget.org: this test
/// machine has no route there, and the app's HTTP proxy is a closed local
/// port besides, so the result is the same on a machine that has one.
fn offline(launch: Launch) -> Launch {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}");
    through_proxy(
        launch,
        &["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"],
        &dead,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn nuget_org_offline_still_asks_for_the_typed_phrase_and_cancel_publishes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let package = package_in(
        root.path(),
        "Nupub.E2E.Offline",
        "1.0.0",
        NUGET_ORG_METADATA,
    );
    let window = start_at_feeds(offline(launch(&package, root.path()))).await;
    confirm_with(&window, "[data-testid=feed-nuget-org]").await;

    let checks = window.text_of("[data-testid=summary-checks]").await;
    assert!(
        !checks.contains("must be fixed"),
        "{checks}: {}",
        window.text_of("[data-testid=confirm-blocked]").await
    );
    // Preflight could not reach nuget.org: it says so, plainly, and the step stays usable.
    let preflight = window.text_of("[data-testid=summary-preflight]").await;
    assert_eq!(preflight, "nuget.org did not answer");
    let unreachable = window.text_of("[data-testid=preflight-unreachable]").await;
    assert!(
        unreachable.contains("Nupub could not reach nuget.org, so it cannot tell whether Nupub.E2E.Offline 1.0.0 is there already"),
        "{unreachable}"
    );
    assert!(unreachable.contains("How to fix it:"), "{unreachable}");
    let code = window
        .eval("return document.querySelector('[data-testid=preflight-unreachable] [data-testid=error]').dataset.code")
        .await;
    assert!(
        code.as_str().is_some_and(|c| c.starts_with("feed.")),
        "the feeds crate's own code: {code}"
    );
    // The feed-facts panel says what was not checked, never "nothing stands in the way".
    let notes = window.text_of("[data-testid=preflight-notes]").await;
    assert!(
        notes.contains("nuget.org did not answer, so who owns Nupub.E2E.Offline"),
        "{notes}"
    );
    let nothing = window
        .eval("return !!document.querySelector('[data-testid=preflight-nothing]')")
        .await;
    assert_eq!(nothing, serde_json::Value::Bool(false));

    let warning = window.text_of("[data-testid=nuget-org-warning]").await;
    assert!(
        warning.contains("nuget.org never deletes a version; you could only unlist it"),
        "{warning}"
    );
    assert!(
        warning.contains("Type Nupub.E2E.Offline 1.0.0 to confirm"),
        "{warning}"
    );
    assert_eq!(
        focused(&window).await,
        "confirm-title",
        "Confirm opens on its heading (the one focus rule), never on Publish: no key press publishes"
    );
    let publish = window.find("[data-testid=confirm-publish]").await;
    let disabled = || publish_disabled(&window);
    assert_eq!(disabled().await, serde_json::Value::Bool(true));
    assert_eq!(publish.text().await.unwrap(), "Publish to nuget.org");
    shot(&window, "publish-nuget-org-1-confirm-offline").await;

    let phrase = window.find("[data-testid=confirm-phrase]").await;
    phrase.send_keys("Nupub.E2E.Offline 1.0.1").await.unwrap();
    assert_eq!(
        disabled().await,
        serde_json::Value::Bool(true),
        "a wrong version"
    );
    shot(&window, "publish-nuget-org-2-wrong-phrase").await;
    phrase.clear().await.unwrap();
    phrase.send_keys("Nupub.E2E.Offline 1.0.0").await.unwrap();
    // The right phrase alone does not publish: nuget.org needs a key (asked for
    // right here) and nuget.org's warnings are not acknowledged yet.
    window.find("[data-testid=confirm-key-form]").await;
    assert_eq!(disabled().await, serde_json::Value::Bool(true));
    assert!(window
        .text_of("[data-testid=unacknowledged-note]")
        .await
        .contains("so Publish stays off"));
    shot(&window, "publish-nuget-org-3-phrase-typed").await;

    // The user thinks again: Cancel goes back to the feeds and nothing is sent.
    window.click("[data-testid=confirm-cancel]").await;
    window.find("[data-testid=feed-step]").await;
    assert_page_true(
        &window,
        "return document.querySelector('[data-testid=publish-step]') === null",
        "no publish started",
    )
    .await;
    shot(&window, "publish-nuget-org-4-cancelled").await;
    window.close().await;
}

/// The app under GTK's dark Adwaita theme (WebKitGTK then reports
/// `prefers-color-scheme: dark` to the page), as tests/e2e/window.rs does.
fn dark(mut launch: Launch) -> Launch {
    launch.env.push(("GTK_THEME".into(), "Adwaita:dark".into()));
    launch
}

/// `css` is drawn on a dark background in light text, at least at WCAG AA
/// contrast for body text (4.5:1).
async fn assert_dark_and_readable(window: &AppWindow, css: &str) {
    let (fg, bg) = window.colours(css).await;
    let ratio = contrast_ratio(fg, bg);
    assert!(
        luminance(bg) < 0.1,
        "{css}: background {bg:?} is not dark (luminance {:.3})",
        luminance(bg)
    );
    assert!(
        luminance(fg) > 0.35,
        "{css}: text {fg:?} is not light (luminance {:.3})",
        luminance(fg)
    );
    assert!(
        ratio >= 4.5,
        "{css}: text {fg:?} on {bg:?} has a contrast of {ratio:.2}:1"
    );
}

/// `css` (a primary button: light accent, dark text by design) is readable.
async fn assert_readable(window: &AppWindow, css: &str) {
    let (fg, bg) = window.colours(css).await;
    let ratio = contrast_ratio(fg, bg);
    assert!(
        ratio >= 4.5,
        "{css}: text {fg:?} on {bg:?} has a contrast of {ratio:.2}:1"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_publish_flow_reads_clearly_in_the_dark_theme() {
    let root = tempfile::tempdir().unwrap();
    let package = package_in(root.path(), "Nupub.E2E.Dark", "1.0.0", NUGET_ORG_METADATA);
    let window = AppWindow::launch(offline(dark(launch(&package, root.path())))).await;
    window.find("[data-testid=open-another]").await;
    assert_page_true(
        &window,
        "return window.matchMedia('(prefers-color-scheme: dark)').matches",
        "the page did not see the dark theme",
    )
    .await;

    // Feed: the list, the chosen feed and the "try locally first" box.
    open_feeds(&window).await;
    shot(&window, "publish-dark-1-feed").await;
    for css in [
        "#feed-title",
        "label.feed-option.selected .feed-name",
        "label.feed-option.selected [data-testid=key-status]",
        "[data-testid=feed-nuget-org] [data-testid=key-status]",
        "[data-testid=try-local] p",
        "[data-testid=choose-local]",
    ] {
        assert_dark_and_readable(&window, css).await;
    }
    assert_readable(&window, "[data-testid=feed-next]").await;

    // Confirm for nuget.org (offline): the card, the notes, the permanent warning and its input.
    confirm_with(&window, "[data-testid=feed-nuget-org]").await;
    shot(&window, "publish-dark-2-confirm-nuget-org").await;
    for css in [
        "[data-testid=summary] dt",
        "[data-testid=summary-package]",
        "[data-testid=summary-feed] code",
        "[data-testid=preflight-unreachable] > p",
        "[data-testid=preflight-unreachable] .error-message",
        "[data-testid=confirm-key-form] p",
        "[data-testid=confirm-key-form] label span",
        "[data-testid=nuget-org-warning] p",
        "[data-testid=nuget-org-warning] label span",
        "[data-testid=confirm-phrase]",
        "[data-testid=confirm-cancel]",
    ] {
        assert_dark_and_readable(&window, css).await;
    }
    type_into(
        &window,
        "[data-testid=confirm-phrase]",
        "Nupub.E2E.Dark 1.0.0",
    )
    .await;
    // No key and unacknowledged warnings: Publish stays off, and says so readably.
    assert_publish_blocked(&window).await;
    assert_dark_and_readable(&window, "[data-testid=unacknowledged-note]").await;
    shot(&window, "publish-dark-3-confirm-typed").await;
    window.click("[data-testid=confirm-cancel]").await;

    // The local feed: Confirm, Publish, Result.
    window.find("[data-testid=feed-step]").await;
    confirm_with(&window, "[data-testid=feed-local]").await;
    shot(&window, "publish-dark-4-confirm-local").await;
    assert_dark_and_readable(&window, "[data-testid=summary-checks]").await;
    publish(&window).await;
    shot(&window, "publish-dark-5-result").await;
    for css in [
        "#publish-title",
        "[data-testid=result-published] p",
        "[data-testid=result-published] code",
    ] {
        assert_dark_and_readable(&window, css).await;
    }
    assert_readable(&window, "[data-testid=result-done]").await;
    window.close().await;
    let feed_dir = local_feed(root.path());
    assert_eq!(
        files_named(&feed_dir, "nupub.e2e.dark.1.0.0.nupkg").len(),
        1,
        "published to the local feed"
    );
}

// ---- Preflight: what the feed knows, before Confirm (issue 7 step 5, issue 4) ----

const FACTS_FEED: &str = "e2e-pynuget-facts";
const SIGNED_FIXTURE: &str = "TestPackage.AuthorSigned.1.0.0.nupkg";
const SIGNED_ID: &str = "TestPackage.AuthorSigned";

/// `YYYY-MM-DD`, `days` from today (the system's `date`, as a user's clock).
fn date_in(days: i64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("{days} days"), "+%F"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn preflight_warns_that_the_previous_version_was_signed_and_publishing_works_once_acknowledged(
) {
    let key = format!("e2e-facts-key-{}", std::process::id());
    let server = PyNuGet::start(&key);
    // 1.0.0 as its maintainer published it: the real author-signed package,
    // pushed with the official client.
    NuGetExe::new()
        .push(
            &nupub_testkit::fixture(SIGNED_FIXTURE),
            &server.push_url(),
            Some(&key),
        )
        .expect_success("nuget push of the signed 1.0.0");
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    // 1.1.0 of the same id, built here and not signed.
    let package = package_in(root.path(), SIGNED_ID, "1.1.0", MIT);
    let before = std::fs::read(&package).unwrap();
    let vault = feed_with_key(&packages, root.path(), FACTS_FEED, &server.push_url(), &key);
    // The key expires in 5 days: the preflight says so.
    let expires = date_in(5);
    store_key(
        &vault,
        FACTS_FEED,
        &key,
        nupub_accounts::KeyMetadata {
            expires: Some(expires.clone()),
            ..Default::default()
        },
    );

    let window = start_at_feeds(launch(&package, root.path())).await;
    let css = format!("[data-testid=feed-{FACTS_FEED}]");
    confirm_with(&window, &css).await;
    let card = window
        .find("[data-testid=preflight-panel] [data-code='sign.signed_to_unsigned']")
        .await;
    let text = card.text().await.unwrap();
    assert!(text.contains("1.0.0"), "names the signed version: {text}");
    assert!(text.contains("Warning"), "{text}");
    let key_note = window.text_of("[data-testid=summary-key]").await;
    assert!(
        key_note.contains("expires in 5 days") && key_note.contains(&expires),
        "{key_note}"
    );
    let disabled = || publish_disabled(&window);
    assert_eq!(
        disabled().await,
        serde_json::Value::Bool(true),
        "not before the warning is acknowledged"
    );
    shot(&window, "preflight-1-signed-to-unsigned").await;

    // The release against the feed's 1.0.0 (issue 15): the signed fixture has an
    // API this generated 1.1.0 lacks, so Confirm says the minor bump is too
    // small, and that warning needs its own acknowledgement.
    let changes = window.text_of("[data-testid=summary-changes]").await;
    assert!(
        changes.starts_with("Since 1.0.0:")
            && changes.contains("breaking change")
            && changes.contains("needs a major bump, 1.1.0 is a minor bump (publish it as 2.0.0)"),
        "{changes}"
    );
    window
        .click("[data-code='sign.signed_to_unsigned'] [data-testid=preflight-acknowledge]")
        .await;
    assert_eq!(
        disabled().await,
        serde_json::Value::Bool(true),
        "the too-small bump is not acknowledged yet"
    );
    window
        .click("[data-code='version.bump_too_small'] [data-testid=preflight-acknowledge]")
        .await;
    assert_eq!(disabled().await, serde_json::Value::Bool(false));
    publish(&window).await;
    shot(&window, "preflight-2-published").await;
    assert!(
        server.stored_package(SIGNED_ID, "1.1.0").is_some(),
        "pynuget holds 1.1.0; its log:\n{}",
        server.server_log()
    );
    assert!(server.stored_package(SIGNED_ID, "1.0.0").is_some());
    assert_eq!(std::fs::read(&package).unwrap(), before, "file untouched");
    window.close().await;
    vault.remove_feed_key(FACTS_FEED).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn preflight_lists_a_bad_symbol_package_and_blocks_publishing() {
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    let package = package_in(root.path(), "Nupub.E2E.BadSymbols", "1.0.0", MIT);
    // The package itself under the symbol package's name: no PDB, not a
    // SymbolsPackage. nuget.org's symbol server would refuse it.
    let snupkg = packages.join("Nupub.E2E.BadSymbols.1.0.0.snupkg");
    std::fs::copy(&package, &snupkg).unwrap();
    // A feed that takes symbol packages (pynuget behind an index with a symbol endpoint).
    let key = format!("e2e-symbols-{}", std::process::id());
    let server = PyNuGet::start(&key);
    let symbols = PyNuGet::start(&key);
    let index = StaticV3Index::start(&[
        ("PackagePublish/2.0.0", &server.push_url()),
        ("SymbolPackagePublish/4.9.0", &symbols.push_url()),
    ]);
    let vault = feed_with_key(
        &packages,
        root.path(),
        SYMBOLS_FEED,
        &index.index_url(),
        &key,
    );
    let window = start_at_feeds(launch(&package, root.path())).await;
    confirm_with(&window, &format!("[data-testid=feed-{SYMBOLS_FEED}]")).await;
    let block = window.text_of("[data-testid=preflight-symbols]").await;
    assert!(
        block.contains("The symbol package Nupub.E2E.BadSymbols.1.0.0.snupkg would be refused"),
        "{block}"
    );
    let codes = window
        .eval("return [...document.querySelectorAll('[data-testid=preflight-symbols] [data-testid=error]')].map(e => e.dataset.code)")
        .await;
    let codes: Vec<&str> = codes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert!(codes.contains(&"symbols.no_pdb"), "{codes:?}");
    assert!(codes.contains(&"symbols.package_type"), "{codes:?}");
    assert_publish_blocked(&window).await;
    scroll_to(&window, "[data-testid=preflight-symbols]").await;
    shot(&window, "preflight-3-bad-symbols").await;
    assert!(
        server
            .stored_package("Nupub.E2E.BadSymbols", "1.0.0")
            .is_none(),
        "nothing was published"
    );

    // The local folder feed takes no symbol packages: Confirm says it stays
    // here, nothing blocks, and the result says the same.
    window.click("[data-testid=confirm-cancel]").await;
    confirm_with(&window, "[data-testid=feed-local]").await;
    assert_eq!(
        window.text_of("[data-testid=summary-symbols]").await,
        "Nupub.E2E.BadSymbols.1.0.0.snupkg stays here: Local feed takes no symbol packages"
    );
    publish(&window).await;
    let result = window.text_of("[data-testid=result-published]").await;
    assert!(
        result.contains("This feed takes no symbol packages") && result.contains("was not sent"),
        "{result}"
    );
    shot(&window, "preflight-4-symbols-stay-here").await;
    window.close().await;
    vault.remove_feed_key(SYMBOLS_FEED).unwrap();
}

const SYMBOLS_FEED: &str = "e2e-symbols-feed";

// ---- Who you are on the feed: the user name stored with the key ----

const OWNER_FEED: &str = "e2e-owner-feed";
const OWNED_ID: &str = "Fabrikam.E2E.Owned";

/// pynuget behind a static V3 index whose search is the fake search service
/// (`nupub_testkit::search`, labelled fake: no runnable server reports
/// nuget.org's owners) saying `OWNED_ID` is owned by "someone-else" and
/// verified. The key is stored with a user name; the preflight must check
/// ownership as that name, with nothing typed anywhere.
#[tokio::test(flavor = "multi_thread")]
async fn preflight_checks_ownership_as_the_user_name_stored_with_the_key() {
    let key = format!("e2e-owner-key-{}", std::process::id());
    let server = PyNuGet::start(&key);
    let search = FakeSearch::owning(OWNED_ID, &["someone-else"], true);
    let index = StaticV3Index::with_search(&server, &search);
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    let package = package_in(root.path(), OWNED_ID, "2.0.0", MIT);
    let before = std::fs::read(&package).unwrap();
    let vault = feed_with_key(&packages, root.path(), OWNER_FEED, &index.index_url(), &key);
    let store = |owner: &str| {
        store_key(
            &vault,
            OWNER_FEED,
            &key,
            nupub_accounts::KeyMetadata {
                owner: Some(owner.into()),
                ..Default::default()
            },
        );
    };
    let feed_css = format!("[data-testid=feed-{OWNER_FEED}]");
    let codes_script = "return [...document.querySelectorAll('[data-testid=preflight-panel] [data-code]')].map(e => e.dataset.code)";

    // Stored as "me": the preflight says who owns the id.
    store("me");
    let window = start_at_feeds(launch(&package, root.path())).await;
    confirm_with(&window, &feed_css).await;
    let card = window
        .find("[data-testid=preflight-panel] [data-code='id.owners']")
        .await;
    let text = card.text().await.unwrap();
    assert!(
        text.contains("its owners are someone-else"),
        "names the owner: {text}"
    );
    scroll_to(&window, "[data-testid=preflight-panel]").await;
    shot(&window, "preflight-4-not-an-owner").await;
    window.close().await;

    // Stored as the owner: nothing about owners stands in the way.
    store("someone-else");
    let window = start_at_feeds(launch(&package, root.path())).await;
    confirm_with(&window, &feed_css).await;
    let panel = window.text_of("[data-testid=preflight-panel]").await;
    assert!(!panel.contains("Asking"), "{panel}");
    assert!(!panel.contains("could not"), "the feed was asked: {panel}");
    let codes = window.eval(codes_script).await;
    assert!(
        !codes
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str() == Some("id.owners")),
        "{codes}"
    );
    shot(&window, "preflight-5-owner").await;
    window.close().await;

    assert!(server.stored_package(OWNED_ID, "2.0.0").is_none());
    assert_eq!(std::fs::read(&package).unwrap(), before, "file untouched");
    vault.remove_feed_key(OWNER_FEED).unwrap();
}

/// The same on a feed the window treats as nuget.org, where a verified id
/// owned by someone else is an error that blocks Publish. The app reaches
/// `http://api.nuget.org/v3/index.json` (nuget.config, with
/// `allowInsecureConnections`) through HTTP_PROXY = the fake search service,
/// which answers that one address with a service index (FAKE BY NECESSITY:
/// nuget.org cannot be reached from the tests, and no runnable server serves
/// its owners and verified flags); the pushes it names go to the real pynuget.
#[tokio::test(flavor = "multi_thread")]
async fn on_nuget_org_an_id_reserved_by_someone_else_blocks_publishing() {
    const NAME: &str = "nuget-org-proxied";
    let key = format!("e2e-reserved-key-{}", std::process::id());
    let server = PyNuGet::start(&key);
    let search = FakeSearch::owning(OWNED_ID, &["someone-else"], true);
    search.on_path(
        "http://api.nuget.org/v3/index.json",
        Answer::json(serde_json::json!({
            "version": "3.0.0",
            "resources": [
                { "@id": server.push_url(), "@type": "PackagePublish/2.0.0" },
                { "@id": search.url(), "@type": "SearchQueryService/3.0.0-beta" },
            ],
        })),
    );
    let proxy = search.url().trim_end_matches("/query").to_string();
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    let package = package_in(root.path(), OWNED_ID, "2.0.0", MIT);
    let before = std::fs::read(&package).unwrap();
    let vault = feed_with_key(
        &packages,
        root.path(),
        NAME,
        "http://api.nuget.org/v3/index.json",
        &key,
    );
    write_nuget_config(
        &packages,
        &format!(
            r#"    <clear />
    <add key="{NAME}" value="http://api.nuget.org/v3/index.json" allowInsecureConnections="true" />"#
        ),
    );
    store_key(
        &vault,
        NAME,
        &key,
        nupub_accounts::KeyMetadata {
            owner: Some("me".into()),
            ..Default::default()
        },
    );
    let launched = through_proxy(
        launch(&package, root.path()),
        &["HTTP_PROXY", "http_proxy"],
        &proxy,
    );
    let window = start_at_feeds(launched).await;
    // The window lists every nuget.org-kind feed under one entry.
    confirm_with(&window, "[data-testid=feed-nuget-org]").await;
    let feed = window.text_of("[data-testid=summary-feed]").await;
    assert!(
        feed.contains(NAME) && feed.contains("http://api.nuget.org/v3/index.json"),
        "the proxied feed, not nuget.org itself: {feed}"
    );
    let card = window
        .find("[data-testid=preflight-panel] [data-code='id.reserved_prefix']")
        .await;
    let text = card.text().await.unwrap();
    assert!(text.contains("Error"), "an error: {text}");
    // The typed confirmation is right; the errors (this one and the package's own) hold Publish back.
    type_into(
        &window,
        "[data-testid=confirm-phrase]",
        &format!("{OWNED_ID} 2.0.0"),
    )
    .await;
    assert_publish_blocked(&window).await;
    scroll_to(&window, "[data-testid=preflight-panel]").await;
    shot(&window, "preflight-6-reserved-by-someone-else").await;
    window.close().await;
    assert!(server.stored_package(OWNED_ID, "2.0.0").is_none());
    assert_eq!(std::fs::read(&package).unwrap(), before, "file untouched");
    vault.remove_feed_key(NAME).unwrap();
}

// ---- One decision: Publish waits for every acknowledgement; a missing key is asked for on Confirm ----

const NO_KEY_FEED: &str = "e2e-pynuget-no-key";

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_with_no_key_asks_for_one_on_confirm_keeps_it_and_publishes() {
    let key = format!("e2e-nokey-{}", std::process::id());
    let server = PyNuGet::start(&key);
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    let package = package_in(root.path(), "Nupub.E2E.AskKey", "1.0.0", MIT);
    write_nuget_config(
        &packages,
        &format!(
            r#"    <add key="{NO_KEY_FEED}" value="{}" />"#,
            server.push_url()
        ),
    );
    let vault =
        nupub_accounts::Vault::open(nupub_accounts::vault::SERVICE, root.path().join("config"))
            .unwrap();
    let window = start_at_feeds(launch(&package, root.path())).await;
    let css = format!("[data-testid=feed-{NO_KEY_FEED}]");
    assert!(window.text_of(&css).await.contains("No API key stored"));
    confirm_with(&window, &css).await;
    // The plan says a key is missing before anything is sent: the form is there, Publish is off.
    let form = window.text_of("[data-testid=confirm-key-form]").await;
    assert!(
        form.contains(&format!("No API key for {NO_KEY_FEED}")),
        "{form}"
    );
    assert_publish_blocked(&window).await;
    shot(&window, "publish-ask-key-1-form").await;
    type_into(&window, "[data-testid=confirm-key]", &key).await;
    window.click("[data-testid=confirm-key-use]").await;
    window
        .wait_until(
            "return !document.querySelector('[data-testid=confirm-key-form]') && !!document.querySelector('[data-testid=confirm-step][data-plan=ready]')",
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(
        window.text_of("[data-testid=summary-key]").await,
        "API key stored"
    );
    // Stored for this very feed (any kind of feed), in the keyring only.
    assert_eq!(
        vault
            .feed_key(NO_KEY_FEED)
            .unwrap()
            .map(|s| s.expose().to_string()),
        Some(key.clone())
    );
    let settings = std::fs::read_to_string(root.path().join("config/accounts.json")).unwrap();
    assert!(
        !settings.contains(&key),
        "the key is never written to a file"
    );
    shot(&window, "publish-ask-key-2-stored").await;
    wait_for_publish_enabled(&window).await;
    publish(&window).await;
    assert!(
        server.stored_package("Nupub.E2E.AskKey", "1.0.0").is_some(),
        "{}",
        server.server_log()
    );
    let page = window.eval("return document.body.innerHTML").await;
    assert!(
        !page.as_str().unwrap().contains(&key),
        "the key never comes back to the page"
    );
    shot(&window, "publish-ask-key-3-published").await;
    window.close().await;
    vault.remove_feed_key(NO_KEY_FEED).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn publish_stays_off_until_every_warning_is_acknowledged_even_with_the_phrase_typed() {
    let root = tempfile::tempdir().unwrap();
    // Good enough for nuget.org (no errors) but with its warnings (no readme, no icon…).
    let package = package_in(root.path(), "Nupub.E2E.Warned", "1.0.0", NUGET_ORG_METADATA);
    let window = start_at_feeds(offline(launch(&package, root.path()))).await;
    confirm_with(&window, "[data-testid=feed-nuget-org]").await;
    // nuget.org needs a key first: given for this session only.
    type_into(
        &window,
        "[data-testid=confirm-key]",
        "oy2notarealkeybutlongenoughforthetest0000000",
    )
    .await;
    window.click("[data-testid=confirm-key-remember]").await;
    window.click("[data-testid=confirm-key-use]").await;
    window
        .wait_until(
            "return !document.querySelector('[data-testid=confirm-key-form]') && !!document.querySelector('[data-testid=confirm-step][data-plan=needsConsent]')",
            Duration::from_secs(60),
        )
        .await;
    let note = window.text_of("[data-testid=unacknowledged-note]").await;
    assert!(note.contains("so Publish stays off"), "{note}");
    type_into(
        &window,
        "[data-testid=confirm-phrase]",
        "Nupub.E2E.Warned 1.0.0",
    )
    .await;
    assert_publish_blocked(&window).await;
    shot(&window, "publish-warnings-1-phrase-but-not-acknowledged").await;
    // Acknowledge them on the Checks step, come back: the phrase is asked again and now counts.
    window.click("[data-testid=review-checks]").await;
    window.click("[data-testid=acknowledge-all]").await;
    window.click("[data-testid=step-confirm] button").await;
    window
        .wait_for_text("[data-testid=summary-checks]", |t| {
            t.contains("acknowledged")
        })
        .await;
    assert!(window
        .eval("return !document.querySelector('[data-testid=unacknowledged-note]')")
        .await
        .as_bool()
        .unwrap());
    assert_publish_blocked(&window).await;
    type_into(
        &window,
        "[data-testid=confirm-phrase]",
        "Nupub.E2E.Warned 1.0.0",
    )
    .await;
    wait_for_publish_enabled(&window).await;
    shot(&window, "publish-warnings-2-acknowledged").await;
    window.close().await;
}
