//! stowage-store: one small trait for object storage, and its backends.
//!
//! Every feature of Stowage (browse, upload, sync, watched folders, job volume
//! checks) talks to storage through [`ObjectStore`] only. Backends:
//! [`s3::S3Store`] (any S3-compatible service, OVHcloud first),
//! [`local::LocalStore`] (a folder on this computer, the embedded default) and
//! [`memory::MemoryStore`] (fast unit tests). They all pass one conformance
//! suite (`tests/conformance.rs`).

pub mod atomic;
pub mod config_file;
pub mod container_name;
pub mod disk;
mod error;
mod existing;
pub mod files;
pub mod layers;
mod listing;
pub mod local;
pub mod memory;
pub mod names;
mod part_body;
mod probe;
pub mod s3;
pub mod storage;
#[cfg(feature = "test-support")]
pub mod test_env;
#[cfg(feature = "test-support")]
pub mod test_garage;
pub mod walk;

use std::collections::BTreeMap;

use async_trait::async_trait;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

pub use error::{plain, ErrorKind, StoreError};
pub use existing::Existing;
pub use part_body::{PartBody, PartSource};
pub use probe::{probe, ProbeReport};
pub use storage::{Storage, StoragePolicy};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The largest key S3 accepts, in bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 1024;

/// How many keys a listing page holds when the caller does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 1000;

/// A container (an S3 bucket).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ContainerInfo {
    pub name: String,
    /// Creation time, milliseconds since the Unix epoch, when the backend knows it.
    pub created_ms: Option<i64>,
}

/// What a listing or a HEAD says about one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    /// Last modification, milliseconds since the Unix epoch.
    pub modified_ms: Option<i64>,
    /// The entity tag without quotes. For a multipart object it is not the MD5
    /// of the content.
    pub etag: Option<String>,
    /// Only filled by `head`: listings do not carry it.
    pub content_type: Option<String>,
    /// User metadata (x-amz-meta-*); only filled by `head`.
    pub metadata: BTreeMap<String, String>,
    /// The storage class, when the service says (S3 listings do; a HEAD
    /// says only when it is not STANDARD).
    pub storage_class: Option<String>,
}

impl ObjectInfo {
    /// What a listing reports of this object: no content type or user
    /// metadata, as in S3.
    pub(crate) fn listed(&self) -> Self {
        Self { content_type: None, metadata: BTreeMap::new(), ..self.clone() }
    }
}

/// One page of a listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ListPage {
    pub objects: Vec<ObjectInfo>,
    /// Common prefixes ("folders") when a delimiter was given; each ends with it.
    pub prefixes: Vec<String>,
    /// Pass back in [`ListOptions::continuation`] to get the next page; `None`
    /// on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    pub prefix: String,
    pub delimiter: Option<String>,
    /// The opaque token of the previous page's [`ListPage::next`].
    pub continuation: Option<String>,
    /// At most this many objects and prefixes together; default [`DEFAULT_PAGE_SIZE`].
    pub max_keys: Option<u32>,
}

impl ListOptions {
    /// The children of `prefix`, as a file browser shows a folder.
    pub fn folder(prefix: impl Into<String>) -> Self {
        Self { prefix: prefix.into(), delimiter: Some("/".into()), ..Self::default() }
    }

    /// Every key under `prefix`, at any depth.
    pub fn recursive(prefix: impl Into<String>) -> Self {
        Self { prefix: prefix.into(), ..Self::default() }
    }

    fn page_size(&self) -> usize {
        self.max_keys.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, DEFAULT_PAGE_SIZE) as usize
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutOptions {
    pub content_type: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// `STANDARD`, `STANDARD_IA`, …; `None` for the service's default.
    pub storage_class: Option<String>,
}

/// A link that reads one object without credentials, until it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ShareLink {
    pub url: String,
    /// Milliseconds since the Unix epoch; `None` for a link that does not expire.
    pub expires_ms: Option<i64>,
}

/// The longest a presigned URL lives with S3's signature version 4.
pub const MAX_LINK_LIFETIME: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Whether a container keeps the versions of its objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Versioning {
    /// The store has no versions at all (a local folder, memory).
    Unsupported,
    /// Never turned on: one version per key.
    Off,
    Enabled,
    /// Turned off after having been on: old versions stay.
    Suspended,
}

/// One version of an object, or a delete marker, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    pub key: String,
    pub version_id: String,
    /// The newest version of the key (for a delete marker: the key is deleted).
    pub latest: bool,
    pub delete_marker: bool,
    pub size: u64,
    pub modified_ms: Option<i64>,
    pub etag: Option<String>,
    pub storage_class: Option<String>,
}

/// One page of versions, newest first within a key, keys in byte order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionPage {
    pub versions: Vec<VersionInfo>,
    pub prefixes: Vec<String>,
    /// Pass back in [`ListOptions::continuation`]; `None` on the last page.
    pub next: Option<String>,
}

/// The result of a write: the new object's entity tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutResult {
    pub etag: Option<String>,
}

/// A part of a multipart upload, as uploaded or as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartInfo {
    /// 1 to 10,000.
    pub number: u32,
    pub etag: String,
    pub size: u64,
}

/// Which bytes of an object [`ObjectStore::get`] reads, and on what condition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetOptions {
    /// The first byte; 0 for the whole object. At or past the end, the body
    /// is empty.
    pub offset: u64,
    /// At most this many bytes from `offset`; `None` for the rest.
    pub len: Option<u64>,
    /// Read only this version: a changed object fails with
    /// [`ErrorKind::Precondition`] instead of mixing two versions.
    pub if_match: Option<String>,
    /// A version other than the latest, in a container that keeps them.
    pub version_id: Option<String>,
}

impl GetOptions {
    /// Bytes `range` of the version `if_match`.
    pub fn range(range: std::ops::Range<u64>, if_match: Option<&str>) -> Self {
        Self {
            offset: range.start,
            len: Some(range.end.saturating_sub(range.start)),
            if_match: if_match.map(str::to_owned),
            version_id: None,
        }
    }
}

/// The bytes of an object as they arrive.
pub type ByteStream = futures::stream::BoxStream<'static, Result<Bytes>>;

/// An object being read: what it is (its whole size and ETag, whatever the
/// range) and the bytes asked for.
pub struct GetResult {
    pub info: ObjectInfo,
    pub body: ByteStream,
}

impl std::fmt::Debug for GetResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GetResult").field("info", &self.info).finish_non_exhaustive()
    }
}

/// A key [`ObjectStore::delete_many`] could not delete, and why.
#[derive(Debug)]
pub struct DeleteFailure {
    pub key: String,
    pub error: StoreError,
}

/// Object storage as Stowage uses it: nine calls every backend has, and
/// the capabilities some have (multipart uploads, versions, share links),
/// each a trait of its own that a backend declares by returning itself from
/// [`ObjectStore::multipart`], [`ObjectStore::versions`] or
/// [`ObjectStore::share_links`], as object_store keeps `MultipartStore`
/// apart and OpenDAL states a `Capability`. Implementations are cheap to
/// share (`Arc<dyn ObjectStore>`) and safe to call concurrently. Putting
/// bytes in local files is done above the trait, once for every backend
/// ([`files`]); retries, limits and fault injection are [`layers`].
#[async_trait]
pub trait ObjectStore: Send + Sync + std::fmt::Debug {
    // Containers.

    async fn list_containers(&self) -> Result<Vec<ContainerInfo>>;

    /// Fails with [`ErrorKind::InvalidInput`] for a name S3 would refuse and
    /// [`ErrorKind::AlreadyExists`] when it exists.
    async fn create_container(&self, name: &str) -> Result<()>;

    /// Deletes an empty container; a non-empty one is a [`ErrorKind::Precondition`] error.
    async fn delete_container(&self, name: &str) -> Result<()>;

    // Objects.

    /// One page of keys in byte order.
    async fn list(&self, container: &str, options: &ListOptions) -> Result<ListPage>;

    async fn head(&self, container: &str, key: &str) -> Result<ObjectInfo>;

    /// Reads the object, or the range `options` names; the body streams as
    /// it arrives. An error in the middle of the body is the stream's last
    /// item: what came before it is good.
    async fn get(&self, container: &str, key: &str, options: &GetOptions) -> Result<GetResult>;

    /// Uploads `body` in one request, replacing any object at `key`. The
    /// caller holds the bytes: it reads a file once, hashing as it reads.
    async fn put(&self, container: &str, key: &str, body: Bytes, options: &PutOptions) -> Result<PutResult>;

    /// Copies the object at `from` to `to` in the same container, on the
    /// server side (no bytes pass through this computer). Content type and
    /// user metadata go with it.
    async fn copy(&self, container: &str, from: &str, to: &str) -> Result<PutResult>;

    /// Deleting a key that does not exist succeeds, as in S3.
    async fn delete(&self, container: &str, key: &str) -> Result<()>;

    /// Deletes many keys, as many per request as the backend takes (S3's
    /// DeleteObjects: 1,000). Keys that do not exist count as deleted. An
    /// error fails the whole call; the keys the service refused one by one
    /// come back with why.
    async fn delete_many(&self, container: &str, keys: &[String]) -> Result<Vec<DeleteFailure>> {
        let mut failed = Vec::new();
        for key in keys {
            if let Err(error) = self.delete(container, key).await {
                if !error.retryable() && error.kind() != ErrorKind::NotFound {
                    failed.push(DeleteFailure { key: key.clone(), error });
                    continue;
                }
                return Err(error);
            }
        }
        Ok(failed)
    }

    // Capabilities: `None` where the backend lacks one.

    /// Big files go in parts only where this is `Some`; elsewhere in one put.
    fn multipart(&self) -> Option<&dyn MultipartStore> {
        None
    }

    fn versions(&self) -> Option<&dyn VersionStore> {
        None
    }

    fn share_links(&self) -> Option<&dyn ShareLinks> {
        None
    }

    /// What this store can do beyond the nine calls, for a front end to
    /// offer only what works.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            multipart: self.multipart().is_some(),
            versions: self.versions().is_some(),
            share_links: self.share_links().is_some(),
        }
    }
}

/// For a caller that needs a capability: the capability, or an error that
/// says the store lacks it.
impl dyn ObjectStore {
    pub fn multipart_or_err(&self) -> Result<&dyn MultipartStore> {
        self.multipart().ok_or_else(|| StoreError::unsupported("This store cannot upload in parts."))
    }

    pub fn versions_or_err(&self) -> Result<&dyn VersionStore> {
        self.versions().ok_or_else(|| StoreError::unsupported("This store keeps no versions of objects."))
    }

    pub fn share_links_or_err(&self) -> Result<&dyn ShareLinks> {
        self.share_links().ok_or_else(|| StoreError::unsupported("This store cannot make share links."))
    }
}

/// The capabilities of a store, as [`ObjectStore::capabilities`] tells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    pub multipart: bool,
    pub versions: bool,
    pub share_links: bool,
}

/// Uploads in parts: a big file is sent as many requests, in parallel, and
/// an interrupted upload continues from the parts that landed.
#[async_trait]
pub trait MultipartStore: Send + Sync {
    /// Starts a multipart upload and returns its id.
    async fn create_multipart(&self, container: &str, key: &str, options: &PutOptions) -> Result<String>;

    /// Sends one part. The returned ETag is the part's MD5 on S3 services:
    /// callers compare it with what they sent (the S3 backend does not sign
    /// the body, so that comparison is the part's integrity check). An
    /// error reading `body` is returned as it came (not as a network error).
    async fn upload_part(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        body: PartBody,
    ) -> Result<PartInfo>;

    /// Makes the object from `parts` (in ascending part number).
    async fn complete_multipart(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        parts: &[PartInfo],
    ) -> Result<PutResult>;

    async fn abort_multipart(&self, container: &str, key: &str, upload_id: &str) -> Result<()>;

    async fn list_parts(&self, container: &str, key: &str, upload_id: &str) -> Result<Vec<PartInfo>>;
}

/// Object versions: a container that keeps each overwritten or deleted
/// object's earlier bytes.
#[async_trait]
pub trait VersionStore: Send + Sync {
    /// Whether the container keeps versions ([`Versioning::Unsupported`]
    /// where this server cannot, though the protocol can).
    async fn versioning(&self, container: &str) -> Result<Versioning>;

    /// Turns versioning on, or suspends it (S3 cannot turn it off for good).
    async fn set_versioning(&self, container: &str, enabled: bool) -> Result<()>;

    /// One page of the versions and delete markers under `options.prefix`.
    async fn list_versions(&self, container: &str, options: &ListOptions) -> Result<VersionPage>;

    /// Deletes one version (or delete marker) for good.
    async fn delete_version(&self, container: &str, key: &str, version_id: &str) -> Result<()>;

    /// Copies a version over the key, on the server, as its newest version:
    /// an overwritten or deleted object comes back, and history is kept.
    async fn restore_version(&self, container: &str, key: &str, version_id: &str) -> Result<PutResult>;
}

/// Links that read an object without credentials.
#[async_trait]
pub trait ShareLinks: Send + Sync {
    /// A URL that reads the object for `expires_in` (a presigned GET on
    /// S3, at most [`MAX_LINK_LIFETIME`]).
    async fn share_link(&self, container: &str, key: &str, expires_in: std::time::Duration) -> Result<ShareLink>;
}

/// Keys one bulk delete sends at once: S3's DeleteObjects takes 1,000.
pub const DELETE_BATCH: usize = 1000;

/// Deletes `keys` in batches of [`DELETE_BATCH`], `in_flight` batches at
/// once (one request each where the backend deletes in bulk); the keys that
/// could not be deleted, with why. A batch that fails as a whole fails each
/// of its keys.
pub async fn delete_all(
    store: &dyn ObjectStore,
    container: &str,
    keys: &[String],
    in_flight: usize,
) -> Vec<DeleteFailure> {
    use futures::stream::{self, StreamExt};
    // Owned batches: a stream of borrowed slices makes a spawned caller's
    // Send proof trip over higher-ranked lifetimes (rust-lang/rust#110338).
    let batches: Vec<Vec<String>> = keys.chunks(DELETE_BATCH).map(<[String]>::to_vec).collect();
    stream::iter(batches)
        .map(|batch| async move {
            match store.delete_many(container, &batch).await {
                Ok(failed) => failed,
                Err(e) => batch
                    .iter()
                    .map(|key| DeleteFailure { key: key.clone(), error: StoreError::new(e.kind(), e.to_string()) })
                    .collect(),
            }
        })
        .buffer_unordered(in_flight.max(1))
        .concat()
        .await
}

/// Checks a key against S3's rules before any backend sees it.
pub(crate) fn check_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(StoreError::invalid_input("An object key cannot be empty."));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(StoreError::invalid_input(format!(
            "The object key is {} bytes long; S3 allows at most {MAX_KEY_BYTES}. Use a shorter name or prefix.",
            key.len()
        )));
    }
    Ok(())
}

pub(crate) fn check_part_number(number: u32) -> Result<()> {
    if (1..=10_000).contains(&number) {
        Ok(())
    } else {
        Err(StoreError::invalid_input(format!("Part number {number} is outside 1..=10000.")))
    }
}

/// The S3 ETag of a multipart object: MD5 of the concatenated binary part
/// MD5s, then `-` and the part count.
pub fn multipart_etag(parts: &[PartInfo]) -> Result<String> {
    use md5::{Digest, Md5};
    let mut hasher = Md5::new();
    for part in parts {
        let bytes = hex::decode(part.etag.trim_matches('"'))
            .map_err(|_| StoreError::invalid_input(format!("Part {} has an ETag that is not an MD5.", part.number)))?;
        hasher.update(bytes);
    }
    Ok(format!("{}-{}", hex::encode(hasher.finalize()), parts.len()))
}

/// Checks that the parts named on completion are ascending and each was uploaded
/// with that ETag; returns the uploaded parts in order.
pub(crate) fn check_completion(requested: &[PartInfo], uploaded: &BTreeMap<u32, PartInfo>) -> Result<Vec<PartInfo>> {
    if requested.is_empty() {
        return Err(StoreError::invalid_input("A multipart upload needs at least one part."));
    }
    let mut previous = 0;
    let mut parts = Vec::with_capacity(requested.len());
    for want in requested {
        if want.number <= previous {
            return Err(StoreError::invalid_input("Parts must be listed in ascending order of part number."));
        }
        previous = want.number;
        match uploaded.get(&want.number) {
            Some(have) if have.etag == want.etag.trim_matches('"') => parts.push(have.clone()),
            _ => {
                return Err(StoreError::new(
                    ErrorKind::PartMismatch,
                    format!("Part {} was not uploaded with that ETag.", want.number),
                ))
            }
        }
    }
    Ok(parts)
}

/// The bytes `options` asks for of a whole object held in memory.
pub(crate) fn slice_of(data: &Bytes, options: &GetOptions) -> Bytes {
    let start = usize::try_from(options.offset).unwrap_or(usize::MAX).min(data.len());
    let end = match options.len {
        Some(len) => start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX)).min(data.len()),
        None => data.len(),
    };
    data.slice(start..end)
}

/// Fails with [`ErrorKind::Precondition`] when the object's ETag is not `expected`.
pub(crate) fn check_expected_etag(
    container: &str,
    key: &str,
    actual: Option<&str>,
    expected: Option<&str>,
) -> Result<()> {
    match (expected, actual) {
        (Some(want), Some(have)) if want.trim_matches('"') != have.trim_matches('"') => Err(StoreError::new(
            ErrorKind::Precondition,
            format!("\"{container}/{key}\" changed since the download started; it starts over."),
        )),
        _ => Ok(()),
    }
}

/// Every byte but unreserved characters and `/` as `%XX`.
pub(crate) fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Refuses a read of a version in a store that keeps none.
pub(crate) fn no_versions(options: &GetOptions) -> Result<()> {
    match options.version_id {
        Some(_) => Err(StoreError::unsupported("This store keeps no versions of objects.")),
        None => Ok(()),
    }
}

/// Now, in milliseconds since the Unix epoch (the unit of `modified_ms`).
pub fn now_ms() -> i64 {
    system_time_ms(std::time::SystemTime::now())
}

pub(crate) fn system_time_ms(t: std::time::SystemTime) -> i64 {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}
