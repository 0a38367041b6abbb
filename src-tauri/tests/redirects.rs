//! The window's door to a feed that moved: the Confirm step's plan and
//! Publish, through the real command layer on Tauri's mock runtime, with the
//! key stored in the keyring for a nuget.config source that redirects every
//! request (301, 302, 303, 307, 308) to a recording server on another
//! loopback address. The recorder must never see the key; Publish fails with
//! `feed.redirect_refused` naming the new location and sends nothing there.
//!
//! Needs the session keyring (`scripts/with-peers`). Its own test binary: it
//! sets the process environment (the settings folder) for the commands.
#![allow(clippy::unwrap_used)]

use nupub_app::{setup, LaunchArgs};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::wire::{CaptureServer, RedirectServer};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

const KEY: &str = "window-redirect-key-8675309";
const FEED: &str = "moved-feed";

#[test]
fn the_window_never_sends_a_key_where_a_redirect_points() {
    let config = tempfile::tempdir().unwrap();
    std::env::set_var("NUPUB_CONFIG_DIR", config.path());
    std::env::remove_var("NUGET_API_KEY");
    let vault = nupub_accounts::Vault::system().unwrap();
    vault
        .set_feed_key(
            FEED,
            nupub_accounts::Secret::new(KEY.to_string()),
            Default::default(),
        )
        .unwrap();
    let app = setup(mock_builder(), LaunchArgs::default())
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let call = |cmd: &str, args: Value| {
        get_ipc_response(
            &webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    };
    for status in [301u16, 302, 303, 307, 308] {
        let recorder = CaptureServer::start_on("127.0.0.2", 201);
        let moved = RedirectServer::elsewhere(status, &recorder.base_url());
        let dir = tempfile::tempdir().unwrap();
        let package = make_nupkg(dir.path(), "Nupub.Window.Moved", "1.0.0", "", 0);
        std::fs::write(
            dir.path().join("nuget.config"),
            format!(
                r#"<configuration><packageSources><add key="{FEED}" value="{}/api/v2/package" /></packageSources></configuration>"#,
                moved.base_url()
            ),
        )
        .unwrap();
        let path = package.display().to_string();
        // Confirm's plan: the stored key is found (so it would be sent), and the feed's reads go nowhere else.
        let plan = call("plan_publish", json!({ "path": path, "feed": FEED })).unwrap();
        assert_eq!(plan["key"]["origin"], "keyring", "{status}: {plan}");
        let consent = json!({
            "acknowledged": plan["acknowledgements"].as_array().unwrap().iter().map(|a| a["key"].clone()).collect::<Vec<_>>(),
            "typed": null,
        });
        let error = call(
            "publish",
            json!({ "path": path, "feed": FEED, "consent": consent }),
        )
        .unwrap_err();
        assert_eq!(error["code"], "feed.redirect_refused", "{status}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("moved to {}", recorder.base_url())),
            "{status}: {message}"
        );
        assert!(!error.to_string().contains(KEY), "{status}: {error}");
        let seen = recorder.requests();
        for request in &seen {
            assert!(
                request.header("x-nuget-apikey").is_none()
                    && request.header("authorization").is_none()
                    && !format!("{:?}", request.headers).contains(KEY),
                "{status}: the key reached the other origin: {request:?}"
            );
            assert_ne!(
                request.method, "PUT",
                "{status}: a package reached the other origin"
            );
        }
        // The feed itself was asked (the redirect was its answer), so the test saw the real path.
        assert!(
            !moved.requests().is_empty(),
            "{status}: the feed was never asked"
        );
    }
    vault.remove_feed_key(FEED).unwrap();
}
