//! axe-core (the npm package in `tests/peers`, pinned by its lock file) run
//! inside the real window: its minified source is injected through WebDriver
//! and `axe.run` checks the page as it is on screen, then the keyboard helpers
//! the accessibility tests share (WebDriver key actions, as a keyboard sends them).

use crate::paths::{peers_dir, require};
use crate::window::AppWindow;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use std::time::{Duration, Instant};

/// One violation as axe reports it, with the first few elements it names.
#[derive(Debug, Clone)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub nodes: Vec<String>,
}

fn axe_source() -> String {
    let path = require(
        peers_dir().join("node_modules/axe-core/axe.min.js"),
        "axe-core (npm package in tests/peers: npm ci there)",
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

impl AppWindow {
    /// Runs axe-core on the whole page; answers the serious and critical violations.
    pub async fn axe_serious(&self) -> Vec<Violation> {
        let loaded = self
            .eval("return typeof window.axe === 'object' && typeof window.axe.run === 'function'")
            .await;
        if loaded != serde_json::Value::Bool(true) {
            let script = format!("{}\n;window.axe = axe; return true;", axe_source());
            self.client()
                .execute(&script, vec![])
                .await
                .unwrap_or_else(|e| panic!("injecting axe-core failed: {e}"));
        }
        let report = self
            .client()
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 window.axe.run(document, { resultTypes: ['violations'] }).then( \
                   (r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ \
                     id: v.id, impact: v.impact, help: v.help, \
                     nodes: v.nodes.slice(0, 6).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ')) }))), \
                   (e) => done({ error: String(e) }));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("axe.run failed: {e}"));
        if let Some(error) = report.get("error") {
            panic!("axe.run failed in the page: {error}");
        }
        report
            .as_array()
            .expect("axe answers a list")
            .iter()
            .map(|v| Violation {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                impact: v["impact"].as_str().unwrap_or_default().to_string(),
                help: v["help"].as_str().unwrap_or_default().to_string(),
                nodes: v["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect(),
            })
            .collect()
    }

    /// Presses one key (with Shift when `shift`) as a keyboard does: to whatever has the focus.
    pub async fn press(&self, key: Key, shift: bool) {
        let mut actions = KeyActions::new("keyboard".to_string());
        if shift {
            actions = actions.then(KeyAction::Down {
                value: Key::Shift.into(),
            });
        }
        actions = actions
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
        if shift {
            actions = actions.then(KeyAction::Up {
                value: Key::Shift.into(),
            });
        }
        self.client()
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("pressing {key:?}: {e}"));
        let _ = self.client().release_actions().await;
    }

    /// Types text with the keyboard into whatever has the focus.
    pub async fn type_text(&self, text: &str) {
        let mut actions = KeyActions::new("keyboard".to_string());
        for c in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client()
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("typing: {e}"));
    }

    /// True when the focused element matches `css`.
    pub async fn focus_is(&self, css: &str) -> bool {
        let script = format!(
            "const a = document.activeElement; return !!a && a.matches({})",
            serde_json::to_string(css).unwrap_or_default()
        );
        self.eval(&script).await == serde_json::Value::Bool(true)
    }

    /// Presses Tab (up to `limit` times) until the focus is on `css`; panics
    /// with the path the focus took otherwise.
    pub async fn tab_to(&self, css: &str, limit: usize) {
        let mut path = Vec::new();
        for _ in 0..limit {
            if self.focus_is(css).await {
                return;
            }
            path.push(self.focused().await);
            self.press(Key::Tab, false).await;
        }
        if !self.focus_is(css).await {
            panic!("Tab never reached {css}; the focus went: {path:#?}");
        }
    }

    /// A short description of the focused element (tag, id, test id, text).
    pub async fn focused(&self) -> String {
        self.eval(
            "const a = document.activeElement; if (!a) return 'nothing'; \
             return `${a.tagName.toLowerCase()}#${a.id}[${a.dataset.testid || ''}] ${(a.textContent || '').trim().slice(0, 40)}`",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Waits (up to 10 s) until the focus is on `css`; panics naming where it is.
    pub async fn wait_for_focus(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.focus_is(css).await {
            if Instant::now() > deadline {
                panic!(
                    "the focus never reached {css}; it is on {}",
                    self.focused().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
