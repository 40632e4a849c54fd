//! stowage-sync: finding local files (scan), moving them (execute,
//! download), reporting progress (events), and syncing a folder with a
//! container prefix (filter, plan, state, folder_sync). Shared by uploads,
//! sync and watched folders.

mod buffers;
mod db;
pub mod download;
pub mod events;
pub mod execute;
pub mod filter;
pub mod folder_sync;
pub mod journal;
mod open_files;
pub mod pairs;
pub mod plan;
mod ranged;
pub mod recover;
mod renames;
pub mod scan;
pub mod selection;
pub mod state;
pub mod watch;

pub use db::DbError;
pub use download::{download, DownloadRequest};
pub use events::{EventSink, FileOutcome, FileRow, Snapshot, Summary, Throttle, Tracker, TransferEvent};
pub use execute::{upload, Existing, Resume, Tuning, UploadRequest};
pub use filter::Filters;
pub use folder_sync::{apply, prepare, Prepared, SyncRequest};
pub use journal::Journal;
pub use open_files::raise_open_file_limit;
pub use plan::{plan, Compare, DeleteCap, Direction, Mode, Op, OpKind, PlanOptions, Reason, SyncPlan};
pub use recover::{recover, Recovery};
pub use state::SyncState;
pub use stowage_store::layers::{PauseGate, RetryPolicy};
