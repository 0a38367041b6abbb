//! Runs a command on a pseudo-terminal, as a user at a terminal would: the
//! child's stdin, stdout and stderr are the terminal; the test types its
//! answer when a prompt appears (no fixed sleeps), or at once (typed ahead),
//! and reads everything the child printed until it exits.
#![allow(clippy::unwrap_used)]

use nix::pty::openpty;
use std::fs::File;
use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Starts `command` on a new pseudo-terminal, waits until it has shown `prompt`
/// (`None`: does not wait), types `input`, and waits (at most `timeout` in all)
/// for it to exit. Everything shown on the terminal (output and echoed input,
/// with `\r\n` as `\n`) is the `stdout` of the answer; `stderr` is empty (a
/// terminal has one screen). Panics with what was shown when the prompt or the
/// exit does not come.
pub fn on_terminal(
    mut command: Command,
    prompt: Option<&str>,
    input: &str,
    timeout: Duration,
) -> Output {
    // A terminal window of the usual size (a pty starts at 0×0, which no
    // user's terminal is, and where progress bars have no room to draw).
    let size = nix::pty::Winsize {
        ws_row: 24,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = openpty(Some(&size), None).unwrap();
    // And a terminal type, as every terminal emulator sets one.
    command.env("TERM", "xterm-256color");
    let slave = File::from(pty.slave);
    let mut child = command
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .unwrap();
    // `command` still holds the slave ends: drop them so the master sees the end
    // when the child exits.
    drop(command);
    let mut master = File::from(pty.master);
    let mut reader = master.try_clone().unwrap();
    let (sender, chunks) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        // Linux answers EIO on the master once every slave end is closed.
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + timeout;
    let mut shown = Vec::new();
    let mut typed = false;
    loop {
        if !typed && prompt.is_none_or(|p| String::from_utf8_lossy(&shown).contains(p)) {
            master.write_all(input.as_bytes()).unwrap();
            typed = true;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match chunks.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(chunk) => shown.extend_from_slice(&chunk),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if Instant::now() >= deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "{}: the terminal showed:\n{}",
                        if typed {
                            "no exit in time"
                        } else {
                            "no prompt in time"
                        },
                        String::from_utf8_lossy(&shown)
                    );
                }
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(
        typed,
        "exited before the prompt {prompt:?}:\n{}",
        String::from_utf8_lossy(&shown)
    );
    Output {
        status,
        stdout: String::from_utf8_lossy(&shown)
            .replace("\r\n", "\n")
            .into_bytes(),
        stderr: Vec::new(),
    }
}
