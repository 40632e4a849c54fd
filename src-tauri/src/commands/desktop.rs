//! The app itself: what About shows, and whether Stowage starts at login.

use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::error::{IpcError, IpcErrorCode};
use crate::state::Shared;

/// Given to the app by the login entry: start in the tray, window hidden.
pub const BACKGROUND_ARG: &str = "--background";

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AboutInfo {
    pub version: String,
    pub config_dir: String,
    pub data_dir: String,
    pub logs_dir: String,
}

#[tauri::command]
#[specta::specta]
pub fn about(state: State<'_, Shared>) -> AboutInfo {
    let dirs = &state.dirs;
    AboutInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        config_dir: dirs.config.display().to_string(),
        data_dir: dirs.data.display().to_string(),
        logs_dir: dirs.logs().display().to_string(),
    }
}

fn login_error(e: impl std::fmt::Display) -> IpcError {
    IpcError::new(IpcErrorCode::Other, format!("Cannot change the start at login entry: {e}"))
}

/// Whether the system starts Stowage at login (read from the platform's
/// entry, so a change made outside the app shows too).
#[tauri::command]
#[specta::specta]
pub fn start_at_login(app: AppHandle) -> Result<bool, IpcError> {
    app.autolaunch().is_enabled().map_err(login_error)
}

#[tauri::command]
#[specta::specta]
pub fn set_start_at_login(app: AppHandle, enabled: bool) -> Result<bool, IpcError> {
    let autolaunch = app.autolaunch();
    if enabled { autolaunch.enable() } else { autolaunch.disable() }.map_err(login_error)?;
    tracing::info!(enabled, "start at login changed");
    autolaunch.is_enabled().map_err(login_error)
}
