//! [`Secret`]: a token or API key that cannot leak by accident.
//!
//! It has no `Display`, no `Serialize`, and its `Debug` prints only
//! `Secret(***)`, so it cannot reach a log line, an error message, an IPC
//! event or a settings file unless code asks for it with [`Secret::expose`].
//! Its memory is wiped when it is dropped.

use std::fmt;
use zeroize::Zeroizing;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value; surrounding whitespace (a pasted newline) is removed.
    pub fn new(value: impl Into<String>) -> Secret {
        let value: String = value.into();
        let trimmed = value.trim();
        if trimmed.len() == value.len() {
            Secret(Zeroizing::new(value))
        } else {
            let copy = trimmed.to_string();
            drop(Zeroizing::new(value));
            Secret(Zeroizing::new(copy))
        }
    }

    /// The secret value, for the one place that must send it (an HTTP header, the keyring).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("oy2abcdefghijklmnop");
        let shown = format!("{secret:?} {:?} {:#?}", Some(&secret), vec![secret.clone()]);
        assert!(!shown.contains("oy2"), "{shown}");
        assert!(shown.contains("Secret(***)"));
        assert_eq!(secret.expose(), "oy2abcdefghijklmnop");
    }

    #[test]
    fn pasted_whitespace_is_trimmed() {
        assert_eq!(Secret::new("  key-1\r\n").expose(), "key-1");
        assert!(Secret::new(" \n").is_empty());
    }
}
