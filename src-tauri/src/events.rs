//! Events every window shows (sent with `app.emit`).

use serde::Serialize;

/// A container was created or deleted: lists of containers refresh.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ContainersChanged {
    pub profile: String,
}

/// Profiles were added, changed, removed, or another became current.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ProfilesChanged {
    pub current: String,
}
