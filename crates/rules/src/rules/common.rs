//! What several rules share: the checks of a file the nuspec names, nuget.org's
//! text and id grammars, and how NuGet reads an empty metadata value.

use crate::catalogue as c;
use crate::facts::PackageFacts;
use crate::paths::find_exact;
use crate::types::Finding;
use nupub_package::Package;

/// nuget.org's size limit for the licence file, icon and readme (1 MiB).
pub const MAX_NAMED_FILE: u64 = 1024 * 1024;

/// How one of the files the nuspec names (licence file, icon, readme) is
/// checked: the rules and the words that differ between them.
pub struct NamedFile {
    /// The nuspec element that names it (`<icon>`).
    pub element: &'static str,
    /// What it is called in messages (`icon`, `licence file`).
    pub noun: &'static str,
    pub missing: c::Rule,
    pub too_large: c::Rule,
    /// Set when an empty file is refused (the readme).
    pub empty: Option<c::Rule>,
    /// Set when the file must be plain UTF-8 text.
    pub not_text: Option<c::Rule>,
}

/// nuget.org's common checks of a file the nuspec names: it exists under its
/// exact (case-sensitive) name, is not empty when that is refused, is at most
/// 1 MB and, when asked, is plain text. Pushes the findings to `out` and
/// returns the file's bytes when they were read and passed, for checks of
/// the caller's own (the icon's image format).
pub fn check_named_file<'a>(
    package: &Package,
    facts: &'a PackageFacts,
    path: &str,
    rules: &NamedFile,
    out: &mut Vec<Finding>,
) -> Option<(String, &'a [u8])> {
    let Some(entry) = find_exact(package, path) else {
        let near = package
            .find_entry(path)
            .map(|e| format!(" (there is {}, but the name is case-sensitive)", e.path))
            .unwrap_or_default();
        out.push(
            rules
                .missing
                .finding(format!(
                    "{} names {path}, which is not in the package{near}.",
                    rules.element
                ))
                .at(path.to_string())
                .with_server(rules.missing.fill(&[path])),
        );
        return None;
    };
    let noun = rules.noun;
    if let Some(empty) = rules.empty.filter(|_| entry.size == 0) {
        out.push(
            empty
                .finding(format!("The {noun} {} is empty.", entry.path))
                .at(entry.path.clone())
                .with_server(empty.fill(&[path])),
        );
        return None;
    }
    if entry.size > MAX_NAMED_FILE {
        out.push(
            rules
                .too_large
                .finding(format!(
                    "The {noun} {} is {} bytes; the limit is 1 MB.",
                    entry.path, entry.size
                ))
                .at(entry.path.clone()),
        );
        return None;
    }
    let Some(crate::facts::FileBytes::Read(bytes)) = facts.files.get(&entry.path) else {
        return None;
    };
    if let Some(not_text) = rules.not_text.filter(|_| !is_plain_text(bytes)) {
        out.push(
            not_text
                .finding(format!(
                    "The {noun} {} is not plain UTF-8 text (it has NUL or control bytes).",
                    entry.path
                ))
                .at(entry.path.clone()),
        );
        return None;
    }
    Some((entry.path.clone(), bytes))
}

/// nuget.org's plain-text test: every byte ≥ 0x20 or one of `\n \r \t \f`.
pub fn is_plain_text(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| *b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
}

/// .NET's `String.Length` (UTF-16 code units), which the length limits count.
pub fn net_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `^\w+([.-]\w+)*$` with .NET's Unicode `\w`.
pub fn is_word_dotted(text: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    dotted(text, word)
}

/// `^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$`: nuget.org's id grammar.
pub fn is_valid_id(text: &str) -> bool {
    dotted(text, |c| c.is_ascii_alphanumeric() || c == '_')
}

fn dotted(text: &str, word: impl Fn(char) -> bool) -> bool {
    !text.is_empty()
        && text
            .split(['.', '-'])
            .all(|part| !part.is_empty() && part.chars().all(&word))
}

/// A `.snupkg` file (symbol package rules apply instead of the package rules).
pub fn is_snupkg(package: &Package) -> bool {
    package
        .path()
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("snupkg"))
}

/// The value of a metadata text element as NuGet reads it: `None` when empty.
pub fn metadata_text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert!(is_plain_text(b"Hello\r\n\tworld\x0c"));
        assert!(is_plain_text("\u{feff}héllo".as_bytes()));
        assert!(!is_plain_text(b"a\0b"));
        assert!(!is_plain_text(b"\x1b[0m"));
        assert_eq!(net_len("a😀"), 3);
        assert!(is_valid_id("Nupub.Sample-2_x"));
        assert!(!is_valid_id("Nupub..Sample"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("$id$"));
        assert!(!is_valid_id("Ünï"));
        assert!(is_word_dotted("Ünï.Côde"));
    }
}
