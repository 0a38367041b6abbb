//! The zip layer: the entry list (with raw names, sizes, CRCs and dates),
//! safety checks on names and sizes, bounded reads of single entries and the
//! streaming CRC check.
//!
//! The archive is read by [`crate::zipread`], which reads it as .NET's
//! `ZipArchive` does and refuses layouts other readers would see differently;
//! entry data is located from its local header and inflated here with flate2.

use crate::error::{Damage, PackageError};
use crate::zipread::{ZipError, ZipLayout};
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
    /// The same time, typed (for comparisons; not sent to the window).
    #[serde(skip)]
    #[ts(skip)]
    pub modified_at: Option<chrono::NaiveDateTime>,
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
        use chrono::Datelike;
        self.modified_at.and_then(|t| u16::try_from(t.year()).ok())
    }
}

/// Where an entry's data sits: its offset, or why its local header cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataSpan {
    pub offset: Result<u64, String>,
    pub method: u16,
}

/// The central directory, read without touching entry data.
pub(crate) struct Directory {
    pub entries: Vec<Entry>,
    pub spans: Vec<DataSpan>,
    pub file_size: u64,
    pub zip64_reason: Option<String>,
}

/// Days in a month of a (proleptic Gregorian) year.
/// The MS-DOS date and time of a zip record as a calendar time (no time
/// zone, as zip stores it); `None` when the stored date is not a real date.
fn dos_date_time(date: u16, time: u16) -> Option<chrono::NaiveDateTime> {
    let day = chrono::NaiveDate::from_ymd_opt(
        1980 + i32::from(date >> 9),
        u32::from((date >> 5) & 0xF),
        u32::from(date & 0x1F),
    )?;
    day.and_hms_opt(
        u32::from(time >> 11),
        u32::from((time >> 5) & 0x3F),
        u32::from(time & 0x1F) * 2,
    )
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
    escape_reason(name)
}

/// Why a path inside a package would not land inside the folder NuGet
/// extracts it to (NuGet's `PackageArchiveReader.ValidatePackageEntries`
/// resolves each entry against that folder): an absolute path, a drive
/// letter, more `..` than folders before them, or the folder itself. `a/../b`
/// stays inside and is accepted, as NuGet accepts it. The one rule: the
/// package model applies it to the name as stored, the rules to the name
/// percent-decoded as NuGet unescapes it.
pub fn escape_reason(path: &str) -> Option<&'static str> {
    let unified = path.replace('\\', "/");
    if unified.starts_with('/') {
        return Some("it is an absolute path");
    }
    let bytes = unified.as_bytes();
    if bytes.len() >= 2
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
    {
        return Some("it starts with a drive letter");
    }
    let mut depth: i64 = 0;
    for segment in unified.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return Some("it climbs out of the package folder with ..");
                }
            }
            _ => depth += 1,
        }
    }
    if depth == 0 && !unified.ends_with('/') {
        return Some("it names the package folder itself");
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

fn zip_error(path: &Path, error: ZipError) -> PackageError {
    match error {
        ZipError::NotAZip(detail) => not_a_zip(path, detail),
        ZipError::Io(detail) => PackageError::Unreadable {
            path: path.to_path_buf(),
            detail,
        },
        ZipError::TooManyEntries { count, limit } => PackageError::TooManyEntries {
            path: path.to_path_buf(),
            count: usize::try_from(count).unwrap_or(usize::MAX),
            limit,
        },
        ZipError::Ambiguous(kind, detail) => PackageError::ZipAmbiguous {
            path: path.to_path_buf(),
            kind,
            detail,
        },
    }
}

/// Opens the archive and reads its central directory with the safety checks.
pub(crate) fn read_directory(path: &Path, limits: &Limits) -> Result<Directory, PackageError> {
    let (file, file_size) = open_file(path)?;
    let layout = ZipLayout::read(&mut BufReader::new(file), file_size, limits.max_entries)
        .map_err(|e| zip_error(path, e))?;
    let zip64_reason = layout.zip64_reason();
    let mut entries = Vec::with_capacity(layout.records.len());
    let mut spans = Vec::with_capacity(layout.records.len());
    for record in layout.records {
        entries.push(Entry {
            is_directory: record.name.ends_with('/'),
            size: record.size,
            compressed_size: record.compressed_size,
            crc32: record.crc32,
            modified_at: dos_date_time(record.date, record.time),
            modified: dos_date_time(record.date, record.time)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            dos_date_time: (u32::from(record.date) << 16) | u32::from(record.time),
            compression: method_name(record.method),
            utf8_flag: record.utf8_flag(),
            // Names that are not UTF-8 are refused by the reader.
            name_not_utf8: false,
            encrypted: record.is_encrypted(),
            path: record.name,
        });
        spans.push(DataSpan {
            offset: record.local.map(|l| l.data_offset),
            method: record.method,
        });
    }
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
    Ok(Directory {
        entries,
        spans,
        file_size,
        zip64_reason,
    })
}

/// The entry's data as a reader: its compressed bytes, inflated when deflated.
fn entry_data<'a>(
    file: &'a mut BufReader<File>,
    entry: &Entry,
    span: &DataSpan,
) -> Result<Box<dyn Read + 'a>, String> {
    if entry.encrypted {
        return Err("it is encrypted, which NuGet cannot read".into());
    }
    let offset = span.offset.clone()?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| e.to_string())?;
    let raw = file.take(entry.compressed_size);
    match span.method {
        0 => Ok(Box::new(raw)),
        8 => Ok(Box::new(flate2::read::DeflateDecoder::new(raw))),
        _ => Err(format!(
            "it uses compression {}, which NuGet cannot read",
            entry.compression
        )),
    }
}

/// Reads one entry fully, refusing more than `limit` bytes and more bytes than
/// the directory declares.
pub(crate) fn read_entry_bytes(
    file: &mut BufReader<File>,
    entry: &Entry,
    span: &DataSpan,
    limit: u64,
) -> Result<Vec<u8>, PackageError> {
    if entry.size > limit {
        return Err(PackageError::EntryTooLarge {
            entry: entry.path.clone(),
            size: entry.size,
            limit,
        });
    }
    let corrupt = |kind: Damage, detail: String| PackageError::EntryCorrupt {
        entry: entry.path.clone(),
        kind,
        detail,
    };
    let data = entry_data(file, entry, span).map_err(|d| corrupt(Damage::Unreadable, d))?;
    let mut buf = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0));
    data.take(entry.size.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| corrupt(Damage::Unreadable, e.to_string()))?;
    if buf.len() as u64 != entry.size {
        return Err(corrupt(
            Damage::LengthMismatch,
            format!(
                "it unpacks to {} bytes but the directory says {}",
                buf.len(),
                entry.size
            ),
        ));
    }
    if crc32fast::hash(&buf) != entry.crc32 {
        return Err(corrupt(
            Damage::Checksum,
            "its CRC-32 checksum does not match".into(),
        ));
    }
    Ok(buf)
}

/// Opens the package file for reading entries.
pub(crate) fn open_reader(path: &Path) -> Result<BufReader<File>, PackageError> {
    let (file, _) = open_file(path)?;
    Ok(BufReader::new(file))
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
    pub kind: Damage,
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
                kind: d.kind,
                detail: d.detail.clone(),
            }),
            None => Ok(self),
        }
    }
}

/// Streams every entry through inflate and CRC-32 with a fixed-size buffer.
pub(crate) fn verify(
    path: &Path,
    entries: &[Entry],
    spans: &[DataSpan],
) -> Result<IntegrityReport, PackageError> {
    let (file, _) = open_file(path)?;
    let mut file = BufReader::with_capacity(256 * 1024, file);
    let mut report = IntegrityReport {
        entries_checked: 0,
        bytes_checked: 0,
        damaged: Vec::new(),
    };
    let mut buf = vec![0u8; 256 * 1024];
    for (entry, span) in entries.iter().zip(spans) {
        report.entries_checked += 1;
        match check_one(&mut file, entry, span, &mut buf) {
            Ok(n) => report.bytes_checked += n,
            Err((kind, detail)) => report.damaged.push(DamagedEntry {
                path: entry.path.clone(),
                kind,
                detail,
            }),
        }
    }
    Ok(report)
}

fn check_one(
    file: &mut BufReader<File>,
    entry: &Entry,
    span: &DataSpan,
    buf: &mut [u8],
) -> Result<u64, (Damage, String)> {
    let limit = entry.size.saturating_add(1);
    let unreadable = |detail: String| (Damage::Unreadable, detail);
    let mut data = entry_data(file, entry, span)
        .map_err(unreadable)?
        .take(limit);
    let mut hasher = crc32fast::Hasher::new();
    let mut total: u64 = 0;
    loop {
        let n = data.read(buf).map_err(|e| unreadable(e.to_string()))?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or(&[]));
        total += n as u64;
        if total >= limit {
            return Err((
                Damage::LengthMismatch,
                format!(
                    "it unpacks to more than the {} bytes the directory declares",
                    entry.size
                ),
            ));
        }
    }
    if total != entry.size {
        return Err((
            Damage::LengthMismatch,
            format!(
                "it unpacks to {total} bytes but the directory says {}",
                entry.size
            ),
        ));
    }
    if hasher.finalize() != entry.crc32 {
        return Err((
            Damage::Checksum,
            "its CRC-32 checksum does not match".into(),
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::dos_date_time;

    #[test]
    fn dos_times_are_calendar_times_or_none() {
        // 2024-02-29 13:37:58: date (44 << 9 | 2 << 5 | 29), time (13 << 11 | 37 << 5 | 29).
        let t = dos_date_time(44 << 9 | 2 << 5 | 29, 13 << 11 | 37 << 5 | 29).unwrap();
        assert_eq!(
            t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "2024-02-29T13:37:58"
        );
        assert_eq!(t.and_utc().timestamp(), 1_709_213_878);
        // 2023-02-29, month 0, month 13, day 0, hour 24, minute 60: not real times.
        for (date, time) in [
            (43 << 9 | 2 << 5 | 29, 0),
            (44 << 9 | 1, 0),
            (44 << 9 | 13 << 5 | 1, 0),
            (44 << 9 | 1 << 5, 0),
            (44 << 9 | 1 << 5 | 1, 24 << 11),
            (44 << 9 | 1 << 5 | 1, 60 << 5),
        ] {
            assert_eq!(dos_date_time(date, time), None, "{date:#x} {time:#x}");
        }
    }
}
