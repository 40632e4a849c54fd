//! The simulator's own description of the API's JSON, transcribed from
//! OVHcloud's SDK for the regional API (`ovhai` 0.1a4, `ovhai/models/*.py`;
//! the SDK is generated from the API's OpenAPI file). It shares nothing with
//! Stowage's client (`stowage_jobs::training::model`): the two are written
//! apart, and the contract test (tests/contract/test_sim_contract.py) parses
//! every answer in the SDK's models and fails on a field the SDK does not
//! know, so the simulator cannot drift towards what the client expects.
//!
//! Requests are read strictly (`deny_unknown_fields`): a client that sends
//! a field the SDK does not declare is refused with 400.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A moment, written as the API writes timestamps: RFC 3339 in UTC with
/// 0 to 6 fractional digits (`2021-02-23T08:45:01.297780Z`, `...T08:45:13Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    micros: u64,
}

impl Stamp {
    pub fn now() -> Self {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Self { micros: u64::try_from(since.as_micros()).unwrap_or(u64::MAX) }
    }

    pub fn unix_seconds(self) -> u64 {
        self.micros / 1_000_000
    }

    pub fn seconds_since(self, earlier: Stamp) -> u64 {
        self.micros.saturating_sub(earlier.micros) / 1_000_000
    }

    #[cfg(test)]
    pub fn from_micros(micros: u64) -> Self {
        Self { micros }
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.micros / 1_000_000;
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
        write!(f, "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", rest / 3_600, rest % 3_600 / 60, rest % 60)?;
        // Trailing zeros dropped: whole seconds have none, as the API writes them.
        let fraction = format!("{:06}", self.micros % 1_000_000);
        let fraction = fraction.trim_end_matches('0');
        if !fraction.is_empty() {
            write!(f, ".{fraction}")?;
        }
        f.write_str("Z")
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// SDK `Env` (a variable).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Env {
    pub name: String,
    pub value: String,
}

/// SDK `Resources`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flavor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_brand: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_memory: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_network: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_network: Option<u64>,
}

/// SDK `DataStoreVolumeSource`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataStore {
    pub alias: String,
    pub container: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
}

/// SDK `PublicGitVolumeSource`, `PublicSwiftVolumeSource`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Url {
    pub url: String,
}

/// SDK `PrivateSwiftVolumeSource`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateSwift {
    pub container: String,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
}

/// SDK `Volume`: one source at the top level (the regional API does not
/// nest it under `volumeSource` as the Control Panel's does).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Volume {
    pub mount_path: String,
    /// RO, RW or RWD; R, as the SDK's docstring writes read-only, is taken too.
    pub permission: String,
    #[serde(default)]
    pub cache: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_store: Option<DataStore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_git: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_swift: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_swift: Option<PrivateSwift>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standalone: Option<BTreeMap<String, serde_json::Value>>,
}

/// SDK `JobSpec`: `image` is the one required field. Lists may be `null`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobSpec {
    pub image: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub command: Option<Vec<String>>,
    #[serde(default)]
    pub env_vars: Option<Vec<Env>>,
    #[serde(default)]
    pub labels: Option<BTreeMap<String, Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    #[serde(default)]
    pub volumes: Option<Vec<Volume>>,
    #[serde(default)]
    pub ssh_public_keys: Option<Vec<String>>,
    #[serde(default = "week")]
    pub timeout: u64,
    #[serde(default)]
    pub timeout_auto_restart: bool,
    #[serde(default = "http_port")]
    pub default_http_port: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc_port: Option<u16>,
    #[serde(default)]
    pub unsecure_http: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_requested: Option<bool>,
}

/// The SDK's defaults for `timeout` (7 days) and `defaultHttpPort`.
fn week() -> u64 {
    604_800
}

fn http_port() -> u16 {
    8080
}

/// SDK `NotebookEnv`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotebookEnv {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework_version: Option<String>,
}

/// SDK `NotebookSpec`: `env` instead of `image`; nothing is required.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotebookSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<NotebookEnv>,
    #[serde(default)]
    pub env_vars: Option<Vec<Env>>,
    #[serde(default)]
    pub labels: Option<BTreeMap<String, Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    #[serde(default)]
    pub volumes: Option<Vec<Volume>>,
    #[serde(default)]
    pub ssh_public_keys: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_auto_restart: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsecure_http: Option<bool>,
}

/// SDK `Info`.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    pub code: String,
    pub message: String,
    pub arguments: BTreeMap<String, String>,
}

impl Info {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into(), arguments: BTreeMap::new() }
    }
}

/// SDK `JobStateHistory`.
#[derive(Debug, Clone, Serialize)]
pub struct StateHistory {
    pub state: &'static str,
    pub date: Stamp,
}

/// SDK `VolumeStatus`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeStatus {
    pub id: String,
    pub mount_path: String,
    pub user_volume_id: String,
    pub last_pulled_created_at: Option<Stamp>,
    pub last_pushed_created_at: Option<Stamp>,
}

/// SDK `DataSyncSpec`, as received (`direction` is the one required field)
/// and as answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataSyncSpec {
    pub direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(default)]
    pub manual: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

/// SDK `DataSyncSpecDirection`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Pull,
    Push,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Pull => "pull",
            Direction::Push => "push",
        }
    }
}

/// SDK `DataSync`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSync {
    pub id: String,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub spec: DataSyncSpec,
    pub status: DataSyncStatus,
}

/// SDK `DataSyncStatus`: QUEUED, RUNNING, DONE, FAILED.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSyncStatus {
    pub state: &'static str,
    pub queued_at: Stamp,
    pub started_at: Option<Stamp>,
    pub ended_at: Option<Stamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    pub progress: Vec<DataSyncProgress>,
}

/// SDK `DataSyncProgress`: one volume's share.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSyncProgress {
    pub id: String,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub direction: &'static str,
    pub state: &'static str,
    /// `container@ALIAS`.
    pub info: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Info>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_volume: Option<Volume>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notebook_volume: Option<Volume>,
    pub volume_status: VolumeStatus,
    pub total: u64,
    pub processed: u64,
    pub completed: u64,
    pub skipped: u64,
    pub deleted: u64,
    pub failed: u64,
    pub transferred_bytes: u64,
}

/// SDK `JobStatus`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobStatus {
    pub state: &'static str,
    pub info: Info,
    pub history: Vec<StateHistory>,
    pub queued_at: Option<Stamp>,
    pub initializing_at: Option<Stamp>,
    pub started_at: Option<Stamp>,
    pub stopped_at: Option<Stamp>,
    pub finalized_at: Option<Stamp>,
    pub timeout_at: Option<Stamp>,
    pub last_transition_date: Option<Stamp>,
    /// The job's address while it runs.
    pub ip: Option<String>,
    pub exit_code: Option<i32>,
    pub duration: u64,
    pub url: String,
    pub info_url: String,
    pub monitoring_url: Option<String>,
    pub ssh_url: Option<String>,
    pub volumes: Vec<VolumeStatus>,
    pub data_sync: Vec<DataSync>,
}

/// SDK `NotebookStatus`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotebookStatus {
    pub state: &'static str,
    pub info: Info,
    pub last_started_at: Option<Stamp>,
    pub last_stopped_at: Option<Stamp>,
    pub workspace: Workspace,
    pub duration: u64,
    pub url: String,
    pub info_url: String,
    pub monitoring_url: Option<String>,
    pub ssh_url: Option<String>,
    pub volumes: Vec<VolumeStatus>,
    pub data_sync: Vec<DataSync>,
}

/// SDK `NotebookWorkspace`: bytes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    pub storage_used: u64,
    pub storage_free: u64,
}

/// SDK `Job` and `Notebook`: the same envelope around their own spec and status.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run<Spec, Status> {
    pub id: String,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub user: String,
    pub spec: Spec,
    pub status: Status,
}

/// SDK `JobList` and `NotebookList`.
#[derive(Debug, Clone, Serialize)]
pub struct List<T> {
    pub items: Vec<T>,
    pub metadata: Metadata,
}

/// SDK `Metadata` and `Links`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub current_page: u32,
    pub page_count: u32,
    pub total: u64,
    pub links: BTreeMap<&'static str, String>,
}

/// SDK `Flavor`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flavor {
    pub id: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
    pub default: bool,
    pub max: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_information: Option<GpuInformation>,
    pub resources_per_unit: ResourcesPerUnit,
}

/// SDK `GpuInformation`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GpuInformation {
    pub gpu_brand: &'static str,
    pub gpu_model: &'static str,
    pub gpu_memory: u64,
}

/// SDK `ResourcesPerUnit`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcesPerUnit {
    pub cpu: u32,
    pub memory: u64,
    pub ephemeral_storage: u64,
}

/// SDK `ProjectQuotas`: units per kind, and storage in bits.
#[derive(Debug, Clone, Serialize)]
pub struct Quota {
    pub resources: BTreeMap<&'static str, u32>,
    pub storage: u64,
}

/// SDK `JobImage`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobImage {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub doc_url: &'static str,
    pub logo_url: &'static str,
    pub versions: Vec<&'static str>,
}

/// SDK `LabelUpdate`: a value sets the label, none removes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelUpdate {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// SDK `NotebookEditor` and `NotebookFramework` (the same fields but one).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotebookOption {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub doc_url: &'static str,
    pub versions: Vec<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::Stamp;

    #[test]
    fn stamps_carry_zero_to_six_fractional_digits() {
        assert_eq!(Stamp::from_micros(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Stamp::from_micros(951_782_400_000_000).to_string(), "2000-02-29T00:00:00Z");
        assert_eq!(Stamp::from_micros(1_795_774_530_297_780).to_string(), "2026-11-27T10:15:30.29778Z");
        assert_eq!(Stamp::from_micros(1_795_774_530_000_001).to_string(), "2026-11-27T10:15:30.000001Z");
        assert_eq!(Stamp::from_micros(1_795_774_530_500_000).to_string(), "2026-11-27T10:15:30.5Z");
    }
}
