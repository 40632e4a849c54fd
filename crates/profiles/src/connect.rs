//! From a profile to a working store: the one place secrets leave the keyring.

use std::sync::Arc;

use aws_credential_types::Credentials;
use stowage_store::local::LocalStore;
use stowage_store::s3::S3Store;
use stowage_store::{ObjectStore, StoreError};

use crate::{Backend, Keyring, KeyringError, Profile, Secret, SecretKind};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error("The profile \"{profile}\" has no {what} in the keyring. Enter it in the profile's settings.")]
    MissingSecret { profile: String, what: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The keys to use for a profile: given ones first (a form being tested),
/// else those in the keyring.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    pub access_key: Option<Secret<String>>,
    pub secret_key: Option<Secret<String>>,
}

impl Keys {
    pub fn get(&self, kind: SecretKind) -> Option<&Secret<String>> {
        match kind {
            SecretKind::AccessKey => self.access_key.as_ref(),
            SecretKind::SecretKey => self.secret_key.as_ref(),
        }
    }
}

/// Opens the store a profile describes, with its keys from `keyring`.
pub fn connect(profile: &Profile, keyring: &Keyring) -> Result<Arc<dyn ObjectStore>, ConnectError> {
    connect_with(profile, &Keys::default(), keyring)
}

/// Like [`connect`], but keys in `keys` win over the keyring's (testing a
/// form before it is saved).
pub fn connect_with(profile: &Profile, keys: &Keys, keyring: &Keyring) -> Result<Arc<dyn ObjectStore>, ConnectError> {
    match &profile.backend {
        Backend::Local { root } => Ok(Arc::new(LocalStore::open(root)?)),
        Backend::S3(s3) => {
            let read = |kind, what| match keys.get(kind) {
                Some(secret) => Ok(secret.clone()),
                None => keyring
                    .get(&profile.secret_account(kind))?
                    .ok_or_else(|| ConnectError::MissingSecret { profile: profile.name.clone(), what }),
            };
            let access = read(SecretKind::AccessKey, "access key")?;
            let secret = read(SecretKind::SecretKey, "secret key")?;
            let credentials = Credentials::new(access.expose(), secret.expose(), None, None, "stowage-keyring");
            Ok(Arc::new(S3Store::new(&s3.settings(), credentials)))
        }
    }
}
