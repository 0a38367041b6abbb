//! The vault: refresh tokens and feed API keys in the operating system's
//! credential store (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), through the `keyring` crate. The facts about each key
//! that are not secret (label, scopes, glob, dates) live in the settings file.
//!
//! There is no fallback: when no credential store answers, every call fails
//! with [`AccountError::NoSecretStore`] and nothing is written anywhere.

use crate::error::AccountError;
use crate::secret::Secret;
use crate::settings::{self, FeedKeyRecord};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The service name the entries are stored under.
pub const SERVICE: &str = "org.nupub.Nupub";

/// A nuget.org API key scope (what the user chose when creating the key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum KeyScope {
    /// `package:push`: push new packages and new versions.
    Push,
    /// `package:pushversion`: push only new versions of existing packages.
    PushVersion,
    /// `package:unlist`: unlist, relist or deprecate.
    Unlist,
}

impl KeyScope {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Push => "push",
            KeyScope::PushVersion => "pushVersion",
            KeyScope::Unlist => "unlist",
        }
    }

    pub fn parse(text: &str) -> Option<KeyScope> {
        match text.trim().to_ascii_lowercase().as_str() {
            "push" | "package:push" => Some(KeyScope::Push),
            "pushversion" | "push-version" | "package:pushversion" => Some(KeyScope::PushVersion),
            "unlist" | "package:unlist" => Some(KeyScope::Unlist),
            _ => None,
        }
    }
}

/// What the user tells Nupub about a key when saving it. All optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyMetadata {
    /// A name for the key, e.g. the description given on nuget.org.
    pub label: Option<String>,
    pub scopes: Vec<KeyScope>,
    /// The package glob the key is limited to (e.g. `Contoso.*`).
    pub glob: Option<String>,
    /// Expiry date, `YYYY-MM-DD`.
    pub expires: Option<String>,
    /// Your user (or organisation) name on the feed, e.g. your nuget.org
    /// profile name: tells whether you own an id or a reserved prefix.
    #[serde(default)]
    pub owner: Option<String>,
}

/// A stored key as lists show it: facts only, the key itself masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FeedKeyEntry {
    pub source: String,
    /// Always `********`: the key is never shown.
    pub masked: String,
    pub label: Option<String>,
    pub scopes: Vec<KeyScope>,
    pub glob: Option<String>,
    pub expires: Option<String>,
    /// Days until expiry (negative when expired); `None` without an expiry date.
    pub expires_in_days: Option<i64>,
    /// Whether the key expires within [`crate::expiry::REMIND_DAYS`] (or has expired):
    /// the one threshold every screen warns from.
    pub expires_soon: bool,
    pub created: String,
    /// Your user name on the feed, saved with the key.
    pub owner: Option<String>,
    /// Whether the credential store still holds the key (it may have been removed outside Nupub).
    pub in_store: bool,
}

/// The mask shown in place of any key.
pub const MASK: &str = "********";

/// The keyring behind the vault, and where its non-secret facts are kept.
#[derive(Debug, Clone)]
pub struct Vault {
    service: String,
    config_dir: PathBuf,
}

impl Vault {
    /// The system credential store, with metadata in the default settings folder.
    pub fn system() -> Result<Vault, AccountError> {
        Vault::open(SERVICE, settings::config_dir()?)
    }

    /// A vault under another service name and settings folder (tests use their own).
    /// Fails with [`AccountError::NoSecretStore`] when no credential store answers.
    pub fn open(service: &str, config_dir: PathBuf) -> Result<Vault, AccountError> {
        let vault = Vault {
            service: service.to_string(),
            config_dir,
        };
        vault.probe()?;
        Ok(vault)
    }

    pub fn config_dir(&self) -> &Path {
        &self.config_dir
    }

    /// Asks the store for an entry that does not exist: proves it answers,
    /// and that keyring is not its in-memory mock.
    fn probe(&self) -> Result<(), AccountError> {
        let entry = self.entry("probe")?;
        if entry
            .get_credential()
            .downcast_ref::<keyring::mock::MockCredential>()
            .is_some()
        {
            return Err(AccountError::NoSecretStore {
                detail: "this build of Nupub has no credential store for this system".into(),
            });
        }
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(store_error("probe", e)),
        }
    }

    fn entry(&self, user: &str) -> Result<keyring::Entry, AccountError> {
        keyring::Entry::new(&self.service, user).map_err(|e| store_error(user, e))
    }

    fn get(&self, user: &str) -> Result<Option<Secret>, AccountError> {
        match self.entry(user)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(user, e)),
        }
    }

    fn put(&self, user: &str, secret: &Secret) -> Result<(), AccountError> {
        self.entry(user)?
            .set_password(secret.expose())
            .map_err(|e| store_error(user, e))
    }

    fn delete(&self, user: &str) -> Result<bool, AccountError> {
        match self.entry(user)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(store_error(user, e)),
        }
    }

    // ---- feed API keys ----

    /// The API key stored for a feed, if any.
    #[tracing::instrument(level = "debug", err, skip_all, fields(source = %nupub_error::redact_urls(source_name)))]
    pub fn feed_key(&self, source_name: &str) -> Result<Option<Secret>, AccountError> {
        check_source_name(source_name)?;
        self.get(&feed_user(source_name))
    }

    /// Stores (or replaces) a feed's API key and its facts.
    #[tracing::instrument(err, skip_all, fields(source = %nupub_error::redact_urls(source_name)))]
    pub fn set_feed_key(
        &self,
        source_name: &str,
        key: Secret,
        metadata: KeyMetadata,
    ) -> Result<(), AccountError> {
        check_source_name(source_name)?;
        if key.is_empty() {
            return Err(AccountError::EmptySecret);
        }
        if let Some(date) = &metadata.expires {
            parse_date(date)?;
        }
        let owner = settings::check_owner(metadata.owner.as_deref())?;
        // Check the settings file first, so a broken file fails before the key is stored.
        settings::load(&self.config_dir)?;
        self.put(&feed_user(source_name), &key)?;
        settings::update(&self.config_dir, |s| {
            s.feed_keys.insert(
                source_name.to_string(),
                FeedKeyRecord {
                    label: metadata.label.filter(|l| !l.trim().is_empty()),
                    scopes: metadata
                        .scopes
                        .iter()
                        .map(|s| s.as_str().to_string())
                        .collect(),
                    glob: metadata.glob.filter(|g| !g.trim().is_empty()),
                    expires: metadata.expires,
                    created: now_rfc3339(),
                    owner,
                },
            );
            Ok(())
        })
    }

    /// Removes a feed's key and its facts. Fails when there was none.
    #[tracing::instrument(err, skip_all, fields(source = %nupub_error::redact_urls(source_name)))]
    pub fn remove_feed_key(&self, source_name: &str) -> Result<(), AccountError> {
        check_source_name(source_name)?;
        let had_key = self.delete(&feed_user(source_name))?;
        let had_facts = settings::update(&self.config_dir, |s| {
            Ok(s.feed_keys.remove(source_name).is_some())
        })?;
        if had_key || had_facts {
            Ok(())
        } else {
            Err(AccountError::NoFeedKey(source_name.to_string()))
        }
    }

    /// Every stored key, masked, with its facts.
    pub fn feed_keys(&self) -> Result<Vec<FeedKeyEntry>, AccountError> {
        let settings = settings::load(&self.config_dir)?;
        let today = chrono::Utc::now().date_naive();
        let mut entries = Vec::new();
        for (source, record) in settings.feed_keys {
            let in_store = match check_source_name(&source) {
                Ok(()) => self.get(&feed_user(&source))?.is_some(),
                Err(_) => false,
            };
            let expires_in_days = record
                .expires
                .as_deref()
                .and_then(|d| parse_date(d).ok())
                .map(|d| (d - today).num_days());
            entries.push(FeedKeyEntry {
                source,
                masked: MASK.into(),
                label: record.label,
                scopes: record
                    .scopes
                    .iter()
                    .filter_map(|s| KeyScope::parse(s))
                    .collect(),
                glob: record.glob,
                expires: record.expires,
                expires_in_days,
                expires_soon: expires_in_days
                    .is_some_and(|days| days <= crate::expiry::REMIND_DAYS),
                created: record.created,
                owner: record.owner,
                in_store,
            });
        }
        Ok(entries)
    }

    // ---- account refresh tokens ----

    pub(crate) fn refresh_token(&self, account_id: &str) -> Result<Option<Secret>, AccountError> {
        self.get(&account_user(account_id))
    }

    pub(crate) fn set_refresh_token(
        &self,
        account_id: &str,
        token: &Secret,
    ) -> Result<(), AccountError> {
        self.put(&account_user(account_id), token)
    }

    pub(crate) fn remove_refresh_token(&self, account_id: &str) -> Result<bool, AccountError> {
        self.delete(&account_user(account_id))
    }
}

fn feed_user(source_name: &str) -> String {
    format!("feed:{source_name}")
}

fn account_user(account_id: &str) -> String {
    format!("account:{account_id}")
}

/// Feed names are keys in the credential store and the settings file: keep them printable and short.
fn check_source_name(name: &str) -> Result<(), AccountError> {
    // `https://user:token@host/…`: refused before anything could store or echo it.
    if nupub_error::redact_urls(name) != name {
        return Err(AccountError::CredentialsInSourceName);
    }
    let ok = !name.trim().is_empty()
        && name.len() <= 200
        && name.trim() == name
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || " ._-:/@+()".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadSourceName(
            name.chars().take(200).collect(),
        ))
    }
}

/// Parses a `YYYY-MM-DD` expiry date.
pub fn parse_date(text: &str) -> Result<chrono::NaiveDate, AccountError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AccountError::BadDate(text.chars().take(40).collect()))
}

pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Maps a keyring failure to the user's terms. keyring's messages describe the
/// platform failure, never the stored value.
fn store_error(entry: &str, error: keyring::Error) -> AccountError {
    match error {
        keyring::Error::PlatformFailure(e) => AccountError::NoSecretStore {
            detail: e.to_string(),
        },
        keyring::Error::NoStorageAccess(e) => AccountError::NoSecretStore {
            detail: e.to_string(),
        },
        other => AccountError::SecretStore {
            entry: entry.to_string(),
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names() {
        for good in [
            "nuget.org",
            "Azure Artifacts (contoso)",
            "https://pkgs.dev.azure.com/x",
        ] {
            check_source_name(good).unwrap();
        }
        for bad in [
            "",
            " ",
            " lead",
            "a\nb",
            "a\0b",
            "tab\t",
            &"x".repeat(201),
            "semi;colon",
        ] {
            assert!(
                matches!(check_source_name(bad), Err(AccountError::BadSourceName(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2027-01-31").unwrap().to_string(), "2027-01-31");
        for bad in ["", "2027-02-30", "31/01/2027", "2027-1-1x", "tomorrow"] {
            assert!(
                matches!(parse_date(bad), Err(AccountError::BadDate(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn scopes_parse_nuget_org_names() {
        assert_eq!(KeyScope::parse("package:push"), Some(KeyScope::Push));
        assert_eq!(KeyScope::parse("pushVersion"), Some(KeyScope::PushVersion));
        assert_eq!(KeyScope::parse("Unlist"), Some(KeyScope::Unlist));
        assert_eq!(KeyScope::parse("admin"), None);
        for scope in [KeyScope::Push, KeyScope::PushVersion, KeyScope::Unlist] {
            assert_eq!(KeyScope::parse(scope.as_str()), Some(scope));
        }
    }
}
