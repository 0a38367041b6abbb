//! Every way signing in or using the vault can fail, as the user sees it.
//!
//! No variant ever carries a secret: messages name files, fields, accounts and
//! feeds, and the provider's own error code and description (which are about
//! the request, never a token).

use nupub_error::Coded;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("Nupub could not find a folder for its settings on this computer")]
    NoConfigDir,

    #[error("the settings file {path} could not be read: {detail}")]
    SettingsUnreadable { path: PathBuf, detail: String },

    #[error("the settings file {path} could not be saved: {detail}")]
    SettingsUnwritable { path: PathBuf, detail: String },

    #[error("no secret store is available on this computer ({detail}); Nupub never keeps secrets in plain files")]
    NoSecretStore { detail: String },

    #[error("the secret store refused the request for {entry}: {detail}")]
    SecretStore { entry: String, detail: String },

    #[error("no sign-in app is set up: Nupub needs the client id of a public desktop app registered in Microsoft Entra ID")]
    NoClientId,

    #[error("the client id {0:?} is not valid")]
    BadClientId(String),

    #[error("the sign-in service does not know the app {client_id}: {detail}")]
    ClientIdUnknown { client_id: String, detail: String },

    #[error("the tenant {0:?} is not valid")]
    BadTenant(String),

    #[error("the sign-in address {url} is not allowed: {reason}")]
    InsecureUrl { url: String, reason: String },

    #[error("the redirect address {template} is not allowed: {reason}")]
    RedirectNotLoopback { template: String, reason: String },

    #[error("could not reach the sign-in service at {url}: {detail}")]
    Network { url: String, detail: String },

    #[error("the sign-in service at {url} sent an answer Nupub cannot use: {detail}")]
    BadProviderAnswer { url: String, detail: String },

    #[error("the sign-in service refused the request: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    ProviderRefused {
        error: String,
        description: Option<String>,
    },

    #[error("no web browser could be opened: {detail}")]
    BrowserUnavailable { detail: String },

    #[error("the sign-in was not finished in the browser within {seconds} seconds")]
    BrowserTimeout { seconds: u64 },

    #[error("the sign-in answer that came back to Nupub does not belong to the sign-in it started (the state value differs)")]
    StateMismatch,

    #[error("the sign-in answer came from {got}, not from {expected}")]
    IssuerMismatch { expected: String, got: String },

    #[error("the sign-in answer had no authorization code")]
    MissingCode,

    #[error("the identity token was refused: {reason}")]
    IdTokenInvalid { reason: String },

    #[error("the code {user_code} was not confirmed before it expired")]
    DeviceCodeExpired { user_code: String },

    #[error("the sign-in service does not offer sign-in with a code on another device")]
    DeviceFlowUnsupported,

    #[error("the sign-in of {account} has expired or was revoked")]
    SignInAgain { account: String },

    #[error("no account named {0:?} is signed in")]
    UnknownAccount(String),

    #[error("no account is signed in")]
    NotSignedIn,

    #[error("the feed name {0:?} is not valid")]
    BadSourceName(String),

    /// Never repeats the name: the user name or password in it may be a token.
    #[error("the feed address given holds a user name or password (user:password@), which Nupub never stores or shows")]
    CredentialsInSourceName,

    #[error("the API key is empty")]
    EmptySecret,

    #[error("the date {0:?} is not a valid expiry date")]
    BadDate(String),

    #[error("no API key is stored for the feed {0:?}")]
    NoFeedKey(String),

    #[error("the key scope {0:?} is not known")]
    BadScope(String),

    #[error("the user name on the feed {0:?} is not a valid nuget.org user or organisation name")]
    BadOwner(String),
}

impl Coded for AccountError {
    fn code(&self) -> &'static str {
        use AccountError::*;
        match self {
            NoConfigDir => "account.no_config_dir",
            SettingsUnreadable { .. } => "account.settings_unreadable",
            SettingsUnwritable { .. } => "account.settings_unwritable",
            NoSecretStore { .. } => "account.no_secret_store",
            SecretStore { .. } => "account.secret_store_failed",
            NoClientId => "account.no_client_id",
            BadClientId(_) => "account.bad_client_id",
            ClientIdUnknown { .. } => "account.client_id_unknown",
            BadTenant(_) => "account.bad_tenant",
            InsecureUrl { .. } => "account.insecure_url",
            RedirectNotLoopback { .. } => "account.redirect_not_loopback",
            Network { .. } => "account.network",
            BadProviderAnswer { .. } => "account.bad_provider_answer",
            ProviderRefused { .. } => "account.provider_refused",
            BrowserUnavailable { .. } => "account.browser_unavailable",
            BrowserTimeout { .. } => "account.browser_timeout",
            StateMismatch => "account.state_mismatch",
            IssuerMismatch { .. } => "account.issuer_mismatch",
            MissingCode => "account.missing_code",
            IdTokenInvalid { .. } => "account.id_token_invalid",
            DeviceCodeExpired { .. } => "account.device_code_expired",
            DeviceFlowUnsupported => "account.device_flow_unsupported",
            SignInAgain { .. } => "account.sign_in_again",
            UnknownAccount(_) => "account.unknown_account",
            NotSignedIn => "account.not_signed_in",
            BadSourceName(_) => "account.bad_source_name",
            CredentialsInSourceName => "account.credentials_in_source_name",
            EmptySecret => "account.empty_secret",
            BadDate(_) => "account.bad_date",
            NoFeedKey(_) => "account.no_feed_key",
            BadScope(_) => "account.bad_scope",
            BadOwner(_) => "account.bad_owner",
        }
    }

    fn hint(&self) -> Option<String> {
        use AccountError::*;
        let text = match self {
            NoConfigDir => "set the HOME environment variable (or XDG_CONFIG_HOME on Linux) to a folder you can write to, or set NUPUB_CONFIG_DIR".into(),
            SettingsUnreadable { path, .. } => format!(
                "fix the file or move it aside (Nupub left it unchanged): {}",
                path.display()
            ),
            SettingsUnwritable { path, .. } => format!(
                "make sure you can write to the folder {}",
                path.parent().unwrap_or(path).display()
            ),
            NoSecretStore { .. } => no_secret_store_hint().into(),
            SecretStore { .. } => "unlock your keyring (or log in to the desktop again) and try once more".into(),
            NoClientId => "register a public desktop app in Entra ID (see \"Signing in: register your own app\" in README.md), then enter its client ID in the window (Account, Sign in), run `nupub account login --client-id ID` or set NUPUB_CLIENT_ID".into(),
            BadClientId(_) => "copy the Application (client) ID from the app's overview page in Entra ID; it looks like 00000000-0000-0000-0000-000000000000".into(),
            ClientIdUnknown { .. } => "check that you copied the Application (client) ID (not the Directory or Object ID) and that the registration allows \"Accounts in any organizational directory and personal Microsoft accounts\"".into(),
            BadTenant(_) => "use common, consumers, organizations, a tenant id (a GUID) or a domain such as contoso.onmicrosoft.com".into(),
            InsecureUrl { .. } => "use an https:// address (plain http is allowed only for 127.0.0.1, ::1 or localhost)".into(),
            RedirectNotLoopback { .. } => "use a loopback address such as http://localhost:{port} or http://127.0.0.1:{port}/callback in NUPUB_REDIRECT_URI".into(),
            Network { .. } => "check your internet connection and proxy settings, then try again".into(),
            BadProviderAnswer { .. } => "check NUPUB_OIDC_ISSUER (or --tenant); if it is right, the service may be having problems: try again later".into(),
            ProviderRefused { .. } => "check that the app registration allows public client flows and the redirect http://localhost, then sign in again".into(),
            BrowserUnavailable { .. } => "run `nupub account login --device` to sign in with a code on another device, or set BROWSER to your browser's command".into(),
            BrowserTimeout { .. } => "run the sign-in again and finish it in the browser window that opens".into(),
            StateMismatch => "close old sign-in tabs and sign in again; if this repeats, another program may be interfering with the sign-in".into(),
            IssuerMismatch { .. } | IdTokenInvalid { .. } => "sign in again; if this repeats, check your computer's clock and NUPUB_OIDC_ISSUER, and that nothing intercepts your connection".into(),
            MissingCode => "sign in again and approve the request in the browser".into(),
            DeviceCodeExpired { .. } => "run `nupub account login --device` again and enter the code within the time shown".into(),
            DeviceFlowUnsupported => "sign in with the browser instead: `nupub account login`".into(),
            SignInAgain { .. } => "run `nupub account login` to sign in again".into(),
            UnknownAccount(_) => "run `nupub account status` to see the signed-in accounts".into(),
            NotSignedIn => "run `nupub account login` to sign in".into(),
            BadSourceName(_) => "use the feed's name as shown by Nupub (letters, digits, spaces and . _ - : / are allowed, up to 200 characters)".into(),
            CredentialsInSourceName => "give the source's name from nuget.config, or its address without the user:password@ part (keep credentials in nuget.config's packageSourceCredentials)".into(),
            EmptySecret => "paste the API key you created on the feed's website (on nuget.org: Account settings, API keys)".into(),
            BadDate(_) => "write the date as YYYY-MM-DD, for example 2027-01-31".into(),
            NoFeedKey(_) => "run `nupub key list` to see the stored keys".into(),
            BadScope(_) => "use push, pushVersion or unlist (the scopes nuget.org offers)".into(),
            BadOwner(_) => "give the name shown on your nuget.org profile or organisation page: letters, digits, '.', '-' and '_', at most 64 characters (or leave it empty)".into(),
        };
        Some(text)
    }
}

fn no_secret_store_hint() -> &'static str {
    if cfg!(target_os = "macos") {
        "make sure your login keychain is available (Keychain Access), then try again"
    } else if cfg!(target_os = "windows") {
        "make sure the Credential Manager service is running, then try again"
    } else {
        "start a Secret Service: log in to a desktop session with GNOME Keyring or KDE Wallet, or install gnome-keyring (or KeePassXC with Secret Service integration) and make sure DBUS_SESSION_BUS_ADDRESS points at your session bus"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_valid_and_has_a_hint() {
        let samples = vec![
            AccountError::NoConfigDir,
            AccountError::SettingsUnreadable {
                path: "/x/accounts.json".into(),
                detail: "bad".into(),
            },
            AccountError::NoSecretStore { detail: "x".into() },
            AccountError::NoClientId,
            AccountError::ProviderRefused {
                error: "invalid_request".into(),
                description: Some("PKCE".into()),
            },
            AccountError::StateMismatch,
            AccountError::SignInAgain {
                account: "ann@example.test".into(),
            },
            AccountError::BadDate("x".into()),
            AccountError::BadOwner("a b".into()),
        ];
        for error in samples {
            let info = error.info();
            assert!(nupub_error::is_valid_code(&info.code), "{}", info.code);
            assert!(info.code.starts_with("account."));
            assert!(!info.hint.unwrap_or_default().is_empty());
        }
    }

    #[test]
    fn provider_refusal_names_the_error_and_description() {
        let text = AccountError::ProviderRefused {
            error: "invalid_grant".into(),
            description: Some("grant request is invalid".into()),
        }
        .to_string();
        assert_eq!(
            text,
            "the sign-in service refused the request: invalid_grant (grant request is invalid)"
        );
    }

    #[test]
    fn no_secret_store_hint_says_how_to_enable_one() {
        let hint = AccountError::NoSecretStore { detail: "x".into() }
            .hint()
            .unwrap();
        if cfg!(target_os = "linux") {
            assert!(hint.contains("gnome-keyring"), "{hint}");
            assert!(hint.contains("DBUS_SESSION_BUS_ADDRESS"), "{hint}");
        }
    }
}
