//! Secrets in memory: API keys and feed passwords. They are held in a
//! `Zeroizing<String>` (wiped on drop; the `String` given is kept as it is,
//! where `secrecy`'s boxed `str` would reallocate and leave a copy behind)
//! and their `Debug` shows only `[redacted]`; they are never serialized,
//! logged or put in an error.

use std::fmt;
use zeroize::Zeroizing;

/// An API key (or a personal access token used as one).
#[derive(Clone)]
pub struct ApiKey(Zeroizing<String>);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(Zeroizing::new(key.into()))
    }

    /// The key itself, for the one place that needs it: the request header.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

/// A user name and password for a feed (nuget.config `packageSourceCredentials`
/// or the `NuGetPackageSourceCredentials_{name}` environment variable).
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    password: Zeroizing<String>,
}

impl Credentials {
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Credentials {
        Credentials {
            username: username.into(),
            password: Zeroizing::new(password.into()),
        }
    }

    pub fn password(&self) -> &str {
        self.password.as_str()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The user name too: in `https://TOKEN@host/` it is the secret.
        f.write_str("Credentials([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let key = ApiKey::new("oy2-very-secret-key");
        assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
        assert_eq!(key.expose(), "oy2-very-secret-key");
        let creds = Credentials::new("ann", "hunter2");
        let text = format!("{creds:?}");
        assert_eq!(text, "Credentials([redacted])");
        assert_eq!(creds.password(), "hunter2");
        assert!(ApiKey::new("  ").is_empty());
    }
}
