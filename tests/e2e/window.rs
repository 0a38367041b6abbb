//! The real window, end to end: the app binary under Xvfb, driven by
//! tauri-driver + WebKitWebDriver through fantoccini. Every step saves a
//! screenshot to the test artifacts folder.
#![allow(clippy::unwrap_used)]

use nupub_testkit::fixture;
use nupub_testkit::process::live_members;
use nupub_testkit::window::{png_size, AppWindow, Launch};
use serde_json::json;
use std::time::{Duration, Instant};

fn with_package(path: &std::path::Path) -> Launch {
    Launch {
        args: vec![path.display().to_string()],
        ..Launch::default()
    }
}

fn dark(mut launch: Launch) -> Launch {
    launch.env.push(("GTK_THEME".into(), "Adwaita:dark".into()));
    launch
}

async fn shot(window: &AppWindow, name: &str) {
    let path = window.screenshot(name).await;
    let png = std::fs::read(&path).unwrap();
    let (w, h) = png_size(&png).expect("screenshot is a PNG");
    assert!(w >= 800 && h >= 600, "{name} is {w}x{h}");
}

async fn open_tab(window: &AppWindow, tab: &str) {
    window.click(&format!("[data-testid=tab-{tab}]")).await;
    window.find(&format!("[data-testid=panel-{tab}]")).await;
}

/// Opens lib/net6.0 in the Files tab, selects Newtonsoft.Json.dll and checks
/// what the assembly pane says (identity from its metadata, health from the rules).
async fn select_newtonsoft_net6(window: &AppWindow) {
    let dll = "[data-path='lib/net6.0/Newtonsoft.Json.dll']";
    window.click("[data-folder='lib/net6.0']").await;
    let badge = window
        .text_of(&format!("{dll} [data-testid=tfm-badge]"))
        .await;
    assert!(badge.ends_with("net6.0"), "{badge}");
    window.click(dll).await;
    window.find("[data-testid=assembly-health]").await;
    assert_eq!(
        window.text_of("[data-testid=assembly-version]").await,
        "13.0.0.0"
    );
    assert_eq!(
        window.text_of("[data-testid=assembly-name]").await,
        "Newtonsoft.Json"
    );
    assert_eq!(
        window.text_of("[data-testid=assembly-token]").await,
        "30ad4fe6b2a6aeed"
    );
    let tfm = window.text_of("[data-testid=assembly-tfm]").await;
    assert!(tfm.starts_with("net6.0"), "{tfm}");
    let checks = window
        .eval(
            "return [...document.querySelectorAll('[data-testid=health-check]')]\
             .map(c => [c.dataset.code, c.dataset.status, c.textContent])",
        )
        .await;
    let checks = checks.as_array().unwrap();
    assert!(checks.len() >= 6, "{checks:?}");
    let line = |code: &str| {
        checks
            .iter()
            .find(|c| c[0] == code)
            .unwrap_or_else(|| panic!("no {code} line in {checks:?}"))
    };
    assert_eq!(line("health.deterministic")[1], "passed");
    let symbols = line("health.symbols_missing");
    assert_eq!(symbols[1], "failed");
    let text = symbols[2].as_str().unwrap();
    assert!(
        text.contains("Symbols available") && text.contains("lib/net6.0/Newtonsoft.Json.dll"),
        "{text}"
    );
    assert!(text.contains("<IncludeSymbols>"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn window_inspects_newtonsoft_json_from_the_start_up_argument() {
    let package = fixture("Newtonsoft.Json.13.0.3.nupkg");
    let before = std::fs::read(&package).unwrap();
    let window = AppWindow::launch(with_package(&package)).await;
    let interactive = window
        .time_to_interactive("[data-testid=open-another]")
        .await;
    eprintln!(
        "cold start: WebDriver session in {:?}; session request to an interactive window with the package header in {:?}",
        window.session_started_in, interactive
    );

    let title = window.client().title().await.unwrap();
    assert!(title.contains("Nupub"), "window title {title:?}");
    assert_eq!(window.text_of("[data-testid=product-name]").await, "Nupub");
    let labels = window
        .eval("return [...document.querySelectorAll('nav.steps .step-label')].map(e => e.textContent)")
        .await;
    assert_eq!(
        labels,
        json!(["Package", "Checks", "Feed", "Confirm", "Publish"])
    );
    assert_eq!(
        window.text_of("[aria-current=step] .step-label").await,
        "Package"
    );
    let size = window
        .eval("return [window.innerWidth, window.innerHeight]")
        .await;
    assert_eq!(size, json!([1100, 760]), "viewport");

    // Header: identity, authors, size, signature at once; the CRC check follows.
    assert_eq!(
        window.text_of("[data-testid=package-id]").await,
        "Newtonsoft.Json"
    );
    assert_eq!(
        window.text_of("[data-testid=package-version]").await,
        "13.0.3"
    );
    assert_eq!(
        window.text_of("[data-testid=package-authors]").await,
        "by James Newton-King"
    );
    assert_eq!(window.text_of("[data-testid=package-size]").await, "2.4 MB");
    // (Read as textContent: the line is cut with an ellipsis when it does not fit.)
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=package-path]').textContent")
            .await,
        json!(package.display().to_string())
    );
    assert_eq!(
        window.text_of("[data-testid=signature-badge]").await,
        "Author and repository signed"
    );
    assert!(window
        .eval("return document.querySelector('[data-testid=prerelease-badge]') === null")
        .await
        .as_bool()
        .unwrap());
    let integrity = window
        .wait_for_text("[data-testid=integrity]", |t| t.contains("intact"))
        .await;
    // One file count everywhere: the badge says what the header says.
    let count = window.text_of("[data-testid=package-file-count]").await;
    assert_eq!(count, "24 files");
    assert_eq!(integrity, "All 24 files intact");
    // The embedded icon decoded in the page.
    window
        .wait_until(
            "const i = document.querySelector('[data-testid=package-icon]'); return !!i && i.complete && i.naturalWidth > 0",
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        window.client().current_url().await.unwrap().scheme(),
        "tauri"
    );
    shot(&window, "inspect-1-overview-light").await;

    // Overview: description, tags, licence expression ids, links.
    let overview = window.text_of("[data-testid=panel-overview]").await;
    assert!(
        overview.contains("Json.NET is a popular high-performance JSON framework for .NET"),
        "{overview}"
    );
    assert_eq!(
        window.text_of("[data-testid=license-expression]").await,
        "MIT"
    );
    assert!(window
        .text_of("[data-testid=license-id]")
        .await
        .starts_with("MIT"));
    assert!(window.text_of("[data-testid=tags]").await.contains("json"));
    assert!(window
        .text_of("[data-testid=project-link]")
        .await
        .starts_with("https://"));

    // A package link asks first; Cancel has the focus and Escape closes the dialog.
    window.click("[data-testid=project-link]").await;
    let url = window.text_of("[data-testid=link-dialog-url]").await;
    assert!(url.contains("newtonsoft.com"), "{url}");
    assert_eq!(
        window
            .eval("return document.activeElement.dataset.testid")
            .await,
        json!("link-cancel")
    );
    shot(&window, "inspect-2-link-confirmation-light").await;
    window.click("[data-testid=link-cancel]").await;
    window
        .wait_until(
            "return document.querySelector('[data-testid=link-dialog]') === null",
            Duration::from_secs(5),
        )
        .await;

    // Readme: rendered from Markdown in Rust, sanitized, inside the window.
    open_tab(&window, "readme").await;
    let readme = window.find("[data-testid=readme]").await;
    assert!(readme.text().await.unwrap().contains("Json.NET"));
    let headings = window
        .eval("return document.querySelectorAll('[data-testid=readme] h1, [data-testid=readme] h2').length")
        .await;
    assert!(
        headings.as_u64().unwrap() >= 1,
        "readme headings: {headings}"
    );
    assert_eq!(
        window.eval("return document.querySelectorAll('[data-testid=readme] script, [data-testid=readme] style').length").await,
        json!(0)
    );
    shot(&window, "inspect-3-readme-light").await;

    // Dependencies: 8 framework groups, collapsible.
    open_tab(&window, "dependencies").await;
    let groups = window
        .eval("return document.querySelectorAll('[data-testid=dependency-group]').length")
        .await;
    assert_eq!(groups, json!(8));
    // Groups with dependencies start open, empty ones folded; a click toggles.
    let open = window
        .eval("return [...document.querySelectorAll('[data-testid=dependency-group]')].map(d => [d.open, d.querySelectorAll('[data-testid=dependency]').length])")
        .await;
    let open = open.as_array().unwrap();
    assert!(
        open.iter()
            .all(|g| g[0].as_bool().unwrap() == (g[1].as_u64().unwrap() > 0)),
        "{open:?}"
    );
    let total: u64 = open.iter().map(|g| g[1].as_u64().unwrap()).sum();
    assert_eq!(total, 10, "Newtonsoft.Json 13.0.3 has 10 dependencies");
    assert_eq!(open[0][1], json!(0), "net20 has none");
    window.click("[data-testid=dependency-group] summary").await;
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=dependency-group]').open")
            .await,
        json!(true)
    );
    shot(&window, "inspect-4-dependencies-light").await;

    // Files: tree with sizes; previews of a text file and an image.
    open_tab(&window, "files").await;
    window.click("[data-path='README.md']").await;
    let text = window.text_of("[data-testid=preview-text]").await;
    assert!(text.contains("Json.NET"), "{text}");
    window.click("[data-path='packageIcon.png']").await;
    window
        .wait_until(
            "const i = document.querySelector('[data-testid=preview-image]'); return !!i && i.complete && i.naturalWidth > 0",
            Duration::from_secs(5),
        )
        .await;
    shot(&window, "inspect-5-files-light").await;

    // Files: an assembly shows its framework badge, identity and health checks.
    select_newtonsoft_net6(&window).await;
    shot(&window, "inspect-5b-files-assembly-light").await;
    window
        .eval("document.querySelector('[data-code=\"health.symbols_missing\"]').scrollIntoView({block: 'center'})")
        .await;
    shot(&window, "inspect-5c-files-assembly-health-light").await;

    // Signature: signer, issuer, validity, timestamp, repository owners.
    open_tab(&window, "signature").await;
    assert_eq!(
        window.text_of("[data-testid=signature-kind]").await,
        "Author and repository signed"
    );
    let signer = window.text_of("[data-testid=signer]").await;
    assert!(signer.contains("Json.NET"), "{signer}");
    let owners = window
        .text_of("[data-testid=countersignature-owners]")
        .await;
    assert!(owners.contains("newtonsoft"), "{owners}");
    assert!(window
        .text_of("[data-testid=timestamp]")
        .await
        .contains("UTC"));
    shot(&window, "inspect-6-signature-light").await;

    // Keyboard: arrows move between tabs.
    window
        .eval("document.querySelector('[data-testid=tab-health]').focus()")
        .await;
    window
        .client()
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E014}") // ArrowRight
        .await
        .unwrap();
    assert_eq!(
        window
            .eval("return document.activeElement.dataset.testid")
            .await,
        json!("tab-overview")
    );

    // Usable at 800x600.
    window.resize(800, 600).await;
    let overflow = window
        .eval("return document.documentElement.scrollWidth <= window.innerWidth")
        .await;
    assert_eq!(overflow, json!(true), "horizontal overflow at 800x600");
    shot(&window, "inspect-7-overview-800x600-light").await;
    open_tab(&window, "files").await;
    window.click("[data-path='README.md']").await;
    window.find("[data-testid=preview-text]").await;
    shot(&window, "inspect-8-files-800x600-light").await;

    let group = window.close().await;
    assert_eq!(
        live_members(group),
        Vec::<i32>::new(),
        "the app or its driver outlived the test"
    );
    assert!(
        std::fs::read(&package).unwrap() == before,
        "the package file changed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn window_follows_a_dark_os_theme() {
    let window = AppWindow::launch(dark(Launch::default())).await;
    let interactive = window
        .time_to_interactive("[data-testid=choose-file]")
        .await;
    eprintln!(
        "cold start (no package): WebDriver session in {:?}; session request to an interactive drop zone in {interactive:?}",
        window.session_started_in
    );
    window
        .wait_for_text("[data-testid=dropzone] h2", |t| t.contains("Drop a .nupkg"))
        .await;
    let is_dark = window
        .eval("return window.matchMedia('(prefers-color-scheme: dark)').matches")
        .await;
    assert_eq!(is_dark, json!(true), "the page did not see the dark theme");
    let background = window
        .eval("return getComputedStyle(document.documentElement).backgroundColor")
        .await;
    assert_eq!(background, json!("rgb(20, 22, 28)"));
    shot(&window, "window-shell-dark").await;
    window.close().await;

    let window =
        AppWindow::launch(dark(with_package(&fixture("Newtonsoft.Json.13.0.3.nupkg")))).await;
    window
        .wait_for_text("[data-testid=integrity]", |t| t.contains("intact"))
        .await;
    shot(&window, "inspect-1-overview-dark").await;
    open_tab(&window, "readme").await;
    shot(&window, "inspect-3-readme-dark").await;
    open_tab(&window, "files").await;
    window.click("[data-path='README.md']").await;
    window.find("[data-testid=preview-text]").await;
    shot(&window, "inspect-5-files-dark").await;
    select_newtonsoft_net6(&window).await;
    shot(&window, "inspect-5b-files-assembly-dark").await;
    window.resize(800, 600).await;
    open_tab(&window, "dependencies").await;
    shot(&window, "inspect-4-dependencies-800x600-dark").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_warns_about_a_damaged_package() {
    let package = fixture("Newtonsoft.Json.13.0.3.CORRUPT-from-sqlwinds.nupkg");
    let window = AppWindow::launch(with_package(&package)).await;
    // The directory still reads: the header shows; the CRC check finds the damage.
    assert_eq!(
        window.text_of("[data-testid=package-id]").await,
        "Newtonsoft.Json"
    );
    let notice = window
        .wait_for_text("[data-testid=damaged]", |t| t.contains("Do not publish"))
        .await;
    assert!(notice.contains("packageIcon.png"), "{notice}");
    let integrity = window.text_of("[data-testid=integrity]").await;
    assert!(integrity.contains("damaged"), "{integrity}");
    // Previewing a damaged entry is a coded error, not garbage.
    open_tab(&window, "files").await;
    window.click("[data-path='README.md']").await;
    let alert = window.find("[data-testid=file-preview] [role=alert]").await;
    assert_eq!(
        alert.attr("data-code").await.unwrap().as_deref(),
        Some("package.entry_corrupt")
    );
    shot(&window, "inspect-damaged-light").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_explains_a_file_that_is_not_a_package() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("Saved.Web.Page.1.0.0.nupkg");
    std::fs::write(&bogus, "<html>a web page saved with the wrong name</html>").unwrap();
    let window = AppWindow::launch(with_package(&bogus)).await;
    let alert = window.find("[data-testid=open-error] [role=alert]").await;
    assert_eq!(
        alert.attr("data-code").await.unwrap().as_deref(),
        Some("package.not_a_zip")
    );
    let text = alert.text().await.unwrap();
    assert!(text.contains("Saved.Web.Page.1.0.0.nupkg"), "{text}");
    assert!(text.contains("How to fix it:"), "{text}");
    // The drop zone stays, to choose another file.
    window.find("[data-testid=choose-file]").await;
    shot(&window, "inspect-not-a-package-light").await;
    window.close().await;
    assert_eq!(
        std::fs::read_to_string(&bogus).unwrap(),
        "<html>a web page saved with the wrong name</html>"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn window_picks_up_the_symbol_package_beside_it() {
    let window = AppWindow::launch(with_package(&fixture("TestData.1.2.3.nupkg"))).await;
    assert_eq!(
        window.text_of("[data-testid=symbols-badge]").await,
        "Symbols: TestData.1.2.3.snupkg (7.4 kB)"
    );
    let detail = window.text_of("[data-testid=symbols-detail]").await;
    assert!(detail.contains("TestData 1.2.3"), "{detail}");
    assert_eq!(
        window.text_of("[data-testid=signature-badge]").await,
        "Unsigned"
    );
    shot(&window, "inspect-symbols-light").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_stays_on_its_pages_and_runs_no_injected_script() {
    let window = AppWindow::launch(with_package(&fixture("Newtonsoft.Json.13.0.3.nupkg"))).await;
    window.find("[data-testid=package-id]").await;
    // The CSP allows no inline script, whatever ends up in the DOM.
    window
        .eval("const s = document.createElement('script'); s.textContent = 'window.__injected = 1'; document.body.appendChild(s)")
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        window.eval("return window.__injected === undefined").await,
        json!(true)
    );
    // Navigating away from the app is refused: the page stays Nupub.
    window
        .eval("window.location.href = 'https://example.org/'")
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        window.client().current_url().await.unwrap().scheme(),
        "tauri"
    );
    assert_eq!(
        window.text_of("[data-testid=package-id]").await,
        "Newtonsoft.Json"
    );
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_shows_a_250_mb_package_header_before_its_check_ends() {
    let dir = tempfile::tempdir().unwrap();
    let made = Instant::now();
    let package = nupub_testkit::packages::make_nupkg(
        dir.path(),
        "Big.Package",
        "1.0.0",
        "",
        250 * 1000 * 1000,
    );
    let size = std::fs::metadata(&package).unwrap().len();
    eprintln!("made a {size}-byte package in {:?}", made.elapsed());
    let window = AppWindow::launch(with_package(&package)).await;
    let header = window.time_to_interactive("[data-testid=package-id]").await;
    let status = window
        .eval("return document.querySelector('[data-testid=integrity]').dataset.status")
        .await;
    // The claim itself: the header is there while the CRC check still runs.
    assert_eq!(
        status,
        json!("checking"),
        "the header of a 250 MB package must show before its check ends"
    );
    assert_eq!(
        window.text_of("[data-testid=package-id]").await,
        "Big.Package"
    );
    shot(&window, "inspect-250mb-header-light").await;
    window
        .wait_until(
            "return document.querySelector('[data-testid=integrity]').dataset.status === 'done'",
            Duration::from_secs(120),
        )
        .await;
    let checked = window.session_requested_at.elapsed();
    eprintln!(
        "250 MB package: header shown {header:?} after the session request (integrity status then: {status}); CRC check done after {checked:?}"
    );
    assert!(window
        .text_of("[data-testid=integrity]")
        .await
        .contains("intact"));
    // Reference: unzip -t on the same file (prints its own timing line).
    let reference = Instant::now();
    let out = std::process::Command::new("unzip")
        .arg("-tq")
        .arg(&package)
        .output();
    if let Ok(out) = out {
        eprintln!(
            "reference: unzip -tq took {:?} ({})",
            reference.elapsed(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_shows_what_blocks_a_defective_package() {
    let dir = tempfile::tempdir().unwrap();
    // The nuspec names a licence file the package does not contain.
    let defective = nupub_testkit::packages::make_nupkg(
        dir.path(),
        "Defective.Package",
        "1.0.0",
        r#"<license type="file">LICENSE.txt</license>"#,
        0,
    );
    let window = AppWindow::launch(with_package(&defective)).await;
    assert_eq!(
        window.text_of("[data-testid=package-id]").await,
        "Defective.Package"
    );
    window.click("[data-testid=go-checks]").await;
    assert_eq!(
        window.text_of("[aria-current=step] .step-label").await,
        "Checks"
    );
    let verdict = window
        .wait_for_text("[data-testid=publish-blocked]", |t| t.contains("blocked"))
        .await;
    assert!(
        verdict.contains("Publishing to nuget.org is blocked."),
        "{verdict}"
    );
    let codes = window
        .eval("return [...document.querySelectorAll('[data-testid=errors] [data-testid=finding]')].map(f => f.dataset.code)")
        .await;
    assert!(
        codes
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().starts_with("license.")),
        "{codes}"
    );
    // Each error says how to fix it.
    let fixes = window
        .eval("return [...document.querySelectorAll('[data-testid=errors] [data-testid=finding]')].every(f => f.querySelector('[data-testid=finding-fix]'))")
        .await;
    assert_eq!(fixes, json!(true));
    shot(&window, "checks-1-blocked-light").await;
    window.resize(800, 600).await;
    assert_eq!(
        window
            .eval("return document.documentElement.scrollWidth <= window.innerWidth")
            .await,
        json!(true)
    );
    shot(&window, "checks-2-blocked-800x600-light").await;

    // A local folder feed only cares whether the file is a sound package.
    window
        .eval("const s = document.querySelector('[data-testid=target-select]'); s.value = 'local'; s.dispatchEvent(new Event('change'))")
        .await;
    window
        .wait_until(
            "return !!document.querySelector('[data-testid=checks-ready], [data-testid=checks-warnings-left]')",
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=publish-blocked]') === null")
            .await,
        json!(true)
    );
    shot(&window, "checks-3-local-800x600-light").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_acknowledges_warnings_and_shows_assembly_health() {
    let window = AppWindow::launch(dark(with_package(&fixture(
        "Newtonsoft.Json.Bson.1.0.2.nupkg",
    ))))
    .await;
    open_tab(&window, "health").await;
    window
        .wait_until(
            "return !!document.querySelector('[data-testid=panel-health] [data-testid=finding], [data-testid=health-clean]')",
            Duration::from_secs(20),
        )
        .await;
    // Newtonsoft.Json.Bson 1.0.2 ships three PDBs without compiler flags
    // (`nupub validate --target generic` says the same): exactly those show.
    let codes = window
        .eval("return [...document.querySelectorAll('[data-testid=panel-health] [data-testid=finding]')].map(f => f.dataset.code)")
        .await;
    assert_eq!(
        codes,
        json!([
            "health.compiler_flags",
            "health.compiler_flags",
            "health.compiler_flags"
        ]),
        "{codes}"
    );
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=health-clean]') === null")
            .await,
        json!(true),
        "a package with health findings is not shown as clean"
    );
    shot(&window, "inspect-9-health-dark").await;

    // For a folder feed: no errors, those three warnings, which can be acknowledged.
    window.click("[data-testid=go-checks]").await;
    window
        .eval("const s = document.querySelector('[data-testid=target-select]'); s.value = 'generic'; s.dispatchEvent(new Event('change'))")
        .await;
    let left = window.text_of("[data-testid=checks-warnings-left]").await;
    assert!(left.contains('3'), "three warnings to acknowledge: {left}");
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=publish-blocked]') === null && document.querySelector('[data-testid=checks-ready]') === null")
            .await,
        json!(true),
        "not ready before the warnings are acknowledged"
    );
    shot(&window, "checks-4-warnings-dark").await;
    window.click("[data-testid=acknowledge-all]").await;
    let ready = window.text_of("[data-testid=checks-ready]").await;
    assert!(ready.contains("Nothing blocks publishing"), "{ready}");
    assert!(ready.contains("acknowledged"), "{ready}");
    shot(&window, "checks-5-ready-dark").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_shows_deceptive_names_escaped_and_warns() {
    // NuGet.exe packs the zero width joiner and the look-alike letter as
    // they are, but drops a right-to-left override from a file name: that
    // entry is added to the zip it made, as a hand-made package would carry it.
    let dir = tempfile::tempdir().unwrap();
    let nuget = nupub_testkit::nuget_exe::NuGetExe::new();
    let packed = nuget.pack_files(
        dir.path(),
        "Names.Demo",
        "1.0.0",
        &[
            ("content/read\u{200D}me.txt", b"hello"),
            ("content/p\u{0430}ckage.txt", b"hello"),
        ],
    );
    let package = dir.path().join("Names.Demo.1.0.0-rlo.nupkg");
    {
        use std::io::Write;
        let mut source = zip::ZipArchive::new(std::fs::File::open(&packed).unwrap()).unwrap();
        let mut out = zip::ZipWriter::new(std::fs::File::create(&package).unwrap());
        for i in 0..source.len() {
            out.raw_copy_file(source.by_index_raw(i).unwrap()).unwrap();
        }
        out.start_file(
            "content/\u{202E}gnp.exe",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        out.write_all(b"not an image").unwrap();
        out.finish().unwrap();
    }
    let window = AppWindow::launch(with_package(&package)).await;
    open_tab(&window, "files").await;
    let names = window
        .eval("return [...document.querySelectorAll('[data-testid=panel-files] .file-name')].map(n => n.textContent)")
        .await;
    let names: Vec<String> = serde_json::from_value(names).unwrap();
    for shown in ["\\u202Egnp.exe", "read\\u200Dme.txt", "p\\u0430ckage.txt"] {
        assert!(names.iter().any(|n| n == shown), "{shown} in {names:?}");
    }
    let panel = window.text_of("[data-testid=panel-files]").await;
    for raw in ['\u{202E}', '\u{200D}', '\u{0430}'] {
        assert!(
            !panel.contains(raw),
            "raw {raw:?} shown in the Files tab: {panel}"
        );
    }
    // Nothing in the tab reads as a .png (the override would show `exe.png`).
    assert!(!panel.contains("exe.png"), "{panel}");
    shot(&window, "inspect-names-escaped-light").await;

    window.click("[data-testid=go-checks]").await;
    window
        .wait_until(
            "return document.querySelectorAll('[data-testid=finding][data-code=\"name.deceptive\"]').length === 3",
            Duration::from_secs(20),
        )
        .await;
    let texts = window
        .eval("return [...document.querySelectorAll('[data-testid=finding][data-code=\"name.deceptive\"]')].map(f => f.textContent)")
        .await;
    let texts = texts.to_string();
    assert!(texts.contains("content/\\\\u202Egnp.exe"), "{texts}");
    assert!(texts.contains("U+202E (right-to-left override)"), "{texts}");
    shot(&window, "checks-names-warning-light").await;
    window.close().await;
}

/// A package whose readme takes seconds to render (15 MB of nested quotes and
/// list items with links): long enough to press Cancel while it opens.
fn slow_to_open(dir: &std::path::Path) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("Slow.Open.1.0.0.nupkg");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("Slow.Open.nuspec", deflated).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>
<id>Slow.Open</id><version>1.0.0</version><authors>Nupub tests</authors>
<description>A readme that takes long to render.</description><readme>README.md</readme>
</metadata></package>"#,
    )
    .unwrap();
    zip.start_file("README.md", deflated).unwrap();
    let line = b"> - item with some *emphasis* and [a link](https://example.org)\n";
    for _ in 0..(15 * 1024 * 1024 / line.len()) {
        zip.write_all(line).unwrap();
    }
    zip.finish().unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_while_a_package_opens_goes_back_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let package = slow_to_open(dir.path());
    let before = std::fs::read(&package).unwrap();
    let window = AppWindow::launch(with_package(&package)).await;
    // The phase under way is shown while it opens.
    window
        .wait_for_text("[data-testid=open-phase]", |t| {
            t.contains("Reading the readme")
        })
        .await;
    shot(&window, "open-slow-readme").await;
    let pressed = Instant::now();
    window.click("[data-testid=cancel-open]").await;
    window.find("[data-testid=dropzone]").await;
    let back = pressed.elapsed();
    eprintln!("Cancel to the drop zone: {back:?}");
    assert!(
        back < Duration::from_secs(3),
        "Cancel must not wait for the readme to render: back after {back:?}"
    );
    shot(&window, "open-cancelled").await;
    // Nothing opens later, no error is shown, and the file is untouched.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        window
            .eval("return [document.querySelector('[data-testid=package-id]') === null, document.querySelector('[data-testid=dropzone]') !== null, document.querySelector('[role=alert]') === null]")
            .await,
        json!([true, true, true])
    );
    assert_eq!(std::fs::read(&package).unwrap(), before);
    window.close().await;
}
