//! Reading one nuget.config file: bounded in size and depth, elements with their line numbers.

use quick_xml::events::Event;
use quick_xml::Reader;
use std::path::Path;

/// Files larger than this are not nuget.config files.
pub const MAX_CONFIG_SIZE: u64 = 4 * 1024 * 1024;
/// Deeper nesting than this is not a nuget.config file either.
pub(super) const MAX_DEPTH: usize = 64;

/// Reads one config file, refusing more than [`MAX_CONFIG_SIZE`]. `Err` is a
/// plain reason ("it could not be opened (…)").
pub fn read_config_file(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("it could not be opened ({e})"))?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("it could not be read ({e})"))?;
    if bytes.len() as u64 > MAX_CONFIG_SIZE {
        return Err(format!(
            "it is larger than {} MB",
            MAX_CONFIG_SIZE / 1024 / 1024
        ));
    }
    Ok(bytes)
}

/// One element of a nuget.config file as written: no `%VAR%` expansion, no
/// merging. Its `Debug` form leaves attribute values out (they may be passwords).
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigElement {
    /// The local names of the enclosing elements, outermost first, e.g.
    /// `["configuration", "packageSourceCredentials", "Contoso_x0020_Feed"]`.
    pub parents: Vec<String>,
    /// Its local name (`add`, `clear`, a credentials element's encoded source name…).
    pub name: String,
    /// Attributes in document order, entity references resolved.
    pub attributes: Vec<(String, String)>,
    /// 1-based line where the element starts.
    pub line: u32,
}

impl ConfigElement {
    /// The value of an attribute (exact name, as NuGet matches it).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl std::fmt::Debug for ConfigElement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&str> = self.attributes.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ConfigElement")
            .field("parents", &self.parents)
            .field("name", &self.name)
            .field("attribute_names", &keys)
            .field("line", &self.line)
            .finish()
    }
}

/// A nuget.config file's elements, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigDocument {
    /// The root element's local name; `None` for a file with no element.
    pub root: Option<String>,
    /// Every element below and including the root, in document order.
    pub elements: Vec<ConfigElement>,
}

/// Parses one nuget.config file's bytes (a UTF-8 byte-order mark is allowed)
/// into its elements with line numbers. This is the one XML reader behind
/// [`NuGetConfig::load`] and the clear-text secret scan. Anything that is not
/// well-formed (unclosed or mismatched elements, bad attributes or entities,
/// nesting deeper than 64, text that is not UTF-8) is `Err` with a plain reason
/// that never repeats an attribute value.
pub fn parse_config(bytes: &[u8]) -> Result<ConfigDocument, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "it is not UTF-8 text".to_string())?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    reader.config_mut().check_end_names = true;
    let mut document = ConfigDocument::default();
    let mut stack: Vec<String> = Vec::new();
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("it is not valid XML ({e})"))?;
        let (element, is_empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(format!("it is not valid XML (<{open}> is never closed)"));
                }
                break;
            }
            _ => continue,
        };
        let name = element.local_name().as_ref().to_string();
        if stack.len() >= MAX_DEPTH {
            return Err(format!(
                "its elements are nested more than {MAX_DEPTH} deep"
            ));
        }
        if stack.is_empty() {
            if document.root.is_some() {
                return Err("it is not valid XML (it has more than one root element)".into());
            }
            document.root = Some(name.clone());
        }
        let mut attributes = Vec::new();
        for attr in element.attributes() {
            let attr = attr.map_err(|e| format!("an attribute of <{name}> is malformed ({e})"))?;
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("an attribute value of <{name}> is malformed ({e})"))?;
            attributes.push((attr.key.as_ref().to_string(), value.into_owned()));
        }
        document.elements.push(ConfigElement {
            parents: stack.clone(),
            name: name.clone(),
            attributes,
            line: lines.line_at(position),
        });
        if !is_empty {
            stack.push(name);
        }
    }
    Ok(document)
}

/// Line numbers for reader positions that only move forward: counts each byte once.
pub(super) struct LineCounter<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) counted_to: usize,
    pub(super) line: usize,
}

impl<'a> LineCounter<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line of the event read from `position` on: the reader skips
    /// whitespace before it, so newlines there count too.
    pub(super) fn line_at(&mut self, position: u64) -> u32 {
        let end = usize::try_from(position)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len())
            .max(self.counted_to);
        let newlines = |slice: &[u8]| slice.iter().filter(|b| **b == b'\n').count();
        self.line += newlines(self.bytes.get(self.counted_to..end).unwrap_or_default());
        self.counted_to = end;
        let skipped = self
            .bytes
            .get(end..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .filter(|b| **b == b'\n')
            .count();
        u32::try_from(self.line + skipped).unwrap_or(u32::MAX)
    }
}

/// `XmlConvert.DecodeName`: `_xHHHH_` → the character (element names of credentials).
pub fn decode_xml_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(pos) = rest.find("_x") {
        let (before, tail) = rest.split_at(pos);
        out.push_str(before);
        let decoded = tail
            .get(2..6)
            .filter(|hex| hex.len() == 4 && tail.get(6..7) == Some("_"))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = tail.get(7..).unwrap_or_default();
            }
            None => {
                out.push_str("_x");
                rest = tail.get(2..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}
