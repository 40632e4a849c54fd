//! stowage-profiles: connection profiles and settings on disk (TOML, no
//! secrets), credentials in the OS keyring, and [`Secret`], which never
//! prints its value.

mod connect;
mod keyring;
pub mod profile;
mod secret;
pub mod settings;

pub use connect::{connect, ConnectError};
pub use keyring::{Keyring, KeyringError};
pub use profile::{Backend, Profile, SecretKind};
pub use secret::Secret;
pub use settings::{AppDirs, Settings, SettingsError};
