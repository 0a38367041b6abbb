//! Rendering a readme takes time linear in its size: each adversarial shape
//! (deep block quotes, nested lists, emphasis runs, unclosed link brackets,
//! long tables, HTML nesting) at 100 KB and 1 MB is measured against a plain
//! readme of the same size in the same run, and may take at most 10× as long.
#![allow(clippy::unwrap_used)]

use nupub_package::media::render_readme;
use std::time::{Duration, Instant};

/// Repeats `unit` (and `sep` between units) until the text reaches `size` bytes.
fn fill(size: usize, unit: &dyn Fn(usize) -> String) -> String {
    let mut s = String::with_capacity(size + 256);
    let mut i = 0;
    while s.len() < size {
        s.push_str(&unit(i));
        i += 1;
    }
    s.truncate(size);
    while !s.is_char_boundary(s.len()) {
        s.pop();
    }
    s
}

fn shapes(size: usize) -> Vec<(&'static str, String)> {
    vec![
        ("one deep block quote", ">".repeat(size)),
        (
            "block quotes ever deeper",
            fill(size, &|i| format!("{} quote {i}\n", ">".repeat(i % 4000))),
        ),
        (
            "nested list items",
            fill(size, &|i| format!("{}- item {i}\n", "  ".repeat(i % 3000))),
        ),
        (
            "list markers on one line",
            fill(size, &|_| "- ".to_string()),
        ),
        ("quotes and lists", fill(size, &|_| "> - ".to_string())),
        (
            "emphasis runs",
            fill(size, &|i| {
                if i % 2 == 0 {
                    "*a **b ".into()
                } else {
                    "_c __d ".into()
                }
            }),
        ),
        ("unclosed link brackets", "[".repeat(size)),
        ("link openers", fill(size, &|_| "[a](".to_string())),
        ("image link brackets", fill(size, &|_| "![[a]".to_string())),
        ("nested links", fill(size, &|_| "[[x](".to_string())),
        ("long table", {
            let mut t = String::from("| a | b | c |\n|---|---|---|\n");
            t.push_str(&fill(size.saturating_sub(t.len()), &|i| {
                format!("| {i} | *x* | [y](z) |\n")
            }));
            t
        }),
        (
            "wide table",
            format!("{}\n{}\n", "|a".repeat(size / 5), "|-".repeat(size / 5)),
        ),
        ("HTML nesting", "<div>".repeat(size / 5)),
        ("misnested HTML", fill(size, &|_| "<b><i><p>".to_string())),
        (
            "HTML table nesting",
            fill(size, &|_| "<table><tr><td>".to_string()),
        ),
        (
            "deep quote, lazy lines",
            format!(
                "{} a\n{}",
                ">".repeat(nupub_package::media::MAX_README_NESTING),
                fill(size, &|_| "b\n".to_string())
            ),
        ),
        (
            "deep lists, short lines",
            fill(size, &|i| {
                if i % 2 == 0 {
                    format!(
                        "{}x\n",
                        "- ".repeat(nupub_package::media::MAX_README_NESTING)
                    )
                } else {
                    "y\n".to_string()
                }
            }),
        ),
        (
            "deep HTML, many tags",
            format!(
                "{}{}",
                "<div>".repeat(nupub_package::media::MAX_README_HTML_DEPTH),
                fill(size, &|_| "<b>x</b>".to_string())
            ),
        ),
        (
            "backtick runs",
            fill(size, &|i| format!("{} ", "`".repeat(i % 50 + 1))),
        ),
    ]
}

fn plain(size: usize) -> String {
    fill(size, &|i| {
        if i % 12 == 11 {
            "\n\n## A heading\n\n".to_string()
        } else {
            format!("Plain words of a readme, sentence {i}, with *some* emphasis and a [link](https://example.com). ")
        }
    })
}

fn time(text: &str) -> Duration {
    let start = Instant::now();
    let (html, _, _) = render_readme("README.md", text, |_| None);
    let took = start.elapsed();
    assert!(!html.is_empty() || text.trim().is_empty());
    took
}

fn check_size(size: usize) {
    // The reference: a plain readme of the same size, the best of three runs.
    let reference = plain(size);
    let base = (0..3).map(|_| time(&reference)).min().unwrap();
    let mut slow = Vec::new();
    for (name, text) in shapes(size) {
        let took = time(&text);
        let ratio = took.as_secs_f64() / base.as_secs_f64();
        println!("{size:>8} bytes  {name:<26} {took:>10.2?}  {ratio:>6.2}x plain ({base:.2?})");
        if ratio > 10.0 {
            slow.push(format!("{name}: {ratio:.1}x"));
        }
    }
    assert!(
        slow.is_empty(),
        "slower than 10x a plain {size}-byte readme: {slow:?}"
    );
}

/// One test, so the sizes are not measured while the other runs.
#[test]
fn adversarial_readmes_render_in_time_linear_in_their_size() {
    check_size(100 * 1024);
    check_size(1024 * 1024);
}
