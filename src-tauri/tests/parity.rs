//! One decision in both doors: a table of cases × feeds runs through the real
//! `nupub` binary and through the window's commands on Tauri's mock runtime,
//! each door against its own copy of the same feeds (folder, pynuget V2, a
//! static V3 index in front of pynuget with a symbol endpoint, nuget.org on a
//! machine that cannot reach it). Both must take the same decision — outcome
//! or error code, the credential's origin — and, where something is sent,
//! store the same bytes. A few cells are also pinned to the answer they must
//! give, so two doors that were wrong the same way still fail.
//!
//! Needs the peers (`scripts/with-peers`) and the workspace built (the
//! `nupub` binary beside this test's, or `NUPUB_BIN`).
#![allow(clippy::unwrap_used)]

use nupub_app::{setup, LaunchArgs};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::{PyNuGet, StaticV3Index};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

const KEY: &str = "parity-key-5150";
const NUGET_ORG_METADATA: &str = "<license type=\"expression\">MIT</license><licenseUrl>https://licenses.nuget.org/MIT</licenseUrl><projectUrl>https://github.com/nupub/nupub</projectUrl>";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Feed {
    Folder,
    V2,
    V3,
    NugetOrg,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Case {
    Good,
    IdError,
    LicenceFileMissing,
    Duplicate,
    SignedToUnsigned,
    BadSymbols,
    NoKey,
    EnvironmentKey,
    StoredKeyOtherName,
}

const CASES: [Case; 9] = [
    Case::Good,
    Case::IdError,
    Case::LicenceFileMissing,
    Case::Duplicate,
    Case::SignedToUnsigned,
    Case::BadSymbols,
    Case::NoKey,
    Case::EnvironmentKey,
    Case::StoredKeyOtherName,
];
const FEEDS: [Feed; 4] = [Feed::Folder, Feed::V2, Feed::V3, Feed::NugetOrg];

/// One door's copy of every feed.
struct Feeds {
    home: tempfile::TempDir,
    v2: PyNuGet,
    v3: PyNuGet,
    _symbols: PyNuGet,
    index: StaticV3Index,
}

impl Feeds {
    fn start() -> Feeds {
        let v3 = PyNuGet::start(KEY);
        let symbols = PyNuGet::start(KEY);
        let index = StaticV3Index::start(&[
            ("PackagePublish/2.0.0", &v3.push_url()),
            ("SymbolPackagePublish/4.9.0", &symbols.push_url()),
        ]);
        Feeds {
            home: tempfile::tempdir().unwrap(),
            v2: PyNuGet::start(KEY),
            v3,
            _symbols: symbols,
            index,
        }
    }

    fn folder(&self) -> PathBuf {
        self.home.path().join("feed")
    }

    /// What `--source` / the window's feed id names.
    fn location(&self, feed: Feed) -> String {
        match feed {
            Feed::Folder => self.folder().display().to_string(),
            Feed::V2 => self.v2.push_url(),
            Feed::V3 => self.index.index_url(),
            Feed::NugetOrg => "https://api.nuget.org/v3/index.json".into(),
        }
    }

    /// The bytes the feed holds for `id` `version`, if any.
    fn stored(&self, feed: Feed, id: &str, version: &str) -> Option<Vec<u8>> {
        let path = match feed {
            Feed::Folder => {
                let dir = self
                    .folder()
                    .join(id.to_lowercase())
                    .join(version.to_lowercase());
                Some(dir.join(format!("{}.{}.nupkg", id.to_lowercase(), version)))
                    .filter(|p| p.is_file())
            }
            Feed::V2 => self.v2.stored_package(id, version),
            Feed::V3 => self.v3.stored_package(id, version),
            Feed::NugetOrg => None,
        };
        path.map(|p| std::fs::read(p).unwrap())
    }
}

/// What a door decided.
#[derive(Debug, Clone, PartialEq)]
struct Decision {
    /// `published`, or the error code.
    outcome: String,
    /// Where the key came from: on a publish, or from the plan of a refusal.
    credential: Option<String>,
}

fn nupub_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("NUPUB_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("nupub");
    assert!(
        bin.is_file(),
        "{} is missing: build the workspace (cargo test --workspace) or set NUPUB_BIN",
        bin.display()
    );
    bin
}

/// The environment both doors see: the settings folder, the keyring's bus and, per case, the key.
fn shared_env(config: &Path, key: Option<&str>, offline: Option<&str>) -> Vec<(String, String)> {
    let mut env = vec![("NUPUB_CONFIG_DIR".to_string(), config.display().to_string())];
    if let Ok(bus) = std::env::var("DBUS_SESSION_BUS_ADDRESS") {
        env.push(("DBUS_SESSION_BUS_ADDRESS".into(), bus));
    }
    if let Some(key) = key {
        env.push(("NUGET_API_KEY".into(), key.into()));
    }
    if let Some(proxy) = offline {
        env.push(("HTTPS_PROXY".into(), proxy.into()));
        env.push(("https_proxy".into(), proxy.into()));
    }
    env
}

fn cli_decision(feeds: &Feeds, env: &[(String, String)], package: &Path, source: &str) -> Decision {
    let out = nupub_testkit::cli::Nupub::new(nupub_bin(), feeds.home.path())
        .envs(env)
        .push(package, &["--source", source, "--json"]);
    let said = nupub_testkit::cli::text(&out);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON from nupub ({e}): {said}"));
    if out.status.success() {
        return Decision {
            outcome: "published".into(),
            credential: json["credential"].as_str().map(str::to_string),
        };
    }
    Decision {
        outcome: json["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{said}"))
            .to_string(),
        credential: json["plan"]["key"]["origin"].as_str().map(str::to_string),
    }
}

fn call(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

/// The window's way: the plan for Confirm, then Publish with every warning
/// acknowledged and nuget.org's phrase typed (what `--yes` stands for).
fn window_decision(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    package: &Path,
    source: &str,
) -> Decision {
    let path = package.display().to_string();
    let plan = match call(
        webview,
        "plan_publish",
        json!({ "path": path, "feed": source }),
    ) {
        Ok(plan) => plan,
        Err(error) => {
            return Decision {
                outcome: error["code"].as_str().unwrap().to_string(),
                credential: None,
            }
        }
    };
    let acknowledged: Vec<Value> = plan["acknowledgements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].clone())
        .collect();
    let consent = json!({ "acknowledged": acknowledged, "typed": plan["confirmation"] });
    match call(
        webview,
        "publish",
        json!({ "path": path, "feed": source, "consent": consent }),
    ) {
        Ok(outcome) => Decision {
            outcome: "published".into(),
            credential: outcome["credential"].as_str().map(str::to_string),
        },
        Err(error) => {
            let code = error["code"].as_str().unwrap().to_string();
            // The plan's credential, reported only when the plan refused (as the CLI's JSON does).
            let refused = plan["blockers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["code"] == code.as_str())
                || code == "publish.blocked_by_checks"
                || code == "publish.not_acknowledged";
            Decision {
                outcome: code,
                credential: refused
                    .then(|| plan["key"]["origin"].as_str().map(str::to_string))
                    .flatten(),
            }
        }
    }
}

/// The package of a case (made once, copied to both doors), and what the feeds hold first.
fn package_for(case: Case, dir: &Path) -> (PathBuf, &'static str, &'static str) {
    let (id, version, metadata) = match case {
        Case::Good => ("Parity.Good", "1.0.0", NUGET_ORG_METADATA),
        Case::IdError => ("Parity..Bad", "1.0.0", NUGET_ORG_METADATA),
        Case::LicenceFileMissing => (
            "Parity.Licence",
            "1.0.0",
            "<license type=\"file\">LICENSE.txt</license>",
        ),
        Case::Duplicate => ("Parity.Dup", "1.0.0", NUGET_ORG_METADATA),
        Case::SignedToUnsigned => ("TestPackage.AuthorSigned", "1.1.0", NUGET_ORG_METADATA),
        Case::BadSymbols => ("Parity.Sym", "1.0.0", NUGET_ORG_METADATA),
        Case::NoKey => ("Parity.NoKey", "1.0.0", NUGET_ORG_METADATA),
        Case::EnvironmentKey => ("Parity.Env", "1.0.0", NUGET_ORG_METADATA),
        Case::StoredKeyOtherName => ("Parity.Stored", "1.0.0", NUGET_ORG_METADATA),
    };
    let path = make_nupkg(dir, id, version, metadata, 0);
    if case == Case::BadSymbols {
        // The .nupkg itself renamed .snupkg: no PDB, not a symbols package.
        std::fs::copy(&path, dir.join(format!("{id}.{version}.snupkg"))).unwrap();
    }
    (path, id, version)
}

/// Puts what the case needs on a door's feed before the push (the same for both doors).
fn prepare_feed(feeds: &Feeds, feed: Feed, case: Case, package: &Path) {
    let first = match case {
        Case::Duplicate => package.to_path_buf(),
        Case::SignedToUnsigned => nupub_testkit::fixture("TestPackage.AuthorSigned.1.0.0.nupkg"),
        _ => return,
    };
    let url = match feed {
        Feed::NugetOrg => return,
        Feed::V2 => feeds.v2.push_url(),
        Feed::V3 => feeds.v3.push_url(),
        Feed::Folder => {
            // NuGet.exe's own folder layout is what `nuget add` writes.
            let folder = feeds.folder().display().to_string();
            let first = first.display().to_string();
            nupub_testkit::nuget_exe::NuGetExe::new()
                .run(&["add", &first, "-Source", &folder])
                .expect_success("nuget add");
            return;
        }
    };
    nupub_testkit::nuget_exe::NuGetExe::new()
        .push(&first, &url, Some(KEY))
        .expect_success("nuget push");
}

fn set_env(env: &[(String, String)]) {
    for name in [
        "NUGET_API_KEY",
        "HTTPS_PROXY",
        "https_proxy",
        "NUPUB_CONFIG_DIR",
    ] {
        std::env::remove_var(name);
    }
    for (k, v) in env {
        std::env::set_var(k, v);
    }
}

#[test]
fn the_window_and_nupub_take_the_same_decision_for_every_case_and_feed() {
    let cli = Feeds::start();
    let window = Feeds::start();
    let config = tempfile::tempdir().unwrap();
    let made = tempfile::tempdir().unwrap();
    let app = setup(mock_builder(), LaunchArgs::default())
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let dead = {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        format!("http://127.0.0.1:{port}")
    };
    // The key stored under another case than the nuget.config name: NuGet compares names ignoring case.
    let vault =
        nupub_accounts::Vault::open(nupub_accounts::vault::SERVICE, config.path().to_path_buf())
            .unwrap();
    vault
        .set_feed_key(
            "PARITY FEED",
            nupub_accounts::Secret::new(KEY.to_string()),
            Default::default(),
        )
        .unwrap();

    let mut table = Vec::new();
    for case in CASES {
        let dir = made.path().join(format!("{case:?}"));
        let (original, id, version) = package_for(case, &dir);
        for feed in FEEDS {
            let key = match case {
                Case::NoKey | Case::StoredKeyOtherName => None,
                _ => Some(KEY),
            };
            let offline = (feed == Feed::NugetOrg).then_some(dead.as_str());
            let env = shared_env(config.path(), key, offline);
            set_env(&env);
            let mut decisions = Vec::new();
            for (door, feeds) in [("nupub", &cli), ("window", &window)] {
                // Each door's own copy of the package, beside its own nuget.config.
                let folder = feeds.home.path().join(format!("pkgs-{case:?}-{feed:?}"));
                std::fs::create_dir_all(&folder).unwrap();
                for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                    std::fs::copy(entry.path(), folder.join(entry.file_name())).unwrap();
                }
                let package = folder.join(original.file_name().unwrap());
                let source = if case == Case::StoredKeyOtherName {
                    std::fs::write(
                        feeds.home.path().join("nuget.config"),
                        format!(
                            "<configuration><packageSources><add key=\"Parity Feed\" value=\"{}\" /></packageSources></configuration>",
                            feeds.location(feed)
                        ),
                    )
                    .unwrap();
                    "Parity Feed".to_string()
                } else {
                    feeds.location(feed)
                };
                prepare_feed(feeds, feed, case, &package);
                let before = std::fs::read(&package).unwrap();
                let decision = match door {
                    "nupub" => cli_decision(feeds, &env, &package, &source),
                    _ => window_decision(&webview, &package, &source),
                };
                assert_eq!(
                    std::fs::read(&package).unwrap(),
                    before,
                    "{door} changed the user's file"
                );
                let stored = feeds.stored(feed, id, version);
                if decision.outcome == "published" && feed != Feed::NugetOrg {
                    assert_eq!(
                        stored.as_deref(),
                        Some(before.as_slice()),
                        "{door} {case:?} {feed:?}: the feed holds other bytes"
                    );
                }
                if decision.outcome != "published" && case != Case::Duplicate {
                    assert!(
                        stored.is_none(),
                        "{door} {case:?} {feed:?}: refused ({}) yet the feed has it",
                        decision.outcome
                    );
                }
                decisions.push(decision);
            }
            assert_eq!(
                decisions[0], decisions[1],
                "{case:?} on {feed:?}: nupub and the window disagree"
            );
            table.push(((case, feed), decisions.remove(0)));
        }
    }
    set_env(&[]);
    let answer = |case: Case, feed: Feed| {
        table
            .iter()
            .find(|((c, f), _)| *c == case && *f == feed)
            .map(|(_, d)| d.clone())
            .unwrap()
    };
    let published = |credential: &str| Decision {
        outcome: "published".into(),
        credential: Some(credential.into()),
    };
    // Pinned cells: what the one decision must be.
    assert_eq!(answer(Case::Good, Feed::Folder), published("notNeeded"));
    assert_eq!(answer(Case::Good, Feed::V2), published("environment"));
    assert_eq!(answer(Case::Good, Feed::V3), published("environment"));
    for feed in [Feed::V2, Feed::V3, Feed::NugetOrg] {
        assert_eq!(
            answer(Case::IdError, feed).outcome,
            "publish.blocked_by_checks",
            "{feed:?}"
        );
    }
    assert_eq!(
        answer(Case::LicenceFileMissing, Feed::NugetOrg).outcome,
        "publish.blocked_by_checks"
    );
    assert_eq!(
        answer(Case::LicenceFileMissing, Feed::Folder),
        published("notNeeded")
    );
    for feed in [Feed::Folder, Feed::V2, Feed::V3] {
        assert_eq!(
            answer(Case::Duplicate, feed).outcome,
            "feed.push.version_exists",
            "{feed:?}"
        );
        assert_eq!(
            answer(Case::SignedToUnsigned, feed).outcome,
            "published",
            "{feed:?}"
        );
    }
    assert_eq!(
        answer(Case::BadSymbols, Feed::V3).outcome,
        "feed.symbols_invalid"
    );
    assert_eq!(
        answer(Case::BadSymbols, Feed::Folder),
        published("notNeeded")
    );
    assert_eq!(answer(Case::BadSymbols, Feed::V2), published("environment"));
    assert_eq!(
        answer(Case::NoKey, Feed::NugetOrg),
        Decision {
            outcome: "publish.key_missing".into(),
            credential: Some("none".into())
        }
    );
    assert_ne!(answer(Case::NoKey, Feed::V2).outcome, "published");
    assert_eq!(
        answer(Case::EnvironmentKey, Feed::V2),
        published("environment")
    );
    assert_eq!(
        answer(Case::StoredKeyOtherName, Feed::V2),
        published("keyring")
    );
    assert_eq!(
        answer(Case::StoredKeyOtherName, Feed::V3),
        published("keyring")
    );
    // nuget.org cannot be reached here: a refusal or a network error, the same in both doors.
    assert_ne!(answer(Case::Good, Feed::NugetOrg).outcome, "published");
}
