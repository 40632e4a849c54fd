//! AI Training jobs and notebooks from the window: where the API is and its
//! token (set, never read back), list (filtered), get, launch from the form
//! (with the quota said before), stop, start and restart, delete, labels,
//! intermediate data syncs, logs (followed over a channel), what the
//! platform offers, and a run's web address opened in the browser.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use stowage_api::LaunchForm;
use stowage_api::Secret;
use stowage_api::{spec_of, LaunchOptions, ListFilter, TrainingView};
use stowage_api::{DataSync, DataSyncDirection, Job, Workload};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use super::Stowage;
use crate::error::{IpcError, IpcErrorCode};

/// Followed logs reach the window in batches this often.
const LOG_BATCH_EVERY: Duration = Duration::from_millis(200);

#[tauri::command]
#[specta::specta]
pub async fn training_settings(app: Stowage<'_>) -> Result<TrainingView, IpcError> {
    Ok(app.training_settings().await?)
}

/// Sets the API (a region or an address) and, when given, its app token.
#[tauri::command]
#[specta::specta]
pub async fn save_training_settings(
    app: Stowage<'_>,
    api: String,
    token: Option<String>,
) -> Result<TrainingView, IpcError> {
    let token = token.filter(|t| !t.trim().is_empty()).map(|t| Secret::new(t.trim().to_owned()));
    Ok(app.save_training_settings(&api, token).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_jobs(app: Stowage<'_>, kind: Workload, filter: ListFilter) -> Result<Vec<Job>, IpcError> {
    Ok(app.list_jobs(kind, &filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_job(app: Stowage<'_>, kind: Workload, id: String) -> Result<Job, IpcError> {
    Ok(app.job(kind, &id).await?)
}

/// The API JSON the form makes, shown before anything is sent.
#[tauri::command]
#[specta::specta]
pub async fn preview_job(form: LaunchForm) -> Result<String, IpcError> {
    serde_json::to_string_pretty(&spec_of(&form)?).map_err(|e| IpcError::new(IpcErrorCode::Other, e.to_string()))
}

/// Launches the form's job or notebook.
#[tauri::command]
#[specta::specta]
pub async fn launch_job(app: Stowage<'_>, form: LaunchForm) -> Result<Job, IpcError> {
    Ok(app.launch_job(&form).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn stop_job(app: Stowage<'_>, kind: Workload, id: String) -> Result<(), IpcError> {
    Ok(app.stop_job(kind, &id).await?)
}

/// Starts a stopped notebook, or a DONE or INTERRUPTED job, again.
#[tauri::command]
#[specta::specta]
pub async fn start_job(app: Stowage<'_>, kind: Workload, id: String) -> Result<(), IpcError> {
    Ok(app.start_job(kind, &id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_job(app: Stowage<'_>, kind: Workload, id: String, force: bool) -> Result<(), IpcError> {
    Ok(app.delete_job(kind, &id, force).await?)
}

/// Sets a label (a value given) or removes it.
#[tauri::command]
#[specta::specta]
pub async fn label_job(
    app: Stowage<'_>,
    kind: Workload,
    id: String,
    name: String,
    value: Option<String>,
) -> Result<(), IpcError> {
    Ok(app.label_job(kind, &id, &name, value.as_deref()).await?)
}

/// A sentence when the form's launch would pass the project's quota.
#[tauri::command]
#[specta::specta]
pub async fn quota_warning(app: Stowage<'_>, form: LaunchForm) -> Result<Option<String>, IpcError> {
    Ok(app.quota_warning(&form).await?)
}

/// "Sync now": push (or pull) one volume, or all, of a running job.
#[tauri::command]
#[specta::specta]
pub async fn sync_job_data(
    app: Stowage<'_>,
    kind: Workload,
    id: String,
    direction: DataSyncDirection,
    volume: Option<String>,
) -> Result<DataSync, IpcError> {
    Ok(app.sync_job_data(kind, &id, direction, volume).await?)
}

/// What the launch form offers: flavors, notebook editors and frameworks.
#[tauri::command]
#[specta::specta]
pub async fn launch_options(app: Stowage<'_>) -> Result<LaunchOptions, IpcError> {
    Ok(app.launch_options().await?)
}

/// A batch of followed log lines; the last one says the log ended (the job
/// did, or the connection failed: then `error` says why).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LogLines {
    pub lines: Vec<String>,
    pub ended: bool,
    pub error: Option<String>,
}

/// Followed logs, by follow id, with what stops each.
#[derive(Default)]
pub struct LogFollows {
    next: AtomicU32,
    running: Mutex<HashMap<u32, tauri::async_runtime::JoinHandle<()>>>,
}

/// Follows a job's logs (the last `tail` lines, then new ones until the job
/// ends) into `channel`; returns the id `stop_following_logs` takes.
#[tauri::command]
#[specta::specta]
pub async fn follow_job_logs(
    app: Stowage<'_>,
    follows: State<'_, Arc<LogFollows>>,
    id: String,
    tail: Option<u32>,
    channel: Channel<LogLines>,
) -> Result<u32, IpcError> {
    let app = app.inner().clone();
    let follow = follows.next.fetch_add(1, Ordering::Relaxed);
    let follows_done = follows.inner().clone();
    let task = tauri::async_runtime::spawn(async move {
        let pending = Arc::new(Mutex::new(Vec::new()));
        let take =
            |pending: &Mutex<Vec<String>>| std::mem::take(&mut *pending.lock().unwrap_or_else(|e| e.into_inner()));
        let sink = pending.clone();
        let read = app.follow_job_logs(&id, tail, move |line| {
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(line.to_owned())
        });
        tokio::pin!(read);
        let mut every = tokio::time::interval(LOG_BATCH_EVERY);
        let outcome = loop {
            tokio::select! {
                outcome = &mut read => break outcome,
                _ = every.tick() => {
                    let lines = take(&pending);
                    if !lines.is_empty() && channel.send(LogLines { lines, ended: false, error: None }).is_err() {
                        break Ok(());
                    }
                }
            }
        };
        let error = outcome.err().map(|e| e.message);
        let _ = channel.send(LogLines { lines: take(&pending), ended: true, error });
        follows_done.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&follow);
    });
    follows.running.lock().unwrap_or_else(|e| e.into_inner()).insert(follow, task);
    Ok(follow)
}

#[tauri::command]
#[specta::specta]
pub async fn stop_following_logs(follows: State<'_, Arc<LogFollows>>, follow: u32) -> Result<(), IpcError> {
    if let Some(task) = follows.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&follow) {
        task.abort();
    }
    Ok(())
}

/// Opens the run's web address (a notebook's editor, a job's HTTP port) in
/// the browser. The address is read from the API here, not taken from the
/// window, so the window cannot open anything else.
#[tauri::command]
#[specta::specta]
pub async fn open_job_url(handle: AppHandle, app: Stowage<'_>, kind: Workload, id: String) -> Result<(), IpcError> {
    let url = app.job_url(kind, &id).await?;
    handle
        .opener()
        .open_url(&url, None::<&str>)
        .map_err(|e| IpcError::new(IpcErrorCode::Other, format!("Cannot open {url} in the browser: {e}")))
}

/// The profile whose datastore alias is `alias`, to open a job's outputs.
#[tauri::command]
#[specta::specta]
pub async fn profile_for_alias(app: Stowage<'_>, alias: String) -> Result<Option<String>, IpcError> {
    Ok(app.settings().profile_for_alias(&alias).map(|p| p.name.clone()))
}
