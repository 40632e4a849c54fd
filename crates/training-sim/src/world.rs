//! The simulated platform: jobs and notebooks move through their documented
//! states on a clock, and data syncs appear in their status with progress.
//! With an S3 server configured, the data phases are real: INITIALIZING
//! pulls each dataStore volume into a folder with Stowage's sync engine,
//! FINALIZING pushes RW volumes back (RWD also deletes), and so do manual
//! data syncs — a local rehearsal of a job's data flow.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stowage_jobs::api::{ApiPermission, ApiVolume};
use stowage_jobs::training::model::{
    DataSync, DataSyncDirection, DataSyncSpec, DataSyncStatus, Job, JobSpec, JobStatus, State, StatusInfo,
    SyncProgress, VolumeStatus, Workload,
};
use stowage_store::ObjectStore;
use stowage_sync::{
    apply, prepare, EventSink, FileOutcome, Mode, PlanOptions, SyncRequest, SyncState, TransferEvent, Tuning,
};
use tokio_util::sync::CancellationToken;

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
    pub store: Arc<dyn ObjectStore>,
    pub workdir: PathBuf,
    pub state: SyncState,
}

pub struct World {
    runtime: tokio::runtime::Handle,
    clock: Clock,
    data: Option<Arc<Data>>,
    entries: BTreeMap<String, Entry>,
}

struct Entry {
    kind: Workload,
    job: Job,
    since: Instant,
    run_for: Duration,
    stop_requested: bool,
    /// The pull or push of the current data phase.
    phase_task: Option<Task>,
    /// Manual data syncs still running, by index in `job.status.data_sync`.
    syncs: Vec<(usize, Task)>,
}

/// A data transfer in the background and its live progress per volume.
struct Task {
    direction: DataSyncDirection,
    progress: Arc<Mutex<Vec<SyncProgress>>>,
    done: tokio::task::JoinHandle<Result<(), String>>,
}

/// What went wrong, as the API answers it.
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

fn refuse(status: u16, message: impl Into<String>) -> Refusal {
    Refusal { status, message: message.into() }
}

/// The current UTC time in RFC 3339, as the API writes timestamps.
fn now() -> String {
    rfc3339(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0))
}

fn rfc3339(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3_600, rest % 3_600 / 60, rest % 60)
}

impl World {
    pub fn new(runtime: tokio::runtime::Handle, clock: Clock, data: Option<Data>) -> Self {
        Self { runtime, clock, data: data.map(Arc::new), entries: BTreeMap::new() }
    }

    pub fn list(&self, kind: Workload) -> Vec<Job> {
        self.entries.values().filter(|e| e.kind == kind).map(|e| e.job.clone()).collect()
    }

    pub fn get(&self, kind: Workload, id: &str) -> Result<Job, Refusal> {
        self.entries
            .get(id)
            .filter(|e| e.kind == kind)
            .map(|e| e.job.clone())
            .ok_or_else(|| refuse(404, format!("{} {id} not found", kind.path())))
    }

    pub fn create(&mut self, kind: Workload, spec: JobSpec) -> Result<Job, Refusal> {
        if spec.image.trim().is_empty() {
            return Err(refuse(400, "spec.image is required"));
        }
        for v in &spec.volumes {
            if !v.mount_path.starts_with('/') {
                return Err(refuse(400, format!("mountPath {} must be absolute", v.mount_path)));
            }
        }
        let id = uuid::Uuid::new_v4().to_string();
        let run_for = match spec.command.as_slice() {
            [sleep, n, ..] if sleep == "sleep" => n.parse().map(Duration::from_secs_f64).unwrap_or(self.clock.run),
            _ => self.clock.run,
        };
        let volumes = spec
            .volumes
            .iter()
            .enumerate()
            .map(|(i, v)| VolumeStatus {
                id: Some(format!("vol-{i}")),
                mount_path: v.mount_path.clone(),
                ..Default::default()
            })
            .collect();
        let state = if kind == Workload::Job { State::Queued } else { State::Starting };
        let job = Job {
            id: id.clone(),
            created_at: Some(now()),
            updated_at: Some(now()),
            spec,
            status: JobStatus { state, volumes, queued_at: Some(now()), ..Default::default() },
        };
        let mut entry = Entry {
            kind,
            job: job.clone(),
            since: Instant::now(),
            run_for,
            stop_requested: false,
            phase_task: None,
            syncs: vec![],
        };
        if kind == Workload::Notebook {
            entry.phase_task = Some(self.transfer(&entry.job, DataSyncDirection::Pull, None));
        }
        self.entries.insert(id, entry);
        Ok(job)
    }

    pub fn stop(&mut self, kind: Workload, id: &str) -> Result<Job, Refusal> {
        let entry = self.entries.get_mut(id).filter(|e| e.kind == kind).ok_or_else(|| refuse(404, "not found"))?;
        if entry.job.status.state.is_final() {
            return Err(refuse(409, format!("the {} is already {}", kind.path(), name(&entry.job.status.state))));
        }
        entry.stop_requested = true;
        Ok(entry.job.clone())
    }

    pub fn data_sync(&mut self, kind: Workload, id: &str, spec: DataSyncSpec) -> Result<Job, Refusal> {
        let entry = self.entries.get(id).filter(|e| e.kind == kind).ok_or_else(|| refuse(404, "not found"))?;
        if !entry.job.status.state.can_sync() {
            return Err(refuse(
                409,
                format!("a data sync needs a RUNNING {}, this one is {:?}", kind.path(), entry.job.status.state),
            ));
        }
        if let Some(volume) = &spec.volume {
            let known = entry.job.status.volumes.iter().any(|v| v.id.as_deref() == Some(volume));
            if !known {
                return Err(refuse(400, format!("no volume {volume} in this {}", kind.path())));
            }
        }
        let task = self.transfer(&entry.job, spec.direction, spec.volume.clone());
        let entry = self.entries.get_mut(id).ok_or_else(|| refuse(404, "not found"))?;
        let sync = DataSync {
            id: Some(uuid::Uuid::new_v4().to_string()),
            spec: Some(spec),
            status: DataSyncStatus { state: "QUEUED".into(), queued_at: Some(now()), ..Default::default() },
        };
        entry.job.status.data_sync.push(sync);
        entry.syncs.push((entry.job.status.data_sync.len() - 1, task));
        Ok(entry.job.clone())
    }

    /// Moves every job on: called a few times a second.
    pub fn tick(&mut self) {
        let clock = self.clock.clone();
        let mut starts = Vec::new();
        for (id, e) in &mut self.entries {
            let elapsed = e.since.elapsed();
            let task_done = e.phase_task.as_ref().map(|t| t.done.is_finished());
            let next = match (&e.job.status.state, e.kind) {
                (State::Queued, _) if e.stop_requested => Some(State::Interrupted),
                (State::Queued, _) if elapsed >= clock.phase => {
                    starts.push((id.clone(), DataSyncDirection::Pull));
                    Some(State::Initializing)
                }
                (State::Initializing | State::Starting, _) if task_done == Some(true) && elapsed >= clock.phase => {
                    match finish_task(e) {
                        Err(message) => {
                            e.job.status.info =
                                Some(StatusInfo { code: Some("SYNC_FAILED".into()), message: Some(message) });
                            Some(State::SyncFailed)
                        }
                        Ok(()) if e.kind == Workload::Job => Some(State::Pending),
                        Ok(()) => Some(State::Running),
                    }
                }
                (State::Pending, _) if elapsed >= clock.phase / 2 => Some(State::Running),
                (State::Running, Workload::Job) if e.stop_requested => Some(State::Interrupting),
                (State::Running, Workload::Job) if elapsed >= e.run_for => {
                    starts.push((id.clone(), DataSyncDirection::Push));
                    Some(State::Finalizing)
                }
                (State::Running, Workload::Notebook) if e.stop_requested => {
                    starts.push((id.clone(), DataSyncDirection::Push));
                    Some(State::Stopping)
                }
                (State::Interrupting, _) if elapsed >= clock.phase / 2 => {
                    starts.push((id.clone(), DataSyncDirection::Push));
                    Some(State::Finalizing)
                }
                (State::Finalizing | State::Stopping, _) if task_done == Some(true) && elapsed >= clock.phase => {
                    let pushed = finish_task(e);
                    let end = match (e.kind, e.stop_requested) {
                        (Workload::Notebook, _) => State::Stopped,
                        (Workload::Job, true) => State::Interrupted,
                        (Workload::Job, false) => State::Done,
                    };
                    Some(match pushed {
                        Ok(()) => end,
                        Err(message) => {
                            e.job.status.info =
                                Some(StatusInfo { code: Some("SYNC_FAILED".into()), message: Some(message) });
                            State::SyncFailed
                        }
                    })
                }
                _ => None,
            };
            if let Some(state) = next {
                if state == State::Running {
                    e.job.status.started_at = Some(now());
                }
                if state.is_final() {
                    e.job.status.stopped_at = Some(now());
                }
                e.job.status.state = state;
                e.job.updated_at = Some(now());
                e.since = Instant::now();
            }
            refresh_syncs(e);
        }
        for (id, direction) in starts {
            let Some(job) = self.entries.get(&id).map(|e| e.job.clone()) else { continue };
            let task = self.transfer(&job, direction, None);
            if let Some(e) = self.entries.get_mut(&id) {
                e.phase_task = Some(task);
            }
        }
        for e in self.entries.values_mut() {
            show_phase_progress(e);
        }
    }

    /// Starts a pull or push of the job's volumes (one, or every volume the
    /// direction concerns: pull all dataStore volumes, push the RW/RWD ones).
    fn transfer(&self, job: &Job, direction: DataSyncDirection, only: Option<String>) -> Task {
        let volumes: Vec<(String, ApiVolume)> = job
            .spec
            .volumes
            .iter()
            .zip(&job.status.volumes)
            .filter(|(_, s)| only.is_none() || s.id == only)
            .filter(|(v, _)| v.data_store.is_some())
            .filter(|(v, _)| direction == DataSyncDirection::Pull || v.permission != ApiPermission::Ro)
            .map(|(v, s)| (s.id.clone().unwrap_or_default(), v.clone()))
            .collect();
        let progress = Arc::new(Mutex::new(
            volumes
                .iter()
                .map(|(id, _)| SyncProgress {
                    id: Some(id.clone()),
                    state: "QUEUED".into(),
                    direction: Some(direction),
                    ..Default::default()
                })
                .collect::<Vec<_>>(),
        ));
        let data = self.data.clone();
        let job_id = job.id.clone();
        let shared = progress.clone();
        let done = self.runtime.spawn(async move {
            for (index, (_, volume)) in volumes.iter().enumerate() {
                let result = match &data {
                    Some(data) => move_volume(data, &job_id, volume, direction, &shared, index).await,
                    None => pretend(&shared, index).await,
                };
                let mut all = shared.lock().unwrap_or_else(|e| e.into_inner());
                all[index].state = if result.is_ok() { "DONE".into() } else { "FAILED".into() };
                if let Err(message) = result {
                    all[index].info = Some(message.clone());
                    return Err(message);
                }
            }
            Ok(())
        });
        Task { direction, progress, done }
    }
}

/// A state as the API spells it.
fn name(state: &State) -> String {
    serde_json::to_value(state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn finish_task(e: &mut Entry) -> Result<(), String> {
    // The phase's data sync shows its final counts.
    show_phase_progress(e);
    let Some(task) = e.phase_task.take() else { return Ok(()) };
    let failed = task.progress.lock().unwrap_or_else(|e| e.into_inner()).iter().find_map(|p| p.info.clone());
    let stamp = now();
    for v in &mut e.job.status.volumes {
        match e.job.status.state {
            State::Initializing | State::Starting => v.last_pulled_created_at = Some(stamp.clone()),
            _ => v.last_pushed_created_at = Some(stamp.clone()),
        }
    }
    failed.map_or(Ok(()), Err)
}

/// The platform's data phases show up as data syncs too.
fn show_phase_progress(e: &mut Entry) {
    let Some(task) = &e.phase_task else { return };
    let progress = task.progress.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let automatic = e
        .job
        .status
        .data_sync
        .iter()
        .position(|d| d.spec.as_ref().is_some_and(|s| !s.manual) && d.status.state == "RUNNING");
    let direction = task.direction;
    let status = DataSyncStatus { state: "RUNNING".into(), started_at: Some(now()), progress, ..Default::default() };
    match automatic {
        Some(i) => e.job.status.data_sync[i].status.progress = status.progress,
        None => e.job.status.data_sync.push(DataSync {
            id: Some(uuid::Uuid::new_v4().to_string()),
            spec: Some(DataSyncSpec { direction, volume: None, manual: false }),
            status,
        }),
    }
}

fn refresh_syncs(e: &mut Entry) {
    // The automatic sync of a finished phase ends with it.
    if e.phase_task.is_none() {
        for d in &mut e.job.status.data_sync {
            if d.spec.as_ref().is_some_and(|s| !s.manual) && d.status.state == "RUNNING" {
                d.status.state =
                    if d.status.progress.iter().any(|p| p.state == "FAILED") { "FAILED" } else { "DONE" }.into();
                d.status.ended_at = Some(now());
            }
        }
    }
    let mut still = Vec::new();
    for (index, task) in e.syncs.drain(..) {
        let progress = task.progress.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let status = &mut e.job.status.data_sync[index].status;
        status.progress = progress;
        if task.done.is_finished() {
            let failed = status.progress.iter().any(|p| p.state == "FAILED");
            status.state = if failed { "FAILED" } else { "DONE" }.into();
            status.ended_at = Some(now());
        } else {
            if status.state == "QUEUED" {
                status.started_at = Some(now());
            }
            status.state = "RUNNING".into();
            still.push((index, task));
        }
    }
    e.syncs = still;
}

/// Progress on a clock when no S3 server is configured.
async fn pretend(progress: &Arc<Mutex<Vec<SyncProgress>>>, index: usize) -> Result<(), String> {
    for step in 1..=10u64 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let mut all = progress.lock().unwrap_or_else(|e| e.into_inner());
        let p = &mut all[index];
        p.state = "RUNNING".into();
        p.total = 10;
        p.processed = step;
        p.completed = step;
        p.transferred_bytes = step * 1024;
    }
    Ok(())
}

/// Counts files into the live progress of one volume.
struct Counter {
    progress: Arc<Mutex<Vec<SyncProgress>>>,
    index: usize,
}

impl EventSink for Counter {
    fn send(&self, event: TransferEvent) {
        let mut all = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        let p = &mut all[self.index];
        match event {
            TransferEvent::Started { files, .. } => {
                p.state = "RUNNING".into();
                p.total = files;
            }
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
            TransferEvent::Finished { .. } => {}
        }
    }
}

/// Pulls or pushes one dataStore volume between the S3 server and the
/// job's folder for it, with the sync engine.
async fn move_volume(
    data: &Data,
    job_id: &str,
    volume: &ApiVolume,
    direction: DataSyncDirection,
    progress: &Arc<Mutex<Vec<SyncProgress>>>,
    index: usize,
) -> Result<(), String> {
    let Some(store) = &volume.data_store else { return Ok(()) };
    let folder = data.workdir.join(job_id).join(volume.mount_path.trim_start_matches('/'));
    let (mode, sync_direction) = match (direction, volume.permission) {
        (DataSyncDirection::Pull, _) => (Mode::Pull, stowage_sync::Direction::Down),
        (DataSyncDirection::Push, ApiPermission::Rwd) => (Mode::Push, stowage_sync::Direction::Up),
        (DataSyncDirection::Push, _) => (Mode::Copy, stowage_sync::Direction::Up),
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
    };
    let tuning = Tuning::default();
    let prepared = prepare(data.store.as_ref(), &request, &data.state, &tuning).await?;
    let sink = Arc::new(Counter { progress: progress.clone(), index });
    let summary =
        apply(data.store.clone(), prepared, &request, &data.state, tuning, sink, CancellationToken::new(), None).await;
    match summary.failed.first() {
        None => Ok(()),
        Some((path, why)) => Err(format!("{} {path}: {why}", store.container)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(1_795_774_530), "2026-11-27T10:15:30Z");
    }
}
