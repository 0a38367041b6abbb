//! Who an assembly in the package says it is: .NET or native, its name,
//! version, culture and public-key token (ECMA-335 `Assembly` table), the
//! `TargetFrameworkAttribute` it was built with, and the framework and runtime
//! folder it sits in.
//!
//! PE headers are read with the `object` crate. The .NET metadata reader is
//! written here, bounded, because no crate fits: `dotnetdll` is GPL-3.0 (this
//! project is MIT OR Apache-2.0), `dotscope` needs Rust 1.95 (the workspace
//! supports 1.85) and is a whole reverse-engineering framework, and `object`,
//! `goblin` and `pelite` stop at the CLI header. It reads only the metadata
//! root, the stream headers, the `#~` table header and the rows it needs
//! (ECMA-335 §II.24.2 and §II.22); every offset is checked against the data,
//! and row counts only multiply small row sizes with checked arithmetic, so a
//! hostile file yields an error, never a panic or a large allocation.

use crate::archive::Entry;
use crate::error::PackageError;
use crate::files;
use crate::little_endian::{u16_at, u32_at, u64_at};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Largest assembly read (the health checks read up to the same size).
pub const MAX_ASSEMBLY_BYTES: u64 = 256 * 1024 * 1024;

/// What kind of binary an assembly entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AssemblyKind {
    /// A .NET assembly (the PE file has a CLI header).
    Managed,
    /// A native Windows DLL or EXE (no CLI header).
    Native,
}

/// An assembly's identity and where it sits in the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AssemblyInfo {
    /// The entry path as stored.
    pub path: String,
    pub kind: AssemblyKind,
    /// The CPU it runs on: `AnyCPU`, `AnyCPU (32-bit preferred)`, `x86`, `x64`, `arm64`, `arm`…
    pub architecture: String,
    /// Simple name from the `Assembly` table (`Newtonsoft.Json`); `None` for native files
    /// and for .NET modules that are not assemblies.
    pub name: Option<String>,
    /// Four-part assembly version (`13.0.0.0`).
    pub version: Option<String>,
    /// Culture of a satellite assembly (`de`); `None` when neutral.
    pub culture: Option<String>,
    /// Lower-case hex public-key token (`30ad4fe6b2a6aeed`); `None` when not strong-named.
    pub public_key_token: Option<String>,
    /// The CLR metadata version string (`v4.0.30319`).
    pub metadata_version: Option<String>,
    /// `TargetFrameworkAttribute` (`.NETCoreApp,Version=v6.0`), when the assembly has one.
    pub framework_attribute: Option<String>,
    /// The framework folder it sits in (`net6.0`), from the package conventions.
    pub target_framework: Option<String>,
    /// The runtime identifier for `runtimes/{rid}/…` (`win-x64`).
    pub runtime: Option<String>,
}

/// Is this entry one Nupub reads as an assembly (`.dll` or `.exe`)?
pub fn is_assembly_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".dll") || lower.ends_with(".exe")
}

/// Reads an assembly entry's identity. `bytes` are the entry's contents.
pub fn describe(entry: &Entry, bytes: &[u8]) -> Result<AssemblyInfo, PackageError> {
    let place = files::classify(entry);
    let pe = read_pe(bytes).map_err(|detail| PackageError::NotAnAssembly {
        entry: entry.path.clone(),
        detail,
    })?;
    let mut info = AssemblyInfo {
        path: entry.path.clone(),
        kind: AssemblyKind::Native,
        architecture: machine_name(pe.machine),
        name: None,
        version: None,
        culture: None,
        public_key_token: None,
        metadata_version: None,
        framework_attribute: None,
        target_framework: place.target_framework,
        runtime: place.runtime,
    };
    let Some(cli) = pe.cli else {
        return Ok(info);
    };
    let cli = cli.map_err(|detail| PackageError::NotAnAssembly {
        entry: entry.path.clone(),
        detail,
    })?;
    info.kind = AssemblyKind::Managed;
    info.architecture = managed_architecture(pe.machine, cli.flags);
    let bad = |detail: String| PackageError::AssemblyMetadata {
        entry: entry.path.clone(),
        detail,
    };
    let md = Metadata::parse(cli.metadata).map_err(bad)?;
    info.metadata_version = Some(md.version.clone());
    if let Some(identity) = md.assembly().map_err(bad)? {
        info.name = Some(identity.name);
        info.version = Some(identity.version);
        info.culture = identity.culture;
        info.public_key_token = identity.public_key_token;
        // The attribute is a nicety: a damaged custom attribute does not hide the identity.
        info.framework_attribute = md.target_framework_attribute().ok().flatten();
    }
    Ok(info)
}

// ---------------------------------------------------------------------------
// PE headers

pub(crate) struct PeView<'a> {
    pub(crate) machine: object::pe::Machine,
    /// The CLI header, for .NET files (`None` for native ones); an error when
    /// the PE names a CLI header that cannot be read.
    pub(crate) cli: Option<Result<Cli<'a>, String>>,
    /// The debug directory's 28-byte records (empty when it has none); an
    /// error when the PE names a debug directory that cannot be found.
    pub(crate) debug_directory: Result<&'a [u8], String>,
}

/// What the CLI header points at.
pub(crate) struct Cli<'a> {
    /// `COMIMAGE_FLAGS_*`.
    pub(crate) flags: u32,
    /// The metadata (from `BSJB`).
    pub(crate) metadata: &'a [u8],
}

/// Reads the PE headers: the machine, the CLI header and the debug directory.
pub(crate) fn read_pe(bytes: &[u8]) -> Result<PeView<'_>, String> {
    use object::read::pe::{ImageNtHeaders, PeFile32, PeFile64};
    fn view<'a, H: ImageNtHeaders>(
        file: &object::read::pe::PeFile<'a, H>,
        bytes: &'a [u8],
    ) -> PeView<'a> {
        let le = object::LittleEndian;
        let sections = file.section_table();
        let named = |entry| {
            file.data_directory(entry)
                .filter(|d| d.virtual_address.get(le) != 0)
        };
        let cli = named(object::pe::IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR).map(|clr| {
            let header = clr
                .data(bytes, &sections)
                .map_err(|e| format!("its CLI header cannot be found: {e}"))?;
            let md_rva = u32_at(header, 8).ok_or("its CLI header is cut short")?;
            let md_size = u32_at(header, 12).ok_or("its CLI header is cut short")?;
            let flags = u32_at(header, 16).ok_or("its CLI header is cut short")?;
            let metadata = sections
                .pe_data_at(bytes, md_rva)
                .ok_or("its metadata lies outside the file")?;
            let metadata = metadata
                .get(..usize::try_from(md_size).unwrap_or(usize::MAX))
                .ok_or("its metadata is cut short")?;
            Ok(Cli { flags, metadata })
        });
        let debug_directory = match named(object::pe::IMAGE_DIRECTORY_ENTRY_DEBUG) {
            None => Ok(&[][..]),
            Some(debug) => debug
                .data(bytes, &sections)
                .map_err(|e| format!("its debug directory cannot be found: {e}")),
        };
        PeView {
            machine: file.nt_headers().file_header().machine.get(le),
            cli,
            debug_directory,
        }
    }
    match object::FileKind::parse(bytes) {
        Ok(object::FileKind::Pe32) => {
            let file =
                PeFile32::parse(bytes).map_err(|e| format!("its PE headers are bad: {e}"))?;
            Ok(view(&file, bytes))
        }
        Ok(object::FileKind::Pe64) => {
            let file =
                PeFile64::parse(bytes).map_err(|e| format!("its PE headers are bad: {e}"))?;
            Ok(view(&file, bytes))
        }
        _ => Err("it is not a Windows PE file (a DLL or EXE)".into()),
    }
}

fn machine_name(machine: object::pe::Machine) -> String {
    match machine {
        object::pe::IMAGE_FILE_MACHINE_I386 => "x86".into(),
        object::pe::IMAGE_FILE_MACHINE_AMD64 => "x64".into(),
        object::pe::IMAGE_FILE_MACHINE_ARM64 => "arm64".into(),
        object::pe::IMAGE_FILE_MACHINE_ARMNT | object::pe::IMAGE_FILE_MACHINE_ARM => "arm".into(),
        object::pe::IMAGE_FILE_MACHINE_IA64 => "ia64".into(),
        other => format!("machine 0x{:04x}", other.0),
    }
}

const COMIMAGE_FLAGS_ILONLY: u32 = 0x1;
const COMIMAGE_FLAGS_32BITREQUIRED: u32 = 0x2;
const COMIMAGE_FLAGS_32BITPREFERRED: u32 = 0x2_0000;

/// What `<PlatformTarget>` the assembly was built with, from the machine and CLI flags.
fn managed_architecture(machine: object::pe::Machine, flags: u32) -> String {
    if machine != object::pe::IMAGE_FILE_MACHINE_I386 || flags & COMIMAGE_FLAGS_ILONLY == 0 {
        return machine_name(machine);
    }
    match (
        flags & COMIMAGE_FLAGS_32BITREQUIRED != 0,
        flags & COMIMAGE_FLAGS_32BITPREFERRED != 0,
    ) {
        (false, _) => "AnyCPU".into(),
        (true, true) => "AnyCPU (32-bit preferred)".into(),
        (true, false) => "x86".into(),
    }
}

// ---------------------------------------------------------------------------
// ECMA-335 metadata

/// Table numbers used here (ECMA-335 §II.22).
pub(crate) mod table {
    pub const MODULE: usize = 0x00;
    pub const TYPE_REF: usize = 0x01;
    pub const TYPE_DEF: usize = 0x02;
    pub const FIELD_PTR: usize = 0x03;
    pub const FIELD: usize = 0x04;
    pub const METHOD_PTR: usize = 0x05;
    pub const METHOD_DEF: usize = 0x06;
    pub const PARAM_PTR: usize = 0x07;
    pub const PARAM: usize = 0x08;
    pub const INTERFACE_IMPL: usize = 0x09;
    pub const MEMBER_REF: usize = 0x0A;
    pub const CONSTANT: usize = 0x0B;
    pub const CUSTOM_ATTRIBUTE: usize = 0x0C;
    pub const FIELD_MARSHAL: usize = 0x0D;
    pub const DECL_SECURITY: usize = 0x0E;
    pub const CLASS_LAYOUT: usize = 0x0F;
    pub const FIELD_LAYOUT: usize = 0x10;
    pub const STAND_ALONE_SIG: usize = 0x11;
    pub const EVENT_MAP: usize = 0x12;
    pub const EVENT_PTR: usize = 0x13;
    pub const EVENT: usize = 0x14;
    pub const PROPERTY_MAP: usize = 0x15;
    pub const PROPERTY_PTR: usize = 0x16;
    pub const PROPERTY: usize = 0x17;
    pub const METHOD_SEMANTICS: usize = 0x18;
    pub const METHOD_IMPL: usize = 0x19;
    pub const MODULE_REF: usize = 0x1A;
    pub const TYPE_SPEC: usize = 0x1B;
    pub const IMPL_MAP: usize = 0x1C;
    pub const FIELD_RVA: usize = 0x1D;
    pub const ENC_LOG: usize = 0x1E;
    pub const ENC_MAP: usize = 0x1F;
    pub const ASSEMBLY: usize = 0x20;
    pub const ASSEMBLY_PROCESSOR: usize = 0x21;
    pub const ASSEMBLY_OS: usize = 0x22;
    pub const ASSEMBLY_REF: usize = 0x23;
    pub const ASSEMBLY_REF_PROCESSOR: usize = 0x24;
    pub const ASSEMBLY_REF_OS: usize = 0x25;
    pub const FILE: usize = 0x26;
    pub const EXPORTED_TYPE: usize = 0x27;
    pub const MANIFEST_RESOURCE: usize = 0x28;
    pub const NESTED_CLASS: usize = 0x29;
    pub const GENERIC_PARAM: usize = 0x2A;
    pub const METHOD_SPEC: usize = 0x2B;
    pub const GENERIC_PARAM_CONSTRAINT: usize = 0x2C;
    /// Tables whose row counts the header lists (bits of the `Valid` mask).
    pub const COUNT: usize = 64;
}

/// A column of a metadata table.
#[derive(Clone, Copy)]
enum Col {
    Fixed(usize),
    Str,
    Guid,
    Blob,
    /// An index into one table.
    Index(usize),
    /// A coded index over these tables (§II.24.2.6).
    Coded(&'static [usize]),
}

use table as t;

pub(crate) const TYPE_DEF_OR_REF: &[usize] = &[t::TYPE_DEF, t::TYPE_REF, t::TYPE_SPEC];
pub(crate) const HAS_CONSTANT: &[usize] = &[t::FIELD, t::PARAM, t::PROPERTY];
pub(crate) const HAS_CUSTOM_ATTRIBUTE: &[usize] = &[
    t::METHOD_DEF,
    t::FIELD,
    t::TYPE_REF,
    t::TYPE_DEF,
    t::PARAM,
    t::INTERFACE_IMPL,
    t::MEMBER_REF,
    t::MODULE,
    t::DECL_SECURITY,
    t::PROPERTY,
    t::EVENT,
    t::STAND_ALONE_SIG,
    t::MODULE_REF,
    t::TYPE_SPEC,
    t::ASSEMBLY,
    t::ASSEMBLY_REF,
    t::FILE,
    t::EXPORTED_TYPE,
    t::MANIFEST_RESOURCE,
    t::GENERIC_PARAM,
    t::GENERIC_PARAM_CONSTRAINT,
    t::METHOD_SPEC,
];
/// HasCustomAttribute tag of the Assembly table.
const HAS_CUSTOM_ATTRIBUTE_ASSEMBLY: u32 = 14;
const HAS_FIELD_MARSHAL: &[usize] = &[t::FIELD, t::PARAM];
const HAS_DECL_SECURITY: &[usize] = &[t::TYPE_DEF, t::METHOD_DEF, t::ASSEMBLY];
pub(crate) const MEMBER_REF_PARENT: &[usize] = &[
    t::TYPE_DEF,
    t::TYPE_REF,
    t::MODULE_REF,
    t::METHOD_DEF,
    t::TYPE_SPEC,
];
/// MemberRefParent tag of the TypeRef table.
const MEMBER_REF_PARENT_TYPE_REF: u32 = 1;
pub(crate) const HAS_SEMANTICS: &[usize] = &[t::EVENT, t::PROPERTY];
const METHOD_DEF_OR_REF: &[usize] = &[t::METHOD_DEF, t::MEMBER_REF];
const MEMBER_FORWARDED: &[usize] = &[t::FIELD, t::METHOD_DEF];
pub(crate) const RESOLUTION_SCOPE: &[usize] =
    &[t::MODULE, t::MODULE_REF, t::ASSEMBLY_REF, t::TYPE_REF];
/// CustomAttributeType has five tags (two unused); only MethodDef (2) and MemberRef (3) occur.
pub(crate) const CUSTOM_ATTRIBUTE_TYPE: &[usize] = &[
    t::COUNT, // not used
    t::COUNT, // not used
    t::METHOD_DEF,
    t::MEMBER_REF,
    t::COUNT, // not used
];
const CUSTOM_ATTRIBUTE_TYPE_MEMBER_REF: u32 = 3;
const IMPLEMENTATION: &[usize] = &[t::FILE, t::ASSEMBLY_REF, t::EXPORTED_TYPE];
pub(crate) const TYPE_OR_METHOD_DEF: &[usize] = &[t::TYPE_DEF, t::METHOD_DEF];

/// The columns of tables 0x00 to 0x2C (every table an assembly's `#~` stream may hold).
fn columns(table: usize) -> &'static [Col] {
    use Col::*;
    match table {
        t::MODULE => &[Fixed(2), Str, Guid, Guid, Guid],
        t::TYPE_REF => &[Coded(RESOLUTION_SCOPE), Str, Str],
        t::TYPE_DEF => &[
            Fixed(4),
            Str,
            Str,
            Coded(TYPE_DEF_OR_REF),
            Index(t::FIELD),
            Index(t::METHOD_DEF),
        ],
        t::FIELD_PTR => &[Index(t::FIELD)],
        t::FIELD => &[Fixed(2), Str, Blob],
        t::METHOD_PTR => &[Index(t::METHOD_DEF)],
        t::METHOD_DEF => &[Fixed(4), Fixed(2), Fixed(2), Str, Blob, Index(t::PARAM)],
        t::PARAM_PTR => &[Index(t::PARAM)],
        t::PARAM => &[Fixed(2), Fixed(2), Str],
        t::INTERFACE_IMPL => &[Index(t::TYPE_DEF), Coded(TYPE_DEF_OR_REF)],
        t::MEMBER_REF => &[Coded(MEMBER_REF_PARENT), Str, Blob],
        t::CONSTANT => &[Fixed(2), Coded(HAS_CONSTANT), Blob],
        t::CUSTOM_ATTRIBUTE => &[
            Coded(HAS_CUSTOM_ATTRIBUTE),
            Coded(CUSTOM_ATTRIBUTE_TYPE),
            Blob,
        ],
        t::FIELD_MARSHAL => &[Coded(HAS_FIELD_MARSHAL), Blob],
        t::DECL_SECURITY => &[Fixed(2), Coded(HAS_DECL_SECURITY), Blob],
        t::CLASS_LAYOUT => &[Fixed(2), Fixed(4), Index(t::TYPE_DEF)],
        t::FIELD_LAYOUT => &[Fixed(4), Index(t::FIELD)],
        t::STAND_ALONE_SIG => &[Blob],
        t::EVENT_MAP => &[Index(t::TYPE_DEF), Index(t::EVENT)],
        t::EVENT_PTR => &[Index(t::EVENT)],
        t::EVENT => &[Fixed(2), Str, Coded(TYPE_DEF_OR_REF)],
        t::PROPERTY_MAP => &[Index(t::TYPE_DEF), Index(t::PROPERTY)],
        t::PROPERTY_PTR => &[Index(t::PROPERTY)],
        t::PROPERTY => &[Fixed(2), Str, Blob],
        t::METHOD_SEMANTICS => &[Fixed(2), Index(t::METHOD_DEF), Coded(HAS_SEMANTICS)],
        t::METHOD_IMPL => &[
            Index(t::TYPE_DEF),
            Coded(METHOD_DEF_OR_REF),
            Coded(METHOD_DEF_OR_REF),
        ],
        t::MODULE_REF => &[Str],
        t::TYPE_SPEC => &[Blob],
        t::IMPL_MAP => &[Fixed(2), Coded(MEMBER_FORWARDED), Str, Index(t::MODULE_REF)],
        t::FIELD_RVA => &[Fixed(4), Index(t::FIELD)],
        t::ENC_LOG => &[Fixed(4), Fixed(4)],
        t::ENC_MAP => &[Fixed(4)],
        t::ASSEMBLY => &[
            Fixed(4),
            Fixed(2),
            Fixed(2),
            Fixed(2),
            Fixed(2),
            Fixed(4),
            Blob,
            Str,
            Str,
        ],
        t::ASSEMBLY_PROCESSOR => &[Fixed(4)],
        t::ASSEMBLY_OS => &[Fixed(4), Fixed(4), Fixed(4)],
        t::ASSEMBLY_REF => &[
            Fixed(2),
            Fixed(2),
            Fixed(2),
            Fixed(2),
            Fixed(4),
            Blob,
            Str,
            Str,
            Blob,
        ],
        t::ASSEMBLY_REF_PROCESSOR => &[Fixed(4), Index(t::ASSEMBLY_REF)],
        t::ASSEMBLY_REF_OS => &[Fixed(4), Fixed(4), Fixed(4), Index(t::ASSEMBLY_REF)],
        t::FILE => &[Fixed(4), Str, Blob],
        t::EXPORTED_TYPE => &[Fixed(4), Fixed(4), Str, Str, Coded(IMPLEMENTATION)],
        t::MANIFEST_RESOURCE => &[Fixed(4), Fixed(4), Str, Coded(IMPLEMENTATION)],
        t::NESTED_CLASS => &[Index(t::TYPE_DEF), Index(t::TYPE_DEF)],
        t::GENERIC_PARAM => &[Fixed(2), Fixed(2), Coded(TYPE_OR_METHOD_DEF), Str],
        t::METHOD_SPEC => &[Coded(METHOD_DEF_OR_REF), Blob],
        t::GENERIC_PARAM_CONSTRAINT => &[Index(t::GENERIC_PARAM), Coded(TYPE_DEF_OR_REF)],
        _ => &[],
    }
}

/// The parts of the metadata this reader uses (the API surface reads them too).
pub(crate) struct Metadata<'a> {
    version: String,
    strings: &'a [u8],
    blobs: &'a [u8],
    /// Row data of each table, up to and including the last one asked for (empty when absent).
    tables: Vec<Table<'a>>,
    /// Offset and size of each column of each laid-out table.
    layouts: Vec<Vec<(usize, usize)>>,
    rows: [u32; table::COUNT],
    wide_str: bool,
    wide_guid: bool,
    wide_blob: bool,
}

#[derive(Clone, Copy, Default)]
pub(crate) struct Table<'a> {
    data: &'a [u8],
    row_size: usize,
    pub(crate) rows: u32,
}

impl<'a> Table<'a> {
    pub(crate) fn row(&self, n: u32) -> Option<&'a [u8]> {
        let index = usize::try_from(n.checked_sub(1)?).ok()?;
        let start = index.checked_mul(self.row_size)?;
        self.data.get(start..start.checked_add(self.row_size)?)
    }
}

/// Most stream headers a metadata root may list (real files have five or six).
const MAX_STREAMS: u16 = 16;
/// Longest metadata version string (ECMA-335 says at most 255 bytes).
const MAX_VERSION_LEN: u32 = 256;
/// Most `CustomAttribute` rows scanned for `TargetFrameworkAttribute`.
const MAX_ATTRIBUTE_ROWS: u32 = 1_000_000;

fn column_size(md: &Metadata<'_>, col: Col) -> usize {
    let wide = |w: bool| if w { 4 } else { 2 };
    match col {
        Col::Fixed(n) => n,
        Col::Str => wide(md.wide_str),
        Col::Guid => wide(md.wide_guid),
        Col::Blob => wide(md.wide_blob),
        Col::Index(tab) => wide(md.rows.get(tab).copied().unwrap_or(0) > 0xFFFF),
        Col::Coded(tables) => {
            let tag_bits = usize::BITS - (tables.len().saturating_sub(1)).leading_zeros();
            let max = tables
                .iter()
                .map(|tab| md.rows.get(*tab).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            wide(u64::from(max) >= 1u64 << (16 - tag_bits))
        }
    }
}

/// Splits a coded index (§II.24.2.6) into its table and row.
pub(crate) fn decode_coded(value: u32, tables: &[usize]) -> Option<(usize, u32)> {
    let tag_bits = usize::BITS - (tables.len().saturating_sub(1)).leading_zeros();
    let tag = (value & ((1u32 << tag_bits) - 1)) as usize;
    let table = *tables.get(tag)?;
    (table < table::COUNT).then_some((table, value >> tag_bits))
}

fn read_column(row: &[u8], at: usize, size: usize) -> Option<u32> {
    if size == 2 {
        u16_at(row, at).map(u32::from)
    } else {
        u32_at(row, at)
    }
}

/// The metadata of a .NET assembly's bytes with every table up to
/// `GenericParamConstraint` (0x2C) laid out; `Ok(None)` for a native file.
/// Errors: `(false, why)` when it is no PE file, `(true, why)` for bad metadata.
pub(crate) fn read_metadata(bytes: &[u8]) -> Result<Option<Metadata<'_>>, (bool, String)> {
    let pe = read_pe(bytes).map_err(|e| (false, e))?;
    match pe.cli {
        Some(cli) => {
            let cli = cli.map_err(|e| (false, e))?;
            Metadata::parse_up_to(cli.metadata, t::GENERIC_PARAM_CONSTRAINT)
                .map(Some)
                .map_err(|e| (true, e))
        }
        None => Ok(None),
    }
}

/// A metadata root (ECMA-335 §II.24.2.1): the version string and the stream
/// headers. Assemblies (inside the CLI header) and portable PDBs (the whole
/// file) both start with one.
pub(crate) struct MetadataRoot<'a> {
    pub(crate) version: String,
    pub(crate) streams: Vec<MetadataStream<'a>>,
}

/// One stream named by a metadata root.
pub(crate) struct MetadataStream<'a> {
    pub(crate) name: &'a [u8],
    /// Where the stream starts, from the start of the metadata root.
    pub(crate) offset: usize,
    pub(crate) data: &'a [u8],
}

impl<'a> MetadataRoot<'a> {
    /// Reads the root at the start of `md`; every stream must lie inside `md`.
    pub(crate) fn read(md: &'a [u8]) -> Result<MetadataRoot<'a>, String> {
        let cut = || "its metadata headers are cut short".to_string();
        if u32_at(md, 0) != Some(0x424A_5342) {
            return Err("its metadata does not start with the BSJB signature".into());
        }
        let version_len = u32_at(md, 12).ok_or_else(cut)?;
        if version_len > MAX_VERSION_LEN {
            return Err(format!(
                "its metadata version string claims {version_len} bytes"
            ));
        }
        let version_len = version_len as usize;
        let version_bytes = md.get(16..16 + version_len).ok_or_else(cut)?;
        let version = String::from_utf8_lossy(
            version_bytes
                .split(|b| *b == 0)
                .next()
                .unwrap_or(version_bytes),
        )
        .into_owned();
        let mut at = 16 + version_len;
        let stream_count = u16_at(md, at + 2).ok_or_else(cut)?;
        if stream_count > MAX_STREAMS {
            return Err(format!("its metadata claims {stream_count} streams"));
        }
        at += 4;
        let mut streams = Vec::with_capacity(usize::from(stream_count));
        for _ in 0..stream_count {
            let offset = u32_at(md, at).ok_or_else(cut)? as usize;
            let size = u32_at(md, at + 4).ok_or_else(cut)? as usize;
            let name_area = md.get(at + 8..).ok_or_else(cut)?;
            let nul = name_area
                .iter()
                .take(32)
                .position(|b| *b == 0)
                .ok_or("a metadata stream name is not terminated")?;
            let name = name_area.get(..nul).ok_or_else(cut)?;
            at += 8 + ((nul + 4) & !3);
            let data = offset
                .checked_add(size)
                .and_then(|end| md.get(offset..end))
                .ok_or_else(|| {
                    format!(
                        "the metadata stream {} lies outside the metadata",
                        String::from_utf8_lossy(name)
                    )
                })?;
            streams.push(MetadataStream { name, offset, data });
        }
        Ok(MetadataRoot { version, streams })
    }
}

impl<'a> Metadata<'a> {
    fn parse(md: &'a [u8]) -> Result<Metadata<'a>, String> {
        Metadata::parse_up_to(md, t::ASSEMBLY)
    }

    /// Lays out the tables up to and including `last` (later ones are not checked).
    fn parse_up_to(md: &'a [u8], last: usize) -> Result<Metadata<'a>, String> {
        let root = MetadataRoot::read(md)?;
        let (mut strings, mut blobs, mut tables_stream) = (&[][..], &[][..], None);
        for stream in &root.streams {
            match stream.name {
                b"#Strings" => strings = stream.data,
                b"#Blob" => blobs = stream.data,
                b"#~" | b"#-" => tables_stream = Some(stream.data),
                _ => {}
            }
        }
        let version = root.version;
        let tables = tables_stream.ok_or("its metadata has no #~ table stream")?;
        Metadata::parse_tables(version, strings, blobs, tables, last)
    }

    fn parse_tables(
        version: String,
        strings: &'a [u8],
        blobs: &'a [u8],
        stream: &'a [u8],
        last: usize,
    ) -> Result<Metadata<'a>, String> {
        let cut = || "the #~ table stream is cut short".to_string();
        let heap_sizes = *stream.get(6).ok_or_else(cut)?;
        let valid = u64_at(stream, 8).ok_or_else(cut)?;
        let mut rows = [0u32; table::COUNT];
        let mut at = 24usize;
        for (n, count) in rows.iter_mut().enumerate() {
            if valid & (1u64 << n) != 0 {
                *count = u32_at(stream, at).ok_or_else(cut)?;
                at += 4;
            }
        }
        // Uncompressed (#-) streams may carry four extra bytes after the row counts.
        if heap_sizes & 0x40 != 0 {
            at += 4;
        }
        let mut md = Metadata {
            version,
            strings,
            blobs,
            tables: Vec::with_capacity(last + 1),
            layouts: Vec::with_capacity(last + 1),
            rows,
            wide_str: heap_sizes & 0x01 != 0,
            wide_guid: heap_sizes & 0x02 != 0,
            wide_blob: heap_sizes & 0x04 != 0,
        };
        for n in 0..=last {
            let row_size: usize = columns(n).iter().map(|c| column_size(&md, *c)).sum();
            let count = md.rows.get(n).copied().unwrap_or(0);
            let len = row_size
                .checked_mul(count as usize)
                .filter(|len| *len <= stream.len())
                .ok_or_else(|| {
                    format!(
                        "metadata table 0x{n:02x} claims {count} rows, more than the file holds"
                    )
                })?;
            let data = at
                .checked_add(len)
                .and_then(|end| stream.get(at..end))
                .ok_or_else(|| format!("metadata table 0x{n:02x} is cut short"))?;
            md.tables.push(Table {
                data,
                row_size,
                rows: count,
            });
            let layout = md.layout(n);
            md.layouts.push(layout);
            at += len;
        }
        Ok(md)
    }

    pub(crate) fn table(&self, n: usize) -> Table<'a> {
        self.tables.get(n).copied().unwrap_or_default()
    }

    /// Offsets of each column in a row of table `n`, with their sizes.
    fn layout(&self, n: usize) -> Vec<(usize, usize)> {
        let mut at = 0;
        columns(n)
            .iter()
            .map(|c| {
                let size = column_size(self, *c);
                let here = (at, size);
                at += size;
                here
            })
            .collect()
    }

    pub(crate) fn column(&self, n: usize, row: &[u8], col: usize) -> Option<u32> {
        let (at, size) = self.layouts.get(n)?.get(col).copied()?;
        read_column(row, at, size)
    }

    pub(crate) fn string(&self, offset: u32) -> Result<String, String> {
        let rest = self
            .strings
            .get(offset as usize..)
            .ok_or("a name lies outside the #Strings heap")?;
        let nul = rest
            .iter()
            .position(|b| *b == 0)
            .ok_or("a name in the #Strings heap is not terminated")?;
        Ok(String::from_utf8_lossy(rest.get(..nul).unwrap_or_default()).into_owned())
    }

    pub(crate) fn blob(&self, offset: u32) -> Result<&'a [u8], String> {
        let at = offset as usize;
        let first = *self
            .blobs
            .get(at)
            .ok_or("a value lies outside the #Blob heap")?;
        let byte = |i: usize| self.blobs.get(at + i).copied().map(usize::from);
        let (len, head) = if first & 0x80 == 0 {
            (usize::from(first), 1)
        } else if first & 0xC0 == 0x80 {
            let b1 = byte(1).ok_or("the #Blob heap is cut short")?;
            ((usize::from(first & 0x3F) << 8) | b1, 2)
        } else if first & 0xE0 == 0xC0 {
            let (b1, b2, b3) = (byte(1), byte(2), byte(3));
            let (Some(b1), Some(b2), Some(b3)) = (b1, b2, b3) else {
                return Err("the #Blob heap is cut short".into());
            };
            (
                (usize::from(first & 0x1F) << 24) | (b1 << 16) | (b2 << 8) | b3,
                4,
            )
        } else {
            return Err("a #Blob heap length is malformed".into());
        };
        (at + head)
            .checked_add(len)
            .and_then(|end| self.blobs.get(at + head..end))
            .ok_or_else(|| "a value runs past the end of the #Blob heap".into())
    }

    /// The `Assembly` row, or `None` for a module that is not an assembly.
    pub(crate) fn assembly(&self) -> Result<Option<Identity>, String> {
        let tab = self.table(t::ASSEMBLY);
        let Some(row) = tab.row(1) else {
            return Ok(None);
        };
        let cut = || "the Assembly row is cut short".to_string();
        let part = |at: usize| u16_at(row, at).ok_or_else(cut);
        let version = format!("{}.{}.{}.{}", part(4)?, part(6)?, part(8)?, part(10)?);
        let col = |c: usize| self.column(t::ASSEMBLY, row, c).ok_or_else(cut);
        let public_key = self.blob(col(6)?)?;
        let name = self.string(col(7)?)?;
        let culture = self.string(col(8)?)?;
        Ok(Some(Identity {
            name,
            version,
            culture: Some(culture).filter(|c| !c.is_empty()),
            public_key_token: public_key_token(public_key),
        }))
    }

    /// `[assembly: TargetFrameworkAttribute("…")]`, when present.
    fn target_framework_attribute(&self) -> Result<Option<String>, String> {
        let attributes = self.table(t::CUSTOM_ATTRIBUTE);
        let refs = self.table(t::MEMBER_REF);
        let types = self.table(t::TYPE_REF);
        let parent_bits = 5;
        let type_bits = 3;
        for n in 1..=attributes.rows.min(MAX_ATTRIBUTE_ROWS) {
            let Some(row) = attributes.row(n) else { break };
            let parent = self.column(t::CUSTOM_ATTRIBUTE, row, 0).unwrap_or(0);
            if parent & ((1 << parent_bits) - 1) != HAS_CUSTOM_ATTRIBUTE_ASSEMBLY {
                continue;
            }
            let ty = self.column(t::CUSTOM_ATTRIBUTE, row, 1).unwrap_or(0);
            if ty & ((1 << type_bits) - 1) != CUSTOM_ATTRIBUTE_TYPE_MEMBER_REF {
                continue;
            }
            let Some(member) = refs.row(ty >> type_bits) else {
                continue;
            };
            let class = self.column(t::MEMBER_REF, member, 0).unwrap_or(0);
            if class & 0b111 != MEMBER_REF_PARENT_TYPE_REF {
                continue;
            }
            let Some(type_ref) = types.row(class >> 3) else {
                continue;
            };
            let name = self.string(self.column(t::TYPE_REF, type_ref, 1).unwrap_or(0))?;
            let namespace = self.string(self.column(t::TYPE_REF, type_ref, 2).unwrap_or(0))?;
            if name != "TargetFrameworkAttribute" || namespace != "System.Runtime.Versioning" {
                continue;
            }
            let value = self.blob(self.column(t::CUSTOM_ATTRIBUTE, row, 2).unwrap_or(0))?;
            return Ok(first_fixed_string(value));
        }
        Ok(None)
    }
}

pub(crate) struct Identity {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) culture: Option<String>,
    pub(crate) public_key_token: Option<String>,
}

/// The first fixed argument of a custom attribute blob when it is a string
/// (`01 00`, then a SerString: packed length + UTF-8; §II.23.3).
fn first_fixed_string(value: &[u8]) -> Option<String> {
    if value.get(..2)? != [1, 0] {
        return None;
    }
    let first = *value.get(2)?;
    let (len, head): (usize, usize) = if first == 0xFF {
        return None; // a null string
    } else if first & 0x80 == 0 {
        (usize::from(first), 3)
    } else if first & 0xC0 == 0x80 {
        (
            (usize::from(first & 0x3F) << 8) | usize::from(*value.get(3)?),
            4,
        )
    } else {
        return None;
    };
    let text = value.get(head..head.checked_add(len)?)?;
    Some(String::from_utf8_lossy(text).into_owned())
}

/// The public-key token: the last 8 bytes of the key's SHA-1, reversed (§II.6.2.1.3).
fn public_key_token(public_key: &[u8]) -> Option<String> {
    use sha1::{Digest, Sha1};
    if public_key.is_empty() {
        return None;
    }
    let hash = Sha1::digest(public_key);
    let tail = hash.get(hash.len().saturating_sub(8)..)?;
    Some(tail.iter().rev().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Package;

    fn entry(path: &str) -> Entry {
        Entry {
            path: path.into(),
            size: 0,
            compressed_size: 0,
            crc32: 0,
            modified: None,
            modified_at: None,
            dos_date_time: 0,
            is_directory: false,
            compression: "deflate".into(),
            utf8_flag: false,
            name_not_utf8: false,
            encrypted: false,
        }
    }

    fn from_fixture(fixture: &str, path: &str) -> Result<AssemblyInfo, PackageError> {
        Package::open(&nupub_fixtures::fixture(fixture))
            .unwrap()
            .assembly_info(path)
    }

    #[test]
    fn newtonsoft_json_identity() {
        let info = from_fixture(
            "Newtonsoft.Json.13.0.3.nupkg",
            "lib/net6.0/Newtonsoft.Json.dll",
        )
        .unwrap();
        assert_eq!(info.kind, AssemblyKind::Managed);
        assert_eq!(info.name.as_deref(), Some("Newtonsoft.Json"));
        assert_eq!(info.version.as_deref(), Some("13.0.0.0"));
        assert_eq!(info.culture, None);
        assert_eq!(info.public_key_token.as_deref(), Some("30ad4fe6b2a6aeed"));
        assert_eq!(info.target_framework.as_deref(), Some("net6.0"));
        assert_eq!(info.runtime, None);
        assert_eq!(info.architecture, "AnyCPU");
        assert_eq!(info.metadata_version.as_deref(), Some("v4.0.30319"));
        assert_eq!(
            info.framework_attribute.as_deref(),
            Some(".NETCoreApp,Version=v6.0")
        );
    }

    #[test]
    fn an_old_framework_assembly_and_an_unsigned_one() {
        let info = from_fixture(
            "Newtonsoft.Json.13.0.3.nupkg",
            "lib/net20/Newtonsoft.Json.dll",
        )
        .unwrap();
        assert_eq!(info.target_framework.as_deref(), Some("net20"));
        assert_eq!(info.version.as_deref(), Some("13.0.0.0"));
        // .NET Framework 2.0 has no TargetFrameworkAttribute.
        assert_eq!(info.framework_attribute, None);
        let unsigned = from_fixture("TestData.1.2.3.nupkg", "lib/net5.0/TestData.dll").unwrap();
        assert_eq!(unsigned.name.as_deref(), Some("TestData"));
        assert_eq!(unsigned.public_key_token, None);
        assert_eq!(unsigned.target_framework.as_deref(), Some("net5.0"));
    }

    #[test]
    fn satellite_assembly_has_its_culture() {
        let info = from_fixture(
            "System.Text.Json.8.0.3.nupkg",
            "analyzers/dotnet/roslyn3.11/cs/de/System.Text.Json.SourceGeneration.resources.dll",
        )
        .unwrap();
        assert_eq!(info.kind, AssemblyKind::Managed);
        assert_eq!(info.culture.as_deref(), Some("de"));
        assert_eq!(
            info.name.as_deref(),
            Some("System.Text.Json.SourceGeneration.resources")
        );
    }

    #[test]
    fn native_dll_in_runtimes_names_its_machine_and_rid() {
        let info = from_fixture(
            "PackageWithNativeCustomControl.1.0.14.nupkg",
            "runtimes/win10-x86/native/NativePackage/NativePackage.dll",
        )
        .unwrap();
        assert_eq!(info.kind, AssemblyKind::Native);
        assert_eq!(info.architecture, "x86");
        assert_eq!(info.runtime.as_deref(), Some("win10-x86"));
        assert_eq!(info.name, None);
        assert_eq!(info.version, None);
    }

    #[test]
    fn runtimes_lib_folder_gives_framework_and_rid() {
        let bytes = Package::open(&nupub_fixtures::fixture("TestData.1.2.3.nupkg"))
            .unwrap()
            .read_entry("lib/net5.0/TestData.dll", MAX_ASSEMBLY_BYTES)
            .unwrap();
        let info = describe(&entry("runtimes/win-x64/lib/net8.0/TestData.dll"), &bytes).unwrap();
        assert_eq!(info.runtime.as_deref(), Some("win-x64"));
        assert_eq!(info.target_framework.as_deref(), Some("net8.0"));
    }

    /// Mono's own reader (`gacutil`, from the Mono the test peers use) names the
    /// assembly the same way: an independent reference for name, version,
    /// culture and token.
    #[test]
    fn matches_monos_reading_of_the_same_files() {
        let package =
            Package::open(&nupub_fixtures::fixture("Newtonsoft.Json.13.0.3.nupkg")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "lib/net6.0/Newtonsoft.Json.dll",
            "lib/net45/Newtonsoft.Json.dll",
        ] {
            let bytes = package.read_entry(path, MAX_ASSEMBLY_BYTES).unwrap();
            let file = dir.path().join("Newtonsoft.Json.dll");
            std::fs::write(&file, &bytes).unwrap();
            let root = dir.path().join(path.replace('/', "_"));
            let gacutil = "/usr/lib/mono/4.5/gacutil.exe";
            let run = |args: &[&std::ffi::OsStr]| {
                let out = std::process::Command::new("mono")
                    .arg(gacutil)
                    .args(args)
                    .output()
                    .expect("mono (the test peers' runtime) must be installed");
                assert!(out.status.success(), "{out:?}");
                String::from_utf8_lossy(&out.stdout).into_owned()
            };
            run(&[
                "-i".as_ref(),
                file.as_os_str(),
                "-root".as_ref(),
                root.as_os_str(),
            ]);
            let listing = run(&["-l".as_ref(), "-root".as_ref(), root.as_os_str()]);
            let mono_says = listing
                .lines()
                .find(|l| l.starts_with("Newtonsoft.Json,"))
                .unwrap_or_else(|| panic!("gacutil listed no assembly: {listing}"))
                .trim()
                .to_string();
            let info = describe(&entry(path), &bytes).unwrap();
            let ours = format!(
                "{}, Version={}, Culture={}, PublicKeyToken={}",
                info.name.unwrap(),
                info.version.unwrap(),
                info.culture.unwrap_or_else(|| "neutral".into()),
                info.public_key_token.unwrap_or_else(|| "null".into())
            );
            assert_eq!(ours, mono_says, "{path}");
        }
    }

    #[test]
    fn garbage_and_truncated_files_are_errors() {
        let code = |r: Result<AssemblyInfo, PackageError>| {
            nupub_error::Coded::code(&r.unwrap_err()).to_string()
        };
        let e = entry("lib/net6.0/A.dll");
        assert_eq!(code(describe(&e, b"")), "package.not_an_assembly");
        assert_eq!(
            code(describe(&e, b"MZ\0\0garbage")),
            "package.not_an_assembly"
        );
        let real = Package::open(&nupub_fixtures::fixture("TestData.1.2.3.nupkg"))
            .unwrap()
            .read_entry("lib/net5.0/TestData.dll", MAX_ASSEMBLY_BYTES)
            .unwrap();
        // Every prefix of a real assembly: an error or an identity, never a panic.
        for len in (0..real.len()).step_by(7) {
            let _ = describe(&e, real.get(..len).unwrap());
        }
        let err = describe(&e, real.get(..real.len() / 2).unwrap()).unwrap_err();
        let info = nupub_error::Coded::info(&err);
        assert!(info.message.contains("lib/net6.0/A.dll"), "{info:?}");
        assert!(info.hint.is_some());
    }

    /// Finds the metadata root in a real assembly and damages one field at a time.
    #[test]
    fn bogus_offsets_and_huge_row_counts() {
        let real = Package::open(&nupub_fixtures::fixture("TestData.1.2.3.nupkg"))
            .unwrap()
            .read_entry("lib/net5.0/TestData.dll", MAX_ASSEMBLY_BYTES)
            .unwrap();
        let root = real.windows(4).position(|w| w == b"BSJB").unwrap();
        let e = entry("lib/net5.0/TestData.dll");
        let damaged = |at: usize, bytes: &[u8]| {
            let mut copy = real.clone();
            copy.get_mut(at..at + bytes.len())
                .unwrap()
                .copy_from_slice(bytes);
            describe(&e, &copy)
        };
        let code = |r: Result<AssemblyInfo, PackageError>| {
            nupub_error::Coded::code(&r.unwrap_err()).to_string()
        };
        // Version string length far past the data.
        assert_eq!(
            code(damaged(root + 12, &0xFFFF_FFF0u32.to_le_bytes())),
            "package.assembly_metadata"
        );
        // Too many streams.
        let version_len = u32_at(&real, root + 12).unwrap() as usize;
        let streams_at = root + 16 + version_len + 2;
        assert_eq!(
            code(damaged(streams_at, &0xFFFFu16.to_le_bytes())),
            "package.assembly_metadata"
        );
        // First stream offset far outside the metadata.
        assert_eq!(
            code(damaged(streams_at + 2, &0x7FFF_FFF0u32.to_le_bytes())),
            "package.assembly_metadata"
        );
        // Find the #~ stream and claim 4 billion Module rows.
        let md = real.get(root..).unwrap();
        let mut at = 16 + version_len + 4;
        let mut tables_at = None;
        for _ in 0..u16_at(md, 16 + version_len + 2).unwrap() {
            let offset = u32_at(md, at).unwrap() as usize;
            let name = md.get(at + 8..at + 10).unwrap();
            let nul = md
                .get(at + 8..)
                .unwrap()
                .iter()
                .position(|b| *b == 0)
                .unwrap();
            if name == b"#~" {
                tables_at = Some(root + offset);
            }
            at += 8 + ((nul + 4) & !3);
        }
        let tables_at = tables_at.unwrap();
        assert_eq!(
            code(damaged(tables_at + 24, &u32::MAX.to_le_bytes())),
            "package.assembly_metadata"
        );
        // Wide heaps the file does not have: rows no longer fit in the #~ stream.
        assert_eq!(
            code(damaged(tables_at + 6, &[0x07])),
            "package.assembly_metadata"
        );
    }

    #[test]
    fn random_bytes_never_panic() {
        // A small xorshift generator: the same inputs on every run.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let real = Package::open(&nupub_fixtures::fixture("TestData.1.2.3.nupkg"))
            .unwrap()
            .read_entry("lib/net5.0/TestData.dll", MAX_ASSEMBLY_BYTES)
            .unwrap();
        let e = entry("lib/net5.0/TestData.dll");
        for _ in 0..300 {
            let len = (next() % 4096) as usize;
            let noise: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let _ = describe(&e, &noise);
            // The real file with a few bytes changed, most often in its headers and metadata.
            let mut copy = real.clone();
            for _ in 0..1 + next() % 8 {
                let at = (next() as usize) % copy.len();
                if let Some(b) = copy.get_mut(at) {
                    *b = next() as u8;
                }
            }
            let _ = describe(&e, &copy);
        }
        // Blob lengths and attribute strings on their own.
        assert_eq!(
            first_fixed_string(&[1, 0, 3, b'a', b'b', b'c']).as_deref(),
            Some("abc")
        );
        assert_eq!(first_fixed_string(&[1, 0, 200]), None);
        assert_eq!(first_fixed_string(&[1, 0, 0xFF]), None);
        assert_eq!(first_fixed_string(&[]), None);
    }

    #[test]
    fn architectures() {
        use object::pe::*;
        assert_eq!(managed_architecture(IMAGE_FILE_MACHINE_I386, 1), "AnyCPU");
        assert_eq!(managed_architecture(IMAGE_FILE_MACHINE_I386, 3), "x86");
        assert_eq!(
            managed_architecture(IMAGE_FILE_MACHINE_I386, 0x2_0003),
            "AnyCPU (32-bit preferred)"
        );
        assert_eq!(managed_architecture(IMAGE_FILE_MACHINE_AMD64, 1), "x64");
        assert_eq!(managed_architecture(IMAGE_FILE_MACHINE_ARM64, 1), "arm64");
        assert_eq!(machine_name(Machine(0x1234)), "machine 0x1234");
        assert!(is_assembly_path("lib/net6.0/A.DLL"));
        assert!(is_assembly_path("tools/a.exe"));
        assert!(!is_assembly_path("lib/net6.0/A.pdb"));
    }
}

#[cfg(test)]
mod every_fixture {
    use super::*;
    use crate::Package;

    /// Every .dll/.exe in every real fixture package reads: a .NET assembly
    /// named like its file, or a native library. The only errors allowed: the
    /// CORRUPT fixture's damaged entries fail their CRC, and placeholder files
    /// of a few bytes are not assemblies.
    #[test]
    fn every_real_assembly_reads() {
        let mut seen = 0;
        for dir_entry in std::fs::read_dir(nupub_fixtures::fixtures_dir()).unwrap() {
            let path = dir_entry.unwrap().path();
            let Ok(package) = Package::open(&path) else {
                continue;
            };
            for entry in package.entries() {
                if entry.is_directory || !is_assembly_path(&entry.path) {
                    continue;
                }
                seen += 1;
                match package.assembly_info(&entry.path) {
                    Ok(info) if info.kind == AssemblyKind::Managed => {
                        let stem = entry
                            .normalized_path()
                            .rsplit('/')
                            .next()
                            .unwrap()
                            .rsplit_once('.')
                            .unwrap()
                            .0
                            .to_string();
                        let name = info.name.clone().unwrap_or_default();
                        assert!(
                            name.eq_ignore_ascii_case(&stem),
                            "{}: {} names itself {name:?}",
                            path.display(),
                            entry.path
                        );
                        assert_eq!(
                            info.version.as_deref().map(|v| v.split('.').count()),
                            Some(4)
                        );
                    }
                    Ok(info) => assert!(!info.architecture.is_empty()),
                    // NuGet's own signing test packages hold 1-byte placeholder DLLs.
                    Err(e) if entry.size < 64 => {
                        assert_eq!(nupub_error::Coded::code(&e), "package.not_an_assembly")
                    }
                    Err(e) => assert!(
                        path.to_string_lossy().contains("CORRUPT")
                            && nupub_error::Coded::code(&e) == "package.entry_corrupt",
                        "{}: {}: {e}",
                        path.display(),
                        entry.path
                    ),
                }
            }
        }
        assert!(seen > 30, "only {seen} assemblies in the fixtures");
    }
}
