//! Archive opening: any file gives a package or a typed error, never a panic;
//! the integrity check and the inspection never panic either.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("nupub-fuzz-{}.nupkg", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(package) = nupub_package::Package::open(&path) {
        let _ = package.verify_integrity();
        let _ = package.inspect();
    }
});
