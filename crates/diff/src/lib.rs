//! `nupub-diff`: what a new version of a package changes for the people who
//! depend on it, compared with an earlier version (the baseline).
//!
//! - [`diff`]: compares two opened packages: metadata, licence, target
//!   frameworks (dropped ones with NuGet's compatible-framework fallback),
//!   dependencies, files (by CRC-32 and size), signature, health
//!   regressions, readme text, and the public API of every assembly per
//!   framework ([`api`], with ApiCompat's diagnostic ids).
//! - [`Verdict`]: the smallest version bump the changes need versus the one
//!   chosen; [`verdict_finding`] turns a too-small bump into the
//!   `version.bump_too_small` warning the publish steps ask to acknowledge.
//! - [`baseline`]: which earlier version to compare with (the highest lower
//!   version on the feed, or a file or version the user names), downloaded
//!   into a cache folder keyed by content hash.

pub mod api;
pub mod baseline;
mod error;
mod parts;
mod types;

pub use error::DiffError;
pub use types::{
    Bump, Change, ChangeKind, DiffLine, DiffOptions, KindCount, Progress, ReadmeDiff, ReleaseDiff,
    Severity, Side, Verdict,
};

use nupub_package::{NuGetVersion, Package};
use std::sync::atomic::{AtomicBool, Ordering};

/// Compares two packages with the default options, no progress and no cancellation.
pub fn diff(old: &Package, new: &Package) -> Result<ReleaseDiff, DiffError> {
    diff_with(
        old,
        new,
        &DiffOptions::default(),
        &|_| {},
        &AtomicBool::new(false),
    )
}

/// Compares two packages; `progress` is told each step, `cancel` stops the work
/// between steps (then the result is [`DiffError::Cancelled`]).
pub fn diff_with(
    old: &Package,
    new: &Package,
    options: &DiffOptions,
    progress: &dyn Fn(Progress),
    cancel: &AtomicBool,
) -> Result<ReleaseDiff, DiffError> {
    if !old.id().eq_ignore_ascii_case(new.id()) {
        return Err(DiffError::DifferentIds {
            old: old.id().to_string(),
            new: new.id().to_string(),
        });
    }
    let check = || {
        if cancel.load(Ordering::Relaxed) {
            Err(DiffError::Cancelled)
        } else {
            Ok(())
        }
    };
    let old_view = old.inspect();
    let new_view = new.inspect();
    let mut changes = Vec::new();
    progress(Progress {
        step: "metadata, licence, frameworks, dependencies and files".into(),
        done: 0,
        total: 3,
    });
    changes.extend(parts::metadata(&old_view, &new_view));
    changes.extend(parts::license(old, new));
    changes.extend(parts::frameworks(&old_view, &new_view));
    changes.extend(parts::dependencies(&old_view, &new_view));
    changes.extend(parts::files(old, new));
    changes.extend(parts::signature(old, new));
    check()?;
    if options.health {
        progress(Progress {
            step: "health checks".into(),
            done: 1,
            total: 3,
        });
        changes.extend(parts::health(old, new));
        check()?;
    }
    let readme = parts::readme(old, new, &mut changes);
    progress(Progress {
        step: "public API".into(),
        done: 2,
        total: 3,
    });
    changes.extend(api::compare_packages(old, new, progress, cancel)?);
    check()?;
    changes.sort_by(|a, b| {
        let rank = |k: ChangeKind| ChangeKind::ALL.iter().position(|x| *x == k);
        (
            rank(a.kind),
            &a.assembly,
            a.severity,
            &a.subject,
            &a.message,
        )
            .cmp(&(
                rank(b.kind),
                &b.assembly,
                b.severity,
                &b.subject,
                &b.message,
            ))
    });
    changes.dedup();
    let verdict = verdict(old.version(), new.version(), &changes);
    let counts = ChangeKind::ALL
        .iter()
        .map(|kind| KindCount {
            kind: *kind,
            total: changes.iter().filter(|c| c.kind == *kind).count() as u32,
            breaking: changes
                .iter()
                .filter(|c| c.kind == *kind && c.severity == Severity::Breaking)
                .count() as u32,
        })
        .filter(|c| c.total > 0)
        .collect();
    progress(Progress {
        step: "done".into(),
        done: 3,
        total: 3,
    });
    Ok(ReleaseDiff {
        old: side(old),
        new: side(new),
        changes,
        readme,
        counts,
        verdict,
    })
}

fn side(p: &Package) -> Side {
    Side {
        id: p.id().to_string(),
        version: p.version().normalized(),
        file: p.path().display().to_string(),
    }
}

/// The bump from `old` to `new` (numbers only; labels do not count).
pub fn chosen_bump(old: &NuGetVersion, new: &NuGetVersion) -> Bump {
    if new.major() != old.major() {
        Bump::Major
    } else if new.minor() != old.minor() {
        Bump::Minor
    } else if new.patch() != old.patch() || new.revision() != old.revision() {
        Bump::Patch
    } else {
        Bump::None
    }
}

/// The semantic-versioning verdict over a list of changes.
pub fn verdict(old: &NuGetVersion, new: &NuGetVersion, changes: &[Change]) -> Verdict {
    let mut reasons = Vec::new();
    let mut notes = Vec::new();
    let count = |s: Severity| changes.iter().filter(|c| c.severity == s).count();
    let (breaking, additions, significant) = (
        count(Severity::Breaking),
        count(Severity::Addition),
        count(Severity::Significant),
    );
    let mut needed = if breaking > 0 {
        reasons.push(format!(
            "{breaking} breaking change{} (code built against {} may fail)",
            plural(breaking),
            old.normalized()
        ));
        Bump::Major
    } else if additions + significant > 0 {
        if additions > 0 {
            reasons.push(format!(
                "{additions} addition{} (new API, frameworks or [Obsolete])",
                plural(additions)
            ));
        }
        if significant > 0 {
            reasons.push(format!(
                "{significant} significant change{} (licence, dependencies)",
                plural(significant)
            ));
        }
        Bump::Minor
    } else {
        reasons.push("no API or package change that consumers see".into());
        Bump::Patch
    };
    if old.major() == 0 {
        notes.push(
            "below 1.0 SemVer promises nothing (\"anything MAY change\"); by a common convention \
             a breaking change bumps the minor version and anything else the patch"
                .into(),
        );
        needed = match needed {
            Bump::Major => Bump::Minor,
            _ => Bump::Patch,
        };
    }
    if new.is_prerelease() {
        notes.push(
            "this is a pre-release: consumers opt in to it, but the changes still count toward the release"
                .into(),
        );
    }
    let chosen = chosen_bump(old, new);
    let same_release = chosen == Bump::None && old.is_prerelease();
    if same_release {
        notes.push(format!(
            "the baseline {} is a pre-release of the same version numbers: no bump is expected between pre-releases",
            old.normalized()
        ));
    }
    let suggested = match needed {
        Bump::Major => format!("{}.0.0", old.major() + 1),
        Bump::Minor => format!("{}.{}.0", old.major(), old.minor() + 1),
        _ => format!("{}.{}.{}", old.major(), old.minor(), old.patch() + 1),
    };
    let suggested_version = match new.release() {
        Some(label) => format!("{suggested}-{label}"),
        None => suggested,
    };
    Verdict {
        needed,
        chosen,
        too_small: chosen < needed && !same_release,
        suggested_version,
        reasons,
        notes,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The `version.bump_too_small` warning for a diff whose chosen bump is
/// smaller than its changes need; `None` when the bump is enough. The publish
/// steps add it to the findings that must be acknowledged before sending.
pub fn verdict_finding(diff: &ReleaseDiff) -> Option<nupub_rules::Finding> {
    let v = &diff.verdict;
    if !v.too_small {
        return None;
    }
    let rule = nupub_rules::catalogue::lookup("version.bump_too_small")?;
    let breaking: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| c.severity == Severity::Breaking)
        .take(3)
        .collect();
    let mut message = format!(
        "{} {} is a {} bump over {}, but the changes need a {} bump: {}.",
        diff.new.id,
        diff.new.version,
        v.chosen.as_str(),
        diff.old.version,
        v.needed.as_str(),
        v.reasons.join("; ")
    );
    for c in breaking {
        message.push_str(&format!(
            " {}{}",
            c.id.as_deref()
                .map(|i| format!("{i}: "))
                .unwrap_or_default(),
            c.signature.as_deref().unwrap_or(&c.message)
        ));
    }
    if !v.notes.is_empty() {
        message.push_str(&format!(" ({})", v.notes.join("; ")));
    }
    Some(
        rule.finding(message)
            .with_hint(format!(
                "publish it as {} (set <Version> / the nuspec <version>), or undo the changes listed in 'Changes since {}'",
                v.suggested_version, diff.old.version
            )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> NuGetVersion {
        NuGetVersion::parse(s).unwrap()
    }

    fn change(severity: Severity) -> Change {
        Change::new(ChangeKind::Api, severity, "T", "m")
    }

    #[test]
    fn bumps_follow_the_numbers() {
        assert_eq!(chosen_bump(&v("1.2.3"), &v("2.0.0")), Bump::Major);
        assert_eq!(chosen_bump(&v("1.2.3"), &v("1.3.0")), Bump::Minor);
        assert_eq!(chosen_bump(&v("1.2.3"), &v("1.2.4")), Bump::Patch);
        assert_eq!(chosen_bump(&v("1.2.3.4"), &v("1.2.3.5")), Bump::Patch);
        assert_eq!(chosen_bump(&v("1.2.3-a"), &v("1.2.3-b")), Bump::None);
    }

    #[test]
    fn a_break_needs_a_major_bump_and_below_one_a_minor_one() {
        let breaking = [change(Severity::Breaking), change(Severity::Addition)];
        let verdict1 = verdict(&v("1.0.0"), &v("1.0.1"), &breaking);
        assert_eq!(verdict1.needed, Bump::Major);
        assert!(verdict1.too_small);
        assert_eq!(verdict1.suggested_version, "2.0.0");
        let ok = verdict(&v("1.0.0"), &v("2.0.0"), &breaking);
        assert!(!ok.too_small);
        let zero = verdict(&v("0.3.1"), &v("0.3.2"), &breaking);
        assert_eq!(zero.needed, Bump::Minor);
        assert_eq!(zero.suggested_version, "0.4.0");
        assert!(zero.too_small);
        assert!(zero.notes.iter().any(|n| n.contains("convention")));
        let pre = verdict(&v("1.0.0"), &v("1.0.1-beta.1"), &breaking);
        assert_eq!(pre.suggested_version, "2.0.0-beta.1");
        assert!(pre.notes.iter().any(|n| n.contains("pre-release")));
    }

    #[test]
    fn additions_need_minor_and_nothing_needs_patch() {
        let add = verdict(&v("1.0.0"), &v("1.0.1"), &[change(Severity::Addition)]);
        assert_eq!((add.needed, add.too_small), (Bump::Minor, true));
        assert_eq!(add.suggested_version, "1.1.0");
        let none = verdict(&v("1.0.0"), &v("1.0.1"), &[change(Severity::Info)]);
        assert_eq!((none.needed, none.too_small), (Bump::Patch, false));
        let same = verdict(&v("1.0.0-a"), &v("1.0.0-b"), &[]);
        assert_eq!((same.chosen, same.too_small), (Bump::None, false));
    }
}
