//! The engine's types and helpers the application layer speaks, named here
//! so the window and the CLI depend on stowage-api alone: what they show
//! (a plan, a transfer's snapshot, a job) and what they pass in (a sync
//! target, a profile, a launch form).

// Profiles, settings, keys and the app's folders.
pub use stowage_profiles::check::{Field, Problem};
pub use stowage_profiles::edit::{ImportReport, KeyStatus};
pub use stowage_profiles::profile::{ovh_endpoint, OVH_REGIONS};
pub use stowage_profiles::{
    logging, AppDirs, Backend, Keyring, Keys, Notify, Profile, Provider, S3Backend, Secret, Settings,
};

// Storage: what a listing, a probe, a share link and versions answer.
pub use stowage_store::s3::{ChecksumAlgorithm, ChecksumMode};
pub use stowage_store::{plain, ContainerInfo, ObjectInfo, ProbeReport, ShareLink, VersionInfo, Versioning};

// Transfers, syncs and watched folders.
pub use stowage_sync::pairs::SavedSync;
pub use stowage_sync::watch::{DeletePolicy, WatchState, WatchStatus, WatchedFolder};
pub use stowage_sync::{
    raise_open_file_limit, Answer, Compare, Conflict, Direction, EventSink, Existing, FileOutcome, FileRow, Mode, Op,
    OpKind, Snapshot, Summary, SyncPlan, SyncTarget, Throttle, Tracker, TransferEvent, Tuning,
};

// AI Training: volumes, the launch form, jobs.
pub use stowage_jobs::check::{has_errors, Severity};
pub use stowage_jobs::command::{quote, read_paste, Pasted};
pub use stowage_jobs::sets::VolumeSet;
pub use stowage_jobs::survey::human_bytes;
pub use stowage_jobs::training::launch::duration_seconds;
pub use stowage_jobs::training::model::{DataSync, DataSyncDirection, Job, Workload};
pub use stowage_jobs::training::{LaunchForm, ListFilter, Quota, State};
pub use stowage_jobs::{api as volume_json, ParseError, Volume};
