//! Readme, icon and licence: the files the nuspec points to, read and described.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use ts_rs::TS;

/// Largest image embedded into the readme HTML as a `data:` URI.
pub const MAX_README_IMAGE_BYTES: u64 = 1024 * 1024;
/// Most image bytes embedded into one readme.
pub const MAX_README_IMAGES_TOTAL: u64 = 4 * 1024 * 1024;

/// An image format recognised from its first bytes.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.starts_with(b"BM") {
        Some("bmp")
    } else if bytes.starts_with(&[0, 0, 1, 0]) {
        Some("ico")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("webp")
    } else {
        let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(512)).unwrap_or(&[]))
            .to_ascii_lowercase();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        (head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg")))
            .then_some("svg")
    }
}

fn mime(format: &str) -> &'static str {
    match format {
        "png" => "image/png",
        "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        _ => "image/svg+xml",
    }
}

/// The embedded icon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IconInfo {
    /// The path the nuspec gives, as written.
    pub path: String,
    /// The entry found for it, as stored (`None` when missing).
    pub entry: Option<String>,
    /// Format from the magic bytes (`png`, `jpeg`, …); `None` when unknown or missing.
    pub format: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Size of the icon file.
    #[ts(type = "number | null")]
    pub bytes: Option<u64>,
    /// Why the icon could not be read, when it could not.
    pub error: Option<String>,
}

impl IconInfo {
    pub fn describe(
        path: &str,
        entry: Option<String>,
        size: Option<u64>,
        data: Result<Vec<u8>, String>,
    ) -> IconInfo {
        match data {
            Ok(bytes) => {
                let format = sniff_image(&bytes).map(str::to_string);
                let dims = imagesize::blob_size(&bytes).ok();
                IconInfo {
                    path: path.to_string(),
                    entry,
                    format,
                    width: dims.and_then(|d| u32::try_from(d.width).ok()),
                    height: dims.and_then(|d| u32::try_from(d.height).ok()),
                    bytes: Some(bytes.len() as u64),
                    error: None,
                }
            }
            Err(error) => IconInfo {
                path: path.to_string(),
                entry,
                format: None,
                width: None,
                height: None,
                bytes: size,
                error: Some(error),
            },
        }
    }
}

/// The readme, rendered for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReadmeInfo {
    pub path: String,
    pub entry: Option<String>,
    #[ts(type = "number | null")]
    pub bytes: Option<u64>,
    /// Sanitized HTML (no scripts, no styles, no remote loads); package images inlined as `data:` URIs.
    pub html: Option<String>,
    /// Remote image URLs the readme shows on nuget.org (not fetched here).
    pub remote_images: Vec<String>,
    /// Image paths that are not in the package (or too large to inline).
    pub missing_images: Vec<String>,
    /// The 1-based line from which the readme nests deeper than Nupub renders
    /// ([`MAX_README_NESTING`], [`MAX_README_HTML_DEPTH`]); from there on it is shown as plain text.
    pub plain_text_from_line: Option<u32>,
    pub error: Option<String>,
}

/// Deepest Markdown container nesting rendered (block quotes, list items and
/// indentation, counted from each line's start). Real readmes stay far below;
/// past it a Markdown parser's work per line grows with the depth.
pub const MAX_README_NESTING: usize = 16;
/// Deepest nesting of raw HTML elements rendered (the HTML parser's work per
/// tag grows with the depth of open elements).
pub const MAX_README_HTML_DEPTH: usize = 48;

/// A rendered readme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedReadme {
    /// Sanitized HTML.
    pub html: String,
    pub remote_images: Vec<String>,
    pub missing_images: Vec<String>,
    /// The 1-based line from which the text is shown as plain text (nesting past the limits).
    pub plain_text_from_line: Option<u32>,
}

/// HTML elements that never hold children, and those whose end tag the
/// parser implies (a new `<p>` closes the last): neither deepens nesting.
const FLAT_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rt", "rp", "optgroup",
];

/// How deeply one line's start nests Markdown containers: block quote
/// markers, list markers and indentation (two columns a level).
fn line_nesting(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    loop {
        let mut columns = 0;
        while let Some(b) = bytes.get(i) {
            match b {
                b' ' => columns += 1,
                b'\t' => columns += 4,
                _ => break,
            }
            i += 1;
        }
        depth += columns / 2;
        match bytes.get(i) {
            Some(b'>') => {
                depth += 1;
                i += 1;
            }
            Some(b'-' | b'+' | b'*') if matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')) => {
                depth += 1;
                i += 1;
            }
            Some(b'0'..=b'9') => {
                let digits = bytes
                    .get(i..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let after = i + digits;
                if digits <= 9
                    && matches!(bytes.get(after), Some(b'.' | b')'))
                    && matches!(bytes.get(after + 1), None | Some(b' ' | b'\t'))
                {
                    depth += 1;
                    i = after + 1;
                } else {
                    return depth;
                }
            }
            _ => return depth,
        }
    }
}

/// Where a readme first nests deeper than Nupub renders: the byte offset
/// of that line's start and its 1-based number. One pass, linear in the size.
pub fn nesting_cut(markdown: &str) -> Option<(usize, usize)> {
    let mut html_depth = 0usize;
    let mut offset = 0;
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        if line_nesting(line) > MAX_README_NESTING {
            return Some((offset, index + 1));
        }
        let bytes = line.as_bytes();
        let mut i = 0;
        while let Some(at) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|b| *b == b'<'))
        {
            i += at + 1;
            let closing = bytes.get(i) == Some(&b'/');
            let start = if closing { i + 1 } else { i };
            let name_len = bytes
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if name_len == 0 || !bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
                continue;
            }
            let name = line
                .get(start..start + name_len)
                .unwrap_or("")
                .to_ascii_lowercase();
            if FLAT_ELEMENTS.contains(&name.as_str()) {
                continue;
            }
            if closing {
                html_depth = html_depth.saturating_sub(1);
            } else {
                html_depth += 1;
                if html_depth > MAX_README_HTML_DEPTH {
                    return Some((offset, index + 1));
                }
            }
        }
        offset += line.len();
    }
    None
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn is_remote(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// Joins an image path onto the readme's folder (`docs/README.md` + `img/a.png` → `docs/img/a.png`).
pub fn resolve_relative(readme_path: &str, src: &str) -> Option<String> {
    let src = src.trim();
    let src = src.split(['?', '#']).next().unwrap_or("");
    if src.is_empty() || src.contains(':') {
        return None;
    }
    let readme = readme_path.replace('\\', "/");
    let mut parts: Vec<&str> = if src.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = readme.split('/').collect();
        p.pop();
        p
    };
    for seg in src.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Renders a Markdown readme to sanitized HTML. `load` returns the bytes of
/// a package entry (already bounded by the caller) or `None`. See
/// [`render_readme_bounded`]; this form returns (html, remote images, missing images).
pub fn render_readme(
    readme_path: &str,
    markdown: &str,
    load: impl FnMut(&str) -> Option<Vec<u8>>,
) -> (String, Vec<String>, Vec<String>) {
    let r = render_readme_bounded(readme_path, markdown, load);
    (r.html, r.remote_images, r.missing_images)
}

/// Most elements the rendered part of a readme may make (two units an
/// element): a sixth of its bytes plus a fixed allowance. Each element costs the HTML sanitizer far
/// more than a byte of text, and Markdown can make several from two bytes
/// (`- - - -`), so without a budget the work is not proportional to the size.
fn element_budget(bytes: usize) -> usize {
    bytes / 6 + 4096
}

/// Renders a Markdown readme to sanitized HTML in time linear in its size: a
/// leading byte order mark is dropped (so the first heading stays a heading);
/// from the first line that nests deeper than [`MAX_README_NESTING`] or
/// [`MAX_README_HTML_DEPTH`], or where the elements made so far pass a budget
/// proportional to the size, the rest is shown as plain text.
pub fn render_readme_bounded(
    readme_path: &str,
    markdown: &str,
    mut load: impl FnMut(&str) -> Option<Vec<u8>>,
) -> RenderedReadme {
    use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};
    let markdown = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let mut cut = nesting_cut(markdown).map(|(at, _)| at);
    let source = markdown.get(..cut.unwrap_or(markdown.len())).unwrap_or("");
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM;
    let budget = element_budget(markdown.len());
    let mut used = 0usize;
    let mut events = Vec::new();
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        used += match &event {
            Event::Start(_) => 2,
            Event::Html(h) | Event::InlineHtml(h) => h.matches('<').count(),
            Event::Text(_) | Event::End(_) => 0,
            _ => 1,
        };
        if used > budget {
            cut = Some(range.start);
            break;
        }
        events.push(event);
    }
    // Image sources are collected from the images and raw HTML alone (a
    // second sanitizer pass over the whole readme would double its cost).
    let mut image_events = Vec::new();
    let mut in_image = 0usize;
    for event in &events {
        match event {
            Event::Start(Tag::Image { .. }) => {
                in_image += 1;
                image_events.push(event.clone());
            }
            Event::End(TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                image_events.push(event.clone());
            }
            Event::Html(_) | Event::InlineHtml(_) => image_events.push(event.clone()),
            _ if in_image > 0 => image_events.push(event.clone()),
            _ => {}
        }
    }
    let mut images_html = String::new();
    html::push_html(&mut images_html, image_events.into_iter());
    let mut raw_html = String::new();
    html::push_html(&mut raw_html, events.into_iter());

    // Pass 1: collect every image source the sanitizer would keep an <img> for.
    let sources: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let collector = Arc::clone(&sources);
    let _ = ammonia::Builder::default()
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" {
                if let Ok(mut list) = collector.lock() {
                    list.push(value.to_string());
                }
            }
            Some(value.into())
        })
        .clean(&images_html)
        .to_string();

    let mut remote = Vec::new();
    let mut missing = Vec::new();
    let mut inlined: HashMap<String, String> = HashMap::new();
    let mut total: u64 = 0;
    let collected: Vec<String> = sources.lock().map(|l| l.clone()).unwrap_or_default();
    for src in collected {
        if is_remote(&src) {
            if !remote.contains(&src) {
                remote.push(src);
            }
            continue;
        }
        if inlined.contains_key(&src) || src.trim().to_ascii_lowercase().starts_with("data:") {
            continue;
        }
        let data = resolve_relative(readme_path, &src).and_then(|p| load(&p));
        match data {
            Some(bytes)
                if (bytes.len() as u64) <= MAX_README_IMAGE_BYTES
                    && total + bytes.len() as u64 <= MAX_README_IMAGES_TOTAL =>
            {
                if let Some(format) = sniff_image(&bytes) {
                    use base64::Engine;
                    total += bytes.len() as u64;
                    let uri = format!(
                        "data:{};base64,{}",
                        mime(format),
                        base64::engine::general_purpose::STANDARD.encode(&bytes)
                    );
                    inlined.insert(src, uri);
                } else if !missing.contains(&src) {
                    missing.push(src);
                }
            }
            _ => {
                if !missing.contains(&src) {
                    missing.push(src);
                }
            }
        }
    }

    let inlined = Arc::new(inlined);
    // Pass 2: sanitize, with package images inlined and everything remote or unknown dropped.
    let mut clean = ammonia::Builder::default()
        .add_url_schemes(["data"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                ("img", "src") => inlined.get(value).map(|uri| uri.clone().into()),
                (_, "src") | (_, "srcset") => None,
                (_, "href") if value.trim().to_ascii_lowercase().starts_with("data:") => None,
                _ => Some(value.into()),
            },
        )
        .clean(&raw_html)
        .to_string();
    // The rest is escaped here, after sanitizing: text cannot carry markup.
    if let Some(at) = cut {
        clean.push_str("<pre class=\"nupub-plain-rest\">");
        clean.push_str(&escape_text(markdown.get(at..).unwrap_or("")));
        clean.push_str("</pre>");
    }
    RenderedReadme {
        html: clean,
        remote_images: remote,
        missing_images: missing,
        plain_text_from_line: cut.map(|at| {
            let line = markdown.get(..at).unwrap_or("").matches('\n').count() + 1;
            u32::try_from(line).unwrap_or(u32::MAX)
        }),
    }
}

/// One licence id in an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LicenseId {
    pub id: String,
    pub name: Option<String>,
    pub known: bool,
    pub osi_approved: bool,
    pub fsf_libre: bool,
    pub deprecated: bool,
    /// Written with `+` (this version or later).
    pub or_later: bool,
}

/// The licence as declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LicenseInfo {
    /// `expression`, `file` (from `<license type=…>`, as written), or `url` for a bare `<licenseUrl>`.
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub kind: String,
    /// The expression, file path or URL as written (trimmed).
    pub value: String,
    /// `<license version=…>`.
    pub version: Option<String>,
    /// Licence ids of an expression.
    pub ids: Vec<LicenseId>,
    /// `WITH` exceptions of an expression.
    pub exceptions: Vec<String>,
    /// Why the expression did not parse.
    pub expression_error: Option<String>,
    /// The licence file's text (at most 1 MiB, lossy UTF-8).
    pub file_text: Option<String>,
    /// The licence file is not in the package.
    pub file_missing: bool,
}

/// Parses a licence expression with the `spdx` crate (strict SPDX syntax, as nuget.org).
pub fn parse_expression(text: &str) -> (Vec<LicenseId>, Vec<String>, Option<String>) {
    match spdx::Expression::parse(text.trim()) {
        Ok(expr) => {
            let mut ids = Vec::new();
            let mut exceptions = Vec::new();
            for req in expr.requirements() {
                match &req.req.license {
                    spdx::LicenseItem::Spdx { id, or_later } => {
                        if !ids.iter().any(|i: &LicenseId| i.id == id.name) {
                            ids.push(LicenseId {
                                id: id.name.to_string(),
                                name: Some(id.full_name.to_string()),
                                known: true,
                                osi_approved: id.is_osi_approved(),
                                fsf_libre: id.is_fsf_free_libre(),
                                deprecated: id.is_deprecated(),
                                or_later: *or_later,
                            });
                        }
                    }
                    other => ids.push(LicenseId {
                        id: other.to_string(),
                        name: None,
                        known: false,
                        osi_approved: false,
                        fsf_libre: false,
                        deprecated: false,
                        or_later: false,
                    }),
                }
                if let Some(addition) = &req.req.addition {
                    let name = addition.to_string();
                    if !exceptions.contains(&name) {
                        exceptions.push(name);
                    }
                }
            }
            (ids, exceptions, None)
        }
        Err(e) => (Vec::new(), Vec::new(), Some(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            resolve_relative("README.md", "img/a.png").as_deref(),
            Some("img/a.png")
        );
        assert_eq!(
            resolve_relative("docs\\README.md", "./a.png").as_deref(),
            Some("docs/a.png")
        );
        assert_eq!(
            resolve_relative("docs/README.md", "../a.png").as_deref(),
            Some("a.png")
        );
        assert_eq!(resolve_relative("README.md", "../../a.png"), None);
        assert_eq!(
            resolve_relative("README.md", "data:image/png;base64,AA"),
            None
        );
    }

    #[test]
    fn readme_is_sanitized_and_images_handled() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
        let md = "# Hi\n\n<script>alert(1)</script>\n\n![local](img/logo.png) ![remote](https://example.com/x.png) ![gone](nope.png)\n\n<img src=\"img/logo.png\" onerror=\"alert(1)\">\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[js](javascript:alert(1)) ~~old~~ <iframe src=\"https://evil\"></iframe>\n";
        let (html, remote, missing) = render_readme("README.md", md, |p| {
            (p == "img/logo.png").then(|| png.clone())
        });
        assert!(html.contains("<h1>Hi</h1>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("iframe"), "{html}");
        assert!(
            !html.contains("https://example.com/x.png"),
            "remote image must not load: {html}"
        );
        assert_eq!(html.matches("data:image/png;base64,").count(), 2, "{html}");
        assert_eq!(remote, vec!["https://example.com/x.png".to_string()]);
        assert_eq!(missing, vec!["nope.png".to_string()]);
    }

    #[test]
    fn a_byte_order_mark_keeps_the_first_heading() {
        let (html, _, _) = render_readme("README.md", "\u{feff}# Title\n\ntext\n", |_| None);
        assert!(html.starts_with("<h1>Title</h1>"), "{html}");
    }

    #[test]
    fn nesting_past_the_limit_is_shown_as_text_from_that_line() {
        let deep = format!(
            "# Top\n\nfine\n\n{} too deep <b>x</b>\nafter\n",
            ">".repeat(MAX_README_NESTING + 1)
        );
        let r = render_readme_bounded("README.md", &deep, |_| None);
        assert_eq!(r.plain_text_from_line, Some(5));
        assert!(r.html.contains("<h1>Top</h1>"), "{}", r.html);
        assert!(
            r.html.contains("too deep &lt;b&gt;x&lt;/b&gt;\nafter"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<blockquote>"), "{}", r.html);
        let ok = format!("{} just deep enough\n", ">".repeat(MAX_README_NESTING));
        assert_eq!(
            render_readme_bounded("README.md", &ok, |_| None).plain_text_from_line,
            None
        );
        let html = format!("intro\n\n{}\n", "<div>".repeat(MAX_README_HTML_DEPTH + 1));
        assert_eq!(
            render_readme_bounded("README.md", &html, |_| None).plain_text_from_line,
            Some(3)
        );
        // Paragraphs and list items close themselves: many are not deep.
        let flat = "<p>a\n".repeat(500) + &"<li>b\n".repeat(500);
        assert_eq!(
            render_readme_bounded("README.md", &flat, |_| None).plain_text_from_line,
            None
        );
        let lists = format!("{}- deep list\n", "- ".repeat(MAX_README_NESTING + 1));
        assert_eq!(
            render_readme_bounded("README.md", &lists, |_| None).plain_text_from_line,
            Some(1)
        );
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpeg"));
        assert_eq!(sniff_image(b"GIF89a.."), Some("gif"));
        assert_eq!(
            sniff_image("\u{feff}<svg xmlns='x'/>".as_bytes()),
            Some("svg")
        );
        assert_eq!(sniff_image(b"<svg xmlns='x'/>"), Some("svg"));
        assert_eq!(sniff_image(b"hello"), None);
        assert_eq!(sniff_image(b""), None);
    }

    #[test]
    fn expressions() {
        let (ids, exc, err) = parse_expression("MIT OR Apache-2.0 WITH LLVM-exception");
        assert!(err.is_none());
        assert_eq!(
            ids.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["MIT", "Apache-2.0"]
        );
        assert!(ids.iter().all(|i| i.osi_approved && i.known));
        assert_eq!(exc, ["LLVM-exception"]);
        let (_, _, err) = parse_expression("MIT OR");
        assert!(err.is_some());
        let (ids, _, err) = parse_expression("Apache-2.0+");
        assert!(err.is_none() && ids[0].or_later, "{ids:?}");
        let (_, _, err) = parse_expression("NotALicense");
        assert!(err.is_some());
    }
}
