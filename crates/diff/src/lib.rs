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

pub use error::DiffError;

use nupub_package::{NuGetVersion, Package};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use ts_rs::TS;

/// What a change means for consumers of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ChangeSeverity")]
pub enum Severity {
    /// Code or projects built against the baseline may stop compiling, loading or restoring.
    Breaking,
    /// Not an API break, but something a consumer must look at (a licence change,
    /// a dependency's range narrowed).
    Significant,
    /// New API, a new framework, `[Obsolete]` added: backwards-compatible features.
    Addition,
    /// Worth knowing; no effect on the version number.
    Info,
}

/// What part of the package a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ChangeKind {
    Metadata,
    License,
    Framework,
    Dependency,
    File,
    Signature,
    Health,
    Readme,
    /// The assembly's identity (name, version, public-key token).
    Assembly,
    Api,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 10] = [
        ChangeKind::Api,
        ChangeKind::Framework,
        ChangeKind::Dependency,
        ChangeKind::License,
        ChangeKind::Assembly,
        ChangeKind::Metadata,
        ChangeKind::File,
        ChangeKind::Signature,
        ChangeKind::Health,
        ChangeKind::Readme,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Metadata => "metadata",
            ChangeKind::License => "license",
            ChangeKind::Framework => "framework",
            ChangeKind::Dependency => "dependency",
            ChangeKind::File => "file",
            ChangeKind::Signature => "signature",
            ChangeKind::Health => "health",
            ChangeKind::Readme => "readme",
            ChangeKind::Assembly => "assembly",
            ChangeKind::Api => "api",
        }
    }
}

/// One change between the baseline and the new package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Change {
    pub kind: ChangeKind,
    pub severity: Severity,
    /// ApiCompat / Package Validation diagnostic id (`CP0002`, `PKV006`) where one fits.
    pub id: Option<String>,
    /// What changed: a nuspec field, file path, framework, dependency id or type name.
    pub subject: String,
    /// One plain sentence.
    pub message: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The C#-like signature of an API change (the baseline's for a removal).
    pub signature: Option<String>,
    /// The assembly entry (`lib/net45/A.dll`) of an API or assembly change.
    pub assembly: Option<String>,
    /// The framework folder (`net45`) of an API, assembly or dependency change.
    pub framework: Option<String>,
    #[ts(type = "number | null")]
    pub old_size: Option<u64>,
    #[ts(type = "number | null")]
    pub new_size: Option<u64>,
}

impl Change {
    pub(crate) fn new(
        kind: ChangeKind,
        severity: Severity,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Change {
        Change {
            kind,
            severity,
            id: None,
            subject: subject.into(),
            message: message.into(),
            old: None,
            new: None,
            signature: None,
            assembly: None,
            framework: None,
            old_size: None,
            new_size: None,
        }
    }
    pub(crate) fn id(mut self, id: &str) -> Change {
        self.id = Some(id.to_string());
        self
    }
    pub(crate) fn values(mut self, old: Option<String>, new: Option<String>) -> Change {
        self.old = old;
        self.new = new;
        self
    }
}

/// A version bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Bump {
    /// Only the pre-release label or nothing changed in the numbers.
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// The semantic-versioning verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Verdict {
    /// The smallest bump the changes need.
    pub needed: Bump,
    /// The bump the new version makes over the baseline.
    pub chosen: Bump,
    /// `chosen < needed`.
    pub too_small: bool,
    /// The lowest version that makes the needed bump (`2.0.0`).
    pub suggested_version: String,
    /// Why the needed bump is what it is, one line per reason.
    pub reasons: Vec<String>,
    /// Conventions the verdict follows (below 1.0, pre-release versions).
    pub notes: Vec<String>,
}

/// The package a diff side is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "DiffSide")]
pub struct Side {
    pub id: String,
    /// Normalized version.
    pub version: String,
    pub file: String,
}

/// One line of the readme's text diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DiffLine {
    /// `+`, `-` or ` `.
    pub tag: String,
    pub text: String,
}

/// The readme's text before and after, with a line diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReadmeDiff {
    pub lines: Vec<DiffLine>,
    /// The new readme rendered (sanitized HTML from the package model).
    pub new_html: Option<String>,
}

/// Counts of one kind of change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KindCount {
    pub kind: ChangeKind,
    pub total: u32,
    pub breaking: u32,
}

/// Everything that changed from `old` to `new`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseDiff {
    pub old: Side,
    pub new: Side,
    /// Ordered by kind, then severity, then subject.
    pub changes: Vec<Change>,
    pub readme: Option<ReadmeDiff>,
    pub counts: Vec<KindCount>,
    pub verdict: Verdict,
}

/// What a diff is doing, for a progress line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "DiffProgress")]
pub struct Progress {
    pub step: String,
    pub done: u32,
    pub total: u32,
}

/// Options of a diff.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Compare the health checks (reads assemblies and PDBs of both packages).
    pub health: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions { health: true }
    }
}

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
