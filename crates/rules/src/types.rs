//! The crate's vocabulary: findings, their severity, the target feed and
//! the report; every other module uses these, and they use none of them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Severity {
    /// The feed would refuse the package, or fail it after the upload.
    Error,
    /// Accepted, but the feed or NuGet warns, or users will have a worse time.
    Warning,
    /// Worth knowing; nothing to fix for this target.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where the package is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RuleTarget {
    /// nuget.org: every rule.
    #[serde(rename = "nuget.org")]
    #[ts(rename = "nuget.org")]
    NugetOrg,
    Myget,
    /// GitHub Packages: the generic rules plus "the repository URL names the target repository".
    Github,
    Azure,
    /// Any other feed: protocol-level rules; nuget.org-only rules become `info`.
    Generic,
    /// A folder feed: integrity rules only.
    Local,
}

impl RuleTarget {
    pub const ALL: [RuleTarget; 6] = [
        RuleTarget::NugetOrg,
        RuleTarget::Myget,
        RuleTarget::Github,
        RuleTarget::Azure,
        RuleTarget::Generic,
        RuleTarget::Local,
    ];

    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleTarget::NugetOrg => "nuget.org",
            RuleTarget::Myget => "myget",
            RuleTarget::Github => "github",
            RuleTarget::Azure => "azure",
            RuleTarget::Generic => "generic",
            RuleTarget::Local => "local",
        }
    }

    pub fn parse(text: &str) -> Result<RuleTarget, RulesError> {
        let wanted = text.trim().to_ascii_lowercase();
        RuleTarget::ALL
            .into_iter()
            .find(|t| t.as_str() == wanted || (wanted == "nugetorg" && *t == RuleTarget::NugetOrg))
            .ok_or_else(|| RulesError::UnknownTarget {
                value: text.to_string(),
            })
    }
}

/// Errors of this crate: only bad options (a bad package is a finding, not an error).
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{value:?} is not a target Nupub knows")]
    UnknownTarget { value: String },
}

impl nupub_error::Coded for RulesError {
    fn code(&self) -> &'static str {
        match self {
            RulesError::UnknownTarget { .. } => "rules.unknown_target",
        }
    }
    fn hint(&self) -> Option<String> {
        Some(format!(
            "use one of: {}",
            RuleTarget::ALL.map(RuleTarget::as_str).join(", ")
        ))
    }
}

/// One thing the rules found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Finding {
    /// Stable code (`license.file_missing`); listed in `docs/rules.md`.
    pub code: String,
    pub severity: Severity,
    /// Short title of the rule.
    pub title: String,
    /// What is wrong, in plain words, naming the field or file.
    pub message: String,
    /// How to fix it: the csproj property and the nuspec element.
    pub hint: Option<String>,
    /// nuget.org's exact text, when the rule mirrors a server check.
    pub server_message: Option<String>,
    /// The file or element concerned.
    pub path: Option<String>,
    /// Where to read more.
    pub docs: Option<String>,
}

/// The package a report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PackageIdentity {
    pub id: String,
    /// The version as nuget.org shows it (normalized, with build metadata).
    pub version: String,
}

/// Everything `nupub validate` says about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Report {
    /// `None` when the package could not be read far enough to know it.
    pub package: Option<PackageIdentity>,
    pub target: RuleTarget,
    /// Errors first, then warnings, then info.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}
