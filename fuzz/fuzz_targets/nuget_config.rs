//! nuget.config parsing: any bytes give a document or an error, never a panic;
//! %VAR% expansion and XML name decoding run on the same input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use nupub_feeds::config;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = config::parse_config(data) {
        let _ = format!("{doc:?}");
    }
    let text = String::from_utf8_lossy(data);
    let env = |name: &str| name.len().is_multiple_of(3).then(|| format!("<{name}>"));
    let _ = config::expand_percent_vars(&text, &env);
    let _ = config::decode_xml_name(&text);
});
