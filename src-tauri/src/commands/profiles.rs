use serde::{Deserialize, Serialize};
use stowage_profiles::check::Problem;
use stowage_profiles::edit::{self, ImportReport, KeyStatus};
use stowage_profiles::import::{self, aws_default_paths, rclone_default_path};
use stowage_profiles::{connect_with, Keys, Profile, Secret};
use stowage_store::ProbeReport;
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::{IpcError, IpcErrorCode};
use crate::events::ProfilesChanged;
use crate::state::{blocking, Shared};

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfilesView {
    pub current: String,
    pub profiles: Vec<Profile>,
    /// No settings were saved yet: the window offers the first-run choices.
    pub first_run: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ImportSource {
    Aws,
    Rclone,
}

fn view(state: &Shared) -> ProfilesView {
    let settings = state.settings();
    ProfilesView { current: settings.current, profiles: settings.profiles, first_run: !state.dirs.has_settings() }
}

fn changed(app: &AppHandle, state: &Shared) -> ProfilesView {
    let view = view(state);
    if let Err(e) = (ProfilesChanged { current: view.current.clone() }).emit(app) {
        tracing::warn!("could not announce the profile change: {e}");
    }
    view
}

/// Keys typed in a form; empty means "keep what is stored".
fn typed_keys(access_key: Option<String>, secret_key: Option<String>) -> Keys {
    let keep_empty = |k: Option<String>| k.filter(|k| !k.trim().is_empty()).map(Secret::new);
    Keys { access_key: keep_empty(access_key), secret_key: keep_empty(secret_key) }
}

/// The profiles and which one is current. Profiles hold no secrets.
#[tauri::command]
#[specta::specta]
pub fn get_profiles(state: State<'_, Shared>) -> ProfilesView {
    view(&state)
}

/// What is wrong with a profile being edited, field by field.
#[tauri::command]
#[specta::specta]
pub fn check_profile(state: State<'_, Shared>, original: Option<String>, profile: Profile) -> Vec<Problem> {
    edit::check_edit(&state.settings(), original.as_deref(), &profile)
}

/// Whether a profile's keys are stored. The keys themselves never leave the keyring.
#[tauri::command]
#[specta::specta]
pub async fn key_status(state: State<'_, Shared>, name: String) -> Result<KeyStatus, IpcError> {
    let state = state.inner().clone();
    blocking(move || Ok(edit::key_status(&name, &state.keyring)?)).await
}

/// Adds a profile (`original` empty) or replaces the one named `original`.
#[tauri::command]
#[specta::specta]
pub async fn save_profile(
    app: AppHandle,
    state: State<'_, Shared>,
    original: Option<String>,
    profile: Profile,
    access_key: Option<String>,
    secret_key: Option<String>,
) -> Result<ProfilesView, IpcError> {
    let state = state.inner().clone();
    let keys = typed_keys(access_key, secret_key);
    blocking(move || {
        state.edit(|settings, dirs, keyring| {
            edit::save_profile(settings, dirs, keyring, original.as_deref(), profile, keys)
        })?;
        Ok(changed(&app, &state))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_profile(app: AppHandle, state: State<'_, Shared>, name: String) -> Result<ProfilesView, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        state.edit(|settings, dirs, keyring| edit::remove_profile(settings, dirs, keyring, &name))?;
        Ok(changed(&app, &state))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn use_profile(app: AppHandle, state: State<'_, Shared>, name: String) -> Result<ProfilesView, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        state.edit(|settings, dirs, _| edit::use_profile(settings, dirs, &name))?;
        Ok(changed(&app, &state))
    })
    .await
}

/// Tests a profile as typed in the form: keys typed there, else the stored
/// keys of `original`.
#[tauri::command]
#[specta::specta]
pub async fn test_profile(
    state: State<'_, Shared>,
    original: Option<String>,
    profile: Profile,
    access_key: Option<String>,
    secret_key: Option<String>,
) -> Result<ProbeReport, IpcError> {
    let state = state.inner().clone();
    let keys = typed_keys(access_key, secret_key);
    let lookup = Profile { name: original.unwrap_or_else(|| profile.name.clone()), ..profile };
    let store = blocking(move || Ok(connect_with(&lookup, &keys, &state.keyring)?)).await?;
    Ok(stowage_store::probe(store.as_ref()).await?)
}

/// Imports S3 profiles from the AWS CLI's files or rclone's config.
#[tauri::command]
#[specta::specta]
pub async fn import_profiles(
    app: AppHandle,
    state: State<'_, Shared>,
    source: ImportSource,
) -> Result<ImportReport, IpcError> {
    let state = state.inner().clone();
    blocking(move || {
        let no_home = || IpcError::new(IpcErrorCode::Other, "Cannot find the home folder.");
        let findings = match source {
            ImportSource::Aws => {
                let (credentials, config) = aws_default_paths().ok_or_else(no_home)?;
                import::from_aws(&credentials, &config)?
            }
            ImportSource::Rclone => import::from_rclone(&rclone_default_path().ok_or_else(no_home)?)?,
        };
        let report = state.edit(|settings, dirs, keyring| edit::save_found(settings, dirs, keyring, findings))?;
        changed(&app, &state);
        Ok(report)
    })
    .await
}
