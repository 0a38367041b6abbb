//! Previews of files inside a package: text, images, or a plain description;
//! for assemblies, [`assembly_details`]: the identity `nupub-package` reads and
//! the health checks of `nupub-rules`, each passed, failed or not checked.
//!
//! The package crate reads entries (bounded, CRC-checked) and recognises
//! image formats; it has no "is this text" test yet, so [`decode_text`] lives
//! here for now (small and tested). It belongs in `nupub-package` next to
//! `media::sniff_image`, and should move there.

use nupub_error::{Coded, ErrorInfo};
use nupub_package::{media, AssemblyInfo, Package, PackageError};
use nupub_rules::{HealthCheck, PackageFacts};
use serde::Serialize;
use ts_rs::TS;

/// Largest text file shown in full.
pub const MAX_TEXT_PREVIEW: u64 = 1024 * 1024;
/// Largest image shown.
pub const MAX_IMAGE_PREVIEW: u64 = 8 * 1024 * 1024;

/// What the window shows for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum FilePreview {
    #[serde(rename_all = "camelCase")]
    Text {
        path: String,
        text: String,
        /// `utf-8`, `utf-16le`, `utf-16be`, or `unknown` (shown with replacement characters).
        encoding: String,
    },
    #[serde(rename_all = "camelCase")]
    Image {
        path: String,
        /// A `data:` URL (the window's CSP allows images only from the app and `data:`).
        data_url: String,
        format: String,
        width: Option<u32>,
        height: Option<u32>,
    },
    /// Not text and not an image Nupub can show.
    #[serde(rename_all = "camelCase")]
    Binary {
        path: String,
        #[ts(type = "number")]
        size: u64,
        /// What kind of file it is, in words (`.NET assembly`, `portable PDB`, …).
        description: String,
    },
    /// Too large to preview.
    #[serde(rename_all = "camelCase")]
    TooLarge {
        path: String,
        #[ts(type = "number")]
        size: u64,
        #[ts(type = "number")]
        limit: u64,
    },
    /// A folder record: nothing to show.
    #[serde(rename_all = "camelCase")]
    Directory { path: String },
}

/// Decodes bytes as text when they look like text: a UTF-8 or UTF-16 byte
/// order mark, or no NUL byte and at most 1 in 50 control characters.
/// Returns the text and its encoding, or `None` for binary data.
pub fn decode_text(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Some((String::from_utf8_lossy(rest).into_owned(), "utf-8"));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Some((utf16(rest, u16::from_le_bytes), "utf-16le"));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Some((utf16(rest, u16::from_be_bytes), "utf-16be"));
    }
    if bytes.contains(&0) {
        return None;
    }
    let controls = bytes
        .iter()
        .filter(|b| b.is_ascii_control() && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    if controls * 50 > bytes.len() {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some((text.to_string(), "utf-8")),
        Err(_) => Some((String::from_utf8_lossy(bytes).into_owned(), "unknown")),
    }
}

fn utf16(bytes: &[u8], decode: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| {
            decode([
                pair.first().copied().unwrap_or(0),
                pair.get(1).copied().unwrap_or(0),
            ])
        })
        .collect();
    String::from_utf16_lossy(&units)
}

fn mime(format: &str) -> &'static str {
    match format {
        "png" => "image/png",
        "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        _ => "image/svg+xml",
    }
}

/// A `data:` URL for image bytes whose format the package crate recognises.
pub fn image_data_url(bytes: &[u8]) -> Option<(String, &'static str)> {
    use base64::Engine;
    let format = media::sniff_image(bytes)?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    Some((format!("data:{};base64,{encoded}", mime(format)), format))
}

fn describe_binary(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "dll" | "exe" | "winmd" => ".NET assembly or native library",
        "pdb" => "debug symbols (PDB)",
        "so" | "dylib" => "native library",
        "p7s" => "package signature (PKCS #7)",
        "zip" | "nupkg" | "snupkg" => "zip archive",
        _ => "binary file",
    }
    .to_string()
}

/// Reads one entry and describes it for the window.
pub fn preview(package: &Package, entry_path: &str) -> Result<FilePreview, PackageError> {
    let entry = package
        .find_entry(entry_path)
        .ok_or_else(|| PackageError::NoSuchEntry {
            entry: entry_path.to_string(),
        })?
        .clone();
    let path = entry.path.clone();
    if entry.is_directory {
        return Ok(FilePreview::Directory { path });
    }
    let lower = path.to_ascii_lowercase();
    let maybe_image = [
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".svg",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext));
    let limit = if maybe_image {
        MAX_IMAGE_PREVIEW
    } else {
        MAX_TEXT_PREVIEW
    };
    if entry.size > limit {
        return Ok(FilePreview::TooLarge {
            path,
            size: entry.size,
            limit,
        });
    }
    let bytes = package.read_entry(&path, limit)?;
    // SVG is text too; show it as an image (an <img> never runs its scripts).
    if let Some((data_url, format)) = image_data_url(&bytes) {
        let size = imagesize_of(&bytes);
        return Ok(FilePreview::Image {
            path,
            data_url,
            format: format.to_string(),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
        });
    }
    if entry.size > MAX_TEXT_PREVIEW {
        return Ok(FilePreview::TooLarge {
            path,
            size: entry.size,
            limit: MAX_TEXT_PREVIEW,
        });
    }
    match decode_text(&bytes) {
        Some((text, encoding)) => Ok(FilePreview::Text {
            path,
            text,
            encoding: encoding.to_string(),
        }),
        None => Ok(FilePreview::Binary {
            size: entry.size,
            description: describe_binary(&path),
            path,
        }),
    }
}

/// Image dimensions from the package's icon description logic.
fn imagesize_of(bytes: &[u8]) -> Option<(u32, u32)> {
    let info = nupub_package::IconInfo::describe("", None, None, Ok(bytes.to_vec()));
    Some((info.width?, info.height?))
}

/// What the Files tab shows for a `.dll` or `.exe`: who it is and how healthy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AssemblyDetails {
    /// The entry path as stored.
    pub path: String,
    /// Name, version, culture, token, framework; `None` when it cannot be read.
    pub identity: Option<AssemblyInfo>,
    /// Why the identity cannot be read.
    pub identity_error: Option<ErrorInfo>,
    /// The health checks, in the catalogue's order; empty when they do not apply.
    pub checks: Vec<HealthCheck>,
    /// Why the health checks do not apply to this file, when they do not.
    pub health_note: Option<String>,
}

/// The identity of one assembly entry (`nupub-package`) and its health
/// checks, each passed, failed or not checked (`nupub-rules`).
pub fn assembly_details(
    package: &Package,
    facts: &PackageFacts,
    entry_path: &str,
) -> Result<AssemblyDetails, PackageError> {
    let entry = package
        .find_entry(entry_path)
        .ok_or_else(|| PackageError::NoSuchEntry {
            entry: entry_path.to_string(),
        })?;
    let path = entry.path.clone();
    let (identity, identity_error) = match package.assembly_info(&path) {
        Ok(info) => (Some(info), None),
        Err(e) => (None, Some(e.info())),
    };
    let health = nupub_rules::assembly_health(package, facts, &path);
    Ok(AssemblyDetails {
        path,
        identity,
        identity_error,
        checks: health.checks,
        health_note: health.note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_its_encodings() {
        assert_eq!(
            decode_text(b"hello\nworld"),
            Some(("hello\nworld".into(), "utf-8"))
        );
        assert_eq!(
            decode_text(b"\xEF\xBB\xBFcaf\xC3\xA9"),
            Some(("café".into(), "utf-8"))
        );
        assert_eq!(
            decode_text(b"\xFF\xFEh\0i\0"),
            Some(("hi".into(), "utf-16le"))
        );
        assert_eq!(
            decode_text(b"\xFE\xFF\0h\0i"),
            Some(("hi".into(), "utf-16be"))
        );
        // Windows-1252 text from old packages is still shown, marked as unknown.
        let (text, enc) = decode_text(b"Copyright \xA9 2010\r\n").unwrap();
        assert_eq!(enc, "unknown");
        assert!(text.starts_with("Copyright "));
        assert_eq!(decode_text(b""), Some((String::new(), "utf-8")));
    }

    #[test]
    fn binary_is_not_text() {
        assert_eq!(decode_text(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(decode_text(&[1, 2, 3, 4, 5, 6, 7, 8]), None);
        // An odd-length UTF-16 body does not panic.
        assert!(decode_text(b"\xFF\xFEa").is_some());
    }

    #[test]
    fn images_become_data_urls() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x02\0\0\0\x03\x08\x06\0\0\0";
        let (url, format) = image_data_url(png).unwrap();
        assert_eq!(format, "png");
        assert!(url.starts_with("data:image/png;base64,"));
        assert_eq!(imagesize_of(png), Some((2, 3)));
        assert!(image_data_url(b"plain text").is_none());
    }

    #[test]
    fn assembly_details_joins_the_identity_and_the_rules_health() {
        let package = Package::open(&nupub_testkit::fixture("TestData.1.2.3.nupkg")).unwrap();
        let facts = PackageFacts::gather(&package, false);
        // Entry paths are found as the package finds them (case-insensitively).
        let details = assembly_details(&package, &facts, "LIB/net5.0/TestData.dll").unwrap();
        assert_eq!(details.path, "lib/net5.0/TestData.dll");
        assert_eq!(
            details.identity.as_ref().unwrap().name.as_deref(),
            Some("TestData")
        );
        assert_eq!(details.identity_error, None);
        let health = nupub_rules::assembly_health(&package, &facts, "lib/net5.0/TestData.dll");
        assert!(!health.checks.is_empty());
        assert_eq!(details.checks, health.checks);
        assert_eq!(details.health_note, None);
        // Not an assembly: a coded identity error and the rules' note.
        let nuspec = assembly_details(&package, &facts, "TestData.nuspec").unwrap();
        assert_eq!(nuspec.identity, None);
        assert_eq!(
            nuspec.identity_error.unwrap().code,
            "package.not_an_assembly"
        );
        assert!(nuspec.checks.is_empty());
        assert!(nuspec.health_note.unwrap().contains("lib/"));
        assert!(matches!(
            assembly_details(&package, &facts, "lib/net5.0/Nope.dll"),
            Err(PackageError::NoSuchEntry { .. })
        ));
    }

    #[test]
    fn binary_descriptions() {
        assert_eq!(
            describe_binary("lib/net6.0/A.DLL"),
            ".NET assembly or native library"
        );
        assert_eq!(describe_binary("lib/net6.0/A.pdb"), "debug symbols (PDB)");
        assert_eq!(describe_binary("noext"), "binary file");
    }
}
