//! Sign-in against the real oidc-provider (set up like Microsoft's identity
//! platform), completed by a headless browser script, with tokens kept in a
//! real gnome-keyring. Run through `scripts/with-peers`.
#![allow(clippy::unwrap_used)]

use nupub_accounts::{
    AccountError, AccountKind, Accounts, Browser, SignInConfig, SignInOptions, SignInPrompt, Vault,
};
use nupub_testkit::oidc::{browser_command, OidcProvider, CLIENT_ID};
use std::process::Command;
use std::time::Duration;

struct Setup {
    accounts: Accounts,
    service: String,
    _config: tempfile::TempDir,
}

fn setup(name: &str) -> Setup {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run through scripts/with-peers (a private D-Bus session with gnome-keyring)"
    );
    let config = tempfile::tempdir().unwrap();
    let service = format!("org.nupub.tests.signin.{name}.{}", std::process::id());
    let vault = Vault::open(&service, config.path().to_path_buf()).unwrap();
    Setup {
        accounts: Accounts::new(vault).unwrap(),
        service,
        _config: config,
    }
}

fn config(provider: &OidcProvider, redirect: &str) -> SignInConfig {
    SignInConfig::resolve(
        SignInOptions {
            client_id: Some(CLIENT_ID.into()),
            issuer: Some(provider.issuer()),
            redirect_template: Some(redirect.into()),
            browser_timeout: Some(Duration::from_secs(30)),
            ..SignInOptions::default()
        },
        None,
    )
    .unwrap()
}

/// The headless browser, logging in as `login`, optionally breaking one thing.
fn browser(login: &str, tamper: &str) -> Browser {
    let mut argv = vec![
        "env".to_string(),
        format!("NUPUB_TEST_LOGIN={login}"),
        format!("NUPUB_TEST_TAMPER={tamper}"),
    ];
    argv.extend(browser_command());
    Browser::Command(argv)
}

fn keyring_value(service: &str, user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .output()
        .unwrap();
    (out.status.success() && !out.stdout.is_empty())
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn keyring_store(service: &str, user: &str, value: &str) {
    use std::io::Write;
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=test",
            "service",
            service,
            "username",
            user,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(value.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// POSTs a refresh grant straight to the provider (as another client would).
async fn raw_refresh(provider: &OidcProvider, refresh_token: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{}/token", provider.issuer()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_sign_in_with_mfa_then_refresh_rotation_and_reuse_refused() {
    let provider = OidcProvider::start();
    let s = setup("mfa");
    let status = s
        .accounts
        .sign_in_browser(
            &config(&provider, "http://127.0.0.1:{port}/callback"),
            &browser("alice+mfa", ""),
        )
        .await
        .unwrap();
    assert_eq!(status.username.as_deref(), Some("alice@example.test"));
    assert_eq!(status.email.as_deref(), Some("alice@example.test"));
    assert_eq!(status.display_name.as_deref(), Some("Test User alice"));
    // Alice used two-step verification, but a v2.0 ID token does not say so
    // (as Microsoft documents): Nupub must not claim it either way.
    assert!(!status.mfa.verified);
    assert!(
        status.mfa.text.starts_with("not known"),
        "{}",
        status.mfa.text
    );
    assert_eq!(status.kind, AccountKind::Personal);
    assert!(status.active);
    assert!(status.access_token_expires_at.is_some());
    let user = format!("account:{}", status.id);

    // The refresh token is in the real keyring, and nowhere in the settings file.
    let first = keyring_value(&s.service, &user).expect("refresh token in the keyring");
    let settings =
        std::fs::read_to_string(s.accounts.vault().config_dir().join("accounts.json")).unwrap();
    assert!(!settings.contains(&first));
    assert!(settings.contains("alice@example.test"));

    // Refresh rotates the stored token.
    let access = s.accounts.access_token(None, None).await.unwrap();
    assert!(!access.expose().is_empty());
    let second = keyring_value(&s.service, &user).unwrap();
    assert_ne!(first, second, "the refresh token was not rotated");
    // The provider refuses the old one...
    let (code, body) = raw_refresh(&provider, &first).await;
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("invalid_grant"), "{body}");
    // ...and when Nupub is made to use a refused token, it says "sign in again".
    keyring_store(&s.service, &user, &first);
    let error = s.accounts.access_token(None, None).await.unwrap_err();
    assert!(
        matches!(error, AccountError::SignInAgain { .. }),
        "{error:?}"
    );
    use nupub_error::Coded;
    assert_eq!(error.code(), "account.sign_in_again");
    assert!(error.hint().unwrap().contains("nupub account login"));
    assert_eq!(keyring_value(&s.service, &user), None, "dead token kept");
    let now = s.accounts.status().unwrap();
    assert!(now.accounts[0].needs_sign_in);
    let error = s.accounts.access_token(None, None).await.unwrap_err();
    assert!(matches!(error, AccountError::SignInAgain { .. }));
}

#[tokio::test(flavor = "multi_thread")]
async fn several_accounts_one_active_and_sign_out_removes_tokens() {
    let provider = OidcProvider::start();
    let s = setup("multi");
    // The default redirect template, http://localhost:{port}, as Microsoft expects.
    let config = config(&provider, "http://localhost:{port}");
    let bob = s
        .accounts
        .sign_in_browser(&config, &browser("bob", ""))
        .await
        .unwrap();
    assert!(!bob.mfa.verified);
    assert!(bob.mfa.text.starts_with("not known"), "{}", bob.mfa.text);
    let carol = s
        .accounts
        .sign_in_browser(&config, &browser("carol", ""))
        .await
        .unwrap();
    let status = s.accounts.status().unwrap();
    assert_eq!(status.accounts.len(), 2);
    assert_eq!(status.active.as_deref(), Some(carol.id.as_str()));
    assert_eq!(status.accounts.iter().filter(|a| a.active).count(), 1);
    let json = serde_json::to_string(&status).unwrap();
    let bob_token = keyring_value(&s.service, &format!("account:{}", bob.id)).unwrap();
    assert!(!json.contains(&bob_token));

    s.accounts.set_active("bob@example.test").unwrap();
    assert_eq!(
        s.accounts.status().unwrap().active.as_deref(),
        Some(bob.id.as_str())
    );
    let out = s.accounts.sign_out(Some("bob@example.test")).unwrap();
    assert_eq!(out.id, bob.id);
    assert_eq!(
        keyring_value(&s.service, &format!("account:{}", bob.id)),
        None
    );
    let status = s.accounts.status().unwrap();
    assert_eq!(status.accounts.len(), 1);
    assert_eq!(status.active.as_deref(), Some(carol.id.as_str()));
    assert!(matches!(
        s.accounts.sign_out(Some("bob@example.test")),
        Err(AccountError::UnknownAccount(_))
    ));
    s.accounts.sign_out(None).unwrap();
    assert!(matches!(
        s.accounts.access_token(None, None).await,
        Err(AccountError::NotSignedIn)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_sign_ins_are_refused_with_clear_errors() {
    let provider = OidcProvider::start();
    let s = setup("tamper");
    let config = config(&provider, "http://127.0.0.1:{port}/callback");
    let attempt = |tamper: &'static str| {
        let accounts = &s.accounts;
        let config = config.clone();
        async move {
            accounts
                .sign_in_browser(&config, &browser("mallory", tamper))
                .await
                .unwrap_err()
        }
    };

    let error = attempt("state").await;
    assert!(matches!(error, AccountError::StateMismatch), "{error:?}");

    let error = attempt("drop_pkce").await;
    match &error {
        AccountError::ProviderRefused { error, description } => {
            assert_eq!(error, "invalid_request");
            assert!(
                description.as_deref().unwrap_or("").contains("PKCE"),
                "{description:?}"
            );
        }
        other => panic!("{other:?}"),
    }

    let error = attempt("nonce").await;
    assert!(
        matches!(&error, AccountError::IdTokenInvalid { reason } if reason.contains("nonce")),
        "{error:?}"
    );

    // The code was issued to another app: the provider refuses it to Nupub.
    let error = attempt("client").await;
    assert!(
        matches!(&error, AccountError::ProviderRefused { error, .. } if error == "invalid_grant"),
        "{error:?}"
    );

    let error = attempt("redirect").await;
    assert!(matches!(error, AccountError::MissingCode), "{error:?}");

    // Nothing was stored by any of them.
    assert!(s.accounts.status().unwrap().accounts.is_empty());

    // A redirect to a non-loopback address is refused before anything starts.
    let error = SignInConfig::resolve(
        SignInOptions {
            client_id: Some(CLIENT_ID.into()),
            issuer: Some(provider.issuer()),
            redirect_template: Some("http://evil.example:{port}/callback".into()),
            ..SignInOptions::default()
        },
        None,
    )
    .unwrap_err();
    assert!(
        matches!(error, AccountError::RedirectNotLoopback { .. }),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_from_another_provider_or_for_another_app_are_refused() {
    let provider = OidcProvider::start();
    let other = OidcProvider::start();
    let s = setup("issuers");

    // Signed in at the second provider as another app; then that id_token is
    // checked against the first provider's keys and Nupub's client id.
    let other_setup = setup("issuers-other");
    let other_config = SignInConfig::resolve(
        SignInOptions {
            client_id: Some(nupub_testkit::oidc::OTHER_CLIENT_ID.into()),
            issuer: Some(other.issuer()),
            redirect_template: Some("http://127.0.0.1:{port}/callback".into()),
            browser_timeout: Some(Duration::from_secs(30)),
            ..SignInOptions::default()
        },
        None,
    )
    .unwrap();
    other_setup
        .accounts
        .sign_in_browser(&other_config, &browser("eve", ""))
        .await
        .unwrap();
    // Its refreshed id_token, straight from the provider.
    let account = other_setup.accounts.status().unwrap().accounts[0]
        .id
        .clone();
    let refresh = keyring_value(&other_setup.service, &format!("account:{account}")).unwrap();
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/token", other.issuer()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", nupub_testkit::oidc::OTHER_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let foreign = response["id_token"].as_str().unwrap();

    let http = nupub_accounts::oidc::http_client().unwrap();
    let first = nupub_accounts::oidc::discover(&http, &provider.issuer())
        .await
        .unwrap();
    let first_keys = nupub_accounts::oidc::fetch_jwks(&http, &first.jwks_uri)
        .await
        .unwrap();
    let second = nupub_accounts::oidc::discover(&http, &other.issuer())
        .await
        .unwrap();
    let second_keys = nupub_accounts::oidc::fetch_jwks(&http, &second.jwks_uri)
        .await
        .unwrap();
    use nupub_accounts::oidc::{verify_id_token, Expected};

    // Against the first provider: its keys did not sign it.
    let error = verify_id_token(
        foreign,
        &first_keys,
        Expected {
            issuer: &first.issuer,
            client_id: nupub_testkit::oidc::OTHER_CLIENT_ID,
            nonce: None,
        },
    )
    .unwrap_err();
    assert!(error.to_string().contains("key"), "{error}");
    // With the right keys but another issuer expected.
    let error = verify_id_token(
        foreign,
        &second_keys,
        Expected {
            issuer: &first.issuer,
            client_id: nupub_testkit::oidc::OTHER_CLIENT_ID,
            nonce: None,
        },
    )
    .unwrap_err();
    assert!(
        matches!(error, AccountError::IssuerMismatch { .. }),
        "{error:?}"
    );
    // With the right keys and issuer, but for Nupub's client id: another audience.
    let error = verify_id_token(
        foreign,
        &second_keys,
        Expected {
            issuer: &second.issuer,
            client_id: CLIENT_ID,
            nonce: None,
        },
    )
    .unwrap_err();
    assert!(error.to_string().contains("another app"), "{error}");
    // And everything right: accepted (the checks above are not vacuous).
    verify_id_token(
        foreign,
        &second_keys,
        Expected {
            issuer: &second.issuer,
            client_id: nupub_testkit::oidc::OTHER_CLIENT_ID,
            nonce: None,
        },
    )
    .unwrap();
    drop(s);
}

#[tokio::test(flavor = "multi_thread")]
async fn device_flow_end_to_end() {
    let provider = OidcProvider::start();
    let s = setup("device");
    let config = config(&provider, "http://127.0.0.1:{port}/callback");
    let mut shown = None;
    let mut user = None;
    let status = s
        .accounts
        .sign_in_device(&config, |prompt| {
            shown = Some(prompt.clone());
            // The "other device": the headless browser confirms the code.
            let uri = prompt.verification_uri_complete.clone().unwrap();
            let mut argv = browser_command();
            argv.push(uri);
            user = Some(
                Command::new(&argv[0])
                    .args(&argv[1..])
                    .env("NUPUB_TEST_LOGIN", "dave+mfa")
                    .spawn()
                    .unwrap(),
            );
        })
        .await
        .unwrap();
    assert!(user.unwrap().wait().unwrap().success());
    let prompt = shown.unwrap();
    assert!(!prompt.user_code.is_empty());
    assert!(prompt
        .verification_uri
        .starts_with(&format!("{}/device", provider.issuer())));
    assert!(prompt.expires_in_seconds > 0);
    assert_eq!(status.username.as_deref(), Some("dave@example.test"));
    assert!(!status.mfa.verified, "a v2.0 ID token carries no amr");
    assert!(keyring_value(&s.service, &format!("account:{}", status.id)).is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_or_non_https_issuer_is_a_clear_error() {
    let s = setup("issuer");
    let port = nupub_testkit::free_port();
    let config = SignInConfig::resolve(
        SignInOptions {
            client_id: Some(CLIENT_ID.into()),
            issuer: Some(format!("http://127.0.0.1:{port}")),
            ..SignInOptions::default()
        },
        None,
    )
    .unwrap();
    let error = s
        .accounts
        .sign_in_browser(&config, &browser("x", ""))
        .await
        .unwrap_err();
    assert!(matches!(error, AccountError::Network { .. }), "{error:?}");
    let error = SignInConfig::resolve(
        SignInOptions {
            client_id: Some(CLIENT_ID.into()),
            issuer: Some("http://login.example.com/common/v2.0".into()),
            ..SignInOptions::default()
        },
        None,
    )
    .unwrap_err();
    assert!(
        matches!(error, AccountError::InsecureUrl { .. }),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn microsoft_tenant_template_is_resolved_against_a_real_provider() {
    let provider = OidcProvider::start_with_tenant_paths();
    let s = setup("tenant");
    // The "common" authority: discovery names http://127.0.0.1:PORT/{tenantid}/v2.0.
    let http = nupub_accounts::oidc::http_client().unwrap();
    let common = nupub_accounts::oidc::discover(&http, &provider.common_authority())
        .await
        .unwrap();
    assert!(common.issuer.contains("{tenantid}"), "{}", common.issuer);
    let config = SignInConfig::resolve(
        SignInOptions {
            client_id: Some(CLIENT_ID.into()),
            issuer: Some(provider.common_authority()),
            redirect_template: Some("http://localhost:{port}".into()),
            browser_timeout: Some(Duration::from_secs(30)),
            ..SignInOptions::default()
        },
        None,
    )
    .unwrap();
    let status = s
        .accounts
        .sign_in_browser(&config, &browser("frank+mfa", ""))
        .await
        .unwrap();
    assert_eq!(
        status.tenant_id.as_deref(),
        Some(nupub_testkit::oidc::TENANT_ID)
    );
    assert_eq!(status.kind, AccountKind::Personal);
    assert!(!status.mfa.verified, "a v2.0 ID token carries no amr");
    // A refresh checks the refreshed id_token against the same template.
    s.accounts.access_token(None, None).await.unwrap();
    // Asking for another resource's scope goes through the refresh grant with a scope
    // (Azure DevOps in real use; the test provider knows only its own scopes).
    let token = s
        .accounts
        .access_token(None, Some("openid profile"))
        .await
        .unwrap();
    assert!(!token.expose().is_empty());
    let error = s.accounts.azure_devops_token(None).await.unwrap_err();
    assert!(
        matches!(&error, AccountError::ProviderRefused { error, .. } if error == "invalid_scope"),
        "{error:?}"
    );
}

/// The headless browser keeping its cookies in `jar` between runs, like a
/// real browser that stays signed in to Microsoft.
fn keeping_browser(login: &str, jar: &std::path::Path) -> Browser {
    let mut argv = vec![
        "env".to_string(),
        format!("NUPUB_TEST_LOGIN={login}"),
        format!("NUPUB_TEST_COOKIES={}", jar.display()),
    ];
    argv.extend(browser_command());
    Browser::Command(argv)
}

#[tokio::test(flavor = "multi_thread")]
async fn another_account_and_check_again_ask_the_provider_to_sign_in_again() {
    let provider = OidcProvider::start();
    let s = setup("prompt");
    let jar = tempfile::tempdir().unwrap();
    let cookies = jar.path().join("cookies.txt");
    let plain = config(&provider, "http://localhost:{port}");
    let first = s
        .accounts
        .sign_in_browser(&plain, &keeping_browser("gina", &cookies))
        .await
        .unwrap();
    assert_eq!(first.username.as_deref(), Some("gina@example.test"));
    // Without a prompt the kept session answers silently with the same account,
    // whoever the person at the browser would have picked.
    let same = s
        .accounts
        .sign_in_browser(&plain, &keeping_browser("hank", &cookies))
        .await
        .unwrap();
    assert_eq!(same.id, first.id, "the kept session answers without asking");
    // "Sign in with another account": prompt=select_account shows the picker.
    let mut another = plain.clone();
    another.prompt = SignInPrompt::SelectAccount;
    let second = s
        .accounts
        .sign_in_browser(&another, &keeping_browser("hank", &cookies))
        .await
        .unwrap();
    assert_eq!(second.username.as_deref(), Some("hank@example.test"));
    assert_ne!(second.id, first.id);
    assert_eq!(s.accounts.status().unwrap().accounts.len(), 2);
    // "Check again": prompt=login signs in afresh even with a session.
    let mut fresh = plain.clone();
    fresh.prompt = SignInPrompt::Login;
    let again = s
        .accounts
        .sign_in_browser(&fresh, &keeping_browser("gina", &cookies))
        .await
        .unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(
        s.accounts.status().unwrap().active.as_deref(),
        Some(first.id.as_str())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_user_says_is_kept_per_account_and_across_sign_ins() {
    let provider = OidcProvider::start();
    let s = setup("confirm");
    let config = config(&provider, "http://localhost:{port}");
    let ivy = s
        .accounts
        .sign_in_browser(&config, &browser("ivy+mfa", ""))
        .await
        .unwrap();
    let jon = s
        .accounts
        .sign_in_browser(&config, &browser("jon", ""))
        .await
        .unwrap();
    let said = s.accounts.confirm_two_step(Some(&ivy.id), true).unwrap();
    assert!(!said.mfa.verified, "the user's word is never 'verified'");
    assert!(said.mfa.user_confirmed.is_some());
    assert!(said.mfa.text.contains("as you said"), "{}", said.mfa.text);
    s.accounts
        .confirm_publish_email(Some(&ivy.id), true)
        .unwrap();
    let status = s.accounts.status().unwrap();
    let find = |id: &str| status.accounts.iter().find(|a| a.id == id).unwrap().clone();
    assert!(find(&ivy.id).publish_email_confirmed);
    assert!(
        !find(&jon.id).publish_email_confirmed,
        "the tick is per account"
    );
    assert!(find(&jon.id).mfa.user_confirmed.is_none());
    // Signing in again keeps what the user said.
    let again = s
        .accounts
        .sign_in_browser(&config, &browser("ivy+mfa", ""))
        .await
        .unwrap();
    assert!(again.publish_email_confirmed);
    assert!(again.mfa.user_confirmed.is_some());
    let withdrawn = s.accounts.confirm_two_step(Some(&ivy.id), false).unwrap();
    assert!(withdrawn.mfa.user_confirmed.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_id_is_checked_with_the_provider_before_it_is_used() {
    let provider = OidcProvider::start();
    let s = setup("clientid");
    let good = config(&provider, "http://localhost:{port}");
    assert!(s.accounts.check_client_id(&good).await.unwrap());
    let mut unknown = good.clone();
    unknown.client_id = "00000000-1111-2222-3333-444444444444".into();
    let error = s.accounts.check_client_id(&unknown).await.unwrap_err();
    assert!(
        matches!(&error, AccountError::ClientIdUnknown { client_id, .. } if client_id == &unknown.client_id),
        "{error:?}"
    );
}
