//! `stowage upload <paths…> [PROFILE:]CONTAINER/PREFIX`: the engine behind
//! the window's drops, with a progress bar.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;
use stowage_api::App;
use stowage_api::Existing;

use crate::location::Location;

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
    storage_class: Option<String>,
    app: &Arc<App>,
) -> Result<ExitCode, String> {
    let existing = match existing {
        ExistingArg::Overwrite => Existing::Overwrite,
        ExistingArg::Skip => Existing::Skip,
        ExistingArg::KeepBoth => Existing::KeepBoth,
    };
    let paths = paths.iter().map(|p| p.display().to_string()).collect();
    let profile = destination.profile_in(app);
    let class = crate::share_cmd::checked_class(app, &profile, storage_class)?;
    let started =
        app.start_upload(&profile, paths, &destination.container, &destination.prefix, existing, class).await?;
    let summary = crate::terminal::follow(app, started).await?;
    println!(
        "{} uploaded, {} replaced ({} bytes), {} already there, {} skipped as existing, {} failed, {} paths skipped.",
        summary.uploaded,
        summary.replaced,
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
