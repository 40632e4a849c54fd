//! Connection profiles: where a store is and how to reach it. Secrets are
//! not here; they live in the keyring under [`Profile::secret_account`].

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The name of the profile every installation starts with.
pub const LOCAL_PROFILE_NAME: &str = "This computer";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub name: String,
    pub backend: Backend,
}

/// Where a profile's containers are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Backend {
    /// A folder on this computer (the embedded default store).
    #[serde(rename_all = "camelCase")]
    Local { root: PathBuf },
    /// An S3-compatible service; its keys are in the keyring.
    #[serde(rename_all = "camelCase")]
    S3 { endpoint: Option<String>, region: String, path_style: bool },
}

/// Which of a profile's secrets a keyring entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    AccessKey,
    SecretKey,
}

impl Profile {
    /// The embedded default: a store in a folder under the app's data dir.
    pub fn local_default(data_dir: &std::path::Path) -> Self {
        Self { name: LOCAL_PROFILE_NAME.to_owned(), backend: Backend::Local { root: data_dir.join("local-store") } }
    }

    /// The keyring account that holds one of this profile's secrets.
    pub fn secret_account(&self, kind: SecretKind) -> String {
        let what = match kind {
            SecretKind::AccessKey => "access-key",
            SecretKind::SecretKey => "secret-key",
        };
        format!("profile/{}/{what}", self.name)
    }
}
