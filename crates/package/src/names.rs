//! Names that cannot deceive: the one place that decides how a package's
//! entry names, id, title and authors are shown. Characters that are
//! invisible or change the direction of text (a right-to-left override turns
//! `\u202Egnp.exe` into what looks like `exe.png`), odd spaces and controls
//! are always shown escaped (`\u202E`); so is every non-ASCII character of a
//! part that mixes scripts (`pаckage` with a Cyrillic `а`) or that, written
//! wholly in another script, looks like ASCII (Unicode's confusable skeleton,
//! from the `unicode-security` crate). The CLI and the window show these
//! display forms and never the raw text.

use unicode_security::{skeleton, MixedScript};

/// Why a character is shown escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deception {
    /// Changes the direction of the text around it.
    Bidi,
    /// Invisible: zero-width, format or filler characters, variation selectors, tags.
    Invisible,
    /// A control character or a space other than the ASCII one.
    ControlOrSpace,
    /// Looks like another (ASCII) letter: mixed scripts or a confusable word.
    Confusable,
}

fn always_escaped(c: char) -> Option<Deception> {
    let u = c as u32;
    if matches!(u, 0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069) {
        return Some(Deception::Bidi);
    }
    if matches!(
        u,
        0x00AD
            | 0x034F
            | 0x115F
            | 0x1160
            | 0x17B4
            | 0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200D
            | 0x2060..=0x2065
            | 0x206A..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    ) {
        return Some(Deception::Invisible);
    }
    if c.is_control()
        || matches!(
            u,
            0x00A0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
        )
    {
        return Some(Deception::ControlOrSpace);
    }
    None
}

/// Marks, for every character of `text`, whether and why it is shown escaped.
fn classify(text: &str) -> Vec<(char, Option<Deception>)> {
    let mut out: Vec<(char, Option<Deception>)> =
        text.chars().map(|c| (c, always_escaped(c))).collect();
    // Parts between separators are judged as a whole.
    let separator = |c: char| matches!(c, '/' | '\\' | '.' | '-' | '_' | ' ' | ',' | '+');
    let mut start = 0;
    while start < out.len() {
        let end = out
            .iter()
            .skip(start)
            .position(|(c, _)| separator(*c))
            .map_or(out.len(), |p| start + p);
        let part: String = out
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .filter(|(_, d)| d.is_none())
            .map(|(c, _)| *c)
            .collect();
        let non_ascii = !part.is_ascii();
        let confusable = non_ascii
            && (!part.is_single_script()
                || (!part.chars().any(|c| c.is_ascii_alphanumeric())
                    && skeleton(&part).all(|c| c.is_ascii_alphanumeric())));
        if confusable {
            for slot in out.get_mut(start..end).unwrap_or(&mut []) {
                if slot.1.is_none() && !slot.0.is_ascii() {
                    slot.1 = Some(Deception::Confusable);
                }
            }
        }
        start = end + 1;
    }
    out
}

/// How a name is shown: as written, except that deceptive characters are
/// escaped as `\u202E` (four or more hex digits).
pub fn display_form(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for (c, d) in classify(text) {
        if d.is_some() {
            s.push_str(&format!("\\u{:04X}", c as u32));
        } else {
            s.push(c);
        }
    }
    s
}

/// The deceptive characters of a name, each once, in order of appearance.
pub fn deceptive_chars(text: &str) -> Vec<(char, Deception)> {
    let mut out: Vec<(char, Deception)> = Vec::new();
    for (c, d) in classify(text) {
        if let Some(d) = d {
            if !out.iter().any(|(o, _)| *o == c) {
                out.push((c, d));
            }
        }
    }
    out
}

/// `U+202E (right-to-left override)`: how a finding names a character.
pub fn describe_char(c: char, why: Deception) -> String {
    let name = match c as u32 {
        0x061C => "Arabic letter mark",
        0x200B => "zero width space",
        0x200C => "zero width non-joiner",
        0x200D => "zero width joiner",
        0x200E => "left-to-right mark",
        0x200F => "right-to-left mark",
        0x202A => "left-to-right embedding",
        0x202B => "right-to-left embedding",
        0x202C => "pop directional formatting",
        0x202D => "left-to-right override",
        0x202E => "right-to-left override",
        0x2066 => "left-to-right isolate",
        0x2067 => "right-to-left isolate",
        0x2068 => "first strong isolate",
        0x2069 => "pop directional isolate",
        0x2060 => "word joiner",
        0xFEFF => "zero width no-break space",
        0x00AD => "soft hyphen",
        0x00A0 => "no-break space",
        _ => match why {
            Deception::Bidi => "direction control",
            Deception::Invisible => "invisible character",
            Deception::ControlOrSpace if c.is_control() => "control character",
            Deception::ControlOrSpace => "unusual space",
            Deception::Confusable => "look-alike letter",
        },
    };
    format!("U+{:04X} ({name})", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_and_invisible_characters_are_escaped() {
        assert_eq!(
            display_form("content/\u{202E}gnp.exe"),
            "content/\\u202Egnp.exe"
        );
        assert_eq!(display_form("lib/a\u{200D}b.dll"), "lib/a\\u200Db.dll");
        assert_eq!(display_form("a\u{2066}b\u{E0041}"), "a\\u2066b\\uE0041");
        assert_eq!(display_form("tab\there"), "tab\\u0009here");
        let found = deceptive_chars("x\u{202E}y\u{202E}z\u{200B}");
        assert_eq!(
            found,
            [
                ('\u{202E}', Deception::Bidi),
                ('\u{200B}', Deception::Invisible)
            ]
        );
        assert_eq!(
            describe_char('\u{202E}', Deception::Bidi),
            "U+202E (right-to-left override)"
        );
    }

    #[test]
    fn look_alike_letters_are_escaped_and_honest_names_are_not() {
        // A Cyrillic а inside a Latin word.
        assert_eq!(
            display_form("lib/p\u{0430}ckage.dll"),
            "lib/p\\u0430ckage.dll"
        );
        // A whole word in Cyrillic that reads as ASCII ("сору").
        assert_eq!(
            display_form("tools/\u{0441}\u{043E}\u{0440}\u{0443}.exe"),
            "tools/\\u0441\\u043E\\u0440\\u0443.exe"
        );
        for honest in [
            "lib/net8.0/My.Lib.dll",
            "content/日本語.txt",
            "docs/Ünïcödé-notes.md",
            "Newtonsoft.Json",
            "James Newton-King",
        ] {
            assert_eq!(display_form(honest), honest);
            assert!(deceptive_chars(honest).is_empty(), "{honest}");
        }
    }
}
