//! What to open when files are handed to Nupub: dropped on the window, given
//! on its command line (a file manager's "Open with", the desktop entry's
//! `%F`), or passed on by a second launch to the running window.
//!
//! One package opens at a time (the multi-package view will take the whole
//! list, which is why every path is kept). The choice only looks at names and
//! at whether a path is a folder: it never reads a file, so it is instant for
//! any number of paths, and a package that cannot be read is still chosen and
//! then fails to open with the package model's own error.

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
    /// The package to open now: the first `.nupkg`, else the first `.snupkg`.
    pub open: Option<String>,
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
    Other,
}

fn kind(path: &Path) -> Kind {
    if path.is_dir() {
        return Kind::Folder;
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
        let chosen = looked_at
            .iter()
            .position(|(_, k)| *k == Kind::Package)
            .or_else(|| looked_at.iter().position(|(_, k)| *k == Kind::Symbols));
        let symbols_beside = chosen.map(|i| looked_at[i].0.with_extension("snupkg"));
        let text = |p: &Path| p.to_string_lossy().into_owned();
        let not_opened = looked_at
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != chosen)
            .map(|(_, (path, kind))| NotOpened {
                path: text(path),
                reason: match kind {
                    Kind::Folder => NotOpenedReason::Folder,
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
    fn several_packages_open_the_first_and_keep_the_list() {
        let d = Dir::new(&["A.nupkg", "B.NUPKG", "C.nupkg"], &[]);
        let r = d.plan(&["A.nupkg", "B.NUPKG", "C.nupkg"]);
        assert_eq!(r.open, Some(d.p("A.nupkg")));
        assert_eq!(
            r.paths,
            vec![d.p("A.nupkg"), d.p("B.NUPKG"), d.p("C.nupkg")]
        );
        assert_eq!(
            reasons(&r),
            vec![
                (d.p("B.NUPKG"), NotOpenedReason::AnotherPackage),
                (d.p("C.nupkg"), NotOpenedReason::AnotherPackage)
            ]
        );
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
        assert_eq!(r.open, Some(d.p("P0.nupkg")));
        assert_eq!(r.not_opened.len(), MAX_PATHS - 1);
    }
}
