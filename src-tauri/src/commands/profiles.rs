use stowage_api::ProbeReport;
use stowage_api::Problem;
use stowage_api::{ImportReport, KeyStatus};
use stowage_api::{ImportSource, ProfilesView};
use stowage_api::{Keys, Profile, Secret};
use tauri::AppHandle;
use tauri_specta::Event;

use super::Stowage;
use crate::error::IpcError;
use crate::events::ProfilesChanged;

/// Tells every window the profiles changed; returns what they are now.
fn announce(handle: &AppHandle, view: ProfilesView) -> ProfilesView {
    if let Err(e) = (ProfilesChanged { current: view.current.clone() }).emit(handle) {
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
pub async fn get_profiles(app: Stowage<'_>) -> Result<ProfilesView, IpcError> {
    Ok(app.profiles())
}

/// What is wrong with a profile being edited, field by field.
#[tauri::command]
#[specta::specta]
pub async fn check_profile(
    app: Stowage<'_>,
    original: Option<String>,
    profile: Profile,
) -> Result<Vec<Problem>, IpcError> {
    Ok(app.check_profile(original.as_deref(), &profile))
}

/// Whether a profile's keys are stored. The keys themselves never leave the keyring.
#[tauri::command]
#[specta::specta]
pub async fn key_status(app: Stowage<'_>, name: String) -> Result<KeyStatus, IpcError> {
    Ok(app.key_status(&name).await?)
}

/// Adds a profile (`original` empty) or replaces the one named `original`.
#[tauri::command]
#[specta::specta]
pub async fn save_profile(
    handle: AppHandle,
    app: Stowage<'_>,
    original: Option<String>,
    profile: Profile,
    access_key: Option<String>,
    secret_key: Option<String>,
) -> Result<ProfilesView, IpcError> {
    let view = app.save_profile(original, profile, typed_keys(access_key, secret_key)).await?;
    Ok(announce(&handle, view))
}

#[tauri::command]
#[specta::specta]
pub async fn remove_profile(handle: AppHandle, app: Stowage<'_>, name: String) -> Result<ProfilesView, IpcError> {
    Ok(announce(&handle, app.remove_profile(&name).await?))
}

#[tauri::command]
#[specta::specta]
pub async fn use_profile(handle: AppHandle, app: Stowage<'_>, name: String) -> Result<ProfilesView, IpcError> {
    Ok(announce(&handle, app.use_profile(&name).await?))
}

/// Tests a profile as typed in the form: keys typed there, else the stored
/// keys of `original`.
#[tauri::command]
#[specta::specta]
pub async fn test_profile(
    app: Stowage<'_>,
    original: Option<String>,
    profile: Profile,
    access_key: Option<String>,
    secret_key: Option<String>,
) -> Result<ProbeReport, IpcError> {
    Ok(app.test_profile(original, profile, typed_keys(access_key, secret_key)).await?)
}

/// Imports S3 profiles from the AWS CLI's files or rclone's config.
#[tauri::command]
#[specta::specta]
pub async fn import_profiles(
    handle: AppHandle,
    app: Stowage<'_>,
    source: ImportSource,
) -> Result<ImportReport, IpcError> {
    let report = app.import_profiles(source, None, None).await?;
    announce(&handle, app.profiles());
    Ok(report)
}
