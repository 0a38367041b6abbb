//! Errors of the publish session (`publish.*`). Errors of the crates it calls
//! keep their own codes: [`PublishError::Other`] carries them unchanged.

use nupub_error::{Coded, ErrorInfo};
use nupub_rules::RuleTarget;

/// The feeds crate's code for "this version is already on the feed".
pub const VERSION_EXISTS: &str = "feed.push.version_exists";
/// The feeds crate's code for a push the user cancelled.
pub const CANCELLED: &str = "feed.push.cancelled";

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// An error finding for the feed's target (or another blocker of the plan).
    #[error("{feed} would refuse {id} {version}: {first}{}", more_errors(*.count))]
    BlockedByChecks {
        feed: String,
        id: String,
        version: String,
        /// The first blocker's message (errors come first).
        first: String,
        count: usize,
        target: RuleTarget,
    },
    /// A warning the user has not acknowledged.
    #[error("{count} warning{} for {id} {version} {} not been acknowledged: {first}", plural(*.count), if *.count == 1 { "has" } else { "have" })]
    NotAcknowledged {
        id: String,
        version: String,
        first: String,
        count: usize,
    },
    /// nuget.org's typed confirmation is missing or does not match.
    #[error("publishing to {feed} needs you to type \"{phrase}\" first")]
    NotConfirmed { feed: String, phrase: String },
    /// The feed needs a key and none was found in any of the places looked at.
    #[error("{feed} needs an API key to publish, and none was given or stored for it")]
    KeyMissing { feed: String, store_as: String },
    /// An Azure Artifacts feed with no key, no credentials and no usable sign-in.
    #[error("{feed} is an Azure Artifacts feed, which needs a sign-in or a personal access token, and no API key, credentials or usable sign-in were found: {reason}")]
    AzureSignIn {
        feed: String,
        reason: String,
        source_name: String,
    },
    /// A file or folder named for a set cannot be used (missing, unreadable, not a package).
    #[error("{path} {detail}")]
    SetInput { path: String, detail: String },
    /// The files and folders named hold no .nupkg at all.
    #[error("no .nupkg was found in {inputs}")]
    EmptySet { inputs: String },
    /// The set's own problems or a package's blockers refuse the whole set.
    #[error("the set of {packages} packages cannot be published: {first}{}", more_problems(*.count))]
    SetBlocked {
        packages: usize,
        first: String,
        count: usize,
    },
    /// Warnings of the set (its own or its packages') not acknowledged.
    #[error("{count} warning{} in the set {} not been acknowledged: {first}", plural(*.count), if *.count == 1 { "has" } else { "have" })]
    SetNotAcknowledged { first: String, count: usize },
    /// A background task of the session stopped unexpectedly.
    #[error("Nupub stopped while {task}: {detail}")]
    TaskFailed { task: &'static str, detail: String },
    /// A blocker of the plan (the version exists, the symbol package would be
    /// refused, no key), as the plan states it: nothing was sent.
    #[error("{}", .0.message)]
    Refused(ErrorInfo),
    /// An error of another crate (package, feeds, accounts), code kept.
    #[error("{}", .0.message)]
    Other(ErrorInfo),
}

fn more_errors(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        2 => " (and 1 more error)".into(),
        n => format!(" (and {} more errors)", n - 1),
    }
}

fn more_problems(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        2 => " (and 1 more problem)".into(),
        n => format!(" (and {} more problems)", n - 1),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

impl PublishError {
    /// The version is already on the feed (the CLI's exit code 3).
    pub fn is_version_exists(&self) -> bool {
        matches!(self, PublishError::Other(info) | PublishError::Refused(info) if info.code == VERSION_EXISTS)
    }

    /// Nothing was sent because the plan said no (the CLI's exit code 4).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            PublishError::BlockedByChecks { .. }
                | PublishError::NotAcknowledged { .. }
                | PublishError::NotConfirmed { .. }
                | PublishError::KeyMissing { .. }
                | PublishError::AzureSignIn { .. }
                | PublishError::Refused(_)
                | PublishError::SetBlocked { .. }
                | PublishError::SetNotAcknowledged { .. }
        )
    }

    /// Cancelled by the user before the feed had the package.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, PublishError::Other(info) if info.code == CANCELLED)
    }
}

impl Coded for PublishError {
    fn code(&self) -> &'static str {
        match self {
            PublishError::BlockedByChecks { .. } => "publish.blocked_by_checks",
            PublishError::NotAcknowledged { .. } => "publish.not_acknowledged",
            PublishError::NotConfirmed { .. } => "publish.not_confirmed",
            PublishError::KeyMissing { .. } => "publish.key_missing",
            PublishError::AzureSignIn { .. } => "publish.azure_sign_in",
            PublishError::SetInput { .. } => "publish.set.input",
            PublishError::EmptySet { .. } => "publish.set.empty",
            PublishError::SetBlocked { .. } => "publish.set.blocked",
            PublishError::SetNotAcknowledged { .. } => "publish.set.not_acknowledged",
            PublishError::TaskFailed { .. } => "publish.task_failed",
            // Not reached through `info()`, which keeps the carried code.
            PublishError::Refused(_) => "publish.refused",
            PublishError::Other(_) => "publish.other",
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            PublishError::BlockedByChecks { target, .. } => Some(format!(
                "nothing was sent. Open the Checks step for {}, fix every error there in your project, pack again and publish the new package",
                target.as_str()
            )),
            PublishError::NotAcknowledged { .. } => Some(
                "nothing was sent. Read each warning and acknowledge it (in the window: tick it; with nupub push: answer y, or add --yes), or fix it and pack again".into(),
            ),
            PublishError::NotConfirmed { phrase, .. } => Some(format!(
                "nothing was sent. A version on nuget.org can never be deleted or replaced: type {phrase} to confirm (nupub push --yes confirms for scripts)"
            )),
            PublishError::KeyMissing { store_as, .. } => Some(format!(
                "nothing was sent. Create a key on the feed's website, then give it on the Confirm step (Nupub can keep it in your system keyring), or run `nupub key set --source {store_as}`, or set NUGET_API_KEY"
            )),
            PublishError::AzureSignIn { source_name, .. } => Some(format!(
                "nothing was sent. Sign in with the Microsoft account that can reach the feed (Account in the window, or `nupub account login`), or put a personal access token with Packaging › Read & write in nuget.config as packageSourceCredentials for {source_name}"
            )),
            PublishError::SetInput { .. } => Some(
                "nothing was sent. Name .nupkg and .snupkg files, or folders that hold them (for example bin/Release)".into(),
            ),
            PublishError::EmptySet { .. } => Some(
                "nothing was sent. Pack the projects first (dotnet pack -c Release), then name the folder the .nupkg files are in".into(),
            ),
            PublishError::SetBlocked { .. } => Some(
                "nothing was sent. Every problem is listed with the package it is about: fix them in your projects, pack again and publish the set again".into(),
            ),
            PublishError::SetNotAcknowledged { .. } => Some(
                "nothing was sent. Read each warning and acknowledge it (in the window: tick it, or acknowledge all of them; with nupub push: answer y, or add --yes), or fix it and pack again".into(),
            ),
            PublishError::TaskFailed { .. } => Some(
                "try again; if it keeps happening, restart Nupub and report the steps that led here".into(),
            ),
            PublishError::Refused(info) | PublishError::Other(info) => info.hint.clone(),
        }
    }

    fn info(&self) -> ErrorInfo {
        match self {
            PublishError::Refused(info) | PublishError::Other(info) => info.clone(),
            other => ErrorInfo::new(other.code(), other.to_string(), other.hint()),
        }
    }
}

macro_rules! carried {
    ($($t:ty),*) => {$(
        impl From<$t> for PublishError {
            fn from(e: $t) -> Self {
                PublishError::Other(e.info())
            }
        }
    )*};
}
carried!(
    nupub_feeds::FeedError,
    nupub_package::PackageError,
    nupub_accounts::AccountError,
    nupub_accounts::KeyError,
    nupub_lifecycle::LifecycleError,
    nupub_diff::DiffError
);

impl From<ErrorInfo> for PublishError {
    fn from(info: ErrorInfo) -> Self {
        PublishError::Other(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_valid_and_each_refusal_says_nothing_was_sent() {
        let all = [
            PublishError::BlockedByChecks {
                feed: "nuget.org".into(),
                id: "A".into(),
                version: "1.0.0".into(),
                first: "bad id".into(),
                count: 3,
                target: RuleTarget::NugetOrg,
            },
            PublishError::NotAcknowledged {
                id: "A".into(),
                version: "1.0.0".into(),
                first: "w".into(),
                count: 1,
            },
            PublishError::NotConfirmed {
                feed: "nuget.org".into(),
                phrase: "A 1.0.0".into(),
            },
            PublishError::KeyMissing {
                feed: "f".into(),
                store_as: "f".into(),
            },
        ];
        for e in &all {
            let info = e.info();
            assert!(nupub_error::is_valid_code(&info.code), "{}", info.code);
            assert!(e.is_refusal());
            assert!(info.hint.unwrap().starts_with("nothing was sent"));
        }
        assert_eq!(
            all[0].to_string(),
            "nuget.org would refuse A 1.0.0: bad id (and 2 more errors)"
        );
        assert_eq!(
            all[1].to_string(),
            "1 warning for A 1.0.0 has not been acknowledged: w"
        );
    }

    #[test]
    fn carried_errors_keep_their_code() {
        let e = PublishError::from(ErrorInfo::new(VERSION_EXISTS, "exists", None));
        assert_eq!(e.info().code, VERSION_EXISTS);
        assert!(e.is_version_exists());
        assert!(!e.is_refusal());
    }
}
