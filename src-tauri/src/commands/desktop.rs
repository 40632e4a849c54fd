//! The app itself: what About shows, folders opened in the file manager,
//! whether Stowage starts at login, and quitting once the window asked.

use serde::Serialize;
use stowage_api::Notify;
use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt;
use tauri_plugin_opener::OpenerExt;

use super::{on_blocking_pool, Stowage};
use crate::error::{IpcError, IpcErrorCode};

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
pub async fn about(app: Stowage<'_>) -> Result<AboutInfo, IpcError> {
    let dirs = app.dirs();
    Ok(AboutInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        config_dir: dirs.config.display().to_string(),
        data_dir: dirs.data.display().to_string(),
        logs_dir: dirs.logs().display().to_string(),
    })
}

/// Opens a folder (a download's destination, a synced folder, the logs) in
/// the file manager, through the opener plugin (xdg-open and its kin).
#[tauri::command]
#[specta::specta]
pub async fn open_folder(handle: AppHandle, path: String) -> Result<(), IpcError> {
    on_blocking_pool(move || {
        if !std::path::Path::new(&path).is_dir() {
            return Err(IpcError::new(IpcErrorCode::NotFound, format!("{path} is not a folder (any more).")));
        }
        handle
            .opener()
            .open_path(&path, None::<&str>)
            .map_err(|e| IpcError::new(IpcErrorCode::Other, format!("Cannot open the file manager: {e}")))
    })
    .await
}

fn login_error(e: impl std::fmt::Display) -> IpcError {
    IpcError::new(IpcErrorCode::Other, format!("Cannot change the start at login entry: {e}"))
}

/// Whether the system starts Stowage at login (read from the platform's
/// entry, so a change made outside the app shows too).
#[tauri::command]
#[specta::specta]
pub async fn start_at_login(app: AppHandle) -> Result<bool, IpcError> {
    on_blocking_pool(move || app.autolaunch().is_enabled().map_err(login_error)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_start_at_login(app: AppHandle, enabled: bool) -> Result<bool, IpcError> {
    on_blocking_pool(move || {
        let autolaunch = app.autolaunch();
        if enabled { autolaunch.enable() } else { autolaunch.disable() }.map_err(login_error)?;
        tracing::info!(enabled, "start at login changed");
        autolaunch.is_enabled().map_err(login_error)
    })
    .await
}

/// What the desktop is told of in a notification.
#[tauri::command]
#[specta::specta]
pub async fn notify_when(app: Stowage<'_>) -> Result<Notify, IpcError> {
    Ok(app.notify())
}

#[tauri::command]
#[specta::specta]
pub async fn set_notify_when(app: Stowage<'_>, notify: Notify) -> Result<(), IpcError> {
    Ok(app.set_notify(notify).await?)
}

/// Where downloads go without asking; null: asked each time.
#[tauri::command]
#[specta::specta]
pub async fn download_folder(app: Stowage<'_>) -> Result<Option<String>, IpcError> {
    Ok(app.download_folder().map(|f| f.display().to_string()))
}

#[tauri::command]
#[specta::specta]
pub async fn set_download_folder(app: Stowage<'_>, folder: Option<String>) -> Result<(), IpcError> {
    Ok(app.set_download_folder(folder.map(std::path::PathBuf::from)).await?)
}

/// Quits now, after the window asked about running transfers. Uploads
/// continue at the next start; downloads and syncs start over.
#[tauri::command]
#[specta::specta]
pub async fn quit_now(handle: AppHandle) {
    handle.exit(0);
}
