//! Key expiry: reminders from the expiry date the user saved with a key, and
//! learning the date from the warning nuget.org sends with a push when a key
//! is about to expire (stored against the key's facts, so `nupub key list`
//! and the window both show it). The CLI and the window call the same code.
//!
//! nuget.org's warnings (`X-NuGet-Warning`, NuGetGallery `ApiAuthorizeAttribute`,
//! sent from 10 days before expiry): `Your API key expires in {N} day(s). Visit
//! {url} to regenerate your API key.` (older servers write N as fractional
//! days) and `Your API key has expired. Visit {url} to generate a new API key.`

use crate::error::AccountError;
use crate::settings;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

/// A reminder is shown this many days before a key expires (nuget.org warns from 10 days).
pub const REMIND_DAYS: i64 = 10;

/// A key that expires soon or has expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyReminder {
    pub source: String,
    pub label: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires: String,
    /// Negative when expired.
    #[ts(type = "number")]
    pub days_left: i64,
    pub expired: bool,
    /// One plain sentence for the banner.
    pub text: String,
}

/// The reminder for a key expiring on `expires`, or `None` when it is more than [`REMIND_DAYS`] away.
pub fn reminder_for(
    source: &str,
    label: Option<&str>,
    expires: NaiveDate,
    today: NaiveDate,
) -> Option<KeyReminder> {
    let days_left = (expires - today).num_days();
    if days_left > REMIND_DAYS {
        return None;
    }
    let name = match label {
        Some(label) if !label.trim().is_empty() => {
            format!("The API key \u{201c}{label}\u{201d} for {source}")
        }
        _ => format!("The API key for {source}"),
    };
    let text = match days_left {
        d if d < 0 => format!("{name} expired on {expires}. Create a new key on the feed's website and replace it here."),
        0 => format!("{name} expires today ({expires}). Create a new key and replace it here."),
        1 => format!("{name} expires tomorrow ({expires}). Create a new key and replace it here."),
        d => format!("{name} expires in {d} days ({expires}). Create a new key and replace it here."),
    };
    Some(KeyReminder {
        source: source.to_string(),
        label: label.map(str::to_string),
        expires: expires.format("%Y-%m-%d").to_string(),
        days_left,
        expired: days_left < 0,
        text,
    })
}

/// What a push warning says about the key's expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarnedExpiry {
    /// Expires in this many days (rounded as the server rounds).
    InDays(i64),
    Expired,
}

impl WarnedExpiry {
    /// The expiry date this implies. For an expired key the exact day is
    /// unknown: yesterday is the latest day it can have been.
    pub fn date(self, today: NaiveDate) -> NaiveDate {
        match self {
            WarnedExpiry::InDays(days) => today + chrono::Duration::days(days),
            WarnedExpiry::Expired => today - chrono::Duration::days(1),
        }
    }
}

/// Reads nuget.org's expiry warning; `None` for any other warning.
pub fn parse_expiry_warning(warning: &str) -> Option<WarnedExpiry> {
    let lower = warning.to_ascii_lowercase();
    if lower.contains("api key has expired") {
        return Some(WarnedExpiry::Expired);
    }
    let rest = lower.split("api key expires in ").nth(1)?;
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .take(20)
        .collect();
    let after = rest.get(number.len()..)?.trim_start();
    if !after.starts_with("day") {
        return None;
    }
    let days: f64 = number.parse().ok()?;
    if !days.is_finite() || !(0.0..=3650.0).contains(&days) {
        return None;
    }
    // The server rounds to whole days (Math.Round, to even); round half up is within a day of it.
    Some(WarnedExpiry::InDays(days.round() as i64))
}

/// The first expiry warning among a push's warnings.
pub fn expiry_from_warnings(warnings: &[String]) -> Option<WarnedExpiry> {
    warnings.iter().find_map(|w| parse_expiry_warning(w))
}

/// Today (UTC), the day reminders count from.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The reminder a push's warnings call for, without storing anything (for a
/// key Nupub does not hold, such as one given on the command line).
pub fn reminder_from_warnings(
    source: &str,
    label: Option<&str>,
    warnings: &[String],
    today: NaiveDate,
) -> Option<KeyReminder> {
    let date = expiry_from_warnings(warnings)?.date(today);
    reminder_for(source, label, date, today)
}

/// Learns a key's expiry from a push's `X-NuGet-Warning`s: the facts stored
/// for `source`'s key (in `dir`'s settings file) get the date, and the
/// reminder to show comes back (`None` when no warning was about expiry).
/// A feed with no stored key facts still gets its reminder; nothing is
/// invented in the file.
pub fn learn_expiry(
    dir: &Path,
    source: &str,
    warnings: &[String],
    today: NaiveDate,
) -> Result<Option<KeyReminder>, AccountError> {
    let Some(warned) = expiry_from_warnings(warnings) else {
        return Ok(None);
    };
    let date = warned.date(today);
    let label = settings::update(dir, |s| {
        Ok(s.feed_keys.get_mut(source).and_then(|record| {
            record.expires = Some(date.format("%Y-%m-%d").to_string());
            record.label.clone()
        }))
    })?;
    Ok(reminder_for(source, label.as_deref(), date, today))
}

/// [`learn_expiry`] in the user's config folder, today (UTC).
pub fn note_push_warnings(
    source: &str,
    warnings: &[String],
) -> Result<Option<KeyReminder>, AccountError> {
    if expiry_from_warnings(warnings).is_none() {
        return Ok(None);
    }
    let dir = settings::config_dir()?;
    learn_expiry(&dir, source, warnings, today())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn reminders_from_ten_days_before_expiry() {
        let today = day("2026-03-01");
        assert_eq!(
            reminder_for("nuget.org", None, day("2026-03-12"), today),
            None
        );
        let ten = reminder_for("nuget.org", None, day("2026-03-11"), today).unwrap();
        assert_eq!(ten.days_left, 10);
        assert_eq!(ten.text, "The API key for nuget.org expires in 10 days (2026-03-11). Create a new key and replace it here.");
        let five = reminder_for("nuget.org", Some("CI"), day("2026-03-06"), today).unwrap();
        assert!(
            five.text
                .starts_with("The API key \u{201c}CI\u{201d} for nuget.org expires in 5 days"),
            "{}",
            five.text
        );
        assert!(!five.expired);
        assert!(reminder_for("f", None, today, today)
            .unwrap()
            .text
            .contains("expires today"));
        assert!(reminder_for("f", None, day("2026-03-02"), today)
            .unwrap()
            .text
            .contains("expires tomorrow"));
        let gone = reminder_for("f", None, day("2026-02-27"), today).unwrap();
        assert!(gone.expired);
        assert_eq!(gone.days_left, -2);
        assert!(gone.text.contains("expired on 2026-02-27"), "{}", gone.text);
    }

    #[test]
    fn nuget_org_warnings() {
        let url = "https://www.nuget.org/account/apikeys";
        let cases = [
            (
                format!("Your API key expires in 5 days. Visit {url} to regenerate your API key."),
                Some(WarnedExpiry::InDays(5)),
            ),
            (
                format!("Your API key expires in 1 day. Visit {url} to regenerate your API key."),
                Some(WarnedExpiry::InDays(1)),
            ),
            (
                format!(
                    "Your API key expires in 4.6213 days. Visit {url} to regenerate your API key."
                ),
                Some(WarnedExpiry::InDays(5)),
            ),
            (
                format!("Your API key expires in 0 days. Visit {url} to regenerate your API key."),
                Some(WarnedExpiry::InDays(0)),
            ),
            (
                format!("Your API key has expired. Visit {url} to generate a new API key."),
                Some(WarnedExpiry::Expired),
            ),
            ("The package is not signed.".to_string(), None),
            ("Your API key expires in many days".to_string(), None),
            ("Your API key expires in 5 weeks".to_string(), None),
            ("Your API key expires in 1.2.3 days".to_string(), None),
            (
                "Your API key expires in 99999999999999999999999 days".to_string(),
                None,
            ),
            ("Your API key expires in ".to_string(), None),
            ("Your API key expires in NaN days".to_string(), None),
            ("Your API key expires in \u{0663} days".to_string(), None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_expiry_warning(&text), expected, "{text}");
        }
        let today = day("2026-03-01");
        assert_eq!(WarnedExpiry::InDays(5).date(today), day("2026-03-06"));
        assert_eq!(WarnedExpiry::Expired.date(today), day("2026-02-28"));
        let warnings = vec![
            "Something else".to_string(),
            format!("Your API key expires in 3 days. Visit {url}"),
        ];
        assert_eq!(
            expiry_from_warnings(&warnings),
            Some(WarnedExpiry::InDays(3))
        );
    }

    #[test]
    fn push_warnings_set_the_stored_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let today = day("2026-03-01");
        settings::update(dir.path(), |s| {
            s.feed_keys.insert(
                "nuget.org".into(),
                settings::FeedKeyRecord {
                    label: Some("laptop".into()),
                    scopes: vec!["push".into()],
                    glob: None,
                    expires: Some("2026-12-01".into()),
                    created: "2026-01-01T00:00:00Z".into(),
                    owner: None,
                },
            );
            Ok(())
        })
        .unwrap();
        let none = learn_expiry(
            dir.path(),
            "nuget.org",
            &["Package is not signed".into()],
            today,
        )
        .unwrap();
        assert_eq!(none, None);
        assert_eq!(
            reminder_from_warnings(
                "f",
                None,
                &["Your API key expires in 2 days.".into()],
                today
            )
            .map(|r| r.expires),
            Some("2026-03-03".to_string())
        );
        let warning = "Your API key expires in 5 days. Visit https://www.nuget.org/account/apikeys to regenerate your API key.";
        let reminder = learn_expiry(dir.path(), "nuget.org", &[warning.into()], today)
            .unwrap()
            .unwrap();
        assert_eq!(reminder.expires, "2026-03-06");
        assert_eq!(reminder.days_left, 5);
        assert_eq!(reminder.label.as_deref(), Some("laptop"));
        let saved = settings::load(dir.path()).unwrap();
        assert_eq!(
            saved.feed_keys["nuget.org"].expires.as_deref(),
            Some("2026-03-06")
        );
        // A feed with no stored facts still gets its reminder; nothing is invented in the file.
        let other = learn_expiry(
            dir.path(),
            "other",
            &["Your API key has expired. Visit x".into()],
            today,
        )
        .unwrap()
        .unwrap();
        assert!(other.expired);
        assert!(!settings::load(dir.path())
            .unwrap()
            .feed_keys
            .contains_key("other"));
        // A broken settings file is refused and kept.
        std::fs::write(dir.path().join(settings::FILE_NAME), "{broken").unwrap();
        let err = learn_expiry(dir.path(), "nuget.org", &[warning.into()], today).unwrap_err();
        assert!(nupub_error::is_valid_code(nupub_error::Coded::code(&err)));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(settings::FILE_NAME)).unwrap(),
            "{broken"
        );
        // Hostile warnings (huge, control characters) are not expiry warnings and touch nothing.
        let huge = format!("Your API key expires in {} days", "9".repeat(100_000));
        let odd = "Your API key expires in \u{0}5 days".to_string();
        assert_eq!(
            learn_expiry(dir.path(), "nuget.org", &[huge, odd], today).unwrap(),
            None
        );
    }
}
