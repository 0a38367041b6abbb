//! The one step that reads files. Everything the pure rules need beyond the
//! package model is gathered here, bounded, and never fails: a part that
//! cannot be read is recorded as such and becomes a finding.

use crate::certificates::SigningFacts;
use nupub_package::pdb::{self, PdbFacts, PeFacts};
use nupub_package::{IntegrityReport, Package};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Files the licence, icon, readme and MCP rules read are read up to this size (1 MiB + 1).
pub const MAX_SMALL_FILE: u64 = 1024 * 1024 + 1;
/// Largest assembly or PDB read for the health checks.
pub const MAX_BINARY: u64 = 256 * 1024 * 1024;

/// One small file read from the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileBytes {
    Read(Vec<u8>),
    /// Its data is longer or shorter than its zip header says.
    LengthMismatch(String),
    /// Too large to read, or damaged.
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyFacts {
    /// Entry path as stored.
    pub path: String,
    pub pe: Result<PeFacts, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdbEntry {
    pub path: String,
    pub pdb: Result<PdbFacts, String>,
}

/// The package paired with this one: the `.snupkg` beside a `.nupkg`, or the other way round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Companion {
    pub path: PathBuf,
    pub assemblies: Vec<AssemblyFacts>,
    pub pdbs: Vec<PdbEntry>,
    /// Why it could not be read.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackageFacts {
    /// Seconds since 1970 (UTC) when the facts were gathered.
    pub now_unix: i64,
    /// Why the archive is Zip64, when it is.
    pub zip64: Option<String>,
    pub integrity: Option<IntegrityReport>,
    pub integrity_error: Option<String>,
    /// Licence, icon, readme and `.mcp/server.json` entries, by entry path as stored.
    pub files: BTreeMap<String, FileBytes>,
    /// Assemblies under lib/, ref/ and runtimes/ (not runtimes/*/native, not satellites).
    pub assemblies: Vec<AssemblyFacts>,
    /// Every `.pdb` entry.
    pub pdbs: Vec<PdbEntry>,
    pub companion: Option<Companion>,
    /// `owner/name` for the github target.
    pub github_repository: Option<String>,
    /// The author signature's certificates and timestamps (author-signed packages only).
    pub signing: Option<SigningFacts>,
}

/// Is this entry an assembly the health checks look at?
pub fn is_checked_assembly(path: &str) -> bool {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    // Everything NuGet ships to a consumer's build or tools, not just lib/:
    // MSBuild tasks (build/, buildTransitive/), analyzers and tools run on
    // the consumer's machine too.
    let in_folder = [
        "lib/",
        "ref/",
        "runtimes/",
        "tools/",
        "build/",
        "buildtransitive/",
        "analyzers/",
    ]
    .iter()
    .any(|folder| lower.starts_with(folder));
    let native = lower.starts_with("runtimes/") && lower.split('/').nth(2) == Some("native");
    in_folder
        && !native
        && nupub_package::assembly::is_assembly_path(&lower)
        && !lower.ends_with(".resources.dll")
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl PackageFacts {
    /// Reads what the rules need. `verify` streams every entry through its CRC check.
    pub fn gather(package: &Package, verify: bool) -> PackageFacts {
        let mut facts = PackageFacts {
            now_unix: now_unix(),
            zip64: package.zip64_reason().map(str::to_string),
            ..PackageFacts::default()
        };
        if verify {
            match package.verify_integrity() {
                Ok(report) => facts.integrity = Some(report),
                Err(e) => facts.integrity_error = Some(e.to_string()),
            }
        }
        let nuspec = package.nuspec();
        let mut wanted: Vec<String> = Vec::new();
        if let Some(l) = nuspec
            .license
            .as_ref()
            .filter(|l| l.kind.as_deref() == Some("file"))
        {
            wanted.push(l.value.clone());
        }
        wanted.extend(nuspec.icon.as_ref().map(|i| i.value.clone()));
        wanted.extend(nuspec.readme.as_ref().map(|r| r.value.clone()));
        wanted.push(".mcp/server.json".into());
        for want in wanted {
            let normalized = crate::paths::normalize_path(&want);
            let Some(entry) = package
                .entries()
                .iter()
                .find(|e| crate::paths::normalize_path(&e.path) == normalized)
            else {
                continue;
            };
            let bytes = if entry.size > MAX_SMALL_FILE {
                FileBytes::Unreadable(format!("it is {} bytes", entry.size))
            } else {
                match package.read_entry(&entry.path, MAX_SMALL_FILE) {
                    Ok(b) => FileBytes::Read(b),
                    Err(
                        e @ nupub_package::PackageError::EntryCorrupt {
                            kind: nupub_package::Damage::LengthMismatch,
                            ..
                        },
                    ) => FileBytes::LengthMismatch(e.to_string()),
                    Err(e) => FileBytes::Unreadable(e.to_string()),
                }
            };
            facts.files.insert(entry.path.clone(), bytes);
        }
        let (assemblies, pdbs) = binaries(package);
        facts.assemblies = assemblies;
        facts.pdbs = pdbs;
        facts.companion = companion_of(package);
        facts.signing = signing_of(package);
        facts
    }
}

fn signing_of(package: &Package) -> Option<SigningFacts> {
    use nupub_package::SignatureKind as K;
    let signature = package.signature()?;
    if !matches!(
        signature.kind,
        K::Author | K::AuthorWithRepositoryCountersignature
    ) {
        return None;
    }
    SigningFacts::of(signature)
}

fn binaries(package: &Package) -> (Vec<AssemblyFacts>, Vec<PdbEntry>) {
    let mut assemblies = Vec::new();
    let mut pdbs = Vec::new();
    for entry in package.entries() {
        let lower = entry.path.to_ascii_lowercase();
        let read = || {
            if entry.size > MAX_BINARY {
                Err(format!(
                    "it is {} bytes; Nupub reads at most {MAX_BINARY}",
                    entry.size
                ))
            } else {
                package
                    .read_entry(&entry.path, MAX_BINARY)
                    .map_err(|e| e.to_string())
            }
        };
        if is_checked_assembly(&entry.path) {
            assemblies.push(AssemblyFacts {
                path: entry.path.clone(),
                pe: read().and_then(|b| pdb::read_assembly_debug(&b)),
            });
        } else if lower.ends_with(".pdb") && !entry.is_directory {
            pdbs.push(PdbEntry {
                path: entry.path.clone(),
                pdb: read().and_then(|b| pdb::read_pdb(&b)),
            });
        }
    }
    (assemblies, pdbs)
}

fn companion_of(package: &Package) -> Option<Companion> {
    let path = nupub_package::companion_path(package.path())?;
    Some(match Package::open(&path) {
        Ok(other) => {
            let (assemblies, pdbs) = binaries(&other);
            Companion {
                path,
                assemblies,
                pdbs,
                error: None,
            }
        }
        Err(e) => Companion {
            path,
            assemblies: Vec::new(),
            pdbs: Vec::new(),
            error: Some(e.to_string()),
        },
    })
}
