//! Publishing from CI with the real `nupub` binary in a simulated GitHub
//! Actions job: the real oidc-provider issues the job's tokens, labelled fakes
//! play GitHub's token-request endpoint and nuget.org's token endpoint
//! (`tests/peers/ci_fakes.mjs`), and the push goes to the real pynuget.
//! Also `nupub ci doctor` and `nupub ci workflow`.
#![allow(clippy::unwrap_used)]

use nupub_testkit::ci::{fixture_repository, github_claims, CiPeers, Policy};
use nupub_testkit::cli::{assert_exit, text, Nupub};
use nupub_testkit::packages::make_nupkg;
use nupub_testkit::pynuget::PyNuGet;
use serde_json::json;
use std::path::Path;
use std::process::Output;

const OWNER: &str = "ann";
const REPO: &str = "widgets";
const FILE: &str = "publish.yml";

fn cli(home: &Path, env: &[(String, String)]) -> Nupub {
    Nupub::new(env!("CARGO_BIN_EXE_nupub"), home).envs(env)
}

/// A fresh random-looking key per run, so "never printed" means something.
fn fresh_key() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("oy2tp{nanos:x}{}", std::process::id())
}

fn policy(name: &'static str, creator: &'static str) -> Policy {
    Policy {
        name,
        creator,
        repository_owner: OWNER,
        repository: REPO,
        workflow_file: FILE,
        environment: None,
        expired: false,
    }
}

/// The jobs every test here can run as, and the policies nuget.org holds.
fn world(pynuget: &PyNuGet) -> CiPeers {
    let jobs = json!({
        "good": github_claims(OWNER, REPO, FILE, &format!("{OWNER}/{REPO}"), None),
        "reused": github_claims(OWNER, REPO, FILE, &format!("{OWNER}/{REPO}"), None),
        "other-file": github_claims(OWNER, REPO, "ci.yml", &format!("{OWNER}/{REPO}"), None),
        "reusable": github_claims(OWNER, REPO, FILE, &format!("{OWNER}/shared-workflows"), None),
        "staging": github_claims("bob", "gadgets", FILE, "bob/gadgets", Some("staging")),
        "no-env": github_claims("bob", "gadgets", FILE, "bob/gadgets", None),
        "private": github_claims("cy", "secret-lib", FILE, "cy/secret-lib", None),
    });
    let policies = [
        policy("release", "ann"),
        Policy {
            repository_owner: "bob",
            repository: "gadgets",
            environment: Some("production"),
            ..policy("gadgets", "bob")
        },
        Policy {
            repository_owner: "cy",
            repository: "secret-lib",
            expired: true,
            ..policy("private-lib", "cy")
        },
    ];
    CiPeers::start(&jobs, &policies, &["contoso"], &["reused"], pynuget)
}

fn push(
    home: &Path,
    env: &[(String, String)],
    package: &Path,
    feed: &str,
    extra: &[&str],
) -> Output {
    let pkg = package.to_string_lossy();
    let mut args = vec!["push", pkg.as_ref(), "--source", feed, "--yes"];
    args.extend_from_slice(extra);
    cli(home, env).run(&args, "")
}

/// The error code of a run that failed with exit 1 and `--json`.
fn refused_code(out: &Output) -> String {
    assert_exit(out, 1);
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)));
    report["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Every file under `dir`, read as bytes.
fn all_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, bytes));
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn trusted_publishing_push_lands_in_pynuget_and_secrets_stay_put() {
    let key = fresh_key();
    let pynuget = PyNuGet::start(&key);
    let peers = world(&pynuget);
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("out"), "Ann.Widgets", "1.2.0", "", 0);

    let out = push(
        home.path(),
        &peers.github_env("good"),
        &package,
        &peers.feed_push_url(),
        &["--trusted-publishing", "--user", "ann"],
    );
    assert_exit(&out, 0);
    assert!(
        pynuget.stored_package("Ann.Widgets", "1.2.0").is_some(),
        "{}",
        text(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(stderr.contains("Trusted Publishing"), "{stderr}");

    // The key shows only in GitHub's mask command (which the runner swallows).
    assert!(!stderr.contains(&key), "{stderr}");
    let key_lines: Vec<&str> = stdout.lines().filter(|l| l.contains(&key)).collect();
    assert_eq!(key_lines, [format!("::add-mask::{key}")], "{stdout}");

    // Where each token went: the OIDC token only to the token endpoint.
    let requests = peers.requests();
    let exchanges: Vec<_> = requests.iter().filter(|r| r.part == "token").collect();
    assert_eq!(exchanges.len(), 1, "{requests:?}");
    let bearer = exchanges[0].headers["authorization"].as_str().unwrap();
    let jwt = bearer.strip_prefix("Bearer ").unwrap();
    assert!(jwt.starts_with("eyJ") && jwt.len() > 100, "{jwt}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&exchanges[0].body).unwrap(),
        json!({"username": "ann", "tokenType": "ApiKey"})
    );
    for r in &requests {
        if r.part != "token" {
            assert!(
                !r.everything().contains(jwt),
                "OIDC token sent to {} {}",
                r.method,
                r.path
            );
        }
    }
    let actions: Vec<_> = requests.iter().filter(|r| r.part == "actions").collect();
    assert_eq!(actions.len(), 1);
    assert!(
        actions[0]
            .path
            .contains("audience=https%3A%2F%2Fwww.nuget.org"),
        "{}",
        actions[0].path
    );
    assert_eq!(actions[0].headers["authorization"], "Bearer good");
    let puts: Vec<_> = requests
        .iter()
        .filter(|r| r.part == "feed" && r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 1, "{requests:?}");
    assert_eq!(puts[0].headers["x-nuget-apikey"], key.as_str());
    assert!(puts[0].headers.get("authorization").is_none());

    // Neither secret is left in any file of the user's HOME.
    for (path, bytes) in all_files(home.path()) {
        assert!(!contains(&bytes, &key), "key in {}", path.display());
        assert!(!contains(&bytes, jwt), "OIDC token in {}", path.display());
    }
}

#[test]
fn trusted_publishing_is_automatic_with_oidc_and_no_key() {
    let key = fresh_key();
    let pynuget = PyNuGet::start(&key);
    let peers = world(&pynuget);
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("out"), "Ann.Auto", "0.1.0", "", 0);
    let mut env = peers.github_env("good");
    env.push(("NUGET_USER".into(), "ann".into()));
    let out = push(
        home.path(),
        &env,
        &package,
        &peers.feed_push_url(),
        &["--json"],
    );
    assert_exit(&out, 0);
    assert!(pynuget.stored_package("Ann.Auto", "0.1.0").is_some());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("using Trusted Publishing"), "{stderr}");
    // With --json, stdout is only the JSON report (the mask command went to stderr).
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["id"], "Ann.Auto");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&key));

    // A key given explicitly wins: no exchange happens at all.
    let before = peers
        .requests()
        .iter()
        .filter(|r| r.part == "token")
        .count();
    let package = make_nupkg(&home.path().join("out"), "Ann.Auto", "0.2.0", "", 0);
    let mut env = env.clone();
    env.push(("MY_FEED_KEY".into(), key.clone()));
    let out = push(
        home.path(),
        &env,
        &package,
        &peers.feed_push_url(),
        &["--api-key-env", "MY_FEED_KEY"],
    );
    assert_exit(&out, 0);
    assert!(pynuget.stored_package("Ann.Auto", "0.2.0").is_some());
    let after = peers
        .requests()
        .iter()
        .filter(|r| r.part == "token")
        .count();
    assert_eq!(before, after, "no token exchange when a key was given");
}

#[test]
fn a_gitlab_job_publishes_with_the_id_token_it_was_given() {
    let key = fresh_key();
    let pynuget = PyNuGet::start(&key);
    let peers = world(&pynuget);
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("out"), "Ann.GitLab", "1.0.0", "", 0);
    let env = peers.gitlab_env("good");
    let token = env
        .iter()
        .find(|(k, _)| k == "NUGET_ID_TOKEN")
        .unwrap()
        .1
        .clone();
    let out = push(
        home.path(),
        &env,
        &package,
        &peers.feed_push_url(),
        &["--trusted-publishing", "--user", "ann"],
    );
    assert_exit(&out, 0);
    assert!(pynuget.stored_package("Ann.GitLab", "1.0.0").is_some());
    // No GitHub mask command outside GitHub, and the key is not printed at all.
    assert!(!text(&out).contains(&key), "{}", text(&out));
    let requests = peers.requests();
    assert!(
        requests.iter().all(|r| r.part != "actions"),
        "GitLab's token is not requested"
    );
    for r in &requests {
        let carries = r.everything().contains(&token);
        assert_eq!(carries, r.part == "token", "{} {}", r.method, r.path);
    }
}

/// Each documented refusal reaches the user as its coded cause with its fix,
/// and nothing is published.
#[test]
fn each_documented_refusal_is_explained_with_its_fix() {
    let key = fresh_key();
    let pynuget = PyNuGet::start(&key);
    let peers = world(&pynuget);
    let home = tempfile::tempdir().unwrap();
    // (job, user, code, words of the fix)
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "good",
            "contoso",
            "ci.cause.organization_user",
            "not the organization",
        ),
        (
            "good",
            "someone-else",
            "ci.cause.no_matching_policy",
            "person who created the policy",
        ),
        (
            "other-file",
            "ann",
            "ci.cause.workflow_mismatch",
            "Workflow File",
        ),
        (
            "reusable",
            "ann",
            "ci.cause.reusable_workflow",
            "package's own repository",
        ),
        (
            "staging",
            "bob",
            "ci.cause.environment_mismatch",
            "environment:",
        ),
        (
            "no-env",
            "bob",
            "ci.cause.missing_claim",
            "environment: NAME",
        ),
        ("private", "cy", "ci.cause.policy_expired", "renew"),
    ];
    for (n, (job, user, code, fix)) in cases.iter().enumerate() {
        let version = format!("1.0.{n}");
        let package = make_nupkg(&home.path().join("out"), "Ann.Refused", &version, "", 0);
        let out = push(
            home.path(),
            &peers.github_env(job),
            &package,
            &peers.feed_push_url(),
            &["--trusted-publishing", "--user", user, "--json"],
        );
        assert_exit(&out, 1);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["error"]["code"],
            *code,
            "{job}/{user}: {}",
            text(&out)
        );
        let hint = report["error"]["hint"].as_str().unwrap();
        assert!(hint.contains(fix), "{job}/{user}: {hint}");
        assert!(text(&out).contains("fix:"), "{}", text(&out));
        assert!(pynuget.stored_package("Ann.Refused", &version).is_none());
    }
    let feed_puts = peers
        .requests()
        .iter()
        .filter(|r| r.part == "feed" && r.method == "PUT")
        .count();
    assert_eq!(feed_puts, 0, "a refused exchange never pushes");
}

#[test]
fn a_reused_token_is_refused_with_its_cause() {
    let key = fresh_key();
    let pynuget = PyNuGet::start(&key);
    let peers = world(&pynuget);
    let home = tempfile::tempdir().unwrap();
    let first = make_nupkg(&home.path().join("out"), "Ann.Replay", "1.0.0", "", 0);
    let second = make_nupkg(&home.path().join("out"), "Ann.Replay", "1.0.1", "", 0);
    let args = ["--trusted-publishing", "--user", "ann"];
    let out = push(
        home.path(),
        &peers.github_env("reused"),
        &first,
        &peers.feed_push_url(),
        &args,
    );
    assert_exit(&out, 0);
    let out = push(
        home.path(),
        &peers.github_env("reused"),
        &second,
        &peers.feed_push_url(),
        &args,
    );
    assert_exit(&out, 1);
    assert!(
        text(&out).contains("[ci.cause.token_reused]"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("fresh token"), "{}", text(&out));
    assert!(pynuget.stored_package("Ann.Replay", "1.0.1").is_none());
}

#[test]
fn without_permission_or_user_or_a_nuget_org_feed_nothing_is_asked() {
    let key = fresh_key();
    let pynuget = PyNuGet::start(&key);
    let peers = world(&pynuget);
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("out"), "Ann.Nope", "1.0.0", "", 0);
    let flag = ["--trusted-publishing", "--user", "ann", "--json"];

    // No id-token: write.
    let out = push(
        home.path(),
        &peers.github_env_without_oidc(),
        &package,
        &peers.feed_push_url(),
        &flag,
    );
    assert_eq!(refused_code(&out), "ci.env.no_oidc");
    assert!(text(&out).contains("id-token: write"), "{}", text(&out));

    // No user name.
    let out = push(
        home.path(),
        &peers.github_env("good"),
        &package,
        &peers.feed_push_url(),
        &["--trusted-publishing", "--json"],
    );
    assert_eq!(refused_code(&out), "ci.exchange.user_missing");

    // The key would go to a feed that is not nuget.org (nor loopback under the test endpoint).
    let out = push(
        home.path(),
        &peers.github_env("good"),
        &package,
        "https://www.myget.org/F/ann/api/v2/package",
        &flag,
    );
    assert_eq!(refused_code(&out), "ci.exchange.key_destination");

    // A token endpoint that is neither nuget.org nor loopback is refused before anything is sent.
    let mut env = peers.github_env("good");
    env.retain(|(k, _)| k != "NUPUB_TEST_NUGET_TOKEN_URL");
    env.push((
        "NUPUB_TEST_NUGET_TOKEN_URL".into(),
        "https://collector.example/api/v2/token".into(),
    ));
    let out = push(home.path(), &env, &package, &peers.feed_push_url(), &flag);
    assert_eq!(refused_code(&out), "ci.exchange.endpoint_not_allowed");

    // An empty --api-key-env variable is an error, not a keyless push.
    let out = push(
        home.path(),
        &peers.github_env_without_oidc(),
        &package,
        &peers.feed_push_url(),
        &["--api-key-env", "UNSET_KEY_VAR", "--json"],
    );
    assert_eq!(refused_code(&out), "cli.key.env_empty");

    assert!(pynuget.stored_package("Ann.Nope", "1.0.0").is_none());
    let requests = peers.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.part != "token" && r.part != "actions"),
        "no token was requested or sent: {requests:?}"
    );
}

#[test]
fn in_ci_a_push_never_prompts_even_on_a_terminal() {
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(&home.path().join("out"), "Ann.Quiet", "1.0.0", "", 0);
    let feed = home.path().join("feed");
    let pkg = package.to_string_lossy();
    let feed_arg = feed.to_string_lossy();
    let args = ["push", pkg.as_ref(), "--source", feed_arg.as_ref()];
    // On a terminal, CI=true still refuses to ask (the "y" typed is never read).
    let env = [("CI".to_string(), "true".to_string())];
    let out = cli(home.path(), &env).run_on_terminal(&args, "y\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--yes"), "{}", text(&out));
    assert!(!text(&out).contains("Publish it?"), "{}", text(&out));
    assert!(!feed.join("ann.quiet").exists());
    // Nor does a sign-in start (it would wait for a person at a browser).
    let out = cli(home.path(), &env).run_on_terminal(&["account", "login", "--device"], "");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("[cli.account.login_in_ci]"),
        "{}",
        text(&out)
    );
    // The same terminal without CI asks, and the "y" publishes.
    let out = cli(home.path(), &[]).run_on_terminal(&args, "y\n");
    assert!(text(&out).contains("Publish it?"), "{}", text(&out));
    assert_exit(&out, 0);
    assert!(feed.join("ann.quiet").exists());
}

#[test]
fn doctor_names_each_cause_from_a_job_log() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("job.log");
    std::fs::write(
        &log,
        "2026-05-01T10:00:00.0000000Z ##[group]Run NuGet/login@v1\n\
         2026-05-01T10:00:01.0000000Z ##[error]Token exchange failed (HTTP 401) at https://www.nuget.org/api/v2/token. Make sure you are using the username of the policy creator, not the policy owner: Claim 'job_workflow_ref' has value 'acme/templates/.github/workflows/nuget.yml@refs/heads/main' which does not start with acme/lib/.github/workflows/.\n\
         2026-05-01T10:00:02.0000000Z Warning: Skip output 'api-key' since it may contain secret.\n\
         2026-05-01T10:00:03.0000000Z error: Response status code does not indicate success: 409 (Conflict).\n",
    )
    .unwrap();
    let nupub = cli(home.path(), &[]);
    let out = nupub.run(&["ci", "doctor", &log.to_string_lossy(), "--json"], "");
    assert_exit(&out, 0);
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "ci.cause.reusable_workflow",
            "ci.cause.secret_output_dropped",
            "ci.cause.version_exists"
        ]
    );
    assert_eq!(d["findings"][0]["line"], 2);

    // From stdin, plain text.
    let out = nupub.run(
        &["ci", "doctor", "-"],
        "Error: GitHub OIDC is not available. Ensure your workflow has the required permissions:\n",
    );
    assert_exit(&out, 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("id-token: write"));

    // Nothing known: exit 4; unreadable: exit 1.
    let out = nupub.run(&["ci", "doctor", "-"], "Build succeeded.\n");
    assert_exit(&out, 4);
    let out = nupub.run(&["ci", "doctor", "/nonexistent/job.log", "--json"], "");
    assert_exit(&out, 1);
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["error"]["code"], "cli.doctor.unreadable");
}

fn steps(doc: &yaml_rust2::Yaml) -> Vec<yaml_rust2::Yaml> {
    doc["jobs"]["publish"]["steps"].as_vec().unwrap().clone()
}

fn step_runs(doc: &yaml_rust2::Yaml) -> Vec<String> {
    steps(doc)
        .iter()
        .map(|s| {
            s["run"]
                .as_str()
                .or_else(|| s["uses"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn workflow_for_a_repository_is_valid_yaml_with_policy_values() {
    let home = tempfile::tempdir().unwrap();
    let repo = home.path().join("Widgets.Lib");
    std::fs::create_dir_all(&repo).unwrap();
    let package = fixture_repository(&repo);
    let nupub = cli(home.path(), &[]);
    let pkg = package.to_string_lossy();

    let out = nupub.run(
        &[
            "ci",
            "workflow",
            &pkg,
            "--user",
            "ann",
            "--environment",
            "release",
            "--file-name",
            "nuget.yml",
            "--json",
        ],
        "",
    );
    assert_exit(&out, 0);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["repository"]["owner"], "Ann-Org");
    assert_eq!(plan["repository"]["name"], "Widgets.Lib");
    assert_eq!(plan["repository"]["origin"], "gitRemote");
    assert_eq!(plan["repository"]["defaultBranch"], "trunk");
    assert_eq!(plan["project"], "src/Ann.Widgets/Ann.Widgets.csproj");
    assert_eq!(
        plan["policy"],
        json!({
            "policyName": "nuget",
            "repositoryOwner": "Ann-Org",
            "repository": "Widgets.Lib",
            "workflowFile": "nuget.yml",
            "environment": "release",
            "creator": "ann",
            "page": "https://www.nuget.org/account/trustedpublishing",
        })
    );
    assert_eq!(plan["written"], serde_json::Value::Null);
    assert!(
        !repo.join(".github").exists(),
        "nothing written without --write"
    );

    let docs = yaml_rust2::YamlLoader::load_from_str(plan["yaml"].as_str().unwrap()).unwrap();
    let doc = &docs[0];
    let job = &doc["jobs"]["publish"];
    assert_eq!(job["permissions"]["id-token"].as_str(), Some("write"));
    assert_eq!(job["environment"].as_str(), Some("release"));
    let runs = step_runs(doc);
    assert_eq!(runs[0], "actions/checkout@v4");
    assert_eq!(runs[1], "actions/setup-dotnet@v4");
    assert!(
        runs[2].contains("dotnet pack \"src/Ann.Widgets/Ann.Widgets.csproj\""),
        "{runs:?}"
    );
    assert!(runs[3].contains("nupub"), "install step: {runs:?}");
    let push = &runs[4];
    assert!(
        push.contains("nupub push")
            && push.contains("--trusted-publishing")
            && push.contains("--user \"$NUGET_USER\""),
        "{push}"
    );
    assert_eq!(steps(doc)[4]["env"]["NUGET_USER"].as_str(), Some("ann"));

    // The official route: NuGet/login, then dotnet nuget push with its output.
    let out = nupub.run(&["ci", "workflow", &pkg, "--mode", "dotnet", "--json"], "");
    assert_exit(&out, 0);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(plan["yaml"].as_str().unwrap()).unwrap();
    let all = steps(&docs[0]);
    let login = all
        .iter()
        .find(|s| s["uses"].as_str() == Some("NuGet/login@v1"))
        .unwrap();
    assert_eq!(
        login["with"]["user"].as_str(),
        Some("${{ secrets.NUGET_USER }}")
    );
    let push = all.last().unwrap()["run"].as_str().unwrap();
    assert!(
        push.contains("dotnet nuget push") && push.contains("steps.login.outputs.NUGET_API_KEY"),
        "{push}"
    );
    assert_eq!(plan["secrets"], json!(["NUGET_USER"]));
    assert_eq!(plan["policy"]["workflowFile"], "publish-nuget.yml");

    // MyGet prereleases on pushes to the default branch, key from a secret.
    let out = nupub.run(
        &[
            "ci",
            "workflow",
            &pkg,
            "--mode",
            "myget",
            "--myget-feed",
            "ann-ci",
            "--json",
        ],
        "",
    );
    assert_exit(&out, 0);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(plan["yaml"].as_str().unwrap()).unwrap();
    assert_eq!(docs[0]["on"]["push"]["branches"][0].as_str(), Some("trunk"));
    assert!(step_runs(&docs[0])
        .last()
        .unwrap()
        .contains("--source myget:ann-ci --api-key-env MYGET_API_KEY"));
    assert_eq!(plan["policy"], serde_json::Value::Null);

    // --write writes; a second --write leaves the file alone (exit 3); --force replaces.
    let target = repo.join(".github/workflows/nuget.yml");
    let write = [
        "ci",
        "workflow",
        &pkg,
        "--user",
        "ann",
        "--file-name",
        "nuget.yml",
        "--write",
    ];
    let out = nupub.run(&write, "");
    assert_exit(&out, 0);
    let first = std::fs::read_to_string(&target).unwrap();
    assert!(yaml_rust2::YamlLoader::load_from_str(&first).is_ok());
    std::fs::write(&target, "# mine\n").unwrap();
    let out = nupub.run(&write, "");
    assert_exit(&out, 3);
    assert!(
        text(&out).contains("[ci.workflow.exists]"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# mine\n");
    let mut forced = write.to_vec();
    forced.push("--force");
    let out = nupub.run(&forced, "");
    assert_exit(&out, 0);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), first);

    // Bad values are refused before anything is written.
    let out = nupub.run(
        &[
            "ci",
            "workflow",
            &pkg,
            "--environment",
            "prod\nrun: evil",
            "--write",
            "--file-name",
            "x.yml",
        ],
        "",
    );
    assert_exit(&out, 1);
    assert!(!repo.join(".github/workflows/x.yml").exists());
}

#[test]
fn workflow_without_a_checkout_uses_the_nuspec_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let package = make_nupkg(
        &home.path().join("loose"),
        "Solo.Lib",
        "1.0.0",
        "<repository type=\"git\" url=\"https://github.com/solo/solo-lib.git\" />",
        0,
    );
    let nupub = cli(home.path(), &[]);
    let pkg = package.to_string_lossy();
    let out = nupub.run(&["ci", "workflow", &pkg, "--json"], "");
    assert_exit(&out, 0);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["repository"]["origin"], "nuspec");
    assert_eq!(plan["policy"]["repositoryOwner"], "solo");
    assert_eq!(plan["policy"]["repository"], "solo-lib");
    assert_eq!(plan["target"], serde_json::Value::Null);
    let out = nupub.run(&["ci", "workflow", &pkg, "--write"], "");
    assert_exit(&out, 1);
    assert!(
        text(&out).contains("[ci.workflow.no_checkout]"),
        "{}",
        text(&out)
    );

    // No repository anywhere: said plainly.
    let bare = make_nupkg(&home.path().join("bare"), "Bare.Lib", "1.0.0", "", 0);
    let out = nupub.run(&["ci", "workflow", &bare.to_string_lossy()], "");
    assert_exit(&out, 1);
    assert!(
        text(&out).contains("[ci.workflow.no_repository]"),
        "{}",
        text(&out)
    );
}
