//! The workflow writer: finds the package's GitHub repository, writes a
//! GitHub Actions workflow that packs and publishes it, and gives the exact
//! values for nuget.org's Trusted Publishing form.
//!
//! The repository comes from the git checkout around the package's folder
//! (its `origin` remote, default branch) and from the package's
//! `<repository url>`. The git files are read by hand (hand-written on
//! purpose: three small read-only files — `.git` / `config` / `HEAD` — are all
//! that is needed, where a git library would add a large dependency tree).
//!
//! Nothing is written without [`write_workflow`], which never replaces a file
//! unless told to.

use crate::doctor::POLICY_PAGE;
use crate::error::CiError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Where `nupub` for Linux x64 is downloaded from in a workflow.
pub const NUPUB_DOWNLOAD_URL: &str =
    "https://github.com/nupub/nupub/releases/latest/download/nupub-x86_64-unknown-linux-gnu.tar.gz";
/// The V3 index nuget.org pushes go to.
const NUGET_ORG_INDEX: &str = "https://api.nuget.org/v3/index.json";

/// How the workflow publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PublishMode {
    /// `nupub push --trusted-publishing` to nuget.org.
    Nupub,
    /// NuGet/login (the official action) and `dotnet nuget push`.
    Dotnet,
    /// Prereleases to a MyGet feed with `nupub push --source myget:FEED`, the key from a secret.
    MyGet,
}

/// What the user chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkflowOptions {
    pub mode: PublishMode,
    /// The nuget.org user name of the policy's creator; `None` writes
    /// `${{ secrets.NUGET_USER }}` instead.
    pub user: Option<String>,
    /// A GitHub environment for the publishing job (also the policy's Environment).
    pub environment: Option<String>,
    /// The workflow file name (default `publish-nuget.yml`).
    pub file_name: Option<String>,
    /// The MyGet feed name (mode `myGet`).
    pub myget_feed: Option<String>,
}

impl Default for WorkflowOptions {
    fn default() -> Self {
        WorkflowOptions {
            mode: PublishMode::Nupub,
            user: None,
            environment: None,
            file_name: None,
            myget_feed: None,
        }
    }
}

/// Where the repository was learnt from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RepositoryOrigin {
    /// The git checkout's `origin` remote.
    GitRemote,
    /// The package's `<repository url>`.
    Nuspec,
}

/// The package's GitHub repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RepositoryFacts {
    pub owner: String,
    pub name: String,
    /// `https://github.com/OWNER/NAME`.
    pub url: String,
    pub origin: RepositoryOrigin,
    /// The root of the git checkout around the package, when there is one.
    pub checkout: Option<String>,
    /// The remote's default branch (`origin/HEAD`), else the checked-out branch.
    pub default_branch: Option<String>,
    /// Set when the package's `<repository url>` names another repository than the checkout.
    pub note: Option<String>,
}

/// The values to type into nuget.org's Trusted Publishing form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PolicyValues {
    pub policy_name: String,
    pub repository_owner: String,
    pub repository: String,
    pub workflow_file: String,
    /// Empty when the job has no environment (leave the field empty).
    pub environment: String,
    /// The nuget.org user who must create the policy and whose name the workflow sends.
    pub creator: Option<String>,
    /// nuget.org's page for the form.
    pub page: String,
}

/// A workflow ready to be shown (and, after the user saw it, written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkflowPlan {
    pub package_id: String,
    pub repository: RepositoryFacts,
    pub mode: PublishMode,
    pub file_name: String,
    /// `.github/workflows/<file>` inside the repository.
    pub relative_path: String,
    /// Where it would be written; `None` when the package is not in a checkout.
    pub target: Option<String>,
    /// A file is already there.
    pub exists: bool,
    /// The project packed (relative to the checkout), when one was found.
    pub project: Option<String>,
    pub yaml: String,
    /// Trusted Publishing form values (not for MyGet).
    pub policy: Option<PolicyValues>,
    /// Secrets the workflow reads, to create under the repository's Settings › Secrets.
    pub secrets: Vec<String>,
}

/// Builds the workflow for the package at `package_path`.
pub fn plan_workflow(
    package_path: &Path,
    options: &WorkflowOptions,
) -> Result<WorkflowPlan, CiError> {
    let package = nupub_package::Package::open(package_path).map_err(|e| {
        use nupub_error::Coded;
        CiError::Package(e.info().message)
    })?;
    let nuspec_url = package
        .nuspec()
        .repository
        .as_ref()
        .and_then(|r| r.url.clone());
    let folder = package_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let folder = std::fs::canonicalize(&folder).unwrap_or(folder);
    let repository = find_repository(&folder, nuspec_url.as_deref())
        .ok_or_else(|| CiError::NoRepository(package_path.display().to_string()))?;
    plan_for_repository(package.id(), repository, options)
}

/// [`plan_workflow`] once the package id and the repository are known.
pub fn plan_for_repository(
    package_id: &str,
    repository: RepositoryFacts,
    options: &WorkflowOptions,
) -> Result<WorkflowPlan, CiError> {
    let file_name = check_file_name(options.file_name.as_deref().unwrap_or("publish-nuget.yml"))?;
    let environment = match options.environment.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(e) => Some(check_environment(e)?),
    };
    let user = match options.user.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(u) => Some(crate::trusted::check_user(u)?.to_string()),
    };
    let checkout = repository.checkout.as_ref().map(PathBuf::from);
    let project = checkout
        .as_deref()
        .and_then(|root| find_project(root, package_id));
    let relative_path = format!(".github/workflows/{file_name}");
    let target = checkout.as_ref().map(|root| root.join(&relative_path));
    let exists = target.as_ref().is_some_and(|t| t.exists());
    let branch = repository
        .default_branch
        .clone()
        .unwrap_or_else(|| "main".into());
    let (yaml, secrets) = match options.mode {
        PublishMode::MyGet => {
            let feed = options
                .myget_feed
                .as_deref()
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .ok_or_else(|| CiError::InvalidValue {
                    what: "The MyGet feed",
                    value: String::new(),
                    reason: "a MyGet workflow needs the feed's name".into(),
                })?;
            let feed = check_name("The MyGet feed", feed)?;
            (
                myget_yaml(package_id, project.as_deref(), &branch, feed),
                vec!["MYGET_API_KEY".to_string()],
            )
        }
        mode => {
            let secrets = if user.is_none() {
                vec!["NUGET_USER".to_string()]
            } else {
                Vec::new()
            };
            (
                nuget_org_yaml(
                    package_id,
                    project.as_deref(),
                    mode,
                    user.as_deref(),
                    environment,
                ),
                secrets,
            )
        }
    };
    let policy = (options.mode != PublishMode::MyGet).then(|| PolicyValues {
        policy_name: file_name
            .rsplit_once('.')
            .map_or(file_name, |(stem, _)| stem)
            .to_string(),
        repository_owner: repository.owner.clone(),
        repository: repository.name.clone(),
        workflow_file: file_name.to_string(),
        environment: environment.unwrap_or_default().to_string(),
        creator: user.clone(),
        page: POLICY_PAGE.into(),
    });
    Ok(WorkflowPlan {
        package_id: package_id.to_string(),
        mode: options.mode,
        file_name: file_name.to_string(),
        relative_path,
        target: target.map(|t| t.display().to_string()),
        exists,
        project,
        yaml,
        policy,
        secrets,
        repository,
    })
}

/// Writes the plan's workflow. An existing file is replaced only with
/// `overwrite`; a new one is created without ever replacing a file that
/// appears in the meantime.
pub fn write_workflow(plan: &WorkflowPlan, overwrite: bool) -> Result<PathBuf, CiError> {
    let target = plan
        .target
        .as_ref()
        .map(PathBuf::from)
        .ok_or_else(|| CiError::NoCheckout(plan.package_id.clone()))?;
    let failed = |e: std::io::Error| CiError::WriteFailed {
        path: target.display().to_string(),
        detail: e.to_string(),
    };
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    if overwrite {
        let dir = target.parent().unwrap_or(Path::new("."));
        let mut temp = tempfile_in(dir).map_err(failed)?;
        std::io::Write::write_all(&mut temp.1, plan.yaml.as_bytes()).map_err(failed)?;
        std::fs::rename(&temp.0, &target).map_err(|e| {
            let _ = std::fs::remove_file(&temp.0);
            failed(e)
        })?;
        return Ok(target);
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                CiError::WorkflowExists(target.display().to_string())
            } else {
                failed(e)
            }
        })?;
    std::io::Write::write_all(&mut file, plan.yaml.as_bytes()).map_err(|e| {
        let _ = std::fs::remove_file(&target);
        failed(e)
    })?;
    Ok(target)
}

/// [`write_workflow`] for a window: writes only when `shown` is exactly the
/// plan's text, so what lands on disk is what the user looked at.
pub fn write_shown_workflow(
    plan: &WorkflowPlan,
    shown: &str,
    overwrite: bool,
) -> Result<PathBuf, CiError> {
    if plan.yaml != shown {
        return Err(CiError::NotAsShown(plan.relative_path.clone()));
    }
    write_workflow(plan, overwrite)
}

fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    for n in 0..100u32 {
        let path = dir.join(format!(".nupub-workflow-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
}

/// The repository for a package in `folder` whose nuspec names `nuspec_url`.
pub fn find_repository(folder: &Path, nuspec_url: Option<&str>) -> Option<RepositoryFacts> {
    let from_nuspec = nuspec_url.and_then(parse_github_url);
    let git = find_checkout(folder);
    let from_remote = git
        .as_ref()
        .and_then(|g| g.remote_url.as_deref())
        .and_then(parse_github_url);
    let (owner, name, origin) = match (&from_remote, &from_nuspec) {
        (Some((o, n)), _) => (o.clone(), n.clone(), RepositoryOrigin::GitRemote),
        (None, Some((o, n))) => (o.clone(), n.clone(), RepositoryOrigin::Nuspec),
        (None, None) => return None,
    };
    let note = match (&from_remote, &from_nuspec) {
        (Some((ro, rn)), Some((no, nn)))
            if !ro.eq_ignore_ascii_case(no) || !rn.eq_ignore_ascii_case(nn) =>
        {
            Some(format!(
                "the package's <repository> names github.com/{no}/{nn}, but its folder is a checkout of github.com/{ro}/{rn}; the workflow and the policy use the checkout"
            ))
        }
        _ => None,
    };
    // A checkout whose remote is not this repository is not where the workflow goes.
    let checkout = git
        .as_ref()
        .filter(|_| from_remote.is_some())
        .map(|g| g.root.display().to_string());
    let default_branch = git
        .as_ref()
        .filter(|_| from_remote.is_some())
        .and_then(|g| g.default_branch.clone());
    Some(RepositoryFacts {
        url: format!("https://github.com/{owner}/{name}"),
        owner,
        name,
        origin,
        checkout,
        default_branch,
        note,
    })
}

/// `owner` and `repo` from the URL forms GitHub remotes and nuspecs use:
/// `https://github.com/o/r(.git)`, `git@github.com:o/r.git`,
/// `ssh://git@github.com/o/r.git`, `git://github.com/o/r`.
pub fn parse_github_url(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let rest = if let Some(rest) = url.strip_prefix("git@github.com:") {
        rest.to_string()
    } else {
        let parsed = url::Url::parse(url).ok()?;
        if !parsed.host_str().is_some_and(|h| {
            h.eq_ignore_ascii_case("github.com") || h.eq_ignore_ascii_case("www.github.com")
        }) {
            return None;
        }
        parsed.path().trim_start_matches('/').to_string()
    };
    let mut parts = rest.trim_end_matches('/').splitn(3, '/');
    let owner = parts.next()?.to_string();
    let name = parts.next()?;
    let name = name.strip_suffix(".git").unwrap_or(name).to_string();
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s != "."
            && s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (ok(&owner) && ok(&name)).then_some((owner, name))
}

struct Checkout {
    root: PathBuf,
    remote_url: Option<String>,
    default_branch: Option<String>,
}

/// The git checkout containing `folder`: walks up to a `.git` folder (or a
/// `.git` file pointing to one, as worktrees and submodules have).
fn find_checkout(folder: &Path) -> Option<Checkout> {
    let mut dir = Some(folder);
    while let Some(d) = dir {
        let dot_git = d.join(".git");
        if dot_git.is_dir() {
            return Some(read_checkout(d, &dot_git, &dot_git));
        }
        if dot_git.is_file() {
            let text = read_small(&dot_git)?;
            let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            let git_dir = d.join(target);
            // A worktree's config lives in the main repository (`commondir`).
            let common = read_small(&git_dir.join("commondir"))
                .map(|c| git_dir.join(c.trim()))
                .unwrap_or_else(|| git_dir.clone());
            return Some(read_checkout(d, &git_dir, &common));
        }
        dir = d.parent();
    }
    None
}

fn read_checkout(root: &Path, git_dir: &Path, common_dir: &Path) -> Checkout {
    let remote_url = read_small(&common_dir.join("config")).and_then(|c| origin_url(&c));
    let default_branch = read_small(&common_dir.join("refs/remotes/origin/HEAD"))
        .and_then(|t| {
            t.trim()
                .strip_prefix("ref: refs/remotes/origin/")
                .map(str::to_string)
        })
        .or_else(|| {
            read_small(&git_dir.join("HEAD")).and_then(|t| {
                t.trim()
                    .strip_prefix("ref: refs/heads/")
                    .map(str::to_string)
            })
        })
        .filter(|b| check_branch(b));
    Checkout {
        root: root.to_path_buf(),
        remote_url,
        default_branch,
    }
}

fn read_small(path: &Path) -> Option<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    file.take(1024 * 1024).read_to_string(&mut text).ok()?;
    Some(text)
}

/// `url` of `[remote "origin"]` in a git config file.
fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let section: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_origin = section == "[remote\"origin\"]";
            continue;
        }
        if in_origin {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim().eq_ignore_ascii_case("url") {
                    return Some(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

fn check_branch(b: &str) -> bool {
    !b.is_empty()
        && b.len() <= 200
        && b.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

/// A project to pack: `<id>.csproj` (or .fsproj/.vbproj) below the checkout,
/// else the only project there; `None` packs whatever `dotnet pack` finds at the root.
fn find_project(root: &Path, package_id: &str) -> Option<String> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    let mut visited = 0usize;
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            visited += 1;
            if visited > 20_000 {
                break;
            }
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                let skip = name.starts_with('.')
                    || matches!(
                        name.to_ascii_lowercase().as_str(),
                        "bin" | "obj" | "node_modules" | "packages" | "target"
                    );
                if !skip && depth < 6 {
                    stack.push((path, depth + 1));
                }
            } else if [".csproj", ".fsproj", ".vbproj"]
                .iter()
                .any(|ext| name.to_ascii_lowercase().ends_with(ext))
            {
                found.push(path);
            }
        }
    }
    let relative = |p: &Path| {
        p.strip_prefix(root)
            .ok()
            .map(|r| r.to_string_lossy().replace('\\', "/"))
    };
    let safe = |s: &String| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ' '))
    };
    let by_id = found.iter().find(|p| {
        p.file_stem()
            .is_some_and(|s| s.to_string_lossy().eq_ignore_ascii_case(package_id))
    });
    match (by_id, found.as_slice()) {
        (Some(p), _) => relative(p),
        (None, [only]) => relative(only),
        _ => None,
    }
    .filter(safe)
}

fn check_name<'a>(what: &'static str, value: &'a str) -> Result<&'a str, CiError> {
    if value.len() <= 100
        && !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        Ok(value)
    } else {
        Err(CiError::InvalidValue {
            what,
            value: value.chars().take(100).collect(),
            reason: "only letters, digits, '.', '_' and '-' are allowed".into(),
        })
    }
}

fn check_file_name(name: &str) -> Result<&str, CiError> {
    let name = name.trim();
    let name = name.strip_prefix(".github/workflows/").unwrap_or(name);
    let name = check_name("The workflow file name", name)?;
    let lower = name.to_ascii_lowercase();
    if (lower.ends_with(".yml") || lower.ends_with(".yaml")) && !name.starts_with('.') {
        Ok(name)
    } else {
        Err(CiError::InvalidValue {
            what: "The workflow file name",
            value: name.into(),
            reason: "GitHub only runs workflow files ending in .yml or .yaml".into(),
        })
    }
}

fn check_environment(name: &str) -> Result<&str, CiError> {
    check_name("The environment name", name)
}

fn pack_step(project: Option<&str>) -> String {
    let target = project.map(|p| format!(" \"{p}\"")).unwrap_or_default();
    format!(
        "      - uses: actions/setup-dotnet@v4\n        with:\n          dotnet-version: '8.0.x'\n      - name: Pack\n        run: dotnet pack{target} --configuration Release --output out\n"
    )
}

fn install_nupub_step() -> String {
    format!(
        "      - name: Install nupub\n        run: |\n          curl --fail --silent --show-error --location {NUPUB_DOWNLOAD_URL} | tar -xz -C \"$RUNNER_TEMP\"\n          echo \"$RUNNER_TEMP\" >> \"$GITHUB_PATH\"\n"
    )
}

fn nuget_org_yaml(
    id: &str,
    project: Option<&str>,
    mode: PublishMode,
    user: Option<&str>,
    environment: Option<&str>,
) -> String {
    let user_value = user
        .map(|u| format!("'{u}'"))
        .unwrap_or_else(|| "${{ secrets.NUGET_USER }}".into());
    let mut y = String::new();
    y.push_str(&format!(
        "# Publishes {id} to nuget.org with Trusted Publishing: no API key is stored;\n\
         # the job proves who it is with GitHub's OIDC token and gets a one-hour key.\n\
         # Written by Nupub. The nuget.org policy must name this file's name.\n"
    ));
    y.push_str("name: Publish to nuget.org\n\non:\n  push:\n    tags: ['v*']\n  workflow_dispatch:\n\npermissions:\n  contents: read\n\njobs:\n  publish:\n    runs-on: ubuntu-latest\n");
    if let Some(env) = environment {
        y.push_str(&format!("    environment: {env}\n"));
    }
    y.push_str("    permissions:\n      contents: read\n      id-token: write\n    steps:\n      - uses: actions/checkout@v4\n");
    y.push_str(&pack_step(project));
    match mode {
        PublishMode::Dotnet => {
            y.push_str(&format!(
                "      - name: Get a temporary nuget.org key\n        id: login\n        uses: NuGet/login@v1\n        with:\n          user: {user_value}\n      - name: Push to nuget.org\n        run: dotnet nuget push \"out/*.nupkg\" --api-key \"${{{{ steps.login.outputs.NUGET_API_KEY }}}}\" --source {NUGET_ORG_INDEX}\n"
            ));
        }
        _ => {
            y.push_str(&install_nupub_step());
            y.push_str(&format!(
                "      - name: Push to nuget.org\n        env:\n          NUGET_USER: {user_value}\n        run: |\n          for package in out/*.nupkg; do\n            nupub push \"$package\" --source nuget.org --trusted-publishing --user \"$NUGET_USER\" --yes\n          done\n"
            ));
        }
    }
    y
}

fn myget_yaml(id: &str, project: Option<&str>, branch: &str, feed: &str) -> String {
    let mut y = format!(
        "# Publishes prereleases of {id} to the MyGet feed '{feed}' on every push to {branch}.\n\
         # Written by Nupub. Create the repository secret MYGET_API_KEY with a feed-scoped MyGet access token.\n\
         name: Publish prerelease to MyGet\n\non:\n  push:\n    branches: ['{branch}']\n  workflow_dispatch:\n\npermissions:\n  contents: read\n\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    );
    y.push_str(&pack_step(project).replace(
        "--output out\n",
        "--output out --version-suffix \"ci.${{ github.run_number }}\"\n",
    ));
    y.push_str(&install_nupub_step());
    y.push_str(&format!(
        "      - name: Push to MyGet\n        env:\n          MYGET_API_KEY: ${{{{ secrets.MYGET_API_KEY }}}}\n        run: |\n          for package in out/*.nupkg; do\n            nupub push \"$package\" --source myget:{feed} --api-key-env MYGET_API_KEY --yes\n          done\n"
    ));
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_url_forms() {
        let want = Some(("ann".to_string(), "Lib.Core".to_string()));
        for url in [
            "https://github.com/ann/Lib.Core",
            "https://github.com/ann/Lib.Core.git",
            "https://github.com/ann/Lib.Core/",
            "https://github.com/ann/Lib.Core/tree/main/src",
            "git@github.com:ann/Lib.Core.git",
            "ssh://git@github.com/ann/Lib.Core.git",
            "git://github.com/ann/Lib.Core",
        ] {
            assert_eq!(parse_github_url(url), want, "{url}");
        }
        for url in [
            "https://gitlab.com/ann/lib",
            "https://github.com/ann",
            "https://github.com.evil.example/ann/lib",
            "https://github.com/ann/li'b",
            "not a url",
        ] {
            assert_eq!(parse_github_url(url), None, "{url}");
        }
    }

    #[test]
    fn origin_url_is_read_from_the_config() {
        let config = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/x/y\n[remote \"origin\"]\n\turl = git@github.com:ann/lib.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";
        assert_eq!(
            origin_url(config).as_deref(),
            Some("git@github.com:ann/lib.git")
        );
        assert_eq!(origin_url("[core]\n"), None);
    }

    #[test]
    fn bad_names_are_refused() {
        assert_eq!(
            check_file_name(".github/workflows/release.yml").unwrap(),
            "release.yml"
        );
        assert!(check_file_name("release.txt").is_err());
        assert!(check_file_name("../x.yml").is_err());
        assert!(check_file_name("a b.yml").is_err());
        assert!(check_environment("prod\nrun: x").is_err());
    }
}
