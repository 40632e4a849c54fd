//! `stowage`: Stowage from a terminal, on the same profiles and engine as the
//! desktop app.

mod job_cmd;
mod location;
mod profile_cmd;
mod rm_cmd;
mod share_cmd;
mod sync_cmd;
mod terminal;
mod upload_cmd;
mod versions_cmd;
mod volume_cmd;
mod watch_cmd;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use stowage_api::App;
use stowage_api::{AppDirs, Keyring};

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
    /// Create a container: `stowage mb [--versioning] [--storage-class CLASS] [PROFILE:]CONTAINER`.
    Mb {
        location: Location,
        /// Keep every version of every object (overwritten and deleted ones can come back).
        #[arg(long)]
        versioning: bool,
        /// The storage class uploads into it get.
        #[arg(long, value_name = "CLASS")]
        storage_class: Option<String>,
    },
    /// A link anyone can open to download an object: `stowage share [PROFILE:]CONTAINER/KEY --expires 24h`.
    Share {
        location: Location,
        /// How long the link works: 30m, 1h, 24h, 7d (S3 allows at most 7 days).
        #[arg(long, default_value = "24h", value_parser = share_cmd::lifetime)]
        expires: std::time::Duration,
    },
    /// Object versions in a versioned container: list, get, restore, rm, deleted, and versioning on or off.
    #[command(subcommand)]
    Versions(versions_cmd::VersionsCommand),
    /// Show or set the storage class of a container's uploads: `stowage class [PROFILE:]CONTAINER [CLASS|--clear]`.
    Class {
        location: Location,
        class: Option<String>,
        /// Forget the container's class (uploads get the service's default).
        #[arg(long, conflicts_with = "class")]
        clear: bool,
    },
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
        #[command(flatten)]
        transfer: TransferArgs,
        /// The storage class of the new objects (STANDARD, STANDARD_IA, …; see
        /// `stowage class`). Default: the container's, else the service's.
        #[arg(long, value_name = "CLASS")]
        storage_class: Option<String>,
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

/// How a transfer uses the network (upload, sync, watch run).
#[derive(clap::Args)]
struct TransferArgs {
    /// Requests in flight at once.
    #[arg(long, default_value_t = stowage_api::Tuning::default().concurrency, value_parser = crate::at_least_one)]
    concurrency: usize,
    /// Bandwidth limit each way, as rclone writes it: 10M, 512k, 10M:1M (up:down),
    /// or a timetable "08:00,5M 19:00,off". Default: the one set in the app.
    #[arg(long, value_name = "LIMIT")]
    bwlimit: Option<String>,
}

impl TransferArgs {
    /// Applies the arguments to this run of the app (not to its saved settings).
    async fn apply(&self, app: App) -> Result<Arc<App>, String> {
        let app = Arc::new(app.with_concurrency(self.concurrency));
        if let Some(limit) = &self.bwlimit {
            app.set_bandwidth_limit(limit, false).await.map_err(|e| format!("--bwlimit: {}", e.message))?;
        }
        Ok(app)
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
    let _log = stowage_api::logging::init(&dirs.logs(), "stowage-cli");
    stowage_api::raise_open_file_limit();
    let app = match App::open(dirs, Keyring::from_env(), Arc::new(terminal::Terminal::default())) {
        Ok(app) => app,
        Err(e) => return fail(e.message),
    };
    let transfer = match &cli.command {
        Command::Upload { transfer, .. } => Some(transfer),
        Command::Sync(args) => Some(&args.transfer),
        Command::Watch(watch_cmd::WatchCommand::Run { transfer }) => Some(transfer),
        _ => None,
    };
    let app = match transfer {
        Some(transfer) => match transfer.apply(app).await {
            Ok(app) => app,
            Err(e) => return fail(e),
        },
        None => Arc::new(app),
    };
    run(cli.command, &app).await.unwrap_or_else(fail)
}

fn fail(message: String) -> ExitCode {
    tracing::warn!("command failed: {message}");
    eprintln!("stowage: {message}");
    ExitCode::FAILURE
}

async fn run(command: Command, app: &Arc<App>) -> Result<ExitCode, String> {
    let done = match command {
        // These have exit codes of their own ("not valid", "some files failed").
        Command::Volume(command) => return volume_cmd::run(command, app).await,
        Command::Upload { paths, destination, existing, transfer: _, storage_class } => {
            return upload_cmd::run(paths, destination, existing, storage_class, app).await
        }
        Command::Sync(args) => return sync_cmd::run(args, app).await,
        Command::Job(command) => return job_cmd::run(command, app).await,
        Command::Watch(command) => return watch_cmd::run(command, app).await,
        Command::Profile(command) => profile_cmd::run(command, app).await,
        Command::Containers { profile } => {
            let profile = profile.unwrap_or_else(|| app.settings().current);
            for c in app.list_containers(&profile).await? {
                println!("{}", c.name);
            }
            Ok(())
        }
        Command::Mb { location, versioning, storage_class } => {
            let new =
                stowage_api::NewContainer { versioning, storage_class: storage_class.map(|c| c.to_ascii_uppercase()) };
            Ok(app.create_container_with(&location.profile_in(app), &location.container, new).await?)
        }
        Command::Share { location, expires } => share_cmd::share(app, &location, expires).await,
        Command::Versions(command) => versions_cmd::run(command, app).await,
        Command::Class { location, class, clear } => share_cmd::class(app, &location, class, clear).await,
        Command::Ls { location } => list_folder(app, &location).await,
        Command::Rm { location, recursive, dry_run, one_by_one } => {
            return rm_cmd::run(app, &location, recursive, dry_run, one_by_one).await;
        }
    };
    done.map(|()| ExitCode::SUCCESS)
}

async fn list_folder(app: &Arc<App>, location: &Location) -> Result<(), String> {
    let profile = location.profile_in(app);
    let mut continuation = None;
    loop {
        let page = app.list_folder(&profile, &location.container, &location.prefix, continuation).await?;
        for folder in &page.prefixes {
            println!("{:>14}  {folder}", "DIR");
        }
        for object in &page.objects {
            match object.storage_class.as_deref() {
                Some(class) => println!("{:>14}  {}  {class}", object.size, object.key),
                None => println!("{:>14}  {}", object.size, object.key),
            }
        }
        match page.next {
            Some(next) => continuation = Some(next),
            None => return Ok(()),
        }
    }
}
