//! Share links and object versions: a link a collaborator opens without an
//! account, and the history a versioned container keeps (list, download,
//! restore, delete, and a deleted object brought back).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use stowage_store::names::NameRules;
use stowage_store::{ListOptions, ShareLink, VersionInfo, Versioning};

use crate::error::{Error, Result};
use crate::App;

/// A container as it is to be created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewContainer {
    /// Keep every version of every object (S3 versioning).
    pub versioning: bool,
    /// The class uploads into it get; `None` for the service's default.
    pub storage_class: Option<String>,
}

impl App {
    /// Creates a container; versioning and a class as asked. When the
    /// service refuses versioning, the container just made is removed
    /// again, so a refusal changes nothing.
    pub async fn create_container_with(self: &Arc<Self>, profile: &str, name: &str, new: NewContainer) -> Result<()> {
        let name = name.trim();
        if let Some(class) = &new.storage_class {
            self.check_class(profile, class)?;
        }
        let store = self.store(profile).await?;
        store.create_container(name).await?;
        if new.versioning {
            if let Err(e) = store.versions_or_err()?.set_versioning(name, true).await {
                if let Err(undo) = store.delete_container(name).await {
                    tracing::warn!(container = name, "could not remove the container after versioning failed: {undo}");
                }
                return Err(Error::from(e));
            }
        }
        if new.storage_class.is_some() {
            self.set_container_class(profile, name, new.storage_class).await?;
        }
        Ok(())
    }

    /// A link anyone can open to download `key` for `expires_in`.
    pub async fn share_link(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        key: &str,
        expires_in: Duration,
    ) -> Result<ShareLink> {
        Ok(self.store(profile).await?.share_links_or_err()?.share_link(container, key, expires_in).await?)
    }

    pub async fn versioning(self: &Arc<Self>, profile: &str, container: &str) -> Result<Versioning> {
        match self.store(profile).await?.versions() {
            Some(versions) => Ok(versions.versioning(container).await?),
            None => Ok(Versioning::Unsupported),
        }
    }

    /// Turns versioning on, or suspends it (versions kept so far stay).
    pub async fn set_versioning(self: &Arc<Self>, profile: &str, container: &str, enabled: bool) -> Result<()> {
        Ok(self.store(profile).await?.versions_or_err()?.set_versioning(container, enabled).await?)
    }

    /// The versions and delete markers of `key`, newest first.
    pub async fn object_versions(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        key: &str,
    ) -> Result<Vec<VersionInfo>> {
        let mut options = ListOptions::recursive(key);
        let mut found = self.versions_where(profile, container, &mut options, |v| v.key == key).await?;
        found.sort_by(|a, b| b.latest.cmp(&a.latest).then(b.modified_ms.cmp(&a.modified_ms)));
        Ok(found)
    }

    /// The objects directly in folder `prefix` whose newest version is a
    /// delete marker: deleted, and still there to bring back.
    pub async fn deleted_objects(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        prefix: &str,
    ) -> Result<Vec<VersionInfo>> {
        let mut options = ListOptions::folder(prefix);
        self.versions_where(profile, container, &mut options, |v| v.latest && v.delete_marker).await
    }

    async fn versions_where(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        options: &mut ListOptions,
        keep: impl Fn(&VersionInfo) -> bool,
    ) -> Result<Vec<VersionInfo>> {
        let store = self.store(profile).await?;
        let versions = store.versions_or_err()?;
        let mut found = Vec::new();
        loop {
            let page = versions.list_versions(container, options).await?;
            found.extend(page.versions.into_iter().filter(&keep));
            match page.next {
                Some(next) => options.continuation = Some(next),
                None => return Ok(found),
            }
        }
    }

    /// Makes `version_id` the newest version of `key` again (a copy on the
    /// server): an overwritten or deleted object comes back; history stays.
    pub async fn restore_version(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        key: &str,
        version_id: &str,
    ) -> Result<()> {
        self.store(profile).await?.versions_or_err()?.restore_version(container, key, version_id).await?;
        Ok(())
    }

    /// Brings back a deleted (or overwritten) object as its newest version
    /// with content; the version restored.
    pub async fn undelete(self: &Arc<Self>, profile: &str, container: &str, key: &str) -> Result<VersionInfo> {
        let versions = self.object_versions(profile, container, key).await?;
        let newest = versions
            .into_iter()
            .find(|v| !v.delete_marker)
            .ok_or_else(|| Error::not_found(format!("\"{key}\" has no earlier version to bring back.")))?;
        self.restore_version(profile, container, key, &newest.version_id).await?;
        Ok(newest)
    }

    /// Deletes one version for good (the others stay).
    pub async fn delete_version(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        key: &str,
        version_id: &str,
    ) -> Result<()> {
        Ok(self.store(profile).await?.versions_or_err()?.delete_version(container, key, version_id).await?)
    }

    /// Downloads one version of `key` into the folder `dest`, named after
    /// the key with the version's date, so it never replaces the current
    /// file; the path written.
    pub async fn download_version(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        key: &str,
        version: &VersionInfo,
        dest: &Path,
    ) -> Result<PathBuf> {
        if !dest.is_dir() {
            return Err(Error::invalid(format!("{} is not a folder.", dest.display())));
        }
        let name = key.rsplit('/').next().unwrap_or(key);
        // Through the one way every download writes: a key's last segment on
        // Windows can hold `..\..\` or `C:\`, which must stay characters.
        let names = NameRules::at_off_worker(dest).await;
        let path = stowage_store::disk::within(dest, &names, &version_file_name(name, version.modified_ms))
            .map_err(|e| Error::invalid(format!("That version cannot be written there: {e}.")))?;
        let store = self.store(profile).await?;
        stowage_store::files::get_version_to_file(store.as_ref(), container, key, Some(&version.version_id), &path)
            .await?;
        Ok(path)
    }
}

/// `model (2026-11-30 18.04.05).pt`: a version's file beside the current one.
fn version_file_name(name: &str, modified_ms: Option<i64>) -> String {
    let stamp = modified_ms
        .and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}.{:02}.{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_else(|| "older version".into());
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({stamp}).{ext}"),
        _ => format!("{name} ({stamp})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_file_says_its_date_and_keeps_its_extension() {
        assert_eq!(version_file_name("model.pt", Some(1_796_061_845_000)), "model (2026-11-30 18.04.05).pt");
        assert_eq!(version_file_name("README", None), "README (older version)");
    }
}
