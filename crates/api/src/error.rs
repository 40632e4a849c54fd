//! What the application's functions fail with: a sentence for a person,
//! what kind of trouble it is (the cases a front end treats differently),
//! and the form field it is about, if any. The window sends it over the IPC
//! as it is; the CLI prints the sentence.

use stowage_profiles::check::Field;
use stowage_profiles::edit::EditError;
use stowage_profiles::import::ImportError;
use stowage_profiles::training::TrainingSetupError;
use stowage_profiles::{ConnectError, KeyringError, SettingsError};
use stowage_store::config_file::ConfigError;
use stowage_store::{ErrorKind, StoreError};
use stowage_sync::SyncError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    /// The form field to show the message next to.
    pub field: Option<Field>,
}

/// Only the cases a front end treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The input is wrong: shown next to the field that holds it.
    InvalidInput,
    /// Already exists: shown next to the name field.
    AlreadyExists,
    /// The container, folder, job or transfer is gone.
    NotFound,
    /// Credentials or the keyring: the person is pointed to the keys.
    Credentials,
    Other,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), field: None }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Kind::InvalidInput, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self::new(Kind::Other, message)
    }
}

/// The kind a storage error is for a person.
fn kind_of(kind: ErrorKind) -> Kind {
    match kind {
        ErrorKind::InvalidInput => Kind::InvalidInput,
        ErrorKind::AlreadyExists => Kind::AlreadyExists,
        ErrorKind::NotFound => Kind::NotFound,
        ErrorKind::Auth | ErrorKind::AccessDenied => Kind::Credentials,
        _ => Kind::Other,
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        Self::new(kind_of(err.kind()), err.message())
    }
}

impl From<SyncError> for Error {
    fn from(err: SyncError) -> Self {
        Self::new(kind_of(err.kind()), err.message())
    }
}

/// A config file the disk refused or that cannot be read is not the
/// person's input; only a request that does not fit is.
impl From<ConfigError> for Error {
    fn from(err: ConfigError) -> Self {
        match err {
            ConfigError::Refused(_) => Self::invalid(err.to_string()),
            ConfigError::Io { .. } | ConfigError::Damaged { .. } => Self::other(err.to_string()),
        }
    }
}

impl From<ConnectError> for Error {
    fn from(err: ConnectError) -> Self {
        match err {
            ConnectError::Store(e) => e.into(),
            other => Self::new(Kind::Credentials, other.to_string()),
        }
    }
}

impl From<KeyringError> for Error {
    fn from(err: KeyringError) -> Self {
        Self::new(Kind::Credentials, err.to_string())
    }
}

impl From<SettingsError> for Error {
    fn from(err: SettingsError) -> Self {
        Self::other(err.to_string())
    }
}

impl From<ImportError> for Error {
    fn from(err: ImportError) -> Self {
        Self::other(err.to_string())
    }
}

impl From<EditError> for Error {
    fn from(err: EditError) -> Self {
        match err {
            EditError::Invalid(problems) => {
                let field = problems.first().map(|p| p.field);
                Self { field, ..Self::invalid(EditError::Invalid(problems).to_string()) }
            }
            EditError::Keyring(e) => e.into(),
            EditError::Settings(e) => e.into(),
            EditError::LastProfile(_) => Self::invalid(err.to_string()),
        }
    }
}

impl From<stowage_jobs::training::ApiError> for Error {
    fn from(err: stowage_jobs::training::ApiError) -> Self {
        use stowage_jobs::training::ApiErrorKind;
        let kind = match err.kind {
            ApiErrorKind::BadToken => Kind::Credentials,
            ApiErrorKind::NotFound => Kind::NotFound,
            ApiErrorKind::WrongState | ApiErrorKind::Refused => Kind::InvalidInput,
            _ => Kind::Other,
        };
        Self::new(kind, err.message)
    }
}

impl From<TrainingSetupError> for Error {
    fn from(err: TrainingSetupError) -> Self {
        match err {
            TrainingSetupError::Api(e) => e.into(),
            other => Self::new(Kind::Credentials, other.to_string()),
        }
    }
}

/// A terminal prints the sentence.
impl From<Error> for String {
    fn from(err: Error) -> Self {
        err.message
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
