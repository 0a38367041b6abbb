//! `nupub diff` and the verdict finding of `nupub validate`: two versions of
//! a library compiled with `mcs` and packed with NuGet.exe, the baseline
//! published to pynuget (a real V2 server) or read from a folder feed.
#![allow(clippy::unwrap_used)]

use nupub_testkit::nuget_exe::NuGetExe;
use nupub_testkit::pynuget::PyNuGet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const KEY: &str = "diff-key-0123456789";
const ID: &str = "Diff.Lib";
const V1: &str = "namespace D { public class Api { public void Keep() {} public int Remove(string name) { return 0; } } }";
const V2: &str = "namespace D { public class Api { public void Keep() {} } }";
const REMOVED: &str = "public int D.Api.Remove(string name)";

fn nupub(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nupub"))
        .args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("NUGET_API_KEY")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Packs `source` compiled as `lib/net45/Diff.Lib.dll` into `Diff.Lib.{version}.nupkg`.
fn library(nuget: &NuGetExe, dir: &Path, version: &str, source: &str) -> PathBuf {
    let dir = dir.join(version);
    let dll = nupub_testkit::mcs::compile_library(&dir, ID, source);
    nuget.pack_files(&dir, ID, version, &[("lib/net45/Diff.Lib.dll", &dll)])
}

#[test]
fn diff_of_two_files_names_the_removed_method_and_needs_a_major_bump() {
    let home = tempfile::tempdir().unwrap();
    let nuget = NuGetExe::new();
    let old = library(&nuget, home.path(), "1.0.0", V1);
    let new = library(&nuget, home.path(), "1.0.1", V2);
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());

    let out = nupub(home.path(), &["diff", old, new]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains(&format!("[BREAKING CP0002] Member '{REMOVED}'")),
        "{t}"
    );
    assert!(t.contains("TOO SMALL, use 2.0.0"), "{t}");
    assert!(t.contains("lib/net45/Diff.Lib.dll"), "{t}");

    let out = nupub(home.path(), &["diff", old, new, "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"]["needed"], "major");
    assert_eq!(json["verdict"]["chosen"], "patch");
    assert_eq!(json["verdict"]["suggestedVersion"], "2.0.0");
    let api: Vec<&serde_json::Value> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "api")
        .collect();
    assert_eq!(api.len(), 1, "{api:?}");
    assert_eq!(api[0]["signature"], REMOVED);
    assert_eq!(api[0]["id"], "CP0002");

    // The other way round it is an addition: a minor bump, and 1.0.0 → 1.0.1 is too small too.
    let out = nupub(home.path(), &["diff", new, old, "--breaking-only"]);
    let t = text(&out);
    assert!(!t.contains("CP0002"), "{t}");
    assert!(t.contains("need a minor bump"), "{t}");

    // Offline validate with the baseline file: the warning, with the version to use.
    let out = nupub(
        home.path(),
        &[
            "validate",
            new,
            "--target",
            "local",
            "--baseline",
            old,
            "--json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "version.bump_too_small")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(finding["severity"], "warning");
    assert!(finding["message"].as_str().unwrap().contains(REMOVED));
    assert!(finding["hint"].as_str().unwrap().contains("2.0.0"));
}

#[test]
fn validate_source_compares_with_the_version_on_pynuget() {
    let home = tempfile::tempdir().unwrap();
    let nuget = NuGetExe::new();
    let server = PyNuGet::start(KEY);
    let old = library(&nuget, home.path(), "1.0.0", V1);
    nuget
        .push(&old, &server.push_url(), Some(KEY))
        .expect_success("nuget push 1.0.0");
    let new = library(&nuget, home.path(), "1.0.1", V2);
    let url = server.push_url();
    let new = new.to_str().unwrap();

    let out = nupub(home.path(), &["validate", new, "--source", &url, "--json"]);
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "version.bump_too_small")
        .unwrap_or_else(|| panic!("{}", text(&out)));
    assert!(finding["message"].as_str().unwrap().contains("1.0.0"));
    assert!(finding["hint"].as_str().unwrap().contains("2.0.0"));

    // `nupub diff auto NEW` and `ID@VERSION` read the same baseline from the feed.
    let out = nupub(home.path(), &["diff", "auto", new, "--source", &url]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains(REMOVED), "{}", text(&out));
    let out = nupub(
        home.path(),
        &["diff", &format!("{ID}@1.0.0"), new, "--source", &url],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    // The download is kept once, under its SHA-256, in the cache folder.
    let cached: Vec<_> = std::fs::read_dir(home.path().join("data/nupub/cache/baselines"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert_eq!(cached[0].len(), 64 + ".nupkg".len());

    // A version the feed does not have is a clear error.
    let out = nupub(
        home.path(),
        &["diff", &format!("{ID}@0.9.0"), new, "--source", &url],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("diff.version_not_on_feed"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_new_id_has_nothing_to_compare_with() {
    let home = tempfile::tempdir().unwrap();
    let feed = home.path().join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    let nuget = NuGetExe::new();
    let new = library(&nuget, home.path(), "1.0.0", V1);
    let out = nupub(
        home.path(),
        &[
            "diff",
            "auto",
            new.to_str().unwrap(),
            "--source",
            feed.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("Nothing to compare with: Diff.Lib is new"),
        "{}",
        text(&out)
    );
    // A file that is not there is a usage error.
    let out = nupub(
        home.path(),
        &["diff", "missing.nupkg", new.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn api_lists_the_public_surface_of_a_dll_and_of_a_package() {
    let home = tempfile::tempdir().unwrap();
    let nuget = NuGetExe::new();
    let package = library(&nuget, home.path(), "1.0.0", V1);
    let dll = home.path().join("1.0.0").join("Diff.Lib.dll");
    std::fs::write(&dll, read_entry(&package, "lib/net45/Diff.Lib.dll")).unwrap();

    // The bare assembly: its public methods, as `nupub diff` names them.
    let out = nupub(home.path(), &["api", dll.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(shown.contains("public class D.Api"), "{shown}");
    assert!(shown.contains(REMOVED), "{shown}");

    // The package: every lib/ assembly, and the same surface as JSON.
    let out = nupub(home.path(), &["api", package.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let assemblies = json["assemblies"].as_array().unwrap();
    assert_eq!(assemblies.len(), 1, "{json}");
    assert_eq!(assemblies[0]["file"], "lib/net45/Diff.Lib.dll");
    assert_eq!(assemblies[0]["surface"]["assemblyName"], ID);
    let members: Vec<&str> = assemblies[0]["surface"]["types"][0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["signature"].as_str().unwrap())
        .collect();
    assert!(members.contains(&REMOVED), "{members:?}");

    // Not an assembly: a coded error, exit 1, nothing on stdout.
    let readme = home.path().join("notes.dll");
    std::fs::write(&readme, "not a PE file").unwrap();
    let out = nupub(home.path(), &["api", readme.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("[package.not_an_assembly]"),
        "{}",
        text(&out)
    );
    assert!(out.stdout.is_empty());
}

/// The bytes of `entry` in the package at `path` (Python's zipfile, an independent reader).
fn read_entry(path: &Path, entry: &str) -> Vec<u8> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
            path.to_str().unwrap(),
            entry,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
