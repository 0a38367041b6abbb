//! Where each entry sits in NuGet's folder conventions.

use crate::archive::Entry;
use crate::framework::Framework;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The convention folder an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FileGroup {
    /// The `.nuspec` at the root.
    Nuspec,
    /// `.signature.p7s`.
    Signature,
    /// `_rels/.rels`, `[Content_Types].xml`, `package/services/metadata/core-properties/*.psmdcp`.
    Opc,
    Lib,
    Ref,
    /// `runtimes/{rid}/…`.
    Runtimes,
    Build,
    BuildTransitive,
    BuildMultiTargeting,
    Analyzers,
    ContentFiles,
    Content,
    Tools,
    /// An explicit directory record.
    Directory,
    Other,
}

/// An entry's place in the conventions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FileInfo {
    pub path: String,
    /// How the path is shown: `/` separators, deceptive characters escaped
    /// (`content/\u202Egnp.exe`; see [`crate::names`]).
    pub display_path: String,
    #[ts(type = "number")]
    pub size: u64,
    #[ts(type = "number")]
    pub compressed_size: u64,
    pub group: FileGroup,
    /// The framework folder (short name) when the convention has one.
    pub target_framework: Option<String>,
    /// The runtime identifier for `runtimes/{rid}/…`.
    pub runtime: Option<String>,
}

/// Classifies one entry by its path. Folder names are compared
/// case-insensitively, as NuGet does (`Tools/install.ps1` is a tool script).
pub fn classify(entry: &Entry) -> FileInfo {
    let path = entry.normalized_path();
    let segments: Vec<&str> = path.split('/').collect();
    let lower = path.to_ascii_lowercase();
    let first = segments
        .first()
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    let tfm_at = |i: usize| -> Option<String> {
        // A framework folder only when something follows it (a file directly
        // under lib/ has no framework).
        if segments.len() <= i + 1 {
            return None;
        }
        let f = Framework::parse(segments.get(i)?);
        Some(if f.is_unsupported {
            segments.get(i)?.to_string()
        } else {
            f.short_name
        })
    };
    let mut info = FileInfo {
        path: entry.path.clone(),
        display_path: crate::names::display_form(&path),
        size: entry.size,
        compressed_size: entry.compressed_size,
        group: FileGroup::Other,
        target_framework: None,
        runtime: None,
    };
    if entry.is_directory {
        info.group = FileGroup::Directory;
        return info;
    }
    if segments.len() == 1 && lower.ends_with(".nuspec") {
        info.group = FileGroup::Nuspec;
        return info;
    }
    if lower == ".signature.p7s" {
        info.group = FileGroup::Signature;
        return info;
    }
    if lower == "_rels/.rels"
        || lower == "[content_types].xml"
        || (lower.starts_with("package/services/metadata/core-properties/")
            && lower.ends_with(".psmdcp"))
    {
        info.group = FileGroup::Opc;
        return info;
    }
    let (group, tfm) = match first.as_str() {
        "lib" => (FileGroup::Lib, tfm_at(1)),
        "ref" => (FileGroup::Ref, tfm_at(1)),
        "build" => (FileGroup::Build, tfm_at(1)),
        "buildtransitive" => (FileGroup::BuildTransitive, tfm_at(1)),
        "buildmultitargeting" => (FileGroup::BuildMultiTargeting, None),
        "tools" => (FileGroup::Tools, tfm_at(1)),
        "content" => (FileGroup::Content, tfm_at(1)),
        "analyzers" => (FileGroup::Analyzers, None),
        "contentfiles" => (FileGroup::ContentFiles, tfm_at(2)),
        "runtimes" => {
            info.runtime = segments
                .get(1)
                .filter(|_| segments.len() > 2)
                .map(|s| s.to_string());
            let kind = segments.get(2).map(|s| s.to_ascii_lowercase());
            let tfm = match kind.as_deref() {
                Some("lib") | Some("ref") => tfm_at(3),
                _ => None,
            };
            (FileGroup::Runtimes, tfm)
        }
        _ => (FileGroup::Other, None),
    };
    // Build folders hold framework folders only when the name parses; a
    // `build/MyPackage.targets` file has none.
    let tfm = match (group, tfm) {
        (
            FileGroup::Build
            | FileGroup::BuildTransitive
            | FileGroup::Tools
            | FileGroup::Content
            | FileGroup::ContentFiles,
            Some(t),
        ) if Framework::parse(&t).is_unsupported && t != "any" => None,
        (_, t) => t,
    };
    info.group = group;
    info.target_framework = tfm;
    info
}
