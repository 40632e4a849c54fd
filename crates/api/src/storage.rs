//! Browsing and managing a profile's storage: containers, a folder's page,
//! an object's details, and a selection measured or deleted (in bulk).
//! Every call goes through the retrying store.

use std::sync::Arc;

use futures::stream::{self, StreamExt};
use serde::Serialize;
use stowage_store::{ContainerInfo, DeleteFailure, ListOptions, ObjectInfo, ObjectStore};
use stowage_sync::selection;

use crate::error::{Error, Result};
use crate::App;

/// Keys one search call reads before it answers (ten listing pages); the
/// window asks again with `next` to search further.
const SEARCH_SCAN: u64 = 10_000;

/// Bulk deletes (a thousand keys each) in flight at once.
const BULK_IN_FLIGHT: usize = 8;
/// Single deletes in flight at once.
const SINGLE_IN_FLIGHT: usize = 256;

/// How many objects and bytes a selection holds, for the delete confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SelectionSize {
    pub objects: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeleteReport {
    pub deleted: u64,
    /// Key and sentence for each object that could not be deleted.
    pub failed: Vec<(String, String)>,
}

/// An object as a folder's rows show it: its name, size, date and class,
/// not everything HEAD says (ETag, type, metadata: see the details). A
/// window that lists a folder of a million keys holds a million of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ListedObject {
    pub key: String,
    pub size: u64,
    /// Milliseconds since the Unix epoch, when the service says.
    pub modified_ms: Option<i64>,
    /// Only when it is not STANDARD, the class nearly every object has.
    pub storage_class: Option<String>,
}

impl From<ObjectInfo> for ListedObject {
    fn from(o: ObjectInfo) -> Self {
        let storage_class = o.storage_class.filter(|class| class != "STANDARD");
        Self { key: o.key, size: o.size, modified_ms: o.modified_ms, storage_class }
    }
}

/// One page of a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FolderPage {
    pub objects: Vec<ListedObject>,
    /// Sub-folders, each ending with "/".
    pub prefixes: Vec<String>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<String>,
}

/// What a search found in the keys it read, and where to go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    pub objects: Vec<ListedObject>,
    /// Sub-folders whose name matches (a search of one folder only).
    pub prefixes: Vec<String>,
    /// Keys and folders read to find these.
    pub scanned: u64,
    /// Where the search goes on; `None` once everything was read.
    pub next: Option<String>,
}

impl App {
    /// Objects under `prefix` whose name below it contains `needle`, in any
    /// case: in that folder, or (`deep`) in all its sub-folders too. The
    /// listing narrows by prefix on the server; the substring is matched
    /// here. Reads at most ten thousand keys per call.
    pub async fn search(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        prefix: &str,
        needle: &str,
        deep: bool,
        continuation: Option<String>,
    ) -> Result<SearchPage> {
        let store = self.store(profile).await?;
        let needle = needle.trim().to_lowercase();
        let matches = |key: &str| key.strip_prefix(prefix).unwrap_or(key).to_lowercase().contains(&needle);
        let base = if deep { ListOptions::recursive(prefix) } else { ListOptions::folder(prefix) };
        let mut options = ListOptions { continuation, ..base };
        let mut found = SearchPage { objects: Vec::new(), prefixes: Vec::new(), scanned: 0, next: None };
        loop {
            let page = store.list(container, &options).await?;
            found.scanned += (page.objects.len() + page.prefixes.len()) as u64;
            found.objects.extend(page.objects.into_iter().filter(|o| matches(&o.key)).map(ListedObject::from));
            found.prefixes.extend(page.prefixes.into_iter().filter(|p| matches(p.trim_end_matches('/'))));
            match page.next {
                Some(next) if found.scanned < SEARCH_SCAN => options.continuation = Some(next),
                next => {
                    found.next = next;
                    return Ok(found);
                }
            }
        }
    }

    pub async fn list_containers(self: &Arc<Self>, profile: &str) -> Result<Vec<ContainerInfo>> {
        Ok(self.store(profile).await?.list_containers().await?)
    }

    pub async fn create_container(self: &Arc<Self>, profile: &str, name: &str) -> Result<()> {
        Ok(self.store(profile).await?.create_container(name.trim()).await?)
    }

    /// Deletes an empty container; a non-empty one is refused with a sentence
    /// saying so. Its storage class goes with it: a new container of the same
    /// name starts without one.
    pub async fn delete_container(self: &Arc<Self>, profile: &str, name: &str) -> Result<()> {
        self.store(profile).await?.delete_container(name).await?;
        if self.container_class(profile, name).is_some() {
            self.set_container_class(profile, name, None).await?;
        }
        Ok(())
    }

    /// One page of a folder: the objects and sub-folders directly under `prefix`.
    pub async fn list_folder(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        prefix: &str,
        continuation: Option<String>,
    ) -> Result<FolderPage> {
        let options = ListOptions { continuation, ..ListOptions::folder(prefix) };
        let page = self.store(profile).await?.list(container, &options).await?;
        Ok(FolderPage {
            objects: page.objects.into_iter().map(ListedObject::from).collect(),
            prefixes: page.prefixes,
            next: page.next,
        })
    }

    /// Everything HEAD says about one object (size, dates, ETag, type, metadata).
    pub async fn object_details(self: &Arc<Self>, profile: &str, container: &str, key: &str) -> Result<ObjectInfo> {
        Ok(self.store(profile).await?.head(container, key).await?)
    }

    /// The objects a selection stands for: keys, and folders (ending in
    /// `/`, "" for the whole container) with all they hold; what could not
    /// be listed or found, with why.
    pub async fn list_selection(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        selection: &[String],
    ) -> Result<(Vec<ObjectInfo>, Vec<(String, String)>)> {
        Ok(selection::expand(self.store(profile).await?.as_ref(), container, selection).await)
    }

    /// The objects and bytes of a selection, for the delete confirmation.
    pub async fn measure_selection(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        selection: &[String],
    ) -> Result<SelectionSize> {
        let store = self.store(profile).await?;
        let (objects, bytes, failed) = selection::measure(store.as_ref(), container, selection).await;
        if let Some((what, why)) = failed.into_iter().next() {
            return Err(Error::other(format!("{what}: {why}")));
        }
        Ok(SelectionSize { objects, bytes })
    }

    /// Deletes a selection: keys, and folders with all they hold.
    pub async fn delete_objects(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        selection: &[String],
    ) -> Result<DeleteReport> {
        let (objects, mut failed) = self.list_selection(profile, container, selection).await?;
        let keys: Vec<String> = objects.into_iter().map(|o| o.key).collect();
        let refused = self.delete_keys(profile, container, &keys, DeleteRequests::Bulk).await?;
        failed.extend(refused.iter().cloned());
        Ok(DeleteReport { deleted: (keys.len() - refused.len()) as u64, failed })
    }

    /// Deletes `keys`, a thousand a request (or one a request, for services
    /// without DeleteObjects); the keys that could not be, with why.
    pub async fn delete_keys(
        self: &Arc<Self>,
        profile: &str,
        container: &str,
        keys: &[String],
        requests: DeleteRequests,
    ) -> Result<Vec<(String, String)>> {
        let store = self.store(profile).await?;
        let refused = match requests {
            DeleteRequests::Bulk => stowage_store::delete_all(store.as_ref(), container, keys, BULK_IN_FLIGHT).await,
            DeleteRequests::OneByOne => one_at_a_time(store.as_ref(), container, keys).await,
        };
        Ok(refused.into_iter().map(|f| (f.key, f.error.to_string())).collect())
    }
}

/// How deletes are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteRequests {
    /// DeleteObjects, a thousand keys each.
    Bulk,
    /// One DELETE per key.
    OneByOne,
}

/// One DELETE request per key, many at once.
async fn one_at_a_time(store: &dyn ObjectStore, container: &str, keys: &[String]) -> Vec<DeleteFailure> {
    // Owned keys: borrowed ones make a spawned caller's Send proof trip over
    // higher-ranked lifetimes (rust-lang/rust#110338).
    stream::iter(keys.to_vec())
        .map(|key| async move { store.delete(container, &key).await.err().map(|error| DeleteFailure { key, error }) })
        .buffer_unordered(SINGLE_IN_FLIGHT)
        .filter_map(|failed| async { failed })
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_object_keeps_what_its_row_shows_and_a_class_only_when_it_is_not_standard() {
        let info = |class: Option<&str>| ObjectInfo {
            key: "a/b.bin".into(),
            size: 7,
            modified_ms: Some(1_000),
            etag: Some("0cc175b9c0f1b6a831c399e269772661".into()),
            content_type: None,
            metadata: Default::default(),
            storage_class: class.map(Into::into),
        };
        let listed = ListedObject::from(info(Some("STANDARD_IA")));
        assert_eq!(
            listed,
            ListedObject {
                key: "a/b.bin".into(),
                size: 7,
                modified_ms: Some(1_000),
                storage_class: Some("STANDARD_IA".into())
            }
        );
        assert_eq!(ListedObject::from(info(Some("STANDARD"))).storage_class, None);
        assert_eq!(ListedObject::from(info(None)).storage_class, None);
    }
}
