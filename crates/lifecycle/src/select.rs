//! Choosing versions: `--versions` on the command line and the range box of
//! the Versions view read the same text.
//!
//! A selection is terms separated by spaces, commas or semicolons (commas
//! inside brackets belong to a range):
//!
//! | term | chooses |
//! |---|---|
//! | `1.2.0` | exactly that version (not NuGet's "at least": choosing is not depending) |
//! | `[1.0, 1.4.2)`, `(,2.0]`, `[1.0]` | a NuGet version range (nupub-package's `VersionRange`) |
//! | `1.x`, `1.*`, `1.2.x` | every version whose leading numbers match, prereleases included |
//! | `all`, `*` | every version |
//! | `<2.0.0`, `<=2.0`, `>1.0`, `>=1.0`, `older than 2.0.0`, `newer than 1.0` | a bound |
//! | `prerelease(s)`, `stable`, `listed`, `unlisted` | a filter |
//!
//! Versions, ranges, wildcards and `all` add to the choice; bounds and
//! filters narrow it (with none of the former, they narrow every version).
//! So "all prereleases older than 2.0.0" is `prerelease <2.0.0`.

use crate::error::LifecycleError;
use nupub_feeds::lifecycle::FeedVersion;
use nupub_package::{NuGetVersion, VersionRange};
use std::cmp::Ordering;

#[derive(Debug, Clone)]
enum Pick {
    Exact(NuGetVersion),
    Range(VersionRange),
    /// Leading numeric parts that must match.
    Prefix(Vec<u64>),
    All,
}

#[derive(Debug, Clone)]
enum Narrow {
    Below(NuGetVersion, bool),
    Above(NuGetVersion, bool),
    Prerelease,
    Stable,
    Listed,
    Unlisted,
}

/// A parsed selection.
#[derive(Debug, Clone)]
pub struct Selection {
    text: String,
    picks: Vec<Pick>,
    narrows: Vec<Narrow>,
}

fn invalid(given: &str, reason: impl Into<String>) -> LifecycleError {
    LifecycleError::SelectionInvalid {
        given: given.to_string(),
        reason: reason.into(),
    }
}

/// Splits on spaces, commas and semicolons outside brackets.
fn terms(text: &str) -> Result<Vec<String>, LifecycleError> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' | '(' => {
                if depth == 0 && !current.trim().is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                depth += 1;
                current.push(c);
            }
            ']' | ')' => {
                if depth == 0 {
                    return Err(invalid(
                        text,
                        format!("'{c}' closes a range that was never opened"),
                    ));
                }
                depth -= 1;
                current.push(c);
                if depth == 0 {
                    out.push(std::mem::take(&mut current));
                }
            }
            ' ' | '\t' | '\n' | ',' | ';' if depth == 0 => {
                if !current.trim().is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            c => current.push(c),
        }
    }
    if depth > 0 {
        return Err(invalid(text, "a range is not closed with ] or )"));
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    Ok(out.into_iter().map(|t| t.trim().to_string()).collect())
}

fn version(given: &str, text: &str) -> Result<NuGetVersion, LifecycleError> {
    NuGetVersion::parse(text).map_err(|e| invalid(given, format!("'{text}': {e}")))
}

impl Selection {
    /// Parses a selection; an empty or unreadable one is an error.
    pub fn parse(text: &str) -> Result<Selection, LifecycleError> {
        if text.chars().count() > 4096 {
            return Err(invalid(
                &text.chars().take(40).collect::<String>(),
                "it is longer than 4096 characters",
            ));
        }
        let words = terms(text)?;
        if words.is_empty() {
            return Err(invalid(text, "it is empty"));
        }
        let mut picks = Vec::new();
        let mut narrows = Vec::new();
        let mut i = 0;
        while let Some(word) = words.get(i) {
            let lower = word.to_ascii_lowercase();
            i += 1;
            // "older than V" / "newer than V" (also "below", "before", "above", "after").
            let comparison = match lower.as_str() {
                "older" | "below" | "before" => Some(false),
                "newer" | "above" | "after" => Some(true),
                _ => None,
            };
            if let Some(above) = comparison {
                if words.get(i).is_some_and(|w| w.eq_ignore_ascii_case("than")) {
                    i += 1;
                }
                let Some(bound) = words.get(i) else {
                    return Err(invalid(text, format!("'{word}' needs a version after it")));
                };
                i += 1;
                let v = version(text, bound)?;
                narrows.push(if above {
                    Narrow::Above(v, false)
                } else {
                    Narrow::Below(v, false)
                });
                continue;
            }
            match lower.as_str() {
                "all" | "*" | "every" => picks.push(Pick::All),
                "prerelease" | "prereleases" => narrows.push(Narrow::Prerelease),
                "stable" | "release" | "releases" => narrows.push(Narrow::Stable),
                "listed" => narrows.push(Narrow::Listed),
                "unlisted" => narrows.push(Narrow::Unlisted),
                "versions" | "version" | "of" => {}
                _ if lower.starts_with("<=") => {
                    narrows.push(Narrow::Below(version(text, &word[2..])?, true))
                }
                _ if lower.starts_with(">=") => {
                    narrows.push(Narrow::Above(version(text, &word[2..])?, true))
                }
                _ if lower.starts_with('<') => {
                    narrows.push(Narrow::Below(version(text, &word[1..])?, false))
                }
                _ if lower.starts_with('>') => {
                    narrows.push(Narrow::Above(version(text, &word[1..])?, false))
                }
                _ if lower.starts_with('[') || lower.starts_with('(') => {
                    let range = VersionRange::parse(word)
                        .map_err(|e| invalid(text, format!("'{word}': {e}")))?;
                    picks.push(Pick::Range(range));
                }
                _ if lower.ends_with(".x") || lower.ends_with(".*") => {
                    let head = &lower[..lower.len() - 2];
                    let parts: Result<Vec<u64>, _> = head.split('.').map(str::parse).collect();
                    match parts {
                        Ok(parts) if !parts.is_empty() && parts.len() <= 3 => {
                            picks.push(Pick::Prefix(parts))
                        }
                        _ => {
                            return Err(invalid(
                                text,
                                format!(
                                    "'{word}': a wildcard is numbers followed by .x (1.x, 1.2.x)"
                                ),
                            ))
                        }
                    }
                }
                _ => picks.push(Pick::Exact(version(text, word)?)),
            }
        }
        Ok(Selection {
            text: text.trim().to_string(),
            picks,
            narrows,
        })
    }

    /// The text as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The exact versions named (they must be on the feed).
    pub fn exact_versions(&self) -> Vec<&NuGetVersion> {
        self.picks
            .iter()
            .filter_map(|p| match p {
                Pick::Exact(v) => Some(v),
                _ => None,
            })
            .collect()
    }

    /// Whether a version the feed lists is chosen.
    pub fn matches(&self, item: &FeedVersion) -> bool {
        let Ok(v) = NuGetVersion::parse(&item.version) else {
            return false;
        };
        let picked = self.picks.is_empty()
            || self.picks.iter().any(|p| match p {
                Pick::Exact(e) => *e == v,
                Pick::Range(r) => r.satisfies(&v),
                Pick::Prefix(parts) => {
                    let own = [v.major(), v.minor(), v.patch()];
                    parts.iter().zip(own.iter()).all(|(a, b)| a == b)
                }
                Pick::All => true,
            });
        picked
            && self.narrows.iter().all(|n| match n {
                Narrow::Below(b, inclusive) => match v.cmp(b) {
                    Ordering::Less => true,
                    Ordering::Equal => *inclusive,
                    Ordering::Greater => false,
                },
                Narrow::Above(b, inclusive) => match v.cmp(b) {
                    Ordering::Greater => true,
                    Ordering::Equal => *inclusive,
                    Ordering::Less => false,
                },
                Narrow::Prerelease => v.is_prerelease(),
                Narrow::Stable => !v.is_prerelease(),
                Narrow::Listed => item.listed != Some(false),
                Narrow::Unlisted => item.listed == Some(false),
            })
    }

    /// The chosen versions among `versions` (in their order). Exact versions
    /// that are not there, and a choice of nothing, are errors.
    pub fn choose<'a>(
        &self,
        id: &str,
        feed: &str,
        versions: &'a [FeedVersion],
    ) -> Result<Vec<&'a FeedVersion>, LifecycleError> {
        let parsed: Vec<Option<NuGetVersion>> = versions
            .iter()
            .map(|v| NuGetVersion::parse(&v.version).ok())
            .collect();
        let missing: Vec<String> = self
            .exact_versions()
            .into_iter()
            .filter(|e| !parsed.iter().flatten().any(|v| v == *e))
            .map(|e| e.original().trim().to_string())
            .collect();
        if !missing.is_empty() {
            return Err(LifecycleError::VersionsNotOnFeed {
                id: id.to_string(),
                versions: missing.join(", "),
                feed: feed.to_string(),
            });
        }
        let chosen: Vec<&FeedVersion> = versions.iter().filter(|v| self.matches(v)).collect();
        if chosen.is_empty() {
            return Err(LifecycleError::SelectionEmpty {
                given: self.text.clone(),
                id: id.to_string(),
                feed: feed.to_string(),
            });
        }
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(list: &[(&str, Option<bool>)]) -> Vec<FeedVersion> {
        list.iter()
            .map(|(v, listed)| FeedVersion {
                listed: *listed,
                ..FeedVersion::new(v.to_string())
            })
            .collect()
    }

    fn pick(text: &str, versions: &[FeedVersion]) -> Vec<String> {
        Selection::parse(text)
            .unwrap()
            .choose("A", "feed", versions)
            .unwrap()
            .iter()
            .map(|v| v.version.clone())
            .collect()
    }

    #[test]
    fn the_documented_kinds_of_choice() {
        let v = feed(&[
            ("2.1.0", Some(true)),
            ("2.0.0", Some(true)),
            ("2.0.0-rc.1", Some(true)),
            ("1.4.2", Some(true)),
            ("1.4.1", Some(false)),
            ("1.2.0-beta", Some(true)),
            ("1.0", Some(true)),
            ("0.9.0-alpha", None),
        ]);
        assert_eq!(pick("[1.0, 1.4.2)", &v), ["1.4.1", "1.2.0-beta", "1.0"]);
        assert_eq!(
            pick("[1.0,1.4.2]", &v),
            ["1.4.2", "1.4.1", "1.2.0-beta", "1.0"]
        );
        assert_eq!(pick("1.x", &v), ["1.4.2", "1.4.1", "1.2.0-beta", "1.0"]);
        assert_eq!(pick("1.4.*", &v), ["1.4.2", "1.4.1"]);
        assert_eq!(
            pick("all prereleases older than 2.0.0", &v),
            ["2.0.0-rc.1", "1.2.0-beta", "0.9.0-alpha"]
        );
        assert_eq!(
            pick("prerelease <2.0.0", &v),
            pick("all prereleases older than 2.0.0", &v)
        );
        assert_eq!(
            pick("prerelease <=2.0.0-rc.1", &v),
            ["2.0.0-rc.1", "1.2.0-beta", "0.9.0-alpha"]
        );
        assert_eq!(pick("1.0.0", &v), ["1.0"], "exact, compared as versions");
        assert_eq!(pick("1.0.0; 2.1.0", &v), ["2.1.0", "1.0"]);
        assert_eq!(pick("1.x unlisted", &v), ["1.4.1"]);
        assert_eq!(pick("stable >=2.0", &v), ["2.1.0", "2.0.0"]);
        assert_eq!(pick("(,1.0]", &v), ["1.0", "0.9.0-alpha"]);
        assert_eq!(pick("all", &v).len(), 8);
    }

    #[test]
    fn bad_and_empty_choices_are_errors() {
        let v = feed(&[("1.0.0", Some(true))]);
        for bad in [
            "",
            "  ",
            "[1.0",
            "1.0)",
            "1.x.y",
            "banana",
            "older than",
            "<",
            "[2.0, 1.0]",
        ] {
            let err = Selection::parse(bad).unwrap_err();
            assert!(
                matches!(err, LifecycleError::SelectionInvalid { .. }),
                "{bad}: {err}"
            );
        }
        let none = Selection::parse("2.x")
            .unwrap()
            .choose("A", "feed", &v)
            .unwrap_err();
        assert!(matches!(none, LifecycleError::SelectionEmpty { .. }));
        let missing = Selection::parse("1.0.0 3.0.0")
            .unwrap()
            .choose("A", "feed", &v)
            .unwrap_err();
        assert!(missing.to_string().contains("3.0.0"), "{missing}");
        assert!(Selection::parse(&"1".repeat(5000)).is_err());
    }
}
