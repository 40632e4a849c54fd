use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use stowage_sync::{upload, Existing, Resume, Throttle, Tuning, UploadRequest};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::{IpcError, IpcErrorCode};
use crate::events::TransferUpdated;
use crate::state::Shared;

/// Snapshots reach the window at most this often; the last one always does.
const UPDATE_EVERY: Duration = Duration::from_millis(250);

/// Uploads dropped or chosen paths into `container`/`prefix` of the current
/// profile. Returns the transfer id; progress arrives as `TransferUpdated`.
#[tauri::command]
#[specta::specta]
pub async fn start_upload(
    app: AppHandle,
    state: State<'_, Shared>,
    paths: Vec<String>,
    container: String,
    prefix: String,
    existing: Existing,
) -> Result<u32, IpcError> {
    if paths.is_empty() {
        return Err(IpcError::new(IpcErrorCode::InvalidInput, "Choose at least one file or folder to upload."));
    }
    let store = state.current_store()?;
    let journal = state.journal()?;
    let profile = state.settings().current;
    let profile_name = profile.clone();
    let (id, cancel) = state.begin_transfer();
    let destination = (container.clone(), prefix.clone(), paths.clone());
    let sink = Arc::new(Throttle::new(UPDATE_EVERY, move |snapshot| {
        let update = TransferUpdated {
            id,
            profile: profile.clone(),
            container: destination.0.clone(),
            prefix: destination.1.clone(),
            sources: destination.2.clone(),
            existing,
            snapshot,
        };
        if let Err(e) = update.emit(&app) {
            tracing::warn!("could not send transfer progress: {e}");
        }
    }));
    let resume = Some(Resume { journal, store: profile_name });
    let request =
        UploadRequest { sources: paths.into_iter().map(PathBuf::from).collect(), container, prefix, existing, resume };
    let state = state.inner().clone();
    tauri::async_runtime::spawn(async move {
        let summary = upload(store, request, Tuning::default(), sink, cancel).await;
        tracing::info!(id, uploaded = summary.uploaded, failed = summary.failed.len(), "transfer finished");
        state.end_transfer(id);
    });
    Ok(id)
}

/// Stops a transfer; its unfinished multipart uploads are aborted.
#[tauri::command]
#[specta::specta]
pub fn cancel_transfer(state: State<'_, Shared>, id: u32) -> Result<(), IpcError> {
    if state.cancel_transfer(id) {
        Ok(())
    } else {
        Err(IpcError::new(IpcErrorCode::NotFound, "That transfer has already finished."))
    }
}
