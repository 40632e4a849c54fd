//! Events every window shows (sent with `app.emit`).

use serde::Serialize;
use stowage_api::{TransferInfo, TransferKind};

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

/// Where a transfer stands: sent a few times a second, and once at the end.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct TransferUpdated {
    pub id: u32,
    pub kind: TransferKind,
    pub profile: String,
    pub container: String,
    pub prefix: String,
    /// What was dropped or chosen (uploads), the target folder (downloads),
    /// or the synced folder, so any window can show and retry it.
    pub sources: Vec<String>,
    pub existing: stowage_api::Existing,
    /// Continued at this start after a quit or crash interrupted it.
    pub resumed: bool,
    /// Finished files so far: the length of the per-file list, whose rows
    /// `transfer_files` gives a page at a time. The snapshot's own new rows
    /// are only the failed ones.
    pub files: u32,
    pub snapshot: stowage_api::Snapshot,
}

impl TransferUpdated {
    pub fn new(id: u32, info: &TransferInfo, files: u32, snapshot: stowage_api::Snapshot) -> Self {
        Self {
            id,
            kind: info.kind,
            profile: info.profile.clone(),
            container: info.container.clone(),
            prefix: info.prefix.clone(),
            sources: info.sources.clone(),
            existing: info.existing,
            resumed: info.resumed,
            files,
            snapshot,
        }
    }
}

/// An upload asks what to do with a different object of the same name;
/// answered with `answer_conflict`.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ConflictAsked {
    pub id: u32,
    pub conflict: stowage_api::Conflict,
}

/// A watched folder's status changed (a few times a second at most).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct WatchUpdated {
    pub folder: String,
    pub status: stowage_api::WatchStatus,
}

/// Quit was chosen while transfers run: the window asks first, saying how
/// many run and whether any would not resume (downloads and syncs).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct QuitAsked {
    pub transfers: u32,
    pub only_uploads: bool,
}

/// A native menu item for the window to act on (Preferences, About).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct MenuChosen {
    pub action: crate::menu::MenuAction,
}
