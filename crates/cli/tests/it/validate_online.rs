//! `nupub validate --source`: the feed's facts added to the offline checks,
//! against pynuget (a real V2 server, pushed to with NuGet.exe), folder
//! feeds, the fake search service (`nupub_testkit::search`, no real peer
//! serves nuget.org's owners/verified) and a feed that is not there. The
//! stored-owner test also runs gnome-keyring on a private bus (`nupub key set`).
#![allow(clippy::unwrap_used)]

use nupub_testkit::nuget_exe::NuGetExe;
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::{PyNuGet, StaticV3Index};
use nupub_testkit::search::{Answer, FakeSearch};
use nupub_testkit::secret_service::SecretService;
use std::path::Path;
use std::process::{Command, Output};

const KEY: &str = "validate-key-0123456789";
const SIGNED: &str = "TestPackage.AuthorSigned.1.0.0.nupkg";
const SIGNED_ID: &str = "TestPackage.AuthorSigned";

/// Runs `nupub` in `home` (HOME and the nuget.config search start there).
fn nupub(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nupub"))
        .args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("NUGET_API_KEY")
        .output()
        .unwrap()
}

/// Runs `nupub validate <package> <args>` in `home`.
fn validate(home: &Path, package: &Path, args: &[&str]) -> Output {
    let mut all = vec!["validate", package.to_str().unwrap()];
    all.extend_from_slice(args);
    nupub(home, &all)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn codes(value: &serde_json::Value) -> Vec<String> {
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn validate_against_pynuget_after_a_signed_version() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    NuGetExe::new()
        .push(
            &nupub_testkit::fixture(SIGNED),
            &server.push_url(),
            Some(KEY),
        )
        .expect_success("nuget push");
    let url = server.push_url();

    // An unsigned 1.1.0: nuget.org would warn that 1.0.0 was author-signed.
    let next = make_nupkg(
        home.path(),
        SIGNED_ID,
        "1.1.0",
        "<license type=\"expression\">MIT</license>",
        0,
    );
    let out = validate(
        home.path(),
        &next,
        &["--source", &url, "--target", "nuget.org", "--json"],
    );
    let value = json(&out);
    assert!(
        codes(&value).contains(&"sign.signed_to_unsigned".to_string()),
        "{value:#}"
    );
    assert_eq!(value["facts"]["versionExists"], false);
    assert_eq!(value["facts"]["previousVersion"]["version"], "1.0.0");
    assert_eq!(value["facts"]["previousVersion"]["authorSigned"], true);
    let errors = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(
        out.status.code(),
        Some(if errors > 0 { 1 } else { 0 }),
        "{value:#}"
    );

    // The text form says what the feed said; the target follows the source (generic).
    let out = validate(home.path(), &next, &["--source", &url]);
    let said = text(&out);
    assert!(said.contains("for generic:"), "{said}");
    assert!(
        said.contains("previous version: 1.0.0 (author-signed)"),
        "{said}"
    );
    assert!(said.contains("this version is already there: no"), "{said}");

    // The same version again: version.exists, an error, exit 1.
    let same = make_nupkg(&home.path().join("same"), SIGNED_ID, "1.0.0", "", 0);
    let out = validate(home.path(), &same, &["--source", &url, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let value = json(&out);
    assert!(
        codes(&value).contains(&"version.exists".to_string()),
        "{value:#}"
    );
    assert_eq!(value["facts"]["versionExists"], true);

    // A new id: the same findings as offline, exit as offline.
    let new = make_nupkg(
        &home.path().join("new"),
        "Nupub.Validate.New",
        "1.0.0",
        "",
        0,
    );
    let online = validate(home.path(), &new, &["--source", &url, "--json"]);
    let offline = validate(home.path(), &new, &["--target", "generic", "--json"]);
    assert_eq!(codes(&json(&online)), codes(&json(&offline)));
    assert_eq!(online.status.code(), offline.status.code());
    assert_eq!(json(&online)["facts"]["idExists"], false);
    assert_eq!(json(&offline)["facts"], serde_json::Value::Null);
}

#[test]
fn validate_with_owners_from_search() {
    let home = tempfile::tempdir().unwrap();
    let server = PyNuGet::start(KEY);
    let search = FakeSearch::owning("Contoso.Lib", &["contoso"], true);
    let index = StaticV3Index::with_search(&server, &search);
    let package = make_nupkg(home.path(), "Contoso.Lib", "2.0.0", "", 0);
    let index_url = index.index_url();
    let as_user = |name: &str| {
        validate(
            home.path(),
            &package,
            &[
                "--source",
                &index_url,
                "--as",
                name,
                "--target",
                "nuget.org",
                "--json",
            ],
        )
    };

    let out = as_user("mallory");
    let value = json(&out);
    let found = codes(&value);
    assert!(
        found.contains(&"id.reserved_prefix".to_string()),
        "{found:?}"
    );
    assert!(found.contains(&"id.owners".to_string()), "{found:?}");
    assert_eq!(value["facts"]["owners"], serde_json::json!(["contoso"]));
    assert_eq!(value["facts"]["youAreOwner"], false);
    assert_eq!(out.status.code(), Some(1));

    let out = as_user("contoso");
    let found = codes(&json(&out));
    assert!(
        !found.contains(&"id.reserved_prefix".to_string()),
        "{found:?}"
    );
    assert!(!found.contains(&"id.owners".to_string()), "{found:?}");

    // A new id sharing the verified id's first part: a warning, not an error.
    search.on(
        "contoso",
        Answer::hits(&[("Contoso.Lib", &["contoso"], true)]),
    );
    let other = make_nupkg(&home.path().join("o"), "Contoso.Other", "1.0.0", "", 0);
    let out = validate(
        home.path(),
        &other,
        &["--source", &index_url, "--target", "nuget.org", "--json"],
    );
    let value = json(&out);
    let hint = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "id.reserved_prefix")
        .unwrap_or_else(|| panic!("{value:#}"));
    assert_eq!(hint["severity"], "warning");
    assert!(
        hint["message"].as_str().unwrap().contains("Contoso.Lib"),
        "{hint}"
    );
    assert_eq!(value["facts"]["prefixHint"]["prefix"], "Contoso.");

    // --as without --source is a usage error.
    assert_eq!(
        validate(home.path(), &package, &["--as", "ann"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn validate_uses_the_user_name_stored_with_the_key() {
    let home = tempfile::tempdir().unwrap();
    let keyring = SecretService::start();
    let cli = nupub_testkit::cli::Nupub::new(env!("CARGO_BIN_EXE_nupub"), home.path())
        .envs(&keyring.env());
    let server = PyNuGet::start(KEY);
    let search = FakeSearch::owning("Fabrikam.Core", &["someone-else"], true);
    let index = StaticV3Index::with_search(&server, &search);
    let config = home.path().join("nuget.config");
    std::fs::write(
        &config,
        format!(
            r#"<configuration><packageSources><add key="team" value="{}" /></packageSources></configuration>"#,
            index.index_url()
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let package = make_nupkg(home.path(), "Fabrikam.Core", "2.0.0", "", 0);
    let before = std::fs::read(&package).unwrap();
    let file = package.to_str().unwrap();
    let validate = |extra: &[&str]| {
        let mut args = vec![
            "validate",
            file,
            "--configfile",
            cfg,
            "--source",
            "team",
            "--target",
            "nuget.org",
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = cli.run(&args, "");
        (json(&out), out)
    };

    // No key stored: nobody to check ownership for, so no owner finding.
    let (value, out) = validate(&[]);
    assert_eq!(
        value["facts"]["owners"],
        serde_json::json!(["someone-else"])
    );
    assert_eq!(value["facts"]["youAreOwner"], serde_json::Value::Null);
    assert_eq!(value["facts"]["reservedByOthers"], serde_json::Value::Null);
    assert!(
        !codes(&value).contains(&"id.reserved_prefix".to_string()),
        "{value:#}"
    );
    assert!(
        !text(&out).contains("checking ownership as"),
        "{}",
        text(&out)
    );

    // The key stored with the user name "me": validate uses it without --as and says so.
    cli.set_key("team", KEY, &["--owner", "me"]);
    let list = cli.run(&["key", "list"], "");
    assert!(text(&list).contains("you are: me"), "{}", text(&list));
    let listed: serde_json::Value =
        serde_json::from_slice(&cli.run(&["key", "list", "--json"], "").stdout).unwrap();
    assert_eq!(listed[0]["owner"], "me");
    let (value, out) = validate(&[]);
    let found = codes(&value);
    assert!(
        found.contains(&"id.reserved_prefix".to_string()),
        "{found:?}"
    );
    assert!(found.contains(&"id.owners".to_string()), "{found:?}");
    assert_eq!(value["facts"]["youAreOwner"], false);
    assert_eq!(value["facts"]["reservedByOthers"], true);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("checking ownership as me (the user name stored with the key for team"),
        "{said}"
    );

    // --as still wins over the stored name, and says so.
    let (value, out) = validate(&["--as", "someone-else"]);
    assert!(
        !codes(&value).contains(&"id.owners".to_string()),
        "{value:#}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("checking ownership as someone-else (from --as)"),
        "{}",
        text(&out)
    );

    // A user name that is not one is refused, and the stored one is kept.
    let bad = cli.run(
        &["key", "set", "--source", "team", "--owner", "me and you"],
        &format!("{KEY}\n"),
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(
        text(&bad).contains("account.key_bad_owner"),
        "{}",
        text(&bad)
    );
    assert!(text(&cli.run(&["key", "list"], "")).contains("you are: me"));

    // Stored as the real owner: no owner or reserved-prefix finding.
    cli.set_key("team", KEY, &["--owner", "someone-else"]);
    let (value, out) = validate(&[]);
    let found = codes(&value);
    assert!(
        !found.contains(&"id.reserved_prefix".to_string()),
        "{found:?}"
    );
    assert!(!found.contains(&"id.owners".to_string()), "{found:?}");
    assert_eq!(value["facts"]["youAreOwner"], true);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("checking ownership as someone-else (the user name stored"),
        "{}",
        text(&out)
    );
    // The key never shows, and the package was only read.
    assert!(!text(&out).contains(KEY));
    assert_eq!(std::fs::read(&package).unwrap(), before);
}

#[test]
fn validate_against_folders_and_missing_feeds() {
    let home = tempfile::tempdir().unwrap();
    let feed = home.path().join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    std::fs::copy(nupub_testkit::fixture(SIGNED), feed.join(SIGNED)).unwrap();
    let same = make_nupkg(&home.path().join("p"), SIGNED_ID, "1.0.0", "", 0);
    let out = validate(
        home.path(),
        &same,
        &["--source", feed.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let value = json(&out);
    assert_eq!(value["target"], "local");
    assert!(
        codes(&value).contains(&"version.exists".to_string()),
        "{value:#}"
    );

    // Nothing listens there: one clear error finding naming the feed, exit 1.
    let port = nupub_testkit::free_port();
    let url = format!("http://127.0.0.1:{port}/v3/index.json");
    let out = validate(home.path(), &same, &["--source", &url, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let value = json(&out);
    let first = &value["findings"][0];
    assert_eq!(first["code"], "feed.index_unreachable", "{value:#}");
    assert!(first["message"].as_str().unwrap().contains(&url), "{first}");
    assert!(first["hint"].is_string());
    assert_eq!(value["facts"], serde_json::Value::Null);
    let out = validate(home.path(), &same, &["--source", &url]);
    let said = text(&out);
    assert!(
        said.contains("FAILED") && said.contains("[feed.index_unreachable]"),
        "{said}"
    );

    // A source that names nothing: usage error, exit 2.
    let out = validate(home.path(), &same, &["--source", "ftp://x"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}
