//! Carrying a plan out: the consent checked against the plan, the push with
//! its progress, what the feed said about the key recorded, and the result —
//! which says what the plan said (a symbol package the feed does not take is
//! reported as such, not as a surprise). Also unlist/relist and the feed
//! facts `nupub validate --source` shows, with the same credential lookup.

use crate::credential::{self, CredentialOrigin, KeyNeed, Lookup};
use crate::error::PublishError;
use crate::feeds::ConfigScope;
use crate::plan::{prepare, Consent, PlanRequest, Prepared, SymbolsPlan};
use nupub_accounts::expiry::{self, KeyReminder};
use nupub_error::Coded;
use nupub_feeds::source::Location;
use nupub_feeds::{
    ApiKey, CancellationToken, FactsOptions, FeedClient, FeedError, ProgressSink, PushEvent,
    PushOptions, PushReport, Source, SymbolsOutcome,
};
use nupub_rules::FeedFacts;
use serde::Serialize;

use ts_rs::TS;

/// What publishing did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Outcome {
    pub report: PushReport,
    /// Where the key came from.
    pub credential: CredentialOrigin,
    /// The feed warned that the key expires soon.
    pub key_reminder: Option<KeyReminder>,
    /// Why the key's expiry could not be saved, if it could not.
    pub note: Option<String>,
}

/// The window's publish: the plan is made again from the file as it is now
/// (it may have changed since Confirm showed it), checked against the consent,
/// and carried out.
#[tracing::instrument(skip_all, err(Debug), fields(package = %request.package.display()))]
pub async fn publish(
    request: &PlanRequest,
    consent: &Consent,
    options: &PushOptions,
    progress: &ProgressSink,
    cancel: &CancellationToken,
) -> Result<Outcome, PublishError> {
    // Reading the whole package (CRC check included) takes a while on a large one: say so.
    progress(PushEvent::Verifying {
        file: request
            .package
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    });
    // Refused at once when the package itself has errors: no connection is made.
    let request = PlanRequest {
        ask_despite_errors: false,
        ..request.clone()
    };
    let prepared = prepare(&request).await?;
    execute(prepared, consent, options, progress, cancel).await
}

/// Carries out a prepared plan, after [`crate::plan::Plan::check`] says yes. Nothing is sent otherwise.
#[tracing::instrument(skip_all, err(Debug), fields(id = %prepared.plan.package.id, version = %prepared.plan.package.version, feed = %prepared.plan.feed.label))]
pub async fn execute(
    prepared: Prepared,
    consent: &Consent,
    options: &PushOptions,
    progress: &ProgressSink,
    cancel: &CancellationToken,
) -> Result<Outcome, PublishError> {
    execute_with(
        prepared,
        consent,
        options,
        progress,
        cancel,
        &FeedClient::new()?,
    )
    .await
}

/// [`execute`] with an HTTP client the caller keeps (a set sends many packages with one).
pub(crate) async fn execute_with(
    prepared: Prepared,
    consent: &Consent,
    options: &PushOptions,
    progress: &ProgressSink,
    cancel: &CancellationToken,
    client: &FeedClient,
) -> Result<Outcome, PublishError> {
    let Prepared {
        plan,
        source,
        credential,
        mut push,
        ..
    } = prepared;
    plan.check(consent)?;
    if cancel.is_cancelled() {
        return Err(FeedError::Cancelled {
            feed: source.label(),
            id: plan.package.id.clone(),
            version: plan.package.version.clone(),
        }
        .into());
    }
    // Only what the plan says goes: a symbol package the feed does not take stays on disk.
    let symbols_kept = match &plan.symbols {
        SymbolsPlan::NotSupported { file } => Some(file.clone()),
        _ => None,
    };
    if symbols_kept.is_some() {
        push.symbols = None;
    }
    let mut report = client
        .push(&source, &push, &credential.auth, options, progress, cancel)
        .await?;
    if let Some(file) = symbols_kept {
        report.symbols = SymbolsOutcome::NotSupported { file };
    }
    let (key_reminder, note) = record(&source, &credential, &report.warnings);
    tracing::info!(summary = %report.summary(), "published");
    Ok(Outcome {
        report,
        credential: credential.origin,
        key_reminder,
        note,
    })
}

/// What the feed said about the key: a stored key's record learns the date
/// (so lists show it); a given key only gets the reminder.
fn record(
    source: &Source,
    credential: &credential::Credential,
    warnings: &[String],
) -> (Option<KeyReminder>, Option<String>) {
    let name = credential
        .stored
        .as_ref()
        .map_or_else(|| credential::store_name(source), |e| e.source.clone());
    if credential.origin == CredentialOrigin::Keyring {
        match expiry::note_push_warnings(&name, warnings) {
            Ok(reminder) => return (reminder, None),
            Err(e) => {
                let note = format!("the key's expiry could not be saved ({})", e.info().message);
                let reminder =
                    expiry::reminder_from_warnings(&name, None, warnings, expiry::today());
                return (reminder, Some(note));
            }
        }
    }
    (
        expiry::reminder_from_warnings(&name, None, warnings, expiry::today()),
        None,
    )
}

/// Unlisting or relisting one version.
#[derive(Debug, Clone)]
pub struct ListingRequest {
    pub scope: ConfigScope,
    pub feed: Option<String>,
    pub id: String,
    pub version: String,
    pub key: Option<ApiKey>,
    /// On a folder feed (no listing state) unlisting removes the version: only with this yes.
    pub remove_from_folder: bool,
}

/// What a listing change did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ListingOutcome {
    pub feed: String,
    pub id: String,
    pub version: String,
    pub listed: bool,
    /// A folder feed: where the removed version was.
    pub removed: Option<String>,
}

/// Unlists (`listed == false`) or relists a version, with the publish credential lookup.
#[tracing::instrument(skip_all, err(Debug), fields(id = %request.id, version = %request.version, listed))]
pub async fn set_listed(
    request: &ListingRequest,
    listed: bool,
) -> Result<ListingOutcome, PublishError> {
    let (source, _) = request.scope.resolve(request.feed.as_deref())?;
    let done = |removed: Option<String>| ListingOutcome {
        feed: source.label(),
        id: request.id.clone(),
        version: request.version.clone(),
        listed,
        removed,
    };
    if let Location::Folder(root) = &source.location {
        if listed {
            return Err(FeedError::LocalUnsupported {
                id: request.id.clone(),
                version: request.version.clone(),
                path: root.display().to_string(),
                what: "relisted".into(),
            }
            .into());
        }
        let removed = nupub_feeds::local::remove_from_folder(
            root,
            &request.id,
            &request.version,
            request.remove_from_folder,
        )?;
        return Ok(done(Some(removed.display().to_string())));
    }
    let credential = credential::resolve(&source, Lookup::system(request.key.clone())).await;
    if credential::key_need(&source) == KeyNeed::Required && !credential.has_key() {
        return Err(PublishError::KeyMissing {
            feed: source.label(),
            store_as: credential::store_name(&source),
        });
    }
    let client = FeedClient::new()?;
    if listed {
        client
            .relist(&source, &request.id, &request.version, &credential.auth)
            .await?;
    } else {
        client
            .unlist(&source, &request.id, &request.version, &credential.auth)
            .await?;
    }
    Ok(done(None))
}

/// What a feed knows about a package (`nupub validate --source`), asked with
/// the publish credential lookup (never a key for nuget.org's public reads).
#[tracing::instrument(skip_all, err(Debug), fields(package = %package.display()))]
pub async fn feed_facts(
    source: &Source,
    package: &std::path::Path,
    key: Option<ApiKey>,
    owner: Option<String>,
    options: &FactsOptions,
) -> Result<Option<FeedFacts>, PublishError> {
    let Ok(opened) = nupub_package::Package::open(package) else {
        return Ok(None);
    };
    let credential = if source.kind == nupub_feeds::FeedKind::NugetOrg {
        credential::Credential {
            origin: CredentialOrigin::None,
            auth: Default::default(),
            stored: None,
            note: None,
        }
    } else {
        credential::resolve(source, Lookup::system(key)).await
    };
    let owner = owner.or_else(|| credential::stored_owner(source).ok().flatten());
    let client = FeedClient::new()?;
    let facts = client
        .facts(
            source,
            &credential::read_auth(source, &credential),
            opened.id(),
            opened.version(),
            owner.as_deref(),
            options,
        )
        .await?;
    Ok(Some(facts))
}
