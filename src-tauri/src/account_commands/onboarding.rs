//! Where the first-time setup is: which step the user reached, whether they
//! finished or skipped it, and the checklist items only they can tick (nuget.org
//! offers no API to read them). Nothing here is secret. Kept in
//! `onboarding.json` beside `accounts.json`, written atomically; a file Nupub
//! cannot read is reported and never replaced.

use nupub_accounts::settings::{read_bounded, write_atomically};
use nupub_error::Coded;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

pub const FILE_NAME: &str = "onboarding.json";
const MAX_SIZE: u64 = 64 * 1024;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum OnboardingStep {
    #[default]
    Welcome,
    SignIn,
    Checklist,
    FeedKey,
    Done,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct OnboardingState {
    /// The step to resume at.
    pub step: OnboardingStep,
    pub finished: bool,
    pub skipped: bool,
    /// The user turned on nuget.org's e-mail on every publish.
    pub email_on_publish: bool,
    /// The user read the Trusted Publishing advice.
    pub trusted_publishing_seen: bool,
    /// False until the state was saved once: the first run. Set on loading, whatever the file says.
    pub saved: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OnboardingError {
    #[error("the setup progress file {path} could not be read: {detail}")]
    Unreadable { path: PathBuf, detail: String },
    #[error("the setup progress file {path} could not be saved: {detail}")]
    Unwritable { path: PathBuf, detail: String },
}

impl Coded for OnboardingError {
    fn code(&self) -> &'static str {
        match self {
            OnboardingError::Unreadable { .. } => "onboarding.state_unreadable",
            OnboardingError::Unwritable { .. } => "onboarding.state_unwritable",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            OnboardingError::Unreadable { path, .. } => format!(
                "Nupub left the file as it is; delete {} to start the setup again (it holds no keys)",
                path.display()
            ),
            OnboardingError::Unwritable { .. } => {
                "check that the folder exists and that you can write to it".to_string()
            }
        })
    }
}

/// Reads the state; a missing file is the first run.
pub fn load(dir: &Path) -> Result<OnboardingState, OnboardingError> {
    let path = dir.join(FILE_NAME);
    let unreadable = |detail: String| OnboardingError::Unreadable {
        path: path.clone(),
        detail,
    };
    let Some(bytes) = read_bounded(&path, MAX_SIZE).map_err(unreadable)? else {
        return Ok(OnboardingState::default());
    };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| unreadable(format!("it is not valid: {e}")))?;
    if !value.is_object() {
        return Err(unreadable("it is not a JSON object".into()));
    }
    let mut state: OnboardingState =
        serde_json::from_value(value).map_err(|e| unreadable(format!("it is not valid: {e}")))?;
    state.saved = true;
    Ok(state)
}

/// Saves the state atomically. Refuses to replace a file it cannot read.
pub fn save(dir: &Path, state: &OnboardingState) -> Result<OnboardingState, OnboardingError> {
    let path = dir.join(FILE_NAME);
    if path.exists() {
        load(dir)?;
    }
    let unwritable = |detail: String| OnboardingError::Unwritable {
        path: path.clone(),
        detail,
    };
    let mut json = serde_json::to_vec_pretty(state).map_err(|e| unwritable(e.to_string()))?;
    json.push(b'\n');
    write_atomically(&path, &json).map_err(unwritable)?;
    let mut saved = state.clone();
    saved.saved = true;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_run_then_resume() {
        let dir = tempfile::tempdir().unwrap();
        let first = load(dir.path()).unwrap();
        assert!(!first.saved && !first.finished && !first.skipped);
        assert_eq!(first.step, OnboardingStep::Welcome);
        let state = OnboardingState {
            step: OnboardingStep::Checklist,
            skipped: true,
            email_on_publish: true,
            ..OnboardingState::default()
        };
        let saved = save(dir.path(), &state).unwrap();
        assert!(saved.saved);
        let again = load(dir.path()).unwrap();
        assert_eq!(again.step, OnboardingStep::Checklist);
        assert!(again.skipped && again.email_on_publish && again.saved);
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(text.contains("\"emailOnPublish\": true"), "{text}");
        // The file alone decides whether this is the first run.
        std::fs::write(dir.path().join(FILE_NAME), r#"{"saved": false}"#).unwrap();
        assert!(load(dir.path()).unwrap().saved);
    }

    #[test]
    fn unknown_and_missing_fields_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            r#"{"step": "feedKey", "future": [1]}"#,
        )
        .unwrap();
        let state = load(dir.path()).unwrap();
        assert_eq!(state.step, OnboardingStep::FeedKey);
        assert!(!state.finished);
    }

    #[test]
    fn hostile_files_are_reported_and_left_unchanged() {
        let cases: Vec<Vec<u8>> = vec![
            b"{not json".to_vec(),
            b"[]".to_vec(),
            b"".to_vec(),
            br#"{"step": "nowhere"}"#.to_vec(),
            br#"{"finished": "yes"}"#.to_vec(),
            vec![0xff, 0xfe, 0, 0],
            vec![b' '; (MAX_SIZE + 1) as usize],
            format!("{}1{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        ];
        for bytes in cases {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(FILE_NAME);
            std::fs::write(&path, &bytes).unwrap();
            let error = load(dir.path()).unwrap_err();
            assert_eq!(error.code(), "onboarding.state_unreadable");
            assert!(error.to_string().contains("onboarding.json"), "{error}");
            assert!(error.hint().unwrap().contains("delete"));
            assert!(save(dir.path(), &OnboardingState::default()).is_err());
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
    }

    #[test]
    fn unwritable_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let error = save(&blocker.join("sub"), &OnboardingState::default()).unwrap_err();
        assert_eq!(error.code(), "onboarding.state_unwritable");
        assert!(nupub_error::is_valid_code(error.code()));
    }
}
