//! NuGet versions and version ranges, following NuGet.Versioning's rules:
//! one to four numeric parts, an optional `-` release label made of
//! dot-separated identifiers, and optional `+` build metadata.
//!
//! Written here rather than taken from the `semver` crate because NuGet's
//! grammar differs from SemVer 2.0 (1, 2 and 4-part versions, leading zeros,
//! case-insensitive labels, floating ranges).

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use ts_rs::TS;

/// Why a version or range did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionParseError(pub String);

impl fmt::Display for VersionParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for VersionParseError {}

fn err<T>(msg: impl Into<String>) -> Result<T, VersionParseError> {
    Err(VersionParseError(msg.into()))
}

/// A NuGet package version, with the text it was parsed from.
#[derive(Debug, Clone)]
pub struct NuGetVersion {
    original: String,
    /// Major, minor, patch, revision (missing parts are 0).
    parts: [u64; 4],
    /// How many numeric parts the original text had (1 to 4).
    part_count: usize,
    release_labels: Vec<String>,
    metadata: Option<String>,
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl NuGetVersion {
    /// Parses a version as NuGet does (surrounding whitespace is ignored).
    pub fn parse(text: &str) -> Result<NuGetVersion, VersionParseError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return err("the version is empty");
        }
        let (rest, metadata) = match trimmed.split_once('+') {
            Some((rest, meta)) => {
                if meta.split('.').any(|p| !is_identifier(p)) {
                    return err(format!(
                        "the build metadata {meta:?} must be dot-separated letters, digits and hyphens"
                    ));
                }
                (rest, Some(meta.to_string()))
            }
            None => (trimmed, None),
        };
        let (numbers, label) = match rest.split_once('-') {
            Some((numbers, label)) => (numbers, Some(label)),
            None => (rest, None),
        };
        let mut parts = [0u64; 4];
        let mut part_count = 0;
        for piece in numbers.split('.') {
            if part_count == 4 {
                return err("a version has at most four numbers (major.minor.patch.revision)");
            }
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return err(format!("{piece:?} is not a number"));
            }
            let value: u64 = piece
                .parse()
                .map_err(|_| VersionParseError(format!("{piece} is too large")))?;
            if value > i32::MAX as u64 {
                return err(format!("{piece} is too large (at most {})", i32::MAX));
            }
            if let Some(slot) = parts.get_mut(part_count) {
                *slot = value;
            }
            part_count += 1;
        }
        let mut release_labels = Vec::new();
        if let Some(label) = label {
            for id in label.split('.') {
                if !is_identifier(id) {
                    return err(format!(
                        "the release label {label:?} must be dot-separated letters, digits and hyphens"
                    ));
                }
                release_labels.push(id.to_string());
            }
        }
        Ok(NuGetVersion {
            original: text.to_string(),
            parts,
            part_count,
            release_labels,
            metadata,
        })
    }

    /// The text this version was parsed from, exactly.
    pub fn original(&self) -> &str {
        &self.original
    }
    pub fn major(&self) -> u64 {
        self.parts[0]
    }
    pub fn minor(&self) -> u64 {
        self.parts[1]
    }
    pub fn patch(&self) -> u64 {
        self.parts[2]
    }
    pub fn revision(&self) -> u64 {
        self.parts[3]
    }
    /// How many numbers the original text had (1 to 4).
    pub fn part_count(&self) -> usize {
        self.part_count
    }
    pub fn release_labels(&self) -> &[String] {
        &self.release_labels
    }
    /// The release label as written (`beta.1`), if any.
    pub fn release(&self) -> Option<String> {
        (!self.release_labels.is_empty()).then(|| self.release_labels.join("."))
    }
    pub fn metadata(&self) -> Option<&str> {
        self.metadata.as_deref()
    }
    pub fn is_prerelease(&self) -> bool {
        !self.release_labels.is_empty()
    }
    /// SemVer 2.0.0-only features: a dotted release label or build metadata.
    pub fn is_semver2(&self) -> bool {
        self.release_labels.len() > 1 || self.metadata.is_some()
    }
    /// Whether a label identifier is numeric with a leading zero (`01`),
    /// which strict SemVer 2.0 forbids.
    pub fn has_leading_zero_label(&self) -> bool {
        self.release_labels
            .iter()
            .any(|l| l.len() > 1 && l.starts_with('0') && l.bytes().all(|b| b.is_ascii_digit()))
    }

    /// NuGet's normalized form: `major.minor.patch[.revision][-label]`, no
    /// metadata, revision only when non-zero (`1.0` → `1.0.0`, `1.2.0.0` → `1.2.0`).
    pub fn normalized(&self) -> String {
        let mut s = format!("{}.{}.{}", self.parts[0], self.parts[1], self.parts[2]);
        if self.parts[3] > 0 {
            s.push_str(&format!(".{}", self.parts[3]));
        }
        if let Some(label) = self.release() {
            s.push('-');
            s.push_str(&label);
        }
        s
    }

    /// The normalized form followed by `+metadata` when there is some.
    pub fn full(&self) -> String {
        match &self.metadata {
            Some(meta) => format!("{}+{meta}", self.normalized()),
            None => self.normalized(),
        }
    }
}

fn compare_labels(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater, // a release sorts after its prereleases
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b.iter()) {
        let xn = x.bytes().all(|c| c.is_ascii_digit());
        let yn = y.bytes().all(|c| c.is_ascii_digit());
        let ord = match (xn, yn) {
            (true, true) => {
                let xv = x.trim_start_matches('0');
                let yv = y.trim_start_matches('0');
                xv.len().cmp(&yv.len()).then_with(|| xv.cmp(yv))
            }
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

impl Ord for NuGetVersion {
    /// NuGet's version order: numbers, then release labels (case-insensitive,
    /// numeric identifiers numerically); build metadata is ignored.
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| compare_labels(&self.release_labels, &other.release_labels))
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NuGetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NuGetVersion {}

impl fmt::Display for NuGetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full())
    }
}

/// How a floating range floats (`1.*`, `1.0.*`, `1.0.0-*`, `*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FloatBehavior {
    Major,
    Minor,
    Patch,
    Revision,
    Prerelease,
    /// `1.*-*` and the like: floats the number and the label.
    PrereleaseAndNumber,
}

/// A dependency's version range, as NuGet reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRange {
    original: String,
    min: Option<NuGetVersion>,
    min_inclusive: bool,
    max: Option<NuGetVersion>,
    max_inclusive: bool,
    float: Option<FloatBehavior>,
}

impl VersionRange {
    /// Parses `1.0` (at least 1.0), `[1.0]`, `[1.0,2.0)`, `(,1.0]`, `(1.0,)`
    /// and floating versions such as `1.*` or `1.0.0-beta.*`.
    pub fn parse(text: &str) -> Result<VersionRange, VersionParseError> {
        let original = text.to_string();
        let s = text.trim();
        if s.is_empty() {
            return err("the version range is empty");
        }
        if s.contains('*') {
            let (min, float) = parse_floating(s)?;
            return Ok(VersionRange {
                original,
                min: Some(min),
                min_inclusive: true,
                max: None,
                max_inclusive: false,
                float: Some(float),
            });
        }
        let first = s.chars().next().unwrap_or(' ');
        if first != '[' && first != '(' {
            let v = NuGetVersion::parse(s)?;
            return Ok(VersionRange {
                original,
                min: Some(v),
                min_inclusive: true,
                max: None,
                max_inclusive: false,
                float: None,
            });
        }
        let last = s.chars().last().unwrap_or(' ');
        if s.len() < 3 || (last != ']' && last != ')') {
            return err(format!("{s:?} must end with ] or )"));
        }
        let min_inclusive = first == '[';
        let max_inclusive = last == ']';
        let inner = s.get(1..s.len() - 1).unwrap_or("");
        let pieces: Vec<&str> = inner.split(',').collect();
        let parse_opt = |p: &str| -> Result<Option<NuGetVersion>, VersionParseError> {
            let p = p.trim();
            if p.is_empty() {
                Ok(None)
            } else {
                NuGetVersion::parse(p).map(Some)
            }
        };
        let (min, max) = match pieces.as_slice() {
            [single] => {
                // `[1.0]` is exactly 1.0; `(1.0)` and `[1.0)` mean nothing.
                if !(min_inclusive && max_inclusive) {
                    return err(format!(
                        "{s:?}: a single version in brackets must be written [x]"
                    ));
                }
                let v = parse_opt(single)?
                    .ok_or_else(|| VersionParseError(format!("{s:?} has no version")))?;
                (Some(v.clone()), Some(v))
            }
            [lo, hi] => {
                let (lo, hi) = (parse_opt(lo)?, parse_opt(hi)?);
                if lo.is_none() && hi.is_none() {
                    return err(format!("{s:?} has neither a lower nor an upper bound"));
                }
                (lo, hi)
            }
            _ => return err(format!("{s:?} has more than two versions")),
        };
        if let (Some(lo), Some(hi)) = (&min, &max) {
            if lo > hi || (lo == hi && !(min_inclusive && max_inclusive)) {
                return err(format!("{s:?}: the lower bound is above the upper bound"));
            }
        }
        Ok(VersionRange {
            original,
            min: min.clone(),
            min_inclusive: min.is_some() && min_inclusive,
            max: max.clone(),
            max_inclusive: max.is_some() && max_inclusive,
            float: None,
        })
    }

    pub fn original(&self) -> &str {
        &self.original
    }
    pub fn min(&self) -> Option<&NuGetVersion> {
        self.min.as_ref()
    }
    pub fn max(&self) -> Option<&NuGetVersion> {
        self.max.as_ref()
    }
    pub fn is_min_inclusive(&self) -> bool {
        self.min_inclusive
    }
    pub fn is_max_inclusive(&self) -> bool {
        self.max_inclusive
    }
    pub fn is_floating(&self) -> bool {
        self.float.is_some()
    }
    pub fn float_behavior(&self) -> Option<FloatBehavior> {
        self.float
    }
    /// No bounds at all is impossible after parsing; a range with no upper
    /// bound is "open-ended" (nuget.org warns about those in dependencies).
    pub fn has_upper_bound(&self) -> bool {
        self.max.is_some()
    }

    /// Whether `v` is inside the range (floating ranges: at or above their base).
    pub fn satisfies(&self, v: &NuGetVersion) -> bool {
        if let Some(min) = &self.min {
            match v.cmp(min) {
                Ordering::Less => return false,
                Ordering::Equal if !self.min_inclusive => return false,
                _ => {}
            }
        }
        if let Some(max) = &self.max {
            match v.cmp(max) {
                Ordering::Greater => return false,
                Ordering::Equal if !self.max_inclusive => return false,
                _ => {}
            }
        }
        true
    }

    /// NuGet's normalized range text, e.g. `[1.0.0, )`, `[1.0.0, 2.0.0)`, `[1.0.0]`.
    pub fn normalized(&self) -> String {
        if self.float.is_some() {
            return self.original.trim().to_string();
        }
        match (&self.min, &self.max) {
            (Some(lo), Some(hi)) if lo == hi && self.min_inclusive && self.max_inclusive => {
                format!("[{}]", lo.normalized())
            }
            _ => format!(
                "{}{}, {}{}",
                if self.min_inclusive { '[' } else { '(' },
                self.min
                    .as_ref()
                    .map(|v| v.normalized())
                    .unwrap_or_default(),
                self.max
                    .as_ref()
                    .map(|v| v.normalized())
                    .unwrap_or_default(),
                if self.max_inclusive { ']' } else { ')' }
            ),
        }
    }
}

/// `*`, `1.*`, `1.2.*`, `1.2.3.*`, `1.0.0-*`, `1.0.0-beta.*`, `1.*-*`.
fn parse_floating(s: &str) -> Result<(NuGetVersion, FloatBehavior), VersionParseError> {
    let bad = || VersionParseError(format!("{s:?} is not a valid floating version"));
    if s == "*" {
        return Ok((NuGetVersion::parse("0.0.0")?, FloatBehavior::Major));
    }
    if s == "*-*" {
        return Ok((
            NuGetVersion::parse("0.0.0-0")?,
            FloatBehavior::PrereleaseAndNumber,
        ));
    }
    let (numbers, label) = match s.split_once('-') {
        Some((n, l)) => (n, Some(l)),
        None => (s, None),
    };
    let number_float = numbers.ends_with(".*");
    let label_float = label.is_some_and(|l| l.ends_with('*'));
    if numbers.contains('*') && !number_float {
        return Err(bad());
    }
    if let Some(l) = label {
        if l.contains('*') && !label_float {
            return Err(bad());
        }
        if l.matches('*').count() > 1 {
            return Err(bad());
        }
    }
    let base_numbers = numbers.trim_end_matches(".*");
    if base_numbers.contains('*') {
        return Err(bad());
    }
    let depth = base_numbers.split('.').count();
    let behavior = match (number_float, label_float) {
        (true, true) => FloatBehavior::PrereleaseAndNumber,
        (true, false) => {
            if label.is_some() {
                return Err(bad());
            }
            match depth {
                1 => FloatBehavior::Minor,
                2 => FloatBehavior::Patch,
                3 => FloatBehavior::Revision,
                _ => return Err(bad()),
            }
        }
        (false, true) => FloatBehavior::Prerelease,
        (false, false) => return Err(bad()),
    };
    let mut base = base_numbers.to_string();
    if number_float {
        base.push_str(".0");
    }
    if let Some(l) = label {
        let l = l.trim_end_matches('*').trim_end_matches('.');
        base.push('-');
        base.push_str(if l.is_empty() { "0" } else { l });
    }
    let v = NuGetVersion::parse(&base).map_err(|_| bad())?;
    Ok((v, behavior))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> NuGetVersion {
        NuGetVersion::parse(s).unwrap()
    }

    #[test]
    fn normalizes_like_nuget() {
        assert_eq!(v("1.0").normalized(), "1.0.0");
        assert_eq!(v("1").normalized(), "1.0.0");
        assert_eq!(v("1.2.0.0").normalized(), "1.2.0");
        assert_eq!(v("1.2.0.4").normalized(), "1.2.0.4");
        assert_eq!(v("01.002.3").normalized(), "1.2.3");
        assert_eq!(v("1.0.0-Beta.1+abc").normalized(), "1.0.0-Beta.1");
        assert_eq!(v("1.0.0-Beta.1+abc").full(), "1.0.0-Beta.1+abc");
        assert_eq!(v(" 2.0 ").original(), " 2.0 ");
        assert_eq!(
            v("5.0.0+42a8779499c1d1ed2488c2e6b9e2ee6ff6107766").metadata(),
            Some("42a8779499c1d1ed2488c2e6b9e2ee6ff6107766")
        );
    }

    #[test]
    fn flags() {
        assert!(v("1.0.0-a").is_prerelease());
        assert!(!v("1.0.0-a").is_semver2());
        assert!(v("1.0.0-a.1").is_semver2());
        assert!(v("1.0.0+m").is_semver2());
        assert!(!v("1.0.0+m").is_prerelease());
        assert!(v("1.0.0-01").has_leading_zero_label());
    }

    #[test]
    fn rejects_bad_versions() {
        for bad in [
            "",
            " ",
            "1.2.3.4.5",
            "a.b",
            "1..2",
            "1.0-",
            "1.0-a..b",
            "1.0+",
            "1.0.0-a_b",
            "-1.0",
            "1.0.0.",
            "99999999999.0",
            "1.0.0-Ω",
        ] {
            assert!(
                NuGetVersion::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn orders_like_nuget() {
        let mut list = [
            v("1.0.0"),
            v("1.0.0-beta"),
            v("1.0.0-alpha.10"),
            v("1.0.0-alpha.2"),
            v("1.0.0-alpha"),
            v("0.9.9.9"),
            v("1.0.0.1"),
        ];
        list.sort();
        let got: Vec<String> = list.iter().map(|x| x.full()).collect();
        assert_eq!(
            got,
            [
                "0.9.9.9",
                "1.0.0-alpha",
                "1.0.0-alpha.2",
                "1.0.0-alpha.10",
                "1.0.0-beta",
                "1.0.0",
                "1.0.0.1"
            ]
        );
        assert_eq!(v("1.0.0-BETA"), v("1.0.0-beta"));
        assert_eq!(v("1.0"), v("1.0.0.0"));
        assert_eq!(v("1.0.0+a"), v("1.0.0+b"));
        assert!(v("1.0.0-1") < v("1.0.0-a"));
    }

    #[test]
    fn ranges() {
        let r = VersionRange::parse("1.0").unwrap();
        assert_eq!(r.normalized(), "[1.0.0, )");
        assert!(r.satisfies(&v("1.0")) && r.satisfies(&v("9.0")) && !r.satisfies(&v("0.9")));
        assert!(!r.has_upper_bound());
        let r = VersionRange::parse("[1.0,2.0)").unwrap();
        assert_eq!(r.normalized(), "[1.0.0, 2.0.0)");
        assert!(r.satisfies(&v("1.5")) && !r.satisfies(&v("2.0")));
        let r = VersionRange::parse("(,1.0]").unwrap();
        assert_eq!(r.normalized(), "(, 1.0.0]");
        assert!(r.min().is_none() && r.satisfies(&v("0.1")) && !r.satisfies(&v("1.0.1")));
        let r = VersionRange::parse("[1.0]").unwrap();
        assert_eq!(r.normalized(), "[1.0.0]");
        let r = VersionRange::parse(" ( 1.0 , ) ").unwrap();
        assert!(!r.satisfies(&v("1.0")) && r.satisfies(&v("1.0.1")));
        for bad in [
            "",
            "(1.0)",
            "[1.0)",
            "[2.0,1.0]",
            "[1.0,2.0,3.0]",
            "[,]",
            "[1.0",
            "(1.0,1.0)",
            "1.*.0",
            "1.0.0-*.*",
            "**",
            "x",
        ] {
            assert!(
                VersionRange::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn floating_ranges() {
        let cases = [
            ("*", FloatBehavior::Major, "0.0.0"),
            ("1.*", FloatBehavior::Minor, "1.0.0"),
            ("1.2.*", FloatBehavior::Patch, "1.2.0"),
            ("1.2.3.*", FloatBehavior::Revision, "1.2.3"),
            ("1.0.0-*", FloatBehavior::Prerelease, "1.0.0-0"),
            ("1.0.0-beta.*", FloatBehavior::Prerelease, "1.0.0-beta"),
            ("1.*-*", FloatBehavior::PrereleaseAndNumber, "1.0.0-0"),
        ];
        for (text, behavior, min) in cases {
            let r = VersionRange::parse(text).unwrap();
            assert!(r.is_floating(), "{text}");
            assert_eq!(r.float_behavior(), Some(behavior), "{text}");
            assert_eq!(r.min().unwrap().normalized(), min, "{text}");
        }
        assert!(!VersionRange::parse("1.0").unwrap().is_floating());
    }
}
