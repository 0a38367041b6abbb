//! Tauri commands. Each one only translates between the window and a core
//! crate: it holds no logic of its own, and errors leave as `{code, message, hint}`.

use crate::launch::LaunchArgs;
use nupub_error::{Coded, ErrorInfo};
use nupub_feeds::FeedTarget;
use serde::Serialize;
use ts_rs::TS;

/// What the window shows about the app itself.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub product_name: String,
    pub version: String,
    /// Where a package goes when the user has set up nothing else.
    pub default_target: FeedTarget,
}

#[tauri::command]
pub fn app_info() -> Result<AppInfo, ErrorInfo> {
    Ok(AppInfo {
        product_name: "Nupub".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        default_target: nupub_feeds::default_target().map_err(|e| e.info())?,
    })
}

/// The package path the app was started with, if any.
#[tauri::command]
pub fn launch_package(launch: tauri::State<'_, LaunchArgs>) -> Option<String> {
    launch
        .package_path
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
}
