//! Signed-in accounts: sign-in (browser with PKCE, or a device code), refresh
//! with rotation, tokens for other resources (Azure DevOps), sign-out, and the
//! status the window and `nupub account status` show.

use crate::browser::Browser;
use crate::error::AccountError;
use crate::loopback::LoopbackListener;
use crate::oidc::{self, Expected, IdClaims, Provider, SignInConfig};
use crate::secret::Secret;
use crate::settings::{self, AccountRecord};
use crate::vault::{now_rfc3339, Vault};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, DeviceAuthorizationUrl, EndpointNotSet,
    EndpointSet, ExtraTokenFields, PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, StandardDeviceAuthorizationResponse, StandardRevocableToken, StandardTokenResponse,
    TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

/// Personal Microsoft account, or one from an organization's tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AccountKind {
    Personal,
    WorkOrSchool,
    Unknown,
}

/// What signing out did, and what the user should hear about the feed keys.
#[derive(Debug, Clone)]
pub struct SignOutOutcome {
    pub account: AccountStatus,
    /// The feeds whose keys were removed from the keyring.
    pub removed_keys: Vec<String>,
    /// What happened to the keys, when it needs saying.
    pub change: Option<crate::keys::KeyChange>,
}

impl SignOutOutcome {
    /// The words for [`Self::change`] (keys are nuget.org's, where most live).
    pub fn guidance(&self) -> Option<crate::keys::Guidance> {
        self.change
            .map(|change| crate::keys::guidance(crate::keys::NUGET_ORG, change))
    }
}

/// What Nupub can say about two-step verification for an account.
///
/// Microsoft documents `amr` (which would say "mfa") only for v1.0 access
/// tokens, which an app must not read; the v2.0 ID token Nupub gets does not
/// list it (Microsoft identity platform, "ID token claims reference"). So for
/// Microsoft accounts there is normally no evidence at all: the user can say
/// themselves that it is on, and that is recorded as theirs ("you said so"),
/// never as verified. Another OpenID provider that sends `amr` with `mfa` in the
/// ID token is taken at its word (RFC 8176).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MfaEvidence {
    /// The signed ID token said `mfa` in `amr`.
    pub verified: bool,
    /// The date (YYYY-MM-DD) the user said two-step verification is on, if they did.
    pub user_confirmed: Option<String>,
    /// One line for the account view and `nupub account status`.
    pub text: String,
}

impl MfaEvidence {
    pub fn from_amr(amr: &[String]) -> MfaEvidence {
        MfaEvidence::of(amr, None)
    }

    pub fn of(amr: &[String], user_confirmed: Option<&str>) -> MfaEvidence {
        let verified = amr.iter().any(|m| m == "mfa");
        let text = match (verified, user_confirmed) {
            (true, _) => "shown by the sign-in (two-step verification was used)".to_string(),
            (false, Some(date)) => {
                format!("on, as you said on {date} (Microsoft does not tell apps)")
            }
            (false, None) => {
                "not known: Microsoft does not tell apps whether two-step verification was used"
                    .to_string()
            }
        };
        MfaEvidence {
            verified,
            user_confirmed: user_confirmed.map(str::to_string),
            text,
        }
    }
}

/// An account as the window and `nupub account status` show it. Never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountStatus {
    pub id: String,
    pub display_name: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub kind: AccountKind,
    pub mfa: MfaEvidence,
    pub tenant_id: Option<String>,
    pub issuer: String,
    pub signed_in_at: String,
    /// When the last access token expires (RFC 3339).
    pub access_token_expires_at: Option<String>,
    pub active: bool,
    /// The provider refused the stored sign-in: sign in again.
    pub needs_sign_in: bool,
    /// The user ticked that nuget.org e-mails them on every publish from this account.
    pub publish_email_confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountsStatus {
    pub active: Option<String>,
    pub accounts: Vec<AccountStatus>,
}

/// Where a browser sign-in is (see [`Accounts::sign_in_browser_with_progress`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInStep {
    /// The sign-in page was handed to the browser; waiting for the user to finish there.
    WaitingForBrowser,
    /// The browser came back with a code; it is being exchanged for tokens and checked.
    ExchangingCode,
}

/// What to show the user during a device sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in_seconds: u64,
}

/// The id_token field of a token response (its `Debug` hides it).
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl fmt::Debug for IdTokenField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdTokenField(***)")
    }
}

impl ExtraTokenFields for IdTokenField {}

type OidcTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
type OidcClient = oauth2::Client<
    BasicErrorResponse,
    OidcTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;
/// A client with its authorization and token endpoints set.
type ReadyClient = oauth2::Client<
    BasicErrorResponse,
    OidcTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The accounts on this computer.
pub struct Accounts {
    vault: Vault,
    http: reqwest::Client,
}

impl Accounts {
    pub fn new(vault: Vault) -> Result<Accounts, AccountError> {
        Ok(Accounts {
            vault,
            http: oidc::http_client()?,
        })
    }

    /// The system vault and the default settings folder.
    pub fn system() -> Result<Accounts, AccountError> {
        Accounts::new(Vault::system()?)
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The client id saved in the settings file, if any.
    pub fn saved_client_id(&self) -> Result<Option<String>, AccountError> {
        Ok(settings::load(self.vault.config_dir())?.client_id)
    }

    /// Saves the client id for later sign-ins.
    pub fn save_client_id(&self, client_id: &str) -> Result<(), AccountError> {
        settings::update(self.vault.config_dir(), |s| {
            s.client_id = Some(client_id.to_string());
            Ok(())
        })
    }

    pub fn status(&self) -> Result<AccountsStatus, AccountError> {
        let s = settings::load(self.vault.config_dir())?;
        let active = s.active_account.clone();
        Ok(AccountsStatus {
            accounts: s
                .accounts
                .iter()
                .map(|r| status_of(r, active.as_deref() == Some(r.id.as_str())))
                .collect(),
            active,
        })
    }

    /// Signs in through the browser: authorization code with PKCE S256 and a loopback redirect.
    pub async fn sign_in_browser(
        &self,
        config: &SignInConfig,
        browser: &Browser,
    ) -> Result<AccountStatus, AccountError> {
        self.sign_in_browser_with_progress(config, browser, |_| {})
            .await
    }

    /// [`Accounts::sign_in_browser`], telling `progress` when the browser was
    /// opened and when the code came back (for a window that shows each step).
    #[tracing::instrument(err, skip_all)]
    pub async fn sign_in_browser_with_progress(
        &self,
        config: &SignInConfig,
        browser: &Browser,
        progress: impl Fn(SignInStep),
    ) -> Result<AccountStatus, AccountError> {
        let provider = oidc::discover(&self.http, &config.authority).await?;
        let listener = LoopbackListener::bind(&config.redirect_template).await?;
        let redirect = RedirectUrl::new(listener.redirect_uri().to_string()).map_err(|e| {
            AccountError::RedirectNotLoopback {
                template: config.redirect_template.clone(),
                reason: e.to_string(),
            }
        })?;
        let client = client_for(config, &provider)?.set_redirect_uri(redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(oidc::SIGN_IN_SCOPES.map(|s| Scope::new(s.to_string())))
            .add_extra_param("nonce", nonce.secret())
            .set_pkce_challenge(challenge);
        if let Some(prompt) = config.prompt.parameter() {
            request = request.add_extra_param("prompt", prompt);
        }
        let (url, state) = request.url();
        browser.open(url.as_str())?;
        progress(SignInStep::WaitingForBrowser);
        let callback = listener
            .wait(state.secret(), config.browser_timeout)
            .await?;
        progress(SignInStep::ExchangingCode);
        // RFC 9207: when the provider names itself, it must be the one we asked.
        if let Some(iss) = &callback.iss {
            if !provider.issuer.contains("{tenantid}") && iss != &provider.issuer {
                return Err(AccountError::IssuerMismatch {
                    expected: provider.issuer.clone(),
                    got: iss.chars().take(300).collect(),
                });
            }
        }
        let response = client
            .exchange_code(AuthorizationCode::new(callback.code.expose().to_string()))
            .set_pkce_verifier(verifier)
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        self.finish_sign_in(config, &provider, &response, Some(nonce.secret()))
            .await
    }

    /// Signs in with a code entered on another device (RFC 8628). `show` is called
    /// once with the code and address to show the user; polling follows the server's interval.
    #[tracing::instrument(err, skip_all)]
    pub async fn sign_in_device(
        &self,
        config: &SignInConfig,
        show: impl FnOnce(&DeviceCodePrompt),
    ) -> Result<AccountStatus, AccountError> {
        let provider = oidc::discover(&self.http, &config.authority).await?;
        let device_url = provider
            .device_authorization_endpoint
            .clone()
            .ok_or(AccountError::DeviceFlowUnsupported)?;
        let client = client_for(config, &provider)?
            .set_device_authorization_url(DeviceAuthorizationUrl::from_url(device_url));
        let details: StandardDeviceAuthorizationResponse = client
            .exchange_device_code()
            .add_scopes(oidc::SIGN_IN_SCOPES.map(|s| Scope::new(s.to_string())))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let prompt = DeviceCodePrompt {
            user_code: details.user_code().secret().clone(),
            verification_uri: details.verification_uri().to_string(),
            verification_uri_complete: details
                .verification_uri_complete()
                .map(|u| u.secret().clone()),
            expires_in_seconds: details.expires_in().as_secs(),
        };
        for uri in std::iter::once(&prompt.verification_uri)
            .chain(prompt.verification_uri_complete.as_ref())
        {
            oidc::check_url(uri)?;
        }
        show(&prompt);
        let response = client
            .exchange_device_access_token(&details)
            .request_async(&self.http, tokio::time::sleep, None)
            .await
            .map_err(|e| match &e {
                RequestTokenError::ServerResponse(r)
                    if *r.error() == oauth2::DeviceCodeErrorResponseType::ExpiredToken =>
                {
                    AccountError::DeviceCodeExpired {
                        user_code: prompt.user_code.clone(),
                    }
                }
                _ => token_error(e),
            })?;
        self.finish_sign_in(config, &provider, &response, None)
            .await
    }

    async fn finish_sign_in(
        &self,
        config: &SignInConfig,
        provider: &Provider,
        response: &OidcTokenResponse,
        nonce: Option<&str>,
    ) -> Result<AccountStatus, AccountError> {
        let id_token = response.extra_fields().id_token.as_deref().ok_or_else(|| {
            AccountError::BadProviderAnswer {
                url: provider.token_endpoint.to_string(),
                detail: "it sent no id_token".into(),
            }
        })?;
        let keys = oidc::fetch_jwks(&self.http, &provider.jwks_uri).await?;
        let claims = oidc::verify_id_token(
            id_token,
            &keys,
            Expected {
                issuer: &provider.issuer,
                client_id: &config.client_id,
                nonce,
            },
        )?;
        let record = AccountRecord {
            id: account_id(&claims),
            issuer: provider.issuer.clone(),
            client_id: config.client_id.clone(),
            token_endpoint: provider.token_endpoint.to_string(),
            jwks_uri: Some(provider.jwks_uri.to_string()),
            subject: claims.sub.clone(),
            tenant_id: claims.tid.clone(),
            display_name: claims.name.clone(),
            username: claims.preferred_username.clone(),
            email: claims.email.clone(),
            amr: claims.amr.clone(),
            signed_in_at: now_rfc3339(),
            access_token_expires_at: expiry_of(response),
            needs_sign_in: false,
            two_step_confirmed: None,
            publish_email_confirmed: false,
        };
        // Refuse a broken settings file before anything is stored.
        settings::load(self.vault.config_dir())?;
        match response.refresh_token() {
            Some(token) => self
                .vault
                .set_refresh_token(&record.id, &Secret::new(token.secret().clone()))?,
            None => {
                self.vault.remove_refresh_token(&record.id)?;
            }
        }
        let id = record.id.clone();
        let mut record = record;
        settings::update(self.vault.config_dir(), |s| {
            // What the user told Nupub about this account stays across sign-ins.
            if let Some(old) = s.accounts.iter().find(|a| a.id == id) {
                record.two_step_confirmed = old.two_step_confirmed.clone();
                record.publish_email_confirmed = old.publish_email_confirmed;
            }
            s.accounts.retain(|a| a.id != id);
            s.accounts.push(record.clone());
            s.active_account = Some(id.clone());
            Ok(())
        })?;
        Ok(status_of(&record, true))
    }

    /// Finds an account by id, username or e-mail; `None` means the active one.
    fn find(&self, selector: Option<&str>) -> Result<AccountRecord, AccountError> {
        let s = settings::load(self.vault.config_dir())?;
        let found = match selector {
            None => {
                let active = s.active_account.clone().ok_or(AccountError::NotSignedIn)?;
                s.accounts.into_iter().find(|a| a.id == active)
            }
            Some(sel) => s.accounts.into_iter().find(|a| {
                a.id == sel
                    || a.username
                        .as_deref()
                        .is_some_and(|u| u.eq_ignore_ascii_case(sel))
                    || a.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(sel))
            }),
        };
        found.ok_or_else(|| match selector {
            Some(sel) => AccountError::UnknownAccount(sel.chars().take(200).collect()),
            None => AccountError::NotSignedIn,
        })
    }

    /// Makes an account the active one.
    pub fn set_active(&self, selector: &str) -> Result<AccountStatus, AccountError> {
        let record = self.find(Some(selector))?;
        let id = record.id.clone();
        settings::update(self.vault.config_dir(), |s| {
            s.active_account = Some(id);
            Ok(())
        })?;
        Ok(status_of(&record, true))
    }

    /// Uses the refresh token for a new access token (the stored refresh token is
    /// replaced by the rotated one). `scope` asks for another resource, such as
    /// [`oidc::AZURE_DEVOPS_SCOPE`]. A refused refresh token is removed and the
    /// account marked "sign in again".
    #[tracing::instrument(level = "debug", err, skip(self))]
    pub async fn access_token(
        &self,
        selector: Option<&str>,
        scope: Option<&str>,
    ) -> Result<Secret, AccountError> {
        let record = self.find(selector)?;
        let sign_in_again = || AccountError::SignInAgain {
            account: record.username.clone().unwrap_or_else(|| record.id.clone()),
        };
        let refresh = match self.vault.refresh_token(&record.id)? {
            Some(token) => token,
            None => {
                self.mark_needs_sign_in(&record.id)?;
                return Err(sign_in_again());
            }
        };
        let token_url = oidc::check_url(&record.token_endpoint)?;
        let client = OidcClient::new(ClientId::new(record.client_id.clone()))
            .set_token_uri(TokenUrl::from_url(token_url));
        let refresh_token = RefreshToken::new(refresh.expose().to_string());
        let mut request = client.exchange_refresh_token(&refresh_token);
        if let Some(scope) = scope {
            request = request.add_scope(Scope::new(scope.to_string()));
        }
        let response = match request.request_async(&self.http).await {
            Ok(response) => response,
            Err(RequestTokenError::ServerResponse(e))
                if *e.error() == oauth2::basic::BasicErrorResponseType::InvalidGrant =>
            {
                self.vault.remove_refresh_token(&record.id)?;
                self.mark_needs_sign_in(&record.id)?;
                return Err(sign_in_again());
            }
            Err(e) => return Err(token_error(e)),
        };
        if let (Some(id_token), Some(jwks_uri)) = (
            response.extra_fields().id_token.as_deref(),
            &record.jwks_uri,
        ) {
            let keys = oidc::fetch_jwks(&self.http, &oidc::check_url(jwks_uri)?).await?;
            let claims = oidc::verify_id_token(
                id_token,
                &keys,
                Expected {
                    issuer: &record.issuer,
                    client_id: &record.client_id,
                    nonce: None,
                },
            )?;
            if claims.sub != record.subject {
                return Err(AccountError::IdTokenInvalid {
                    reason: "the refreshed sign-in belongs to another user".into(),
                });
            }
        }
        if let Some(rotated) = response.refresh_token() {
            self.vault
                .set_refresh_token(&record.id, &Secret::new(rotated.secret().clone()))?;
        }
        let expires = expiry_of(&response);
        let id = record.id.clone();
        settings::update(self.vault.config_dir(), |s| {
            if let Some(a) = s.accounts.iter_mut().find(|a| a.id == id) {
                a.access_token_expires_at = expires;
                a.needs_sign_in = false;
            }
            Ok(())
        })?;
        Ok(Secret::new(response.access_token().secret().clone()))
    }

    /// A token for Azure DevOps (Azure Artifacts feeds), from the refresh token.
    pub async fn azure_devops_token(&self, selector: Option<&str>) -> Result<Secret, AccountError> {
        self.access_token(selector, Some(oidc::AZURE_DEVOPS_SCOPE))
            .await
    }

    fn mark_needs_sign_in(&self, id: &str) -> Result<(), AccountError> {
        settings::update(self.vault.config_dir(), |s| {
            if let Some(a) = s.accounts.iter_mut().find(|a| a.id == id) {
                a.needs_sign_in = true;
            }
            Ok(())
        })
    }

    /// Records (or withdraws) the user's own word that two-step verification
    /// is on for an account: shown as "you said so", never as verified.
    pub fn confirm_two_step(
        &self,
        selector: Option<&str>,
        on: bool,
    ) -> Result<AccountStatus, AccountError> {
        let today = chrono::Utc::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        self.change_record(selector, |r| {
            r.two_step_confirmed = on.then(|| today.clone());
        })
    }

    /// Records (or withdraws) that nuget.org e-mails this account's owner on every publish.
    pub fn confirm_publish_email(
        &self,
        selector: Option<&str>,
        on: bool,
    ) -> Result<AccountStatus, AccountError> {
        self.change_record(selector, |r| r.publish_email_confirmed = on)
    }

    fn change_record(
        &self,
        selector: Option<&str>,
        change: impl Fn(&mut AccountRecord),
    ) -> Result<AccountStatus, AccountError> {
        let id = self.find(selector)?.id;
        let mut changed = None;
        settings::update(self.vault.config_dir(), |s| {
            let active = s.active_account.clone();
            if let Some(record) = s.accounts.iter_mut().find(|a| a.id == id) {
                change(record);
                changed = Some(status_of(record, active.as_deref() == Some(id.as_str())));
            }
            Ok(())
        })?;
        changed.ok_or(AccountError::UnknownAccount(id))
    }

    /// Checks that a client id is known to the sign-in service, without signing
    /// in: discovery, then a device-code request (Microsoft answers an unknown
    /// app with `unauthorized_client`/`invalid_client`). The code asked for is
    /// never shown or used. Answers false when the service offers no device
    /// codes, so only the discovery could be checked.
    pub async fn check_client_id(&self, config: &SignInConfig) -> Result<bool, AccountError> {
        let provider = oidc::discover(&self.http, &config.authority).await?;
        let Some(device_url) = provider.device_authorization_endpoint.clone() else {
            return Ok(false);
        };
        let client = client_for(config, &provider)?
            .set_device_authorization_url(DeviceAuthorizationUrl::from_url(device_url));
        let answer: Result<StandardDeviceAuthorizationResponse, _> = client
            .exchange_device_code()
            .add_scopes(oidc::SIGN_IN_SCOPES.map(|s| Scope::new(s.to_string())))
            .request_async(&self.http)
            .await;
        match answer.map_err(token_error) {
            Ok(_) => Ok(true),
            Err(AccountError::ProviderRefused { error, description })
                if error == "invalid_client" || error == "unauthorized_client" =>
            {
                Err(AccountError::ClientIdUnknown {
                    client_id: config.client_id.clone(),
                    detail: description.unwrap_or(error),
                })
            }
            Err(other) => Err(other),
        }
    }

    /// Signs an account out and, when `remove_keys`, removes every stored
    /// feed key too (the user chose not to keep them). Answers the account,
    /// the feeds whose keys were removed, and what to tell the user about the
    /// keys (the same rule for the window and `nupub account logout`).
    pub fn sign_out_with(
        &self,
        selector: Option<&str>,
        remove_keys: bool,
    ) -> Result<SignOutOutcome, AccountError> {
        let account = self.sign_out(selector)?;
        let mut removed = Vec::new();
        if remove_keys {
            for entry in self.vault.feed_keys()? {
                self.vault.remove_feed_key(&entry.source)?;
                removed.push(entry.source);
            }
        }
        // Removed keys are always worth a word (they still work on the feed);
        // kept keys only when no account is left to look after them.
        let change = if !removed.is_empty() {
            Some(crate::keys::KeyChange::SignedOutKeysRemoved)
        } else {
            (!self.vault.feed_keys()?.is_empty() && self.status()?.accounts.is_empty())
                .then_some(crate::keys::KeyChange::SignedOutKeysKept)
        };
        Ok(SignOutOutcome {
            account,
            removed_keys: removed,
            change,
        })
    }

    /// Signs an account out (the active one when `selector` is `None`): its
    /// tokens leave the vault and its record the settings file.
    #[tracing::instrument(err, skip(self))]
    pub fn sign_out(&self, selector: Option<&str>) -> Result<AccountStatus, AccountError> {
        let record = self.find(selector)?;
        self.vault.remove_refresh_token(&record.id)?;
        let id = record.id.clone();
        settings::update(self.vault.config_dir(), |s| {
            s.accounts.retain(|a| a.id != id);
            if s.active_account.as_deref() == Some(id.as_str()) {
                s.active_account = s.accounts.first().map(|a| a.id.clone());
            }
            Ok(())
        })?;
        Ok(status_of(&record, false))
    }
}

fn client_for(config: &SignInConfig, provider: &Provider) -> Result<ReadyClient, AccountError> {
    // Same typestate for every flow: the caller adds the redirect or device endpoint.
    Ok(OidcClient::new(ClientId::new(config.client_id.clone()))
        .set_auth_uri(AuthUrl::from_url(provider.authorization_endpoint.clone()))
        .set_token_uri(TokenUrl::from_url(provider.token_endpoint.clone())))
}

/// `{oid or sub}.{tid}`, like Microsoft's home account id.
fn account_id(claims: &IdClaims) -> String {
    let who = claims.oid.as_deref().unwrap_or(&claims.sub);
    match claims.tid.as_deref() {
        Some(tid) => format!("{who}.{tid}"),
        None => who.to_string(),
    }
}

fn expiry_of(response: &OidcTokenResponse) -> Option<String> {
    let seconds = response.expires_in()?.as_secs().min(10 * 365 * 86400);
    let at = chrono::Utc::now() + chrono::Duration::seconds(i64::try_from(seconds).ok()?);
    Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn status_of(record: &AccountRecord, active: bool) -> AccountStatus {
    let kind = match record.tenant_id.as_deref() {
        Some(oidc::CONSUMER_TENANT_ID) => AccountKind::Personal,
        Some(_) => AccountKind::WorkOrSchool,
        None => AccountKind::Unknown,
    };
    AccountStatus {
        id: record.id.clone(),
        display_name: record.display_name.clone(),
        username: record.username.clone(),
        email: record.email.clone(),
        kind,
        mfa: MfaEvidence::of(&record.amr, record.two_step_confirmed.as_deref()),
        tenant_id: record.tenant_id.clone(),
        issuer: record.issuer.clone(),
        signed_in_at: record.signed_in_at.clone(),
        access_token_expires_at: record.access_token_expires_at.clone(),
        active,
        needs_sign_in: record.needs_sign_in,
        publish_email_confirmed: record.publish_email_confirmed,
    }
}

/// Maps a token endpoint failure; the provider's body is never copied (it could hold a token).
fn token_error<RE: std::error::Error + 'static, T: oauth2::ErrorResponse + 'static>(
    error: RequestTokenError<RE, T>,
) -> AccountError {
    match error {
        RequestTokenError::ServerResponse(response) => {
            let json = serde_json::to_value(&response).unwrap_or_default();
            let text = |key: &str| {
                json.get(key).and_then(|v| v.as_str()).map(|s| {
                    s.chars()
                        .filter(|c| !c.is_control())
                        .take(300)
                        .collect::<String>()
                })
            };
            AccountError::ProviderRefused {
                error: text("error").unwrap_or_else(|| "unknown_error".into()),
                description: text("error_description"),
            }
        }
        RequestTokenError::Request(e) => AccountError::Network {
            url: "the token endpoint".into(),
            detail: e.to_string(),
        },
        RequestTokenError::Parse(e, _body) => AccountError::BadProviderAnswer {
            url: "the token endpoint".into(),
            detail: format!("the answer could not be read ({})", e.path()),
        },
        RequestTokenError::Other(detail) => AccountError::BadProviderAnswer {
            url: "the token endpoint".into(),
            detail: detail.chars().take(300).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mfa_evidence_never_claims_it_is_off() {
        let on = MfaEvidence::from_amr(&["pwd".into(), "mfa".into()]);
        assert!(on.verified);
        assert!(on.text.starts_with("shown by the sign-in"), "{}", on.text);
        let unknown = MfaEvidence::from_amr(&["pwd".into()]);
        assert!(!unknown.verified);
        assert!(unknown.text.starts_with("not known"), "{}", unknown.text);
        assert!(!unknown.text.contains("off"), "{}", unknown.text);
        assert_eq!(MfaEvidence::from_amr(&[]).text, unknown.text);
        // The user's word is theirs: never "verified".
        let said = MfaEvidence::of(&[], Some("2026-03-01"));
        assert!(!said.verified);
        assert_eq!(said.user_confirmed.as_deref(), Some("2026-03-01"));
        assert!(
            said.text.contains("as you said on 2026-03-01"),
            "{}",
            said.text
        );
        assert!(!said.text.contains("verified"), "{}", said.text);
    }

    #[test]
    fn id_token_field_debug_hides_the_token() {
        let field = IdTokenField {
            id_token: Some("eyJhbGciOi.secret.part".into()),
        };
        assert!(!format!("{field:?}").contains("eyJ"));
    }
}
