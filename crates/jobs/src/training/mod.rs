//! OVHcloud AI Training: the API's job and notebook JSON ([`model`]) and a
//! client for it ([`client`]). The real API cannot be reached from the test
//! machines; the client is tested against `crates/training-sim`, a local
//! server that follows the documented API.

pub mod client;
pub mod launch;
pub mod model;

pub use client::{check_address, ApiError, ApiErrorKind, Retry, Token, TrainingClient, REGIONS};
pub use launch::{job_spec, LaunchForm};
pub use model::{DataSync, DataSyncDirection, Job, JobSpec, State, Workload};
