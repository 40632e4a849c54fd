//! How the window follows what runs in the background: transfer progress
//! and watched folders' status become events every window receives, the
//! tray's line is kept current, and what ends out of view becomes a
//! notification.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stowage_api::plain;
use stowage_api::WatchStatus;
use stowage_api::{Conflict, EventSink, FileOutcome, Snapshot, Summary, Throttle};
use stowage_api::{Observer, TransferInfo};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::events::{ConflictAsked, TransferUpdated, WatchUpdated};
use crate::file_rows::FileRows;

/// Snapshots reach the window at most this often; the last one always does.
const UPDATE_EVERY: Duration = Duration::from_millis(250);

pub struct WindowObserver(pub AppHandle);

/// The last update of every transfer of this run, for a window that starts
/// listening late (a start in the background, uploads resumed at launch).
#[derive(Default)]
pub struct TransferLog(Mutex<BTreeMap<u32, TransferUpdated>>);

impl TransferLog {
    /// Every transfer of this run as it stands, oldest first; without the
    /// per-file rows already sent (the window starts from the totals).
    pub fn all(&self) -> Vec<TransferUpdated> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).values().cloned().collect()
    }

    fn record(&self, update: &TransferUpdated) {
        let mut kept = update.clone();
        kept.snapshot.new_files.clear();
        let mut log = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let skipped = log.get(&update.id).map(|before| before.snapshot.skipped.clone()).unwrap_or_default();
        if kept.snapshot.skipped.is_empty() {
            kept.snapshot.skipped = skipped;
        }
        log.insert(update.id, kept);
    }
}

impl Observer for WindowObserver {
    fn transfer_started(&self, id: u32, info: &TransferInfo) -> Arc<dyn EventSink> {
        let (app, info) = (self.0.clone(), info.clone());
        Arc::new(Throttle::new(UPDATE_EVERY, move |snapshot| {
            let mut snapshot = plain_snapshot(snapshot);
            // Every row goes to the log the window pages through; only failures ride along.
            let files = app.try_state::<Arc<FileRows>>().map_or(0, |rows| rows.append(id, &snapshot.new_files));
            snapshot.new_files.retain(|row| matches!(row.outcome, FileOutcome::Failed { .. }));
            let update = TransferUpdated::new(id, &info, u32::try_from(files).unwrap_or(u32::MAX), snapshot);
            if let Some(log) = app.try_state::<TransferLog>() {
                log.record(&update);
            }
            if let Err(e) = update.emit(&app) {
                tracing::warn!("could not send transfer progress: {e}");
            }
        }))
    }

    fn transfer_finished(&self, _id: u32, info: &TransferInfo, took: Duration, summary: &Summary) {
        crate::notices::transfer_finished(&self.0, info.kind, &info.destination(), took, summary);
    }

    fn conflict(&self, id: u32, conflict: &Conflict) -> bool {
        let asked = ConflictAsked { id, conflict: conflict.clone() };
        match asked.emit(&self.0) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!("could not ask about a conflict: {e}");
                false
            }
        }
    }

    fn watch_changed(&self, folder: &str, status: &WatchStatus) {
        let mut status = status.clone();
        status.message = status.message.as_deref().map(plain);
        let update = WatchUpdated { folder: folder.to_owned(), status };
        if let Err(e) = update.emit(&self.0) {
            tracing::warn!("could not send a watched folder's status: {e}");
        }
        crate::tray::refresh(&self.0);
    }

    fn watch_needs_attention(&self, folder: &str, reason: &str) {
        crate::notices::watch_failed(&self.0, folder, &plain(reason));
    }
}

/// The failures of a snapshot in the product's words (see [`plain`]).
fn plain_snapshot(mut snapshot: Snapshot) -> Snapshot {
    for row in &mut snapshot.new_files {
        if let FileOutcome::Failed { message } = &mut row.outcome {
            *message = plain(message);
        }
    }
    if let Some(summary) = &mut snapshot.finished {
        for (_, message) in &mut summary.failed {
            *message = plain(message);
        }
    }
    snapshot
}
