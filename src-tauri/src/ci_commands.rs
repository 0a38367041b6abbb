//! "Publish from GitHub Actions": the workflow plan for the opened package,
//! writing it after the user saw it, and the log doctor. nupub-ci decides;
//! these commands only carry its answers to the window.

use crate::commands::blocking;
use nupub_ci::{Diagnosis, WorkflowOptions, WorkflowPlan};
use nupub_error::{Coded, ErrorInfo};
use std::path::PathBuf;

/// The repository, the workflow text and nuget.org's policy values for `path`.
#[tauri::command]
pub async fn ci_workflow_plan(
    path: String,
    options: WorkflowOptions,
) -> Result<WorkflowPlan, ErrorInfo> {
    blocking("preparing the workflow", move || {
        nupub_ci::plan_workflow(&PathBuf::from(path), &options).map_err(|e| e.info())
    })
    .await
}

/// Writes the workflow the user was shown (`shown`); replaces a file only with `overwrite`.
#[tauri::command]
pub async fn ci_write_workflow(
    path: String,
    options: WorkflowOptions,
    shown: String,
    overwrite: bool,
) -> Result<String, ErrorInfo> {
    blocking("writing the workflow", move || {
        let plan = nupub_ci::plan_workflow(&PathBuf::from(path), &options).map_err(|e| e.info())?;
        nupub_ci::workflow::write_shown_workflow(&plan, &shown, overwrite)
            .map(|p| p.display().to_string())
            .map_err(|e| e.info())
    })
    .await
}

/// The known causes in a pasted job log.
#[tauri::command]
pub async fn ci_diagnose(log: String) -> Result<Diagnosis, ErrorInfo> {
    blocking("reading the log", move || Ok(nupub_ci::diagnose(&log))).await
}
