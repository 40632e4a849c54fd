//! How a front end follows what runs in the background: the window turns it
//! into events and notifications, the CLI into a progress bar and lines.

use std::sync::Arc;
use std::time::Duration;

use stowage_sync::watch::WatchStatus;
use stowage_sync::{Conflict, EventSink, Summary};

use crate::transfers::TransferInfo;

pub trait Observer: Send + Sync + 'static {
    /// Where the progress of the transfer `id` goes.
    fn transfer_started(&self, id: u32, info: &TransferInfo) -> Arc<dyn EventSink>;

    /// The transfer `id` ended (done, failed in part, or cancelled).
    fn transfer_finished(&self, _id: u32, _info: &TransferInfo, _took: Duration, _summary: &Summary) {}

    /// The upload `id` asks what to do with `conflict`; the answer comes
    /// through `App::answer_conflict`. `false` when nobody can answer (the
    /// object already there is kept).
    fn conflict(&self, _id: u32, _conflict: &Conflict) -> bool {
        false
    }

    /// A watched folder's status changed (a few times a second at most).
    fn watch_changed(&self, _folder: &str, _status: &WatchStatus) {}

    /// A watched folder failed for a reason not told yet: once per reason,
    /// and again only after a good round.
    fn watch_needs_attention(&self, _folder: &str, _reason: &str) {}
}
