//! The doctor: names the cause of a failed CI publish from the job's log text,
//! and the same catalogue explains nuget.org's token-endpoint answers when
//! `nupub push --trusted-publishing` gets one (one decision, two faces).
//!
//! The texts matched are the documented ones (`shared/spec/lifecycle-and-ci.md`
//! §b.1, §b.2, §b.4): nuget.org's token endpoint messages, NuGet/login's own
//! messages, GitHub's runner warnings, and the push answers. Matching is on a
//! stable fragment of each text, case-insensitive, so a message quoted inside
//! another tool's line (NuGet/login wraps nuget.org's) is still found.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;
use std::sync::OnceLock;
use ts_rs::TS;

/// One known cause: what it is and how to fix it.
#[derive(Debug, Clone, Copy)]
pub struct Cause {
    /// Stable code (`ci.cause.*`).
    pub code: &'static str,
    /// A short name for the cause.
    pub title: &'static str,
    /// What happened, in plain words.
    pub explanation: &'static str,
    /// What to change.
    pub fix: &'static str,
    /// Fragments of the texts that show this cause (any one is enough).
    patterns: &'static [&'static str],
}

/// The nuget.org page where Trusted Publishing policies are created.
pub const POLICY_PAGE: &str = "https://www.nuget.org/account/trustedpublishing";

/// Known causes, most specific first: the first cause whose pattern appears
/// at the earliest position wins for a single message.
pub const CAUSES: &[Cause] = &[
    Cause {
        code: "ci.cause.organization_user",
        title: "The organization's name was sent as the user",
        explanation: "nuget.org does not hand out keys to an organization directly. A Trusted Publishing policy for an organization is created on the profile of one of its administrators, and the user name sent must be that person's.",
        fix: "Set the user (NuGet/login's `user:`, or nupub's `--user`) to the nuget.org user name of the person who created the policy, not the organization's name.",
        patterns: &["Generating fetching tokens directly for organizations is not supported"],
    },
    Cause {
        code: "ci.cause.reusable_workflow",
        title: "The login runs inside a reusable workflow from another repository",
        explanation: "GitHub names the workflow file where the job is defined (the job_workflow_ref claim). When the job comes from a reusable workflow kept in another repository, that claim names the other repository, so it never matches the policy.",
        fix: "Run the login and the push in a workflow file of the package's own repository (a reusable workflow from the same repository is fine), and name that file in the policy's Workflow File.",
        patterns: &["which does not start with"],
    },
    Cause {
        code: "ci.cause.workflow_mismatch",
        title: "The policy names another workflow file",
        explanation: "The policy's Workflow File must be the file name (for example publish.yml) of the workflow that runs the login; this run came from a different file.",
        fix: "Edit the policy on nuget.org so Workflow File is exactly the file name of this workflow (only the name, without .github/workflows/), or run the publish from the file the policy names.",
        patterns: &["Workflow mismatch for policy"],
    },
    Cause {
        code: "ci.cause.environment_mismatch",
        title: "The policy names another environment",
        explanation: "The policy says which GitHub environment the job must run in, and this job ran in another one.",
        fix: "Make the job's `environment:` the same as the policy's Environment, or change (or clear) the Environment in the policy.",
        patterns: &["Environment mismatch for policy"],
    },
    Cause {
        code: "ci.cause.missing_claim",
        title: "The token lacks a claim the policy needs",
        explanation: "The policy asks for something the job's token does not carry; most often the policy names an environment and the job has no `environment:` line.",
        fix: "Add `environment: NAME` (the policy's Environment) to the publishing job, or clear the Environment in the policy.",
        patterns: &["is missing the required claim"],
    },
    Cause {
        code: "ci.cause.policy_expired",
        title: "The policy expired before its first use",
        explanation: "A new policy (usually for a private repository) is only temporarily active: it must be used by a successful publish within 7 days, and this one was not.",
        fix: "Sign in to nuget.org, open the Trusted Publishing page and renew (restart) the policy, then run the workflow again within 7 days.",
        patterns: &["has expired. Sign in and renew the trust policy"],
    },
    Cause {
        code: "ci.cause.token_reused",
        title: "The same CI token was sent twice",
        explanation: "Each OIDC token from the CI can be exchanged for a key only once. A retry or a second push reused a token that was already spent.",
        fix: "Ask the CI for a fresh token before every exchange (run NuGet/login again, or let `nupub push --trusted-publishing` fetch its own each time); do not cache or pass the token between steps.",
        patterns: &["This bearer token has already been used"],
    },
    Cause {
        code: "ci.cause.event_not_allowed",
        title: "The workflow was started by an event nuget.org does not accept",
        explanation: "nuget.org refuses tokens from some GitHub Actions events (the run's event_name).",
        fix: "Start the publishing workflow from a push, a tag, a release or workflow_dispatch instead.",
        patterns: &["The GitHub Actions event '"],
    },
    Cause {
        code: "ci.cause.no_matching_policy",
        title: "No policy created by this user matches the run",
        explanation: "nuget.org looked at the Trusted Publishing policies created by the user name sent and none matched. Either the name is not the policy creator's (an organization's name, another account or an e-mail address do not work), or the policy's repository owner or repository differ from this run's (nuget.org does not say which, on purpose).",
        fix: "Send the nuget.org user name of the person who created the policy (their profile name), and check that the policy's Repository Owner and Repository are exactly this repository's.",
        patterns: &["No matching trust policy owned by user"],
    },
    Cause {
        code: "ci.cause.no_id_token_permission",
        title: "The job may not ask GitHub for an OIDC token",
        explanation: "GitHub only gives a job an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN) when the job has the id-token: write permission.",
        fix: "Add `permissions:` with `id-token: write` (and `contents: read`) to the publishing job. Workflows started from a fork's pull request never get it.",
        patterns: &[
            "GitHub OIDC is not available",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN is missing",
            "ACTIONS_ID_TOKEN_REQUEST_URL is missing",
            "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL",
            "Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "no OIDC token can be requested in this job",
        ],
    },
    Cause {
        code: "ci.cause.wrong_audience",
        title: "The token was requested for another audience",
        explanation: "nuget.org only accepts tokens whose audience is https://www.nuget.org.",
        fix: "Remove any `audience:` input from NuGet/login (the default is right); nupub always asks for https://www.nuget.org.",
        patterns: &["has an incorrect audience"],
    },
    Cause {
        code: "ci.cause.token_expired",
        title: "The CI token expired before it was exchanged",
        explanation: "The OIDC token is short-lived and was too old when it reached nuget.org.",
        fix: "Fetch the token right before the exchange (put the login step directly before the push).",
        patterns: &["The JSON web token has expired", "is not yet valid"],
    },
    Cause {
        code: "ci.cause.unsupported_token",
        title: "nuget.org could not use the token",
        explanation: "The token is not one nuget.org accepts: it is not a JSON web token, its issuer is not a supported CI (GitHub Actions at token.actions.githubusercontent.com, or gitlab.com), or its signature could not be checked.",
        fix: "Publish from a GitHub-hosted workflow or gitlab.com with the token the CI issues itself; GitHub Enterprise Server and self-managed GitLab are not supported by nuget.org's Trusted Publishing.",
        patterns: &[
            "iss claim is not supported",
            "has an invalid signature",
            "could not be validated",
            "could not be parsed as a JSON web token",
            "must have an iss claim",
            "must have a jti claim",
        ],
    },
    Cause {
        code: "ci.cause.gitlab_ref",
        title: "The GitLab policy names another branch",
        explanation: "The policy's ref must be the branch the job runs on (tags and merge-request refs do not count).",
        fix: "Run the publish job on the branch the policy names, or change the policy's ref.",
        patterns: &["Ref mismatch for policy", "must be a branch."],
    },
    Cause {
        code: "ci.cause.permissions_lost",
        title: "The policy's creator can no longer publish for the package owner",
        explanation: "The key nuget.org would issue has no valid scope: the policy's creator no longer has permission to publish for the package owner named in the policy (for example they left the organization).",
        fix: "Have a current administrator of the package owner create a new policy, and send their user name.",
        patterns: &["The scopes on the generated API key are not valid", "not longer exists"],
    },
    Cause {
        code: "ci.cause.account_state",
        title: "The nuget.org account cannot publish",
        explanation: "The account named is deleted, locked or has no confirmed e-mail address.",
        fix: "Sign in to nuget.org and confirm the e-mail address or contact support@nuget.org about the lock; or send another administrator's user name.",
        patterns: &[
            "does not have a confirmed email address",
            "is locked.",
            "is deleted.",
        ],
    },
    Cause {
        code: "ci.cause.secret_output_dropped",
        title: "The key was passed to another job",
        explanation: "GitHub drops job outputs that contain a secret, so a key from NuGet/login never reaches another job.",
        fix: "Run the login and the push in the same job, one step after the other.",
        patterns: &["since it may contain secret"],
    },
    Cause {
        code: "ci.cause.key_not_authorized",
        title: "nuget.org refused the key for this package",
        explanation: "The push was refused: the temporary key expired (it lives one hour), or the policy's package owner and scopes do not cover this package id.",
        fix: "Get the key right before pushing, and check that the policy's package owner owns this package id (or, for a new id, may create it).",
        patterns: &["does not have permission to access the specified package"],
    },
    Cause {
        code: "ci.cause.version_exists",
        title: "This version is already on the feed",
        explanation: "A version can be published only once; the feed already has it.",
        fix: "Raise the package version, or add --skip-duplicate (dotnet nuget push) so reruns pass.",
        patterns: &["409 (Conflict)", "409 (CONFLICT)", "already exists"],
    },
    Cause {
        code: "ci.cause.rate_limited",
        title: "Too many requests",
        explanation: "nuget.org limits how often one key may push (350 pushes an hour).",
        fix: "Wait the time nuget.org names and run the job again; push fewer packages per hour.",
        patterns: &["Rate limit is exceeded"],
    },
    Cause {
        code: "ci.cause.oidc_request_failed",
        title: "GitHub did not hand out the OIDC token",
        explanation: "The job asked GitHub's token service for an OIDC token and got an error.",
        fix: "Run the job again; if it keeps failing check the `audience` input and GitHub's status page.",
        patterns: &["Failed to retrieve OIDC token from GitHub", "GitHub's OIDC token service answered"],
    },
    Cause {
        code: "ci.cause.user_missing",
        title: "No nuget.org user name was given",
        explanation: "The exchange needs the nuget.org user name of the policy's creator, and the step has none.",
        fix: "Give NuGet/login its `user:` input (or nupub `--user NAME`), the policy creator's nuget.org profile name.",
        patterns: &["Input required and not supplied: user", "needs the nuget.org user name"],
    },
];

/// One cause found in a log, with where it showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DoctorFinding {
    pub code: String,
    pub title: String,
    pub explanation: String,
    pub fix: String,
    /// 1-based line number in the pasted text.
    pub line: u32,
    /// The line as pasted (trimmed, shortened, anything that looks like a
    /// token or key replaced by `***`).
    pub excerpt: String,
}

/// The doctor's answer for a pasted log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Diagnosis {
    /// Causes found, in the order they first appear in the log.
    pub findings: Vec<DoctorFinding>,
    /// Lines read (the doctor reads at most [`MAX_LOG_BYTES`]).
    pub lines_read: u32,
    /// The text was longer than the doctor reads; only the start was read.
    pub truncated: bool,
    /// The link to nuget.org's Trusted Publishing page.
    pub policy_page: String,
}

/// The most log text the doctor reads (16 MiB); a longer paste is cut.
pub const MAX_LOG_BYTES: usize = 16 * 1024 * 1024;
const MAX_EXCERPT_CHARS: usize = 300;

/// One automaton over every cause's patterns (ASCII case-insensitive,
/// leftmost match first, ties to the cause listed first).
fn matcher() -> Option<&'static (AhoCorasick, Vec<usize>)> {
    static MATCHER: OnceLock<Option<(AhoCorasick, Vec<usize>)>> = OnceLock::new();
    MATCHER
        .get_or_init(|| {
            let mut patterns = Vec::new();
            let mut owners = Vec::new();
            for (index, cause) in CAUSES.iter().enumerate() {
                for pattern in cause.patterns {
                    patterns.push(*pattern);
                    owners.push(index);
                }
            }
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(patterns)
                .ok()
                .map(|ac| (ac, owners))
        })
        .as_ref()
}

/// The cause whose pattern appears first in `message`.
pub fn cause_of(message: &str) -> Option<&'static Cause> {
    let (ac, owners) = matcher()?;
    let found = ac.find(message)?;
    owners
        .get(found.pattern().as_usize())
        .and_then(|i| CAUSES.get(*i))
}

/// Reads a job log and names each known cause once, in the order they first
/// appear (one cause per line: the one whose text starts first). The text is
/// read up to [`MAX_LOG_BYTES`].
pub fn diagnose(text: &str) -> Diagnosis {
    let truncated = text.len() > MAX_LOG_BYTES;
    let mut end = text.len().min(MAX_LOG_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let mut findings: Vec<DoctorFinding> = Vec::new();
    let mut lines_read = 0u32;
    for (index, line) in text.lines().enumerate() {
        lines_read = lines_read.saturating_add(1);
        let Some(cause) = cause_of(line) else {
            continue;
        };
        if findings.iter().any(|f| f.code == cause.code) {
            continue;
        }
        findings.push(DoctorFinding {
            code: cause.code.into(),
            title: cause.title.into(),
            explanation: cause.explanation.into(),
            fix: cause.fix.into(),
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            excerpt: excerpt(line),
        });
    }
    Diagnosis {
        findings,
        lines_read,
        truncated,
        policy_page: POLICY_PAGE.into(),
    }
}

/// A log line fit to show back: trimmed, shortened, with anything that looks
/// like a JSON web token or a nuget.org key replaced by `***`.
fn excerpt(line: &str) -> String {
    let words: Vec<String> = line
        .trim()
        .split(' ')
        .map(|word| {
            if looks_secret(word) {
                "***".to_string()
            } else {
                word.to_string()
            }
        })
        .collect();
    let joined = words.join(" ");
    if joined.chars().count() > MAX_EXCERPT_CHARS {
        let cut: String = joined.chars().take(MAX_EXCERPT_CHARS).collect();
        format!("{cut}…")
    } else {
        joined
    }
}

fn looks_secret(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let jwt = core.starts_with("eyJ") && core.matches('.').count() >= 2 && core.len() > 40;
    let nuget_key = core.starts_with("oy2") && core.len() >= 40;
    jwt || nuget_key
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented failure texts (spec §b.1, §b.2, §b.4), each with its cause.
    const DOCUMENTED: &[(&str, &str)] = &[
        ("Error: Token exchange failed (HTTP 401) at https://www.nuget.org/api/v2/token. Make sure you are using the username of the policy creator, not the policy owner: No matching trust policy owned by user 'contoso' was found.", "ci.cause.no_matching_policy"),
        ("Generating fetching tokens directly for organizations is not supported. The trust policy is created on the profile of one of the organization's administrators and is scoped to the organization in the policy.", "ci.cause.organization_user"),
        ("Claim 'job_workflow_ref' has value 'org/shared/.github/workflows/x.yml@refs/heads/main' which does not start with org/repo/.github/workflows/.", "ci.cause.reusable_workflow"),
        ("Workflow mismatch for policy 'release': expected 'release.yml', actual 'publish.yml'", "ci.cause.workflow_mismatch"),
        ("Environment mismatch for policy 'release': expected 'prod', actual 'staging'", "ci.cause.environment_mismatch"),
        ("The JSON Web Token is missing the required claim 'environment'.", "ci.cause.missing_claim"),
        ("The policy 'release' has expired. Sign in and renew the trust policy on the Trusted Publishing page.", "ci.cause.policy_expired"),
        ("This bearer token has already been used. A new bearer token must be used for each request.", "ci.cause.token_reused"),
        ("The GitHub Actions event 'pull_request_target' is not allowed.", "ci.cause.event_not_allowed"),
        ("Error: GitHub OIDC is not available. Ensure your workflow has the required permissions:", "ci.cause.no_id_token_permission"),
        ("Error: ACTIONS_ID_TOKEN_REQUEST_TOKEN is missing. Ensure your workflow has the required permissions", "ci.cause.no_id_token_permission"),
        ("Error: ACTIONS_ID_TOKEN_REQUEST_URL is missing.", "ci.cause.no_id_token_permission"),
        ("The JSON web token has an incorrect audience.", "ci.cause.wrong_audience"),
        ("The JSON web token has expired.", "ci.cause.token_expired"),
        ("The JSON web token iss claim is not supported.", "ci.cause.unsupported_token"),
        ("Ref mismatch for policy 'gl': expected 'main', actual 'dev'", "ci.cause.gitlab_ref"),
        ("Ref 'v1.0' for policy 'gl' must be a branch.", "ci.cause.gitlab_ref"),
        ("The scopes on the generated API key are not valid. Confirm that you still have permissions to operate on behalf of package owner 'contoso'.", "ci.cause.permissions_lost"),
        ("The user 'ann' does not have a confirmed email address.", "ci.cause.account_state"),
        ("The user 'ann' is locked.", "ci.cause.account_state"),
        ("Warning: Skip output 'api-key' since it may contain secret.", "ci.cause.secret_output_dropped"),
        ("Response status code does not indicate success: 403 (The specified API key is invalid, has expired, or does not have permission to access the specified package.).", "ci.cause.key_not_authorized"),
        ("Response status code does not indicate success: 409 (Conflict).", "ci.cause.version_exists"),
        ("{\"statusCode\": 429, \"message\": \"Rate limit is exceeded. Try again in 56 seconds.\"}", "ci.cause.rate_limited"),
        ("Error: Failed to retrieve OIDC token from GitHub (HTTP 500). Verify that the audience is correct and that the token service URL is reachable.", "ci.cause.oidc_request_failed"),
        ("Error: Input required and not supplied: user", "ci.cause.user_missing"),
    ];

    #[test]
    fn every_documented_text_names_its_cause() {
        assert!(DOCUMENTED.len() >= 20);
        for (text, code) in DOCUMENTED {
            let cause = cause_of(text).unwrap_or_else(|| panic!("no cause for {text}"));
            assert_eq!(cause.code, *code, "{text}");
            let found = diagnose(text);
            assert_eq!(found.findings.len(), 1, "{text}: {found:?}");
            assert_eq!(found.findings[0].code, *code);
        }
    }

    #[test]
    fn every_cause_has_a_valid_unique_code_and_words() {
        let mut codes: Vec<&str> = CAUSES.iter().map(|c| c.code).collect();
        for cause in CAUSES {
            assert!(nupub_error::is_valid_code(cause.code), "{}", cause.code);
            assert!(!cause.patterns.is_empty() && !cause.fix.is_empty());
            assert!(!cause.explanation.is_empty() && !cause.title.is_empty());
        }
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len(), "duplicate cause codes");
    }

    #[test]
    fn a_real_job_log_gives_causes_in_order_with_line_numbers() {
        let log = "2026-01-01T00:00:00Z ##[group]Run NuGet/login@v1\n\
            2026-01-01T00:00:01Z Warning: Skip output 'api-key' since it may contain secret.\n\
            2026-01-01T00:00:02Z ##[error]Token exchange failed (HTTP 401) at https://www.nuget.org/api/v2/token. Make sure you are using the username of the policy creator, not the policy owner: Workflow mismatch for policy 'p': expected 'a.yml', actual 'b.yml'\n\
            2026-01-01T00:00:03Z Warning: Skip output 'api-key' since it may contain secret.\n";
        let d = diagnose(log);
        let codes: Vec<&str> = d.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "ci.cause.secret_output_dropped",
                "ci.cause.workflow_mismatch"
            ]
        );
        assert_eq!(d.findings[1].line, 3);
        assert_eq!(d.lines_read, 4);
        assert!(!d.truncated);
    }

    #[test]
    fn an_unrelated_log_names_nothing() {
        let d = diagnose("Restore complete\nBuild succeeded.\n    0 Warning(s)\n");
        assert_eq!(d.findings, Vec::new());
        assert_eq!(d.lines_read, 3);
        let d = diagnose("");
        assert_eq!(d.findings.len(), 0);
    }

    #[test]
    fn excerpts_hide_tokens_and_keys() {
        let jwt = format!("eyJhbGciOiJSUzI1NiJ9.{}.{}", "a".repeat(40), "b".repeat(20));
        let key = format!("oy2{}", "q".repeat(43));
        let line = format!("Bearer {jwt} key {key}: This bearer token has already been used.");
        let d = diagnose(&line);
        assert_eq!(d.findings.len(), 1);
        let excerpt = &d.findings[0].excerpt;
        assert!(
            !excerpt.contains(&jwt) && !excerpt.contains(&key),
            "{excerpt}"
        );
        assert!(excerpt.contains("***"), "{excerpt}");
    }

    #[test]
    fn huge_input_is_cut_not_refused() {
        let mut text = format!("{}\n", "x".repeat(999)).repeat(MAX_LOG_BYTES / 1000 + 10);
        text.push_str("This bearer token has already been used.\n");
        let d = diagnose(&text);
        assert!(d.truncated);
        assert_eq!(d.findings.len(), 0, "the cause after the cut is not read");
        // Multi-byte text cut in the middle of a character does not panic.
        let wide = "é".repeat(MAX_LOG_BYTES / 2 + 1);
        assert!(diagnose(&wide).truncated);
    }
}
