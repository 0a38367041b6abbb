//! Health of each assembly in lib/, ref/ and runtimes/: deterministic build,
//! symbols available, Source Link, compiler flags, untracked sources. Each
//! finding names the file and the check it failed.

use crate::assembly::{pdb_matches, PdbFacts, PeFacts};
use crate::catalogue as c;
use crate::facts::{AssemblyFacts, PdbEntry};
use crate::{Facts, Finding};
use nupub_package::Package;

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

pub fn check(package: &Package, facts: &Facts) -> Vec<Finding> {
    if super::is_snupkg(package) {
        return Vec::new();
    }
    facts
        .assemblies
        .iter()
        .flat_map(|a| assembly(a, facts))
        .collect()
}

fn assembly(a: &AssemblyFacts, facts: &Facts) -> Vec<Finding> {
    let path = &a.path;
    let pe: &PeFacts = match &a.pe {
        Ok(pe) if !pe.managed => return Vec::new(),
        Ok(pe) => pe,
        Err(e) => {
            return vec![c::HEALTH_UNREADABLE_ASSEMBLY
                .finding(format!("{path} cannot be read as an assembly: {e}."))
                .at(path.clone())];
        }
    };
    let mut out = Vec::new();
    if !pe.reproducible {
        out.push(
            c::HEALTH_DETERMINISTIC
                .finding(format!("{path} was not built deterministically: its debug directory has no Reproducible entry."))
                .at(path.clone()),
        );
    }
    if path.to_ascii_lowercase().starts_with("ref/") {
        return out; // reference assemblies need no symbols
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
        out.push(
            c::HEALTH_SYMBOLS_MISSING
                .finding(format!(
                    "{path} has no symbols: no PDB beside it in the package, none embedded, and no .snupkg beside the file with one."
                ))
                .at(path.clone()),
        );
        return out;
    };
    let pdb = match pdb {
        Ok(pdb) => pdb,
        Err(e) => {
            out.push(
                c::HEALTH_PDB_MISMATCH
                    .finding(format!("{place} for {path} cannot be read: {e}."))
                    .at(path.clone()),
            );
            return out;
        }
    };
    if !pdb.portable {
        out.push(
            c::HEALTH_PDB_NOT_PORTABLE
                .finding(format!("{place} for {path} is a Windows PDB."))
                .at(path.clone()),
        );
        return out;
    }
    if !pdb_matches(pe, pdb) {
        out.push(
            c::HEALTH_PDB_MISMATCH
                .finding(format!("{place} does not belong to {path}: the assembly names another PDB id or checksum."))
                .at(path.clone()),
        );
    }
    if !pdb.has_source_link {
        out.push(
            c::HEALTH_SOURCE_LINK
                .finding(format!("{place} for {path} has no Source Link map, so debuggers cannot fetch the sources."))
                .at(path.clone()),
        );
    } else if !pdb.untracked.is_empty() {
        let shown: Vec<&str> = pdb.untracked.iter().take(3).map(String::as_str).collect();
        out.push(
            c::HEALTH_UNTRACKED_SOURCES
                .finding(format!(
                    "{place} for {path} lists {} source file(s) that are neither in Source Link nor embedded, e.g. {}.",
                    pdb.untracked.len(),
                    shown.join(", ")
                ))
                .at(path.clone()),
        );
    }
    if !pdb.compiler_flags {
        out.push(
            c::HEALTH_COMPILER_FLAGS
                .finding(format!("{place} for {path} does not record the compiler flags, so the build cannot be reproduced."))
                .at(path.clone()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;
    use crate::{validate_file, Options, Target};

    fn entry(fixture: &str, path: &str) -> Vec<u8> {
        nupub_package::Package::open(&nupub_testkit::fixture(fixture))
            .unwrap()
            .read_entry(path, 1 << 26)
            .unwrap()
    }

    #[test]
    fn a_real_package_with_pdbs_is_checked_per_file() {
        let r = validate_file(
            &nupub_testkit::fixture("Newtonsoft.Json.Bson.1.0.2.nupkg"),
            &Options::for_target(Target::NugetOrg),
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
        let r = validate_file(
            &nupub_testkit::fixture("TestData.1.2.3.nupkg"),
            &Options::for_target(Target::NugetOrg),
        );
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
}
