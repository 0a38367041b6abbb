//! Where the nuget.config files are: from the starting folder up to the root, the user
//! folder and the computer-wide folder, closest first.

use std::path::{Path, PathBuf};

pub(super) const DIR_FILE_NAMES: [&str; 3] = ["nuget.config", "NuGet.config", "NuGet.Config"];

/// Where the configuration files are looked for.
#[derive(Debug, Clone)]
pub struct ConfigLocations {
    /// The folder the directory walk starts from (usually the current folder).
    pub start_dir: PathBuf,
    /// The user folder holding `NuGet.Config` and `config/*.config`.
    pub user_dir: Option<PathBuf>,
    /// The computer-wide folder holding `*.config`.
    pub machine_dir: Option<PathBuf>,
    /// `--configfile`: when set, only this file is read.
    pub only_file: Option<PathBuf>,
}

impl ConfigLocations {
    /// The locations NuGet uses on this operating system.
    ///
    /// User folder on Linux/macOS: `~/.nuget/NuGet` (the dotnet CLI) when it
    /// holds a `NuGet.Config`, otherwise `$XDG_CONFIG_HOME/NuGet` or
    /// `~/.config/NuGet` (NuGet.exe under Mono). On Windows `%APPDATA%\NuGet`.
    pub fn system(start_dir: &Path) -> ConfigLocations {
        ConfigLocations {
            start_dir: start_dir.to_path_buf(),
            user_dir: user_dir(),
            machine_dir: machine_dir(),
            only_file: None,
        }
    }
}

pub(super) fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

pub(super) fn user_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        return env_path("APPDATA").map(|d| d.join("NuGet"));
    }
    let home = env_path("DOTNET_CLI_HOME").or_else(|| env_path("HOME"));
    let dotnet = home.as_ref().map(|h| h.join(".nuget").join("NuGet"));
    if let Some(dir) = &dotnet {
        if dir.join("NuGet.Config").is_file() {
            return dotnet;
        }
    }
    let xdg = env_path("XDG_CONFIG_HOME")
        .or_else(|| env_path("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("NuGet"));
    match &xdg {
        Some(dir) if dir.join("NuGet.Config").is_file() => xdg,
        _ => dotnet.or(xdg),
    }
}

pub(super) fn machine_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        env_path("ProgramFiles(x86)")
            .or_else(|| env_path("ProgramFiles"))
            .map(|d| d.join("NuGet").join("Config"))
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from("/Library/Application Support/NuGet/Config"))
    } else {
        Some(
            env_path("NUGET_COMMON_APPLICATION_DATA")
                .map(|d| d.join("NuGet").join("Config"))
                .unwrap_or_else(|| PathBuf::from("/etc/opt/NuGet/Config")),
        )
    }
}

pub(super) enum Candidate {
    File(PathBuf),
    DefaultUserFile(PathBuf),
}

/// Closest first.
pub(super) fn candidate_files(locations: &ConfigLocations) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = folder_files(&locations.start_dir)
        .into_iter()
        .map(Candidate::File)
        .collect();
    if let Some(user) = &locations.user_dir {
        let main = user.join(USER_FILE_NAME);
        if main.is_file() {
            out.push(Candidate::File(main));
        } else {
            out.push(Candidate::DefaultUserFile(main));
        }
        out.extend(
            config_files_in(&user.join("config"))
                .into_iter()
                .map(Candidate::File),
        );
    }
    if let Some(machine) = &locations.machine_dir {
        out.extend(config_files_in(machine).into_iter().map(Candidate::File));
    }
    out
}

pub(super) const USER_FILE_NAME: &str = "NuGet.Config";

/// The nuget.config files that exist for a folder walk, closest first and each
/// once: one per folder from `start` up to the root, then for each user folder
/// its `NuGet.Config` and `config/*.config`, then the computer-wide `*.config`.
/// This is the order [`NuGetConfig::load`] reads them in; several user folders
/// may be given (the dotnet CLI's and NuGet.exe's), where `load` reads one.
pub fn config_files(
    start: Option<&Path>,
    user_dirs: &[PathBuf],
    machine_dir: Option<&Path>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut push = |path: PathBuf| {
        if path.is_file() && !out.contains(&path) {
            out.push(path);
        }
    };
    for file in start.map(folder_files).unwrap_or_default() {
        push(file);
    }
    for user in user_dirs {
        push(user.join(USER_FILE_NAME));
        for file in config_files_in(&user.join("config")) {
            push(file);
        }
    }
    for file in machine_dir.map(config_files_in).unwrap_or_default() {
        push(file);
    }
    out
}

/// The user folders of every NuGet client on this computer, the one
/// [`ConfigLocations::system`] picks first: on Linux and macOS both the
/// dotnet CLI's (`~/.nuget/NuGet`) and NuGet.exe's (`~/.config/NuGet`), since
/// either may hold a file; on Windows `%APPDATA%\NuGet`.
pub fn all_user_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = user_dir().into_iter().collect();
    if !cfg!(windows) {
        let home = env_path("DOTNET_CLI_HOME").or_else(|| env_path("HOME"));
        let xdg =
            env_path("XDG_CONFIG_HOME").or_else(|| env_path("HOME").map(|h| h.join(".config")));
        for dir in [
            home.map(|h| h.join(".nuget").join("NuGet")),
            xdg.map(|x| x.join("NuGet")),
        ]
        .into_iter()
        .flatten()
        {
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    dirs
}

/// One config file per folder from `start` up to the root, closest first.
pub(super) fn folder_files(start: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dir = Some(start);
    while let Some(current) = dir {
        // On a case-sensitive file system all three names may exist: the client reads the first.
        if let Some(found) = DIR_FILE_NAMES
            .iter()
            .map(|name| current.join(name))
            .find(|p| p.is_file())
        {
            out.push(found);
        }
        dir = current.parent();
    }
    out
}

pub(super) fn config_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .is_some_and(|e| e.eq_ignore_ascii_case("config"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
