//! `nupub inspect` as a user runs it, on real packages.
#![allow(clippy::unwrap_used)]

use nupub_testkit::fixture;
use nupub_testkit::nuget_exe::NuGetExe;
use std::process::Command;

fn nupub(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nupub"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_reader_that_stops_early_ends_it_quietly() {
    use std::os::unix::process::ExitStatusExt;
    // Standard output is a pipe whose reader has already gone, as when
    // `nupub inspect --json … | head -c 0` stops reading: every write fails.
    let (reader, writer) = nix::unistd::pipe().unwrap();
    drop(reader);
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg");
    let out = Command::new(env!("CARGO_BIN_EXE_nupub"))
        .args(["inspect", "--json", path.to_str().unwrap()])
        .stdout(std::process::Stdio::from(writer))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    // Ended by SIGPIPE like other Unix tools, not by a panic's exit code 101.
    assert_eq!(out.status.signal(), Some(13), "{:?}", out.status);
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
        "  Files          24 files (directory records not counted), 10.0 MB unpacked (2.3 MB package)",
        "all 24 files pass their CRC check (directory records not counted)",
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
fn assemblies_show_their_identity_in_text_and_json() {
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg");
    let out = nupub(&["inspect", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let section: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("  Assemblies "))
        .take_while(|l| l.starts_with("  Assemblies ") || l.starts_with("                 "))
        .collect();
    let net6 = words_of_line(&text, "lib/net6.0/Newtonsoft.Json.dll");
    assert_eq!(
        net6,
        [
            "lib/net6.0/Newtonsoft.Json.dll",
            "net6.0",
            "13.0.0.0",
            "30ad4fe6b2a6aeed"
        ]
    );
    // One line per .dll in the package (8 framework folders in 13.0.3).
    let dlls = section.iter().filter(|l| l.contains(".dll  ")).count();
    assert_eq!(dlls, 8, "{section:#?}");
    assert!(
        section.iter().all(|l| !l.contains("unreadable")),
        "{section:#?}"
    );

    let out = nupub(&["inspect", "--json", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v["assemblies"].as_array().unwrap();
    assert_eq!(list.len(), 8);
    let net6 = list
        .iter()
        .find(|a| a["path"] == "lib/net6.0/Newtonsoft.Json.dll")
        .unwrap();
    assert_eq!(net6["kind"], "managed");
    assert_eq!(net6["name"], "Newtonsoft.Json");
    assert_eq!(net6["version"], "13.0.0.0");
    assert_eq!(net6["publicKeyToken"], "30ad4fe6b2a6aeed");
    assert_eq!(net6["targetFramework"], "net6.0");
    assert!(net6["culture"].is_null());
    // The inspection's own fields are still there.
    assert_eq!(v["id"], "Newtonsoft.Json");

    // A native DLL is marked native, with its CPU and runtime folder.
    let path = fixture("PackageWithNativeCustomControl.1.0.14.nupkg");
    let out = nupub(&["inspect", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let native = words_of_line(&text, "NativePackage.dll");
    assert_eq!(
        native,
        [
            "runtimes/win10-x86/native/NativePackage/NativePackage.dll",
            "win10-x86",
            "native",
            "x86"
        ]
    );
}

#[test]
fn a_garbage_dll_is_an_error_line_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // A DOS header that points outside the file.
    let mut truncated = b"MZ".to_vec();
    truncated.resize(0x40, 0);
    truncated[0x3c] = 0xf0;
    let package = NuGetExe::new().pack_files(
        dir.path(),
        "Garbage.Assemblies",
        "1.0.0",
        &[
            ("lib/net8.0/Garbage.dll", &b"this is not a PE file\n"[..]),
            ("runtimes/win-x64/native/Truncated.dll", &truncated),
            ("readme.txt", &b"text\n"[..]),
        ],
    );
    let before = std::fs::read(&package).unwrap();

    let out = nupub(&["inspect", package.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let garbage = words_of_line(&text, "lib/net8.0/Garbage.dll");
    let garbage: Vec<&str> = garbage.into_iter().filter(|w| *w != "Assemblies").collect();
    assert_eq!(
        garbage[..2],
        ["lib/net8.0/Garbage.dll", "unreadable:"],
        "{garbage:?}"
    );
    assert!(
        garbage.last().unwrap().starts_with("[package."),
        "{garbage:?}"
    );
    let truncated = words_of_line(&text, "Truncated.dll");
    assert!(
        truncated.contains(&"unreadable:") && truncated.last().unwrap().starts_with("[package."),
        "{truncated:?}"
    );
    assert!(text.contains("files pass their CRC check"), "{text}");

    let out = nupub(&["inspect", "--json", package.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v["assemblies"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:#?}");
    for entry in list {
        let code = entry["error"]["code"].as_str().unwrap();
        assert!(nupub_error::is_valid_code(code), "{code}");
        assert!(code.starts_with("package."), "{code}");
        assert!(!entry["error"]["message"].as_str().unwrap().is_empty());
        assert!(entry["kind"].is_null(), "{entry}");
    }
    // Inspecting never changes the file.
    assert_eq!(std::fs::read(&package).unwrap(), before);
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

/// The words of the first line of `text` that contains `needle`.
fn words_of_line<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
        .split_whitespace()
        .collect()
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nupub-inspect-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
