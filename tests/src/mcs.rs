//! Mono's C# compiler (`mcs`, Debian `mono-mcs`): small libraries compiled in
//! a test, so known API changes can be made and packed with NuGet.exe.

use std::path::Path;
use std::process::Command;

/// Compiles `source` into `dir/{name}.dll` (a library) and returns its bytes.
/// Panics with the compiler's output when it fails.
pub fn compile_library(dir: &Path, name: &str, source: &str) -> Vec<u8> {
    std::fs::create_dir_all(dir).expect("create the compile folder");
    let cs = dir.join(format!("{name}.cs"));
    let dll = dir.join(format!("{name}.dll"));
    std::fs::write(&cs, source).expect("write the C# source");
    let out = Command::new("mcs")
        .args(["-target:library", "-nowarn:67,169,414,649"])
        .arg(format!("-out:{}", dll.display()))
        .arg(&cs)
        .output()
        .expect("mcs (Debian mono-mcs) must be installed");
    assert!(out.status.success(), "mcs failed: {out:?}\n{source}");
    std::fs::read(&dll).expect("read the compiled library")
}
