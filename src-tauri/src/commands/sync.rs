//! Folder sync from the window: plan (a dry run the window shows), apply
//! the plan the person saw, and saved syncs to run again in one click.

use stowage_api::SavedSync;
use stowage_api::SyncPreview;
use stowage_api::{Op, SyncTarget};

use super::Stowage;
use crate::error::IpcError;

/// The ops a plan's first answer and each further page hold; the counts
/// cover all of them.
const OPS_SHOWN: usize = 2_000;

/// What syncing `target` would do. `allow_many_deletes`: the person
/// confirmed a plan over the delete cap.
#[tauri::command]
#[specta::specta]
pub async fn plan_sync(
    app: Stowage<'_>,
    target: SyncTarget,
    allow_many_deletes: bool,
) -> Result<SyncPreview, IpcError> {
    Ok(app.plan_sync(&target, allow_many_deletes, OPS_SHOWN).await?)
}

/// The next page of a plan's operations, from `offset`, as the window scrolls.
#[tauri::command]
#[specta::specta]
pub async fn plan_operations(app: Stowage<'_>, plan_id: u32, offset: u32) -> Result<Vec<Op>, IpcError> {
    Ok(app.blocking(move |app| app.plan_operations(plan_id, offset as usize, OPS_SHOWN)).await?)
}

/// Drops a plan the window no longer shows (the view was left or the
/// preview closed), with its temporary files.
#[tauri::command]
#[specta::specta]
pub async fn discard_plan(app: Stowage<'_>, plan_id: u32) -> Result<(), IpcError> {
    app.discard_plan(plan_id);
    Ok(())
}

/// Runs a plan the window showed; returns the transfer id.
#[tauri::command]
#[specta::specta]
pub async fn apply_sync(app: Stowage<'_>, plan_id: u32) -> Result<u32, IpcError> {
    Ok(app.apply_sync(plan_id, None).await?.id)
}

#[tauri::command]
#[specta::specta]
pub async fn list_sync_pairs(app: Stowage<'_>) -> Result<Vec<SavedSync>, IpcError> {
    Ok(app.blocking(|app| app.saved_syncs()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_sync_pair(app: Stowage<'_>, pair: SavedSync) -> Result<Vec<SavedSync>, IpcError> {
    Ok(app.blocking(move |app| app.save_sync(pair)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_sync_pair(app: Stowage<'_>, name: String) -> Result<Vec<SavedSync>, IpcError> {
    Ok(app.blocking(move |app| app.remove_saved_sync(&name)).await?)
}
