//! Folder feeds.
//!
//! A new or empty folder gets the hierarchical layout exactly as NuGet.exe
//! `add` writes it (protocol reference §8, test-peers §1.3):
//! `{id-lower}/{version-lower}/` holding `{id}.{version}.nupkg`, its
//! `.nupkg.sha512` (Base64 SHA-512, no newline), `{id}.nuspec` (the bytes from
//! the package) and `.nupkg.metadata`. A folder that already holds a flat
//! feed (`*.nupkg` at its root or one folder down) stays flat.
//!
//! Unlike the official client, an existing version is never overwritten, and
//! files are written under a temporary name and renamed into place, so a crash
//! never leaves half a package where NuGet would look.

use crate::error::FeedError;
use crate::plan::{PackageRef, PushPlan, PushReport, SymbolsOutcome, SymbolsRef, Visibility};
use crate::source::Source;
use base64::Engine as _;
use sha2::{Digest, Sha512};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use tokio_util::sync::CancellationToken;

/// How a folder feed is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `{root}/{Id}.{Version}.nupkg`
    Flat,
    /// `{root}/{id}/{version}/…`
    Hierarchical,
}

/// The layout a push into `root` uses: flat only when the folder already is a flat feed.
pub fn layout_of(root: &Path) -> Layout {
    let Ok(entries) = fs::read_dir(root) else {
        return Layout::Hierarchical;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() && has_ext(&path, "nupkg") {
            return Layout::Flat;
        }
        if path.is_dir() {
            let holds_package = fs::read_dir(&path)
                .map(|inner| {
                    inner.flatten().any(|e| {
                        let p = e.path();
                        p.is_file() && (has_ext(&p, "nupkg") || has_ext(&p, "nuspec"))
                    })
                })
                .unwrap_or(false);
            if holds_package {
                return Layout::Flat;
            }
        }
    }
    Layout::Hierarchical
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext))
}

/// The version string NuGet uses in flat file names: the original text for
/// SemVer 1 versions, the normalized one for SemVer 2 (dotted labels or metadata).
fn flat_version(package: &PackageRef) -> String {
    let original = package.original_version.trim();
    let semver2 = original.contains('+')
        || original
            .split_once('-')
            .is_some_and(|(_, label)| label.contains('.'));
    if semver2 || original.is_empty() {
        package.version.clone()
    } else {
        original.to_string()
    }
}

/// Where a version lives in the folder, if it is there.
pub fn find_in_folder(
    root: &Path,
    id: &str,
    version: &str,
    original_version: &str,
) -> Option<PathBuf> {
    let lid = id.to_lowercase();
    let version_dir = root.join(&lid).join(version.to_lowercase());
    let marker_names = [
        format!("{lid}.{}.nupkg", version.to_lowercase()),
        format!("{lid}.{}.nupkg.sha512", version.to_lowercase()),
        format!("{lid}.nuspec"),
    ];
    if marker_names.iter().any(|n| version_dir.join(n).exists()) {
        return Some(version_dir);
    }
    let flat_names = [
        format!("{lid}.{}.nupkg", version.to_lowercase()),
        format!("{lid}.{}.nupkg", original_version.to_lowercase()),
    ];
    fs::read_dir(root)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.is_file()
                && p.file_name()
                    .map(|n| n.to_string_lossy().to_lowercase())
                    .is_some_and(|n| flat_names.contains(&n))
        })
}

pub(crate) async fn push_to_folder(
    source: &Source,
    root: &Path,
    plan: &PushPlan,
    symbols: Option<&SymbolsRef>,
    cancel: &CancellationToken,
) -> Result<PushReport, FeedError> {
    let root = root.to_path_buf();
    let package = plan.package.clone();
    let feed = source.label();
    let cancel = cancel.clone();
    let feed_for_task = feed.clone();
    let location = tokio::task::spawn_blocking(move || {
        add_to_folder(&root, &package, &feed_for_task, &cancel)
    })
    .await
    .map_err(|e| FeedError::LocalWriteFailed {
        path: source.location.display(),
        detail: format!("the copy stopped unexpectedly ({e})"),
    })??;
    Ok(PushReport {
        feed,
        id: plan.package.id.clone(),
        version: plan.package.version.clone(),
        answer_lost: false,
        visibility: Visibility::Available,
        warnings: Vec::new(),
        key_warning: None,
        symbols: match symbols {
            None => SymbolsOutcome::None,
            Some(s) => SymbolsOutcome::NotSupported {
                file: s.path.display().to_string(),
            },
        },
        location: Some(location.display().to_string()),
        attempts: 1,
    })
}

/// Adds the package to the folder; returns the version folder (hierarchical) or the file (flat).
pub fn add_to_folder(
    root: &Path,
    package: &PackageRef,
    feed: &str,
    cancel: &CancellationToken,
) -> Result<PathBuf, FeedError> {
    let write_err = |path: &Path, e: std::io::Error| FeedError::LocalWriteFailed {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    if let Some(existing) = find_in_folder(
        root,
        &package.id,
        &package.version,
        &package.original_version,
    ) {
        return Err(FeedError::VersionExists {
            feed: feed.to_string(),
            id: package.id.clone(),
            version: package.version.clone(),
            detail: format!(
                " ({}); Nupub never overwrites a version",
                existing.display()
            ),
            nuget_org: false,
        });
    }
    let layout = layout_of(root);
    fs::create_dir_all(root).map_err(|e| write_err(root, e))?;
    let lid = package.id.to_lowercase();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    match layout {
        Layout::Hierarchical => {
            let lver = package.version.to_lowercase();
            let id_dir = root.join(&lid);
            fs::create_dir_all(&id_dir).map_err(|e| write_err(&id_dir, e))?;
            let final_dir = id_dir.join(&lver);
            let temp = id_dir.join(format!(".{lver}.nupub-{tag}.tmp"));
            let result = (|| {
                fs::create_dir(&temp).map_err(|e| write_err(&temp, e))?;
                let nupkg = temp.join(format!("{lid}.{lver}.nupkg"));
                let hash = copy_hashing(&package.path, &nupkg, cancel, package, feed)?;
                write_synced(
                    &temp.join(format!("{lid}.{lver}.nupkg.sha512")),
                    hash.as_bytes(),
                )?;
                write_synced(&temp.join(format!("{lid}.nuspec")), &package.nuspec_raw)?;
                let content = content_hash(&nupkg).unwrap_or_else(|| hash.clone());
                let metadata =
                    format!("{{\n  \"version\": 1,\n  \"contentHash\": \"{content}\"\n}}");
                write_synced(&temp.join(".nupkg.metadata"), metadata.as_bytes())?;
                sync_dir(&temp);
                // rename() replaces only an empty folder; a folder with files makes it fail.
                match fs::rename(&temp, &final_dir) {
                    Ok(()) => Ok(()),
                    Err(e) if final_dir.exists() => Err(FeedError::VersionExists {
                        feed: feed.to_string(),
                        id: package.id.clone(),
                        version: package.version.clone(),
                        detail: format!(
                            " ({} appeared while Nupub was copying: {e}); Nupub never overwrites a version",
                            final_dir.display()
                        ),
                        nuget_org: false,
                    }),
                    Err(e) => Err(write_err(&final_dir, e)),
                }
            })();
            if result.is_err() {
                let _ = fs::remove_dir_all(&temp);
            }
            result?;
            sync_dir(&id_dir);
            Ok(final_dir)
        }
        Layout::Flat => {
            let name = format!("{}.{}.nupkg", package.id, flat_version(package));
            let final_path = root.join(&name);
            let temp = root.join(format!(".{name}.nupub-{tag}.tmp"));
            let result = (|| {
                copy_hashing(&package.path, &temp, cancel, package, feed)?;
                // hard_link fails when the name exists: an atomic "create, never overwrite".
                fs::hard_link(&temp, &final_path).map_err(|e| {
                    if final_path.exists() {
                        FeedError::VersionExists {
                            feed: feed.to_string(),
                            id: package.id.clone(),
                            version: package.version.clone(),
                            detail: format!(
                                " ({}); Nupub never overwrites a version",
                                final_path.display()
                            ),
                            nuget_org: false,
                        }
                    } else {
                        write_err(&final_path, e)
                    }
                })
            })();
            let _ = fs::remove_file(&temp);
            result?;
            sync_dir(root);
            Ok(final_path)
        }
    }
}

/// Copies `from` to `to` (a new file), returning the Base64 SHA-512 of the bytes copied.
fn copy_hashing(
    from: &Path,
    to: &Path,
    cancel: &CancellationToken,
    package: &PackageRef,
    feed: &str,
) -> Result<String, FeedError> {
    let mut input = File::open(from).map_err(|e| FeedError::FileUnreadable {
        path: from.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut output = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(|e| FeedError::LocalWriteFailed {
            path: to.display().to_string(),
            detail: e.to_string(),
        })?;
    let mut hasher = Sha512::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        if cancel.is_cancelled() {
            return Err(FeedError::Cancelled {
                feed: feed.to_string(),
                id: package.id.clone(),
                version: package.version.clone(),
            });
        }
        let n = input
            .read(&mut buffer)
            .map_err(|e| FeedError::FileUnreadable {
                path: from.display().to_string(),
                detail: e.to_string(),
            })?;
        let Some(chunk) = buffer.get(..n) else { break };
        if chunk.is_empty() {
            break;
        }
        hasher.update(chunk);
        output
            .write_all(chunk)
            .map_err(|e| FeedError::LocalWriteFailed {
                path: to.display().to_string(),
                detail: e.to_string(),
            })?;
    }
    output.sync_all().map_err(|e| FeedError::LocalWriteFailed {
        path: to.display().to_string(),
        detail: e.to_string(),
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(hasher.finalize()))
}

/// NuGet's *content hash* of a signed package: the SHA-512 of the package as
/// if its `.signature.p7s` entry were removed (NuGet.Packaging
/// `SignedPackageArchiveUtility.GetPackageContentHash`), written to
/// `.nupkg.metadata`. `None` for unsigned packages (their content hash is the
/// hash of the file) and for archives this reader does not handle (Zip64, or
/// any archive `nupub_package::zipread` refuses), where the file hash is used.
///
/// The record positions come from `nupub_package::zipread`, the one zip reader;
/// this function only re-hashes the byte ranges NuGet hashes.
pub fn content_hash(path: &Path) -> Option<String> {
    use nupub_package::zipread::ZipLayout;
    use std::io::{Seek, SeekFrom};
    let layout = ZipLayout::read_file(path, usize::from(u16::MAX)).ok()?;
    if layout.zip64.is_some() {
        return None;
    }
    let records = &layout.records;
    // Unsigned: the content hash is the file hash; nothing more to read.
    let signature = records
        .iter()
        .position(|r| r.name_raw == b".signature.p7s")?;
    let mut file = File::open(path).ok()?;
    let cd_offset = layout.directory_offset;
    let mut cd = vec![0u8; usize::try_from(layout.directory_size).ok()?];
    file.seek(SeekFrom::Start(cd_offset)).ok()?;
    file.read_exact(&mut cd).ok()?;
    let le16 = |b: &[u8], at: usize| nupub_package::little_endian::u16_at(b, at);
    let le32 = |b: &[u8], at: usize| nupub_package::little_endian::u32_at(b, at);
    // Where each record sits in `cd`, and how long it is.
    let position = |i: usize| -> Option<(usize, usize)> {
        let r = records.get(i)?;
        Some((
            usize::try_from(r.position.checked_sub(cd_offset)?).ok()?,
            usize::try_from(r.header_len).ok()?,
        ))
    };
    // Entries are contiguous (the reader refuses gaps): an entry runs to the
    // next one, the last one to the central directory.
    let mut by_offset: Vec<usize> = (0..records.len()).collect();
    by_offset.sort_by_key(|&i| records.get(i).map(|r| r.local_offset));
    let mut entry_size = vec![0u64; records.len()];
    for (k, &i) in by_offset.iter().enumerate() {
        let start = records.get(i)?.local_offset;
        let end = match by_offset.get(k + 1) {
            Some(&next) => records.get(next)?.local_offset,
            None => cd_offset,
        };
        *entry_size.get_mut(i)? = end.checked_sub(start)?;
    }
    let mut hasher = Sha512::new();
    let mut hash_range = |hasher: &mut Sha512, start: u64, end: u64| -> Option<()> {
        file.seek(SeekFrom::Start(start)).ok()?;
        let mut left = end.checked_sub(start)?;
        let mut buffer = vec![0u8; usize::try_from(left.clamp(1, 1 << 20)).ok()?];
        while left > 0 {
            let n = usize::try_from(left.min(buffer.len() as u64)).ok()?;
            let chunk = buffer.get_mut(..n)?;
            file.read_exact(chunk).ok()?;
            hasher.update(&*chunk);
            left -= n as u64;
        }
        Some(())
    };
    let start_of_local_headers = records.iter().map(|r| r.local_offset).min()?;
    hash_range(&mut hasher, 0, start_of_local_headers)?;
    let mut change = vec![0i64; records.len()];
    let mut previous_end = 0i64;
    for &i in by_offset.iter().filter(|&&i| i != signature) {
        let offset = records.get(i)?.local_offset;
        let size = *entry_size.get(i)?;
        hash_range(&mut hasher, offset, offset + size)?;
        let delta = previous_end - offset as i64;
        *change.get_mut(i)? = delta;
        previous_end = offset as i64 + size as i64 + delta;
    }
    for i in (0..records.len()).filter(|i| *i != signature) {
        let (at, len) = position(i)?;
        hasher.update(cd.get(at..at + 42)?);
        let moved = (i64::from(le32(&cd, at + 42)?) + change.get(i)?) as u32;
        hasher.update(moved.to_le_bytes());
        hasher.update(cd.get(at + 46..at + len)?);
    }
    let (_, signature_header_len) = position(signature)?;
    let eocd = &layout.end.raw;
    hasher.update(eocd.get(..8)?);
    hasher.update(le16(eocd, 8)?.wrapping_sub(1).to_le_bytes());
    hasher.update(le16(eocd, 10)?.wrapping_sub(1).to_le_bytes());
    hasher.update(
        (layout.directory_size as u32)
            .wrapping_sub(signature_header_len as u32)
            .to_le_bytes(),
    );
    hasher.update(
        (cd_offset as u32)
            .wrapping_sub(*entry_size.get(signature)? as u32)
            .to_le_bytes(),
    );
    hasher.update(eocd.get(20..)?);
    Some(base64::engine::general_purpose::STANDARD.encode(hasher.finalize()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), FeedError> {
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    result.map_err(|e| FeedError::LocalWriteFailed {
        path: path.display().to_string(),
        detail: e.to_string(),
    })
}

/// Makes a rename durable (best effort: not every platform can open a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Removes a version from a folder feed. Deleting is final, so it needs `confirmed`.
pub fn remove_from_folder(
    root: &Path,
    id: &str,
    version: &str,
    confirmed: bool,
) -> Result<PathBuf, FeedError> {
    let found = find_in_folder(root, id, version, version).ok_or_else(|| FeedError::NotFound {
        feed: root.display().to_string(),
        id: id.to_string(),
        version: version.to_string(),
    })?;
    if !confirmed {
        return Err(FeedError::LocalRemoveUnconfirmed {
            id: id.to_string(),
            version: version.to_string(),
            path: found.display().to_string(),
        });
    }
    let result = if found.is_dir() {
        fs::remove_dir_all(&found)
    } else {
        fs::remove_file(&found)
    };
    result.map_err(|e| FeedError::LocalWriteFailed {
        path: found.display().to_string(),
        detail: e.to_string(),
    })?;
    if let Some(id_dir) = found.parent().filter(|p| *p != root) {
        let _ = fs::remove_dir(id_dir); // only when empty
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(dir: &Path, id: &str, version: &str, original: &str) -> PackageRef {
        let path = dir.join(format!("{id}.{original}.nupkg"));
        fs::write(&path, format!("zip bytes of {id} {original}")).unwrap();
        PackageRef {
            path,
            id: id.into(),
            version: version.into(),
            original_version: original.into(),
            nuspec_raw: format!("<package>{id}</package>").into_bytes(),
            repository_url: None,
        }
    }

    #[test]
    fn new_folder_gets_the_hierarchical_layout_and_never_overwrites() {
        let work = tempfile::tempdir().unwrap();
        let feed = work.path().join("feed");
        let pkg = package(work.path(), "My.Pkg", "1.0.0-beta", "1.0.0-Beta");
        let cancel = CancellationToken::new();
        let dir = add_to_folder(&feed, &pkg, "feed", &cancel).unwrap();
        assert_eq!(dir, feed.join("my.pkg/1.0.0-beta"));
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".nupkg.metadata",
                "my.pkg.1.0.0-beta.nupkg",
                "my.pkg.1.0.0-beta.nupkg.sha512",
                "my.pkg.nuspec"
            ]
        );
        let sha = fs::read_to_string(dir.join("my.pkg.1.0.0-beta.nupkg.sha512")).unwrap();
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha512::digest(fs::read(&pkg.path).unwrap()));
        assert_eq!(sha, expected);
        assert_eq!(
            fs::read_to_string(dir.join(".nupkg.metadata")).unwrap(),
            format!("{{\n  \"version\": 1,\n  \"contentHash\": \"{expected}\"\n}}")
        );
        // Same version again (different case): refused, nothing changed.
        let before = fs::read(dir.join("my.pkg.1.0.0-beta.nupkg")).unwrap();
        let again = package(work.path(), "my.pkg", "1.0.0-BETA", "1.0.0-BETA");
        let err = add_to_folder(&feed, &again, "feed", &cancel).unwrap_err();
        assert!(err.is_version_exists(), "{err}");
        assert_eq!(
            fs::read(dir.join("my.pkg.1.0.0-beta.nupkg")).unwrap(),
            before
        );
        // No temporary folder left behind.
        let leftovers: Vec<_> = fs::read_dir(feed.join("my.pkg"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn a_flat_feed_stays_flat_and_is_never_overwritten() {
        let work = tempfile::tempdir().unwrap();
        let feed = work.path().join("feed");
        fs::create_dir_all(&feed).unwrap();
        fs::write(feed.join("Other.1.0.0.nupkg"), b"other").unwrap();
        assert_eq!(layout_of(&feed), Layout::Flat);
        let pkg = package(work.path(), "My.Pkg", "1.0.0", "1.0");
        let cancel = CancellationToken::new();
        let path = add_to_folder(&feed, &pkg, "feed", &cancel).unwrap();
        assert_eq!(path, feed.join("My.Pkg.1.0.nupkg"));
        assert_eq!(fs::read(&path).unwrap(), fs::read(&pkg.path).unwrap());
        let err = add_to_folder(&feed, &pkg, "feed", &cancel).unwrap_err();
        assert!(err.is_version_exists());
        let count = fs::read_dir(&feed).unwrap().count();
        assert_eq!(count, 2, "no temporary file left");
        // SemVer 2 versions use the normalized form in flat names.
        let semver2 = package(work.path(), "S", "2.0.0-rc.1", "2.0.0-rc.1+build");
        let path = add_to_folder(&feed, &semver2, "feed", &cancel).unwrap();
        assert_eq!(path, feed.join("S.2.0.0-rc.1.nupkg"));
    }

    #[test]
    fn unreadable_package_and_cancel_leave_nothing_behind() {
        let work = tempfile::tempdir().unwrap();
        let feed = work.path().join("feed");
        let mut pkg = package(work.path(), "A", "1.0.0", "1.0.0");
        pkg.path = work.path().join("missing.nupkg");
        let err = add_to_folder(&feed, &pkg, "feed", &CancellationToken::new()).unwrap_err();
        assert_eq!(nupub_error::Coded::code(&err), "feed.file_unreadable");
        assert!(find_in_folder(&feed, "A", "1.0.0", "1.0.0").is_none());
        assert_eq!(fs::read_dir(feed.join("a")).unwrap().count(), 0);

        let pkg = package(work.path(), "B", "1.0.0", "1.0.0");
        let cancel = CancellationToken::new();
        cancel.cancel();
        let err = add_to_folder(&feed, &pkg, "feed", &cancel).unwrap_err();
        assert_eq!(nupub_error::Coded::code(&err), "feed.push.cancelled");
        assert!(find_in_folder(&feed, "B", "1.0.0", "1.0.0").is_none());
    }

    #[test]
    fn content_hash_is_none_for_unsigned_and_hostile_files() {
        let work = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("empty", Vec::new()),
            ("junk", b"not a zip at all".to_vec()),
            ("eocd-only", b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\xff\xff\xff\x00\x10\x00\x00\x00\x00\x00".to_vec()),
            ("cd-bad", b"PK\x01\x02xxxxPK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec()),
        ] {
            let path = work.path().join(name);
            fs::write(&path, bytes).unwrap();
            assert_eq!(content_hash(&path), None, "{name}");
        }
        let unsigned = nupub_testkit::fixture("PackageWithContentFile.1.0.nupkg");
        assert_eq!(content_hash(&unsigned), None);
    }

    #[test]
    fn content_hash_of_signed_packages_is_stable() {
        // Values from the hash walk before it moved onto nupub_package::zipread.
        for (name, hash) in [
            ("SignedPackage.1.0.0.nupkg", "+OEohCE1z5qwzMffkI/9+ebbr6/cl8YD79nOo1ZItyfGzpiUUqKtYwHpKvHwvc578OQCxjXAlGpVkb9F3i/Kiw=="),
            ("Test.RepoCountersigned.1.0.0.nupkg", "Howd7cXkd5zYYHQ/RdHTy4X0cTcivIVVAl5CMSW90PbXdChAkCH9yEwhbgimHYYFSm+OqqEO1/3Db0DK0TV1Dw=="),
            ("Serilog.2.12.0.nupkg", "xaiJLIdu6rYMKfQMYUZgTy8YK7SMZjB4Yk50C/u//Z4OsvxkUfSPJy4nknfvwAC34yr13q7kcyh4grbwhSxyZg=="),
        ] {
            let path = nupub_testkit::fixture(name);
            assert_eq!(content_hash(&path).as_deref(), Some(hash), "{name}");
        }
    }

    #[test]
    fn removal_needs_confirmation() {
        let work = tempfile::tempdir().unwrap();
        let feed = work.path().join("feed");
        let pkg = package(work.path(), "A", "1.0.0", "1.0.0");
        add_to_folder(&feed, &pkg, "feed", &CancellationToken::new()).unwrap();
        let err = remove_from_folder(&feed, "A", "1.0.0", false).unwrap_err();
        assert_eq!(
            nupub_error::Coded::code(&err),
            "feed.local.remove_unconfirmed"
        );
        assert!(find_in_folder(&feed, "A", "1.0.0", "1.0.0").is_some());
        remove_from_folder(&feed, "a", "1.0.0", true).unwrap();
        assert!(find_in_folder(&feed, "A", "1.0.0", "1.0.0").is_none());
        assert!(!feed.join("a").exists());
        let err = remove_from_folder(&feed, "A", "1.0.0", true).unwrap_err();
        assert_eq!(nupub_error::Coded::code(&err), "feed.not_found");
    }
}
