//! The publish session both doors call — the window (`src-tauri`) and `nupub`
//! (`crates/cli`) only present it.
//!
//! From an opened package to a verified result, each step a plain function:
//! - [`feeds`]: which feeds a package can go to, and resolving the one named;
//! - [`credential`]: which key a feed gets (one lookup, one documented order);
//! - [`plan`]: the package checked for the feed's target, the feed asked,
//!   and the one decision ([`Plan::check`]: errors block, warnings need
//!   acknowledging, nuget.org needs the typed phrase, a missing key is said
//!   before anything is sent);
//! - [`run`]: carrying the plan out (push with progress, verify, record what
//!   the feed said about the key), unlist/relist, and feed facts for `validate`;
//! - [`changes`]: what a package changes since its baseline on a feed;
//! - [`fix`]: the guided fix of a bad release, with this session as its push;
//! - [`batch`]: a set of packages at once (order, symbol pairs, the set's own
//!   problems, one decision, one report).
//!
//! Decisions are made here once; nothing in the shell or the CLI restates them.

pub mod batch;
pub mod changes;
pub mod credential;
pub mod error;
pub mod feeds;
pub mod fix;
pub mod plan;
pub mod run;

pub use batch::execute::{
    execute_set, publish_set, MemberOutcome, MemberResult, SetEvent, SetOptions, SetProgressSink,
    SetReport,
};
pub use batch::{
    collect, prepare_set, MemberAction, PreparedSet, SetAcknowledgement, SetConsent, SetMember,
    SetPlan, SetProblem, SetRequest,
};
pub use credential::{CredentialOrigin, KeyNeed};
pub use error::PublishError;
pub use feeds::{ConfigScope, FeedChoice, FeedList};
pub use plan::{
    prepare, Acknowledgement, Consent, KeyPlan, Plan, PlanRequest, PlanStatus, PlannedFeed,
    PlannedPackage, Prepared, SymbolsPlan, VersionState,
};
pub use run::{execute, feed_facts, publish, set_listed, ListingOutcome, ListingRequest, Outcome};
