//! The one error type that crosses the IPC: a code the UI acts on, a
//! sentence for the person, and the form field it is about, if any. The
//! application layer's errors carry all three; this is their wire shape.

use serde::Serialize;
use stowage_api::Field;
use stowage_api::Kind;

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

impl From<stowage_api::Error> for IpcError {
    fn from(err: stowage_api::Error) -> Self {
        let code = match err.kind {
            Kind::InvalidInput => IpcErrorCode::InvalidInput,
            Kind::AlreadyExists => IpcErrorCode::AlreadyExists,
            Kind::NotFound => IpcErrorCode::NotFound,
            Kind::Credentials => IpcErrorCode::Credentials,
            Kind::Other => IpcErrorCode::Other,
        };
        Self { code, message: stowage_api::plain(&err.message), field: err.field }
    }
}
