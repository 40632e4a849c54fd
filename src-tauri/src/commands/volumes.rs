use serde::Serialize;
use stowage_jobs::check::{check, Context, Finding};
use stowage_jobs::command::{read_paste, run_command, Pasted};
use stowage_jobs::sets::{self, VolumeSet};
use stowage_jobs::survey::{survey_all, VolumeSurvey};
use stowage_jobs::training::LaunchForm;
use stowage_jobs::{api, Volume};
use stowage_profiles::connect;
use tauri::State;

use crate::error::{IpcError, IpcErrorCode};
use crate::state::{blocking, Shared};

/// Everything the Job volumes view shows for a list: canonical strings, the
/// ovhai command (or why there is none yet), the API JSON, and the checks.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct VolumePreview {
    pub strings: Vec<String>,
    /// Empty when there is none yet: `command_problem` says what is missing.
    pub command: String,
    pub command_problem: Option<String>,
    pub json: String,
    pub findings: Vec<Finding>,
}

/// Storage estimates and the findings they add.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct VolumeSurveys {
    pub surveys: Vec<VolumeSurvey>,
    pub findings: Vec<Finding>,
}

fn invalid(message: String) -> IpcError {
    IpcError::new(IpcErrorCode::InvalidInput, message)
}

/// The preview of what is being composed: the launch form (its volumes, and
/// the image, flavor, variables and command the ovhai line carries).
#[tauri::command]
#[specta::specta]
pub fn preview_volumes(state: State<'_, Shared>, form: LaunchForm, job_region: Option<String>) -> VolumePreview {
    let context = Context { aliases: state.settings().datastore_aliases(), job_region };
    let (command, command_problem) = match run_command(&form) {
        Ok(command) => (command, None),
        Err(problem) => (String::new(), Some(problem)),
    };
    VolumePreview {
        strings: form.volumes.iter().map(ToString::to_string).collect(),
        command,
        command_problem,
        json: api::to_json(&form.volumes),
        findings: check(&form.volumes, &context),
    }
}

/// One volume from its `--volume` string.
#[tauri::command]
#[specta::specta]
pub fn parse_volume(text: String) -> Result<Volume, IpcError> {
    text.parse().map_err(|e: stowage_jobs::ParseError| invalid(e.to_string()))
}

/// What a pasted ovhai command, API JSON, or --volume lines carry: the
/// volumes, and the whole launch form when it was a command or a spec.
#[tauri::command]
#[specta::specta]
pub fn import_volumes(text: String) -> Result<Pasted, IpcError> {
    read_paste(&text).map_err(invalid)
}

/// Counts what each datastore volume would download, through the profile
/// that has its alias.
#[tauri::command]
#[specta::specta]
pub async fn survey_volumes(state: State<'_, Shared>, volumes: Vec<Volume>) -> Result<VolumeSurveys, IpcError> {
    let state = state.inner().clone();
    let settings = state.settings();
    // Opening stores reads keys from the keyring: off the async threads.
    let stores = blocking(move || {
        Ok(settings
            .profiles
            .iter()
            .filter_map(|p| {
                p.datastore_alias
                    .clone()
                    .map(|alias| (alias, p.name.clone(), connect(p, &state.keyring).map_err(|e| e.to_string())))
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let (surveys, findings) = survey_all(&volumes, |alias| {
        stores.iter().find(|(a, _, _)| a == alias).map(|(_, name, store)| (name.clone(), store.clone()))
    })
    .await;
    Ok(VolumeSurveys { surveys, findings })
}

#[tauri::command]
#[specta::specta]
pub async fn list_volume_sets(state: State<'_, Shared>) -> Result<Vec<VolumeSet>, IpcError> {
    let path = state.dirs.volume_sets_file();
    blocking(move || sets::load(&path).map_err(|e| IpcError::new(IpcErrorCode::Other, e))).await
}

/// Saves a named set, replacing the set of that name.
#[tauri::command]
#[specta::specta]
pub async fn save_volume_set(state: State<'_, Shared>, set: VolumeSet) -> Result<Vec<VolumeSet>, IpcError> {
    let path = state.dirs.volume_sets_file();
    blocking(move || sets::put(&path, set).map_err(invalid)).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_volume_set(state: State<'_, Shared>, name: String) -> Result<Vec<VolumeSet>, IpcError> {
    let path = state.dirs.volume_sets_file();
    blocking(move || sets::remove(&path, &name).map_err(|e| IpcError::new(IpcErrorCode::Other, e))).await
}
