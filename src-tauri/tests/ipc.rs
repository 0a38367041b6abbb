//! The command layer through Tauri's real IPC path (argument decoding, result
//! and error serialization) on the mock runtime: no display needed.
//! Building this integration test also makes `cargo test` build the app
//! binary that the window tests in `tests/` drive.
#![allow(clippy::unwrap_used)]

use nupub_app::{setup, setup_with_browser, Browser, LaunchArgs};
use nupub_testkit::fixture;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

/// The file's bytes, to prove commands never change the user's package.
fn file_digest(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

struct Harness {
    app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
    opened: Arc<Mutex<Vec<String>>>,
}

fn harness(launch: LaunchArgs) -> Harness {
    let opened = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&opened);
    let browser = Browser(Arc::new(move |url: &str| {
        record.lock().unwrap().push(url.to_string());
        Ok(())
    }));
    let app = setup_with_browser(mock_builder(), launch, browser)
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        app,
        webview,
        opened,
    }
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let _ = &self.app;
        get_ipc_response(
            &self.webview,
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

    fn open(&self, path: &std::path::Path) -> Result<Value, Value> {
        self.call(
            "open_package",
            json!({ "path": path.display().to_string() }),
        )
    }
}

fn error_code(result: Result<Value, Value>) -> String {
    let error = result.expect_err("the command should have failed");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{error}"
    );
    assert!(
        error["hint"].as_str().is_some_and(|h| !h.is_empty()),
        "{error}"
    );
    error["code"].as_str().unwrap().to_string()
}

#[test]
fn launch_files_opens_the_first_package_and_lists_every_file() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("folder")).unwrap();
    let h = harness(LaunchArgs {
        paths: ["My.Lib.1.0.0.nupkg", "folder", "notes.txt"]
            .map(PathBuf::from)
            .to_vec(),
        cwd: d.path().to_path_buf(),
    });
    let files = h.call("launch_files", json!({})).unwrap();
    let first = d.path().join("My.Lib.1.0.0.nupkg");
    let folder = d.path().join("folder");
    let notes = d.path().join("notes.txt");
    assert_eq!(files["publishing"], false);
    assert_eq!(files["request"]["open"], json!(first));
    assert_eq!(files["request"]["set"], json!([]));
    assert_eq!(files["request"]["paths"], json!([first, folder, notes]));
    assert_eq!(
        files["request"]["notOpened"],
        json!([
            {"path": folder, "reason": "folder"},
            {"path": notes, "reason": "notAPackage"}
        ])
    );
}

#[test]
fn launch_files_with_several_packages_make_a_set() {
    let d = tempfile::tempdir().unwrap();
    let h = harness(LaunchArgs {
        paths: ["My.Lib.1.0.0.nupkg", "/tmp/Other.2.0.0.nupkg"]
            .map(PathBuf::from)
            .to_vec(),
        cwd: d.path().to_path_buf(),
    });
    let files = h.call("launch_files", json!({})).unwrap();
    let first = d.path().join("My.Lib.1.0.0.nupkg");
    assert_eq!(files["request"]["open"], Value::Null);
    assert_eq!(
        files["request"]["set"],
        json!([first, "/tmp/Other.2.0.0.nupkg"])
    );
    assert_eq!(files["request"]["notOpened"], json!([]));
}

#[test]
fn launch_files_opens_nothing_without_arguments() {
    let h = harness(LaunchArgs::default());
    let files = h.call("launch_files", json!({})).unwrap();
    assert_eq!(files["request"]["open"], Value::Null);
    assert_eq!(files["request"]["paths"], json!([]));
}

#[test]
fn dropped_files_are_planned_like_launch_files() {
    let h = harness(LaunchArgs::default());
    let pkg = fixture("TestData.1.2.3.nupkg");
    let symbols = fixture("TestData.1.2.3.snupkg");
    let files = h
        .call("plan_open", json!({ "paths": [symbols, pkg] }))
        .unwrap();
    assert_eq!(files["request"]["open"], json!(pkg));
    assert_eq!(
        files["request"]["notOpened"],
        json!([{"path": symbols, "reason": "symbolsOfOpened"}])
    );
    assert_eq!(files["publishing"], false);
}

#[test]
fn app_info_names_the_product_and_a_local_default_feed() {
    let h = harness(LaunchArgs::default());
    let info = h.call("app_info", json!({})).unwrap();
    assert_eq!(info["productName"], "Nupub");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["defaultTarget"]["kind"], "local");
    let location = info["defaultTarget"]["location"].as_str().unwrap();
    assert!(location.ends_with("feed"), "{location}");
}

#[test]
fn unknown_commands_are_refused() {
    let h = harness(LaunchArgs::default());
    assert!(h.call("not_a_command", json!({})).is_err());
    // The real setup builds too (system browser).
    let _ = setup(mock_builder(), LaunchArgs::default())
        .build(mock_context(noop_assets()))
        .unwrap();
}

#[test]
fn open_package_shows_newtonsoft_json() {
    let h = harness(LaunchArgs::default());
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg");
    let before = file_digest(&path);
    let opened = h.open(&path).unwrap();
    assert_eq!(opened["path"], path.display().to_string());
    assert_eq!(opened["fileName"], "Newtonsoft.Json.13.0.3.nupkg");
    let inspection = &opened["inspection"];
    assert_eq!(inspection["id"], "Newtonsoft.Json");
    assert_eq!(inspection["version"], "13.0.3");
    assert_eq!(inspection["isPrerelease"], false);
    assert_eq!(inspection["dependencyGroups"].as_array().unwrap().len(), 8);
    assert_eq!(inspection["packageSize"], 2441966);
    assert_eq!(
        inspection["signature"]["kind"],
        "authorWithRepositoryCountersignature"
    );
    assert_eq!(
        inspection["integrity"],
        Value::Null,
        "the CRC check is a separate command"
    );
    let html = inspection["readme"]["html"].as_str().unwrap();
    assert!(html.contains("<h"), "readme rendered to HTML");
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(opened["iconDataUrl"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    assert_eq!(opened["symbols"], Value::Null);
    assert_eq!(opened["symbolsError"], Value::Null);
    assert_eq!(
        file_digest(&path),
        before,
        "opening changed the package file"
    );
}

#[test]
fn a_snupkg_beside_the_package_is_picked_up() {
    let h = harness(LaunchArgs::default());
    let opened = h.open(&fixture("TestData.1.2.3.nupkg")).unwrap();
    let symbols = &opened["symbols"];
    assert_eq!(symbols["fileName"], "TestData.1.2.3.snupkg");
    assert_eq!(symbols["id"], "TestData");
    assert_eq!(symbols["version"], "1.2.3");
    assert_eq!(symbols["isSymbolsPackage"], true);
    assert_eq!(symbols["size"], 7419);
}

#[test]
fn a_broken_snupkg_beside_the_package_is_reported_but_the_package_opens() {
    let dir = tempfile::tempdir().unwrap();
    let package = nupub_testkit::packages::make_nupkg(dir.path(), "Broken.Symbols", "1.0.0", "", 0);
    std::fs::write(
        dir.path().join("Broken.Symbols.1.0.0.snupkg"),
        b"not a zip at all",
    )
    .unwrap();
    let h = harness(LaunchArgs::default());
    let opened = h.open(&package).unwrap();
    assert_eq!(opened["inspection"]["id"], "Broken.Symbols");
    assert_eq!(opened["symbols"], Value::Null);
    assert_eq!(opened["symbolsError"]["code"], "package.not_a_zip");
    assert!(opened["symbolsError"]["message"]
        .as_str()
        .unwrap()
        .contains("snupkg"));
}

#[test]
fn hostile_or_missing_files_give_coded_errors() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(LaunchArgs::default());
    assert_eq!(
        error_code(h.open(&dir.path().join("nope.nupkg"))),
        "package.not_found"
    );
    assert_eq!(error_code(h.open(dir.path())), "package.is_directory");
    let text = dir.path().join("text.nupkg");
    std::fs::write(&text, "<html>this is a web page saved as .nupkg</html>").unwrap();
    let before = file_digest(&text);
    assert_eq!(error_code(h.open(&text)), "package.not_a_zip");
    assert_eq!(file_digest(&text), before);
    let empty = dir.path().join("empty.nupkg");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(error_code(h.open(&empty)), "package.empty");
    // Arguments of the wrong type are refused by the IPC layer, not a panic.
    assert!(h.call("open_package", json!({ "path": 42 })).is_err());
    assert!(h.call("open_package", json!({})).is_err());
}

#[test]
fn verify_checks_every_crc_and_names_damaged_entries() {
    let h = harness(LaunchArgs::default());
    let good = fixture("Newtonsoft.Json.13.0.3.nupkg");
    h.open(&good).unwrap();
    let report = h
        .call(
            "verify_package",
            json!({ "path": good.display().to_string() }),
        )
        .unwrap();
    assert!(report["entriesChecked"].as_u64().unwrap() > 10);
    assert_eq!(report["damaged"], json!([]));

    // Not opened first: the command opens it itself.
    let bad = fixture("Newtonsoft.Json.13.0.3.CORRUPT-from-sqlwinds.nupkg");
    let before = file_digest(&bad);
    let report = h
        .call(
            "verify_package",
            json!({ "path": bad.display().to_string() }),
        )
        .unwrap();
    let damaged: Vec<&str> = report["damaged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(damaged.contains(&"packageIcon.png"), "{damaged:?}");
    assert!(damaged.contains(&"README.md"), "{damaged:?}");
    assert_eq!(file_digest(&bad), before);
}

#[test]
fn previews_text_images_and_binaries() {
    let h = harness(LaunchArgs::default());
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg")
        .display()
        .to_string();
    h.call("open_package", json!({ "path": path })).unwrap();
    let preview = |entry: &str| h.call("preview_entry", json!({ "path": path, "entry": entry }));

    let readme = preview("README.md").unwrap();
    assert_eq!(readme["kind"], "text");
    assert!(readme["text"].as_str().unwrap().contains("Json.NET"));

    let icon = preview("packageIcon.png").unwrap();
    assert_eq!(icon["kind"], "image");
    assert_eq!(icon["format"], "png");
    assert!(icon["dataUrl"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    assert!(icon["width"].as_u64().unwrap() > 0);

    let dll = preview("lib/net45/Newtonsoft.Json.dll").unwrap();
    assert_eq!(dll["kind"], "binary");
    assert_eq!(dll["description"], ".NET assembly or native library");

    // NuGet compares entry names without regard to case or slash direction.
    assert_eq!(
        preview("LIB\\NET45\\NEWTONSOFT.JSON.XML").unwrap()["kind"],
        "text"
    );
    assert_eq!(error_code(preview("lib/none.dll")), "package.no_such_entry");
}

#[test]
fn a_damaged_entry_preview_is_an_error_not_garbage() {
    let h = harness(LaunchArgs::default());
    let path = fixture("Newtonsoft.Json.13.0.3.CORRUPT-from-sqlwinds.nupkg")
        .display()
        .to_string();
    let result = h.call(
        "preview_entry",
        json!({ "path": path, "entry": "packageIcon.png" }),
    );
    assert_eq!(error_code(result), "package.entry_corrupt");
}

#[test]
fn links_open_only_when_trusted_or_confirmed() {
    let h = harness(LaunchArgs::default());
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg")
        .display()
        .to_string();
    let opened = h.call("open_package", json!({ "path": path })).unwrap();
    let project = opened["inspection"]["projectUrl"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(project.starts_with("https://"), "{project}");

    let trusted = h
        .call("open_link", json!({ "url": "https://www.nuget.org/packages/Newtonsoft.Json", "packagePath": null, "confirmed": false }))
        .unwrap();
    assert_eq!(trusted["status"], "opened");

    let ask = h
        .call(
            "open_link",
            json!({ "url": project, "packagePath": path, "confirmed": false }),
        )
        .unwrap();
    assert_eq!(ask["status"], "needsConfirmation");
    assert!(project.contains(ask["host"].as_str().unwrap()));
    assert_eq!(
        h.opened.lock().unwrap().len(),
        1,
        "nothing opened before the confirmation"
    );

    let yes = h
        .call(
            "open_link",
            json!({ "url": project, "packagePath": path, "confirmed": true }),
        )
        .unwrap();
    assert_eq!(yes["status"], "opened");

    // The same link with no package open is refused, as is any other address.
    let refused = h.call(
        "open_link",
        json!({ "url": project, "packagePath": null, "confirmed": true }),
    );
    assert_eq!(error_code(refused), "app.link_not_allowed");
    let refused = h.call(
        "open_link",
        json!({ "url": "https://evil.example/", "packagePath": path, "confirmed": true }),
    );
    assert_eq!(error_code(refused), "app.link_not_allowed");
    let refused = h.call(
        "open_link",
        json!({ "url": "file:///etc/passwd", "packagePath": path, "confirmed": true }),
    );
    assert_eq!(error_code(refused), "app.link_not_https");

    let opened = h.opened.lock().unwrap().clone();
    assert_eq!(opened.len(), 2);
    assert_eq!(opened[0], "https://www.nuget.org/packages/Newtonsoft.Json");
    assert!(opened[1].starts_with(&project));
}

fn codes(report: &Value, severity: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == severity)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn checks_give_findings_for_the_chosen_target() {
    let h = harness(LaunchArgs::default());
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg")
        .display()
        .to_string();
    let report = h
        .call(
            "check_package",
            json!({ "path": path, "target": "nuget.org" }),
        )
        .unwrap();
    assert_eq!(report["target"], "nuget.org");
    assert_eq!(report["package"]["id"], "Newtonsoft.Json");
    // A copy downloaded from nuget.org carries its repository countersignature:
    // nuget.org would refuse it, in its own words.
    assert_eq!(
        codes(&report, "error"),
        vec!["sign.countersignatures".to_string()]
    );
    let error = &report["findings"][0];
    assert_eq!(
        error["serverMessage"],
        "Author countersignatures and repository countersignatures are not supported."
    );
    assert!(error["hint"]
        .as_str()
        .unwrap()
        .contains("publish the .nupkg your build produced"));
    let all = report["findings"].as_array().unwrap();
    assert!(all.len() >= 3, "an error and its notes: {report}");
    for finding in all {
        assert!(
            finding["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{finding}"
        );
        assert!(
            finding["message"].as_str().is_some_and(|t| !t.is_empty()),
            "{finding}"
        );
    }
    let local = h
        .call("check_package", json!({ "path": path, "target": "local" }))
        .unwrap();
    assert_eq!(local["target"], "local");
    assert!(
        codes(&local, "error").is_empty(),
        "a folder feed takes it: {local}"
    );
    assert!(
        local["findings"].as_array().unwrap().len() <= report["findings"].as_array().unwrap().len()
    );
    // An unknown target is refused by the IPC layer.
    assert!(h
        .call("check_package", json!({ "path": path, "target": "pypi" }))
        .is_err());
}

#[test]
fn a_defective_package_has_errors_that_block_it() {
    let dir = tempfile::tempdir().unwrap();
    let defective = nupub_testkit::packages::make_nupkg(
        dir.path(),
        "Defective.Package",
        "1.0.0",
        r#"<license type="file">LICENSE.txt</license>"#,
        0,
    );
    let h = harness(LaunchArgs::default());
    let report = h
        .call(
            "check_package",
            json!({ "path": defective.display().to_string(), "target": "nuget.org" }),
        )
        .unwrap();
    let errors = codes(&report, "error");
    assert!(!errors.is_empty(), "{report}");
    let first = report["findings"]
        .as_array()
        .unwrap()
        .first()
        .unwrap()
        .clone();
    assert_eq!(first["severity"], "error", "errors come first");

    // The damaged fixture: every target, a local folder included, refuses it.
    let corrupt = fixture("Newtonsoft.Json.13.0.3.CORRUPT-from-sqlwinds.nupkg")
        .display()
        .to_string();
    let report = h
        .call(
            "check_package",
            json!({ "path": corrupt, "target": "local" }),
        )
        .unwrap();
    assert!(
        codes(&report, "error")
            .iter()
            .any(|c| c.starts_with("zip.")),
        "{report}"
    );
}

#[test]
fn health_lists_only_assembly_health_findings() {
    let h = harness(LaunchArgs::default());
    let path = fixture("Newtonsoft.Json.Bson.1.0.2.nupkg")
        .display()
        .to_string();
    let findings = h.call("package_health", json!({ "path": path })).unwrap();
    // Its three PDBs record no compiler flags (`nupub validate` says the same);
    // each finding names the assembly it is about.
    let found: Vec<(&str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "health.compiler_flags",
                "lib/net45/Newtonsoft.Json.Bson.dll"
            ),
            (
                "health.compiler_flags",
                "lib/netstandard1.3/Newtonsoft.Json.Bson.dll"
            ),
            (
                "health.compiler_flags",
                "lib/netstandard2.0/Newtonsoft.Json.Bson.dll"
            ),
        ],
        "{findings}"
    );
    // A package with no assemblies has nothing to say about their health.
    let dir = tempfile::tempdir().unwrap();
    let plain = nupub_testkit::packages::make_nupkg(dir.path(), "No.Assemblies", "1.0.0", "", 0);
    let findings = h
        .call(
            "package_health",
            json!({ "path": plain.display().to_string() }),
        )
        .unwrap();
    assert_eq!(findings, json!([]));
    let missing = h.call("package_health", json!({ "path": "/nonexistent/x.nupkg" }));
    assert_eq!(error_code(missing), "package.not_found");
}

/// Files under `dir` (recursively); a folder that does not exist holds none.
fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn feeds_carry_the_target_their_checks_use() {
    let h = harness(LaunchArgs::default());
    let dir = tempfile::tempdir().unwrap();
    let package = nupub_testkit::packages::make_nupkg(dir.path(), "Feed.Targets", "1.0.0", "", 0);
    let list = h
        .call(
            "list_feeds",
            json!({ "packagePath": package.display().to_string() }),
        )
        .unwrap();
    let feeds = list["feeds"].as_array().unwrap();
    assert_eq!(feeds[0]["kind"], "local");
    assert_eq!(feeds[0]["target"], "local");
    let last = feeds.last().unwrap();
    assert_eq!(last["kind"], "nugetOrg");
    assert_eq!(last["target"], "nuget.org");
}

#[test]
fn publish_refuses_a_package_the_checks_refuse_and_the_feed_stays_empty() {
    let h = harness(LaunchArgs::default());
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed");

    // The damaged fixture (read in place): even a folder feed refuses it.
    let corrupt = fixture("Newtonsoft.Json.13.0.3.CORRUPT-from-sqlwinds.nupkg");
    let before = file_digest(&corrupt);
    let refused = h.call(
        "publish",
        json!({ "path": corrupt.display().to_string(), "feed": feed.display().to_string(), "consent": {} }),
    );
    let error = refused.clone().unwrap_err();
    assert_eq!(error_code(refused), "publish.blocked_by_checks");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("would refuse Newtonsoft.Json 13.0.3"),
        "{message}"
    );
    assert!(message.contains("more error"), "names the count: {message}");
    assert!(
        error["hint"].as_str().unwrap().contains("nothing was sent"),
        "{error}"
    );
    assert!(
        files_under(&feed).is_empty(),
        "the folder feed stays empty: {:?}",
        files_under(&feed)
    );
    assert_eq!(
        file_digest(&corrupt),
        before,
        "the user's file is untouched"
    );

    // A package nuget.org refuses (its licence file is missing) is refused
    // for nuget.org before any connection is tried.
    let defective = nupub_testkit::packages::make_nupkg(
        &dir.path().join("in"),
        "Defective.Publish",
        "1.0.0",
        r#"<license type="file">LICENSE.txt</license>"#,
        0,
    );
    let refused = h.call(
        "publish",
        json!({ "path": defective.display().to_string(), "feed": "nuget.org", "consent": {} }),
    );
    let error = refused.clone().unwrap_err();
    assert_eq!(error_code(refused), "publish.blocked_by_checks");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("nuget.org") && message.contains("would refuse Defective.Publish 1.0.0"),
        "{message}"
    );
    assert!(message.contains("more error"), "names the count: {message}");
    assert!(
        error["hint"].as_str().unwrap().contains("nuget.org"),
        "{error}"
    );
}

#[test]
fn publish_sends_a_package_the_checks_accept() {
    let h = harness(LaunchArgs::default());
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed");
    // The same package that nuget.org refuses passes a folder feed's checks.
    let package = nupub_testkit::packages::make_nupkg(
        &dir.path().join("in"),
        "Good.Publish",
        "1.0.0",
        r#"<license type="file">LICENSE.txt</license>"#,
        0,
    );
    let before = file_digest(&package);
    let report = h
        .call(
            "publish",
            json!({ "path": package.display().to_string(), "feed": feed.display().to_string(), "consent": {} }),
        )
        .unwrap();
    let report = &report["report"];
    assert_eq!(report["id"], "Good.Publish");
    assert_eq!(report["version"], "1.0.0");
    let stored = files_under(&feed)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "nupkg"))
        .collect::<Vec<_>>();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(file_digest(&stored[0]), before);
    // No publish is running any more, so there is nothing to cancel.
    assert_eq!(h.call("cancel_publish", json!({})).unwrap(), json!(false));
}

// ---- Files tab: assembly identity and health (assembly_info) ---------------

fn assembly_info(h: &Harness, package: &std::path::Path, entry: &str) -> Result<Value, Value> {
    h.call(
        "assembly_info",
        json!({ "path": package.display().to_string(), "entry": entry }),
    )
}

fn check<'a>(details: &'a Value, code: &str) -> &'a Value {
    details["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no {code} check in {details}"))
}

#[test]
fn assembly_info_names_newtonsoft_json_and_its_health() {
    let h = harness(LaunchArgs::default());
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg");
    let before = file_digest(&path);
    let details = assembly_info(&h, &path, "lib/net6.0/Newtonsoft.Json.dll").unwrap();
    assert_eq!(details["path"], "lib/net6.0/Newtonsoft.Json.dll");
    let id = &details["identity"];
    assert_eq!(id["kind"], "managed");
    assert_eq!(id["name"], "Newtonsoft.Json");
    assert_eq!(id["version"], "13.0.0.0");
    assert_eq!(id["culture"], Value::Null);
    assert_eq!(id["publicKeyToken"], "30ad4fe6b2a6aeed");
    assert_eq!(id["targetFramework"], "net6.0");
    assert_eq!(id["frameworkAttribute"], ".NETCoreApp,Version=v6.0");
    assert_eq!(details["identityError"], Value::Null);
    assert_eq!(details["healthNote"], Value::Null);
    // The statuses agree with the rules' own health findings for this file.
    let health = h
        .call(
            "package_health",
            json!({ "path": path.display().to_string() }),
        )
        .unwrap();
    let failed_by_rules: Vec<&str> = health
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "lib/net6.0/Newtonsoft.Json.dll")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    let checks = details["checks"].as_array().unwrap();
    assert!(checks.len() >= 6, "{details}");
    for c in checks {
        let code = c["code"].as_str().unwrap();
        assert!(code.starts_with("health."), "{c}");
        assert!(!c["check"].as_str().unwrap().is_empty());
        assert_eq!(
            c["status"] == "failed",
            failed_by_rules.contains(&code),
            "{c} vs {failed_by_rules:?}"
        );
        if c["status"] == "failed" {
            assert!(
                c["reason"]
                    .as_str()
                    .unwrap()
                    .contains("lib/net6.0/Newtonsoft.Json.dll"),
                "{c}"
            );
            assert!(!c["fix"].as_str().unwrap().is_empty(), "{c}");
        }
    }
    // Newtonsoft.Json 13.0.3 is built deterministically and ships no PDB beside it.
    assert_eq!(check(&details, "health.deterministic")["status"], "passed");
    let symbols = check(&details, "health.symbols_missing");
    assert_eq!(symbols["status"], "failed", "{details}");
    assert!(symbols["fix"]
        .as_str()
        .unwrap()
        .contains("<IncludeSymbols>"));
    let source_link = check(&details, "health.source_link");
    assert_eq!(source_link["status"], "notChecked");
    assert_eq!(source_link["reason"], "there is no PDB to check");
    assert_eq!(file_digest(&path), before, "the package file changed");
}

#[test]
fn assembly_info_reads_symbols_from_the_snupkg_beside_the_package() {
    let h = harness(LaunchArgs::default());
    let details = assembly_info(
        &h,
        &fixture("TestData.1.2.3.nupkg"),
        "lib/net5.0/TestData.dll",
    )
    .unwrap();
    assert_eq!(details["identity"]["name"], "TestData");
    assert_eq!(details["identity"]["publicKeyToken"], Value::Null);
    assert_eq!(
        check(&details, "health.symbols_missing")["status"],
        "passed"
    );
    assert_eq!(check(&details, "health.pdb_mismatch")["status"], "passed");
    assert_eq!(
        check(&details, "health.pdb_not_portable")["status"],
        "passed"
    );
    // Its PDB has no Source Link map, so the untracked-sources check is not made.
    let source_link = check(&details, "health.source_link");
    assert_eq!(source_link["status"], "failed");
    assert!(source_link["reason"]
        .as_str()
        .unwrap()
        .contains("TestData.pdb"));
    let untracked = check(&details, "health.untracked_sources");
    assert_eq!(untracked["status"], "notChecked");
    assert_eq!(
        untracked["reason"],
        "checked only when the PDB has a Source Link map"
    );
    // Readable, so no "Readable assembly" line.
    assert!(details["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["code"] != "health.unreadable_assembly"));
}

#[test]
fn assembly_info_for_native_and_satellite_files_says_why_health_does_not_apply() {
    let h = harness(LaunchArgs::default());
    let native = assembly_info(
        &h,
        &fixture("PackageWithNativeCustomControl.1.0.14.nupkg"),
        "runtimes/win10-x86/native/NativePackage/NativePackage.dll",
    )
    .unwrap();
    assert_eq!(native["identity"]["kind"], "native");
    assert_eq!(native["identity"]["architecture"], "x86");
    assert_eq!(native["identity"]["runtime"], "win10-x86");
    assert_eq!(native["checks"], json!([]));
    assert!(native["healthNote"].as_str().unwrap().contains("native"));
    let satellite = assembly_info(
        &h,
        &fixture("System.Text.Json.8.0.3.nupkg"),
        "analyzers/dotnet/roslyn3.11/cs/de/System.Text.Json.SourceGeneration.resources.dll",
    )
    .unwrap();
    assert_eq!(satellite["identity"]["culture"], "de");
    assert_eq!(satellite["checks"], json!([]));
    assert!(satellite["healthNote"].as_str().unwrap().contains("lib/"));
}

#[test]
fn assembly_info_on_broken_or_missing_files_gives_coded_errors() {
    let h = harness(LaunchArgs::default());
    let newtonsoft = fixture("Newtonsoft.Json.13.0.3.nupkg");
    // Not in the package, no package at all.
    let missing = assembly_info(&h, &newtonsoft, "lib/net6.0/Nope.dll");
    assert_eq!(error_code(missing), "package.no_such_entry");
    let gone = assembly_info(&h, std::path::Path::new("/nonexistent/x.nupkg"), "a.dll");
    assert_eq!(error_code(gone), "package.not_found");
    // Not an assembly: the identity error says so; the call still answers.
    let nuspec = assembly_info(&h, &newtonsoft, "Newtonsoft.Json.nuspec").unwrap();
    assert_eq!(nuspec["identity"], Value::Null);
    assert_eq!(nuspec["identityError"]["code"], "package.not_an_assembly");

    // NuGet.exe packs a garbage DLL and a cut-short one: each gets a coded
    // identity error, and the rules' "cannot be read" check fails naming it.
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    std::fs::create_dir_all(src.join("lib")).unwrap();
    std::fs::write(
        src.join("lib/Garbage.dll"),
        b"MZ this is not a PE file at all",
    )
    .unwrap();
    let real = nupub_package::Package::open(&fixture("TestData.1.2.3.nupkg"))
        .unwrap()
        .read_entry("lib/net5.0/TestData.dll", 1 << 20)
        .unwrap();
    std::fs::write(src.join("lib/Cut.dll"), &real[..real.len() / 2]).unwrap();
    let nuspec = src.join("Broken.Assemblies.nuspec");
    std::fs::write(
        &nuspec,
        r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Broken.Assemblies</id>
    <version>1.0.0</version>
    <authors>Nupub Tests</authors>
    <description>Assemblies that cannot be read.</description>
  </metadata>
  <files>
    <file src="lib/Garbage.dll" target="lib/net6.0/Garbage.dll" />
    <file src="lib/Cut.dll" target="lib/net6.0/Cut.dll" />
  </files>
</package>
"#,
    )
    .unwrap();
    let package = nupub_testkit::nuget_exe::NuGetExe::new().pack(&nuspec, &work.path().join("out"));
    let before = file_digest(&package);
    for (entry, code) in [
        ("lib/net6.0/Garbage.dll", "package.not_an_assembly"),
        ("lib/net6.0/Cut.dll", "package.not_an_assembly"),
    ] {
        let details = assembly_info(&h, &package, entry).unwrap();
        assert_eq!(details["identity"], Value::Null, "{details}");
        let error = &details["identityError"];
        assert_eq!(error["code"], code, "{details}");
        assert!(
            error["message"].as_str().unwrap().contains(entry),
            "{error}"
        );
        assert!(!error["hint"].as_str().unwrap().is_empty());
        let unreadable = check(&details, "health.unreadable_assembly");
        assert_eq!(unreadable["status"], "failed", "{details}");
        assert!(unreadable["reason"].as_str().unwrap().contains(entry));
        assert_eq!(
            check(&details, "health.deterministic")["status"],
            "notChecked"
        );
    }
    assert_eq!(file_digest(&package), before, "the package file changed");
}

// ---- Preflight: what the feed knows before Confirm (feed facts, symbols, key) ----

#[test]
fn preflight_through_ipc_says_the_previous_version_on_pynuget_was_signed() {
    let key = format!("ipc-facts-{}", std::process::id());
    let server = nupub_testkit::pynuget::PyNuGet::start(&key);
    nupub_testkit::nuget_exe::NuGetExe::new()
        .push(
            &fixture("TestPackage.AuthorSigned.1.0.0.nupkg"),
            &server.push_url(),
            Some(&key),
        )
        .expect_success("nuget push of the signed 1.0.0");
    let h = harness(LaunchArgs::default());
    let dir = tempfile::tempdir().unwrap();
    let next =
        nupub_testkit::packages::make_nupkg(dir.path(), "TestPackage.AuthorSigned", "1.1.0", "", 0);
    let before = file_digest(&next);
    let answer = h
        .call(
            "plan_publish",
            json!({ "path": next.display().to_string(), "feed": server.push_url() }),
        )
        .unwrap();
    assert_eq!(answer["reachable"], true, "{answer}");
    assert_eq!(answer["version"], "absent", "{answer}");
    let findings = answer["feedFindings"].as_array().unwrap();
    let signed = findings
        .iter()
        .find(|f| f["code"] == "sign.signed_to_unsigned")
        .unwrap_or_else(|| panic!("{answer}"));
    assert_eq!(signed["severity"], "warning");
    assert!(
        signed["message"].as_str().unwrap().contains("1.0.0"),
        "{signed}"
    );
    assert!(
        signed["serverMessage"]
            .as_str()
            .unwrap()
            .contains("is author signed but the uploaded package is unsigned"),
        "{signed}"
    );
    assert_eq!(answer["symbols"], json!({ "status": "none" }));
    assert_eq!(answer["notes"], json!([]), "{answer}");
    assert_eq!(file_digest(&next), before);

    // 1.0.0 again: "already there" once, as `version`, not as a finding too.
    let same = h
        .call(
            "plan_publish",
            json!({
                "path": fixture("TestPackage.AuthorSigned.1.0.0.nupkg").display().to_string(),
                "feed": server.push_url(),
            }),
        )
        .unwrap();
    assert_eq!(same["version"], "present", "{same}");
    assert!(
        same["feedFindings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "version.exists"),
        "{same}"
    );
}

#[test]
fn preflight_turns_a_failed_facts_lookup_into_a_note_and_keeps_the_rest() {
    // The index answers, but the version list lives on a port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{closed}/flat/");
    let index = nupub_testkit::pynuget::StaticV3Index::start(&[
        ("PackagePublish/2.0.0", "http://127.0.0.1:9/api/v2/package"),
        (
            "SymbolPackagePublish/4.9.0",
            "http://127.0.0.1:9/api/v2/symbolpackage",
        ),
        ("PackageBaseAddress/3.0.0", &base),
    ]);
    let h = harness(LaunchArgs::default());
    let dir = tempfile::tempdir().unwrap();
    let package = nupub_testkit::packages::make_nupkg(dir.path(), "Facts.Down", "1.0.0", "", 0);
    // A broken symbol package too: the failed lookup must not hide it.
    std::fs::copy(&package, dir.path().join("Facts.Down.1.0.0.snupkg")).unwrap();
    let answer = h
        .call(
            "plan_publish",
            json!({ "path": package.display().to_string(), "feed": index.index_url() }),
        )
        .unwrap();
    assert_eq!(answer["reachable"], true, "{answer}");
    assert_eq!(answer["version"], "unknown", "{answer}");
    let notes = answer["notes"].as_array().unwrap();
    assert!(!notes.is_empty(), "{answer}");
    let note = notes[0].as_str().unwrap();
    assert!(
        note.starts_with("Nupub could not ask") && note.contains("Facts.Down"),
        "{note}"
    );
    assert!(answer["versionDetail"].is_string(), "{answer}");
    assert_eq!(answer["symbols"]["status"], "invalid", "{answer}");
    // Nothing else the feed said: only that no key was found for it.
    let feed_codes: Vec<&str> = answer["feedFindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(feed_codes, ["publish.no_key"], "{answer}");
}
