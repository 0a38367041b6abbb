//! What an assembly says about its PDB (the PE debug directory) and what a
//! PDB says about itself, for the health and symbol rules.
//!
//! The PE headers come from [`crate::assembly`]'s one PE reader (the `object`
//! crate) and a portable PDB's stream headers from its one metadata-root
//! reader. Portable PDBs are otherwise read with `symbolic-ppdb` (Sentry's
//! maintained reader: PDB id, documents, Source Link map, embedded sources),
//! the only maintained portable-PDB reader on crates.io. It does not expose
//! the compilation-options record or the byte offset of the PDB id (needed
//! for the PDB checksum), so [`read_pdb`] takes those two facts from the
//! stream headers.

use crate::assembly::{read_pe, MetadataRoot};
use crate::little_endian::u32_at;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;

/// Debug directory entry types (PE/COFF spec, "Debug Type").
const DEBUG_CODEVIEW: u32 = 2;
const DEBUG_REPRO: u32 = 16;
const DEBUG_EMBEDDED_PDB: u32 = 17;
const DEBUG_PDB_CHECKSUM: u32 = 19;

/// Largest embedded PDB inflated.
const MAX_EMBEDDED_PDB: usize = 256 * 1024 * 1024;

/// GUID of the "compilation options" custom debug information, in the
/// byte order the #GUID heap stores it (B5FEEC05-8CD0-4A83-96DA-466284BB4BD8).
const COMPILATION_OPTIONS_GUID: [u8; 16] = [
    0x05, 0xEC, 0xFE, 0xB5, 0xD0, 0x8C, 0x83, 0x4A, 0x96, 0xDA, 0x46, 0x62, 0x84, 0xBB, 0x4B, 0xD8,
];

/// A CodeView (RSDS) record: which PDB the assembly was built with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeView {
    pub guid: [u8; 16],
    pub age: u32,
    pub pdb_path: String,
}

/// What the PE headers say.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PeFacts {
    /// Has a CLR header (a .NET assembly rather than a native DLL).
    pub managed: bool,
    /// The debug directory has a Reproducible entry (built deterministically).
    pub reproducible: bool,
    pub codeview: Vec<CodeView>,
    /// PdbChecksum entries: (algorithm name, digest).
    pub pdb_checksums: Vec<(String, Vec<u8>)>,
    /// The embedded portable PDB, when there is one.
    pub embedded_pdb: Option<Result<PdbFacts, String>>,
}

/// What a PDB says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PdbFacts {
    /// A portable PDB (`BSJB`); `false` for a Windows (MSF) PDB.
    pub portable: bool,
    /// The 20-byte PDB id (GUID + stamp) of a portable PDB.
    pub id: Option<Vec<u8>>,
    /// SHA-256 of the PDB with its id zeroed (what a PdbChecksum entry holds).
    pub sha256: Option<Vec<u8>>,
    pub has_source_link: bool,
    /// A compilation-options record is present (compiler flags recorded).
    pub compiler_flags: bool,
    pub documents: usize,
    pub embedded_sources: usize,
    /// Documents neither mapped by Source Link nor embedded.
    pub untracked: Vec<String>,
}

impl PdbFacts {
    /// The first 16 bytes of the id: the GUID the assembly's CodeView record names.
    pub fn guid(&self) -> Option<&[u8]> {
        self.id.as_deref().and_then(|id| id.get(..16))
    }
}

/// Reads what an assembly's PE headers say about its build and its PDB.
pub fn read_assembly_debug(bytes: &[u8]) -> Result<PeFacts, String> {
    let pe = read_pe(bytes)?;
    let mut facts = PeFacts {
        managed: pe.cli.is_some(),
        ..PeFacts::default()
    };
    for record in pe.debug_directory?.chunks_exact(28) {
        let kind = u32_at(record, 12).unwrap_or(0);
        let size = u32_at(record, 16).unwrap_or(0) as usize;
        let pointer = u32_at(record, 24).unwrap_or(0) as usize;
        let data = pointer
            .checked_add(size)
            .and_then(|end| bytes.get(pointer..end))
            .unwrap_or(&[]);
        match kind {
            DEBUG_REPRO => facts.reproducible = true,
            DEBUG_CODEVIEW if data.starts_with(b"RSDS") && data.len() >= 24 => {
                let mut guid = [0u8; 16];
                guid.copy_from_slice(data.get(4..20).unwrap_or(&[0; 16]));
                let path = data.get(24..).unwrap_or(&[]);
                let path = path.split(|b| *b == 0).next().unwrap_or(&[]);
                facts.codeview.push(CodeView {
                    guid,
                    age: u32_at(data, 20).unwrap_or(0),
                    pdb_path: String::from_utf8_lossy(path).into_owned(),
                });
            }
            DEBUG_PDB_CHECKSUM => {
                if let Some(nul) = data.iter().position(|b| *b == 0) {
                    let name = String::from_utf8_lossy(data.get(..nul).unwrap_or(&[])).into_owned();
                    let digest = data.get(nul + 1..).unwrap_or(&[]).to_vec();
                    facts.pdb_checksums.push((name, digest));
                }
            }
            DEBUG_EMBEDDED_PDB => {
                facts.embedded_pdb = Some(inflate_embedded(data).and_then(|pdb| read_pdb(&pdb)))
            }
            _ => {}
        }
    }
    Ok(facts)
}

/// An embedded PDB is `MPDB`, the uncompressed size, then a deflate stream.
fn inflate_embedded(data: &[u8]) -> Result<Vec<u8>, String> {
    if !data.starts_with(b"MPDB") {
        return Err("the embedded PDB record does not start with MPDB".into());
    }
    let size = u32_at(data, 4).unwrap_or(0) as usize;
    if size > MAX_EMBEDDED_PDB {
        return Err(format!("the embedded PDB claims {size} bytes"));
    }
    let mut out = Vec::with_capacity(size);
    flate2::read::DeflateDecoder::new(data.get(8..).unwrap_or(&[]))
        .take(size as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("the embedded PDB does not inflate: {e}"))?;
    if out.len() != size {
        return Err(format!(
            "the embedded PDB inflates to {} bytes, not {size}",
            out.len()
        ));
    }
    Ok(out)
}

/// Reads a PDB: a Windows PDB is reported as not portable; a portable PDB is read fully.
pub fn read_pdb(bytes: &[u8]) -> Result<PdbFacts, String> {
    if bytes.starts_with(b"Microsoft C/C++ MSF 7.00") {
        return Ok(PdbFacts::default());
    }
    if !bytes.starts_with(b"BSJB") {
        return Err("it is neither a portable PDB nor a Windows PDB".into());
    }
    let root = MetadataRoot::read(bytes)?;
    let mut facts = PdbFacts {
        portable: true,
        ..PdbFacts::default()
    };
    for stream in &root.streams {
        match stream.name {
            b"#Pdb" if stream.data.len() >= 20 => {
                facts.id = stream.data.get(..20).map(<[u8]>::to_vec);
                let mut copy = bytes.to_vec();
                if let Some(id) = copy.get_mut(stream.offset..stream.offset + 20) {
                    id.fill(0);
                }
                facts.sha256 = Some(Sha256::digest(&copy).to_vec());
            }
            b"#GUID" => {
                facts.compiler_flags = stream
                    .data
                    .chunks_exact(16)
                    .any(|g| g == COMPILATION_OPTIONS_GUID);
            }
            _ => {}
        }
    }
    // symbolic-ppdb is written for untrusted input; the unwind guard keeps a
    // bug in it from taking the whole validation down.
    let parsed = std::panic::catch_unwind(
        || -> Result<(bool, usize, Vec<String>, Vec<String>), String> {
            let pdb = symbolic_ppdb::PortablePdb::parse(bytes)
                .map_err(|e| format!("its metadata does not parse: {e}"))?;
            let has_source_link = pdb.has_source_links().unwrap_or(false);
            let count = pdb.get_documents_count().unwrap_or(0);
            let embedded: Vec<String> = match pdb.get_embedded_sources() {
                Ok(iter) => iter
                    .filter_map(Result::ok)
                    .map(|s| s.get_path().to_string())
                    .collect(),
                Err(_) => Vec::new(),
            };
            let mut untracked = Vec::new();
            for i in 1..=count {
                if let Ok(doc) = pdb.get_document(i) {
                    if pdb.get_source_link(&doc).is_none() && !embedded.contains(&doc.name) {
                        untracked.push(doc.name);
                    }
                }
            }
            Ok((has_source_link, count, embedded, untracked))
        },
    )
    .map_err(|_| "its metadata could not be read".to_string())??;
    facts.has_source_link = parsed.0;
    facts.documents = parsed.1;
    facts.embedded_sources = parsed.2.len();
    facts.untracked = parsed.3;
    Ok(facts)
}

/// Does this PDB belong to this assembly? Compares the CodeView GUID with the
/// PDB id and, when the assembly records one, the SHA-256 PDB checksum.
pub fn pdb_matches(pe: &PeFacts, pdb: &PdbFacts) -> bool {
    let Some(guid) = pdb.guid() else {
        return false;
    };
    let guid_ok = pe.codeview.iter().any(|cv| cv.guid.as_slice() == guid);
    let checksum_ok = pe
        .pdb_checksums
        .iter()
        .filter(|(alg, _)| alg.eq_ignore_ascii_case("SHA256"))
        .all(|(_, digest)| pdb.sha256.as_deref() == Some(digest.as_slice()));
    guid_ok && checksum_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read_assembly_debug(b"").is_err());
        assert!(read_assembly_debug(b"MZ\0\0garbage").is_err());
        assert!(read_pdb(b"").is_err());
        assert!(read_pdb(b"BSJB").is_err());
        let mut cut = b"BSJB".to_vec();
        cut.extend([1, 0, 1, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]);
        assert!(read_pdb(&cut).is_err());
        assert!(inflate_embedded(b"MPDB\xff\xff\xff\xffxx").is_err());
        assert!(inflate_embedded(b"NOPE").is_err());
    }

    #[test]
    fn windows_pdb_is_not_portable() {
        let facts = read_pdb(b"Microsoft C/C++ MSF 7.00\r\n\x1aDS\0\0\0").unwrap();
        assert!(!facts.portable);
    }

    #[test]
    fn real_assembly_and_pdb_from_a_fixture() {
        let package =
            crate::Package::open(&nupub_fixtures::fixture("Newtonsoft.Json.Bson.1.0.2.nupkg"))
                .unwrap();
        let dll = package
            .read_entry("lib/netstandard2.0/Newtonsoft.Json.Bson.dll", 1 << 26)
            .unwrap();
        let pdb = package
            .read_entry("lib/netstandard2.0/Newtonsoft.Json.Bson.pdb", 1 << 26)
            .unwrap();
        let pe = read_assembly_debug(&dll).unwrap();
        assert!(pe.managed);
        assert_eq!(pe.codeview.len(), 1, "{pe:?}");
        let pdb = read_pdb(&pdb).unwrap();
        assert!(pdb.portable);
        assert!(pdb.documents > 0);
        assert!(pdb_matches(&pe, &pdb), "{pe:?} {pdb:?}");
        // The PDB of another build does not match.
        let other = package
            .read_entry("lib/net45/Newtonsoft.Json.Bson.pdb", 1 << 26)
            .unwrap();
        assert!(!pdb_matches(&pe, &read_pdb(&other).unwrap()));
    }
}
