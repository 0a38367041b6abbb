//! The package-level comparisons: nuspec metadata, licence, target
//! frameworks, dependencies, files, signature, health and readme.

use crate::types::{Change, ChangeKind, DiffLine, ReadmeDiff, Severity};
use nupub_package::framework::Framework;
use nupub_package::report::DependencyGroupInfo;
use nupub_package::{Inspection, Package, VersionRange};
use nupub_rules::compat::is_compatible;
use std::collections::{BTreeMap, BTreeSet};

/// Most readme bytes compared as text.
const MAX_README: u64 = 1024 * 1024;
/// Most readme lines shown in the diff.
const MAX_README_LINES: usize = 2000;

fn list(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(", "))
}

/// Every nuspec field a consumer sees, compared as text.
pub(crate) fn metadata(old: &Inspection, new: &Inspection) -> Vec<Change> {
    // Absent means false for these flags: `false` → absent is no change.
    let bool_text = |b: Option<bool>| Some(b.unwrap_or(false).to_string());
    let repo = |i: &Inspection| {
        i.repository.as_ref().map(|r| {
            [
                r.kind.as_deref(),
                r.url.as_deref(),
                r.branch.as_deref(),
                r.commit.as_deref(),
            ]
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
        })
    };
    let types = |i: &Inspection| {
        list(
            &i.package_types
                .iter()
                .map(|t| match &t.version {
                    Some(v) => format!("{} {v}", t.name),
                    None => t.name.clone(),
                })
                .collect::<Vec<_>>(),
        )
    };
    let fields: Vec<(&str, Option<String>, Option<String>, Severity)> = vec![
        (
            "id",
            Some(old.id.clone()),
            Some(new.id.clone()),
            Severity::Info,
        ),
        (
            "title",
            old.title.clone(),
            new.title.clone(),
            Severity::Info,
        ),
        (
            "authors",
            list(&old.authors),
            list(&new.authors),
            Severity::Info,
        ),
        (
            "owners",
            list(&old.owners),
            list(&new.owners),
            Severity::Info,
        ),
        (
            "description",
            old.description.clone(),
            new.description.clone(),
            Severity::Info,
        ),
        (
            "summary",
            old.summary.clone(),
            new.summary.clone(),
            Severity::Info,
        ),
        ("tags", list(&old.tags), list(&new.tags), Severity::Info),
        (
            "projectUrl",
            old.project_url.clone(),
            new.project_url.clone(),
            Severity::Info,
        ),
        (
            "iconUrl",
            old.icon_url.clone(),
            new.icon_url.clone(),
            Severity::Info,
        ),
        (
            "icon",
            old.icon.as_ref().map(|i| i.path.clone()),
            new.icon.as_ref().map(|i| i.path.clone()),
            Severity::Info,
        ),
        (
            "readme",
            old.readme.as_ref().map(|r| r.path.clone()),
            new.readme.as_ref().map(|r| r.path.clone()),
            Severity::Info,
        ),
        ("repository", repo(old), repo(new), Severity::Info),
        (
            "releaseNotes",
            old.release_notes.clone(),
            new.release_notes.clone(),
            Severity::Info,
        ),
        (
            "copyright",
            old.copyright.clone(),
            new.copyright.clone(),
            Severity::Info,
        ),
        (
            "language",
            old.language.clone(),
            new.language.clone(),
            Severity::Info,
        ),
        (
            "requireLicenseAcceptance",
            bool_text(old.require_license_acceptance),
            bool_text(new.require_license_acceptance),
            Severity::Significant,
        ),
        (
            "developmentDependency",
            bool_text(old.development_dependency),
            bool_text(new.development_dependency),
            Severity::Significant,
        ),
        (
            "minClientVersion",
            old.min_client_version.clone(),
            new.min_client_version.clone(),
            Severity::Significant,
        ),
        (
            "packageTypes",
            types(old),
            types(new),
            Severity::Significant,
        ),
        (
            "serviceable",
            bool_text(old.serviceable),
            bool_text(new.serviceable),
            Severity::Info,
        ),
    ];
    let mut out = Vec::new();
    for (field, a, b, severity) in fields {
        if a == b {
            continue;
        }
        let message = match (&a, &b) {
            (None, Some(_)) => format!("<{field}> added"),
            (Some(_), None) => format!("<{field}> removed"),
            _ if field == "id" => {
                "the id's letter case changed (nuget.org shows the first version's casing)"
                    .to_string()
            }
            _ => format!("<{field}> changed"),
        };
        out.push(Change::new(ChangeKind::Metadata, severity, field, message).values(a, b));
    }
    out
}

/// The licence as one comparable text: `expression MIT`, `file LICENSE.txt: <text>`, `url …`.
fn license_text(p: &Package) -> Option<(String, String)> {
    p.license().map(|l| {
        let shown = match l.kind.as_str() {
            "expression" => format!("expression {}", l.value),
            "file" => format!("file {}", l.value),
            other => format!("{other} {}", l.value),
        };
        let compared = match (&l.kind[..], &l.file_text) {
            ("file", Some(text)) => format!("{shown}\n{text}"),
            _ => shown.clone(),
        };
        (shown, compared)
    })
}

/// Any licence change is significant: consumers may need to re-approve it.
pub(crate) fn license(old: &Package, new: &Package) -> Vec<Change> {
    let (a, b) = (license_text(old), license_text(new));
    if a.as_ref().map(|x| &x.1) == b.as_ref().map(|x| &x.1) {
        return Vec::new();
    }
    let a = a.map(|x| x.0);
    let b = b.map(|x| x.0);
    let message = match (&a, &b) {
        (None, Some(n)) => format!("a licence was added: {n}"),
        (Some(o), None) => format!("the licence ({o}) was removed"),
        (Some(o), Some(n)) if o == n => format!("the text of the licence file changed ({n})"),
        (Some(o), Some(n)) => format!("the licence changed from {o} to {n}"),
        (None, None) => return Vec::new(),
    };
    vec![Change::new(
        ChangeKind::License,
        Severity::Significant,
        "license",
        message,
    )
    .values(a, b)]
}

/// The frameworks a package serves: its lib/ and ref/ folders, else its dependency groups.
fn served(i: &Inspection) -> Vec<Framework> {
    let mut out: Vec<Framework> = Vec::new();
    for f in &i.files {
        let lower = f.path.to_ascii_lowercase();
        if !(lower.starts_with("lib/") || lower.starts_with("ref/")) {
            continue;
        }
        if let Some(t) = &f.target_framework {
            // Folder names keep the zip's URL escaping (`portable-net45%2Bwin8`).
            let f = Framework::parse(&t.replace("%2B", "+").replace("%2b", "+"));
            if !out.iter().any(|x| x.short_name == f.short_name) {
                out.push(f);
            }
        }
    }
    if out.is_empty() {
        for g in &i.dependency_groups {
            if let Some(t) = &g.target_framework {
                if !out.iter().any(|x| x.short_name == *t) {
                    out.push(Framework::parse(t));
                }
            }
        }
    }
    out
}

/// The framework NuGet would pick among `candidates` for a project on `project`:
/// the same one, else the nearest compatible (same family first, highest version).
pub(crate) fn best_match<'a>(
    project: &Framework,
    candidates: &'a [Framework],
) -> Option<&'a Framework> {
    if let Some(same) = candidates
        .iter()
        .find(|c| c.short_name == project.short_name)
    {
        return Some(same);
    }
    let version = |f: &Framework| -> Vec<u32> {
        f.version
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    candidates
        .iter()
        .filter(|c| is_compatible(project, c))
        .max_by(|a, b| {
            (a.identifier == project.identifier, version(a))
                .cmp(&(b.identifier == project.identifier, version(b)))
        })
}

/// Dropped frameworks (PKV006, compatible fallback considered) and added ones.
pub(crate) fn frameworks(old: &Inspection, new: &Inspection) -> Vec<Change> {
    let (a, b) = (served(old), served(new));
    let mut out = Vec::new();
    for f in &a {
        match best_match(f, &b) {
            None => out.push(
                Change::new(
                    ChangeKind::Framework,
                    Severity::Breaking,
                    &f.short_name,
                    format!(
                        "Target framework {} is no longer supported in the latest version.",
                        f.short_name
                    ),
                )
                .id("PKV006")
                .values(Some(f.display_name.clone()), None),
            ),
            Some(m) if m.short_name != f.short_name => out.push(
                Change::new(
                    ChangeKind::Framework,
                    Severity::Info,
                    &f.short_name,
                    format!(
                        "the {} folder is gone; projects on {} now use the {} assets",
                        f.short_name, f.short_name, m.short_name
                    ),
                )
                .values(Some(f.short_name.clone()), Some(m.short_name.clone())),
            ),
            Some(_) => {}
        }
    }
    for f in &b {
        if !a.iter().any(|x| x.short_name == f.short_name) {
            out.push(
                Change::new(
                    ChangeKind::Framework,
                    Severity::Addition,
                    &f.short_name,
                    format!("new target framework {}", f.short_name),
                )
                .values(None, Some(f.display_name.clone())),
            );
        }
    }
    out
}

fn groups(i: &Inspection) -> BTreeMap<String, &DependencyGroupInfo> {
    i.dependency_groups
        .iter()
        .map(|g| {
            (
                g.target_framework.clone().unwrap_or_else(|| "any".into()),
                g,
            )
        })
        .collect()
}

/// Dependencies per framework group: added, removed, range widened or narrowed,
/// a lower bound raised across a major version.
pub(crate) fn dependencies(old: &Inspection, new: &Inspection) -> Vec<Change> {
    let (a, b) = (groups(old), groups(new));
    let mut out = Vec::new();
    let frameworks: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for tfm in frameworks {
        let deps = |g: Option<&&DependencyGroupInfo>| -> BTreeMap<String, String> {
            g.map(|g| {
                g.dependencies
                    .iter()
                    .map(|d| (d.id.to_ascii_lowercase(), d.range.clone()))
                    .collect()
            })
            .unwrap_or_default()
        };
        let names = |g: Option<&&DependencyGroupInfo>| -> BTreeMap<String, String> {
            g.map(|g| {
                g.dependencies
                    .iter()
                    .map(|d| (d.id.to_ascii_lowercase(), d.id.clone()))
                    .collect()
            })
            .unwrap_or_default()
        };
        let (da, db) = (deps(a.get(tfm)), deps(b.get(tfm)));
        let shown = names(a.get(tfm))
            .into_iter()
            .chain(names(b.get(tfm)))
            .collect::<BTreeMap<_, _>>();
        if a.contains_key(tfm) != b.contains_key(tfm) {
            let added = b.contains_key(tfm);
            out.push(
                Change::new(
                    ChangeKind::Dependency,
                    Severity::Info,
                    tfm.as_str(),
                    format!(
                        "the dependency group for {tfm} was {}",
                        if added { "added" } else { "removed" }
                    ),
                )
                .framework(tfm),
            );
        }
        for (id, range) in &da {
            let name = shown.get(id).cloned().unwrap_or_else(|| id.clone());
            match db.get(id) {
                None => out.push(
                    Change::new(
                        ChangeKind::Dependency,
                        Severity::Significant,
                        &name,
                        format!("dependency {name} removed for {tfm}"),
                    )
                    .values(Some(range.clone()), None)
                    .framework(tfm),
                ),
                Some(new_range) if new_range != range => {
                    out.push(range_change(&name, tfm, range, new_range))
                }
                Some(_) => {}
            }
        }
        for (id, range) in &db {
            if !da.contains_key(id) {
                let name = shown.get(id).cloned().unwrap_or_else(|| id.clone());
                out.push(
                    Change::new(
                        ChangeKind::Dependency,
                        Severity::Info,
                        &name,
                        format!("dependency {name} {range} added for {tfm}"),
                    )
                    .values(None, Some(range.clone()))
                    .framework(tfm),
                );
            }
        }
    }
    out
}

fn range_change(name: &str, tfm: &str, old: &str, new: &str) -> Change {
    let (a, b) = (VersionRange::parse(old).ok(), VersionRange::parse(new).ok());
    let min = |r: &Option<VersionRange>| r.as_ref().and_then(|r| r.min().cloned());
    let max = |r: &Option<VersionRange>| r.as_ref().and_then(|r| r.max().cloned());
    let (severity, what) = match (min(&a), min(&b)) {
        (Some(x), Some(y)) if y.major() > x.major() => (
            Severity::Significant,
            format!(
                "the lower bound of {name} was raised across a major version ({} → {}): consumers must take its breaking changes",
                x.normalized(),
                y.normalized()
            ),
        ),
        (Some(x), Some(y)) if y > x => (
            Severity::Info,
            format!("the lower bound of {name} was raised"),
        ),
        _ => {
            let narrowed = match (max(&a), max(&b)) {
                (None, Some(_)) => true,
                (Some(x), Some(y)) => y < x,
                _ => false,
            } || matches!((min(&a), min(&b)), (None, Some(_)));
            if narrowed {
                (
                    Severity::Significant,
                    format!("the range of {name} was narrowed"),
                )
            } else {
                (Severity::Info, format!("the range of {name} was widened"))
            }
        }
    };
    Change::new(
        ChangeKind::Dependency,
        severity,
        name,
        format!("{what} for {tfm}"),
    )
    .values(Some(old.to_string()), Some(new.to_string()))
    .framework(tfm)
}

impl Change {
    pub(crate) fn framework(mut self, tfm: &str) -> Change {
        self.framework = Some(tfm.to_string());
        self
    }
    fn sizes(mut self, old: Option<u64>, new: Option<u64>) -> Change {
        self.old_size = old;
        self.new_size = new;
        self
    }
}

/// Files a diff does not list: the nuspec and the package's own plumbing.
fn is_plumbing(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with("_rels/")
        || lower.starts_with("package/services/")
        || lower == "[content_types].xml"
        || lower == ".signature.p7s"
        || (!lower.contains('/') && lower.ends_with(".nuspec"))
}

/// Files added, removed and changed (by CRC-32 and size from the zip directory).
pub(crate) fn files(old: &Package, new: &Package) -> Vec<Change> {
    let index = |p: &Package| -> BTreeMap<String, (String, u64, u32)> {
        p.entries()
            .iter()
            .filter(|e| !e.is_directory && !is_plumbing(&e.normalized_path()))
            .map(|e| {
                (
                    e.normalized_path().to_ascii_lowercase(),
                    (e.normalized_path(), e.size, e.crc32),
                )
            })
            .collect()
    };
    let (a, b) = (index(old), index(new));
    let mut out = Vec::new();
    for (key, (path, size, crc)) in &a {
        match b.get(key) {
            None => out.push(
                Change::new(
                    ChangeKind::File,
                    Severity::Info,
                    path,
                    format!("{path} removed"),
                )
                .sizes(Some(*size), None),
            ),
            Some((_, new_size, new_crc)) if new_size != size || new_crc != crc => out.push(
                Change::new(
                    ChangeKind::File,
                    Severity::Info,
                    path,
                    format!("{path} changed"),
                )
                .sizes(Some(*size), Some(*new_size)),
            ),
            Some(_) => {}
        }
    }
    for (key, (path, size, _)) in &b {
        if !a.contains_key(key) {
            out.push(
                Change::new(
                    ChangeKind::File,
                    Severity::Info,
                    path,
                    format!("{path} added"),
                )
                .sizes(None, Some(*size)),
            );
        }
    }
    out
}

/// Signed → unsigned, and a changed signer certificate.
pub(crate) fn signature(old: &Package, new: &Package) -> Vec<Change> {
    let signer = |p: &Package| {
        p.signature().map(|s| {
            s.sha256
                .clone()
                .or_else(|| s.subject.clone())
                .unwrap_or_default()
        })
    };
    let subject = |p: &Package| p.signature().and_then(|s| s.subject.clone());
    match (signer(old), signer(new)) {
        (Some(_), None) => vec![Change::new(
            ChangeKind::Signature,
            Severity::Significant,
            "signature",
            "the baseline was signed, this version is not (consumers who require signed packages cannot use it)",
        )
        .values(subject(old), None)],
        (None, Some(_)) => vec![Change::new(
            ChangeKind::Signature,
            Severity::Info,
            "signature",
            "this version is signed, the baseline was not",
        )
        .values(None, subject(new))],
        (Some(a), Some(b)) if a != b => vec![Change::new(
            ChangeKind::Signature,
            Severity::Significant,
            "signature",
            "the signing certificate changed (consumers trusting the old signer must trust the new one)",
        )
        .values(subject(old), subject(new))],
        _ => Vec::new(),
    }
}

/// Health checks that passed on the baseline and fail now (deterministic
/// build, Source Link, symbols…), by code and file.
pub(crate) fn health(old: &Package, new: &Package) -> Vec<Change> {
    let findings = |p: &Package| -> BTreeMap<(String, String), nupub_rules::Finding> {
        let facts = nupub_rules::PackageFacts::gather(p, false);
        nupub_rules::check(p, &facts)
            .into_iter()
            .filter(|f| f.code.starts_with("health."))
            .map(|f| {
                let file = f
                    .path
                    .clone()
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                ((f.code.clone(), file), f)
            })
            .collect()
    };
    let (a, b) = (findings(old), findings(new));
    b.into_iter()
        .filter(|(key, _)| !a.contains_key(key))
        .map(|(_, f)| {
            let mut c = Change::new(
                ChangeKind::Health,
                Severity::Info,
                f.path.clone().unwrap_or_else(|| f.code.clone()),
                format!(
                    "{} (the baseline passed this check): {}",
                    f.title, f.message
                ),
            );
            c.id = Some(f.code);
            c
        })
        .collect()
}

fn readme_text(p: &Package) -> Option<String> {
    let entry = p.readme()?.entry.clone()?;
    p.read_entry(&entry, MAX_README)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The readme's line diff, and a `readme` change when the text differs.
pub(crate) fn readme(
    old: &Package,
    new: &Package,
    changes: &mut Vec<Change>,
) -> Option<ReadmeDiff> {
    let (a, b) = (readme_text(old), readme_text(new));
    if a == b {
        return None;
    }
    let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
    let diff = similar::TextDiff::from_lines(&a, &b);
    let mut lines = Vec::new();
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            similar::ChangeTag::Delete => {
                removed += 1;
                "-"
            }
            similar::ChangeTag::Insert => {
                added += 1;
                "+"
            }
            similar::ChangeTag::Equal => " ",
        };
        if lines.len() < MAX_README_LINES {
            lines.push(DiffLine {
                tag: tag.to_string(),
                text: change.value().trim_end_matches(['\n', '\r']).to_string(),
            });
        }
    }
    changes.push(Change::new(
        ChangeKind::Readme,
        Severity::Info,
        "readme",
        format!("the readme changed: {added} line(s) added, {removed} removed"),
    ));
    Some(ReadmeDiff {
        lines,
        new_html: new.readme().and_then(|r| r.html.clone()),
    })
}
