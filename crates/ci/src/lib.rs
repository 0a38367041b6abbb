//! nupub-ci: publishing from CI.
//!
//! - [`env`]: which CI this is and whether anything may prompt;
//! - [`trusted`]: nuget.org Trusted Publishing (the CI's OIDC token exchanged
//!   for a short-lived API key held only in memory);
//! - [`doctor`]: the cause and fix for a failed job's log text (the same
//!   catalogue explains the token endpoint's refusals);
//! - [`workflow`]: the repository around a package, the GitHub Actions
//!   workflow that publishes it and the values for nuget.org's policy form.
//!
//! No Tauri and no terminal here: the CLI and the window only present these.

pub mod doctor;
pub mod env;
pub mod error;
pub mod trusted;
pub mod workflow;

pub use doctor::{diagnose, Diagnosis, DoctorFinding};
pub use env::{CiEnvironment, CiKind};
pub use error::CiError;
pub use trusted::{key_may_be_sent_to, obtain_key, ShortLivedKey, TokenEndpoint};
pub use workflow::{plan_workflow, write_workflow, PublishMode, WorkflowOptions, WorkflowPlan};
