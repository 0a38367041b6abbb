//! Paths inside a package as NuGet and nuget.org compare them.

use nupub_package::{Entry, Package};

/// A path as nuget.org compares in-package paths: `\` → `/`, leading `./` and `/` removed.
pub fn normalize_path(path: &str) -> String {
    let mut p = path.trim().replace('\\', "/");
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest.to_string();
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest.to_string();
        } else {
            return p;
        }
    }
}

/// The entry a nuspec path names, compared exactly (case-sensitive) as nuget.org does.
pub fn find_exact<'a>(package: &'a Package, path: &str) -> Option<&'a Entry> {
    let wanted = normalize_path(path);
    package
        .entries()
        .iter()
        .find(|e| normalize_path(&e.path) == wanted)
}

/// The extension of a path's last segment (`.txt`), or "" when none.
pub fn extension(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or("");
    match name.rfind('.') {
        Some(i) => name.get(i..).unwrap_or("").to_string(),
        None => String::new(),
    }
}

/// `Uri.UnescapeDataString`: `%XX` sequences decoded (invalid ones kept).
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(normalize_path("./a\\b.txt"), "a/b.txt");
        assert_eq!(normalize_path("/./x"), "x");
        assert_eq!(extension("docs/LICENSE"), "");
        assert_eq!(extension("a.b/LICENSE.TXT"), ".TXT");
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("lib/a%2Fb%20c.dll"), "lib/a/b c.dll");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%2e%2E/x"), "../x");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }
}
