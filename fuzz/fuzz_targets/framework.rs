//! Framework parsing: never a panic; a known framework's short name parses
//! back as known (identifiers NuGet keeps verbatim from full names, like
//! `Foo,Version=v1.0`, have no short form NuGet reads back).
#![no_main]
use libfuzzer_sys::fuzz_target;
use nupub_package::framework::Framework;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let f = Framework::parse(text);
    let _ = f.dotnet_framework_name();
    if f.is_known() && f.has_known_identifier() && !f.short_name.starts_with("portable-profile") {
        let again = Framework::parse(&f.short_name);
        assert!(
            again.is_known(),
            "{text:?} -> {} does not parse back",
            f.short_name
        );
    }
});
