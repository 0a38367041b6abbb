//! Hostile input: every kind gives a typed error with a plain message, never a panic.
#![allow(clippy::unwrap_used)]

use nupub_error::{is_valid_code, Coded};
use nupub_package::{Limits, Package, PackageError};
use std::path::{Path, PathBuf};

const NUSPEC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata><id>Hostile</id><version>1.0.0</version><authors>a</authors><description>d</description></metadata>
</package>"#;

/// A hand-made zip of stored entries, so tests can write what zip writers refuse
/// (duplicate names, lying sizes and CRCs). Each entry: (name, data, declared size, crc).
/// (name, data, declared size, declared CRC).
type RawEntry<'a> = (&'a str, &'a [u8], Option<u32>, Option<u32>);

fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, size, crc) in entries {
        let offset = out.len() as u32;
        let crc = crc.unwrap_or_else(|| crc32fast::hash(data));
        let size = size.unwrap_or(data.len() as u32);
        let mut header = Vec::new();
        header.extend(0x0403_4b50u32.to_le_bytes());
        header.extend([20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]); // version, flags, stored, time, date
        header.extend(crc.to_le_bytes());
        header.extend((data.len() as u32).to_le_bytes());
        header.extend(size.to_le_bytes());
        header.extend((name.len() as u16).to_le_bytes());
        header.extend(0u16.to_le_bytes());
        out.extend(&header);
        out.extend(name.as_bytes());
        out.extend(*data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        central.extend(crc.to_le_bytes());
        central.extend((data.len() as u32).to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend((name.len() as u16).to_le_bytes());
        central.extend([0u8; 12]);
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let count = entries.len() as u16;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn package_with_nuspec(dir: &Path, nuspec: &[u8]) -> PathBuf {
    write(
        dir,
        "p.nupkg",
        &raw_zip(&[("Hostile.nuspec", nuspec, None, None)]),
    )
}

/// Asserts a clean, coded error and returns it.
fn expect_err(result: Result<Package, PackageError>, code: &str) -> PackageError {
    let err = match result {
        Ok(p) => panic!("expected {code}, but {} opened", p.id()),
        Err(e) => e,
    };
    assert_eq!(err.code(), code, "{err}");
    assert!(is_valid_code(err.code()));
    assert!(err.hint().is_some_and(|h| !h.is_empty()));
    assert!(!err.to_string().is_empty());
    err
}

#[test]
fn the_raw_builder_makes_a_valid_package() {
    let dir = tempfile::tempdir().unwrap();
    let p = Package::open(&package_with_nuspec(dir.path(), NUSPEC.as_bytes())).unwrap();
    assert_eq!(p.id(), "Hostile");
    assert!(p.verify_integrity().unwrap().is_ok());
}

#[test]
fn missing_empty_directory_and_not_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    expect_err(
        Package::open(&dir.path().join("nope.nupkg")),
        "package.not_found",
    );
    expect_err(Package::open(dir.path()), "package.is_directory");
    let empty = write(dir.path(), "empty.nupkg", b"");
    let e = expect_err(Package::open(&empty), "package.empty");
    assert!(e.to_string().contains("empty.nupkg"));
    let text = write(dir.path(), "text.nupkg", b"this is not a zip file at all");
    expect_err(Package::open(&text), "package.not_a_zip");
    let file = write(dir.path(), "file", b"x");
    let under_file = file.join("child.nupkg");
    let e = Package::open(&under_file).unwrap_err();
    assert!(
        ["package.unreadable", "package.not_found"].contains(&e.code()),
        "{e}"
    );
}

#[test]
fn truncated_archive() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = raw_zip(&[("Hostile.nuspec", NUSPEC.as_bytes(), None, None)]);
    let cut = write(dir.path(), "cut.nupkg", &bytes[..bytes.len() - 30]);
    expect_err(Package::open(&cut), "package.not_a_zip");
}

#[test]
fn unsafe_entry_names() {
    let dir = tempfile::tempdir().unwrap();
    for (name, why) in [
        ("../evil.txt", ".."),
        ("lib/../../evil.txt", ".."),
        ("/etc/passwd", "absolute"),
        ("\\windows\\evil.dll", "absolute"),
        ("C:/evil.txt", "drive"),
        ("c:\\evil.txt", "drive"),
    ] {
        let p = write(
            dir.path(),
            "slip.nupkg",
            &raw_zip(&[
                ("Hostile.nuspec", NUSPEC.as_bytes(), None, None),
                (name, b"x", None, None),
            ]),
        );
        let e = expect_err(Package::open(&p), "package.unsafe_entry_name");
        assert!(e.to_string().contains(why), "{name}: {e}");
    }
    // NuGet resolves each name against its extraction folder: a `..` that
    // stays inside is accepted there, so the package opens here too.
    for name in ["lib/../content/a.txt", "lib/./b.txt", "a/b/../../c.txt"] {
        let p = write(
            dir.path(),
            "inside.nupkg",
            &raw_zip(&[
                ("Hostile.nuspec", NUSPEC.as_bytes(), None, None),
                (name, b"x", None, None),
            ]),
        );
        let package = Package::open(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(package.entries().iter().any(|e| e.path == name), "{name}");
    }
    for (name, why) in [("a/..", "folder itself"), ("a/../..", "..")] {
        assert!(
            nupub_package::escape_reason(name).is_some_and(|r| r.contains(why)),
            "{name}"
        );
    }
}

#[test]
fn duplicate_entry_names() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "dup.nupkg",
        &raw_zip(&[
            ("Hostile.nuspec", NUSPEC.as_bytes(), None, None),
            ("lib/a.dll", b"one", None, None),
            ("lib/a.dll", b"two", None, None),
        ]),
    );
    let e = expect_err(Package::open(&p), "package.duplicate_entry");
    assert!(e.to_string().contains("lib/a.dll"));
}

#[test]
fn entry_count_total_size_and_nuspec_size_limits() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..50).map(|i| format!("content/{i}.txt")).collect();
    let mut entries: Vec<RawEntry> = vec![("Hostile.nuspec", NUSPEC.as_bytes(), None, None)];
    entries.extend(names.iter().map(|n| (n.as_str(), &b"data"[..], None, None)));
    let p = write(dir.path(), "many.nupkg", &raw_zip(&entries));
    let limits = Limits {
        max_entries: 20,
        ..Limits::default()
    };
    expect_err(
        Package::open_with_limits(&p, &limits),
        "package.too_many_entries",
    );
    let limits = Limits {
        max_total_uncompressed: 100,
        ..Limits::default()
    };
    expect_err(Package::open_with_limits(&p, &limits), "package.too_large");
    let limits = Limits {
        max_nuspec_bytes: 64,
        ..Limits::default()
    };
    expect_err(
        Package::open_with_limits(&p, &limits),
        "package.nuspec_too_large",
    );
    assert!(Package::open(&p).is_ok());
}

#[test]
fn compression_ratio_bomb() {
    let dir = tempfile::tempdir().unwrap();
    // 100 bytes stored that claim to unpack to 100 MB: a stored entry's two
    // sizes must agree (readers use different ones), so it is refused for that.
    // The deflated bomb is in zip_layout.rs.
    let p = write(
        dir.path(),
        "bomb.nupkg",
        &raw_zip(&[
            ("Hostile.nuspec", NUSPEC.as_bytes(), None, None),
            ("lib/bomb.bin", &[0u8; 100], Some(100_000_000), None),
        ]),
    );
    let e = expect_err(Package::open(&p), "package.zip.stored_sizes");
    assert!(e.to_string().contains("lib/bomb.bin"), "{e}");
}

#[test]
fn lying_sizes_and_crcs_are_caught_when_read() {
    let dir = tempfile::tempdir().unwrap();
    // The nuspec's CRC is wrong: opening reads it, so opening fails naming it.
    let p = write(
        dir.path(),
        "crc.nupkg",
        &raw_zip(&[("Hostile.nuspec", NUSPEC.as_bytes(), None, Some(0xDEAD_BEEF))]),
    );
    let e = expect_err(Package::open(&p), "package.entry_corrupt");
    assert!(e.to_string().contains("Hostile.nuspec"), "{e}");
    // Another entry's CRC is wrong: opening works, the integrity check names it.
    let p = write(
        dir.path(),
        "crc2.nupkg",
        &raw_zip(&[
            ("Hostile.nuspec", NUSPEC.as_bytes(), None, None),
            ("lib/a.dll", b"abc", None, Some(1)),
        ]),
    );
    let pkg = Package::open(&p).unwrap();
    let report = pkg.verify_integrity().unwrap();
    assert_eq!(report.damaged.len(), 1);
    assert_eq!(report.damaged[0].path, "lib/a.dll");
    assert!(
        report.damaged[0].detail.contains("CRC"),
        "{:?}",
        report.damaged
    );
    // A stored entry that declares fewer bytes than it holds: readers would
    // read different bytes, so it is refused when opened (deflated entries
    // whose data is longer than declared are in zip_layout.rs).
    let p = write(
        dir.path(),
        "size.nupkg",
        &raw_zip(&[
            ("Hostile.nuspec", NUSPEC.as_bytes(), None, None),
            ("lib/a.dll", b"abcdef", Some(2), None),
        ]),
    );
    expect_err(Package::open(&p), "package.zip.stored_sizes");
}

#[test]
fn no_nuspec_or_two() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "none.nupkg",
        &raw_zip(&[
            ("lib/a.dll", b"x", None, None),
            ("sub/x.nuspec", b"x", None, None),
        ]),
    );
    expect_err(Package::open(&p), "package.no_nuspec");
    let p = write(
        dir.path(),
        "two.nupkg",
        &raw_zip(&[
            ("a.nuspec", NUSPEC.as_bytes(), None, None),
            ("b.NUSPEC", NUSPEC.as_bytes(), None, None),
        ]),
    );
    let e = expect_err(Package::open(&p), "package.multiple_nuspecs");
    assert!(e.to_string().contains("b.NUSPEC"));
}

#[test]
fn dtd_and_entity_expansion_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<package><metadata><id>&lol2;</id><version>1.0.0</version></metadata></package>"#;
    expect_err(
        Package::open(&package_with_nuspec(dir.path(), laughs.as_bytes())),
        "package.nuspec_dtd",
    );
    let external =
        r#"<?xml version="1.0"?><!DOCTYPE package SYSTEM "file:///etc/passwd"><package/>"#;
    expect_err(
        Package::open(&package_with_nuspec(dir.path(), external.as_bytes())),
        "package.nuspec_dtd",
    );
    let undefined =
        r#"<package><metadata><id>&xxe;</id><version>1.0.0</version></metadata></package>"#;
    let e = expect_err(
        Package::open(&package_with_nuspec(dir.path(), undefined.as_bytes())),
        "package.nuspec_xml",
    );
    assert!(e.to_string().contains("xxe"), "{e}");
}

#[test]
fn deep_nesting() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "<package><metadata><id>x</id><version>1.0.0</version>{}{}</metadata></package>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    expect_err(
        Package::open(&package_with_nuspec(dir.path(), deep.as_bytes())),
        "package.nuspec_too_deep",
    );
}

#[test]
fn invalid_utf8_and_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = NUSPEC.as_bytes().to_vec();
    bad.splice(120..120, [0xC3, 0x28, 0xFF]);
    let e = expect_err(
        Package::open(&package_with_nuspec(dir.path(), &bad)),
        "package.nuspec_encoding",
    );
    assert!(e.to_string().contains("Hostile.nuspec"));
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(NUSPEC.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    expect_err(
        Package::open(&package_with_nuspec(dir.path(), &utf16)),
        "package.nuspec_encoding",
    );
}

#[test]
fn broken_xml_and_missing_fields() {
    let dir = tempfile::tempdir().unwrap();
    for (xml, code) in [
        ("<package><metadata><id>x</id>", "package.nuspec_xml"),
        (
            "<package><metadata><id>x</wrong></metadata></package>",
            "package.nuspec_xml",
        ),
        ("", "package.nuspec_xml"),
        ("<package></package>", "package.nuspec_no_metadata"),
        ("<other><metadata/></other>", "package.nuspec_no_metadata"),
        (
            "<package><metadata><version>1.0</version></metadata></package>",
            "package.missing_field",
        ),
        (
            "<package><metadata><id> </id><version>1.0</version></metadata></package>",
            "package.missing_field",
        ),
        (
            "<package><metadata><id>x</id></metadata></package>",
            "package.missing_field",
        ),
        (
            "<package><metadata><id>x</id><version>1.0.0.0.0</version></metadata></package>",
            "package.invalid_version",
        ),
        (
            "<package><metadata><id>x</id><version>banana</version></metadata></package>",
            "package.invalid_version",
        ),
        (
            "<package><metadata><id>x</id><version>1.0</version></metadata></package><second/>",
            "package.nuspec_xml",
        ),
    ] {
        expect_err(
            Package::open(&package_with_nuspec(dir.path(), xml.as_bytes())),
            code,
        );
    }
}

#[test]
fn random_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let good = raw_zip(&[
        ("Hostile.nuspec", NUSPEC.as_bytes(), None, None),
        ("lib/net45/a.dll", b"0123456789", None, None),
    ]);
    // Flip each byte in turn: every outcome is Ok or a coded error.
    let mut state: u32 = 12345;
    for i in 0..good.len() {
        let mut bytes = good.clone();
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bytes[i] ^= (state >> 16) as u8 | 1;
        let p = write(dir.path(), "flip.nupkg", &bytes);
        match Package::open(&p) {
            Ok(pkg) => {
                let _ = pkg.verify_integrity();
                let _ = pkg.inspect();
            }
            Err(e) => assert!(is_valid_code(e.code())),
        }
    }
}
