//! The nuget.config hierarchy gives the same sources, in the same order and
//! state, as NuGet.exe `sources list` prints for it.
#![allow(clippy::unwrap_used)]

use nupub_feeds::config::{ConfigLocations, NuGetConfig};
use nupub_testkit::nuget_exe::NuGetExe;
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

/// `(name, enabled, location)` from `sources list` output.
fn parse_sources_list(text: &str) -> Vec<(String, bool, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let Some((number, rest)) = trimmed.split_once(".  ") else {
            continue;
        };
        if number.parse::<u32>().is_err() {
            continue;
        }
        let (name, state) = rest.rsplit_once(" [").unwrap();
        let location = lines.get(i + 1).unwrap().trim().to_string();
        out.push((name.to_string(), state.starts_with("Enabled"), location));
    }
    out
}

#[test]
fn same_sources_as_nuget_exe_sources_list() {
    let nuget = NuGetExe::new();
    let root = tempfile::tempdir().unwrap();
    let repo = root.path().join("repo");
    let sub = repo.join("src").join("app");
    let user_dir = nuget.home().join(".config").join("NuGet");
    write(
        &user_dir,
        "NuGet.Config",
        r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
    <add key="Team Feed" value="https://team.example/v3/index.json" />
    <add key="Shared" value="https://user-shared.example/api/v2" />
    <add key="Hidden" value="https://hidden.example/api/v2" />
  </packageSources>
  <packageSourceCredentials>
    <Team_x0020_Feed>
      <add key="Username" value="ann" />
      <add key="ClearTextPassword" value="%NUPUB_TEST_TEAM_PW%" />
    </Team_x0020_Feed>
  </packageSourceCredentials>
  <disabledPackageSources>
    <add key="Hidden" value="true" />
  </disabledPackageSources>
</configuration>"#,
    );
    write(
        &repo,
        "NuGet.Config",
        r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="FromVar" value="https://%NUPUB_TEST_HOST%/v3/index.json" />
    <add key="DollarVar" value="$NUPUB_TEST_HOST/v3/index.json" />
    <add key="Shared" value="https://repo-shared.example/api/v2" />
    <add key="Relative" value="../local-feed" />
    <add key="Hidden" value="https://hidden.example/api/v2" />
  </packageSources>
  <disabledPackageSources>
    <add key="Team Feed" value="true" />
  </disabledPackageSources>
  <config>
    <add key="defaultPushSource" value="Shared" />
  </config>
</configuration>"#,
    );
    write(
        &sub,
        "nuget.config",
        r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="AppFeed" value="https://app.example/api/v2/package" />
  </packageSources>
</configuration>"#,
    );
    // A broken file in between.
    write(
        &repo.join("src"),
        "NuGet.Config",
        "<configuration><packageSources><add key='Broken' value='https://broken.example/x'/>",
    );
    std::env::set_var("NUPUB_TEST_HOST", "vars.example");
    std::env::set_var("NUPUB_TEST_TEAM_PW", "pw-from-env");

    // A broken file in the hierarchy stops NuGet.exe, and Nupub names the same file.
    let broken = nuget.run_in(&sub, &["sources", "list"]);
    assert!(
        !broken.success && broken.text().contains("src/NuGet.Config"),
        "{}",
        broken.text()
    );
    let locations = ConfigLocations {
        start_dir: sub.clone(),
        user_dir: Some(user_dir.clone()),
        machine_dir: None,
        only_file: None,
    };
    let err = NuGetConfig::load(&locations).unwrap_err();
    assert_eq!(nupub_error::Coded::code(&err), "feed.config_unreadable");
    assert!(err.to_string().contains("src/NuGet.Config"), "{err}");
    std::fs::remove_file(repo.join("src/NuGet.Config")).unwrap();

    let run = nuget
        .run_in(&sub, &["sources", "list"])
        .expect_success("sources list");
    let expected = parse_sources_list(&run.stdout);
    assert!(expected.len() >= 7, "{}", run.text());

    let config = NuGetConfig::load(&locations).unwrap();
    let ours: Vec<(String, bool, String)> = config
        .sources
        .iter()
        .map(|s| {
            let info = s.info();
            (info.name, info.enabled, info.location)
        })
        .collect();
    assert_eq!(ours, expected, "NuGet.exe printed:\n{}", run.stdout);
    let team = config.find("Team Feed").unwrap();
    assert_eq!(
        team.source.credentials.as_ref().unwrap().password(),
        "pw-from-env"
    );
    assert_eq!(config.default_push_source.as_deref(), Some("Shared"));
    let resolved = config.resolve(None, &sub).unwrap();
    assert_eq!(
        resolved.location.display(),
        "https://repo-shared.example/api/v2"
    );
}
