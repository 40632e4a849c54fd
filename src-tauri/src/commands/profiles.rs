use serde::Serialize;
use stowage_profiles::Profile;
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfilesView {
    pub current: String,
    pub profiles: Vec<Profile>,
}

/// The profiles and which one is current. Profiles hold no secrets.
#[tauri::command]
#[specta::specta]
pub fn get_profiles(state: State<'_, AppState>) -> Result<ProfilesView, IpcError> {
    let settings = state.settings();
    Ok(ProfilesView { current: settings.current, profiles: settings.profiles })
}
