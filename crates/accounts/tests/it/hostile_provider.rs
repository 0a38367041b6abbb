//! Hostile and broken sign-in services.
//!
//! FAKE, for fault injection only: no real provider can be made to send these
//! answers, so a tiny HTTP server here answers each path with a fixed status
//! and body. The well-formed parts follow OpenID Connect Discovery 1.0 and
//! RFC 8628 exactly; everything else is deliberately broken.
#![allow(clippy::unwrap_used)]

use nupub_accounts::oidc::{discover, fetch_jwks, http_client};
use nupub_accounts::{AccountError, Accounts, SignInConfig, SignInOptions, Vault};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

type Routes = HashMap<String, (u16, String)>;

/// Serves `routes` (path → status, body) on 127.0.0.1; returns the base URL.
async fn serve(routes: impl FnOnce(&str) -> Routes) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let routes = Arc::new(routes(&base));
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let routes = routes.clone();
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buf = [0u8; 4096];
                // Read the head, then as much body as Content-Length says.
                let head_end = loop {
                    let n = stream.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    data.extend_from_slice(&buf[..n]);
                    if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&data[..head_end]).to_string();
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                while data.len() < head_end + length {
                    let n = stream.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    data.extend_from_slice(&buf[..n]);
                }
                let path = head
                    .split(' ')
                    .nth(1)
                    .unwrap_or("/")
                    .split('?')
                    .next()
                    .unwrap()
                    .to_string();
                let (status, body) = routes.get(&path).cloned().unwrap_or((404, "{}".into()));
                let extra = if status == 302 {
                    "Location: http://127.0.0.1:9/elsewhere\r\n"
                } else {
                    ""
                };
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    base
}

const DISCOVERY: &str = "/.well-known/openid-configuration";

fn good_discovery(base: &str) -> serde_json::Value {
    serde_json::json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/auth"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "device_authorization_endpoint": format!("{base}/device/auth"),
    })
}

fn routes_with_discovery(base: &str, change: impl FnOnce(&mut serde_json::Value)) -> Routes {
    let mut doc = good_discovery(base);
    change(&mut doc);
    let mut routes = Routes::new();
    routes.insert(DISCOVERY.into(), (200, doc.to_string()));
    routes
}

async fn discovery_error(routes: impl FnOnce(&str) -> Routes) -> AccountError {
    let base = serve(routes).await;
    discover(&http_client().unwrap(), &base).await.unwrap_err()
}

#[tokio::test]
async fn broken_discovery_documents_are_clear_errors() {
    let e = discovery_error(|_| Routes::new()).await;
    assert!(e.to_string().contains("HTTP status 404"), "{e}");
    let e = discovery_error(|_| {
        Routes::from([(
            DISCOVERY.to_string(),
            (200, "<html>hello</html>".to_string()),
        )])
    })
    .await;
    assert!(e.to_string().contains("not JSON"), "{e}");
    let e =
        discovery_error(|_| Routes::from([(DISCOVERY.to_string(), (302, String::new()))])).await;
    assert!(e.to_string().contains("HTTP status 302"), "{e}");
    let e = discovery_error(|_| {
        Routes::from([(
            DISCOVERY.to_string(),
            (200, format!("\"{}\"", "a".repeat(600 * 1024))),
        )])
    })
    .await;
    assert!(e.to_string().contains("larger than"), "{e}");
    let e = discovery_error(|b| {
        routes_with_discovery(b, |d| {
            d.as_object_mut().unwrap().remove("token_endpoint");
        })
    })
    .await;
    assert!(e.to_string().contains("token_endpoint"), "{e}");
    let e = discovery_error(|b| {
        routes_with_discovery(b, |d| d["issuer"] = "https://evil.example/v2.0".into())
    })
    .await;
    assert!(matches!(e, AccountError::IssuerMismatch { .. }), "{e:?}");
    let e = discovery_error(|b| {
        routes_with_discovery(b, |d| {
            d["token_endpoint"] = "http://evil.example/token".into()
        })
    })
    .await;
    assert!(matches!(e, AccountError::InsecureUrl { .. }), "{e:?}");
    let e = discovery_error(|b| {
        routes_with_discovery(b, |d| {
            d["code_challenge_methods_supported"] = serde_json::json!(["plain"])
        })
    })
    .await;
    assert!(e.to_string().contains("PKCE"), "{e}");
    for e in [
        discovery_error(|b| routes_with_discovery(b, |d| d["jwks_uri"] = 5.into())).await,
        discovery_error(|_| Routes::from([(DISCOVERY.to_string(), (200, "[]".to_string()))])).await,
    ] {
        assert!(matches!(e, AccountError::BadProviderAnswer { .. }), "{e:?}");
    }
    // None of them panicked, and a correct document is accepted (the checks are not vacuous).
    let base = serve(|b| routes_with_discovery(b, |_| {})).await;
    let provider = discover(&http_client().unwrap(), &base).await.unwrap();
    assert_eq!(provider.issuer, base);
}

#[tokio::test]
async fn broken_key_sets_are_clear_errors_or_skipped_keys() {
    let base = serve(|_| {
        Routes::from([
            ("/none".to_string(), (200, "{}".to_string())),
            (
                "/junk".to_string(),
                (
                    200,
                    r#"{"keys":[1,"x",{"kty":"RSA"},{"kty":"weird","n":"AQ"}]}"#.to_string(),
                ),
            ),
        ])
    })
    .await;
    let http = http_client().unwrap();
    let e = fetch_jwks(&http, &format!("{base}/none").parse().unwrap())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("keys"), "{e}");
    let keys = fetch_jwks(&http, &format!("{base}/junk").parse().unwrap())
        .await
        .unwrap();
    assert!(keys.is_empty());
}

async fn device_sign_in(device: (u16, &str), token: (u16, &str)) -> AccountError {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run through scripts/with-peers"
    );
    let (device, token) = (
        (device.0, device.1.to_string()),
        (token.0, token.1.to_string()),
    );
    let base = serve(move |b| {
        let mut routes = routes_with_discovery(b, |_| {});
        routes.insert("/device/auth".into(), device);
        routes.insert("/token".into(), token);
        routes
    })
    .await;
    let config_dir = tempfile::tempdir().unwrap();
    let service = format!("org.nupub.tests.hostile.{}", std::process::id());
    let accounts =
        Accounts::new(Vault::open(&service, config_dir.path().to_path_buf()).unwrap()).unwrap();
    let config = SignInConfig::resolve(
        SignInOptions {
            client_id: Some("client-1".into()),
            issuer: Some(base),
            ..SignInOptions::default()
        },
        None,
    )
    .unwrap();
    let result = tokio::time::timeout(
        Duration::from_secs(30),
        accounts.sign_in_device(&config, |_| {}),
    )
    .await
    .unwrap();
    assert!(accounts.status().unwrap().accounts.is_empty());
    result.unwrap_err()
}

const DEVICE_OK: &str = r#"{"device_code":"dc","user_code":"ABCD-EFGH","verification_uri":"http://127.0.0.1:1/device","expires_in":600,"interval":1}"#;

#[tokio::test(flavor = "multi_thread")]
async fn broken_device_and_token_answers_are_clear_errors_without_their_bodies() {
    let e = device_sign_in((200, "not json"), (400, "{}")).await;
    assert!(matches!(e, AccountError::BadProviderAnswer { .. }), "{e:?}");
    let e = device_sign_in(
        (200, r#"{"device_code":"dc","user_code":"U","verification_uri":"http://evil.example/device","expires_in":600}"#),
        (400, "{}"),
    )
    .await;
    assert!(matches!(e, AccountError::InsecureUrl { .. }), "{e:?}");
    let e = device_sign_in((200, DEVICE_OK), (400, r#"{"error":"expired_token"}"#)).await;
    assert!(
        matches!(&e, AccountError::DeviceCodeExpired { user_code } if user_code == "ABCD-EFGH"),
        "{e:?}"
    );
    let e = device_sign_in(
        (200, DEVICE_OK),
        (
            400,
            r#"{"error":"access_denied","error_description":"the user said no"}"#,
        ),
    )
    .await;
    assert!(
        matches!(&e, AccountError::ProviderRefused { error, description } if error == "access_denied" && description.as_deref() == Some("the user said no")),
        "{e:?}"
    );
    // A token answer without an id_token, and one that is not JSON but holds a token-like value.
    let e = device_sign_in(
        (200, DEVICE_OK),
        (
            200,
            r#"{"access_token":"at-LEAK-1","token_type":"Bearer","expires_in":60}"#,
        ),
    )
    .await;
    assert!(e.to_string().contains("no id_token"), "{e}");
    assert!(!format!("{e} {e:?}").contains("LEAK"), "{e:?}");
    let e = device_sign_in(
        (200, DEVICE_OK),
        (200, r#"{"access_token": "at-LEAK-2", "token_type": 7"#),
    )
    .await;
    assert!(matches!(e, AccountError::BadProviderAnswer { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("LEAK"), "{e:?}");
    // An id_token that is not a token.
    let e = device_sign_in(
        (200, DEVICE_OK),
        (
            200,
            r#"{"access_token":"at","token_type":"Bearer","id_token":"garbage"}"#,
        ),
    )
    .await;
    assert!(
        matches!(
            e,
            AccountError::BadProviderAnswer { .. } | AccountError::IdTokenInvalid { .. }
        ),
        "{e:?}"
    );
}
