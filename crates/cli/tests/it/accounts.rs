//! `nupub account` and `nupub key` as a user runs them, each in its own HOME,
//! against a real gnome-keyring on a private bus and the real oidc-provider.
#![allow(clippy::unwrap_used)]

use nupub_testkit::cli::{assert_exit, text, Nupub};
use nupub_testkit::oidc::{browser_script, OidcProvider, CLIENT_ID};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::paths::peers_dir;
use nupub_testkit::process::PeerProcess;
use nupub_testkit::pynuget::PyNuGet;
use nupub_testkit::secret_service::SecretService;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Runs `nupub ARGS` with a private HOME, the given environment and stdin (the testkit's runner).
fn nupub(home: &Path, env: &[(String, String)], args: &[&str], stdin: &str) -> Output {
    cli(home, env).run(args, stdin)
}

/// The testkit's runner for `nupub` in `home` with `env`.
fn cli(home: &Path, env: &[(String, String)]) -> Nupub {
    Nupub::new(env!("CARGO_BIN_EXE_nupub"), home).envs(env)
}

/// The environment of a sign-in: the keyring's bus, the client id, the
/// provider as issuer and, with `login`, a browser that signs in as that user.
fn sign_in_env(
    service: &SecretService,
    provider: &OidcProvider,
    login: Option<&str>,
) -> Vec<(String, String)> {
    let mut env = vec![
        (
            "DBUS_SESSION_BUS_ADDRESS".to_string(),
            service.bus_address().to_string(),
        ),
        ("NUPUB_CLIENT_ID".into(), CLIENT_ID.into()),
        ("NUPUB_OIDC_ISSUER".into(), provider.issuer()),
    ];
    if let Some(user) = login {
        env.push((
            "BROWSER".into(),
            format!(
                "env NUPUB_TEST_LOGIN={user} python3 {}",
                browser_script().display()
            ),
        ));
    }
    env
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
    assert_exit(&out, 1);
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
    let mut env = sign_in_env(&service, &provider, Some("ann+mfa"));
    env.push((
        "NUPUB_REDIRECT_URI".into(),
        "http://127.0.0.1:{port}/callback".into(),
    ));
    let mut outputs = Vec::new();
    let login = nupub(home.path(), &env, &["account", "login"], "");
    assert!(login.status.success(), "{}", text(&login));
    assert!(text(&login).contains("Signed in as ann@example.test"));
    // Ann used two-step verification; the v2.0 ID token does not say so, and neither does Nupub.
    assert!(
        text(&login).contains("two-step:  not known"),
        "{}",
        text(&login)
    );
    outputs.push(text(&login));

    // A key nuget.org's shape refuses is not stored.
    let refused = nupub(
        home.path(),
        &env,
        &["key", "set", "--source", "nuget.org"],
        "not-a-key\n",
    );
    assert_exit(&refused, 1);
    assert!(
        text(&refused).contains("[account.key_not_nuget_org]"),
        "{}",
        text(&refused)
    );
    assert!(!text(&refused).contains("not-a-key"), "{}", text(&refused));
    outputs.push(text(&refused));

    let key = "oy2clisecretkey5678abcdefghijklmnopqrstuvwxyza";
    let expires = in_days(200);
    let set = cli(home.path(), &env).set_key(
        "nuget.org",
        key,
        &[
            "--expires",
            &expires,
            "--label",
            "laptop",
            "--scope",
            "push",
        ],
    );
    outputs.push(text(&set));

    let status = nupub(home.path(), &env, &["account", "status", "--json"], "");
    assert!(status.status.success(), "{}", text(&status));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["accounts"][0]["username"], "ann@example.test");
    assert_eq!(json["accounts"][0]["mfa"]["verified"], false);
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
        text(&list).contains(&format!("expires {expires}")),
        "{}",
        text(&list)
    );
    outputs.push(text(&list));

    // A push that takes its API key from the keyring (no --api-key, no NUGET_API_KEY).
    let feed_key = "pynuget-secret-key-9abc";
    let server = PyNuGet::start(feed_key);
    let set = cli(home.path(), &env).set_key(&server.push_url(), feed_key, &[]);
    outputs.push(text(&set));
    let package = make_nupkg(&home.path().join("work"), "Nupub.NoSecrets", "1.0.0", "", 0);
    let push = cli(home.path(), &env).push(&package, &["--source", &server.push_url()]);
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

    // Logout clears the account's tokens; the publish keys stay, and it says so
    // with the exact nuget.org page.
    let out = nupub(home.path(), &env, &["account", "logout"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lookup(&format!("account:{account}")), "");
    assert_eq!(lookup("feed:nuget.org"), key);
    assert!(text(&out).contains("publish keys stay"), "{}", text(&out));
    assert!(
        text(&out).contains("https://www.nuget.org/account/apikeys"),
        "{}",
        text(&out)
    );
    // Removing a key says that nuget.org still accepts it.
    let out = nupub(
        home.path(),
        &env,
        &["key", "remove", "--source", "nuget.org"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lookup("feed:nuget.org"), "");
    assert!(text(&out).contains("still accepts it"), "{}", text(&out));
    assert!(
        text(&out).contains("https://www.nuget.org/account/apikeys"),
        "{}",
        text(&out)
    );
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
    let mut child = cli(home.path(), &sign_in_env(&service, &provider, None))
        .command(&["account", "login"])
        .stdin(Stdio::null())
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
    assert!(stdout.contains("not known"), "{stdout}");
}

#[test]
fn a_push_warning_about_expiry_is_stored_against_the_key() {
    let home = tempfile::tempdir().unwrap();
    let keyring = SecretService::start();
    let env = keyring.env();
    let server = PyNuGet::start("expiring-key-0123456789");
    // nuget.org's exact warning (NuGetGallery ApiAuthorizeAttribute), added to
    // pynuget's real answer by the proxy: no other server sends it.
    let warning = "Your API key expires in 5 days. Visit https://www.nuget.org/account/apikeys to regenerate your API key.";
    let upstream = format!("127.0.0.1:{}", server.port()).parse().unwrap();
    let proxy = nupub_testkit::wire::FaultProxy::start(
        upstream,
        vec![nupub_testkit::wire::Fault::ForwardAddingHeaders(vec![(
            "X-NuGet-Warning".into(),
            warning.into(),
        )])],
    );
    let config = home.path().join("nuget.config");
    std::fs::write(
        &config,
        format!(
            r#"<configuration><packageSources><add key="team" value="{}" /></packageSources></configuration>"#,
            proxy.push_url()
        ),
    )
    .unwrap();
    let cfg = config.to_string_lossy().into_owned();
    cli(home.path(), &env).set_key(
        "team",
        "expiring-key-0123456789",
        &["--expires", "2099-01-31", "--label", "ci"],
    );
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Expiring", "1.0.0", "", 0);
    let push = cli(home.path(), &env).push(
        &package,
        &["--configfile", &cfg, "--source", "team", "--json"],
    );
    assert_exit(&push, 0);
    assert!(server.stored_package("Nupub.Expiring", "1.0.0").is_some());
    assert_eq!(proxy.forwarded_puts(), vec![201], "{:?}", proxy.events());
    let today = today_utc();
    let expected = add_days(&today, 5);
    let err = String::from_utf8_lossy(&push.stderr);
    assert!(
        err.contains(&format!("warning from the feed: {warning}")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "The API key \u{201c}ci\u{201d} for team expires in 5 days ({expected})"
        )),
        "{err}"
    );
    assert!(err.contains("nupub key set --source team"), "{err}");
    let report: serde_json::Value = serde_json::from_slice(&push.stdout).unwrap();
    assert_eq!(report["keyReminder"]["expires"], expected.as_str());
    assert_eq!(report["keyReminder"]["daysLeft"], 5);
    assert!(!text(&push).contains("expiring-key-0123456789"));

    // The stored facts learned the date: `nupub key list` shows it.
    let list = nupub(home.path(), &env, &["key", "list"], "");
    assert!(
        text(&list).contains(&format!("expires {expected} (in 5 days)")),
        "{}",
        text(&list)
    );
    let list = nupub(home.path(), &env, &["key", "list", "--json"], "");
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed[0]["expires"], expected.as_str());

    // A key given on the command line gets the reminder but is not the stored
    // one: the stored facts are left alone.
    let proxy_second = nupub_testkit::wire::FaultProxy::start(
        upstream,
        vec![nupub_testkit::wire::Fault::ForwardAddingHeaders(vec![(
            "X-NuGet-Warning".into(),
            "Your API key has expired. Visit https://www.nuget.org/account/apikeys to generate a new API key.".into(),
        )])],
    );
    let second = make_nupkg(&home.path().join("pkgs"), "Nupub.Expiring", "1.1.0", "", 0);
    let push = cli(home.path(), &env).push(
        &second,
        &[
            "--source",
            &proxy_second.push_url(),
            "--api-key",
            "expiring-key-0123456789",
        ],
    );
    assert_exit(&push, 0);
    assert!(text(&push).contains("expired on"), "{}", text(&push));
    let list = nupub(home.path(), &env, &["key", "list", "--json"], "");
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed[0]["expires"], expected.as_str());
}

/// Today (UTC) as `YYYY-MM-DD`, from the system's `date` (no date crate in these tests).
fn today_utc() -> String {
    let out = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `date` + `days`, as `YYYY-MM-DD`.
fn add_days(date: &str, days: i64) -> String {
    let out = Command::new("date")
        .args(["-u", "-d", &format!("{date} + {days} days"), "+%Y-%m-%d"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn azure_artifacts_gets_the_signed_in_accounts_token_and_the_placeholder_key() {
    let service = SecretService::start();
    let provider = OidcProvider::start_with_resource_refresh();
    // FAKE BY NECESSITY: no Azure Artifacts here. The capture server records
    // the push; its URL has Azure Artifacts' shape, so no production switch is needed.
    let azure = nupub_testkit::wire::CaptureServer::start(202);
    let feed = format!(
        "{}/fabrikam/_packaging/main/nuget/v3/index.json",
        azure.base_url()
    );
    let home = tempfile::tempdir().unwrap();
    let env = sign_in_env(&service, &provider, Some("ann"));
    let package = make_nupkg(&home.path().join("pkgs"), "Nupub.Azure", "1.0.0", "", 0);
    let pkg = package.to_string_lossy().into_owned();

    // Not signed in: refused before anything is sent, with both ways out.
    let out = cli(home.path(), &env).push(&pkg, &["--source", &feed]);
    assert_exit(&out, 4);
    let said = text(&out);
    assert!(said.contains("[publish.azure_sign_in]"), "{said}");
    assert!(said.contains("nupub account login"), "{said}");
    assert!(said.contains("personal access token"), "{said}");
    // The plan may read the feed (no secret goes with a read); nothing was pushed.
    assert!(
        azure.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        azure.requests()
    );

    let login = nupub(home.path(), &env, &["account", "login"], "");
    assert!(login.status.success(), "{}", text(&login));
    let out = cli(home.path(), &env).push(&pkg, &["--source", &feed]);
    assert_exit(&out, 0);
    let put = azure
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("a PUT reached the stand-in");
    assert_eq!(put.header("x-nuget-apikey"), Some("AZ"));
    let token = put
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .expect("a bearer token")
        .to_string();
    assert!(token.len() > 20, "{token}");
    // The token is a real one from the provider's refresh grant: its userinfo endpoint takes it.
    let (status, me) = bearer_get(&format!("{}/me", provider.issuer()), &token);
    assert_eq!(status, 200, "{me}");
    assert!(me.contains("\"sub\":\"ann\""), "{me}");
    // The token is never printed, nor written to any file under HOME.
    assert!(!text(&out).contains(&token), "{}", text(&out));
    let mut files = Vec::new();
    files_under(home.path(), &mut files);
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&token),
            "{} holds the token",
            file.display()
        );
    }
    // An API key given explicitly wins: no token is fetched or sent.
    let second = make_nupkg(&home.path().join("pkgs"), "Nupub.Azure", "1.1.0", "", 0);
    let out = cli(home.path(), &env).push(
        &second,
        &["--source", &feed, "--api-key", "given-key-0123456789"],
    );
    assert_exit(&out, 0);
    let last = azure
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(last.header("x-nuget-apikey"), Some("given-key-0123456789"));
    assert_eq!(last.header("authorization"), None);
}

/// GET with a bearer token: the status and body.
fn bearer_get(url: &str, token: &str) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.trim().parse().unwrap(), body.to_string())
}

/// The date `days` from today (UTC), YYYY-MM-DD, as `date` prints it.
fn in_days(days: u32) -> String {
    let out = Command::new("date")
        .args(["-u", "-d", &format!("+{days} days"), "+%Y-%m-%d"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
