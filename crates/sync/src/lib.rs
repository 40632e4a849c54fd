//! stowage-sync: the transfer engine and what is built on it, one module per
//! job: the engine's core ([`engine`]: tuning, the transfer's layered store,
//! key rules), [`upload`], [`download`], the pure planner ([`plan`]),
//! folder sync ([`folder_sync`]: scan, list, plan, apply), watched folders
//! ([`watch`]); beside them the ETag rules ([`etag`]), progress
//! ([`events`]), the upload journal and the last-sync state.

mod buffers;
mod clash;
pub mod conflict;
mod db;
pub mod download;
pub mod engine;
mod error;
mod etag;
pub mod events;
mod file_part;
pub mod filter;
pub mod folder_sync;
pub mod journal;
mod kept;
mod march;
mod meter;
mod open_files;
pub mod ops;
pub mod pairs;
pub mod plan;
pub mod recover;
mod renames;
pub mod scan;
pub mod selection;
mod spill;
pub mod state;
pub mod target;
mod time_ns;
pub mod upload;
pub mod watch;

pub use conflict::{Answer, AskConflict, Conflict};
pub use db::DbError;
pub use download::{download, DownloadRequest};
pub use engine::{Existing, Tuning};
pub use error::SyncError;
pub use events::{EventSink, FileOutcome, FileRow, NoEvents, Snapshot, Summary, Throttle, Tracker, TransferEvent};
pub use filter::Filters;
pub use folder_sync::{apply, prepare, Prepared, SyncRequest};
pub use journal::Journal;
pub use open_files::raise_open_file_limit;
pub use ops::Ops;
pub use plan::{plan, Compare, DeleteCap, Direction, Mode, Op, OpKind, PlanOptions, Reason, SyncPlan};
pub use recover::{recover, Recovery};
pub use state::SyncState;
pub use stowage_store::layers::{PauseGate, RetryPolicy};
pub use target::SyncTarget;
pub use upload::{upload, Resume, UploadRequest};
