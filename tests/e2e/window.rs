//! The real window, end to end: the release-shaped app binary under Xvfb,
//! driven by tauri-driver + WebKitWebDriver through fantoccini.
#![allow(clippy::unwrap_used)]

use nupub_testkit::fixture;
use nupub_testkit::process::live_members;
use nupub_testkit::window::{png_size, AppWindow, Launch};

#[tokio::test(flavor = "multi_thread")]
async fn window_shows_the_shell_and_the_package_it_was_started_with() {
    let package = fixture("Newtonsoft.Json.13.0.3.nupkg");
    let window = AppWindow::launch(Launch {
        args: vec![package.display().to_string()],
        ..Launch::default()
    })
    .await;
    eprintln!(
        "WebDriver session with the app up in {:?}",
        window.session_started_in
    );

    let title = window.client().title().await.unwrap();
    assert!(title.contains("Nupub"), "window title {title:?}");
    assert_eq!(window.text_of("[data-testid=product-name]").await, "Nupub");
    assert_eq!(
        window.text_of("[data-testid=dropzone] h2").await,
        "Drop a .nupkg here or choose a file"
    );
    let labels = window
        .eval("return [...document.querySelectorAll('nav.steps .step-label')].map(e => e.textContent)")
        .await;
    assert_eq!(
        labels,
        serde_json::json!(["Package", "Checks", "Feed", "Confirm", "Publish"])
    );
    assert_eq!(
        window.text_of("[aria-current=step] .step-label").await,
        "Package",
        "the first step is the current one"
    );

    // The first argument reached the front end.
    let path = window
        .wait_for_text("[data-testid=chosen-path]", |t| !t.is_empty())
        .await;
    assert_eq!(path, package.display().to_string());

    // The default target is the local folder feed under the app's data dir (no account, no network).
    assert_eq!(
        window
            .wait_for_text("[data-testid=default-target]", |t| !t.is_empty())
            .await,
        "Local feed"
    );
    let location = window
        .eval("return document.querySelector('[data-testid=default-target]').title")
        .await;
    let expected = window.home().join("data/nupub/feed");
    assert_eq!(location.as_str().unwrap(), expected.display().to_string());

    // The window opens at 1100x760.
    let size = window
        .eval("return [window.innerWidth, window.innerHeight]")
        .await;
    assert_eq!(size, serde_json::json!([1100, 760]), "viewport");

    let shot = window.screenshot("window-shell-light").await;
    let png = std::fs::read(&shot).unwrap();
    let (w, h) = png_size(&png).expect("screenshot is a PNG");
    assert!(w >= 800 && h >= 600, "screenshot is {w}x{h}");

    let group = window.close().await;
    assert_eq!(
        live_members(group),
        Vec::<i32>::new(),
        "the app or its driver outlived the test"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn window_follows_a_dark_os_theme() {
    let window = AppWindow::launch(Launch {
        env: vec![("GTK_THEME".into(), "Adwaita:dark".into())],
        ..Launch::default()
    })
    .await;
    window
        .wait_for_text("[data-testid=dropzone] h2", |t| t.contains("Drop a .nupkg"))
        .await;
    let dark = window
        .eval("return window.matchMedia('(prefers-color-scheme: dark)').matches")
        .await;
    assert_eq!(
        dark,
        serde_json::json!(true),
        "the page did not see the dark theme"
    );
    let background = window
        .eval("return getComputedStyle(document.documentElement).backgroundColor")
        .await;
    assert_eq!(background, serde_json::json!("rgb(20, 22, 28)"));
    window.screenshot("window-shell-dark").await;
    window.close().await;
}
