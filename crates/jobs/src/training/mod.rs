//! OVHcloud AI Training: the API's job and notebook JSON ([`model`]), what
//! the platform offers ([`capabilities`]), a client ([`client`]) and the
//! launch form ([`launch`]). The shapes follow OVHcloud's own SDK for the
//! regional API (`ovhai` on PyPI); the real API cannot be reached from the
//! test machines, so the client is tested against SDK-written fixtures and
//! against `crates/training-sim`, whose answers the SDK checks.

pub mod capabilities;
pub mod client;
pub mod launch;
mod log_resume;
pub mod model;

pub use capabilities::{Flavor, NotebookOption, Quota};
pub use client::{check_address, ApiError, ApiErrorKind, ListFilter, Retry, Token, TrainingClient, REGIONS};
pub use launch::{job_spec, LaunchForm};
pub use model::{DataSync, DataSyncDirection, Job, JobSpec, State, Workload};
