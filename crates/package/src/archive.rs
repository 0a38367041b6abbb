//! The zip layer: the entry list (with raw names, sizes, CRCs and dates),
//! safety checks on names and sizes, bounded reads of single entries and the
//! streaming CRC check.
//!
//! The `zip` crate opens the archive and decompresses entries. It keeps its
//! entries in a map keyed by name, so it hides duplicate names, and it only
//! exposes an entry's metadata after reading its local header. The validation
//! rules need every central-directory record exactly as stored (duplicates
//! included) without touching entry data, so [`scan_central_directory`] walks
//! the records itself, starting where the `zip` crate found the directory.

use crate::error::PackageError;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use ts_rs::TS;

/// Bounds that keep hostile archives from exhausting time or memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries an archive may list.
    pub max_entries: usize,
    /// Most bytes all entries together may unpack to.
    pub max_total_uncompressed: u64,
    /// Largest nuspec read.
    pub max_nuspec_bytes: u64,
    /// Largest readme, icon, licence file or signature read into memory.
    pub max_embedded_file_bytes: u64,
    /// Highest uncompressed/compressed ratio accepted for entries above 1 MiB.
    pub max_compression_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_total_uncompressed: 4 * 1024 * 1024 * 1024,
            max_nuspec_bytes: 2 * 1024 * 1024,
            max_embedded_file_bytes: 16 * 1024 * 1024,
            max_compression_ratio: 1_000,
        }
    }
}

/// One record of the zip central directory, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Entry {
    /// The entry name exactly as stored (forward or back slashes, casing kept).
    pub path: String,
    /// Uncompressed size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    #[ts(type = "number")]
    pub compressed_size: u64,
    pub crc32: u32,
    /// Last-modified time from the zip record (`YYYY-MM-DDTHH:MM:SS`, no time
    /// zone, as zip stores it); `None` when the stored date is not a real date.
    pub modified: Option<String>,
    /// The raw MS-DOS date and time word pair (date << 16 | time).
    pub dos_date_time: u32,
    /// The name ends with `/` (an explicit directory record).
    pub is_directory: bool,
    /// `stored`, `deflate` or `method N`.
    pub compression: String,
    /// The UTF-8 flag (general purpose bit 11) is set.
    pub utf8_flag: bool,
    /// The name bytes are not valid UTF-8 (they were read as code page 437).
    pub name_not_utf8: bool,
    /// The entry is encrypted (NuGet cannot read it).
    pub encrypted: bool,
}

impl Entry {
    /// The name with `\` turned into `/`, as NuGet compares paths.
    pub fn normalized_path(&self) -> String {
        self.path.replace('\\', "/")
    }

    /// The year of the stored date, when there is one.
    pub fn year(&self) -> Option<u16> {
        self.modified
            .as_ref()
            .and_then(|m| m.get(0..4))
            .and_then(|y| y.parse().ok())
    }
}

/// The central directory, read without touching entry data.
pub(crate) struct Directory {
    pub entries: Vec<Entry>,
    pub archive: zip::ZipArchive<BufReader<File>>,
    pub file_size: u64,
}

fn read_u16(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .unwrap_or(0)
}

fn read_u32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}

fn read_u64(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .map(|s| {
            let mut a = [0u8; 8];
            a.copy_from_slice(s);
            u64::from_le_bytes(a)
        })
        .unwrap_or(0)
}

fn dos_to_iso(date: u16, time: u16) -> Option<String> {
    let dt = zip::DateTime::try_from_msdos(date, time).ok()?;
    if !dt.is_valid() {
        return None;
    }
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    ))
}

fn method_name(method: u16) -> String {
    match method {
        0 => "stored".into(),
        8 => "deflate".into(),
        9 => "deflate64".into(),
        n => format!("method {n}"),
    }
}

/// Checks an entry name for paths that escape the extraction folder.
pub(crate) fn unsafe_name_reason(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("it is empty");
    }
    if name.contains('\0') {
        return Some("it contains a NUL character");
    }
    let unified = name.replace('\\', "/");
    if unified.starts_with('/') {
        return Some("it is an absolute path");
    }
    let bytes = unified.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Some("it starts with a drive letter");
    }
    if unified.split('/').any(|seg| seg == "..") {
        return Some("it climbs out of the package folder with ..");
    }
    None
}

pub(crate) fn open_file(path: &Path) -> Result<(File, u64), PackageError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PackageError::NotFound {
            path: path.to_path_buf(),
        },
        _ => PackageError::Unreadable {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
    })?;
    if meta.is_dir() {
        return Err(PackageError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let file = File::open(path).map_err(|e| PackageError::Unreadable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if meta.len() == 0 {
        return Err(PackageError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok((file, meta.len()))
}

fn not_a_zip(path: &Path, detail: impl ToString) -> PackageError {
    PackageError::NotAZip {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

/// Opens the archive and reads its central directory with the safety checks.
pub(crate) fn read_directory(path: &Path, limits: &Limits) -> Result<Directory, PackageError> {
    let (file, file_size) = open_file(path)?;
    let archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| not_a_zip(path, e))?;
    if archive.len() > limits.max_entries {
        return Err(PackageError::TooManyEntries {
            path: path.to_path_buf(),
            count: archive.len(),
            limit: limits.max_entries,
        });
    }
    let mut archive = archive;
    let entries = scan_central_directory(path, &mut archive, limits)?;
    let mut total: u64 = 0;
    let mut seen = std::collections::HashSet::new();
    for entry in &entries {
        if let Some(reason) = unsafe_name_reason(&entry.path) {
            return Err(PackageError::UnsafeEntryName {
                entry: entry.path.clone(),
                reason,
            });
        }
        if !seen.insert(entry.path.as_str()) {
            return Err(PackageError::DuplicateEntry {
                entry: entry.path.clone(),
            });
        }
        total = total.saturating_add(entry.size);
        if entry.size > 1024 * 1024
            && entry.size / entry.compressed_size.max(1) > limits.max_compression_ratio
        {
            return Err(PackageError::SuspiciousCompression {
                entry: entry.path.clone(),
                ratio: entry.size / entry.compressed_size.max(1),
            });
        }
    }
    if total > limits.max_total_uncompressed {
        return Err(PackageError::TooLarge {
            path: path.to_path_buf(),
            total,
            limit: limits.max_total_uncompressed,
        });
    }
    if entries.len() != archive.len() {
        return Err(not_a_zip(
            path,
            format!(
                "the central directory lists {} records but {} distinct entries",
                entries.len(),
                archive.len()
            ),
        ));
    }
    Ok(Directory {
        entries,
        archive,
        file_size,
    })
}

const CENTRAL_SIG: u32 = 0x0201_4b50;

fn scan_central_directory(
    path: &Path,
    archive: &mut zip::ZipArchive<BufReader<File>>,
    limits: &Limits,
) -> Result<Vec<Entry>, PackageError> {
    let start = archive
        .offset()
        .saturating_add(archive.central_directory_start());
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.name_for_index(i).unwrap_or_default().to_string())
        .collect();
    let (file, _) = open_file(path)?;
    let mut reader = BufReader::new(file);
    reader
        .seek(SeekFrom::Start(start))
        .map_err(|e| not_a_zip(path, e))?;
    let mut entries = Vec::with_capacity(names.len());
    let mut header = [0u8; 46];
    loop {
        if entries.len() > limits.max_entries {
            return Err(PackageError::TooManyEntries {
                path: path.to_path_buf(),
                count: entries.len(),
                limit: limits.max_entries,
            });
        }
        if reader.read_exact(&mut header[..4]).is_err() || read_u32(&header, 0) != CENTRAL_SIG {
            break;
        }
        reader
            .read_exact(&mut header[4..])
            .map_err(|e| not_a_zip(path, format!("central directory cut short: {e}")))?;
        let flags = read_u16(&header, 8);
        let method = read_u16(&header, 10);
        let time = read_u16(&header, 12);
        let date = read_u16(&header, 14);
        let crc32 = read_u32(&header, 16);
        let mut compressed = u64::from(read_u32(&header, 20));
        let mut size = u64::from(read_u32(&header, 24));
        let name_len = usize::from(read_u16(&header, 28));
        let extra_len = usize::from(read_u16(&header, 30));
        let comment_len = usize::from(read_u16(&header, 32));
        let mut var = vec![0u8; name_len + extra_len + comment_len];
        reader
            .read_exact(&mut var)
            .map_err(|e| not_a_zip(path, format!("central directory cut short: {e}")))?;
        let name_raw = var.get(..name_len).unwrap_or(&[]);
        let extra = var.get(name_len..name_len + extra_len).unwrap_or(&[]);
        // Zip64: sizes stored as 0xFFFFFFFF live in the 0x0001 extra field.
        let mut at = 0;
        while at + 4 <= extra.len() {
            let id = read_u16(extra, at);
            let len = usize::from(read_u16(extra, at + 2));
            let body = extra.get(at + 4..at + 4 + len).unwrap_or(&[]);
            if id == 0x0001 {
                let mut p = 0;
                if size == 0xFFFF_FFFF {
                    size = read_u64(body, p);
                    p += 8;
                }
                if compressed == 0xFFFF_FFFF {
                    compressed = read_u64(body, p);
                }
            }
            at += 4 + len;
        }
        let index = entries.len();
        let name_not_utf8 = std::str::from_utf8(name_raw).is_err();
        let path_text = match names.get(index) {
            Some(n) if n.as_bytes() == name_raw || flags & 0x800 != 0 || name_not_utf8 => n.clone(),
            _ => String::from_utf8_lossy(name_raw).into_owned(),
        };
        entries.push(Entry {
            is_directory: path_text.ends_with('/'),
            path: path_text,
            size,
            compressed_size: compressed,
            crc32,
            modified: dos_to_iso(date, time),
            dos_date_time: (u32::from(date) << 16) | u32::from(time),
            compression: method_name(method),
            utf8_flag: flags & 0x800 != 0,
            name_not_utf8,
            encrypted: flags & 1 != 0,
        });
    }
    Ok(entries)
}

/// Reads one entry fully, refusing more than `limit` bytes and more bytes than
/// the directory declares.
pub(crate) fn read_entry_bytes(
    archive: &mut zip::ZipArchive<BufReader<File>>,
    index: usize,
    entry: &Entry,
    limit: u64,
) -> Result<Vec<u8>, PackageError> {
    if entry.size > limit {
        return Err(PackageError::EntryTooLarge {
            entry: entry.path.clone(),
            size: entry.size,
            limit,
        });
    }
    let corrupt = |detail: String| PackageError::EntryCorrupt {
        entry: entry.path.clone(),
        detail,
    };
    let file = archive
        .by_index(index)
        .map_err(|e| corrupt(e.to_string()))?;
    let mut buf = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0));
    file.take(entry.size.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| corrupt(e.to_string()))?;
    if buf.len() as u64 != entry.size {
        return Err(corrupt(format!(
            "it unpacks to {} bytes but the directory says {}",
            buf.len(),
            entry.size
        )));
    }
    if crc32fast::hash(&buf) != entry.crc32 {
        return Err(corrupt("its CRC-32 checksum does not match".into()));
    }
    Ok(buf)
}

/// The result of streaming every entry through its CRC check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IntegrityReport {
    pub entries_checked: usize,
    #[ts(type = "number")]
    pub bytes_checked: u64,
    /// Entries that failed, with what went wrong (empty when the archive is sound).
    pub damaged: Vec<DamagedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DamagedEntry {
    pub path: String,
    pub detail: String,
}

impl IntegrityReport {
    pub fn is_ok(&self) -> bool {
        self.damaged.is_empty()
    }

    /// The first damaged entry as an error, or `Ok` when every entry is sound.
    pub fn into_result(self) -> Result<IntegrityReport, PackageError> {
        match self.damaged.first() {
            Some(d) => Err(PackageError::EntryCorrupt {
                entry: d.path.clone(),
                detail: d.detail.clone(),
            }),
            None => Ok(self),
        }
    }
}

/// Streams every entry through inflate and CRC-32 with a fixed-size buffer.
pub(crate) fn verify(path: &Path, entries: &[Entry]) -> Result<IntegrityReport, PackageError> {
    let (file, _) = open_file(path)?;
    let mut archive = zip::ZipArchive::new(BufReader::with_capacity(256 * 1024, file))
        .map_err(|e| not_a_zip(path, e))?;
    let mut report = IntegrityReport {
        entries_checked: 0,
        bytes_checked: 0,
        damaged: Vec::new(),
    };
    let mut buf = vec![0u8; 256 * 1024];
    for (index, entry) in entries.iter().enumerate() {
        report.entries_checked += 1;
        match check_one(&mut archive, index, entry, &mut buf) {
            Ok(n) => report.bytes_checked += n,
            Err(detail) => report.damaged.push(DamagedEntry {
                path: entry.path.clone(),
                detail,
            }),
        }
    }
    Ok(report)
}

fn check_one(
    archive: &mut zip::ZipArchive<BufReader<File>>,
    index: usize,
    entry: &Entry,
    buf: &mut [u8],
) -> Result<u64, String> {
    if entry.encrypted {
        return Err("it is encrypted, which NuGet cannot read".into());
    }
    // Raw (still compressed) data; we inflate and hash it ourselves so the
    // check does not depend on the zip crate's own CRC handling.
    let raw = archive.by_index_raw(index).map_err(|e| e.to_string())?;
    let mut hasher = crc32fast::Hasher::new();
    let mut total: u64 = 0;
    let limit = entry.size.saturating_add(1);
    let mut feed = |reader: &mut dyn Read| -> Result<(), String> {
        loop {
            let n = reader.read(buf).map_err(|e| e.to_string())?;
            if n == 0 {
                return Ok(());
            }
            let chunk = buf.get(..n).unwrap_or(&[]);
            hasher.update(chunk);
            total += n as u64;
            if total >= limit {
                return Err(format!(
                    "it unpacks to more than the {} bytes the directory declares",
                    entry.size
                ));
            }
        }
    };
    match entry.compression.as_str() {
        "stored" => feed(&mut raw.take(limit))?,
        "deflate" => feed(&mut flate2::read::DeflateDecoder::new(raw).take(limit))?,
        other => {
            return Err(format!(
                "it uses compression {other}, which NuGet cannot read"
            ))
        }
    }
    if total != entry.size {
        return Err(format!(
            "it unpacks to {total} bytes but the directory says {}",
            entry.size
        ));
    }
    if hasher.finalize() != entry.crc32 {
        return Err("its CRC-32 checksum does not match".into());
    }
    Ok(total)
}
