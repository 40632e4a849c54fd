use serde::Serialize;
use stowage_store::{ContainerInfo, ListOptions, ListPage, ObjectInfo};
use stowage_sync::selection;
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::{IpcError, IpcErrorCode};
use crate::events::ContainersChanged;
use crate::state::Shared;

#[tauri::command]
#[specta::specta]
pub async fn list_containers(state: State<'_, Shared>) -> Result<Vec<ContainerInfo>, IpcError> {
    Ok(state.current_store()?.list_containers().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_container(app: AppHandle, state: State<'_, Shared>, name: String) -> Result<(), IpcError> {
    state.current_store()?.create_container(name.trim()).await?;
    let profile = state.settings().current;
    if let Err(e) = (ContainersChanged { profile }).emit(&app) {
        tracing::warn!("could not announce the new container: {e}");
    }
    Ok(())
}

/// One page of a folder: the objects and sub-folders directly under `prefix`.
#[tauri::command]
#[specta::specta]
pub async fn list_folder(
    state: State<'_, Shared>,
    container: String,
    prefix: String,
    continuation: Option<String>,
) -> Result<ListPage, IpcError> {
    let options = ListOptions { continuation, ..ListOptions::folder(prefix) };
    Ok(state.current_store()?.list(&container, &options).await?)
}

/// Deletes an empty container; a non-empty one is refused with a sentence saying so.
#[tauri::command]
#[specta::specta]
pub async fn delete_container(app: AppHandle, state: State<'_, Shared>, name: String) -> Result<(), IpcError> {
    state.current_store()?.delete_container(&name).await?;
    let profile = state.settings().current;
    if let Err(e) = (ContainersChanged { profile }).emit(&app) {
        tracing::warn!("could not announce the deleted container: {e}");
    }
    Ok(())
}

/// Everything HEAD says about one object (size, dates, ETag, type, metadata).
#[tauri::command]
#[specta::specta]
pub async fn object_details(state: State<'_, Shared>, container: String, key: String) -> Result<ObjectInfo, IpcError> {
    Ok(state.current_store()?.head(&container, &key).await?)
}

/// How many objects and bytes a selection holds, for the delete confirmation.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SelectionSize {
    pub objects: u64,
    pub bytes: u64,
}

#[tauri::command]
#[specta::specta]
pub async fn measure_selection(
    state: State<'_, Shared>,
    container: String,
    selection: Vec<String>,
) -> Result<SelectionSize, IpcError> {
    let store = state.current_store()?;
    let (objects, failed) = selection::expand(store.as_ref(), &container, &selection).await;
    if let Some((what, why)) = failed.into_iter().next() {
        return Err(IpcError::new(IpcErrorCode::Other, format!("{what}: {why}")));
    }
    Ok(SelectionSize { objects: objects.len() as u64, bytes: objects.iter().map(|o| o.size).sum() })
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DeleteReport {
    pub deleted: u64,
    /// Key and sentence for each object that could not be deleted.
    pub failed: Vec<(String, String)>,
}

/// Deletes a selection: keys, and folders (ending in `/`) with all they hold.
#[tauri::command]
#[specta::specta]
pub async fn delete_objects(
    state: State<'_, Shared>,
    container: String,
    selection: Vec<String>,
) -> Result<DeleteReport, IpcError> {
    let store = state.current_store()?;
    let (deleted, failed) = selection::delete_selection(store.as_ref(), &container, &selection, 16).await;
    Ok(DeleteReport { deleted, failed })
}

/// Shows a downloaded file or folder in the system's file manager.
#[tauri::command]
#[specta::specta]
pub fn reveal_path(path: String) -> Result<(), IpcError> {
    crate::platform::reveal(std::path::Path::new(&path))
        .map_err(|e| IpcError::new(IpcErrorCode::Other, format!("Cannot open the file manager: {e}")))
}
