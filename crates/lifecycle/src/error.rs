//! The lifecycle crate's errors: every message names the id, versions and
//! feed involved, and never holds a secret (keys stay in `nupub_feeds::ApiKey`).

use nupub_error::Coded;

#[derive(Debug, Clone, thiserror::Error)]
pub enum LifecycleError {
    #[error("'{given}' does not choose versions: {reason}")]
    SelectionInvalid { given: String, reason: String },

    #[error("'{given}' matches no version of {id} on {feed}")]
    SelectionEmpty {
        given: String,
        id: String,
        feed: String,
    },

    #[error("{id} {versions} is not on {feed}")]
    VersionsNotOnFeed {
        id: String,
        versions: String,
        feed: String,
    },

    #[error("removing {count} version(s) of {id} from the folder {feed} deletes the files for good, and the confirmation typed was not '{expected}'")]
    RemovalNotConfirmed {
        id: String,
        feed: String,
        count: usize,
        expected: String,
    },

    #[error("{feed} cannot relist versions: a folder feed has no listing state")]
    FolderCannotRelist { feed: String },

    #[error("{feed} does not support relisting ({status}: {server})")]
    RelistUnsupported {
        feed: String,
        status: u16,
        server: String,
    },

    #[error("{feed} has no deprecation: {why}")]
    DeprecationUnsupported { feed: String, why: String },

    #[error("the deprecation of {id} is not valid: {reason}")]
    DeprecationInvalid { id: String, reason: String },

    #[error("{feed} did not enable deprecation through the API for this account ({server})")]
    DeprecationNotEnabled { feed: String, server: String },

    #[error("{feed} refused the deprecation of {id}: {server}")]
    DeprecationRefused {
        feed: String,
        id: String,
        status: u16,
        server: String,
    },

    #[error("{feed} limits how often this can be done and asked Nupub to stop: {server}")]
    RateLimited { feed: String, server: String },

    #[error("stopped before {what} was finished")]
    Cancelled { what: String },

    #[error("the corrected package is {got}, not a new version of {id}")]
    FixWrongPackage { id: String, got: String },

    #[error("the corrected version {new} is not higher than the bad version {bad}")]
    FixVersionNotHigher { new: String, bad: String },

    #[error("the guided fix has nothing to do: {reason}")]
    FixNothingToDo { reason: String },

    #[error("the saved fix {path} could not be {what}: {detail}")]
    FixStateUnreadable {
        path: String,
        what: String,
        detail: String,
    },
}

impl Coded for LifecycleError {
    fn code(&self) -> &'static str {
        match self {
            LifecycleError::SelectionInvalid { .. } => "lifecycle.select.invalid",
            LifecycleError::SelectionEmpty { .. } => "lifecycle.select.empty",
            LifecycleError::VersionsNotOnFeed { .. } => "lifecycle.select.not_on_feed",
            LifecycleError::RemovalNotConfirmed { .. } => "lifecycle.listing.removal_unconfirmed",
            LifecycleError::FolderCannotRelist { .. } => "lifecycle.listing.folder_relist",
            LifecycleError::RelistUnsupported { .. } => "lifecycle.listing.relist_unsupported",
            LifecycleError::DeprecationUnsupported { .. } => "lifecycle.deprecation.unsupported",
            LifecycleError::DeprecationInvalid { .. } => "lifecycle.deprecation.invalid",
            LifecycleError::DeprecationNotEnabled { .. } => "lifecycle.deprecation.not_enabled",
            LifecycleError::DeprecationRefused { .. } => "lifecycle.deprecation.refused",
            LifecycleError::RateLimited { .. } => "lifecycle.rate_limited",
            LifecycleError::Cancelled { .. } => "lifecycle.cancelled",
            LifecycleError::FixWrongPackage { .. } => "lifecycle.fix.wrong_package",
            LifecycleError::FixVersionNotHigher { .. } => "lifecycle.fix.version_not_higher",
            LifecycleError::FixNothingToDo { .. } => "lifecycle.fix.nothing_to_do",
            LifecycleError::FixStateUnreadable { .. } => "lifecycle.fix.state_unreadable",
        }
    }

    fn hint(&self) -> Option<String> {
        let text = match self {
            LifecycleError::SelectionInvalid { .. } => {
                "give versions (1.2.0), a NuGet range ([1.0, 1.4.2)), a wildcard (1.x), or filters such as 'prerelease <2.0.0'".to_string()
            }
            LifecycleError::SelectionEmpty { id, .. } => {
                format!("list the versions with `nupub versions {id} --source …` and choose among them")
            }
            LifecycleError::VersionsNotOnFeed { .. } => {
                "check the version numbers against the feed's list of versions".to_string()
            }
            LifecycleError::RemovalNotConfirmed { expected, .. } => {
                format!("type '{expected}' to confirm (on the command line: --confirm {expected})")
            }
            LifecycleError::FolderCannotRelist { .. } => {
                "to bring a removed version back to a folder feed, publish its .nupkg to the folder again".to_string()
            }
            LifecycleError::RelistUnsupported { .. } => {
                "this server deletes or hides versions for good; publish the package again (or a new version) to make it available".to_string()
            }
            LifecycleError::DeprecationUnsupported { .. } => {
                "deprecate on nuget.org; on this feed, unlist the version and say what replaces it in the new version's release notes".to_string()
            }
            LifecycleError::DeprecationInvalid { .. } => {
                "choose at least one reason (legacy, critical bugs, other with a message of at most 1000 characters), or remove the deprecation".to_string()
            }
            LifecycleError::DeprecationNotEnabled { .. } => {
                "nuget.org enables deprecation through the API per account; until it is enabled for yours, deprecate on the package's Manage page on www.nuget.org. Also check that the key has the \"Unlist\" scope and a glob matching the id".to_string()
            }
            LifecycleError::DeprecationRefused { .. } => {
                "fix what the feed names and try again".to_string()
            }
            LifecycleError::RateLimited { .. } => {
                "wait until the feed's limit resets (nuget.org allows 250 unlists per hour per key) and run the same command again: versions already done are skipped".to_string()
            }
            LifecycleError::Cancelled { .. } => {
                "run it again: what is already done is kept and skipped".to_string()
            }
            LifecycleError::FixWrongPackage { id, .. } => {
                format!("open the corrected package of {id} (its id must be the same)")
            }
            LifecycleError::FixVersionNotHigher { .. } => {
                "raise the version number above every bad version, pack again and open the new package".to_string()
            }
            LifecycleError::FixNothingToDo { .. } => {
                "choose at least one bad version, and unlist or deprecate it".to_string()
            }
            LifecycleError::FixStateUnreadable { .. } => {
                "start the guided fix again; the feed itself shows what was already done".to_string()
            }
        };
        Some(text)
    }
}
