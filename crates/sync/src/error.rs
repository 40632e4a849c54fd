//! What sync's public functions fail with: a sentence for a person, the
//! kind of the store error behind it (or `Io` for this computer's files),
//! so the window and the CLI can tell a wrong key from a missing folder,
//! and that store error itself as the source, for the logs.

use std::sync::Arc;

use stowage_store::{ErrorKind, StoreError};

#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SyncError {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<Arc<StoreError>>,
}

/// Two errors are the same when they say the same of the same kind.
impl PartialEq for SyncError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl Eq for SyncError {}

impl SyncError {
    /// A problem with the files on this computer.
    pub(crate) fn local(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Io, message: message.into(), source: None }
    }

    /// Input that cannot work (a filter pattern, a path): fix it and try again.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::InvalidInput, message: message.into(), source: None }
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
        Self { kind: e.kind(), message: e.to_string(), source: Some(Arc::new(e)) }
    }
}
