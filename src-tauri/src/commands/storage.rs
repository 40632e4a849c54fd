use stowage_api::{ContainerInfo, ObjectInfo};
use stowage_api::{DeleteReport, FolderPage, NewContainer, SelectionSize};
use tauri::AppHandle;
use tauri_specta::Event;

use super::Stowage;
use crate::error::IpcError;
use crate::events::ContainersChanged;

#[tauri::command]
#[specta::specta]
pub async fn list_containers(app: Stowage<'_>, profile: String) -> Result<Vec<ContainerInfo>, IpcError> {
    Ok(app.list_containers(&profile).await?)
}

fn announce(handle: &AppHandle, profile: String) {
    if let Err(e) = (ContainersChanged { profile }).emit(handle) {
        tracing::warn!("could not announce the changed containers: {e}");
    }
}

#[tauri::command]
#[specta::specta]
pub async fn create_container(
    handle: AppHandle,
    app: Stowage<'_>,
    profile: String,
    name: String,
    versioning: bool,
    storage_class: Option<String>,
) -> Result<(), IpcError> {
    app.create_container_with(&profile, &name, NewContainer { versioning, storage_class }).await?;
    announce(&handle, profile);
    Ok(())
}

/// Deletes an empty container; a non-empty one is refused with a sentence saying so.
#[tauri::command]
#[specta::specta]
pub async fn delete_container(
    handle: AppHandle,
    app: Stowage<'_>,
    profile: String,
    name: String,
) -> Result<(), IpcError> {
    app.delete_container(&profile, &name).await?;
    announce(&handle, profile);
    Ok(())
}

/// One page of a folder: the objects and sub-folders directly under `prefix`.
#[tauri::command]
#[specta::specta]
pub async fn list_folder(
    app: Stowage<'_>,
    profile: String,
    container: String,
    prefix: String,
    continuation: Option<String>,
) -> Result<FolderPage, IpcError> {
    Ok(app.list_folder(&profile, &container, &prefix, continuation).await?)
}

/// Objects (and, in one folder, sub-folders) under `prefix` whose name
/// contains `needle`; `deep` searches the sub-folders too. Reads up to ten
/// thousand keys per call; `next` goes on.
#[tauri::command]
#[specta::specta]
pub async fn search_objects(
    app: Stowage<'_>,
    profile: String,
    container: String,
    prefix: String,
    needle: String,
    deep: bool,
    continuation: Option<String>,
) -> Result<stowage_api::SearchPage, IpcError> {
    Ok(app.search(&profile, &container, &prefix, &needle, deep, continuation).await?)
}

/// Everything HEAD says about one object (size, dates, ETag, type, metadata).
#[tauri::command]
#[specta::specta]
pub async fn object_details(
    app: Stowage<'_>,
    profile: String,
    container: String,
    key: String,
) -> Result<ObjectInfo, IpcError> {
    Ok(app.object_details(&profile, &container, &key).await?)
}

/// How many objects and bytes a selection holds, for the delete confirmation.
#[tauri::command]
#[specta::specta]
pub async fn measure_selection(
    app: Stowage<'_>,
    profile: String,
    container: String,
    selection: Vec<String>,
) -> Result<SelectionSize, IpcError> {
    Ok(app.measure_selection(&profile, &container, &selection).await?)
}

/// Deletes a selection: keys, and folders (ending in `/`) with all they hold.
#[tauri::command]
#[specta::specta]
pub async fn delete_objects(
    app: Stowage<'_>,
    profile: String,
    container: String,
    selection: Vec<String>,
) -> Result<DeleteReport, IpcError> {
    Ok(app.delete_objects(&profile, &container, &selection).await?)
}
