//! Signature (CMS) parsing: any bytes give a signature description, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = nupub_package::signature::parse(data);
});
