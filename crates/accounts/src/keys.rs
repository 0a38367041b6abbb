//! What a feed key may look like, decided once for the window (`save_feed_key`)
//! and `nupub key set`, by the kind of feed it is for.
//!
//! - nuget.org: its keys have one documented shape (`oy2` and 43 lower-case
//!   letters or digits; the clear-text scan uses the same test), scopes and a
//!   glob pattern are nuget.org's own, and a key lives 1 to 365 days.
//! - any other feed: the key is opaque (only blanks and control characters
//!   are refused), and nothing nuget.org-specific is invented for it: no
//!   scopes and no glob; an expiry date only when the user gives one, and then
//!   not in the past.
//!
//! No message ever contains the key.

use crate::secret::Secret;
use crate::vault::{parse_date, KeyMetadata};
use nupub_error::Coded;

/// The feed name nuget.org has in every nuget.config.
pub const NUGET_ORG: &str = "nuget.org";
/// nuget.org keys last at most 365 days.
pub const MAX_KEY_DAYS: i64 = 365;
/// Longer pasted text is refused: no feed's key is this long.
pub const MAX_KEY_LENGTH: usize = 1024;

/// Which rules a key is checked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    NugetOrg,
    Other,
}

impl FeedKind {
    /// nuget.org by its name (any case) or by its V3 or V2 address.
    pub fn of(source: &str) -> FeedKind {
        let s = source.trim().to_ascii_lowercase();
        let host = s
            .strip_prefix("https://")
            .map(|rest| rest.split(['/', ':']).next().unwrap_or_default());
        if s == NUGET_ORG || matches!(host, Some("api.nuget.org" | "www.nuget.org" | "nuget.org")) {
            FeedKind::NugetOrg
        } else {
            FeedKind::Other
        }
    }
}

/// nuget.org API keys: `oy2` followed by 43 lower-case letters and digits.
pub fn looks_like_nuget_org_key(value: &str) -> bool {
    let value = value.trim();
    value.len() == 46
        && value.starts_with("oy2")
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("The API key is empty.")]
    Empty,
    #[error("The API key for {feed} contains spaces, line breaks or other invisible characters.")]
    Malformed { feed: String },
    #[error("The API key for {feed} is longer than {MAX_KEY_LENGTH} characters.")]
    TooLong { feed: String },
    #[error("This is not a nuget.org API key: nuget.org keys are 46 characters long, start with oy2 and hold only lower-case letters and digits.")]
    NotNugetOrgShape,
    #[error("The expiry date {date} is in the past: this key has already expired.")]
    ExpiryPast { date: String },
    #[error("The expiry date {date} is more than {MAX_KEY_DAYS} days away; nuget.org keys last 1 to {MAX_KEY_DAYS} days.")]
    ExpiryTooFar { date: String },
    #[error("The package pattern {glob:?} is not a nuget.org glob pattern.")]
    BadGlob { glob: String },
    #[error("The feed {feed} is not nuget.org: scopes and glob patterns are nuget.org's, so Nupub does not record them for this feed.")]
    NotNugetOrgFacts { feed: String },
    #[error("The date {0:?} is not a valid expiry date.")]
    BadDate(String),
    #[error("The user name on the feed {0:?} is not a valid nuget.org user or organisation name.")]
    BadOwner(String),
}

impl Coded for KeyError {
    fn code(&self) -> &'static str {
        match self {
            KeyError::Empty => "account.key_empty",
            KeyError::Malformed { .. } => "account.key_malformed",
            KeyError::TooLong { .. } => "account.key_too_long",
            KeyError::NotNugetOrgShape => "account.key_not_nuget_org",
            KeyError::ExpiryPast { .. } => "account.key_expiry_past",
            KeyError::ExpiryTooFar { .. } => "account.key_expiry_too_far",
            KeyError::BadGlob { .. } => "account.key_bad_glob",
            KeyError::NotNugetOrgFacts { .. } => "account.key_facts_not_for_feed",
            KeyError::BadDate(_) => "account.key_bad_date",
            KeyError::BadOwner(_) => "account.key_bad_owner",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                KeyError::Empty => "paste the API key you created on the feed's website (on nuget.org: your account menu, API Keys)",
                KeyError::Malformed { .. } | KeyError::TooLong { .. } => {
                    "copy the key again with the Copy button on the feed's API keys page and paste it alone"
                }
                KeyError::NotNugetOrgShape => {
                    "on https://www.nuget.org/account/apikeys choose Copy next to the key (a key is shown in full only right after it is created or regenerated) and paste it here"
                }
                KeyError::ExpiryPast { .. } => "create a new key on the feed's website and save that one",
                KeyError::ExpiryTooFar { .. } => {
                    "enter the expiry date shown next to the key on https://www.nuget.org/account/apikeys"
                }
                KeyError::BadGlob { .. } => "use your package id prefix with a * wildcard, for example Contoso.*",
                KeyError::NotNugetOrgFacts { .. } => "leave the scope and glob pattern empty for this feed",
                KeyError::BadDate(_) => "write the date as YYYY-MM-DD, for example 2027-01-31",
                KeyError::BadOwner(_) => {
                    "give the name shown on your profile page: letters, digits, '.', '-' and '_', at most 64 characters (or leave it empty)"
                }
            }
            .to_string(),
        )
    }
}

/// Today in UTC, the day expiry dates are counted from.
pub fn today_utc() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Checks a pasted key (trimmed) for `source`; the key itself never reaches a message.
pub fn check_key(source: &str, key: &Secret) -> Result<(), KeyError> {
    let text = key.expose().trim();
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    let feed = || source.chars().take(200).collect::<String>();
    if text.len() > MAX_KEY_LENGTH {
        return Err(KeyError::TooLong { feed: feed() });
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(KeyError::Malformed { feed: feed() });
    }
    if FeedKind::of(source) == FeedKind::NugetOrg && !looks_like_nuget_org_key(text) {
        return Err(KeyError::NotNugetOrgShape);
    }
    Ok(())
}

/// Tidies and checks the facts saved with a key for `source` (see the module
/// documentation for the rules of each kind of feed). `today` is UTC.
pub fn check_metadata(
    source: &str,
    metadata: &mut KeyMetadata,
    today: chrono::NaiveDate,
) -> Result<(), KeyError> {
    let kind = FeedKind::of(source);
    metadata.label = metadata
        .label
        .take()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty());
    metadata.glob = metadata
        .glob
        .take()
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty());
    let mut scopes = Vec::new();
    for scope in metadata.scopes.drain(..) {
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    metadata.scopes = scopes;
    if kind == FeedKind::Other && (metadata.glob.is_some() || !metadata.scopes.is_empty()) {
        return Err(KeyError::NotNugetOrgFacts {
            feed: source.chars().take(200).collect(),
        });
    }
    if let Some(glob) = &metadata.glob {
        let ok = glob.len() <= 128
            && glob
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-*".contains(c));
        if !ok {
            return Err(KeyError::BadGlob {
                glob: glob.chars().take(128).collect(),
            });
        }
    }
    metadata.expires = metadata
        .expires
        .take()
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty());
    if let Some(text) = &metadata.expires {
        let date =
            parse_date(text).map_err(|_| KeyError::BadDate(text.chars().take(40).collect()))?;
        let days = (date - today).num_days();
        if days < 0 {
            return Err(KeyError::ExpiryPast { date: text.clone() });
        }
        // One day of slack: the key was created yesterday in another time zone.
        if kind == FeedKind::NugetOrg && days > MAX_KEY_DAYS + 1 {
            return Err(KeyError::ExpiryTooFar { date: text.clone() });
        }
    }
    metadata.owner = crate::settings::check_owner(metadata.owner.as_deref())
        .map_err(|_| KeyError::BadOwner(metadata.owner.clone().unwrap_or_default()))?;
    Ok(())
}

/// The page where nuget.org keys are created, regenerated and deleted.
pub const NUGET_ORG_API_KEYS_PAGE: &str = "https://www.nuget.org/account/apikeys";

/// What just happened to stored keys, for [`guidance`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum KeyChange {
    /// A stored key was replaced by another.
    Replaced,
    /// A stored key was removed from the keyring.
    Removed,
    /// The last account signed out; the publish keys stayed in the keyring.
    SignedOutKeysKept,
    /// The last account signed out and the publish keys were removed too.
    SignedOutKeysRemoved,
}

/// What to do on the feed's website after a change, and where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Guidance {
    pub text: String,
    /// The exact page (nuget.org's API keys page); `None` for other feeds.
    pub url: Option<String>,
}

/// Says what removing or replacing a key here does not do on the feed, for `source`.
pub fn guidance(source: &str, change: KeyChange) -> Guidance {
    let nuget = FeedKind::of(source) == FeedKind::NugetOrg;
    let place = if nuget {
        "nuget.org's API keys page".to_string()
    } else {
        format!("the website of {source}")
    };
    let text = match change {
        KeyChange::Replaced => format!(
            "The old key still works on the feed until it expires or is deleted. Unless you regenerated it (which ends the old one), delete the old key on {place}."
        ),
        KeyChange::Removed => format!(
            "Nupub no longer holds the key, but the feed still accepts it until it expires. If nobody needs it any more, delete it on {place}."
        ),
        KeyChange::SignedOutKeysKept => format!(
            "You are signed out, but the publish keys stay in this computer's keyring and Nupub can still publish with them. Remove them under Feed keys if others use this computer; delete unused ones on {place}."
        ),
        KeyChange::SignedOutKeysRemoved => format!(
            "The publish keys are gone from this computer, but the feed accepts them until they expire. Delete the ones nobody needs on {place}."
        ),
    };
    Guidance {
        text,
        url: nuget.then(|| NUGET_ORG_API_KEYS_PAGE.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::KeyScope;

    const KEY: &str = "oy2abcdefghijklmnopqrstuvwxyz0123456789abcdefg";

    fn day(text: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn feed_kinds() {
        for nuget in [
            "nuget.org",
            "NuGet.org",
            " nuget.org ",
            "https://api.nuget.org/v3/index.json",
            "https://www.nuget.org/api/v2",
        ] {
            assert_eq!(FeedKind::of(nuget), FeedKind::NugetOrg, "{nuget}");
        }
        for other in [
            "Contoso",
            "https://pkgs.dev.azure.com/c/_packaging/f/nuget/v3/index.json",
            "https://nuget.org.evil.test/v3/index.json",
            "http://api.nuget.org/v3/index.json",
            "nuget.org-mirror",
        ] {
            assert_eq!(FeedKind::of(other), FeedKind::Other, "{other}");
        }
    }

    #[test]
    fn nuget_org_keys_must_have_nuget_org_shape() {
        check_key("nuget.org", &Secret::new(format!("  {KEY}\n"))).unwrap();
        for bad in [
            "not-a-key".to_string(),
            KEY[..45].to_string(),
            format!("{KEY}a"),
            KEY.to_uppercase(),
            KEY.replacen("oy2", "oy3", 1),
        ] {
            let error = check_key("nuget.org", &Secret::new(bad.clone())).unwrap_err();
            assert_eq!(error.code(), "account.key_not_nuget_org", "{bad}");
            let shown = format!("{} {:?}", error, error.hint());
            assert!(!shown.contains(&bad), "{shown}");
        }
    }

    #[test]
    fn other_feeds_take_opaque_keys_but_never_blanks() {
        for ok in ["not-a-key", "ghp_abc", "x", "Pat.With.Dots=="] {
            check_key("Contoso", &Secret::new(ok)).unwrap();
        }
        let code = |k: String| check_key("Contoso", &Secret::new(k)).unwrap_err().code();
        assert_eq!(code(format!("{KEY} {KEY}")), "account.key_malformed");
        assert_eq!(code("a\u{200b}b\u{0}".into()), "account.key_malformed");
        assert_eq!(code("x".repeat(MAX_KEY_LENGTH + 1)), "account.key_too_long");
        assert_eq!(code("  ".into()), "account.key_empty");
    }

    #[test]
    fn nuget_org_metadata_rules() {
        let today = day("2026-03-01");
        let mut ok = KeyMetadata {
            label: Some("  CI\u{7} key ".into()),
            scopes: vec![KeyScope::PushVersion, KeyScope::PushVersion],
            glob: Some(" Contoso.* ".into()),
            expires: Some("2027-03-01".into()),
            owner: Some(" contoso ".into()),
        };
        check_metadata("nuget.org", &mut ok, today).unwrap();
        assert_eq!(ok.label.as_deref(), Some("CI key"));
        assert_eq!(ok.owner.as_deref(), Some("contoso"));
        assert_eq!(ok.glob.as_deref(), Some("Contoso.*"));
        assert_eq!(ok.scopes, vec![KeyScope::PushVersion]);
        let code = |source: &str, m: KeyMetadata| {
            let mut m = m;
            check_metadata(source, &mut m, today).unwrap_err().code()
        };
        let with = |glob: Option<&str>, expires: Option<&str>| KeyMetadata {
            glob: glob.map(str::to_string),
            expires: expires.map(str::to_string),
            ..KeyMetadata::default()
        };
        assert_eq!(
            code("nuget.org", with(Some("Contoso/*"), None)),
            "account.key_bad_glob"
        );
        assert_eq!(
            code("nuget.org", with(Some("<script>"), None)),
            "account.key_bad_glob"
        );
        assert_eq!(
            code("nuget.org", with(None, Some("2026-02-28"))),
            "account.key_expiry_past"
        );
        assert_eq!(
            code("nuget.org", with(None, Some("2027-03-03"))),
            "account.key_expiry_too_far"
        );
        assert_eq!(
            code("nuget.org", with(None, Some("next year"))),
            "account.key_bad_date"
        );
        // 1 day and 365 days are both nuget.org choices.
        for edge in ["2026-03-02", "2027-03-01"] {
            let mut m = with(None, Some(edge));
            check_metadata("nuget.org", &mut m, today).unwrap();
        }
        let owner = |name: &str| KeyMetadata {
            owner: Some(name.into()),
            ..KeyMetadata::default()
        };
        assert_eq!(
            code("nuget.org", owner("ann smith")),
            "account.key_bad_owner"
        );
        let mut blank = with(Some("  "), Some(" "));
        check_metadata("nuget.org", &mut blank, today).unwrap();
        assert_eq!((blank.glob, blank.expires), (None, None));
    }

    #[test]
    fn other_feeds_get_no_invented_scopes_glob_or_expiry_cap() {
        let today = day("2026-03-01");
        let mut plain = KeyMetadata {
            label: Some("PAT".into()),
            expires: Some("2028-01-01".into()),
            ..KeyMetadata::default()
        };
        check_metadata("Contoso", &mut plain, today).unwrap();
        assert_eq!(plain.expires.as_deref(), Some("2028-01-01"));
        assert!(plain.scopes.is_empty());
        let mut scoped = KeyMetadata {
            scopes: vec![KeyScope::Push],
            ..KeyMetadata::default()
        };
        assert_eq!(
            check_metadata("Contoso", &mut scoped, today)
                .unwrap_err()
                .code(),
            "account.key_facts_not_for_feed"
        );
        let mut globbed = KeyMetadata {
            glob: Some("Contoso.*".into()),
            ..KeyMetadata::default()
        };
        assert_eq!(
            check_metadata("Contoso", &mut globbed, today)
                .unwrap_err()
                .code(),
            "account.key_facts_not_for_feed"
        );
        let mut past = KeyMetadata {
            expires: Some("2026-02-01".into()),
            ..KeyMetadata::default()
        };
        assert_eq!(
            check_metadata("Contoso", &mut past, today)
                .unwrap_err()
                .code(),
            "account.key_expiry_past"
        );
    }

    #[test]
    fn guidance_names_the_exact_page_for_nuget_org_only() {
        for change in [
            KeyChange::Replaced,
            KeyChange::Removed,
            KeyChange::SignedOutKeysKept,
            KeyChange::SignedOutKeysRemoved,
        ] {
            let g = guidance("nuget.org", change);
            assert_eq!(g.url.as_deref(), Some(NUGET_ORG_API_KEYS_PAGE));
            assert!(g.text.to_lowercase().contains("delete"), "{}", g.text);
            let other = guidance("Contoso", change);
            assert_eq!(other.url, None);
            assert!(
                other.text.contains("the website of Contoso"),
                "{}",
                other.text
            );
        }
    }

    #[test]
    fn codes_are_valid_and_have_hints() {
        let all = [
            KeyError::Empty,
            KeyError::Malformed { feed: "f".into() },
            KeyError::TooLong { feed: "f".into() },
            KeyError::NotNugetOrgShape,
            KeyError::ExpiryPast { date: "d".into() },
            KeyError::ExpiryTooFar { date: "d".into() },
            KeyError::BadGlob { glob: "g".into() },
            KeyError::NotNugetOrgFacts { feed: "f".into() },
            KeyError::BadDate("d".into()),
            KeyError::BadOwner("o".into()),
        ];
        for error in all {
            let info = error.info();
            assert!(nupub_error::is_valid_code(&info.code), "{}", info.code);
            assert!(info.hint.is_some_and(|h| !h.is_empty()));
            assert!(
                info.message.starts_with(|c: char| c.is_uppercase()),
                "{}",
                info.message
            );
        }
    }
}
