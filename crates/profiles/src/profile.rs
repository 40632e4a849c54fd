//! Connection profiles: where a store is and how to reach it. Secrets are
//! not here; they live in the keyring under [`Profile::secret_account`].

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use stowage_store::s3::{ChecksumMode, S3Settings};

/// The name of the profile every installation starts with.
pub const LOCAL_PROFILE_NAME: &str = "This computer";

/// OVHcloud Object Storage regions (lowercase, as in the endpoint).
pub const OVH_REGIONS: &[&str] = &[
    "gra",
    "rbx",
    "sbg",
    "de",
    "uk",
    "waw",
    "bhs",
    "ca-east-tor",
    "sgp",
    "ap-southeast-syd",
    "ap-south-mum",
    "eu-west-par",
    "eu-south-mil",
];

/// The S3 endpoint of an OVHcloud region.
pub fn ovh_endpoint(region: &str) -> String {
    format!("https://s3.{region}.io.cloud.ovh.net")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub name: String,
    pub backend: Backend,
    /// The datastore alias the AI Training platform knows this storage by
    /// (`GRA`, `S3GRA`): job volumes name it.
    #[serde(default)]
    pub datastore_alias: Option<String>,
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
    S3(S3Backend),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct S3Backend {
    pub provider: Provider,
    /// `https://s3.gra.io.cloud.ovh.net`
    pub endpoint: String,
    pub region: String,
    /// Path-style addressing; buckets with dots use it regardless.
    #[serde(default)]
    pub path_style: bool,
    #[serde(default)]
    pub checksum: ChecksumMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Provider {
    /// OVHcloud Object Storage: the endpoint follows from the region.
    Ovh,
    /// Any other S3-compatible service.
    Other,
}

/// Which of a profile's secrets a keyring entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    AccessKey,
    SecretKey,
}

impl SecretKind {
    pub const ALL: [SecretKind; 2] = [SecretKind::AccessKey, SecretKind::SecretKey];
}

impl Profile {
    /// The embedded default: a store in a folder under the app's data dir.
    pub fn local_default(data_dir: &std::path::Path) -> Self {
        Self {
            name: LOCAL_PROFILE_NAME.to_owned(),
            backend: Backend::Local { root: data_dir.join("local-store") },
            datastore_alias: None,
        }
    }

    /// An OVHcloud profile for `region`.
    pub fn ovh(name: impl Into<String>, region: &str) -> Self {
        let backend = S3Backend {
            provider: Provider::Ovh,
            endpoint: ovh_endpoint(region),
            region: region.to_owned(),
            path_style: false,
            checksum: ChecksumMode::WhenRequired,
        };
        Self { name: name.into(), backend: Backend::S3(backend), datastore_alias: None }
    }

    /// Whether the profile needs keys from the keyring.
    pub fn needs_keys(&self) -> bool {
        matches!(self.backend, Backend::S3(_))
    }

    /// The keyring account that holds one of this profile's secrets.
    pub fn secret_account(&self, kind: SecretKind) -> String {
        secret_account(&self.name, kind)
    }
}

pub(crate) fn secret_account(profile: &str, kind: SecretKind) -> String {
    let what = match kind {
        SecretKind::AccessKey => "access-key",
        SecretKind::SecretKey => "secret-key",
    };
    format!("profile/{profile}/{what}")
}

impl S3Backend {
    pub fn settings(&self) -> S3Settings {
        S3Settings {
            path_style: self.path_style,
            checksum: self.checksum,
            ..S3Settings::new(Some(self.endpoint.clone()), self.region.clone())
        }
    }
}
