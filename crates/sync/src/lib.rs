//! stowage-sync: finding local files (scan), moving them (execute) and
//! reporting progress (events). Shared by uploads, sync and watched folders.

pub mod events;
pub mod execute;
pub mod journal;
pub mod recover;
pub mod scan;

pub use events::{EventSink, FileOutcome, Snapshot, Summary, Throttle, Tracker, TransferEvent};
pub use execute::{upload, Existing, Resume, Tuning, UploadRequest};
pub use journal::Journal;
pub use recover::{recover, Recovery};
