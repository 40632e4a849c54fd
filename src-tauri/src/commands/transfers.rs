use stowage_sync::Existing;

use super::Stowage;
use crate::error::IpcError;

/// Uploads dropped or chosen paths into `container`/`prefix` of `profile`.
/// Returns the transfer id; progress arrives as `TransferUpdated`.
#[tauri::command]
#[specta::specta]
pub async fn start_upload(
    app: Stowage<'_>,
    profile: String,
    paths: Vec<String>,
    container: String,
    prefix: String,
    existing: Existing,
) -> Result<u32, IpcError> {
    Ok(app.start_upload(&profile, paths, &container, &prefix, existing).await?.id)
}

/// Downloads a selection of the storage browser (keys, and folders ending
/// in `/`) into `dest`, keeping the structure below `base_prefix`.
#[tauri::command]
#[specta::specta]
pub async fn start_download(
    app: Stowage<'_>,
    profile: String,
    container: String,
    base_prefix: String,
    selection: Vec<String>,
    dest: String,
    existing: Existing,
) -> Result<u32, IpcError> {
    Ok(app.start_download(&profile, &container, &base_prefix, selection, &dest, existing).await?.id)
}

/// Stops a transfer; its unfinished multipart uploads are aborted.
#[tauri::command]
#[specta::specta]
pub fn cancel_transfer(app: Stowage<'_>, id: u32) -> Result<(), IpcError> {
    Ok(app.cancel_transfer(id)?)
}

/// Pauses (`true`) or resumes a transfer. Paused, it starts no request;
/// the ones in flight finish, and multipart uploads stay open to continue.
#[tauri::command]
#[specta::specta]
pub fn pause_transfer(app: Stowage<'_>, id: u32, paused: bool) -> Result<(), IpcError> {
    Ok(app.pause_transfer(id, paused)?)
}
