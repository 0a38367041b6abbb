//! The accounts settings file: everything about accounts and feed keys that
//! is not secret (who is signed in, which account is active, the label, scope,
//! glob and dates of each stored key, the sign-in app's client id).
//!
//! It lives at `<config dir>/accounts.json` (`~/.config/nupub/accounts.json` on
//! Linux; `NUPUB_CONFIG_DIR` overrides the folder). It is written atomically
//! (a temporary file in the same folder, then a rename), and a file Nupub
//! cannot read is reported and left untouched, never replaced.

use crate::error::AccountError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The file name inside the config folder.
pub const FILE_NAME: &str = "accounts.json";
/// A settings file larger than this is not Nupub's.
const MAX_SIZE: u64 = 1024 * 1024;

/// Nupub's config folder: `NUPUB_CONFIG_DIR`, else the platform's (for example `~/.config/nupub`).
pub fn config_dir() -> Result<PathBuf, AccountError> {
    if let Some(dir) = std::env::var_os("NUPUB_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "Nupub", "Nupub")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or(AccountError::NoConfigDir)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The sign-in app's client id, when the user saved one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_account: Option<String>,
    #[serde(default)]
    pub accounts: Vec<AccountRecord>,
    /// Feed key facts by feed name.
    #[serde(default)]
    pub feed_keys: BTreeMap<String, FeedKeyRecord>,
}

/// What Nupub remembers about a signed-in account (never a token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRecord {
    pub id: String,
    pub issuer: String,
    pub client_id: String,
    /// The token endpoint, so a refresh needs no discovery round trip.
    pub token_endpoint: String,
    /// The provider's key set, to check id_tokens that come with a refresh.
    #[serde(default)]
    pub jwks_uri: Option<String>,
    pub subject: String,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub amr: Vec<String>,
    /// RFC 3339.
    pub signed_in_at: String,
    /// When the last access token expires (RFC 3339).
    #[serde(default)]
    pub access_token_expires_at: Option<String>,
    /// The provider refused the stored refresh token: the user must sign in again.
    #[serde(default)]
    pub needs_sign_in: bool,
    /// The date the user said two-step verification is on (their word, not evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_step_confirmed: Option<String>,
    /// The user ticked that nuget.org e-mails them on every publish from this account.
    #[serde(default)]
    pub publish_email_confirmed: bool,
}

/// What Nupub remembers about a stored feed key (never the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedKeyRecord {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub glob: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub expires: Option<String>,
    /// RFC 3339.
    pub created: String,
    /// The user (or organisation) name on the feed the key belongs to, e.g.
    /// the nuget.org profile name. Plain metadata, not a secret; files written
    /// before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// The longest user or organisation name nuget.org accepts.
pub const MAX_OWNER_LENGTH: usize = 64;

/// Checks a user name on a feed as typed: trimmed, empty means none; else
/// nuget.org's rule for user and organisation names (ASCII letters, digits,
/// `.`, `-`, `_`, starting and ending with a letter or digit, at most
/// [`MAX_OWNER_LENGTH`] characters).
pub fn check_owner(text: Option<&str>) -> Result<Option<String>, AccountError> {
    let Some(name) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let ok = name.len() <= MAX_OWNER_LENGTH
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && edge(name.chars().next())
        && edge(name.chars().last());
    if ok {
        Ok(Some(name.to_string()))
    } else {
        Err(AccountError::BadOwner(
            name.chars().filter(|c| !c.is_control()).take(80).collect(),
        ))
    }
}

/// The owner saved with the key of the feed named `source_name` (names
/// compared without case, as nuget.config does), read from the settings in
/// `dir` without touching the keyring. A saved name that is not valid (the
/// file was edited by hand) counts as none.
pub fn stored_owner(dir: &Path, source_name: &str) -> Result<Option<String>, AccountError> {
    let settings = load(dir)?;
    Ok(settings
        .feed_keys
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(source_name.trim()))
        .and_then(|(_, record)| check_owner(record.owner.as_deref()).ok().flatten()))
}

/// Reads the settings file in `dir`; a missing file is empty settings.
pub fn load(dir: &Path) -> Result<Settings, AccountError> {
    let path = dir.join(FILE_NAME);
    let unreadable = |detail: String| AccountError::SettingsUnreadable {
        path: path.clone(),
        detail,
    };
    let Some(bytes) = read_bounded(&path, MAX_SIZE).map_err(unreadable)? else {
        return Ok(Settings::default());
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Settings::default());
    }
    serde_json::from_slice(&bytes).map_err(|e| unreadable(format!("it is not valid: {e}")))
}

/// Writes the settings file in `dir` atomically (owner-only permissions on Unix).
pub fn save(dir: &Path, settings: &Settings) -> Result<(), AccountError> {
    let path = dir.join(FILE_NAME);
    let unwritable = |detail: String| AccountError::SettingsUnwritable {
        path: path.clone(),
        detail,
    };
    let mut json = serde_json::to_vec_pretty(settings).map_err(|e| unwritable(e.to_string()))?;
    json.push(b'\n');
    write_atomically(&path, &json).map_err(unwritable)
}

/// Reads a small settings file: `None` when it does not exist, the reason
/// (for an "unreadable" error) when it cannot be read or is over `max` bytes.
/// Shared by every settings file Nupub keeps beside `accounts.json`.
pub fn read_bounded(path: &Path, max: u64) -> Result<Option<Vec<u8>>, String> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!("it is larger than {} KB", max / 1024));
    }
    Ok(Some(bytes))
}

/// Replaces `path` with `bytes` atomically: a temporary file in the same
/// folder (owner-only on Unix), synced, then renamed over it. Creates the folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .ok_or_else(|| format!("{} has no folder", path.display()))?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut file = tempfile::Builder::new()
        .prefix(&format!(".{stem}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| e.to_string())?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| e.to_string())?;
    file.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}

/// Loads, changes and saves the settings in one step, holding an exclusive
/// lock on `.accounts.lock` beside the file throughout, so two writers (the
/// window and `nupub key set`, say) never lose each other's change. The lock
/// is advisory and released when the step ends, even on an error.
pub fn update<T>(
    dir: &Path,
    change: impl FnOnce(&mut Settings) -> Result<T, AccountError>,
) -> Result<T, AccountError> {
    let _lock = lock(dir)?;
    let mut settings = load(dir)?;
    let result = change(&mut settings)?;
    save(dir, &settings)?;
    Ok(result)
}

/// The exclusive lock [`update`] holds; dropped (closed) to release it.
fn lock(dir: &Path) -> Result<std::fs::File, AccountError> {
    use fs4::fs_std::FileExt;
    let path = dir.join(".accounts.lock");
    let unwritable = |e: std::io::Error| AccountError::SettingsUnwritable {
        path: path.clone(),
        detail: format!("cannot take the settings lock: {e}"),
    };
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(unwritable)?;
    file.lock_exclusive().map_err(unwritable)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nupub_error::Coded;

    #[test]
    fn concurrent_updates_lose_nothing() {
        // Eight writers, each adding its own key record 20 times over: without
        // the lock, read-modify-write races drop records.
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|n| {
                let dir = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    for round in 0..20 {
                        update(&dir, |s| {
                            s.feed_keys.insert(format!("feed-{n}-{round}"), record());
                            Ok(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(load(dir.path()).unwrap().feed_keys.len(), 8 * 20);
    }

    fn record() -> FeedKeyRecord {
        FeedKeyRecord {
            label: Some("CI key".into()),
            scopes: vec!["push".into()],
            glob: Some("Contoso.*".into()),
            expires: Some("2027-01-31".into()),
            created: "2026-01-01T00:00:00Z".into(),
            owner: Some("contoso".into()),
        }
    }

    #[test]
    fn a_file_written_before_owners_existed_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let old = r#"{"feedKeys": {"nuget.org": {"label": "CI key", "scopes": ["push"], "glob": "Contoso.*", "expires": "2027-01-31", "created": "2026-01-01T00:00:00Z"}}}"#;
        std::fs::write(dir.path().join(FILE_NAME), old).unwrap();
        let loaded = load(dir.path()).unwrap();
        let record = &loaded.feed_keys["nuget.org"];
        assert_eq!(record.owner, None);
        assert_eq!(record.label.as_deref(), Some("CI key"));
        assert_eq!(stored_owner(dir.path(), "nuget.org").unwrap(), None);
        // Saved again without an owner: no "owner" key is written.
        save(dir.path(), &loaded).unwrap();
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(!text.contains("owner"), "{text}");
    }

    #[test]
    fn the_owner_round_trips_and_is_found_by_feed_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::default();
        settings.feed_keys.insert("Team Feed".into(), record());
        save(dir.path(), &settings).unwrap();
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(text.contains("\"owner\": \"contoso\""), "{text}");
        assert_eq!(
            stored_owner(dir.path(), "team feed").unwrap().as_deref(),
            Some("contoso")
        );
        assert_eq!(stored_owner(dir.path(), "other").unwrap(), None);
        // A name edited by hand into something invalid counts as none.
        let mut bad = record();
        bad.owner = Some("<script>".into());
        settings.feed_keys.insert("Team Feed".into(), bad);
        save(dir.path(), &settings).unwrap();
        assert_eq!(stored_owner(dir.path(), "Team Feed").unwrap(), None);
        // A broken settings file is reported, not read as "no owner".
        std::fs::write(
            dir.path().join(FILE_NAME),
            b"{\"feedKeys\": {\"x\": {\"owner\": 5",
        )
        .unwrap();
        assert!(matches!(
            stored_owner(dir.path(), "x"),
            Err(AccountError::SettingsUnreadable { .. })
        ));
    }

    #[test]
    fn owner_names_follow_nuget_org_rules() {
        assert_eq!(check_owner(None).unwrap(), None);
        assert_eq!(check_owner(Some("   ")).unwrap(), None);
        assert_eq!(
            check_owner(Some(" jane.doe ")).unwrap().as_deref(),
            Some("jane.doe")
        );
        assert_eq!(
            check_owner(Some("Contoso_Ltd-2")).unwrap().as_deref(),
            Some("Contoso_Ltd-2")
        );
        assert_eq!(check_owner(Some("a")).unwrap().as_deref(), Some("a"));
        let long = "a".repeat(MAX_OWNER_LENGTH + 1);
        for bad in [
            "a b",
            "-ann",
            "ann.",
            "ann@example.com",
            "<script>",
            "ann\u{0}",
            "jöhn",
            long.as_str(),
        ] {
            let error = check_owner(Some(bad)).unwrap_err();
            assert!(
                matches!(error, AccountError::BadOwner(_)),
                "{bad}: {error:?}"
            );
            assert_eq!(error.info().code, "account.bad_owner");
            assert!(!error.to_string().contains('\u{0}'));
        }
    }

    #[test]
    fn missing_or_blank_file_is_empty_settings() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), Settings::default());
        std::fs::write(dir.path().join(FILE_NAME), " \n").unwrap();
        assert_eq!(load(dir.path()).unwrap(), Settings::default());
    }

    #[test]
    fn round_trip_in_camel_case() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::default();
        settings.feed_keys.insert("nuget.org".into(), record());
        settings.active_account = Some("a.b".into());
        save(dir.path(), &settings).unwrap();
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(text.contains("\"feedKeys\""), "{text}");
        assert!(text.contains("\"activeAccount\""), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "settings readable by others: {mode:o}");
        }
        assert_eq!(load(dir.path()).unwrap(), settings);
        // Only the settings file is left: the temporary file was renamed.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(FILE_NAME)]);
    }

    #[test]
    fn hostile_files_are_reported_and_left_unchanged() {
        let cases: Vec<Vec<u8>> = vec![
            b"{not json".to_vec(),
            b"[1,2,3]".to_vec(),
            b"{\"accounts\": 5}".to_vec(),
            b"{\"feedKeys\": {\"x\": {\"created\": 7}}}".to_vec(),
            vec![0xff, 0xfe, 0x00, 0x7b],
            b"\"".repeat(10),
            vec![b' '; (MAX_SIZE + 10) as usize],
            format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ];
        for bytes in cases {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(FILE_NAME);
            std::fs::write(&path, &bytes).unwrap();
            let error = load(dir.path()).unwrap_err();
            assert!(
                matches!(error, AccountError::SettingsUnreadable { .. }),
                "{error:?}"
            );
            assert!(error.to_string().contains("accounts.json"), "{error}");
            // update() refuses too, and the file keeps its bytes.
            let changed = update(dir.path(), |s| {
                s.client_id = Some("x".into());
                Ok(())
            });
            assert!(changed.is_err());
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
    }

    #[test]
    fn unknown_fields_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            r#"{"futureField": true, "clientId": "abc", "feedKeys": {}}"#,
        )
        .unwrap();
        assert_eq!(load(dir.path()).unwrap().client_id.as_deref(), Some("abc"));
    }

    #[test]
    fn unwritable_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let error = save(&blocker.join("sub"), &Settings::default()).unwrap_err();
        assert!(
            matches!(error, AccountError::SettingsUnwritable { .. }),
            "{error:?}"
        );
    }
}
