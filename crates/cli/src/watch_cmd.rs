//! `stowage watch add|list|pause|resume|remove|run`: watched folders from a
//! terminal; `run` keeps every unpaused one synced, headless (a server, a
//! training box), with the same runner as the app.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Subcommand, ValueEnum};
use stowage_api::App;
use stowage_api::{DeletePolicy, WatchedFolder};

use crate::location::Location;

#[derive(Subcommand)]
pub enum WatchCommand {
    /// Watch a folder: `stowage watch add FOLDER PROFILE:CONTAINER/PREFIX`.
    Add {
        folder: PathBuf,
        destination: Location,
        /// What deleting a file does to its object.
        #[arg(long, value_enum, default_value = "keep")]
        delete: DeleteArg,
        /// With --delete backup: where deleted objects are moved.
        #[arg(long)]
        backup_prefix: Option<String>,
        /// Leave out paths matching this .gitignore pattern (repeatable).
        #[arg(long, value_name = "PATTERN")]
        exclude: Vec<String>,
    },
    /// The watched folders.
    List,
    /// Stop syncing a folder until resumed.
    Pause {
        folder: PathBuf,
    },
    Resume {
        folder: PathBuf,
    },
    /// Stop watching a folder (nothing is deleted anywhere).
    Remove {
        folder: PathBuf,
    },
    /// Keep every unpaused watched folder synced until Ctrl-C.
    Run {
        #[command(flatten)]
        transfer: crate::TransferArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DeleteArg {
    Keep,
    Propagate,
    Backup,
}

fn text(path: &std::path::Path) -> String {
    path.display().to_string()
}

pub async fn run(command: WatchCommand, app: &Arc<App>) -> Result<ExitCode, String> {
    match command {
        WatchCommand::Add { folder, destination, delete, backup_prefix, exclude } => {
            let policy = match delete {
                DeleteArg::Keep => DeletePolicy::Keep,
                DeleteArg::Propagate => DeletePolicy::Propagate,
                DeleteArg::Backup => DeletePolicy::Backup,
            };
            let watched = WatchedFolder::new(
                text(&folder),
                destination.profile_in(app),
                destination.container,
                destination.prefix,
                policy,
                backup_prefix.unwrap_or_default(),
                exclude,
            );
            app.add_watched(watched).await?;
            println!("Watching {}. `stowage watch run` (or the app) keeps it synced.", text(&folder));
        }
        WatchCommand::List => {
            let all = app.list_watched()?;
            if all.is_empty() {
                println!("No watched folders.");
            }
            for view in all {
                let w = &view.watched;
                let policy = match (w.policy(), &w.target.backup_prefix) {
                    (DeletePolicy::Backup, Some(backup)) => format!("move deleted to {backup}"),
                    (DeletePolicy::Propagate | DeletePolicy::Backup, _) => "propagate deletions".to_owned(),
                    (DeletePolicy::Keep, _) => "keep deleted".to_owned(),
                };
                let paused = if w.paused { "  (paused)" } else { "" };
                let t = &w.target;
                println!("{} -> {}:{}/{}  [{policy}]{paused}", t.folder, t.profile, t.container, t.prefix);
            }
        }
        WatchCommand::Pause { folder } => {
            app.set_watch_paused(&text(&folder), true).await?;
        }
        WatchCommand::Resume { folder } => {
            app.set_watch_paused(&text(&folder), false).await?;
        }
        WatchCommand::Remove { folder } => {
            app.remove_watched(&text(&folder)).await?;
        }
        WatchCommand::Run { .. } => return run_all(app).await,
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_all(app: &Arc<App>) -> Result<ExitCode, String> {
    let unpaused = app.list_watched()?.iter().filter(|w| !w.watched.paused).count();
    if unpaused == 0 {
        return Err(
            "No unpaused watched folders: add one with `stowage watch add FOLDER PROFILE:CONTAINER/PREFIX`.".into()
        );
    }
    let failed = app.start_watching().await?;
    for (folder, why) in &failed {
        eprintln!("{folder}: cannot start: {why}");
    }
    if failed.len() == unpaused {
        return Ok(ExitCode::FAILURE);
    }
    println!("Watching {} folders; Ctrl-C stops after the transfers in flight.", unpaused - failed.len());
    let _ = tokio::signal::ctrl_c().await;
    app.stop_watching().await;
    Ok(ExitCode::SUCCESS)
}
