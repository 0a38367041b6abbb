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
const KEY: &str = "oy2testkeyq5bq7y3xnhkfjzl4m2dw6ostm4csa3k7r9vw";

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
async fn onboarding_completes_with_a_sign_in_the_users_word_on_two_step_and_a_masked_key() {
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
    // Olivia used two-step verification, but Microsoft's v2.0 ID token does not
    // say so (the test provider behaves as Microsoft documents): "Not known".
    let two_step = window
        .wait_for_text("[data-testid=status-twoStep]", |t| !t.is_empty())
        .await;
    assert_eq!(two_step, "Not known");
    assert_eq!(
        window.text_of("[data-testid=status-apiKey]").await,
        "No key yet"
    );
    window
        .wait_for_text("[data-testid=status-noKeysInFiles]", |t| t == "None found")
        .await;
    shot(&window, "onboarding-3-checklist-not-known-light").await;
    // She says so herself: recorded as her word, never as verified.
    window.click("[data-testid=two-step-confirm]").await;
    let said = window
        .wait_for_text("[data-testid=status-twoStep]", |t| t != "Not known")
        .await;
    assert_eq!(said, "On (you said so)");
    assert!(!window
        .text_of("[data-testid=item-twoStep]")
        .await
        .to_lowercase()
        .contains("verified"));
    shot(&window, "onboarding-3-checklist-you-said-so-light").await;

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
    assert!(summary.contains("as you said on"), "{summary}");
    // The e-mail tick is still open, so the last step says so instead of "You're set".
    let open = window.text_of("[data-testid=onboarding-open-items]").await;
    assert!(open.contains("Not confirmed"), "{open}");
    assert_eq!(window.text_of("#onboarding-title").await, "Almost there");
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
        .contains("two-step: on, as you said"));
    assert!(!page_source(&window).await.contains(KEY));
    window.resize(800, 600).await;
    shot(&window, "account-view-800x600-light").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_two_step_evidence_the_checklist_says_not_known() {
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
    assert_eq!(two_step, "Not known");
    let item = window.text_of("[data-testid=item-twoStep]").await;
    assert!(item.contains("Microsoft does not tell apps"), "{item}");
    window.resize(800, 600).await;
    shot(&window, "onboarding-3-checklist-not-known-800x600-dark").await;

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

/// The browser script, signing in as whoever `login_file` names at each run and
/// keeping its cookies in `cookies` like a real browser that stays signed in.
fn keeping_browser(login_file: &std::path::Path, cookies: &std::path::Path) -> String {
    format!(
        "env NUPUB_TEST_LOGIN_FILE={} NUPUB_TEST_COOKIES={} python3 {}",
        login_file.display(),
        cookies.display(),
        nupub_testkit::oidc::browser_script().display()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_without_a_built_in_client_id_then_another_account_from_a_browser_that_stays_signed_in(
) {
    let keyring = SecretService::start();
    let provider = OidcProvider::start();
    let config = tempfile::tempdir().unwrap();
    let login = config.path().join("login.txt");
    let cookies = config.path().join("cookies.txt");
    std::fs::write(&login, "kim").unwrap();
    let env: Vec<(String, String)> = sign_in_env(&provider, &keyring, "unused", config.path())
        .into_iter()
        .filter(|(k, _)| k != "NUPUB_CLIENT_ID")
        .map(|(k, v)| match k.as_str() {
            "BROWSER" => (k, keeping_browser(&login, &cookies)),
            _ => (k, v),
        })
        .collect();
    let window = AppWindow::launch(Launch {
        env,
        ..Launch::default()
    })
    .await;
    step_is(&window, "welcome", Duration::from_secs(15)).await;
    window.click("[data-testid=onboarding-skip]").await;
    window.click("[data-testid=open-account]").await;
    window.click("[data-testid=account-add]").await;

    // No client ID: the window walks through registering one, and checks it with the provider.
    window.find("[data-testid=client-id-form]").await;
    let steps = window.text_of("[data-testid=client-id-steps]").await;
    assert!(steps.contains("Allow public client flows"), "{steps}");
    assert!(!page_source(&window).await.contains("nupub account login"));
    type_into(
        &window,
        "[data-testid=client-id-input]",
        "00000000-1111-2222-3333-444444444444",
    )
    .await;
    window.click("[data-testid=client-id-save]").await;
    window
        .wait_until(
            "const e = document.querySelector('[data-testid=client-id-form] [data-testid=error]'); return !!e && e.dataset.code === 'account.client_id_unknown'",
            Duration::from_secs(20),
        )
        .await;
    shot(&window, "account-client-id-unknown-light").await;
    window
        .find("[data-testid=client-id-input]")
        .await
        .clear()
        .await
        .unwrap();
    type_into(
        &window,
        "[data-testid=client-id-input]",
        nupub_testkit::oidc::CLIENT_ID,
    )
    .await;
    window.click("[data-testid=client-id-save]").await;
    // Saved where `nupub account login --client-id` saves it; then the sign-in itself.
    window.click("[data-testid=sign-in-browser]").await;
    window
        .wait_for_text("[data-testid=account-list]", |t| {
            t.contains("kim@example.test")
        })
        .await;
    let settings = std::fs::read_to_string(config.path().join("accounts.json")).unwrap();
    assert!(
        settings.contains(&format!(
            "\"clientId\": \"{}\"",
            nupub_testkit::oidc::CLIENT_ID
        )),
        "{settings}"
    );

    // The browser is still signed in as kim; "another account" asks Microsoft for
    // its account picker (prompt=select_account), so lee can sign in.
    std::fs::write(&login, "lee").unwrap();
    window.click("[data-testid=account-add]").await;
    assert_eq!(
        window.text_of("[data-testid=sign-in-browser]").await,
        "Sign in with another account"
    );
    window.click("[data-testid=sign-in-browser]").await;
    window
        .wait_for_text("[data-testid=account-list]", |t| {
            t.contains("lee@example.test")
        })
        .await;
    let rows = window
        .eval("return document.querySelectorAll('[data-testid=account-row]').length")
        .await;
    assert_eq!(rows, json!(2));
    // Each account's own controls say whose they are.
    let names = window
        .eval("return [...document.querySelectorAll('[data-testid=account-sign-out]')].map(b => b.textContent.trim())")
        .await;
    assert_eq!(
        names,
        json!(["Sign out kim@example.test", "Sign out lee@example.test"])
    );
    shot(&window, "account-two-accounts-light").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_above_the_package_is_found_and_keys_follow_the_feeds_rules() {
    let keyring = SecretService::start();
    let provider = OidcProvider::start();
    let config = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    // A nuget.config two folders above the package, with a password in clear text.
    std::fs::write(
        work.path().join("nuget.config"),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <add key=\"Contoso\" value=\"https://contoso.example/v3/index.json\" />\n  </packageSources>\n  <packageSourceCredentials>\n    <Contoso>\n      <add key=\"Username\" value=\"ci\" />\n      <add key=\"ClearTextPassword\" value=\"hunter2-exposed-secret\" />\n    </Contoso>\n  </packageSourceCredentials>\n</configuration>\n",
    )
    .unwrap();
    let package = nupub_testkit::packages::make_nupkg(
        &work.path().join("src/Lib/bin"),
        "Above.Config",
        "1.0.0",
        "<license type=\"expression\">MIT</license>",
        0,
    );
    let mut env = sign_in_env(&provider, &keyring, "mo", config.path());
    env.push((
        "XDG_DATA_HOME".into(),
        config.path().join("data").display().to_string(),
    ));
    let window = AppWindow::launch(Launch {
        args: vec![package.display().to_string()],
        env,
    })
    .await;
    window.find("[data-testid=go-checks]").await;
    // Opening the package scans the files NuGet reads for it and says so at once.
    let banner = window.text_of("[data-testid=secrets-banner]").await;
    assert!(banner.contains("holds a secret in clear text"), "{banner}");
    shot(&window, "secrets-banner-light").await;
    window.click("[data-testid=secrets-banner-open]").await;
    let finding = window.text_of("[data-testid=finding]").await;
    let expected = work.path().join("nuget.config");
    assert!(
        finding.contains(&format!("{}, line 9", expected.display())),
        "{finding}"
    );
    assert!(finding.contains("Contoso"), "{finding}");
    assert_eq!(
        window.text_of("[data-testid=status-noKeysInFiles]").await,
        "1 secret in a file"
    );
    let fixes = window.text_of("[data-testid=secret-fixes]").await;
    assert!(fixes.contains("Change the secret now"), "{fixes}");
    assert!(fixes.contains("%NUGET_FEED_PASSWORD%"), "{fixes}");
    assert!(!page_source(&window).await.contains("hunter2"));
    shot(&window, "account-secret-above-package-light").await;

    // A malformed nuget.org key is refused, with nothing stored and no "Saved".
    window.click("[data-testid=key-add]").await;
    type_into(&window, "[data-testid=key-input]", "not-a-key").await;
    window.click("[data-testid=key-save]").await;
    window
        .wait_until(
            "const e = document.querySelector('[data-testid=key-form] [data-testid=error]'); return !!e && e.dataset.code === 'account.key_not_nuget_org'",
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(
        window
            .eval("return document.querySelector('[data-testid=key-saved]') === null")
            .await,
        json!(true)
    );
    assert_eq!(
        keyring_secret(&keyring, "org.nupub.Nupub", "feed:nuget.org"),
        None
    );
    shot(&window, "account-key-refused-light").await;
    // A good one is saved; replacing it keeps its expiry and says what to do on nuget.org.
    type_into(&window, "[data-testid=key-input]", KEY).await;
    type_into(&window, "[data-testid=key-glob]", "Above.*").await;
    window.click("[data-testid=key-save]").await;
    let expiry = window
        .wait_for_text("[data-testid=key-row] [data-testid=key-expiry]", |t| {
            t.contains("in ")
        })
        .await;
    window.click("[data-testid=key-replace]").await;
    assert_eq!(
        window
            .eval("return document.querySelector('select[data-testid=key-expiry]').value")
            .await,
        json!("keep")
    );
    let replacement = KEY.replace("oy2test", "oy2tess");
    type_into(&window, "[data-testid=key-input]", &replacement).await;
    window.click("[data-testid=key-save]").await;
    let advice = window.text_of("[data-testid=guidance]").await;
    assert!(
        advice.contains("https://www.nuget.org/account/apikeys"),
        "{advice}"
    );
    assert!(advice.contains("old key still works"), "{advice}");
    assert_eq!(
        window
            .text_of("[data-testid=key-row] [data-testid=key-expiry]")
            .await,
        expiry,
        "Replace kept the expiry date"
    );
    assert_eq!(
        keyring_secret(&keyring, "org.nupub.Nupub", "feed:nuget.org").as_deref(),
        Some(replacement.as_str())
    );

    // Signing out of the last account asks about the keys; keeping them says so, with the page.
    window.click("[data-testid=account-add]").await;
    window.click("[data-testid=sign-in-browser]").await;
    window
        .wait_for_text("[data-testid=account-list]", |t| {
            t.contains("mo@example.test")
        })
        .await;
    window.click("[data-testid=account-sign-out]").await;
    let question = window.text_of("[data-testid=sign-out-question]").await;
    assert!(question.contains("1 publish key is stored"), "{question}");
    shot(&window, "account-sign-out-question-light").await;
    window.click("[data-testid=sign-out-keep-keys]").await;
    let advice = window
        .wait_for_text("[data-testid=guidance]", |t| {
            t.contains("publish keys stay")
        })
        .await;
    assert!(
        advice.contains("https://www.nuget.org/account/apikeys"),
        "{advice}"
    );
    assert!(keyring_secret(&keyring, "org.nupub.Nupub", "feed:nuget.org").is_some());
    window.find("[data-testid=no-accounts]").await;
    window.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn checklist_links_honour_browser_and_show_the_address_when_no_browser_opens() {
    let keyring = SecretService::start();
    let provider = OidcProvider::start();
    let config = tempfile::tempdir().unwrap();
    // A "browser" that only writes down what it was asked to open.
    let opened = config.path().join("opened.txt");
    let script = config.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            opened.display()
        ),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .unwrap();
    let env = |browser: String| -> Vec<(String, String)> {
        sign_in_env(&provider, &keyring, "nina", config.path())
            .into_iter()
            .map(|(k, v)| {
                if k == "BROWSER" {
                    (k, browser.clone())
                } else {
                    (k, v)
                }
            })
            .collect()
    };
    let window = AppWindow::launch(Launch {
        env: env(script.display().to_string()),
        ..Launch::default()
    })
    .await;
    step_is(&window, "welcome", Duration::from_secs(15)).await;
    window.click("[data-testid=onboarding-skip]").await;
    window.click("[data-testid=open-account]").await;
    window.click("[data-testid=open-nuget-account]").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&opened)
        .unwrap_or_default()
        .contains("https://www.nuget.org/account")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "BROWSER was not used for the checklist link"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    window.close().await;

    // No browser at all: the address is shown, selectable, instead of nothing.
    let window = AppWindow::launch(Launch {
        env: env("/nonexistent/browser".into()),
        ..Launch::default()
    })
    .await;
    window.click("[data-testid=open-account]").await;
    window.click("[data-testid=open-nuget-account]").await;
    let shown = window
        .find("[data-testid=link-fallback-url]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(shown.as_deref(), Some("https://www.nuget.org/account"));
    shot(&window, "account-link-fallback-light").await;
    window.close().await;
}
