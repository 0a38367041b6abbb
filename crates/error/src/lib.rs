//! The error contract shared by every Nupub crate.
//!
//! Each core crate has its own typed error enum. Every variant maps to a
//! stable, documented `code` (never reused for another meaning), a plain
//! `message` written for a maintainer rather than a programmer, and a `hint`
//! that says how to fix it. The CLI prints these three parts; the window
//! receives them as `{code, message, hint}` through [`ErrorInfo`].

use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

/// An error as the user sees it: the wire shape sent to the UI and printed by the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErrorInfo {
    /// Stable identifier such as `package.not_a_zip`; safe to match on.
    pub code: String,
    /// What went wrong, in plain words, naming the file or field involved.
    pub message: String,
    /// How to fix it; `None` only when there is nothing the user can do.
    pub hint: Option<String>,
}

impl ErrorInfo {
    pub fn new(code: impl Into<String>, message: impl Into<String>, hint: Option<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            hint,
        }
    }
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  fix: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorInfo {}

/// Implemented by every crate's error type.
pub trait Coded: std::error::Error {
    /// The stable code of this error kind (`crate.kind`, lower snake case).
    fn code(&self) -> &'static str;

    /// How the user can fix it.
    fn hint(&self) -> Option<String>;

    /// The user-facing `{code, message, hint}` triple. The message is the
    /// error's `Display` text, which must be plain and must never contain a secret.
    fn info(&self) -> ErrorInfo {
        ErrorInfo::new(self.code(), self.to_string(), self.hint())
    }
}

/// Any coded error becomes its `{code, message, hint}`, so `?` works where an
/// [`ErrorInfo`] is returned (the window's commands).
impl<E: Coded> From<E> for ErrorInfo {
    fn from(error: E) -> Self {
        error.info()
    }
}

/// Checks that a code has the documented `area.kind` shape: lower-case ASCII
/// letters, digits and underscores, at least one dot, no empty segment.
pub fn is_valid_code(code: &str) -> bool {
    let mut segments = 0;
    for segment in code.split('.') {
        if segment.is_empty()
            || !segment
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return false;
        }
        segments += 1;
    }
    segments >= 2
}

/// `text` with the user information of every `scheme://user:password@`
/// inside it removed, for names, messages and log fields that repeat what a
/// user typed (a token often sits there: `https://user:TOKEN@host/feed`).
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail
            .find(['/', '?', '#', ' ', '\'', '"', '<', '>'])
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(userinfo_end) => out.push_str(&authority[userinfo_end + 1..]),
            None => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_is_taken_out_of_every_url_in_a_text() {
        assert_eq!(
            redact_urls("see https://a:b@h:1/p?q and http://c@d, not e@f"),
            "see https://h:1/p?q and http://d, not e@f"
        );
        assert_eq!(redact_urls("ftp://u:p@x"), "ftp://x");
        assert_eq!(redact_urls("plain name"), "plain name");
        assert_eq!(redact_urls("https://é:ü@hôst/ünï"), "https://hôst/ünï");
    }

    #[derive(Debug, thiserror::Error)]
    enum SampleError {
        #[error("the file {0} is empty")]
        Empty(String),
    }

    impl Coded for SampleError {
        fn code(&self) -> &'static str {
            match self {
                SampleError::Empty(_) => "sample.empty",
            }
        }
        fn hint(&self) -> Option<String> {
            Some("choose a .nupkg file that is not empty".into())
        }
    }

    #[test]
    fn wire_shape_is_code_message_hint() {
        let info = SampleError::Empty("a.nupkg".into()).info();
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "sample.empty",
                "message": "the file a.nupkg is empty",
                "hint": "choose a .nupkg file that is not empty"
            })
        );
    }

    #[test]
    fn display_names_code_and_fix() {
        let text = ErrorInfo::new("a.b", "broken", Some("mend it".into())).to_string();
        assert_eq!(text, "broken [a.b]\n  fix: mend it");
        let text = ErrorInfo::new("a.b", "broken", None).to_string();
        assert_eq!(text, "broken [a.b]");
    }

    #[test]
    fn code_shape() {
        assert!(is_valid_code("package.not_a_zip"));
        assert!(is_valid_code("feed.push.http_409"));
        assert!(!is_valid_code("package"));
        assert!(!is_valid_code("Package.Bad"));
        assert!(!is_valid_code("package..x"));
        assert!(!is_valid_code("package.x-y"));
        assert!(!is_valid_code(""));
    }
}
