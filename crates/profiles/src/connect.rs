//! From a profile to a working store: the one place secrets leave the keyring.

use std::sync::Arc;

use aws_credential_types::Credentials;
use stowage_store::local::LocalStore;
use stowage_store::s3::{S3Settings, S3Store};
use stowage_store::{ObjectStore, StoreError};

use crate::{Backend, Keyring, KeyringError, Profile, SecretKind};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error("The profile \"{profile}\" has no {what} in the keyring. Enter it in the profile's settings.")]
    MissingSecret { profile: String, what: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens the store a profile describes, reading its keys from `keyring`.
pub fn connect(profile: &Profile, keyring: &Keyring) -> Result<Arc<dyn ObjectStore>, ConnectError> {
    match &profile.backend {
        Backend::Local { root } => Ok(Arc::new(LocalStore::open(root)?)),
        Backend::S3 { endpoint, region, path_style } => {
            let read = |kind, what| {
                keyring
                    .get(&profile.secret_account(kind))?
                    .ok_or_else(|| ConnectError::MissingSecret { profile: profile.name.clone(), what })
            };
            let access = read(SecretKind::AccessKey, "access key")?;
            let secret = read(SecretKind::SecretKey, "secret key")?;
            let credentials = Credentials::new(access.expose(), secret.expose(), None, None, "stowage-keyring");
            let settings = S3Settings { endpoint: endpoint.clone(), region: region.clone(), path_style: *path_style };
            Ok(Arc::new(S3Store::new(&settings, credentials)))
        }
    }
}
