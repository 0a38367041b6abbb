//! NuGet's pack warnings that matter at publish time, with NuGet's own codes
//! (NuGet.Packaging's package-creation rule set).

use crate::catalogue as c;
use crate::compat::is_compatible;
use crate::facts::PackageFacts;
use crate::types::Finding;
use nupub_package::framework::Framework;
use nupub_package::{Package, VersionRange};

fn is_assembly(path: &str) -> bool {
    let l = path.to_ascii_lowercase();
    l.ends_with(".dll") || l.ends_with(".exe") || l.ends_with(".winmd")
}

fn files(package: &Package) -> Vec<String> {
    package
        .entries()
        .iter()
        .filter(|e| !e.is_directory)
        .map(|e| crate::paths::percent_decode(&e.normalized_path()))
        .collect()
}

pub fn check(package: &Package, _facts: &PackageFacts) -> Vec<Finding> {
    if super::common::is_snupkg(package) {
        return Vec::new();
    }
    let files = files(package);
    let mut out = Vec::new();
    out.extend(misplaced_assemblies(&files));
    out.extend(invalid_framework_folders(package, &files));
    out.extend(prerelease_dependency(package));
    out.extend(path_too_long(package, &files));
    out.extend(no_lib_or_ref(&files));
    out.extend(dependency_groups_mismatch(package, &files));
    out.extend(build_conventions(package, &files));
    let nuspec = package.nuspec();
    if nuspec.license.is_none() && super::common::metadata_text(&nuspec.license_url).is_some() {
        out.push(
            c::PACK_NU5125
                .finding("The licence is given as <licenseUrl>, which NuGet deprecates (NU5125).")
                .at("<licenseUrl>"),
        );
    }
    if nuspec.icon.is_none() && super::common::metadata_text(&nuspec.icon_url).is_some() {
        out.push(
            c::PACK_NU5048
                .finding("The icon is given as <iconUrl>, which NuGet deprecates (NU5048).")
                .at("<iconUrl>"),
        );
    }
    out
}

/// NU5100 and NU5101.
fn misplaced_assemblies(files: &[String]) -> Vec<Finding> {
    const VALID: [&str; 8] = [
        "lib/",
        "analyzers/",
        "ref/",
        "runtimes/",
        "native/",
        "build/",
        "buildcrosstargeting/",
        "tools/",
    ];
    let mut out = Vec::new();
    for path in files {
        let lower = path.to_ascii_lowercase();
        let directory = lower.rsplit_once('/').map_or("", |(d, _)| d);
        if directory == "lib" {
            if is_assembly(path) {
                out.push(
                    c::PACK_NU5101
                        .finding(format!("The assembly {path} is directly in lib/, not in a framework folder, so it is referenced by every framework (NU5101)."))
                        .at(path.clone()),
                );
            }
        } else if !VALID.iter().any(|v| lower.starts_with(v))
            && (lower.ends_with(".dll") || lower.ends_with(".winmd"))
        {
            out.push(
                c::PACK_NU5100
                    .finding(format!("The assembly {path} is outside lib/, so projects that install the package will not reference it (NU5100)."))
                    .at(path.clone()),
            );
        }
    }
    out
}

/// NU5103: a folder under lib/ that is not a framework (nor the package's language).
fn invalid_framework_folders(package: &Package, files: &[String]) -> Vec<Finding> {
    let language = package
        .nuspec()
        .language
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for path in files {
        let parts: Vec<&str> = path.split('/').collect();
        let (Some(top), Some(folder)) = (parts.first(), parts.get(1)) else {
            continue;
        };
        if parts.len() < 3 || !top.eq_ignore_ascii_case("lib") {
            continue;
        }
        let lower = folder.to_ascii_lowercase();
        if seen.contains(&lower) {
            continue;
        }
        seen.push(lower.clone());
        if Framework::parse(folder).is_unsupported && (language.is_empty() || lower != language) {
            out.push(
                c::PACK_NU5103
                    .finding(format!("The folder lib/{folder}/ is not a target framework NuGet knows, so its files are ignored (NU5103)."))
                    .at(format!("lib/{folder}/")),
            );
        }
    }
    out
}

/// NU5104: a stable package with a prerelease dependency (first one only, as NuGet).
fn prerelease_dependency(package: &Package) -> Option<Finding> {
    if package.version().is_prerelease() {
        return None;
    }
    package
        .nuspec()
        .dependencies
        .effective_groups()
        .iter()
        .flat_map(|g| g.dependencies.iter())
        .find_map(|d| {
            let range = VersionRange::parse(d.version.as_deref()?).ok()?;
            let pre = range.min().is_some_and(|v| v.is_prerelease())
                || range.max().is_some_and(|v| v.is_prerelease());
            let id = d.id.clone().unwrap_or_default();
            pre.then(|| {
                c::PACK_NU5104
                    .finding(format!(
                        "This stable version depends on the prerelease {id} {} (NU5104).",
                        d.version.as_deref().unwrap_or("")
                    ))
                    .at(format!("<dependency id=\"{id}\">"))
            })
        })
}

/// NU5123: `{id}/{version}/{file}` longer than 200 characters.
fn path_too_long(package: &Package, files: &[String]) -> Vec<Finding> {
    let prefix = format!(
        "{}/{}/",
        package.id().to_lowercase(),
        package.version().normalized().to_lowercase()
    );
    files
        .iter()
        .filter(|f| prefix.len() + f.len() > 200)
        .map(|f| {
            c::PACK_NU5123
                .finding(format!(
                    "Installed, {f} becomes a path of {} characters, over NuGet's 200 (NU5123).",
                    prefix.len() + f.len()
                ))
                .at(f.clone())
        })
        .collect()
}

fn framework_key(text: &str) -> String {
    let f = Framework::parse(text);
    if f.is_unsupported {
        text.trim().to_ascii_lowercase()
    } else {
        f.short_name
    }
}

/// Frameworks of compile assets: `lib|ref/{tfm}/{assembly or _._}` (lib root is net00, excluded).
fn compile_frameworks(files: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for path in files {
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() != 3 {
            continue;
        }
        let (Some(top), Some(folder), Some(name)) = (parts.first(), parts.get(1), parts.get(2))
        else {
            continue;
        };
        if !(top.eq_ignore_ascii_case("lib") || top.eq_ignore_ascii_case("ref"))
            || !(is_assembly(name) || *name == "_._")
        {
            continue;
        }
        // NuGet reads an unknown folder such as `banana` as a framework of its
        // own (banana0.0), so it still takes part in the NU5128 comparison.
        let key = framework_key(folder);
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// NU5127: framework-specific build files but no lib/ or ref/ assets.
fn no_lib_or_ref(files: &[String]) -> Option<Finding> {
    let has_compile = files.iter().any(|p| {
        let parts: Vec<&str> = p.split('/').collect();
        parts
            .first()
            .is_some_and(|t| t.eq_ignore_ascii_case("lib") || t.eq_ignore_ascii_case("ref"))
            && parts.last().is_some_and(|n| is_assembly(n) || *n == "_._")
    });
    if has_compile {
        return None;
    }
    let build_tfms: Vec<String> = files
        .iter()
        .filter_map(|p| {
            let parts: Vec<&str> = p.split('/').collect();
            let name = parts.get(2)?.to_ascii_lowercase();
            (parts.len() == 3
                && parts.first()?.eq_ignore_ascii_case("build")
                && (name.ends_with(".props") || name.ends_with(".targets")))
            .then(|| Framework::parse(parts.get(1).copied().unwrap_or("")))
            .filter(|f| !f.is_unsupported && f.short_name != "native" && f.short_name != "dotnet")
            .map(|f| f.short_name)
        })
        .collect();
    let first = build_tfms.first()?;
    Some(
        c::PACK_NU5127
            .finding(format!(
                "The package has build files for {} but nothing in lib/ or ref/, so NuGet treats it as compatible with every framework (NU5127).",
                build_tfms.join(", ")
            ))
            .at(format!("build/{first}/")),
    )
}

/// NU5128 and NU5130, as NuGet's `DependenciesGroupsForEachTFMRule` sorts
/// them: a lib/ref framework without an exact dependency group is NU5130 when
/// a project for it could use one of the unmatched groups (net472 with a
/// net45 group), NU5128 otherwise; an unmatched dependency group is always NU5128.
fn dependency_groups_mismatch(package: &Package, files: &[String]) -> Vec<Finding> {
    let from_files = compile_frameworks(files);
    let from_nuspec: Vec<String> = package
        .nuspec()
        .dependencies
        .groups
        .iter()
        .filter_map(|g| g.target_framework.as_deref())
        .map(framework_key)
        .collect();
    let missing_in_files: Vec<&String> = from_nuspec
        .iter()
        .filter(|t| !from_files.contains(t))
        .collect();
    let (compatible, missing_in_nuspec): (Vec<&String>, Vec<&String>) = from_files
        .iter()
        .filter(|t| !from_nuspec.contains(t))
        .partition(|file_tfm| {
            let project = Framework::parse(file_tfm);
            missing_in_files
                .iter()
                .any(|group| is_compatible(&project, &Framework::parse(group)))
        });
    let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    if !missing_in_nuspec.is_empty() || !missing_in_files.is_empty() {
        let mut parts = Vec::new();
        if !missing_in_nuspec.is_empty() {
            parts.push(format!(
                "no dependency group for {}",
                list(&missing_in_nuspec)
            ));
        }
        if !missing_in_files.is_empty() {
            parts.push(format!(
                "no lib/ or ref/ folder for {}",
                list(&missing_in_files)
            ));
        }
        out.push(c::PACK_NU5128.finding(format!(
            "The nuspec's dependency groups and the lib/ref folders do not match: {} (NU5128).",
            parts.join("; ")
        )));
    }
    if !compatible.is_empty() {
        out.push(c::PACK_NU5130.finding(format!(
            "The lib/ref folders for {} have no dependency group of their own, only one for a framework they are compatible with ({}); NuGet uses that group, which may not be what you meant (NU5130).",
            list(&compatible),
            list(&missing_in_files)
        )));
    }
    out
}

/// NU5129: `build*/{tfm}/` props/targets not named after the package.
fn build_conventions(package: &Package, files: &[String]) -> Vec<Finding> {
    let id = package.id().to_ascii_lowercase();
    let mut groups: Vec<(String, Vec<&String>)> = Vec::new();
    for path in files {
        let parts: Vec<&str> = path.split('/').collect();
        let Some(top) = parts.first() else { continue };
        if !top.starts_with("build") || parts.len() < 2 {
            continue;
        }
        let key = match parts.get(1).map(|f| Framework::parse(f)) {
            Some(f) if !f.is_unsupported && parts.len() > 2 => format!("{top}/{}/", f.short_name),
            _ => format!("{top}/"),
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(path),
            None => groups.push((key, vec![path])),
        }
    }
    let mut out = Vec::new();
    for (key, members) in &groups {
        for ext in [".props", ".targets"] {
            let expected = format!("{key}{id}{ext}").to_ascii_lowercase();
            let has = members.iter().any(|m| m.ends_with(ext));
            let correct = members.iter().any(|m| m.to_ascii_lowercase() == expected);
            if has && !correct {
                out.push(
                    c::PACK_NU5129
                        .finding(format!(
                            "{key} has a {ext} file but none named {}{}{ext}; MSBuild imports only that name (NU5129).",
                            key,
                            package.id()
                        ))
                        .at(key.clone()),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{absent, expect, Builder};
    use crate::Severity::*;

    #[test]
    fn nu5100_nu5101_nu5103() {
        let r = Builder::valid().file("content/x.dll", b"MZ").check();
        expect(&r, "pack.nu5100", Warning, None);
        let r = Builder::valid().file("lib/x.dll", b"MZ").check();
        expect(&r, "pack.nu5101", Warning, None);
        let r = Builder::valid().file("lib/banana/x.dll", b"MZ").check();
        expect(&r, "pack.nu5103", Warning, None);
        absent(
            &Builder::valid().file("lib/net8.0/x.dll", b"MZ").check(),
            "pack.nu5103",
        );
    }

    #[test]
    fn nu5104() {
        let r = Builder::valid()
            .add("<dependencies><dependency id=\"A\" version=\"1.0.0-beta\" /></dependencies>")
            .check();
        expect(&r, "pack.nu5104", Warning, None);
        let r = Builder::valid()
            .set("version", "<version>1.0.0-rc.1</version>")
            .add("<dependencies><dependency id=\"A\" version=\"1.0.0-beta\" /></dependencies>")
            .check();
        absent(&r, "pack.nu5104");
    }

    #[test]
    fn nu5123() {
        let r = Builder::valid()
            .file(&format!("content/{}.txt", "a".repeat(190)), b"x")
            .check();
        expect(&r, "pack.nu5123", Warning, None);
    }

    #[test]
    fn nu5127_nu5128_nu5129() {
        let r = Builder::valid()
            .file("build/net8.0/Nupub.Sample.targets", b"<Project/>")
            .check();
        expect(&r, "pack.nu5127", Warning, None);
        absent(&r, "pack.nu5129");
        let r = Builder::valid()
            .file("build/net8.0/Other.targets", b"<Project/>")
            .check();
        expect(&r, "pack.nu5129", Warning, None);
        let r = Builder::valid().file("lib/net8.0/x.dll", b"MZ").check();
        expect(&r, "pack.nu5128", Warning, None);
        let r = Builder::valid()
            .file("lib/net8.0/x.dll", b"MZ")
            .add("<dependencies><group targetFramework=\"net8.0\" /></dependencies>")
            .check();
        absent(&r, "pack.nu5128");
    }

    #[test]
    fn nu5130_compatible_but_not_exact() {
        // lib/net472 with only a net45 group: NU5130 for net472, and NU5128
        // still asks for net45 assets (as NuGet.exe 5.8 prints both).
        let r = Builder::valid()
            .file("lib/net472/x.dll", b"MZ")
            .file("lib/netstandard2.0/x.dll", b"MZ")
            .add("<dependencies><group targetFramework=\"net45\" /><group targetFramework=\"netstandard2.0\" /></dependencies>")
            .check();
        let f = expect(&r, "pack.nu5130", Warning, None);
        assert!(
            f.message.contains("net472") && f.message.contains("(net45)"),
            "{}",
            f.message
        );
        let f = expect(&r, "pack.nu5128", Warning, None);
        assert!(
            !f.message.contains("no dependency group for"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("no lib/ or ref/ folder for net45"),
            "{}",
            f.message
        );
        // A group only a newer framework could use is no match at all: NU5128 only.
        let r = Builder::valid()
            .file("lib/net45/x.dll", b"MZ")
            .add("<dependencies><group targetFramework=\"net472\" /></dependencies>")
            .check();
        absent(&r, "pack.nu5130");
        let f = expect(&r, "pack.nu5128", Warning, None);
        assert!(
            f.message.contains("no dependency group for net45"),
            "{}",
            f.message
        );
        // net8.0-windows assets with a net8.0 group (long form in the nuspec).
        let r = Builder::valid()
            .file("lib/net8.0-windows7.0/x.dll", b"MZ")
            .add("<dependencies><group targetFramework=\"net8.0\" /></dependencies>")
            .check();
        expect(&r, "pack.nu5130", Warning, None);
        // Exact matches: neither.
        let r = Builder::valid()
            .file("lib/net472/x.dll", b"MZ")
            .add("<dependencies><group targetFramework=\".NETFramework4.7.2\" /></dependencies>")
            .check();
        absent(&r, "pack.nu5130");
        absent(&r, "pack.nu5128");
    }

    #[test]
    fn nu5125_nu5048_are_info_beside_the_server_warnings() {
        let r = Builder::valid()
            .remove("license")
            .set(
                "licenseUrl",
                "<licenseUrl>https://example.com/l</licenseUrl>",
            )
            .check();
        expect(&r, "pack.nu5125", Info, None);
        let r = Builder::valid()
            .remove("icon")
            .add("<iconUrl>https://example.com/i.png</iconUrl>")
            .check();
        expect(&r, "pack.nu5048", Info, None);
    }
}
