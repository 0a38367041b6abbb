//! Nupub's test kit: starts the real third-party peers the tests talk to, on
//! 127.0.0.1 and free ports, and stops them (with everything they started)
//! when the handle is dropped.
//!
//! | peer | what it is | module |
//! |---|---|---|
//! | NuGet.exe 5.8.0 under Mono | the official client: packs fixtures, pushes, installs | [`nuget_exe`] (from `nupub-fixtures`) |
//! | pynuget 0.2.5 | a real NuGet V2 server, plus a static V3 index in front of it | [`pynuget`] |
//! | oidc-provider 9.13.3 | a real OpenID Connect provider set up like Microsoft's | [`oidc`] |
//! | gnome-keyring | a real Secret Service in a private D-Bus session | [`secret_service`] |
//! | the app under tauri-driver | the real window, driven over WebDriver | [`window`] |
//! | the .deb unpacked, xdotool, a GTK drag source | the desktop around the app | [`desktop`] |
//! | axe-core 4.14.1 (npm) | accessibility rules, injected into the real window | [`axe`] |
//! | the `nupub` binary in a private HOME | the command line as a user runs it | [`cli`] |
//! | capture server, fault-injecting proxy | fakes by necessity (no real peer records or breaks requests) | [`wire`] |
//! | GitHub's token-request endpoint, nuget.org's token endpoint | fakes by necessity, with the real oidc-provider issuing the tokens and the real pynuget taking the push | [`ci`] |
//! | V3 search with owners/verified | fake by necessity (no real peer serves nuget.org's search) | [`search`] |
//! | nuget.org's deprecation API and registration, in front of pynuget | fake by necessity (no real peer implements it) | [`deprecation`] |
//!
//! Everything is installed by `scripts/test`. When a peer is missing the kit
//! panics with a message naming the command that installs it: a test that
//! needs a peer never passes without it.
#![allow(clippy::unwrap_used)]

pub mod account_window;
pub mod axe;
pub mod ci;
pub mod cli;
pub mod deprecation;
pub mod desktop;
pub mod http;
pub mod oidc;
pub mod process;
pub mod pynuget;
pub mod search;
pub mod secret_service;
pub mod terminal;
pub mod window;
pub mod wire;

// The light half (paths, package builders, NuGet.exe and mcs as commands)
// lives in nupub-fixtures, for crates whose tests need no peer.
pub use nupub_fixtures::{
    artifacts_dir, fixture, fixtures_dir, mcs, nuget_exe, packages, paths, repo_root, tools_dir,
};
pub use process::{free_port, PeerProcess};

#[cfg(test)]
mod tests {
    /// Every `e2e/*.rs` file is a `[[test]]` target of this package (Cargo only
    /// discovers `tests/*.rs` on its own): a new end-to-end file that is not
    /// listed would never run, so this fails until it is.
    #[test]
    fn every_e2e_file_is_a_test_target() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let mut files: Vec<String> = std::fs::read_dir(root.join("e2e"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .collect();
        files.sort();
        assert!(files.len() >= 9, "{files:?}");
        let missing: Vec<&String> = files
            .iter()
            .filter(|f| !manifest.contains(&format!("path = \"e2e/{f}\"")))
            .collect();
        assert!(
            missing.is_empty(),
            "add a [[test]] for each of {missing:?} to tests/Cargo.toml"
        );
    }
}
