//! Opening the sign-in page in the user's browser.
//!
//! The `BROWSER` environment variable is honoured first (the Unix convention:
//! a `:`-separated list of commands, `%s` standing for the URL, otherwise the
//! URL is appended). The `open` crate does not read `BROWSER`, so that part is
//! done here; everything else goes to the OS opener through `open`.

use crate::error::AccountError;
use std::process::{Command, Stdio};

/// How to show the sign-in page.
#[derive(Debug, Clone)]
pub enum Browser {
    /// `BROWSER` if set, otherwise the OS opener.
    System,
    /// A given command line (program and arguments); the URL is appended.
    Command(Vec<String>),
}

impl Browser {
    pub fn open(&self, url: &str) -> Result<(), AccountError> {
        match self {
            Browser::Command(argv) => spawn(argv, url),
            Browser::System => {
                if let Some(list) = std::env::var("BROWSER")
                    .ok()
                    .filter(|b| !b.trim().is_empty())
                {
                    return open_with_browser_var(&list, url);
                }
                if cfg!(all(unix, not(target_os = "macos")))
                    && std::env::var_os("DISPLAY").is_none()
                    && std::env::var_os("WAYLAND_DISPLAY").is_none()
                {
                    return Err(AccountError::BrowserUnavailable {
                        detail: "this session has no display (for example over SSH)".into(),
                    });
                }
                open::that_detached(url).map_err(|e| AccountError::BrowserUnavailable {
                    detail: e.to_string(),
                })
            }
        }
    }
}

fn open_with_browser_var(list: &str, url: &str) -> Result<(), AccountError> {
    let mut last = None;
    for entry in list.split(':').filter(|e| !e.trim().is_empty()) {
        let mut argv: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
        if argv.iter().any(|a| a.contains("%s")) {
            argv = argv.into_iter().map(|a| a.replace("%s", url)).collect();
            match spawn_exact(&argv) {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
        } else {
            match spawn(&argv, url) {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
        }
    }
    Err(last.unwrap_or_else(|| AccountError::BrowserUnavailable {
        detail: "BROWSER names no command".into(),
    }))
}

fn spawn(argv: &[String], url: &str) -> Result<(), AccountError> {
    let mut full = argv.to_vec();
    full.push(url.to_string());
    spawn_exact(&full)
}

/// Starts the browser without waiting for it; a thread reaps it when it exits.
fn spawn_exact(argv: &[String]) -> Result<(), AccountError> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| AccountError::BrowserUnavailable {
            detail: "the browser command is empty".into(),
        })?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| AccountError::BrowserUnavailable {
            detail: format!("{program} could not be started ({e})"),
        })?;
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_command_is_browser_unavailable() {
        let error = Browser::Command(vec!["/nonexistent/nupub-browser".into()])
            .open("http://127.0.0.1:1/")
            .unwrap_err();
        assert!(
            matches!(error, AccountError::BrowserUnavailable { .. }),
            "{error:?}"
        );
        let error =
            open_with_browser_var("/nonexistent/a:/nonexistent/b %s", "http://x/").unwrap_err();
        assert!(error.to_string().contains("/nonexistent/b"), "{error}");
        assert!(open_with_browser_var(" : ", "http://x/").is_err());
    }

    #[test]
    fn browser_var_substitutes_the_url() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("seen");
        let script = dir.path().join("browser.sh");
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho \"$1 $2\" > {}\n", out.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let list = format!("/nonexistent/first:{} --new-tab %s", script.display());
        open_with_browser_var(&list, "http://127.0.0.1:5/cb?a=1").unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::fs::read_to_string(&out).unwrap_or_default().is_empty()
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(
            std::fs::read_to_string(&out).unwrap().trim(),
            "--new-tab http://127.0.0.1:5/cb?a=1"
        );
    }
}
