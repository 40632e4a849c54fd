//! The one error type that crosses the IPC: a code the UI acts on and a
//! sentence for the person.

use serde::Serialize;
use stowage_profiles::{ConnectError, SettingsError};
use stowage_store::{ErrorKind, StoreError};

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
}

/// Only the cases the UI treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum IpcErrorCode {
    /// The input is wrong: shown next to the field that holds it.
    InvalidInput,
    /// Already exists: shown next to the name field.
    AlreadyExists,
    /// The container or folder is gone: the view goes back up.
    NotFound,
    /// Credentials or the keyring: the UI points to the profile settings.
    Credentials,
    Other,
}

impl IpcError {
    fn new(code: IpcErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl From<StoreError> for IpcError {
    fn from(err: StoreError) -> Self {
        let code = match err.kind() {
            ErrorKind::InvalidInput => IpcErrorCode::InvalidInput,
            ErrorKind::AlreadyExists => IpcErrorCode::AlreadyExists,
            ErrorKind::NotFound => IpcErrorCode::NotFound,
            ErrorKind::Auth | ErrorKind::AccessDenied => IpcErrorCode::Credentials,
            _ => IpcErrorCode::Other,
        };
        Self::new(code, err.message())
    }
}

impl From<ConnectError> for IpcError {
    fn from(err: ConnectError) -> Self {
        match err {
            ConnectError::Store(e) => e.into(),
            other => Self::new(IpcErrorCode::Credentials, other.to_string()),
        }
    }
}

impl From<SettingsError> for IpcError {
    fn from(err: SettingsError) -> Self {
        Self::new(IpcErrorCode::Other, err.to_string())
    }
}
