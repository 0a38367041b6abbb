//! OpenID Connect pieces: where to sign in (issuer, tenant, client id,
//! redirect), discovery, the provider's keys, and id_token verification.

use crate::error::AccountError;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::time::Duration;
use url::Url;

/// Microsoft's identity platform.
pub const MICROSOFT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The tenant used when none is given: any Microsoft account, personal or work.
pub const DEFAULT_TENANT: &str = "common";
/// The scopes of a sign-in.
pub const SIGN_IN_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];
/// The scope of a token for Azure DevOps (Azure Artifacts feeds).
pub const AZURE_DEVOPS_SCOPE: &str = "499b84ac-1321-427f-aa17-267ca6975798/.default";
/// The tenant id of personal Microsoft accounts.
pub const CONSUMER_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
/// Microsoft desktop registrations expect `http://localhost` with any port.
pub const DEFAULT_REDIRECT_TEMPLATE: &str = "http://localhost:{port}";
/// Clock skew allowed on exp / nbf / iat.
pub const CLOCK_SKEW_SECONDS: u64 = 120;
/// Larger answers from discovery, JWKS or the token endpoint are refused.
const MAX_ANSWER: usize = 512 * 1024;

/// What the caller chose; anything left empty comes from the environment or the defaults.
#[derive(Debug, Clone, Default)]
pub struct SignInOptions {
    pub client_id: Option<String>,
    pub tenant: Option<String>,
    /// Full issuer URL (overrides the tenant).
    pub issuer: Option<String>,
    pub redirect_template: Option<String>,
    /// How long to wait for the browser (default 5 minutes).
    pub browser_timeout: Option<Duration>,
    /// What the browser sign-in asks the provider to show (nothing special by default).
    pub prompt: SignInPrompt,
}

/// OpenID Connect `prompt` for a browser sign-in (Microsoft supports both values).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SignInPrompt {
    /// No prompt: a browser that is still signed in may answer at once.
    #[default]
    Default,
    /// `select_account`: let the user pick or add another account ("another account").
    SelectAccount,
    /// `login`: ask for the credentials again, so the answer reflects a fresh
    /// sign-in (after turning on two-step verification: "Check again").
    Login,
}

impl SignInPrompt {
    /// The `prompt` parameter's value, if any.
    pub fn parameter(self) -> Option<&'static str> {
        match self {
            SignInPrompt::Default => None,
            SignInPrompt::SelectAccount => Some("select_account"),
            SignInPrompt::Login => Some("login"),
        }
    }
}

impl SignInOptions {
    /// Fills what is unset from `NUPUB_CLIENT_ID`, `NUPUB_OIDC_ISSUER` and `NUPUB_REDIRECT_URI`.
    /// A `--tenant` given by the caller wins over `NUPUB_OIDC_ISSUER`.
    pub fn with_env(mut self) -> SignInOptions {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if self.client_id.is_none() {
            self.client_id = var("NUPUB_CLIENT_ID");
        }
        if self.issuer.is_none() && self.tenant.is_none() {
            self.issuer = var("NUPUB_OIDC_ISSUER");
        }
        if self.redirect_template.is_none() {
            self.redirect_template = var("NUPUB_REDIRECT_URI");
        }
        self
    }
}

/// A checked sign-in setup.
#[derive(Debug, Clone)]
pub struct SignInConfig {
    pub client_id: String,
    /// The issuer the user asked for (the discovery base), without a trailing slash.
    pub authority: String,
    pub redirect_template: String,
    pub browser_timeout: Duration,
    pub prompt: SignInPrompt,
}

impl SignInConfig {
    /// Checks the options; `saved_client_id` is the one in the settings file (used last).
    pub fn resolve(
        options: SignInOptions,
        saved_client_id: Option<String>,
    ) -> Result<SignInConfig, AccountError> {
        let client_id = options
            .client_id
            .or(saved_client_id)
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .ok_or(AccountError::NoClientId)?;
        check_client_id(&client_id)?;
        let authority = match (options.issuer, options.tenant) {
            (Some(issuer), _) => issuer,
            (None, tenant) => {
                let tenant = tenant.unwrap_or_else(|| DEFAULT_TENANT.to_string());
                check_tenant(&tenant)?;
                format!("{MICROSOFT_AUTHORITY}/{tenant}/v2.0")
            }
        };
        let authority = check_url(authority.trim())?
            .as_str()
            .trim_end_matches('/')
            .to_string();
        let redirect_template = options
            .redirect_template
            .unwrap_or_else(|| DEFAULT_REDIRECT_TEMPLATE.to_string());
        crate::loopback::check_redirect_template(&redirect_template)?;
        Ok(SignInConfig {
            client_id,
            authority,
            redirect_template,
            browser_timeout: options.browser_timeout.unwrap_or(Duration::from_secs(300)),
            prompt: options.prompt,
        })
    }
}

fn check_client_id(id: &str) -> Result<(), AccountError> {
    let ok = id.len() <= 200
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadClientId(id.chars().take(200).collect()))
    }
}

/// `common`, `consumers`, `organizations`, a GUID or a domain name.
pub fn check_tenant(tenant: &str) -> Result<(), AccountError> {
    let ok = !tenant.is_empty()
        && tenant.len() <= 100
        && !tenant.starts_with(['.', '-'])
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadTenant(tenant.chars().take(100).collect()))
    }
}

/// Whether a host is this computer.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// An address Nupub may send sign-in traffic to: https, or http on loopback only.
pub fn check_url(text: &str) -> Result<Url, AccountError> {
    let refuse = |reason: &str| AccountError::InsecureUrl {
        url: text.chars().take(300).collect(),
        reason: reason.into(),
    };
    let url = Url::parse(text).map_err(|e| refuse(&format!("it is not a valid address ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("it contains a user name or password"));
    }
    if url.fragment().is_some() {
        return Err(refuse("it contains a #fragment"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&url) => Ok(url),
        "http" => Err(refuse("plain http is only allowed on this computer")),
        other => Err(refuse(&format!("the scheme {other} is not https"))),
    }
}

/// Endpoints read from the provider's discovery document.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The issuer as discovery states it; Microsoft's multi-tenant issuer
    /// contains the `{tenantid}` template.
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub jwks_uri: Url,
    pub device_authorization_endpoint: Option<Url>,
}

#[derive(Deserialize)]
struct DiscoveryDocument {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
    #[serde(default)]
    code_challenge_methods_supported: Option<Vec<String>>,
}

/// The HTTP client for everything sign-in: no redirects (the oauth2 crate's advice
/// against SSRF), bounded time.
pub fn http_client() -> Result<reqwest::Client, AccountError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("Nupub/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AccountError::Network {
            url: "(client setup)".into(),
            detail: e.to_string(),
        })
}

/// GETs a JSON document of bounded size.
async fn get_json(http: &reqwest::Client, url: &Url) -> Result<serde_json::Value, AccountError> {
    let bad = |detail: String| AccountError::BadProviderAnswer {
        url: url.to_string(),
        detail,
    };
    let mut response = http
        .get(url.clone())
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| AccountError::Network {
            url: url.to_string(),
            detail: e.without_url().to_string(),
        })?;
    let status = response.status();
    if !status.is_success() {
        return Err(bad(format!("HTTP status {}", status.as_u16())));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| AccountError::Network {
        url: url.to_string(),
        detail: e.without_url().to_string(),
    })? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_ANSWER {
            return Err(bad(format!("it is larger than {} KB", MAX_ANSWER / 1024)));
        }
    }
    serde_json::from_slice(&body).map_err(|e| bad(format!("it is not JSON ({e})")))
}

/// Reads `{authority}/.well-known/openid-configuration` and checks it.
pub async fn discover(http: &reqwest::Client, authority: &str) -> Result<Provider, AccountError> {
    let url = check_url(&format!(
        "{}/.well-known/openid-configuration",
        authority.trim_end_matches('/')
    ))?;
    let value = get_json(http, &url).await?;
    let bad = |detail: String| AccountError::BadProviderAnswer {
        url: url.to_string(),
        detail,
    };
    let doc: DiscoveryDocument = serde_json::from_value(value)
        .map_err(|e| bad(format!("a field is missing or wrong: {e}")))?;
    // The issuer must live where we asked (Microsoft's may be a {tenantid} template or a tenant id).
    let issuer_url = Url::parse(&doc.issuer.replace("{tenantid}", "tenant"))
        .map_err(|_| bad(format!("the issuer {:?} is not an address", doc.issuer)))?;
    let asked = check_url(authority)?;
    if issuer_url.origin() != asked.origin() {
        return Err(AccountError::IssuerMismatch {
            expected: asked.origin().ascii_serialization(),
            got: doc.issuer.chars().take(300).collect(),
        });
    }
    if let Some(methods) = &doc.code_challenge_methods_supported {
        if !methods.iter().any(|m| m == "S256") {
            return Err(bad("it does not support PKCE with S256".into()));
        }
    }
    Ok(Provider {
        issuer: doc.issuer,
        authorization_endpoint: check_url(&doc.authorization_endpoint)?,
        token_endpoint: check_url(&doc.token_endpoint)?,
        jwks_uri: check_url(&doc.jwks_uri)?,
        device_authorization_endpoint: doc
            .device_authorization_endpoint
            .as_deref()
            .map(check_url)
            .transpose()?,
    })
}

/// The provider's signing keys. Keys of kinds this crate cannot use are skipped.
pub async fn fetch_jwks(http: &reqwest::Client, jwks_uri: &Url) -> Result<Vec<Jwk>, AccountError> {
    let value = get_json(http, jwks_uri).await?;
    let keys = value
        .get("keys")
        .and_then(|k| k.as_array())
        .ok_or_else(|| AccountError::BadProviderAnswer {
            url: jwks_uri.to_string(),
            detail: "it has no \"keys\" list".into(),
        })?;
    Ok(keys
        .iter()
        .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
        .collect())
}

/// The id_token claims Nupub uses.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    #[serde(default)]
    pub aud: serde_json::Value,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub exp: Option<u64>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub tid: Option<String>,
    #[serde(default)]
    pub oid: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub amr: Vec<String>,
}

/// What an id_token must match.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The issuer from discovery (may hold `{tenantid}`).
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The nonce sent with the authorization request; `None` for grants without one
    /// (device code, refresh).
    pub nonce: Option<&'a str>,
}

/// Resolves Microsoft's `{tenantid}` issuer template with the token's `tid`.
pub fn resolve_issuer(template: &str, tid: Option<&str>) -> Result<String, AccountError> {
    if !template.contains("{tenantid}") {
        return Ok(template.to_string());
    }
    let tid = tid
        .filter(|t| {
            !t.is_empty()
                && t.len() <= 64
                && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .ok_or_else(|| AccountError::IdTokenInvalid {
            reason: "it names no valid tenant (tid), so its issuer cannot be checked".into(),
        })?;
    Ok(template.replace("{tenantid}", tid))
}

const ALLOWED_ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// Verifies an id_token: signature against the provider's keys, issuer
/// (template resolved from `tid`), audience, expiry and not-before with
/// [`CLOCK_SKEW_SECONDS`] of skew, and the nonce.
pub fn verify_id_token(
    token: &str,
    keys: &[Jwk],
    expected: Expected<'_>,
) -> Result<IdClaims, AccountError> {
    let invalid = |reason: String| AccountError::IdTokenInvalid { reason };
    let header = jsonwebtoken::decode_header(token)
        .map_err(|e| invalid(format!("it is not a signed token ({e})")))?;
    if !ALLOWED_ALGORITHMS.contains(&header.alg) {
        return Err(invalid(format!(
            "it is signed with {:?}, which Nupub does not accept",
            header.alg
        )));
    }
    let candidates: Vec<&Jwk> = match &header.kid {
        Some(kid) => keys
            .iter()
            .filter(|k| k.common.key_id.as_deref() == Some(kid.as_str()))
            .collect(),
        None => keys.iter().collect(),
    };
    if candidates.is_empty() {
        return Err(invalid(
            "it is signed with a key the sign-in service does not publish".into(),
        ));
    }
    let mut validation = Validation::new(header.alg);
    validation.leeway = CLOCK_SKEW_SECONDS;
    validation.validate_nbf = true;
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let mut last_error = None;
    let mut claims = None;
    for jwk in candidates {
        let key = match DecodingKey::from_jwk(jwk) {
            Ok(key) => key,
            Err(e) => {
                last_error = Some(e);
                continue;
            }
        };
        match jsonwebtoken::decode::<IdClaims>(token, &key, &validation) {
            Ok(data) => {
                claims = Some(data.claims);
                break;
            }
            Err(e) => last_error = Some(e),
        }
    }
    let claims = match claims {
        Some(claims) => claims,
        None => {
            use jsonwebtoken::errors::ErrorKind;
            let reason = match last_error.as_ref().map(|e| e.kind()) {
                Some(ErrorKind::InvalidSignature) => {
                    "its signature does not match the sign-in service's keys".to_string()
                }
                Some(ErrorKind::ExpiredSignature) => {
                    "it has expired (check this computer's clock)".to_string()
                }
                Some(ErrorKind::ImmatureSignature) => {
                    "it is not valid yet (check this computer's clock)".to_string()
                }
                Some(ErrorKind::InvalidAudience) => format!(
                    "it was issued for another app, not for the client id {}",
                    expected.client_id
                ),
                Some(ErrorKind::MissingRequiredClaim(c)) => format!("it has no {c} claim"),
                Some(other) => format!("{other:?}"),
                None => "no usable key".to_string(),
            };
            return Err(invalid(reason));
        }
    };
    let issuer = resolve_issuer(expected.issuer, claims.tid.as_deref())?;
    if claims.iss != issuer {
        return Err(AccountError::IssuerMismatch {
            expected: issuer,
            got: claims.iss.chars().take(300).collect(),
        });
    }
    if let serde_json::Value::Array(audiences) = &claims.aud {
        if audiences.len() > 1 && claims.azp.as_deref() != Some(expected.client_id) {
            return Err(invalid(
                "it has several audiences and Nupub is not its authorized party".into(),
            ));
        }
    }
    if let Some(nonce) = expected.nonce {
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(invalid(
                "its nonce differs from the one Nupub sent (it may be replayed)".into(),
            ));
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> SignInOptions {
        SignInOptions {
            client_id: Some("00000000-1111-2222-3333-444444444444".into()),
            ..SignInOptions::default()
        }
    }

    #[test]
    fn defaults_are_microsoft_common_and_localhost() {
        let config = SignInConfig::resolve(options(), None).unwrap();
        assert_eq!(
            config.authority,
            "https://login.microsoftonline.com/common/v2.0"
        );
        assert_eq!(config.redirect_template, "http://localhost:{port}");
        let config = SignInConfig::resolve(
            SignInOptions {
                tenant: Some("contoso.onmicrosoft.com".into()),
                ..options()
            },
            None,
        )
        .unwrap();
        assert_eq!(
            config.authority,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"
        );
    }

    #[test]
    fn client_id_comes_from_options_then_settings_else_an_actionable_error() {
        let error = SignInConfig::resolve(SignInOptions::default(), None).unwrap_err();
        assert!(matches!(error, AccountError::NoClientId));
        use nupub_error::Coded;
        assert!(error.hint().unwrap().contains("--client-id"));
        let config =
            SignInConfig::resolve(SignInOptions::default(), Some("from-settings".into())).unwrap();
        assert_eq!(config.client_id, "from-settings");
        let config = SignInConfig::resolve(options(), Some("from-settings".into())).unwrap();
        assert_eq!(config.client_id, "00000000-1111-2222-3333-444444444444");
        for bad in ["a b", "x/../y", "id\0x", "<script>"] {
            let error = SignInConfig::resolve(
                SignInOptions {
                    client_id: Some(bad.into()),
                    ..SignInOptions::default()
                },
                None,
            )
            .unwrap_err();
            assert!(matches!(error, AccountError::BadClientId(_)), "{bad}");
        }
    }

    #[test]
    fn tenants() {
        for good in [
            "common",
            "consumers",
            "organizations",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "contoso.onmicrosoft.com",
        ] {
            check_tenant(good).unwrap();
        }
        for bad in ["", "a/b", "../x", "a?b=c", "x#", ".x", "a b"] {
            assert!(check_tenant(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn https_is_required_except_on_loopback() {
        for good in [
            "https://login.microsoftonline.com/common/v2.0",
            "http://127.0.0.1:8080",
            "http://localhost:1/x",
            "http://[::1]:9",
        ] {
            check_url(good).unwrap();
        }
        for bad in [
            "http://login.microsoftonline.com/common/v2.0",
            "http://127.0.0.1.evil.example/",
            "ftp://127.0.0.1/",
            "https://user:pw@example.com/",
            "https://example.com/#x",
            "not a url",
            "file:///etc/passwd",
        ] {
            let error = check_url(bad).unwrap_err();
            assert!(matches!(error, AccountError::InsecureUrl { .. }), "{bad}");
        }
    }

    #[test]
    fn issuer_template_is_resolved_from_tid() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert_eq!(
            resolve_issuer(template, Some(CONSUMER_TENANT_ID)).unwrap(),
            format!("https://login.microsoftonline.com/{CONSUMER_TENANT_ID}/v2.0")
        );
        assert!(resolve_issuer(template, None).is_err());
        assert!(resolve_issuer(template, Some("../evil")).is_err());
        assert!(resolve_issuer(template, Some("")).is_err());
        assert_eq!(
            resolve_issuer("https://x.example", None).unwrap(),
            "https://x.example"
        );
    }

    mod id_tokens {
        use super::super::*;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        use jsonwebtoken::{EncodingKey, Header};
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::traits::PublicKeyParts;
        use serde_json::json;

        /// A key generated for this test run (no key files in the repository).
        struct TestKey {
            encoding: EncodingKey,
            jwk: Jwk,
        }

        fn test_key(kid: &str) -> TestKey {
            let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
            let der = private.to_pkcs1_der().unwrap();
            let jwk: Jwk = serde_json::from_value(json!({
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                "n": URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
                "e": URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
            }))
            .unwrap();
            TestKey {
                encoding: EncodingKey::from_rsa_der(der.as_bytes()),
                jwk,
            }
        }

        fn keys() -> &'static (TestKey, TestKey) {
            static KEYS: std::sync::OnceLock<(TestKey, TestKey)> = std::sync::OnceLock::new();
            KEYS.get_or_init(|| (test_key("k1"), test_key("k1")))
        }

        const TEMPLATE: &str = "https://login.microsoftonline.com/{tenantid}/v2.0";
        const TID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

        fn now() -> u64 {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        }

        fn claims() -> serde_json::Value {
            json!({
                "iss": format!("https://login.microsoftonline.com/{TID}/v2.0"),
                "sub": "s-1", "aud": "client-1", "tid": TID,
                "exp": now() + 3600, "iat": now(), "nbf": now() - 10,
                "nonce": "n-1", "name": "Ann", "preferred_username": "ann@contoso.com",
                "amr": ["pwd", "mfa"],
            })
        }

        fn sign(claims: &serde_json::Value, key: &TestKey, kid: Option<&str>) -> String {
            let mut header = Header::new(Algorithm::RS256);
            header.kid = kid.map(str::to_string);
            jsonwebtoken::encode(&header, claims, &key.encoding).unwrap()
        }

        fn expected() -> Expected<'static> {
            Expected {
                issuer: TEMPLATE,
                client_id: "client-1",
                nonce: Some("n-1"),
            }
        }

        fn verify(token: &str) -> Result<IdClaims, AccountError> {
            verify_id_token(token, &[keys().0.jwk.clone()], expected())
        }

        #[test]
        fn a_good_token_with_a_tenant_template_is_accepted() {
            let claims = verify(&sign(&claims(), &keys().0, Some("k1"))).unwrap();
            assert_eq!(claims.sub, "s-1");
            assert_eq!(claims.tid.as_deref(), Some(TID));
            assert_eq!(claims.amr, vec!["pwd", "mfa"]);
            // Without a kid the only key is tried.
            verify(&sign(&self::claims(), &keys().0, None)).unwrap();
        }

        fn refused(change: impl FnOnce(&mut serde_json::Value)) -> AccountError {
            let mut c = claims();
            change(&mut c);
            verify(&sign(&c, &keys().0, Some("k1"))).unwrap_err()
        }

        #[test]
        fn each_tampering_is_refused_with_its_reason() {
            let e = refused(|c| c["aud"] = json!("another-app"));
            assert!(e.to_string().contains("issued for another app"), "{e}");
            let e = refused(|c| c["iss"] = json!("https://evil.example/v2.0"));
            assert!(matches!(e, AccountError::IssuerMismatch { .. }), "{e:?}");
            // The issuer names another tenant than tid.
            let e = refused(|c| {
                c["iss"] = json!(
                    "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
                )
            });
            assert!(matches!(e, AccountError::IssuerMismatch { .. }), "{e:?}");
            let e = refused(|c| c["tid"] = json!(null));
            assert!(e.to_string().contains("tenant"), "{e}");
            let e = refused(|c| c["exp"] = json!(now() - CLOCK_SKEW_SECONDS - 60));
            assert!(e.to_string().contains("expired"), "{e}");
            let e = refused(|c| c["nbf"] = json!(now() + CLOCK_SKEW_SECONDS + 60));
            assert!(e.to_string().contains("not valid yet"), "{e}");
            let e = refused(|c| c["nonce"] = json!("other"));
            assert!(e.to_string().contains("nonce"), "{e}");
            let e = refused(|c| {
                c.as_object_mut().unwrap().remove("nonce");
            });
            assert!(e.to_string().contains("nonce"), "{e}");
            let e = refused(|c| {
                c.as_object_mut().unwrap().remove("exp");
            });
            assert!(e.to_string().contains("exp"), "{e}");
            let e = refused(|c| {
                c["aud"] = json!(["client-1", "another-app"]);
                c["azp"] = json!("another-app");
            });
            assert!(e.to_string().contains("several audiences"), "{e}");
        }

        #[test]
        fn a_token_within_the_skew_is_accepted() {
            let mut c = claims();
            c["exp"] = json!(now() - 30);
            verify(&sign(&c, &keys().0, Some("k1"))).unwrap();
        }

        #[test]
        fn bad_signatures_and_algorithms_are_refused() {
            // Same kid, other key: the signature does not match.
            let e = verify(&sign(&claims(), &keys().1, Some("k1"))).unwrap_err();
            assert!(e.to_string().contains("signature"), "{e}");
            // A kid the provider does not publish.
            let e = verify(&sign(&claims(), &keys().0, Some("unknown"))).unwrap_err();
            assert!(e.to_string().contains("does not publish"), "{e}");
            // HS256 with the public modulus as the secret, and alg none.
            let hs = jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &claims(),
                &EncodingKey::from_secret(b"secret"),
            )
            .unwrap();
            let e = verify(&hs).unwrap_err();
            assert!(e.to_string().contains("HS256"), "{e}");
            let body = URL_SAFE_NO_PAD.encode(claims().to_string());
            let none = format!("{}.{body}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#));
            assert!(verify(&none).is_err());
            // A flipped bit in the payload.
            let token = sign(&claims(), &keys().0, Some("k1"));
            let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
            let mut payload = claims();
            payload["sub"] = json!("someone-else");
            parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
            let e = verify(&parts.join(".")).unwrap_err();
            assert!(e.to_string().contains("signature"), "{e}");
        }

        #[test]
        fn garbage_tokens_are_refused_without_panic() {
            for token in [
                "",
                ".",
                "a.b.c",
                "..",
                "eyJ.eyJ.x",
                &"A".repeat(100_000),
                "\u{0}\u{ffff}",
            ] {
                assert!(
                    matches!(verify(token), Err(AccountError::IdTokenInvalid { .. })),
                    "{token:.20}"
                );
            }
            assert!(
                verify_id_token(&sign(&claims(), &keys().0, Some("k1")), &[], expected()).is_err()
            );
        }
    }
}
