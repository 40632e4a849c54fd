//! The small TOML files Stowage keeps in its config dir (volume sets, sync
//! pairs, watched folders): missing means empty, a file that does not parse
//! is an error that names it and is never overwritten, writes are atomic.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a config file could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The disk refused: a retry after fixing permissions or space can help.
    #[error("Cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file holds what Stowage cannot read; it is left as it is.
    #[error("{} is not valid ({source}). Fix or remove it.", path.display())]
    Damaged {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// What was asked does not fit: no name, a folder that is not there,
    /// one already there.
    #[error("{0}")]
    Refused(String),
}

impl ConfigError {
    pub fn refused(message: impl Into<String>) -> Self {
        Self::Refused(message.into())
    }

    /// `path` holds something that cannot be read: `why`.
    pub fn damaged(path: &Path, why: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Damaged { path: path.to_owned(), source: why.into() }
    }
}

/// The file's content, or `T::default()` when it does not exist yet.
pub fn load<T: DeserializeOwned + Default>(path: &Path) -> Result<T, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::damaged(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(source) => Err(ConfigError::Io { action: "read", path: path.to_owned(), source }),
    }
}

pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<(), ConfigError> {
    let io = |source| ConfigError::Io { action: "save", path: path.to_owned(), source };
    let text = toml::to_string_pretty(value).map_err(|e| io(std::io::Error::other(e)))?;
    crate::atomic::write_atomically(path, text.as_bytes()).map_err(io)
}
