//! `stowage volume ...`: the ovhai `--volume` syntax from a terminal.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use stowage_api::human_bytes;
use stowage_api::App;
use stowage_api::{has_errors, Severity};
use stowage_api::{volume_json as api, Volume};

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

pub async fn run(command: VolumeCommand, app: &Arc<App>) -> Result<ExitCode, String> {
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
            check_volumes(&volumes, profile.as_deref(), region, app).await
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
    app: &Arc<App>,
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
    let mut findings = app.check_volumes(&volumes, job_region);
    let surveyed = app.survey_volumes(&volumes, profile).await?;
    let surveys = surveyed.surveys;
    findings.extend(surveyed.findings);
    let (mut total_objects, mut total_bytes) = (0u64, 0u64);
    for s in &surveys {
        let volume = &volumes[s.volume as usize];
        match (&s.survey, &s.error) {
            (Some(found), _) if found.container_exists => {
                let floor = if found.complete { "" } else { "at least " };
                println!(
                    "Volume {}: {volume}\n  {floor}{} objects, {floor}{} (profile \"{}\")",
                    s.volume + 1,
                    found.objects,
                    human_bytes(found.bytes),
                    s.store
                );
                total_objects += found.objects;
                total_bytes += found.bytes;
            }
            (_, Some(error)) => println!("Volume {}: cannot check its storage: {error}", s.volume + 1),
            _ => {}
        }
    }
    if !surveys.is_empty() {
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
