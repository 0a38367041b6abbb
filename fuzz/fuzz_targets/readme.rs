//! Readme rendering: any text gives sanitized HTML, never a panic (and, with
//! the bounded run in scripts/test, never a hang: libFuzzer's -timeout flags
//! an input that takes more than a few seconds).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (html, _remote, _missing) =
        nupub_package::media::render_readme("docs/README.md", &text, |path| {
            // Every image resolves to a tiny PNG-looking file, so the image paths run too.
            path.len()
                .is_multiple_of(2)
                .then(|| b"\x89PNG\r\n\x1a\n".to_vec())
        });
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "a script element survived sanitizing"
    );
});
