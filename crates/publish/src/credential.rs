//! Which API key a feed gets: one lookup, one order, for the window and the CLI.
//!
//! 1. the key given for this run (the CLI's `--api-key`, the window's key form, a CI token exchange);
//! 2. the `NUGET_API_KEY` environment variable;
//! 3. the key stored in the OS keyring for the source: under its name, then under any stored name or
//!    location equal to the source's name or location compared as NuGet compares source names
//!    (ordinal, ignoring case; a trailing `/` on a URL does not count);
//! 4. for an Azure Artifacts feed, the signed-in Microsoft account's Azure DevOps token;
//! 5. none: a problem the plan states before anything is sent, never a 401 surprise.
//!
//! A folder feed takes no key. Keys stay in [`ApiKey`] (zeroed on drop, never printed).

use nupub_accounts::{FeedKeyEntry, KeyMetadata, Vault};
use nupub_feeds::{ApiKey, Auth, FeedKind, Protocol, Source};
use serde::Serialize;
use ts_rs::TS;

/// Where the key of a plan comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CredentialOrigin {
    /// Given for this run (`--api-key`, the window's key form, a CI token exchange).
    Given,
    /// The `NUGET_API_KEY` environment variable.
    Environment,
    /// The OS keyring, stored with `nupub key set` or the window.
    Keyring,
    /// The signed-in Microsoft account's Azure DevOps token.
    AzureSignIn,
    /// A folder feed: nothing to send.
    NotNeeded,
    /// Nothing found.
    None,
}

impl CredentialOrigin {
    /// In words, for the CLI and the window ("from NUGET_API_KEY").
    pub fn describe(self) -> &'static str {
        match self {
            CredentialOrigin::Given => "the key given for this run",
            CredentialOrigin::Environment => "the NUGET_API_KEY environment variable",
            CredentialOrigin::Keyring => "the key stored in your system keyring",
            CredentialOrigin::AzureSignIn => "your signed-in account's Azure DevOps token",
            CredentialOrigin::NotNeeded => "no key (a folder feed needs none)",
            CredentialOrigin::None => "no key",
        }
    }
}

/// Whether a push to this feed can work without an API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum KeyNeed {
    /// A folder feed.
    None,
    /// nuget.org, MyGet, GitHub Packages, Azure Artifacts: a push without one is always refused.
    Required,
    /// Another feed: most refuse a push without a key, a few accept it.
    Usually,
}

/// The API key a feed needs, by its kind.
pub fn key_need(source: &Source) -> KeyNeed {
    if source.protocol == Protocol::Folder {
        return KeyNeed::None;
    }
    if source.credentials.is_some() {
        // nuget.config credentials (a personal access token as password) are what these feeds check.
        return KeyNeed::Usually;
    }
    if is_azure_artifacts(source) {
        return KeyNeed::Required;
    }
    match source.kind {
        FeedKind::NugetOrg | FeedKind::MyGet | FeedKind::GitHubPackages => KeyNeed::Required,
        FeedKind::AzureArtifacts => KeyNeed::Required,
        FeedKind::V2 | FeedKind::V3 | FeedKind::Local => KeyNeed::Usually,
    }
}

/// The credential found for a source: the key itself never leaves this type.
#[derive(Debug, Clone)]
pub struct Credential {
    pub origin: CredentialOrigin,
    pub auth: Auth,
    /// The keyring entry's facts (name it is stored under, expiry, owner).
    pub stored: Option<FeedKeyEntry>,
    /// Why the keyring (or the sign-in) could not be asked, in plain words.
    pub note: Option<String>,
}

impl Credential {
    pub fn has_key(&self) -> bool {
        self.auth.api_key.as_ref().is_some_and(|k| !k.is_empty())
            || self.auth.bearer_token.is_some()
    }
}

/// Where the lookup reads from: the real environment and keyring, or a test's.
pub struct Lookup<'a> {
    pub given: Option<ApiKey>,
    pub env: &'a (dyn Fn(&str) -> Option<String> + Sync),
    pub vault: Option<Result<Vault, nupub_accounts::AccountError>>,
}

impl Lookup<'_> {
    /// The process environment and the system keyring.
    pub fn system(given: Option<ApiKey>) -> Lookup<'static> {
        Lookup {
            given,
            env: &|name| std::env::var(name).ok(),
            vault: None,
        }
    }

    fn vault(&mut self) -> Result<&Vault, String> {
        if self.vault.is_none() {
            self.vault = Some(Vault::system());
        }
        match self.vault.as_ref() {
            Some(Ok(vault)) => Ok(vault),
            Some(Err(e)) => Err(nupub_error::Coded::info(e).message),
            None => Err("no keyring".into()),
        }
    }
}

/// The name a key for `source` is stored under: its nuget.config name, else its location.
pub fn store_name(source: &Source) -> String {
    source.name_or_location()
}

/// NuGet compares source names ordinally ignoring case; locations also ignore a trailing `/`.
pub fn same_source_name(a: &str, b: &str) -> bool {
    a.trim()
        .trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim().trim_end_matches('/'))
}

/// The keyring entry for `source` (facts only), as the lookup finds it.
pub fn stored_entry(vault: &Vault, source: &Source) -> Result<Option<FeedKeyEntry>, String> {
    let entries = vault
        .feed_keys()
        .map_err(|e| nupub_error::Coded::info(&e).message)?;
    let location = source.location.display();
    let by = |wanted: &str| {
        entries
            .iter()
            .find(|k| k.in_store && same_source_name(&k.source, wanted))
            .cloned()
    };
    Ok(by(&source.name).or_else(|| by(&location)))
}

/// The credentials for reading `source` (versions, a baseline package): none
/// for nuget.org, which serves every read without a key (so the keyring is not
/// even read for it); otherwise the lookup without a given key, offline.
pub fn for_reading(source: &Source) -> Auth {
    if source.kind == nupub_feeds::FeedKind::NugetOrg {
        return Auth::default();
    }
    resolve_offline(source, &mut Lookup::system(None)).auth
}

/// Runs the lookup in the documented order (module docs). Reads the keyring
/// only when nothing earlier gave a key, and never for a folder.
pub async fn resolve(source: &Source, mut lookup: Lookup<'_>) -> Credential {
    let mut found = Credential {
        origin: CredentialOrigin::None,
        auth: Auth::default(),
        stored: None,
        note: None,
    };
    if source.protocol == Protocol::Folder {
        found.origin = CredentialOrigin::NotNeeded;
        return found;
    }
    if let Some(key) = lookup.given.take().filter(|k| !k.is_empty()) {
        found.origin = CredentialOrigin::Given;
        found.auth = Auth::key(key);
        return found;
    }
    let offline = resolve_offline(source, &mut lookup);
    if offline.has_key() {
        return offline;
    }
    found.note = offline.note;
    if is_azure_artifacts(source) && source.credentials.is_none() {
        match azure_token().await {
            Ok(token) => {
                found.origin = CredentialOrigin::AzureSignIn;
                found.auth = Auth {
                    api_key: Some(ApiKey::new(AZURE_PLACEHOLDER_KEY)),
                    bearer_token: Some(ApiKey::new(token.expose())),
                };
            }
            Err(e) => {
                found.note = Some(format!(
                    "no Azure DevOps token could be had from a signed-in account: {}",
                    nupub_error::Coded::info(&e).message
                ))
            }
        }
    }
    found
}

/// Steps 2 and 3 of the lookup (environment, keyring): what can be known
/// without the network, for the feed list.
pub fn resolve_offline(source: &Source, lookup: &mut Lookup<'_>) -> Credential {
    let mut found = Credential {
        origin: CredentialOrigin::None,
        auth: Auth::default(),
        stored: None,
        note: None,
    };
    if source.protocol == Protocol::Folder {
        found.origin = CredentialOrigin::NotNeeded;
        return found;
    }
    if let Some(key) = (lookup.env)("NUGET_API_KEY").filter(|k| !k.trim().is_empty()) {
        found.origin = CredentialOrigin::Environment;
        found.auth = Auth::key(ApiKey::new(key.trim()));
        return found;
    }
    match lookup.vault() {
        Ok(vault) => match stored_entry(vault, source) {
            Ok(Some(entry)) => match vault.feed_key(&entry.source) {
                Ok(Some(secret)) => {
                    found.origin = CredentialOrigin::Keyring;
                    found.auth = Auth::key(ApiKey::new(secret.expose()));
                    found.stored = Some(entry);
                }
                Ok(None) => {}
                Err(e) => found.note = Some(nupub_error::Coded::info(&e).message),
            },
            Ok(None) => {}
            Err(note) => found.note = Some(note),
        },
        Err(note) => {
            found.note = Some(format!(
                "the system keyring could not be read, so no stored API key was used ({note})"
            ))
        }
    }
    found
}

/// The user name stored with the feed's key (`nupub key set --owner`, the
/// window's key form): whose ownership the owner checks are about. Read from
/// the settings file only; the keyring is not touched.
pub fn stored_owner(source: &Source) -> Result<Option<String>, nupub_accounts::AccountError> {
    let dir = nupub_accounts::settings::config_dir()?;
    nupub_accounts::settings::stored_owner(&dir, &store_name(source))
}

/// The key a read (feed facts) may carry: never nuget.org's, whose reads are public.
pub fn read_auth(source: &Source, credential: &Credential) -> Auth {
    if source.kind == FeedKind::NugetOrg {
        Auth::default()
    } else {
        credential.auth.clone()
    }
}

/// The API key Azure Artifacts' docs give: required, any value works.
pub const AZURE_PLACEHOLDER_KEY: &str = "AZ";

/// An Azure Artifacts feed: an `azure:` source or a `pkgs.dev.azure.com`
/// URL, or any URL of Azure Artifacts' shape
/// (`…/_packaging/FEED/nuget/v3/index.json`, as Azure DevOps Server uses on its own host).
pub fn is_azure_artifacts(source: &Source) -> bool {
    source.kind == FeedKind::AzureArtifacts
        || source.url().is_some_and(|url| {
            let path = url.path().to_ascii_lowercase();
            path.contains("/_packaging/") && path.ends_with("/nuget/v3/index.json")
        })
}

async fn azure_token() -> Result<nupub_accounts::Secret, nupub_accounts::AccountError> {
    let accounts = nupub_accounts::Accounts::system()?;
    accounts.azure_devops_token(None).await
}

/// Stores `key` for `source` in the keyring (under [`store_name`]), for any kind of feed.
///
/// The key and its facts follow the same rules as Account → Add a key and
/// `nupub key set` (`nupub_accounts::keys::check_key`/`check_metadata`):
/// a nuget.org key must look like one, expiry days are bounded, and so on.
pub fn store(
    source: &Source,
    key: &ApiKey,
    mut metadata: KeyMetadata,
) -> Result<String, crate::error::PublishError> {
    let name = store_name(source);
    let secret = nupub_accounts::Secret::new(key.expose().trim().to_string());
    nupub_accounts::keys::check_key(&name, &secret)?;
    nupub_accounts::keys::check_metadata(&name, &mut metadata, nupub_accounts::keys::today_utc())?;
    let vault = Vault::system()?;
    vault.set_feed_key(&name, secret, metadata)?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn v2() -> Source {
        Source::from_url("Team Feed", "http://127.0.0.1:1/api/v2/package").unwrap()
    }

    #[test]
    fn names_compare_as_nuget_compares_them() {
        assert!(same_source_name("Team Feed", "team feed"));
        assert!(same_source_name(
            "https://x.test/v3/index.json/",
            "HTTPS://x.test/v3/index.json"
        ));
        assert!(!same_source_name("Team Feed", "Team Feed 2"));
    }

    #[tokio::test]
    async fn given_key_wins_then_the_environment() {
        let env = |name: &str| (name == "NUGET_API_KEY").then(|| " from-env ".to_string());
        let lookup = Lookup {
            given: Some(ApiKey::new("given")),
            env: &env,
            vault: None,
        };
        let c = resolve(&v2(), lookup).await;
        assert_eq!(c.origin, CredentialOrigin::Given);
        assert_eq!(c.auth.api_key.unwrap().expose(), "given");
        let lookup = Lookup {
            given: None,
            env: &env,
            vault: None,
        };
        let c = resolve(&v2(), lookup).await;
        assert_eq!(c.origin, CredentialOrigin::Environment);
        assert_eq!(c.auth.api_key.unwrap().expose(), "from-env");
    }

    #[tokio::test]
    async fn a_folder_needs_no_key_and_is_never_given_one() {
        let env = |_: &str| Some("k".to_string());
        let folder = Source::folder("Local", Path::new("/tmp/feed"));
        let c = resolve(
            &folder,
            Lookup {
                given: Some(ApiKey::new("x")),
                env: &env,
                vault: None,
            },
        )
        .await;
        assert_eq!(c.origin, CredentialOrigin::NotNeeded);
        assert!(!c.has_key());
        assert_eq!(key_need(&folder), KeyNeed::None);
    }

    #[test]
    fn key_need_by_kind() {
        assert_eq!(key_need(&Source::nuget_org()), KeyNeed::Required);
        assert_eq!(key_need(&v2()), KeyNeed::Usually);
        assert_eq!(
            key_need(&Source::azure("org", None, "feed").unwrap()),
            KeyNeed::Required
        );
    }

    #[test]
    fn nuget_org_reads_carry_no_key() {
        let c = Credential {
            origin: CredentialOrigin::Given,
            auth: Auth::key(ApiKey::new("k")),
            stored: None,
            note: None,
        };
        assert!(read_auth(&Source::nuget_org(), &c).api_key.is_none());
        assert!(read_auth(&v2(), &c).api_key.is_some());
    }
}
