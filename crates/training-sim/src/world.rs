//! The simulated platform: jobs and notebooks move through their documented
//! states on a clock, data syncs appear in their status with progress, and
//! every phase writes log lines. With an S3 server configured the data
//! phases are real: INITIALIZING (STARTING) pulls each dataStore volume into
//! a folder with Stowage's sync engine, FINALIZING (STOPPING) pushes the
//! RW/RWD ones back (RWD also deletes), and so do manual data syncs — a
//! local rehearsal of a job's data flow.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stowage_store::Storage;
use stowage_sync::{
    apply, prepare, EventSink, FileOutcome, Mode, PlanOptions, SyncRequest, SyncState, TransferEvent, Tuning,
};
use tokio_util::sync::CancellationToken;

use crate::catalog;
use crate::wire::{
    DataSync, DataSyncProgress, DataSyncSpec, DataSyncStatus, Direction, Info, JobSpec, JobStatus, LabelUpdate, List,
    Metadata, NotebookSpec, NotebookStatus, Resources, Run, Stamp, StateHistory, Volume, VolumeStatus, Workspace,
};

/// How long the clock-driven phases last.
#[derive(Debug, Clone)]
pub struct Clock {
    /// QUEUED, PENDING, INTERRUPTING, and the least a data phase takes.
    pub phase: Duration,
    /// RUNNING, for a job whose command is not `sleep N`.
    pub run: Duration,
}

/// Where real data phases read and write.
pub struct Data {
    /// Data phases list through its retried store and move through a transfer over its shared one.
    pub storage: Storage,
    pub workdir: PathBuf,
    pub state: SyncState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Job,
    Notebook,
}

impl Kind {
    pub fn parse(segment: &str) -> Option<Self> {
        match segment {
            "job" => Some(Kind::Job),
            "notebook" => Some(Kind::Notebook),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Job => "job",
            Kind::Notebook => "notebook",
        }
    }
}

/// The states the simulator moves through, as the API spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Queued,
    Initializing,
    Pending,
    Running,
    Timeout,
    Interrupting,
    Finalizing,
    Done,
    Interrupted,
    Failed,
    SyncFailed,
    Starting,
    Stopping,
    Stopped,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Queued => "QUEUED",
            Phase::Initializing => "INITIALIZING",
            Phase::Pending => "PENDING",
            Phase::Running => "RUNNING",
            Phase::Timeout => "TIMEOUT",
            Phase::Interrupting => "INTERRUPTING",
            Phase::Finalizing => "FINALIZING",
            Phase::Done => "DONE",
            Phase::Interrupted => "INTERRUPTED",
            Phase::Failed => "FAILED",
            Phase::SyncFailed => "SYNC_FAILED",
            Phase::Starting => "STARTING",
            Phase::Stopping => "STOPPING",
            Phase::Stopped => "STOPPED",
        }
    }

    fn is_final(self) -> bool {
        matches!(self, Phase::Done | Phase::Interrupted | Phase::Failed | Phase::SyncFailed | Phase::Stopped)
    }
}

/// A job's or notebook's spec, as it was sent.
#[derive(Debug, Clone)]
pub enum Spec {
    Job(JobSpec),
    Notebook(NotebookSpec),
}

impl Spec {
    fn volumes(&self) -> &[Volume] {
        match self {
            Spec::Job(s) => s.volumes.as_deref(),
            Spec::Notebook(s) => s.volumes.as_deref(),
        }
        .unwrap_or_default()
    }

    fn kind(&self) -> Kind {
        match self {
            Spec::Job(_) => Kind::Job,
            Spec::Notebook(_) => Kind::Notebook,
        }
    }

    fn labels(&self) -> &BTreeMap<String, Option<String>> {
        static NONE: BTreeMap<String, Option<String>> = BTreeMap::new();
        match self {
            Spec::Job(s) => s.labels.as_ref(),
            Spec::Notebook(s) => s.labels.as_ref(),
        }
        .unwrap_or(&NONE)
    }

    fn labels_mut(&mut self) -> &mut BTreeMap<String, Option<String>> {
        match self {
            Spec::Job(s) => s.labels.get_or_insert_default(),
            Spec::Notebook(s) => s.labels.get_or_insert_default(),
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            Spec::Job(s) => s.name.as_deref(),
            Spec::Notebook(s) => s.name.as_deref(),
        }
    }
}

/// What went wrong, as the API answers it.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

fn refuse(status: u16, message: impl Into<String>) -> Refusal {
    Refusal { status, message: message.into() }
}

pub struct World {
    runtime: tokio::runtime::Handle,
    clock: Clock,
    data: Option<Arc<Data>>,
    entries: BTreeMap<String, Entry>,
}

struct Entry {
    id: String,
    spec: Spec,
    created: Stamp,
    updated: Stamp,
    phase: Phase,
    history: Vec<StateHistory>,
    info: Info,
    queued_at: Option<Stamp>,
    initializing_at: Option<Stamp>,
    started_at: Option<Stamp>,
    stopped_at: Option<Stamp>,
    finalized_at: Option<Stamp>,
    timeout_at: Option<Stamp>,
    exit_code: Option<i32>,
    volumes: Vec<VolumeStatus>,
    syncs: Vec<Sync>,
    /// The automatic sync of the current data phase, by index in `syncs`.
    phase_sync: Option<usize>,
    logs: Vec<String>,
    since: Instant,
    last_output: Instant,
    run_for: Duration,
    /// What the job's command ends with (`exit N`).
    exit_with: i32,
    stop_requested: bool,
    timed_out: bool,
}

/// A data sync and, while it runs, its transfer.
struct Sync {
    wire: DataSync,
    task: Option<Task>,
}

struct Task {
    progress: Arc<Mutex<Vec<DataSyncProgress>>>,
    done: tokio::task::JoinHandle<()>,
}

/// A listing's query: `page` counts from 1.
pub struct ListQuery {
    pub page: u32,
    pub size: u32,
    pub states: Vec<String>,
    pub newest_first: bool,
    /// `name=value`: only runs with that label.
    pub label: Option<(String, String)>,
    /// Unix seconds: only runs updated after.
    pub updated_after: Option<u64>,
    /// `createdAt` (the default), `updatedAt`, `status.state` or `name`.
    pub sort: Option<String>,
}

impl World {
    pub fn new(runtime: tokio::runtime::Handle, clock: Clock, data: Option<Data>) -> Self {
        Self { runtime, clock, data: data.map(Arc::new), entries: BTreeMap::new() }
    }

    pub fn list(&self, kind: Kind, query: &ListQuery) -> serde_json::Value {
        let mut runs: Vec<&Entry> = self
            .entries
            .values()
            .filter(|e| e.spec.kind() == kind)
            .filter(|e| query.states.is_empty() || query.states.iter().any(|s| s == e.phase.as_str()))
            .filter(|e| {
                query.label.as_ref().is_none_or(|(name, value)| {
                    e.spec.labels().get(name).is_some_and(|v| v.as_deref().unwrap_or("") == value)
                })
            })
            .filter(|e| query.updated_after.is_none_or(|after| e.updated.unix_seconds() > after))
            .collect();
        match query.sort.as_deref() {
            Some("updatedAt") => runs.sort_by_key(|e| e.updated),
            Some("status.state") => runs.sort_by_key(|e| (e.phase.as_str(), e.created)),
            Some("name") => runs.sort_by(|a, b| a.spec.name().cmp(&b.spec.name()).then(a.created.cmp(&b.created))),
            _ => runs.sort_by_key(|e| e.created),
        }
        if query.newest_first {
            runs.reverse();
        }
        let total = runs.len() as u64;
        let size = query.size.max(1);
        let page_count = u32::try_from(runs.len().div_ceil(size as usize)).unwrap_or(u32::MAX);
        let items: Vec<serde_json::Value> = runs
            .iter()
            .skip((query.page.max(1) as usize - 1) * size as usize)
            .take(size as usize)
            .map(|e| e.render())
            .collect();
        let mut links = BTreeMap::new();
        if query.page < page_count {
            links.insert("next", format!("/v1/{}?page={}&size={size}", kind.name(), query.page + 1));
        }
        let metadata = Metadata { current_page: query.page, page_count, total, links };
        serde_json::to_value(List { items, metadata }).unwrap_or_default()
    }

    pub fn get(&self, kind: Kind, id: &str) -> Result<serde_json::Value, Refusal> {
        self.entry(kind, id).map(Entry::render)
    }

    fn entry(&self, kind: Kind, id: &str) -> Result<&Entry, Refusal> {
        self.entries
            .get(id)
            .filter(|e| e.spec.kind() == kind)
            .ok_or_else(|| refuse(404, format!("{} {id} not found", kind.name())))
    }

    fn entry_mut(&mut self, kind: Kind, id: &str) -> Result<&mut Entry, Refusal> {
        self.entries
            .get_mut(id)
            .filter(|e| e.spec.kind() == kind)
            .ok_or_else(|| refuse(404, format!("{} {id} not found", kind.name())))
    }

    pub fn create(&mut self, spec: Spec) -> Result<serde_json::Value, Refusal> {
        let bad = |m: String| refuse(400, m);
        let spec = match spec {
            Spec::Job(mut s) => {
                if s.image.trim().is_empty() {
                    return Err(bad("spec.image is required".into()));
                }
                s.resources = Some(catalog::resolve(s.resources.as_ref()).map_err(bad)?);
                Spec::Job(s)
            }
            Spec::Notebook(mut s) => {
                s.env = Some(catalog::resolve_env(s.env.as_ref()).map_err(bad)?);
                s.resources = Some(catalog::resolve(s.resources.as_ref()).map_err(bad)?);
                Spec::Notebook(s)
            }
        };
        for v in spec.volumes() {
            if !v.mount_path.starts_with('/') {
                return Err(bad(format!("mountPath {} must be absolute", v.mount_path)));
            }
            if !["RO", "R", "RW", "RWD"].contains(&v.permission.as_str()) {
                return Err(bad(format!("permission {} is not RO, RW or RWD", v.permission)));
            }
            let sources = [
                v.data_store.is_some(),
                v.public_git.is_some(),
                v.public_swift.is_some(),
                v.private_swift.is_some(),
                v.standalone.is_some(),
            ];
            if sources.iter().filter(|s| **s).count() != 1 {
                return Err(bad(format!("the volume at {} needs exactly one source", v.mount_path)));
            }
        }
        let (run_for, exit_with) = match &spec {
            Spec::Job(s) => command_effect(s.command.as_deref().unwrap_or_default(), self.clock.run),
            Spec::Notebook(_) => (Duration::MAX, 0),
        };
        let id = uuid::Uuid::new_v4().to_string();
        let now = Stamp::now();
        let volumes = spec
            .volumes()
            .iter()
            .enumerate()
            .map(|(i, v)| VolumeStatus {
                id: format!("{id}-vol-{i}"),
                mount_path: v.mount_path.clone(),
                user_volume_id: format!("user-volume-{i}"),
                last_pulled_created_at: None,
                last_pushed_created_at: None,
            })
            .collect();
        let mut entry = Entry {
            id: id.clone(),
            spec,
            created: now,
            updated: now,
            phase: Phase::Queued,
            history: Vec::new(),
            info: Info::new("", ""),
            queued_at: Some(now),
            initializing_at: None,
            started_at: None,
            stopped_at: None,
            finalized_at: None,
            timeout_at: None,
            exit_code: None,
            volumes,
            syncs: Vec::new(),
            phase_sync: None,
            logs: Vec::new(),
            since: Instant::now(),
            last_output: Instant::now(),
            run_for,
            exit_with,
            stop_requested: false,
            timed_out: false,
        };
        match entry.spec.kind() {
            Kind::Job => {
                let resources = match &entry.spec {
                    Spec::Job(s) => describe(s.resources.as_ref()),
                    Spec::Notebook(_) => String::new(),
                };
                entry.enter(Phase::Queued);
                entry.log(format!("Job queued on {resources}"));
            }
            Kind::Notebook => self.start_notebook(&mut entry),
        }
        let answer = entry.render();
        self.entries.insert(id, entry);
        Ok(answer)
    }

    /// `kill` a job or `stop` a notebook: its RW volumes are pushed first.
    pub fn stop(&mut self, kind: Kind, id: &str) -> Result<(), Refusal> {
        let entry = self.entry_mut(kind, id)?;
        let stoppable = match kind {
            Kind::Job => !entry.phase.is_final(),
            Kind::Notebook => matches!(entry.phase, Phase::Starting | Phase::Running),
        };
        if !stoppable || entry.stop_requested {
            return Err(refuse(400, format!("the {} is {}: it cannot be stopped", kind.name(), entry.phase.as_str())));
        }
        entry.stop_requested = true;
        entry.log(format!("Stop requested by the user while {}", entry.phase.as_str()));
        Ok(())
    }

    /// Starts a stopped notebook again, or a DONE or INTERRUPTED job (SDK
    /// `job_start`): from QUEUED, its volumes pulled again.
    pub fn start(&mut self, kind: Kind, id: &str) -> Result<(), Refusal> {
        if kind == Kind::Job {
            let entry = self.entry_mut(kind, id)?;
            if !matches!(entry.phase, Phase::Done | Phase::Interrupted) {
                return Err(refuse(
                    400,
                    format!("the job is {}: only a DONE or INTERRUPTED job starts again", entry.phase.as_str()),
                ));
            }
            entry.restart();
            return Ok(());
        }
        self.entry(kind, id)?;
        let mut entry = self.entries.remove(id).ok_or_else(|| refuse(404, format!("notebook {id} not found")))?;
        let result = if matches!(entry.phase, Phase::Stopped | Phase::SyncFailed | Phase::Failed) {
            self.start_notebook(&mut entry);
            Ok(())
        } else {
            Err(refuse(400, format!("the notebook is {}: only a stopped notebook starts", entry.phase.as_str())))
        };
        self.entries.insert(id.to_owned(), entry);
        result
    }

    /// Deletes a run (SDK `job_delete`); one that still runs only with `force`.
    pub fn delete(&mut self, kind: Kind, id: &str, force: bool) -> Result<(), Refusal> {
        let entry = self.entry(kind, id)?;
        if !entry.phase.is_final() && !force {
            return Err(refuse(
                400,
                format!("the {} is {}: stop it first, or delete with force", kind.name(), entry.phase.as_str()),
            ));
        }
        self.entries.remove(id);
        Ok(())
    }

    /// Sets or removes a label (SDK `job_edit_label`); `ovh/` labels are the platform's.
    pub fn set_label(&mut self, kind: Kind, id: &str, update: LabelUpdate) -> Result<(), Refusal> {
        if update.name.trim().is_empty() || update.name.starts_with("ovh/") {
            return Err(refuse(400, format!("label {:?} cannot be set", update.name)));
        }
        let entry = self.entry_mut(kind, id)?;
        match update.value {
            Some(value) => entry.spec.labels_mut().insert(update.name, Some(value)),
            None => entry.spec.labels_mut().remove(&update.name),
        };
        entry.updated = Stamp::now();
        Ok(())
    }

    fn start_notebook(&self, entry: &mut Entry) {
        entry.stop_requested = false;
        entry.enter(Phase::Starting);
        entry.log("Notebook starting: pulling its volumes".into());
        entry.phase_sync = Some(self.transfer(entry, Direction::Pull, None, false));
    }

    pub fn data_sync(&mut self, kind: Kind, id: &str, spec: DataSyncSpec) -> Result<serde_json::Value, Refusal> {
        let entry = self.entry(kind, id)?;
        if entry.phase != Phase::Running {
            return Err(refuse(
                400,
                format!("a data sync needs a RUNNING {}, this one is {}", kind.name(), entry.phase.as_str()),
            ));
        }
        if let Some(volume) = &spec.volume {
            if !entry.volumes.iter().any(|v| &v.id == volume) {
                return Err(refuse(400, format!("no volume {volume} in this {}", kind.name())));
            }
        }
        let mut entry = self.entries.remove(id).ok_or_else(|| refuse(404, "gone"))?;
        let index = self.transfer(&mut entry, spec.direction, spec.volume.clone(), true);
        entry.log(format!("Manual {} requested", spec.direction.as_str()));
        let answer = serde_json::to_value(&entry.syncs[index].wire).unwrap_or_default();
        self.entries.insert(id.to_owned(), entry);
        Ok(answer)
    }

    /// The job's log lines, all or the last `tail`, from line `from` on.
    pub fn logs(&self, id: &str, from: usize) -> Result<(Vec<String>, bool), Refusal> {
        let entry = self.entry(Kind::Job, id)?;
        Ok((entry.logs.get(from..).unwrap_or_default().to_vec(), entry.phase.is_final()))
    }

    /// Moves every job and notebook on: called a few times a second.
    pub fn tick(&mut self) {
        let ids: Vec<String> = self.entries.keys().cloned().collect();
        for id in ids {
            let Some(mut entry) = self.entries.remove(&id) else { continue };
            entry.refresh_syncs();
            self.step(&mut entry);
            self.entries.insert(id, entry);
        }
    }

    fn step(&self, e: &mut Entry) {
        let elapsed = e.since.elapsed();
        let phase = self.clock.phase;
        let phase_done = e.phase_sync.map(|i| e.syncs[i].task.is_none()).unwrap_or(true);
        let job = e.spec.kind() == Kind::Job;
        match e.phase {
            Phase::Queued if e.stop_requested => e.end(Phase::Interrupted),
            Phase::Queued if elapsed >= phase => {
                e.initializing_at = Some(Stamp::now());
                e.enter(Phase::Initializing);
                e.log("Initializing: pulling the volumes from Object Storage".into());
                e.phase_sync = Some(self.transfer(e, Direction::Pull, None, false));
            }
            Phase::Initializing | Phase::Starting if phase_done && elapsed >= phase => match e.phase_failure() {
                Some(reason) => {
                    e.end(Phase::SyncFailed);
                    e.info = Info::new("SYNC_FAILED", reason);
                }
                None if job => e.enter(Phase::Pending),
                None => {
                    e.started_at = Some(Stamp::now());
                    e.enter(Phase::Running);
                    e.log("Notebook running".into());
                }
            },
            Phase::Pending if elapsed >= phase / 2 => {
                e.started_at = Some(Stamp::now());
                e.enter(Phase::Running);
                let command = match &e.spec {
                    Spec::Job(s) => s.command.as_deref().unwrap_or_default().join(" "),
                    Spec::Notebook(_) => String::new(),
                };
                e.log(format!("Running: {}", if command.is_empty() { "the image's entrypoint" } else { &command }));
            }
            Phase::Running if e.stop_requested => {
                if job {
                    e.enter(Phase::Interrupting);
                } else {
                    self.finalize(e, Phase::Stopping);
                }
            }
            Phase::Running if job && e.timeout().is_some_and(|t| elapsed >= t) => {
                e.timed_out = true;
                e.timeout_at = Some(Stamp::now());
                e.enter(Phase::Timeout);
                e.info = Info::new("JOB_TIMEOUT", "The job reached its timeout and is about to be interrupted");
            }
            Phase::Running if job && elapsed >= e.run_for => {
                e.log(format!("The command exited with code {}", e.exit_with));
                e.exit_code = Some(e.exit_with);
                self.finalize(e, Phase::Finalizing);
            }
            Phase::Running if job && e.last_output.elapsed() >= Duration::from_secs(1) => {
                e.last_output = Instant::now();
                e.log(format!("step {}: training...", elapsed.as_secs()));
            }
            Phase::Interrupting | Phase::Timeout if elapsed >= phase / 2 => self.finalize(e, Phase::Finalizing),
            Phase::Finalizing | Phase::Stopping if phase_done && elapsed >= phase => {
                if let Some(reason) = e.phase_failure() {
                    e.end(Phase::SyncFailed);
                    e.info = Info::new("SYNC_FAILED", reason);
                } else if !job {
                    e.end(Phase::Stopped);
                } else if e.timed_out {
                    e.end(Phase::Interrupted);
                    e.info = Info::new("JOB_TIMEOUT", "The job was interrupted: it reached its timeout");
                } else if e.stop_requested {
                    e.end(Phase::Interrupted);
                } else if e.exit_with != 0 {
                    e.end(Phase::Failed);
                    e.info = Info::new("JOB_FAILED", format!("The command exited with code {}", e.exit_with));
                } else {
                    e.end(Phase::Done);
                }
            }
            _ => {}
        }
    }

    /// Leaves RUNNING for the push phase.
    fn finalize(&self, e: &mut Entry, phase: Phase) {
        e.stopped_at = Some(Stamp::now());
        e.enter(phase);
        e.log("Finalizing: pushing the read-write volumes to Object Storage".into());
        e.phase_sync = Some(self.transfer(e, Direction::Push, None, false));
    }

    /// Starts a pull or push of the entry's volumes (one, or every volume the
    /// direction concerns: pull all dataStore volumes, push the RW/RWD ones)
    /// and records it as a data sync; its index in `syncs`.
    fn transfer(&self, e: &mut Entry, direction: Direction, only: Option<String>, manual: bool) -> usize {
        let now = Stamp::now();
        let kind = e.spec.kind();
        let volumes: Vec<(Volume, VolumeStatus)> = e
            .spec
            .volumes()
            .iter()
            .zip(&e.volumes)
            .filter(|(_, s)| only.as_ref().is_none_or(|id| &s.id == id))
            .filter(|(v, _)| v.data_store.is_some())
            .filter(|(v, _)| direction == Direction::Pull || v.permission != "RO")
            .map(|(v, s)| (v.clone(), s.clone()))
            .collect();
        let progress: Vec<DataSyncProgress> = volumes
            .iter()
            .map(|(volume, status)| {
                let store =
                    volume.data_store.as_ref().map(|d| format!("{}@{}", d.container, d.alias)).unwrap_or_default();
                DataSyncProgress {
                    id: uuid::Uuid::new_v4().to_string(),
                    created_at: now,
                    updated_at: now,
                    direction: direction.as_str(),
                    state: "QUEUED",
                    info: store,
                    reason: None,
                    job_volume: (kind == Kind::Job).then(|| volume.clone()),
                    notebook_volume: (kind == Kind::Notebook).then(|| volume.clone()),
                    volume_status: status.clone(),
                    total: 0,
                    processed: 0,
                    completed: 0,
                    skipped: 0,
                    deleted: 0,
                    failed: 0,
                    transferred_bytes: 0,
                }
            })
            .collect();
        let shared = Arc::new(Mutex::new(progress.clone()));
        let data = self.data.clone();
        let folder = e.id.clone();
        let live = shared.clone();
        let done = self.runtime.spawn(async move {
            for (index, (volume, _)) in volumes.iter().enumerate() {
                live.lock().unwrap_or_else(|e| e.into_inner())[index].state = "RUNNING";
                let result = match &data {
                    Some(data) => move_volume(data, &folder, volume, direction, &live, index).await,
                    None => pretend(&live, index).await,
                };
                let mut all = live.lock().unwrap_or_else(|e| e.into_inner());
                let p = &mut all[index];
                p.updated_at = Stamp::now();
                match result {
                    Ok(()) if p.failed == 0 => p.state = "DONE",
                    Ok(()) => {
                        p.state = "FAILED";
                        p.reason = Some(Info::new("DATASYNC_FILES_FAILED", format!("{} files failed", p.failed)));
                    }
                    Err(message) => {
                        p.state = "FAILED";
                        p.reason = Some(Info::new("DATASYNC_FAILED", message));
                    }
                }
            }
        });
        let spec = DataSyncSpec {
            direction,
            volume: only,
            manual,
            job_id: (kind == Kind::Job).then(|| e.id.clone()),
            app_id: None,
        };
        let status =
            DataSyncStatus { state: "QUEUED", queued_at: now, started_at: None, ended_at: None, info: None, progress };
        let wire = DataSync { id: uuid::Uuid::new_v4().to_string(), created_at: now, updated_at: now, spec, status };
        e.syncs.push(Sync { wire, task: Some(Task { progress: shared, done }) });
        e.syncs.len() - 1
    }
}

impl Entry {
    fn enter(&mut self, phase: Phase) {
        let now = Stamp::now();
        self.phase = phase;
        self.history.push(StateHistory { state: phase.as_str(), date: now });
        self.updated = now;
        self.since = Instant::now();
        // Each state says what it is; a caller with more to say sets `info` after.
        let kind = self.spec.kind().name();
        self.info = Info::new(
            &format!("{}_{}", kind.to_uppercase(), phase.as_str()),
            format!("The {kind} is {}", phase.as_str()),
        );
    }

    /// A finished job runs again under the same id: a new run's clocks.
    fn restart(&mut self) {
        let now = Stamp::now();
        (self.queued_at, self.initializing_at, self.started_at) = (Some(now), None, None);
        (self.stopped_at, self.finalized_at, self.timeout_at, self.exit_code) = (None, None, None, None);
        (self.stop_requested, self.timed_out, self.phase_sync) = (false, false, None);
        self.enter(Phase::Queued);
        self.log("Job restarted by the user".into());
    }

    fn end(&mut self, phase: Phase) {
        let now = Stamp::now();
        self.finalized_at = Some(now);
        self.stopped_at.get_or_insert(now);
        self.enter(phase);
        self.log(format!("{} {}", if self.spec.kind() == Kind::Job { "Job" } else { "Notebook" }, phase.as_str()));
    }

    fn log(&mut self, line: String) {
        self.logs.push(format!("{} {line}", Stamp::now()));
    }

    fn timeout(&self) -> Option<Duration> {
        match &self.spec {
            Spec::Job(s) => Some(Duration::from_secs(s.timeout)),
            Spec::Notebook(_) => None,
        }
    }

    /// Why the current data phase failed, if it did.
    fn phase_failure(&self) -> Option<String> {
        let sync = &self.syncs[self.phase_sync?].wire;
        sync.status.progress.iter().find(|p| p.state == "FAILED").map(|p| {
            let why = p.reason.as_ref().map(|r| r.message.as_str()).unwrap_or("failed");
            format!("{} of {}: {why}", sync.spec.direction.as_str(), p.info)
        })
    }

    /// Copies the live progress of running syncs into their status; a
    /// finished one gets its end state, its volumes their last pull or push,
    /// and the log a summary per volume.
    fn refresh_syncs(&mut self) {
        let now = Stamp::now();
        let mut summaries = Vec::new();
        for sync in &mut self.syncs {
            let Some(task) = &sync.task else { continue };
            let finished = task.done.is_finished();
            let status = &mut sync.wire.status;
            status.progress = task.progress.lock().unwrap_or_else(|e| e.into_inner()).clone();
            sync.wire.updated_at = now;
            if status.state == "QUEUED" {
                status.state = "RUNNING";
                status.started_at = Some(now);
            }
            if !finished {
                continue;
            }
            sync.task = None;
            let failed = status.progress.iter().filter(|p| p.state == "FAILED").count();
            status.state = if failed > 0 { "FAILED" } else { "DONE" };
            status.ended_at = Some(now);
            status.info = Some(if failed > 0 {
                let mut info =
                    Info::new("DATASYNC_FAILED", format!("Data synchronization failed for {failed} volume(s)"));
                info.arguments.insert("volumes".into(), failed.to_string());
                info
            } else {
                Info::new("DATASYNC_DONE", "Data synchronization done")
            });
            let direction = sync.wire.spec.direction;
            for p in &status.progress {
                summaries.push((direction, p.clone()));
            }
        }
        for (direction, p) in summaries {
            if p.state == "DONE" {
                if let Some(v) = self.volumes.iter_mut().find(|v| v.id == p.volume_status.id) {
                    match direction {
                        Direction::Pull => v.last_pulled_created_at = Some(now),
                        Direction::Push => v.last_pushed_created_at = Some(now),
                    }
                }
            }
            let verb = if direction == Direction::Pull { "Pulled" } else { "Pushed" };
            self.log(format!(
                "{verb} {} ({}): {} files, {} bytes, {} skipped, {} deleted, {} failed{}",
                p.volume_status.mount_path,
                p.info,
                p.completed,
                p.transferred_bytes,
                p.skipped,
                p.deleted,
                p.failed,
                p.reason.as_ref().map(|r| format!(" ({})", r.message)).unwrap_or_default()
            ));
        }
    }

    fn render(&self) -> serde_json::Value {
        // Seconds in RUNNING: up to the stop, or now while it runs (again).
        let duration = self
            .started_at
            .map(|start| self.stopped_at.filter(|stop| *stop >= start).unwrap_or_else(Stamp::now).seconds_since(start))
            .unwrap_or(0);
        let kind = self.spec.kind().name();
        let url = format!("https://{}.{kind}.gra.ai.sim.local", self.id);
        let info_url = format!("https://ui.gra.ai.sim.local/{kind}/{}", self.id);
        let volumes = self.volumes.clone();
        let data_sync: Vec<DataSync> = self.syncs.iter().map(|s| s.wire.clone()).collect();
        let value = match &self.spec {
            Spec::Job(spec) => serde_json::to_value(Run {
                id: self.id.clone(),
                created_at: self.created,
                updated_at: self.updated,
                user: "user-sim".into(),
                spec: spec.clone(),
                status: JobStatus {
                    state: self.phase.as_str(),
                    info: self.info.clone(),
                    history: self.history.clone(),
                    queued_at: self.queued_at,
                    initializing_at: self.initializing_at,
                    started_at: self.started_at,
                    stopped_at: self.stopped_at,
                    finalized_at: self.finalized_at,
                    timeout_at: self.timeout_at,
                    last_transition_date: self.history.last().map(|h| h.date),
                    ip: (self.phase == Phase::Running).then(|| "10.42.0.7".to_owned()),
                    exit_code: self.exit_code,
                    duration,
                    url,
                    info_url,
                    monitoring_url: None,
                    ssh_url: None,
                    volumes,
                    data_sync,
                },
            }),
            Spec::Notebook(spec) => serde_json::to_value(Run {
                id: self.id.clone(),
                created_at: self.created,
                updated_at: self.updated,
                user: "user-sim".into(),
                spec: spec.clone(),
                status: NotebookStatus {
                    state: self.phase.as_str(),
                    info: self.info.clone(),
                    last_started_at: self.started_at,
                    last_stopped_at: self.stopped_at,
                    workspace: Workspace { storage_used: 3 << 20, storage_free: (10 << 30) - (3 << 20) },
                    duration,
                    url,
                    info_url,
                    monitoring_url: None,
                    ssh_url: None,
                    volumes,
                    data_sync,
                },
            }),
        };
        value.unwrap_or_default()
    }
}

/// `sleep N` runs N seconds; `exit N` ends with code N after the usual run.
fn command_effect(command: &[String], default: Duration) -> (Duration, i32) {
    match command {
        [sleep, n, ..] if sleep == "sleep" => (n.parse().map(Duration::from_secs_f64).unwrap_or(default), 0),
        [exit, n, ..] if exit == "exit" => (default, n.parse().unwrap_or(1)),
        _ => (default, 0),
    }
}

fn describe(resources: Option<&Resources>) -> String {
    let Some(r) = resources else { return "the default flavor".into() };
    let flavor = r.flavor.as_deref().unwrap_or("?");
    match r.gpu {
        Some(n) if n > 0 => format!("{flavor} with {n} GPU"),
        _ => format!("{flavor} with {} CPU", r.cpu.unwrap_or(0)),
    }
}

/// Progress on a clock when no S3 server is configured.
async fn pretend(progress: &Arc<Mutex<Vec<DataSyncProgress>>>, index: usize) -> Result<(), String> {
    for step in 1..=10u64 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let mut all = progress.lock().unwrap_or_else(|e| e.into_inner());
        let p = &mut all[index];
        p.total = 10;
        p.processed = step;
        p.completed = step;
        p.transferred_bytes = step * 1024;
        p.updated_at = Stamp::now();
    }
    Ok(())
}

/// Counts files into the live progress of one volume.
struct Counter {
    progress: Arc<Mutex<Vec<DataSyncProgress>>>,
    index: usize,
}

impl EventSink for Counter {
    fn send(&self, event: TransferEvent) {
        let mut all = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        let p = &mut all[self.index];
        p.updated_at = Stamp::now();
        match event {
            TransferEvent::Started { files, .. } => p.total = files,
            TransferEvent::Progress { bytes } => p.transferred_bytes += bytes,
            TransferEvent::FileDone { outcome, .. } => {
                p.processed += 1;
                match outcome {
                    FileOutcome::Failed { .. } => p.failed += 1,
                    FileOutcome::Deleted => p.deleted += 1,
                    FileOutcome::Identical | FileOutcome::SkippedExisting => p.skipped += 1,
                    _ => p.completed += 1,
                }
            }
            TransferEvent::Retried | TransferEvent::Finished { .. } => {}
        }
    }
}

/// Pulls or pushes one dataStore volume between the S3 server and the
/// job's folder for it, with the sync engine.
async fn move_volume(
    data: &Data,
    run_id: &str,
    volume: &Volume,
    direction: Direction,
    progress: &Arc<Mutex<Vec<DataSyncProgress>>>,
    index: usize,
) -> Result<(), String> {
    let Some(store) = &volume.data_store else { return Ok(()) };
    let folder = data.workdir.join(run_id).join(volume.mount_path.trim_start_matches('/'));
    let (mode, sync_direction) = match (direction, volume.permission.as_str()) {
        (Direction::Pull, _) => (Mode::Pull, stowage_sync::Direction::Down),
        (Direction::Push, "RWD") => (Mode::Push, stowage_sync::Direction::Up),
        (Direction::Push, _) => (Mode::Copy, stowage_sync::Direction::Up),
    };
    let mut options = PlanOptions::new(mode, sync_direction);
    options.delete_cap = None;
    std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let request = SyncRequest {
        folder,
        store_name: format!("alias:{}", store.alias),
        container: store.container.clone(),
        prefix: store.prefix.clone().unwrap_or_default(),
        options,
        includes: vec![],
        excludes: vec![],
        backup_prefix: None,
        follow_links: false,
    };
    let tuning = Tuning::default();
    let prepared =
        prepare(data.storage.store().as_ref(), &request, &data.state, &tuning).await.map_err(|e| e.to_string())?;
    let sink = Arc::new(Counter { progress: progress.clone(), index });
    let summary =
        apply(data.storage.shared(), prepared, &request, &data.state, tuning, sink, CancellationToken::new(), None)
            .await;
    match summary.failed.first() {
        None => Ok(()),
        Some((path, why)) => Err(format!("{} {path}: {why}", store.container)),
    }
}
