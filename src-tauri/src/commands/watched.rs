//! Watched folders in the app: started at launch (so changes made while it
//! was closed sync too), each on the same runner as `stowage watch run`, with
//! its status sent to the window as it changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use stowage_sync::watch::{self, config, DeletePolicy, Timing, WatchDeps, WatchState, WatchStatus, WatchedFolder};
use stowage_sync::{Resume, SyncState, Tuning};
use tauri::{AppHandle, State};
use tauri_specta::Event;
use tokio_util::sync::CancellationToken;

use crate::error::{IpcError, IpcErrorCode};
use crate::events::WatchUpdated;
use crate::state::{blocking, Shared};

/// Status changes reach the window at most this often per folder.
const UPDATE_EVERY: Duration = Duration::from_millis(250);

/// The running watches, by folder.
#[derive(Default)]
pub struct Watches(Mutex<HashMap<String, Running>>);

struct Running {
    cancel: CancellationToken,
    status: tokio::sync::watch::Receiver<WatchStatus>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WatchedView {
    pub watched: WatchedFolder,
    pub status: WatchStatus,
}

fn invalid(message: String) -> IpcError {
    IpcError::new(IpcErrorCode::InvalidInput, message)
}

impl Watches {
    fn status_of(&self, folder: &WatchedFolder) -> WatchStatus {
        if folder.paused {
            return WatchStatus::new(WatchState::Paused);
        }
        let running = self.0.lock().unwrap_or_else(|e| e.into_inner());
        running.get(&folder.folder).map_or(WatchStatus::new(WatchState::Starting), |r| r.status.borrow().clone())
    }

    pub fn any_running(&self) -> bool {
        !self.0.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    /// "2 watched folders in sync", "1 syncing, 1 needs attention"...
    pub fn summary(&self) -> String {
        let running = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if running.is_empty() {
            return "No watched folders running".into();
        }
        let (mut syncing, mut errors, mut idle) = (0, 0, 0);
        for r in running.values() {
            match r.status.borrow().state {
                WatchState::Error => errors += 1,
                WatchState::Idle => idle += 1,
                _ => syncing += 1,
            }
        }
        let mut parts = Vec::new();
        if syncing > 0 {
            parts.push(format!("{syncing} syncing"));
        }
        if errors > 0 {
            parts.push(format!("{errors} need attention"));
        }
        if idle > 0 {
            parts.push(format!("{idle} in sync"));
        }
        format!("Watched folders: {}", parts.join(", "))
    }

    fn stop(&self, folder: &str) {
        if let Some(running) = self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(folder) {
            running.cancel.cancel();
        }
    }
}

/// Starts the watch of `folder` unless it runs already or is paused.
fn start(app: &AppHandle, state: &Shared, watches: &Arc<Watches>, folder: WatchedFolder) -> Result<(), IpcError> {
    if folder.paused || watches.0.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&folder.folder) {
        return Ok(());
    }
    let store = state.store(&folder.profile)?;
    let sync_state = Arc::new(
        SyncState::open(&state.dirs.sync_state_file())
            .map_err(|e| IpcError::new(IpcErrorCode::Other, e.to_string()))?,
    );
    let deps = WatchDeps {
        store,
        state: sync_state,
        resume: Some(Resume { journal: state.journal()?, store: folder.profile.clone() }),
        tuning: Tuning::default(),
    };
    let (tx, rx) = tokio::sync::watch::channel(WatchStatus::new(WatchState::Starting));
    let cancel = CancellationToken::new();
    let name = folder.folder.clone();
    tauri::async_runtime::spawn(watch::run(folder, deps, Timing::default(), tx, cancel.clone()));
    let (app, mut changes, folder_name, stopped) = (app.clone(), rx.clone(), name.clone(), cancel.clone());
    tauri::async_runtime::spawn(async move {
        // The error the user was told about: not again at every retry
        // round, only when it changes or comes back after a good round.
        let mut told: Option<String> = None;
        while changes.changed().await.is_ok() {
            // A stopped watch's last words (it winds down after the cancel)
            // would overwrite the "Paused" the window was just given.
            if stopped.is_cancelled() {
                break;
            }
            let status = changes.borrow_and_update().clone();
            match status.state {
                WatchState::Error => {
                    let reason = status.message.clone().unwrap_or_default();
                    if told.as_ref() != Some(&reason) {
                        crate::notices::watch_failed(&app, &folder_name, &reason);
                        told = Some(reason);
                    }
                }
                WatchState::Idle => told = None,
                _ => {}
            }
            if let Err(e) = (WatchUpdated { folder: folder_name.clone(), status }).emit(&app) {
                tracing::warn!("could not send a watched folder's status: {e}");
            }
            crate::tray::refresh(&app);
            tokio::time::sleep(UPDATE_EVERY).await;
        }
    });
    watches.0.lock().unwrap_or_else(|e| e.into_inner()).insert(name, Running { cancel, status: rx });
    Ok(())
}

/// At launch: every unpaused watched folder catches up and keeps watching.
pub async fn start_all(app: AppHandle, state: Shared, watches: Arc<Watches>) {
    let folders = match config::load(&state.dirs.watched_file()) {
        Ok(f) => f,
        Err(e) => return tracing::warn!("watched folders not started: {e}"),
    };
    for folder in folders {
        let (app, state, watches) = (app.clone(), state.clone(), watches.clone());
        // Opening a store reads the keyring: off the async threads.
        let started = tauri::async_runtime::spawn_blocking(move || start(&app, &state, &watches, folder)).await;
        if let Ok(Err(e)) = started {
            tracing::warn!("a watched folder could not start: {}", e.message);
        }
    }
}

fn views(state: &Shared, watches: &Watches) -> Result<Vec<WatchedView>, IpcError> {
    let folders = config::load(&state.dirs.watched_file()).map_err(invalid)?;
    Ok(folders.into_iter().map(|w| WatchedView { status: watches.status_of(&w), watched: w }).collect())
}

#[tauri::command]
#[specta::specta]
pub fn list_watched(state: State<'_, Shared>, watches: State<'_, Arc<Watches>>) -> Result<Vec<WatchedView>, IpcError> {
    views(state.inner(), watches.inner())
}

/// Watches `folder` into the current profile's `container`/`prefix`.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn add_watched(
    app: AppHandle,
    state: State<'_, Shared>,
    watches: State<'_, Arc<Watches>>,
    folder: String,
    container: String,
    prefix: String,
    policy: DeletePolicy,
    backup_prefix: String,
    excludes: Vec<String>,
) -> Result<Vec<WatchedView>, IpcError> {
    if container.trim().is_empty() {
        return Err(invalid("Choose a container.".into()));
    }
    let (state, watches) = (state.inner().clone(), watches.inner().clone());
    blocking(move || {
        let watched = WatchedFolder {
            folder: folder.trim().to_owned(),
            profile: state.settings().current,
            container: container.trim().to_owned(),
            prefix: prefix.trim().to_owned(),
            delete: policy,
            backup_prefix,
            includes: vec![],
            excludes,
            paused: false,
        };
        let all = config::add(&state.dirs.watched_file(), watched).map_err(invalid)?;
        if let Some(added) = all.last().cloned() {
            start(&app, &state, &watches, added)?;
        }
        views(&state, &watches)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_watch_paused(
    app: AppHandle,
    state: State<'_, Shared>,
    watches: State<'_, Arc<Watches>>,
    folder: String,
    paused: bool,
) -> Result<Vec<WatchedView>, IpcError> {
    let (state, watches) = (state.inner().clone(), watches.inner().clone());
    blocking(move || {
        let all = config::update(&state.dirs.watched_file(), &folder, |w| w.paused = paused).map_err(invalid)?;
        if paused {
            watches.stop(&folder);
        } else if let Some(w) = all.into_iter().find(|w| w.folder == folder) {
            start(&app, &state, &watches, w)?;
        }
        views(&state, &watches)
    })
    .await
}

/// Stops watching; nothing is deleted on either side.
#[tauri::command]
#[specta::specta]
pub fn remove_watched(
    state: State<'_, Shared>,
    watches: State<'_, Arc<Watches>>,
    folder: String,
) -> Result<Vec<WatchedView>, IpcError> {
    watches.stop(&folder);
    config::remove(&state.dirs.watched_file(), &folder).map_err(invalid)?;
    views(state.inner(), watches.inner())
}

/// The tray's "Pause all": every watched folder stops until resumed.
pub fn pause_all(app: &AppHandle) {
    use tauri::Manager;
    let (Some(state), Some(watches)) = (app.try_state::<Shared>(), app.try_state::<Arc<Watches>>()) else { return };
    let folders = config::load(&state.dirs.watched_file()).unwrap_or_default();
    for folder in folders.iter().filter(|w| !w.paused) {
        if let Err(e) = config::update(&state.dirs.watched_file(), &folder.folder, |w| w.paused = true) {
            tracing::warn!("could not pause {}: {e}", folder.folder);
        }
        watches.stop(&folder.folder);
        let paused = WatchUpdated { folder: folder.folder.clone(), status: WatchStatus::new(WatchState::Paused) };
        if let Err(e) = paused.emit(app) {
            tracing::warn!("could not tell the window a folder paused: {e}");
        }
    }
    crate::tray::refresh(app);
}
