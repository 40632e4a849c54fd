//! `stowage volume ...`: the ovhai `--volume` syntax from a terminal.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use stowage_jobs::check::{check, has_errors, Context as CheckContext, Severity};
use stowage_jobs::survey::survey;
use stowage_jobs::{api, Source, Volume};
use stowage_profiles::{connect, Backend};

use crate::Context;

#[derive(Subcommand)]
pub enum VolumeCommand {
    /// Print volumes as the AI Training API's JSON.
    Parse {
        #[arg(required = true)]
        volumes: Vec<String>,
    },
    /// Print the --volume strings of a JSON file (a volumes list or a job spec).
    Format { file: PathBuf },
    /// Check volumes and estimate what each job start downloads. Exit code 2 when not valid.
    Check {
        #[arg(required = true)]
        volumes: Vec<String>,
        /// Use this profile for every datastore volume (default: the profile whose alias matches).
        #[arg(long)]
        profile: Option<String>,
        /// The region the job runs in (gra, bhs, ...).
        #[arg(long)]
        region: Option<String>,
    },
}

/// Exit code 2 means "the volumes are not valid", as `volume check` promises.
pub const INVALID: u8 = 2;

pub async fn run(command: VolumeCommand, context: &Context) -> Result<ExitCode, String> {
    match command {
        VolumeCommand::Parse { volumes } => {
            let volumes = parse_all(&volumes).map_err(|errors| errors.join("\n"))?;
            println!("{}", api::to_json(&volumes));
            Ok(ExitCode::SUCCESS)
        }
        VolumeCommand::Format { file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("Cannot read {}: {e}", file.display()))?;
            for volume in api::from_json(&text)? {
                println!("{volume}");
            }
            Ok(ExitCode::SUCCESS)
        }
        VolumeCommand::Check { volumes, profile, region } => {
            check_volumes(&volumes, profile.as_deref(), region, context).await
        }
    }
}

fn parse_all(strings: &[String]) -> Result<Vec<Volume>, Vec<String>> {
    let mut volumes = Vec::new();
    let mut errors = Vec::new();
    for (i, text) in strings.iter().enumerate() {
        match text.parse::<Volume>() {
            Ok(v) => volumes.push(v),
            Err(e) => errors.push(format!("Volume {}: {e}", i + 1)),
        }
    }
    if errors.is_empty() {
        Ok(volumes)
    } else {
        Err(errors)
    }
}

async fn check_volumes(
    strings: &[String],
    profile: Option<&str>,
    job_region: Option<String>,
    context: &Context,
) -> Result<ExitCode, String> {
    let volumes = match parse_all(strings) {
        Ok(volumes) => volumes,
        Err(errors) => {
            for e in errors {
                println!("error: {e}");
            }
            return Ok(ExitCode::from(INVALID));
        }
    };
    let aliases = context
        .settings
        .profiles
        .iter()
        .filter_map(|p| {
            let region = match &p.backend {
                Backend::S3(s3) => s3.region.clone(),
                Backend::Local { .. } => String::new(),
            };
            p.datastore_alias.clone().map(|a| (a, region))
        })
        .collect();
    let mut findings = check(&volumes, &CheckContext { aliases, job_region });

    let (mut total_objects, mut total_bytes, mut surveyed) = (0u64, 0u64, 0);
    for (i, volume) in volumes.iter().enumerate() {
        let Source::DataStore { alias, container, prefix } = &volume.source else { continue };
        let chosen = match profile {
            Some(name) => Some(context.settings.profile(name).map_err(|e| e.to_string())?),
            None => context.settings.profiles.iter().find(|p| p.datastore_alias.as_deref() == Some(alias.as_str())),
        };
        let Some(chosen) = chosen else { continue };
        let store = connect(chosen, &context.keyring).map_err(|e| e.to_string())?;
        let s = survey(store.as_ref(), container, prefix).await.map_err(|e| format!("Volume {}: {e}", i + 1))?;
        let floor = if s.complete { "" } else { "at least " };
        if s.container_exists {
            println!(
                "Volume {}: {volume}\n  {floor}{} objects, {floor}{} under {container}/{prefix} (profile \"{}\")",
                i + 1,
                s.objects,
                human_bytes(s.bytes),
                chosen.name
            );
        }
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        findings.extend(s.findings(index, container, prefix, volume.permission));
        total_objects += s.objects;
        total_bytes += s.bytes;
        surveyed += 1;
    }
    if surveyed > 0 {
        println!(
            "Each job start downloads about {total_objects} objects, {} (INITIALIZING).",
            human_bytes(total_bytes)
        );
    }
    findings.sort_by_key(|f| (f.severity, f.volume));
    for f in &findings {
        let label = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Confirm => "confirm",
            Severity::Hint => "hint",
        };
        println!("{label}: {}", f.message);
    }
    if has_errors(&findings) {
        return Ok(ExitCode::from(INVALID));
    }
    println!("The volumes are valid.");
    Ok(ExitCode::SUCCESS)
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
