//! The one zip central-directory reader every Nupub crate uses.
//!
//! It reads an archive the way .NET's `System.IO.Compression.ZipArchive` does
//! (the reader behind nuget.org's upload path and NuGet's
//! `PackageArchiveReader`; `shared/spec/zip-reading.md` §1–§5): the end record
//! is the last `PK\5\6` whose start lies within 65,557 bytes of the end, offsets
//! are used as stored (no correction for data in front), the Zip64 record is
//! read only when a 32-bit field says so, the directory is walked record by
//! record for exactly the entry count, every per-entry fact comes from the
//! central directory, and a local header only locates the data.
//!
//! On top of that it refuses ([`Ambiguity`]) every layout on which common
//! readers would disagree about the file list or the bytes of an entry
//! (§8): data before the first entry or after the end record, a comment that
//! runs past the end or hides a second end record, a directory size or entry
//! count that differ from what is there, bytes no entry accounts for,
//! overlapping entries, local headers or data descriptors that disagree with
//! the central directory, stored entries whose two sizes differ, names whose
//! decoding depends on the reader, split-archive numbers, and Zip64 fields
//! that only some readers use. What is left is an archive every reader sees
//! the same way. Damage that every reader sees alike (a missing local header,
//! data cut short) is not an ambiguity: it is kept on the entry and reported
//! by the integrity check.
//!
//! Hand-written rather than taken from the `zip` crate: that crate is
//! lenient where .NET is strict (it applies the same prepended-data correction
//! as Python's zipfile, so it read a glued archive's second half that NuGet
//! cannot read), keeps entries in a map keyed by name (hiding duplicates), and
//! does not expose record positions, local-header fields or the end record,
//! which this check and NuGet's signed-content hash need. Every read is
//! bounds-checked through [`crate::little_endian`] and bounded by the file's size.

use crate::little_endian::{u16_at, u32_at, u64_at};
use std::io::{Read, Seek, SeekFrom};

const END_SIG: u32 = 0x0605_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_END_SIG: u32 = 0x0606_4b50;
const DESCRIPTOR_SIG: u32 = 0x0807_4b50;
/// Size of the end record without its comment.
const END_LEN: u64 = 22;
/// The farthest from the end an end record may start (.NET: 65,535-byte comment + 22).
const END_SEARCH: u64 = 65_557;
/// How far back to look for end records only older readers accept.
const END_SEARCH_WIDE: u64 = END_SEARCH + 64;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;
/// Extra-field tags.
const TAG_ZIP64: u16 = 0x0001;
const TAG_UNICODE_PATH: u16 = 0x7075;

/// A way two zip readers could read different packages from the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ambiguity {
    /// Bytes before the first entry (a stub, or another archive glued in front).
    PrependedData,
    /// Bytes after the end record that its comment does not cover.
    TrailingData,
    /// The end record's comment length runs past the end of the file.
    CommentPastEnd,
    /// A second end-record signature inside the end record's comment.
    SecondEndRecord,
    /// Disk numbers of a split or spanned archive.
    SplitArchive,
    /// The end record's entry count differs from the records in the directory.
    EntryCount,
    /// The end record's directory size or offset differs from where the records are.
    DirectorySize,
    /// Bytes between entries, or between the last entry and the directory.
    HiddenData,
    /// Two entries share bytes.
    OverlappingEntries,
    /// A local header disagrees with its central-directory record.
    LocalHeader,
    /// A data descriptor disagrees with the central-directory record.
    DataDescriptor,
    /// A stored (uncompressed) entry whose compressed and uncompressed sizes differ.
    StoredSizes,
    /// A name whose text depends on the reader (non-ASCII without the UTF-8 flag,
    /// invalid UTF-8, or a Unicode Path extra field naming another file).
    NameEncoding,
    /// Zip64 records or fields that only some readers use.
    Zip64,
    /// An extra field whose blocks run past its end.
    MalformedExtra,
}

impl Ambiguity {
    pub const ALL: [Ambiguity; 15] = [
        Ambiguity::PrependedData,
        Ambiguity::TrailingData,
        Ambiguity::CommentPastEnd,
        Ambiguity::SecondEndRecord,
        Ambiguity::SplitArchive,
        Ambiguity::EntryCount,
        Ambiguity::DirectorySize,
        Ambiguity::HiddenData,
        Ambiguity::OverlappingEntries,
        Ambiguity::LocalHeader,
        Ambiguity::DataDescriptor,
        Ambiguity::StoredSizes,
        Ambiguity::NameEncoding,
        Ambiguity::Zip64,
        Ambiguity::MalformedExtra,
    ];

    /// The stable error code (`package.zip.*`).
    pub fn code(self) -> &'static str {
        match self {
            Ambiguity::PrependedData => "package.zip.prepended_data",
            Ambiguity::TrailingData => "package.zip.trailing_data",
            Ambiguity::CommentPastEnd => "package.zip.comment_past_end",
            Ambiguity::SecondEndRecord => "package.zip.second_end_record",
            Ambiguity::SplitArchive => "package.zip.split_archive",
            Ambiguity::EntryCount => "package.zip.entry_count",
            Ambiguity::DirectorySize => "package.zip.directory_size",
            Ambiguity::HiddenData => "package.zip.hidden_data",
            Ambiguity::OverlappingEntries => "package.zip.overlapping_entries",
            Ambiguity::LocalHeader => "package.zip.local_header",
            Ambiguity::DataDescriptor => "package.zip.data_descriptor",
            Ambiguity::StoredSizes => "package.zip.stored_sizes",
            Ambiguity::NameEncoding => "package.zip.name_encoding",
            Ambiguity::Zip64 => "package.zip.zip64",
            Ambiguity::MalformedExtra => "package.zip.malformed_extra",
        }
    }

    /// Which readers disagree, and how.
    pub fn why(self) -> &'static str {
        match self {
            Ambiguity::PrependedData => {
                "NuGet and nuget.org use the zip offsets as stored, while Python's zipfile and unzip shift them past the extra bytes, and tools that read from the start see whatever sits there first"
            }
            Ambiguity::TrailingData | Ambiguity::SecondEndRecord => {
                "readers look for the end of the archive differently (.NET takes the last end record within 64 KiB, older .NET looks a little further, Python and unzip check the comment), so they can find different archives in one file"
            }
            Ambiguity::CommentPastEnd => {
                "nuget.org (.NET Framework) and Python accept an end record whose comment is cut short, newer .NET refuses it"
            }
            Ambiguity::SplitArchive => {
                ".NET refuses split archives while Python's zipfile ignores the disk numbers and reads on"
            }
            Ambiguity::EntryCount => {
                "NuGet refuses it (\"Number of entries expected in End Of Central Directory does not correspond to number of entries in Central Directory\") while Python's zipfile and unzip list the records they find"
            }
            Ambiguity::DirectorySize => {
                ".NET follows the entry count and ignores the directory size, while Python's zipfile uses the size (and the offset) to find the directory, so they read different entries"
            }
            Ambiguity::HiddenData => {
                "readers that walk the central directory skip these bytes, while readers that scan local headers from the start (streaming unzippers, some scanners) read them as more files"
            }
            Ambiguity::OverlappingEntries => {
                "two names read the same bytes, which zip writers never produce; Python's zipfile refuses overlapping entries while .NET reads them"
            }
            Ambiguity::LocalHeader => {
                "NuGet takes every fact from the central directory and never compares the local header, while Python's zipfile refuses the mismatch and streaming readers use the local header, so tools read different files"
            }
            Ambiguity::DataDescriptor => {
                "NuGet ignores data descriptors while streaming readers trust them, so they disagree on the entry's size or checksum"
            }
            Ambiguity::StoredSizes => {
                "NuGet reads the compressed size while unzip warns and other readers use the uncompressed size, so they read different bytes"
            }
            Ambiguity::NameEncoding => {
                ".NET decodes such names as UTF-8, nuget.org (.NET Framework) with the server's code page, Python as code page 437 and unzip by the host's rules, so each shows a different file name"
            }
            Ambiguity::Zip64 => {
                ".NET reads Zip64 fields only when a 32-bit field is 0xFFFFFFFF and an extra field of exactly the right size, while Python and unzip read them whenever present, so they see different offsets or sizes"
            }
            Ambiguity::MalformedExtra => {
                ".NET stops reading the extra field silently while Python's zipfile refuses the entry"
            }
        }
    }

    /// Whether .NET itself (and so nuget.org) fails to read such an archive.
    pub fn dotnet_fails(self) -> bool {
        matches!(
            self,
            Ambiguity::EntryCount | Ambiguity::SplitArchive | Ambiguity::CommentPastEnd
        )
    }
}

/// Why the reader stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// Not a zip archive every reader would read (no end record, directory cut short…).
    NotAZip(String),
    /// Readers would disagree about this archive.
    Ambiguous(Ambiguity, String),
    /// More entries than the caller allows.
    TooManyEntries { count: u64, limit: usize },
    /// The file could not be read.
    Io(String),
}

impl std::fmt::Display for ZipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZipError::NotAZip(d) | ZipError::Io(d) => f.write_str(d),
            ZipError::Ambiguous(kind, d) => write!(f, "{d} ({})", kind.code()),
            ZipError::TooManyEntries { count, limit } => {
                write!(f, "{count} entries; at most {limit} are read")
            }
        }
    }
}

fn ambiguous<T>(kind: Ambiguity, detail: impl Into<String>) -> Result<T, ZipError> {
    Err(ZipError::Ambiguous(kind, detail.into()))
}

fn not_a_zip<T>(detail: impl Into<String>) -> Result<T, ZipError> {
    Err(ZipError::NotAZip(detail.into()))
}

/// The end-of-central-directory record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndRecord {
    /// Where its signature starts.
    pub offset: u64,
    /// The 22 fixed bytes followed by the comment, exactly as stored.
    pub raw: Vec<u8>,
    pub disk: u16,
    pub directory_disk: u16,
    pub entries_on_disk: u16,
    pub entries: u16,
    pub directory_size: u32,
    pub directory_offset: u32,
    pub comment_len: u16,
}

/// The Zip64 end record and its locator, when the end record points to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zip64End {
    pub record_offset: u64,
    pub locator_offset: u64,
}

/// A local file header as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalHeader {
    pub flags: u16,
    pub method: u16,
    pub name: Vec<u8>,
    pub extra: Vec<u8>,
    /// Where the entry's (compressed) data starts.
    pub data_offset: u64,
    /// Where the entry ends: its data plus any data descriptor.
    pub end: u64,
}

/// One central-directory record, with the Zip64 extra field applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Where the record starts in the file.
    pub position: u64,
    /// Its length: 46 bytes plus name, extra field and comment.
    pub header_len: u64,
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub size: u64,
    pub disk_start: u32,
    pub local_offset: u64,
    /// The name bytes as stored.
    pub name_raw: Vec<u8>,
    /// The name as .NET decodes it (UTF-8; only ASCII or flagged UTF-8 names are accepted).
    pub name: String,
    pub extra: Vec<u8>,
    /// The local header, or why it cannot be read (damage every reader sees).
    pub local: Result<LocalHeader, String>,
}

impl Record {
    pub fn is_encrypted(&self) -> bool {
        self.flags & 1 != 0
    }
    pub fn utf8_flag(&self) -> bool {
        self.flags & 0x800 != 0
    }
    /// The extra field has a Zip64 (0x0001) block.
    pub fn has_zip64_extra(&self) -> bool {
        extra_blocks(&self.extra).any(|(tag, _)| tag == TAG_ZIP64)
    }
}

/// An archive as .NET reads it, checked for reader disagreements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipLayout {
    pub file_size: u64,
    pub end: EndRecord,
    pub zip64: Option<Zip64End>,
    /// Where the central directory starts and how long it is.
    pub directory_offset: u64,
    pub directory_size: u64,
    /// Every record in directory order (duplicates kept).
    pub records: Vec<Record>,
}

/// The blocks of an extra field as (tag, body); stops at a block that runs past the end.
fn extra_blocks(extra: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let tag = u16_at(extra, at)?;
        let len = usize::from(u16_at(extra, at + 2)?);
        let body = extra.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((tag, body))
    })
}

/// Checks that the blocks of an extra field tile it (a tail of fewer than 4 bytes
/// is ignored by every reader).
fn extra_is_well_formed(extra: &[u8]) -> bool {
    let mut at = 0usize;
    while at + 4 <= extra.len() {
        let len = usize::from(u16_at(extra, at + 2).unwrap_or(0));
        if at + 4 + len > extra.len() {
            return false;
        }
        at += 4 + len;
    }
    true
}

fn read_at<R: Read + Seek>(r: &mut R, offset: u64, len: usize) -> Result<Vec<u8>, ZipError> {
    let mut buf = vec![0u8; len];
    r.seek(SeekFrom::Start(offset))
        .and_then(|_| r.read_exact(&mut buf))
        .map_err(|e| ZipError::Io(e.to_string()))?;
    Ok(buf)
}

/// Like [`read_at`], clipped to the file: fewer bytes near the end.
fn read_clipped<R: Read + Seek>(
    r: &mut R,
    file_size: u64,
    offset: u64,
    len: usize,
) -> Result<Vec<u8>, ZipError> {
    let available = file_size.saturating_sub(offset);
    let len = len.min(usize::try_from(available).unwrap_or(usize::MAX));
    read_at(r, offset, len)
}

fn find_all(hay: &[u8], sig: u32) -> Vec<usize> {
    let needle = sig.to_le_bytes();
    hay.windows(4)
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

impl ZipLayout {
    /// Reads the archive in `r` (`file_size` bytes long), allowing at most
    /// `max_entries` records.
    pub fn read<R: Read + Seek>(
        r: &mut R,
        file_size: u64,
        max_entries: usize,
    ) -> Result<ZipLayout, ZipError> {
        let end = find_end(r, file_size)?;
        if u64::from(end.disk) != 0xFFFF
            && (end.disk != 0 || end.directory_disk != 0 || end.entries_on_disk != end.entries)
        {
            return ambiguous(
                Ambiguity::SplitArchive,
                format!(
                    "the end record names disk {} (directory on disk {}, {} of {} entries on this disk)",
                    end.disk, end.directory_disk, end.entries_on_disk, end.entries
                ),
            );
        }
        let (zip64, entries, directory_offset, directory_size) = read_zip64(r, &end)?;
        let directory_end = zip64.as_ref().map_or(end.offset, |z| z.record_offset);
        if entries > max_entries as u64 {
            return Err(ZipError::TooManyEntries {
                count: entries,
                limit: max_entries,
            });
        }
        // Python's zipfile finds the directory at `end − size` and shifts every
        // offset by the difference; .NET uses the stored offset. They read the
        // same place only when the stored offset and size end at the end record.
        let stated_end = directory_offset.saturating_add(directory_size);
        if stated_end != directory_end {
            if stated_end < directory_end {
                let shift = directory_end - stated_end;
                let sig = read_clipped(r, file_size, directory_offset + shift, 4)?;
                if u32_at(&sig, 0) == Some(CENTRAL_SIG) {
                    return ambiguous(
                        Ambiguity::PrependedData,
                        format!(
                            "{shift} bytes{} come before the archive and its offsets do not count them: NuGet looks for the central directory at byte {directory_offset}, Python and unzip read it at byte {}",
                            glued_hint(shift),
                            directory_offset + shift
                        ),
                    );
                }
            }
            return ambiguous(
                Ambiguity::DirectorySize,
                format!(
                    "the end record says the central directory is {directory_size} bytes at byte {directory_offset}, which does not end where the end record starts (byte {directory_end})"
                ),
            );
        }
        // The directory as .NET walks it: from the stored offset, record after
        // record, for exactly the entry count (bounded by the file's size).
        let region = read_at(
            r,
            directory_offset,
            usize::try_from(directory_size)
                .map_err(|_| ZipError::Io("the central directory is too large".into()))?,
        )?;
        let mut records = Vec::new();
        let mut at = 0usize;
        while (records.len() as u64) < entries {
            if u32_at(&region, at) != Some(CENTRAL_SIG) {
                break;
            }
            let record = parse_record(&region, at, directory_offset)?;
            at += usize::try_from(record.header_len).unwrap_or(usize::MAX);
            records.push(record);
        }
        if (records.len() as u64) != entries || u32_at(&region, at) == Some(CENTRAL_SIG) {
            return ambiguous(
                Ambiguity::EntryCount,
                format!(
                    "the end record says {entries} entries but the central directory at byte {directory_offset} holds {}{}",
                    records.len(),
                    if records.len() as u64 == entries { " and more" } else { "" }
                ),
            );
        }
        let walked = at as u64;
        if walked != directory_size || directory_offset + walked != directory_end {
            return ambiguous(
                Ambiguity::DirectorySize,
                format!(
                    "the end record says the central directory is {directory_size} bytes at byte {directory_offset}, but its {} records take {walked} bytes and the end record starts at byte {directory_end}",
                    records.len()
                ),
            );
        }
        let mut layout = ZipLayout {
            file_size,
            end,
            zip64,
            directory_offset,
            directory_size,
            records,
        };
        layout.read_local_headers(r)?;
        layout.check_coverage()?;
        Ok(layout)
    }

    /// Reads a file from disk.
    pub fn read_file(path: &std::path::Path, max_entries: usize) -> Result<ZipLayout, ZipError> {
        let file = std::fs::File::open(path).map_err(|e| ZipError::Io(e.to_string()))?;
        let len = file
            .metadata()
            .map_err(|e| ZipError::Io(e.to_string()))?
            .len();
        let mut reader = std::io::BufReader::new(file);
        ZipLayout::read(&mut reader, len, max_entries)
    }

    fn read_local_headers<R: Read + Seek>(&mut self, r: &mut R) -> Result<(), ZipError> {
        let file_size = self.file_size;
        for record in &mut self.records {
            record.local = read_local(r, file_size, record)?;
        }
        Ok(())
    }

    /// Every byte belongs to exactly one structure: entries from byte 0 up to
    /// the directory, the directory, the Zip64 records, the end record.
    fn check_coverage(&self) -> Result<(), ZipError> {
        let mut spans: Vec<(u64, Option<u64>, &str)> = self
            .records
            .iter()
            .map(|r| {
                (
                    r.local_offset,
                    r.local.as_ref().ok().map(|l| l.end),
                    r.name.as_str(),
                )
            })
            .collect();
        spans.sort_by_key(|s| s.0);
        let cd = self.directory_offset;
        if spans.is_empty() && cd > 0 {
            return ambiguous(
                Ambiguity::PrependedData,
                format!("{cd} bytes come before the (empty) central directory"),
            );
        }
        // End of the last entry whose extent is known; a damaged local header
        // (reported by the integrity check) owns everything up to the next entry.
        let mut covered = 0u64;
        let mut extent_known = true;
        let mut previous: Option<(u64, &str)> = None;
        for (start, end, name) in spans {
            let overlaps = start < covered || previous.is_some_and(|(s, _)| s == start);
            if overlaps || start >= cd || end.is_some_and(|e| e > cd) {
                let other = match previous {
                    Some((_, p)) if overlaps => p,
                    _ => "the central directory",
                };
                return ambiguous(
                    Ambiguity::OverlappingEntries,
                    format!("the entry {name} shares bytes with {other}"),
                );
            }
            if start > covered && extent_known {
                return match previous {
                    None => ambiguous(
                        Ambiguity::PrependedData,
                        format!(
                            "{start} bytes{} come before the first entry ({name})",
                            glued_hint(start)
                        ),
                    ),
                    Some((_, prev)) => ambiguous(
                        Ambiguity::HiddenData,
                        format!(
                            "{} bytes between the entries {prev} and {name} belong to no entry",
                            start - covered
                        ),
                    ),
                };
            }
            covered = end.unwrap_or(start);
            extent_known = end.is_some();
            previous = Some((start, name));
        }
        if covered < cd && extent_known {
            return ambiguous(
                Ambiguity::HiddenData,
                format!(
                    "{} bytes between the last entry{} and the central directory belong to no entry",
                    cd - covered,
                    previous.map(|(_, p)| format!(" ({p})")).unwrap_or_default()
                ),
            );
        }
        Ok(())
    }

    /// Why NuGet's `SignedPackageArchiveUtility.IsZip64` calls this archive
    /// Zip64: a Zip64 locator before the end record, or a Zip64 extra field in
    /// a central or local header.
    pub fn zip64_reason(&self) -> Option<String> {
        if self.zip64.is_some() {
            return Some("it has a Zip64 end-of-central-directory locator".into());
        }
        if let Some(r) = self.records.iter().find(|r| r.has_zip64_extra()) {
            return Some(format!(
                "the central directory record of {} has a Zip64 extra field",
                r.name
            ));
        }
        self.records
            .iter()
            .find(|r| {
                r.local
                    .as_ref()
                    .is_ok_and(|l| extra_blocks(&l.extra).any(|(tag, _)| tag == TAG_ZIP64))
            })
            .map(|r| format!("the local header of {} has a Zip64 extra field", r.name))
    }
}

fn glued_hint(prefix_len: u64) -> &'static str {
    if prefix_len >= END_LEN {
        " (a stub or another archive glued in front)"
    } else {
        ""
    }
}

/// Finds the end record as .NET does and refuses layouts other readers see differently.
fn find_end<R: Read + Seek>(r: &mut R, file_size: u64) -> Result<EndRecord, ZipError> {
    if file_size < END_LEN {
        return not_a_zip(format!(
            "the file is {file_size} bytes, shorter than a zip end record"
        ));
    }
    let tail_start = file_size.saturating_sub(END_SEARCH_WIDE);
    let tail = read_at(
        r,
        tail_start,
        usize::try_from(file_size - tail_start).unwrap_or(0),
    )?;
    let latest_start = file_size - END_LEN;
    let earliest_start = file_size.saturating_sub(END_SEARCH);
    let candidates: Vec<u64> = find_all(&tail, END_SIG)
        .into_iter()
        .map(|i| tail_start + i as u64)
        .collect();
    let Some(&offset) = candidates
        .iter()
        .rev()
        .find(|&&c| c <= latest_start && c >= earliest_start)
    else {
        if let Some(c) = candidates.iter().rev().find(|&&c| c <= latest_start) {
            return ambiguous(
                Ambiguity::TrailingData,
                format!(
                    "its end record starts {} bytes before the end of the file, farther than .NET looks (older .NET and Python still read it)",
                    file_size - c
                ),
            );
        }
        return not_a_zip("no zip end record in the last 64 KiB (the file may be cut short, or have data appended)");
    };
    let at = usize::try_from(offset - tail_start).unwrap_or(0);
    let fixed = tail.get(at..at + END_LEN as usize).unwrap_or(&[]);
    let field = |o: usize| u16_at(fixed, o).unwrap_or(0);
    let comment_len = field(20);
    let end_of_comment = offset + END_LEN + u64::from(comment_len);
    if end_of_comment > file_size {
        return ambiguous(
            Ambiguity::CommentPastEnd,
            format!(
                "the end record's comment claims {comment_len} bytes but only {} follow",
                file_size - offset - END_LEN
            ),
        );
    }
    if end_of_comment < file_size {
        return ambiguous(
            Ambiguity::TrailingData,
            format!(
                "{} bytes follow the end record and its comment",
                file_size - end_of_comment
            ),
        );
    }
    let raw = tail.get(at..).unwrap_or(&[]).to_vec();
    if let Some(second) = raw
        .get(4..)
        .and_then(|c| find_all(c, END_SIG).first().copied())
    {
        return ambiguous(
            Ambiguity::SecondEndRecord,
            format!(
                "the archive comment holds another end-record signature, {} bytes before the end",
                raw.len() - 4 - second
            ),
        );
    }
    Ok(EndRecord {
        offset,
        disk: field(4),
        directory_disk: field(6),
        entries_on_disk: field(8),
        entries: field(10),
        directory_size: u32_at(fixed, 12).unwrap_or(0),
        directory_offset: u32_at(fixed, 16).unwrap_or(0),
        comment_len,
        raw,
    })
}

/// Applies the Zip64 end record: (zip64, entries, directory offset, directory size).
fn read_zip64<R: Read + Seek>(
    r: &mut R,
    end: &EndRecord,
) -> Result<(Option<Zip64End>, u64, u64, u64), ZipError> {
    let plain = (
        None,
        u64::from(end.entries),
        u64::from(end.directory_offset),
        u64::from(end.directory_size),
    );
    let triggered = end.disk == 0xFFFF
        || end.directory_offset == 0xFFFF_FFFF
        || end.entries == 0xFFFF
        || end.entries_on_disk == 0xFFFF;
    let Some(locator_offset) = end.offset.checked_sub(20) else {
        if triggered {
            // .NET looks for a Zip64 locator here and, with no room for one
            // before the end record, refuses the archive
            // (Zip64EOCDNotWhereExpected); Python reads the 32-bit values.
            return ambiguous(
                Ambiguity::Zip64,
                "the end record asks for Zip64 values but starts too close to the beginning of the file for a Zip64 locator",
            );
        }
        return Ok(plain);
    };
    let locator = read_at(r, locator_offset, 20)?;
    let has_locator = u32_at(&locator, 0) == Some(ZIP64_LOCATOR_SIG);
    if !has_locator {
        if end.disk == 0xFFFF {
            return ambiguous(
                Ambiguity::SplitArchive,
                "the end record names disk 65535 but has no Zip64 locator",
            );
        }
        // Every reader uses the 32-bit values when there is no locator.
        return Ok(plain);
    }
    let zip64_disk = u32_at(&locator, 4).unwrap_or(0);
    let record_offset = u64_at(&locator, 8).unwrap_or(0);
    let disks = u32_at(&locator, 16).unwrap_or(0);
    if zip64_disk != 0 || disks > 1 {
        return ambiguous(
            Ambiguity::SplitArchive,
            format!("the Zip64 locator names disk {zip64_disk} of {disks}"),
        );
    }
    if record_offset >= locator_offset {
        return ambiguous(
            Ambiguity::Zip64,
            format!("the Zip64 locator points to byte {record_offset}, not before itself"),
        );
    }
    let record = read_at(r, record_offset, 56)?;
    if u32_at(&record, 0) != Some(ZIP64_END_SIG) {
        return ambiguous(
            Ambiguity::Zip64,
            format!("the Zip64 locator points to byte {record_offset}, where there is no Zip64 end record"),
        );
    }
    let record_len = u64_at(&record, 4).unwrap_or(0);
    if record_offset
        .checked_add(12)
        .and_then(|v| v.checked_add(record_len))
        != Some(locator_offset)
    {
        return ambiguous(
            Ambiguity::Zip64,
            "the Zip64 end record does not end where its locator starts",
        );
    }
    let disk = u32_at(&record, 16).unwrap_or(0);
    let directory_disk = u32_at(&record, 20).unwrap_or(0);
    let entries_on_disk = u64_at(&record, 24).unwrap_or(0);
    let entries = u64_at(&record, 32).unwrap_or(0);
    let directory_size = u64_at(&record, 40).unwrap_or(0);
    let directory_offset = u64_at(&record, 48).unwrap_or(0);
    if disk != 0 || directory_disk != 0 || entries_on_disk != entries {
        return ambiguous(
            Ambiguity::SplitArchive,
            format!("the Zip64 end record names disk {disk} (directory on disk {directory_disk}, {entries_on_disk} of {entries} entries on this disk)"),
        );
    }
    // .NET reads the Zip64 record only when a 32-bit field is masked; Python
    // and unzip read it whenever the locator is there. Both see the same
    // archive only when every unmasked 32-bit field matches its Zip64 twin.
    let agree = |short: u64, mask: u64, long: u64| short == mask || short == long;
    if !triggered
        || !agree(u64::from(end.entries), 0xFFFF, entries)
        || !agree(
            u64::from(end.directory_offset),
            0xFFFF_FFFF,
            directory_offset,
        )
        || !agree(u64::from(end.directory_size), 0xFFFF_FFFF, directory_size)
    {
        if !triggered
            && u64::from(end.entries) == entries
            && u64::from(end.directory_offset) == directory_offset
            && u64::from(end.directory_size) == directory_size
        {
            // Both views give the same numbers; .NET simply does not need the record.
        } else {
            return ambiguous(
                Ambiguity::Zip64,
                format!(
                    "the end record says {} entries, directory at byte {} ({} bytes) and the Zip64 record says {entries}, {directory_offset} ({directory_size}); .NET {} the Zip64 record",
                    end.entries,
                    end.directory_offset,
                    end.directory_size,
                    if triggered { "reads" } else { "ignores" }
                ),
            );
        }
    }
    Ok((
        Some(Zip64End {
            record_offset,
            locator_offset,
        }),
        entries,
        directory_offset,
        directory_size,
    ))
}

fn parse_record(region: &[u8], at: usize, base: u64) -> Result<Record, ZipError> {
    let cut = || ZipError::NotAZip("the central directory is cut short".into());
    let h = region.get(at..at + CENTRAL_LEN).ok_or_else(cut)?;
    let f16 = |o: usize| u16_at(h, o).unwrap_or(0);
    let f32 = |o: usize| u32_at(h, o).unwrap_or(0);
    let name_len = usize::from(f16(28));
    let extra_len = usize::from(f16(30));
    let comment_len = usize::from(f16(32));
    let var_start = at + CENTRAL_LEN;
    let name_raw = region
        .get(var_start..var_start + name_len)
        .ok_or_else(cut)?
        .to_vec();
    let extra = region
        .get(var_start + name_len..var_start + name_len + extra_len)
        .ok_or_else(cut)?
        .to_vec();
    region
        .get(var_start + name_len + extra_len..var_start + name_len + extra_len + comment_len)
        .ok_or_else(cut)?;
    let flags = f16(8);
    let name = decode_name(&name_raw, flags)?;
    if !extra_is_well_formed(&extra) {
        return ambiguous(
            Ambiguity::MalformedExtra,
            format!(
                "the central directory record of {name} has an extra field whose blocks run past its end"
            ),
        );
    }
    for (tag, body) in extra_blocks(&extra) {
        if tag == TAG_UNICODE_PATH && body.get(5..) != Some(name_raw.as_slice()) {
            return ambiguous(
                Ambiguity::NameEncoding,
                format!(
                    "the entry {name} carries a Unicode Path extra field naming {:?}, which unzip uses and NuGet ignores",
                    String::from_utf8_lossy(body.get(5..).unwrap_or(&[]))
                ),
            );
        }
    }
    let mut size = u64::from(f32(24));
    let mut compressed_size = u64::from(f32(20));
    let mut local_offset = u64::from(f32(42));
    let mut disk_start = u32::from(f16(34));
    let zip64: Vec<&[u8]> = extra_blocks(&extra)
        .filter(|(tag, _)| *tag == TAG_ZIP64)
        .map(|(_, body)| body)
        .collect();
    let masked = [
        size == 0xFFFF_FFFF,
        compressed_size == 0xFFFF_FFFF,
        local_offset == 0xFFFF_FFFF,
        disk_start == 0xFFFF,
    ];
    let needed: usize = masked
        .iter()
        .zip([8usize, 8, 8, 4])
        .filter(|(m, _)| **m)
        .map(|(_, n)| n)
        .sum();
    match zip64.as_slice() {
        [] => {}
        [body] if needed > 0 => {
            // Old .NET uses the field only when its size is exactly what is needed.
            if body.len() != needed {
                return ambiguous(
                    Ambiguity::Zip64,
                    format!(
                        "the Zip64 extra field of {name} holds {} bytes where {needed} are needed; .NET Framework ignores it, other readers use it",
                        body.len()
                    ),
                );
            }
            let mut p = 0usize;
            if masked[0] {
                size = u64_at(body, p).unwrap_or(0);
                p += 8;
            }
            if masked[1] {
                compressed_size = u64_at(body, p).unwrap_or(0);
                p += 8;
            }
            if masked[2] {
                local_offset = u64_at(body, p).unwrap_or(0);
                p += 8;
            }
            if masked[3] {
                disk_start = u32_at(body, p).unwrap_or(0);
            }
        }
        [_] => {}
        _ => {
            return ambiguous(
                Ambiguity::Zip64,
                format!("the entry {name} has more than one Zip64 extra field"),
            )
        }
    }
    if disk_start != 0 {
        return ambiguous(
            Ambiguity::SplitArchive,
            format!("the entry {name} is said to start on disk {disk_start}"),
        );
    }
    Ok(Record {
        position: base + at as u64,
        header_len: (CENTRAL_LEN + name_len + extra_len + comment_len) as u64,
        flags,
        method: f16(10),
        time: f16(12),
        date: f16(14),
        crc32: f32(16),
        compressed_size,
        size,
        disk_start,
        local_offset,
        name_raw,
        name,
        extra,
        local: Err("not read yet".into()),
    })
}

/// The name as every reader decodes it, or the ambiguity.
fn decode_name(raw: &[u8], flags: u16) -> Result<String, ZipError> {
    let lossy = || String::from_utf8_lossy(raw).into_owned();
    if flags & 0x800 != 0 {
        return std::str::from_utf8(raw).map(str::to_string).or_else(|_| {
            ambiguous(
                Ambiguity::NameEncoding,
                format!(
                    "the entry name {:?} is flagged UTF-8 but is not valid UTF-8",
                    lossy()
                ),
            )
        });
    }
    if raw.is_ascii() {
        return Ok(lossy());
    }
    ambiguous(
        Ambiguity::NameEncoding,
        format!(
            "the entry name {:?} has non-ASCII bytes without the UTF-8 flag",
            lossy()
        ),
    )
}

/// Reads and checks the local header of `record`. `Ok(Err(..))` is damage every
/// reader sees (kept on the record); `Err` is an ambiguity or an I/O failure.
fn read_local<R: Read + Seek>(
    r: &mut R,
    file_size: u64,
    record: &Record,
) -> Result<Result<LocalHeader, String>, ZipError> {
    let name = &record.name;
    let damaged = |why: String| Ok(Err(why));
    let offset = record.local_offset;
    if offset.saturating_add(LOCAL_LEN as u64) > file_size {
        return damaged(format!(
            "its local header would start at byte {offset}, past the end of the file"
        ));
    }
    let h = read_at(r, offset, LOCAL_LEN)?;
    if u32_at(&h, 0) != Some(LOCAL_SIG) {
        return damaged(format!("there is no local header at byte {offset}"));
    }
    let f16 = |o: usize| u16_at(&h, o).unwrap_or(0);
    let f32 = |o: usize| u32_at(&h, o).unwrap_or(0);
    let name_len = usize::from(f16(26));
    let extra_len = usize::from(f16(28));
    let data_offset = offset + (LOCAL_LEN + name_len + extra_len) as u64;
    if data_offset > file_size {
        return damaged("its local header is cut short".into());
    }
    let var = read_at(r, offset + LOCAL_LEN as u64, name_len + extra_len)?;
    let local_name = var.get(..name_len).unwrap_or(&[]).to_vec();
    let extra = var.get(name_len..).unwrap_or(&[]).to_vec();
    let flags = f16(6);
    let method = f16(8);
    let mismatch = |what: String| -> Result<Result<LocalHeader, String>, ZipError> {
        ambiguous(
            Ambiguity::LocalHeader,
            format!("the local header of {name} {what}"),
        )
    };
    if local_name != record.name_raw {
        return mismatch(format!("names {:?}", String::from_utf8_lossy(&local_name)));
    }
    if flags != record.flags {
        return mismatch(format!(
            "has flags {flags:#06x}, the central directory {:#06x}",
            record.flags
        ));
    }
    if method != record.method {
        return mismatch(format!(
            "says compression method {method}, the central directory {}",
            record.method
        ));
    }
    if record.method == 0 && record.compressed_size != record.size {
        return ambiguous(
            Ambiguity::StoredSizes,
            format!(
                "the stored entry {name} is {} bytes in the archive but declares {} bytes",
                record.compressed_size, record.size
            ),
        );
    }
    let crc = f32(14);
    let mut compressed = u64::from(f32(18));
    let mut size = u64::from(f32(22));
    let zip64 = extra_blocks(&extra).find(|(tag, _)| *tag == TAG_ZIP64);
    if let Some((_, body)) = zip64 {
        // In a local header the Zip64 block holds both sizes when either is masked.
        if size == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF {
            size = u64_at(body, 0).unwrap_or(size);
            compressed = u64_at(body, 8).unwrap_or(compressed);
        }
    }
    let descriptor = flags & 8 != 0;
    let declared = (crc, compressed, size);
    let central = (record.crc32, record.compressed_size, record.size);
    let zeroed = declared == (0, 0, 0);
    if declared != central && !(descriptor && zeroed) {
        return mismatch(format!(
            "declares CRC {crc:08x}, {compressed} bytes packed, {size} bytes unpacked; the central directory CRC {:08x}, {} and {}",
            record.crc32, record.compressed_size, record.size
        ));
    }
    let data_end = data_offset.saturating_add(record.compressed_size);
    if data_end > file_size {
        return damaged(format!(
            "its data would end at byte {data_end}, past the end of the file"
        ));
    }
    let mut end = data_end;
    if descriptor {
        let d = read_clipped(r, file_size, data_end, 24)?;
        let has_sig = u32_at(&d, 0) == Some(DESCRIPTOR_SIG);
        let body = d.get(if has_sig { 4 } else { 0 }..).unwrap_or(&[]);
        let wide = zip64.is_some();
        let (d_crc, d_compressed, d_size, len) = if wide {
            (u32_at(body, 0), u64_at(body, 4), u64_at(body, 12), 20u64)
        } else {
            (
                u32_at(body, 0),
                u32_at(body, 4).map(u64::from),
                u32_at(body, 8).map(u64::from),
                12u64,
            )
        };
        if (d_crc, d_compressed, d_size)
            != (
                Some(record.crc32),
                Some(record.compressed_size),
                Some(record.size),
            )
        {
            return ambiguous(
                Ambiguity::DataDescriptor,
                format!(
                    "the data descriptor of {name} does not repeat the central directory's CRC and sizes"
                ),
            );
        }
        end = data_end + len + if has_sig { 4 } else { 0 };
    }
    Ok(Ok(LocalHeader {
        flags,
        method,
        name: local_name,
        extra,
        data_offset,
        end,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(bytes: &[u8]) -> Result<ZipLayout, ZipError> {
        ZipLayout::read(&mut std::io::Cursor::new(bytes), bytes.len() as u64, 1000)
    }

    /// A stored single-entry archive.
    fn one(name: &[u8], data: &[u8]) -> Vec<u8> {
        let crc = crc32fast::hash(data);
        let mut out = Vec::new();
        out.extend(LOCAL_SIG.to_le_bytes());
        out.extend([20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        out.extend(crc.to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name);
        out.extend(data);
        let cd = out.len() as u32;
        out.extend(CENTRAL_SIG.to_le_bytes());
        out.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        out.extend(crc.to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend([0u8; 12]);
        out.extend(0u32.to_le_bytes());
        out.extend(name);
        let cd_len = out.len() as u32 - cd;
        out.extend(END_SIG.to_le_bytes());
        out.extend([0, 0, 0, 0, 1, 0, 1, 0]);
        out.extend(cd_len.to_le_bytes());
        out.extend(cd.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }

    fn kind(r: Result<ZipLayout, ZipError>) -> Ambiguity {
        match r {
            Err(ZipError::Ambiguous(k, _)) => k,
            other => panic!("expected an ambiguity, got {other:?}"),
        }
    }

    #[test]
    fn reads_a_plain_archive() {
        let l = layout(&one(b"a.txt", b"hello")).unwrap();
        assert_eq!(l.records.len(), 1);
        let r = &l.records[0];
        assert_eq!(r.name, "a.txt");
        assert_eq!(r.size, 5);
        let local = r.local.as_ref().unwrap();
        assert_eq!(local.data_offset, 35);
        assert_eq!(local.end, 40);
        assert_eq!(l.zip64_reason(), None);
    }

    #[test]
    fn every_code_is_valid_and_distinct() {
        let codes: std::collections::HashSet<&str> =
            Ambiguity::ALL.iter().map(|a| a.code()).collect();
        assert_eq!(codes.len(), Ambiguity::ALL.len());
        for a in Ambiguity::ALL {
            assert!(nupub_error::is_valid_code(a.code()), "{a:?}");
            assert!(a.why().len() > 40, "{a:?}");
        }
    }

    #[test]
    fn data_around_the_archive() {
        let good = one(b"a.txt", b"hello");
        let mut front = b"MZ stub".to_vec();
        front.extend(&good);
        assert_eq!(kind(layout(&front)), Ambiguity::PrependedData);
        let mut back = good.clone();
        back.extend(b"tail");
        assert_eq!(kind(layout(&back)), Ambiguity::TrailingData);
        let mut glued = good.clone();
        glued.extend(&one(b"b.txt", b"other"));
        assert_eq!(kind(layout(&glued)), Ambiguity::PrependedData);
    }

    #[test]
    fn comment_tricks() {
        let good = one(b"a.txt", b"hello");
        let n = good.len();
        let mut long = good.clone();
        long[n - 2] = 9;
        long.extend(b"abc");
        assert_eq!(kind(layout(&long)), Ambiguity::CommentPastEnd);
        let mut hidden = good.clone();
        hidden[n - 2] = 8;
        hidden.extend(b"xxPK\x05\x06yy");
        assert_eq!(kind(layout(&hidden)), Ambiguity::SecondEndRecord);
        let mut ok = good;
        ok[n - 2] = 4;
        ok.extend(b"note");
        assert_eq!(layout(&ok).unwrap().end.comment_len, 4);
    }

    #[test]
    fn short_and_missing_end_record() {
        assert!(matches!(layout(b"PK"), Err(ZipError::NotAZip(_))));
        assert!(matches!(layout(&[0u8; 100]), Err(ZipError::NotAZip(_))));
    }

    #[test]
    fn zip64_asked_for_with_no_room_for_a_locator() {
        // An end record alone (nothing before it) whose fields ask for Zip64
        // values: .NET refuses it (no room for a locator), Python reads the
        // 32-bit values. Found by the zip_reference fuzz target.
        let mut end = END_SIG.to_le_bytes().to_vec();
        end.extend([0; 18]);
        assert_eq!(layout(&end).unwrap().records.len(), 0);
        // The disk number, or both entry counts (differing counts are a split archive).
        for fields in [&[4][..], &[8, 10]] {
            let mut asks = end.clone();
            for &at in fields {
                asks[at..at + 2].copy_from_slice(&0xFFFF_u16.to_le_bytes());
            }
            assert_eq!(kind(layout(&asks)), Ambiguity::Zip64, "fields {fields:?}");
        }
        let mut offset = end.clone();
        offset[16..20].copy_from_slice(&0xFFFF_FFFF_u32.to_le_bytes());
        assert_eq!(kind(layout(&offset)), Ambiguity::Zip64);
    }

    #[test]
    fn names_by_encoding() {
        assert_eq!(
            kind(layout(&one("é.txt".as_bytes(), b"x"))),
            Ambiguity::NameEncoding
        );
    }
}
