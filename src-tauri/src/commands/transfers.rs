use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use stowage_store::ObjectStore;
use stowage_sync::{recover, upload, Existing, Resume, Throttle, Tuning, UploadRequest};
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
    let resume = Some(Resume { journal, store: profile.clone() });
    let request =
        UploadRequest { sources: paths.into_iter().map(PathBuf::from).collect(), container, prefix, existing, resume };
    Ok(launch(&app, state.inner(), store, profile, request))
}

/// Runs `request` as a transfer the windows follow through `TransferUpdated`.
fn launch(
    app: &AppHandle,
    state: &Shared,
    store: Arc<dyn ObjectStore>,
    profile: String,
    request: UploadRequest,
) -> u32 {
    let (id, cancel) = state.begin_transfer();
    let (container, prefix, existing) = (request.container.clone(), request.prefix.clone(), request.existing);
    let sources: Vec<String> = request.sources.iter().map(|p| p.display().to_string()).collect();
    let emitter = app.clone();
    let sink = Arc::new(Throttle::new(UPDATE_EVERY, move |snapshot| {
        let update = TransferUpdated {
            id,
            profile: profile.clone(),
            container: container.clone(),
            prefix: prefix.clone(),
            sources: sources.clone(),
            existing,
            snapshot,
        };
        if let Err(e) = update.emit(&emitter) {
            tracing::warn!("could not send transfer progress: {e}");
        }
    }));
    let state = state.clone();
    tauri::async_runtime::spawn(async move {
        let summary = upload(store, request, Tuning::default(), sink, cancel).await;
        tracing::info!(id, uploaded = summary.uploaded, failed = summary.failed.len(), "transfer finished");
        state.end_transfer(id);
    });
    id
}

/// At start: continues the uploads a crash or quit interrupted (their files
/// unchanged) and aborts the others, so no parts stay on the service.
pub async fn resume_interrupted(app: AppHandle, state: Shared) {
    let journal = match state.journal() {
        Ok(journal) => journal,
        Err(e) => return tracing::warn!("no transfer journal: {}", e.message),
    };
    // Most starts have nothing to recover: do not touch the keyring for them.
    if journal.all().map_or(true, |entries| entries.is_empty()) {
        return;
    }
    let settings = state.settings();
    let stores = {
        let state = state.clone();
        tauri::async_runtime::spawn_blocking(move || {
            settings
                .profiles
                .iter()
                .filter_map(|p| stowage_profiles::connect(p, &state.keyring).ok().map(|s| (p.name.clone(), s)))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default()
    };
    let recovery = recover(&journal, |name| stores.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone())).await;
    for (key, why) in &recovery.aborted {
        tracing::info!(%key, "aborted an interrupted upload: {why}");
    }
    for request in recovery.resume {
        let Some(profile) = request.resume.as_ref().map(|r| r.store.clone()) else { continue };
        let Some((_, store)) = stores.iter().find(|(n, _)| *n == profile) else { continue };
        launch(&app, &state, store.clone(), profile, request);
    }
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
