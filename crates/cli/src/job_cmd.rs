//! `stowage job login|list|get|run|stop|sync`: AI Training jobs from a
//! terminal, on the same client as the window. The app token comes from a
//! prompt or stdin and lives in the OS keyring.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use stowage_jobs::api::ApiVolume;
use stowage_jobs::training::model::{DataSyncDirection, EnvVar, Job, JobSpec, Resources, Workload};
use stowage_jobs::Volume;
use stowage_profiles::training;

use crate::profile_cmd::read_secret;
use crate::Context;

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
    /// A job's state, volumes and data syncs.
    Get {
        id: String,
        #[arg(long)]
        notebook: bool,
        /// The API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Launch a job: `stowage job run --image IMG [--gpu N] [--volume V]... [--volume-set NAME] -- CMD...`
    Run(RunArgs),
    /// Stop a job (its RW volumes are pushed back) or a notebook.
    Stop {
        id: String,
        #[arg(long)]
        notebook: bool,
    },
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
}

#[derive(Args)]
pub struct RunArgs {
    #[arg(long)]
    image: String,
    #[arg(long)]
    name: Option<String>,
    /// GPUs (default 1 unless --cpu is given).
    #[arg(long)]
    gpu: Option<u32>,
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

pub async fn run(command: JobCommand, context: &mut Context) -> Result<ExitCode, String> {
    if let JobCommand::Login { api, token_stdin } = command {
        return login(api, token_stdin, context).map(|()| ExitCode::SUCCESS);
    }
    if let JobCommand::Run(args) = &command {
        if args.dry_run {
            let spec = job_spec(args, context)?;
            println!("{}", serde_json::to_string_pretty(&spec).map_err(|e| e.to_string())?);
            return Ok(ExitCode::SUCCESS);
        }
    }
    let client = training::client(&context.settings, &context.keyring).map_err(|e| e.to_string())?;
    match command {
        JobCommand::Login { .. } => {}
        JobCommand::List { notebooks } => {
            let jobs = client.list(kind(notebooks)).await.map_err(|e| e.to_string())?;
            if jobs.is_empty() {
                println!("No {} yet.", if notebooks { "notebooks" } else { "jobs" });
            }
            for job in jobs {
                println!("{:<38} {:<14} {}", job.id, state(&job), job.spec.name.as_deref().unwrap_or(&job.spec.image));
            }
        }
        JobCommand::Get { id, notebook, json } => {
            let job = client.get(kind(notebook), &id).await.map_err(|e| e.to_string())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&job).map_err(|e| e.to_string())?);
            } else {
                describe(&job);
            }
        }
        JobCommand::Run(args) => {
            let job = client.create_job(&job_spec(&args, context)?).await.map_err(|e| e.to_string())?;
            println!("{} {}", job.id, state(&job));
        }
        JobCommand::Stop { id, notebook } => {
            let job = client.stop(kind(notebook), &id).await.map_err(|e| e.to_string())?;
            println!("Stopping {}: its read-write volumes are pushed back before it ends.", job.id);
        }
        JobCommand::Sync { id, direction, volume, notebook } => {
            let direction = if direction == "pull" { DataSyncDirection::Pull } else { DataSyncDirection::Push };
            let job = client.data_sync(kind(notebook), &id, direction, volume).await.map_err(|e| e.to_string())?;
            println!("Data sync requested for {}; follow it with `stowage job get {}`.", job.id, job.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn login(api: Option<String>, token_stdin: bool, context: &mut Context) -> Result<(), String> {
    if let Some(api) = api {
        context.settings.training_api = api.trim().to_owned();
    }
    let url = training::api_url(&context.settings);
    stowage_jobs::training::check_address(&url).map_err(|e| e.to_string())?;
    let token = read_secret(token_stdin, "app token", "--token-stdin")?;
    training::save_token(&context.keyring, &url, &token).map_err(|e| e.to_string())?;
    context.settings.save(&context.dirs).map_err(|e| e.to_string())?;
    println!("Saved the app token for {url} in the system keyring.");
    Ok(())
}

fn job_spec(args: &RunArgs, context: &Context) -> Result<JobSpec, String> {
    let mut volumes: Vec<Volume> = Vec::new();
    if let Some(name) = &args.volume_set {
        let sets = stowage_jobs::sets::load(&context.dirs.volume_sets_file())?;
        let set = sets
            .into_iter()
            .find(|s| &s.name == name)
            .ok_or_else(|| format!("There is no volume set named \"{name}\"."))?;
        volumes.extend(set.volumes);
    }
    volumes.extend(args.volumes.iter().cloned());
    let env_vars = args
        .env
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !name.is_empty() => Ok(EnvVar { name: name.into(), value: value.into() }),
            _ => Err(format!("--env {pair}: write NAME=VALUE.")),
        })
        .collect::<Result<_, _>>()?;
    let gpu = args.gpu.unwrap_or(if args.cpu.is_some() { 0 } else { 1 });
    Ok(JobSpec {
        name: args.name.clone(),
        image: args.image.clone(),
        command: args.command.clone(),
        env_vars,
        resources: Resources { gpu, cpu: args.cpu.unwrap_or(0), flavor: None },
        volumes: volumes.iter().map(ApiVolume::from).collect(),
    })
}

fn state(job: &Job) -> String {
    serde_json::to_value(&job.status.state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn describe(job: &Job) {
    println!("{}  {}  {}", job.id, state(job), job.spec.image);
    if let Some(message) = job.status.info.as_ref().and_then(|i| i.message.as_deref()) {
        println!("  {message}");
    }
    for (volume, status) in job.spec.volumes.iter().zip(&job.status.volumes) {
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
            status.id.as_deref().unwrap_or("-"),
            volume.mount_path,
            permission,
            source,
            if volume.cache { " (cached)" } else { "" }
        );
    }
    for sync in &job.status.data_sync {
        let (direction, manual) = sync
            .spec
            .as_ref()
            .map_or(("?", false), |s| (if s.direction == DataSyncDirection::Push { "push" } else { "pull" }, s.manual));
        println!("  data sync {direction}{} {}", if manual { " (requested)" } else { "" }, sync.status.state);
        for p in &sync.status.progress {
            println!(
                "    {} {}/{} files, {} bytes, {} failed",
                p.id.as_deref().unwrap_or("-"),
                p.processed,
                p.total,
                p.transferred_bytes,
                p.failed
            );
        }
    }
}
