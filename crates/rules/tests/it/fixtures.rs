//! Every real package nuget.org accepted yields no error finding, except the
//! ones listed here with the reason (each exception must still occur, so the
//! list cannot go stale).
#![allow(clippy::unwrap_used)]

use nupub_rules::{validate_file, Options, RuleTarget, Severity};
use std::collections::BTreeSet;

/// Packages downloaded from nuget.org carry its repository (counter)signature:
/// publishing such a copy again fails nuget.org's signature validation, and
/// saying so is correct.
const DOWNLOADED_FROM_NUGET_ORG: &[(&str, &str)] = &[
    ("ILMerge.3.0.41.nupkg", "sign.countersignatures"),
    (
        "Microsoft.AspNetCore.Http.2.2.0.nupkg",
        "sign.countersignatures",
    ),
    (
        "Microsoft.Extensions.Logging.Abstractions.8.0.1.nupkg",
        "sign.countersignatures",
    ),
    ("Newtonsoft.Json.13.0.3.nupkg", "sign.countersignatures"),
    ("Newtonsoft.Json.Bson.1.0.2.nupkg", "sign.countersignatures"),
    ("System.Text.Json.8.0.3.nupkg", "sign.countersignatures"),
    ("System.ValueTuple.4.5.0.nupkg", "sign.countersignatures"),
    ("nuget.versioning.5.0.0.nupkg", "sign.countersignatures"),
    ("Newtonsoft.Json.9.0.1.nupkg", "sign.author_signature_only"),
    ("Npgsql.8.0.3.nupkg", "sign.author_signature_only"),
    ("Serilog.2.12.0.nupkg", "sign.author_signature_only"),
];

/// NuGet.Client test assets that never went through nuget.org.
const TEST_ASSETS: &[(&str, &str, &str)] = &[
    (
        "Test.Reposigned.1.0.0.nupkg",
        "sign.author_signature_only",
        "repository-signed by a test certificate",
    ),
    (
        "Test.RepoCountersigned.1.0.0.nupkg",
        "sign.author_signature_only",
        "repository-signed by a test certificate",
    ),
    (
        "SignedPackage.1.0.0.nupkg",
        "sign.certificate_expired",
        "test certificate valid for one day in 2018, no timestamp",
    ),
    (
        "SignedPackage.1.0.0.nupkg",
        "sign.self_issued",
        "self-issued NuGet test certificate (\"Test certificate for testing NuGet package signing\")",
    ),
    (
        "SignedPackage.1.0.0.nupkg",
        "sign.timestamp_missing",
        "signed without a timestamp (MANIFEST row 16)",
    ),
    (
        "TimestampInvalidGenTimePackage.nupkg",
        "sign.self_issued",
        "self-issued NuGetTest-… certificate made by NuGet's test suite",
    ),
    (
        "TimestampInvalidGenTimePackage.nupkg",
        "sign.not_valid_at_timestamp",
        "the asset's point: its timestamp (2018-04-21 00:40) is after its certificate expired (2018-04-20 22:40)",
    ),
    (
        "ExpiredPrimaryAndTimestampCertificatesWithUnavailableRevocationInfo.nupkg",
        "meta.description_required",
        "a signing test asset whose nuspec has no <description>",
    ),
    (
        "TimestampInvalidGenTimePackage.nupkg",
        "meta.description_required",
        "the same test asset, other signature",
    ),
];

/// The deliberately damaged copy (MANIFEST row 6).
const CORRUPT: &str = "Newtonsoft.Json.13.0.3.CORRUPT-from-sqlwinds.nupkg";

#[test]
fn accepted_fixtures_have_no_unexplained_error() {
    let dir = nupub_fixtures::fixtures_dir();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".nupkg") || name.ends_with(".snupkg")) || name == CORRUPT {
            continue;
        }
        checked += 1;
        let report = validate_file(&path, &Options::for_target(RuleTarget::NugetOrg));
        assert!(report.package.is_some(), "{name}");
        let errors: BTreeSet<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.code.as_str())
            .collect();
        let allowed: BTreeSet<&str> = DOWNLOADED_FROM_NUGET_ORG
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, c)| *c)
            .chain(
                TEST_ASSETS
                    .iter()
                    .filter(|(n, _, _)| *n == name)
                    .map(|(_, c, _)| *c),
            )
            .collect();
        assert_eq!(errors, allowed, "{name}: {:#?}", report.findings);
        // Elsewhere than nuget.org, nuget.org-only findings are notes, and a local folder takes them all.
        for target in [RuleTarget::Generic, RuleTarget::Local] {
            let report = validate_file(&path, &Options::for_target(target));
            assert!(
                !report.has_errors(),
                "{name} for {target:?}: {:#?}",
                report.findings
            );
        }
    }
    assert!(
        checked >= 28,
        "only {checked} fixtures found in {}",
        dir.display()
    );
}

#[test]
fn the_corrupt_fixture_fails_on_every_target() {
    let path = nupub_fixtures::fixture(CORRUPT);
    for target in RuleTarget::ALL {
        let report = validate_file(&path, &Options::for_target(target));
        let codes: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.code.as_str())
            .collect();
        assert!(
            codes.contains(&"zip.entry_corrupt"),
            "{target:?}: {codes:?}"
        );
    }
    // The file is never modified.
    let before = std::fs::read(&path).unwrap();
    validate_file(&path, &Options::for_target(RuleTarget::NugetOrg));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// Each problem is told once: one finding per (code, file) for every fixture,
/// both from the rules themselves (before the report's de-duplication) and in
/// the report, with and without the CRC pass.
#[test]
fn one_finding_per_code_and_file_for_every_fixture() {
    use nupub_rules::{check, validate_package, PackageFacts};
    use std::collections::BTreeMap;
    let dir = nupub_fixtures::fixtures_dir();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".nupkg") || name.ends_with(".snupkg")) {
            continue;
        }
        checked += 1;
        let package = nupub_package::Package::open(&path).unwrap();
        for verify in [true, false] {
            let facts = PackageFacts::gather(&package, verify);
            let raw = check(&package, &facts);
            let options = Options::for_target(RuleTarget::NugetOrg);
            let report = validate_package(&package, &facts, &options);
            for findings in [&raw, &report.findings] {
                let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
                for f in findings.iter() {
                    if let Some(p) = &f.path {
                        *counts.entry((f.code.as_str(), p.as_str())).or_default() += 1;
                    }
                }
                let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
                assert!(twice.is_empty(), "{name} (verify {verify}): {twice:?}");
            }
        }
    }
    assert!(
        checked >= 29,
        "only {checked} fixtures in {}",
        dir.display()
    );
    // The corrupt copy: its icon is too long by one byte, told once, whichever pass finds it.
    let path = nupub_fixtures::fixture(CORRUPT);
    let package = nupub_package::Package::open(&path).unwrap();
    for verify in [true, false] {
        let facts = PackageFacts::gather(&package, verify);
        let report = validate_package(&package, &facts, &Options::for_target(RuleTarget::NugetOrg));
        let icon: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code == "zip.length_mismatch")
            .collect();
        assert_eq!(icon.len(), 1, "verify {verify}: {icon:#?}");
        assert_eq!(icon[0].path.as_deref(), Some("packageIcon.png"));
        assert_eq!(icon[0].severity, Severity::Error);
    }
}
