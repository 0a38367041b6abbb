//! The zip container: nuget.org's `ZipArchiveHelpers`, the entry checks of
//! `PackageMetadataValidationService`, Zip64, size, and the CRC check.

use crate::catalogue as c;
use crate::facts::FileBytes;
use crate::facts::PackageFacts;
use crate::paths::{normalize_path, percent_decode};
use crate::types::Finding;
use nupub_package::Package;
use std::collections::HashMap;

/// nuget.org's request limit: 250 × 1024 × 1024 bytes (`maxAllowedContentLength`).
pub const MAX_PACKAGE_BYTES: u64 = 262_144_000;

pub fn check(package: &Package, facts: &PackageFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(size_limit(package.file_size()));
    out.extend(future_timestamps(package, facts.now_unix));
    out.extend(slashes(package));
    out.extend(unsafe_entries(package));
    out.extend(duplicates(package));
    out.extend(multiple_nuspecs(package));
    out.extend(too_many_entries(package));
    // The CRC pass (when it ran) reports every damaged entry itself; the
    // small-file read is the only source when it did not.
    let damaged_by_crc = |path: &str| {
        facts
            .integrity
            .as_ref()
            .is_some_and(|r| r.damaged.iter().any(|d| d.path == path))
    };
    for (path, bytes) in &facts.files {
        if damaged_by_crc(path) {
            continue;
        }
        if let FileBytes::LengthMismatch(detail) = bytes {
            out.push(
                c::ZIP_LENGTH_MISMATCH
                    .finding(detail.clone())
                    .at(path.clone()),
            );
        }
    }
    if let Some(reason) = &facts.zip64 {
        out.push(c::ZIP_ZIP64.finding(format!(
            "The package is a Zip64 archive ({reason}). nuget.org accepts the upload, then fails the version during validation."
        )));
    }
    if let Some(error) = &facts.integrity_error {
        out.push(c::ZIP_UNREADABLE.finding(error.clone()));
    }
    if let Some(report) = &facts.integrity {
        for damaged in &report.damaged {
            let rule = if damaged.kind == nupub_package::Damage::LengthMismatch {
                c::ZIP_LENGTH_MISMATCH
            } else {
                c::ZIP_ENTRY_CORRUPT
            };
            out.push(
                rule.finding(format!(
                    "The file {} inside the package is damaged: {}.",
                    damaged.path, damaged.detail
                ))
                .at(damaged.path.clone()),
            );
        }
    }
    out
}

pub fn size_limit(file_size: u64) -> Option<Finding> {
    (file_size > MAX_PACKAGE_BYTES).then(|| {
        c::REQUEST_SIZE_LIMIT.finding(format!(
            "The package is {:.1} MB; nuget.org accepts at most 250 MB per upload.",
            file_size as f64 / 1_048_576.0
        ))
    })
}

fn future_timestamps(package: &Package, now: i64) -> Option<Finding> {
    let limit = now + 86_400;
    let entry = package.entries().iter().find(|e| {
        e.modified_at
            .is_some_and(|t| t.and_utc().timestamp() > limit)
    })?;
    Some(
        c::ZIP_FUTURE_TIMESTAMP
            .finding(format!(
                "The file {} is dated {}, more than a day in the future.",
                entry.path,
                entry.modified.as_deref().unwrap_or("?")
            ))
            .at(entry.path.clone())
            .with_server(c::ZIP_FUTURE_TIMESTAMP.fill(&[&entry.path])),
    )
}

fn slashes(package: &Package) -> Vec<Finding> {
    let mut out = Vec::new();
    let names: Vec<String> = package
        .entries()
        .iter()
        .map(|e| e.path.to_lowercase())
        .collect();
    for entry in package.entries() {
        if entry.path.contains("//") {
            let mut collapsed = entry.path.to_lowercase();
            while collapsed.contains("//") {
                collapsed = collapsed.replace("//", "/");
            }
            if names.contains(&collapsed) {
                out.push(
                    c::ZIP_DOUBLE_SLASH_COLLISION
                        .finding(format!(
                            "The entry {} has // in its name and lands on the same file as another entry when extracted.",
                            entry.path
                        ))
                        .at(entry.path.clone())
                        .with_server(c::ZIP_DOUBLE_SLASH_COLLISION.fill(&[&entry.path])),
                );
            }
        }
        if entry.path.contains("\\\\") {
            out.push(
                c::ZIP_DOUBLE_BACKSLASH
                    .finding(format!(
                        "The entry {} has a double backslash (\\\\) in its name.",
                        entry.path
                    ))
                    .at(entry.path.clone())
                    .with_server(c::ZIP_DOUBLE_BACKSLASH.fill(&[&entry.path])),
            );
        }
    }
    out
}

/// Why an entry name escapes the extraction folder once unescaped, as NuGet's
/// `PackageArchiveReader.ValidatePackageEntries` sees it.
pub fn unsafe_reason(name: &str) -> Option<&'static str> {
    nupub_package::escape_reason(&percent_decode(name))
}

fn unsafe_entries(package: &Package) -> Vec<Finding> {
    let name = package
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    package
        .entries()
        .iter()
        .filter_map(|e| unsafe_reason(&e.path).map(|why| (e, why)))
        .map(|(e, why)| {
            c::ZIP_UNSAFE_ENTRY
                .finding(format!("The entry {} is unsafe to extract: {why}.", e.path))
                .at(e.path.clone())
                .with_server(c::ZIP_UNSAFE_ENTRY.fill(&[&name, &e.path]))
        })
        .collect()
}

fn duplicates(package: &Package) -> Vec<Finding> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    let mut out = Vec::new();
    for entry in package.entries() {
        let key = normalize_path(&entry.path).to_lowercase();
        if let Some(first) = seen.get(&key) {
            out.push(
                c::ZIP_DUPLICATE_ENTRIES
                    .finding(format!(
                        "The files {first} and {} have the same name once letter case and slashes are ignored.",
                        entry.path
                    ))
                    .at(entry.path.clone()),
            );
        } else {
            seen.insert(key, &entry.path);
        }
    }
    out
}

fn multiple_nuspecs(package: &Package) -> Option<Finding> {
    let nuspecs: Vec<&str> = package
        .entries()
        .iter()
        .filter(|e| e.path.to_ascii_lowercase().ends_with(".nuspec"))
        .map(|e| e.path.as_str())
        .collect();
    (nuspecs.len() > 1).then(|| {
        c::NUSPEC_MULTIPLE_ANYWHERE
            .finding(format!(
                "The package holds {} .nuspec files: {}.",
                nuspecs.len(),
                nuspecs.join(", ")
            ))
            .at(nuspecs.get(1).copied().unwrap_or_default())
    })
}

fn too_many_entries(package: &Package) -> Option<Finding> {
    let count = package.entries().len();
    let limit = if package.is_signed() { 65_535 } else { 65_534 };
    (count >= limit).then(|| {
        c::ZIP_TOO_MANY_ENTRIES.finding(format!(
            "The package has {count} files and folders; nuget.org refuses {limit} or more."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;
    use std::io::{Read, Seek, SeekFrom, Write};

    #[test]
    fn future_timestamp() {
        let t = zip::DateTime::from_date_and_time(2099, 1, 1, 0, 0, 0).unwrap();
        let r = Builder::valid()
            .dated_file("content/late.txt", b"x", t)
            .check();
        expect(&r, "zip.future_timestamp", Error, Some("The package is invalid and cannot be published. One or more files, such as 'content/late.txt' have a date in the future."));
    }

    #[test]
    fn double_slash_collision_and_double_backslash() {
        let r = Builder::valid()
            .file("content//hello.txt", b"again")
            .check();
        expect(&r, "zip.double_slash_collision", Error, Some("The package is invalid and cannot be published. The package entry for 'content//hello.txt' has a  double forward slashes in path, which is causing a file name collision during extraction."));
        let r = Builder::valid()
            .file("content//other.txt", b"alone")
            .check();
        absent(&r, "zip.double_slash_collision");
        let r = Builder::valid().file("content\\\\x.txt", b"x").check();
        expect(&r, "zip.double_backslash", Error, Some("The package is invalid and cannot be published. The package entry for 'content\\\\x.txt' has a  double back slashes in path."));
    }

    #[test]
    fn unsafe_entries_after_unescaping() {
        let r = Builder::valid()
            .file("content/%2e%2e/%2e%2e/evil.txt", b"x")
            .check();
        let f = expect(&r, "zip.unsafe_entry", Error, Some("The package 'Nupub.Sample.1.0.0.nupkg' contains an entry 'content/%2e%2e/%2e%2e/evil.txt' which is unsafe for extraction."));
        assert!(f.message.contains("climbs out"));
        assert_eq!(unsafe_reason("a/../b"), None);
        assert!(unsafe_reason("%2Fetc/passwd").is_some());
        assert!(unsafe_reason("C%3a/x").is_some());
    }

    #[test]
    fn raw_unsafe_name_is_a_finding_not_a_crash() {
        let r = Builder::valid().file("../evil.txt", b"x").check();
        assert!(r.package.is_none());
        expect(&r, "zip.unsafe_entry", Error, None);
        assert!(r.has_errors());
    }

    #[test]
    fn duplicate_entries_case_insensitive() {
        let r = Builder::valid().file("content/Hello.txt", b"x").check();
        expect(
            &r,
            "zip.duplicate_entries",
            Error,
            Some("The package contains one or more duplicated files in the same folder."),
        );
        let r = Builder::valid().file("content\\hello.txt", b"x").check();
        expect(&r, "zip.duplicate_entries", Error, None);
    }

    #[test]
    fn second_nuspec_anywhere() {
        let r = Builder::valid()
            .file("content/other.nuspec", b"<package/>")
            .check();
        expect(&r, "nuspec.multiple_anywhere", Error, Some("The package contains multiple nuspec files. Please make sure only one nuspec file is present in the package."));
    }

    #[test]
    fn second_nuspec_at_the_root() {
        let r = Builder::valid().file("Other.nuspec", b"<package/>").check();
        expect(
            &r,
            "nuspec.multiple_root",
            Error,
            Some("Package contains multiple nuspec files."),
        );
    }

    #[test]
    fn no_nuspec() {
        let mut b = Builder::valid();
        b.nuspec_name = Some("content/x.txt".into());
        let r = b.check();
        expect(
            &r,
            "nuspec.missing",
            Error,
            Some("The package is missing the required nuspec file. "),
        );
    }

    #[test]
    fn zip64() {
        let mut b = Builder::valid();
        b.zip64 = true;
        let r = b.check();
        expect(
            &r,
            "zip.zip64",
            Error,
            Some("Zip64 packages are not supported."),
        );
        absent(&Builder::valid().check(), "zip.zip64");
    }

    #[test]
    fn too_many_entries() {
        let mut b = Builder::valid();
        for i in 0..65_534 {
            b.files.push((format!("c/{i}"), Vec::new(), None));
        }
        let r = b.check();
        expect(
            &r,
            "zip.too_many_entries",
            Error,
            Some("The package contains too many files and/or folders."),
        );
    }

    #[test]
    fn size_limit_is_250_mib() {
        assert!(size_limit(MAX_PACKAGE_BYTES).is_none());
        let f = size_limit(MAX_PACKAGE_BYTES + 1).unwrap();
        assert_eq!(f.code, "request.size_limit");
        assert_eq!(
            f.server_message.as_deref(),
            Some("The package file exceeds the size limit. Please try again.")
        );
        absent(&Builder::valid().check(), "request.size_limit");
    }

    /// Rewrites the uncompressed size of `name` in its central directory record
    /// and its local header (both agree, so the archive is not ambiguous; the
    /// data is just longer than declared).
    fn patch_sizes(path: &std::path::Path, name: &str, size: u32) {
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        let mut at = Vec::new();
        for i in 0..bytes.len() - 46 {
            let (sig, name_at, size_at) = match bytes[i..i + 4] {
                [0x50, 0x4b, 0x01, 0x02] => (28, 46, 24),
                [0x50, 0x4b, 0x03, 0x04] => (26, 30, 22),
                _ => continue,
            };
            let n = u16::from_le_bytes([bytes[i + sig], bytes[i + sig + 1]]) as usize;
            if bytes.get(i + name_at..i + name_at + n) == Some(name.as_bytes()) {
                at.push(i + size_at);
            }
        }
        assert_eq!(at.len(), 2, "{name}: {at:?}");
        let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        for at in at {
            f.seek(SeekFrom::Start(at as u64)).unwrap();
            f.write_all(&size.to_le_bytes()).unwrap();
        }
    }

    #[test]
    fn readme_length_differs_from_its_header() {
        let b = Builder::valid();
        let path = b.write();
        patch_sizes(&path, "README.md", 5);
        let r = crate::validate_file(
            &path,
            &crate::Options::for_target(crate::RuleTarget::NugetOrg),
        );
        expect(
            &r,
            "zip.length_mismatch",
            Error,
            Some("The package file is corrupt."),
        );
    }

    #[test]
    fn damaged_entry_is_found_by_the_crc_check() {
        let b = Builder::valid().file("content/big.txt", &[b'z'; 4096]);
        let path = b.write();
        let mut bytes = std::fs::read(&path).unwrap();
        // Flip a byte inside the deflated data of content/big.txt.
        let name_at = bytes
            .windows(15)
            .position(|w| w == b"content/big.txt")
            .unwrap();
        bytes[name_at + 15 + 2] ^= 0xFF;
        std::fs::write(&path, &bytes).unwrap();
        for target in crate::RuleTarget::ALL {
            let r = crate::validate_file(&path, &crate::Options::for_target(target));
            assert!(
                r.findings
                    .iter()
                    .any(|f| f.code == "zip.entry_corrupt" && f.severity == Error),
                "{target:?} {:#?}",
                r.findings
            );
        }
    }

    #[test]
    fn not_a_zip_and_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.nupkg");
        std::fs::write(&path, b"PK\x03\x04 but no more").unwrap();
        let r = crate::validate_file(
            &path,
            &crate::Options::for_target(crate::RuleTarget::NugetOrg),
        );
        assert!(r.package.is_none());
        expect(&r, "zip.unreadable", Error, Some("Failed to read the package file. Ensure it is a valid NuGet package with a valid manifest."));
        std::fs::write(&path, b"").unwrap();
        let r = crate::validate_file(&path, &crate::Options::for_target(crate::RuleTarget::Local));
        expect(&r, "zip.unreadable", Error, None);
    }
}
