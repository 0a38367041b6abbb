//! Which CI a process runs in, read from the variables the CI sets.
//!
//! | CI | Marker | OIDC token |
//! |---|---|---|
//! | GitHub Actions | `GITHUB_ACTIONS=true` | requested from `ACTIONS_ID_TOKEN_REQUEST_URL` with `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (both set only when the job has `id-token: write`) |
//! | GitLab CI | `GITLAB_CI=true` | given to the job in the variable its `id_tokens:` names; nuget.org's docs use `NUGET_ID_TOKEN` |
//!
//! Non-interactive: `CI` set to anything but empty, `false` or `0` (every
//! major CI sets `CI=true`) means nothing may prompt or wait for input.

use nupub_feeds::ApiKey;
use serde::Serialize;
use ts_rs::TS;

/// The variable GitLab jobs put the nuget.org ID token in (nuget.org's docs).
pub const GITLAB_TOKEN_VARIABLE: &str = "NUGET_ID_TOKEN";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CiKind {
    GitHubActions,
    GitLab,
    /// `CI` is set but the CI is not one Nupub knows.
    OtherCi,
    /// Not in CI.
    None,
}

/// Where this job's OIDC token comes from.
#[derive(Debug, Clone)]
pub enum OidcSource {
    /// Ask GitHub's token service (`GET url&audience=…`, bearer `request_token`).
    GitHub {
        request_url: String,
        request_token: ApiKey,
    },
    /// GitLab gave the token to the job already.
    GitLab { id_token: ApiKey },
}

/// What the environment says about the CI.
#[derive(Debug, Clone)]
pub struct CiEnvironment {
    pub kind: CiKind,
    pub oidc: Option<OidcSource>,
    /// `GITHUB_REPOSITORY` (`owner/repo`) or GitLab's `CI_PROJECT_PATH`.
    pub repository: Option<String>,
    /// `GITHUB_WORKFLOW_REF` (`owner/repo/.github/workflows/file.yml@ref`).
    pub workflow_ref: Option<String>,
    /// Nothing may prompt (see the module documentation).
    pub non_interactive: bool,
    /// Only one of the two GitHub OIDC variables is set (a broken runner setup).
    half_github_oidc: Option<&'static str>,
}

impl CiEnvironment {
    /// Reads the process environment.
    pub fn from_process() -> CiEnvironment {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the environment through `get` (tests pass a map).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> CiEnvironment {
        let set = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let truthy = |name: &str| {
            set(name)
                .is_some_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "0"))
        };
        let kind = if truthy("GITHUB_ACTIONS") {
            CiKind::GitHubActions
        } else if truthy("GITLAB_CI") {
            CiKind::GitLab
        } else if truthy("CI") {
            CiKind::OtherCi
        } else {
            CiKind::None
        };
        let url = set("ACTIONS_ID_TOKEN_REQUEST_URL");
        let token = set("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        let half_github_oidc = match (&url, &token) {
            (Some(_), None) => Some("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
            (None, Some(_)) => Some("ACTIONS_ID_TOKEN_REQUEST_URL"),
            _ => None,
        };
        let oidc = match (url, token, set(GITLAB_TOKEN_VARIABLE)) {
            (Some(request_url), Some(token), _) => Some(OidcSource::GitHub {
                request_url,
                request_token: ApiKey::new(token),
            }),
            (_, _, Some(id_token)) => Some(OidcSource::GitLab {
                id_token: ApiKey::new(id_token.trim()),
            }),
            _ => None,
        };
        CiEnvironment {
            kind,
            oidc,
            repository: set("GITHUB_REPOSITORY").or_else(|| set("CI_PROJECT_PATH")),
            workflow_ref: set("GITHUB_WORKFLOW_REF"),
            non_interactive: kind != CiKind::None,
            half_github_oidc,
        }
    }

    /// Whether a push may use Trusted Publishing without being asked to:
    /// the CI's OIDC variables are present.
    pub fn has_oidc(&self) -> bool {
        self.oidc.is_some()
    }

    /// Why no OIDC token can be had here, in plain words.
    pub fn why_no_oidc(&self) -> String {
        if let Some(missing) = self.half_github_oidc {
            return format!("{missing} is not set although the other GitHub OIDC variable is, so no OIDC token can be requested in this job");
        }
        match self.kind {
            CiKind::GitHubActions => "this GitHub Actions job has no ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN: no OIDC token can be requested in this job (it lacks the id-token: write permission)".into(),
            CiKind::GitLab => format!("this GitLab job has no {GITLAB_TOKEN_VARIABLE} variable: its id_tokens section does not ask for a token for https://www.nuget.org"),
            CiKind::OtherCi | CiKind::None => "Trusted Publishing works only inside a GitHub Actions or GitLab CI job, and this is neither".into(),
        }
    }
}

/// Whether prompts are forbidden: in CI, or `stdin_is_terminal` is false.
pub fn never_prompt(stdin_is_terminal: bool) -> bool {
    !stdin_is_terminal || CiEnvironment::from_process().non_interactive
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> CiEnvironment {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        CiEnvironment::from_vars(|name| map.get(name).cloned())
    }

    #[test]
    fn github_with_the_permission_has_oidc() {
        let e = env(&[
            ("CI", "true"),
            ("GITHUB_ACTIONS", "true"),
            (
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                "https://x.example/t?api-version=2.0",
            ),
            ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "rt"),
            ("GITHUB_REPOSITORY", "ann/lib"),
        ]);
        assert_eq!(e.kind, CiKind::GitHubActions);
        assert!(e.has_oidc() && e.non_interactive);
        assert_eq!(e.repository.as_deref(), Some("ann/lib"));
        assert!(matches!(e.oidc, Some(OidcSource::GitHub { .. })));
    }

    #[test]
    fn github_without_the_permission_says_so() {
        let e = env(&[("CI", "true"), ("GITHUB_ACTIONS", "true")]);
        assert!(!e.has_oidc());
        assert!(
            e.why_no_oidc().contains("id-token: write"),
            "{}",
            e.why_no_oidc()
        );
        let e = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("ACTIONS_ID_TOKEN_REQUEST_URL", "u"),
        ]);
        assert!(!e.has_oidc());
        assert!(e
            .why_no_oidc()
            .starts_with("ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set"));
    }

    #[test]
    fn gitlab_token_comes_from_its_variable() {
        let e = env(&[("GITLAB_CI", "true"), ("NUGET_ID_TOKEN", "jwt\n")]);
        assert_eq!(e.kind, CiKind::GitLab);
        match &e.oidc {
            Some(OidcSource::GitLab { id_token }) => assert_eq!(id_token.expose(), "jwt"),
            other => panic!("{other:?}"),
        }
        let e = env(&[("GITLAB_CI", "true")]);
        assert!(e.why_no_oidc().contains("NUGET_ID_TOKEN"));
    }

    #[test]
    fn ci_false_is_interactive() {
        assert!(!env(&[("CI", "false")]).non_interactive);
        assert!(!env(&[("CI", "0")]).non_interactive);
        assert!(!env(&[]).non_interactive);
        assert!(env(&[("CI", "1")]).non_interactive);
        assert_eq!(env(&[("CI", "yes")]).kind, CiKind::OtherCi);
    }
}
