//! The real window: the app binary driven through tauri-driver and
//! WebKitWebDriver over WebDriver (fantoccini), under the X display the test
//! command provides (Xvfb).
//!
//! Each window gets its own tauri-driver on free ports and its own HOME and
//! XDG folders, so the app never sees the user's data and parallel tests do
//! not collide. Dropping the window stops tauri-driver's whole process group:
//! WebKitWebDriver, the app and its web processes.

use crate::paths::{artifacts_dir, repo_root, require, tools_dir};
use crate::process::{free_port, PeerProcess};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// The app binary `cargo test` built (`target/debug/nupub-app`; `NUPUB_APP_BIN` overrides).
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("NUPUB_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| repo_root().join("target"))
                .join("debug/nupub-app")
        });
    require(path, "the app binary (built by `cargo test --workspace`)")
}

fn tauri_driver() -> PathBuf {
    std::env::var_os("TAURI_DRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            require(
                tools_dir().join("cargo/bin/tauri-driver"),
                "tauri-driver (cargo install --root .tools/cargo tauri-driver)",
            )
        })
}

/// How to start the app.
#[derive(Default)]
pub struct Launch {
    /// Command-line arguments for the app.
    pub args: Vec<String>,
    /// Extra environment for the app (for example `GTK_THEME`).
    pub env: Vec<(String, String)>,
}

pub struct AppWindow {
    client: Option<Client>,
    driver: PeerProcess,
    home: tempfile::TempDir,
    /// Time from asking for a session to a usable WebDriver session with the app started.
    pub session_started_in: Duration,
}

impl AppWindow {
    pub async fn launch(launch: Launch) -> AppWindow {
        if std::env::var_os("DISPLAY").is_none() {
            panic!(
                "no X display: run the window tests through `bash scripts/test`, which starts Xvfb"
            );
        }
        let app = app_binary();
        let home = tempfile::tempdir().expect("temp HOME for the app");
        let (port, native_port) = (free_port(), free_port());
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("NO_AT_BRIDGE", "1");
        for (key, value) in &launch.env {
            command.env(key, value);
        }
        let mut driver = PeerProcess::spawn("tauri-driver", command);
        driver.wait_for_port(port, Duration::from_secs(20));

        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app, "args": launch.args }),
        );
        let started = Instant::now();
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no WebDriver session with the app: {e}\ntauri-driver said:\n{}",
                    driver.log()
                )
            });
        AppWindow {
            client: Some(client),
            driver,
            home,
            session_started_in: started.elapsed(),
        }
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("window is open")
    }

    /// The HOME folder the app runs with.
    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }

    /// Waits (up to 10 s) for an element and returns its visible text.
    pub async fn text_of(&self, css: &str) -> String {
        let element = self
            .client()
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"));
        element
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// Polls (up to 10 s) until the element's text satisfies `check`; returns the text.
    pub async fn wait_for_text(&self, css: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = match self.client().find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if check(&text) {
                return text;
            }
            if Instant::now() > deadline {
                panic!("{css} never showed the expected text; last seen: {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Evaluates a script in the page and returns its result.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client()
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Saves a PNG screenshot of the window to the test artifacts folder and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client()
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot failed: {e}"));
        let path = artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Ends the WebDriver session (closing the app) and stops tauri-driver's process group.
    pub async fn close(mut self) -> i32 {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
        let pgid = self.driver.pgid();
        self.driver.stop();
        pgid
    }
}

/// Width and height from a PNG's IHDR chunk.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" || &png[12..16] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(png[16..20].try_into().ok()?);
    let height = u32::from_be_bytes(png[20..24].try_into().ok()?);
    Some((width, height))
}
