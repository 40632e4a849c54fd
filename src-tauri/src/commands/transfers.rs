use std::sync::Arc;

use stowage_api::{Answer, Existing};

use super::{on_blocking_pool, Stowage};
use crate::error::IpcError;
use crate::events::{ConflictAsked, TransferUpdated};
use crate::file_rows::{FilePage, FileRows};
use crate::observer::TransferLog;

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
    Ok(app.start_upload(&profile, paths, &container, &prefix, existing, None).await?.id)
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
pub async fn cancel_transfer(app: Stowage<'_>, id: u32) -> Result<(), IpcError> {
    Ok(app.cancel_transfer(id)?)
}

/// Pauses (`true`) or resumes a transfer. Paused, it starts no request;
/// the ones in flight finish, and multipart uploads stay open to continue.
#[tauri::command]
#[specta::specta]
pub async fn pause_transfer(app: Stowage<'_>, id: u32, paused: bool) -> Result<(), IpcError> {
    Ok(app.pause_transfer(id, paused)?)
}

/// Answers the question the upload `id` asked (a `ConflictAsked` event).
#[tauri::command]
#[specta::specta]
pub async fn answer_conflict(app: Stowage<'_>, id: u32, answer: Answer) -> Result<(), IpcError> {
    Ok(app.answer_conflict(id, answer)?)
}

/// The questions still waiting, for a window that opens while uploads ask.
#[tauri::command]
#[specta::specta]
pub async fn open_questions(app: Stowage<'_>) -> Result<Vec<ConflictAsked>, IpcError> {
    Ok(app.open_questions().into_iter().map(|(id, conflict)| ConflictAsked { id, conflict }).collect())
}

/// What uploads from the window do with a different object of the same name.
#[tauri::command]
#[specta::specta]
pub async fn upload_existing(app: Stowage<'_>) -> Result<Existing, IpcError> {
    Ok(app.upload_existing())
}

#[tauri::command]
#[specta::specta]
pub async fn set_upload_existing(app: Stowage<'_>, existing: Existing) -> Result<(), IpcError> {
    Ok(app.set_upload_existing(existing).await?)
}

/// Every transfer of this run as it stands, for a window that starts
/// listening after they began (uploads resumed at launch, a start in the
/// background).
#[tauri::command]
#[specta::specta]
pub async fn transfers_so_far(log: tauri::State<'_, TransferLog>) -> Result<Vec<TransferUpdated>, IpcError> {
    Ok(log.all())
}

/// Up to `limit` finished files of transfer `id` from row `offset`, in the
/// order they finished, and how many there are.
#[tauri::command]
#[specta::specta]
pub async fn transfer_files(
    rows: tauri::State<'_, Arc<FileRows>>,
    id: u32,
    offset: u32,
    limit: u32,
) -> Result<FilePage, IpcError> {
    let rows = Arc::clone(&rows);
    on_blocking_pool(move || {
        rows.page(id, u64::from(offset), u64::from(limit))
            .map_err(|e| IpcError::from(stowage_api::Error::other(format!("The list of files cannot be read: {e}"))))
    })
    .await
}

/// Frees the per-file lists of transfers the window cleared.
#[tauri::command]
#[specta::specta]
pub async fn forget_transfer_files(rows: tauri::State<'_, Arc<FileRows>>, ids: Vec<u32>) -> Result<(), IpcError> {
    rows.forget(&ids);
    Ok(())
}

/// The bandwidth limit of every transfer, as rclone writes it ("off" for none).
#[tauri::command]
#[specta::specta]
pub async fn bandwidth_limit(app: Stowage<'_>) -> Result<String, IpcError> {
    Ok(app.bandwidth_limit().to_string())
}

/// Sets and saves the limit of every transfer, those running included;
/// returns it as it reads back.
#[tauri::command]
#[specta::specta]
pub async fn set_bandwidth_limit(app: Stowage<'_>, limit: String) -> Result<String, IpcError> {
    Ok(app.set_bandwidth_limit(&limit, true).await?.to_string())
}

/// Limits one running transfer, below the app's limit ("off" lifts it).
#[tauri::command]
#[specta::specta]
pub async fn set_transfer_limit(app: Stowage<'_>, id: u32, limit: String) -> Result<String, IpcError> {
    Ok(app.set_transfer_limit(id, &limit)?.to_string())
}
