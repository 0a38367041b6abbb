//! The rule functions, grouped by what they look at. Each is pure:
//! `(&Package, &Facts) -> Vec<Finding>`.

pub(crate) mod archive;
mod dependencies;
pub(crate) mod health;
mod license;
mod media;
mod names;
mod nuspec;
mod pack;
mod signature;
mod symbols;

use crate::catalogue as c;
use crate::{Facts, Finding};
use nupub_package::{Package, PackageError};

type RuleFn = fn(&Package, &Facts) -> Vec<Finding>;

/// Every offline rule, in the order nuget.org checks.
const RULES: &[RuleFn] = &[
    archive::check,
    names::check,
    nuspec::check,
    dependencies::check,
    license::check,
    media::check,
    signature::check,
    symbols::check,
    pack::check,
    health::check,
];

pub fn all(package: &Package, facts: &Facts) -> Vec<Finding> {
    RULES.iter().flat_map(|rule| rule(package, facts)).collect()
}

/// A package that could not be opened, as findings.
pub fn open_error(error: &PackageError) -> Vec<Finding> {
    use PackageError as E;
    let text = error.to_string();
    let hint = nupub_error::Coded::hint(error);
    let finding = match error {
        E::UnsafeEntryName { entry, .. } => c::ZIP_UNSAFE_ENTRY
            .finding(text.clone())
            .at(entry.clone())
            .with_server(c::ZIP_UNSAFE_ENTRY.fill(&["this package", entry])),
        E::DuplicateEntry { entry } => c::ZIP_DUPLICATE_ENTRIES
            .finding(text.clone())
            .at(entry.clone()),
        E::ZipAmbiguous { kind, .. } if kind.dotnet_fails() => c::ZIP_AMBIGUOUS
            .finding(text.clone())
            .with_server(c::ZIP_UNREADABLE.fill(&[])),
        E::ZipAmbiguous { .. } => c::ZIP_AMBIGUOUS.finding(text.clone()),
        E::NoNuspec => c::NUSPEC_MISSING.finding(text.clone()),
        E::MultipleNuspecs { .. } => c::NUSPEC_MULTIPLE_ROOT.finding(text.clone()),
        E::NuspecEncoding { entry, .. } => c::NUSPEC_INVALID_UNICODE
            .finding(text.clone())
            .at(entry.clone()),
        E::NuspecXml { entry, .. }
        | E::NuspecDtd { entry }
        | E::NuspecTooDeep { entry, .. }
        | E::NuspecNoMetadata { entry }
        | E::NuspecTooLarge { entry, .. } => c::NUSPEC_INVALID_XML
            .finding(text.clone())
            .at(entry.clone())
            .with_hint(hint.clone().unwrap_or_default()),
        E::MissingField { entry, field } if *field == "id" => {
            c::ID_MISSING.finding(text.clone()).at(entry.clone())
        }
        E::MissingField { entry, .. } => c::VERSION_INVALID
            .finding(text.clone())
            .at(entry.clone())
            .with_server(c::VERSION_INVALID.fill(&[""])),
        E::InvalidVersion { entry, value, .. } => c::VERSION_INVALID
            .finding(text.clone())
            .at(entry.clone())
            .with_server(c::VERSION_INVALID.fill(&[value])),
        E::EntryCorrupt { entry, detail } if detail.contains("unpacks to") => {
            c::ZIP_LENGTH_MISMATCH
                .finding(text.clone())
                .at(entry.clone())
        }
        E::EntryCorrupt { entry, .. } => {
            c::ZIP_ENTRY_CORRUPT.finding(text.clone()).at(entry.clone())
        }
        E::TooManyEntries { .. } => c::ZIP_TOO_MANY_ENTRIES.finding(text.clone()),
        // Not found, folder, empty, not a zip, too large, zip bomb, no such entry…
        _ => c::ZIP_UNREADABLE
            .finding(text.clone())
            .with_hint(hint.clone().unwrap_or_default()),
    };
    vec![finding]
}

/// A path as nuget.org compares in-package paths: `\` → `/`, leading `./` and `/` removed.
pub fn normalize_path(path: &str) -> String {
    let mut p = path.trim().replace('\\', "/");
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest.to_string();
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest.to_string();
        } else {
            return p;
        }
    }
}

/// The entry a nuspec path names, compared exactly (case-sensitive) as nuget.org does.
pub fn find_exact<'a>(package: &'a Package, path: &str) -> Option<&'a nupub_package::Entry> {
    let wanted = normalize_path(path);
    package
        .entries()
        .iter()
        .find(|e| normalize_path(&e.path) == wanted)
}

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
    facts: &'a Facts,
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

/// The extension of a path's last segment (`.txt`), or "" when none.
pub fn extension(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or("");
    match name.rfind('.') {
        Some(i) => name.get(i..).unwrap_or("").to_string(),
        None => String::new(),
    }
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
pub fn value(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(normalize_path("./a\\b.txt"), "a/b.txt");
        assert_eq!(normalize_path("/./x"), "x");
        assert!(is_plain_text(b"Hello\r\n\tworld\x0c"));
        assert!(is_plain_text("\u{feff}héllo".as_bytes()));
        assert!(!is_plain_text(b"a\0b"));
        assert!(!is_plain_text(b"\x1b[0m"));
        assert_eq!(net_len("a😀"), 3);
        assert_eq!(extension("docs/LICENSE"), "");
        assert_eq!(extension("a.b/LICENSE.TXT"), ".TXT");
        assert!(is_valid_id("Nupub.Sample-2_x"));
        assert!(!is_valid_id("Nupub..Sample"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("$id$"));
        assert!(!is_valid_id("Ünï"));
        assert!(is_word_dotted("Ünï.Côde"));
    }
}
