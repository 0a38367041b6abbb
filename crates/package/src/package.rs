//! The opened package: what [`Package::open`] reads (central directory,
//! nuspec, signature, readme, icon, licence file) and the entries read on
//! demand.

use crate::api_surface::{self, ApiSurface};
use crate::archive::{self, Entry, IntegrityReport, Limits};
use crate::assembly::{self, AssemblyInfo};
use crate::error::PackageError;
use crate::media::{IconInfo, LicenseInfo, ReadmeInfo};
use crate::nuspec::Nuspec;
use crate::signature::SignatureInfo;
use crate::version::NuGetVersion;
use crate::{media, nuspec, signature};
use std::path::{Path, PathBuf};

/// A package opened for reading.
#[derive(Debug, Clone)]
pub struct Package {
    path: PathBuf,
    file_size: u64,
    entries: Vec<Entry>,
    spans: Vec<archive::DataSpan>,
    zip64_reason: Option<String>,
    nuspec_index: usize,
    nuspec_raw: Vec<u8>,
    nuspec: Nuspec,
    id: String,
    version: NuGetVersion,
    signature: Option<SignatureInfo>,
    readme: Option<ReadmeInfo>,
    icon: Option<IconInfo>,
    license: Option<LicenseInfo>,
}

/// Largest licence file text kept.
const MAX_LICENSE_TEXT: u64 = 1024 * 1024;

/// The phases of opening a package, in order (each is reported before it starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum OpenPhase {
    /// Reading the central directory (the list of files).
    Directory,
    /// Reading and parsing the nuspec.
    Nuspec,
    /// Reading the signature.
    Signature,
    /// Reading the icon.
    Icon,
    /// Reading and rendering the readme.
    Readme,
    /// Reading the licence.
    License,
    /// Classifying files and frameworks for the summary.
    Summary,
}

/// Watches an open: hears each phase before it starts and may stop the work
/// (checked between phases, and by callers between their own steps).
pub trait OpenObserver {
    fn phase(&self, phase: OpenPhase);
    fn cancelled(&self) -> bool;
}

/// An observer that hears nothing and never stops the work.
struct Unobserved;

impl OpenObserver for Unobserved {
    fn phase(&self, _: OpenPhase) {}
    fn cancelled(&self) -> bool {
        false
    }
}

/// Reports `phase`, or stops with [`PackageError::Cancelled`].
fn enter(observer: &dyn OpenObserver, path: &Path, phase: OpenPhase) -> Result<(), PackageError> {
    if observer.cancelled() {
        return Err(PackageError::Cancelled {
            path: path.to_path_buf(),
        });
    }
    observer.phase(phase);
    Ok(())
}

impl Package {
    /// Opens a package with the default [`Limits`].
    pub fn open(path: &Path) -> Result<Package, PackageError> {
        Package::open_with_limits(path, &Limits::default())
    }

    pub fn open_with_limits(path: &Path, limits: &Limits) -> Result<Package, PackageError> {
        Package::open_observed(path, limits, &Unobserved)
    }

    /// Opens a package, telling `observer` each phase and stopping with
    /// [`PackageError::Cancelled`] when it asks to.
    pub fn open_observed(
        path: &Path,
        limits: &Limits,
        observer: &dyn OpenObserver,
    ) -> Result<Package, PackageError> {
        enter(observer, path, OpenPhase::Directory)?;
        let dir = archive::read_directory(path, limits)?;
        let mut reader = archive::open_reader(path)?;
        enter(observer, path, OpenPhase::Nuspec)?;
        let nuspecs: Vec<usize> = dir
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| is_root_nuspec(&e.path))
            .map(|(i, _)| i)
            .collect();
        let nuspec_index = match nuspecs.as_slice() {
            [] => return Err(PackageError::NoNuspec),
            [one] => *one,
            many => {
                return Err(PackageError::MultipleNuspecs {
                    names: many
                        .iter()
                        .filter_map(|i| dir.entries.get(*i))
                        .map(|e| e.path.clone())
                        .collect(),
                })
            }
        };
        let entry = dir
            .entries
            .get(nuspec_index)
            .cloned()
            .ok_or(PackageError::NoNuspec)?;
        if entry.size > limits.max_nuspec_bytes {
            return Err(PackageError::NuspecTooLarge {
                entry: entry.path.clone(),
                size: entry.size,
                limit: limits.max_nuspec_bytes,
            });
        }
        let span = dir
            .spans
            .get(nuspec_index)
            .cloned()
            .ok_or(PackageError::NoNuspec)?;
        let nuspec_raw =
            archive::read_entry_bytes(&mut reader, &entry, &span, limits.max_nuspec_bytes)?;
        let nuspec = nuspec::parse(&entry.path, &nuspec_raw)?;
        let id = nuspec
            .id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| PackageError::MissingField {
                entry: entry.path.clone(),
                field: "id",
            })?
            .to_string();
        let version_text = nuspec
            .version
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| PackageError::MissingField {
                entry: entry.path.clone(),
                field: "version",
            })?;
        let version =
            NuGetVersion::parse(version_text).map_err(|e| PackageError::InvalidVersion {
                entry: entry.path.clone(),
                value: version_text.to_string(),
                reason: e.to_string(),
            })?;
        let mut package = Package {
            path: path.to_path_buf(),
            file_size: dir.file_size,
            entries: dir.entries,
            spans: dir.spans,
            zip64_reason: dir.zip64_reason,
            nuspec_index,
            nuspec_raw,
            nuspec,
            id,
            version,
            signature: None,
            readme: None,
            icon: None,
            license: None,
        };
        package.read_embedded(&mut reader, limits, observer)?;
        Ok(package)
    }

    /// Reads the signature, readme, icon and licence file (each bounded). A
    /// problem with one of them is recorded on it, never fatal to the package.
    fn read_embedded(
        &mut self,
        reader: &mut std::io::BufReader<std::fs::File>,
        limits: &Limits,
        observer: &dyn OpenObserver,
    ) -> Result<(), PackageError> {
        let path = self.path.clone();
        enter(observer, &path, OpenPhase::Signature)?;
        let max = limits.max_embedded_file_bytes;
        let spans = self.spans.clone();
        let mut load = |entries: &[Entry],
                        name: &str,
                        limit: u64|
         -> (Option<Entry>, Result<Vec<u8>, String>) {
            let wanted = name.trim().replace('\\', "/");
            let found = entries
                .iter()
                .position(|e| e.normalized_path() == wanted)
                .or_else(|| {
                    entries
                        .iter()
                        .position(|e| e.normalized_path().eq_ignore_ascii_case(&wanted))
                });
            match found.and_then(|i| entries.get(i).zip(spans.get(i))) {
                Some((entry, span)) => {
                    let entry = entry.clone();
                    let data = archive::read_entry_bytes(reader, &entry, span, limit)
                        .map_err(|e| e.to_string());
                    (Some(entry), data)
                }
                None => (None, Err(format!("{name} is not in the package"))),
            }
        };
        if let (Some(_), data) = load(&self.entries, ".signature.p7s", max.min(8 * 1024 * 1024)) {
            self.signature = Some(match data {
                Ok(bytes) => signature::parse(&bytes),
                Err(e) => signature::parse_failed(e),
            });
        }
        enter(observer, &path, OpenPhase::Icon)?;
        if let Some(icon) = self.nuspec.icon.clone() {
            let (entry, data) = load(&self.entries, &icon.normalized(), max);
            self.icon = Some(IconInfo::describe(
                &icon.value,
                entry.as_ref().map(|e| e.path.clone()),
                entry.as_ref().map(|e| e.size),
                data,
            ));
        }
        enter(observer, &path, OpenPhase::Readme)?;
        if let Some(readme) = self.nuspec.readme.clone() {
            let readme_path = readme.normalized();
            let (entry, data) = load(&self.entries, &readme_path, max);
            let mut info = ReadmeInfo {
                path: readme.value.clone(),
                entry: entry.as_ref().map(|e| e.path.clone()),
                bytes: entry.as_ref().map(|e| e.size),
                html: None,
                remote_images: Vec::new(),
                missing_images: Vec::new(),
                plain_text_from_line: None,
                error: None,
            };
            match data {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    let entries = self.entries.clone();
                    let r = media::render_readme_bounded(&readme_path, &text, |p| {
                        load(&entries, p, media::MAX_README_IMAGE_BYTES).1.ok()
                    });
                    info.html = Some(r.html);
                    info.remote_images = r.remote_images;
                    info.missing_images = r.missing_images;
                    info.plain_text_from_line = r.plain_text_from_line;
                }
                Err(e) => info.error = Some(e),
            }
            self.readme = Some(info);
        }
        enter(observer, &path, OpenPhase::License)?;
        let license = match (&self.nuspec.license, &self.nuspec.license_url) {
            (Some(l), _) => {
                let kind = l.kind.clone().unwrap_or_default();
                let value = l.value.trim().to_string();
                let mut info = LicenseInfo {
                    kind: kind.clone(),
                    value: value.clone(),
                    version: l.version.clone(),
                    ids: Vec::new(),
                    exceptions: Vec::new(),
                    expression_error: None,
                    file_text: None,
                    file_missing: false,
                };
                if kind == "expression" {
                    let (ids, exceptions, error) = media::parse_expression(&value);
                    info.ids = ids;
                    info.exceptions = exceptions;
                    info.expression_error = error;
                } else if kind == "file" {
                    match load(&self.entries, &value, MAX_LICENSE_TEXT) {
                        (Some(_), Ok(bytes)) => {
                            info.file_text = Some(String::from_utf8_lossy(&bytes).into_owned())
                        }
                        (Some(_), Err(_)) => {}
                        (None, _) => info.file_missing = true,
                    }
                }
                Some(info)
            }
            (None, Some(url)) if !url.trim().is_empty() => Some(LicenseInfo {
                kind: "url".into(),
                value: url.trim().to_string(),
                version: None,
                ids: Vec::new(),
                exceptions: Vec::new(),
                expression_error: None,
                file_text: None,
                file_missing: false,
            }),
            _ => None,
        };
        self.license = license;
        Ok(())
    }

    /// The signature, when `.signature.p7s` is present.
    pub fn signature(&self) -> Option<&SignatureInfo> {
        self.signature.as_ref()
    }
    /// `.signature.p7s` is present.
    pub fn is_signed(&self) -> bool {
        self.signature.is_some()
    }
    pub fn readme(&self) -> Option<&ReadmeInfo> {
        self.readme.as_ref()
    }
    pub fn icon(&self) -> Option<&IconInfo> {
        self.icon.as_ref()
    }
    /// The licence from `<license>`, or from `<licenseUrl>` when there is no `<license>`.
    pub fn license(&self) -> Option<&LicenseInfo> {
        self.license.as_ref()
    }

    /// The file this package was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// Size of the package file in bytes.
    pub fn file_size(&self) -> u64 {
        self.file_size
    }
    /// The package id (trimmed `<id>` text).
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn version(&self) -> &NuGetVersion {
        &self.version
    }
    /// The nuspec entry's bytes exactly as stored (BOM included).
    pub fn nuspec_raw(&self) -> &[u8] {
        &self.nuspec_raw
    }
    /// The nuspec entry's name as stored (casing kept).
    pub fn nuspec_entry_name(&self) -> &str {
        self.entries
            .get(self.nuspec_index)
            .map(|e| e.path.as_str())
            .unwrap_or_default()
    }
    pub fn nuspec(&self) -> &Nuspec {
        &self.nuspec
    }
    /// Every central-directory record in stored order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
    /// An entry by path, compared as NuGet does (`\` as `/`, case-insensitive).
    pub fn find_entry(&self, path: &str) -> Option<&Entry> {
        let wanted = path.trim().replace('\\', "/");
        let wanted = wanted.trim_start_matches("./");
        self.entries
            .iter()
            .find(|e| e.normalized_path() == wanted)
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|e| e.normalized_path().eq_ignore_ascii_case(wanted))
            })
    }

    /// A symbols package: package type `SymbolsPackage`, or a `.snupkg` file.
    pub fn is_symbols_package(&self) -> bool {
        self.nuspec
            .package_types
            .iter()
            .any(|t| t.name.trim().eq_ignore_ascii_case("SymbolsPackage"))
            || self
                .path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("snupkg"))
    }

    /// Streams every entry through inflate and its CRC-32 check with bounded memory.
    /// Damaged entries are listed in the report; an unreadable file is an error.
    pub fn verify_integrity(&self) -> Result<IntegrityReport, PackageError> {
        archive::verify(&self.path, &self.entries, &self.spans)
    }

    /// Why NuGet would call this archive Zip64 (nuget.org fails such packages
    /// after upload), or `None`.
    pub fn zip64_reason(&self) -> Option<&str> {
        self.zip64_reason.as_deref()
    }

    /// The identity of a `.dll`/`.exe` entry: .NET or native, name, version,
    /// culture, public-key token, framework and runtime folder (read bounded,
    /// CRC-checked, at most [`assembly::MAX_ASSEMBLY_BYTES`]).
    pub fn assembly_info(&self, path: &str) -> Result<AssemblyInfo, PackageError> {
        let entry = self.entry_at(path)?;
        if entry.is_directory || !assembly::is_assembly_path(&entry.path) {
            return Err(PackageError::NotAnAssembly {
                entry: entry.path.clone(),
                detail: "only .dll and .exe files are read as assemblies".into(),
            });
        }
        let bytes = self.assembly_bytes(entry)?;
        assembly::describe(entry, &bytes)
    }

    /// The public API surface of a `.dll`/`.exe` entry (`None` for a native
    /// file), read bounded like [`Package::assembly_info`].
    pub fn api_surface(&self, path: &str) -> Result<Option<ApiSurface>, PackageError> {
        let entry = self.entry_at(path)?;
        let bytes = self.assembly_bytes(entry)?;
        api_surface::read(&entry.path, &bytes)
    }

    /// The entry `path` names (matched as [`Package::find_entry`] does).
    fn entry_at(&self, path: &str) -> Result<&Entry, PackageError> {
        self.find_entry(path)
            .ok_or_else(|| PackageError::NoSuchEntry {
                entry: path.to_string(),
            })
    }

    /// An assembly entry's bytes; larger than [`assembly::MAX_ASSEMBLY_BYTES`] is refused unread.
    fn assembly_bytes(&self, entry: &Entry) -> Result<Vec<u8>, PackageError> {
        if entry.size > assembly::MAX_ASSEMBLY_BYTES {
            return Err(PackageError::EntryTooLarge {
                entry: entry.path.clone(),
                size: entry.size,
                limit: assembly::MAX_ASSEMBLY_BYTES,
            });
        }
        self.read_entry(&entry.path, assembly::MAX_ASSEMBLY_BYTES)
    }

    /// Reads one entry's bytes (at most `limit`), checking its CRC.
    pub fn read_entry(&self, path: &str, limit: u64) -> Result<Vec<u8>, PackageError> {
        let index = self
            .find_entry(path)
            .and_then(|e| self.entries.iter().position(|x| x.path == e.path))
            .ok_or_else(|| PackageError::NoSuchEntry {
                entry: path.to_string(),
            })?;
        let entry = self
            .entries
            .get(index)
            .cloned()
            .ok_or_else(|| PackageError::NoSuchEntry {
                entry: path.to_string(),
            })?;
        let span = self
            .spans
            .get(index)
            .ok_or_else(|| PackageError::NoSuchEntry {
                entry: path.to_string(),
            })?;
        let mut reader = archive::open_reader(&self.path)?;
        archive::read_entry_bytes(&mut reader, &entry, span, limit)
    }
}

/// A `.nuspec` file at the root of the archive (no folder part).
fn is_root_nuspec(name: &str) -> bool {
    !name.contains('/')
        && !name.contains('\\')
        && name.len() > 7
        && name
            .get(name.len() - 7..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".nuspec"))
}
