//! The command layer through Tauri's real IPC path (argument decoding, result
//! and error serialization) on the mock runtime: no display needed.
//! Building this integration test also makes `cargo test` build the app
//! binary that the window tests in `tests/` drive.
#![allow(clippy::unwrap_used)]

use nupub_app::{setup, LaunchArgs};
use std::path::PathBuf;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

fn app(launch: LaunchArgs) -> tauri::App<MockRuntime> {
    setup(mock_builder(), launch)
        .build(mock_context(noop_assets()))
        .unwrap()
}

fn invoke(
    app: &tauri::App<MockRuntime>,
    cmd: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    let webview = WebviewWindowBuilder::new(app, "main", Default::default())
        .build()
        .unwrap();
    get_ipc_response(
        &webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::default(),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<serde_json::Value>().unwrap())
}

#[test]
fn launch_package_returns_the_first_argument() {
    let app = app(LaunchArgs {
        package_path: Some(PathBuf::from("/tmp/My.Lib.1.0.0.nupkg")),
    });
    assert_eq!(
        invoke(&app, "launch_package").unwrap(),
        serde_json::json!("/tmp/My.Lib.1.0.0.nupkg")
    );
}

#[test]
fn launch_package_is_null_without_arguments() {
    let app = app(LaunchArgs::default());
    assert_eq!(
        invoke(&app, "launch_package").unwrap(),
        serde_json::Value::Null
    );
}

#[test]
fn app_info_names_the_product_and_a_local_default_feed() {
    let app = app(LaunchArgs::default());
    let info = invoke(&app, "app_info").unwrap();
    assert_eq!(info["productName"], "Nupub");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["defaultTarget"]["kind"], "local");
    let location = info["defaultTarget"]["location"].as_str().unwrap();
    assert!(location.ends_with("feed"), "{location}");
}

#[test]
fn unknown_commands_are_refused() {
    let app = app(LaunchArgs::default());
    assert!(invoke(&app, "not_a_command").is_err());
}
