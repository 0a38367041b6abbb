//! Every real package in ../shared/fixtures/real opens and reads as its MANIFEST.md row says.
#![allow(clippy::unwrap_used)]

use nupub_error::Coded;
use nupub_fixtures::{fixture, fixtures_dir};
use nupub_package::{Package, SignatureKind};

struct Row {
    file: &'static str,
    id: &'static str,
    version: &'static str,
    groups: usize,
    license: Option<(&'static str, &'static str)>,
    readme: bool,
    icon: bool,
    signature: Option<SignatureKind>,
}

#[allow(clippy::too_many_arguments)]
const fn row(
    file: &'static str,
    id: &'static str,
    version: &'static str,
    groups: usize,
    license: Option<(&'static str, &'static str)>,
    readme: bool,
    icon: bool,
    signature: Option<SignatureKind>,
) -> Row {
    Row {
        file,
        id,
        version,
        groups,
        license,
        readme,
        icon,
        signature,
    }
}

use SignatureKind::{Author, AuthorWithRepositoryCountersignature as AuthorRepo, Repository};

const ROWS: &[Row] = &[
    row(
        "ExpiredPrimaryAndTimestampCertificatesWithUnavailableRevocationInfo.nupkg",
        "packageA",
        "1.0.0",
        0,
        None,
        false,
        false,
        Some(Author),
    ),
    row(
        "ILMerge.3.0.41.nupkg",
        "ILMerge",
        "3.0.41",
        0,
        Some((
            "url",
            "https://github.com/dotnet/ILMerge/blob/master/LICENSE",
        )),
        false,
        false,
        Some(AuthorRepo),
    ),
    row(
        "Microsoft.AspNetCore.Http.2.2.0.nupkg",
        "Microsoft.AspNetCore.Http",
        "2.2.0",
        1,
        Some((
            "url",
            "https://raw.githubusercontent.com/aspnet/AspNetCore/2.0.0/LICENSE.txt",
        )),
        false,
        false,
        Some(AuthorRepo),
    ),
    row(
        "Microsoft.Extensions.Logging.Abstractions.8.0.1.nupkg",
        "Microsoft.Extensions.Logging.Abstractions",
        "8.0.1",
        5,
        Some(("expression", "MIT")),
        true,
        true,
        Some(AuthorRepo),
    ),
    row(
        "Newtonsoft.Json.13.0.3.nupkg",
        "Newtonsoft.Json",
        "13.0.3",
        8,
        Some(("expression", "MIT")),
        true,
        true,
        Some(AuthorRepo),
    ),
    row(
        "Newtonsoft.Json.9.0.1.nupkg",
        "Newtonsoft.Json",
        "9.0.1",
        7,
        Some((
            "url",
            "https://raw.github.com/JamesNK/Newtonsoft.Json/master/LICENSE.md",
        )),
        false,
        false,
        Some(Repository),
    ),
    row(
        "Newtonsoft.Json.Bson.1.0.2.nupkg",
        "Newtonsoft.Json.Bson",
        "1.0.2",
        3,
        Some(("expression", "MIT")),
        false,
        false,
        Some(AuthorRepo),
    ),
    row(
        "Npgsql.8.0.3.nupkg",
        "Npgsql",
        "8.0.3",
        5,
        Some(("expression", "PostgreSQL")),
        true,
        true,
        Some(Repository),
    ),
    row(
        "PackageWithContentFile.1.0.nupkg",
        "PackageWithContentFile",
        "1.0.0",
        0,
        None,
        false,
        false,
        None,
    ),
    row(
        "PackageWithFrameworkFacadeReference.1.0.0.nupkg",
        "PackageWithFrameworkFacadeReference",
        "1.0.0",
        0,
        None,
        false,
        false,
        None,
    ),
    row(
        "PackageWithNativeCustomControl.1.0.14.nupkg",
        "PackageWithNativeCustomControl",
        "1.0.14",
        0,
        Some(("url", "http://someurl.com/")),
        false,
        false,
        None,
    ),
    row(
        "PackageWithScripts.1.0.nupkg",
        "PackageWithScripts",
        "1.0.0",
        0,
        None,
        false,
        false,
        None,
    ),
    row(
        "PreReleaseTestPackage.1.0.0-a.nupkg",
        "PreReleaseTestPackage",
        "1.0.0-a",
        0,
        None,
        false,
        false,
        None,
    ),
    row(
        "Serilog.2.12.0.nupkg",
        "Serilog",
        "2.12.0",
        9,
        Some(("expression", "Apache-2.0")),
        false,
        true,
        Some(Repository),
    ),
    row(
        "SignedPackage.1.0.0.nupkg",
        "SignedPackage",
        "1.0.0",
        0,
        None,
        false,
        false,
        Some(Author),
    ),
    row(
        "System.Text.Json.8.0.3.nupkg",
        "System.Text.Json",
        "8.0.3",
        5,
        Some(("expression", "MIT")),
        true,
        true,
        Some(AuthorRepo),
    ),
    row(
        "System.ValueTuple.4.5.0.nupkg",
        "System.ValueTuple",
        "4.5.0",
        17,
        Some((
            "url",
            "https://github.com/dotnet/corefx/blob/master/LICENSE.TXT",
        )),
        false,
        false,
        Some(AuthorRepo),
    ),
    row(
        "Test.RepoCountersigned.1.0.0.nupkg",
        "Test.RepoCountersigned",
        "1.0.0",
        0,
        None,
        false,
        false,
        Some(Repository),
    ),
    row(
        "Test.Reposigned.1.0.0.nupkg",
        "Test.Reposigned",
        "1.0.0",
        0,
        None,
        false,
        false,
        Some(Repository),
    ),
    row(
        "TestData.1.2.3.nupkg",
        "TestData",
        "1.2.3",
        1,
        None,
        false,
        false,
        None,
    ),
    row(
        "TestData.1.2.3.snupkg",
        "TestData",
        "1.2.3",
        1,
        None,
        false,
        false,
        None,
    ),
    row(
        "TestPackage.AuthorSigned.1.0.0.nupkg",
        "TestPackage.AuthorSigned",
        "1.0.0",
        2,
        None,
        false,
        false,
        Some(Author),
    ),
    row(
        "UnavailableCrlPackage.nupkg",
        "TestSigned.leaf-1",
        "1.0.0",
        0,
        None,
        false,
        false,
        Some(Author),
    ),
    row(
        "TimestampInvalidGenTimePackage.nupkg",
        "packageA",
        "1.0.0",
        0,
        None,
        false,
        false,
        Some(Author),
    ),
    row(
        "UntrustedTimestampPackage.nupkg",
        "TestSigned.leaf-1",
        "1.0.0",
        0,
        None,
        false,
        false,
        Some(Author),
    ),
    row(
        "jQuery.2.0.2.nupkg",
        "jQuery",
        "2.0.2",
        0,
        Some(("url", "http://jquery.org/license")),
        false,
        false,
        None,
    ),
    row(
        "netfx-Guard.1.2.0.0.nupkg",
        "netfx-Guard",
        "1.2.0",
        0,
        Some(("url", "http://netfx.codeplex.com/license")),
        false,
        false,
        None,
    ),
    row(
        "nuget.versioning.5.0.0.nupkg",
        "NuGet.Versioning",
        "5.0.0",
        2,
        Some(("expression", "Apache-2.0")),
        false,
        false,
        Some(AuthorRepo),
    ),
];

#[test]
fn every_fixture_matches_its_manifest_row() {
    let mut seen = 0;
    for r in ROWS {
        let p =
            Package::open(&fixture(r.file)).unwrap_or_else(|e| panic!("{}: {}", r.file, e.info()));
        let i = p.inspect();
        assert_eq!(p.id(), r.id, "{}", r.file);
        assert_eq!(p.version().normalized(), r.version, "{}", r.file);
        assert_eq!(
            i.dependency_groups.len(),
            r.groups,
            "{} dependency groups",
            r.file
        );
        match (r.license, &i.license) {
            (None, None) => {}
            (Some((kind, value)), Some(l)) => {
                assert_eq!(
                    (l.kind.as_str(), l.value.as_str()),
                    (kind, value),
                    "{}",
                    r.file
                );
                if kind == "expression" {
                    assert!(
                        l.expression_error.is_none(),
                        "{}: {:?}",
                        r.file,
                        l.expression_error
                    );
                    assert!(
                        l.ids.iter().all(|x| x.known && x.osi_approved),
                        "{}",
                        r.file
                    );
                }
            }
            (want, got) => panic!("{}: licence {want:?} vs {got:?}", r.file),
        }
        assert_eq!(i.readme.is_some(), r.readme, "{} readme", r.file);
        if let Some(readme) = &i.readme {
            let html = readme
                .html
                .as_deref()
                .unwrap_or_else(|| panic!("{}: {:?}", r.file, readme.error));
            assert!(html.len() > 100 && !html.contains("<script"), "{}", r.file);
        }
        assert_eq!(i.icon.is_some(), r.icon, "{} icon", r.file);
        if let Some(icon) = &i.icon {
            assert_eq!(icon.format.as_deref(), Some("png"), "{}", r.file);
            assert!(
                icon.width.unwrap() > 0 && icon.height.unwrap() > 0,
                "{}",
                r.file
            );
        }
        assert_eq!(
            i.signature.as_ref().map(|s| s.kind),
            r.signature,
            "{} signature",
            r.file
        );
        let report = p.verify_integrity().unwrap();
        assert!(report.is_ok(), "{}: {:?}", r.file, report.damaged);
        assert_eq!(report.entries_checked, p.entries().len());
        seen += 1;
    }
    // Every package in the folder has a row (the corrupt one is tested below).
    let on_disk = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .filter(|e| {
            let n = e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .to_string();
            (n.ends_with(".nupkg") || n.ends_with(".snupkg")) && !n.contains("CORRUPT")
        })
        .count();
    assert_eq!(seen, on_disk);
}

#[test]
fn corrupt_fixture_opens_but_fails_its_crc_check_naming_entries() {
    let p = Package::open(&fixture(
        "Newtonsoft.Json.13.0.3.CORRUPT-from-sqlwinds.nupkg",
    ))
    .unwrap();
    assert_eq!(p.id(), "Newtonsoft.Json");
    assert!(p.signature().is_some());
    let report = p.verify_integrity().unwrap();
    let damaged: Vec<&str> = report.damaged.iter().map(|d| d.path.as_str()).collect();
    for name in [
        "packageIcon.png",
        "README.md",
        "[Content_Types].xml",
        "_rels/.rels",
        "lib/net20/Newtonsoft.Json.dll",
    ] {
        assert!(damaged.contains(&name), "{name} not reported: {damaged:?}");
    }
    let err = report.into_result().unwrap_err();
    assert_eq!(err.code(), "package.entry_corrupt");
    assert!(err.to_string().contains("packageIcon.png"), "{err}");
    assert!(p.icon().unwrap().error.is_some());
    assert!(p.readme().unwrap().error.is_some());
}

#[test]
fn signature_details_match_the_manifest() {
    let p = Package::open(&fixture("Newtonsoft.Json.13.0.3.nupkg")).unwrap();
    let s = p.signature().unwrap();
    // Readable names: the EV attributes by name and as text (the certificate
    // holds them as PrintableStrings under Microsoft's OIDs), CN first.
    assert_eq!(
        s.subject.as_deref().unwrap(),
        "CN=Json.NET (.NET Foundation), O=Json.NET (.NET Foundation), L=Redmond, S=Washington, C=US, \
         SERIALNUMBER=603 389 068, JurisdictionS=Washington, JurisdictionC=US, BusinessCategory=Private Organization"
    );
    assert_eq!(
        s.issuer.as_deref().unwrap(),
        "CN=.NET Foundation Projects Code Signing CA2, O=.NET Foundation, C=US"
    );
    assert_eq!(
        s.service_index_url.as_deref(),
        Some("https://api.nuget.org/v3/index.json")
    );
    assert_eq!(
        s.repository_owners,
        ["dotnetfoundation", "jamesnk", "newtonsoft"]
    );
    assert!(s
        .timestamp_time
        .as_deref()
        .unwrap()
        .starts_with("2023-03-08T"));
    assert_eq!(s.sha256.as_deref().unwrap().len(), 64);
    let counter = s.repository_countersignature.as_ref().unwrap();
    assert!(counter
        .subject
        .as_deref()
        .unwrap()
        .contains("NuGet.org Repository by Microsoft"));
    assert!(counter.timestamp_time.is_some());

    let p = Package::open(&fixture("Serilog.2.12.0.nupkg")).unwrap();
    assert_eq!(p.signature().unwrap().repository_owners, ["serilog"]);

    let p = Package::open(&fixture("Test.RepoCountersigned.1.0.0.nupkg")).unwrap();
    let s = p.signature().unwrap();
    assert_eq!(
        s.service_index_url.as_deref(),
        Some("https://v3ServiceIndex.test/api/index")
    );
    assert!(s
        .subject
        .as_deref()
        .unwrap()
        .contains("Test Repository Signing Cert"));
    assert!(s.timestamp_time.is_none());

    let p = Package::open(&fixture("SignedPackage.1.0.0.nupkg")).unwrap();
    let s = p.signature().unwrap();
    assert!(s.timestamp_time.is_none());
    assert!(
        s.not_before.as_deref().unwrap().starts_with("2018-02-22"),
        "{s:?}"
    );
    assert!(
        s.not_after.as_deref().unwrap().starts_with("2018-02-23"),
        "{s:?}"
    );
}

#[test]
fn version_and_layout_details() {
    let p = Package::open(&fixture("nuget.versioning.5.0.0.nupkg")).unwrap();
    assert_eq!(
        p.version().metadata(),
        Some("42a8779499c1d1ed2488c2e6b9e2ee6ff6107766")
    );
    assert!(p.version().is_semver2());
    assert_eq!(p.nuspec().require_license_acceptance(), Some(true));
    assert_eq!(p.nuspec().serviceable(), Some(true));
    let p = Package::open(&fixture("netfx-Guard.1.2.0.0.nupkg")).unwrap();
    assert_eq!(p.version().original(), "1.2.0.0");
    assert_eq!(p.version().part_count(), 4);
    assert!(p.nuspec().root_namespace().is_none());
    assert!(p.nuspec().metadata_namespace().unwrap().contains("2010/07"));
    let p = Package::open(&fixture("PackageWithContentFile.1.0.nupkg")).unwrap();
    assert_eq!(p.version().original(), "1.0");
    assert!(p
        .inspect()
        .files
        .iter()
        .any(|f| f.group == nupub_package::files::FileGroup::Content));
    let p = Package::open(&fixture("PreReleaseTestPackage.1.0.0-a.nupkg")).unwrap();
    assert!(p.version().is_prerelease() && !p.version().is_semver2());
    assert!(p.entries().iter().any(|e| e.is_directory));
    let p = Package::open(&fixture("jQuery.2.0.2.nupkg")).unwrap();
    let tools: Vec<_> = p
        .inspect()
        .files
        .into_iter()
        .filter(|f| f.group == nupub_package::files::FileGroup::Tools)
        .collect();
    assert!(
        tools.iter().any(|f| f.path == "Tools/install.ps1"),
        "{tools:?}"
    );
    let p = Package::open(&fixture("TestData.1.2.3.snupkg")).unwrap();
    assert!(p.is_symbols_package());
    assert!(!Package::open(&fixture("TestData.1.2.3.nupkg"))
        .unwrap()
        .is_symbols_package());
    let p = Package::open(&fixture("Newtonsoft.Json.13.0.3.nupkg")).unwrap();
    assert!(p.nuspec().has_bom);
    assert_eq!(p.nuspec_entry_name(), "Newtonsoft.Json.nuspec");
    assert!(p.nuspec_raw().starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(p.nuspec().min_client_version.as_deref(), Some("2.12"));
    let i = p.inspect();
    let shorts: Vec<&str> = i.frameworks.iter().map(|f| f.short_name.as_str()).collect();
    for want in [
        "net20",
        "net35",
        "net40",
        "net45",
        "net6.0",
        "netstandard1.0",
        "netstandard2.0",
    ] {
        assert!(shorts.contains(&want), "{want} missing from {shorts:?}");
    }
    assert_eq!(i.icon.as_ref().unwrap().width, Some(512));
    let p = Package::open(&fixture("TestPackage.AuthorSigned.1.0.0.nupkg")).unwrap();
    let deps: Vec<_> = p
        .inspect()
        .dependency_groups
        .into_iter()
        .flat_map(|g| g.dependencies)
        .collect();
    assert!(deps
        .iter()
        .any(|d| d.id == "NETStandard.Library" && d.exclude.as_deref() == Some("Build,Analyzers")));
}

#[test]
fn opening_never_modifies_the_file() {
    let path = fixture("Newtonsoft.Json.13.0.3.nupkg");
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let p = Package::open(&path).unwrap();
    p.verify_integrity().unwrap();
    let _ = p.inspect();
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
}

/// The certificate facts the signing rules judge, read by the model from real signatures.
#[test]
fn signer_certificates_from_real_signatures() {
    use nupub_package::signature::{ImprintCheck, KEY_RSA};
    const CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
    const TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
    let p = Package::open(&fixture("Newtonsoft.Json.13.0.3.nupkg")).unwrap();
    let s = p.signature().unwrap();
    let certs = s.certificates.as_ref().unwrap();
    let signer = certs.signer().unwrap();
    assert_eq!(
        signer.common_name.as_deref(),
        Some("Json.NET (.NET Foundation)")
    );
    assert_eq!(Some(&signer.subject), s.subject.as_ref());
    assert_eq!(Some(&signer.sha256), s.sha256.as_ref());
    assert_eq!(signer.key_algorithm, KEY_RSA);
    assert!(signer.rsa_bits.unwrap() >= 2048, "{signer:?}");
    assert!(signer
        .ekus
        .as_ref()
        .unwrap()
        .iter()
        .any(|e| e == CODE_SIGNING));
    assert!(!signer.self_issued);
    assert!(signer.not_before < signer.not_after);
    // The chain follows issuer names: each link is the previous one's issuer.
    assert!(certs.chain.len() >= 2, "{:?}", certs.chain);
    for pair in certs.chain.windows(2) {
        assert_eq!(pair[0].issuer, pair[1].subject);
    }
    assert_eq!(certs.timestamps.len(), 1);
    let ts = &certs.timestamps[0];
    assert_eq!(ts.error, None);
    assert_eq!(ts.imprint, ImprintCheck::Matches);
    assert_eq!(ts.time, s.timestamp_time);
    let time = ts.time_unix.unwrap();
    assert!(signer.not_before <= time && time <= signer.not_after);
    // 2023-03-08 in seconds since 1970.
    assert!((1_678_233_600..1_678_320_000).contains(&time), "{time}");
    let tsa = ts.signer.as_ref().unwrap();
    assert!(tsa
        .ekus
        .as_ref()
        .unwrap()
        .iter()
        .any(|e| e == TIME_STAMPING));
    assert!(tsa.rsa_bits.unwrap() >= 2048);

    // No timestamp; a self-issued test certificate (NuGet.Client's test asset).
    let p = Package::open(&fixture("SignedPackage.1.0.0.nupkg")).unwrap();
    let certs = p.signature().unwrap().certificates.clone().unwrap();
    assert!(certs.timestamps.is_empty());
    assert!(!certs.chain.is_empty());

    // The generation time after the certificate's validity is read as written.
    let p = Package::open(&fixture("TimestampInvalidGenTimePackage.nupkg")).unwrap();
    let certs = p.signature().unwrap().certificates.clone().unwrap();
    let signer = certs.signer().unwrap().clone();
    let time = certs.timestamps[0].time_unix.unwrap();
    assert!(time > signer.not_after || time < signer.not_before);

    // Unsigned packages have no signature; unreadable ones no certificates.
    let p = Package::open(&fixture("jQuery.2.0.2.nupkg")).unwrap();
    assert!(p.signature().is_none());
}

/// A real signature cut short or with bytes changed anywhere: read or
/// reported as unreadable, never a panic, and the chain stays a chain.
#[test]
fn damaged_real_signatures_do_not_panic() {
    use nupub_package::signature::parse;
    let p = Package::open(&fixture("Newtonsoft.Json.13.0.3.nupkg")).unwrap();
    let good = p.read_entry(".signature.p7s", 1 << 20).unwrap();
    assert!(parse(&good).certificates.is_some());
    let check = |bytes: &[u8]| {
        let info = parse(bytes);
        assert_eq!(
            info.certificates.is_none(),
            info.kind == SignatureKind::Unreadable
        );
        if let Some(certs) = info.certificates {
            for pair in certs.chain.windows(2) {
                assert_eq!(pair[0].issuer, pair[1].subject);
            }
            assert!(certs.chain.len() <= 11);
        }
    };
    for cut in (0..good.len()).step_by(61) {
        check(good.get(..cut).unwrap());
    }
    for at in (0..good.len()).step_by(37) {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        check(&bad);
    }
}
