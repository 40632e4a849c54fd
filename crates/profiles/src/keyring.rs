//! Secrets in the OS keyring: Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows (the `keyring` crate's native stores). A
//! missing or locked keyring is an error that says so; there is no fallback
//! to a file or to memory.

use crate::Secret;

/// The keyring entries of one application name. The app uses
/// [`Keyring::APP_SERVICE`]; tests use their own so they never touch a
/// user's entries.
#[derive(Debug, Clone)]
pub struct Keyring {
    service: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "The system keyring is not available ({0}). On Linux, start and unlock a Secret Service such as \
         gnome-keyring or KeePassXC; Stowage keeps credentials nowhere else."
    )]
    Unavailable(String),
    #[error("The system keyring refused the request: {0}")]
    Refused(String),
}

impl Keyring {
    pub const APP_SERVICE: &'static str = "stowage";

    pub fn new(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    /// The app's keyring entries, or those of `STOWAGE_KEYRING_SERVICE`
    /// (tests use it to stay clear of a user's real entries).
    pub fn from_env() -> Self {
        Self::new(std::env::var("STOWAGE_KEYRING_SERVICE").unwrap_or_else(|_| Self::APP_SERVICE.to_owned()))
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(&self.service, account).map_err(map_err)
    }

    pub fn set(&self, account: &str, secret: &Secret<String>) -> Result<(), KeyringError> {
        self.entry(account)?.set_password(secret.expose()).map_err(map_err)
    }

    /// The secret stored for `account`, or `None` when there is none.
    pub fn get(&self, account: &str) -> Result<Option<Secret<String>>, KeyringError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    /// Removes the secret; removing one that is not there succeeds.
    pub fn delete(&self, account: &str) -> Result<(), KeyringError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

fn map_err(err: keyring::Error) -> KeyringError {
    // The keyring crate's messages name the platform failure, never the secret.
    match err {
        keyring::Error::NoStorageAccess(e) => KeyringError::Unavailable(e.to_string()),
        keyring::Error::PlatformFailure(e) => KeyringError::Unavailable(e.to_string()),
        other => KeyringError::Refused(other.to_string()),
    }
}
