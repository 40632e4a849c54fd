//! `stowage versions …`: the history a versioned container keeps.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use stowage_api::App;
use stowage_api::{VersionInfo, Versioning};

use crate::location::Location;

#[derive(Subcommand)]
pub enum VersionsCommand {
    /// The versions of an object, newest first: `stowage versions list [PROFILE:]CONTAINER/KEY`.
    List { location: Location },
    /// Objects deleted from a folder that can be brought back: `stowage versions deleted [PROFILE:]CONTAINER[/FOLDER/]`.
    Deleted { location: Location },
    /// Download one version into a folder (named with its date, beside the current file).
    Get { location: Location, version_id: String, folder: PathBuf },
    /// Make a version the newest again (brings back an overwritten or deleted object).
    Restore { location: Location, version_id: String },
    /// Bring back a deleted object as its newest version with content.
    Undelete { location: Location },
    /// Delete one version for good.
    Rm { location: Location, version_id: String },
    /// Show, or turn on or off, a container's versioning: `stowage versions versioning [PROFILE:]CONTAINER [on|off]`.
    Versioning {
        location: Location,
        #[arg(value_parser = ["on", "off"])]
        state: Option<String>,
    },
}

pub async fn run(command: VersionsCommand, app: &Arc<App>) -> Result<(), String> {
    match command {
        VersionsCommand::List { location } => {
            let key = object_key(&location)?;
            let versions = app.object_versions(&location.profile_in(app), &location.container, key).await?;
            if versions.is_empty() {
                return Err(format!("\"{key}\" has no versions in \"{}\".", location.container));
            }
            versions.iter().for_each(print_version);
        }
        VersionsCommand::Deleted { location } => {
            for v in app.deleted_objects(&location.profile_in(app), &location.container, &location.prefix).await? {
                println!("{}  deleted {}", v.key, date(v.modified_ms));
            }
        }
        VersionsCommand::Get { location, version_id, folder } => {
            let profile = location.profile_in(app);
            let key = object_key(&location)?;
            let versions = app.object_versions(&profile, &location.container, key).await?;
            let version = versions
                .iter()
                .find(|v| v.version_id == version_id && !v.delete_marker)
                .ok_or_else(|| format!("\"{key}\" has no version {version_id} with content."))?;
            let path = app.download_version(&profile, &location.container, key, version, &folder).await?;
            println!("{}", path.display());
        }
        VersionsCommand::Restore { location, version_id } => {
            let key = object_key(&location)?;
            app.restore_version(&location.profile_in(app), &location.container, key, &version_id).await?;
        }
        VersionsCommand::Undelete { location } => {
            let key = object_key(&location)?;
            let back = app.undelete(&location.profile_in(app), &location.container, key).await?;
            println!("Brought back \"{key}\" as its version {} ({}).", back.version_id, date(back.modified_ms));
        }
        VersionsCommand::Rm { location, version_id } => {
            let key = object_key(&location)?;
            app.delete_version(&location.profile_in(app), &location.container, key, &version_id).await?;
        }
        VersionsCommand::Versioning { location, state } => {
            let profile = location.profile_in(app);
            if let Some(state) = state {
                app.set_versioning(&profile, &location.container, state == "on").await?;
            }
            let said = match app.versioning(&profile, &location.container).await? {
                Versioning::Unsupported => "not offered by this store",
                Versioning::Off => "off",
                Versioning::Enabled => "on",
                Versioning::Suspended => "suspended (versions kept so far stay)",
            };
            println!("{said}");
        }
    }
    Ok(())
}

fn object_key(location: &Location) -> Result<&str, String> {
    if location.prefix.is_empty() || location.prefix.ends_with('/') {
        return Err("Name one object: PROFILE:CONTAINER/KEY.".into());
    }
    Ok(&location.prefix)
}

fn print_version(v: &VersionInfo) {
    let what = if v.delete_marker { "delete marker".to_owned() } else { format!("{} bytes", v.size) };
    let latest = if v.latest { "  latest" } else { "" };
    println!("{}  {}  {what}{latest}", v.version_id, date(v.modified_ms));
}

fn date(ms: Option<i64>) -> String {
    ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .map_or_else(|| "-".into(), |t| t.to_string())
}
