//! `stowage watch add|list|pause|resume|remove|run`: watched folders from a
//! terminal; `run` keeps every unpaused one synced, headless (a server, a
//! training box), with the same runner as the app.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Subcommand, ValueEnum};
use stowage_sync::watch::{self, config, DeletePolicy, Timing, WatchDeps, WatchState, WatchStatus, WatchedFolder};
use stowage_sync::{Journal, Resume, SyncState, Tuning};
use tokio_util::sync::CancellationToken;

use crate::location::Location;
use crate::Context;

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
        /// Leave out paths matching this glob (repeatable).
        #[arg(long, value_name = "GLOB")]
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
    Run,
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

pub async fn run(command: WatchCommand, context: &Context) -> Result<ExitCode, String> {
    let file = context.dirs.watched_file();
    match command {
        WatchCommand::Add { folder, destination, delete, backup_prefix, exclude } => {
            let profile = destination.profile.clone().unwrap_or_else(|| context.settings.current.clone());
            context.settings.profile(&profile).map_err(|e| e.to_string())?;
            let delete = match delete {
                DeleteArg::Keep => DeletePolicy::Keep,
                DeleteArg::Propagate => DeletePolicy::Propagate,
                DeleteArg::Backup => DeletePolicy::Backup,
            };
            let watched = WatchedFolder {
                folder: text(&folder),
                profile,
                container: destination.container,
                prefix: destination.prefix,
                delete,
                backup_prefix: backup_prefix.unwrap_or_default(),
                includes: vec![],
                excludes: exclude,
                paused: false,
            };
            config::add(&file, watched)?;
            println!("Watching {}. `stowage watch run` (or the app) keeps it synced.", text(&folder));
        }
        WatchCommand::List => {
            let all = config::load(&file)?;
            if all.is_empty() {
                println!("No watched folders.");
            }
            for w in all {
                let policy = match w.delete {
                    DeletePolicy::Keep => "keep deleted".to_owned(),
                    DeletePolicy::Propagate => "propagate deletions".to_owned(),
                    DeletePolicy::Backup => format!("move deleted to {}", w.backup_prefix),
                };
                let paused = if w.paused { "  (paused)" } else { "" };
                println!("{} -> {}:{}/{}  [{policy}]{paused}", w.folder, w.profile, w.container, w.prefix);
            }
        }
        WatchCommand::Pause { folder } => {
            config::update(&file, &text(&folder), |w| w.paused = true)?;
        }
        WatchCommand::Resume { folder } => {
            config::update(&file, &text(&folder), |w| w.paused = false)?;
        }
        WatchCommand::Remove { folder } => {
            config::remove(&file, &text(&folder))?;
        }
        WatchCommand::Run => return run_all(context).await,
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_all(context: &Context) -> Result<ExitCode, String> {
    let folders: Vec<WatchedFolder> =
        config::load(&context.dirs.watched_file())?.into_iter().filter(|w| !w.paused).collect();
    if folders.is_empty() {
        return Err(
            "No unpaused watched folders: add one with `stowage watch add FOLDER PROFILE:CONTAINER/PREFIX`.".into()
        );
    }
    let state = Arc::new(SyncState::open(&context.dirs.sync_state_file()).map_err(|e| e.to_string())?);
    let journal = Arc::new(Journal::open(&context.dirs.journal_file()).map_err(|e| e.to_string())?);
    let cancel = CancellationToken::new();
    let mut stores = HashMap::new();
    let mut tasks = Vec::new();
    for folder in folders {
        if !stores.contains_key(&folder.profile) {
            stores.insert(folder.profile.clone(), context.store(Some(&folder.profile))?);
        }
        let deps = WatchDeps {
            store: stores[&folder.profile].clone(),
            state: state.clone(),
            resume: Some(Resume { journal: journal.clone(), store: folder.profile.clone() }),
            tuning: Tuning::default(),
        };
        let (tx, mut rx) = tokio::sync::watch::channel(WatchStatus::new(WatchState::Starting));
        let name = folder.folder.clone();
        tasks.push(tokio::spawn(watch::run(folder, deps, Timing::default(), tx, cancel.clone())));
        tokio::spawn(async move {
            while rx.changed().await.is_ok() {
                let s = rx.borrow_and_update().clone();
                match s.state {
                    WatchState::Syncing => {}
                    WatchState::Idle => {
                        println!("{name}: in sync{}", s.message.map(|m| format!(" ({m})")).unwrap_or_default())
                    }
                    WatchState::Waiting => println!("{name}: waiting for {} files still being written", s.files_left),
                    WatchState::Error => eprintln!("{name}: {}", s.message.unwrap_or_default()),
                    other => println!("{name}: {other:?}"),
                }
            }
        });
    }
    println!("Watching {} folders; Ctrl-C stops after the transfers in flight.", tasks.len());
    let _ = tokio::signal::ctrl_c().await;
    cancel.cancel();
    for task in tasks {
        let _ = task.await;
    }
    Ok(ExitCode::SUCCESS)
}
