//! The errors of publishing from CI, each with a stable code and a fix.
//! No variant ever holds a token or a key.

use crate::doctor::Cause;
use nupub_error::Coded;

#[derive(Debug, thiserror::Error)]
pub enum CiError {
    /// Not in a CI job that can hand out an OIDC token.
    #[error("{0}")]
    NoOidc(String),

    /// The nuget.org user name (the policy creator's) was not given.
    #[error("Trusted Publishing needs the nuget.org user name of the person who created the policy, and none was given")]
    UserMissing,

    /// A value given by the user cannot be used (user name, file name, environment…).
    #[error("{what} '{value}' cannot be used: {reason}")]
    InvalidValue {
        what: &'static str,
        value: String,
        reason: String,
    },

    /// The CI's token service refused or failed.
    #[error("GitHub's OIDC token service answered HTTP {status}{detail}")]
    OidcRequest { status: u16, detail: String },

    /// The CI's token service answered something that is not a token.
    #[error("the CI's OIDC token service answered without a token ({0})")]
    OidcResponse(String),

    /// No network answer from the CI's token service or from nuget.org.
    #[error("could not reach {what}: {detail}")]
    Network { what: String, detail: String },

    /// The token endpoint refused the exchange; `cause` explains it when known.
    #[error("nuget.org refused to exchange the CI's token for an API key (HTTP {status}): {server_message}{}", cause.map(|c| format!(". {}", c.explanation)).unwrap_or_default())]
    Refused {
        status: u16,
        server_message: String,
        cause: Option<&'static Cause>,
    },

    /// The token endpoint said yes but sent no key.
    #[error("nuget.org's token endpoint answered without an API key ({0})")]
    NoKeyInAnswer(String),

    /// A token endpoint other than nuget.org's was configured outside tests.
    #[error("the token endpoint {0} is not nuget.org's; only a loopback address may replace it, and only for tests")]
    EndpointNotAllowed(String),

    /// The temporary nuget.org key would be sent to another feed.
    #[error("a Trusted Publishing key is a nuget.org key, and {0} is not nuget.org, so it is not sent there")]
    KeyDestination(String),

    /// No GitHub repository could be found for the package.
    #[error("no GitHub repository was found for {0}: the package names none in <repository>, and its folder is not in a git checkout with a GitHub remote")]
    NoRepository(String),

    /// The package's folder is not in a git checkout, so there is nowhere to write.
    #[error("{0} is not inside a git checkout, so there is no .github/workflows folder to write the workflow into")]
    NoCheckout(String),

    /// The workflow file exists and overwriting was not asked for.
    #[error("{0} already exists and was left as it is")]
    WorkflowExists(String),

    /// The workflow to write is not the one the user was shown.
    #[error("the workflow for {0} changed since it was shown (the repository or the choices changed), so it was not written")]
    NotAsShown(String),

    /// Writing the workflow failed.
    #[error("the workflow could not be written to {path}: {detail}")]
    WriteFailed { path: String, detail: String },

    /// The package could not be read.
    #[error("{0}")]
    Package(String),
}

impl Coded for CiError {
    fn code(&self) -> &'static str {
        match self {
            CiError::NoOidc(_) => "ci.env.no_oidc",
            CiError::UserMissing => "ci.exchange.user_missing",
            CiError::InvalidValue { .. } => "ci.input.invalid",
            CiError::OidcRequest { .. } => "ci.oidc.request_failed",
            CiError::OidcResponse(_) => "ci.oidc.bad_answer",
            CiError::Network { .. } => "ci.network",
            CiError::Refused { cause, .. } => cause.map_or("ci.exchange.refused", |c| c.code),
            CiError::NoKeyInAnswer(_) => "ci.exchange.no_key",
            CiError::EndpointNotAllowed(_) => "ci.exchange.endpoint_not_allowed",
            CiError::KeyDestination(_) => "ci.exchange.key_destination",
            CiError::NoRepository(_) => "ci.workflow.no_repository",
            CiError::NoCheckout(_) => "ci.workflow.no_checkout",
            CiError::WorkflowExists(_) => "ci.workflow.exists",
            CiError::NotAsShown(_) => "ci.workflow.changed",
            CiError::WriteFailed { .. } => "ci.workflow.write_failed",
            CiError::Package(_) => "ci.package.unreadable",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            CiError::NoOidc(_) => "in GitHub Actions give the publishing job `permissions: id-token: write`; in GitLab add `id_tokens: NUGET_ID_TOKEN: aud: https://www.nuget.org` to the job; elsewhere use an API key (--api-key-env NAME)".into(),
            CiError::UserMissing => "add --user NAME (or set NUGET_USER): the nuget.org profile name of the person who created the Trusted Publishing policy, not the organization".into(),
            CiError::InvalidValue { .. } => "use letters, digits, '.', '_' or '-' only".into(),
            CiError::OidcRequest { .. } | CiError::OidcResponse(_) => "run the job again; if it keeps failing, check that the job has `id-token: write` and look at GitHub's status page".into(),
            CiError::Network { .. } => "check the runner's network access and run the job again".into(),
            CiError::Refused { cause, .. } => cause.map_or_else(
                || "check the policy on https://www.nuget.org/account/trustedpublishing (repository owner, repository, workflow file, environment) and the user name sent".to_string(),
                |c| c.fix.to_string(),
            ),
            CiError::NoKeyInAnswer(_) => "run the job again; if it keeps failing, report it to nuget.org support".into(),
            CiError::EndpointNotAllowed(_) => "unset NUPUB_TEST_NUGET_TOKEN_URL: it exists only for Nupub's own tests".into(),
            CiError::KeyDestination(_) => "publish to nuget.org with --trusted-publishing; for other feeds give their key with --api-key-env NAME".into(),
            CiError::NoRepository(_) => "add <repository type=\"git\" url=\"https://github.com/OWNER/REPO\" /> to the package (RepositoryUrl in the project file), or open the package from inside its git checkout".into(),
            CiError::NoCheckout(_) => "copy the workflow shown into .github/workflows/ of the repository yourself, or open the package from inside its git checkout".into(),
            CiError::WorkflowExists(_) => "choose another file name, or confirm that the existing file may be replaced".into(),
            CiError::NotAsShown(_) => "look at the workflow shown now and write it again".into(),
            CiError::WriteFailed { .. } => "check that the folder exists and is writable".into(),
            CiError::Package(_) => "open a valid .nupkg".into(),
        })
    }
}
