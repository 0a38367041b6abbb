//! What the app was started with, files handed to it later (a drop, a second
//! launch), and how a second launch reaches the first window.

use crate::publish_commands::PublishTask;
use nupub_package::OpenRequest;
use serde::Serialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use tauri::{Emitter, Manager};
use ts_rs::TS;

/// Arguments given on the command line (or by the OS through a file association).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchArgs {
    /// The files given, in order: every argument that is not an option.
    pub paths: Vec<PathBuf>,
    /// The folder relative paths are taken from.
    pub cwd: PathBuf,
}

/// The event a second launch's files reach the window with (payload: `FilesArrived`).
pub const OPEN_FILES_EVENT: &str = "nupub://open-files";

impl LaunchArgs {
    /// Reads the arguments after the program name. Options (`-x`, `--x`) are
    /// skipped, since platforms and test drivers may add their own; `--` ends them.
    pub fn parse<I: IntoIterator<Item = OsString>>(args: I, cwd: PathBuf) -> Self {
        let mut options_done = false;
        let mut paths = Vec::new();
        for arg in args {
            if !options_done {
                if arg == "--" {
                    options_done = true;
                    continue;
                }
                if arg.to_string_lossy().starts_with('-') {
                    continue;
                }
            }
            if !arg.is_empty() {
                paths.push(PathBuf::from(arg));
            }
        }
        Self { paths, cwd }
    }

    /// The arguments of this process.
    pub fn from_env() -> Self {
        Self::parse(
            std::env::args_os().skip(1),
            std::env::current_dir().unwrap_or_default(),
        )
    }

    /// The plan for the files given.
    pub fn request(&self) -> nupub_package::OpenRequest {
        nupub_package::OpenRequest::plan(self.paths.iter().cloned(), &self.cwd)
    }
}

/// The D-Bus name (before `.SingleInstance`) that makes one window per data
/// folder: a second launch by the same user hands its files to the running
/// window, while a run with another data folder (a test, another profile) is
/// its own app and must not be captured by it.
pub fn instance_id(identifier: &str, data_dir: Option<&Path>) -> String {
    match data_dir {
        // FNV-1a 64: stable across builds and Rust versions (std's hasher is not promised to be).
        Some(dir) => {
            let hash = dir
                .as_os_str()
                .as_encoded_bytes()
                .iter()
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                    (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
                });
            format!("{identifier}.d{hash:016x}")
        }
        None => identifier.to_string(),
    }
}

/// Files handed to the window: what to open, and whether a publish is
/// running (then the window asks first and never interrupts it).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FilesArrived {
    pub request: OpenRequest,
    pub publishing: bool,
}

fn arrived(request: OpenRequest, task: &PublishTask) -> FilesArrived {
    FilesArrived {
        request,
        publishing: task.is_running(),
    }
}

/// The files the app was started with (`nupub-app FILE…`, the desktop entry's `%F`).
#[tauri::command]
pub fn launch_files(
    launch: tauri::State<'_, LaunchArgs>,
    task: tauri::State<'_, PublishTask>,
) -> FilesArrived {
    arrived(launch.request(), &task)
}

/// Files dropped on the window (absolute paths from the drop).
#[tauri::command]
pub fn plan_open(paths: Vec<String>, task: tauri::State<'_, PublishTask>) -> FilesArrived {
    arrived(OpenRequest::plan(paths, Path::new("/")), &task)
}

/// A second launch (`argv` with the program first, its working folder): the
/// window comes forward and gets the files as an [`OPEN_FILES_EVENT`].
pub fn second_launch<R: tauri::Runtime>(app: &tauri::AppHandle<R>, argv: Vec<String>, cwd: String) {
    let launch = LaunchArgs::parse(argv.into_iter().skip(1).map(OsString::from), cwd.into());
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if !launch.paths.is_empty() {
        let files = arrived(launch.request(), &app.state::<PublishTask>());
        let _ = app.emit_to("main", OPEN_FILES_EVENT, files);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> LaunchArgs {
        LaunchArgs::parse(args.iter().map(OsString::from), PathBuf::from("/work"))
    }

    #[test]
    fn every_plain_argument_is_kept_in_order() {
        assert_eq!(
            parse(&["/tmp/a.nupkg", "b.nupkg", "/tmp/c"]).paths,
            ["/tmp/a.nupkg", "b.nupkg", "/tmp/c"].map(PathBuf::from)
        );
    }

    #[test]
    fn options_are_skipped_until_double_dash() {
        assert_eq!(
            parse(&["--flag", "x.nupkg"]).paths,
            vec![PathBuf::from("x.nupkg")]
        );
        assert_eq!(
            parse(&["--", "-odd-name.nupkg"]).paths,
            vec![PathBuf::from("-odd-name.nupkg")]
        );
    }

    #[test]
    fn nothing_given() {
        assert!(parse(&[]).paths.is_empty());
        assert!(parse(&["", "--x"]).paths.is_empty());
        assert_eq!(parse(&[]).request().open, None);
    }

    #[test]
    fn relative_paths_come_from_the_launching_folder() {
        assert_eq!(
            parse(&["x.nupkg"]).request().open.as_deref(),
            Some("/work/x.nupkg")
        );
    }

    #[test]
    fn one_instance_per_data_folder() {
        let a = instance_id(
            "org.nupub.desktop",
            Some(Path::new("/home/ann/.local/share/nupub")),
        );
        let b = instance_id("org.nupub.desktop", Some(Path::new("/tmp/t1/data/nupub")));
        assert_ne!(a, b);
        assert_eq!(
            a,
            instance_id(
                "org.nupub.desktop",
                Some(Path::new("/home/ann/.local/share/nupub"))
            )
        );
        // A valid D-Bus name element: no element starts with a digit.
        assert!(
            a.starts_with("org.nupub.desktop.d") && a.len() == "org.nupub.desktop.d".len() + 16
        );
        assert_eq!(instance_id("org.nupub.desktop", None), "org.nupub.desktop");
    }
}
