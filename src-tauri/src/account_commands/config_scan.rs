//! "No keys in files": finds secrets written in clear text in the user's
//! nuget.config files, and says where they are without ever repeating them.
//!
//! The feeds crate reads the nuget.config hierarchy for publishing, but its API
//! gives the merged sources (credentials already attached, file of origin
//! lost for credentials) and stops at the first malformed file. A security scan
//! needs every file, the element and line of each secret, and must go on past
//! a broken file, so the scan is this small pure function over each file's
//! text; [`ConfigLocations`](nupub_feeds::ConfigLocations) still decides where
//! the user and computer folders are.
//!
//! What counts as a secret in clear text (protocol reference §12.2):
//! - `packageSourceCredentials/<source>/add key="ClearTextPassword"` with a
//!   literal value. A value that is only `%VARIABLE%` references is how the
//!   docs recommend keeping the secret out of the file, so it is not reported.
//! - `apikeys/add` whose value has the shape of a nuget.org API key (`oy2` and
//!   43 letters or digits): NuGet stores these keys DPAPI-encrypted, so a
//!   readable key there was pasted by hand.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Files larger than this are not nuget.config files.
pub const MAX_CONFIG_SIZE: u64 = 4 * 1024 * 1024;
/// Deeper nesting than this is not a nuget.config file either.
const MAX_DEPTH: usize = 64;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SecretKind {
    /// A feed password in `ClearTextPassword`.
    ClearTextPassword,
    /// A nuget.org API key readable in `<apikeys>`.
    ApiKey,
}

/// One secret in clear text: where it is, never what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ClearTextFinding {
    pub path: String,
    /// The feed it belongs to (the credentials element's decoded name, or the `<apikeys>` entry's key).
    pub source: String,
    /// The element, e.g. `packageSourceCredentials/Contoso/add[@key='ClearTextPassword']`.
    pub element: String,
    /// 1-based line of the element.
    pub line: u32,
    pub kind: SecretKind,
}

/// A file the scan could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnreadableConfig {
    pub path: String,
    pub reason: String,
}

/// The result of scanning every nuget.config file Nupub knows of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfigScan {
    /// The files that were read, closest first.
    pub files: Vec<String>,
    pub findings: Vec<ClearTextFinding>,
    pub unreadable: Vec<UnreadableConfig>,
}

/// Scans the text of one nuget.config file. `Err` carries a plain reason.
pub fn scan_text(path: &str, bytes: &[u8]) -> Result<Vec<ClearTextFinding>, String> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<String> = Vec::new();
    let mut findings = Vec::new();
    let mut buf = Vec::new();
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("it is not valid XML ({e})"))?;
        match event {
            Event::Start(start) => {
                let name = element_name(&start)?;
                if stack.len() >= MAX_DEPTH {
                    return Err(format!(
                        "its elements are nested more than {MAX_DEPTH} deep"
                    ));
                }
                stack.push(name);
            }
            Event::Empty(start) => {
                let name = element_name(&start)?;
                if name == "add" {
                    let line = line_at(bytes, position);
                    if let Some(found) = inspect_add(path, &stack, &start, line)? {
                        findings.push(found);
                    }
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(findings)
}

fn element_name(start: &BytesStart<'_>) -> Result<String, String> {
    Ok(start.name().as_ref().to_string())
}

fn attribute(start: &BytesStart<'_>, wanted: &str) -> Result<Option<String>, String> {
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("an attribute is malformed ({e})"))?;
        if attr.key.as_ref() == wanted {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("an attribute value is malformed ({e})"))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

fn inspect_add(
    path: &str,
    stack: &[String],
    start: &BytesStart<'_>,
    line: u32,
) -> Result<Option<ClearTextFinding>, String> {
    let Some(key) = attribute(start, "key")? else {
        return Ok(None);
    };
    let value = attribute(start, "value")?.unwrap_or_default();
    let parents: Vec<&str> = stack.iter().map(String::as_str).collect();
    match parents.as_slice() {
        [.., "packageSourceCredentials", source]
            if key.eq_ignore_ascii_case("ClearTextPassword") && is_literal_secret(&value) =>
        {
            Ok(Some(ClearTextFinding {
                path: path.to_string(),
                source: decode_xml_name(source),
                element: format!("packageSourceCredentials/{source}/add[@key='{key}']"),
                line,
                kind: SecretKind::ClearTextPassword,
            }))
        }
        [.., "apikeys"] if looks_like_nuget_org_key(&value) => Ok(Some(ClearTextFinding {
            path: path.to_string(),
            source: key.chars().take(300).collect(),
            element: "apikeys/add".to_string(),
            line,
            kind: SecretKind::ApiKey,
        })),
        _ => Ok(None),
    }
}

/// True when the value holds something besides `%VAR%` references and blanks.
fn is_literal_secret(value: &str) -> bool {
    let mut rest = value.trim();
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix('%') else {
            return true;
        };
        match after.find('%') {
            Some(end) if end > 0 => rest = after[end + 1..].trim_start(),
            _ => return true,
        }
    }
    false
}

/// nuget.org API keys: `oy2` followed by 43 lower-case letters and digits.
pub fn looks_like_nuget_org_key(value: &str) -> bool {
    let value = value.trim();
    value.len() == 46
        && value.starts_with("oy2")
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Source names are XML-encoded in element names (`_x0020_` is a space).
fn decode_xml_name(name: &str) -> String {
    nupub_feeds::config::decode_xml_name(name)
}

fn line_at(bytes: &[u8], position: u64) -> u32 {
    let end = usize::try_from(position)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let before = bytes.get(..end).unwrap_or_default();
    // The event starts after any whitespace the reader skipped.
    let skipped = bytes
        .get(end..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| b.is_ascii_whitespace())
        .filter(|b| **b == b'\n')
        .count();
    let lines = before.iter().filter(|b| **b == b'\n').count() + skipped + 1;
    u32::try_from(lines).unwrap_or(u32::MAX)
}

/// The nuget.config files to scan, closest first: every folder from `start`
/// up to the root, the user folders of both the dotnet CLI
/// (`~/.nuget/NuGet`) and NuGet.exe (`~/.config/NuGet`), with their
/// `config/*.config`, and the computer-wide folder.
pub fn candidate_files(
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
    let mut dir = start;
    while let Some(current) = dir {
        // On a case-sensitive file system all three names may exist: the client reads the first.
        if let Some(found) = ["nuget.config", "NuGet.config", "NuGet.Config"]
            .iter()
            .map(|name| current.join(name))
            .find(|p| p.is_file())
        {
            push(found);
        }
        dir = current.parent();
    }
    for user in user_dirs {
        push(user.join("NuGet.Config"));
        for file in config_files_in(&user.join("config")) {
            push(file);
        }
    }
    if let Some(machine) = machine_dir {
        for file in config_files_in(machine) {
            push(file);
        }
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

/// Reads and scans each file; a file that cannot be read is reported, never fatal.
pub fn scan_files(files: &[PathBuf]) -> ConfigScan {
    let mut scan = ConfigScan::default();
    for path in files {
        let shown = path.display().to_string();
        match read_bounded(path) {
            Ok(bytes) => match scan_text(&shown, &bytes) {
                Ok(found) => scan.findings.extend(found),
                Err(reason) => scan.unreadable.push(UnreadableConfig {
                    path: shown.clone(),
                    reason,
                }),
            },
            Err(reason) => scan.unreadable.push(UnreadableConfig {
                path: shown.clone(),
                reason,
            }),
        }
        scan.files.push(shown);
    }
    scan
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "oy2abcdefghijklmnopqrstuvwxyz0123456789abcdefg";

    fn scan(text: &str) -> Vec<ClearTextFinding> {
        scan_text("/home/u/NuGet.Config", text.as_bytes()).unwrap()
    }

    #[test]
    fn finds_clear_text_passwords_and_says_where_without_the_value() {
        let text = r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="Contoso Feed" value="https://contoso.example/v3/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <Contoso_x0020_Feed>
      <add key="Username" value="ci" />
      <add key="ClearTextPassword" value="hunter2-very-secret" />
    </Contoso_x0020_Feed>
    <Env>
      <add key="ClearTextPassword" value="%CONTOSO_PAT%" />
    </Env>
    <Mixed>
      <add key="ClearTextPassword" value="%A%tail" />
    </Mixed>
  </packageSourceCredentials>
  <apikeys>
    <add key="https://www.nuget.org/api/v2/package" value="oy2abcdefghijklmnopqrstuvwxyz0123456789abcdefg" />
    <add key="https://other/" value="AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA0123456789" />
  </apikeys>
</configuration>
"#;
        let found = scan(text);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert_eq!(found[0].source, "Contoso Feed");
        assert_eq!(
            found[0].element,
            "packageSourceCredentials/Contoso_x0020_Feed/add[@key='ClearTextPassword']"
        );
        assert_eq!(found[0].line, 9);
        assert_eq!(found[0].kind, SecretKind::ClearTextPassword);
        assert_eq!(found[1].source, "Mixed");
        assert_eq!(found[2].kind, SecretKind::ApiKey);
        assert_eq!(found[2].source, "https://www.nuget.org/api/v2/package");
        assert_eq!(found[2].line, 19);
        let json = serde_json::to_string(&found).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
        assert!(!json.contains(KEY), "{json}");
        assert!(!json.contains("tail"), "{json}");
    }

    #[test]
    fn env_references_and_clean_files_are_not_reported() {
        assert!(is_literal_secret("x"));
        assert!(is_literal_secret("%"));
        assert!(is_literal_secret("%%"));
        assert!(!is_literal_secret(""));
        assert!(!is_literal_secret("%A%"));
        assert!(!is_literal_secret(" %A% %B% "));
        assert!(scan("<configuration><packageSources><add key='a' value='b'/></packageSources></configuration>").is_empty());
        // A password element outside packageSourceCredentials is not a credential.
        assert!(scan("<configuration><config><add key='ClearTextPassword' value='x'/></config></configuration>").is_empty());
        assert!(scan("").is_empty());
    }

    #[test]
    fn key_shape() {
        assert!(looks_like_nuget_org_key(KEY));
        assert!(!looks_like_nuget_org_key(&KEY[..45]));
        assert!(!looks_like_nuget_org_key(&KEY.to_uppercase()));
        assert!(!looks_like_nuget_org_key(
            "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA"
        ));
    }

    #[test]
    fn hostile_files_are_reasons_not_panics() {
        let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        let cases: Vec<Vec<u8>> = vec![
            b"<configuration><packageSourceCredentials><x><add key='ClearTextPassword' value='s3cret".to_vec(),
            b"<configuration><add key=\"a\" value=\"&bogus;\"/></configuration>".to_vec(),
            b"<configuration></wrong>".to_vec(),
            vec![0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00],
            b"<\xff\xfe/>".to_vec(),
            deep.into_bytes(),
            b"<c><add key='ClearTextPassword' key='x' value='s3cret'/></c>".to_vec(),
        ];
        for bytes in cases {
            let result = scan_text("/x/nuget.config", &bytes);
            if let Err(reason) = &result {
                assert!(!reason.contains("s3cret"), "{reason}");
            }
        }
        // Truncated and mismatched files are errors.
        assert!(scan_text("f", b"<configuration></wrong>").is_err());
        assert!(scan_text(
            "f",
            format!("{}{}", "<a>".repeat(100), "</a>".repeat(100)).as_bytes()
        )
        .is_err());
    }

    #[test]
    fn files_are_found_in_every_folder_and_broken_ones_reported() {
        let root = tempfile::tempdir().unwrap();
        let project = root.path().join("src/app");
        std::fs::create_dir_all(&project).unwrap();
        std::fs::write(
            root.path().join("src/nuget.config"),
            "<configuration><packageSourceCredentials><Feed><add key='ClearTextPassword' value='pw1'/></Feed></packageSourceCredentials></configuration>",
        )
        .unwrap();
        let user = root.path().join("user");
        std::fs::create_dir_all(user.join("config")).unwrap();
        std::fs::write(user.join("NuGet.Config"), "<configuration><oops").unwrap();
        std::fs::write(user.join("config/extra.config"), "<configuration/>").unwrap();
        std::fs::write(user.join("config/notes.txt"), "not a config").unwrap();
        let machine = root.path().join("machine");
        std::fs::create_dir_all(&machine).unwrap();
        std::fs::write(
            machine.join("big.config"),
            vec![b' '; (MAX_CONFIG_SIZE + 1) as usize],
        )
        .unwrap();
        let files = candidate_files(
            Some(&project),
            &[user.clone(), user.clone()],
            Some(&machine),
        );
        assert_eq!(
            files,
            vec![
                root.path().join("src/nuget.config"),
                user.join("NuGet.Config"),
                user.join("config/extra.config"),
                machine.join("big.config"),
            ]
        );
        let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
        let scan = scan_files(&files);
        assert_eq!(scan.files.len(), 4);
        assert_eq!(scan.findings.len(), 1);
        assert_eq!(scan.findings[0].source, "Feed");
        assert_eq!(scan.unreadable.len(), 2, "{:?}", scan.unreadable);
        assert!(
            scan.unreadable[0].reason.contains("not valid XML"),
            "{:?}",
            scan.unreadable
        );
        assert!(
            scan.unreadable[1].reason.contains("larger than"),
            "{:?}",
            scan.unreadable
        );
        // Read only: every file keeps its bytes.
        let after: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
        assert_eq!(before, after);
    }
}
