//! nuget.org Trusted Publishing: the CI's OIDC token for audience
//! `https://www.nuget.org`, exchanged at `POST https://www.nuget.org/api/v2/token`
//! for a short-lived API key (`shared/spec/lifecycle-and-ci.md` §b).
//!
//! The OIDC token goes to one place only, the token endpoint; the key is held
//! in [`ApiKey`] (zeroed on drop, never printed) and may only be sent to
//! nuget.org ([`key_may_be_sent_to`]).
//!
//! Tests: `NUPUB_TEST_NUGET_TOKEN_URL` replaces the token endpoint, **for
//! Nupub's own tests only**, and only with a loopback address (127.0.0.1,
//! ::1, localhost); while it is set, the key may go to loopback feeds too.

use crate::env::{CiEnvironment, OidcSource};
use crate::error::CiError;
use nupub_feeds::ApiKey;
use std::time::Duration;
use url::Url;

/// The audience nuget.org accepts.
pub const AUDIENCE: &str = "https://www.nuget.org";
/// nuget.org's token endpoint.
pub const NUGET_TOKEN_URL: &str = "https://www.nuget.org/api/v2/token";
/// The test-only override of the token endpoint (loopback only).
pub const TEST_TOKEN_URL_VARIABLE: &str = "NUPUB_TEST_NUGET_TOKEN_URL";
/// Longest answer read from the token services (64 KiB).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Where the exchange happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenEndpoint {
    url: Url,
    test: bool,
}

impl TokenEndpoint {
    pub fn nuget_org() -> TokenEndpoint {
        TokenEndpoint {
            url: Url::parse(NUGET_TOKEN_URL).unwrap_or_else(|_| unreachable_url()),
            test: false,
        }
    }

    /// nuget.org's, or the loopback test endpoint named by
    /// [`TEST_TOKEN_URL_VARIABLE`] in `get`.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<TokenEndpoint, CiError> {
        match get(TEST_TOKEN_URL_VARIABLE).filter(|v| !v.trim().is_empty()) {
            None => Ok(Self::nuget_org()),
            Some(given) => {
                let url = Url::parse(given.trim())
                    .map_err(|_| CiError::EndpointNotAllowed(given.clone()))?;
                if is_loopback(&url) && matches!(url.scheme(), "http" | "https") {
                    Ok(TokenEndpoint { url, test: true })
                } else {
                    Err(CiError::EndpointNotAllowed(url.to_string()))
                }
            }
        }
    }

    pub fn from_process() -> Result<TokenEndpoint, CiError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn is_test(&self) -> bool {
        self.test
    }
}

// `NUGET_TOKEN_URL` is a constant that parses; this only satisfies the type.
fn unreachable_url() -> Url {
    Url::parse("https://www.nuget.org/").unwrap_or_else(|_| std::process::abort())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether a nuget.org Trusted Publishing key may be sent to `feed_url`:
/// nuget.org over https, or (only with the test endpoint) a loopback feed.
pub fn key_may_be_sent_to(feed_url: &Url, endpoint: &TokenEndpoint) -> bool {
    if endpoint.test {
        return is_loopback(feed_url);
    }
    feed_url.scheme() == "https"
        && feed_url.host_str().is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            h == "nuget.org" || h == "www.nuget.org" || h == "api.nuget.org"
        })
}

/// A key from the exchange.
#[derive(Debug, Clone)]
pub struct ShortLivedKey {
    pub key: ApiKey,
    /// The expiry nuget.org gave (ISO 8601), when it gave one.
    pub expires: Option<String>,
}

/// Checks a nuget.org user name before it is sent (profile names are
/// letters, digits, `.`, `_`, `-`).
pub fn check_user(user: &str) -> Result<&str, CiError> {
    let user = user.trim();
    if user.is_empty() {
        return Err(CiError::UserMissing);
    }
    if user.contains('@') {
        return Err(CiError::InvalidValue {
            what: "The nuget.org user name",
            value: user.into(),
            reason: "it is an e-mail address; Trusted Publishing needs the profile name of the person who created the policy".into(),
        });
    }
    if user.len() > 64
        || !user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(CiError::InvalidValue {
            what: "The nuget.org user name",
            value: user.chars().take(64).collect(),
            reason: "nuget.org user names have only letters, digits, '.', '_' and '-'".into(),
        });
    }
    Ok(user)
}

/// An HTTP client for the exchange (no redirects: a token is never carried
/// to another address).
pub fn http_client() -> Result<reqwest::Client, CiError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(nupub_feeds::client::user_agent())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| CiError::Network {
            what: "the network".into(),
            detail: e.to_string(),
        })
}

/// Gets a fresh OIDC token from the CI and exchanges it for a nuget.org key.
pub async fn obtain_key(
    http: &reqwest::Client,
    env: &CiEnvironment,
    user: &str,
    endpoint: &TokenEndpoint,
) -> Result<ShortLivedKey, CiError> {
    let user = check_user(user)?;
    let token = oidc_token(http, env).await?;
    exchange(http, &token, user, endpoint).await
}

/// The CI's OIDC token for [`AUDIENCE`].
pub async fn oidc_token(http: &reqwest::Client, env: &CiEnvironment) -> Result<ApiKey, CiError> {
    match &env.oidc {
        None => Err(CiError::NoOidc(env.why_no_oidc())),
        Some(OidcSource::GitLab { id_token }) => Ok(id_token.clone()),
        Some(OidcSource::GitHub {
            request_url,
            request_token,
        }) => {
            let mut url = Url::parse(request_url).map_err(|e| {
                CiError::OidcResponse(format!("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL: {e}"))
            })?;
            url.query_pairs_mut().append_pair("audience", AUDIENCE);
            let response = http
                .get(url)
                .bearer_auth(request_token.expose())
                .header("Accept", "application/json")
                .send()
                .await
                .map_err(|e| CiError::Network {
                    what: "GitHub's OIDC token service".into(),
                    detail: without_url(&e),
                })?;
            let status = response.status().as_u16();
            let body = read_capped(response).await?;
            if status != 200 {
                return Err(CiError::OidcRequest {
                    status,
                    detail: String::new(),
                });
            }
            let value: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|_| CiError::OidcResponse("the answer is not JSON".into()))?;
            match value.get("value").and_then(|v| v.as_str()) {
                Some(token) if !token.trim().is_empty() => Ok(ApiKey::new(token.trim())),
                _ => Err(CiError::OidcResponse("the answer has no \"value\"".into())),
            }
        }
    }
}

/// `POST {endpoint}` with the token as bearer and `{"username","tokenType":"ApiKey"}`.
pub async fn exchange(
    http: &reqwest::Client,
    token: &ApiKey,
    user: &str,
    endpoint: &TokenEndpoint,
) -> Result<ShortLivedKey, CiError> {
    let body = serde_json::json!({ "username": user, "tokenType": "ApiKey" });
    let response = http
        .post(endpoint.url().clone())
        .bearer_auth(token.expose())
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| CiError::Network {
            what: format!("nuget.org's token endpoint ({})", endpoint.url()),
            detail: without_url(&e),
        })?;
    let status = response.status().as_u16();
    let reason = response
        .status()
        .canonical_reason()
        .unwrap_or("no reason")
        .to_string();
    let bytes = read_capped(response).await?;
    let value: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    if status != 200 {
        let server_message = value
            .as_ref()
            .and_then(|v| v.get("error"))
            .and_then(|v| v.as_str())
            .map(|s| s.chars().take(1000).collect::<String>())
            .unwrap_or_else(|| match status {
                404 => "the token endpoint is switched off (HTTP 404)".into(),
                _ => reason,
            });
        return Err(CiError::Refused {
            status,
            cause: crate::doctor::cause_of(&server_message),
            server_message,
        });
    }
    let value = value.ok_or_else(|| CiError::NoKeyInAnswer("the answer is not JSON".into()))?;
    let key = value
        .get("apiKey")
        .and_then(|v| v.as_str())
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| CiError::NoKeyInAnswer("the answer has no \"apiKey\"".into()))?;
    Ok(ShortLivedKey {
        key: ApiKey::new(key.trim()),
        expires: value
            .get("expires")
            .and_then(|v| v.as_str())
            .map(str::to_string),
    })
}

/// The GitHub workflow commands that hide secrets in the job log.
pub fn mask_lines(env: &CiEnvironment, secrets: &[&ApiKey]) -> Vec<String> {
    if env.kind != crate::env::CiKind::GitHubActions {
        return Vec::new();
    }
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| format!("::add-mask::{}", s.expose()))
        .collect()
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, CiError> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_ANSWER_BYTES.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= MAX_ANSWER_BYTES {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(CiError::Network {
                    what: "the token service".into(),
                    detail: without_url(&e),
                })
            }
        }
    }
    Ok(body)
}

/// reqwest's error text without the URL (a GitHub request URL is not secret,
/// but it is long and says nothing to the user).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text
            .replace(&format!(" ({url})"), "")
            .replace(url.as_str(), "");
    }
    if e.is_timeout() {
        text = "no answer in time".into();
    } else if e.is_connect() {
        text = format!("could not connect ({text})");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_replace_the_endpoint() {
        let none = TokenEndpoint::from_vars(|_| None).unwrap();
        assert_eq!(none.url().as_str(), NUGET_TOKEN_URL);
        assert!(!none.is_test());
        let local =
            TokenEndpoint::from_vars(|_| Some("http://127.0.0.1:9/api/v2/token".into())).unwrap();
        assert!(local.is_test());
        for bad in [
            "https://evil.example/api/v2/token",
            "http://10.0.0.1/t",
            "not a url",
            "file:///tmp/x",
        ] {
            let e = TokenEndpoint::from_vars(|_| Some(bad.into())).unwrap_err();
            assert!(matches!(e, CiError::EndpointNotAllowed(_)), "{bad}: {e}");
        }
    }

    #[test]
    fn the_key_goes_to_nuget_org_only() {
        let real = TokenEndpoint::nuget_org();
        let ok = |u: &str| key_may_be_sent_to(&Url::parse(u).unwrap(), &real);
        assert!(ok("https://api.nuget.org/v3/index.json"));
        assert!(ok("https://www.nuget.org/api/v2/package"));
        assert!(!ok("http://www.nuget.org/api/v2/package"));
        assert!(!ok("https://www.myget.org/F/x/api/v3/index.json"));
        assert!(!ok("https://nuget.org.evil.example/"));
        assert!(!ok("http://127.0.0.1:5000/api/v2/package"));
        let test = TokenEndpoint::from_vars(|_| Some("http://127.0.0.1:9/t".into())).unwrap();
        assert!(key_may_be_sent_to(
            &Url::parse("http://127.0.0.1:5000/x").unwrap(),
            &test
        ));
        assert!(!key_may_be_sent_to(
            &Url::parse("https://api.nuget.org/v3/index.json").unwrap(),
            &test
        ));
    }

    #[test]
    fn user_names_are_checked() {
        assert_eq!(check_user(" ann.smith ").unwrap(), "ann.smith");
        assert!(matches!(check_user(""), Err(CiError::UserMissing)));
        assert!(matches!(
            check_user("ann@example.com"),
            Err(CiError::InvalidValue { .. })
        ));
        assert!(matches!(
            check_user("a\"b"),
            Err(CiError::InvalidValue { .. })
        ));
    }

    #[test]
    fn masks_only_on_github() {
        let key = ApiKey::new("k1");
        let gh = CiEnvironment::from_vars(|n| (n == "GITHUB_ACTIONS").then(|| "true".into()));
        assert_eq!(mask_lines(&gh, &[&key]), ["::add-mask::k1"]);
        let gl = CiEnvironment::from_vars(|n| (n == "GITLAB_CI").then(|| "true".into()));
        assert_eq!(mask_lines(&gl, &[&key]), Vec::<String>::new());
    }
}
