//! `stowage upload <paths…> [PROFILE:]CONTAINER/PREFIX`: the engine behind
//! the window's drops, with a progress bar.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;
use stowage_sync::{upload, Existing, Journal, Resume, Tuning, UploadRequest};

use crate::location::Location;
use crate::progress::Progress;
use crate::Context;

#[derive(Clone, Copy, ValueEnum)]
pub enum ExistingArg {
    Overwrite,
    Skip,
    KeepBoth,
}

pub async fn run(
    paths: Vec<PathBuf>,
    destination: Location,
    existing: ExistingArg,
    concurrency: usize,
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
    let tuning = Tuning { concurrency, ..Tuning::default() };
    let progress = Progress::new()?;
    let request = UploadRequest {
        sources: paths,
        container: destination.container,
        prefix: destination.prefix,
        existing,
        resume,
    };
    let summary = upload(store, request, tuning, progress.sink(), progress.cancel.clone()).await;
    progress.finish();
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
