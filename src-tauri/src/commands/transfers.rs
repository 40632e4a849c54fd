use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use stowage_store::ObjectStore;
use stowage_sync::{
    download, recover, upload, DownloadRequest, EventSink, Existing, Resume, Summary, Throttle, Tuning, UploadRequest,
};
use tauri::{AppHandle, State};
use tauri_specta::Event;
use tokio_util::sync::CancellationToken;

use crate::error::{IpcError, IpcErrorCode};
use crate::events::{TransferKind, TransferUpdated};
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
    Ok(launch_upload(&app, state.inner(), store, profile, request))
}

/// What a transfer moves, for every window's list.
pub struct TransferInfo {
    pub kind: TransferKind,
    pub profile: String,
    pub container: String,
    pub prefix: String,
    pub sources: Vec<String>,
    pub existing: Existing,
}

/// Runs `work` as a transfer the windows follow through `TransferUpdated`;
/// returns its id. `work` gets the event sink, the cancel token, and the
/// tuning that carries the transfer's pause gate.
pub fn launch<F, Fut>(app: &AppHandle, state: &Shared, info: TransferInfo, work: F) -> u32
where
    F: FnOnce(Arc<dyn EventSink>, CancellationToken, Tuning) -> Fut,
    Fut: Future<Output = Summary> + Send + 'static,
{
    let (id, control) = state.begin_transfer();
    let destination = match info.kind {
        TransferKind::Download => info.sources.first().cloned().unwrap_or_default(),
        TransferKind::Upload | TransferKind::Sync => format!("{}/{}", info.container, info.prefix),
    };
    let kind = info.kind;
    let emitter = app.clone();
    let sink = Arc::new(Throttle::new(UPDATE_EVERY, move |snapshot| {
        let update = TransferUpdated {
            id,
            kind: info.kind,
            profile: info.profile.clone(),
            container: info.container.clone(),
            prefix: info.prefix.clone(),
            sources: info.sources.clone(),
            existing: info.existing,
            snapshot,
        };
        if let Err(e) = update.emit(&emitter) {
            tracing::warn!("could not send transfer progress: {e}");
        }
    }));
    let running = work(sink, control.cancel, Tuning { pause: control.pause, ..Tuning::default() });
    let (state, app) = (state.clone(), app.clone());
    let started = std::time::Instant::now();
    tauri::async_runtime::spawn(async move {
        let summary = running.await;
        tracing::info!(id, failed = summary.failed.len(), "transfer finished");
        state.end_transfer(id);
        crate::notices::transfer_finished(&app, kind, &destination, started.elapsed(), &summary);
    });
    id
}

fn launch_upload(
    app: &AppHandle,
    state: &Shared,
    store: Arc<dyn ObjectStore>,
    profile: String,
    request: UploadRequest,
) -> u32 {
    let info = TransferInfo {
        kind: TransferKind::Upload,
        profile,
        container: request.container.clone(),
        prefix: request.prefix.clone(),
        sources: request.sources.iter().map(|p| p.display().to_string()).collect(),
        existing: request.existing,
    };
    launch(app, state, info, move |sink, cancel, tuning| upload(store, request, tuning, sink, cancel))
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
        launch_upload(&app, &state, store.clone(), profile, request);
    }
}

fn running(state: &Shared, id: u32) -> Result<crate::state::TransferControl, IpcError> {
    state.transfer(id).ok_or_else(|| IpcError::new(IpcErrorCode::NotFound, "That transfer has already finished."))
}

/// Stops a transfer; its unfinished multipart uploads are aborted.
#[tauri::command]
#[specta::specta]
pub fn cancel_transfer(state: State<'_, Shared>, id: u32) -> Result<(), IpcError> {
    running(state.inner(), id)?.cancel.cancel();
    Ok(())
}

/// Pauses (`true`) or resumes a transfer. Paused, it starts no request;
/// the ones in flight finish, and multipart uploads stay open to continue.
#[tauri::command]
#[specta::specta]
pub fn pause_transfer(state: State<'_, Shared>, id: u32, paused: bool) -> Result<(), IpcError> {
    running(state.inner(), id)?.pause.set_paused(paused);
    Ok(())
}

/// Downloads a selection of the storage browser (keys, and folders ending
/// in `/`) into `dest`, keeping the structure below `base_prefix`.
#[tauri::command]
#[specta::specta]
pub async fn start_download(
    app: AppHandle,
    state: State<'_, Shared>,
    container: String,
    base_prefix: String,
    selection: Vec<String>,
    dest: String,
    existing: Existing,
) -> Result<u32, IpcError> {
    if selection.is_empty() {
        return Err(IpcError::new(IpcErrorCode::InvalidInput, "Select the files or folders to download."));
    }
    let dest = PathBuf::from(dest);
    if !dest.is_dir() {
        return Err(IpcError::new(IpcErrorCode::InvalidInput, format!("{} is not a folder.", dest.display())));
    }
    let store = state.current_store()?;
    let info = TransferInfo {
        kind: TransferKind::Download,
        profile: state.settings().current,
        container: container.clone(),
        prefix: base_prefix.clone(),
        sources: vec![dest.display().to_string()],
        existing,
    };
    let request = DownloadRequest { container, base_prefix, selection, dest, existing };
    Ok(launch(&app, state.inner(), info, move |sink, cancel, tuning| download(store, request, tuning, sink, cancel)))
}
