//! Version and range parsing: never a panic, and parsed versions keep their invariants.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nupub_package::{NuGetVersion, VersionRange};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = NuGetVersion::parse(text) {
        // The normalized form parses back to an equal version.
        let again = NuGetVersion::parse(&v.normalized()).expect("normalized form parses");
        assert_eq!(again, v);
        assert_eq!(v.cmp(&again), std::cmp::Ordering::Equal);
    }
    if let Ok(r) = VersionRange::parse(text) {
        let _ = r.normalized();
        if let Some(min) = r.min() {
            let _ = r.satisfies(min);
        }
    }
});
