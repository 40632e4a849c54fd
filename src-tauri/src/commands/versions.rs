//! Share links, object versions and storage classes, for the storage view.

use std::time::Duration;

use stowage_api::StorageClassChoice;
use stowage_api::{ShareLink, VersionInfo, Versioning};

use super::Stowage;
use crate::error::IpcError;

/// A link anyone can open to download `key` for `expires_secs` seconds.
#[tauri::command]
#[specta::specta]
pub async fn share_link(
    app: Stowage<'_>,
    profile: String,
    container: String,
    key: String,
    expires_secs: u32,
) -> Result<ShareLink, IpcError> {
    Ok(app.share_link(&profile, &container, &key, Duration::from_secs(expires_secs.into())).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn container_versioning(
    app: Stowage<'_>,
    profile: String,
    container: String,
) -> Result<Versioning, IpcError> {
    Ok(app.versioning(&profile, &container).await?)
}

/// Turns versioning on, or suspends it (versions kept so far stay).
#[tauri::command]
#[specta::specta]
pub async fn set_versioning(
    app: Stowage<'_>,
    profile: String,
    container: String,
    enabled: bool,
) -> Result<(), IpcError> {
    Ok(app.set_versioning(&profile, &container, enabled).await?)
}

/// The versions and delete markers of `key`, newest first.
#[tauri::command]
#[specta::specta]
pub async fn object_versions(
    app: Stowage<'_>,
    profile: String,
    container: String,
    key: String,
) -> Result<Vec<VersionInfo>, IpcError> {
    Ok(app.object_versions(&profile, &container, &key).await?)
}

/// Objects deleted from folder `prefix` that can be brought back.
#[tauri::command]
#[specta::specta]
pub async fn deleted_objects(
    app: Stowage<'_>,
    profile: String,
    container: String,
    prefix: String,
) -> Result<Vec<VersionInfo>, IpcError> {
    Ok(app.deleted_objects(&profile, &container, &prefix).await?)
}

/// Makes a version the newest again.
#[tauri::command]
#[specta::specta]
pub async fn restore_version(
    app: Stowage<'_>,
    profile: String,
    container: String,
    key: String,
    version_id: String,
) -> Result<(), IpcError> {
    Ok(app.restore_version(&profile, &container, &key, &version_id).await?)
}

/// Brings back a deleted object as its newest version with content.
#[tauri::command]
#[specta::specta]
pub async fn undelete_object(
    app: Stowage<'_>,
    profile: String,
    container: String,
    key: String,
) -> Result<VersionInfo, IpcError> {
    Ok(app.undelete(&profile, &container, &key).await?)
}

/// Deletes one version for good.
#[tauri::command]
#[specta::specta]
pub async fn delete_version(
    app: Stowage<'_>,
    profile: String,
    container: String,
    key: String,
    version_id: String,
) -> Result<(), IpcError> {
    Ok(app.delete_version(&profile, &container, &key, &version_id).await?)
}

/// Downloads one version into the folder `dest`; the path written.
#[tauri::command]
#[specta::specta]
pub async fn download_version(
    app: Stowage<'_>,
    profile: String,
    container: String,
    key: String,
    version: VersionInfo,
    dest: String,
) -> Result<String, IpcError> {
    let path = app.download_version(&profile, &container, &key, &version, std::path::Path::new(&dest)).await?;
    Ok(path.display().to_string())
}

/// The storage classes a profile's provider offers (none for a local folder).
#[tauri::command]
#[specta::specta]
pub async fn storage_classes(app: Stowage<'_>, profile: String) -> Result<Vec<StorageClassChoice>, IpcError> {
    Ok(app.storage_classes(&profile)?)
}

/// The storage class of each of a profile's containers that has one.
#[tauri::command]
#[specta::specta]
pub async fn container_classes(
    app: Stowage<'_>,
    profile: String,
) -> Result<std::collections::BTreeMap<String, String>, IpcError> {
    Ok(app.container_classes(&profile))
}

#[tauri::command]
#[specta::specta]
pub async fn set_container_class(
    app: Stowage<'_>,
    profile: String,
    container: String,
    storage_class: Option<String>,
) -> Result<(), IpcError> {
    Ok(app.set_container_class(&profile, &container, storage_class).await?)
}
