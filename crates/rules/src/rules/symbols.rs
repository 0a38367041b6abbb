//! Symbol packages (.snupkg): nuget.org's synchronous checks
//! (`SymbolPackageService`) and the asynchronous PDB checks it runs after the
//! upload, predicted here by pairing each PDB with its DLL in the .nupkg.

use crate::catalogue as c;
use crate::facts::PackageFacts;
use crate::types::Finding;
use nupub_package::pdb::pdb_matches;
use nupub_package::Package;

const ALLOWED: [&str; 6] = [".pdb", ".nuspec", ".xml", ".psmdcp", ".rels", ".p7s"];

pub fn check(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    if !super::common::is_snupkg(package) {
        return Vec::new();
    }
    let nuspec = package.nuspec();
    let mut out = Vec::new();
    let types: Vec<&str> = nuspec
        .package_types
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    if types != ["SymbolsPackage"] {
        out.push(c::SYMBOLS_PACKAGE_TYPE.finding(format!(
            "A symbol package must have exactly one package type, SymbolsPackage; this one has {}.",
            if types.is_empty() {
                "none".to_string()
            } else {
                types.join(", ")
            }
        )));
    }
    for (field, v) in [("authors", &nuspec.authors), ("owners", &nuspec.owners)] {
        let present = if field == "owners" {
            v.is_some()
        } else {
            super::common::metadata_text(v).is_some()
        };
        if present {
            out.push(
                c::SYMBOLS_FORBIDDEN_METADATA
                    .finding(format!("The symbol package's nuspec has <{field}>, which symbol packages must not have."))
                    .at(format!("<{field}>"))
                    .with_server(c::SYMBOLS_FORBIDDEN_METADATA.fill(&[field])),
            );
        }
    }
    let others: Vec<&str> = package
        .entries()
        .iter()
        .filter(|e| !e.is_directory)
        .map(|e| e.path.as_str())
        .filter(|p| !ALLOWED.contains(&crate::paths::extension(p).as_str()))
        .collect();
    if let Some(first) = others.first() {
        out.push(
            c::SYMBOLS_FILE_TYPES
                .finding(format!(
                    "The symbol package holds files that are not PDBs: {}.",
                    others.join(", ")
                ))
                .at(first.to_string()),
        );
    }
    if !package.entries().iter().any(|e| e.path.ends_with(".pdb")) {
        out.push(c::SYMBOLS_NO_PDB.finding("The symbol package holds no .pdb file."));
    }
    for pdb in &facts.pdbs {
        if let Ok(p) = &pdb.pdb {
            if !p.portable {
                out.push(
                    c::SYMBOLS_PDB_NOT_PORTABLE
                        .finding(format!("{} is a Windows PDB; nuget.org's symbol server takes only portable PDBs.", pdb.path))
                        .at(pdb.path.clone()),
                );
            }
        }
    }
    let Some(companion) = &facts.companion else {
        out.push(c::SYMBOLS_NOT_PAIRED.finding(
            "The .nupkg of the same name is not beside this .snupkg, so Nupub cannot check that its PDBs match the assemblies.",
        ));
        return out;
    };
    if let Some(error) = &companion.error {
        out.push(c::SYMBOLS_NOT_PAIRED.finding(format!(
            "The package {} beside it cannot be read: {error}",
            companion.path.display()
        )));
        return out;
    }
    for pdb in &facts.pdbs {
        let Ok(facts_pdb) = &pdb.pdb else { continue };
        if !facts_pdb.portable {
            continue;
        }
        let stem = pdb
            .path
            .get(..pdb.path.len().saturating_sub(4))
            .unwrap_or("")
            .to_ascii_lowercase();
        let dll = companion.assemblies.iter().find(|a| {
            let lower = a.path.replace('\\', "/").to_ascii_lowercase();
            lower == format!("{stem}.dll") || lower == format!("{stem}.exe")
        });
        match dll {
            None => out.push(
                c::SYMBOLS_PDB_WITHOUT_DLL
                    .finding(format!(
                        "{} has no matching assembly ({stem}.dll) in {}.",
                        pdb.path,
                        companion
                            .path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    ))
                    .at(pdb.path.clone()),
            ),
            Some(assembly) => {
                let matches = assembly
                    .pe
                    .as_ref()
                    .is_ok_and(|pe| pdb_matches(pe, facts_pdb));
                if !matches {
                    out.push(
                        c::SYMBOLS_CHECKSUM_MISMATCH
                            .finding(format!(
                                "{} was not built together with {} in the .nupkg (their ids or checksums differ).",
                                pdb.path, assembly.path
                            ))
                            .at(pdb.path.clone()),
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{absent, errors, expect, Builder};
    use crate::Severity::*;
    use crate::{validate_file, Options, RuleTarget};

    fn pdb(fixture: &str, path: &str) -> Vec<u8> {
        nupub_package::Package::open(&nupub_fixtures::fixture(fixture))
            .unwrap()
            .read_entry(path, 1 << 26)
            .unwrap()
    }

    /// A symbol package like dotnet pack writes, with the PDB of TestData 1.2.3.
    fn snupkg() -> Builder {
        let mut b = Builder::valid()
            .named("TestData.1.2.3.snupkg")
            .set("id", "<id>TestData</id>")
            .set("version", "<version>1.2.3</version>")
            .remove("authors")
            .remove("license")
            .remove("licenseUrl")
            .remove("readme")
            .remove("icon")
            .add("<packageTypes><packageType name=\"SymbolsPackage\" /></packageTypes>")
            .without_file("README.md")
            .without_file("icon.png")
            .without_file("content/hello.txt")
            .file(
                "lib/net5.0/TestData.pdb",
                &pdb("TestData.1.2.3.snupkg", "lib/net5.0/TestData.pdb"),
            );
        b.id = "TestData".into();
        b
    }

    fn with_companion(b: &Builder) -> crate::Report {
        let path = b.write();
        std::fs::copy(
            nupub_fixtures::fixture("TestData.1.2.3.nupkg"),
            b.dir().join("TestData.1.2.3.nupkg"),
        )
        .unwrap();
        validate_file(&path, &Options::for_target(RuleTarget::NugetOrg))
    }

    #[test]
    fn real_pair_passes() {
        let r = validate_file(
            &nupub_fixtures::fixture("TestData.1.2.3.snupkg"),
            &Options::for_target(RuleTarget::NugetOrg),
        );
        assert!(errors(&r).is_empty(), "{:#?}", r.findings);
        absent(&r, "symbols.not_paired");
        let r = with_companion(&snupkg());
        assert!(errors(&r).is_empty(), "{:#?}", r.findings);
    }

    #[test]
    fn unpaired_is_info() {
        let r = snupkg().check();
        expect(&r, "symbols.not_paired", Info, None);
    }

    #[test]
    fn package_type_and_metadata() {
        let r = snupkg().remove("_raw").check();
        expect(&r, "symbols.package_type", Error, Some("The uploaded package is not a valid symbols package. The required 'SymbolsPackage' package type is missing."));
        let r = snupkg().add("<owners>me</owners>").check();
        expect(&r, "symbols.forbidden_metadata", Error, Some("Invalid metadata items specified in nuspec. Please remove 'owners' from the nuspec."));
        let r = snupkg().add("<authors>me</authors>").check();
        expect(&r, "symbols.forbidden_metadata", Error, Some("Invalid metadata items specified in nuspec. Please remove 'authors' from the nuspec."));
    }

    #[test]
    fn files() {
        let r = snupkg().file("lib/net5.0/TestData.dll", b"MZ").check();
        expect(&r, "symbols.file_types", Error, Some("Invalid file found in the uploaded package. Symbols packages should only contain '.pdb' files."));
        let r = snupkg().file("lib/net5.0/TestData.PDB", b"x").check();
        expect(&r, "symbols.file_types", Error, None);
        let r = snupkg().without_file("lib/net5.0/TestData.pdb").check();
        expect(
            &r,
            "symbols.no_pdb",
            Error,
            Some("The package does not contain any symbol (.pdb) files."),
        );
        let r = snupkg()
            .file(
                "lib/net5.0/TestData.pdb",
                b"Microsoft C/C++ MSF 7.00\r\n\x1aDS\0\0\0",
            )
            .check();
        expect(
            &r,
            "symbols.pdb_not_portable",
            Error,
            Some("The uploaded symbols package contains one or more pdbs that are not portable."),
        );
    }

    #[test]
    fn pdbs_must_match_the_nupkg() {
        let other = pdb(
            "Newtonsoft.Json.Bson.1.0.2.nupkg",
            "lib/netstandard2.0/Newtonsoft.Json.Bson.pdb",
        );
        let r = with_companion(&snupkg().file("lib/net5.0/TestData.pdb", &other));
        expect(
            &r,
            "symbols.checksum_mismatch",
            Error,
            Some("The checksum does not match for the dll(s) and corresponding pdb(s)."),
        );
        let r = with_companion(&snupkg().file("lib/net5.0/Other.pdb", &other));
        expect(&r, "symbols.pdb_without_dll", Error, Some("The uploaded symbols package contains pdb(s) for a corresponding dll(s) not found in the nuget package."));
    }
}
