//! Storage classes: which a profile's provider offers, and the one each
//! container's uploads get. S3 has a class per object and none per bucket,
//! so a container's class is Stowage's: chosen when the container is
//! created (or later), kept in the settings, and asked for on every upload
//! into it (window, sync, watched folder) unless the upload names another.

use std::sync::Arc;

use serde::Serialize;
use stowage_profiles::{Backend, Provider};

use crate::error::{Error, Result};
use crate::App;

/// A class a person can pick: its S3 name and what the provider calls it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StorageClassChoice {
    /// What S3 requests say (`STANDARD_IA`).
    pub id: String,
    /// What the provider's own pages call it (OVHcloud: "Infrequent Access").
    pub label: String,
}

/// OVHcloud's classes on its `.io` endpoints, by the S3 name that selects
/// each (OVHcloud's guide "Object Storage - Choosing the right storage class").
const OVH_CLASSES: &[(&str, &str)] =
    &[("STANDARD", "Standard"), ("EXPRESS_ONEZONE", "High Performance"), ("STANDARD_IA", "Infrequent Access")];

/// The classes of S3 itself, for other providers (each takes what it supports).
const S3_CLASSES: &[(&str, &str)] = &[
    ("STANDARD", "Standard"),
    ("STANDARD_IA", "Standard – Infrequent Access"),
    ("ONEZONE_IA", "One Zone – Infrequent Access"),
    ("INTELLIGENT_TIERING", "Intelligent-Tiering"),
    ("GLACIER_IR", "Glacier Instant Retrieval"),
    ("GLACIER", "Glacier Flexible Retrieval (archive)"),
    ("DEEP_ARCHIVE", "Glacier Deep Archive (archive)"),
];

fn key(profile: &str, container: &str) -> String {
    format!("{profile}/{container}")
}

impl App {
    /// The classes `profile` offers; none for a folder on this computer.
    pub fn storage_classes(&self, profile: &str) -> Result<Vec<StorageClassChoice>> {
        let settings = self.settings();
        let classes = match &settings.profile(profile)?.backend {
            Backend::Local { .. } => &[][..],
            Backend::S3(s3) if s3.provider == Provider::Ovh => OVH_CLASSES,
            Backend::S3(_) => S3_CLASSES,
        };
        Ok(classes.iter().map(|(id, label)| StorageClassChoice { id: (*id).into(), label: (*label).into() }).collect())
    }

    /// The class uploads into `container` get; `None` for the service's default.
    pub fn container_class(&self, profile: &str, container: &str) -> Option<String> {
        self.settings().storage_classes.get(&key(profile, container)).cloned()
    }

    /// The classes of `profile`'s containers that have one, by container.
    pub fn container_classes(&self, profile: &str) -> std::collections::BTreeMap<String, String> {
        let prefix = key(profile, "");
        let settings = self.settings();
        let of_profile = settings
            .storage_classes
            .into_iter()
            .filter_map(|(k, class)| k.strip_prefix(&prefix).map(|container| (container.to_owned(), class)));
        of_profile.collect()
    }

    /// Sets (or, with `None`, forgets) the class of `container`'s uploads.
    /// A class the profile does not offer is refused and nothing changes.
    pub async fn set_container_class(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        class: Option<String>,
    ) -> Result<()> {
        let class = class.map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
        if let Some(class) = &class {
            self.check_class(profile, class)?;
        }
        let key = key(profile, container);
        self.change_settings(move |settings| match class {
            Some(class) => {
                settings.storage_classes.insert(key, class);
            }
            None => {
                settings.storage_classes.remove(&key);
            }
        })
        .await
    }

    /// Refuses a class `profile` does not offer, naming those it does.
    pub fn check_class(&self, profile: &str, class: &str) -> Result<()> {
        let offered = self.storage_classes(profile)?;
        if offered.is_empty() {
            return Err(Error::invalid(format!(
                "\"{profile}\" is a folder on this computer: it has no storage classes."
            )));
        }
        if !offered.iter().any(|c| c.id == class) {
            let names: Vec<&str> = offered.iter().map(|c| c.id.as_str()).collect();
            return Err(Error::invalid(format!(
                "\"{class}\" is not a storage class of \"{profile}\"; it offers {}.",
                names.join(", ")
            )));
        }
        Ok(())
    }
}
