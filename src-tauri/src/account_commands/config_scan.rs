//! "No keys in files": finds secrets written in clear text in the user's
//! nuget.config files, and says where they are without ever repeating them.
//!
//! The files are the ones NuGet reads (found, read bounded and parsed by
//! [`nupub_feeds::config`], the one nuget.config reader); the scan differs from
//! loading the configuration only in what it keeps: every file, not the merged
//! sources, the element and line of each secret, and it goes on past a broken
//! file. Deciding what is a secret is this module's small pure function.
//!
//! What counts as a secret in clear text (protocol reference §12.2):
//! - `packageSourceCredentials/<source>/add key="ClearTextPassword"` with a
//!   literal value. A value that is only `%VARIABLE%` references is how the
//!   docs recommend keeping the secret out of the file, so it is not reported.
//! - `apikeys/add` whose value has the shape of a nuget.org API key (`oy2` and
//!   43 letters or digits): NuGet stores these keys DPAPI-encrypted, so a
//!   readable key there was pasted by hand.

pub use nupub_accounts::keys::looks_like_nuget_org_key;
use nupub_feeds::config::{
    config_files, decode_xml_name, parse_config, read_config_file, ConfigElement,
};
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

#[cfg(test)]
use nupub_feeds::config::MAX_CONFIG_SIZE;

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
    let document = parse_config(bytes)?;
    Ok(document
        .elements
        .iter()
        .filter(|element| element.name == "add")
        .filter_map(|element| finding(path, element))
        .collect())
}

fn finding(path: &str, element: &ConfigElement) -> Option<ClearTextFinding> {
    let key = element.attribute("key")?;
    let value = element.attribute("value").unwrap_or_default();
    let parents: Vec<&str> = element.parents.iter().map(String::as_str).collect();
    match parents.as_slice() {
        [.., "packageSourceCredentials", source]
            if key.eq_ignore_ascii_case("ClearTextPassword") && is_literal_secret(value) =>
        {
            Some(ClearTextFinding {
                path: path.to_string(),
                source: decode_xml_name(source),
                element: format!("packageSourceCredentials/{source}/add[@key='{key}']"),
                line: element.line,
                kind: SecretKind::ClearTextPassword,
            })
        }
        [.., "apikeys"] if looks_like_nuget_org_key(value) => Some(ClearTextFinding {
            path: path.to_string(),
            source: key.chars().take(300).collect(),
            element: "apikeys/add".to_string(),
            line: element.line,
            kind: SecretKind::ApiKey,
        }),
        _ => None,
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

/// Scans the nuget.config files NuGet would read for `start` on this
/// computer, closest first: every folder from `start` up to the root, the
/// user folders of every NuGet client (both the dotnet CLI's `~/.nuget/NuGet`
/// and NuGet.exe's `~/.config/NuGet`) with their `config/*.config`, and the
/// computer-wide folder.
pub fn scan_system(start: Option<&Path>) -> ConfigScan {
    let locations = nupub_feeds::ConfigLocations::system(start.unwrap_or(Path::new("/")));
    let files = config_files(
        start,
        &nupub_feeds::config::all_user_dirs(),
        locations.machine_dir.as_deref(),
    );
    scan_files(&files)
}

/// Reads and scans each file; a file that cannot be read is reported, never fatal.
pub fn scan_files(files: &[PathBuf]) -> ConfigScan {
    let mut scan = ConfigScan::default();
    for path in files {
        let shown = path.display().to_string();
        match read_config_file(path) {
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
        let files = config_files(
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
