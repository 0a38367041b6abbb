//! Where things are: the checkout, the installed tools, the shared fixtures.

use std::path::{Path, PathBuf};

/// The root of the checkout.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent folder")
        .to_path_buf()
}

/// Tools installed by `scripts/test` (`.tools/` in the checkout; `NUPUB_TOOLS_DIR` overrides).
pub fn tools_dir() -> PathBuf {
    std::env::var_os("NUPUB_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".tools"))
}

/// `tests/peers/`: our scripts for the peers and their npm packages.
pub fn peers_dir() -> PathBuf {
    repo_root().join("tests").join("peers")
}

/// Panics with the command that installs a missing tool.
pub fn require(path: PathBuf, what: &str) -> PathBuf {
    if !path.exists() {
        panic!(
            "{what} is missing: expected {}. Install the test peers with `bash scripts/test` \
             (it installs everything and runs the tests), or `bash scripts/test --setup-only`.",
            path.display()
        );
    }
    path
}

/// The real packages published by others, in `../shared/fixtures/real`
/// beside the checkout (`NUPUB_FIXTURES_DIR` overrides). Panics when missing:
/// these tests must never pass vacuously.
pub fn fixtures_dir() -> PathBuf {
    let dir = std::env::var_os("NUPUB_FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            repo_root()
                .parent()
                .expect("the checkout has a parent folder")
                .join("shared/fixtures/real")
        });
    if !dir.join("MANIFEST.md").is_file() {
        panic!(
            "the real package fixtures are missing: expected {} (the shared/ folder beside the checkout). \
             They are never copied into this repository; set NUPUB_FIXTURES_DIR if they live elsewhere.",
            dir.display()
        );
    }
    dir
}

/// One real fixture by file name; panics if it is not there.
pub fn fixture(name: &str) -> PathBuf {
    let path = fixtures_dir().join(name);
    assert!(path.is_file(), "fixture {} is missing", path.display());
    path
}

/// Where tests leave artifacts such as screenshots (`target/test-artifacts/`, ignored by git).
pub fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let dir = target.join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("create the test artifacts folder");
    dir
}
