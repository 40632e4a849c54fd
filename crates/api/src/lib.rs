//! stowage-api: the application layer. Each thing a person can do with
//! Stowage is one method of [`App`], taking the profile it acts on; the
//! desktop shell (src-tauri) and the CLI (crates/cli) are adapters that turn
//! a click or an argument list into one of these calls and its answer into
//! pixels or lines. What runs in the background (transfers, watched folders)
//! reports to the front end through its [`Observer`].

mod app;
mod classes;
mod error;
mod jobs;
mod observer;
mod preferences;
mod profiles;
mod questions;
mod storage;
mod sync;
mod training;
mod transfers;
mod versions;
mod vocabulary;
mod volumes;
mod watched;

pub use app::App;
pub use classes::StorageClassChoice;
pub use error::{Error, Kind, Result};
pub use jobs::{spec_of, LaunchOptions};
pub use observer::Observer;
pub use profiles::{ImportSource, ProfilesView};
pub use storage::{DeleteReport, DeleteRequests, FolderPage, ListedObject, SearchPage, SelectionSize};
pub use sync::{KindCount, ShownPlan, SyncPreview};
pub use training::TrainingView;
pub use transfers::{Started, TransferInfo, TransferKind};
pub use versions::NewContainer;
pub use vocabulary::*;
pub use volumes::{VolumePreview, VolumeSurveys};
pub use watched::WatchedView;
