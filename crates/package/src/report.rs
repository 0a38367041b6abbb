//! The inspection summary: what `nupub inspect --json` prints and the window shows.

use crate::files::{classify, FileInfo};
use crate::framework::Framework;
use crate::media::{IconInfo, LicenseInfo, ReadmeInfo};
use crate::nuspec::{Dependency, Nuspec};
use crate::package::Package;
use crate::signature::SignatureInfo;
use crate::version::VersionRange;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RepositoryInfo {
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub kind: Option<String>,
    pub url: Option<String>,
    pub branch: Option<String>,
    pub commit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PackageTypeInfo {
    pub name: String,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DependencyInfo {
    pub id: String,
    /// The range in NuGet's normalized form (`[1.0.0, )`), or the text as written when it does not parse.
    pub range: String,
    /// The `version` attribute as written (`None` when missing: any version).
    pub range_original: Option<String>,
    pub range_valid: bool,
    pub include: Option<String>,
    pub exclude: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DependencyGroupInfo {
    /// Short framework name (`net8.0`); `None` for the group that applies to every framework.
    pub target_framework: Option<String>,
    /// As written in the nuspec.
    pub target_framework_original: Option<String>,
    pub target_framework_display: Option<String>,
    pub dependencies: Vec<DependencyInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FrameworkAssemblyInfo {
    pub assembly_name: String,
    /// Short names of the frameworks it applies to (empty: all).
    pub target_frameworks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FrameworkReferenceGroupInfo {
    pub target_framework: Option<String>,
    pub references: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FrameworkSummary {
    pub short_name: String,
    pub display_name: String,
    pub unsupported: bool,
}

/// Everything `nupub inspect` reports about a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Inspection {
    pub id: String,
    /// The id, title and authors as shown (deceptive characters escaped; see [`crate::names`]).
    pub display_id: String,
    pub display_title: Option<String>,
    pub display_authors: Vec<String>,
    /// The `<version>` text as written (trimmed).
    pub version: String,
    pub normalized_version: String,
    /// Normalized, with `+metadata` when there is some.
    pub full_version: String,
    pub is_prerelease: bool,
    #[serde(rename = "isSemVer2")]
    #[ts(rename = "isSemVer2")]
    pub is_semver2: bool,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub owners: Vec<String>,
    pub description: Option<String>,
    pub summary: Option<String>,
    pub release_notes: Option<String>,
    pub copyright: Option<String>,
    pub language: Option<String>,
    pub tags: Vec<String>,
    pub project_url: Option<String>,
    pub license: Option<LicenseInfo>,
    pub license_url: Option<String>,
    pub require_license_acceptance: Option<bool>,
    pub development_dependency: Option<bool>,
    pub serviceable: Option<bool>,
    pub icon: Option<IconInfo>,
    pub icon_url: Option<String>,
    pub readme: Option<ReadmeInfo>,
    pub repository: Option<RepositoryInfo>,
    pub min_client_version: Option<String>,
    pub package_types: Vec<PackageTypeInfo>,
    pub is_symbols_package: bool,
    pub dependency_groups: Vec<DependencyGroupInfo>,
    pub framework_assemblies: Vec<FrameworkAssemblyInfo>,
    pub framework_references: Vec<FrameworkReferenceGroupInfo>,
    /// Frameworks the package targets (from its folders and nuspec groups), sorted.
    pub frameworks: Vec<FrameworkSummary>,
    pub files: Vec<FileInfo>,
    pub file_count: usize,
    /// Sum of the entries' uncompressed sizes.
    #[ts(type = "number")]
    pub total_size: u64,
    /// Size of the .nupkg file.
    #[ts(type = "number")]
    pub package_size: u64,
    pub nuspec_entry: String,
    pub signature: Option<SignatureInfo>,
    /// Result of the CRC check, when it was run ([`Package::verify_integrity`]).
    pub integrity: Option<crate::archive::IntegrityReport>,
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn tfm(raw: Option<&str>) -> (Option<String>, Option<String>) {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => {
            let f = Framework::parse(t);
            (Some(f.short_name), Some(f.display_name))
        }
        None => (None, None),
    }
}

impl Package {
    /// The summary `nupub inspect` prints.
    pub fn inspect(&self) -> Inspection {
        Inspection::read(self)
    }
}

impl Inspection {
    /// Everything the inspector shows about a package, from its model.
    pub fn read(package: &Package) -> Inspection {
        let n = package.nuspec();
        let files: Vec<FileInfo> = package.entries().iter().map(classify).collect();
        let dependency_groups = dependency_groups(n);
        let framework_assemblies = framework_assemblies(n);
        let framework_references = n
            .framework_references
            .iter()
            .map(|g| FrameworkReferenceGroupInfo {
                target_framework: tfm(g.target_framework.as_deref()).0,
                references: g.references.clone(),
            })
            .collect();
        let frameworks = frameworks(&files, n);
        let v = package.version();
        let display = crate::names::display_form;
        Inspection {
            id: package.id().to_string(),
            display_id: display(package.id()),
            display_title: clean(&n.title).map(|t| display(&t)),
            display_authors: n.authors_list().iter().map(|a| display(a)).collect(),
            version: v.original().trim().to_string(),
            normalized_version: v.normalized(),
            full_version: v.full(),
            is_prerelease: v.is_prerelease(),
            is_semver2: v.is_semver2(),
            title: clean(&n.title),
            authors: n.authors_list(),
            owners: n.owners_list(),
            description: clean(&n.description),
            summary: clean(&n.summary),
            release_notes: clean(&n.release_notes),
            copyright: clean(&n.copyright),
            language: clean(&n.language),
            tags: n.tags_list(),
            project_url: clean(&n.project_url),
            license: package.license().cloned(),
            license_url: clean(&n.license_url),
            require_license_acceptance: n.require_license_acceptance(),
            development_dependency: n.development_dependency(),
            serviceable: n.serviceable(),
            icon: package.icon().cloned(),
            icon_url: clean(&n.icon_url),
            readme: package.readme().cloned(),
            repository: n.repository.as_ref().map(|r| RepositoryInfo {
                kind: r.kind.clone(),
                url: r.url.clone(),
                branch: r.branch.clone(),
                commit: r.commit.clone(),
            }),
            min_client_version: clean(&n.min_client_version),
            package_types: n
                .package_types
                .iter()
                .map(|t| PackageTypeInfo {
                    name: t.name.clone(),
                    version: t.version.clone(),
                })
                .collect(),
            is_symbols_package: package.is_symbols_package(),
            dependency_groups,
            framework_assemblies,
            framework_references,
            frameworks,
            file_count: files
                .iter()
                .filter(|f| f.group != crate::files::FileGroup::Directory)
                .count(),
            total_size: package.entries().iter().map(|e| e.size).sum(),
            package_size: package.file_size(),
            files,
            nuspec_entry: package.nuspec_entry_name().to_string(),
            signature: package.signature().cloned(),
            integrity: None,
        }
    }
}

/// The dependency groups as NuGet uses them (a flat list is one group), with
/// each range normalized where it parses.
fn dependency_groups(n: &Nuspec) -> Vec<DependencyGroupInfo> {
    n.dependencies
        .effective_groups()
        .iter()
        .map(|g| {
            let (short, display) = tfm(g.target_framework.as_deref());
            DependencyGroupInfo {
                target_framework: short,
                target_framework_original: g.target_framework.clone(),
                target_framework_display: display,
                dependencies: g.dependencies.iter().map(dependency_info).collect(),
            }
        })
        .collect()
}

fn dependency_info(d: &Dependency) -> DependencyInfo {
    let parsed = d.version.as_deref().map(VersionRange::parse);
    DependencyInfo {
        id: d.id.clone().unwrap_or_default().trim().to_string(),
        range: match (&parsed, &d.version) {
            (Some(Ok(r)), _) => r.normalized(),
            (_, Some(raw)) => raw.clone(),
            (_, None) => String::new(),
        },
        range_original: d.version.clone(),
        range_valid: !matches!(parsed, Some(Err(_))),
        include: d.include.clone(),
        exclude: d.exclude.clone(),
    }
}

/// Each `<frameworkAssembly>` with its comma list of frameworks split and parsed.
fn framework_assemblies(n: &Nuspec) -> Vec<FrameworkAssemblyInfo> {
    n.framework_assemblies
        .iter()
        .map(|f| FrameworkAssemblyInfo {
            assembly_name: f.assembly_name.clone().unwrap_or_default(),
            target_frameworks: f
                .target_framework
                .as_deref()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Framework::parse(s).short_name)
                .collect(),
        })
        .collect()
}

/// Every framework the package names (file folders, dependency groups,
/// framework reference groups), once each, by short name.
fn frameworks(files: &[FileInfo], n: &Nuspec) -> Vec<FrameworkSummary> {
    let mut frameworks: Vec<Framework> = Vec::new();
    let mut add = |f: Framework| {
        if !frameworks.iter().any(|x| x.short_name == f.short_name) {
            frameworks.push(f);
        }
    };
    for file in files {
        if let Some(t) = &file.target_framework {
            add(Framework::parse(t));
        }
    }
    let named = n
        .dependencies
        .groups
        .iter()
        .map(|g| &g.target_framework)
        .chain(n.framework_references.iter().map(|g| &g.target_framework));
    for t in named.filter_map(|t| t.as_deref().filter(|t| !t.trim().is_empty())) {
        add(Framework::parse(t));
    }
    frameworks.sort_by(|a, b| a.short_name.cmp(&b.short_name));
    frameworks
        .into_iter()
        .map(|f| FrameworkSummary {
            short_name: f.short_name,
            display_name: f.display_name,
            unsupported: f.is_unsupported,
        })
        .collect()
}
