//! The AI Training API's JSON for jobs and notebooks, as far as Stowage
//! reads and writes it. Unknown fields are ignored and unknown states kept
//! as text, so a newer API does not break the client.

use serde::{Deserialize, Serialize};

use crate::api::ApiVolume;

/// Jobs and notebooks share the API's shape; the paths and a few verbs differ.
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    pub spec: JobSpec,
    #[serde(default)]
    pub status: JobStatus,
}

/// What to run: the body of `POST /v1/job`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JobSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub image: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_vars: Vec<EnvVar>,
    #[serde(default)]
    pub resources: Resources,
    #[serde(default)]
    pub volumes: Vec<ApiVolume>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// GPUs; with none, `cpu` CPUs.
    #[serde(default)]
    pub gpu: u32,
    #[serde(default)]
    pub cpu: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flavor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JobStatus {
    #[serde(default)]
    pub state: State,
    #[serde(default)]
    pub info: Option<StatusInfo>,
    #[serde(default)]
    pub volumes: Vec<VolumeStatus>,
    #[serde(default)]
    pub data_sync: Vec<DataSync>,
    #[serde(default)]
    pub queued_at: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub stopped_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StatusInfo {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// Job and notebook states. A state this client does not know is kept as
/// `Other` with its name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    #[default]
    Queued,
    Initializing,
    Pending,
    Running,
    Finalizing,
    Done,
    Interrupting,
    Interrupted,
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

impl State {
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
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VolumeStatus {
    #[serde(default)]
    pub id: Option<String>,
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

/// The body of `POST /v1/job/{id}/datasync`.
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
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DataSync {
    #[serde(default)]
    pub id: Option<String>,
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
    #[serde(default)]
    pub info: Option<String>,
    #[serde(default)]
    pub progress: Vec<SyncProgress>,
}

/// One volume's share of a data sync.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    #[serde(default)]
    pub id: Option<String>,
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
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub direction: Option<DataSyncDirection>,
    #[serde(default)]
    pub info: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_status_with_data_sync_progress_and_unknown_states() {
        let json = r#"{
          "id": "a1b2", "spec": {"image": "pytorch/pytorch", "resources": {"gpu": 1},
            "volumes": [{"dataStore": {"alias": "GRA", "container": "data"}, "mountPath": "/workspace/data", "permission": "RO"}]},
          "status": {"state": "RUNNING", "somethingNew": 1,
            "volumes": [{"id": "v1", "mountPath": "/workspace/data", "lastPulledCreatedAt": "2026-11-27T09:00:00Z"}],
            "dataSync": [{"status": {"state": "RUNNING", "progress": [{"total": 10, "processed": 4, "transferredBytes": 4096, "state": "RUNNING", "direction": "push"}]}}]}
        }"#;
        let job: Job = serde_json::from_str(json).expect("parse");
        assert_eq!(job.status.state, State::Running);
        assert!(job.status.state.can_sync());
        assert_eq!(job.status.data_sync[0].status.progress[0].processed, 4);
        assert_eq!(job.spec.volumes.len(), 1);
        let other: State = serde_json::from_str(r#""WARMING_UP""#).expect("unknown state");
        assert_eq!(other, State::Other("WARMING_UP".into()));
        assert_eq!(serde_json::to_string(&State::SyncFailed).expect("ser"), r#""SYNC_FAILED""#);
    }
}
