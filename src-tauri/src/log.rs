//! The app's log file and the `open_log` command.
//!
//! Events from the core crates (requests without secrets, refused
//! redirects, errors at the entry points) go to `nupub.log` in the app's
//! state folder ([`log_dir`]). It is bounded: rotated once it passes
//! [`MAX_FILE_BYTES`], with at most [`KEPT_FILES`] older files kept
//! (file-rotate), written off the UI thread through a bounded queue that
//! drops events rather than grow (tracing-appender's non-blocking writer).
//! `NUPUB_LOG` sets the filter (default: info); the HTTP crates underneath
//! are capped at info whatever it says (`nupub_feeds::LOG_CAPS`).

use crate::error::AppError;
use crate::state::Browser;
use nupub_error::{Coded, ErrorInfo};
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

/// The current log file's name.
pub const FILE_NAME: &str = "nupub.log";
/// A log file is rotated once it passes this size.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// Rotated files kept besides the current one (older ones are deleted).
pub const KEPT_FILES: usize = 4;

/// Where the log files go: `$XDG_STATE_HOME/nupub/logs` on Linux
/// (`~/.local/state/nupub/logs`), the local data folder's `logs` elsewhere.
pub fn log_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("org", "Nupub", "Nupub")?;
    let base = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf();
    Some(base.join("logs"))
}

/// Keeps the background writer running; dropping it flushes the log.
pub struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);

/// Starts writing the log file. `None` (and a line on stderr) when the
/// folder cannot be made: the app runs without a log rather than not at all.
pub fn init() -> Option<LogGuard> {
    let dir = log_dir()?;
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("Nupub keeps no log: {} cannot be made ({e})", dir.display());
        return None;
    }
    let file = file_rotate::FileRotate::new(
        dir.join(FILE_NAME),
        file_rotate::suffix::AppendCount::new(KEPT_FILES),
        file_rotate::ContentLimit::BytesSurpassed(MAX_FILE_BYTES),
        file_rotate::compression::Compression::None,
        None,
    );
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .finish(file);
    let filter = std::env::var("NUPUB_LOG")
        .ok()
        .and_then(|spec| EnvFilter::try_new(spec.trim()).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let filter = nupub_feeds::LOG_CAPS
        .iter()
        .filter_map(|cap| cap.parse().ok())
        .fold(filter, |filter, cap| filter.add_directive(cap));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Nupub started");
    Some(LogGuard(guard))
}

/// Opens the current log file with the system's viewer for it.
#[tauri::command]
pub fn open_log(browser: tauri::State<'_, Browser>) -> Result<(), ErrorInfo> {
    let unavailable = |detail: String| AppError::LogUnavailable { detail }.info();
    let dir = log_dir().ok_or_else(|| unavailable("this system has no folder for it".into()))?;
    let file = dir.join(FILE_NAME);
    if !file.is_file() {
        return Err(unavailable(format!(
            "{} does not exist yet",
            file.display()
        )));
    }
    let url = url::Url::from_file_path(&file)
        .map_err(|_| unavailable(format!("{} is not a local file", file.display())))?;
    (browser.0)(url.as_str()).map_err(unavailable)
}
