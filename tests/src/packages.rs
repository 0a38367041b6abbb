//! Small real .nupkg files made on the fly (a zip with a nuspec, the OPC
//! parts NuGet writes, and one content file), for tests that need many
//! distinct ids or versions faster than NuGet.exe `pack` makes them.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `{dir}/{id}.{version}.nupkg` and returns its path. `extra_metadata`
/// goes inside `<metadata>`; `padding` bytes of incompressible content make it larger.
pub fn make_nupkg(
    dir: &Path,
    id: &str,
    version: &str,
    extra_metadata: &str,
    padding: usize,
) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create package folder");
    let path = dir.join(format!("{id}.{version}.nupkg"));
    let file = std::fs::File::create(&path).expect("create .nupkg");
    let mut zip = zip::ZipWriter::new(file);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(padding as u64 > u32::MAX as u64 / 2);
    let metadata = format!(
        "<authors>Nupub Tests</authors>\n    <description>A package made by Nupub's tests.</description>\n    {extra_metadata}"
    );
    start_package(&mut zip, id, version, &metadata);
    zip.start_file("content/hello.txt", deflated).unwrap();
    writeln!(zip, "Hello from {id} {version}").unwrap();
    if padding > 0 {
        zip.start_file("content/padding.bin", stored).unwrap();
        // A simple xorshift stream: incompressible, reproducible, no extra crate.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut block = vec![0u8; 1 << 20];
        let mut left = padding;
        while left > 0 {
            for b in block.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            let n = left.min(block.len());
            zip.write_all(&block[..n]).unwrap();
            left -= n;
        }
    }
    zip.start_file("[Content_Types].xml", deflated).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="txt" ContentType="application/octet" /><Default Extension="bin" ContentType="application/octet" /></Types>"#,
    )
    .unwrap();
    zip.finish().expect("finish .nupkg");
    path
}

/// Writes `{dir}/{id}.{version}.snupkg`: a symbol package as `dotnet pack`
/// writes one (the `SymbolsPackage` type, no authors, only the given PDBs
/// plus the OPC parts), for tests that need a good or a broken one.
pub fn make_snupkg(dir: &Path, id: &str, version: &str, pdbs: &[(&str, &[u8])]) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create package folder");
    let path = dir.join(format!("{id}.{version}.snupkg"));
    let file = std::fs::File::create(&path).expect("create .snupkg");
    let mut zip = zip::ZipWriter::new(file);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    start_package(
        &mut zip,
        id,
        version,
        "<description>Symbols made by Nupub's tests.</description>\n    <packageTypes><packageType name=\"SymbolsPackage\" /></packageTypes>",
    );
    for (name, bytes) in pdbs {
        zip.start_file(*name, deflated).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.start_file("[Content_Types].xml", deflated).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="pdb" ContentType="application/octet" /></Types>"#,
    )
    .unwrap();
    zip.finish().expect("finish .snupkg");
    path
}

/// The parts every package starts with: the OPC relationships and the
/// nuspec (`id`, `version`, then `metadata` inside `<metadata>`).
fn start_package(zip: &mut zip::ZipWriter<std::fs::File>, id: &str, version: &str, metadata: &str) {
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("_rels/.rels", deflated).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/PKG.nuspec" Id="R1" /></Relationships>"#,
    )
    .unwrap();
    zip.start_file(format!("{id}.nuspec"), deflated).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>{id}</id>
    <version>{version}</version>
    {metadata}
  </metadata>
</package>
"#
    )
    .unwrap();
}
