//! oidc-provider 9.13.3, a real OpenID Connect provider, set up like
//! Microsoft's identity platform for a public desktop app (see
//! `tests/peers/oidc_provider.mjs` for exactly how).

use crate::paths::{peers_dir, require};
use crate::process::{free_port, PeerProcess};
use std::process::Command;
use std::time::Duration;

/// The client id the provider knows.
pub const CLIENT_ID: &str = "nupub-test-client";
/// A second app registered at the provider (for tokens issued to another audience).
pub const OTHER_CLIENT_ID: &str = "nupub-other-client";

/// `tests/peers/oidc_browser.py`: a headless browser to set as `BROWSER`. It logs in
/// as `NUPUB_TEST_LOGIN` (a name ending in `+mfa` gets amr mfa), and
/// `NUPUB_TEST_TAMPER` makes it break the flow on purpose (see the script).
pub fn browser_script() -> std::path::PathBuf {
    require(
        peers_dir().join("oidc_browser.py"),
        "the headless browser script tests/peers/oidc_browser.py",
    )
}

/// The command line that runs [`browser_script`] (python3 and the script).
pub fn browser_command() -> Vec<String> {
    vec!["python3".into(), browser_script().display().to_string()]
}

pub struct OidcProvider {
    process: PeerProcess,
    port: u16,
    tenant_paths: bool,
}

/// The tenant id the provider puts in `tid` (Microsoft's consumer tenant).
pub const TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

impl OidcProvider {
    pub fn start() -> OidcProvider {
        Self::start_with(false, false)
    }

    /// A provider that, like Entra, answers a refresh for another resource's
    /// `{resource}/.default` scope (Azure DevOps' for Azure Artifacts) with a
    /// token (see `NUPUB_TEST_RESOURCE_REFRESH` in `peers/oidc_provider.mjs`).
    pub fn start_with_resource_refresh() -> OidcProvider {
        Self::start_with(false, true)
    }

    /// A provider laid out like Microsoft's: it lives under `/<tenant id>/v2.0`,
    /// and [`OidcProvider::common_authority`] serves discovery with the
    /// multi-tenant issuer template `http://127.0.0.1:PORT/{tenantid}/v2.0`.
    pub fn start_with_tenant_paths() -> OidcProvider {
        Self::start_with(true, false)
    }

    /// The provider also acting as a CI's OIDC token issuer (GitHub Actions'
    /// claim set): `jobs` maps a job name to the claims its tokens carry (see
    /// CI issuer mode in `peers/oidc_provider.mjs`); the CI publishing fakes use it.
    pub fn start_ci_issuer(jobs: &serde_json::Value) -> OidcProvider {
        Self::start_configured(false, false, Some(jobs))
    }

    fn start_with(tenant_paths: bool, resource_refresh: bool) -> OidcProvider {
        Self::start_configured(tenant_paths, resource_refresh, None)
    }

    fn start_configured(
        tenant_paths: bool,
        resource_refresh: bool,
        ci_jobs: Option<&serde_json::Value>,
    ) -> OidcProvider {
        require(
            peers_dir().join("node_modules/oidc-provider/package.json"),
            "oidc-provider (npm package in tests/peers)",
        );
        // Now and then node never reaches `listen` (seen on 2 cores, even
        // with 120 s to start, its log holding only the runtime warning): a
        // provider that is not up in 40 s is stopped and started again on
        // another port, at most three times.
        let mut failures = Vec::new();
        for _ in 0..3 {
            let port = free_port();
            let mut command = Command::new("node");
            command
                .arg(peers_dir().join("oidc_provider.mjs"))
                .arg(port.to_string())
                .env("NUPUB_TEST_CLIENT_ID", CLIENT_ID)
                .env("NUPUB_TEST_OTHER_CLIENT_ID", OTHER_CLIENT_ID)
                .env(
                    "NUPUB_TEST_TENANT_PATHS",
                    if tenant_paths { "1" } else { "0" },
                )
                .env(
                    "NUPUB_TEST_RESOURCE_REFRESH",
                    if resource_refresh { "1" } else { "0" },
                )
                .env("NODE_ENV", "test");
            if let Some(jobs) = ci_jobs {
                command.env("NUPUB_TEST_CI_JOBS", jobs.to_string());
            }
            let mut process = PeerProcess::spawn("oidc-provider", command);
            let discovery = OidcProvider::discovery_at(port, tenant_paths);
            match process.try_wait_until(Duration::from_secs(40), || {
                matches!(crate::http::get(&discovery), Ok((200, _)))
            }) {
                Ok(()) => {
                    return OidcProvider {
                        process,
                        port,
                        tenant_paths,
                    }
                }
                Err(why) => {
                    eprintln!("oidc-provider did not start, starting it again: {why}");
                    process.stop();
                    failures.push(why);
                }
            }
        }
        panic!(
            "oidc-provider did not start three times:\n{}",
            failures.join("\n")
        );
    }

    /// The issuer URL exactly as the provider writes it in tokens
    /// (`http://127.0.0.1:PORT`, or `.../<tenant id>/v2.0` with tenant paths).
    pub fn issuer(&self) -> String {
        Self::issuer_at(self.port, self.tenant_paths)
    }

    /// With tenant paths: the `common` authority, whose discovery names the `{tenantid}` template.
    pub fn common_authority(&self) -> String {
        format!("http://127.0.0.1:{}/common/v2.0", self.port)
    }

    fn issuer_at(port: u16, tenant_paths: bool) -> String {
        if tenant_paths {
            format!("http://127.0.0.1:{port}/{TENANT_ID}/v2.0")
        } else {
            format!("http://127.0.0.1:{port}")
        }
    }

    fn discovery_at(port: u16, tenant_paths: bool) -> String {
        format!(
            "{}/.well-known/openid-configuration",
            Self::issuer_at(port, tenant_paths)
        )
    }

    pub fn discovery_url(&self) -> String {
        Self::discovery_at(self.port, self.tenant_paths)
    }

    pub fn process(&self) -> &PeerProcess {
        &self.process
    }
}
