//! Key expiry reminders for the window. The reminders and the expiry learned
//! from a push's warnings live in `nupub_accounts::expiry` (the CLI uses them
//! too); only the masking of a key for display is the window's own.

pub use nupub_accounts::expiry::{parse_expiry_warning, reminder_for, KeyReminder, WarnedExpiry};

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
