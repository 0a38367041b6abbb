//! The app's log file: in the state folder, opened by `open_log` (Tauri's
//! real IPC on the mock runtime, the browser replaced by a recorder), and
//! bounded: rotated by size with a fixed number of files kept. One test in
//! its own process, because the log folder comes from XDG_STATE_HOME.
#![allow(clippy::unwrap_used)]

use nupub_app::{setup_with_browser, Browser, LaunchArgs};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

#[test]
fn the_log_is_in_the_state_folder_opens_from_the_window_and_stays_bounded() {
    let state = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_STATE_HOME", state.path());
    std::env::remove_var("NUPUB_LOG");
    let dir = state.path().join("nupub").join("logs");
    assert_eq!(nupub_app::log::log_dir().unwrap(), dir);

    let opened = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&opened);
    let browser = Browser(Arc::new(move |url: &str| {
        record.lock().unwrap().push(url.to_string());
        Ok(())
    }));
    let app = setup_with_browser(mock_builder(), LaunchArgs::default(), browser)
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let open_log = || -> Result<Value, Value> {
        get_ipc_response(
            &webview,
            InvokeRequest {
                cmd: "open_log".into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(json!({})),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    };

    // No log yet: a typed error with a hint, nothing opened.
    let error = open_log().unwrap_err();
    assert_eq!(error["code"], "app.log_unavailable", "{error}");
    assert!(error["hint"].as_str().is_some_and(|h| !h.is_empty()));
    assert!(opened.lock().unwrap().is_empty());

    let guard = nupub_app::log::init().expect("the log starts");
    let line = "x".repeat(1000);
    for n in 0..20_000 {
        tracing::info!(n, line = %line, "filler");
    }
    drop(guard);

    open_log().unwrap();
    let current = dir.join(nupub_app::log::FILE_NAME);
    assert_eq!(
        opened.lock().unwrap().as_slice(),
        [url::Url::from_file_path(&current).unwrap().to_string()]
    );

    // About 20 MB was logged: rotated, at most KEPT_FILES old files, each near the limit.
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(files.len() > 1, "never rotated: {files:?}");
    assert!(files.len() <= nupub_app::log::KEPT_FILES + 1, "{files:?}");
    for file in &files {
        let size = std::fs::metadata(file).unwrap().len() as usize;
        assert!(
            size <= nupub_app::log::MAX_FILE_BYTES + 64 * 1024,
            "{} is {size} bytes",
            file.display()
        );
    }
    let first = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        first.contains("filler"),
        "{}",
        &first[..200.min(first.len())]
    );
}
