//! The vault against a real gnome-keyring. Run through `scripts/with-peers`,
//! whose session bus has an unlocked gnome-keyring as its Secret Service.
#![allow(clippy::unwrap_used)]

use nupub_accounts::vault::MASK;
use nupub_accounts::{AccountError, KeyMetadata, KeyScope, Secret, Vault};
use std::process::Command;

fn session_bus() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run the vault tests through scripts/with-peers (they need a private D-Bus session with gnome-keyring)"
    );
}

/// A vault under a service name of its own, so tests never see each other's entries.
fn vault(name: &str) -> (Vault, tempfile::TempDir) {
    session_bus();
    let config = tempfile::tempdir().unwrap();
    let service = format!("org.nupub.tests.{name}.{}", std::process::id());
    (
        Vault::open(&service, config.path().to_path_buf()).unwrap(),
        config,
    )
}

/// What `secret-tool` (libsecret, another real client) finds for an entry.
fn secret_tool_lookup(service: &str, user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .output()
        .unwrap();
    (out.status.success() && !out.stdout.is_empty())
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn feed_key_round_trip_in_the_real_keyring() {
    let (vault, config) = vault("roundtrip");
    assert!(vault.feed_key("nuget.org").unwrap().is_none());
    let metadata = KeyMetadata {
        label: Some("laptop push key".into()),
        scopes: vec![KeyScope::Push],
        glob: Some("Contoso.*".into()),
        expires: Some("2099-12-31".into()),
        owner: Some(" contoso ".into()),
    };
    vault
        .set_feed_key(
            "nuget.org",
            Secret::new("oy2-vault-test-key-AAAA\n"),
            metadata.clone(),
        )
        .unwrap();
    assert_eq!(
        vault.feed_key("nuget.org").unwrap().unwrap().expose(),
        "oy2-vault-test-key-AAAA"
    );

    // Another Secret Service client sees the same entry: it is really in gnome-keyring.
    let service = format!("org.nupub.tests.roundtrip.{}", std::process::id());
    assert_eq!(
        secret_tool_lookup(&service, "feed:nuget.org").as_deref(),
        Some("oy2-vault-test-key-AAAA")
    );

    // The settings file holds the facts and never the key.
    let settings = std::fs::read_to_string(config.path().join("accounts.json")).unwrap();
    assert!(settings.contains("laptop push key"), "{settings}");
    assert!(settings.contains("Contoso.*"), "{settings}");
    assert!(!settings.contains("oy2-vault-test-key"), "{settings}");

    let list = vault.feed_keys().unwrap();
    assert_eq!(list.len(), 1);
    let entry = &list[0];
    assert_eq!(entry.source, "nuget.org");
    assert_eq!(entry.masked, MASK);
    assert_eq!(entry.scopes, vec![KeyScope::Push]);
    assert!(entry.in_store);
    assert_eq!(entry.owner.as_deref(), Some("contoso"));
    assert!(settings.contains("\"owner\": \"contoso\""), "{settings}");
    assert!(entry.expires_in_days.unwrap() > 365 * 50);
    let json = serde_json::to_string(&list).unwrap();
    assert!(!json.contains("oy2-vault-test-key"), "{json}");
    assert!(json.contains("\"expiresInDays\""), "{json}");

    // Replacing keeps one entry; removing clears both places.
    vault
        .set_feed_key(
            "nuget.org",
            Secret::new("oy2-vault-test-key-BBBB"),
            KeyMetadata::default(),
        )
        .unwrap();
    assert_eq!(
        vault.feed_key("nuget.org").unwrap().unwrap().expose(),
        "oy2-vault-test-key-BBBB"
    );
    assert_eq!(vault.feed_keys().unwrap().len(), 1);
    vault.remove_feed_key("nuget.org").unwrap();
    assert!(vault.feed_key("nuget.org").unwrap().is_none());
    assert!(vault.feed_keys().unwrap().is_empty());
    assert_eq!(secret_tool_lookup(&service, "feed:nuget.org"), None);
    assert!(matches!(
        vault.remove_feed_key("nuget.org"),
        Err(AccountError::NoFeedKey(_))
    ));
}

#[test]
fn bad_input_is_refused_before_anything_is_stored() {
    let (vault, config) = vault("badinput");
    assert!(matches!(
        vault.set_feed_key("feed", Secret::new("  \n"), KeyMetadata::default()),
        Err(AccountError::EmptySecret)
    ));
    assert!(matches!(
        vault.set_feed_key("bad\nname", Secret::new("k"), KeyMetadata::default()),
        Err(AccountError::BadSourceName(_))
    ));
    assert!(matches!(
        vault.set_feed_key(
            "feed",
            Secret::new("k"),
            KeyMetadata {
                expires: Some("31.12.2027".into()),
                ..KeyMetadata::default()
            }
        ),
        Err(AccountError::BadDate(_))
    ));
    // A user name that is not one is refused before anything is stored.
    assert!(matches!(
        vault.set_feed_key(
            "feed",
            Secret::new("k"),
            KeyMetadata {
                owner: Some("ann smith@example".into()),
                ..KeyMetadata::default()
            }
        ),
        Err(AccountError::BadOwner(_))
    ));
    assert!(vault.feed_key("feed").unwrap().is_none());
    assert!(!config.path().join("accounts.json").exists());

    // A broken settings file: the key is not stored and the file is left alone.
    std::fs::write(config.path().join("accounts.json"), b"{broken").unwrap();
    let error = vault
        .set_feed_key("feed", Secret::new("k-123"), KeyMetadata::default())
        .unwrap_err();
    assert!(
        matches!(error, AccountError::SettingsUnreadable { .. }),
        "{error:?}"
    );
    assert!(vault.feed_key("feed").unwrap().is_none());
    assert_eq!(
        std::fs::read(config.path().join("accounts.json")).unwrap(),
        b"{broken"
    );
}

#[test]
fn a_key_removed_outside_nupub_is_listed_as_missing() {
    let (vault, _config) = vault("outside");
    vault
        .set_feed_key("feed-x", Secret::new("k-outside"), KeyMetadata::default())
        .unwrap();
    let service = format!("org.nupub.tests.outside.{}", std::process::id());
    let cleared = Command::new("secret-tool")
        .args(["clear", "service", &service, "username", "feed:feed-x"])
        .status()
        .unwrap();
    assert!(cleared.success());
    let list = vault.feed_keys().unwrap();
    assert_eq!(list.len(), 1);
    assert!(!list[0].in_store);
    assert!(vault.feed_key("feed-x").unwrap().is_none());
}
