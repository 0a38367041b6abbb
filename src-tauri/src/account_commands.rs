//! Account commands for the window: Microsoft sign-in with progress events and
//! cancellation, the signed-in accounts, feed API keys in the keyring, the
//! first-time setup's progress, the nuget.config clear-text scan and key
//! expiry reminders. Everything delegates to `nupub-accounts`; a key comes in
//! once, goes straight into the keyring, and only its last four characters
//! ever go back to the window.

mod config_scan;
mod onboarding;
mod reminders;

pub use config_scan::{ClearTextFinding, ConfigScan, SecretKind, UnreadableConfig};
pub use onboarding::{OnboardingError, OnboardingState, OnboardingStep};
pub use reminders::{last_four, parse_expiry_warning, reminder_for, KeyReminder, WarnedExpiry};

use nupub_accounts::{
    keys, settings, AccountError, AccountStatus, Accounts, AccountsStatus, Browser,
    DeviceCodePrompt, KeyMetadata, KeyScope, Secret, SignInConfig, SignInOptions, SignInPrompt,
    SignInStep, Vault,
};
use nupub_error::{Coded, ErrorInfo};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

/// The event the sign-in progress is sent on.
pub const SIGN_IN_EVENT: &str = "account:sign-in";

/// Progress of a sign-in, sent on [`SIGN_IN_EVENT`].
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum SignInEvent {
    /// Reading the sign-in service's settings.
    Starting {
        device: bool,
    },
    /// The sign-in page is open in the browser.
    WaitingForBrowser,
    /// Device flow: show this code and address.
    DeviceCode {
        prompt: DeviceCodePrompt,
    },
    /// The browser came back; the code is being exchanged and the identity checked.
    ExchangingCode,
    Done {
        account: AccountStatus,
    },
    Failed {
        error: ErrorInfo,
    },
    Cancelled,
}

/// A stored feed key as the window shows it: facts and the last four characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoredKey {
    pub source: String,
    /// The key's last four characters (`None` when it is too short to show any, or missing).
    pub last4: Option<String>,
    pub label: Option<String>,
    pub scopes: Vec<KeyScope>,
    pub glob: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires: Option<String>,
    #[ts(type = "number | null")]
    pub expires_in_days: Option<i64>,
    /// Expires within the reminder threshold (`nupub_accounts::expiry::REMIND_DAYS`) or has expired.
    pub expires_soon: bool,
    pub created: String,
    /// Your user name on the feed, saved with the key (tells the preflight whether you own an id).
    pub owner: Option<String>,
    /// False when the keyring no longer holds the key (removed outside Nupub).
    pub in_store: bool,
}

/// Everything the account view and the checklist show.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountOverview {
    /// A sign-in app (client ID) is set up: built in, in NUPUB_CLIENT_ID or saved.
    pub client_id_configured: bool,
    pub accounts: AccountsStatus,
    pub keys: Vec<StoredKey>,
    pub reminders: Vec<KeyReminder>,
}

/// Errors of the account commands themselves (the rest come from `nupub-accounts`).
#[derive(Debug, thiserror::Error)]
pub enum AccountUiError {
    #[error("the sign-in was cancelled")]
    SignInCancelled,
    #[error("no sign-in with a code is waiting")]
    NoDeviceCode,
    #[error("Nupub stopped while {task}: {detail}")]
    TaskFailed { task: &'static str, detail: String },
}

impl Coded for AccountUiError {
    fn code(&self) -> &'static str {
        match self {
            AccountUiError::SignInCancelled => "onboarding.sign_in_cancelled",
            AccountUiError::NoDeviceCode => "onboarding.no_device_code",
            AccountUiError::TaskFailed { .. } => "onboarding.task_failed",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                AccountUiError::SignInCancelled => "choose Sign in to start again",
                AccountUiError::NoDeviceCode => {
                    "choose \u{201c}Use a code instead\u{201d} to get a new code"
                }
                AccountUiError::TaskFailed { .. } => {
                    "try again; if it keeps happening, restart Nupub"
                }
            }
            .to_string(),
        )
    }
}

fn error_info(error: impl Coded) -> ErrorInfo {
    error.info()
}

/// Runs keyring and file work off the window's thread.
async fn blocking<T: Send + 'static>(
    task: &'static str,
    work: impl FnOnce() -> Result<T, ErrorInfo> + Send + 'static,
) -> Result<T, ErrorInfo> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| {
            error_info(AccountUiError::TaskFailed {
                task,
                detail: e.to_string(),
            })
        })?
}

/// Stops a running task.
type Abort = Box<dyn Fn() + Send + Sync>;

/// The sign-in under way, so it can be cancelled, and its device-code address.
#[derive(Default)]
pub struct SignInTask {
    next: AtomicU64,
    running: Mutex<Option<(u64, Abort)>>,
    device_url: Arc<Mutex<Option<String>>>,
}

impl SignInTask {
    fn start(&self, abort: Abort) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut running) = self.running.lock() {
            // One sign-in at a time: a new one replaces the old.
            if let Some((_, old)) = running.replace((id, abort)) {
                old();
            }
        }
        id
    }

    fn finish(&self, id: u64) {
        if let Ok(mut running) = self.running.lock() {
            if running.as_ref().is_some_and(|(current, _)| *current == id) {
                *running = None;
            }
        }
    }

    fn cancel(&self) -> bool {
        let taken = self.running.lock().ok().and_then(|mut r| r.take());
        match taken {
            Some((_, abort)) => {
                abort();
                true
            }
            None => false,
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

// ---- first-time setup ----

/// The setup's progress (a first run when nothing was saved yet).
#[tauri::command(async)]
pub fn onboarding_state() -> Result<OnboardingState, ErrorInfo> {
    let dir = settings::config_dir().map_err(error_info)?;
    onboarding::load(&dir).map_err(error_info)
}

#[tauri::command(async)]
pub fn save_onboarding(state: OnboardingState) -> Result<OnboardingState, ErrorInfo> {
    let dir = settings::config_dir().map_err(error_info)?;
    onboarding::save(&dir, &state).map_err(error_info)
}

// ---- accounts ----

fn stored_keys(vault: &Vault) -> Result<Vec<StoredKey>, AccountError> {
    let mut keys = Vec::new();
    for entry in vault.feed_keys()? {
        let last4 = if entry.in_store {
            vault
                .feed_key(&entry.source)?
                .and_then(|key| last_four(key.expose()))
        } else {
            None
        };
        keys.push(StoredKey {
            source: entry.source,
            last4,
            label: entry.label,
            scopes: entry.scopes,
            glob: entry.glob,
            expires: entry.expires,
            expires_in_days: entry.expires_in_days,
            expires_soon: entry.expires_soon,
            created: entry.created,
            owner: entry.owner,
            in_store: entry.in_store,
        });
    }
    Ok(keys)
}

fn reminders_for(keys: &[StoredKey]) -> Vec<KeyReminder> {
    let today = today();
    keys.iter()
        .filter_map(|key| {
            let date = nupub_accounts::vault::parse_date(key.expires.as_deref()?).ok()?;
            reminder_for(&key.source, key.label.as_deref(), date, today)
        })
        .collect()
}

fn overview() -> Result<AccountOverview, AccountError> {
    let accounts = Accounts::system()?;
    let keys = stored_keys(accounts.vault())?;
    let client_id_configured = SignInOptions::default().with_env().client_id.is_some()
        || accounts.saved_client_id()?.is_some();
    Ok(AccountOverview {
        client_id_configured,
        accounts: accounts.status()?,
        reminders: reminders_for(&keys),
        keys,
    })
}

/// Accounts, stored keys (masked) and reminders.
#[tauri::command]
pub async fn account_overview() -> Result<AccountOverview, ErrorInfo> {
    blocking("reading your accounts", || overview().map_err(error_info)).await
}

async fn run_sign_in<R: Runtime>(
    app: AppHandle<R>,
    device: bool,
    prompt: SignInPrompt,
    device_url: Arc<Mutex<Option<String>>>,
) -> Result<AccountStatus, ErrorInfo> {
    let emit = |event: SignInEvent| {
        let _ = app.emit(SIGN_IN_EVENT, event);
    };
    let prepared = blocking("preparing the sign-in", move || {
        let accounts = Accounts::system().map_err(error_info)?;
        let saved = accounts.saved_client_id().map_err(error_info)?;
        let options = SignInOptions {
            prompt,
            ..SignInOptions::default()
        };
        let config = SignInConfig::resolve(options.with_env(), saved).map_err(error_info)?;
        Ok((accounts, config))
    })
    .await;
    let (accounts, config) = match prepared {
        Ok(ready) => ready,
        Err(error) => {
            emit(SignInEvent::Failed {
                error: error.clone(),
            });
            return Err(error);
        }
    };
    emit(SignInEvent::Starting { device });
    let result = if device {
        accounts
            .sign_in_device(&config, |prompt| {
                if let Ok(mut url) = device_url.lock() {
                    *url = Some(
                        prompt
                            .verification_uri_complete
                            .clone()
                            .unwrap_or_else(|| prompt.verification_uri.clone()),
                    );
                }
                emit(SignInEvent::DeviceCode {
                    prompt: prompt.clone(),
                });
            })
            .await
    } else {
        accounts
            .sign_in_browser_with_progress(&config, &Browser::System, |step| {
                emit(match step {
                    SignInStep::WaitingForBrowser => SignInEvent::WaitingForBrowser,
                    SignInStep::ExchangingCode => SignInEvent::ExchangingCode,
                })
            })
            .await
    };
    if let Ok(mut url) = device_url.lock() {
        *url = None;
    }
    match result {
        Ok(account) => {
            emit(SignInEvent::Done {
                account: account.clone(),
            });
            Ok(account)
        }
        Err(error) => {
            let error = error.info();
            emit(SignInEvent::Failed {
                error: error.clone(),
            });
            Err(error)
        }
    }
}

/// Signs in with Microsoft: in the system browser (asking for `prompt`), or
/// with a code (`device`). Progress goes out on [`SIGN_IN_EVENT`];
/// [`cancel_sign_in`] stops it.
#[tauri::command]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    task: tauri::State<'_, SignInTask>,
    device: bool,
    prompt: Option<SignInPrompt>,
) -> Result<AccountStatus, ErrorInfo> {
    let handle = tauri::async_runtime::spawn(run_sign_in(
        app.clone(),
        device,
        prompt.unwrap_or_default(),
        Arc::clone(&task.device_url),
    ));
    let abort = handle.inner().abort_handle();
    let id = task.start(Box::new(move || abort.abort()));
    let outcome = handle.await;
    task.finish(id);
    match outcome {
        Ok(result) => result,
        Err(_) => {
            if let Ok(mut url) = task.device_url.lock() {
                *url = None;
            }
            let _ = app.emit(SIGN_IN_EVENT, SignInEvent::Cancelled);
            Err(error_info(AccountUiError::SignInCancelled))
        }
    }
}

/// Stops the sign-in under way (the local listener closes). False when none was running.
#[tauri::command]
pub fn cancel_sign_in(task: tauri::State<'_, SignInTask>) -> bool {
    task.cancel()
}

/// Opens the device sign-in page the provider named, in the system browser.
#[tauri::command(async)]
pub fn open_device_page(task: tauri::State<'_, SignInTask>) -> Result<(), ErrorInfo> {
    let url = task
        .device_url
        .lock()
        .ok()
        .and_then(|u| u.clone())
        .ok_or_else(|| error_info(AccountUiError::NoDeviceCode))?;
    Browser::System.open(&url).map_err(error_info)
}

#[tauri::command]
pub async fn switch_account(account: String) -> Result<AccountsStatus, ErrorInfo> {
    blocking("switching accounts", move || {
        let accounts = Accounts::system().map_err(error_info)?;
        accounts.set_active(&account).map_err(error_info)?;
        accounts.status().map_err(error_info)
    })
    .await
}

/// Checks a client ID with the sign-in service (see
/// [`Accounts::check_client_id`]) and saves it as `nupub account login
/// --client-id` does. Answers whether the service could check it fully.
#[tauri::command]
pub async fn save_client_id(client_id: String) -> Result<bool, ErrorInfo> {
    let accounts = blocking("reading your settings", || {
        Accounts::system().map_err(error_info)
    })
    .await?;
    let options = SignInOptions {
        client_id: Some(client_id),
        ..SignInOptions::default()
    };
    let config = SignInConfig::resolve(options.with_env(), None).map_err(error_info)?;
    let checked = accounts
        .check_client_id(&config)
        .await
        .map_err(error_info)?;
    accounts
        .save_client_id(&config.client_id)
        .map_err(error_info)?;
    Ok(checked)
}

/// The user's own word on two-step verification (`on`), or its withdrawal.
#[tauri::command]
pub async fn confirm_two_step(account: String, on: bool) -> Result<AccountStatus, ErrorInfo> {
    blocking("saving your answer", move || {
        let accounts = Accounts::system().map_err(error_info)?;
        accounts
            .confirm_two_step(Some(&account), on)
            .map_err(error_info)
    })
    .await
}

/// The per-account tick for nuget.org's e-mail on every publish.
#[tauri::command]
pub async fn confirm_publish_email(account: String, on: bool) -> Result<AccountStatus, ErrorInfo> {
    blocking("saving your answer", move || {
        let accounts = Accounts::system().map_err(error_info)?;
        accounts
            .confirm_publish_email(Some(&account), on)
            .map_err(error_info)
    })
    .await
}

/// After signing out: who is left, which keys went, and what to do on the feed.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignedOut {
    pub accounts: AccountsStatus,
    pub removed_keys: Vec<String>,
    /// Said when no account is left (the keys' fate matters then).
    pub guidance: Option<keys::Guidance>,
}

/// Signs an account out (its tokens leave the keyring); with `remove_keys`,
/// the stored publish keys go too.
#[tauri::command]
pub async fn sign_out(account: String, remove_keys: bool) -> Result<SignedOut, ErrorInfo> {
    blocking("signing out", move || {
        let accounts = Accounts::system().map_err(error_info)?;
        let out = accounts
            .sign_out_with(Some(&account), remove_keys)
            .map_err(error_info)?;
        Ok(SignedOut {
            accounts: accounts.status().map_err(error_info)?,
            guidance: out.guidance(),
            removed_keys: out.removed_keys,
        })
    })
    .await
}

/// What to tell the user after a key for `source` was replaced or removed.
#[tauri::command]
pub fn key_guidance(source: String, change: keys::KeyChange) -> keys::Guidance {
    keys::guidance(&source, change)
}

// ---- feed keys ----

/// Stores (or replaces) a feed's API key in the keyring with its non-secret
/// facts. The key is never sent back: the answer holds its last four characters.
#[tauri::command]
pub async fn save_feed_key(
    source: String,
    key: String,
    metadata: KeyMetadata,
) -> Result<StoredKey, ErrorInfo> {
    let key = Secret::new(key);
    blocking("saving the key", move || {
        let mut metadata = metadata;
        keys::check_key(&source, &key).map_err(error_info)?;
        keys::check_metadata(&source, &mut metadata, today()).map_err(error_info)?;
        let key = Secret::new(key.expose().trim());
        let vault = Vault::system().map_err(error_info)?;
        vault
            .set_feed_key(&source, key, metadata)
            .map_err(error_info)?;
        stored_keys(&vault)
            .map_err(error_info)?
            .into_iter()
            .find(|k| k.source == source)
            .ok_or_else(|| error_info(AccountError::NoFeedKey(source.clone())))
    })
    .await
}

/// Removes a feed's key from the keyring; answers with the keys left.
#[tauri::command]
pub async fn remove_feed_key(source: String) -> Result<Vec<StoredKey>, ErrorInfo> {
    blocking("removing the key", move || {
        let vault = Vault::system().map_err(error_info)?;
        vault.remove_feed_key(&source).map_err(error_info)?;
        stored_keys(&vault).map_err(error_info)
    })
    .await
}

// ---- no keys in files ----

/// Scans the nuget.config files NuGet would read for `folder` (a package
/// file stands for its folder; the user's home when none is given): every
/// folder from there up to the root, the user files and the computer-wide
/// files, for secrets in clear text. Reads only; never shows a secret.
#[tauri::command]
pub async fn scan_nuget_configs(folder: Option<String>) -> Result<ConfigScan, ErrorInfo> {
    blocking("checking your nuget.config files", move || {
        let start = folder
            .map(std::path::PathBuf::from)
            .map(|p| match p.is_file() {
                true => p.parent().map(std::path::Path::to_path_buf).unwrap_or(p),
                false => p,
            })
            .or_else(|| std::env::var_os("HOME").map(std::path::PathBuf::from));
        Ok(config_scan::scan_system(start.as_deref()))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_valid_and_have_hints() {
        let all = [
            AccountUiError::SignInCancelled,
            AccountUiError::NoDeviceCode,
            AccountUiError::TaskFailed {
                task: "t",
                detail: "d".into(),
            },
        ];
        for error in all {
            let info = error.info();
            assert!(nupub_error::is_valid_code(&info.code), "{}", info.code);
            assert!(info.hint.is_some_and(|h| !h.is_empty()));
        }
    }

    #[test]
    fn sign_in_event_wire_shape() {
        let json = serde_json::to_value(SignInEvent::WaitingForBrowser).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "waitingForBrowser"}));
        let json = serde_json::to_value(SignInEvent::Starting { device: true }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "starting", "device": true})
        );
    }

    #[test]
    fn a_new_sign_in_cancels_the_old_one() {
        let task = SignInTask::default();
        let hits = Arc::new(AtomicU64::new(0));
        let h = Arc::clone(&hits);
        let first = task.start(Box::new(move || {
            h.fetch_add(1, Ordering::SeqCst);
        }));
        let second = task.start(Box::new(|| {}));
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        task.finish(first); // stale: the second stays cancellable
        assert!(task.cancel());
        assert!(!task.cancel());
        task.finish(second);
    }
}
