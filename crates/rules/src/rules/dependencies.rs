//! Dependencies and target frameworks (nuget.org's `ManifestValidator`,
//! `PackageHelper` and the framework checks of `PackageService`).

use super::common::{is_word_dotted, net_len};
use super::nuspec::is_legacy_semver1;
use crate::catalogue as c;
use crate::facts::PackageFacts;
use crate::types::Finding;
use nupub_package::framework::Framework;
use nupub_package::{Package, VersionRange};

pub fn check(package: &Package, _facts: &PackageFacts) -> Vec<Finding> {
    let nuspec = package.nuspec();
    let mut out = Vec::new();
    let mut seen_tfms: Vec<String> = Vec::new();
    let mut flattened = 0usize;
    for group in &nuspec.dependencies.effective_groups() {
        // NuGet passes the attribute to `NuGetFramework.Parse` as written (no trim).
        let tfm_text = group.target_framework.as_deref().unwrap_or("").to_string();
        let framework = Framework::parse_group_attribute(group.target_framework.as_deref());
        out.extend(framework_findings(&tfm_text, &framework));
        out.extend(duplicate_group(&tfm_text, &framework, &mut seen_tfms));
        let mut ids: Vec<String> = Vec::new();
        for dep in &group.dependencies {
            let id = dep.id.as_deref().unwrap_or("").trim().to_string();
            let range_text = dep.version.as_deref().unwrap_or("").trim().to_string();
            flattened += net_len(&id) + net_len(&range_text) + net_len(&framework.short_name) + 3;
            out.extend(dependency_findings(&id, &range_text, &framework, &mut ids));
        }
    }
    if flattened > 32_767 {
        out.push(
            c::META_LENGTH_DEPENDENCIES
                .finding(format!("The dependencies take {flattened} characters once flattened; nuget.org allows 32767."))
                .with_server(c::META_LENGTH_DEPENDENCIES.fill(&["Dependencies", "32767"])),
        );
    }
    for fa in &nuspec.framework_assemblies {
        // Split on commas, each part trimmed (NuGet's `GetFrameworkAssemblyGroups`).
        for framework in
            Framework::parse_framework_assembly_attribute(fa.target_framework.as_deref())
        {
            out.extend(framework_findings(&framework.original, &framework));
        }
    }
    out.extend(portable_folders(package));
    out
}

/// A second dependency group for a framework already seen (`seen` holds their keys).
fn duplicate_group(
    tfm_text: &str,
    framework: &Framework,
    seen: &mut Vec<String>,
) -> Option<Finding> {
    let key = if framework.is_unsupported {
        tfm_text.to_ascii_lowercase()
    } else {
        framework.short_name.to_ascii_lowercase()
    };
    if !seen.contains(&key) {
        seen.push(key);
        return None;
    }
    Some(
        c::DEPENDENCY_DUPLICATE_TFM_GROUP
            .finding(format!(
                "The nuspec has two dependency groups for {}.",
                if tfm_text.is_empty() {
                    "all frameworks"
                } else {
                    tfm_text
                }
            ))
            .at("<dependencies>"),
    )
}

/// One `<dependency>`: its id and range lengths, id grammar, a second mention
/// in the group (`ids` holds the group's ids so far) and its version range.
fn dependency_findings(
    id: &str,
    range_text: &str,
    framework: &Framework,
    ids: &mut Vec<String>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = format!("<dependency id=\"{id}\">");
    if net_len(id) > 128 {
        out.push(
            c::META_LENGTH_DEPENDENCY_ID
                .finding(format!(
                    "The dependency id {id} is longer than 128 characters."
                ))
                .at(at.clone())
                .with_server(c::META_LENGTH_DEPENDENCY_ID.fill(&["Dependency.Id", "128"])),
        );
    }
    if net_len(range_text) > 256 {
        out.push(
            c::META_LENGTH_DEPENDENCY_RANGE
                .finding(format!(
                    "The version range of {id} is longer than 256 characters."
                ))
                .at(at.clone())
                .with_server(
                    c::META_LENGTH_DEPENDENCY_RANGE.fill(&["Dependency.VersionSpec", "256"]),
                ),
        );
    }
    if !is_word_dotted(id) {
        out.push(
            c::DEPENDENCY_ID_FORMAT
                .finding(format!(
                    "The dependency id {id:?} is not a valid package id."
                ))
                .at(at.clone())
                .with_server(c::DEPENDENCY_ID_FORMAT.fill(&[id, range_text])),
        );
    }
    let lower = id.to_lowercase();
    if ids.contains(&lower) {
        out.push(
            c::DEPENDENCY_DUPLICATE_ID
                .finding(format!(
                    "The dependency {id} is listed twice in the same group."
                ))
                .at(at.clone())
                .with_server(c::DEPENDENCY_DUPLICATE_ID.fill(&[&framework.short_name, id])),
        );
    } else {
        ids.push(lower);
    }
    if !range_text.is_empty() {
        out.extend(range_findings(id, range_text, &at));
    }
    out
}

/// A dependency's version range: it parses, does not float, and its bounds
/// carry no build metadata and no legacy release label.
fn range_findings(id: &str, range_text: &str, at: &str) -> Vec<Finding> {
    let range = match VersionRange::parse(range_text) {
        Err(e) => {
            return vec![c::DEPENDENCY_RANGE_PARSE
                .finding(format!(
                    "The version range {range_text:?} of {id} does not parse: {e}."
                ))
                .at(at.to_string())]
        }
        Ok(range) if range.is_floating() => {
            return vec![c::DEPENDENCY_FLOATING_RANGE
                .finding(format!(
                    "{id} depends on the floating version {range_text}."
                ))
                .at(at.to_string())
                .with_server(c::DEPENDENCY_FLOATING_RANGE.fill(&[range_text]))]
        }
        Ok(range) => range,
    };
    let mut out = Vec::new();
    for bound in [range.min(), range.max()].into_iter().flatten() {
        if bound.metadata().is_some() {
            out.push(
                c::DEPENDENCY_BOUND_METADATA
                    .finding(format!(
                        "The version {} in the range of {id} carries build metadata.",
                        bound.original().trim()
                    ))
                    .at(at.to_string())
                    .with_server(c::DEPENDENCY_BOUND_METADATA.fill(&[bound.original().trim()])),
            );
        } else if !bound.is_semver2() && !is_legacy_semver1(bound.original().trim()) {
            out.push(
                c::DEPENDENCY_BOUND_LEGACY_SEMVER1
                    .finding(format!(
                        "The version {} in the range of {id} has a release label that does not start with a letter.",
                        bound.original().trim()
                    ))
                    .at(at.to_string()),
            );
        }
    }
    out
}

/// Portable-profile framework folders of the package's files (nuget.org reads
/// its supported frameworks from them), each folder once.
fn portable_folders(package: &Package) -> Vec<Finding> {
    let mut folders: Vec<String> = Vec::new();
    for entry in package.entries() {
        let path = crate::paths::percent_decode(&entry.normalized_path());
        let mut parts = path.split('/');
        let top = parts.next().unwrap_or("").to_ascii_lowercase();
        if let (Some(folder), Some(_)) = (parts.next(), parts.next()) {
            if (top == "lib" || top == "ref")
                && folder.to_ascii_lowercase().starts_with("portable")
                && !folders.contains(&folder.to_string())
            {
                folders.push(folder.to_string());
            }
        }
    }
    folders.iter().filter_map(|f| portable_profile(f)).collect()
}

fn portable_profile(tfm: &str) -> Option<Finding> {
    (tfm.to_ascii_lowercase().starts_with("portable-") && tfm.split('-').count() > 2).then(|| {
        c::TFM_PORTABLE_PROFILE
            .finding(format!(
                "The framework {tfm} is a portable profile with a profile of its own."
            ))
            .at(tfm.to_string())
            .with_server(c::TFM_PORTABLE_PROFILE.fill(&[tfm]))
    })
}

fn framework_findings(text: &str, framework: &Framework) -> Option<Finding> {
    // A portable profile whose members have profiles: NuGet refuses to read it
    // at all, and nuget.org says why in its own words.
    if let Some(f) = portable_profile(text) {
        return Some(f);
    }
    framework.is_unsupported.then(|| {
        c::TFM_UNSUPPORTED
            .finding(format!(
                "The target framework {text:?} is not one NuGet knows."
            ))
            .at(text.to_string())
            .with_server(c::TFM_UNSUPPORTED.fill(&[&framework.dotnet_framework_name()]))
    })
}

#[cfg(test)]
mod tests {
    use crate::catalogue as c;
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;

    fn deps(xml: &str) -> crate::Report {
        Builder::valid()
            .add(&format!("<dependencies>{xml}</dependencies>"))
            .check()
    }

    #[test]
    fn valid_dependencies_pass() {
        let r = deps(
            r#"<group targetFramework="net8.0"><dependency id="Newtonsoft.Json" version="[13.0.1, 14.0.0)" /></group><group targetFramework="netstandard2.0" />"#,
        );
        assert!(crate::testutil::errors(&r).is_empty(), "{:#?}", r.findings);
    }

    #[test]
    fn duplicate_tfm_groups() {
        let r = deps(r#"<group targetFramework="net8.0" /><group targetFramework="net8.0" />"#);
        expect(&r, "dependency.duplicate_tfm_group", Error, Some("A nuget package may not contain multiple dependency groups with the same target framework."));
    }

    #[test]
    fn unsupported_and_portable_frameworks() {
        let r = deps(r#"<group targetFramework="banana42" />"#);
        expect(
            &r,
            "tfm.unsupported",
            Error,
            Some("The target framework Unsupported,Version=v0.0 is not supported."),
        );
        let r = deps(r#"<group targetFramework="portable-net45+win8-Profile7" />"#);
        expect(&r, "tfm.portable_profile", Error, Some("The package framework 'portable-net45+win8-Profile7' is not supported. Frameworks within the portable profile are not allowed to have profiles themselves."));
        let r = Builder::valid().add(r#"<frameworkAssemblies><frameworkAssembly assemblyName="System" targetFramework="banana42" /></frameworkAssemblies>"#).check();
        expect(&r, "tfm.unsupported", Error, None);
    }

    #[test]
    fn frameworks_nuget_reads_are_not_unsupported() {
        // The real 2015 package: NuGet splits a framework assembly's attribute on commas.
        let r = Builder::valid().add(r#"<frameworkAssemblies><frameworkAssembly assemblyName="System.Web" targetFramework=".NETFramework4.0-Client, .NETFramework4.0" /></frameworkAssemblies>"#).check();
        absent(&r, "tfm.unsupported");
        for tfm in [
            ".NETPortable4.5-Profile259",
            "net45-custom",
            "Foo,Version=v1.0",
            "sl4-wp71",
            "net8.0-browser",
        ] {
            let r = deps(&format!(r#"<group targetFramework="{tfm}" />"#));
            absent(&r, "tfm.unsupported");
        }
        // …and what NuGet does not read is, with nuget.org's own wording.
        let r = deps(r#"<group targetFramework=" net45" />"#);
        expect(
            &r,
            "tfm.unsupported",
            Error,
            Some("The target framework Unsupported,Version=v0.0 is not supported."),
        );
        let r = Builder::valid().add(r#"<frameworkAssemblies><frameworkAssembly assemblyName="System" targetFramework="net45, banana" /></frameworkAssemblies>"#).check();
        expect(&r, "tfm.unsupported", Error, None);
    }

    #[test]
    fn duplicate_dependency_ids() {
        let r = deps(
            r#"<group targetFramework="net8.0"><dependency id="A.B" version="1.0.0" /><dependency id="a.b" version="2.0.0" /></group>"#,
        );
        expect(
            &r,
            "dependency.duplicate_id",
            Error,
            Some("The package manifest contains a duplicate dependency: net8.0 a.b"),
        );
    }

    #[test]
    fn dependency_id_format() {
        let r = deps(r#"<dependency id="bad id" version="1.0.0" />"#);
        expect(
            &r,
            "dependency.id_format",
            Error,
            Some("The package manifest contains an invalid Dependency: 'bad id 1.0.0'"),
        );
    }

    #[test]
    fn ranges() {
        let r = deps(r#"<dependency id="A" version="1.*" />"#);
        expect(
            &r,
            "dependency.floating_range",
            Error,
            Some("The package manifest contains an invalid Dependency Version Range: '1.*'"),
        );
        let r = deps(r#"<dependency id="A" version="[1.0.0+build.5, 2.0.0)" />"#);
        expect(
            &r,
            "dependency.bound_metadata",
            Error,
            Some("The package manifest contains an invalid Dependency Version: '1.0.0+build.5'"),
        );
        let r = deps(r#"<dependency id="A" version="1.0.0-1beta" />"#);
        expect(&r, "dependency.bound_legacy_semver1", Error, None);
        let r = deps(r#"<dependency id="A" version="[2.0,1.0]" />"#);
        expect(&r, "dependency.range_parse", Error, None);
        absent(&deps(r#"<dependency id="A" />"#), "dependency.range_parse");
    }

    #[test]
    fn dependency_lengths() {
        let id = format!("A{}", ".b".repeat(64));
        let r = deps(&format!(r#"<dependency id="{id}" version="1.0.0" />"#));
        expect(
            &r,
            "meta.length.dependency_id",
            Error,
            Some(
                &c::META_LENGTH_DEPENDENCY_ID
                    .fill(&["Dependency.Id", "128"])
                    .unwrap(),
            ),
        );
        let range = format!("[1.0.0-{}, 2.0.0)", "a".repeat(260));
        let r = deps(&format!(r#"<dependency id="A" version="{range}" />"#));
        expect(&r, "meta.length.dependency_range", Error, None);
        let many: String = (0..1200)
            .map(|i| format!(r#"<dependency id="Some.Long.Dependency.Name{i}" version="1.0.0" />"#))
            .collect();
        let r = deps(&many);
        expect(&r, "meta.length.dependencies", Error, None);
    }
}
