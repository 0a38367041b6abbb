//! A simulated GitHub Actions job for Trusted Publishing tests: the REAL
//! oidc-provider issues the job's OIDC tokens (GitHub's claim set), and
//! `peers/ci_fakes.mjs` — FAKES BY NECESSITY, labelled at its top — plays
//! GitHub's token-request endpoint and nuget.org's token endpoint (answering
//! with the REAL pynuget's key) and passes feed requests through to pynuget,
//! recording every request so tests can see where each token went.

use crate::oidc::OidcProvider;
use crate::paths::{peers_dir, require};
use crate::process::{free_port, PeerProcess};
use crate::pynuget::PyNuGet;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One trust policy on the fake nuget.org.
#[derive(Debug, Clone)]
pub struct Policy {
    pub name: &'static str,
    pub creator: &'static str,
    pub repository_owner: &'static str,
    pub repository: &'static str,
    pub workflow_file: &'static str,
    pub environment: Option<&'static str>,
    pub expired: bool,
}

impl Policy {
    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "creator": self.creator,
            "repositoryOwner": self.repository_owner,
            "repository": self.repository,
            "workflowFile": self.workflow_file,
            "environment": self.environment,
            "expired": self.expired,
        })
    }
}

/// GitHub's claims for a job of `owner/repo` running `.github/workflows/{file}`,
/// defined in `job_repo` (the same repository unless it is a reusable workflow).
pub fn github_claims(
    owner: &str,
    repo: &str,
    file: &str,
    job_repo: &str,
    environment: Option<&str>,
) -> Value {
    let mut claims = json!({
        "repository": format!("{owner}/{repo}"),
        "repository_owner": owner,
        "repository_id": "123456",
        "repository_owner_id": "654321",
        "workflow_ref": format!("{owner}/{repo}/.github/workflows/{file}@refs/heads/main"),
        "job_workflow_ref": format!("{job_repo}/.github/workflows/{file}@refs/heads/main"),
        "event_name": "push",
        "ref": "refs/heads/main",
        "ref_type": "branch",
        "sub": format!("repo:{owner}/{repo}:ref:refs/heads/main"),
    });
    if let Some(env) = environment {
        claims["environment"] = json!(env);
    }
    claims
}

/// One recorded request to the fakes.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `actions`, `token`, `feed` or `other`.
    pub part: String,
    pub method: String,
    pub path: String,
    pub headers: Value,
    pub body: String,
}

impl Recorded {
    /// Every header value and the body, as one text to search.
    pub fn everything(&self) -> String {
        format!(
            "{} {}\n{}\n{}",
            self.method, self.path, self.headers, self.body
        )
    }
}

pub struct CiPeers {
    provider: OidcProvider,
    process: PeerProcess,
    port: u16,
    log: tempfile::TempDir,
}

impl CiPeers {
    /// Starts the issuer with `jobs` (name → claims) and the fakes with
    /// `policies`, the organization names `orgs`, and jobs whose token is
    /// handed out again unchanged (`reuse`), in front of `pynuget`.
    pub fn start(
        jobs: &Value,
        policies: &[Policy],
        orgs: &[&str],
        reuse: &[&str],
        pynuget: &PyNuGet,
    ) -> CiPeers {
        let provider = OidcProvider::start_ci_issuer(jobs);
        let log = tempfile::tempdir().expect("log folder");
        let port = free_port();
        let mut command = Command::new("node");
        command
            .arg(require(
                peers_dir().join("ci_fakes.mjs"),
                "tests/peers/ci_fakes.mjs",
            ))
            .arg(port.to_string())
            .env("NUPUB_TEST_ISSUER", provider.issuer())
            .env("NUPUB_TEST_CI_SECRET", "ci-secret")
            .env(
                "NUPUB_TEST_POLICIES",
                Value::Array(policies.iter().map(Policy::to_json).collect()).to_string(),
            )
            .env("NUPUB_TEST_ORGS", json!(orgs).to_string())
            .env("NUPUB_TEST_REUSE_JOBS", json!(reuse).to_string())
            .env("NUPUB_TEST_API_KEY", pynuget.api_key())
            .env("NUPUB_TEST_FEED", pynuget.base_url())
            .env("NUPUB_TEST_CI_LOG", log.path().join("requests.jsonl"));
        let mut process = PeerProcess::spawn("ci-fakes", command);
        process.wait_for_port(port, crate::process::PEER_START_LIMIT);
        CiPeers {
            provider,
            process,
            port,
            log,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The fake nuget.org token endpoint (for `NUPUB_TEST_NUGET_TOKEN_URL`).
    pub fn token_url(&self) -> String {
        format!("{}/api/v2/token", self.base_url())
    }

    /// pynuget's V2 push URL, through the recording pass-through.
    pub fn feed_push_url(&self) -> String {
        format!("{}/feed/api/v2/package", self.base_url())
    }

    /// The variables a GitHub Actions runner sets for `job` with
    /// `id-token: write`, plus the test token endpoint.
    pub fn github_env(&self, job: &str) -> Vec<(String, String)> {
        let mut env = self.github_env_without_oidc();
        env.push((
            "ACTIONS_ID_TOKEN_REQUEST_URL".into(),
            format!("{}/actions/token?api-version=2.0", self.base_url()),
        ));
        env.push(("ACTIONS_ID_TOKEN_REQUEST_TOKEN".into(), job.into()));
        env
    }

    /// A GitHub Actions job without `id-token: write` (no OIDC variables).
    pub fn github_env_without_oidc(&self) -> Vec<(String, String)> {
        vec![
            ("CI".into(), "true".into()),
            ("GITHUB_ACTIONS".into(), "true".into()),
            ("GITHUB_REPOSITORY".into(), "ann/widgets".into()),
            ("NUPUB_TEST_NUGET_TOKEN_URL".into(), self.token_url()),
        ]
    }

    /// A GitLab CI job: GitLab hands the job its ID token in `NUGET_ID_TOKEN`
    /// (its `id_tokens:` section); here the real issuer signs it for `job`.
    pub fn gitlab_env(&self, job: &str) -> Vec<(String, String)> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", job),
            ("client_secret", "ci-secret"),
            ("resource", "https://www.nuget.org"),
            ("scope", "publish"),
        ];
        let mut response = ureq::post(format!("{}/token", self.provider.issuer()))
            .send_form(form)
            .expect("the issuer hands out a token");
        let answer: Value =
            serde_json::from_str(&response.body_mut().read_to_string().expect("token body"))
                .expect("token JSON");
        let token = answer["access_token"].as_str().expect("access_token");
        vec![
            ("CI".into(), "true".into()),
            ("GITLAB_CI".into(), "true".into()),
            ("CI_PROJECT_PATH".into(), "ann/widgets".into()),
            ("NUGET_ID_TOKEN".into(), token.into()),
            ("NUPUB_TEST_NUGET_TOKEN_URL".into(), self.token_url()),
        ]
    }

    /// Every request the fakes received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        let text =
            std::fs::read_to_string(self.log.path().join("requests.jsonl")).unwrap_or_default();
        text.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .map(|v| Recorded {
                part: v["part"].as_str().unwrap_or_default().into(),
                method: v["method"].as_str().unwrap_or_default().into(),
                path: v["path"].as_str().unwrap_or_default().into(),
                headers: v["headers"].clone(),
                body: v["body"].as_str().unwrap_or_default().into(),
            })
            .collect()
    }

    /// The folder holding the request log.
    pub fn log_dir(&self) -> PathBuf {
        self.log.path().to_path_buf()
    }

    pub fn provider(&self) -> &OidcProvider {
        &self.provider
    }

    pub fn process(&self) -> &PeerProcess {
        &self.process
    }
}

/// A git checkout of `github.com/Ann-Org/Widgets.Lib` as `git clone` leaves it
/// (origin remote over ssh, origin/HEAD → trunk), with the project
/// `src/Ann.Widgets/Ann.Widgets.csproj`, another project, and the package
/// `Ann.Widgets 2.0.0` (whose `<repository>` names the same repository) in its
/// `bin/Release`. Returns the package's path. Needs the `git` program.
pub fn fixture_repository(root: &Path) -> PathBuf {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["init", "--quiet", "--initial-branch=trunk"]);
    run(&[
        "remote",
        "add",
        "origin",
        "git@github.com:Ann-Org/Widgets.Lib.git",
    ]);
    run(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/trunk",
    ]);
    std::fs::create_dir_all(root.join("src/Ann.Widgets")).unwrap();
    std::fs::write(
        root.join("src/Ann.Widgets/Ann.Widgets.csproj"),
        "<Project Sdk=\"Microsoft.NET.Sdk\" />",
    )
    .unwrap();
    std::fs::write(
        root.join("src/Other.csproj"),
        "<Project Sdk=\"Microsoft.NET.Sdk\" />",
    )
    .unwrap();
    crate::packages::make_nupkg(
        &root.join("src/Ann.Widgets/bin/Release"),
        "Ann.Widgets",
        "2.0.0",
        "<repository type=\"git\" url=\"https://github.com/Ann-Org/Widgets.Lib\" />",
        0,
    )
}
