//! Nuspec parsing: any bytes give a typed nuspec or a typed error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(n) = nupub_package::nuspec::parse("fuzz.nuspec", data) {
        let _ = n.metadata_element_facts();
        let _ = n.duplicate_metadata_elements();
        let _ = n.dependencies.effective_groups();
        let _ = (
            n.tags_list(),
            n.authors_list(),
            n.require_license_acceptance(),
        );
    }
});
