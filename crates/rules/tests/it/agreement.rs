//! Agreement with the real client: NuGet.exe 5.8 `pack` prints its NU5xxx
//! warnings for nuspecs written here; Nupub must report the same codes (for
//! the NU codes it implements) on the package NuGet.exe produced.
#![allow(clippy::unwrap_used)]

use nupub_fixtures::nuget_exe::NuGetExe;
use nupub_rules::{validate_file, Options, RuleTarget};
use std::collections::BTreeSet;
use std::path::Path;

/// NuGet.exe 5.8 knows NU5130 (it prints it beside NU5128 for a lib/ref
/// framework that has only a compatible dependency group).
const IMPLEMENTED: [&str; 11] = [
    "NU5048", "NU5100", "NU5101", "NU5103", "NU5104", "NU5123", "NU5125", "NU5127", "NU5128",
    "NU5129", "NU5130",
];

struct Case {
    name: &'static str,
    version: &'static str,
    metadata: &'static str,
    /// Files to write and pack (path in the package = path on disk).
    files: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case { name: "clean", version: "1.0.0", metadata: "<license type=\"expression\">MIT</license>", files: &["content/hello.txt"] },
    Case { name: "license-url", version: "1.0.0", metadata: "<licenseUrl>https://example.com/license</licenseUrl>", files: &["content/hello.txt"] },
    Case { name: "icon-url", version: "1.0.0", metadata: "<iconUrl>https://example.com/icon.png</iconUrl>", files: &["content/hello.txt"] },
    Case {
        name: "prerelease-dep",
        version: "1.0.0",
        metadata: "<dependencies><group targetFramework=\"net45\"><dependency id=\"Other\" version=\"2.0.0-beta\" /></group></dependencies>",
        files: &["lib/net45/Sample.dll"],
    },
    Case { name: "dll-outside-lib", version: "1.0.0", metadata: "", files: &["content/Sample.dll"] },
    Case { name: "dll-in-lib-root", version: "1.0.0", metadata: "", files: &["lib/Sample.dll"] },
    Case { name: "bad-tfm-folder", version: "1.0.0", metadata: "", files: &["lib/banana/Sample.dll"] },
    Case { name: "build-only", version: "1.0.0", metadata: "", files: &["build/net45/Other.targets"] },
    Case { name: "no-dep-groups", version: "1.0.0", metadata: "", files: &["lib/net45/Sample.dll", "lib/netstandard2.0/Sample.dll"] },
    Case {
        name: "compatible-dep-group",
        version: "1.0.0",
        metadata: "<dependencies><group targetFramework=\"net45\" /><group targetFramework=\"netstandard2.0\" /></dependencies>",
        files: &["lib/net472/Sample.dll", "lib/netstandard2.0/Sample.dll"],
    },
    Case {
        name: "platform-dep-group",
        version: "1.0.0",
        metadata: "<dependencies><group targetFramework=\"net5.0\" /></dependencies>",
        files: &["lib/net5.0-windows7.0/Sample.dll"],
    },
    Case {
        name: "exact-dep-groups",
        version: "1.0.0",
        metadata: "<dependencies><group targetFramework=\".NETFramework4.7.2\" /><group targetFramework=\"netstandard2.0\" /></dependencies>",
        files: &["lib/net472/Sample.dll", "lib/netstandard2.0/Sample.dll"],
    },
    Case {
        name: "long-path",
        version: "1.0.0",
        metadata: "",
        files: &["content/a-very-long-folder-name-that-goes-on-and-on/and-another-folder-with-a-long-name-too/and-a-third-one-to-cross-two-hundred-characters/file-name.txt"],
    },
];

fn nu_codes(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    for i in 0..bytes.len().saturating_sub(5) {
        if &bytes[i..i + 2] == b"NU" && bytes[i + 2..i + 6].iter().all(u8::is_ascii_digit) {
            let code = &text[i..i + 6];
            if IMPLEMENTED.contains(&code) {
                out.insert(code.to_string());
            }
        }
    }
    out
}

fn write_case(dir: &Path, case: &Case) -> std::path::PathBuf {
    let id = format!("Nupub.Agree.{}", case.name.replace('-', "."));
    let mut files = String::new();
    for f in case.files {
        let path = dir.join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let body: &[u8] = if f.ends_with(".dll") {
            b"MZ not really an assembly"
        } else if f.ends_with(".targets") {
            b"<Project />"
        } else {
            b"hello\n"
        };
        std::fs::write(&path, body).unwrap();
        files.push_str(&format!(
            "<file src=\"{f}\" target=\"{}\" />\n",
            Path::new(f).parent().unwrap().display()
        ));
    }
    let nuspec = dir.join(format!("{id}.nuspec"));
    std::fs::write(
        &nuspec,
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\">\n<metadata>\n<id>{id}</id>\n<version>{}</version>\n<authors>Nupub Tests</authors>\n<description>Agreement test.</description>\n{}\n</metadata>\n<files>\n{files}</files>\n</package>\n",
            case.version, case.metadata
        ),
    )
    .unwrap();
    nuspec
}

#[test]
fn nu5xxx_warnings_agree_with_nuget_exe_pack() {
    let nuget = NuGetExe::new();
    let mut disagreements = Vec::new();
    let mut seen_codes = BTreeSet::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let nuspec = write_case(dir.path(), case);
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let run = nuget
            .run_in(
                dir.path(),
                &[
                    "pack",
                    &nuspec.to_string_lossy(),
                    "-OutputDirectory",
                    &out.to_string_lossy(),
                ],
            )
            .expect_success("pack");
        let theirs = nu_codes(&run.text());
        let package = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "nupkg"))
            .unwrap();
        let report = validate_file(&package, &Options::for_target(RuleTarget::NugetOrg));
        let ours: BTreeSet<String> = report
            .findings
            .iter()
            .filter_map(|f| f.code.strip_prefix("pack.nu"))
            .map(|n| format!("NU{n}"))
            .collect();
        if case.name == "compatible-dep-group" {
            assert!(
                theirs.contains("NU5130"),
                "NuGet.exe 5.8 did not print NU5130:\n{}",
                run.text()
            );
        }
        seen_codes.extend(theirs.iter().cloned());
        if theirs != ours {
            disagreements.push(format!(
                "{}: NuGet.exe {theirs:?}, Nupub {ours:?}\n{}",
                case.name,
                run.text()
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
    // The cases exercise most of the implemented codes (NU5048 and NU5123 are checked too when 5.8 prints them).
    assert!(
        seen_codes.len() >= 7,
        "NuGet.exe printed only {seen_codes:?}"
    );
}
