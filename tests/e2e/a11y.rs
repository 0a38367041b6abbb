//! Accessibility of the real window (issue 14): axe-core on every publish step
//! and account screen in light and dark theme, one focus rule (step changes,
//! dialogs, replaced controls), the modal trap with WebKitGTK's own Shift+Tab
//! event, and a publish to the local feed with the keyboard alone.
//! Run: `scripts/with-peers cargo test -p nupub-testkit --test a11y`.
#![allow(clippy::unwrap_used)]

use fantoccini::key::Key;
use nupub_testkit::account_window::sign_in_env;
use nupub_testkit::oidc::OidcProvider;
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::secret_service::SecretService;
use nupub_testkit::window::{contrast_ratio, png_size, AppWindow, Launch};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

const MIT: &str = "<license type=\"expression\">MIT</license><projectUrl>https://github.com/nupub/nupub</projectUrl>";

async fn shot(window: &AppWindow, name: &str) {
    let path = window.screenshot(name).await;
    let png = std::fs::read(&path).unwrap();
    let (w, h) = png_size(&png).expect("screenshot is a PNG");
    assert!(w >= 800 && h >= 600, "{name} is {w}x{h}");
}

/// The app with its data (local feed) and settings under `root`, in `theme`.
fn launch(root: &Path, package: Option<&Path>, dark: bool) -> Launch {
    let mut env = vec![
        (
            "XDG_DATA_HOME".into(),
            root.join("data").display().to_string(),
        ),
        (
            "NUPUB_CONFIG_DIR".into(),
            root.join("config").display().to_string(),
        ),
    ];
    if dark {
        env.push(("GTK_THEME".into(), "Adwaita:dark".into()));
    }
    Launch {
        args: package
            .map(|p| vec![p.display().to_string()])
            .unwrap_or_default(),
        env,
    }
}

/// Runs axe on the screen as it is; records it for the final assertion.
async fn audit(window: &AppWindow, screen: &str, found: &mut Vec<String>) {
    shot(window, &format!("a11y-{screen}")).await;
    for v in window.axe_serious().await {
        found.push(format!(
            "{screen}: {} ({}) {}\n    {}",
            v.id,
            v.impact,
            v.help,
            v.nodes.join("\n    ")
        ));
    }
}

async fn gone(window: &AppWindow, css: &str) {
    window
        .wait_until(
            &format!(
                "return document.querySelector({}) === null",
                serde_json::to_string(css).unwrap()
            ),
            Duration::from_secs(10),
        )
        .await;
}

async fn step_is(window: &AppWindow, step: &str) {
    window
        .wait_until(
            &format!("const e = document.querySelector('[data-testid=onboarding-step]'); return !!e && e.dataset.step === '{step}'"),
            Duration::from_secs(10),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_finds_no_serious_violation_on_any_screen_light_or_dark() {
    let mut found = Vec::new();
    for dark in [false, true] {
        let theme = if dark { "dark" } else { "light" };
        let root = tempfile::tempdir().unwrap();
        let package = make_nupkg(
            &root.path().join("packages"),
            "Axe.Checked",
            "1.0.0",
            MIT,
            0,
        );

        // No package, first run: the setup, every step; the account view; the drop zone.
        let window = AppWindow::launch(launch(root.path(), None, dark)).await;
        step_is(&window, "welcome").await;
        audit(&window, &format!("setup-welcome-{theme}"), &mut found).await;
        window.click("[data-testid=onboarding-next]").await;
        step_is(&window, "signIn").await;
        // No client ID in this build: the window asks for one (and how to get it).
        window.find("[data-testid=client-id-form]").await;
        audit(
            &window,
            &format!("setup-sign-in-client-id-{theme}"),
            &mut found,
        )
        .await;
        window.click("[data-testid=onboarding-next]").await;
        step_is(&window, "checklist").await;
        window
            .wait_for_text("[data-testid=status-noKeysInFiles]", |t| t != "Checking…")
            .await;
        audit(&window, &format!("setup-checklist-{theme}"), &mut found).await;
        window.click("[data-testid=onboarding-next]").await;
        step_is(&window, "feedKey").await;
        audit(&window, &format!("setup-key-{theme}"), &mut found).await;
        window.click("[data-testid=onboarding-next]").await;
        step_is(&window, "done").await;
        window.find("[data-testid=onboarding-open-items]").await;
        audit(&window, &format!("setup-done-{theme}"), &mut found).await;
        window.click("[data-testid=onboarding-finish]").await;
        gone(&window, "[data-testid=onboarding]").await;
        audit(&window, &format!("drop-zone-{theme}"), &mut found).await;
        window.click("[data-testid=open-account]").await;
        window.find("[data-testid=no-accounts]").await;
        audit(&window, &format!("account-{theme}"), &mut found).await;
        window.click("[data-testid=key-add]").await;
        window.find("[data-testid=key-form]").await;
        audit(&window, &format!("account-add-key-{theme}"), &mut found).await;
        window.close().await;

        // With a package: every publish step up to the result.
        let window = AppWindow::launch(launch(root.path(), Some(&package), dark)).await;
        window.find("[data-testid=go-checks]").await;
        // The steps not reachable yet stay readable: 4.5:1 at least.
        let (fg, bg) = window
            .colours("[data-testid=step-publish] .step-label")
            .await;
        let ratio = contrast_ratio(fg, bg);
        assert!(
            ratio >= 4.5,
            "unavailable step label {ratio:.2}:1 in {theme}"
        );
        audit(&window, &format!("step-package-{theme}"), &mut found).await;
        window.click("[data-testid=go-checks]").await;
        window.find("[data-testid=checks-continue]").await;
        audit(&window, &format!("step-checks-{theme}"), &mut found).await;
        if window
            .eval("return !!document.querySelector('[data-testid=acknowledge-all]')")
            .await
            == json!(true)
        {
            window.click("[data-testid=acknowledge-all]").await;
        }
        window.click("[data-testid=checks-continue]").await;
        window.find("[data-testid=feed-local]").await;
        audit(&window, &format!("step-feed-{theme}"), &mut found).await;
        // An unselected radio is an empty ring, a selected one is filled: never alike.
        let looks = window
            .eval(
                "const r = [...document.querySelectorAll('[data-testid=feed-step] input[type=radio]')]; \
                 return r.map((e) => [e.checked, getComputedStyle(e).backgroundColor]);",
            )
            .await;
        let looks = looks.as_array().unwrap();
        let unchecked: Vec<_> = looks
            .iter()
            .filter(|l| l[0] == json!(false))
            .map(|l| l[1].clone())
            .collect();
        window.click("[data-testid=feed-local] input").await;
        let checked = window
            .eval("return getComputedStyle(document.querySelector('[data-testid=feed-local] input')).backgroundColor")
            .await;
        assert!(
            !unchecked.is_empty(),
            "no unselected radio to compare in {theme}"
        );
        for u in &unchecked {
            assert_ne!(
                u, &checked,
                "an unselected radio looks like the selected one in {theme}"
            );
        }
        window.click("[data-testid=feed-local] input").await;
        window.click("[data-testid=feed-next]").await;
        window
            .wait_for_text("[data-testid=summary-preflight]", |t| {
                !t.is_empty() && !t.starts_with("Asking")
            })
            .await;
        audit(&window, &format!("step-confirm-{theme}"), &mut found).await;
        window.click("[data-testid=confirm-publish]").await;
        window
            .wait_until(
                "const s = document.querySelector('[data-testid=publish-step]'); return !!s && s.dataset.status === 'published'",
                Duration::from_secs(60),
            )
            .await;
        audit(&window, &format!("step-published-{theme}"), &mut found).await;
        window.close().await;
    }
    assert!(
        found.is_empty(),
        "axe found serious or critical violations:\n{}",
        found.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_package_is_published_to_the_local_feed_with_the_keyboard_alone() {
    let root = tempfile::tempdir().unwrap();
    let package = make_nupkg(
        &root.path().join("packages"),
        "Keyboard.Only",
        "1.0.0",
        MIT,
        0,
    );
    let window = AppWindow::launch(launch(root.path(), Some(&package), false)).await;
    window.find("[data-testid=go-checks]").await;

    // Package → Checks: Tab to "Check the package", Enter.
    window.tab_to("[data-testid=go-checks]", 40).await;
    window.press(Key::Enter, false).await;
    window.wait_for_focus("#checks-title").await;
    window.find("[data-testid=checks-continue]").await;
    if window
        .eval("return !!document.querySelector('[data-testid=acknowledge-all]')")
        .await
        == json!(true)
    {
        window.tab_to("[data-testid=acknowledge-all]", 40).await;
        window.press(Key::Enter, false).await;
        window.find("[data-testid=checks-ready]").await;
    }
    // Checks → Feed with the Continue button.
    window.tab_to("[data-testid=checks-continue]", 40).await;
    window.press(Key::Enter, false).await;
    window.wait_for_focus("#feed-title").await;
    window.find("[data-testid=feed-local]").await;
    // The local feed's radio, chosen with Space; then Continue.
    window.tab_to("[data-testid=feed-local] input", 40).await;
    window.press(Key::Space, false).await;
    window.tab_to("[data-testid=feed-next]", 40).await;
    window.press(Key::Enter, false).await;
    window.wait_for_focus("#confirm-title").await;
    window
        .wait_for_text("[data-testid=summary-preflight]", |t| {
            !t.is_empty() && !t.starts_with("Asking")
        })
        .await;
    shot(&window, "keyboard-confirm").await;
    window.tab_to("[data-testid=confirm-publish]", 60).await;
    window.press(Key::Enter, false).await;
    window
        .wait_until(
            "const s = document.querySelector('[data-testid=publish-step]'); return !!s && s.dataset.status === 'published'",
            Duration::from_secs(60),
        )
        .await;
    window.wait_for_focus("#publish-title").await;
    shot(&window, "keyboard-published").await;
    let feed = root.path().join("data/nupub/feed");
    let stored = std::fs::read_dir(feed.join("keyboard.only/1.0.0"))
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".nupkg"))
        })
        .unwrap_or(false);
    assert!(
        stored,
        "the package is not in the local feed {}",
        feed.display()
    );
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_focus_rule_and_a_modal_trap_that_webkitgtk_shift_tab_cannot_escape() {
    let keyring = SecretService::start();
    let provider = OidcProvider::start();
    let root = tempfile::tempdir().unwrap();
    let package = make_nupkg(&root.path().join("packages"), "Focus.Rule", "1.0.0", MIT, 0);
    let mut start = launch(root.path(), Some(&package), false);
    start.env.extend(
        sign_in_env(&provider, &keyring, "fiona", &root.path().join("config"))
            .into_iter()
            .filter(|(k, _)| k != "NUPUB_CONFIG_DIR"),
    );
    let window = AppWindow::launch(start).await;
    window.find("[data-testid=go-checks]").await;

    // Step changes: the new step's heading, whether by button or by the step bar.
    window.click("[data-testid=go-checks]").await;
    window.wait_for_focus("#checks-title").await;
    window.click("[data-testid=step-package] button").await;
    window.wait_for_focus("#package-title").await;
    window.click("[data-testid=step-feed] button").await;
    window.wait_for_focus("#feed-title").await;

    // A dialog: its first control, the rest inert.
    window.click("[data-testid=open-account]").await;
    window
        .wait_for_focus("[data-testid=account-settings] *")
        .await;
    assert_eq!(
        window
            .eval("return !!document.querySelector('main').closest('[inert]')")
            .await,
        json!(true)
    );
    let first = window.focused().await;
    // WebKitGTK's Shift+Tab: key "Unidentified", code "Tab". The focus wraps to the
    // dialog's last control instead of leaving it.
    window
        .eval(
            "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Unidentified', code: 'Tab', shiftKey: true, bubbles: true, cancelable: true })); return true",
        )
        .await;
    window
        .wait_for_focus("[data-testid=account-settings] [data-testid=resume-setup]")
        .await;
    // And real Shift+Tab / Tab presses never leave it either.
    for _ in 0..3 {
        window.press(Key::Tab, true).await;
        assert!(
            window.focus_is("[data-testid=account-settings] *").await,
            "Shift+Tab left the dialog: {}",
            window.focused().await
        );
    }
    window.press(Key::Tab, false).await;
    window.press(Key::Tab, false).await;
    window.press(Key::Tab, false).await;
    window.press(Key::Tab, false).await;
    assert!(
        window.focus_is("[data-testid=account-settings] *").await,
        "Tab left the dialog: {}",
        window.focused().await
    );
    let _ = first;
    // The Account button behind it is inert: no second dialog opens on top.
    let _ = window
        .client()
        .find(fantoccini::Locator::Css("[data-testid=open-account]"))
        .await
        .unwrap()
        .click()
        .await;
    assert_eq!(
        window
            .eval("return document.querySelectorAll('[role=dialog]').length")
            .await,
        json!(1)
    );

    // "Add a key": the form that replaced the button, at its key field.
    window.click("[data-testid=key-add]").await;
    window.wait_for_focus("[data-testid=key-input]").await;
    window.tab_to("[data-testid=key-cancel]", 40).await;
    window.press(Key::Enter, false).await;
    gone(&window, "[data-testid=key-form]").await;
    // The form's place goes back to its button.
    window.wait_for_focus("[data-testid=key-add]").await;
    // "Sign in": the panel that replaced the button; then the sign-in under way.
    window.tab_to("[data-testid=account-add]", 40).await;
    window.press(Key::Enter, false).await;
    window.wait_for_focus("[data-testid=sign-in-browser]").await;
    window.press(Key::Tab, false).await;
    window.wait_for_focus("[data-testid=sign-in-device]").await;
    window.press(Key::Enter, false).await;
    window.wait_for_focus("[data-testid=sign-in-cancel]").await;
    window.press(Key::Enter, false).await;
    window.wait_for_focus("[data-testid=sign-in-browser]").await;
    window.press(Key::Enter, false).await;
    window
        .wait_for_text("[data-testid=account-list]", |t| {
            t.contains("fiona@example.test")
        })
        .await;
    assert!(
        window.focus_is("[data-testid=account-settings] *").await,
        "focus left the dialog after sign-in: {}",
        window.focused().await
    );

    // Remove: the confirmation's safe choice; Remove itself: the key list's next control.
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=key-form]') === null")
            .await,
        json!(true),
        "no key form was asked for"
    );
    window.tab_to("[data-testid=key-add]", 40).await;
    window.press(Key::Enter, false).await;
    window
        .find("[data-testid=key-input]")
        .await
        .send_keys("oy2focusrulekeyq5bq7y3xnhkfjzl4m2dw6ostm4csa3x")
        .await
        .unwrap();
    window.click("[data-testid=key-save]").await;
    window.find("[data-testid=key-row]").await;
    window.click("[data-testid=key-remove]").await;
    window.wait_for_focus("[data-testid=key-remove-keep]").await;
    window.press(Key::Tab, true).await;
    window
        .wait_for_focus("[data-testid=key-remove-confirm]")
        .await;
    window.press(Key::Enter, false).await;
    window.find("[data-testid=guidance]").await;
    assert!(
        window.focus_is("[data-testid=account-settings] *").await,
        "focus dropped after Remove: {}",
        window.focused().await
    );
    shot(&window, "focus-after-remove").await;

    // Escape still closes the dialog, and the focus returns to where it was.
    window.press(Key::Escape, false).await;
    gone(&window, "[data-testid=account-settings]").await;
    window.wait_for_focus("[data-testid=open-account]").await;
    assert_eq!(
        window
            .eval("return document.querySelector('main').closest('[inert]') === null")
            .await,
        json!(true)
    );

    // Publish: the result's heading.
    window.click("[data-testid=feed-local] input").await;
    window.click("[data-testid=feed-next]").await;
    window.wait_for_focus("#confirm-title").await;
    window
        .wait_for_text("[data-testid=summary-preflight]", |t| {
            !t.is_empty() && !t.starts_with("Asking")
        })
        .await;
    if window
        .eval("return document.querySelector('[data-testid=confirm-publish]').disabled")
        .await
        == json!(true)
    {
        window.click("[data-testid=review-checks]").await;
        window.click("[data-testid=acknowledge-all]").await;
        window.click("[data-testid=step-feed] button").await;
        window.click("[data-testid=feed-local] input").await;
        window.click("[data-testid=feed-next]").await;
    }
    window.click("[data-testid=confirm-publish]").await;
    window.wait_for_focus("#publish-title").await;

    // The setup: Finish closes it and the focus comes back to the window.
    window.click("[data-testid=open-account]").await;
    window.click("[data-testid=resume-setup]").await;
    window.find("[data-testid=onboarding]").await;
    window.wait_for_focus("[data-testid=onboarding] *").await;
    window.click("[data-testid=onboarding-next]").await;
    window.wait_for_focus("#onboarding-title").await;
    for _ in 0..3 {
        window.click("[data-testid=onboarding-next]").await;
    }
    step_is(&window, "done").await;
    window.click("[data-testid=onboarding-finish]").await;
    gone(&window, "[data-testid=onboarding]").await;
    window
        .wait_until(
            "return document.activeElement !== document.body && document.activeElement !== null",
            Duration::from_secs(5),
        )
        .await;
    window.close().await;
}
