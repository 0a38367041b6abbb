//! What a release diff is made of: changes, their severity and kind, the
//! version bump they call for, and the whole diff as both doors show it.

use serde::{Deserialize, Serialize};
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
