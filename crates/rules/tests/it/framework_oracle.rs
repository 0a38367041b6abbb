//! Framework oracle: NuGet.exe 5.8 (under Mono) packs a nuspec with one
//! dependency group and one framework assembly per framework string; how it
//! wrote each back (`GetFrameworkString`), or that it refused it as
//! unsupported, must be what Nupub's parser says. Plus every real package:
//! none may get `tfm.unsupported`.
//!
//! The strings are NuGet's own test data (`shared/spec/frameworks.md` §9)
//! and one or more of every family of §1–§5. Everything is packed in a few
//! NuGet.exe runs: a refused string is named in NuGet's message and dropped
//! from the next run; a refusal that names none is split in halves.
#![allow(clippy::unwrap_used)]

use nupub_fixtures::nuget_exe::NuGetExe;
use nupub_package::framework::Framework;
use nupub_package::Package;
use std::collections::BTreeMap;
use std::path::Path;

const STRINGS: &[&str] = &[
    // .NET Framework: versions, profiles, full names, legacy numbers.
    "net45",
    "net4.5",
    "net450",
    "net4.5.0",
    "net451",
    "net4.5.1",
    "net452",
    "net46",
    "net461",
    "net462",
    "net47",
    "net471",
    "net472",
    "net48",
    "net4",
    "net40",
    "net403",
    "net35",
    "net20",
    "net11",
    "net10",
    "net",
    "net40-client",
    "net40-Client",
    "net40-full",
    "net45-Full",
    "net45-cf",
    "net45-CF",
    "net45-WP",
    "net45-WP71",
    "net45-custom",
    "net45-unknown",
    "net4510",
    "45",
    "4.5",
    "40",
    "4",
    "4.0",
    "35",
    "3.5",
    "20",
    "2",
    "2.0",
    "11",
    "46",
    "30",
    ".NETFramework3.5",
    ".NETFramework45",
    ".NETFramework4.0-Client",
    ".NETFramework,Version=v4.5",
    ".NETFramework, Version=v4.5",
    ".NETFramework,Version=v4.0,Profile=Client",
    "NETFramework,Version=v4.5",
    ".NET4.5",
    ".NETFramework5.0",
    // .NET Core / .NET 5+ and platforms.
    "netcoreapp",
    "netcoreapp1",
    "netcoreapp1.0",
    "netcoreapp1.5",
    "netcoreapp2",
    "netcoreapp2.0",
    "netcoreapp2.1",
    "netcoreapp21",
    "netcoreapp3.0",
    "netcoreapp3.1",
    "netcoreapp31",
    ".NETCoreApp3.1",
    ".NETCoreApp,Version=v3.1",
    "netcoreapp5.0",
    "netcoreapp50",
    "net50",
    "net5",
    "net5.0",
    "net6.0",
    "net60",
    "netcoreapp6.0",
    "net7.0",
    "net8.0",
    "NET8.0",
    "net9.0",
    "net10.0",
    "net10.1.2.3",
    "net5.0-windows",
    "net5.0-Windows",
    "netcoreapp5.0-windows",
    "netcoreapp5.0-windows10.0",
    "net5.0-windows7.0",
    "net5.0-android",
    "net5.0-android10",
    "net5.0-android11.0",
    "net5.0-ios14.0",
    "net5.0-macos10.15.2.3",
    "net5.0-watchos1.0",
    "net5.0-tvos1.0",
    "net6.0-windows10.0.19041",
    "net8.0-windows10.0.19041.0",
    "net8.0-browser",
    "net8.0-12",
    "net8.0-windows10x",
    ".NETCoreApp,Version=v5.0",
    // .NET Standard and friends.
    "netstandard",
    "netstandard0.9",
    "netstandard1.0",
    "netstandard1.5",
    "netstandard10",
    "netstandard2.0",
    "netstandard2.1",
    "netstandard21",
    ".NETStandard2.0",
    ".NETStandard,Version=v2.0",
    "netstandardapp",
    "netstandardapp1",
    "netstandardapp1.5",
    "netstandardapp2.1",
    "dotnet",
    "dotnet5",
    "dotnet50",
    "dotnet5.0",
    "dotnet10",
    "dotnet5.1",
    "dotnet5.5",
    ".NETPlatform50",
    ".NETPlatform,Version=v1.0",
    ".NETPlatform,Version=v0.0",
    // Portable class libraries, both ways.
    "portable-net45+win8+wp8+wpa81",
    "portable-net45",
    "portable",
    "portable-net45+win8+wp8+wpa81+monotouch+monoandroid",
    "portable-net4%2Bsl5%2Bwp8%2Bwin8%2Bwpa81%2Bmonotouch%2Bmonoandroid",
    "portable-win%2Bnet45%2Bwp8",
    "portable-net40%2Bsl5%2Bwp80%2Bwin8%2Bwpa81",
    "portable-net45+wp8+win+wpa",
    "portable-net45+wp8+win+wpa+netcore+netcore45",
    "portable-net450+net4.5+net45+wp8+wpa+win8+wpa81",
    "portable-win8+net45+wp8+wpa81+win8+win8",
    "portable-net45+win10.0",
    "portable-win8+net45",
    "portable-win8+net45+monoandroid1+monotouch1",
    "portable-net45+win8+xamarin.ios",
    "portable-net40+sl4+win8+wp71",
    "portable-net403+sl5+win8+wpa81+wp8",
    "portable-net451+win81+wpa81",
    "portable-win81+wp81",
    "portable-Profile259",
    "portable-foo+net45",
    "portable-win+net-cf",
    "portable-net($3747!4",
    ".NETPortable,Version=v0.0,Profile=Profile259",
    ".NETPortable,Version=v0.0,Profile=net45+win8",
    ".NETPortable40-Profile1",
    ".NETPortable-Profile1",
    ".NETPortable-net45+win8",
    ".NETPortable4.5-Profile259",
    ".NETPortable4.0-Profile328",
    "Portable-net45+win8",
    "Portable,Version=v0.0,Profile=Profile7",
    // Windows, Windows Phone, Silverlight.
    "win",
    "win8",
    "win81",
    "win10",
    "win10.0",
    "Win10.1.2.3",
    "windows8",
    "Windows,Version=v8.1",
    "winrt",
    "winrt45",
    "netcore",
    "netcore45",
    "netcore451",
    "netcore50",
    "netcore4.9.9",
    "wp",
    "wp7",
    "wp75",
    "wp8",
    "wp81",
    "windowsphone8",
    "wpa",
    "wpa81",
    "WindowsPhoneApp8.1",
    "sl",
    "sl3-wp",
    "sl4",
    "sl5",
    "sl4-wp71",
    "sl4-WindowsPhone71",
    "Silverlight4.0-WindowsPhone71",
    // UAP, DNX, ASP.NET, Tizen, micro and nano.
    "uap",
    "uap10.0",
    "UAP10.0.16299",
    "uap,Version=v10.0.10030.1",
    "dnx",
    "dnx45",
    "dnx451",
    "dnxcore",
    "dnxcore50",
    "aspnet",
    "aspnet50",
    "asp.net50",
    "aspnetcore",
    "aspnetcore5",
    "aspnetcore50",
    "asp.netcore50",
    "tizen",
    "tizen3",
    "tizen40",
    "netmf",
    "netmf4.2",
    "netnano1.0",
    ".NETnanoFramework,Version=v1.0",
    // Xamarin and Mono.
    "native",
    "monoandroid",
    "MonoAndroid10",
    "monoandroid4.4",
    "monotouch",
    "monotouch10",
    "monomac",
    "MonoMac20",
    "xamarinios",
    "xamarinios10",
    "Xamarin.iOS10",
    "xamarinmac20",
    "Xamarin.Mac20",
    "xamarintvos10",
    "Xamarin.TVOS10",
    "xamarinwatchos10",
    "xamarinpsthree",
    "Xamarin.PlayStationThree",
    "XamarinPlayStationThree",
    "xamarinpsfour",
    "Xamarin.PlayStationFour",
    "xamarinpsvita",
    "XamarinPlayStationVita",
    "xamarinxboxthreesixty",
    "xamarinxboxone",
    // Special and unknown.
    "any",
    "Any",
    "agnostic",
    "Agnostic",
    "unsupported",
    "foo",
    "foo45",
    "foo45-client",
    "foo.45",
    "foo4.5.1.2.3",
    "Foo,Version=v1.0",
    "net45,net46",
    "netstandard2.0-",
    "net45-!",
    "net1.2.3.4.5",
    "lib",
    ".NETFramework,Version=v",
    "net45 ",
];

/// Identifiers added to NuGet.Frameworks after 5.8 (NuGet.exe refuses them as
/// unsupported; the NuGet nuget.org runs reads them).
const NEWER_THAN_NUGET_5_8: &[&str] = &["netnano1.0"];

/// Where `nuget pack` 5.8 writes something other than what the NuGet that
/// nuget.org runs reads (`shared/spec/frameworks.md`); Nupub follows the spec,
/// and the test checks NuGet.exe still writes exactly this.
const PACK_5_8_DIFFERS: &[(&str, &str, &str)] = &[
    (
        "netcoreapp5.0-windows",
        "net5.0",
        "NuGet 5.8 drops the platform of netcoreapp5.0-…; later NuGet keeps it (spec §9)",
    ),
    (
        "netcoreapp5.0-windows10.0",
        "net5.0",
        "NuGet 5.8 drops the platform of netcoreapp5.0-…; later NuGet keeps it (spec §9)",
    ),
    (
        "net45 ",
        ".NETFramework4.5",
        "nuget pack trims the attribute; NuGet's nuspec reader does not (spec §7)",
    ),
];

/// What NuGet.exe did with one string.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Refused while packing (unsupported, or not readable at all).
    Refused(String),
    /// Written back: the group's `targetFramework` (`None`: no attribute, Any)
    /// and the framework assembly's (when the string has no comma).
    Written {
        group: Option<String>,
        assembly: Option<Option<String>>,
    },
}

fn xml_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Packs one batch (indices into STRINGS); on success returns each outcome.
fn pack(
    nuget: &NuGetExe,
    dir: &Path,
    run: usize,
    batch: &[usize],
) -> Result<Vec<(usize, Outcome)>, String> {
    let src = dir.join(format!("run{run}"));
    std::fs::create_dir_all(src.join("content")).unwrap();
    std::fs::write(src.join("content/a.txt"), "a").unwrap();
    let mut groups = String::new();
    let mut assemblies = String::new();
    for &i in batch {
        let s = xml_attr(STRINGS[i]);
        groups.push_str(&format!(
            "<group targetFramework=\"{s}\"><dependency id=\"D{i}\" version=\"1.0.0\" /></group>\n"
        ));
        // `nuget pack` reads a framework assembly's attribute as one framework
        // name; NuGet's nuspec reader (what nuget.org uses) splits it on commas.
        // So strings with commas are compared through the group only.
        if !STRINGS[i].contains(',') {
            assemblies.push_str(&format!(
                "<frameworkAssembly assemblyName=\"A{i}\" targetFramework=\"{s}\" />\n"
            ));
        }
    }
    let nuspec = src.join("Oracle.nuspec");
    std::fs::write(
        &nuspec,
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Oracle</id><version>1.0.{run}</version><authors>Nupub Tests</authors><description>Framework oracle.</description>
    <dependencies>
{groups}    </dependencies>
    <frameworkAssemblies>
{assemblies}    </frameworkAssemblies>
  </metadata>
  <files><file src="content/a.txt" target="content/a.txt" /></files>
</package>
"#
        ),
    )
    .unwrap();
    let out = dir.join(format!("out{run}"));
    std::fs::create_dir_all(&out).unwrap();
    let result = nuget.run_in(
        &src,
        &[
            "pack",
            &nuspec.to_string_lossy(),
            "-OutputDirectory",
            &out.to_string_lossy(),
        ],
    );
    if !result.success {
        return Err(result.text());
    }
    let file = out.join(format!("Oracle.1.0.{run}.nupkg"));
    let package = Package::open(&file).unwrap();
    let nuspec = package.nuspec();
    let mut outcomes = Vec::new();
    for &i in batch {
        let id = format!("D{i}");
        // When every group is Any, NuGet.exe writes the legacy flat list.
        let group = nuspec
            .dependencies
            .effective_groups()
            .into_iter()
            .find(|g| g.dependencies.iter().any(|d| d.id.as_deref() == Some(&id)))
            .unwrap_or_else(|| panic!("NuGet.exe dropped the group of {:?}", STRINGS[i]));
        let assembly = (!STRINGS[i].contains(',')).then(|| {
            let name = format!("A{i}");
            nuspec
                .framework_assemblies
                .iter()
                .find(|a| a.assembly_name.as_deref() == Some(&name))
                .unwrap_or_else(|| panic!("NuGet.exe dropped the assembly of {:?}", STRINGS[i]))
                .target_framework
                .clone()
        });
        outcomes.push((
            i,
            Outcome::Written {
                group: group.target_framework.clone(),
                assembly,
            },
        ));
    }
    Ok(outcomes)
}

/// Which batch member a refusal names, if it names one.
fn named_in(message: &str, batch: &[usize]) -> Option<usize> {
    // "Unsupported targetFramework value 'X'." (a group) or
    // "… unsupported targetFramework value on 'A12'." (a framework assembly).
    if let Some(rest) = message.split("targetFramework value on '").nth(1) {
        let name = rest.split('\'').next()?;
        let i: usize = name.strip_prefix('A')?.parse().ok()?;
        return batch.contains(&i).then_some(i);
    }
    if let Some(rest) = message.split("Invalid portable frameworks '").nth(1) {
        let list = rest.split('\'').next()?;
        return batch.iter().copied().find(|&i| STRINGS[i].contains(list));
    }
    let rest = message
        .split("Unsupported targetFramework value '")
        .nth(1)?;
    let value = rest.split("'.").next()?;
    batch.iter().copied().find(|&i| STRINGS[i] == value)
}

fn last_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

fn collect(
    nuget: &NuGetExe,
    dir: &Path,
    runs: &mut usize,
    batch: Vec<usize>,
    out: &mut BTreeMap<usize, Outcome>,
) {
    let mut batch = batch;
    while !batch.is_empty() {
        *runs += 1;
        match pack(nuget, dir, *runs, &batch) {
            Ok(outcomes) => {
                out.extend(outcomes);
                return;
            }
            Err(message) => {
                if let Some(i) = named_in(&message, &batch) {
                    out.insert(i, Outcome::Refused(last_line(&message)));
                    batch.retain(|&j| j != i);
                } else if batch.len() == 1 {
                    out.insert(batch[0], Outcome::Refused(last_line(&message)));
                    return;
                } else {
                    let second = batch.split_off(batch.len() / 2);
                    collect(nuget, dir, runs, batch, out);
                    collect(nuget, dir, runs, second, out);
                    return;
                }
            }
        }
    }
}

#[test]
fn nupub_reads_every_framework_string_as_nuget_exe_does() {
    assert!(STRINGS.len() >= 80, "the oracle covers at least 80 strings");
    let nuget = NuGetExe::new();
    let dir = tempfile::tempdir().unwrap();
    let mut outcomes = BTreeMap::new();
    let mut runs = 0;
    collect(
        &nuget,
        dir.path(),
        &mut runs,
        (0..STRINGS.len()).collect(),
        &mut outcomes,
    );
    assert_eq!(outcomes.len(), STRINGS.len(), "every string has an outcome");

    let mut disagreements = Vec::new();
    let (mut refused, mut written, mut newer, mut unprintable) = (0, 0, 0, 0);
    for (&i, outcome) in &outcomes {
        let text = STRINGS[i];
        let ours = Framework::parse(text);
        match outcome {
            Outcome::Refused(why) if NEWER_THAN_NUGET_5_8.contains(&text) => {
                // nuget.org runs a newer NuGet that knows it.
                refused += 1;
                newer += 1;
                assert!(why.contains("Unsupported targetFramework"), "{text}: {why}");
                assert!(!ours.is_unsupported, "{text} is known to current NuGet");
            }
            Outcome::Refused(why)
                if why.contains("A portable framework must have at least one framework") =>
            {
                // NuGet reads `ProfileNNN` of an unknown number as that
                // profile (spec §9 PortableMixed) but cannot print it, so
                // `nuget pack` refuses to write it.
                refused += 1;
                unprintable += 1;
                assert!(
                    ours.identifier == ".NETPortable"
                        && ours.profile.starts_with("Profile")
                        && !ours.is_unsupported,
                    "{text}: {ours:?}"
                );
            }
            Outcome::Refused(why) => {
                refused += 1;
                if !ours.is_unsupported {
                    disagreements.push(format!(
                        "{text:?}: NuGet.exe refused it ({why}); Nupub reads {}",
                        ours.framework_string()
                    ));
                }
            }
            Outcome::Written { group, assembly: _ }
                if PACK_5_8_DIFFERS.iter().any(|(s, _, _)| *s == text) =>
            {
                written += 1;
                let (_, wrote, why) = PACK_5_8_DIFFERS
                    .iter()
                    .find(|(s, _, _)| *s == text)
                    .unwrap();
                assert_eq!(group.as_deref(), Some(*wrote), "{text}: {why}");
                assert_ne!(
                    ours.framework_string(),
                    *wrote,
                    "{text}: Nupub follows current NuGet ({why})"
                );
            }
            Outcome::Written { group, assembly } => {
                written += 1;
                let expected = |w: &Option<String>| match w {
                    // No attribute written: NuGet read Any or Agnostic.
                    // No attribute (a group) or an empty one (a framework assembly): Any.
                    None => ours.identifier == "Any" || ours.identifier == "Agnostic",
                    Some(w) if w.is_empty() => {
                        ours.identifier == "Any" || ours.identifier == "Agnostic"
                    }
                    Some(w) => !ours.is_unsupported && ours.framework_string() == *w,
                };
                if !expected(group) {
                    disagreements.push(format!(
                        "{text:?}: NuGet.exe wrote the group as {group:?}; Nupub reads {} (unsupported: {})",
                        ours.framework_string(),
                        ours.is_unsupported
                    ));
                }
                if let Some(a) = assembly {
                    if !expected(a) {
                        disagreements.push(format!(
                            "{text:?}: NuGet.exe wrote the framework assembly as {a:?}; Nupub reads {}",
                            ours.framework_string()
                        ));
                    }
                }
            }
        }
    }
    println!(
        "framework oracle: {} strings ({written} written back, {refused} refused: {newer} newer than NuGet 5.8, {unprintable} unprintable portable profiles) in {runs} NuGet.exe runs",
        STRINGS.len()
    );
    assert_eq!(
        newer,
        NEWER_THAN_NUGET_5_8.len(),
        "each newer name was refused by NuGet 5.8"
    );
    assert!(
        written >= 150 && refused >= 15,
        "both outcomes are exercised: {written} written, {refused} refused"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn no_real_package_gets_an_unsupported_framework() {
    let dir = nupub_fixtures::fixtures_dir();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".nupkg") || name.ends_with(".snupkg")) {
            continue;
        }
        let report = nupub_rules::validate_file(
            &path,
            &nupub_rules::Options::for_target(nupub_rules::RuleTarget::NugetOrg),
        );
        let bad: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code.starts_with("tfm."))
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:#?}");
        checked += 1;
    }
    assert!(
        checked >= 25,
        "only {checked} real packages found in {}",
        dir.display()
    );
}

#[test]
fn the_2015_comma_list_reads_as_two_known_frameworks() {
    // The real 2015 case: NuGet's nuspec reader splits the attribute on commas.
    let list = Framework::parse_framework_assembly_attribute(Some(
        ".NETFramework4.0-Client, .NETFramework4.0",
    ));
    let read: Vec<(String, String)> = list
        .iter()
        .map(|f| (f.short_name.clone(), f.profile.clone()))
        .collect();
    assert_eq!(
        read,
        [
            ("net40-client".to_string(), "Client".to_string()),
            ("net40".to_string(), String::new())
        ]
    );
}
