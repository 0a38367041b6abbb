//! Zip oracles: archives for every class of reader disagreement in
//! `shared/spec/zip-reading.md` §8 (generated, and mutations of the real
//! fixtures). For each, Python's `zipfile` and Info-ZIP `unzip` are run as
//! independent readers. Nupub must either read the identity and file list the
//! .NET rules predict — and then both oracles must read exactly the same — or
//! refuse with the expected code. NuGet.exe under Mono (its own `ZipArchive`)
//! is the third oracle: every package Nupub accepts must go through
//! `nuget.exe add`, and the glued archive of issue 13 must fail there.
#![allow(clippy::unwrap_used)]

use nupub_error::Coded;
use nupub_package::Package;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---- A zip writer with knobs, so tests can write what zip writers refuse ----

#[derive(Clone)]
struct Spec {
    name: Vec<u8>,
    data: Vec<u8>,
    /// 0 stored, 8 deflate.
    method: u16,
    flags: u16,
    cd_extra: Vec<u8>,
    /// Local-header overrides.
    lh_name: Option<Vec<u8>>,
    lh_method: Option<u16>,
    lh_flags: Option<u16>,
    /// Uncompressed size written in both headers instead of the real one.
    declared_size: Option<u32>,
    /// Write a data descriptor (flag bit 3, zeros in the local header); `Some(delta)`
    /// adds `delta` to the CRC it repeats.
    descriptor: Option<u32>,
}

fn spec(name: &str, data: &[u8]) -> Spec {
    Spec {
        name: name.as_bytes().to_vec(),
        data: data.to_vec(),
        method: 8,
        flags: 0,
        cd_extra: Vec::new(),
        lh_name: None,
        lh_method: None,
        lh_flags: None,
        declared_size: None,
        descriptor: None,
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn build(entries: &[Spec]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for e in entries {
        let packed = if e.method == 8 {
            deflate(&e.data)
        } else {
            e.data.clone()
        };
        let crc = crc32fast::hash(&e.data);
        let size = e.declared_size.unwrap_or(e.data.len() as u32);
        let flags = e.flags | if e.descriptor.is_some() { 8 } else { 0 };
        let offset = out.len() as u32;
        let lh_name = e.lh_name.clone().unwrap_or(e.name.clone());
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes());
        out.extend(e.lh_flags.unwrap_or(flags).to_le_bytes());
        out.extend(e.lh_method.unwrap_or(e.method).to_le_bytes());
        out.extend([0, 0, 0x21, 0x58]); // 2024-01-01 00:00
        let (c, p, s) = if e.descriptor.is_some() {
            (0, 0, 0)
        } else {
            (crc, packed.len() as u32, size)
        };
        out.extend(c.to_le_bytes());
        out.extend(p.to_le_bytes());
        out.extend(s.to_le_bytes());
        out.extend((lh_name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(&lh_name);
        out.extend(&packed);
        if let Some(delta) = e.descriptor {
            out.extend(0x0807_4b50u32.to_le_bytes());
            out.extend(crc.wrapping_add(delta).to_le_bytes());
            out.extend((packed.len() as u32).to_le_bytes());
            out.extend(size.to_le_bytes());
        }
        cd.extend(0x0201_4b50u32.to_le_bytes());
        cd.extend([20, 3, 20, 0]);
        cd.extend(flags.to_le_bytes());
        cd.extend(e.method.to_le_bytes());
        cd.extend([0, 0, 0x21, 0x58]);
        cd.extend(crc.to_le_bytes());
        cd.extend((packed.len() as u32).to_le_bytes());
        cd.extend(size.to_le_bytes());
        cd.extend((e.name.len() as u16).to_le_bytes());
        cd.extend((e.cd_extra.len() as u16).to_le_bytes());
        cd.extend([0u8; 6]); // comment length, disk, internal attributes
        cd.extend(0o100644u32.wrapping_shl(16).to_le_bytes());
        cd.extend(offset.to_le_bytes());
        cd.extend(&e.name);
        cd.extend(&e.cd_extra);
    }
    let cd_offset = out.len() as u32;
    out.extend(&cd);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((cd.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn nuspec(id: &str, version: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?><package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata><id>{id}</id><version>{version}</version><authors>Nupub</authors><description>Zip oracle case</description></metadata></package>"
    )
    .into_bytes()
}

/// The demo package of issue 13: a nuspec, a text file and a stored binary.
fn demo(id: &str, version: &str) -> Vec<Spec> {
    let mut dll = spec("lib/net45/Demo.dll", &[0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]);
    dll.method = 0;
    vec![
        spec(&format!("{id}.nuspec"), &nuspec(id, version)),
        spec(
            "content/hello.txt",
            &b"Hello from the zip oracle tests\n".repeat(20),
        ),
        dll,
    ]
}

// ---- Byte-level mutations that work on any zip (real fixtures included) ----

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn eocd(b: &[u8]) -> usize {
    (0..=b.len() - 22)
        .rev()
        .find(|&i| b[i..i + 4] == [0x50, 0x4b, 5, 6])
        .unwrap()
}

/// Central-directory records: (position, name, local header offset).
fn records(b: &[u8]) -> Vec<(usize, Vec<u8>, usize)> {
    records_moved(b, 0)
}

/// Adds `by` to every local-header offset and to the directory offset (what `zip -A` does).
fn shift_offsets(b: &mut [u8], by: u32) {
    let e = eocd(b);
    for (at, _, _) in records(b) {
        let v = le32(b, at + 42);
        put32(b, at + 42, v + by);
    }
    let v = le32(b, e + 16);
    put32(b, e + 16, v + by);
}

fn prepend(b: &[u8], stub: &[u8], adjust: bool) -> Vec<u8> {
    let mut out = stub.to_vec();
    out.extend(b);
    if adjust {
        let mut tail = out.split_off(stub.len());
        shift_offsets(&mut tail, stub.len() as u32);
        out.extend(tail);
    }
    out
}

fn append(b: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut out = b.to_vec();
    out.extend(tail);
    out
}

/// Sets the archive comment: `declared` bytes claimed, `bytes` written.
fn comment(b: &[u8], declared: u16, bytes: &[u8]) -> Vec<u8> {
    let mut out = b.to_vec();
    let e = eocd(&out);
    out.truncate(e + 22);
    put16(&mut out, e + 20, declared);
    out.extend(bytes);
    out
}

/// The central record and local header of the entry whose name ends with `suffix`.
fn entry_at(b: &[u8], suffix: &str) -> (usize, usize) {
    let (cd, _, lh) = records(b)
        .into_iter()
        .find(|(_, n, _)| n.ends_with(suffix.as_bytes()))
        .unwrap_or_else(|| panic!("no entry ending in {suffix}"));
    (cd, lh)
}

fn patch(b: &[u8], f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = b.to_vec();
    f(&mut out);
    out
}

/// Sets 16-bit fields of the end record: (offset in the record, value).
fn end16(b: &[u8], fields: &[(usize, u16)]) -> Vec<u8> {
    patch(b, |b| {
        let e = eocd(b);
        for (at, v) in fields {
            put16(b, e + at, *v);
        }
    })
}

/// Adds `delta` to the 32-bit field at `at` of the end record.
fn end32_add(b: &[u8], at: usize, delta: i32) -> Vec<u8> {
    patch(b, |b| {
        let e = eocd(b);
        let v = le32(b, e + at);
        put32(b, e + at, v.wrapping_add_signed(delta));
    })
}

/// Changes the local header (at its offset) of the entry whose name ends with `suffix`.
fn local(b: &[u8], suffix: &str, f: impl FnOnce(&mut Vec<u8>, usize)) -> Vec<u8> {
    patch(b, |b| {
        let (_, lh) = entry_at(b, suffix);
        f(b, lh)
    })
}

/// The demo package with some entries changed.
fn demo_with(f: impl FnOnce(&mut Vec<Spec>)) -> Vec<u8> {
    let mut d = demo("Demo.Pkg", "1.2.3");
    f(&mut d);
    build(&d)
}

/// Inserts `junk` right before the local header at `at`, fixing every offset after it.
fn insert_before_entry(b: &[u8], at: usize, junk: &[u8]) -> Vec<u8> {
    let mut out = b[..at].to_vec();
    out.extend(junk);
    out.extend(&b[at..]);
    let e = eocd(&out);
    for (cd, _, lh) in records_moved(&out, junk.len()) {
        if lh >= at {
            put32(&mut out, cd + 42, (lh + junk.len()) as u32);
        }
    }
    let v = le32(&out, e + 16);
    put32(&mut out, e + 16, v + junk.len() as u32);
    out
}

/// `records` for a file whose directory has moved `by` bytes but whose end record was not yet fixed.
fn records_moved(b: &[u8], by: usize) -> Vec<(usize, Vec<u8>, usize)> {
    let e = eocd(b);
    let mut at = le32(b, e + 16) as usize + by;
    let mut out = Vec::new();
    for _ in 0..le16(b, e + 10) {
        let n = le16(b, at + 28) as usize;
        let len = 46 + n + le16(b, at + 30) as usize + le16(b, at + 32) as usize;
        out.push((
            at,
            b[at + 46..at + 46 + n].to_vec(),
            le32(b, at + 42) as usize,
        ));
        at += len;
    }
    out
}

/// Adds a Zip64 end record and locator before the end record; `entries_delta`
/// makes the Zip64 record disagree with the 32-bit one.
fn with_zip64_records(b: &[u8], entries_delta: u64) -> Vec<u8> {
    let e = eocd(b);
    let mut out = b[..e].to_vec();
    let record_at = out.len() as u64;
    let entries = u64::from(le16(b, e + 10));
    out.extend(0x0606_4b50u32.to_le_bytes());
    out.extend(44u64.to_le_bytes());
    out.extend([45, 0, 45, 0]);
    out.extend([0u8; 8]);
    out.extend((entries + entries_delta).to_le_bytes());
    out.extend((entries + entries_delta).to_le_bytes());
    out.extend(u64::from(le32(b, e + 12)).to_le_bytes());
    out.extend(u64::from(le32(b, e + 16)).to_le_bytes());
    out.extend(0x0706_4b50u32.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.extend(record_at.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    out.extend(&b[e..]);
    out
}

// ---- The oracles ----

#[derive(Debug, PartialEq, Eq)]
struct Reading {
    names: Vec<String>,
    id: String,
    version: String,
}

const PY_READER: &str = r#"
import json, re, sys, zipfile
out = {}
try:
    with zipfile.ZipFile(sys.argv[1]) as z:
        names = z.namelist()
        out["names"] = names
        roots = [n for n in names if "/" not in n and "\\" not in n and n.lower().endswith(".nuspec")]
        if len(roots) != 1:
            raise Exception("root nuspecs: %r" % roots)
        text = z.read(roots[0]).decode("utf-8")
        z.testzip()
        out["id"] = re.search(r"<id>(.*?)</id>", text).group(1).strip()
        out["version"] = re.search(r"<version>(.*?)</version>", text).group(1).strip()
except Exception as e:
    out["error"] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out))
"#;

fn python(path: &Path) -> Result<Reading, String> {
    let out = Command::new("python3")
        .args(["-c", PY_READER])
        .arg(path)
        .output()
        .expect("python3 runs (the test peers need it too)");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("python printed no JSON ({e}): {out:?}"));
    if let Some(err) = v.get("error") {
        return Err(err.as_str().unwrap_or_default().to_string());
    }
    let s = |k: &str| v[k].as_str().unwrap().to_string();
    Ok(Reading {
        names: v["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect(),
        id: s("id"),
        version: s("version"),
    })
}

fn find_tag(text: &str, tag: &str) -> Option<String> {
    let start = text.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = start + text.get(start..)?.find(&format!("</{tag}>"))?;
    Some(text.get(start..end)?.trim().to_string())
}

/// `unzip -l` for the file list (any warning counts as a different reading),
/// `unzip -p` for the nuspec.
fn unzip(path: &Path) -> Result<Reading, String> {
    let list = Command::new("unzip")
        .arg("-l")
        .arg(path)
        .output()
        .expect("unzip runs");
    let text = String::from_utf8_lossy(&list.stdout).into_owned();
    if !list.status.success() {
        return Err(format!(
            "unzip -l exit {:?}: {text}{}",
            list.status.code(),
            String::from_utf8_lossy(&list.stderr)
        ));
    }
    let lines: Vec<&str> = text.lines().collect();
    let dashes: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("---------"))
        .map(|(i, _)| i)
        .collect();
    let [first, last] = dashes[..] else {
        return Err(format!("unexpected unzip -l output: {text}"));
    };
    let names: Vec<String> = lines[first + 1..last]
        .iter()
        .map(|l| {
            let mut rest = l.trim_start();
            for _ in 0..3 {
                let cut = rest.find(char::is_whitespace).unwrap_or(rest.len());
                rest = rest[cut..].trim_start();
            }
            rest.to_string()
        })
        .collect();
    let roots: Vec<&String> = names
        .iter()
        .filter(|n| !n.contains('/') && !n.contains('\\') && n.to_lowercase().ends_with(".nuspec"))
        .collect();
    let [root] = roots[..] else {
        return Err(format!("root nuspecs: {roots:?}"));
    };
    let p = Command::new("unzip")
        .arg("-p")
        .arg(path)
        .arg(root)
        .output()
        .expect("unzip runs");
    if !p.status.success() {
        return Err(format!("unzip -p exit {:?}", p.status.code()));
    }
    let nuspec = String::from_utf8_lossy(&p.stdout).into_owned();
    Ok(Reading {
        id: find_tag(&nuspec, "id").ok_or("no <id>")?,
        version: find_tag(&nuspec, "version").ok_or("no <version>")?,
        names,
    })
}

/// What .NET's rules predict for a case.
#[derive(Debug, Clone)]
enum Expect {
    /// Read with this identity; the file list is the central directory's names.
    Read(&'static str, &'static str),
    /// Refused with this code.
    Refuse(&'static str),
}

struct Case {
    name: String,
    bytes: Vec<u8>,
    expect: Expect,
}

fn case(name: impl Into<String>, bytes: Vec<u8>, expect: Expect) -> Case {
    Case {
        name: name.into(),
        bytes,
        expect,
    }
}

/// The central directory's names as .NET lists them (stored order, duplicates kept).
fn dotnet_names(b: &[u8]) -> Vec<String> {
    records(b)
        .into_iter()
        .map(|(_, n, _)| String::from_utf8(n).unwrap())
        .collect()
}

fn generated_cases() -> Vec<Case> {
    use Expect::*;
    let base = build(&demo("Demo.Pkg", "1.2.3"));
    let other = build(&demo("Other.Pkg", "9.9.9"));
    let mut cases = vec![
        case("plain", base.clone(), Read("Demo.Pkg", "1.2.3")),
        case(
            "comment that ends at the end",
            comment(&base, 12, b"built by me!"),
            Read("Demo.Pkg", "1.2.3"),
        ),
        case(
            "data descriptors that agree",
            build(
                &demo("Demo.Pkg", "1.2.3")
                    .into_iter()
                    .map(|mut s| {
                        s.descriptor = Some(0);
                        s
                    })
                    .collect::<Vec<_>>(),
            ),
            Read("Demo.Pkg", "1.2.3"),
        ),
        case(
            "UTF-8 flagged non-ASCII name",
            demo_with(|d| {
                let mut s = spec("content/café.txt", b"x");
                s.flags = 0x800;
                d.push(s);
            }),
            Read("Demo.Pkg", "1.2.3"),
        ),
        case(
            "Zip64 records that repeat the 32-bit values",
            with_zip64_records(&base, 0),
            Read("Demo.Pkg", "1.2.3"),
        ),
        case(
            "stub in front, offsets not adjusted",
            prepend(&base, b"MZ\x90\0 a self-extractor stub", false),
            Refuse("package.zip.prepended_data"),
        ),
        case(
            "stub in front, offsets adjusted (zip -A)",
            prepend(&base, b"MZ\x90\0 a self-extractor stub", true),
            Refuse("package.zip.prepended_data"),
        ),
        case(
            "two archives glued, the second with its own offsets",
            append(&other, &base),
            Refuse("package.zip.prepended_data"),
        ),
        case(
            "two archives glued, the second with offsets past the first",
            {
                let mut b = base.clone();
                shift_offsets(&mut b, other.len() as u32);
                append(&other, &b)
            },
            Refuse("package.zip.prepended_data"),
        ),
        case(
            "trailing bytes",
            append(&base, b"appended after the archive"),
            Refuse("package.zip.trailing_data"),
        ),
        case(
            "trailing bytes beyond 64 KiB",
            append(&base, &vec![b'x'; 70_000]),
            // No reader finds an end record this far back (§8 row 13).
            Refuse("package.not_a_zip"),
        ),
        case(
            "a second end record after the first",
            {
                let e = eocd(&base);
                append(&base, &base[e..])
            },
            Refuse("package.zip.directory_size"),
        ),
        case(
            "comment longer than the file",
            comment(&base, 40, b"short"),
            Refuse("package.zip.comment_past_end"),
        ),
        case(
            "comment shorter than what follows",
            comment(&base, 2, b"longer than two"),
            Refuse("package.zip.trailing_data"),
        ),
        case(
            "end-record signature inside the comment",
            comment(&base, 8, b"abPK\x05\x06cd"),
            Refuse("package.zip.second_end_record"),
        ),
        case(
            "directory size too large",
            end32_add(&base, 12, 1),
            Refuse("package.zip.directory_size"),
        ),
        case(
            "directory size too small",
            end32_add(&base, 12, -1),
            Refuse("package.zip.directory_size"),
        ),
        case(
            "entry count one too many",
            end16(&base, &[(8, 4), (10, 4)]),
            Refuse("package.zip.entry_count"),
        ),
        case(
            "entry count one too few",
            end16(&base, &[(8, 2), (10, 2)]),
            Refuse("package.zip.entry_count"),
        ),
        case(
            "split-archive disk numbers",
            end16(&base, &[(4, 1), (6, 1)]),
            Refuse("package.zip.split_archive"),
        ),
        case(
            "local header names another file",
            demo_with(|d| {
                d[1].lh_name = Some(b"content/evil.txt".to_vec());
            }),
            Refuse("package.zip.local_header"),
        ),
        case(
            "local header names another nuspec",
            demo_with(|d| {
                d[0].lh_name = Some(b"Evil.Pkg.nuspec".to_vec());
            }),
            Refuse("package.zip.local_header"),
        ),
        case(
            "local header says stored, directory deflate",
            demo_with(|d| {
                d[1].lh_method = Some(0);
            }),
            Refuse("package.zip.local_header"),
        ),
        case(
            "local header flags differ",
            demo_with(|d| {
                d[1].lh_flags = Some(0x800);
            }),
            Refuse("package.zip.local_header"),
        ),
        case(
            "local header sizes differ",
            local(&base, "hello.txt", |b, lh| {
                let v = le32(b, lh + 22);
                put32(b, lh + 22, v + 7);
            }),
            Refuse("package.zip.local_header"),
        ),
        case(
            "local header CRC differs",
            local(&base, "Demo.dll", |b, lh| {
                let v = le32(b, lh + 14);
                put32(b, lh + 14, v ^ 1);
            }),
            Refuse("package.zip.local_header"),
        ),
        case(
            "data descriptor disagrees",
            demo_with(|d| {
                d[1].descriptor = Some(1);
            }),
            Refuse("package.zip.data_descriptor"),
        ),
        case(
            "stored entry with two sizes",
            demo_with(|d| {
                d[2].declared_size = Some(4);
            }),
            Refuse("package.zip.stored_sizes"),
        ),
        case(
            "duplicate names",
            demo_with(|d| {
                d.push(spec("content/hello.txt", b"second copy"));
            }),
            Refuse("package.duplicate_entry"),
        ),
        case(
            "duplicate nuspec with another identity",
            demo_with(|d| {
                d.push(spec("Demo.Pkg.nuspec", &nuspec("Evil.Pkg", "6.6.6")));
            }),
            Refuse("package.duplicate_entry"),
        ),
        case(
            "non-ASCII name without the UTF-8 flag",
            demo_with(|d| {
                d.push(spec("content/café.txt", b"x"));
            }),
            Refuse("package.zip.name_encoding"),
        ),
        case(
            "UTF-8 flag on invalid UTF-8",
            demo_with(|d| {
                let mut s = spec("content/x.txt", b"x");
                s.name = b"content/\xff\xfe.txt".to_vec();
                s.flags = 0x800;
                d.push(s);
            }),
            Refuse("package.zip.name_encoding"),
        ),
        case(
            "Unicode Path extra field naming another file",
            demo_with(|d| {
                let target = b"content/other.txt";
                let mut extra = 0x7075u16.to_le_bytes().to_vec();
                extra.extend(((5 + target.len()) as u16).to_le_bytes());
                extra.push(1);
                extra.extend(crc32fast::hash(b"content/hello.txt").to_le_bytes());
                extra.extend(target);
                d[1].cd_extra = extra;
            }),
            Refuse("package.zip.name_encoding"),
        ),
        case(
            "extra field running past its end",
            demo_with(|d| {
                d[1].cd_extra = vec![0x0a, 0, 0x20, 0, 1, 2, 3];
            }),
            Refuse("package.zip.malformed_extra"),
        ),
        case(
            "Zip64 record with another entry count",
            with_zip64_records(&base, 1),
            Refuse("package.zip.zip64"),
        ),
        case(
            "Zip64 extra field of the wrong size",
            demo_with(|d| {
                d[2].declared_size = Some(u32::MAX);
                d[2].method = 8;
                let mut extra = 1u16.to_le_bytes().to_vec();
                extra.extend(16u16.to_le_bytes());
                extra.extend(8u64.to_le_bytes());
                extra.extend(8u64.to_le_bytes());
                d[2].cd_extra = extra;
            }),
            Refuse("package.zip.zip64"),
        ),
        case(
            "hidden bytes between entries",
            {
                let (_, lh) = entry_at(&base, "Demo.dll");
                insert_before_entry(&base, lh, b"hidden bytes")
            },
            Refuse("package.zip.hidden_data"),
        ),
        case(
            "hidden local entry between entries",
            {
                let (_, lh) = entry_at(&base, "Demo.dll");
                let hidden = build(&[spec("Evil.Pkg.nuspec", &nuspec("Evil.Pkg", "6.6.6"))]);
                let (cd, _) = entry_at(&hidden, "nuspec");
                insert_before_entry(&base, lh, &hidden[..cd])
            },
            Refuse("package.zip.hidden_data"),
        ),
        case(
            "two records share one entry",
            patch(&base, |b| {
                let (cd, _) = entry_at(b, "Demo.dll");
                let (_, lh) = entry_at(b, "hello.txt");
                put32(b, cd + 42, lh as u32);
            }),
            Refuse("package.zip.local_header"),
        ),
        case(
            "NUL in a name",
            demo_with(|d| {
                d.push(spec("content/a\0.exe", b"x"));
            }),
            Refuse("package.unsafe_entry_name"),
        ),
    ];
    // Every mutation again on real packages.
    for fixture in [
        "PackageWithContentFile.1.0.nupkg",
        "SignedPackage.1.0.0.nupkg",
        "PreReleaseTestPackage.1.0.0-a.nupkg",
        "jQuery.2.0.2.nupkg",
    ] {
        let real = std::fs::read(nupub_fixtures::fixture(fixture)).unwrap();
        let p = Package::open(&nupub_fixtures::fixture(fixture)).unwrap();
        let id: &'static str = Box::leak(p.id().to_string().into_boxed_str());
        let version: &'static str = Box::leak(
            p.nuspec()
                .version
                .clone()
                .unwrap()
                .trim()
                .to_string()
                .into_boxed_str(),
        );
        let first_file = records(&real)
            .into_iter()
            .map(|(_, n, _)| String::from_utf8(n).unwrap())
            .find(|n| !n.ends_with(".nuspec") && !n.ends_with('/'))
            .unwrap();
        let nuspec_name = records(&real)
            .into_iter()
            .map(|(_, n, _)| String::from_utf8(n).unwrap())
            .find(|n| n.ends_with(".nuspec"))
            .unwrap();
        let named = |what: &str| format!("{fixture}: {what}");
        cases.extend([
            case(named("as published"), real.clone(), Read(id, version)),
            case(
                named("with a comment"),
                comment(&real, 5, b"hello"),
                Read(id, version),
            ),
            case(
                named("stub in front"),
                prepend(&real, b"#!/bin/sh\nexit 0\n", false),
                Refuse("package.zip.prepended_data"),
            ),
            case(
                named("stub in front, adjusted"),
                prepend(&real, b"#!/bin/sh\nexit 0\n", true),
                Refuse("package.zip.prepended_data"),
            ),
            case(
                named("glued after the demo package"),
                append(&base, &real),
                Refuse("package.zip.prepended_data"),
            ),
            case(
                named("demo package glued after it"),
                append(&real, &base),
                Refuse("package.zip.prepended_data"),
            ),
            case(
                named("trailing bytes"),
                append(&real, &[0u8; 100]),
                Refuse("package.zip.trailing_data"),
            ),
            case(
                named("comment past the end"),
                comment(&real, 300, b"cut"),
                Refuse("package.zip.comment_past_end"),
            ),
            case(
                named("directory size off by one"),
                end32_add(&real, 12, 1),
                Refuse("package.zip.directory_size"),
            ),
            case(
                named("entry count off by one"),
                patch(&real, |b| {
                    let e = eocd(b);
                    let v = le16(b, e + 10);
                    put16(b, e + 8, v + 1);
                    put16(b, e + 10, v + 1);
                }),
                Refuse("package.zip.entry_count"),
            ),
            case(
                named("local header renames a file"),
                local(&real, &first_file, |b, lh| {
                    let n = le16(b, lh + 26) as usize;
                    b[lh + 30 + n - 1] ^= 0x20;
                }),
                Refuse("package.zip.local_header"),
            ),
            case(
                named("local header renames the nuspec"),
                local(&real, &nuspec_name, |b, lh| {
                    b[lh + 30] ^= 0x01;
                }),
                Refuse("package.zip.local_header"),
            ),
            case(
                named("local header method flipped"),
                local(&real, &first_file, |b, lh| {
                    let m = le16(b, lh + 8);
                    put16(b, lh + 8, if m == 8 { 0 } else { 8 });
                }),
                Refuse("package.zip.local_header"),
            ),
            case(
                named("local header size changed"),
                local(&real, &first_file, |b, lh| {
                    let v = le32(b, lh + 18);
                    put32(b, lh + 18, v + 1);
                }),
                Refuse("package.zip.local_header"),
            ),
            case(
                named("hidden bytes before the directory"),
                patch(&real, |b| {
                    let e = eocd(b);
                    let cd = le32(b, e + 16) as usize;
                    let mut out = b[..cd].to_vec();
                    out.extend(b"PK\x03\x04 hidden");
                    out.extend(&b[cd..]);
                    let e = eocd(&out);
                    put32(&mut out, e + 16, (cd + 11) as u32);
                    *b = out;
                }),
                Refuse("package.zip.hidden_data"),
            ),
            case(
                named("Zip64 records with another count"),
                with_zip64_records(&real, 2),
                Refuse("package.zip.zip64"),
            ),
        ]);
    }
    cases
}

fn real_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(nupub_fixtures::fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".nupkg") || name.ends_with(".snupkg")) {
            continue;
        }
        let p = Package::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let id: &'static str = Box::leak(p.id().to_string().into_boxed_str());
        let version: &'static str = Box::leak(
            p.nuspec()
                .version
                .clone()
                .unwrap()
                .trim()
                .to_string()
                .into_boxed_str(),
        );
        out.push(case(
            format!("real {name}"),
            std::fs::read(&path).unwrap(),
            Expect::Read(id, version),
        ));
    }
    out
}

fn write_case(dir: &Path, i: usize, c: &Case) -> PathBuf {
    let path = dir.join(format!("case{i}.nupkg"));
    std::fs::write(&path, &c.bytes).unwrap();
    path
}

/// Checks one case against Nupub and both oracles; returns the failures.
fn check(dir: &Path, i: usize, c: &Case) -> Vec<String> {
    let path = write_case(dir, i, c);
    let before = std::fs::read(&path).unwrap();
    let nupub = Package::open(&path);
    assert_eq!(
        before,
        std::fs::read(&path).unwrap(),
        "{}: file changed",
        c.name
    );
    let mut failures = Vec::new();
    match (&c.expect, nupub) {
        (Expect::Read(id, version), Ok(p)) => {
            let names = dotnet_names(&c.bytes);
            let mine = Reading {
                names: p.entries().iter().map(|e| e.path.clone()).collect(),
                id: p.id().to_string(),
                version: p
                    .nuspec()
                    .version
                    .clone()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            let predicted = Reading {
                names,
                id: id.to_string(),
                version: version.to_string(),
            };
            if mine != predicted {
                failures.push(format!(
                    "{}: Nupub read {mine:?}, .NET reads {predicted:?}",
                    c.name
                ));
            }
            match python(&path) {
                Ok(r) if r == predicted => {}
                other => failures.push(format!(
                    "{}: Nupub accepted it but Python's zipfile read {other:?}",
                    c.name
                )),
            }
            match unzip(&path) {
                Ok(r) if r == predicted => {}
                other => failures.push(format!(
                    "{}: Nupub accepted it but unzip read {other:?}",
                    c.name
                )),
            }
        }
        (Expect::Read(..), Err(e)) => failures.push(format!(
            "{}: expected to read it, Nupub refused: {e}",
            c.name
        )),
        (Expect::Refuse(code), Ok(p)) => failures.push(format!(
            "{}: expected {code}, Nupub read {} {}",
            c.name,
            p.id(),
            p.version()
        )),
        (Expect::Refuse(code), Err(e)) => {
            if e.code() != *code {
                failures.push(format!(
                    "{}: expected {code}, got {} ({e})",
                    c.name,
                    e.code()
                ));
            }
            let info = e.info();
            if info.hint.is_none() || info.message.len() < 40 {
                failures.push(format!(
                    "{}: the refusal does not explain itself: {info:?}",
                    c.name
                ));
            }
            if code.starts_with("package.zip.") && !info.message.contains("disagree") {
                failures.push(format!(
                    "{}: the message does not say why it is unsafe: {}",
                    c.name, info.message
                ));
            }
        }
    }
    failures
}

#[test]
fn every_disagreement_class_is_refused_or_read_like_dotnet_and_both_oracles() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases = generated_cases();
    cases.extend(real_cases());
    let mut failures = Vec::new();
    let mut refused = std::collections::BTreeSet::new();
    let mut accepted = 0;
    for (i, c) in cases.iter().enumerate() {
        failures.extend(check(dir.path(), i, c));
        match c.expect {
            Expect::Read(..) => accepted += 1,
            Expect::Refuse(code) => {
                refused.insert(code);
            }
        }
    }
    println!(
        "zip oracle cases: {} ({accepted} read, {} refused over {} codes)",
        cases.len(),
        cases.len() - accepted,
        refused.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every ambiguity class has at least one case.
    for kind in nupub_package::Ambiguity::ALL {
        let covered = refused.contains(kind.code())
            || matches!(kind, nupub_package::Ambiguity::OverlappingEntries);
        assert!(covered, "no case for {kind:?}");
    }
    assert!(cases.len() >= 100, "{} cases", cases.len());
}

#[test]
fn overlapping_entries_are_refused() {
    // Two records whose local headers are distinct but whose data overlaps:
    // the second entry's local header sits inside the first entry's data.
    let inner = build(&[spec("content/inner.txt", b"inner")]);
    let (cd, _) = entry_at(&inner, "inner.txt");
    let local = inner[..cd].to_vec();
    let mut outer = spec("content/outer.bin", &local);
    outer.method = 0;
    let mut specs = demo("Demo.Pkg", "1.2.3");
    specs.push(outer);
    let mut b = build(&specs);
    // Add a record for content/inner.txt pointing inside outer.bin's data.
    let (outer_cd, outer_lh) = entry_at(&b, "outer.bin");
    let inner_lh = outer_lh + 30 + "content/outer.bin".len();
    let mut record = inner[cd..eocd(&inner)].to_vec();
    put32(&mut record, 42, inner_lh as u32);
    let e = eocd(&b);
    let insert_at = e;
    let _ = outer_cd;
    b.splice(insert_at..insert_at, record.iter().copied());
    let e = eocd(&b);
    let count = le16(&b, e + 10) + 1;
    put16(&mut b, e + 8, count);
    put16(&mut b, e + 10, count);
    let size = le32(&b, e + 12) + record.len() as u32;
    put32(&mut b, e + 12, size);
    let dir = tempfile::tempdir().unwrap();
    let c = case(
        "overlapping entries",
        b,
        Expect::Refuse("package.zip.overlapping_entries"),
    );
    let failures = check(dir.path(), 0, &c);
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn deflated_bombs_and_short_data_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    // 10 MB of zeros deflate to about 10 KB: a ratio of 1000:1 is refused.
    let mut d = demo("Demo.Pkg", "1.2.3");
    d.push(spec("content/zeros.bin", &vec![0u8; 20 * 1024 * 1024]));
    let path = dir.path().join("bomb.nupkg");
    std::fs::write(&path, build(&d)).unwrap();
    let e = Package::open(&path).unwrap_err();
    assert_eq!(e.code(), "package.suspicious_compression", "{e}");
    // Deflated data longer than both headers declare: consistent headers, damaged data.
    let mut d = demo("Demo.Pkg", "1.2.3");
    d[1].declared_size = Some(10);
    let path = dir.path().join("short.nupkg");
    std::fs::write(&path, build(&d)).unwrap();
    let p = Package::open(&path).unwrap();
    let report = p.verify_integrity().unwrap();
    assert_eq!(report.damaged.len(), 1, "{report:?}");
    assert_eq!(report.damaged[0].path, "content/hello.txt");
    assert!(
        report.damaged[0].detail.contains("more than the 10 bytes"),
        "{report:?}"
    );
}

/// NuGet.exe under Mono as the third oracle: every generated package Nupub
/// accepts is added to a folder feed, and the refusals .NET shares fail there.
#[test]
fn nuget_exe_reads_what_nupub_accepts() {
    let nuget = nupub_fixtures::nuget_exe::NuGetExe::new();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (i, c) in generated_cases().iter().enumerate() {
        let path = write_case(dir.path(), i, c);
        let feed = dir.path().join(format!("feed{i}"));
        std::fs::create_dir_all(&feed).unwrap();
        match (&c.expect, Package::open(&path)) {
            (Expect::Read(id, _), Ok(p)) => {
                let run = nuget.run(&[
                    "add",
                    &path.to_string_lossy(),
                    "-Source",
                    &feed.to_string_lossy(),
                ]);
                assert!(run.success, "{}: nuget add failed:\n{}", c.name, run.text());
                let installed = feed
                    .join(id.to_lowercase())
                    .join(p.version().normalized().to_lowercase());
                assert!(
                    installed.is_dir(),
                    "{}: {} missing:\n{}",
                    c.name,
                    installed.display(),
                    run.text()
                );
                checked += 1;
            }
            (Expect::Refuse(code), Err(e))
                if c.name == "two archives glued, the second with its own offsets"
                    || c.name == "entry count one too many" =>
            {
                assert_eq!(e.code(), *code);
                let run = nuget.run(&[
                    "add",
                    &path.to_string_lossy(),
                    "-Source",
                    &feed.to_string_lossy(),
                ]);
                assert!(
                    !run.success,
                    "{}: NuGet.exe read it:\n{}",
                    c.name,
                    run.text()
                );
                checked += 1;
            }
            _ => {}
        }
    }
    println!("NuGet.exe oracle: {checked} packages");
    assert!(checked >= 12, "{checked}");
}
