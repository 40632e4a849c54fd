//! Watched folders in the window: started at launch (so changes made while
//! the app was closed sync too); their status arrives as `WatchUpdated`.

use stowage_api::WatchedView;
use stowage_api::{DeletePolicy, WatchedFolder};

use super::Stowage;
use crate::error::IpcError;

#[tauri::command]
#[specta::specta]
pub async fn list_watched(app: Stowage<'_>) -> Result<Vec<WatchedView>, IpcError> {
    Ok(app.blocking(|app| app.list_watched()).await?)
}

/// Watches `folder` into `container`/`prefix` of `profile`.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn add_watched(
    app: Stowage<'_>,
    profile: String,
    folder: String,
    container: String,
    prefix: String,
    policy: DeletePolicy,
    backup_prefix: String,
    excludes: Vec<String>,
) -> Result<Vec<WatchedView>, IpcError> {
    let watched = WatchedFolder::new(folder, profile, container, prefix, policy, backup_prefix, excludes);
    Ok(app.add_watched(watched).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_watch_paused(app: Stowage<'_>, folder: String, paused: bool) -> Result<Vec<WatchedView>, IpcError> {
    Ok(app.set_watch_paused(&folder, paused).await?)
}

/// Stops watching; nothing is deleted on either side.
#[tauri::command]
#[specta::specta]
pub async fn remove_watched(app: Stowage<'_>, folder: String) -> Result<Vec<WatchedView>, IpcError> {
    Ok(app.remove_watched(&folder).await?)
}
