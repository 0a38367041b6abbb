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
    /// When the session was asked for (tauri-driver then launches the app).
    pub session_requested_at: Instant,
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
        driver.wait_for_port(port, crate::process::PEER_START_LIMIT);

        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app, "args": launch.args }),
        );
        let started = Instant::now();
        // tauri-driver starts WebKitWebDriver for each new session and connects
        // to it at once; on a loaded machine that connection can come too early
        // ("tcp connect error"). Ask again a few times before giving up.
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if attempt < 5 && e.to_string().contains("did not respond") => {
                    eprintln!("WebDriver session attempt {attempt} failed ({e}); trying again");
                    tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
                }
                Err(e) => panic!(
                    "no WebDriver session with the app after {attempt} attempts: {e}\ntauri-driver said:\n{}",
                    driver.log()
                ),
            }
        };
        AppWindow {
            client: Some(client),
            driver,
            home,
            session_started_in: started.elapsed(),
            session_requested_at: started,
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

    /// Waits (up to 10 s) for an element to be present and returns it.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client()
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Waits for an element and clicks it.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        // As a user would: scroll the element to the middle of its scrolling
        // box first. WebDriver scrolls only elements it deems out of view, so
        // a button half-hidden at a dialog's edge would take the click on
        // whatever covers it.
        let reference = serde_json::to_value(&element).expect("element reference");
        let _ = self
            .client()
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![reference.clone()],
            )
            .await;
        // As a user would, wait (up to 10 s) for a disabled control to become
        // enabled: a click on a control disabled while the window is busy
        // does nothing, and a loaded machine stretches those busy moments.
        // A control that stays disabled is still clicked (a test may check
        // that nothing happens).
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let disabled = self
                .client()
                .execute(
                    "return arguments[0].disabled === true;",
                    vec![reference.clone()],
                )
                .await
                .unwrap_or(serde_json::Value::Bool(false));
            if disabled != serde_json::Value::Bool(true) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Polls (up to `limit`) until `script` returns `true`; panics with the last value otherwise.
    pub async fn wait_until(&self, script: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let value = self
                .client()
                .execute(script, vec![])
                .await
                .unwrap_or(serde_json::Value::Null);
            if value == serde_json::Value::Bool(true) {
                return;
            }
            if Instant::now() > deadline {
                panic!("never true within {limit:?}: {script} (last: {value})");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Time from asking for the session to the moment `css` is present and
    /// enabled: the cold start as a user feels it (tauri-driver launches the app).
    pub async fn time_to_interactive(&self, css: &str) -> Duration {
        let script = format!(
            "const e = document.querySelector({}); return !!e && !e.disabled && e.offsetParent !== null",
            serde_json::to_string(css).unwrap_or_default()
        );
        self.wait_until(&script, Duration::from_secs(20)).await;
        self.session_requested_at.elapsed()
    }

    /// Resizes the window (the page's viewport follows; there is no window manager under Xvfb).
    pub async fn resize(&self, width: u32, height: u32) {
        self.client()
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|e| panic!("resize to {width}x{height}: {e}"));
        let script =
            format!("return window.innerWidth === {width} && window.innerHeight === {height}");
        self.wait_until(&script, Duration::from_secs(5)).await;
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
        // Let the page paint what the DOM holds now: WebKit's screenshot is
        // the last painted frame, which lags the DOM on a busy machine.
        let _ = self
            .client()
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)))",
                vec![],
            )
            .await;
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

/// A colour as the page computed it (`rgb(…)`/`rgba(…)`), alpha dropped.
pub type Rgb = [f64; 3];

/// WCAG relative luminance of an sRGB colour (0 black … 1 white).
pub fn luminance(rgb: Rgb) -> f64 {
    let channel = |c: f64| {
        let c = c / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// WCAG contrast ratio between two colours (1 … 21).
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

impl AppWindow {
    /// The computed text colour of the first element matching `css` and the
    /// background it is drawn on: its own, or the nearest ancestor's that is
    /// not transparent (the page's when none is).
    pub async fn colours(&self, css: &str) -> (Rgb, Rgb) {
        self.find(css).await;
        let script = format!(
            "const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number); \
             let e = document.querySelector({}); const fg = parse(getComputedStyle(e).color); \
             let bg = null; \
             for (let n = e; n; n = n.parentElement) {{ \
               const c = parse(getComputedStyle(n).backgroundColor); \
               if (c.length >= 3 && (c.length < 4 || c[3] > 0)) {{ bg = c; break; }} \
             }} \
             return [fg.slice(0, 3), bg ? bg.slice(0, 3) : [255, 255, 255]];",
            serde_json::to_string(css).unwrap_or_default()
        );
        let value = self.eval(&script).await;
        let rgb = |v: &serde_json::Value| -> Rgb {
            let mut out = [0.0; 3];
            for (slot, n) in out.iter_mut().zip(v.as_array().into_iter().flatten()) {
                *slot = n.as_f64().unwrap_or(0.0);
            }
            out
        };
        (rgb(&value[0]), rgb(&value[1]))
    }
}
