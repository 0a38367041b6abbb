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
use quick_xml::events::Event;
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
            let text = read_config_file(only).map_err(|detail| FeedError::ConfigUnreadable {
                path: only.display().to_string(),
                detail,
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
                        let text = read_config_file(&path).map_err(unreadable)?;
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
                let shown = crate::source::redact_text(given);
                let trimmed = shown.trim_end_matches('/');
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
    let mut out: Vec<Candidate> = folder_files(&locations.start_dir)
        .into_iter()
        .map(Candidate::File)
        .collect();
    if let Some(user) = &locations.user_dir {
        let main = user.join(USER_FILE_NAME);
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

const USER_FILE_NAME: &str = "NuGet.Config";

/// The nuget.config files that exist for a folder walk, closest first and each
/// once: one per folder from `start` up to the root, then for each user folder
/// its `NuGet.Config` and `config/*.config`, then the computer-wide `*.config`.
/// This is the order [`NuGetConfig::load`] reads them in; several user folders
/// may be given (the dotnet CLI's and NuGet.exe's), where `load` reads one.
pub fn config_files(
    start: Option<&Path>,
    user_dirs: &[PathBuf],
    machine_dir: Option<&Path>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut push = |path: PathBuf| {
        if path.is_file() && !out.contains(&path) {
            out.push(path);
        }
    };
    for file in start.map(folder_files).unwrap_or_default() {
        push(file);
    }
    for user in user_dirs {
        push(user.join(USER_FILE_NAME));
        for file in config_files_in(&user.join("config")) {
            push(file);
        }
    }
    for file in machine_dir.map(config_files_in).unwrap_or_default() {
        push(file);
    }
    out
}

/// The user folders of every NuGet client on this computer, the one
/// [`ConfigLocations::system`] picks first: on Linux and macOS both the
/// dotnet CLI's (`~/.nuget/NuGet`) and NuGet.exe's (`~/.config/NuGet`), since
/// either may hold a file; on Windows `%APPDATA%\NuGet`.
pub fn all_user_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = user_dir().into_iter().collect();
    if !cfg!(windows) {
        let home = env_path("DOTNET_CLI_HOME").or_else(|| env_path("HOME"));
        let xdg =
            env_path("XDG_CONFIG_HOME").or_else(|| env_path("HOME").map(|h| h.join(".config")));
        for dir in [
            home.map(|h| h.join(".nuget").join("NuGet")),
            xdg.map(|x| x.join("NuGet")),
        ]
        .into_iter()
        .flatten()
        {
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    dirs
}

/// One config file per folder from `start` up to the root, closest first.
fn folder_files(start: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dir = Some(start);
    while let Some(current) = dir {
        // On a case-sensitive file system all three names may exist: the client reads the first.
        if let Some(found) = DIR_FILE_NAMES
            .iter()
            .map(|name| current.join(name))
            .find(|p| p.is_file())
        {
            out.push(found);
        }
        dir = current.parent();
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

/// Files larger than this are not nuget.config files.
pub const MAX_CONFIG_SIZE: u64 = 4 * 1024 * 1024;
/// Deeper nesting than this is not a nuget.config file either.
const MAX_DEPTH: usize = 64;

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
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line of the event read from `position` on: the reader skips
    /// whitespace before it, so newlines there count too.
    fn line_at(&mut self, position: u64) -> u32 {
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

fn add_item(element: &ConfigElement, env: &dyn Fn(&str) -> Option<String>) -> Option<AddItem> {
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

fn parse_file(
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
    fn elements_have_lines_and_debug_hides_values() {
        let text = "\u{feff}<configuration>\n  <packageSourceCredentials>\n\n    <A_x0020_B>\n      <add key=\"ClearTextPassword\"\n           value=\"pw&amp;1\" />\n    </A_x0020_B>\n  </packageSourceCredentials>\n</configuration>\n";
        let document = parse_config(text.as_bytes()).unwrap();
        assert_eq!(document.root.as_deref(), Some("configuration"));
        let lines: Vec<(&str, u32)> = document
            .elements
            .iter()
            .map(|e| (e.name.as_str(), e.line))
            .collect();
        assert_eq!(
            lines,
            [
                ("configuration", 1),
                ("packageSourceCredentials", 2),
                ("A_x0020_B", 4),
                ("add", 5)
            ]
        );
        let add = &document.elements[3];
        assert_eq!(
            add.parents,
            ["configuration", "packageSourceCredentials", "A_x0020_B"]
        );
        assert_eq!(add.attribute("value"), Some("pw&1"));
        assert_eq!(add.attribute("Value"), None);
        let debug = format!("{add:?}");
        assert!(!debug.contains("pw&1"), "{debug}");
        assert!(debug.contains("attribute_names"), "{debug}");
        // Bounded, and errors never repeat a value.
        for bad in [
            &b"<configuration><add key='k' value='s3cret'></configuration>"[..],
            b"<a/><b/>",
            b"<configuration><add value='s3cret' value='x'/></configuration>",
        ] {
            let reason = parse_config(bad).unwrap_err();
            assert!(!reason.contains("s3cret"), "{reason}");
        }
        let deep = format!("{}{}", "<a>".repeat(65), "</a>".repeat(65));
        assert!(parse_config(deep.as_bytes())
            .unwrap_err()
            .contains("nested"));
        assert!(parse_config(b"").unwrap().root.is_none());
    }

    #[test]
    fn config_files_walk_every_user_folder_once_and_reads_are_bounded() {
        let root = tempfile::tempdir().unwrap();
        let start = root.path().join("a/b");
        write(&root.path().join("a"), "NuGet.Config", "<configuration/>");
        write(&start, "nuget.config", "<configuration/>");
        let user = root.path().join("u");
        write(&user, "NuGet.Config", "<configuration/>");
        write(&user.join("config"), "z.config", "<configuration/>");
        write(&user.join("config"), "a.Config", "<configuration/>");
        write(&user.join("config"), "notes.txt", "x");
        let machine = root.path().join("m");
        write(&machine, "m.config", "<configuration/>");
        let files = config_files(Some(&start), &[user.clone(), user.clone()], Some(&machine));
        assert_eq!(
            files,
            [
                start.join("nuget.config"),
                root.path().join("a/NuGet.Config"),
                user.join("NuGet.Config"),
                user.join("config/a.Config"),
                user.join("config/z.config"),
                machine.join("m.config"),
            ]
        );
        assert!(config_files(None, &[], None).is_empty());
        let big = write(
            root.path(),
            "big.config",
            &" ".repeat(MAX_CONFIG_SIZE as usize + 1),
        );
        assert!(read_config_file(&big).unwrap_err().contains("larger than"));
        assert!(read_config_file(&root.path().join("none"))
            .unwrap_err()
            .contains("could not be opened"));
        // NuGetConfig::load reads the same files, closest first.
        let locations = ConfigLocations {
            start_dir: start.clone(),
            user_dir: Some(user.clone()),
            machine_dir: Some(machine.clone()),
            only_file: None,
        };
        let config = NuGetConfig::load_with_env(&locations, &no_env).unwrap();
        assert_eq!(config.files, files);
        // A file over the limit is an error naming it, not a huge read.
        let too_big = ConfigLocations {
            only_file: Some(big.clone()),
            ..locations
        };
        let err = NuGetConfig::load_with_env(&too_big, &no_env).unwrap_err();
        assert!(err.to_string().contains("big.config"), "{err}");
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
