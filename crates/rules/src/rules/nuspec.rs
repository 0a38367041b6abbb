//! The strict nuspec reading, metadata lengths, id, version, URLs and
//! minClientVersion (nuget.org's `PackageMetadata`, `PackageHelper`,
//! `ManifestValidator`).

use super::common::{is_valid_id, is_word_dotted, metadata_text, net_len};
use crate::catalogue::{self as c, Rule};
use crate::facts::PackageFacts;
use crate::types::Finding;
use nupub_package::{NuGetVersion, Package};
use unicode_normalization::is_nfc;

const RESERVED: [&str; 12] = [
    "created",
    "dependencyGroups",
    "isPrerelease",
    "lastEdited",
    "listed",
    "packageEntries",
    "packageHash",
    "packageHashAlgorithm",
    "packageSize",
    "published",
    "supportedFrameworks",
    "verbatimVersion",
];

/// `GalleryConstants.MaxSupportedMinClientVersion` at the revision the spec read.
pub const MAX_MIN_CLIENT_VERSION: &str = "7.3.1.1";

pub fn check(package: &Package, _facts: &PackageFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(nfc(package));
    out.extend(strict_elements(package));
    out.extend(package_types(package));
    out.extend(lengths(package));
    out.extend(id(package));
    out.extend(urls(package));
    out.extend(version(package));
    out.extend(min_client_version(package));
    out
}

fn nfc(package: &Package) -> Option<Finding> {
    let raw = package.nuspec_raw();
    let text = String::from_utf8_lossy(raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw));
    (!is_nfc(&text)).then(|| {
        c::NUSPEC_NOT_NFC
            .finding(format!(
                "The nuspec {} has characters written in decomposed form (a letter followed by a combining accent).",
                package.nuspec_entry_name()
            ))
            .at(package.nuspec_entry_name())
    })
}

fn strict_elements(package: &Package) -> Vec<Finding> {
    let nuspec = package.nuspec();
    let entry = package.nuspec_entry_name().to_string();
    let mut out = Vec::new();
    // NuspecReader.GetMetadata: simple elements (no children) with a value.
    let mut counts: Vec<(String, usize)> = Vec::new();
    for child in &nuspec.metadata().children {
        if !child.children.is_empty() || child.text.trim().is_empty() {
            continue;
        }
        match counts.iter_mut().find(|(n, _)| *n == child.local_name) {
            Some((_, n)) => *n += 1,
            None => counts.push((child.local_name.clone(), 1)),
        }
    }
    let duplicates: Vec<&str> = counts
        .iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k.as_str())
        .collect();
    if !duplicates.is_empty() {
        let list = duplicates.join("', '");
        out.push(
            c::NUSPEC_DUPLICATE_METADATA
                .finding(format!(
                    "The nuspec gives <{}> more than once.",
                    duplicates.join(">, <")
                ))
                .at(entry.clone())
                .with_server(c::NUSPEC_DUPLICATE_METADATA.fill(&[&list])),
        );
    }
    let invalid: Vec<&str> = counts
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| {
            (k.eq_ignore_ascii_case("tags") && *k != "tags")
                || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(k))
        })
        .collect();
    if !invalid.is_empty() {
        out.push(
            c::NUSPEC_INVALID_METADATA_ELEMENT
                .finding(format!(
                    "The nuspec has <{}>, which nuget.org reserves for itself or expects in another casing.",
                    invalid.join(">, <")
                ))
                .at(entry.clone())
                .with_server(c::NUSPEC_INVALID_METADATA_ELEMENT.fill(&[&invalid.join("', '")])),
        );
    }
    for (name, raw) in [
        ("developmentDependency", &nuspec.development_dependency_raw),
        (
            "requireLicenseAcceptance",
            &nuspec.require_license_acceptance_raw,
        ),
        ("serviceable", &nuspec.serviceable_raw),
    ] {
        if let Some(v) = metadata_text(raw) {
            if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                out.push(
                    c::NUSPEC_INVALID_BOOLEAN
                        .finding(format!(
                            "<{name}> is {v:?}, which is neither true nor false."
                        ))
                        .at(format!("{entry} <{name}>"))
                        .with_server(c::NUSPEC_INVALID_BOOLEAN.fill(&[name])),
                );
            }
        }
    }
    out
}

fn package_types(package: &Package) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in &package.nuspec().package_types {
        if !is_word_dotted(&t.name) {
            out.push(
                c::NUSPEC_PACKAGE_TYPE_NAME
                    .finding(format!("The package type name {:?} is not valid.", t.name))
                    .at("<packageType>")
                    .with_server(c::NUSPEC_PACKAGE_TYPE_NAME.fill(&[&t.name])),
            );
        }
    }
    let is_snupkg = package
        .path()
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("snupkg"));
    if !is_snupkg
        && package
            .nuspec()
            .package_types
            .iter()
            .any(|t| t.name == "SymbolsPackage")
    {
        out.push(c::PACKAGE_SYMBOLS_TYPE.finding(
            "This .nupkg has the SymbolsPackage type: it is a symbol package, which nuget.org takes only as a .snupkg pushed beside its package.",
        ));
    }
    out
}

fn too_long(rule: &Rule, property: &str, field: &str, len: usize, max: usize) -> Option<Finding> {
    (len > max).then(|| {
        rule.finding(format!(
            "{field} is {len} characters long; nuget.org allows at most {max}."
        ))
        .at(field.to_string())
        .with_server(rule.fill(&[property, &max.to_string()]))
    })
}

fn lengths(package: &Package) -> Vec<Finding> {
    let n = package.nuspec();
    let mut out = Vec::new();
    if metadata_text(&n.description).is_none() {
        out.push(
            c::META_DESCRIPTION_REQUIRED
                .finding("The package has no description (<description> is missing or empty).")
                .at("<description>"),
        );
    }
    let len = |v: &Option<String>| metadata_text(v).map_or(0, net_len);
    let id_len = net_len(package.id());
    if id_len > 128 {
        out.extend(too_long(&c::META_LENGTH_ID, "Id", "<id>", id_len, 128));
    }
    out.extend(too_long(
        &c::META_LENGTH_AUTHORS,
        "Authors",
        "<authors>",
        len(&n.authors),
        4000,
    ));
    out.extend(too_long(
        &c::META_LENGTH_COPYRIGHT,
        "Copyright",
        "<copyright>",
        len(&n.copyright),
        4000,
    ));
    out.extend(too_long(
        &c::META_LENGTH_SUMMARY,
        "Summary",
        "<summary>",
        len(&n.summary),
        4000,
    ));
    out.extend(too_long(
        &c::META_LENGTH_TAGS,
        "Tags",
        "<tags>",
        len(&n.tags),
        4000,
    ));
    out.extend(too_long(
        &c::META_LENGTH_DESCRIPTION,
        "Description",
        "<description>",
        len(&n.description),
        4000,
    ));
    out.extend(too_long(
        &c::META_LENGTH_RELEASE_NOTES,
        "ReleaseNotes",
        "<releaseNotes>",
        len(&n.release_notes),
        35_000,
    ));
    out.extend(too_long(
        &c::META_LENGTH_TITLE,
        "Title",
        "<title>",
        len(&n.title),
        256,
    ));
    out.extend(too_long(
        &c::META_LENGTH_LANGUAGE,
        "Language",
        "<language>",
        len(&n.language),
        20,
    ));
    for (property, field, v) in [
        ("IconUrl", "<iconUrl>", &n.icon_url),
        ("LicenseUrl", "<licenseUrl>", &n.license_url),
        ("ProjectUrl", "<projectUrl>", &n.project_url),
    ] {
        out.extend(too_long(
            &c::META_LENGTH_URLS,
            property,
            field,
            len(v),
            4000,
        ));
    }
    if let Some(repo) = &n.repository {
        out.extend(too_long(
            &c::META_LENGTH_URLS,
            "RepositoryUrl",
            "<repository url>",
            len(&repo.url),
            4000,
        ));
        out.extend(too_long(
            &c::META_LENGTH_REPOSITORY_TYPE,
            "RepositoryType",
            "<repository type>",
            len(&repo.kind),
            100,
        ));
    }
    let full = package.version().full();
    out.extend(too_long(
        &c::META_LENGTH_VERSION,
        "Version",
        "<version>",
        net_len(&full),
        64,
    ));
    let both = id_len + net_len(&full);
    if both > 160 {
        out.push(
            c::META_LENGTH_ID_AND_VERSION
                .finding(format!("The id and the version together are {both} characters long; nuget.org allows at most 160."))
                .with_server(c::META_LENGTH_ID_AND_VERSION.fill(&["160"])),
        );
    }
    out
}

fn id(package: &Package) -> Option<Finding> {
    let id = package.id();
    if net_len(id) > 100 && net_len(id) <= 128 {
        return Some(
            c::ID_TOO_LONG
                .finding(format!(
                    "The id is {} characters long; nuget.org allows at most 100.",
                    net_len(id)
                ))
                .at("<id>"),
        );
    }
    (!is_valid_id(id)).then(|| {
        c::ID_FORMAT
            .finding(format!(
                "The id {id:?} has characters NuGet does not allow: only ASCII letters, digits and _, separated by single dots or dashes."
            ))
            .at("<id>")
            .with_server(c::ID_FORMAT.fill(&[id]))
    })
}

/// An absolute http or https URI, as `Uri.TryCreate(…, Absolute)` with an http(s) scheme.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
                && !url
                    .trim()
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

fn urls(package: &Package) -> Vec<Finding> {
    let n = package.nuspec();
    let mut out = Vec::new();
    for (field, v) in [
        ("iconUrl", &n.icon_url),
        ("projectUrl", &n.project_url),
        ("licenseUrl", &n.license_url),
    ] {
        if let Some(url) = metadata_text(v) {
            if !is_http_url(url) {
                out.push(
                    c::URL_INVALID
                        .finding(format!("<{field}> is {url:?}, which is not a full http:// or https:// address."))
                        .at(format!("<{field}>")),
                );
            }
        }
    }
    out
}

/// nuget.org's SemVer 1 rule: `^\d+(\s*\.\s*\d+){0,3}(-[a-z][0-9a-z-]*)?$`, case-insensitive.
pub fn is_legacy_semver1(text: &str) -> bool {
    let (numbers, label) = match text.split_once('-') {
        Some((n, l)) => (n, Some(l)),
        None => (text, None),
    };
    let parts: Vec<&str> = numbers.split('.').collect();
    let numbers_ok = parts.len() <= 4
        && parts.iter().enumerate().all(|(i, p)| {
            let p = if i == 0 { *p } else { p.trim() };
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        });
    let label_ok = label.is_none_or(|l| {
        l.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    numbers_ok && label_ok
}

fn version(package: &Package) -> Option<Finding> {
    let v = package.version();
    if v.is_semver2() {
        return None;
    }
    let original = v.original().trim();
    (!is_legacy_semver1(original)).then(|| {
        c::VERSION_LEGACY_SEMVER1_LABEL
            .finding(format!(
                "The version {original} has a release label that does not start with a letter; nuget.org refuses that for SemVer 1 versions."
            ))
            .at("<version>")
    })
}

fn min_client_version(package: &Package) -> Option<Finding> {
    let raw = package.nuspec().min_client_version.as_deref()?.trim();
    if raw.is_empty() {
        return None;
    }
    let ceiling = NuGetVersion::parse(MAX_MIN_CLIENT_VERSION).ok()?;
    match NuGetVersion::parse(raw) {
        Ok(v) if v > ceiling => Some(
            c::CLIENT_MIN_CLIENT_VERSION
                .finding(format!(
                    "minClientVersion is {raw}; nuget.org accepts packages that need NuGet {MAX_MIN_CLIENT_VERSION} at most."
                ))
                .at("<metadata minClientVersion>")
                .with_server(c::CLIENT_MIN_CLIENT_VERSION.fill(&[raw])),
        ),
        Ok(_) => None,
        Err(e) => Some(
            c::CLIENT_MIN_CLIENT_VERSION
                .finding(format!("minClientVersion {raw:?} is not a version: {e}."))
                .at("<metadata minClientVersion>"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;

    #[test]
    fn not_nfc_is_a_warning() {
        let r = Builder::valid()
            .set(
                "description",
                "<description>Cafe\u{301} au lait</description>",
            )
            .check();
        expect(
            &r,
            "nuspec.not_nfc",
            Warning,
            Some("The package nuspec file is not compliant with the normalization form C (NFC)."),
        );
        let r = Builder::valid()
            .set(
                "description",
                "<description>Caf\u{e9} au lait</description>",
            )
            .check();
        absent(&r, "nuspec.not_nfc");
    }

    #[test]
    fn duplicate_metadata() {
        let r = Builder::valid()
            .add("<authors>Someone Else</authors>")
            .check();
        expect(
            &r,
            "nuspec.duplicate_metadata",
            Error,
            Some("The package manifest contains duplicate metadata elements: 'authors'"),
        );
    }

    #[test]
    fn reserved_and_miscased_elements() {
        let r = Builder::valid().add("<Tags>a b</Tags>").check();
        expect(
            &r,
            "nuspec.invalid_metadata_element",
            Error,
            Some("The package manifest contains invalid metadata elements: 'Tags'"),
        );
        let r = Builder::valid().add("<listed>true</listed>").check();
        expect(
            &r,
            "nuspec.invalid_metadata_element",
            Error,
            Some("The package manifest contains invalid metadata elements: 'listed'"),
        );
        absent(
            &Builder::valid().add("<tags>a b</tags>").check(),
            "nuspec.invalid_metadata_element",
        );
    }

    #[test]
    fn booleans() {
        let r = Builder::valid()
            .add("<requireLicenseAcceptance>yes</requireLicenseAcceptance>")
            .check();
        expect(&r, "nuspec.invalid_boolean", Error, Some("The package manifest contains an invalid boolean value for metadata element: 'requireLicenseAcceptance'. The value should be 'true' or 'false'."));
        absent(
            &Builder::valid()
                .add("<serviceable> True </serviceable>")
                .check(),
            "nuspec.invalid_boolean",
        );
    }

    #[test]
    fn package_type_names() {
        let r = Builder::valid()
            .add("<packageTypes><packageType name=\"My Type\" /></packageTypes>")
            .check();
        expect(
            &r,
            "nuspec.package_type_name",
            Error,
            Some("The package manifest contains an invalid package type name: 'My Type'"),
        );
        absent(
            &Builder::valid()
                .add("<packageTypes><packageType name=\"DotnetTool\" /></packageTypes>")
                .check(),
            "nuspec.package_type_name",
        );
    }

    #[test]
    fn symbols_type_in_a_nupkg() {
        let r = Builder::valid()
            .add("<packageTypes><packageType name=\"SymbolsPackage\" /></packageTypes>")
            .check();
        expect(
            &r,
            "package.symbols_type_on_package_endpoint",
            Error,
            Some(c::PACKAGE_SYMBOLS_TYPE.server.unwrap()),
        );
    }

    #[test]
    fn description_required() {
        let r = Builder::valid()
            .set("description", "<description>  </description>")
            .check();
        expect(
            &r,
            "meta.description_required",
            Error,
            Some("A nuget package's Description property is required."),
        );
    }

    #[test]
    fn every_length_limit() {
        let long = |n: usize| "x".repeat(n);
        let cases: Vec<(&str, String, &str, &str)> = vec![
            (
                "authors",
                format!("<authors>{}</authors>", long(4001)),
                "meta.length.authors",
                "Authors' 4000",
            ),
            (
                "copyright",
                format!("<copyright>{}</copyright>", long(4001)),
                "meta.length.copyright",
                "Copyright' 4000",
            ),
            (
                "summary",
                format!("<summary>{}</summary>", long(4001)),
                "meta.length.summary",
                "Summary' 4000",
            ),
            (
                "tags",
                format!("<tags>{}</tags>", long(4001)),
                "meta.length.tags",
                "Tags' 4000",
            ),
            (
                "description",
                format!("<description>{}</description>", long(4001)),
                "meta.length.description",
                "Description' 4000",
            ),
            (
                "releaseNotes",
                format!("<releaseNotes>{}</releaseNotes>", long(35_001)),
                "meta.length.release_notes",
                "ReleaseNotes' 35000",
            ),
            (
                "title",
                format!("<title>{}</title>", long(257)),
                "meta.length.title",
                "Title' 256",
            ),
            (
                "language",
                format!("<language>{}</language>", long(21)),
                "meta.length.language",
                "Language' 20",
            ),
            (
                "projectUrl",
                format!(
                    "<projectUrl>https://example.com/{}</projectUrl>",
                    long(4000)
                ),
                "meta.length.urls",
                "ProjectUrl' 4000",
            ),
            (
                "repository",
                format!(
                    "<repository type=\"{}\" url=\"https://github.com/nupub/sample\" />",
                    long(101)
                ),
                "meta.length.repository_type",
                "RepositoryType' 100",
            ),
            (
                "version",
                format!("<version>1.0.0-{}</version>", long(60)),
                "meta.length.version",
                "Version' 64",
            ),
        ];
        for (element, xml, code, expected) in cases {
            let r = Builder::valid().set(element, &xml).check();
            let (property, max) = expected.split_once("' ").unwrap();
            let server = format!(
                "A nuget package's {property} property may not be more than {max} characters long."
            );
            expect(&r, code, Error, Some(&server));
        }
        let id = format!("A{}", ".b".repeat(64));
        let r = Builder::valid()
            .set("id", &format!("<id>{id}</id>"))
            .check();
        expect(
            &r,
            "meta.length.id",
            Error,
            Some("A nuget package's Id property may not be more than 128 characters long."),
        );
        let id = format!("A{}", ".b".repeat(50));
        let r = Builder::valid()
            .set("id", &format!("<id>{id}</id>"))
            .set(
                "version",
                &format!("<version>1.0.0-{}</version>", "x".repeat(55)),
            )
            .check();
        expect(&r, "meta.length.id_and_version", Error, Some("A nuget package's ID and version properties combined may not be more than 160 characters long."));
    }

    #[test]
    fn id_too_long_and_format() {
        let id = format!("A{}", ".b".repeat(50));
        let r = Builder::valid()
            .set("id", &format!("<id>{id}</id>"))
            .check();
        expect(&r, "id.too_long", Error, Some("The package manifest contains an ID that is too long. Package IDs can be no longer than 100 characters."));
        let r = Builder::valid().set("id", "<id>Nupub..Sample</id>").check();
        expect(
            &r,
            "id.format",
            Error,
            Some(&c::ID_FORMAT.fill(&["Nupub..Sample"]).unwrap()),
        );
        let r = Builder::valid().set("id", "<id>  </id>").check();
        expect(
            &r,
            "id.missing",
            Error,
            Some("The package manifest is missing the Id field"),
        );
    }

    #[test]
    fn urls_must_be_http() {
        let r = Builder::valid()
            .add("<projectUrl>ftp://example.com/x</projectUrl>")
            .check();
        expect(
            &r,
            "url.invalid",
            Error,
            Some("The package manifest contains an invalid URL"),
        );
        assert!(is_http_url("https://example.com"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("example.com"));
    }

    #[test]
    fn versions() {
        let r = Builder::valid()
            .set("version", "<version>1.0.0-1beta</version>")
            .check();
        expect(&r, "version.legacy_semver1_label", Error, None);
        absent(
            &Builder::valid()
                .set("version", "<version>1.0.0-beta.1</version>")
                .check(),
            "version.legacy_semver1_label",
        );
        absent(
            &Builder::valid()
                .set("version", "<version>1.0.0-beta1</version>")
                .check(),
            "version.legacy_semver1_label",
        );
        let r = Builder::valid()
            .set("version", "<version>1.0.0.0.0</version>")
            .check();
        expect(
            &r,
            "version.invalid",
            Error,
            Some("The package manifest contains an invalid Version: '1.0.0.0.0'"),
        );
        assert!(is_legacy_semver1("1.0"));
        assert!(is_legacy_semver1("1.2.3.4-RC"));
        assert!(!is_legacy_semver1("1.0.0-1"));
    }

    #[test]
    fn min_client_version_ceiling() {
        let mut b = Builder::valid();
        b.metadata_attrs = " minClientVersion=\"99.0\"".into();
        let r = b.check();
        expect(&r, "client.min_client_version", Error, Some("This package requires version '99.0' of NuGet, which this gallery does not currently support. Please contact us if you have questions."));
        let mut b = Builder::valid();
        b.metadata_attrs = " minClientVersion=\"2.12\"".into();
        absent(&b.check(), "client.min_client_version");
    }
}

#[cfg(test)]
mod hostile {
    use crate::testutil::{expect, Builder};
    use crate::Severity::*;

    #[test]
    fn hostile_nuspecs_are_findings() {
        let r = Builder::valid().nuspec(b"<?xml version=\"1.0\"?><package><metadata><id>A</id><version>1.0.0</version><description>\xff\xfe</description></metadata></package>").check();
        expect(
            &r,
            "nuspec.invalid_unicode",
            Error,
            Some("The package nuspec file contains invalid unicode characters."),
        );
        let r = Builder::valid().nuspec(b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><package><metadata><id>&a;</id></metadata></package>").check();
        expect(&r, "nuspec.invalid_xml", Error, None);
        let r = Builder::valid()
            .nuspec(b"<package><metadata><id>A</id>")
            .check();
        expect(&r, "nuspec.invalid_xml", Error, None);
        let r = Builder::valid().nuspec(&b"<a>".repeat(10_000)).check();
        expect(&r, "nuspec.invalid_xml", Error, None);
        assert!(r.package.is_none());
    }
}
