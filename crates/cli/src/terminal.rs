//! How the CLI follows what runs: a progress bar per transfer (bytes, rate,
//! ETA, files; failures print above it) and a line per watched folder's
//! change. Ctrl-C cancels a transfer cleanly (multipart uploads are
//! aborted) instead of killing the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use stowage_api::{App, Observer, Started, TransferInfo};
use stowage_api::{EventSink, FileOutcome, Summary, Tracker, TransferEvent};
use stowage_api::{WatchState, WatchStatus};

#[derive(Default)]
pub struct Terminal {
    bars: Mutex<HashMap<u32, ProgressBar>>,
}

struct Bar {
    bar: ProgressBar,
    tracker: Mutex<Tracker>,
}

impl EventSink for Bar {
    fn send(&self, event: TransferEvent) {
        let mut tracker = self.tracker.lock().unwrap_or_else(|e| e.into_inner());
        tracker.apply(&event);
        if let TransferEvent::Progress { .. } = event {
            // Several a second per part as bytes go: the bar only moves.
            self.bar.set_position(tracker.bytes_done);
            return;
        }
        match &event {
            TransferEvent::Started { bytes, skipped, .. } => {
                self.bar.set_length(*bytes);
                for s in skipped {
                    self.bar.println(format!("skipped {}: {}", s.path, s.reason));
                }
            }
            TransferEvent::FileDone { key, outcome: FileOutcome::Failed { message }, .. } => {
                self.bar.println(format!("failed {key}: {message}"));
            }
            _ => {}
        }
        self.bar.set_position(tracker.bytes_done);
        let waiting = match tracker.retries {
            0 => String::new(),
            n => format!(" · waiting for the server (retry {n})"),
        };
        self.bar.set_message(format!("{}/{} files{waiting}", tracker.files_done, tracker.files_total));
    }
}

impl Observer for Terminal {
    fn transfer_started(&self, id: u32, _info: &TransferInfo) -> Arc<dyn EventSink> {
        let bar = ProgressBar::new(0);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}")
        {
            bar.set_style(style);
        }
        self.bars.lock().unwrap_or_else(|e| e.into_inner()).insert(id, bar.clone());
        Arc::new(Bar { bar, tracker: Mutex::new(Tracker::default()) })
    }

    fn transfer_finished(&self, id: u32, _info: &TransferInfo, _took: Duration, _summary: &Summary) {
        if let Some(bar) = self.bars.lock().unwrap_or_else(|e| e.into_inner()).remove(&id) {
            bar.finish_and_clear();
        }
    }

    fn watch_changed(&self, folder: &str, status: &WatchStatus) {
        let note = status.message.as_ref().map(|m| format!(" ({m})")).unwrap_or_default();
        match status.state {
            WatchState::Syncing | WatchState::Error => {}
            WatchState::Idle => println!("{folder}: in sync{note}"),
            WatchState::Waiting => println!("{folder}: waiting for {} files still being written", status.files_left),
            other => println!("{folder}: {other:?}"),
        }
    }

    fn watch_needs_attention(&self, folder: &str, reason: &str) {
        eprintln!("{folder}: {reason}");
    }
}

/// Waits for a transfer to end; Ctrl-C cancels it first.
pub async fn follow(app: &App, mut started: Started) -> Result<Summary, String> {
    tokio::select! {
        done = &mut started.done => return done.map_err(|e| format!("The transfer stopped: {e}")),
        interrupted = tokio::signal::ctrl_c() => {
            if interrupted.is_ok() {
                // Already finished between the two: nothing to cancel.
                let _ = app.cancel_transfer(started.id);
            }
        }
    }
    started.done.await.map_err(|e| format!("The transfer stopped: {e}"))
}
