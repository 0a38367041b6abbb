//! The feeds crate's errors. Every message names the feed, the file or the
//! package involved and never contains a secret (API keys and passwords are
//! kept in [`crate::secret`] types whose `Debug`/`Display` redact).

use nupub_error::Coded;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("Nupub could not find a home folder for its data on this computer")]
    NoDataDir,

    #[error(
        "there is no package source called '{given}', and it is not a URL or an existing folder"
    )]
    UnknownSource { given: String },

    #[error("the package source '{name}' is disabled in {origin}")]
    SourceDisabled { name: String, origin: String },

    #[error("'{given}' is not a usable feed address: {reason}")]
    InvalidUrl { given: String, reason: String },

    #[error("the feed address {url} uses plain http, so the package and your API key would travel unencrypted")]
    InsecureUrl { url: String },

    #[error("the service index {url} could not be loaded: {detail}")]
    IndexUnreachable { url: String, detail: String },

    #[error("the service index {url} is not a NuGet V3 service index: {detail}")]
    IndexInvalid { url: String, detail: String },

    #[error(
        "the feed {url} does not accept pushes: its service index has no PackagePublish resource"
    )]
    NoPublishResource { url: String },

    #[error("the nuget.config file {path} could not be read: {detail}")]
    ConfigUnreadable { path: String, detail: String },

    #[error("the package file {path} could not be read: {detail}")]
    FileUnreadable { path: String, detail: String },

    #[error("the symbol package {path} cannot follow {id} {version}: {detail}")]
    SymbolsInvalid {
        path: String,
        id: String,
        version: String,
        detail: String,
    },

    #[error("{id} {version} already exists on {feed}{detail}")]
    VersionExists {
        feed: String,
        id: String,
        version: String,
        detail: String,
        nuget_org: bool,
    },

    #[error("{feed} refused {id}: the id is inside a reserved prefix ({server})")]
    ReservedPrefix {
        feed: String,
        id: String,
        server: String,
    },

    #[error("{feed} rejected {id} {version}: {server}")]
    Rejected {
        feed: String,
        id: String,
        version: String,
        server: String,
    },

    #[error("{feed} asked for an API key and none was sent ({server})")]
    NoApiKey { feed: String, server: String },

    #[error("{feed} refused the API key for {id} {version} ({status}: {server})")]
    KeyRefused {
        feed: String,
        id: String,
        version: String,
        status: u16,
        server: String,
        nuget_org: bool,
    },

    #[error("the owner the API key belongs to is not confirmed on {feed} ({server})")]
    OwnerUnconfirmed { feed: String, server: String },

    #[error("the owner the API key belongs to is locked on {feed} ({server})")]
    OwnerLocked { feed: String, server: String },

    #[error("{id} is locked on {feed}: no new version can be published and no version can be listed or unlisted ({server})")]
    PackageLocked {
        feed: String,
        id: String,
        server: String,
    },

    #[error("{feed} refused {file}: it is larger than the feed's size limit ({server})")]
    TooLarge {
        feed: String,
        file: String,
        server: String,
    },

    #[error("{feed} answered {status} to {what}: {server}")]
    HttpStatus {
        feed: String,
        what: String,
        status: u16,
        server: String,
    },

    #[error("{feed} could not be reached while {what}: {detail}")]
    Network {
        feed: String,
        what: String,
        detail: String,
    },

    #[error("{feed} did not answer within {seconds} s while {what}")]
    Timeout {
        feed: String,
        what: String,
        seconds: u64,
    },

    #[error("Nupub cannot tell whether {id} {version} reached {feed}: {detail}")]
    OutcomeUnknown {
        feed: String,
        id: String,
        version: String,
        detail: String,
    },

    #[error("the push of {id} {version} to {feed} was cancelled before the package was fully sent; nothing was published")]
    Cancelled {
        feed: String,
        id: String,
        version: String,
    },

    #[error("{feed} gave an answer Nupub cannot read at {url}: {detail}")]
    AnswerInvalid {
        feed: String,
        url: String,
        detail: String,
    },

    #[error("{feed} sent more than {limit} bytes from {url}, more than such an answer ever needs")]
    AnswerTooLarge {
        feed: String,
        url: String,
        limit: u64,
    },

    #[error("{feed} answered {status}: the feed moved to {to}. Nupub did not follow: {why}")]
    RedirectRefused {
        feed: String,
        status: u16,
        /// The new location, without user name, password or query string.
        to: String,
        why: String,
    },

    #[error("{id} {version} is not on {feed}")]
    NotFound {
        feed: String,
        id: String,
        version: String,
    },

    #[error("the local feed folder {path} could not be written: {detail}")]
    LocalWriteFailed { path: String, detail: String },

    #[error("removing {id} {version} from the folder {path} deletes it for good, and you did not confirm it")]
    LocalRemoveUnconfirmed {
        id: String,
        version: String,
        path: String,
    },

    #[error("a local folder feed ({path}) has no listing state: {id} {version} can only be removed, not {what}")]
    LocalUnsupported {
        id: String,
        version: String,
        path: String,
        what: String,
    },
}

impl FeedError {
    /// True when the outcome is "this version is already on the feed" (CLI exit code 3).
    pub fn is_version_exists(&self) -> bool {
        matches!(self, FeedError::VersionExists { .. })
    }
}

impl Coded for FeedError {
    fn code(&self) -> &'static str {
        match self {
            FeedError::NoDataDir => "feed.no_data_dir",
            FeedError::UnknownSource { .. } => "feed.unknown_source",
            FeedError::SourceDisabled { .. } => "feed.source_disabled",
            FeedError::InvalidUrl { .. } => "feed.invalid_url",
            FeedError::InsecureUrl { .. } => "feed.insecure_url",
            FeedError::IndexUnreachable { .. } => "feed.index_unreachable",
            FeedError::IndexInvalid { .. } => "feed.index_invalid",
            FeedError::NoPublishResource { .. } => "feed.no_publish_resource",
            FeedError::ConfigUnreadable { .. } => "feed.config_unreadable",
            FeedError::FileUnreadable { .. } => "feed.file_unreadable",
            FeedError::SymbolsInvalid { .. } => "feed.symbols_invalid",
            FeedError::VersionExists { .. } => "feed.push.version_exists",
            FeedError::ReservedPrefix { .. } => "feed.push.reserved_prefix",
            FeedError::Rejected { .. } => "feed.push.rejected",
            FeedError::NoApiKey { .. } => "feed.auth.no_key",
            FeedError::KeyRefused { .. } => "feed.auth.key_refused",
            FeedError::OwnerUnconfirmed { .. } => "feed.auth.owner_unconfirmed",
            FeedError::OwnerLocked { .. } => "feed.auth.owner_locked",
            FeedError::PackageLocked { .. } => "feed.auth.package_locked",
            FeedError::TooLarge { .. } => "feed.push.too_large",
            FeedError::HttpStatus { .. } => "feed.http_status",
            FeedError::Network { .. } => "feed.network",
            FeedError::Timeout { .. } => "feed.timeout",
            FeedError::OutcomeUnknown { .. } => "feed.push.outcome_unknown",
            FeedError::Cancelled { .. } => "feed.push.cancelled",
            FeedError::AnswerInvalid { .. } => "feed.answer_invalid",
            FeedError::AnswerTooLarge { .. } => "feed.answer_too_large",
            FeedError::RedirectRefused { .. } => "feed.redirect_refused",
            FeedError::NotFound { .. } => "feed.not_found",
            FeedError::LocalWriteFailed { .. } => "feed.local.write_failed",
            FeedError::LocalRemoveUnconfirmed { .. } => "feed.local.remove_unconfirmed",
            FeedError::LocalUnsupported { .. } => "feed.local.unsupported",
        }
    }

    fn hint(&self) -> Option<String> {
        let text = match self {
            FeedError::NoDataDir => {
                "set the HOME environment variable (or XDG_DATA_HOME on Linux) to a folder you can write to".to_string()
            }
            FeedError::UnknownSource { .. } => {
                "give a source name from `nupub sources`, an https:// feed URL, or the path of a folder".to_string()
            }
            FeedError::SourceDisabled { name, .. } => format!(
                "enable '{name}' (remove it from <disabledPackageSources> in nuget.config) or give its URL directly"
            ),
            FeedError::InvalidUrl { .. } => {
                "check the address: it must be an absolute http(s) URL, a V3 service index ending in .json, or a folder".to_string()
            }
            FeedError::InsecureUrl { .. } => {
                "use the feed's https:// address, or set allowInsecureConnections=\"true\" on this source in nuget.config if you trust the network".to_string()
            }
            FeedError::IndexUnreachable { .. } => {
                "check the address and your network connection, then try again".to_string()
            }
            FeedError::IndexInvalid { .. } => {
                "check that the address is the feed's V3 service index (it usually ends in /index.json); for a V2 feed give its push URL instead".to_string()
            }
            FeedError::NoPublishResource { .. } => {
                "ask the feed's administrator for its push URL, or publish to another feed".to_string()
            }
            FeedError::ConfigUnreadable { .. } => {
                "fix or remove the file; NuGet itself ignores a nuget.config it cannot parse".to_string()
            }
            FeedError::FileUnreadable { .. } => {
                "check that the file exists and that you can read it".to_string()
            }
            FeedError::SymbolsInvalid { .. } => {
                "rebuild the .snupkg together with the .nupkg, or push without symbols (--symbols none)".to_string()
            }
            FeedError::VersionExists { nuget_org, .. } => {
                if *nuget_org {
                    "a version on nuget.org can never be replaced or deleted: raise the version number, pack again and push the new package".to_string()
                } else {
                    "raise the version number, pack again and push the new package".to_string()
                }
            }
            FeedError::ReservedPrefix { .. } => {
                "choose an id outside the reserved prefix, or ask the prefix owner to add you as an owner".to_string()
            }
            FeedError::Rejected { .. } => {
                "fix what the feed names, pack the package again and push it".to_string()
            }
            FeedError::NoApiKey { .. } => {
                "give the feed's API key: in the window on the Confirm step (Nupub can keep it in your system keyring); with nupub push, `nupub key set`, the NUGET_API_KEY environment variable or --api-key -".to_string()
            }
            FeedError::KeyRefused { nuget_org, id, .. } => {
                if *nuget_org {
                    format!(
                        "on https://www.nuget.org/account/apikeys check that the key has not expired, that it has the \"Push\" scope \
                         (\"Push only new package versions\" cannot create a new id), that its glob pattern matches '{id}', \
                         and that you are an owner of '{id}'; create a new key if needed"
                    )
                } else {
                    "check the API key (or token) for this feed: it may be wrong, expired or lack the right to publish this package".to_string()
                }
            }
            FeedError::OwnerUnconfirmed { .. } => {
                "confirm the organization or owner the key is scoped to on the feed's web site, then push again".to_string()
            }
            FeedError::OwnerLocked { .. } | FeedError::PackageLocked { .. } => {
                "contact the feed's support (support@nuget.org for nuget.org)".to_string()
            }
            FeedError::TooLarge { .. } => {
                "make the package smaller (nuget.org accepts up to 250 MB), for example by moving large files to a separate package".to_string()
            }
            FeedError::HttpStatus { .. } => {
                "read the feed's message above; try again later if the feed is having trouble".to_string()
            }
            FeedError::Network { .. } => {
                "check your network connection and the feed address, then try again".to_string()
            }
            FeedError::Timeout { .. } => {
                "try again on a faster connection or allow more time with --timeout SECONDS".to_string()
            }
            FeedError::OutcomeUnknown { .. } => {
                "look the version up on the feed before pushing again; if it is not there, push again".to_string()
            }
            FeedError::Cancelled { .. } => "push again when you are ready".to_string(),
            FeedError::AnswerInvalid { .. } | FeedError::AnswerTooLarge { .. } => {
                "check that the address is the feed's own (a V3 service index or a V2 feed URL); if it is, the feed is having trouble: try again later".to_string()
            }
            FeedError::RedirectRefused { to, .. } => format!(
                "if {to} is really the feed's new address, update the source (nuget.config or --source) to it; otherwise ask the feed's administrator why it sends you elsewhere"
            ),
            FeedError::NotFound { .. } => {
                "check the id and version (and that the package was pushed to this feed)".to_string()
            }
            FeedError::LocalWriteFailed { .. } => {
                "check that the folder exists, that you can write to it and that the disk is not full".to_string()
            }
            FeedError::LocalRemoveUnconfirmed { .. } => {
                "confirm the removal (--yes on the command line)".to_string()
            }
            FeedError::LocalUnsupported { .. } => {
                "to hide a version from a folder feed, remove it (it cannot be unlisted)".to_string()
            }
        };
        Some(text)
    }
}
