//! Why a package could not be read, in words a maintainer understands.

use nupub_error::Coded;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

/// Everything that can stop Nupub from reading a package. Each variant has a
/// stable code (`package.*`), a message naming the file, entry or field, and a hint.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{} does not exist", path.display())]
    NotFound { path: PathBuf },
    #[error("{} is a folder, not a package file", path.display())]
    IsDirectory { path: PathBuf },
    #[error("{} could not be read: {detail}", path.display())]
    Unreadable { path: PathBuf, detail: String },
    #[error("{} is empty (0 bytes)", path.display())]
    Empty { path: PathBuf },
    #[error("{} is not a zip archive, so it cannot be a NuGet package ({detail})", path.display())]
    NotAZip { path: PathBuf, detail: String },
    #[error("{} has {count} entries; Nupub reads at most {limit}", path.display())]
    TooManyEntries {
        path: PathBuf,
        count: usize,
        limit: usize,
    },
    #[error("{} would unpack to {total} bytes; Nupub reads at most {limit}", path.display())]
    TooLarge {
        path: PathBuf,
        total: u64,
        limit: u64,
    },
    #[error(
        "the entry {entry} claims a compression ratio of {ratio}:1, which looks like a zip bomb"
    )]
    SuspiciousCompression { entry: String, ratio: u64 },
    #[error("the entry name {entry:?} is unsafe: {reason}")]
    UnsafeEntryName { entry: String, reason: &'static str },
    #[error("the entry {entry} appears more than once in the archive; NuGet reads the first copy and Python's zipfile the last, so tools disagree about its content")]
    DuplicateEntry { entry: String },
    #[error("{} cannot be published safely: {detail}. Zip readers disagree about this file: {}", path.display(), kind.why())]
    ZipAmbiguous {
        path: PathBuf,
        kind: crate::zipread::Ambiguity,
        detail: String,
    },
    #[error("the package has no .nuspec file at its root")]
    NoNuspec,
    #[error("the package has more than one .nuspec file at its root: {}", names.join(", "))]
    MultipleNuspecs { names: Vec<String> },
    #[error("the nuspec {entry} is {size} bytes; Nupub reads nuspecs up to {limit} bytes")]
    NuspecTooLarge {
        entry: String,
        size: u64,
        limit: u64,
    },
    #[error("the nuspec {entry} is not valid XML: {detail}")]
    NuspecXml { entry: String, detail: String },
    #[error("the nuspec {entry} contains a document type declaration (<!DOCTYPE>), which NuGet does not allow")]
    NuspecDtd { entry: String },
    #[error("the nuspec {entry} nests elements deeper than {limit} levels")]
    NuspecTooDeep { entry: String, limit: usize },
    #[error("the nuspec {entry} is not UTF-8 text: {detail}")]
    NuspecEncoding { entry: String, detail: String },
    #[error("the nuspec {entry} has no <package><metadata> element")]
    NuspecNoMetadata { entry: String },
    #[error("the nuspec {entry} has no <{field}> value")]
    MissingField { entry: String, field: &'static str },
    #[error("the version {value:?} in {entry} is not a valid NuGet version: {reason}")]
    InvalidVersion {
        entry: String,
        value: String,
        reason: String,
    },
    #[error("the entry {entry} is damaged: {detail}")]
    EntryCorrupt {
        entry: String,
        kind: Damage,
        detail: String,
    },
    #[error("the entry {entry} is not in the package")]
    NoSuchEntry { entry: String },
    #[error("{entry} is not an assembly Nupub can read: {detail}")]
    NotAnAssembly { entry: String, detail: String },
    #[error("the .NET metadata of {entry} cannot be read: {detail}")]
    AssemblyMetadata { entry: String, detail: String },
    #[error("the entry {entry} is {size} bytes; Nupub reads at most {limit} bytes of it")]
    EntryTooLarge {
        entry: String,
        size: u64,
        limit: u64,
    },
    #[error("opening {} was stopped", path.display())]
    Cancelled { path: PathBuf },
}

impl Coded for PackageError {
    fn code(&self) -> &'static str {
        match self {
            PackageError::NotFound { .. } => "package.not_found",
            PackageError::IsDirectory { .. } => "package.is_directory",
            PackageError::Unreadable { .. } => "package.unreadable",
            PackageError::Empty { .. } => "package.empty",
            PackageError::NotAZip { .. } => "package.not_a_zip",
            PackageError::TooManyEntries { .. } => "package.too_many_entries",
            PackageError::TooLarge { .. } => "package.too_large",
            PackageError::SuspiciousCompression { .. } => "package.suspicious_compression",
            PackageError::UnsafeEntryName { .. } => "package.unsafe_entry_name",
            PackageError::DuplicateEntry { .. } => "package.duplicate_entry",
            PackageError::ZipAmbiguous { kind, .. } => kind.code(),
            PackageError::NoNuspec => "package.no_nuspec",
            PackageError::MultipleNuspecs { .. } => "package.multiple_nuspecs",
            PackageError::NuspecTooLarge { .. } => "package.nuspec_too_large",
            PackageError::NuspecXml { .. } => "package.nuspec_xml",
            PackageError::NuspecDtd { .. } => "package.nuspec_dtd",
            PackageError::NuspecTooDeep { .. } => "package.nuspec_too_deep",
            PackageError::NuspecEncoding { .. } => "package.nuspec_encoding",
            PackageError::NuspecNoMetadata { .. } => "package.nuspec_no_metadata",
            PackageError::MissingField { .. } => "package.missing_field",
            PackageError::InvalidVersion { .. } => "package.invalid_version",
            PackageError::EntryCorrupt { .. } => "package.entry_corrupt",
            PackageError::NoSuchEntry { .. } => "package.no_such_entry",
            PackageError::EntryTooLarge { .. } => "package.entry_too_large",
            PackageError::NotAnAssembly { .. } => "package.not_an_assembly",
            PackageError::AssemblyMetadata { .. } => "package.assembly_metadata",
            PackageError::Cancelled { .. } => "package.cancelled",
        }
    }

    fn hint(&self) -> Option<String> {
        let hint = match self {
            PackageError::NotFound { .. } => "check the path, or pick the file again",
            PackageError::IsDirectory { .. } => "choose the .nupkg file inside the folder (often under bin/Release)",
            PackageError::Unreadable { .. } => "check that you may read the file and that it is not locked by another program",
            PackageError::Empty { .. } | PackageError::NotAZip { .. } => {
                "build the package again (dotnet pack or nuget pack); the file may have been cut short while copying or downloading"
            }
            PackageError::TooManyEntries { .. } | PackageError::TooLarge { .. } => {
                "nuget.org accepts packages up to 250 MB; leave build outputs you do not ship out of the package"
            }
            PackageError::SuspiciousCompression { .. }
            | PackageError::UnsafeEntryName { .. }
            | PackageError::DuplicateEntry { .. } => {
                "do not publish this file; build the package again with dotnet pack or nuget pack"
            }
            PackageError::NoNuspec | PackageError::MultipleNuspecs { .. } => {
                "a package needs exactly one <id>.nuspec at its root; build it again with dotnet pack or nuget pack"
            }
            PackageError::NuspecTooLarge { .. } => "keep the nuspec to metadata; long text belongs in a readme file",
            PackageError::NuspecXml { .. }
            | PackageError::NuspecTooDeep { .. }
            | PackageError::NuspecNoMetadata { .. } => {
                "fix the .nuspec (or the project properties it comes from) and pack again"
            }
            PackageError::NuspecDtd { .. } => "remove the <!DOCTYPE> and any entity definitions from the .nuspec and pack again",
            PackageError::NuspecEncoding { .. } => "save the .nuspec as UTF-8 and pack again",
            PackageError::MissingField { .. } => "set the value in the .nuspec (or the project file) and pack again",
            PackageError::InvalidVersion { .. } => {
                "use a version such as 1.2.3 or 1.2.3-beta.1 (one to four numbers, an optional -label) and pack again"
            }
            PackageError::ZipAmbiguous { .. } => {
                "do not publish this file: pack the project again with dotnet pack or nuget pack and publish that output as it is (do not append or prepend data, or re-zip it with another tool)"
            }
            PackageError::EntryCorrupt { .. } => {
                "the file was damaged after it was built; build or download it again and do not publish this copy"
            }
            PackageError::NoSuchEntry { .. } => "check the path the nuspec gives for this file",
            PackageError::EntryTooLarge { .. } => "make the file smaller",
            PackageError::Cancelled { .. } => "open the package again when you want to see it",
            PackageError::NotAnAssembly { .. } | PackageError::AssemblyMetadata { .. } => {
                "build the project again and pack the DLL from its bin/Release output; a damaged or renamed file fails when .NET loads it"
            }
        };
        Some(hint.to_string())
    }
}

/// How an entry is damaged: the rules tell a size that differs from the
/// directory's (nuget.org's own length check) from other damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Damage {
    /// It unpacks to another size than the central directory declares.
    LengthMismatch,
    /// Its CRC-32 does not match.
    Checksum,
    /// Its data cannot be read (encrypted, unknown compression, broken stream).
    Unreadable,
}
