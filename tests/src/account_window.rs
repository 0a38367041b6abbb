//! Helpers for driving the window's sign-in and keyring: the environment
//! that points the app at the test oidc-provider (signing in through the
//! headless browser script set as `BROWSER`) and at a private gnome-keyring,
//! and a look into that keyring with `secret-tool`.

use crate::oidc::{browser_script, OidcProvider, CLIENT_ID};
use crate::secret_service::SecretService;
use std::path::Path;
use std::process::Command;

/// Environment for the app: sign-in at `provider` as `login` (a name ending in
/// `+mfa` signs in with two-step evidence), secrets in `keyring`, settings in `config_dir`.
pub fn sign_in_env(
    provider: &OidcProvider,
    keyring: &SecretService,
    login: &str,
    config_dir: &Path,
) -> Vec<(String, String)> {
    vec![
        ("NUPUB_CLIENT_ID".into(), CLIENT_ID.into()),
        ("NUPUB_OIDC_ISSUER".into(), provider.issuer()),
        ("NUPUB_CONFIG_DIR".into(), config_dir.display().to_string()),
        (
            "BROWSER".into(),
            format!(
                "env NUPUB_TEST_LOGIN={login} python3 {}",
                browser_script().display()
            ),
        ),
        (
            "DBUS_SESSION_BUS_ADDRESS".into(),
            keyring.bus_address().to_string(),
        ),
    ]
}

/// The secret stored under `service` / `user` in `keyring`, if any.
pub fn keyring_secret(keyring: &SecretService, service: &str, user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .env("DBUS_SESSION_BUS_ADDRESS", keyring.bus_address())
        .output()
        .expect("secret-tool (Debian package libsecret-tools) runs");
    (out.status.success() && !out.stdout.is_empty())
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
