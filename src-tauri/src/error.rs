//! The one error type that crosses the IPC: a code the UI acts on, a
//! sentence for the person, and the form field it is about, if any.

use serde::Serialize;
use stowage_profiles::check::Field;
use stowage_profiles::edit::EditError;
use stowage_profiles::import::ImportError;
use stowage_profiles::{ConnectError, KeyringError, SettingsError};
use stowage_store::{ErrorKind, StoreError};

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
    /// The form field to show the message next to.
    pub field: Option<Field>,
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
    pub fn new(code: IpcErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), field: None }
    }
}

/// The code the window acts on for a kind of storage error.
fn code_of(kind: ErrorKind) -> IpcErrorCode {
    match kind {
        ErrorKind::InvalidInput => IpcErrorCode::InvalidInput,
        ErrorKind::AlreadyExists => IpcErrorCode::AlreadyExists,
        ErrorKind::NotFound => IpcErrorCode::NotFound,
        ErrorKind::Auth | ErrorKind::AccessDenied => IpcErrorCode::Credentials,
        _ => IpcErrorCode::Other,
    }
}

impl From<StoreError> for IpcError {
    fn from(err: StoreError) -> Self {
        Self::new(code_of(err.kind()), err.message())
    }
}

impl From<stowage_sync::SyncError> for IpcError {
    fn from(err: stowage_sync::SyncError) -> Self {
        Self::new(code_of(err.kind()), err.message())
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

impl From<KeyringError> for IpcError {
    fn from(err: KeyringError) -> Self {
        Self::new(IpcErrorCode::Credentials, err.to_string())
    }
}

impl From<SettingsError> for IpcError {
    fn from(err: SettingsError) -> Self {
        Self::new(IpcErrorCode::Other, err.to_string())
    }
}

impl From<ImportError> for IpcError {
    fn from(err: ImportError) -> Self {
        Self::new(IpcErrorCode::Other, err.to_string())
    }
}

impl From<EditError> for IpcError {
    fn from(err: EditError) -> Self {
        match err {
            EditError::Invalid(problems) => {
                let field = problems.first().map(|p| p.field);
                Self { field, ..Self::new(IpcErrorCode::InvalidInput, EditError::Invalid(problems).to_string()) }
            }
            EditError::Keyring(e) => e.into(),
            EditError::Settings(e) => e.into(),
            EditError::LastProfile(_) => Self::new(IpcErrorCode::InvalidInput, err.to_string()),
        }
    }
}

impl From<stowage_jobs::training::ApiError> for IpcError {
    fn from(err: stowage_jobs::training::ApiError) -> Self {
        use stowage_jobs::training::ApiErrorKind;
        let code = match err.kind {
            ApiErrorKind::BadToken => IpcErrorCode::Credentials,
            ApiErrorKind::NotFound => IpcErrorCode::NotFound,
            ApiErrorKind::WrongState | ApiErrorKind::Refused => IpcErrorCode::InvalidInput,
            _ => IpcErrorCode::Other,
        };
        Self::new(code, err.message)
    }
}

impl From<stowage_profiles::training::TrainingSetupError> for IpcError {
    fn from(err: stowage_profiles::training::TrainingSetupError) -> Self {
        use stowage_profiles::training::TrainingSetupError;
        match err {
            TrainingSetupError::Api(e) => e.into(),
            other => Self::new(IpcErrorCode::Credentials, other.to_string()),
        }
    }
}
