//! What sync's public functions fail with: a sentence for a person, and the
//! kind of the store error behind it (or `Io` for this computer's files),
//! so the window and the CLI can tell a wrong key from a missing folder.

use stowage_store::{ErrorKind, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyncError {
    kind: ErrorKind,
    message: String,
}

impl SyncError {
    /// A problem with the files on this computer.
    pub(crate) fn local(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Io, message: message.into() }
    }

    /// Input that cannot work (a filter pattern, a path): fix it and try again.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::InvalidInput, message: message.into() }
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        Self { kind: e.kind(), message: e.to_string() }
    }
}
