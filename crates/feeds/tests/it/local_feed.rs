//! Folder feeds: our tree equals NuGet.exe `add`'s, NuGet.exe installs from it,
//! and a second push changes nothing.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{plan, push, quick_options};
use nupub_feeds::{Source, Visibility};
use nupub_testkit::nuget_exe::{write_simple_nuspec, NuGetExe};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file below `root`: relative path → bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn our_folder_feed_equals_nuget_add_and_installs() {
    let work = tempfile::tempdir().unwrap();
    let nuget = NuGetExe::new();
    // A real package and one packed by NuGet.exe with a prerelease version and build metadata.
    let nuspec = write_simple_nuspec(
        &work.path().join("src"),
        "Nupub.Local",
        "2.1.0-Beta.1+build.7",
        "",
    );
    let packed = nuget.pack(&nuspec, &work.path().join("out"));
    // Signed ones (author + repository, repository only) and a two-part version ("1.0").
    let packages = [
        nupub_testkit::fixture("Newtonsoft.Json.Bson.1.0.2.nupkg"),
        packed,
        nupub_testkit::fixture("Serilog.2.12.0.nupkg"),
        nupub_testkit::fixture("PackageWithContentFile.1.0.nupkg"),
    ];

    let ours = work.path().join("ours");
    let theirs = work.path().join("theirs");
    let source = Source::folder("ours", &ours);
    for package in &packages {
        let (result, _) = push(&source, &plan(package), None, &quick_options());
        let report = result.unwrap();
        assert_eq!(report.visibility, Visibility::Available);
        assert!(report.location.is_some());
        nuget
            .run(&[
                "add",
                &package.to_string_lossy(),
                "-Source",
                &theirs.to_string_lossy(),
            ])
            .expect_success("add");
    }
    let our_tree = tree(&ours);
    let their_tree = tree(&theirs);
    assert_eq!(
        our_tree.keys().collect::<Vec<_>>(),
        their_tree.keys().collect::<Vec<_>>(),
        "file names differ"
    );
    for (name, bytes) in &our_tree {
        assert!(
            their_tree[name] == *bytes,
            "{name} differs from NuGet.exe add's"
        );
    }
    assert!(
        our_tree.contains_key("nupub.local/2.1.0-beta.1/nupub.local.2.1.0-beta.1.nupkg"),
        "{:?}",
        our_tree.keys()
    );
    assert!(
        our_tree.contains_key("packagewithcontentfile/1.0.0/packagewithcontentfile.1.0.0.nupkg"),
        "{:?}",
        our_tree.keys()
    );
    assert_eq!(our_tree.len(), 16, "four files per package");

    // The official client installs from our feed.
    let installed = work.path().join("installed");
    nuget
        .install(
            "Nupub.Local",
            "2.1.0-Beta.1",
            &ours.to_string_lossy(),
            &installed,
        )
        .expect_success("install from our folder feed");
    assert_eq!(
        std::fs::read_to_string(installed.join("Nupub.Local.2.1.0-Beta.1/content/hello.txt"))
            .unwrap(),
        "Hello from Nupub.Local 2.1.0-Beta.1+build.7\n"
    );
    // The signed package too (its dependencies are not in this feed, so they are not resolved).
    let ours_text = ours.to_string_lossy();
    let installed_text = installed.to_string_lossy();
    nuget
        .run(&[
            "install",
            "Newtonsoft.Json.Bson",
            "-Version",
            "1.0.2",
            "-Source",
            &ours_text,
            "-OutputDirectory",
            &installed_text,
            "-DependencyVersion",
            "Ignore",
            "-NoCache",
        ])
        .expect_success("install the signed package from our folder feed");
    assert!(installed
        .join("Newtonsoft.Json.Bson.1.0.2/Newtonsoft.Json.Bson.1.0.2.nupkg")
        .is_file());

    // A second push changes nothing and says the version exists.
    let before = tree(&ours);
    let (again, _) = push(&source, &plan(&packages[0]), None, &quick_options());
    let err = again.unwrap_err();
    assert!(err.is_version_exists(), "{err}");
    assert!(err.to_string().contains("never overwrites"), "{err}");
    assert_eq!(tree(&ours), before);
}
