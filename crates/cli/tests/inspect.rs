//! `nupub inspect` as a user runs it, on real packages.
#![allow(clippy::unwrap_used)]

use nupub_testkit::fixture;
use std::process::Command;

fn nupub(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nupub"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn human_summary_of_a_signed_package() {
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg");
    let out = nupub(&["inspect", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Newtonsoft.Json 13.0.3\n"), "{text}");
    for want in [
        "  License        MIT (licence expression; OSI approved)",
        "  Icon           packageIcon.png (PNG 512×512, 8.7 KB)",
        "author signature + repository countersignature",
        "owners     dotnetfoundation, jamesnk, newtonsoft",
        "  Files          24 files, 10.0 MB unpacked (2.3 MB package)",
        "all 24 entries pass their CRC check",
        "netstandard1.0     Microsoft.CSharp [4.3.0, )",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

#[test]
fn json_has_the_documented_shape() {
    let path = fixture("Npgsql.8.0.3.nupkg");
    let out = nupub(&["inspect", path.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "id",
        "version",
        "normalizedVersion",
        "isPrerelease",
        "isSemVer2",
        "title",
        "authors",
        "owners",
        "description",
        "summary",
        "releaseNotes",
        "copyright",
        "tags",
        "projectUrl",
        "license",
        "licenseUrl",
        "icon",
        "iconUrl",
        "readme",
        "repository",
        "minClientVersion",
        "packageTypes",
        "dependencyGroups",
        "frameworkAssemblies",
        "frameworkReferences",
        "frameworks",
        "files",
        "signature",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["id"], "Npgsql");
    assert_eq!(v["license"]["type"], "expression");
    assert_eq!(v["license"]["value"], "PostgreSQL");
    assert_eq!(v["icon"]["format"], "png");
    assert!(v["readme"]["html"].as_str().unwrap().contains("<h"));
    assert_eq!(v["signature"]["kind"], "repository");
    assert_eq!(v["dependencyGroups"].as_array().unwrap().len(), 5);
    let dep = &v["dependencyGroups"][0]["dependencies"][0];
    for key in ["id", "range", "include", "exclude"] {
        assert!(dep.get(key).is_some(), "dependency lacks {key}: {dep}");
    }
    assert!(v["files"][0]["compressedSize"].is_u64());
    assert_eq!(v["integrity"]["damaged"].as_array().unwrap().len(), 0);
    let unsigned = nupub(&[
        "inspect",
        "--json",
        fixture("jQuery.2.0.2.nupkg").to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&unsigned.stdout).unwrap();
    assert!(v["signature"].is_null());
}

#[test]
fn damaged_and_unreadable_packages_exit_1_with_the_reason_on_stderr() {
    let out = nupub(&[
        "inspect",
        fixture("Newtonsoft.Json.13.0.3.CORRUPT-from-sqlwinds.nupkg")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("packageIcon.png")
            && err.contains("[package.entry_corrupt]")
            && err.contains("fix:"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("WARNING: 5 of 24 entries are damaged"));

    let dir = tempfile_dir();
    let not_zip = dir.join("notes.nupkg");
    std::fs::write(&not_zip, "hello").unwrap();
    let out = nupub(&["inspect", not_zip.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[package.not_a_zip]"));
    assert!(out.stdout.is_empty());
    let out = nupub(&[
        "inspect",
        dir.join("missing.nupkg").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[package.not_found]"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(nupub(&["inspect"]).status.code(), Some(2));
    assert_eq!(
        nupub(&["inspect", "a.nupkg", "--bogus"]).status.code(),
        Some(2)
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nupub-inspect-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
