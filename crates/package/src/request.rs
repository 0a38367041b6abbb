//! What to open when files are handed to Nupub: dropped on the window, given
//! on its command line (a file manager's "Open with", the desktop entry's
//! `%F`), or passed on by a second launch to the running window.
//!
//! One package opens in the inspector. Several packages, or a folder that
//! holds packages, make a set instead ([`OpenRequest::set`]): the window's
//! set view publishes them together. The choice only looks at names, at
//! whether a path is a folder and at a folder's file names: it never reads a
//! file, so it is instant for any number of paths, and a package that cannot
//! be read is still chosen and then fails to open (or to be planned) with the
//! package model's own error.

use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Paths looked at per request; the rest are only counted (a drop of a whole
/// folder's contents must not become a list nobody can read).
pub const MAX_PATHS: usize = 256;

/// The plan for a list of paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenRequest {
    /// Every path looked at, made absolute, in the order given.
    pub paths: Vec<String>,
    /// Paths given beyond [`MAX_PATHS`], not looked at.
    #[ts(type = "number")]
    pub more: usize,
    /// The package to open now: the first `.nupkg`, else the first `.snupkg`
    /// (`None` when the paths make a set).
    pub open: Option<String>,
    /// Several `.nupkg`, or a folder holding some: the package files and
    /// folders to publish as a set, in the order given. Empty otherwise.
    pub set: Vec<String>,
    /// Every other path, with the reason it was not opened.
    pub not_opened: Vec<NotOpened>,
}

/// A path that was not opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NotOpened {
    pub path: String,
    pub reason: NotOpenedReason,
}

/// Why a path was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum NotOpenedReason {
    /// A folder: Nupub opens package files.
    Folder,
    /// Not named `.nupkg` or `.snupkg`.
    NotAPackage,
    /// The symbol package beside the package that was opened: it is shown
    /// (and published) with that package.
    SymbolsOfOpened,
    /// Another package: one package opens at a time.
    AnotherPackage,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Package,
    Symbols,
    Folder,
    /// A folder with `.nupkg` files directly inside (a `bin/Release`).
    PackageFolder,
    Other,
}

/// Where a package's symbol package sits beside it: the same name with `.snupkg`.
pub fn symbols_path_for(package: &Path) -> PathBuf {
    package.with_extension("snupkg")
}

/// The symbol package beside a package, when that file is there.
pub fn symbols_beside(package: &Path) -> Option<PathBuf> {
    Some(symbols_path_for(package)).filter(|p| p.is_file())
}

/// The other half of a pair: the `.snupkg` beside a `.nupkg`, or the `.nupkg`
/// beside a `.snupkg` (same name), when that file is there.
pub fn companion_path(path: &Path) -> Option<PathBuf> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    let candidate = match ext.as_str() {
        "nupkg" => symbols_path_for(path),
        "snupkg" => path.with_extension("nupkg"),
        _ => return None,
    };
    candidate.is_file().then_some(candidate)
}

fn holds_packages(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let p = e.path();
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("nupkg"))
                && p.is_file()
        })
    })
}

fn kind(path: &Path) -> Kind {
    if path.is_dir() {
        return if holds_packages(path) {
            Kind::PackageFolder
        } else {
            Kind::Folder
        };
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("nupkg") => Kind::Package,
        Some(e) if e.eq_ignore_ascii_case("snupkg") => Kind::Symbols,
        _ => Kind::Other,
    }
}

impl OpenRequest {
    /// Plans what to open from `paths`; relative paths are taken from `cwd`
    /// (the folder the launching program was in). Empty paths are ignored.
    pub fn plan<I, P>(paths: I, cwd: &Path) -> OpenRequest
    where
        I: IntoIterator<Item = P>,
        P: Into<PathBuf>,
    {
        let mut looked_at: Vec<(PathBuf, Kind)> = Vec::new();
        let mut more = 0;
        for path in paths {
            let path: PathBuf = path.into();
            if path.as_os_str().is_empty() {
                continue;
            }
            if looked_at.len() == MAX_PATHS {
                more += 1;
                continue;
            }
            let path = if path.is_absolute() {
                path
            } else {
                cwd.join(path)
            };
            let kind = kind(&path);
            looked_at.push((path, kind));
        }
        let text = |p: &Path| p.to_string_lossy().into_owned();
        let packages = looked_at
            .iter()
            .filter(|(_, k)| *k == Kind::Package)
            .count();
        if packages > 1 || looked_at.iter().any(|(_, k)| *k == Kind::PackageFolder) {
            let in_set = |k: Kind| matches!(k, Kind::Package | Kind::Symbols | Kind::PackageFolder);
            return OpenRequest {
                open: None,
                set: looked_at
                    .iter()
                    .filter(|(_, k)| in_set(*k))
                    .map(|(p, _)| text(p))
                    .collect(),
                not_opened: looked_at
                    .iter()
                    .filter(|(_, k)| !in_set(*k))
                    .map(|(path, kind)| NotOpened {
                        path: text(path),
                        reason: if *kind == Kind::Folder {
                            NotOpenedReason::Folder
                        } else {
                            NotOpenedReason::NotAPackage
                        },
                    })
                    .collect(),
                paths: looked_at.iter().map(|(p, _)| text(p)).collect(),
                more,
            };
        }
        let chosen = looked_at
            .iter()
            .position(|(_, k)| *k == Kind::Package)
            .or_else(|| looked_at.iter().position(|(_, k)| *k == Kind::Symbols));
        let symbols_beside = chosen.map(|i| symbols_path_for(&looked_at[i].0));
        let not_opened = looked_at
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != chosen)
            .map(|(_, (path, kind))| NotOpened {
                path: text(path),
                reason: match kind {
                    Kind::Folder | Kind::PackageFolder => NotOpenedReason::Folder,
                    Kind::Other => NotOpenedReason::NotAPackage,
                    Kind::Symbols if symbols_beside.as_deref() == Some(path.as_path()) => {
                        NotOpenedReason::SymbolsOfOpened
                    }
                    Kind::Package | Kind::Symbols => NotOpenedReason::AnotherPackage,
                },
            })
            .collect();
        OpenRequest {
            open: chosen.map(|i| text(&looked_at[i].0)),
            set: Vec::new(),
            paths: looked_at.iter().map(|(p, _)| text(p)).collect(),
            more,
            not_opened,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    struct Dir(tempfile::TempDir);
    impl Dir {
        fn new(files: &[&str], folders: &[&str]) -> Dir {
            let dir = tempfile::tempdir().unwrap();
            for f in files {
                std::fs::write(dir.path().join(f), b"PK").unwrap();
            }
            for f in folders {
                std::fs::create_dir(dir.path().join(f)).unwrap();
            }
            Dir(dir)
        }
        fn p(&self, name: &str) -> String {
            self.0.path().join(name).to_string_lossy().into_owned()
        }
        fn plan(&self, names: &[&str]) -> OpenRequest {
            OpenRequest::plan(names.iter().map(PathBuf::from), self.0.path())
        }
    }

    fn reasons(r: &OpenRequest) -> Vec<(String, NotOpenedReason)> {
        r.not_opened
            .iter()
            .map(|n| (n.path.clone(), n.reason))
            .collect()
    }

    #[test]
    fn one_package_opens() {
        let d = Dir::new(&["A.1.0.0.nupkg"], &[]);
        let r = d.plan(&["A.1.0.0.nupkg"]);
        assert_eq!(r.open, Some(d.p("A.1.0.0.nupkg")));
        assert_eq!(r.paths, vec![d.p("A.1.0.0.nupkg")]);
        assert!(r.not_opened.is_empty(), "{r:?}");
    }

    #[test]
    fn the_package_wins_over_its_symbols_in_either_order() {
        let d = Dir::new(&["A.1.0.0.nupkg", "A.1.0.0.snupkg"], &[]);
        for names in [
            ["A.1.0.0.snupkg", "A.1.0.0.nupkg"],
            ["A.1.0.0.nupkg", "A.1.0.0.snupkg"],
        ] {
            let r = d.plan(&names);
            assert_eq!(r.open, Some(d.p("A.1.0.0.nupkg")));
            assert_eq!(
                reasons(&r),
                vec![(d.p("A.1.0.0.snupkg"), NotOpenedReason::SymbolsOfOpened)]
            );
            assert_eq!(r.paths.len(), 2);
        }
    }

    #[test]
    fn symbols_of_another_package_are_another_package() {
        let d = Dir::new(&["A.1.0.0.nupkg", "B.2.0.0.snupkg"], &[]);
        let r = d.plan(&["A.1.0.0.nupkg", "B.2.0.0.snupkg"]);
        assert_eq!(
            reasons(&r),
            vec![(d.p("B.2.0.0.snupkg"), NotOpenedReason::AnotherPackage)]
        );
    }

    #[test]
    fn several_packages_make_a_set_with_their_symbols_and_say_what_is_left_out() {
        let d = Dir::new(&["A.nupkg", "B.NUPKG", "C.snupkg", "notes.txt"], &["empty"]);
        let r = d.plan(&["A.nupkg", "notes.txt", "B.NUPKG", "empty", "C.snupkg"]);
        assert_eq!(r.open, None);
        assert_eq!(r.set, vec![d.p("A.nupkg"), d.p("B.NUPKG"), d.p("C.snupkg")]);
        assert_eq!(r.paths.len(), 5);
        assert_eq!(
            reasons(&r),
            vec![
                (d.p("notes.txt"), NotOpenedReason::NotAPackage),
                (d.p("empty"), NotOpenedReason::Folder)
            ]
        );
    }

    #[test]
    fn a_folder_with_packages_is_a_set_and_one_without_is_not() {
        let d = Dir::new(&[], &["bin", "docs"]);
        std::fs::write(d.0.path().join("bin/A.1.0.0.nupkg"), b"PK").unwrap();
        std::fs::write(d.0.path().join("docs/A.1.0.0.nupkg.txt"), b"x").unwrap();
        let r = d.plan(&["bin"]);
        assert_eq!((r.open.clone(), r.set.clone()), (None, vec![d.p("bin")]));
        let r = d.plan(&["docs"]);
        assert!(r.set.is_empty() && r.open.is_none());
        assert_eq!(reasons(&r), vec![(d.p("docs"), NotOpenedReason::Folder)]);
        // One package and its symbols stay one package.
        let one = Dir::new(&["A.1.0.0.nupkg", "A.1.0.0.snupkg"], &[]);
        assert!(one
            .plan(&["A.1.0.0.nupkg", "A.1.0.0.snupkg"])
            .set
            .is_empty());
    }

    #[test]
    fn a_lone_symbol_package_opens() {
        let d = Dir::new(&["A.snupkg", "notes.txt"], &[]);
        let r = d.plan(&["notes.txt", "A.snupkg"]);
        assert_eq!(r.open, Some(d.p("A.snupkg")));
        assert_eq!(
            reasons(&r),
            vec![(d.p("notes.txt"), NotOpenedReason::NotAPackage)]
        );
    }

    #[test]
    fn folders_and_other_files_open_nothing_and_say_why() {
        // A folder named like a package is still a folder.
        let d = Dir::new(&["readme.txt", "lib.zip", "nupkg"], &["out", "X.nupkg"]);
        let r = d.plan(&["out", "readme.txt", "X.nupkg", "lib.zip", "nupkg"]);
        assert_eq!(r.open, None);
        assert_eq!(
            reasons(&r),
            vec![
                (d.p("out"), NotOpenedReason::Folder),
                (d.p("readme.txt"), NotOpenedReason::NotAPackage),
                (d.p("X.nupkg"), NotOpenedReason::Folder),
                (d.p("lib.zip"), NotOpenedReason::NotAPackage),
                (d.p("nupkg"), NotOpenedReason::NotAPackage),
            ]
        );
    }

    #[test]
    fn a_missing_package_is_still_chosen_so_its_open_error_shows() {
        let d = Dir::new(&[], &[]);
        let r = d.plan(&["gone.nupkg"]);
        assert_eq!(r.open, Some(d.p("gone.nupkg")));
    }

    #[test]
    fn nothing_given() {
        let d = Dir::new(&[], &[]);
        let r = d.plan(&["", ""]);
        assert_eq!(r, OpenRequest::plan(Vec::<PathBuf>::new(), d.0.path()));
        assert_eq!(r.open, None);
        assert!(r.paths.is_empty() && r.not_opened.is_empty());
    }

    #[test]
    fn relative_paths_are_taken_from_cwd_and_absolute_ones_kept() {
        let d = Dir::new(&["A.nupkg"], &[]);
        let other = Dir::new(&["B.nupkg"], &[]);
        let r = d.plan(&["A.nupkg", &other.p("B.nupkg")]);
        assert_eq!(r.paths, vec![d.p("A.nupkg"), other.p("B.nupkg")]);
    }

    #[test]
    fn very_long_lists_are_bounded() {
        let d = Dir::new(&[], &[]);
        let names: Vec<String> = (0..MAX_PATHS + 40).map(|i| format!("P{i}.nupkg")).collect();
        let r = OpenRequest::plan(names.iter().map(PathBuf::from), d.0.path());
        assert_eq!(r.paths.len(), MAX_PATHS);
        assert_eq!(r.more, 40);
        assert_eq!(r.open, None);
        assert_eq!(r.set.len(), MAX_PATHS);
        assert!(r.not_opened.is_empty());
    }
}
