//! What the app keeps between commands.

use nupub_error::ErrorInfo;
use nupub_package::{Inspection, IntegrityReport, Package};
use nupub_rules::PackageFacts;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A package the window has opened, with its inspection. The CRC check and
/// the facts the rules need are computed once, on first use, and shared:
/// commands asking for them at the same time wait for the one computation.
#[derive(Clone)]
pub struct Opened {
    pub package: Arc<Package>,
    pub inspection: Arc<Inspection>,
    pub integrity: Arc<OnceLock<Result<IntegrityReport, ErrorInfo>>>,
    pub facts: Arc<OnceLock<PackageFacts>>,
}

impl Opened {
    pub fn new(package: Package) -> Opened {
        let inspection = package.inspect();
        Opened {
            package: Arc::new(package),
            inspection: Arc::new(inspection),
            integrity: Arc::new(OnceLock::new()),
            facts: Arc::new(OnceLock::new()),
        }
    }

    /// Streams every entry through its CRC check (once).
    pub fn integrity(&self) -> &Result<IntegrityReport, ErrorInfo> {
        use nupub_error::Coded;
        self.integrity
            .get_or_init(|| self.package.verify_integrity().map_err(|e| e.info()))
    }

    /// What the rules need from the package (once), with the CRC check's result.
    pub fn facts(&self) -> &PackageFacts {
        self.facts.get_or_init(|| {
            let mut facts = PackageFacts::gather(&self.package, false);
            match self.integrity() {
                Ok(report) => facts.integrity = Some(report.clone()),
                Err(error) => facts.integrity_error = Some(error.message.clone()),
            }
            facts
        })
    }
}

/// Packages opened in this session, keyed by the path the window gave.
/// Only the last few are kept; a command for a package not kept opens it again.
#[derive(Clone, Default)]
pub struct OpenPackages(Arc<Mutex<HashMap<String, Opened>>>);

const KEEP: usize = 8;

impl OpenPackages {
    pub fn get(&self, path: &str) -> Option<Opened> {
        self.0.lock().ok()?.get(path).cloned()
    }

    pub fn insert(&self, path: String, opened: Opened) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= KEEP && !map.contains_key(&path) {
                if let Some(key) = map.keys().next().cloned() {
                    map.remove(&key);
                }
            }
            map.insert(path, opened);
        }
    }
}

/// Opens a URL in the system browser. Tests put a recorder here.
pub type OpenUrl = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// The browser links go to.
#[derive(Clone)]
pub struct Browser(pub OpenUrl);

impl Browser {
    /// `BROWSER` when set (as the sign-in does), else the system's default
    /// browser: one rule for every page Nupub opens (`nupub_accounts::Browser`).
    pub fn system() -> Browser {
        Browser(Arc::new(|url: &str| {
            nupub_accounts::Browser::System
                .open(url)
                .map_err(|e| e.to_string())
        }))
    }
}

/// The open under way: a new open, or the window's Cancel, stops the last one.
#[derive(Clone, Default)]
pub struct OpenTask(Arc<Mutex<Option<Arc<AtomicBool>>>>);

impl OpenTask {
    /// Starts an open: the one before it (if still running) is told to stop.
    pub fn begin(&self) -> Arc<AtomicBool> {
        let token = Arc::new(AtomicBool::new(false));
        if let Ok(mut current) = self.0.lock() {
            if let Some(previous) = current.replace(Arc::clone(&token)) {
                previous.store(true, Ordering::SeqCst);
            }
        }
        token
    }

    /// Stops the open under way, if any.
    pub fn cancel(&self) {
        if let Ok(current) = self.0.lock() {
            if let Some(token) = current.as_ref() {
                token.store(true, Ordering::SeqCst);
            }
        }
    }
}
