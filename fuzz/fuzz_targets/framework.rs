//! Framework parsing: never a panic; a known framework's short name parses to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nupub_package::framework::Framework;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let f = Framework::parse(text);
    let _ = f.dotnet_framework_name();
    if f.is_known() {
        let again = Framework::parse(&f.short_name);
        assert!(
            again.is_known(),
            "{text:?} -> {} does not parse back",
            f.short_name
        );
    }
});
