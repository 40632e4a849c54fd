//! `stowage job login|list|get|run|stop|start|restart|delete|label|sync|
//! logs|flavors|quota`: AI Training jobs and notebooks from a terminal, on
//! the same client and the same launch form as the window, with `ovhai`'s
//! habits (`-o json|yaml`, `list --watch`, `-l`/`-s`/`-v`/`-e`). The app
//! token comes from a prompt or stdin and lives in the OS keyring.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use stowage_api::{duration_seconds, LaunchForm, ListFilter, Volume};
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
        /// Only runs in this state (RUNNING, DONE...; repeatable).
        #[arg(long = "status")]
        states: Vec<String>,
        /// Only runs with this label (`name=value`).
        #[arg(long, short = 'l')]
        label: Option<String>,
        /// Oldest first (the API lists the newest first).
        #[arg(long)]
        oldest_first: bool,
        /// Sort by this field as the API names it (`status.state`, `createdAt`).
        #[arg(long)]
        sort: Option<String>,
        /// List again every few seconds, until interrupted.
        #[arg(long, short = 'w')]
        watch: bool,
        #[arg(long, short = 'o', value_enum)]
        output: Option<Output>,
    },
    /// A job's state, resources, volumes and data syncs.
    Get {
        id: String,
        #[arg(long)]
        notebook: bool,
        /// The API's JSON (as `-o json`).
        #[arg(long)]
        json: bool,
        #[arg(long, short = 'o', value_enum, conflicts_with = "json")]
        output: Option<Output>,
    },
    /// Launch a job (`--image IMG ... -- CMD`) or a notebook (`--notebook --framework F --editor E`).
    Run(Box<RunArgs>),
    /// Stop a job (its RW volumes are pushed back) or a notebook.
    Stop {
        id: String,
        #[arg(long)]
        notebook: bool,
    },
    /// Start a stopped notebook again.
    Start { id: String },
    /// Run a DONE or INTERRUPTED job again, as it was (its volumes are pulled again).
    Restart {
        id: String,
        #[arg(long)]
        notebook: bool,
    },
    /// Delete a job or notebook for good; what it pushed stays in its containers.
    Delete {
        id: String,
        #[arg(long)]
        notebook: bool,
        /// Delete one that still runs.
        #[arg(long)]
        force: bool,
        /// Do not ask first.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Set labels (`name=value`) or remove them (`--remove name`).
    Label {
        id: String,
        labels: Vec<String>,
        #[arg(long)]
        remove: Vec<String>,
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
    /// How many GPUs and CPUs the project's runs may hold together.
    Quota,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Output {
    Json,
    Yaml,
}

fn print_as(output: Output, value: &impl Serialize) -> Result<(), String> {
    let text = match output {
        Output::Json => serde_json::to_string_pretty(value).map_err(|e| e.to_string())?,
        Output::Yaml => serde_norway::to_string(value).map_err(|e| e.to_string())?,
    };
    println!("{}", text.trim_end());
    Ok(())
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
    /// A label, name=value (repeatable).
    #[arg(long = "label", short = 'l')]
    labels: Vec<String>,
    /// A public key allowed to ssh into the run (repeatable).
    #[arg(long = "ssh-public-keys", short = 's')]
    ssh_public_keys: Vec<String>,
    /// Jobs: stop after this long (3600, 30m, 12h, 7d; the platform's default is 7 days).
    #[arg(long, conflicts_with = "notebook")]
    timeout: Option<String>,
    /// Jobs: the port the job's URL reaches (the platform's default: 8080).
    #[arg(long, conflicts_with = "notebook")]
    default_http_port: Option<u16>,
    /// The HTTP port is reachable without a token.
    #[arg(long)]
    unsecure_http: bool,
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
        JobCommand::List { notebooks, states, label, oldest_first, sort, watch, output } => {
            let filtered = !states.is_empty() || label.is_some();
            let filter = ListFilter { states, label_selector: label, oldest_first, sort, updated_after: None };
            loop {
                let jobs = app.list_jobs(kind(notebooks), &filter).await?;
                if watch && std::io::stdout().is_terminal() {
                    print!("\x1b[2J\x1b[H");
                }
                match output {
                    Some(output) => print_as(output, &jobs)?,
                    None => print_list(&jobs, notebooks, filtered),
                }
                if !watch {
                    break;
                }
                std::io::stdout().flush().map_err(|e| e.to_string())?;
                tokio::time::sleep(WATCH_EVERY).await;
            }
        }
        JobCommand::Get { id, notebook, json, output } => {
            let job = app.job(kind(notebook), &id).await?;
            match output.or(json.then_some(Output::Json)) {
                Some(output) => print_as(output, &job)?,
                None => describe(&job),
            }
        }
        JobCommand::Run(args) => {
            let form = launch_form(&args, app)?;
            if let Some(warning) = app.quota_warning(&form).await? {
                eprintln!("{warning}");
            }
            let job = app.launch_job(&form).await?;
            println!("{} {}", job.id, job.status.state);
        }
        JobCommand::Stop { id, notebook } => {
            app.stop_job(kind(notebook), &id).await?;
            println!("Stopping {id}: its read-write volumes are pushed back before it ends.");
        }
        JobCommand::Start { id } => {
            app.start_job(Workload::Notebook, &id).await?;
            println!("Starting notebook {id}: its volumes are pulled first.");
        }
        JobCommand::Restart { id, notebook } => {
            app.start_job(kind(notebook), &id).await?;
            println!("Starting {id} again: its volumes are pulled first.");
        }
        JobCommand::Delete { id, notebook, force, yes } => {
            let job = app.job(kind(notebook), &id).await?;
            if !yes
                && !confirm(&format!("Delete {} {id} for good? {} [y/N] ", kind(notebook).path(), what_stays(&job)))?
            {
                println!("Nothing deleted.");
                return Ok(ExitCode::FAILURE);
            }
            app.delete_job(kind(notebook), &id, force).await?;
            println!("Deleted {id}. {}", what_stays(&job));
        }
        JobCommand::Label { id, labels, remove, notebook } => {
            let mut changes: Vec<(String, Option<String>)> = Vec::new();
            for pair in &labels {
                let (name, value) =
                    pair.split_once('=').ok_or_else(|| format!("{pair}: write name=value (or --remove name)."))?;
                changes.push((name.to_owned(), Some(value.to_owned())));
            }
            changes.extend(remove.into_iter().map(|name| (name, None)));
            if changes.is_empty() {
                return Err("Give a label to set (name=value) or one to remove (--remove name).".into());
            }
            for (name, value) in &changes {
                app.label_job(kind(notebook), &id, name, value.as_deref()).await?;
            }
            let job = app.job(kind(notebook), &id).await?;
            println!("{id}: {}", label_text(&job));
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
        JobCommand::Quota => {
            let quota = app.quota().await?;
            for (kind, limit) in &quota.resources {
                println!("{kind:<4} {}", limit.map_or("no limit".to_owned(), |n| n.to_string()));
            }
            if let Some(bits) = quota.storage {
                println!("storage {}", human_bytes(bits / 8));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How often `job list --watch` lists again.
const WATCH_EVERY: Duration = Duration::from_secs(5);

fn print_list(jobs: &[Job], notebooks: bool, filtered: bool) {
    if jobs.is_empty() {
        let what = if notebooks { "notebooks" } else { "jobs" };
        println!("{}", if filtered { format!("No {what} match.") } else { format!("No {what} yet.") });
    }
    for job in jobs {
        match &job.unreadable {
            Some(why) => println!("{:<38} {:<14} {why}", job.id, "?"),
            None => println!("{:<38} {:<14} {}{}", job.id, job.status.state, title(job), labels_suffix(job)),
        }
    }
}

fn label_text(job: &Job) -> String {
    if job.spec.labels.is_empty() {
        return "no labels".into();
    }
    job.spec.labels.iter().map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or(""))).collect::<Vec<_>>().join(" ")
}

fn labels_suffix(job: &Job) -> String {
    let own: Vec<String> = job
        .spec
        .labels
        .iter()
        .filter(|(k, _)| !k.starts_with("ovh/"))
        .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("")))
        .collect();
    if own.is_empty() {
        String::new()
    } else {
        format!("  [{}]", own.join(" "))
    }
}

/// What a delete leaves: the containers its volumes pushed to.
fn what_stays(job: &Job) -> String {
    let containers: Vec<String> = job
        .spec
        .volumes
        .iter()
        .filter_map(|v| v.data_store.as_ref().map(|d| format!("{}@{}", d.container, d.alias)))
        .collect();
    if containers.is_empty() {
        "It has no container volumes; its logs and history go with it.".into()
    } else {
        format!("Its containers keep what it pushed ({}); its logs and history go with it.", containers.join(", "))
    }
}

/// Asks on the terminal; without one, the answer is no (give --yes).
fn confirm(question: &str) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(format!("{question}\nNo terminal to ask on: give --yes to delete."));
    }
    print!("{question}");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| e.to_string())?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
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
    let timeout = args.timeout.as_deref().map(duration_seconds).transpose().map_err(|e| format!("--timeout: {e}"))?;
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
        labels: args.labels.join("\n"),
        ssh_public_keys: args.ssh_public_keys.join("\n"),
        timeout,
        default_http_port: args.default_http_port,
        unsecure_http: args.unsecure_http,
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
    if let Some(why) = &job.unreadable {
        println!("  {why}");
    }
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
    for (what, value) in
        [("ip", &status.ip), ("external ip", &status.external_ip), ("since", &status.last_transition_date)]
    {
        if let Some(value) = value {
            println!("  {what} {value}");
        }
    }
    if !job.spec.labels.is_empty() {
        println!("  labels {}", label_text(job));
    }
    if let Some(workspace) = &status.workspace {
        let bytes = |b: Option<u64>| b.map_or("?".to_owned(), human_bytes);
        println!("  workspace {} used, {} free", bytes(workspace.storage_used), bytes(workspace.storage_free));
    }
    if let Some(last) = &status.last_job_status {
        println!("  last run {}{}", last.state, last.exit_code.map(|c| format!(" (exit {c})")).unwrap_or_default());
    }
    if let Some(seconds) = status.duration.filter(|d| *d > 0) {
        println!("  ran {}m {:02}s", seconds / 60, seconds % 60);
    }
    for (volume, vs) in job.spec.volumes.iter().zip(&status.volumes) {
        let source = match (&volume.data_store, &volume.private_swift) {
            (Some(ds), _) => format!("{}@{}/{}", ds.container, ds.alias, ds.prefix.as_deref().unwrap_or("")),
            (None, Some(swift)) => format!(
                "{}@{}/{} (private Swift)",
                swift.container,
                swift.region,
                swift.prefix.as_deref().unwrap_or("")
            ),
            (None, None) if volume.standalone.is_some() => "standalone".to_owned(),
            (None, None) => {
                volume.public_git.as_ref().or(volume.public_swift.as_ref()).map(|u| u.url.clone()).unwrap_or_default()
            }
        };
        let permission = serde_json::to_value(&volume.permission)
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
