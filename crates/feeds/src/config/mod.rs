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
use crate::source::{Source, SourceInfo};
use std::path::{Path, PathBuf};

mod credentials;
mod locate;
mod merge;
mod parse;

use credentials::*;
pub use locate::*;
pub use merge::expand_percent_vars;
use merge::*;
pub use parse::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Protocol;

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
