//! The AI Training API's JSON for jobs and notebooks, as Stowage reads and
//! writes it. The shapes follow OVHcloud's SDK for the regional API
//! (`ovhai` 0.1a4 on PyPI, generated from the API's OpenAPI file): its
//! `models/job*.py`, `notebook*.py`, `data_sync*.py`, `info.py`.
//!
//! Reading is lenient where the API may surprise: unknown fields are
//! ignored, unknown states kept as text, timestamps kept as the API wrote
//! them (0 to 6 fractional digits), and lists the SDK declares nullable
//! read `null` as empty. Writing sends only what was set.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::api::ApiVolume;

/// Jobs and notebooks share most of the API's shape; the paths and a few
/// verbs differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Workload {
    Job,
    Notebook,
}

impl Workload {
    pub fn path(self) -> &'static str {
        match self {
            Workload::Job => "job",
            Workload::Notebook => "notebook",
        }
    }

    /// The API's verb that ends a run: `kill` for jobs, `stop` for notebooks.
    pub fn stop_verb(self) -> &'static str {
        match self {
            Workload::Job => "kill",
            Workload::Notebook => "stop",
        }
    }
}

/// `null` read as the empty value (the `specta(type)` beside each use tells
/// the bindings the field is still a plain list): the SDK declares `command`, `envVars`,
/// `volumes`, `labels` and `sshPublicKeys` as `List | None`.
fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A job or a notebook (SDK `Job`, `Notebook`): the two differ only in
/// what their spec and status hold, see [`JobSpec`] and [`JobStatus`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The account that launched it.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub spec: JobSpec,
    #[serde(default)]
    pub status: JobStatus,
    /// Set by this client when the API's JSON for this job could not be
    /// read: why, in a sentence. The job is listed by its id alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

impl Job {
    /// One job of a list as the API sent it. A job this client cannot read
    /// keeps its place, by its id, with the reason, so one odd job does not
    /// hide the others.
    pub fn from_listed(value: serde_json::Value) -> Job {
        let id = value.get("id").and_then(|v| v.as_str()).unwrap_or("(no id)").to_owned();
        serde_json::from_value(value).unwrap_or_else(|e| Job {
            id,
            created_at: None,
            updated_at: None,
            user: None,
            spec: JobSpec::default(),
            status: JobStatus::default(),
            unreadable: Some(format!("Stowage cannot read this entry of the API's list ({e}); the others are shown.")),
        })
    }
}

/// What to run: the body of `POST /v1/job` (SDK `JobSpec`, where `image`
/// is required) or `POST /v1/notebook` (SDK `NotebookSpec`: `env` instead
/// of `image`, `command` and the HTTP fields).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JobSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Jobs: the Docker image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Notebooks: the editor and framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<NotebookEnv>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub command: Vec<String>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "specta", specta(type = Vec<EnvVar>))]
    pub env_vars: Vec<EnvVar>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "specta", specta(type = BTreeMap<String, Option<String>>))]
    pub labels: BTreeMap<String, Option<String>>,
    #[serde(default, skip_serializing_if = "Resources::is_empty")]
    pub resources: Resources,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "specta", specta(type = Vec<ApiVolume>))]
    pub volumes: Vec<ApiVolume>,
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub ssh_public_keys: Vec<String>,
    /// Seconds before the platform stops the job (the API's default: 7 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_http_port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsecure_http: Option<bool>,
    /// Start again as it was when the timeout ends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_auto_restart: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

/// A notebook's editor and framework (SDK `NotebookEnv`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NotebookEnv {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework_version: Option<String>,
}

/// SDK `Resources`. A request sets `flavor` and a count of `gpu` or `cpu`,
/// as `ovhai job run --flavor F --gpu N` does; the platform answers with
/// the rest filled in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flavor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    /// Bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_model: Option<String>,
    /// Bytes per GPU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_memory: Option<u64>,
    /// Network bandwidth, bytes per second, as the platform fills it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_network: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network: Option<u64>,
}

impl Resources {
    fn is_empty(&self) -> bool {
        self == &Resources::default()
    }
}

/// SDK `JobStatus` and `NotebookStatus` in one: the fields of the other
/// kind stay empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JobStatus {
    #[serde(default)]
    pub state: State,
    /// Why it is in this state (`{code, message, arguments}`).
    #[serde(default)]
    pub info: Option<Info>,
    /// The job's or notebook's web address (the editor, for a notebook).
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub info_url: Option<String>,
    #[serde(default)]
    pub monitoring_url: Option<String>,
    #[serde(default)]
    pub ssh_url: Option<String>,
    /// Seconds it has run.
    #[serde(default)]
    pub duration: Option<u64>,
    #[serde(default)]
    pub exit_code: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[cfg_attr(feature = "specta", specta(type = Vec<StateChange>))]
    pub history: Vec<StateChange>,
    #[serde(default)]
    pub queued_at: Option<String>,
    #[serde(default)]
    pub initializing_at: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub stopped_at: Option<String>,
    #[serde(default)]
    pub finalized_at: Option<String>,
    #[serde(default)]
    pub timeout_at: Option<String>,
    /// Notebooks: the last start and stop.
    #[serde(default)]
    pub last_started_at: Option<String>,
    #[serde(default)]
    pub last_stopped_at: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[cfg_attr(feature = "specta", specta(type = Vec<VolumeStatus>))]
    pub volumes: Vec<VolumeStatus>,
    #[serde(default, deserialize_with = "nullable")]
    #[cfg_attr(feature = "specta", specta(type = Vec<DataSync>))]
    pub data_sync: Vec<DataSync>,
    /// Jobs: the address inside the platform and the one outside.
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub external_ip: Option<String>,
    #[serde(default)]
    pub grpc_address: Option<String>,
    /// When the state last changed.
    #[serde(default)]
    pub last_transition_date: Option<String>,
    /// Notebooks: the workspace's use, in bytes.
    #[serde(default)]
    pub workspace: Option<NotebookWorkspace>,
    /// Notebooks: how the run behind the notebook ended last time.
    #[serde(default)]
    pub last_job_status: Option<LastRun>,
}

/// SDK `NotebookWorkspace`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NotebookWorkspace {
    #[serde(default)]
    pub storage_used: Option<u64>,
    #[serde(default)]
    pub storage_free: Option<u64>,
}

/// A notebook's `lastJobStatus` (a whole SDK `JobStatus`): the part the
/// window shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LastRun {
    #[serde(default)]
    pub state: State,
    #[serde(default)]
    pub exit_code: Option<i64>,
    #[serde(default)]
    pub info: Option<Info>,
}

/// SDK `Info`: a code, a sentence, and the values the sentence names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Info {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[cfg_attr(feature = "specta", specta(type = BTreeMap<String, Option<String>>))]
    pub arguments: BTreeMap<String, Option<String>>,
}

/// One entry of `status.history` (SDK `JobStateHistory`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StateChange {
    #[serde(default)]
    pub state: State,
    #[serde(default)]
    pub date: Option<String>,
}

/// Job and notebook states. A state this client does not know is kept as
/// `Other` with its name; a status without one reads as [`State::unknown`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    Queued,
    Initializing,
    Pending,
    Running,
    Finalizing,
    Done,
    Interrupting,
    Interrupted,
    /// Still running, about to be interrupted (its timeout was reached).
    Timeout,
    Failed,
    Error,
    Restarting,
    SyncFailed,
    Starting,
    Stopping,
    Stopped,
    Deleting,
    #[serde(untagged)]
    Other(String),
}

impl Default for State {
    fn default() -> Self {
        State::unknown()
    }
}

impl State {
    /// What a status that names no state reads as (not QUEUED: nothing says it waits).
    pub fn unknown() -> State {
        State::Other("UNKNOWN".into())
    }

    /// No more phases will follow.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            State::Done | State::Interrupted | State::Failed | State::Error | State::SyncFailed | State::Stopped
        )
    }

    /// Running: an intermediate data sync can be asked for.
    pub fn can_sync(&self) -> bool {
        matches!(self, State::Running)
    }

    /// The state as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            State::Queued => "QUEUED",
            State::Initializing => "INITIALIZING",
            State::Pending => "PENDING",
            State::Running => "RUNNING",
            State::Finalizing => "FINALIZING",
            State::Done => "DONE",
            State::Interrupting => "INTERRUPTING",
            State::Interrupted => "INTERRUPTED",
            State::Timeout => "TIMEOUT",
            State::Failed => "FAILED",
            State::Error => "ERROR",
            State::Restarting => "RESTARTING",
            State::SyncFailed => "SYNC_FAILED",
            State::Starting => "STARTING",
            State::Stopping => "STOPPING",
            State::Stopped => "STOPPED",
            State::Deleting => "DELETING",
            State::Other(name) => name,
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// SDK `VolumeStatus`: a mounted volume's id (for a data sync of that
/// volume alone) and its last pull and push.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VolumeStatus {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub mount_path: String,
    #[serde(default)]
    pub user_volume_id: Option<String>,
    #[serde(default)]
    pub last_pulled_created_at: Option<String>,
    #[serde(default)]
    pub last_pushed_created_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum DataSyncDirection {
    Push,
    Pull,
}

/// SDK `DataSyncSpec`: the body of `POST /v1/{job,notebook}/{id}/datasync`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DataSyncSpec {
    pub direction: DataSyncDirection,
    /// One volume's id; all RW/RWD volumes (push) or all volumes (pull) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(default)]
    pub manual: bool,
    /// Filled in by the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
}

/// SDK `DataSync`: what `POST .../datasync` answers, and each entry of
/// `status.dataSync`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DataSync {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub spec: Option<DataSyncSpec>,
    #[serde(default)]
    pub status: DataSyncStatus,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DataSyncStatus {
    /// QUEUED, RUNNING, DONE, FAILED, ERROR, INTERRUPTED.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub queued_at: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub ended_at: Option<String>,
    /// Why it ended as it did.
    #[serde(default)]
    pub info: Option<Info>,
    #[serde(default, deserialize_with = "nullable")]
    #[cfg_attr(feature = "specta", specta(type = Vec<SyncProgress>))]
    pub progress: Vec<SyncProgress>,
}

/// SDK `DataSyncProgress`: one volume's share of a data sync.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    /// The progress record's own id.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub state: String,
    /// `push` or `pull`.
    #[serde(default)]
    pub direction: Option<String>,
    /// The volume as text, such as `container@GRA`.
    #[serde(default)]
    pub info: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub reason: Option<Info>,
    /// The volume it moves: the status entry (with its id and mount path)
    /// and the spec entry, for a job or a notebook.
    #[serde(default)]
    pub volume_status: Option<VolumeStatus>,
    #[serde(default)]
    pub job_volume: Option<ApiVolume>,
    #[serde(default)]
    pub notebook_volume: Option<ApiVolume>,
    #[serde(default)]
    pub total: u64,
    #[serde(default)]
    pub processed: u64,
    #[serde(default)]
    pub completed: u64,
    #[serde(default)]
    pub skipped: u64,
    #[serde(default)]
    pub deleted: u64,
    #[serde(default)]
    pub failed: u64,
    #[serde(default)]
    pub transferred_bytes: u64,
    /// Seconds left, when the platform estimates it.
    #[serde(default)]
    pub eta: Option<u64>,
}

impl SyncProgress {
    /// The mount path of the volume this progress is about, when the API says.
    pub fn mount_path(&self) -> Option<&str> {
        self.volume_status
            .as_ref()
            .map(|v| v.mount_path.as_str())
            .or(self.job_volume.as_ref().map(|v| v.mount_path.as_str()))
            .or(self.notebook_volume.as_ref().map(|v| v.mount_path.as_str()))
            .filter(|m| !m.is_empty())
    }
}

/// A page of `GET /v1/job` or `/v1/notebook` (SDK `JobList`, `NotebookList`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    #[serde(default, deserialize_with = "nullable")]
    pub items: Vec<T>,
    #[serde(default)]
    pub metadata: PageMetadata,
}

/// SDK `Metadata`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageMetadata {
    #[serde(default)]
    pub current_page: Option<u32>,
    #[serde(default)]
    pub page_count: Option<u32>,
    #[serde(default)]
    pub total: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_states_are_kept_and_states_spell_as_the_api() {
        let other: State = serde_json::from_str(r#""WARMING_UP""#).expect("unknown state");
        assert_eq!(other, State::Other("WARMING_UP".into()));
        assert_eq!(other.to_string(), "WARMING_UP");
        for state in [State::SyncFailed, State::Timeout, State::Interrupting] {
            assert_eq!(serde_json::to_string(&state).expect("ser"), format!("\"{state}\""));
        }
        assert!(!State::Timeout.is_final(), "TIMEOUT still runs");
    }

    #[test]
    fn a_request_sends_only_what_was_set() {
        let spec = JobSpec {
            image: Some("img".into()),
            resources: Resources { flavor: Some("l40s-1-gpu".into()), gpu: Some(2), ..Resources::default() },
            ..JobSpec::default()
        };
        let json = serde_json::to_value(&spec).expect("ser");
        assert_eq!(json, serde_json::json!({"image": "img", "resources": {"flavor": "l40s-1-gpu", "gpu": 2}}));
    }
}
