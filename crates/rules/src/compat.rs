//! Framework compatibility: can a project that targets one framework use
//! assets (or a dependency group) made for another? This is the subset of
//! NuGet.Frameworks' `DefaultCompatibilityProvider` and its default
//! mappings that matters for NU5130 and for what packages target today:
//!
//! - the same family (`.NETFramework`, `.NETStandard`, `.NETCoreApp`, which
//!   includes `net5.0` and later): an equal or lower version;
//! - `.NETStandard` from `.NETFramework` (net45 → netstandard1.1,
//!   net451 → 1.2, net46 → 1.3, net461 and later → 2.0; never 2.1) and from
//!   `.NETCoreApp` (netcoreapp1.x → 1.6, 2.x → 2.0, 3.0 and net5.0+ → 2.1);
//! - `net5.0`+ platform suffixes: assets without a platform suit every
//!   platform; assets for a platform (`net8.0-windows`) suit only projects for
//!   that platform at an equal or higher platform version;
//! - a `.NETFramework` Client profile suits the full framework, not the reverse.
//!
//! Everything else (PCL profiles, Xamarin, UAP, unknown names) is compatible
//! only with itself. Written by hand: no Rust crate models NuGet's framework
//! compatibility (none turned up in a documentation search; the package
//! model's framework-name parser is hand-written for the same reason).

use nupub_package::framework::Framework;

const NET_FRAMEWORK: &str = ".NETFramework";
const NET_STANDARD: &str = ".NETStandard";
const NET_CORE_APP: &str = ".NETCoreApp";

/// `4.7.2` → `[4, 7, 2]`; missing or bad parts count as 0.
fn version(text: &str) -> Vec<u32> {
    text.split('.')
        .map(|p| p.trim().parse::<u32>().unwrap_or(0))
        .collect()
}

/// Compares versions part by part, missing parts as 0 (`4.5` == `4.5.0`).
fn cmp_version(a: &[u32], b: &[u32]) -> std::cmp::Ordering {
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

fn at_most(candidate: &str, project: &str) -> bool {
    cmp_version(&version(candidate), &version(project)).is_le()
}

/// The highest .NET Standard version a project framework can use, if any.
fn max_net_standard(project: &Framework) -> Option<&'static str> {
    let v = version(&project.version);
    let at_least = |min: &[u32]| cmp_version(&v, min).is_ge();
    match project.identifier.as_str() {
        NET_STANDARD => None, // handled as the same family
        NET_FRAMEWORK if !project.profile.is_empty() => None,
        NET_FRAMEWORK if at_least(&[4, 6, 1]) => Some("2.0"),
        NET_FRAMEWORK if at_least(&[4, 6]) => Some("1.3"),
        NET_FRAMEWORK if at_least(&[4, 5, 1]) => Some("1.2"),
        NET_FRAMEWORK if at_least(&[4, 5]) => Some("1.1"),
        NET_CORE_APP if at_least(&[3, 0]) => Some("2.1"),
        NET_CORE_APP if at_least(&[2, 0]) => Some("2.0"),
        NET_CORE_APP if at_least(&[1, 0]) => Some("1.6"),
        _ => None,
    }
}

/// Can a project targeting `project` use assets made for `candidate`?
pub fn is_compatible(project: &Framework, candidate: &Framework) -> bool {
    if project.is_unsupported || candidate.is_unsupported {
        return project.short_name == candidate.short_name;
    }
    // Platform suffixes (net5.0 and later).
    if !candidate.platform.is_empty()
        && (!project.platform.eq_ignore_ascii_case(&candidate.platform)
            || !at_most(&candidate.platform_version, &project.platform_version))
    {
        return false;
    }
    let family = [NET_FRAMEWORK, NET_STANDARD, NET_CORE_APP];
    if !family.contains(&project.identifier.as_str())
        || !family.contains(&candidate.identifier.as_str())
    {
        return project.short_name == candidate.short_name;
    }
    if project.identifier == candidate.identifier {
        let profiles_fit = project.profile.eq_ignore_ascii_case(&candidate.profile)
            || (project.profile.is_empty() && candidate.profile.eq_ignore_ascii_case("Client"));
        return profiles_fit && at_most(&candidate.version, &project.version);
    }
    if candidate.identifier == NET_STANDARD && candidate.platform.is_empty() {
        return max_net_standard(project).is_some_and(|max| at_most(&candidate.version, max));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compat(project: &str, candidate: &str) -> bool {
        is_compatible(&Framework::parse(project), &Framework::parse(candidate))
    }

    #[test]
    fn same_family_takes_equal_or_lower_versions() {
        assert!(compat("net472", "net45"));
        assert!(compat("net45", "net45"));
        assert!(!compat("net45", "net472"));
        assert!(compat("netstandard2.0", "netstandard1.3"));
        assert!(!compat("netstandard1.3", "netstandard2.0"));
        assert!(compat("netcoreapp3.1", "netcoreapp2.1"));
        assert!(compat("net8.0", "netcoreapp3.1"));
        assert!(compat("net8.0", "net5.0"));
        assert!(!compat("net5.0", "net8.0"));
        assert!(!compat("netcoreapp3.1", "net5.0"));
        // Long nuspec forms parse to the same frameworks.
        assert!(compat(".NETFramework4.7.2", ".NETFramework,Version=v4.5"));
    }

    #[test]
    fn net_standard_from_other_families() {
        assert!(compat("net45", "netstandard1.1"));
        assert!(!compat("net45", "netstandard1.2"));
        assert!(compat("net451", "netstandard1.2"));
        assert!(compat("net46", "netstandard1.3"));
        assert!(!compat("net46", "netstandard1.4"));
        assert!(compat("net461", "netstandard2.0"));
        assert!(compat("net48", "netstandard2.0"));
        assert!(!compat("net48", "netstandard2.1"));
        assert!(!compat("net40", "netstandard1.0"));
        assert!(compat("netcoreapp1.0", "netstandard1.6"));
        assert!(!compat("netcoreapp1.1", "netstandard2.0"));
        assert!(compat("netcoreapp2.1", "netstandard2.0"));
        assert!(!compat("netcoreapp2.2", "netstandard2.1"));
        assert!(compat("netcoreapp3.0", "netstandard2.1"));
        assert!(compat("net8.0", "netstandard2.1"));
        assert!(compat("net8.0-windows", "netstandard2.0"));
        // Never the other way round.
        assert!(!compat("netstandard2.0", "net461"));
        assert!(!compat("netstandard2.1", "netcoreapp3.0"));
        assert!(!compat("net8.0", "net48"));
        assert!(!compat("net48", "net8.0"));
    }

    #[test]
    fn platform_suffixes() {
        assert!(compat("net8.0-windows", "net8.0"));
        assert!(compat("net8.0-windows", "net6.0-windows"));
        assert!(!compat("net8.0", "net8.0-windows"));
        assert!(!compat("net8.0-android", "net8.0-windows"));
        assert!(compat("net8.0-windows10.0.19041", "net8.0-windows7.0"));
        assert!(!compat("net8.0-windows7.0", "net8.0-windows10.0.19041"));
        assert!(compat(
            "net8.0-windows10.0.19041",
            "net6.0-windows10.0.17763"
        ));
    }

    #[test]
    fn profiles_and_unknown_names() {
        assert!(compat("net40", "net40-client"));
        assert!(!compat("net40-client", "net40"));
        assert!(compat("banana", "banana"));
        assert!(!compat("banana", "net45"));
        assert!(!compat("net45", "banana"));
        assert!(!compat("portable-net45+win8", "net45"));
        assert!(!compat("", "net45"));
    }

    #[test]
    fn versions_compare_by_parts() {
        assert!(cmp_version(&version("4.5"), &version("4.5.0")).is_eq());
        assert!(cmp_version(&version("4.10"), &version("4.9")).is_gt());
        assert!(cmp_version(&version("x.y"), &version("0")).is_eq());
    }
}
