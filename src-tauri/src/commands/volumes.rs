use stowage_api::LaunchForm;
use stowage_api::Volume;
use stowage_api::VolumeSet;
use stowage_api::{read_paste, Pasted};
use stowage_api::{VolumePreview, VolumeSurveys};

use super::Stowage;
use crate::error::{IpcError, IpcErrorCode};

fn invalid(message: String) -> IpcError {
    IpcError::new(IpcErrorCode::InvalidInput, message)
}

/// The preview of what is being composed: the launch form (its volumes, and
/// the image, flavor, variables and command the ovhai line carries).
#[tauri::command]
#[specta::specta]
pub async fn preview_volumes(
    app: Stowage<'_>,
    form: LaunchForm,
    job_region: Option<String>,
) -> Result<VolumePreview, IpcError> {
    Ok(app.preview_volumes(&form, job_region))
}

/// One volume from its `--volume` string.
#[tauri::command]
#[specta::specta]
pub async fn parse_volume(text: String) -> Result<Volume, IpcError> {
    text.parse().map_err(|e: stowage_api::ParseError| invalid(e.to_string()))
}

/// What a pasted ovhai command, API JSON, or --volume lines carry: the
/// volumes, and the whole launch form when it was a command or a spec.
#[tauri::command]
#[specta::specta]
pub async fn import_volumes(text: String) -> Result<Pasted, IpcError> {
    read_paste(&text).map_err(|e| invalid(e.0))
}

/// Counts what each datastore volume would download, through the profile
/// that has its alias.
#[tauri::command]
#[specta::specta]
pub async fn survey_volumes(app: Stowage<'_>, volumes: Vec<Volume>) -> Result<VolumeSurveys, IpcError> {
    Ok(app.survey_volumes(&volumes, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_volume_sets(app: Stowage<'_>) -> Result<Vec<VolumeSet>, IpcError> {
    Ok(app.blocking(|app| app.volume_sets()).await?)
}

/// Saves a named set, replacing the set of that name.
#[tauri::command]
#[specta::specta]
pub async fn save_volume_set(app: Stowage<'_>, set: VolumeSet) -> Result<Vec<VolumeSet>, IpcError> {
    Ok(app.blocking(move |app| app.save_volume_set(set)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_volume_set(app: Stowage<'_>, name: String) -> Result<Vec<VolumeSet>, IpcError> {
    Ok(app.blocking(move |app| app.remove_volume_set(&name)).await?)
}
