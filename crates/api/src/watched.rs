//! Watched folders: saved in the config dir, and, once a front end starts
//! watching (the app at launch, `stowage watch run`), each unpaused one kept
//! synced by the runner, its status sent to the observer as it changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use stowage_sync::watch::{self, config, DeletePolicy, Timing, WatchDeps, WatchState, WatchStatus, WatchedFolder};
use stowage_sync::Tuning;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::App;

/// Status changes reach the observer at most this often per folder.
const UPDATE_EVERY: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WatchedView {
    pub watched: WatchedFolder,
    /// What deleting a file in the folder does, as the person chose it.
    pub policy: DeletePolicy,
    pub status: WatchStatus,
}

/// The running watches, by folder, and whether this process watches at all
/// (the CLI's `watch add` saves a folder; only `watch run` or the app keeps
/// it synced).
#[derive(Debug, Default)]
pub(crate) struct Watches {
    watching: AtomicBool,
    running: Mutex<HashMap<String, Running>>,
    /// One start at a time: a start checks, awaits, then registers, and two
    /// at once left a watch nothing could stop.
    starting: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct Running {
    cancel: CancellationToken,
    status: tokio::sync::watch::Receiver<WatchStatus>,
    task: JoinHandle<()>,
}

impl Watches {
    fn status_of(&self, folder: &WatchedFolder) -> WatchStatus {
        if folder.paused {
            return WatchStatus::new(WatchState::Paused);
        }
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.get(folder.id()).map_or(WatchStatus::new(WatchState::Starting), |r| r.status.borrow().clone())
    }

    fn stop(&self, folder: &str) -> Option<JoinHandle<()>> {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner()).remove(folder)?;
        running.cancel.cancel();
        Some(running.task)
    }
}

impl App {
    fn watched_file(&self) -> std::path::PathBuf {
        self.dirs().watched_file()
    }

    /// The watched folders and what each is doing.
    pub fn list_watched(&self) -> Result<Vec<WatchedView>> {
        let folders = config::load(&self.watched_file())?;
        let view =
            |w: WatchedFolder| WatchedView { status: self.watches.status_of(&w), policy: w.policy(), watched: w };
        Ok(folders.into_iter().map(view).collect())
    }

    /// Watches a folder (which must exist, and not be watched yet) into its
    /// target; it starts syncing at once where this process watches.
    pub async fn add_watched(self: &Arc<Self>, folder: WatchedFolder) -> Result<Vec<WatchedView>> {
        if folder.target.container.trim().is_empty() {
            return Err(Error::invalid("Choose a container."));
        }
        self.settings().profile(&folder.target.profile)?;
        let mut folder = folder;
        folder.target.folder = folder.target.folder.trim().to_owned();
        folder.target.container = folder.target.container.trim().to_owned();
        folder.target.prefix = folder.target.prefix.trim().to_owned();
        let all = self.blocking(move |app| config::add(&app.watched_file(), folder).map_err(Error::from)).await?;
        if let Some(added) = all.last().cloned() {
            self.start_watch(added).await?;
        }
        self.list_watched()
    }

    /// Pauses (`true`) or resumes a watched folder, here and in the saved list.
    pub async fn set_watch_paused(self: &Arc<Self>, folder: &str, paused: bool) -> Result<Vec<WatchedView>> {
        let id = folder.to_owned();
        let all = self
            .blocking(move |app| config::update(&app.watched_file(), &id, |w| w.paused = paused).map_err(Error::from))
            .await?;
        if let Some(w) = config::find(&all, folder) {
            if paused {
                self.watches.stop(w.id());
            } else {
                self.start_watch(w.clone()).await?;
            }
        }
        self.list_watched()
    }

    /// Stops watching a folder; nothing is deleted on either side.
    pub async fn remove_watched(self: &Arc<Self>, folder: &str) -> Result<Vec<WatchedView>> {
        let id = folder.to_owned();
        let removed = self
            .blocking(move |app| {
                let file = app.watched_file();
                let all = config::load(&file)?;
                let removed = config::find(&all, &id).map(|w| w.id().to_owned());
                config::remove(&file, &id)?;
                Ok(removed)
            })
            .await?;
        if let Some(id) = removed {
            self.watches.stop(&id);
        }
        self.list_watched()
    }

    /// From now on this process keeps watched folders synced: every unpaused
    /// one catches up (changes made while nothing watched sync too) and
    /// keeps watching. Returns the folders that could not start, and why.
    pub async fn start_watching(self: &Arc<Self>) -> Result<Vec<(String, Error)>> {
        self.watches.watching.store(true, Ordering::SeqCst);
        let folders = config::load(&self.watched_file())?;
        let mut failed = Vec::new();
        for folder in folders.into_iter().filter(|w| !w.paused) {
            let id = folder.id().to_owned();
            if let Err(e) = self.start_watch(folder).await {
                tracing::warn!(folder = %id, "a watched folder could not start: {}", e.message);
                failed.push((id, e));
            }
        }
        Ok(failed)
    }

    /// Stops every watch and waits for the transfers in flight to end.
    pub async fn stop_watching(&self) {
        self.watches.watching.store(false, Ordering::SeqCst);
        let folders: Vec<String> =
            self.watches.running.lock().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect();
        for folder in folders {
            if let Some(task) = self.watches.stop(&folder) {
                let _ = task.await;
            }
        }
    }

    /// "Pause all": every watched folder stops until resumed.
    pub fn pause_all_watches(&self) -> Result<()> {
        let file = self.watched_file();
        for folder in config::load(&file)?.iter().filter(|w| !w.paused) {
            config::update(&file, folder.id(), |w| w.paused = true)?;
            self.watches.stop(folder.id());
            self.observer.watch_changed(folder.id(), &WatchStatus::new(WatchState::Paused));
        }
        Ok(())
    }

    /// Whether any watched folder is being kept synced here.
    pub fn watching_any(&self) -> bool {
        !self.watches.running.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    /// "Watched folders: 1 syncing, 2 in sync", or that none run.
    pub fn watch_summary(&self) -> String {
        let running = self.watches.running.lock().unwrap_or_else(|e| e.into_inner());
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
        let parts: Vec<String> = [(syncing, "syncing"), (errors, "need attention"), (idle, "in sync")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        format!("Watched folders: {}", parts.join(", "))
    }

    /// Starts the watch of `folder` where this process watches, unless it
    /// is paused or runs already.
    async fn start_watch(self: &Arc<Self>, folder: WatchedFolder) -> Result<()> {
        let _one_at_a_time = self.watches.starting.lock().await;
        let running =
            |app: &App| app.watches.running.lock().unwrap_or_else(|e| e.into_inner()).contains_key(folder.id());
        if folder.paused || !self.watches.watching.load(Ordering::SeqCst) || running(self) {
            return Ok(());
        }
        let deps = WatchDeps {
            storage: self.storage(&folder.target.profile).await?,
            state: self.sync_state().await?,
            resume: Some(self.resume(&folder.target.profile).await?),
            tuning: Tuning {
                storage_class: self.container_class(&folder.target.profile, &folder.target.container),
                ..self.tuning.clone()
            },
        };
        let (tx, rx) = tokio::sync::watch::channel(WatchStatus::new(WatchState::Starting));
        let cancel = CancellationToken::new();
        let id = folder.id().to_owned();
        let task = tokio::spawn(watch::run(folder, deps, Timing::default(), tx, cancel.clone()));
        tokio::spawn(self.clone().tell_observer(id.clone(), rx.clone(), cancel.clone()));
        let mut watches = self.watches.running.lock().unwrap_or_else(|e| e.into_inner());
        watches.insert(id, Running { cancel, status: rx, task });
        Ok(())
    }

    /// Passes a watch's status changes to the observer until it stops.
    async fn tell_observer(
        self: Arc<Self>,
        folder: String,
        mut changes: tokio::sync::watch::Receiver<WatchStatus>,
        stopped: CancellationToken,
    ) {
        // The error the person was told about: not again at every retry
        // round, only when it changes or comes back after a good round.
        let mut told: Option<String> = None;
        while changes.changed().await.is_ok() {
            // A stopped watch's last words (it winds down after the cancel)
            // would overwrite the "Paused" just shown.
            if stopped.is_cancelled() {
                break;
            }
            let status = changes.borrow_and_update().clone();
            match status.state {
                WatchState::Error => {
                    let reason = status.message.clone().unwrap_or_default();
                    if told.as_ref() != Some(&reason) {
                        self.observer.watch_needs_attention(&folder, &reason);
                        told = Some(reason);
                    }
                }
                WatchState::Idle => told = None,
                _ => {}
            }
            self.observer.watch_changed(&folder, &status);
            tokio::time::sleep(UPDATE_EVERY).await;
        }
    }
}
