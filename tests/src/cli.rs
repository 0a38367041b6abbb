//! Runs the real `nupub` binary as a user would: in a private HOME (config,
//! data and cache folders under it), with a cleared environment plus what
//! the test gives, and stdin fed from a string. The CLI's integration tests
//! pass their `CARGO_BIN_EXE_nupub`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A `nupub` runner bound to one HOME and environment.
#[derive(Debug, Clone)]
pub struct Nupub {
    bin: PathBuf,
    home: PathBuf,
    env: Vec<(String, String)>,
}

impl Nupub {
    /// `bin` is the test's `env!("CARGO_BIN_EXE_nupub")`; `home` becomes HOME and the current folder.
    pub fn new(bin: impl Into<PathBuf>, home: &Path) -> Nupub {
        Nupub {
            bin: bin.into(),
            home: home.to_path_buf(),
            env: Vec::new(),
        }
    }

    /// Adds environment variables (for example a keyring's D-Bus address).
    pub fn envs(mut self, env: &[(String, String)]) -> Nupub {
        self.env.extend(env.iter().cloned());
        self
    }

    /// The configured command, not started (stdin, stdout and stderr piped).
    pub fn command(&self, args: &[&str]) -> Command {
        let home = &self.home;
        let mut command = Command::new(&self.bin);
        command
            .args(args)
            .current_dir(home)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs `nupub ARGS` to the end, writing `stdin` first.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", self.bin.display()));
        if let Some(mut input) = child.stdin.take() {
            // A command that exits without reading stdin closes the pipe: not an error here.
            let _ = input.write_all(stdin.as_bytes());
        }
        child.wait_with_output().expect("wait for nupub")
    }

    /// Runs `nupub ARGS` on a pseudo-terminal, in this runner's HOME and
    /// cleared environment, with `input` typed ahead.
    pub fn run_on_terminal(&self, args: &[&str], input: &str) -> Output {
        crate::terminal::on_terminal(self.command(args), None, input, Duration::from_secs(60))
    }

    /// Runs `nupub ARGS` on a pseudo-terminal, typing `input` once `prompt` shows.
    pub fn answer_on_terminal(&self, args: &[&str], prompt: &str, input: &str) -> Output {
        crate::terminal::on_terminal(
            self.command(args),
            Some(prompt),
            input,
            Duration::from_secs(60),
        )
    }

    /// `nupub push PACKAGE ARGS… --yes`: a push confirmed on the command line.
    pub fn push(&self, package: impl AsRef<Path>, args: &[&str]) -> Output {
        let package = package.as_ref().to_string_lossy();
        let mut all = vec!["push", package.as_ref()];
        all.extend_from_slice(args);
        all.push("--yes");
        self.run(&all, "")
    }

    /// `nupub key set --source SOURCE ARGS…` with `key` typed on stdin; panics
    /// with everything printed unless it succeeds.
    pub fn set_key(&self, source: &str, key: &str, args: &[&str]) -> Output {
        let mut all = vec!["key", "set", "--source", source];
        all.extend_from_slice(args);
        let out = self.run(&all, &format!("{key}\n"));
        assert_exit(&out, 0);
        out
    }

    /// Starts `nupub ARGS` (stdin closed) and collects its stderr as it comes,
    /// so a test can act in the middle of a run (for example press Ctrl-C).
    pub fn start(&self, args: &[&str]) -> Running {
        let mut child = self
            .command(args)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", self.bin.display()));
        drop(child.stdin.take());
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let pipe = child.stderr.take().expect("stderr is piped");
        let reader = std::thread::spawn(move || {
            let mut lines = BufReader::new(pipe);
            let mut line = String::new();
            while matches!(lines.read_line(&mut line), Ok(n) if n > 0) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Running {
            child,
            stderr,
            reader: Some(reader),
        }
    }
}

/// A `nupub` run in progress (see [`Nupub::start`]).
pub struct Running {
    child: Child,
    stderr: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

/// How a [`Running`] ended.
#[derive(Debug)]
pub struct Finished {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr contains `text`; panics with what it printed after `limit`.
    pub fn wait_for_stderr(&mut self, text: &str, limit: Duration) {
        let start = Instant::now();
        while !self.stderr().contains(text) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "nupub ended ({status}) before printing {text:?}:\n{}",
                    self.stderr()
                );
            }
            assert!(
                start.elapsed() < limit,
                "nupub did not print {text:?} within {limit:?}:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGINT, as Ctrl-C on a terminal does.
    pub fn interrupt(&self) {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).expect("pid"));
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("send SIGINT");
    }

    /// Waits for the end (killing it after `limit`) and returns what it printed.
    pub fn finish(mut self, limit: Duration) -> Finished {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for nupub") {
                break status;
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "nupub did not end within {limit:?}; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let mut stdout = String::new();
        if let Some(mut pipe) = self.child.stdout.take() {
            let _ = pipe.read_to_string(&mut stdout);
        }
        Finished {
            code: status.code(),
            stdout,
            stderr: self.stderr(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Stdout then stderr, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asserts `nupub`'s exit code, showing everything it printed when it differs.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "{}", text(out));
}
