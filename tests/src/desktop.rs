//! The desktop around the app: the built .deb unpacked into a temporary root
//! (never installed into the machine), the freedesktop tools that read it,
//! X windows found with xdotool, and a real drag source (`peers/drag_source.py`).

use crate::paths::{artifacts_dir, peers_dir, repo_root, require};
use crate::process::run_with_timeout;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The .deb `bash scripts/package --debug` made (`NUPUB_DEB` overrides).
pub fn deb_path() -> PathBuf {
    let path = std::env::var_os("NUPUB_DEB")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| repo_root().join("target"))
                .join(format!(
                    "package/debug/bundle/deb/Nupub_{}_amd64.deb",
                    env!("CARGO_PKG_VERSION")
                ))
        });
    if !path.is_file() {
        panic!(
            "the .deb is missing: expected {}. Build it with `bash scripts/package --debug` \
             after `cargo test --workspace --no-run` (bash scripts/test does both).",
            path.display()
        );
    }
    path
}

/// Runs a command (up to `secs`), echoes it and its output to the test log, and returns the output.
pub fn run(command: Command, secs: u64) -> Output {
    let shown = format!("{command:?}");
    let out = run_with_timeout(command, Duration::from_secs(secs));
    eprintln!(
        "$ {shown}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A command from its program and arguments.
pub fn cmd<S: AsRef<std::ffi::OsStr>>(program: &str, args: &[S]) -> Command {
    let mut c = Command::new(program);
    c.args(args);
    c
}

/// An X server of the test's own (Xvfb on a free display, 1280x1024), so
/// windows of tests running at the same time never cover each other.
pub struct PrivateDisplay {
    child: std::process::Child,
    /// `:N`
    pub name: String,
}

impl PrivateDisplay {
    pub fn start() -> PrivateDisplay {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start Xvfb (package xvfb)");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("Xvfb stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("Xvfb display number");
        let number = line.trim();
        assert!(!number.is_empty(), "Xvfb gave no display number");
        PrivateDisplay {
            child,
            name: format!(":{number}"),
        }
    }

    /// A command on this display.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("DISPLAY", &self.name);
        c
    }

    /// Visible X windows whose title contains `name` (xdotool).
    pub fn windows_named(&self, name: &str) -> Vec<String> {
        let mut c = self.command("xdotool");
        c.args(["search", "--onlyvisible", "--name", name]);
        String::from_utf8_lossy(&run(c, 10).stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// A window's title (xdotool).
    pub fn window_title(&self, id: &str) -> String {
        let mut c = self.command("xdotool");
        c.args(["getwindowname", id]);
        String::from_utf8_lossy(&run(c, 10).stdout)
            .trim()
            .to_string()
    }

    /// Polls (up to `limit`) until exactly one visible window's title contains
    /// `needle`, and returns its id; panics with the titles seen otherwise.
    pub fn wait_for_window(&self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let found = self.windows_named(needle);
            if found.len() == 1 {
                return found[0].clone();
            }
            if Instant::now() > deadline {
                let all: Vec<String> = self
                    .windows_named("Nupub")
                    .iter()
                    .map(|w| self.window_title(w))
                    .collect();
                panic!(
                    "no single window titled {needle:?} within {limit:?}; Nupub windows: {all:?}"
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Saves a PNG of the whole screen to the test artifacts and returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let path = artifacts_dir().join(format!("{name}.png"));
        let mut shot = self.command(python_gi());
        shot.arg(peers_dir().join("drag_source.py"))
            .arg("screenshot")
            .arg(&path);
        assert!(run(shot, 30).status.success(), "screenshot failed");
        path
    }
}

impl Drop for PrivateDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The .deb unpacked with `dpkg-deb -x`, plus an empty HOME and XDG folders.
pub struct Unpacked {
    pub dir: tempfile::TempDir,
    /// The X display its programs use (`DISPLAY` when none was given).
    pub display: Option<String>,
}

impl Unpacked {
    pub fn new() -> Unpacked {
        let dir = tempfile::tempdir().expect("temp root");
        let root = dir.path().join("root");
        let mut extract = Command::new("dpkg-deb");
        extract.arg("-x").arg(deb_path()).arg(&root);
        let out = run(extract, 120);
        assert!(out.status.success(), "dpkg-deb -x failed");
        for sub in ["home", "home/data", "home/config", "home/cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("temp HOME");
        }
        Unpacked { dir, display: None }
    }

    /// `<root>/usr/...`
    pub fn usr(&self, rel: &str) -> PathBuf {
        self.dir.path().join("root/usr").join(rel)
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A command that sees the unpacked package as installed: its programs on
    /// PATH, its share/ first in XDG_DATA_DIRS, and a fresh HOME.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        let path = std::env::var("PATH").unwrap_or_default();
        c.env("PATH", format!("{}:{path}", self.usr("bin").display()))
            .env(
                "XDG_DATA_DIRS",
                format!("{}:/usr/share", self.usr("share").display()),
            )
            .env("HOME", self.home())
            .env("XDG_DATA_HOME", self.home().join("data"))
            .env("XDG_CONFIG_HOME", self.home().join("config"))
            .env("XDG_CACHE_HOME", self.home().join("cache"))
            .env("XDG_CURRENT_DESKTOP", "GNOME")
            .env("NO_AT_BRIDGE", "1");
        if let Some(display) = &self.display {
            c.env("DISPLAY", display);
        }
        c
    }

    /// Process ids running the unpacked app (read from /proc: the desktop
    /// launcher detaches them, so they are not this test's children).
    pub fn app_pids(&self) -> Vec<i32> {
        let exe = self.usr("bin/nupub-app");
        let mut pids = Vec::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            if std::fs::read_link(entry.path().join("exe")).ok().as_deref() == Some(exe.as_path()) {
                pids.push(pid);
            }
        }
        pids
    }

    /// Stops the app processes this test started through the launcher.
    pub fn stop_apps(&self) {
        for pid in self.app_pids() {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
    }
}

impl Default for Unpacked {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        self.stop_apps();
    }
}

/// Debian's Python, where python3-gi lives (not a pyenv or venv one).
pub fn python_gi() -> PathBuf {
    require(
        PathBuf::from("/usr/bin/python3"),
        "Debian's python3 with python3-gi",
    )
}

/// `file://` URI of a path (percent-encoding the bytes a URI cannot hold).
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(b) {
            uri.push(*b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}
