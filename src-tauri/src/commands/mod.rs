//! The commands the web view may call: each is one call of the application
//! layer (stowage-api), its error in the IPC's shape, and the event other
//! windows need. Every command that touches storage names its profile.

pub mod desktop;
pub mod jobs;
pub mod profiles;
pub mod storage;
pub mod sync;
pub mod transfers;
pub mod versions;
pub mod volumes;
pub mod watched;

/// The application, as every command receives it.
pub type Stowage<'a> = tauri::State<'a, std::sync::Arc<stowage_api::App>>;
