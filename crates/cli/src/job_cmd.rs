//! `stowage job login|list|get|run|stop|start|sync|logs|flavors`: AI
//! Training jobs and notebooks from a terminal, on the same client and the
//! same launch form as the window. The app token comes from a prompt or
//! stdin and lives in the OS keyring.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use stowage_api::LaunchForm;
use stowage_api::Volume;
use stowage_api::{spec_of, App};
use stowage_api::{DataSyncDirection, Job, Workload};

use crate::profile_cmd::read_secret;
use stowage_api::human_bytes;

#[derive(Subcommand)]
pub enum JobCommand {
    /// Save the AI Training app token (asked for, or read from stdin) and the API to use.
    Login {
        /// A region (gra, bhs) or the API's address; default: the one in use (GRA at first).
        #[arg(long)]
        api: Option<String>,
        /// Read the token from the first line of standard input.
        #[arg(long)]
        token_stdin: bool,
    },
    /// List jobs (or notebooks) with their state.
    List {
        #[arg(long)]
        notebooks: bool,
    },
    /// A job's state, resources, volumes and data syncs.
    Get {
        id: String,
        #[arg(long)]
        notebook: bool,
        /// The API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Launch a job (`--image IMG ... -- CMD`) or a notebook (`--notebook --framework F --editor E`).
    Run(RunArgs),
    /// Stop a job (its RW volumes are pushed back) or a notebook.
    Stop {
        id: String,
        #[arg(long)]
        notebook: bool,
    },
    /// Start a stopped notebook again.
    Start { id: String },
    /// Ask a running job to push (or pull) its volumes now.
    Sync {
        id: String,
        /// push (RW/RWD volumes to object storage) or pull.
        #[arg(long, value_parser = ["push", "pull"], default_value = "push")]
        direction: String,
        /// Only this volume (its id, from `stowage job get`).
        #[arg(long)]
        volume: Option<String>,
        #[arg(long)]
        notebook: bool,
    },
    /// A job's logs; with --follow, new lines as they come until the job ends.
    Logs {
        id: String,
        #[arg(long, short = 'f')]
        follow: bool,
        /// Only the last N lines.
        #[arg(long)]
        tail: Option<u32>,
    },
    /// The flavors jobs and notebooks can run on (ids for --flavor).
    Flavors,
}

#[derive(Args)]
pub struct RunArgs {
    /// The job's image.
    #[arg(long, required_unless_present = "notebook")]
    image: Option<String>,
    #[arg(long)]
    name: Option<String>,
    /// A flavor id from `stowage job flavors`; default: the platform's.
    #[arg(long)]
    flavor: Option<String>,
    /// GPUs, with a GPU flavor (the platform's default: 1).
    #[arg(long, conflicts_with = "cpu")]
    gpu: Option<u32>,
    /// CPUs, with a CPU flavor.
    #[arg(long)]
    cpu: Option<u32>,
    /// A volume in ovhai syntax, e.g. `data@GRA/train:/workspace/data:ro` (repeatable).
    #[arg(long = "volume", short = 'v')]
    volumes: Vec<Volume>,
    /// The volumes of a saved volume set.
    #[arg(long)]
    volume_set: Option<String>,
    /// NAME=VALUE (repeatable).
    #[arg(long = "env", short = 'e')]
    env: Vec<String>,
    /// Launch a notebook instead of a job.
    #[arg(long, requires_all = ["framework", "editor"])]
    notebook: bool,
    /// The notebook's framework (pytorch, tensorflow...).
    #[arg(long)]
    framework: Option<String>,
    #[arg(long)]
    framework_version: Option<String>,
    /// The notebook's editor (jupyterlab, vscode).
    #[arg(long)]
    editor: Option<String>,
    /// Print the API JSON and launch nothing.
    #[arg(long)]
    dry_run: bool,
    /// The command the job runs.
    #[arg(last = true)]
    command: Vec<String>,
}

fn kind(notebook: bool) -> Workload {
    if notebook {
        Workload::Notebook
    } else {
        Workload::Job
    }
}

pub async fn run(command: JobCommand, app: &Arc<App>) -> Result<ExitCode, String> {
    if let JobCommand::Login { api, token_stdin } = command {
        return login(api, token_stdin, app).await.map(|()| ExitCode::SUCCESS);
    }
    if let JobCommand::Run(args) = &command {
        if args.dry_run {
            let spec = spec_of(&launch_form(args, app)?)?;
            println!("{}", serde_json::to_string_pretty(&spec).map_err(|e| e.to_string())?);
            return Ok(ExitCode::SUCCESS);
        }
    }
    match command {
        JobCommand::Login { .. } => {}
        JobCommand::List { notebooks } => {
            let jobs = app.list_jobs(kind(notebooks)).await?;
            if jobs.is_empty() {
                println!("No {} yet.", if notebooks { "notebooks" } else { "jobs" });
            }
            for job in jobs {
                println!("{:<38} {:<14} {}", job.id, job.status.state, title(&job));
            }
        }
        JobCommand::Get { id, notebook, json } => {
            let job = app.job(kind(notebook), &id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&job).map_err(|e| e.to_string())?);
            } else {
                describe(&job);
            }
        }
        JobCommand::Run(args) => {
            let form = launch_form(&args, app)?;
            let job = app.launch_job(&form).await?;
            println!("{} {}", job.id, job.status.state);
        }
        JobCommand::Stop { id, notebook } => {
            app.stop_job(kind(notebook), &id).await?;
            println!("Stopping {id}: its read-write volumes are pushed back before it ends.");
        }
        JobCommand::Start { id } => {
            app.start_notebook(&id).await?;
            println!("Starting notebook {id}: its volumes are pulled first.");
        }
        JobCommand::Sync { id, direction, volume, notebook } => {
            let direction = if direction == "pull" { DataSyncDirection::Pull } else { DataSyncDirection::Push };
            let sync = app.sync_job_data(kind(notebook), &id, direction, volume).await?;
            println!(
                "Data sync {} requested ({}); follow it with `stowage job get {id}`.",
                sync.id.as_deref().unwrap_or("-"),
                sync.status.state
            );
        }
        JobCommand::Logs { id, follow, tail } => {
            if follow {
                app.follow_job_logs(&id, tail, |line| println!("{line}")).await?;
            } else {
                print!("{}", app.job_logs(&id, tail).await?);
            }
        }
        JobCommand::Flavors => {
            for f in app.flavors().await? {
                let gpu = f.gpu_information.as_ref().map_or(String::new(), |g| {
                    let memory = g.gpu_memory.map(|m| format!(" {}", human_bytes(m))).unwrap_or_default();
                    format!("{}{memory}", g.gpu_model.as_deref().unwrap_or(""))
                });
                println!(
                    "{:<14} {:<4} up to {:<3} {}{}",
                    f.id,
                    f.kind,
                    f.max.unwrap_or(1),
                    if gpu.is_empty() { f.description.unwrap_or_default() } else { gpu },
                    if f.default { "  (default)" } else { "" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn login(api: Option<String>, token_stdin: bool, app: &Arc<App>) -> Result<(), String> {
    let api = api.unwrap_or_else(|| app.settings().training_api);
    // The address first: a token typed for a wrong one would be wasted.
    app.training_url(&api)?;
    let token = read_secret(token_stdin, "app token", "--token-stdin")?;
    let saved = app.save_training_settings(&api, Some(token)).await?;
    println!("Saved the app token for {} in the system keyring.", saved.url);
    Ok(())
}

/// The arguments as the window's launch form, so both make the same spec.
fn launch_form(args: &RunArgs, app: &App) -> Result<LaunchForm, String> {
    let mut volumes: Vec<Volume> = Vec::new();
    if let Some(name) = &args.volume_set {
        let sets = app.volume_sets()?;
        let set = sets
            .into_iter()
            .find(|s| &s.name == name)
            .ok_or_else(|| format!("There is no volume set named \"{name}\"."))?;
        volumes.extend(set.volumes);
    }
    volumes.extend(args.volumes.iter().cloned());
    if let Some(bad) = args.env.iter().find(|pair| !pair.contains('=')) {
        return Err(format!("--env {bad}: write NAME=VALUE."));
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Ok(LaunchForm {
        kind: kind(args.notebook),
        name: text(&args.name),
        image: text(&args.image),
        command: args.command.iter().map(|w| stowage_api::quote(w)).collect::<Vec<_>>().join(" "),
        editor: text(&args.editor),
        framework: text(&args.framework),
        framework_version: text(&args.framework_version),
        flavor: text(&args.flavor),
        gpu: args.gpu,
        cpu: args.cpu,
        env: args.env.join("\n"),
        volumes,
    })
}

fn title(job: &Job) -> String {
    let spec = &job.spec;
    let what = match (&spec.image, &spec.env) {
        (Some(image), _) => image.clone(),
        (None, Some(env)) => {
            format!("{} {}", env.framework_id.as_deref().unwrap_or("?"), env.editor_id.as_deref().unwrap_or("?"))
        }
        (None, None) => String::new(),
    };
    match &spec.name {
        Some(name) => format!("{name} ({what})"),
        None => what,
    }
}

fn describe(job: &Job) {
    let status = &job.status;
    println!("{}  {}  {}", job.id, status.state, title(job));
    if let Some(message) = status.info.as_ref().and_then(|i| i.message.as_deref()) {
        println!("  {message}");
    }
    let r = &job.spec.resources;
    if let Some(flavor) = &r.flavor {
        let units = match (r.gpu, r.cpu) {
            (Some(gpu), _) if gpu > 0 => {
                format!("{gpu} GPU{}", r.gpu_model.as_ref().map(|m| format!(" {m}")).unwrap_or_default())
            }
            (_, Some(cpu)) => format!("{cpu} CPU"),
            _ => String::new(),
        };
        println!("  flavor {flavor}: {units}");
    }
    if let Some(url) = &status.url {
        println!("  url {url}");
    }
    if let Some(seconds) = status.duration.filter(|d| *d > 0) {
        println!("  ran {}m {:02}s", seconds / 60, seconds % 60);
    }
    for (volume, vs) in job.spec.volumes.iter().zip(&status.volumes) {
        let source = match &volume.data_store {
            Some(ds) => format!("{}@{}/{}", ds.container, ds.alias, ds.prefix.as_deref().unwrap_or("")),
            None => {
                volume.public_git.as_ref().or(volume.public_swift.as_ref()).map(|u| u.url.clone()).unwrap_or_default()
            }
        };
        let permission = serde_json::to_value(volume.permission)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        println!(
            "  volume {} {} {} {}{}",
            vs.id.as_deref().unwrap_or("-"),
            volume.mount_path,
            permission,
            source,
            if volume.cache { " (cached)" } else { "" }
        );
    }
    for sync in &status.data_sync {
        let (direction, manual) = sync
            .spec
            .as_ref()
            .map_or(("?", false), |s| (if s.direction == DataSyncDirection::Push { "push" } else { "pull" }, s.manual));
        let why =
            sync.status.info.as_ref().and_then(|i| i.message.as_deref()).map(|m| format!(": {m}")).unwrap_or_default();
        println!("  data sync {direction}{} {}{why}", if manual { " (requested)" } else { "" }, sync.status.state);
        for p in &sync.status.progress {
            println!(
                "    {} {}/{} files, {}, {} failed{}",
                p.mount_path().or(p.info.as_deref()).unwrap_or("-"),
                p.processed,
                p.total,
                human_bytes(p.transferred_bytes),
                p.failed,
                p.reason.as_ref().and_then(|r| r.message.as_deref()).map(|m| format!(" ({m})")).unwrap_or_default()
            );
        }
    }
}
