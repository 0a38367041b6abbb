//! A token written into a feed URL (`http://user:TOKEN@host/…` in
//! nuget.config or `--source`) is used as the feed's Basic credentials and
//! appears nowhere else: not in any output, error or log (`NUPUB_LOG=debug`),
//! and not in any file under the run's HOME (settings, accounts.json, logs).
//! Real pynuget and a real gnome-keyring.
#![allow(clippy::unwrap_used)]

use nupub_testkit::cli::{assert_exit, text, Nupub};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::PyNuGet;
use nupub_testkit::secret_service::SecretService;
use std::path::Path;
use std::process::Output;

const KEY: &str = "url-creds-key-0123456789";
const TOKEN: &str = "tok3n-5ecret-8842";
const USER: &str = "builduser7";

/// Every file under `dir` (recursively) that contains `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                seen += 1;
                let bytes = std::fs::read(&path).unwrap_or_default();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    assert!(seen > 0, "no files under {}", dir.display());
    found
}

#[test]
fn a_token_in_a_feed_url_is_never_shown_stored_or_logged() {
    let home = tempfile::tempdir().unwrap();
    let keyring = SecretService::start();
    let mut env = keyring.env();
    env.push(("NUPUB_LOG".into(), "debug".into()));
    let server = PyNuGet::start(KEY);
    let credentialed = server
        .push_url()
        .replacen("http://", &format!("http://{USER}:{TOKEN}@"), 1);
    std::fs::write(
        home.path().join("nuget.config"),
        format!(
            r#"<configuration><packageSources><add key="team" value="{credentialed}" /></packageSources></configuration>"#
        ),
    )
    .unwrap();
    let nupub = Nupub::new(env!("CARGO_BIN_EXE_nupub"), home.path()).envs(&env);
    let first = make_nupkg(&home.path().join("pkgs"), "Nupub.UrlCreds", "1.0.0", "", 0);
    let second = make_nupkg(&home.path().join("pkgs"), "Nupub.UrlCreds", "1.1.0", "", 0);
    let pkg1 = first.to_string_lossy().into_owned();
    let pkg2 = second.to_string_lossy().into_owned();

    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut run = |name: &str, args: &[&str], stdin: &str| {
        let out = nupub.run(args, stdin);
        outputs.push((name.to_string(), out.clone()));
        out
    };
    let out = run("sources", &["sources"], "");
    assert_exit(&out, 0);
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(listed.contains("team"), "{listed}");
    assert!(listed.contains(&server.push_url()), "{listed}");
    assert_exit(&run("sources --json", &["sources", "--json"], ""), 0);

    let out = run(
        "key set",
        &["key", "set", "--source", "team"],
        &format!("{KEY}\n"),
    );
    assert_exit(&out, 0);
    let out = run(
        "push by name",
        &["push", &pkg1, "--source", "team", "--yes"],
        "",
    );
    assert_exit(&out, 0);
    assert!(server.stored_package("Nupub.UrlCreds", "1.0.0").is_some());
    // The credentialed URL typed on the command line, key from stdin.
    let out = run(
        "push by URL",
        &[
            "push",
            &pkg2,
            "--source",
            &credentialed,
            "--api-key",
            "-",
            "--yes",
        ],
        &format!("{KEY}\n"),
    );
    assert_exit(&out, 0);
    assert!(server.stored_package("Nupub.UrlCreds", "1.1.0").is_some());
    // Already there: an error that names the feed.
    let out = run(
        "push again",
        &[
            "push",
            &pkg2,
            "--source",
            &credentialed,
            "--api-key",
            KEY,
            "--yes",
        ],
        "",
    );
    assert_exit(&out, 3);
    let out = run(
        "validate by name",
        &["validate", &pkg2, "--source", "team"],
        "",
    );
    assert!(text(&out).contains("Asked"), "{}", text(&out));
    run(
        "validate by URL",
        &["validate", &pkg2, "--source", &credentialed],
        "",
    );
    // An unusable credentialed address: the error repeats it without the token.
    let bad = format!("ftp://{USER}:{TOKEN}@127.0.0.1/feed");
    let out = run(
        "push to a bad address",
        &["push", &pkg2, "--source", &bad, "--yes"],
        "",
    );
    assert_exit(&out, 1);
    assert!(
        text(&out).contains("ftp://127.0.0.1/feed"),
        "{}",
        text(&out)
    );
    // Storing a key under a credentialed address is refused without echoing it.
    let out = run(
        "key set by URL",
        &["key", "set", "--source", &credentialed],
        &format!("{KEY}\n"),
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("account.credentials_in_source_name"),
        "{}",
        text(&out)
    );
    let out = run("key list", &["key", "list"], "");
    assert_exit(&out, 0);
    assert!(text(&out).contains("team"), "{}", text(&out));
    run("key list --json", &["key", "list", "--json"], "");

    // The logs were on (each run printed debug events), and nowhere the token.
    let logged = outputs
        .iter()
        .filter(|(_, o)| text(o).contains("DEBUG"))
        .count();
    assert!(logged >= 5, "NUPUB_LOG=debug printed nothing");
    for (name, out) in &outputs {
        let all = text(out);
        assert!(!all.contains(TOKEN), "{name}: {all}");
        assert!(!all.contains(USER), "{name}: {all}");
        assert!(!all.contains(KEY), "{name}: the key was printed: {all}");
    }
    // nuget.config is the user's own file and holds the token; no other file may.
    let config = home.path().join("nuget.config").display().to_string();
    assert_eq!(
        files_containing(home.path(), TOKEN.as_bytes()),
        vec![config]
    );
}
