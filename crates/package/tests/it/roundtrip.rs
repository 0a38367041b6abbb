//! Packages made by the official client (NuGet.exe 5.8 `pack`) from nuspecs that
//! use every element read back through the model with every value intact.
#![allow(clippy::unwrap_used)]

use nupub_fixtures::nuget_exe::NuGetExe;
use nupub_package::{Package, SignatureKind};
use std::path::Path;

// A 2×3 PNG (valid header and IHDR) for the icon and a readme image.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x02\0\0\0\x03\x08\x06\0\0\0\x9d\x74\x66\x1a\0\0\0\0IEND\xaeB`\x82";

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

const FULL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata minClientVersion="3.3.0">
    <id>Nupub.RoundTrip</id>
    <version>2.1.0-beta.1+sha.5114f85</version>
    <title>Round Trip &amp; Back</title>
    <authors>Ada Lovelace, Charles Babbage</authors>
    <owners>ada</owners>
    <description>Every nuspec element, packed by NuGet.exe.</description>
    <summary>A summary.</summary>
    <releaseNotes>Fixed things.</releaseNotes>
    <copyright>© 2024 Ada</copyright>
    <language>en-GB</language>
    <tags>nupub test roundtrip</tags>
    <projectUrl>https://example.com/project</projectUrl>
    <iconUrl>https://example.com/icon.png</iconUrl>
    <icon>images\icon.png</icon>
    <license type="expression">MIT OR Apache-2.0</license>
    <requireLicenseAcceptance>true</requireLicenseAcceptance>
    <developmentDependency>true</developmentDependency>
    <serviceable>true</serviceable>
    <repository type="git" url="https://github.com/nupub/roundtrip" branch="main" commit="0123456789abcdef0123456789abcdef01234567" />
    <packageTypes>
      <packageType name="Dependency" />
      <packageType name="DotnetTool" version="1.0" />
    </packageTypes>
    <dependencies>
      <group targetFramework="net8.0">
        <dependency id="Newtonsoft.Json" version="[13.0.1,14.0)" include="Runtime,Compile" exclude="Build" />
      </group>
      <group targetFramework=".NETStandard2.0">
        <dependency id="System.Memory" version="4.5.5" />
        <dependency id="Floaty" version="1.*" />
      </group>
      <group />
    </dependencies>
    <frameworkAssemblies>
      <frameworkAssembly assemblyName="System.Net.Http" targetFramework="net45" />
    </frameworkAssemblies>
    <frameworkReferences>
      <group targetFramework="net8.0">
        <frameworkReference name="Microsoft.AspNetCore.App" />
      </group>
    </frameworkReferences>
    <references>
      <group targetFramework="net8.0">
        <reference file="RoundTrip.dll" />
      </group>
    </references>
    <contentFiles>
      <files include="cs/any/*.cs" buildAction="Compile" copyToOutput="false" flatten="true" />
    </contentFiles>
  </metadata>
  <files>
    <file src="RoundTrip.dll" target="lib\net8.0\RoundTrip.dll" />
    <file src="RoundTrip.dll" target="lib\netstandard2.0\RoundTrip.dll" />
    <file src="RoundTrip.dll" target="runtimes\win-x64\lib\net8.0\RoundTrip.dll" />
    <file src="native.so" target="runtimes\linux-x64\native\libround.so" />
    <file src="RoundTrip.targets" target="build\Nupub.RoundTrip.targets" />
    <file src="RoundTrip.targets" target="buildTransitive\net8.0\Nupub.RoundTrip.targets" />
    <file src="Hello.cs" target="contentFiles\cs\any\Hello.cs" />
    <file src="images\icon.png" target="images\icon.png" />
    <file src="tools\run.ps1" target="tools\run.ps1" />
  </files>
</package>
"#;

#[test]
fn every_element_round_trips_through_nuget_exe_pack() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    write(&src, "RoundTrip.dll", b"MZ not really a dll");
    write(&src, "native.so", b"\x7fELF");
    write(&src, "RoundTrip.targets", b"<Project />");
    write(&src, "Hello.cs", b"class Hello {}");
    write(&src, "images/icon.png", PNG);
    write(&src, "tools/run.ps1", b"Write-Host hi");
    write(&src, "Nupub.RoundTrip.nuspec", FULL.as_bytes());
    let nuget = NuGetExe::new();
    let package = nuget.pack(
        &src.join("Nupub.RoundTrip.nuspec"),
        &work.path().join("out"),
    );

    let p = Package::open(&package).unwrap();
    let n = p.nuspec();
    assert_eq!(p.id(), "Nupub.RoundTrip");
    assert_eq!(p.version().normalized(), "2.1.0-beta.1");
    assert_eq!(p.version().metadata(), Some("sha.5114f85"));
    assert!(p.version().is_semver2() && p.version().is_prerelease());
    assert_eq!(n.title.as_deref(), Some("Round Trip & Back"));
    assert_eq!(n.authors_list(), ["Ada Lovelace", "Charles Babbage"]);
    assert_eq!(n.owners.as_deref(), Some("ada"));
    assert_eq!(n.summary.as_deref(), Some("A summary."));
    assert_eq!(n.release_notes.as_deref(), Some("Fixed things."));
    assert_eq!(n.copyright.as_deref(), Some("© 2024 Ada"));
    assert_eq!(n.language.as_deref(), Some("en-GB"));
    assert_eq!(n.tags_list(), ["nupub", "test", "roundtrip"]);
    assert_eq!(
        n.project_url.as_deref(),
        Some("https://example.com/project")
    );
    assert_eq!(n.icon_url.as_deref(), Some("https://example.com/icon.png"));
    assert_eq!(n.min_client_version.as_deref(), Some("3.3.0"));
    assert_eq!(n.require_license_acceptance(), Some(true));
    assert_eq!(n.development_dependency(), Some(true));
    assert_eq!(n.serviceable(), Some(true));
    let license = n.license.as_ref().unwrap();
    assert_eq!(
        (license.kind.as_deref(), license.value.as_str()),
        (Some("expression"), "MIT OR Apache-2.0")
    );
    let repo = n.repository.as_ref().unwrap();
    assert_eq!(repo.kind.as_deref(), Some("git"));
    assert_eq!(repo.branch.as_deref(), Some("main"));
    assert_eq!(
        repo.commit.as_deref(),
        Some("0123456789abcdef0123456789abcdef01234567")
    );
    let types: Vec<(&str, Option<&str>)> = n
        .package_types
        .iter()
        .map(|t| (t.name.as_str(), t.version.as_deref()))
        .collect();
    assert_eq!(types, [("Dependency", None), ("DotnetTool", Some("1.0"))]);
    assert_eq!(n.dependencies.groups.len(), 3);
    assert_eq!(n.framework_assemblies.len(), 1);
    assert_eq!(
        n.framework_references[0].references,
        ["Microsoft.AspNetCore.App"]
    );
    assert_eq!(n.references.groups[0].files, ["RoundTrip.dll"]);
    assert_eq!(n.content_files[0].build_action.as_deref(), Some("Compile"));
    assert_eq!(n.content_files[0].flatten.as_deref(), Some("true"));

    let i = p.inspect();
    let net8 = i
        .dependency_groups
        .iter()
        .find(|g| g.target_framework.as_deref() == Some("net8.0"))
        .unwrap();
    assert_eq!(net8.dependencies[0].id, "Newtonsoft.Json");
    assert_eq!(net8.dependencies[0].range, "[13.0.1, 14.0.0)");
    assert_eq!(
        net8.dependencies[0].include.as_deref(),
        Some("Runtime,Compile")
    );
    let ns = i
        .dependency_groups
        .iter()
        .find(|g| g.target_framework.as_deref() == Some("netstandard2.0"))
        .unwrap();
    assert_eq!(ns.dependencies.len(), 2);
    assert!(i
        .dependency_groups
        .iter()
        .any(|g| g.target_framework.is_none() && g.dependencies.is_empty()));
    let license = i.license.as_ref().unwrap();
    assert_eq!(
        license
            .ids
            .iter()
            .map(|x| x.id.as_str())
            .collect::<Vec<_>>(),
        ["MIT", "Apache-2.0"]
    );
    let icon = i.icon.as_ref().unwrap();
    assert_eq!(
        (icon.format.as_deref(), icon.width, icon.height),
        (Some("png"), Some(2), Some(3))
    );
    assert_eq!(icon.bytes, Some(PNG.len() as u64));
    let shorts: Vec<&str> = i.frameworks.iter().map(|f| f.short_name.as_str()).collect();
    for want in ["net8.0", "netstandard2.0"] {
        assert!(shorts.contains(&want), "{shorts:?}");
    }
    use nupub_package::files::FileGroup;
    let group_of = |path: &str| {
        i.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| (f.group, f.target_framework.clone(), f.runtime.clone()))
    };
    assert_eq!(
        group_of("lib/net8.0/RoundTrip.dll"),
        Some((FileGroup::Lib, Some("net8.0".into()), None))
    );
    assert_eq!(
        group_of("runtimes/win-x64/lib/net8.0/RoundTrip.dll"),
        Some((
            FileGroup::Runtimes,
            Some("net8.0".into()),
            Some("win-x64".into())
        ))
    );
    assert_eq!(
        group_of("runtimes/linux-x64/native/libround.so"),
        Some((FileGroup::Runtimes, None, Some("linux-x64".into())))
    );
    assert_eq!(
        group_of("build/Nupub.RoundTrip.targets"),
        Some((FileGroup::Build, None, None))
    );
    assert_eq!(
        group_of("buildTransitive/net8.0/Nupub.RoundTrip.targets"),
        Some((FileGroup::BuildTransitive, Some("net8.0".into()), None))
    );
    assert_eq!(
        group_of("contentFiles/cs/any/Hello.cs").map(|g| g.0),
        Some(FileGroup::ContentFiles)
    );
    assert_eq!(
        group_of("tools/run.ps1").map(|g| g.0),
        Some(FileGroup::Tools)
    );
    assert_eq!(group_of("_rels/.rels").map(|g| g.0), Some(FileGroup::Opc));
    assert_eq!(
        group_of("[Content_Types].xml").map(|g| g.0),
        Some(FileGroup::Opc)
    );
    assert!(i
        .files
        .iter()
        .any(|f| f.group == FileGroup::Opc && f.path.ends_with(".psmdcp")));
    assert!(i.signature.is_none());
    assert!(!matches!(
        i.signature.map(|s| s.kind),
        Some(SignatureKind::Unreadable)
    ));
    assert!(p.verify_integrity().unwrap().is_ok());
    // Every entry has a date and sizes, as NuGet.exe wrote them.
    assert!(
        p.entries()
            .iter()
            .all(|e| e.modified.is_some()
                && (e.compression == "deflate" || e.compression == "stored"))
    );
}

#[test]
fn readme_and_license_file_round_trip() {
    // A licence file packed by NuGet.exe. (NuGet.exe 5.8 predates <readme>,
    // added in 5.10, so readmes are covered by the real fixtures instead.)
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    write(
        &src,
        "LICENSE.txt",
        b"Permission is hereby granted, free of charge...",
    );
    write(&src, "lib/a.dll", b"MZ");
    write(
        &src,
        "Nupub.LicenseFile.nuspec",
        br#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Nupub.LicenseFile</id>
    <version>1.0</version>
    <authors>a</authors>
    <description>d</description>
    <license type="file">LICENSE.txt</license>
  </metadata>
  <files>
    <file src="LICENSE.txt" target="" />
    <file src="lib\a.dll" target="lib\net45\a.dll" />
  </files>
</package>"#,
    );
    let nuget = NuGetExe::new();
    let package = nuget.pack(
        &src.join("Nupub.LicenseFile.nuspec"),
        &work.path().join("out"),
    );
    let p = Package::open(&package).unwrap();
    assert_eq!(
        p.version().original(),
        "1.0.0",
        "NuGet.exe normalizes the version it writes"
    );
    let l = p.license().unwrap();
    assert_eq!(l.kind, "file");
    assert!(!l.file_missing);
    assert!(l
        .file_text
        .as_deref()
        .unwrap()
        .starts_with("Permission is hereby granted"));
    assert_eq!(
        p.inspect()
            .frameworks
            .iter()
            .map(|f| f.short_name.as_str())
            .collect::<Vec<_>>(),
        ["net45"]
    );
}
