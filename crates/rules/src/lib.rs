//! `nupub-rules`: what nuget.org (or another feed) would say about a package,
//! told before anything is sent, in plain words and with the fix.
//!
//! - [`catalogue`]: every rule Nupub knows, with its stable code, severity,
//!   title, fix and nuget.org's exact text. `docs/rules.md` in this crate is
//!   generated from it (a test keeps the two in sync).
//! - [`facts`]: the one step that reads files: it gathers what the rules need
//!   from the package (licence/icon/readme bytes, assemblies and PDBs, the
//!   Zip64 markers, the paired symbol package) into [`facts::PackageFacts`].
//! - [`certificates`]: judges the author signature's certificates and
//!   timestamps (read by the package model) for nuget.org's signing requirements.
//! - [`compat`]: which framework's assets a project for another framework can use (NU5130).
//! - The rule modules are pure functions `(&Package, &PackageFacts) -> Vec<Finding>`,
//!   each with its tests beside it.
//! - [`assembly_health`]: one assembly's health checks, each passed, failed or
//!   not checked, from the same evaluation as the health findings (the Files tab).
//! - [`feed`]: rules over facts a feed answers (version exists, owners,
//!   reserved prefix, previous signature); the caller looks them up.
//! - [`RuleTarget`]: which feed the package goes to; [`apply_target`] keeps,
//!   drops or softens findings for it.
//!
//! An unreadable or hostile package is not an error of this crate: it is an
//! error [`Finding`] like any other.

pub mod catalogue;
pub mod certificates;
pub mod compat;
pub mod facts;
pub mod feed;
pub mod paths;
mod rules;
#[cfg(test)]
pub(crate) mod testsign;
#[cfg(test)]
pub(crate) mod testutil;
mod types;

pub use catalogue::{Rule, Scope, CATALOGUE};
pub use facts::PackageFacts;
pub use feed::FeedFacts;
pub use rules::health::{assembly_health, AssemblyHealth, CheckStatus, HealthCheck};
pub use types::{Finding, PackageIdentity, Report, RuleTarget, RulesError, Severity};

use nupub_package::Package;
use std::path::Path;

/// What to validate against.
#[derive(Debug, Clone)]
pub struct Options {
    pub target: RuleTarget,
    /// The GitHub repository the package goes to (`owner/name`), for the `github` target.
    pub github_repository: Option<String>,
    /// PackageFacts a feed answered, when the caller looked them up.
    pub feed: Option<FeedFacts>,
}

impl Options {
    pub fn for_target(target: RuleTarget) -> Options {
        Options {
            target,
            github_repository: None,
            feed: None,
        }
    }
}

/// Opens, gathers (streaming every entry through its CRC check, as `nupub
/// inspect` does) and checks one package file. Never fails: a package that
/// cannot be read is reported as an error finding.
pub fn validate_file(path: &Path, options: &Options) -> Report {
    let package = match Package::open(path) {
        Ok(p) => p,
        Err(e) => {
            let findings = apply_target(rules::open_error(&e), options.target);
            return make_report(None, options.target, findings);
        }
    };
    let mut facts = PackageFacts::gather(&package, true);
    facts.github_repository = options.github_repository.clone();
    validate_package(&package, &facts, options)
}

/// Checks an opened package with gathered facts (pure).
pub fn validate_package(package: &Package, facts: &PackageFacts, options: &Options) -> Report {
    let mut findings = check(package, facts);
    if let Some(feed) = &options.feed {
        findings.extend(feed::check(package, feed));
    }
    let findings = apply_target(findings, options.target);
    make_report(
        Some(PackageIdentity {
            id: package.id().to_string(),
            version: package.version().full(),
        }),
        options.target,
        findings,
    )
}

/// Every offline rule over one package, before target filtering.
pub fn check(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    rules::all(package, facts)
}

/// Keeps, drops or softens findings for a target (see [`Scope`]).
pub fn apply_target(findings: Vec<Finding>, target: RuleTarget) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(|mut f| {
            let scope = catalogue::lookup(&f.code).map_or(Scope::NugetOrg, |r| r.scope);
            match catalogue::severity_for(scope, target, f.severity) {
                Some(severity) => {
                    f.severity = severity;
                    Some(f)
                }
                None => None,
            }
        })
        .collect()
}

fn make_report(
    package: Option<PackageIdentity>,
    target: RuleTarget,
    mut findings: Vec<Finding>,
) -> Report {
    // Same finding twice (e.g. the same file reached by two rules' paths) is
    // noise: one finding per (code, file); the first, most specific, is kept.
    // Findings about no particular file are told apart by their message.
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| {
        let detail = match &f.path {
            Some(path) => path.clone(),
            None => format!("\0{}", f.message),
        };
        seen.insert((f.code.clone(), detail))
    });
    findings.sort_by_key(|f| f.severity);
    Report {
        package,
        target,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_print() {
        for t in RuleTarget::ALL {
            assert_eq!(RuleTarget::parse(t.as_str()).unwrap(), t);
        }
        assert_eq!(
            RuleTarget::parse("NuGet.org").unwrap(),
            RuleTarget::NugetOrg
        );
        let err = RuleTarget::parse("pypi").unwrap_err();
        let info = nupub_error::Coded::info(&err);
        assert_eq!(info.code, "rules.unknown_target");
        assert!(info.hint.unwrap().contains("github"));
    }

    #[test]
    fn finding_and_target_serialize_in_camel_case() {
        let f = catalogue::LICENSE_MISSING.finding("no licence");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["code"], "license.missing");
        assert_eq!(json["severity"], "warning");
        assert!(json["serverMessage"]
            .as_str()
            .unwrap()
            .starts_with("License missing."));
        assert_eq!(
            serde_json::to_value(RuleTarget::NugetOrg).unwrap(),
            "nuget.org"
        );
        assert_eq!(serde_json::to_value(RuleTarget::Github).unwrap(), "github");
    }

    #[test]
    fn nuget_org_only_rules_become_info_elsewhere_and_vanish_locally() {
        let f = catalogue::LICENSE_FILE_MISSING.finding("gone");
        let integrity = catalogue::ZIP_UNREADABLE.finding("broken");
        let out = apply_target(vec![f.clone(), integrity.clone()], RuleTarget::Generic);
        assert_eq!(out[0].severity, Severity::Info);
        assert_eq!(out[1].severity, Severity::Error);
        let out = apply_target(vec![f.clone(), integrity.clone()], RuleTarget::Local);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, "zip.unreadable");
        let out = apply_target(vec![f], RuleTarget::NugetOrg);
        assert_eq!(out[0].severity, Severity::Error);
    }
}
