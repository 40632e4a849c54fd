//! `stowage`: Stowage from a terminal, on the same profiles and engine as the
//! desktop app.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stowage_profiles::{connect, AppDirs, Keyring, Settings};
use stowage_store::{ListOptions, ObjectStore};

#[derive(Parser)]
#[command(name = "stowage", version, about = "Move ML datasets between this computer and S3-compatible object storage")]
struct Cli {
    /// Profile to use instead of the current one.
    #[arg(long, global = true)]
    profile: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List profiles; the current one is marked with *.
    Profiles,
    /// List the containers of the profile.
    Containers,
    /// Create a container.
    Mb { container: String },
    /// List a container's folder: `stowage ls CONTAINER[/PREFIX]`.
    Ls { path: String },
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("stowage: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let dirs = AppDirs::from_env().map_err(|e| e.to_string())?;
    let settings = Settings::load(&dirs).map_err(|e| e.to_string())?;
    if let Command::Profiles = cli.command {
        for p in &settings.profiles {
            println!("{} {}", if p.name == settings.current { "*" } else { " " }, p.name);
        }
        return Ok(());
    }
    let profile = match &cli.profile {
        Some(name) => settings.profile(name),
        None => settings.current_profile(),
    }
    .map_err(|e| e.to_string())?;
    let store = connect(profile, &Keyring::new(Keyring::APP_SERVICE)).map_err(|e| e.to_string())?;
    match cli.command {
        Command::Profiles => Ok(()),
        Command::Containers => {
            for c in store.list_containers().await.map_err(|e| e.to_string())? {
                println!("{}", c.name);
            }
            Ok(())
        }
        Command::Mb { container } => store.create_container(&container).await.map_err(|e| e.to_string()),
        Command::Ls { path } => list_folder(store.as_ref(), &path).await,
    }
}

async fn list_folder(store: &dyn ObjectStore, path: &str) -> Result<(), String> {
    let (container, prefix) = path.split_once('/').unwrap_or((path, ""));
    let mut options = ListOptions::folder(prefix);
    loop {
        let page = store.list(container, &options).await.map_err(|e| e.to_string())?;
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
