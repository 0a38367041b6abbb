//! Peer processes: each runs in its own process group, and dropping the
//! handle stops the whole group (SIGTERM, then SIGKILL), so nothing is left behind.

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
pub use nupub_fixtures::process::run_with_timeout;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (the OS picks it; parallel tests cannot collide
/// unless another program grabs it in the instant between).
/// How long a peer may take to start. Readiness is polled, so this is only
/// reached when a peer never comes up; it is generous because a loaded 2-core
/// machine (several test binaries starting Node and Python peers at once)
/// has been seen to take over 30 s to start oidc-provider.
pub const PEER_START_LIMIT: Duration = Duration::from_secs(120);

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0 for a free port")
}

/// A running peer. Its output goes to a log file that is printed when it fails to start.
pub struct PeerProcess {
    name: String,
    child: Child,
    log: std::path::PathBuf,
    _log_dir: tempfile::TempDir,
}

impl PeerProcess {
    /// Starts `command` in a new process group, with stdout and stderr captured to a log.
    pub fn spawn(name: &str, command: Command) -> PeerProcess {
        Self::spawn_inner(name, command, None)
    }

    /// Like [`PeerProcess::spawn`], writing `input` to the peer's stdin and then closing it.
    pub fn spawn_with_input(name: &str, command: Command, input: &[u8]) -> PeerProcess {
        Self::spawn_inner(name, command, Some(input))
    }

    fn spawn_inner(name: &str, mut command: Command, input: Option<&[u8]>) -> PeerProcess {
        let log_dir = tempfile::tempdir().expect("temp dir for a peer log");
        let log = log_dir.path().join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("create peer log");
        let err = out.try_clone().expect("clone peer log handle");
        command
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name} ({command:?}): {e}"));
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            use std::io::Write;
            stdin
                .write_all(input)
                .unwrap_or_else(|e| panic!("could not write to {name}'s stdin: {e}"));
        }
        PeerProcess {
            name: name.to_string(),
            child,
            log,
            _log_dir: log_dir,
        }
    }

    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid fits in i32")
    }

    /// The process group: the peer and everything it started.
    pub fn pgid(&self) -> i32 {
        self.pid()
    }

    /// The file the peer's output goes to.
    pub fn log_path(&self) -> &std::path::Path {
        &self.log
    }

    /// What the peer printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until `ready` returns true; panics with the peer's log after `timeout`
    /// or as soon as the peer exits.
    pub fn wait_until(&mut self, timeout: Duration, ready: impl FnMut() -> bool) {
        if let Err(why) = self.try_wait_until(timeout, ready) {
            panic!("{why}");
        }
    }

    /// [`PeerProcess::wait_until`] that says why instead of panicking.
    pub fn try_wait_until(
        &mut self,
        timeout: Duration,
        mut ready: impl FnMut() -> bool,
    ) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if ready() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}) before it was ready. Its output:\n{}",
                    self.name,
                    self.log()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} was not ready after {timeout:?}. Its output:\n{}",
                    self.name,
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the peer accepts TCP connections on 127.0.0.1:`port`.
    pub fn wait_for_port(&mut self, port: u16, timeout: Duration) {
        self.wait_until(timeout, || {
            TcpStream::connect_timeout(
                &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
                Duration::from_millis(200),
            )
            .is_ok()
        });
    }

    /// Stops the whole process group and reaps the peer.
    pub fn stop(&mut self) {
        let group = Pid::from_raw(self.pgid());
        if self.child.try_wait().ok().flatten().is_none() || !live_members(self.pgid()).is_empty() {
            let _ = killpg(group, Signal::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline && !live_members(self.pgid()).is_empty() {
                let _ = self.child.try_wait();
                std::thread::sleep(Duration::from_millis(20));
            }
            if !live_members(self.pgid()).is_empty() {
                let _ = killpg(group, Signal::SIGKILL);
            }
        }
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline && !live_members(self.pgid()).is_empty() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for PeerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The live (not zombie) processes in a process group, read from /proc.
pub fn live_members(pgid: i32) -> Vec<i32> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // Format: pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
        let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let fields: Vec<&str> = after.split_whitespace().collect();
        if fields.len() > 2 && fields[2] == pgid.to_string() && fields[0] != "Z" && fields[0] != "X"
        {
            found.push(pid);
        }
    }
    found
}
