//! How the window follows what runs in the background: transfer progress
//! and watched folders' status become events every window receives, the
//! tray's line is kept current, and what ends out of view becomes a
//! notification.

use std::sync::Arc;
use std::time::Duration;

use stowage_api::{Observer, TransferInfo};
use stowage_sync::watch::WatchStatus;
use stowage_sync::{Conflict, EventSink, Summary, Throttle};
use tauri::AppHandle;
use tauri_specta::Event;

use crate::events::{ConflictAsked, TransferUpdated, WatchUpdated};

/// Snapshots reach the window at most this often; the last one always does.
const UPDATE_EVERY: Duration = Duration::from_millis(250);

pub struct WindowObserver(pub AppHandle);

impl Observer for WindowObserver {
    fn transfer_started(&self, id: u32, info: &TransferInfo) -> Arc<dyn EventSink> {
        let (app, info) = (self.0.clone(), info.clone());
        Arc::new(Throttle::new(UPDATE_EVERY, move |snapshot| {
            if let Err(e) = TransferUpdated::new(id, &info, snapshot).emit(&app) {
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
        let update = WatchUpdated { folder: folder.to_owned(), status: status.clone() };
        if let Err(e) = update.emit(&self.0) {
            tracing::warn!("could not send a watched folder's status: {e}");
        }
        crate::tray::refresh(&self.0);
    }

    fn watch_needs_attention(&self, folder: &str, reason: &str) {
        crate::notices::watch_failed(&self.0, folder, reason);
    }
}
