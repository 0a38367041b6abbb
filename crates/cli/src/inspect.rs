//! `nupub inspect FILE [--json]`: what is inside a package, for a maintainer.

use clap::Args;
use nupub_error::Coded;
use nupub_error::ErrorInfo;
use nupub_package::media::{LicenseInfo, ReadmeInfo};
use nupub_package::names::display_form;
use nupub_package::report::{DependencyGroupInfo, RepositoryInfo};
use nupub_package::signature::{SignatureInfo, SignatureKind};
use nupub_package::{AssemblyInfo, AssemblyKind, Inspection, Package};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The package file (.nupkg or .snupkg).
    pub file: PathBuf,
    /// Print the inspection as JSON (camelCase) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Skip the CRC check of every entry (faster on very large packages).
    #[arg(long)]
    pub no_verify: bool,
}

/// Exit codes: 0 success, 1 the package cannot be read or is damaged (explained on stderr).
pub fn run(args: InspectArgs) -> ExitCode {
    let package = match Package::open(&args.file) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("nupub: {}", e.info());
            return ExitCode::from(1);
        }
    };
    let mut inspection = package.inspect();
    if !args.no_verify {
        match package.verify_integrity() {
            Ok(report) => inspection.integrity = Some(report),
            Err(e) => {
                eprintln!("nupub: {}", e.info());
                return ExitCode::from(1);
            }
        }
    }
    let assemblies = assemblies(&package);
    if args.json {
        let report = JsonReport {
            inspection: &inspection,
            assemblies: &assemblies,
        };
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("nupub: could not write the JSON: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        print!("{}", human(&inspection, &assemblies));
    }
    match inspection
        .integrity
        .as_ref()
        .and_then(|r| r.damaged.first())
    {
        Some(first) => {
            let count = inspection.integrity.as_ref().map_or(0, |r| r.damaged.len());
            let err = nupub_package::PackageError::EntryCorrupt {
                entry: first.path.clone(),
                kind: first.kind,
                detail: format!("{} ({count} damaged entries in all)", first.detail),
            };
            eprintln!("nupub: {}", err.info());
            ExitCode::from(1)
        }
        None => ExitCode::SUCCESS,
    }
}

/// One `.dll`/`.exe` entry of the package: its identity (in JSON, the
/// `AssemblyInfo` fields), or why it could not be read (`{path, error: {code, message, hint}}`).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum AssemblyEntry {
    Read(AssemblyInfo),
    Unreadable { path: String, error: ErrorInfo },
}

/// The `--json` document: the inspection's fields plus `assemblies`, written
/// in one pass (no intermediate JSON tree for packages with many files).
#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(flatten)]
    inspection: &'a Inspection,
    assemblies: &'a [AssemblyEntry],
}

/// The identity of every `.dll`/`.exe` entry, in package order. Only those
/// entries are read, one at a time, each bounded by the package crate
/// ([`Package::assembly_info`]: at most 256 MB, CRC-checked); a damaged or
/// garbage file is an [`AssemblyEntry::Unreadable`], never a failure of the
/// whole inspection.
pub fn assemblies(package: &Package) -> Vec<AssemblyEntry> {
    package
        .entries()
        .iter()
        .filter(|e| !e.is_directory && nupub_package::assembly::is_assembly_path(&e.path))
        .map(|e| match package.assembly_info(&e.path) {
            Ok(info) => AssemblyEntry::Read(info),
            Err(error) => AssemblyEntry::Unreadable {
                path: e.path.clone(),
                error: error.info(),
            },
        })
        .collect()
}

/// One line per assembly, in columns: path, framework (or runtime), then
/// version and public-key token, or "native" and the CPU, or why it could not be read.
fn assembly_lines(assemblies: &[AssemblyEntry]) -> String {
    let rows: Vec<(String, String, String)> = assemblies
        .iter()
        .map(|a| match a {
            AssemblyEntry::Read(info) => {
                let place = match (&info.target_framework, &info.runtime) {
                    (Some(tfm), Some(rid)) => format!("{tfm} {rid}"),
                    (Some(tfm), None) => tfm.clone(),
                    (None, Some(rid)) => rid.clone(),
                    (None, None) => "-".into(),
                };
                let rest = match (info.kind, &info.version) {
                    (AssemblyKind::Native, _) => format!("native {}", info.architecture),
                    (AssemblyKind::Managed, None) => "module (no assembly identity)".into(),
                    (AssemblyKind::Managed, Some(version)) => {
                        let mut t = version.clone();
                        if let Some(culture) = &info.culture {
                            t.push_str(&format!(" {culture}"));
                        }
                        t.push_str("  ");
                        t.push_str(
                            info.public_key_token
                                .as_deref()
                                .unwrap_or("not strong-named"),
                        );
                        t
                    }
                };
                (display_form(&info.path), place, rest)
            }
            AssemblyEntry::Unreadable { path, error } => (
                display_form(path),
                "unreadable:".to_string(),
                format!("{} [{}]", first_line(&error.message, 160), error.code),
            ),
        })
        .collect();
    // Columns as wide as their widest cell, up to a limit so one long path does not push the rest off screen.
    let width = |cells: &mut dyn Iterator<Item = usize>| cells.max().unwrap_or(0).min(60);
    let path_width = width(&mut rows.iter().map(|r| r.0.chars().count()));
    let place_width = width(&mut rows.iter().map(|r| r.1.chars().count()));
    rows.iter()
        .map(|(path, place, rest)| format!("{path:<path_width$}  {place:<place_width$}  {rest}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sizes as a maintainer reads them: 512 B, 8.7 KB, 2.3 MB (powers of 1024).
pub fn size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / KB / KB)
    } else {
        format!("{:.2} GB", b / KB / KB / KB)
    }
}

fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else if text.trim().lines().count() > 1 {
        format!("{line} …")
    } else {
        line.to_string()
    }
}

struct Out(String);

impl Out {
    fn row(&mut self, label: &str, value: impl AsRef<str>) {
        let mut lines = value.as_ref().lines();
        let first = lines.next().unwrap_or("");
        self.0.push_str(&format!("  {label:<14} {first}\n"));
        for line in lines {
            self.0.push_str(&format!("  {:<14} {line}\n", ""));
        }
    }
}

fn signature_kind(kind: SignatureKind) -> &'static str {
    match kind {
        SignatureKind::Author => "author signature",
        SignatureKind::Repository => "repository signature",
        SignatureKind::AuthorWithRepositoryCountersignature => {
            "author signature + repository countersignature"
        }
        SignatureKind::Unknown => "signature of an unknown kind",
        SignatureKind::Unreadable => "signature file present but unreadable",
    }
}

/// The text report.
pub fn human(i: &Inspection, assemblies: &[AssemblyEntry]) -> String {
    let mut o = Out(String::new());
    o.0.push_str(&heading(i));
    if let Some(t) = &i.display_title {
        o.row("Title", t);
    }
    if !i.display_authors.is_empty() {
        o.row("Authors", i.display_authors.join(", "));
    }
    if !i.owners.is_empty() {
        o.row("Owners", i.owners.join(", "));
    }
    if let Some(d) = &i.description {
        o.row("Description", first_line(d, 100));
    }
    o.row("License", licence_text(i.license.as_ref()));
    if let Some(u) = &i.project_url {
        o.row("Project", u);
    }
    if let Some(r) = &i.repository {
        o.row("Repository", repository_text(r));
    }
    if let Some(t) = icon_text(i) {
        o.row("Icon", t);
    }
    if let Some(r) = &i.readme {
        o.row("Readme", readme_text(r));
    }
    if let Some(m) = &i.min_client_version {
        o.row("Min. client", m);
    }
    if !i.package_types.is_empty() {
        o.row(
            "Package types",
            i.package_types
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if !i.frameworks.is_empty() {
        let names: Vec<String> = i
            .frameworks
            .iter()
            .map(|f| {
                if f.unsupported {
                    format!("{} (unsupported)", f.short_name)
                } else {
                    f.short_name.clone()
                }
            })
            .collect();
        o.row("Frameworks", names.join(", "));
    }
    o.row("Dependencies", dependencies_text(&i.dependency_groups));
    if !i.framework_assemblies.is_empty() {
        o.row(
            "Fx assemblies",
            i.framework_assemblies
                .iter()
                .map(|a| a.assembly_name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if !assemblies.is_empty() {
        o.row("Assemblies", assembly_lines(assemblies));
    }
    o.row(
        "Files",
        format!(
            "{} files (directory records not counted), {} unpacked ({} package)",
            i.file_count,
            size(i.total_size),
            size(i.package_size)
        ),
    );
    o.row("Signature", signature_text(i.signature.as_ref()));
    o.row("Integrity", integrity_text(i));
    o.0
}

/// The first line: id, version as written when it differs, and flags.
fn heading(i: &Inspection) -> String {
    let mut line = format!("{} {}", i.display_id, i.normalized_version);
    if i.full_version != i.normalized_version || i.version != i.normalized_version {
        line.push_str(&format!(" (written {})", i.version));
    }
    let mut flags = Vec::new();
    if i.is_prerelease {
        flags.push("prerelease");
    }
    if i.is_semver2 {
        flags.push("SemVer 2.0");
    }
    if i.is_symbols_package {
        flags.push("symbols package");
    }
    if !flags.is_empty() {
        line.push_str(&format!("  [{}]", flags.join(", ")));
    }
    line.push('\n');
    line
}

/// The licence as declared: an expression (and whether it parses and is OSI
/// approved), a file (and whether it is there) or only a URL.
fn licence_text(license: Option<&LicenseInfo>) -> String {
    let Some(l) = license else {
        return "none declared".to_string();
    };
    match l.kind.as_str() {
        "expression" => {
            let mut t = format!("{} (licence expression", l.value);
            if let Some(err) = &l.expression_error {
                t.push_str(&format!("; does not parse: {err}"));
            } else if !l.ids.is_empty() {
                let osi = l.ids.iter().all(|x| x.osi_approved);
                t.push_str(if osi {
                    "; OSI approved"
                } else {
                    "; not all OSI approved"
                });
            }
            t.push(')');
            t
        }
        "file" if l.file_missing => {
            format!("{} (licence file, missing from the package)", l.value)
        }
        "file" => format!("{} (licence file)", l.value),
        "url" => format!("{} (licence URL only)", l.value),
        other => format!("{} (type {other:?})", l.value),
    }
}

fn repository_text(r: &RepositoryInfo) -> String {
    let mut t = format!(
        "{} {}",
        r.kind.as_deref().unwrap_or("repository"),
        r.url.as_deref().unwrap_or("(no url)")
    );
    if let Some(b) = &r.branch {
        t.push_str(&format!(" branch {b}"));
    }
    if let Some(c) = &r.commit {
        t.push_str(&format!(" commit {}", c.get(..12).unwrap_or(c)));
    }
    t
}

/// The embedded icon (format, size) or the icon URL; `None` without either.
fn icon_text(i: &Inspection) -> Option<String> {
    match (&i.icon, &i.icon_url) {
        (Some(icon), _) => Some(match &icon.error {
            Some(e) => format!("{} ({e})", icon.path),
            None => format!(
                "{} ({}{}, {})",
                icon.path,
                icon.format
                    .as_deref()
                    .unwrap_or("unknown format")
                    .to_uppercase(),
                match (icon.width, icon.height) {
                    (Some(w), Some(h)) => format!(" {w}×{h}"),
                    _ => String::new(),
                },
                size(icon.bytes.unwrap_or(0))
            ),
        }),
        (None, Some(url)) => Some(format!("{url} (icon URL only)")),
        _ => None,
    }
}

fn readme_text(r: &ReadmeInfo) -> String {
    if let Some(e) = &r.error {
        return format!("{} ({e})", r.path);
    }
    let mut t = format!("{} ({})", r.path, size(r.bytes.unwrap_or(0)));
    if !r.remote_images.is_empty() {
        t.push_str(&format!(", {} remote images", r.remote_images.len()));
    }
    if !r.missing_images.is_empty() {
        t.push_str(&format!(", {} images missing", r.missing_images.len()));
    }
    if let Some(line) = r.plain_text_from_line {
        t.push_str(&format!(
            ", nested too deeply to render from line {line} (shown as text)"
        ));
    }
    t
}

/// One line per framework group: the framework, then its dependencies and ranges.
fn dependencies_text(groups: &[DependencyGroupInfo]) -> String {
    if groups.is_empty() {
        return "none".to_string();
    }
    let mut t = String::new();
    for g in groups {
        let name = g.target_framework.as_deref().unwrap_or("all frameworks");
        let deps = if g.dependencies.is_empty() {
            "no dependencies".to_string()
        } else {
            g.dependencies
                .iter()
                .map(|d| {
                    if d.range.is_empty() {
                        d.id.clone()
                    } else {
                        format!("{} {}", d.id, d.range)
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        t.push_str(&format!("{name:<18} {deps}\n"));
    }
    t.trim_end().to_string()
}

/// The signature's kind, then one line per fact: signer, issuer, validity,
/// fingerprint, timestamp and the repository's countersignature.
fn signature_text(signature: Option<&SignatureInfo>) -> String {
    let Some(s) = signature else {
        return "not signed".to_string();
    };
    let mut t = signature_kind(s.kind).to_string();
    if let Some(e) = &s.error {
        t.push_str(&format!("\n{e}"));
    }
    if let Some(subject) = &s.subject {
        t.push_str(&format!("\nsigner     {subject}"));
    }
    if let Some(issuer) = &s.issuer {
        t.push_str(&format!("\nissuer     {issuer}"));
    }
    if let (Some(a), Some(b)) = (&s.not_before, &s.not_after) {
        t.push_str(&format!("\nvalid      {a} → {b}"));
    }
    if let Some(sha) = &s.sha256 {
        t.push_str(&format!("\nSHA-256    {sha}"));
    }
    t.push_str(&format!(
        "\ntimestamp  {}",
        s.timestamp_time.as_deref().unwrap_or("none")
    ));
    if let Some(c) = &s.repository_countersignature {
        t.push_str(&format!(
            "\ncountersigned by {}",
            c.subject.as_deref().unwrap_or("an unknown certificate")
        ));
    }
    if let Some(url) = &s.service_index_url {
        t.push_str(&format!("\nrepository {url}"));
    }
    if !s.repository_owners.is_empty() {
        t.push_str(&format!("\nowners     {}", s.repository_owners.join(", ")));
    }
    t
}

/// The CRC check's verdict, naming every damaged entry.
fn integrity_text(i: &Inspection) -> String {
    match &i.integrity {
        None => "not checked (--no-verify)".to_string(),
        Some(r) if r.damaged.is_empty() => format!(
            "all {} files pass their CRC check (directory records not counted)",
            i.file_count
        ),
        Some(r) => {
            let mut t = format!(
                "WARNING: {} of {} entries are damaged; do not publish this file",
                r.damaged.len(),
                r.entries_checked
            );
            for d in &r.damaged {
                t.push_str(&format!("\n{}: {}", display_form(&d.path), d.detail));
            }
            t
        }
    }
}
