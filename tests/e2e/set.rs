//! The window's set view end to end (issue 16): the real app under Xvfb is
//! started with four packages that depend on each other in a chain, publishes
//! them to the real pynuget behind the fault proxy, and the user cancels while
//! the third one is still being sent (the proxy reads its body slowly). The
//! report says two published, the third and fourth not sent, and pynuget
//! holds exactly the first two. Every step saves a screenshot.
#![allow(clippy::unwrap_used)]

use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::PyNuGet;
use nupub_testkit::window::{AppWindow, Launch};
use nupub_testkit::wire::{Fault, FaultProxy};
use std::path::Path;
use std::time::Duration;

const FEED: &str = "e2e-set-pynuget";
const CHAIN: [&str; 4] = ["Chain.A", "Chain.B", "Chain.C", "Chain.D"];

/// Writes `packages/nuget.config` naming `FEED` → `url` and stores `key` for it
/// in the session's keyring (scripts/with-peers). Returns the vault to clean up.
fn feed_with_key(packages: &Path, root: &Path, url: &str, key: &str) -> nupub_accounts::Vault {
    std::fs::write(
        packages.join("nuget.config"),
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <add key=\"{FEED}\" value=\"{url}\" />\n  </packageSources>\n</configuration>\n"
        ),
    )
    .unwrap();
    let vault =
        nupub_accounts::Vault::open(nupub_accounts::vault::SERVICE, root.join("config")).unwrap();
    vault
        .set_feed_key(
            FEED,
            nupub_accounts::Secret::new(key.to_string()),
            nupub_accounts::KeyMetadata::default(),
        )
        .unwrap();
    vault
}

fn status_of(id: &str) -> String {
    format!("const m = document.querySelector('[data-testid=set-member][data-id=\"{id}\"]'); return m ? m.dataset.status : null")
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_during_the_third_package_publishes_two_and_the_report_and_pynuget_agree() {
    let key = format!("e2e-set-key-{}", std::process::id());
    let server = PyNuGet::start(&key);
    // The third upload crawls (256 KB/s for 16 MB): time enough to press Cancel.
    let upstream = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = FaultProxy::start(
        upstream,
        vec![Fault::Pass, Fault::Pass, Fault::Throttle(256 * 1024)],
    );
    let root = tempfile::tempdir().unwrap();
    let packages = root.path().join("packages");
    let mut files = Vec::new();
    for (n, id) in CHAIN.iter().enumerate() {
        let deps = match n {
            0 => String::new(),
            _ => format!(
                "<dependencies><dependency id=\"{}\" version=\"1.0.0\" /></dependencies>",
                CHAIN[n - 1]
            ),
        };
        let padding = if n == 2 { 16 * 1024 * 1024 } else { 0 };
        let metadata = format!("<license type=\"expression\">MIT</license>{deps}");
        files.push(make_nupkg(&packages, id, "1.0.0", &metadata, padding));
    }
    let vault = feed_with_key(&packages, root.path(), &proxy.push_url(), &key);
    // Given in reverse: the set view sends them in dependency order anyway.
    files.reverse();
    let window = AppWindow::launch(Launch {
        args: files.iter().map(|f| f.display().to_string()).collect(),
        env: vec![
            (
                "XDG_DATA_HOME".into(),
                root.path().join("data").display().to_string(),
            ),
            (
                "NUPUB_CONFIG_DIR".into(),
                root.path().join("config").display().to_string(),
            ),
        ],
    })
    .await;
    window.find("[data-testid=set-view]").await;
    let feed_css = format!("[data-testid=feed-{FEED}]");
    window.find(&feed_css).await;
    window.screenshot("set-1-feed").await;
    window.click(&format!("{feed_css} input")).await;
    window.click("[data-testid=feed-next]").await;
    window.find("[data-testid=set-members]").await;
    let order = window
        .eval("return [...document.querySelectorAll('[data-testid=set-member]')].map(m => m.dataset.id)")
        .await;
    assert_eq!(order, serde_json::json!(CHAIN));
    if window
        .eval("return !!document.querySelector('[data-testid=set-ack-all]')")
        .await
        == serde_json::json!(true)
    {
        window.click("[data-testid=set-ack-all]").await;
    }
    window
        .wait_until(
            "const b = document.querySelector('[data-testid=set-publish]'); return !!b && !b.disabled",
            Duration::from_secs(10),
        )
        .await;
    window.screenshot("set-2-plan").await;
    window.click("[data-testid=set-publish]").await;

    // The third package is on its way (its line shows bytes), the first two are published.
    window
        .wait_until(
            "const m = document.querySelector('[data-testid=set-member][data-id=\"Chain.C\"]'); \
             const v = document.querySelector('[data-testid=set-view]'); \
             return (!!v && v.dataset.stage !== 'publishing') || (!!m && m.dataset.status === 'sending' && / of /.test(m.textContent))",
            Duration::from_secs(90),
        )
        .await;
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=set-view]').dataset.stage")
            .await,
        "publishing",
        "the set ended before Cancel: {}\nproxy: {:?}",
        window.text_of("[data-testid=set-view]").await,
        proxy.events()
    );
    for id in ["Chain.A", "Chain.B"] {
        assert_eq!(window.eval(&status_of(id)).await, "published", "{id}");
    }
    window.screenshot("set-3-third-uploading").await;
    window.click("[data-testid=set-cancel]").await;

    window.find("[data-testid=set-report]").await;
    window.screenshot("set-4-report").await;
    let report = window
        .eval(
            "const r = document.querySelector('[data-testid=set-report]').dataset; \
             return [r.published, r.notSent, r.failed, r.cancelled]",
        )
        .await;
    assert_eq!(report, serde_json::json!(["2", "2", "0", "true"]));
    assert_eq!(window.eval(&status_of("Chain.C")).await, "notSent");
    assert_eq!(window.eval(&status_of("Chain.D")).await, "notSent");
    let said = window.text_of("[data-testid=set-report]").await;
    assert!(said.contains("2 published"), "{said}");
    // pynuget agrees: the first two, and nothing else.
    for id in ["Chain.A", "Chain.B"] {
        assert!(server.stored_package(id, "1.0.0").is_some(), "{id}");
    }
    for id in ["Chain.C", "Chain.D"] {
        assert!(server.stored_package(id, "1.0.0").is_none(), "{id}");
    }
    // The proxy notes the third PUT once it sees the client stop mid-body.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while proxy.puts_received() < 3 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let puts: Vec<String> = proxy
        .events()
        .into_iter()
        .filter(|e| e.method == "PUT")
        .map(|e| e.fault)
        .collect();
    assert_eq!(puts.len(), 3, "{puts:?}");
    assert!(
        puts[2].contains("the client stopped before the body was complete"),
        "{puts:?}"
    );
    assert_eq!(proxy.forwarded_puts(), vec![201, 201]);
    let page = window.eval("return document.body.innerHTML").await;
    assert!(
        !page.as_str().unwrap().contains(&key),
        "the key never reaches the page"
    );
    window.close().await;
    vault.remove_feed_key(FEED).unwrap();
}
