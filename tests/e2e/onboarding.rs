//! The first-time account security setup in the real window: the app under
//! Xvfb through tauri-driver, signing in at the real oidc-provider (the
//! headless browser script is the system browser, `BROWSER`), keeping keys in
//! a real gnome-keyring on a private bus. Screenshots of every screen land in
//! the test artifacts folder. Run: `scripts/with-peers cargo test -p nupub-testkit --test onboarding`.
#![allow(clippy::unwrap_used)]

use nupub_testkit::account_window::{keyring_secret, sign_in_env};
use nupub_testkit::oidc::OidcProvider;
use nupub_testkit::secret_service::SecretService;
use nupub_testkit::window::{png_size, AppWindow, Launch};
use serde_json::json;
use std::time::Duration;

/// A key shaped like nuget.org's (never a real one).
const KEY: &str = "oy2testkeyq5bq7y3xnhkfjzl4m2dw6ostm4csa3k7r9vwp";

async fn shot(window: &AppWindow, name: &str) {
    let path = window.screenshot(name).await;
    let png = std::fs::read(&path).unwrap();
    let (w, h) = png_size(&png).expect("screenshot is a PNG");
    assert!(w >= 800 && h >= 600, "{name} is {w}x{h}");
}

async fn step_is(window: &AppWindow, step: &str, limit: Duration) {
    window
        .wait_until(
            &format!("const e = document.querySelector('[data-testid=onboarding-step]'); return !!e && e.dataset.step === '{step}'"),
            limit,
        )
        .await;
}

async fn type_into(window: &AppWindow, css: &str, text: &str) {
    window
        .find(css)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

async fn page_source(window: &AppWindow) -> String {
    window
        .eval("return document.documentElement.outerHTML")
        .await
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn onboarding_completes_with_a_two_step_sign_in_and_a_masked_key() {
    let keyring = SecretService::start();
    let provider = OidcProvider::start();
    let config = tempfile::tempdir().unwrap();
    let window = AppWindow::launch(Launch {
        env: sign_in_env(&provider, &keyring, "olivia+mfa", config.path()),
        ..Launch::default()
    })
    .await;

    // First run, no package: the setup opens by itself.
    step_is(&window, "welcome", Duration::from_secs(15)).await;
    assert_eq!(
        window.text_of("#onboarding-title").await,
        "Welcome to Nupub"
    );
    assert_eq!(
        window.text_of("[data-testid=onboarding-step]").await,
        "Step 1 of 5"
    );
    shot(&window, "onboarding-1-welcome-light").await;

    window.click("[data-testid=onboarding-next]").await;
    step_is(&window, "signIn", Duration::from_secs(5)).await;
    // Keyboard: the step's heading has the focus.
    window
        .wait_until(
            "return document.activeElement.id === 'onboarding-title'",
            Duration::from_secs(5),
        )
        .await;
    shot(&window, "onboarding-2-sign-in-light").await;

    // The browser script signs in at the provider; the window moves on by itself.
    window.click("[data-testid=sign-in-browser]").await;
    step_is(&window, "checklist", Duration::from_secs(45)).await;
    let two_step = window
        .wait_for_text("[data-testid=status-twoStep]", |t| !t.is_empty())
        .await;
    assert_eq!(two_step, "Verified");
    assert_eq!(
        window.text_of("[data-testid=status-apiKey]").await,
        "No key yet"
    );
    window
        .wait_for_text("[data-testid=status-noKeysInFiles]", |t| t == "None found")
        .await;
    shot(&window, "onboarding-3-checklist-verified-light").await;

    // The refresh token went to the keyring, not to the settings file.
    let settings = std::fs::read_to_string(config.path().join("accounts.json")).unwrap();
    assert!(settings.contains("olivia@example.test"), "{settings}");
    let account_id = settings
        .split("\"id\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let refresh = keyring_secret(
        &keyring,
        "org.nupub.Nupub",
        &format!("account:{account_id}"),
    )
    .expect("refresh token in the keyring");
    assert!(!settings.contains(refresh.trim()));

    // First feed key: pasted into the masked field, stored, shown by its last four characters only.
    window.click("[data-testid=onboarding-next]").await;
    step_is(&window, "feedKey", Duration::from_secs(5)).await;
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=key-input]').type")
            .await,
        json!("password")
    );
    type_into(&window, "[data-testid=key-input]", KEY).await;
    type_into(&window, "[data-testid=key-glob]", "Olivia.*").await;
    type_into(&window, "[data-testid=key-label]", "laptop").await;
    shot(&window, "onboarding-4-key-typed-light").await;
    window.click("[data-testid=key-save]").await;
    let saved = window
        .wait_for_text("[data-testid=key-saved-mask]", |t| !t.is_empty())
        .await;
    assert_eq!(saved, format!("••••{}", &KEY[KEY.len() - 4..]));
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=key-input]').value")
            .await,
        json!("")
    );
    let source = page_source(&window).await;
    assert!(!source.contains(KEY), "the key is in the page source");
    assert!(
        !source.contains(&KEY[..12]),
        "part of the key is in the page source"
    );
    shot(&window, "onboarding-5-key-saved-light").await;
    assert_eq!(
        keyring_secret(&keyring, "org.nupub.Nupub", "feed:nuget.org").as_deref(),
        Some(KEY)
    );
    let settings = std::fs::read_to_string(config.path().join("accounts.json")).unwrap();
    assert!(!settings.contains(KEY));
    assert!(
        settings.contains("Olivia.*") && settings.contains("pushVersion"),
        "{settings}"
    );

    window.click("[data-testid=onboarding-next]").await;
    step_is(&window, "done", Duration::from_secs(5)).await;
    let summary = window.text_of("[data-testid=onboarding-summary]").await;
    assert!(
        summary.contains("Two-step verification: verified."),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("••••{}", &KEY[KEY.len() - 4..])),
        "{summary}"
    );
    shot(&window, "onboarding-6-done-light").await;
    window.click("[data-testid=onboarding-finish]").await;
    window
        .wait_until(
            "return document.querySelector('[data-testid=onboarding]') === null",
            Duration::from_secs(5),
        )
        .await;
    let progress = std::fs::read_to_string(config.path().join("onboarding.json")).unwrap();
    assert!(progress.contains("\"finished\": true"), "{progress}");

    // The Account view lists the account and the masked key; the page never holds the key.
    window.click("[data-testid=open-account]").await;
    let row = window
        .wait_for_text("[data-testid=key-row]", |t| t.contains("nuget.org"))
        .await;
    assert!(
        row.contains(&format!("••••{}", &KEY[KEY.len() - 4..])),
        "{row}"
    );
    assert!(window
        .text_of("[data-testid=account-row]")
        .await
        .contains("two-step: verified"));
    assert!(!page_source(&window).await.contains(KEY));
    window.resize(800, 600).await;
    shot(&window, "account-view-800x600-light").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_two_step_evidence_the_checklist_says_not_shown() {
    let keyring = SecretService::start();
    let provider = OidcProvider::start();
    let config = tempfile::tempdir().unwrap();
    let mut env = sign_in_env(&provider, &keyring, "pete", config.path());
    env.push(("GTK_THEME".into(), "Adwaita:dark".into()));
    let window = AppWindow::launch(Launch {
        env,
        ..Launch::default()
    })
    .await;
    step_is(&window, "welcome", Duration::from_secs(15)).await;
    window.click("[data-testid=onboarding-next]").await;
    step_is(&window, "signIn", Duration::from_secs(5)).await;
    window.click("[data-testid=sign-in-browser]").await;
    step_is(&window, "checklist", Duration::from_secs(45)).await;
    let two_step = window
        .wait_for_text("[data-testid=status-twoStep]", |t| !t.is_empty())
        .await;
    assert_eq!(two_step, "Not shown");
    let item = window.text_of("[data-testid=item-twoStep]").await;
    assert!(
        item.contains("did not show two-step verification"),
        "{item}"
    );
    window.resize(800, 600).await;
    shot(&window, "onboarding-3-checklist-not-shown-800x600-dark").await;

    // Skipping keeps the step for later, and the window is usable behind it.
    window.click("[data-testid=onboarding-skip]").await;
    window
        .wait_until(
            "return document.querySelector('[data-testid=onboarding]') === null",
            Duration::from_secs(5),
        )
        .await;
    let progress = std::fs::read_to_string(config.path().join("onboarding.json")).unwrap();
    assert!(
        progress.contains("\"skipped\": true") && progress.contains("\"checklist\""),
        "{progress}"
    );
    window.find("[data-testid=dropzone]").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_expiring_in_five_days_raises_the_reminder() {
    let keyring = SecretService::start();
    let provider = OidcProvider::start();
    let config = tempfile::tempdir().unwrap();
    let env = sign_in_env(&provider, &keyring, "rita", config.path());
    let window = AppWindow::launch(Launch {
        env: env.clone(),
        ..Launch::default()
    })
    .await;
    step_is(&window, "welcome", Duration::from_secs(15)).await;
    window.click("[data-testid=onboarding-skip]").await;
    window
        .wait_until(
            "return document.querySelector('[data-testid=onboarding]') === null",
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=key-reminder]') === null")
            .await,
        json!(true)
    );

    // Settings › Account › Add a key, expiring in 5 days.
    window.click("[data-testid=open-account]").await;
    window.click("[data-testid=key-add]").await;
    type_into(&window, "[data-testid=key-input]", KEY).await;
    type_into(&window, "[data-testid=key-glob]", "Rita.*").await;
    window
        .eval("const s = document.querySelector('[data-testid=key-expiry]'); s.value = 'other'; s.dispatchEvent(new Event('change'))")
        .await;
    let in_five_days = window
        .eval("return new Date(Date.now() + 5 * 86400000).toISOString().slice(0, 10)")
        .await
        .as_str()
        .unwrap()
        .to_string();
    type_into(&window, "[data-testid=key-date]", &in_five_days).await;
    window.click("[data-testid=key-save]").await;
    let expiry = window
        .wait_for_text("[data-testid=key-expiry]", |t| t.contains("in 5 days"))
        .await;
    assert!(expiry.contains(&in_five_days), "{expiry}");
    let reminder = window
        .wait_for_text("[data-testid=key-reminder]", |t| {
            t.contains("expires in 5 days")
        })
        .await;
    assert!(reminder.contains(&in_five_days), "{reminder}");
    assert!(!page_source(&window).await.contains(KEY));
    shot(&window, "account-key-expiring-light").await;
    window.click("[data-testid=account-close]").await;
    shot(&window, "reminder-banner-light").await;
    window.close().await;

    // Next start: the reminder is back at once, and the skipped setup stays closed.
    let window = AppWindow::launch(Launch {
        env,
        ..Launch::default()
    })
    .await;
    let reminder = window
        .wait_for_text("[data-testid=key-reminder]", |t| {
            t.contains("expires in 5 days")
        })
        .await;
    assert!(reminder.contains("nuget.org"), "{reminder}");
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=onboarding]') === null")
            .await,
        json!(true)
    );
    window.resize(800, 600).await;
    shot(&window, "reminder-banner-800x600-light").await;
    // The banner leads to the key, ready to be replaced.
    window.click("[data-testid=key-reminder-open]").await;
    window.find("[data-testid=key-form]").await;
    let label = window
        .wait_for_text("label[for=key-value]", |t| !t.is_empty())
        .await;
    assert_eq!(label, "New API key for nuget.org");
    shot(&window, "reminder-replace-key-800x600-light").await;
    window.close().await;
}
