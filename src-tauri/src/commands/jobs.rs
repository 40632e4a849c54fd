//! AI Training jobs and notebooks from the window: where the API is and its
//! token (set, never read back), list, get, launch from a form, stop, and
//! intermediate data syncs.

use serde::Serialize;
use stowage_jobs::training::model::{DataSyncDirection, Job, Workload};
use stowage_jobs::training::{job_spec, LaunchForm, TrainingClient, REGIONS};
use stowage_profiles::{training, Secret};
use tauri::State;

use crate::error::{IpcError, IpcErrorCode};
use crate::state::{blocking, Shared};

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TrainingView {
    /// As set: a region or an address ("" for GRA).
    pub api: String,
    /// The address in use.
    pub url: String,
    pub has_token: bool,
    pub regions: Vec<(String, String)>,
}

fn view(state: &Shared) -> Result<TrainingView, IpcError> {
    let settings = state.settings();
    let url = training::api_url(&settings);
    Ok(TrainingView {
        has_token: training::has_token(&state.keyring, &url)?,
        api: settings.training_api,
        url,
        regions: REGIONS.iter().map(|(r, u)| ((*r).to_owned(), (*u).to_owned())).collect(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn training_settings(state: State<'_, Shared>) -> Result<TrainingView, IpcError> {
    let state = state.inner().clone();
    blocking(move || view(&state)).await
}

/// Sets the API (a region or an address) and, when given, its app token.
#[tauri::command]
#[specta::specta]
pub async fn save_training_settings(
    state: State<'_, Shared>,
    api: String,
    token: Option<String>,
) -> Result<TrainingView, IpcError> {
    let state = state.inner().clone();
    let token = token.filter(|t| !t.trim().is_empty()).map(|t| Secret::new(t.trim().to_owned()));
    blocking(move || {
        let mut candidate = state.settings();
        candidate.training_api = api.trim().to_owned();
        let url = training::api_url(&candidate);
        // Check the address before anything is stored.
        stowage_jobs::training::check_address(&url)?;
        if let Some(token) = &token {
            training::save_token(&state.keyring, &url, token)?;
        }
        state.edit(|settings, dirs, _| {
            settings.training_api = candidate.training_api.clone();
            settings.save(dirs)
        })?;
        view(&state)
    })
    .await
}

async fn client(state: &Shared) -> Result<TrainingClient, IpcError> {
    let state = state.clone();
    blocking(move || Ok(training::client(&state.settings(), &state.keyring)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_jobs(state: State<'_, Shared>, kind: Workload) -> Result<Vec<Job>, IpcError> {
    Ok(client(state.inner()).await?.list(kind).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_job(state: State<'_, Shared>, kind: Workload, id: String) -> Result<Job, IpcError> {
    Ok(client(state.inner()).await?.get(kind, &id).await?)
}

/// The API JSON the form makes, shown before anything is sent.
#[tauri::command]
#[specta::specta]
pub fn preview_job(form: LaunchForm) -> Result<String, IpcError> {
    let spec = job_spec(&form).map_err(|m| IpcError::new(IpcErrorCode::InvalidInput, m))?;
    serde_json::to_string_pretty(&spec).map_err(|e| IpcError::new(IpcErrorCode::Other, e.to_string()))
}

#[tauri::command]
#[specta::specta]
pub async fn launch_job(state: State<'_, Shared>, form: LaunchForm) -> Result<Job, IpcError> {
    let spec = job_spec(&form).map_err(|m| IpcError::new(IpcErrorCode::InvalidInput, m))?;
    Ok(client(state.inner()).await?.create_job(&spec).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn stop_job(state: State<'_, Shared>, kind: Workload, id: String) -> Result<Job, IpcError> {
    Ok(client(state.inner()).await?.stop(kind, &id).await?)
}

/// "Sync now": push (or pull) one volume, or all, of a running job.
#[tauri::command]
#[specta::specta]
pub async fn sync_job_data(
    state: State<'_, Shared>,
    kind: Workload,
    id: String,
    direction: DataSyncDirection,
    volume: Option<String>,
) -> Result<Job, IpcError> {
    Ok(client(state.inner()).await?.data_sync(kind, &id, direction, volume).await?)
}

/// The profile whose datastore alias is `alias`, to open a job's outputs.
#[tauri::command]
#[specta::specta]
pub fn profile_for_alias(state: State<'_, Shared>, alias: String) -> Option<String> {
    state.settings().profile_for_alias(&alias).map(|p| p.name.clone())
}
