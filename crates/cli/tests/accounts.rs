//! `nupub account` and `nupub key` as a user runs them, each in its own HOME,
//! against a real gnome-keyring on a private bus and the real oidc-provider.
#![allow(clippy::unwrap_used)]

use nupub_testkit::oidc::{browser_script, OidcProvider, CLIENT_ID};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::paths::peers_dir;
use nupub_testkit::process::PeerProcess;
use nupub_testkit::pynuget::PyNuGet;
use nupub_testkit::secret_service::SecretService;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Runs `nupub ARGS` with a private HOME, the given environment and stdin.
fn nupub(home: &Path, env: &[(String, String)], args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nupub"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A D-Bus session bus with nothing on it: no Secret Service.
fn bare_bus() -> (PeerProcess, String) {
    let mut command = Command::new("dbus-daemon");
    command
        .arg(format!(
            "--config-file={}",
            peers_dir().join("dbus-session.conf").display()
        ))
        .args(["--nofork", "--nopidfile", "--print-address=1"]);
    let mut bus = PeerProcess::spawn("bare-dbus", command);
    let log = bus.log_path().to_path_buf();
    let address = |text: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with("unix:"))
            .map(str::to_string)
    };
    bus.wait_until(Duration::from_secs(10), || {
        address(&std::fs::read_to_string(&log).unwrap_or_default()).is_some()
    });
    let found = address(&bus.log()).unwrap();
    (bus, found)
}

fn files_under(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, found);
        } else {
            found.push(path);
        }
    }
}

#[test]
fn without_a_secret_service_keys_are_refused_and_nothing_is_written() {
    let (_bus, address) = bare_bus();
    let home = tempfile::tempdir().unwrap();
    let env = vec![("DBUS_SESSION_BUS_ADDRESS".to_string(), address)];
    let out = nupub(
        home.path(),
        &env,
        &["key", "set", "--source", "nuget.org"],
        "oy2-never-on-disk-1234\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("[account.no_secret_store]"), "{said}");
    assert!(said.contains("gnome-keyring"), "{said}");
    assert!(
        said.contains("never keeps secrets in plain files"),
        "{said}"
    );
    assert!(!said.contains("oy2-never-on-disk"), "{said}");
    let mut files = Vec::new();
    files_under(home.path(), &mut files);
    assert!(files.is_empty(), "files were written: {files:?}");

    let out = nupub(home.path(), &env, &["account", "status"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("[account.no_secret_store]"));
}

#[test]
fn login_without_a_client_id_is_an_actionable_error() {
    let service = SecretService::start();
    let home = tempfile::tempdir().unwrap();
    let env = vec![(
        "DBUS_SESSION_BUS_ADDRESS".to_string(),
        service.bus_address().to_string(),
    )];
    let out = nupub(home.path(), &env, &["account", "login"], "");
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out);
    assert!(said.contains("[account.no_client_id]"), "{said}");
    assert!(said.contains("NUPUB_CLIENT_ID"), "{said}");
    assert!(said.contains("README.md"), "{said}");
}

#[test]
fn full_login_key_save_and_push_leave_no_secret_in_any_file_or_output() {
    let service = SecretService::start();
    let provider = OidcProvider::start();
    let home = tempfile::tempdir().unwrap();
    let env = vec![
        (
            "DBUS_SESSION_BUS_ADDRESS".to_string(),
            service.bus_address().to_string(),
        ),
        ("NUPUB_CLIENT_ID".into(), CLIENT_ID.into()),
        ("NUPUB_OIDC_ISSUER".into(), provider.issuer()),
        (
            "NUPUB_REDIRECT_URI".into(),
            "http://127.0.0.1:{port}/callback".into(),
        ),
        (
            "BROWSER".into(),
            format!(
                "env NUPUB_TEST_LOGIN=ann+mfa python3 {}",
                browser_script().display()
            ),
        ),
    ];
    let mut outputs = Vec::new();
    let login = nupub(home.path(), &env, &["account", "login"], "");
    assert!(login.status.success(), "{}", text(&login));
    assert!(text(&login).contains("Signed in as ann@example.test"));
    assert!(text(&login).contains("two-step sign-in verified"));
    outputs.push(text(&login));

    let key = "oy2-cli-secret-key-5678";
    let set = nupub(
        home.path(),
        &env,
        &[
            "key",
            "set",
            "--source",
            "nuget.org",
            "--expires",
            "2099-01-31",
            "--label",
            "laptop",
            "--scope",
            "push",
        ],
        &format!("{key}\n"),
    );
    assert!(set.status.success(), "{}", text(&set));
    outputs.push(text(&set));

    let status = nupub(home.path(), &env, &["account", "status", "--json"], "");
    assert!(status.status.success(), "{}", text(&status));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["accounts"][0]["username"], "ann@example.test");
    assert_eq!(json["accounts"][0]["mfa"]["verified"], true);
    assert_eq!(json["active"], json["accounts"][0]["id"]);
    outputs.push(text(&status));

    let list = nupub(home.path(), &env, &["key", "list", "--json"], "");
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed[0]["source"], "nuget.org");
    assert_eq!(listed[0]["masked"], "********");
    assert_eq!(listed[0]["label"], "laptop");
    assert_eq!(listed[0]["inStore"], true);
    outputs.push(text(&list));
    let list = nupub(home.path(), &env, &["key", "list"], "");
    assert!(
        text(&list).contains("expires 2099-01-31"),
        "{}",
        text(&list)
    );
    outputs.push(text(&list));

    // A push that takes its API key from the keyring (no --api-key, no NUGET_API_KEY).
    let feed_key = "pynuget-secret-key-9abc";
    let server = PyNuGet::start(feed_key);
    let set = nupub(
        home.path(),
        &env,
        &["key", "set", "--source", &server.push_url()],
        &format!("{feed_key}\n"),
    );
    assert!(set.status.success(), "{}", text(&set));
    outputs.push(text(&set));
    let package = make_nupkg(&home.path().join("work"), "Nupub.NoSecrets", "1.0.0", "", 0);
    let push = nupub(
        home.path(),
        &env,
        &[
            "push",
            &package.to_string_lossy(),
            "--source",
            &server.push_url(),
            "--yes",
        ],
        "",
    );
    assert!(push.status.success(), "{}", text(&push));
    assert!(
        server.stored_package("Nupub.NoSecrets", "1.0.0").is_some(),
        "pynuget did not store the package pushed with the keyring's key"
    );
    outputs.push(text(&push));
    std::fs::remove_dir_all(home.path().join("work")).unwrap();

    // The secrets, as the real keyring holds them.
    let lookup = |user: &str| {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", "org.nupub.Nupub", "username", user])
            .env("DBUS_SESSION_BUS_ADDRESS", service.bus_address())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let account = json["accounts"][0]["id"].as_str().unwrap();
    let refresh = lookup(&format!("account:{account}"));
    assert!(refresh.len() > 10, "no refresh token in the keyring");
    assert_eq!(lookup("feed:nuget.org"), key);

    // No file under HOME (config, data, cache) and no output holds either secret.
    let mut files = Vec::new();
    files_under(home.path(), &mut files);
    assert!(!files.is_empty(), "the settings file should exist");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let content = String::from_utf8_lossy(&bytes);
        for secret in [key, feed_key, refresh.as_str()] {
            assert!(
                !content.contains(secret),
                "{} holds a secret",
                file.display()
            );
        }
    }
    for output in &outputs {
        assert!(
            !output.contains(key) && !output.contains(feed_key) && !output.contains(&refresh),
            "{output}"
        );
    }

    // The key never comes from the command line: there is no flag for it.
    let out = nupub(
        home.path(),
        &env,
        &["key", "set", "--source", "x", "--key", "oy2"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    // An empty stdin is refused.
    let out = nupub(home.path(), &env, &["key", "set", "--source", "x"], "\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("[account.empty_secret]"));

    // Logout and key removal clear the keyring.
    let out = nupub(home.path(), &env, &["account", "logout"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lookup(&format!("account:{account}")), "");
    let out = nupub(
        home.path(),
        &env,
        &["key", "remove", "--source", "nuget.org"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lookup("feed:nuget.org"), "");
    let out = nupub(home.path(), &env, &["account", "status"], "");
    assert!(text(&out).contains("No account is signed in"));
}

#[test]
fn without_a_browser_login_falls_back_to_a_device_code() {
    use std::io::BufRead;
    let service = SecretService::start();
    let provider = OidcProvider::start();
    let home = tempfile::tempdir().unwrap();
    // No BROWSER and no DISPLAY: as over SSH.
    let mut child = Command::new(env!("CARGO_BIN_EXE_nupub"))
        .args(["account", "login"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("DBUS_SESSION_BUS_ADDRESS", service.bus_address())
        .env("NUPUB_CLIENT_ID", CLIENT_ID)
        .env("NUPUB_OIDC_ISSUER", provider.issuer())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let mut complete = None;
    for line in std::io::Read::by_ref(&mut stderr).lines() {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if let Some(url) = line.strip_prefix("Or open ") {
            complete = Some(url.trim().to_string());
            break;
        }
    }
    assert!(said.contains("No browser could be opened"), "{said}");
    assert!(said.contains("enter the code"), "{said}");
    let confirmed = Command::new("python3")
        .arg(browser_script())
        .arg(complete.expect("a verification address was shown"))
        .env("NUPUB_TEST_LOGIN", "gina")
        .status()
        .unwrap();
    assert!(confirmed.success());
    let out = child.wait_with_output().unwrap();
    std::io::Read::read_to_string(&mut stderr, &mut said).unwrap();
    assert!(out.status.success(), "{said}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Signed in as gina@example.test"),
        "{stdout}"
    );
    assert!(stdout.contains("not shown by the provider"), "{stdout}");
}
