//! Health of each assembly in lib/, ref/, runtimes/, tools/, build/,
//! buildTransitive/ and analyzers/: deterministic build,
//! symbols available, Source Link, compiler flags, untracked sources. Each
//! finding names the file and the check it failed.
//!
//! One evaluation per assembly ([`Evaluation`]) records every check's own
//! outcome as the rule makes it: passed, failed (with its finding) or not
//! checked (an earlier failure stopped the rule, and why). The findings of
//! [`check`] and the per-check list of [`assembly_health`] (the Files tab)
//! both come from it, so they cannot disagree.

use crate::catalogue::{self as c, Rule};
use crate::facts::PackageFacts;
use crate::facts::{is_checked_assembly, AssemblyFacts, PdbEntry};
use crate::types::Finding;
use nupub_package::pdb::{pdb_matches, PdbFacts, PeFacts};
use nupub_package::Package;
use serde::Serialize;
use ts_rs::TS;

/// Every health rule, in the catalogue's order, with a neutral name for the
/// check it makes (the catalogue's titles name the failure).
const CHECKS: [(&Rule, &str); 8] = [
    (&c::HEALTH_UNREADABLE_ASSEMBLY, "Readable assembly"),
    (&c::HEALTH_DETERMINISTIC, "Deterministic build"),
    (&c::HEALTH_SYMBOLS_MISSING, "Symbols available"),
    (&c::HEALTH_PDB_MISMATCH, "PDB matches the assembly"),
    (&c::HEALTH_PDB_NOT_PORTABLE, "Portable PDB"),
    (&c::HEALTH_SOURCE_LINK, "Source Link"),
    (&c::HEALTH_COMPILER_FLAGS, "Compiler flags recorded"),
    (&c::HEALTH_UNTRACKED_SOURCES, "Every source file tracked"),
];

/// Why the health checks do not look at a file.
const NOTE_SYMBOL_PACKAGE: &str =
    "This is a symbol package: the health checks look at the assemblies of the package itself.";
const NOTE_NOT_CHECKED_FOLDER: &str = "The health checks look at .NET assemblies under lib/, ref/, runtimes/, tools/, build/, buildTransitive/ and analyzers/ (not native files, satellite resource assemblies or files elsewhere).";
const NOTE_NATIVE: &str = "This is a native library: the health checks apply to .NET assemblies.";
const NOTE_NOT_GATHERED: &str =
    "The health checks did not read this file: open the package again to check it.";

/// How one health check went for one assembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CheckStatus {
    Passed,
    Failed,
    /// An earlier check failed, so this one could not be made.
    NotChecked,
}

/// One health check of one assembly, as the Files tab lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HealthCheck {
    /// The rule's code (`health.deterministic`).
    pub code: String,
    /// What is checked, worded neutrally (`Deterministic build`).
    pub check: String,
    pub status: CheckStatus,
    /// Why it failed (the finding's message, naming the file) or why it was not checked.
    pub reason: Option<String>,
    /// How to fix it: the MSBuild property, from the rule.
    pub fix: Option<String>,
    pub docs: Option<String>,
}

/// The health of one assembly entry: its checks, or why none apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyHealth {
    /// In the catalogue's order; the "Readable assembly" line only when it
    /// failed. Empty when `note` says why the checks do not apply.
    pub checks: Vec<HealthCheck>,
    pub note: Option<String>,
}

/// One check's own outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed { finding: Finding },
    NotChecked { why: &'static str },
}

/// Every check the rule made for one assembly, in the order it made them.
#[derive(Debug)]
struct Evaluation<'a> {
    path: &'a str,
    made: Vec<(&'static Rule, Outcome)>,
}

impl<'a> Evaluation<'a> {
    fn new(path: &'a str) -> Self {
        Evaluation {
            path,
            made: Vec::new(),
        }
    }

    fn pass(&mut self, rule: &'static Rule) {
        self.made.push((rule, Outcome::Passed));
    }

    fn fail(&mut self, rule: &'static Rule, message: String) {
        let finding = rule.finding(message).at(self.path);
        self.made.push((rule, Outcome::Failed { finding }));
    }

    /// The check is not made, for this reason.
    fn skip(&mut self, rule: &'static Rule, why: &'static str) {
        self.made.push((rule, Outcome::NotChecked { why }));
    }

    /// Passes the check, or fails it with the message.
    fn pass_if(&mut self, rule: &'static Rule, ok: bool, message: impl FnOnce() -> String) {
        if ok {
            self.pass(rule);
        } else {
            self.fail(rule, message());
        }
    }

    /// The rule stops here: every check not made yet is not checked, for this reason.
    fn stop(mut self, why: &'static str) -> Self {
        for (rule, _) in CHECKS {
            if !self.made.iter().any(|(r, _)| r.code == rule.code) {
                self.skip(rule, why);
            }
        }
        self
    }

    /// The failed checks' findings, in the order the rule made them.
    fn findings(self) -> Vec<Finding> {
        self.made
            .into_iter()
            .filter_map(|(_, outcome)| match outcome {
                Outcome::Failed { finding } => Some(finding),
                _ => None,
            })
            .collect()
    }

    /// One line per check, in the catalogue's order. A readable assembly
    /// needs no "Readable assembly" line.
    fn checks(self) -> Vec<HealthCheck> {
        let mut made = self.made;
        CHECKS
            .iter()
            .filter_map(|(rule, name)| {
                let at = made.iter().position(|(r, _)| r.code == rule.code)?;
                let (_, outcome) = made.swap_remove(at);
                let rule_hint = (!rule.hint.is_empty()).then(|| rule.hint.to_string());
                let (status, reason, fix) = match outcome {
                    Outcome::Passed if rule.code == c::HEALTH_UNREADABLE_ASSEMBLY.code => {
                        return None
                    }
                    Outcome::Passed => (CheckStatus::Passed, None, rule_hint),
                    Outcome::Failed { finding } => (
                        CheckStatus::Failed,
                        Some(finding.message),
                        finding.hint.or(rule_hint),
                    ),
                    Outcome::NotChecked { why } => {
                        (CheckStatus::NotChecked, Some(why.to_string()), rule_hint)
                    }
                };
                Some(HealthCheck {
                    code: rule.code.to_string(),
                    check: (*name).to_string(),
                    status,
                    reason,
                    fix,
                    docs: (!rule.docs.is_empty()).then(|| rule.docs.to_string()),
                })
            })
            .collect()
    }
}

fn stem(path: &str) -> String {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    lower
        .rsplit_once('.')
        .map_or(lower.clone(), |(s, _)| s.to_string())
}

fn find_pdb<'a>(pdbs: &'a [PdbEntry], assembly: &str) -> Option<&'a PdbEntry> {
    let wanted = stem(assembly);
    pdbs.iter().find(|p| stem(&p.path) == wanted)
}

pub fn check(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    if super::common::is_snupkg(package) {
        return Vec::new();
    }
    facts
        .assemblies
        .iter()
        .flat_map(|a| match evaluate(a, facts) {
            Ok(evaluation) => evaluation.findings(),
            Err(_) => Vec::new(),
        })
        .collect()
}

/// The health checks of one assembly entry (`path` as stored), from the same
/// evaluation as [`check`]'s findings: each passed, failed (the finding's
/// message and fix) or not checked (why), or a note saying why none apply.
pub fn assembly_health(package: &Package, facts: &PackageFacts, path: &str) -> AssemblyHealth {
    let not_applicable = |note: &str| AssemblyHealth {
        checks: Vec::new(),
        note: Some(note.to_string()),
    };
    if super::common::is_snupkg(package) {
        return not_applicable(NOTE_SYMBOL_PACKAGE);
    }
    if !is_checked_assembly(path) {
        return not_applicable(NOTE_NOT_CHECKED_FOLDER);
    }
    let Some(assembly) = facts.assemblies.iter().find(|a| a.path == path) else {
        return not_applicable(NOTE_NOT_GATHERED);
    };
    match evaluate(assembly, facts) {
        Ok(evaluation) => AssemblyHealth {
            checks: evaluation.checks(),
            note: None,
        },
        Err(note) => not_applicable(note),
    }
}

/// Makes every health check of one assembly, or says why none apply.
fn evaluate<'a>(
    a: &'a AssemblyFacts,
    facts: &PackageFacts,
) -> Result<Evaluation<'a>, &'static str> {
    let path = a.path.as_str();
    let mut ev = Evaluation::new(path);
    let pe: &PeFacts = match &a.pe {
        Ok(pe) if !pe.managed => return Err(NOTE_NATIVE),
        Ok(pe) => {
            ev.pass(&c::HEALTH_UNREADABLE_ASSEMBLY);
            pe
        }
        Err(e) => {
            ev.fail(
                &c::HEALTH_UNREADABLE_ASSEMBLY,
                format!("{path} cannot be read as an assembly: {e}."),
            );
            return Ok(ev.stop("the assembly could not be read"));
        }
    };
    ev.pass_if(&c::HEALTH_DETERMINISTIC, pe.reproducible, || {
        format!("{path} was not built deterministically: its debug directory has no Reproducible entry.")
    });
    if path.to_ascii_lowercase().starts_with("ref/") {
        return Ok(ev.stop("reference assemblies (ref/) need no symbols"));
    }
    // PDB lookup order: beside it in the package, embedded, in the .snupkg beside the file.
    let (pdb, place): (Result<&PdbFacts, &String>, String) = if let Some(p) =
        find_pdb(&facts.pdbs, path)
    {
        (p.pdb.as_ref(), format!("{} in the package", p.path))
    } else if let Some(embedded) = &pe.embedded_pdb {
        (embedded.as_ref(), "the PDB embedded in it".to_string())
    } else if let Some(p) = facts
        .companion
        .as_ref()
        .and_then(|c| find_pdb(&c.pdbs, path))
    {
        (p.pdb.as_ref(), format!("{} in the .snupkg", p.path))
    } else {
        ev.fail(
            &c::HEALTH_SYMBOLS_MISSING,
            format!(
                "{path} has no symbols: no PDB beside it in the package, none embedded, and no .snupkg beside the file with one."
            ),
        );
        return Ok(ev.stop("there is no PDB to check"));
    };
    ev.pass(&c::HEALTH_SYMBOLS_MISSING);
    let pdb = match pdb {
        Ok(pdb) => pdb,
        Err(e) => {
            ev.fail(
                &c::HEALTH_PDB_MISMATCH,
                format!("{place} for {path} cannot be read: {e}."),
            );
            return Ok(ev.stop("the PDB could not be read"));
        }
    };
    if !pdb.portable {
        ev.fail(
            &c::HEALTH_PDB_NOT_PORTABLE,
            format!("{place} for {path} is a Windows PDB."),
        );
        return Ok(ev.stop("the PDB is a Windows PDB; Nupub reads only portable PDBs"));
    }
    ev.pass(&c::HEALTH_PDB_NOT_PORTABLE);
    ev.pass_if(&c::HEALTH_PDB_MISMATCH, pdb_matches(pe, pdb), || {
        format!("{place} does not belong to {path}: the assembly names another PDB id or checksum.")
    });
    if !pdb.has_source_link {
        ev.fail(
            &c::HEALTH_SOURCE_LINK,
            format!(
                "{place} for {path} has no Source Link map, so debuggers cannot fetch the sources."
            ),
        );
        ev.skip(
            &c::HEALTH_UNTRACKED_SOURCES,
            "checked only when the PDB has a Source Link map",
        );
    } else {
        ev.pass(&c::HEALTH_SOURCE_LINK);
        ev.pass_if(&c::HEALTH_UNTRACKED_SOURCES, pdb.untracked.is_empty(), || {
            let shown: Vec<&str> = pdb.untracked.iter().take(3).map(String::as_str).collect();
            format!(
                "{place} for {path} lists {} source file(s) that are neither in Source Link nor embedded, e.g. {}.",
                pdb.untracked.len(),
                shown.join(", ")
            )
        });
    }
    ev.pass_if(&c::HEALTH_COMPILER_FLAGS, pdb.compiler_flags, || {
        format!("{place} for {path} does not record the compiler flags, so the build cannot be reproduced.")
    });
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::{assembly_health, evaluate, AssemblyHealth, CheckStatus, CHECKS};
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;
    use crate::{validate_file, Options, PackageFacts, RuleTarget};
    use nupub_package::Package;
    use std::path::Path;

    fn entry(fixture: &str, path: &str) -> Vec<u8> {
        nupub_package::Package::open(&nupub_fixtures::fixture(fixture))
            .unwrap()
            .read_entry(path, 1 << 26)
            .unwrap()
    }

    #[test]
    fn a_real_package_with_pdbs_is_checked_per_file() {
        let r = validate_file(
            &nupub_fixtures::fixture("Newtonsoft.Json.Bson.1.0.2.nupkg"),
            &Options::for_target(RuleTarget::NugetOrg),
        );
        // Built in 2017: Source Link present, but no compiler flags (SDK < 5.0.300) and not deterministic.
        let flags: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.code == "health.compiler_flags")
            .collect();
        assert_eq!(flags.len(), 3, "{:#?}", r.findings);
        assert!(flags.iter().all(|f| f
            .path
            .as_deref()
            .unwrap()
            .ends_with("Newtonsoft.Json.Bson.dll")));
        absent(&r, "health.symbols_missing");
        absent(&r, "health.pdb_mismatch");
    }

    #[test]
    fn symbols_from_the_snupkg_beside_it() {
        // Alone, the package's assembly has no symbols: the rule says so…
        let dir = tempfile::tempdir().unwrap();
        let alone = dir.path().join("TestData.1.2.3.nupkg");
        std::fs::copy(nupub_fixtures::fixture("TestData.1.2.3.nupkg"), &alone).unwrap();
        let r = validate_file(&alone, &Options::for_target(RuleTarget::NugetOrg));
        expect(&r, "health.symbols_missing", Warning, None);
        // …and with its .snupkg beside it, the same rule finds them there.
        std::fs::copy(
            nupub_fixtures::fixture("TestData.1.2.3.snupkg"),
            dir.path().join("TestData.1.2.3.snupkg"),
        )
        .unwrap();
        let r = validate_file(&alone, &Options::for_target(RuleTarget::NugetOrg));
        absent(&r, "health.symbols_missing");
    }

    #[test]
    fn missing_and_mismatched_symbols() {
        let dll = entry(
            "Newtonsoft.Json.Bson.1.0.2.nupkg",
            "lib/netstandard2.0/Newtonsoft.Json.Bson.dll",
        );
        let r = Builder::valid()
            .file("lib/netstandard2.0/Newtonsoft.Json.Bson.dll", &dll)
            .check();
        let f = expect(&r, "health.symbols_missing", Warning, None);
        assert_eq!(
            f.path.as_deref(),
            Some("lib/netstandard2.0/Newtonsoft.Json.Bson.dll")
        );
        absent(&r, "health.deterministic");
        let old = entry(
            "Newtonsoft.Json.9.0.1.nupkg",
            "lib/net45/Newtonsoft.Json.dll",
        );
        let r = Builder::valid()
            .file("lib/net45/Newtonsoft.Json.dll", &old)
            .check();
        let f = expect(&r, "health.deterministic", Warning, None);
        assert!(f.message.contains("lib/net45/Newtonsoft.Json.dll"));
        let wrong = entry(
            "Newtonsoft.Json.Bson.1.0.2.nupkg",
            "lib/net45/Newtonsoft.Json.Bson.pdb",
        );
        let r = Builder::valid()
            .file("lib/netstandard2.0/Newtonsoft.Json.Bson.dll", &dll)
            .file("lib/netstandard2.0/Newtonsoft.Json.Bson.pdb", &wrong)
            .check();
        expect(&r, "health.pdb_mismatch", Warning, None);
        let r = Builder::valid()
            .file("lib/netstandard2.0/Newtonsoft.Json.Bson.dll", &dll)
            .file(
                "lib/netstandard2.0/Newtonsoft.Json.Bson.pdb",
                b"Microsoft C/C++ MSF 7.00\r\n\x1aDS\0\0\0",
            )
            .check();
        expect(&r, "health.pdb_not_portable", Warning, None);
        let r = Builder::valid()
            .file("lib/netstandard2.0/Broken.dll", b"MZ nonsense")
            .check();
        expect(&r, "health.unreadable_assembly", Warning, None);
    }

    #[test]
    fn source_link_missing() {
        // TestData's PDB (from the .snupkg) was built without Source Link.
        let dll = entry("TestData.1.2.3.nupkg", "lib/net5.0/TestData.dll");
        let pdb = entry("TestData.1.2.3.snupkg", "lib/net5.0/TestData.pdb");
        let r = Builder::valid()
            .file("lib/net5.0/TestData.dll", &dll)
            .file("lib/net5.0/TestData.pdb", &pdb)
            .check();
        let f = expect(&r, "health.source_link", Warning, None);
        assert!(
            f.message.contains("lib/net5.0/TestData.pdb"),
            "{}",
            f.message
        );
        absent(&r, "health.pdb_mismatch");
    }

    /// The health of one entry of a package file, checked against the
    /// findings of the same package: the failed lines are exactly the health
    /// findings for that file, and the evaluation made every check once.
    fn health_of(file: &Path, path: &str) -> AssemblyHealth {
        let package = Package::open(file).unwrap();
        let facts = PackageFacts::gather(&package, false);
        let health = assembly_health(&package, &facts, path);
        let mut findings: Vec<(String, String)> = crate::check(&package, &facts)
            .into_iter()
            .filter(|f| f.code.starts_with("health.") && f.path.as_deref() == Some(path))
            .map(|f| (f.code, f.message))
            .collect();
        let mut failed: Vec<(String, String)> = health
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Failed)
            .map(|c| (c.code.clone(), c.reason.clone().unwrap()))
            .collect();
        findings.sort();
        failed.sort();
        assert_eq!(failed, findings, "{health:#?}");
        if let Some(assembly) = facts.assemblies.iter().find(|a| a.path == path) {
            if let Ok(evaluation) = evaluate(assembly, &facts) {
                for (rule, _) in CHECKS {
                    let times = evaluation
                        .made
                        .iter()
                        .filter(|(r, _)| r.code == rule.code)
                        .count();
                    assert_eq!(times, 1, "{} made {times} times", rule.code);
                }
            }
        }
        for line in &health.checks {
            assert!(!line.check.is_empty() && line.fix.is_some(), "{line:#?}");
            assert_eq!(line.reason.is_none(), line.status == CheckStatus::Passed);
        }
        health
    }

    fn line(health: &AssemblyHealth, code: &str) -> (CheckStatus, String) {
        let line = health
            .checks
            .iter()
            .find(|c| c.code == code)
            .unwrap_or_else(|| panic!("no {code} line in {health:#?}"));
        (line.status, line.reason.clone().unwrap_or_default())
    }

    fn codes(health: &AssemblyHealth) -> Vec<&str> {
        health.checks.iter().map(|c| c.code.as_str()).collect()
    }

    const DLL: &str = "lib/netstandard2.0/Newtonsoft.Json.Bson.dll";
    const PDB: &str = "lib/netstandard2.0/Newtonsoft.Json.Bson.pdb";

    fn bson_dll() -> Vec<u8> {
        entry("Newtonsoft.Json.Bson.1.0.2.nupkg", DLL)
    }

    #[test]
    fn every_health_rule_has_a_neutral_name_in_the_catalogue_order() {
        let catalogue: Vec<&str> = crate::CATALOGUE
            .iter()
            .map(|r| r.code)
            .filter(|code| code.starts_with("health."))
            .collect();
        let listed: Vec<&str> = CHECKS.iter().map(|(r, _)| r.code).collect();
        assert_eq!(listed, catalogue);
        let mut names: Vec<&str> = CHECKS.iter().map(|(_, n)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CHECKS.len());
        for (rule, name) in CHECKS {
            assert_ne!(name, rule.title, "{}", rule.code);
        }
    }

    #[test]
    fn a_dll_without_a_pdb_leaves_the_pdb_checks_not_checked() {
        let b = Builder::valid().file(DLL, &bson_dll());
        let health = health_of(&b.write(), DLL);
        assert_eq!(health.note, None);
        // Readable, so no "Readable assembly" line; the rest in catalogue order.
        assert_eq!(
            codes(&health),
            CHECKS
                .iter()
                .skip(1)
                .map(|(r, _)| r.code)
                .collect::<Vec<_>>()
        );
        assert_eq!(line(&health, "health.deterministic").0, CheckStatus::Passed);
        let (status, reason) = line(&health, "health.symbols_missing");
        assert_eq!(status, CheckStatus::Failed);
        assert!(reason.contains(DLL), "{reason}");
        for code in [
            "health.pdb_mismatch",
            "health.pdb_not_portable",
            "health.source_link",
            "health.compiler_flags",
            "health.untracked_sources",
        ] {
            assert_eq!(
                line(&health, code),
                (CheckStatus::NotChecked, "there is no PDB to check".into()),
                "{code}"
            );
        }
    }

    #[test]
    fn an_unreadable_pdb_fails_the_match_and_blocks_the_checks_inside_it() {
        let b = Builder::valid()
            .file(DLL, &bson_dll())
            .file(PDB, b"BSJB but not a PDB at all");
        let health = health_of(&b.write(), DLL);
        assert_eq!(
            line(&health, "health.symbols_missing").0,
            CheckStatus::Passed
        );
        let (status, reason) = line(&health, "health.pdb_mismatch");
        assert_eq!(status, CheckStatus::Failed);
        assert!(reason.contains("cannot be read"), "{reason}");
        for code in [
            "health.pdb_not_portable",
            "health.source_link",
            "health.compiler_flags",
            "health.untracked_sources",
        ] {
            assert_eq!(
                line(&health, code),
                (CheckStatus::NotChecked, "the PDB could not be read".into()),
                "{code}"
            );
        }
        // A Windows PDB: nothing inside it is checked, not even whether it matches.
        let b = Builder::valid()
            .file(DLL, &bson_dll())
            .file(PDB, b"Microsoft C/C++ MSF 7.00\r\n\x1aDS\0\0\0");
        let health = health_of(&b.write(), DLL);
        assert_eq!(
            line(&health, "health.pdb_not_portable").0,
            CheckStatus::Failed
        );
        for code in [
            "health.pdb_mismatch",
            "health.source_link",
            "health.compiler_flags",
            "health.untracked_sources",
        ] {
            let (status, reason) = line(&health, code);
            assert_eq!(status, CheckStatus::NotChecked, "{code}");
            assert!(reason.contains("Windows PDB"), "{reason}");
        }
        // A PDB from another build is read: it fails the match, and the checks inside it are made.
        let wrong = entry(
            "Newtonsoft.Json.Bson.1.0.2.nupkg",
            "lib/net45/Newtonsoft.Json.Bson.pdb",
        );
        let b = Builder::valid().file(DLL, &bson_dll()).file(PDB, &wrong);
        let health = health_of(&b.write(), DLL);
        assert_eq!(line(&health, "health.pdb_mismatch").0, CheckStatus::Failed);
        assert_eq!(line(&health, "health.source_link").0, CheckStatus::Passed);
        assert_ne!(
            line(&health, "health.compiler_flags").0,
            CheckStatus::NotChecked
        );
    }

    #[test]
    fn an_unreadable_assembly_is_the_only_check_made() {
        let path = "lib/net8.0/Broken.dll";
        let b = Builder::valid().file(path, b"MZ nonsense");
        let health = health_of(&b.write(), path);
        assert_eq!(codes(&health).len(), CHECKS.len());
        let (status, reason) = line(&health, "health.unreadable_assembly");
        assert_eq!(status, CheckStatus::Failed);
        assert!(reason.contains(path), "{reason}");
        for line in health.checks.iter().skip(1) {
            assert_eq!(line.status, CheckStatus::NotChecked, "{line:#?}");
            assert_eq!(
                line.reason.as_deref(),
                Some("the assembly could not be read")
            );
        }
    }

    #[test]
    fn reference_assemblies_are_checked_only_for_a_deterministic_build() {
        let path = "ref/netstandard2.0/Newtonsoft.Json.Bson.dll";
        let old = entry(
            "Newtonsoft.Json.9.0.1.nupkg",
            "lib/net45/Newtonsoft.Json.dll",
        );
        let b = Builder::valid().file(path, &old);
        let health = health_of(&b.write(), path);
        let (status, reason) = line(&health, "health.deterministic");
        assert_eq!(status, CheckStatus::Failed);
        assert!(reason.contains(path), "{reason}");
        for line in health.checks.iter().skip(1) {
            assert_eq!(line.status, CheckStatus::NotChecked, "{line:#?}");
            assert!(line.reason.as_deref().unwrap().contains("ref/"));
        }
    }

    #[test]
    fn untracked_sources_are_looked_at_only_with_a_source_link_map() {
        // The real pair: TestData's PDB in the .snupkg beside it has no Source Link map.
        let path = "lib/net5.0/TestData.dll";
        let health = health_of(&nupub_fixtures::fixture("TestData.1.2.3.nupkg"), path);
        for code in [
            "health.symbols_missing",
            "health.pdb_mismatch",
            "health.pdb_not_portable",
        ] {
            assert_eq!(line(&health, code).0, CheckStatus::Passed, "{code}");
        }
        let (status, reason) = line(&health, "health.source_link");
        assert_eq!(status, CheckStatus::Failed);
        assert!(reason.contains("in the .snupkg"), "{reason}");
        assert_eq!(
            line(&health, "health.untracked_sources"),
            (
                CheckStatus::NotChecked,
                "checked only when the PDB has a Source Link map".into()
            )
        );
        // Made regardless of Source Link.
        assert_ne!(
            line(&health, "health.compiler_flags").0,
            CheckStatus::NotChecked
        );
        // With a Source Link map (Newtonsoft.Json.Bson's own PDB), untracked sources are looked at.
        let file = nupub_fixtures::fixture("Newtonsoft.Json.Bson.1.0.2.nupkg");
        let health = health_of(&file, DLL);
        assert_eq!(line(&health, "health.source_link").0, CheckStatus::Passed);
        assert_ne!(
            line(&health, "health.untracked_sources").0,
            CheckStatus::NotChecked
        );
        assert_eq!(
            line(&health, "health.compiler_flags").0,
            CheckStatus::Failed
        );
    }

    #[test]
    fn files_the_checks_do_not_apply_to_get_a_note_and_no_lines() {
        // A native DLL where a managed one would be.
        let native = entry(
            "PackageWithNativeCustomControl.1.0.14.nupkg",
            "runtimes/win10-x86/native/NativePackage/NativePackage.dll",
        );
        let path = "lib/net6.0/NativePackage.dll";
        let b = Builder::valid().file(path, &native);
        let health = health_of(&b.write(), path);
        assert!(health.checks.is_empty());
        assert!(health.note.unwrap().contains("native library"));
        // Not under lib/, ref/ or runtimes/ (and a satellite assembly).
        let b = Builder::valid()
            .file("content/Tool.dll", &bson_dll())
            .file("lib/net6.0/de/A.resources.dll", &bson_dll());
        let file = b.write();
        for path in [
            "content/Tool.dll",
            "lib/net6.0/de/A.resources.dll",
            "README.md",
        ] {
            let health = health_of(&file, path);
            assert!(health.checks.is_empty(), "{path}");
            assert!(health
                .note
                .unwrap()
                .contains("lib/, ref/, runtimes/, tools/"));
        }
        // Assemblies consumers run from tools/, build/ and analyzers/ are checked like lib/ ones.
        for path in [
            "tools/net8.0/any/Tool.dll",
            "build/Task.dll",
            "buildTransitive/net8.0/Task.dll",
            "analyzers/dotnet/cs/Analyzer.dll",
        ] {
            let b = Builder::valid().file(path, &bson_dll());
            let health = health_of(&b.write(), path);
            assert!(!health.checks.is_empty(), "{path}");
            assert!(health.note.is_none(), "{path}: {:?}", health.note);
        }
        // A symbol package.
        let health = health_of(
            &nupub_fixtures::fixture("TestData.1.2.3.snupkg"),
            "lib/net5.0/TestData.pdb",
        );
        assert!(health.note.unwrap().contains("symbol package"));
        // PackageFacts of another package: said so, not guessed.
        let other = Builder::valid();
        let package = Package::open(&other.write()).unwrap();
        let facts = PackageFacts::gather(&package, false);
        let health = assembly_health(&package, &facts, DLL);
        assert!(health.checks.is_empty());
        assert!(health.note.unwrap().contains("did not read"));
    }

    #[test]
    fn every_assembly_of_the_real_packages_agrees_with_the_findings() {
        for name in [
            "Newtonsoft.Json.13.0.3.nupkg",
            "Newtonsoft.Json.9.0.1.nupkg",
            "Newtonsoft.Json.Bson.1.0.2.nupkg",
            "System.Text.Json.8.0.3.nupkg",
            "PackageWithNativeCustomControl.1.0.14.nupkg",
            "TestData.1.2.3.nupkg",
        ] {
            let file = nupub_fixtures::fixture(name);
            let package = Package::open(&file).unwrap();
            let mut seen = 0;
            for e in package.entries() {
                let lower = e.path.to_ascii_lowercase();
                if lower.ends_with(".dll") || lower.ends_with(".exe") {
                    // health_of asserts the agreement with the findings.
                    health_of(&file, &e.path);
                    seen += 1;
                }
            }
            assert!(seen > 0, "{name}");
        }
    }
}
