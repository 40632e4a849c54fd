//! stowage-profiles: connection profiles and settings on disk (TOML, no
//! secrets), credentials in the OS keyring, and [`Secret`], which never
//! prints its value.

pub mod check;
mod connect;
pub mod edit;
pub mod import;
mod keyring;
pub mod logging;
pub mod profile;
mod secret;
pub mod settings;
pub mod training;

pub use connect::{connect, connect_with, ConnectError, Keys};
pub use keyring::{Keyring, KeyringError};
pub use profile::{Backend, Profile, Provider, S3Backend, SecretKind};
pub use secret::Secret;
pub use settings::{AppDirs, Notify, Settings, SettingsError};
