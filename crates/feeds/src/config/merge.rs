//! Merging the files into sources as NuGet does: closest value wins, `<clear/>`, `%VAR%`,
//! relative folders.

use super::*;
use crate::error::FeedError;
use crate::source::{Protocol, Source};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub(super) struct AddItem {
    pub(super) key: String,
    pub(super) value: String,
    pub(super) attrs: HashMap<String, String>,
}

#[derive(Debug, Default)]
pub(super) struct Section {
    pub(super) items: Vec<AddItem>,
    pub(super) cleared: bool,
}

impl Section {
    pub(super) fn add(&mut self, item: AddItem) {
        self.items.push(item);
    }
    pub(super) fn clear(&mut self) {
        self.items.clear();
        self.cleared = true;
    }
}

#[derive(Debug, Default)]
pub(super) struct ParsedFile {
    pub(super) path: PathBuf,
    pub(super) exists: bool,
    pub(super) sources: Section,
    pub(super) disabled: Section,
    pub(super) config: Section,
    /// Decoded source name → items of its credentials element.
    pub(super) credentials: Vec<(String, Vec<AddItem>)>,
}

impl ParsedFile {
    pub(super) fn nuget_default(path: PathBuf) -> ParsedFile {
        let mut file = ParsedFile {
            path,
            exists: false,
            ..ParsedFile::default()
        };
        file.sources.add(AddItem {
            key: "nuget.org".into(),
            value: crate::source::NUGET_ORG_INDEX.into(),
            attrs: HashMap::from([("protocolVersion".to_string(), "3".to_string())]),
        });
        file
    }
}

/// `.NET Environment.ExpandEnvironmentVariables`: `%NAME%` replaced when NAME is set.
pub fn expand_percent_vars(value: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find('%') {
        let (before, after_start) = rest.split_at(start);
        out.push_str(before);
        let after = after_start.get(1..).unwrap_or_default();
        match after.find('%') {
            Some(end) => {
                let name = after.get(..end).unwrap_or_default();
                match (!name.is_empty()).then(|| env(name)).flatten() {
                    Some(v) => {
                        out.push_str(&v);
                        rest = after.get(end + 1..).unwrap_or_default();
                    }
                    None => {
                        // Unknown: keep the first '%' and continue from the second.
                        out.push('%');
                        rest = after;
                    }
                }
            }
            None => {
                out.push_str(after_start);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

pub(super) fn add_item(
    element: &ConfigElement,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<AddItem> {
    let mut attrs: HashMap<String, String> = element
        .attributes
        .iter()
        .map(|(key, value)| (key.clone(), expand_percent_vars(value, env)))
        .collect();
    let key = attrs.remove("key");
    let value = attrs.remove("value");
    match (key, value) {
        (Some(key), Some(value)) => Some(AddItem { key, value, attrs }),
        // NuGet requires both attributes; an item without them is skipped.
        _ => None,
    }
}

pub(super) fn parse_file(
    path: &Path,
    bytes: &[u8],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ParsedFile, String> {
    let document = parse_config(bytes)?;
    match document.root.as_deref() {
        Some("configuration") => {}
        Some(other) => {
            return Err(format!(
                "its root element is <{other}>, not <configuration>"
            ))
        }
        None => return Err("it has no <configuration> element".into()),
    }
    let mut file = ParsedFile {
        path: path.to_path_buf(),
        exists: true,
        ..ParsedFile::default()
    };
    for element in &document.elements {
        let name = element.name.as_str();
        let section = element
            .parents
            .get(1)
            .map(String::as_str)
            .unwrap_or_default();
        match element.parents.len() {
            2 => match (section, name) {
                ("packageSources", "add") => {
                    if let Some(item) = add_item(element, env) {
                        file.sources.add(item);
                    }
                }
                ("packageSources", "clear") => file.sources.clear(),
                ("disabledPackageSources", "add") => {
                    if let Some(item) = add_item(element, env) {
                        file.disabled.add(item);
                    }
                }
                ("disabledPackageSources", "clear") => file.disabled.clear(),
                ("config", "add") => {
                    if let Some(item) = add_item(element, env) {
                        file.config.add(item);
                    }
                }
                ("config", "clear") => file.config.clear(),
                ("packageSourceCredentials", source) => {
                    file.credentials.push((decode_xml_name(source), Vec::new()));
                }
                _ => {}
            },
            3 if section == "packageSourceCredentials" && name == "add" => {
                if let (Some(item), Some(last)) =
                    (add_item(element, env), file.credentials.last_mut())
                {
                    last.1.push(item);
                }
            }
            _ => {}
        }
    }
    Ok(file)
}

pub(super) fn merge(
    files: Vec<ParsedFile>,
    mut warnings: Vec<String>,
    env: &dyn Fn(&str) -> Option<String>,
) -> NuGetConfig {
    // Sources: closest file first, first definition wins, a <clear/> stops the walk.
    let mut sources: Vec<(AddItem, &ParsedFile)> = Vec::new();
    for file in &files {
        for item in &file.sources.items {
            if let Some(existing) = sources
                .iter_mut()
                .find(|(s, _)| s.key.eq_ignore_ascii_case(&item.key))
            {
                if std::ptr::eq(existing.1, file) {
                    // The same key twice in one file: the later value wins.
                    existing.0 = item.clone();
                }
                continue;
            }
            sources.push((item.clone(), file));
        }
        if file.sources.cleared {
            break;
        }
    }
    let disabled = closest_values(&files, |f| &f.disabled);
    let config = closest_values(&files, |f| &f.config);

    let mut result = NuGetConfig {
        files: files
            .iter()
            .filter(|f| f.exists)
            .map(|f| f.path.clone())
            .collect(),
        ..NuGetConfig::default()
    };
    for (item, file) in sources {
        let base = file.path.parent().unwrap_or(Path::new("/"));
        let source = match source_from_item(&item, base) {
            Ok(source) => source,
            Err(e) => {
                warnings.push(format!(
                    "the source '{}' in {} is skipped: {e}",
                    item.key,
                    file.path.display()
                ));
                continue;
            }
        };
        let enabled = !disabled
            .get(&item.key.to_lowercase())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let mut source = source;
        // packageSourceCredentials (or the environment) win over a user name
        // and password written into the URL itself.
        if let Some(credentials) = credentials_for(&item.key, &files, env, &mut warnings) {
            source.credentials = Some(credentials);
        }
        result.sources.push(ConfiguredSource {
            source,
            enabled,
            origin: file.exists.then(|| file.path.clone()),
        });
    }
    result.default_push_source = config.get("defaultpushsource").map(|value| {
        let origin = files
            .iter()
            .find(|f| {
                f.config
                    .items
                    .iter()
                    .any(|i| i.key.eq_ignore_ascii_case("defaultPushSource"))
            })
            .and_then(|f| f.path.parent().map(Path::to_path_buf));
        absolutize(value, origin.as_deref())
    });
    result.warnings = warnings;
    result
}

/// Single-value keys: the closest file wins; a `<clear/>` hides farther files.
pub(super) fn closest_values(
    files: &[ParsedFile],
    section: impl Fn(&ParsedFile) -> &Section,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for file in files {
        let section = section(file);
        for item in section.items.iter().rev() {
            out.entry(item.key.to_lowercase())
                .or_insert_with(|| item.value.clone());
        }
        if section.cleared {
            break;
        }
    }
    out
}

pub(super) fn absolutize(value: &str, base: Option<&Path>) -> String {
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("file:") {
        return value.to_string();
    }
    let path = Path::new(value);
    if path.is_absolute() || (!value.contains(['/', '\\']) && !value.starts_with('.')) {
        // Absolute, or a bare word that may be a source name.
        return value.to_string();
    }
    match base {
        Some(base) => normalize(&base.join(path)).display().to_string(),
        None => value.to_string(),
    }
}

/// Removes `.` and `..` components without touching the file system.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

pub(super) fn source_from_item(item: &AddItem, base: &Path) -> Result<Source, FeedError> {
    let value = item.value.trim();
    let lower = value.to_ascii_lowercase();
    let mut source = if lower.starts_with("http://") || lower.starts_with("https://") {
        let mut source = Source::from_url(&item.key, value)?;
        if item
            .attrs
            .get("protocolVersion")
            .is_some_and(|v| v.trim() == "3")
        {
            source.protocol = Protocol::V3;
        }
        source
    } else if lower.starts_with("file:") {
        Source::parse(value, base).map(|mut s| {
            s.name = item.key.clone();
            s
        })?
    } else {
        Source::folder(&item.key, &normalize(&base.join(value)))
    };
    source.allow_insecure = item
        .attrs
        .get("allowInsecureConnections")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    Ok(source)
}
