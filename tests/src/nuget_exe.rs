//! NuGet.exe 5.8.0, the official client, run under Mono.
//!
//! Every instance has its own HOME, so NuGet.exe's caches and its generated
//! NuGet.Config never leak between tests or touch the user's.

use crate::paths::{peers_dir, require};
use crate::process::run_with_timeout;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub struct NuGetExe {
    exe: PathBuf,
    home: tempfile::TempDir,
}

/// What a NuGet.exe run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            success: output.status.success(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Everything printed, for assertions and failure messages.
    pub fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Panics with the output unless the run succeeded.
    pub fn expect_success(self, what: &str) -> Run {
        assert!(
            self.success,
            "NuGet.exe {what} failed ({:?}):\n{}",
            self.code,
            self.text()
        );
        self
    }
}

impl NuGetExe {
    pub fn new() -> NuGetExe {
        require(
            PathBuf::from("/usr/bin/mono"),
            "Mono (Debian package mono-runtime)",
        );
        let exe = require(
            peers_dir().join("node_modules/nuget-exe/nuget-5.8.0.exe"),
            "NuGet.exe 5.8.0 (npm package nuget-exe in tests/peers)",
        );
        NuGetExe {
            exe,
            home: tempfile::tempdir().expect("temp HOME for NuGet.exe"),
        }
    }

    /// The HOME this instance runs with.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Runs `nuget.exe ARGS -NonInteractive` in `cwd` (120 s limit).
    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> Run {
        let mut command = Command::new("mono");
        command
            .arg(&self.exe)
            .args(args)
            .arg("-NonInteractive")
            .current_dir(cwd)
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("XDG_DATA_HOME", self.home.path().join(".local/share"))
            .env("XDG_CACHE_HOME", self.home.path().join(".cache"))
            .env_remove("NUGET_PACKAGES");
        Run::from(run_with_timeout(command, Duration::from_secs(120)))
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(self.home.path(), args)
    }

    /// `nuget pack NUSPEC -OutputDirectory OUT`; returns the package file it wrote.
    pub fn pack(&self, nuspec: &Path, out_dir: &Path) -> PathBuf {
        std::fs::create_dir_all(out_dir).expect("create pack output folder");
        let before = nupkgs_in(out_dir);
        let base = nuspec.parent().expect("nuspec has a folder");
        let run = self
            .run_in(
                base,
                &[
                    "pack",
                    &nuspec.to_string_lossy(),
                    "-OutputDirectory",
                    &out_dir.to_string_lossy(),
                ],
            )
            .expect_success("pack");
        let mut made: Vec<PathBuf> = nupkgs_in(out_dir)
            .into_iter()
            .filter(|p| !before.contains(p))
            .filter(|p| p.extension().is_some_and(|e| e == "nupkg"))
            .collect();
        assert_eq!(
            made.len(),
            1,
            "expected pack to write one .nupkg, found {made:?}:\n{}",
            run.text()
        );
        made.remove(0)
    }

    /// Packs `files` (package path, contents) into `{id}.{version}.nupkg` in
    /// `dir/out` with a minimal nuspec written in `dir/src`, and returns its path.
    pub fn pack_files(
        &self,
        dir: &Path,
        id: &str,
        version: &str,
        files: &[(&str, &[u8])],
    ) -> PathBuf {
        let src = dir.join("src");
        for (target, bytes) in files {
            let path = src.join(target);
            std::fs::create_dir_all(path.parent().expect("file has a folder"))
                .expect("create package source folder");
            std::fs::write(&path, bytes).expect("write package file");
        }
        let nuspec = src.join(format!("{id}.nuspec"));
        let targets: Vec<&str> = files.iter().map(|(target, _)| *target).collect();
        std::fs::write(&nuspec, simple_nuspec(id, version, "", &targets)).expect("write nuspec");
        self.pack(&nuspec, &dir.join("out"))
    }

    /// `nuget push PACKAGE -Source SOURCE [-ApiKey KEY]`.
    pub fn push(&self, package: &Path, source: &str, api_key: Option<&str>) -> Run {
        let package = package.to_string_lossy();
        let mut args = vec!["push", &package, "-Source", source];
        if let Some(key) = api_key {
            args.extend(["-ApiKey", key]);
        }
        self.run(&args)
    }

    /// `nuget install ID -Version V -Source SOURCE -OutputDirectory OUT`.
    pub fn install(&self, id: &str, version: &str, source: &str, out_dir: &Path) -> Run {
        self.run(&[
            "install",
            id,
            "-Version",
            version,
            "-Source",
            source,
            "-OutputDirectory",
            &out_dir.to_string_lossy(),
            "-DirectDownload",
            "-NoCache",
        ])
    }
}

impl Default for NuGetExe {
    fn default() -> Self {
        Self::new()
    }
}

fn nupkgs_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "nupkg" || e == "snupkg"))
                .collect()
        })
        .unwrap_or_default()
}

/// Writes a minimal valid nuspec (plus one content file) into `dir` and returns its path.
/// `extra_metadata` is inserted inside `<metadata>`.
pub fn write_simple_nuspec(dir: &Path, id: &str, version: &str, extra_metadata: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("content")).expect("create content folder");
    std::fs::write(
        dir.join("content/hello.txt"),
        format!("Hello from {id} {version}\n"),
    )
    .expect("write content file");
    let nuspec = dir.join(format!("{id}.nuspec"));
    std::fs::write(
        &nuspec,
        simple_nuspec(id, version, extra_metadata, &["content/hello.txt"]),
    )
    .expect("write nuspec");
    nuspec
}

/// A minimal valid nuspec whose `<files>` packs each of `files` (paths relative
/// to the nuspec) at the same path in the package.
fn simple_nuspec(id: &str, version: &str, extra_metadata: &str, files: &[&str]) -> String {
    let entries: String = files
        .iter()
        .map(|f| format!("    <file src=\"{f}\" target=\"{f}\" />\n"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>{id}</id>
    <version>{version}</version>
    <authors>Nupub Tests</authors>
    <description>A package made by Nupub's tests.</description>
    {extra_metadata}
  </metadata>
  <files>
{entries}  </files>
</package>
"#
    )
}
