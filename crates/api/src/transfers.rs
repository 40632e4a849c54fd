//! Uploads, downloads and applied syncs: each runs as a task with an id the
//! front end can pause and cancel, reports through the [`Observer`], and is
//! forgotten when it ends. Uploads record their multipart progress in the
//! journal, so the next start continues what a quit or crash interrupted.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use stowage_store::layers::{BandwidthLimit, OnRetry, Throttle};
use stowage_sync::{
    download, recover, upload, DownloadRequest, EventSink, Existing, PauseGate, RetryPolicy, Summary, TransferEvent,
    Tuning, UploadRequest,
};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::App;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum TransferKind {
    Upload,
    Download,
    Sync,
}

/// What a transfer moves, so any window can show and retry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferInfo {
    pub kind: TransferKind,
    pub profile: String,
    pub container: String,
    pub prefix: String,
    /// What was dropped or chosen (uploads), the target folder (downloads),
    /// or the synced folder.
    pub sources: Vec<String>,
    pub existing: Existing,
    /// Continued at this start after a quit or crash interrupted it.
    pub resumed: bool,
}

impl TransferInfo {
    /// Where the files go, as a person reads it.
    pub fn destination(&self) -> String {
        match self.kind {
            TransferKind::Download => self.sources.first().cloned().unwrap_or_default(),
            TransferKind::Upload | TransferKind::Sync => format!("{}/{}", self.container, self.prefix),
        }
    }
}

/// A transfer that was started: its id, and its summary once it ends.
#[derive(Debug)]
pub struct Started {
    pub id: u32,
    pub done: JoinHandle<Summary>,
}

/// Running transfers, by id, with what cancels and pauses each.
#[derive(Debug, Default)]
pub(crate) struct Transfers {
    next: AtomicU32,
    running: Mutex<HashMap<u32, Control>>,
}

#[derive(Debug, Clone)]
struct Control {
    kind: TransferKind,
    cancel: CancellationToken,
    pause: PauseGate,
    /// This transfer's own bandwidth limit, below the app's.
    throttle: Throttle,
}

impl Transfers {
    /// A fresh id for a transfer or a plan waiting to be applied.
    pub(crate) fn next_id(&self) -> u32 {
        self.next.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn control(&self, id: u32) -> Result<Control> {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.get(&id).cloned().ok_or_else(|| Error::not_found("That transfer has already finished."))
    }
}

impl App {
    /// Uploads files and folders (which keep their structure) into
    /// `container`/`prefix` of `profile`, in `storage_class` or else the
    /// container's (see [`App::container_class`]).
    pub async fn start_upload(
        self: &Arc<Self>,
        profile: &str,
        paths: Vec<String>,
        container: &str,
        prefix: &str,
        existing: Existing,
        storage_class: Option<String>,
    ) -> Result<Started> {
        if paths.is_empty() {
            return Err(Error::invalid("Choose at least one file or folder to upload."));
        }
        let store = self.storage(profile).await?.shared();
        let request = UploadRequest {
            sources: paths.into_iter().map(PathBuf::from).collect(),
            container: container.to_owned(),
            prefix: prefix.to_owned(),
            existing,
            ask: None,
            resume: Some(self.resume(profile).await?),
        };
        // Recorded until it ends, so a quit or crash midway runs it again at the next start.
        let journal = self.journal().await?;
        let begun = (profile.to_owned(), container.to_owned(), prefix.to_owned(), request.sources.clone());
        let row = self
            .blocking(move |_| {
                journal.begin_transfer(&begun.0, &begun.1, &begun.2, &begun.3, existing).map_err(unwritable)
            })
            .await?;
        let class = storage_class.or_else(|| self.container_class(profile, container));
        Ok(self.run_upload(store, profile, request, Some(row), false, class))
    }

    fn run_upload(
        self: &Arc<Self>,
        store: Arc<dyn stowage_store::ObjectStore>,
        profile: &str,
        request: UploadRequest,
        journal_row: Option<i64>,
        resumed: bool,
        storage_class: Option<String>,
    ) -> Started {
        let info = TransferInfo {
            kind: TransferKind::Upload,
            profile: profile.to_owned(),
            container: request.container.clone(),
            prefix: request.prefix.clone(),
            sources: request.sources.iter().map(|p| p.display().to_string()).collect(),
            existing: request.existing,
            resumed,
        };
        let app = self.clone();
        self.launch(info, move |id, sink, cancel, tuning| async move {
            let request = UploadRequest { ask: Some(app.asker(id)), ..request };
            let tuning = Tuning { storage_class, ..tuning };
            let summary = upload(store, request, tuning, sink, cancel).await;
            // Ended (done, failed or cancelled): not run again. A quit never gets here.
            if let Some(row) = journal_row {
                let journal = app.journal().await;
                let ended = app.blocking(move |_| journal?.end_transfer(row).map_err(unwritable)).await;
                if let Err(e) = ended {
                    tracing::warn!("could not update the transfer journal: {}", e.message);
                }
            }
            summary
        })
    }

    /// Downloads a selection of `container` (keys, and folders ending in
    /// `/`) into the folder `dest`, keeping the structure below `base_prefix`.
    pub async fn start_download(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        base_prefix: &str,
        selection: Vec<String>,
        dest: &str,
        existing: Existing,
    ) -> Result<Started> {
        if selection.is_empty() {
            return Err(Error::invalid("Select the files or folders to download."));
        }
        let dest = PathBuf::from(dest);
        if !dest.is_dir() {
            return Err(Error::invalid(format!("{} is not a folder.", dest.display())));
        }
        let store = self.storage(profile).await?.shared();
        let info = TransferInfo {
            kind: TransferKind::Download,
            profile: profile.to_owned(),
            container: container.to_owned(),
            prefix: base_prefix.to_owned(),
            sources: vec![dest.display().to_string()],
            existing,
            resumed: false,
        };
        let request = DownloadRequest {
            container: container.to_owned(),
            base_prefix: base_prefix.to_owned(),
            selection,
            dest,
            existing,
        };
        Ok(self.launch(info, move |_, sink, cancel, tuning| download(store, request, tuning, sink, cancel)))
    }

    /// What uploads from the window do with a different object of the same
    /// name, unless the person chose otherwise for this session.
    pub fn upload_existing(&self) -> Existing {
        self.settings().upload_existing
    }

    pub async fn set_upload_existing(self: &Arc<Self>, existing: Existing) -> Result<()> {
        self.change_settings(move |settings| settings.upload_existing = existing).await
    }

    /// The kind of each transfer running now: what quitting would stop.
    pub fn running_transfers(&self) -> Vec<TransferKind> {
        self.transfers.running.lock().unwrap_or_else(|e| e.into_inner()).values().map(|c| c.kind).collect()
    }

    /// Stops a transfer; its unfinished multipart uploads are aborted.
    pub fn cancel_transfer(&self, id: u32) -> Result<()> {
        self.transfers.control(id)?.cancel.cancel();
        Ok(())
    }

    /// Pauses (`true`) or resumes a transfer. Paused, it starts no request;
    /// the ones in flight finish, and multipart uploads stay open to continue.
    pub fn pause_transfer(&self, id: u32, paused: bool) -> Result<()> {
        self.transfers.control(id)?.pause.set_paused(paused);
        Ok(())
    }

    /// The bandwidth limit of every transfer (and watched folder), in
    /// rclone's language; "off" when there is none.
    pub fn bandwidth_limit(&self) -> BandwidthLimit {
        self.bandwidth.limit()
    }

    /// Sets the limit of every transfer, those running included; `save`
    /// keeps it in the settings for the next start (the window), else it
    /// holds for this run (a `--bwlimit` in the terminal).
    pub async fn set_bandwidth_limit(self: &Arc<Self>, text: &str, save: bool) -> Result<BandwidthLimit> {
        let limit: BandwidthLimit = text.parse().map_err(Error::invalid)?;
        if save {
            let saved = if limit.is_off() { String::new() } else { limit.to_string() };
            self.change_settings(move |settings| settings.bandwidth_limit = saved).await?;
        }
        self.bandwidth.set(limit.clone());
        Ok(limit)
    }

    /// Limits one running transfer, below the app's limit ("off" lifts it).
    pub fn set_transfer_limit(&self, id: u32, text: &str) -> Result<BandwidthLimit> {
        let limit: BandwidthLimit = text.parse().map_err(Error::invalid)?;
        self.transfers.control(id)?.throttle.set(limit.clone());
        Ok(limit)
    }

    /// Runs again the uploads a crash or quit interrupted, each as the one
    /// transfer it was (marked resumed); continues lone multipart uploads
    /// whose file is unchanged and aborts the others, so no parts stay on
    /// the service.
    pub async fn resume_interrupted(self: &Arc<Self>) -> Result<Vec<Started>> {
        let journal = self.journal().await?;
        // Most starts have nothing to recover: do not touch the keyring for them.
        let read = journal.clone();
        let nothing = self
            .blocking(move |_| {
                Ok(read.all().map_or(true, |e| e.is_empty()) && read.transfers().map_or(true, |t| t.is_empty()))
            })
            .await?;
        if nothing {
            return Ok(Vec::new());
        }
        let mut stores = Vec::new();
        for profile in self.settings().profiles {
            match self.storage(&profile.name).await {
                Ok(storage) => stores.push((profile.name, storage)),
                Err(e) => tracing::info!(profile = %profile.name, "interrupted uploads wait: {}", e.message),
            }
        }
        let find = |name: &str| stores.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone());
        let recovery = recover(&journal, |name| find(name).map(|s| s.store())).await;
        for (key, why) in &recovery.aborted {
            tracing::info!(%key, "aborted an interrupted upload: {why}");
        }
        let mut started = Vec::new();
        let rows = recovery.transfers.into_iter().map(|(row, request)| (Some(row), request));
        for (row, request) in rows.chain(recovery.resume.into_iter().map(|request| (None, request))) {
            let Some(profile) = request.resume.as_ref().map(|r| r.store.clone()) else { continue };
            let Some(storage) = find(&profile) else { continue };
            let class = self.container_class(&profile, &request.container);
            started.push(self.run_upload(storage.shared(), &profile, request, row, true, class));
        }
        Ok(started)
    }

    /// Runs `work` as a transfer: registered under a fresh id, followed by
    /// the observer, forgotten when it ends. `work` gets the id, the event
    /// sink, the cancel token, and the tuning that carries the transfer's
    /// pause gate.
    pub(crate) fn launch<F, Fut>(self: &Arc<Self>, info: TransferInfo, work: F) -> Started
    where
        F: FnOnce(u32, Arc<dyn EventSink>, CancellationToken, Tuning) -> Fut,
        Fut: Future<Output = Summary> + Send + 'static,
    {
        let id = self.transfers.next_id();
        let control = Control {
            kind: info.kind,
            cancel: CancellationToken::default(),
            pause: PauseGate::default(),
            throttle: Throttle::default(),
        };
        self.transfers.running.lock().unwrap_or_else(|e| e.into_inner()).insert(id, control.clone());
        let sink = self.observer.transfer_started(id, &info);
        // Retries reach the front end, which then says the server is not answering.
        let told = sink.clone();
        let on_retry = OnRetry(Arc::new(move || told.send(TransferEvent::Retried)));
        let retry = RetryPolicy { on_retry: Some(on_retry), ..self.tuning.retry.clone() };
        let mut tuning = Tuning { pause: control.pause, retry, ..self.tuning.clone() };
        tuning.throttles.push(control.throttle);
        let running = work(id, sink, control.cancel, tuning);
        let app = self.clone();
        let started = Instant::now();
        let done = tokio::spawn(async move {
            let summary = running.await;
            tracing::info!(id, failed = summary.failed.len(), "transfer finished");
            app.transfers.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
            app.questions.forget(id);
            app.observer.transfer_finished(id, &info, started.elapsed(), &summary);
            summary
        });
        Started { id, done }
    }
}

/// A journal write that failed, as the person is told.
fn unwritable(e: stowage_sync::journal::DbCallError) -> Error {
    Error::other(stowage_sync::journal::unwritable(&e))
}
