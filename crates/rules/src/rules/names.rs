//! Names that could deceive: entry names, id, title and authors holding
//! direction controls, invisible characters or look-alike letters (which
//! characters count is decided once, in `nupub_package::names`).

use crate::catalogue as c;
use crate::facts::PackageFacts;
use crate::types::Finding;
use nupub_package::names::{deceptive_chars, describe_char, display_form};
use nupub_package::Package;

fn finding(what: &str, text: &str) -> Option<Finding> {
    let chars = deceptive_chars(text);
    if chars.is_empty() {
        return None;
    }
    let listed: Vec<String> = chars
        .iter()
        .map(|(ch, why)| describe_char(*ch, *why))
        .collect();
    let shown = display_form(text);
    Some(
        c::NAME_DECEPTIVE
            .finding(format!(
                "The {what} {shown} contains {}: it can look like a different name.",
                listed.join(", ")
            ))
            .at(shown),
    )
}

pub fn check(package: &Package, _facts: &PackageFacts) -> Vec<Finding> {
    let nuspec = package.nuspec();
    let mut out = Vec::new();
    out.extend(finding("package id", package.id()));
    if let Some(title) = nuspec.title.as_deref() {
        out.extend(finding("title", title.trim()));
    }
    for author in nuspec.authors_list() {
        out.extend(finding("author", &author));
    }
    for entry in package.entries().iter().filter(|e| !e.is_directory) {
        out.extend(finding("file name", &entry.normalized_path()));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{absent, Builder};

    #[test]
    fn deceptive_file_names_and_metadata_are_named_escaped() {
        let r = Builder::valid()
            .file("content/\u{202E}gnp.exe", b"x")
            .file("lib/net8.0/A\u{200D}B.dll", b"x")
            .file("content/p\u{0430}ckage.txt", b"x")
            .add("<title>Nice\u{200B}Lib</title>")
            .check();
        let found: Vec<(&str, &str)> = r
            .findings
            .iter()
            .filter(|f| f.code == "name.deceptive")
            .map(|f| (f.path.as_deref().unwrap_or(""), f.message.as_str()))
            .collect();
        let at: Vec<&str> = found.iter().map(|(a, _)| *a).collect();
        assert_eq!(
            at,
            [
                "Nice\\u200BLib",
                "content/\\u202Egnp.exe",
                "lib/net8.0/A\\u200DB.dll",
                "content/p\\u0430ckage.txt"
            ],
            "{found:#?}"
        );
        assert!(
            found[1].1.contains("U+202E (right-to-left override)"),
            "{found:#?}"
        );
        assert!(found
            .iter()
            .all(|(_, m)| !m.contains('\u{202E}') && !m.contains('\u{200D}')));
        let clean = Builder::valid().file("content/日本語.txt", b"x").check();
        absent(&clean, "name.deceptive");
    }
}
