//! Watched folders: their configuration ([`config`]) and keeping each one
//! synced ([`runner`]). The app and `stowage watch run` use the same runner.

pub mod config;
pub mod runner;

pub use config::{DeletePolicy, WatchedFolder};
pub use runner::{run, Timing, WatchDeps, WatchState, WatchStatus};
