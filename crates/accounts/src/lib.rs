//! Accounts and the secret vault.
//!
//! - [`accounts::Accounts`]: Microsoft sign-in (authorization code with PKCE in the
//!   system browser, or the device authorization grant), refresh with rotation,
//!   Azure DevOps tokens, sign-out, and the status the window shows.
//! - [`vault`]: feed API keys and refresh tokens in the OS credential store.
//! - [`secret::Secret`]: the type every secret travels in; it redacts itself.
//! - [`expiry`]: key expiry reminders, and the expiry learned from a push's warnings.
//! - [`settings`]: the non-secret facts, in `accounts.json` under the config folder.
//! - [`oidc`]: issuer, tenant and client id rules, discovery, id_token checks.

pub mod accounts;
pub mod browser;
pub mod error;
pub mod expiry;
pub mod keys;
pub mod loopback;
pub mod oidc;
pub mod secret;
pub mod settings;
pub mod vault;

pub use accounts::{
    AccountKind, AccountStatus, Accounts, AccountsStatus, DeviceCodePrompt, MfaEvidence, SignInStep,
};
pub use browser::Browser;
pub use error::AccountError;
pub use keys::{FeedKind, KeyError};
pub use oidc::{SignInConfig, SignInOptions, SignInPrompt};
pub use secret::Secret;
pub use vault::{FeedKeyEntry, KeyMetadata, KeyScope, Vault};
