//! Key expiry reminders: from the expiry date the user saved with a key, and
//! from the warning nuget.org sends with a push when a key is about to expire.
//!
//! nuget.org's warnings (`X-NuGet-Warning`, NuGetGallery `ApiAuthorizeAttribute`,
//! sent from 10 days before expiry): `Your API key expires in {N} day(s). Visit
//! {url} to regenerate your API key.` (older servers write N as fractional
//! days) and `Your API key has expired. Visit {url} to generate a new API key.`

use chrono::NaiveDate;
use serde::Serialize;
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

/// The last four characters of a key, for "the key ending in …". Short values
/// get none: four characters of an eight-character secret are half of it.
pub fn last_four(key: &str) -> Option<String> {
    let count = key.chars().count();
    if count < 16 {
        return None;
    }
    Some(key.chars().skip(count - 4).collect())
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
    fn only_the_last_four_characters_of_long_keys() {
        assert_eq!(
            last_four("oy2abcdefghijklmnopqrstuvwxyz0123456789abcdefg").as_deref(),
            Some("defg")
        );
        assert_eq!(last_four("short-key"), None);
        assert_eq!(
            last_four("ééééééééééééééé\u{1f511}x"),
            Some("éé\u{1f511}x".to_string())
        );
    }
}
