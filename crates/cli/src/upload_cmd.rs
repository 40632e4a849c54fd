//! `stowage upload <paths…> [PROFILE:]CONTAINER/PREFIX`: the engine behind
//! the window's drops, with a progress bar.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use stowage_sync::{
    upload, EventSink, Existing, FileOutcome, Journal, Resume, Tracker, TransferEvent, Tuning, UploadRequest,
};
use tokio_util::sync::CancellationToken;

use crate::location::Location;
use crate::Context;

#[derive(Clone, Copy, ValueEnum)]
pub enum ExistingArg {
    Overwrite,
    Skip,
    KeepBoth,
}

/// Draws the engine's events as one bar; failures print above it.
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

pub async fn run(
    paths: Vec<PathBuf>,
    destination: Location,
    existing: ExistingArg,
    concurrency: Option<usize>,
    context: &Context,
) -> Result<ExitCode, String> {
    let store = context.store(destination.profile.as_deref())?;
    let profile = destination.profile.clone().unwrap_or_else(|| context.settings.current.clone());
    let journal = Journal::open(&context.dirs.journal_file()).map_err(|e| e.to_string())?;
    let resume = Some(Resume { journal: Arc::new(journal), store: profile });
    let existing = match existing {
        ExistingArg::Overwrite => Existing::Overwrite,
        ExistingArg::Skip => Existing::Skip,
        ExistingArg::KeepBoth => Existing::KeepBoth,
    };
    let mut tuning = Tuning::default();
    if let Some(n) = concurrency {
        tuning.concurrency = n.max(1);
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40.cyan/blue} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}")
            .map_err(|e| e.to_string())?,
    );
    let sink = Arc::new(Bar { bar: bar.clone(), tracker: Mutex::new(Tracker::default()) });
    let cancel = CancellationToken::new();
    let on_interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    let request = UploadRequest {
        sources: paths,
        container: destination.container,
        prefix: destination.prefix,
        existing,
        resume,
    };
    let summary = upload(store, request, tuning, sink, cancel).await;
    bar.finish_and_clear();
    println!(
        "{} uploaded ({} bytes), {} already there, {} skipped as existing, {} failed, {} paths skipped.",
        summary.uploaded,
        summary.uploaded_bytes,
        summary.identical,
        summary.skipped_existing,
        summary.failed.len(),
        summary.skipped_paths.len()
    );
    for (key, message) in &summary.failed {
        eprintln!("failed {key}: {message}");
    }
    if summary.cancelled {
        eprintln!("Cancelled: unfinished multipart uploads were aborted.");
    }
    Ok(if summary.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
