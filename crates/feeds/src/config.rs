//! Reads the user's nuget.config hierarchy the way the official client does,
//! without ever writing to it.
//!
//! Facts (protocol reference §12, checked against NuGet.exe 5.8 `sources list`):
//! - Files, closest first: one config file per folder from the current folder
//!   up to the root (the first of `nuget.config`, `NuGet.config`,
//!   `NuGet.Config` found), then the user file (`NuGet.Config` in the user
//!   folder, then its `config/*.config`), then the computer-wide `*.config`.
//!   A missing user file counts as NuGet's default (nuget.org), which NuGet
//!   would create; Nupub does not create it.
//! - Sources are listed closest file first; a name defined again farther away
//!   is ignored (the closest value and position win); `<clear/>` drops
//!   everything from farther files and earlier in the same file.
//! - `%VAR%` is expanded in values (.NET `Environment.ExpandEnvironmentVariables`
//!   on every OS, unknown names left as they are). `$VAR` is **not** expanded:
//!   NuGet.Client does not do it and NuGet.exe 5.8 on Linux keeps `$VAR` literally.
//! - A value that is not a URL is a folder, relative to the file that names it.
//! - A file that is not well-formed XML is an error naming the file (NuGet.exe
//!   5.8 stops with `NuGet.Config is not valid XML. Path: '…'`; the protocol
//!   reference's "silently ignored" does not match what the client does).
//! - Credentials: `packageSourceCredentials/<encoded source name>` with
//!   `Username` and `ClearTextPassword` (`Password` is DPAPI-encrypted and
//!   only readable on Windows, so it is reported and skipped); the
//!   `NuGetPackageSourceCredentials_{name}` environment variable
//!   (`Username=…;Password=…`) beats the file.

use crate::error::FeedError;
use crate::secret::Credentials;
use crate::source::{Protocol, Source, SourceInfo};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const DIR_FILE_NAMES: [&str; 3] = ["nuget.config", "NuGet.config", "NuGet.Config"];

/// Where the configuration files are looked for.
#[derive(Debug, Clone)]
pub struct ConfigLocations {
    /// The folder the directory walk starts from (usually the current folder).
    pub start_dir: PathBuf,
    /// The user folder holding `NuGet.Config` and `config/*.config`.
    pub user_dir: Option<PathBuf>,
    /// The computer-wide folder holding `*.config`.
    pub machine_dir: Option<PathBuf>,
    /// `--configfile`: when set, only this file is read.
    pub only_file: Option<PathBuf>,
}

impl ConfigLocations {
    /// The locations NuGet uses on this operating system.
    ///
    /// User folder on Linux/macOS: `~/.nuget/NuGet` (the dotnet CLI) when it
    /// holds a `NuGet.Config`, otherwise `$XDG_CONFIG_HOME/NuGet` or
    /// `~/.config/NuGet` (NuGet.exe under Mono). On Windows `%APPDATA%\NuGet`.
    pub fn system(start_dir: &Path) -> ConfigLocations {
        ConfigLocations {
            start_dir: start_dir.to_path_buf(),
            user_dir: user_dir(),
            machine_dir: machine_dir(),
            only_file: None,
        }
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn user_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        return env_path("APPDATA").map(|d| d.join("NuGet"));
    }
    let home = env_path("DOTNET_CLI_HOME").or_else(|| env_path("HOME"));
    let dotnet = home.as_ref().map(|h| h.join(".nuget").join("NuGet"));
    if let Some(dir) = &dotnet {
        if dir.join("NuGet.Config").is_file() {
            return dotnet;
        }
    }
    let xdg = env_path("XDG_CONFIG_HOME")
        .or_else(|| env_path("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("NuGet"));
    match &xdg {
        Some(dir) if dir.join("NuGet.Config").is_file() => xdg,
        _ => dotnet.or(xdg),
    }
}

fn machine_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        env_path("ProgramFiles(x86)")
            .or_else(|| env_path("ProgramFiles"))
            .map(|d| d.join("NuGet").join("Config"))
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from("/Library/Application Support/NuGet/Config"))
    } else {
        Some(
            env_path("NUGET_COMMON_APPLICATION_DATA")
                .map(|d| d.join("NuGet").join("Config"))
                .unwrap_or_else(|| PathBuf::from("/etc/opt/NuGet/Config")),
        )
    }
}

/// One source as configured.
#[derive(Debug, Clone)]
pub struct ConfiguredSource {
    pub source: Source,
    pub enabled: bool,
    /// The file that declared it; `None` for NuGet's default user file that does not exist yet.
    pub origin: Option<PathBuf>,
}

impl ConfiguredSource {
    pub fn info(&self) -> SourceInfo {
        self.source.info(
            self.enabled,
            self.origin.as_ref().map(|p| p.display().to_string()),
        )
    }
}

/// The merged configuration.
#[derive(Debug, Clone, Default)]
pub struct NuGetConfig {
    /// The files read, closest first.
    pub files: Vec<PathBuf>,
    pub sources: Vec<ConfiguredSource>,
    /// `defaultPushSource`, made absolute when it is a relative folder.
    pub default_push_source: Option<String>,
    /// Files or entries NuGet would ignore, in plain words.
    pub warnings: Vec<String>,
}

impl NuGetConfig {
    /// Reads the hierarchy. A file that cannot be read or parsed is an error
    /// naming it, as NuGet.exe reports it.
    pub fn load(locations: &ConfigLocations) -> Result<NuGetConfig, FeedError> {
        Self::load_with_env(locations, &|name| std::env::var(name).ok())
    }

    /// [`NuGetConfig::load`] with a given environment (for tests).
    pub fn load_with_env(
        locations: &ConfigLocations,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<NuGetConfig, FeedError> {
        let warnings = Vec::new();
        let mut parsed: Vec<ParsedFile> = Vec::new();
        if let Some(only) = &locations.only_file {
            let text = std::fs::read(only).map_err(|e| FeedError::ConfigUnreadable {
                path: only.display().to_string(),
                detail: e.to_string(),
            })?;
            let file =
                parse_file(only, &text, env).map_err(|detail| FeedError::ConfigUnreadable {
                    path: only.display().to_string(),
                    detail,
                })?;
            parsed.push(file);
        } else {
            for path in candidate_files(locations) {
                match path {
                    Candidate::File(path) => {
                        let unreadable = |detail: String| FeedError::ConfigUnreadable {
                            path: path.display().to_string(),
                            detail,
                        };
                        let text = std::fs::read(&path).map_err(|e| unreadable(e.to_string()))?;
                        parsed.push(parse_file(&path, &text, env).map_err(unreadable)?);
                    }
                    Candidate::DefaultUserFile(path) => {
                        parsed.push(ParsedFile::nuget_default(path));
                    }
                }
            }
        }
        Ok(merge(parsed, warnings, env))
    }

    /// Finds a source by name or URL, case-insensitively, as the official client does.
    pub fn find(&self, given: &str) -> Option<&ConfiguredSource> {
        let given = given.trim();
        self.sources
            .iter()
            .find(|s| s.source.name.eq_ignore_ascii_case(given))
            .or_else(|| {
                let trimmed = given.trim_end_matches('/');
                self.sources.iter().find(|s| {
                    s.source
                        .location
                        .display()
                        .trim_end_matches('/')
                        .eq_ignore_ascii_case(trimmed)
                })
            })
    }

    /// Resolves `--source` (or `defaultPushSource` when `given` is `None`):
    /// a configured name or URL first (with its credentials), otherwise
    /// [`Source::parse`].
    pub fn resolve(&self, given: Option<&str>, cwd: &Path) -> Result<Source, FeedError> {
        let given = match given {
            Some(given) => given.to_string(),
            None => self
                .default_push_source
                .clone()
                .ok_or_else(|| FeedError::UnknownSource {
                    given: "(none given, and nuget.config sets no defaultPushSource)".into(),
                })?,
        };
        if let Some(found) = self.find(&given) {
            if !found.enabled {
                return Err(FeedError::SourceDisabled {
                    name: found.source.name.clone(),
                    origin: found
                        .origin
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "nuget.config".into()),
                });
            }
            return Ok(found.source.clone());
        }
        Source::parse(&given, cwd)
    }
}

enum Candidate {
    File(PathBuf),
    DefaultUserFile(PathBuf),
}

/// Closest first.
fn candidate_files(locations: &ConfigLocations) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut dir = Some(locations.start_dir.as_path());
    while let Some(current) = dir {
        if let Some(found) = DIR_FILE_NAMES
            .iter()
            .map(|name| current.join(name))
            .find(|p| p.is_file())
        {
            out.push(Candidate::File(found));
        }
        dir = current.parent();
    }
    if let Some(user) = &locations.user_dir {
        let main = user.join("NuGet.Config");
        if main.is_file() {
            out.push(Candidate::File(main));
        } else {
            out.push(Candidate::DefaultUserFile(main));
        }
        out.extend(
            config_files_in(&user.join("config"))
                .into_iter()
                .map(Candidate::File),
        );
    }
    if let Some(machine) = &locations.machine_dir {
        out.extend(config_files_in(machine).into_iter().map(Candidate::File));
    }
    out
}

fn config_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .is_some_and(|e| e.eq_ignore_ascii_case("config"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[derive(Debug, Clone)]
struct AddItem {
    key: String,
    value: String,
    attrs: HashMap<String, String>,
}

#[derive(Debug, Default)]
struct Section {
    items: Vec<AddItem>,
    cleared: bool,
}

impl Section {
    fn add(&mut self, item: AddItem) {
        self.items.push(item);
    }
    fn clear(&mut self) {
        self.items.clear();
        self.cleared = true;
    }
}

#[derive(Debug, Default)]
struct ParsedFile {
    path: PathBuf,
    exists: bool,
    sources: Section,
    disabled: Section,
    config: Section,
    /// Decoded source name → items of its credentials element.
    credentials: Vec<(String, Vec<AddItem>)>,
}

impl ParsedFile {
    fn nuget_default(path: PathBuf) -> ParsedFile {
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

fn attributes(
    element: &BytesStart<'_>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    for attr in element.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let key = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        map.insert(key, expand_percent_vars(&value, env));
    }
    Ok(map)
}

fn add_item(
    element: &BytesStart<'_>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<AddItem>, String> {
    let mut attrs = attributes(element, env)?;
    let key = attrs.remove("key");
    let value = attrs.remove("value");
    Ok(match (key, value) {
        (Some(key), Some(value)) => Some(AddItem { key, value, attrs }),
        // NuGet requires both attributes; an item without them is skipped.
        _ => None,
    })
}

fn parse_file(
    path: &Path,
    bytes: &[u8],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ParsedFile, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "it is not UTF-8 text".to_string())?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    reader.config_mut().check_end_names = true;
    let mut file = ParsedFile {
        path: path.to_path_buf(),
        exists: true,
        ..ParsedFile::default()
    };
    let mut stack: Vec<String> = Vec::new();
    let mut saw_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed XML ({e})"))?;
        let (element, is_empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(format!("not well-formed XML (<{open}> is never closed)"));
                }
                break;
            }
            _ => continue,
        };
        let Some(element) = element else { continue };
        let name = element.local_name().as_ref().to_string();
        match stack.len() {
            0 => {
                if name != "configuration" {
                    return Err(format!("its root element is <{name}>, not <configuration>"));
                }
                saw_root = true;
            }
            2 => {
                let section = stack.get(1).map(String::as_str).unwrap_or_default();
                match (section, name.as_str()) {
                    ("packageSources", "add") => {
                        if let Some(item) = add_item(&element, env)? {
                            file.sources.add(item);
                        }
                    }
                    ("packageSources", "clear") => file.sources.clear(),
                    ("disabledPackageSources", "add") => {
                        if let Some(item) = add_item(&element, env)? {
                            file.disabled.add(item);
                        }
                    }
                    ("disabledPackageSources", "clear") => file.disabled.clear(),
                    ("config", "add") => {
                        if let Some(item) = add_item(&element, env)? {
                            file.config.add(item);
                        }
                    }
                    ("config", "clear") => file.config.clear(),
                    ("packageSourceCredentials", source) => {
                        file.credentials.push((decode_xml_name(source), Vec::new()));
                    }
                    _ => {}
                }
            }
            3 if stack.get(1).map(String::as_str) == Some("packageSourceCredentials")
                && name == "add" =>
            {
                if let (Some(item), Some(last)) =
                    (add_item(&element, env)?, file.credentials.last_mut())
                {
                    last.1.push(item);
                }
            }
            _ => {}
        }
        if !is_empty {
            stack.push(name);
        }
    }
    if !saw_root {
        return Err("it has no <configuration> element".into());
    }
    Ok(file)
}

fn merge(
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
        source.credentials = credentials_for(&item.key, &files, env, &mut warnings);
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
fn closest_values(
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

fn absolutize(value: &str, base: Option<&Path>) -> String {
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
fn normalize(path: &Path) -> PathBuf {
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

fn source_from_item(item: &AddItem, base: &Path) -> Result<Source, FeedError> {
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

fn credentials_for(
    name: &str,
    files: &[ParsedFile],
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Option<Credentials> {
    if let Some(value) = env(&format!("NuGetPackageSourceCredentials_{name}")) {
        if let Some(creds) = parse_env_credentials(&value) {
            return Some(creds);
        }
        // Malformed values are ignored, as NuGet does.
    }
    for file in files {
        let Some((_, items)) = file
            .credentials
            .iter()
            .rev()
            .find(|(source, _)| source.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let get = |key: &str| {
            items
                .iter()
                .rev()
                .find(|i| i.key.eq_ignore_ascii_case(key))
                .map(|i| i.value.clone())
        };
        let username = get("Username").unwrap_or_default();
        if let Some(password) = get("ClearTextPassword") {
            return Some(Credentials::new(username, password));
        }
        if get("Password").is_some() {
            warnings.push(format!(
                "the password for '{name}' in {} is encrypted with Windows DPAPI and cannot be read on this computer; use ClearTextPassword or an API key",
                file.path.display()
            ));
        }
        return None;
    }
    None
}

/// `Username=…;Password=…[;ValidAuthenticationTypes=…]`; anything else is `None`.
fn parse_env_credentials(value: &str) -> Option<Credentials> {
    let mut username = None;
    let mut password = None;
    for part in value.split(';').filter(|p| !p.trim().is_empty()) {
        let (key, val) = part.split_once('=')?;
        match key.trim().to_ascii_lowercase().as_str() {
            "username" => username = Some(val.to_string()),
            "password" => password = Some(val.to_string()),
            "validauthenticationtypes" => {}
            _ => return None,
        }
    }
    Some(Credentials::new(username?, password?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn percent_variables_expand_and_unknown_ones_stay() {
        let env = |n: &str| (n == "HOST").then(|| "feed.test".to_string());
        assert_eq!(
            expand_percent_vars("https://%HOST%/x", &env),
            "https://feed.test/x"
        );
        assert_eq!(
            expand_percent_vars("%NOPE%/%HOST%", &env),
            "%NOPE%/feed.test"
        );
        assert_eq!(expand_percent_vars("100%", &env), "100%");
        assert_eq!(expand_percent_vars("%%", &env), "%%");
        assert_eq!(expand_percent_vars("$HOST/x", &env), "$HOST/x");
        assert_eq!(expand_percent_vars("%é%HOST%", &env), "%éfeed.test");
    }

    #[test]
    fn xml_names_decode() {
        assert_eq!(decode_xml_name("My_x0020_Feed"), "My Feed");
        assert_eq!(decode_xml_name("_x_y_x00"), "_x_y_x00");
        assert_eq!(decode_xml_name("a_xZZZZ_b"), "a_xZZZZ_b");
        assert_eq!(decode_xml_name("_xD800_"), "_xD800_");
    }

    #[test]
    fn env_credentials_parse_or_are_ignored() {
        let c = parse_env_credentials("Username=ann;Password=p=w;ValidAuthenticationTypes=basic")
            .unwrap();
        assert_eq!(c.username, "ann");
        assert_eq!(c.password(), "p=w");
        assert!(parse_env_credentials("Username=ann").is_none());
        assert!(parse_env_credentials("garbage").is_none());
        assert!(parse_env_credentials("User=ann;Password=x").is_none());
    }

    #[test]
    fn hostile_files_never_panic_and_are_reported() {
        let cases: &[&[u8]] = &[
            b"",
            b"<configuration>",
            b"<configuration><packageSources><add key='a' value='https://x/'></packageSources>",
            b"\xff\xfe<configuration/>",
            b"<notconfig/>",
            b"<configuration><packageSources><add key='a'/><add value='b'/><clear/><clear/></packageSources></configuration>",
            b"<configuration><packageSourceCredentials><add key='x' value='y'/></packageSourceCredentials></configuration>",
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><configuration/>",
            b"<configuration><config><add key='defaultPushSource' value='&bogus;'/></config></configuration>",
        ];
        for (i, bytes) in cases.iter().enumerate() {
            let result = parse_file(Path::new("/t/nuget.config"), bytes, &no_env);
            if i == 5 || i == 6 || i == 7 {
                let file = result.unwrap_or_else(|e| panic!("case {i}: {e}"));
                assert!(file.sources.items.is_empty(), "case {i}");
            } else {
                assert!(result.is_err(), "case {i} should be refused");
            }
        }
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn hierarchy_merges_closest_first_with_clear_disabled_and_credentials() {
        let root = tempfile::tempdir().unwrap();
        let user = root.path().join("user");
        let repo = root.path().join("repo");
        let sub = repo.join("sub");
        write(
            &user,
            "NuGet.Config",
            r#"<configuration>
  <packageSources>
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
    <add key="Team Feed" value="https://team.test/v3/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <Team_x0020_Feed>
      <add key="Username" value="ann" />
      <add key="ClearTextPassword" value="%TEAM_PW%" />
    </Team_x0020_Feed>
  </packageSourceCredentials>
  <config><add key="defaultPushSource" value="nuget.org" /></config>
</configuration>"#,
        );
        write(
            &repo,
            "NuGet.Config",
            r#"<configuration>
  <packageSources>
    <add key="Local" value="../feed" />
    <add key="Plain" value="http://plain.test/api/v2/package" allowInsecureConnections="true" />
  </packageSources>
  <disabledPackageSources><add key="team feed" value="true" /></disabledPackageSources>
  <config><add key="defaultPushSource" value="./out" /></config>
</configuration>"#,
        );
        write(
            &sub,
            "nuget.config",
            r#"<configuration><packageSources><add key="Sub" value="https://sub.test/x" /></packageSources></configuration>"#,
        );
        let env = |n: &str| (n == "TEAM_PW").then(|| "s3cret".to_string());
        let locations = ConfigLocations {
            start_dir: sub.clone(),
            user_dir: Some(user.clone()),
            machine_dir: None,
            only_file: None,
        };
        let config = NuGetConfig::load_with_env(&locations, &env).unwrap();
        let names: Vec<&str> = config
            .sources
            .iter()
            .map(|s| s.source.name.as_str())
            .collect();
        assert_eq!(names, ["Sub", "Local", "Plain", "nuget.org", "Team Feed"]);
        let team = config.find("team feed").unwrap();
        assert!(!team.enabled);
        let creds = team.source.credentials.as_ref().unwrap();
        assert_eq!(
            (creds.username.as_str(), creds.password()),
            ("ann", "s3cret")
        );
        let local = config.find("Local").unwrap();
        assert_eq!(
            local.source.location.display(),
            root.path().join("feed").display().to_string()
        );
        assert!(config.find("Plain").unwrap().source.allow_insecure);
        assert_eq!(
            config.default_push_source.as_deref(),
            Some(repo.join("out").display().to_string().as_str())
        );
        // A disabled source is refused by name, with the file that disabled it.
        let err = config.resolve(Some("Team Feed"), &sub).unwrap_err();
        assert_eq!(nupub_error::Coded::code(&err), "feed.source_disabled");
        // Found by URL too.
        assert_eq!(
            config.find("https://sub.test/x/").unwrap().source.name,
            "Sub"
        );
        // Secrets never appear in what the UI gets.
        let infos = serde_json_string(&config);
        assert!(!infos.contains("s3cret"), "{infos}");

        // A <clear/> in the closest file hides everything farther away.
        write(
            &sub,
            "nuget.config",
            r#"<configuration><packageSources><add key="Gone" value="https://gone.test/x" /><clear/><add key="Only" value="https://only.test/x" /></packageSources></configuration>"#,
        );
        let config = NuGetConfig::load_with_env(&locations, &env).unwrap();
        let names: Vec<&str> = config
            .sources
            .iter()
            .map(|s| s.source.name.as_str())
            .collect();
        assert_eq!(names, ["Only"]);
    }

    fn serde_json_string(config: &NuGetConfig) -> String {
        let infos: Vec<SourceInfo> = config.sources.iter().map(|s| s.info()).collect();
        serde_json::to_string(&infos).unwrap()
    }

    #[test]
    fn missing_user_file_means_nuget_org_and_broken_files_are_errors() {
        let root = tempfile::tempdir().unwrap();
        let start = root.path().join("w");
        let locations = ConfigLocations {
            start_dir: start.clone(),
            user_dir: Some(root.path().join("nouser")),
            machine_dir: Some(root.path().join("nomachine")),
            only_file: None,
        };
        std::fs::create_dir_all(&start).unwrap();
        let config = NuGetConfig::load_with_env(&locations, &no_env).unwrap();
        assert_eq!(config.sources.len(), 1);
        assert_eq!(config.sources[0].source.name, "nuget.org");
        assert_eq!(config.sources[0].source.protocol, Protocol::V3);
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        write(&start, "nuget.config", "<configuration><packageSources>");
        let err = NuGetConfig::load_with_env(&locations, &no_env).unwrap_err();
        assert_eq!(nupub_error::Coded::code(&err), "feed.config_unreadable");
        assert!(err.to_string().contains("w/nuget.config"), "{err}");
        assert!(err.to_string().contains("never closed"), "{err}");

        // An explicit --configfile that is broken is an error naming it.
        let only = ConfigLocations {
            only_file: Some(start.join("nuget.config")),
            ..locations
        };
        let err = NuGetConfig::load_with_env(&only, &no_env).unwrap_err();
        assert_eq!(nupub_error::Coded::code(&err), "feed.config_unreadable");
        assert!(err.to_string().contains("nuget.config"));
    }

    #[test]
    fn environment_credentials_beat_the_file_and_encrypted_passwords_warn() {
        let root = tempfile::tempdir().unwrap();
        write(
            root.path(),
            "nuget.config",
            r#"<configuration><packageSources><add key="A" value="https://a.test/x" /><add key="B" value="https://b.test/x" /></packageSources>
<packageSourceCredentials><A><add key="Username" value="file"/><add key="ClearTextPassword" value="filepw"/></A>
<B><add key="Username" value="u"/><add key="Password" value="AQAAANCMnd8BFdERjHoAwE"/></B></packageSourceCredentials></configuration>"#,
        );
        let env = |n: &str| {
            (n == "NuGetPackageSourceCredentials_A")
                .then(|| "Username=envuser;Password=envpw".into())
        };
        let locations = ConfigLocations {
            start_dir: root.path().to_path_buf(),
            user_dir: None,
            machine_dir: None,
            only_file: None,
        };
        let config = NuGetConfig::load_with_env(&locations, &env).unwrap();
        let a = config
            .find("A")
            .unwrap()
            .source
            .credentials
            .clone()
            .unwrap();
        assert_eq!((a.username.as_str(), a.password()), ("envuser", "envpw"));
        assert!(config.find("B").unwrap().source.credentials.is_none());
        assert!(
            config.warnings.iter().any(|w| w.contains("DPAPI")),
            "{:?}",
            config.warnings
        );
    }
}
