//! `stowage`: Stowage from a terminal, on the same profiles and engine as the
//! desktop app.

mod job_cmd;
mod location;
mod profile_cmd;
mod progress;
mod rm_cmd;
mod sync_cmd;
mod upload_cmd;
mod volume_cmd;
mod watch_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stowage_profiles::{connect, AppDirs, Keyring, Settings};
use stowage_store::{ListOptions, ObjectStore};

use crate::location::Location;

#[derive(Parser)]
#[command(name = "stowage", version, about = "Move ML datasets between this computer and S3-compatible object storage")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add, list, test and choose connection profiles.
    #[command(subcommand)]
    Profile(profile_cmd::ProfileCommand),
    /// Parse, format and check AI Training job volumes (ovhai --volume syntax).
    #[command(subcommand)]
    Volume(volume_cmd::VolumeCommand),
    /// List the containers of a profile (the current one by default).
    Containers {
        /// Profile name.
        profile: Option<String>,
    },
    /// Create a container: `stowage mb [PROFILE:]CONTAINER`.
    Mb { location: Location },
    /// List a folder: `stowage ls [PROFILE:]CONTAINER[/PREFIX]`.
    Ls { location: Location },
    /// Delete an object, or everything under a prefix: `stowage rm [-r] [PROFILE:]CONTAINER/KEY`.
    Rm {
        location: Location,
        /// Everything under the prefix (a folder, or the whole container).
        #[arg(long, short)]
        recursive: bool,
        /// Print what would be deleted, and delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// One DELETE per object instead of bulk deletes of a thousand (for services without DeleteObjects).
        #[arg(long)]
        one_by_one: bool,
    },
    /// Upload files and folders: `stowage upload PATH... [PROFILE:]CONTAINER[/PREFIX]`.
    Upload {
        /// Files and folders; folders keep their structure under the prefix.
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        destination: Location,
        /// When a different object already has the key (identical ones are always skipped).
        #[arg(long, value_enum, default_value = "overwrite")]
        existing: upload_cmd::ExistingArg,
        /// Requests in flight at once.
        #[arg(long, default_value_t = stowage_sync::Tuning::default().concurrency, value_parser = crate::at_least_one)]
        concurrency: usize,
    },
    /// Sync a local folder with a container prefix: `stowage sync [--dry-run] SRC DST`.
    Sync(sync_cmd::SyncArgs),
    /// Watched folders: add, list, pause, resume, remove, run.
    #[command(subcommand)]
    Watch(watch_cmd::WatchCommand),
    /// OVHcloud AI Training jobs: login, list, get, run, stop, sync.
    #[command(subcommand)]
    Job(job_cmd::JobCommand),
}

/// What the commands share: where files are, the settings, the keyring.
pub struct Context {
    pub dirs: AppDirs,
    pub settings: Settings,
    pub keyring: Keyring,
}

impl Context {
    fn store(&self, profile: Option<&str>) -> Result<std::sync::Arc<dyn ObjectStore>, String> {
        let profile = match profile {
            Some(name) => self.settings.profile(name),
            None => self.settings.current_profile(),
        }
        .map_err(|e| e.to_string())?;
        connect(profile, &self.keyring).map_err(|e| e.to_string())
    }
}

/// A count that must be 1 or more (`--concurrency`).
fn at_least_one(arg: &str) -> Result<usize, String> {
    match arg.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("expected a whole number of 1 or more".into()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let dirs = match AppDirs::from_env() {
        Ok(dirs) => dirs,
        Err(e) => return fail(e.to_string()),
    };
    let _log = stowage_profiles::logging::init(&dirs.logs(), "stowage-cli");
    stowage_sync::raise_open_file_limit();
    let settings = match Settings::load(&dirs) {
        Ok(settings) => settings,
        Err(e) => return fail(e.to_string()),
    };
    let mut context = Context { dirs, settings, keyring: Keyring::from_env() };
    run(cli.command, &mut context).await.unwrap_or_else(fail)
}

fn fail(message: String) -> ExitCode {
    tracing::warn!("command failed: {message}");
    eprintln!("stowage: {message}");
    ExitCode::FAILURE
}

async fn run(command: Command, context: &mut Context) -> Result<ExitCode, String> {
    let done = match command {
        // These have exit codes of their own ("not valid", "some files failed").
        Command::Volume(command) => return volume_cmd::run(command, context).await,
        Command::Upload { paths, destination, existing, concurrency } => {
            return upload_cmd::run(paths, destination, existing, concurrency, context).await
        }
        Command::Sync(args) => return sync_cmd::run(args, context).await,
        Command::Job(command) => return job_cmd::run(command, context).await,
        Command::Watch(command) => return watch_cmd::run(command, context).await,
        Command::Profile(command) => profile_cmd::run(command, context).await,
        Command::Containers { profile } => {
            for c in context.store(profile.as_deref())?.list_containers().await.map_err(|e| e.to_string())? {
                println!("{}", c.name);
            }
            Ok(())
        }
        Command::Mb { location } => {
            let store = context.store(location.profile.as_deref())?;
            store.create_container(&location.container).await.map_err(|e| e.to_string())
        }
        Command::Ls { location } => list_folder(context.store(location.profile.as_deref())?.as_ref(), &location).await,
        Command::Rm { location, recursive, dry_run, one_by_one } => {
            let store = context.store(location.profile.as_deref())?;
            return rm_cmd::run(store, &location, recursive, dry_run, one_by_one).await;
        }
    };
    done.map(|()| ExitCode::SUCCESS)
}

async fn list_folder(store: &dyn ObjectStore, location: &Location) -> Result<(), String> {
    let mut options = ListOptions::folder(location.prefix.as_str());
    loop {
        let page = store.list(&location.container, &options).await.map_err(|e| e.to_string())?;
        for folder in &page.prefixes {
            println!("{:>14}  {folder}", "DIR");
        }
        for object in &page.objects {
            println!("{:>14}  {}", object.size, object.key);
        }
        match page.next {
            Some(next) => options.continuation = Some(next),
            None => return Ok(()),
        }
    }
}
