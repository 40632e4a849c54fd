//! One progress bar for a transfer (upload, sync): bytes, rate, ETA and
//! files; failures print above it. Ctrl-C cancels the transfer cleanly
//! (multipart uploads are aborted) instead of killing the process.

use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressStyle};
use stowage_sync::{EventSink, FileOutcome, Tracker, TransferEvent};
use tokio_util::sync::CancellationToken;

pub struct Progress {
    bar: ProgressBar,
    pub cancel: CancellationToken,
}

struct Bar {
    bar: ProgressBar,
    tracker: Mutex<Tracker>,
}

impl EventSink for Bar {
    fn send(&self, event: TransferEvent) {
        let mut tracker = self.tracker.lock().unwrap_or_else(|e| e.into_inner());
        tracker.apply(&event);
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
        self.bar.set_message(format!("{}/{} files", tracker.files_done, tracker.files_total));
    }
}

impl Progress {
    pub fn new() -> Result<Self, String> {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}")
                .map_err(|e| e.to_string())?,
        );
        let cancel = CancellationToken::new();
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        });
        Ok(Self { bar, cancel })
    }

    pub fn sink(&self) -> Arc<dyn EventSink> {
        Arc::new(Bar { bar: self.bar.clone(), tracker: Mutex::new(Tracker::default()) })
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
