use stowage_store::{ContainerInfo, ListOptions, ListPage};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::IpcError;
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
