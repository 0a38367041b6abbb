//! oidc-provider 9.13.3, a real OpenID Connect provider, set up like
//! Microsoft's identity platform for a public desktop app (see
//! `tests/peers/oidc_provider.mjs` for exactly how).

use crate::paths::{peers_dir, require};
use crate::process::{free_port, PeerProcess};
use std::process::Command;
use std::time::Duration;

/// The client id the provider knows.
pub const CLIENT_ID: &str = "nupub-test-client";

pub struct OidcProvider {
    process: PeerProcess,
    port: u16,
}

impl OidcProvider {
    pub fn start() -> OidcProvider {
        require(
            peers_dir().join("node_modules/oidc-provider/package.json"),
            "oidc-provider (npm package in tests/peers)",
        );
        let port = free_port();
        let mut command = Command::new("node");
        command
            .arg(peers_dir().join("oidc_provider.mjs"))
            .arg(port.to_string())
            .env("NUPUB_TEST_CLIENT_ID", CLIENT_ID)
            .env("NODE_ENV", "test");
        let mut process = PeerProcess::spawn("oidc-provider", command);
        let discovery = format!("http://127.0.0.1:{port}/.well-known/openid-configuration");
        process.wait_until(Duration::from_secs(30), || {
            matches!(crate::http::get(&discovery), Ok((200, _)))
        });
        OidcProvider { process, port }
    }

    /// The issuer URL (`http://127.0.0.1:PORT`), exactly as the provider writes it in tokens.
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer())
    }

    pub fn process(&self) -> &PeerProcess {
        &self.process
    }
}
