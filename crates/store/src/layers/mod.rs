//! Wrappers that implement [`ObjectStore`] around any other store, as
//! OpenDAL's layers and object_store's `LimitStore` do, so every caller —
//! a transfer, a listing, a delete — gets the same behaviour:
//!
//! - [`Retry`]: calls that fail with a kind a retry can help are sent again
//!   with backoff; the final error says how often it was tried.
//! - [`Limit`]: at most N calls in flight (a transfer's whole pool of
//!   requests); a read holds its slot until its body is consumed.
//! - [`Gate`]: while a [`PauseGate`] is closed (a paused transfer) no call
//!   starts and an upload in flight holds at its next chunk.
//! - [`Throttled`]: bytes sent and received take their turn from one or
//!   more [`Throttle`]s (a bandwidth limit).
//! - [`Timeout`]: a call that shows no sign of life for the stall time
//!   fails, to be retried.
//! - [`Faults`] (feature `test-support`): fails chosen calls, for tests.
//!
//! Each is a [`Layer`]: one `around` every call goes through. [`Layered`]
//! puts a layer over a store and forwards every operation of the store and
//! of its capabilities through it, so a new operation is added once, there,
//! and the compiler asks for it (no capability trait has default methods).

mod bandwidth;
mod body;
#[cfg(any(test, feature = "test-support"))]
mod fault;
mod gate;
mod limit;
mod retry;
mod timeout;

pub use bandwidth::{BandwidthLimit, Direction, Rates, Throttle, Throttled};
pub use body::{watch_moved, BodyWatch, Moved};
#[cfg(any(test, feature = "test-support"))]
pub use fault::Faults;
pub use gate::{Gate, PauseGate};
pub use limit::Limit;
pub use retry::{OnRetry, Retry, RetryPolicy};
pub use timeout::Timeout;

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

use crate::{
    ContainerInfo, DeleteFailure, GetOptions, GetResult, ListOptions, ListPage, MultipartStore, ObjectInfo,
    ObjectStore, PartBody, PartInfo, PutOptions, PutResult, Result, ShareLink, ShareLinks, VersionPage, VersionStore,
    Versioning,
};

/// The store operations, named for faults and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    ListContainers,
    CreateContainer,
    DeleteContainer,
    List,
    Head,
    Get,
    Put,
    Copy,
    Delete,
    DeleteMany,
    CreateMultipart,
    UploadPart,
    CompleteMultipart,
    AbortMultipart,
    ListParts,
    ShareLink,
    Versioning,
    SetVersioning,
    ListVersions,
    DeleteVersion,
    RestoreVersion,
}

impl Op {
    /// What the call was doing, for a sentence about it.
    pub fn doing(self) -> &'static str {
        match self {
            Self::ListContainers => "listing the containers",
            Self::CreateContainer => "creating a container",
            Self::DeleteContainer => "deleting a container",
            Self::List => "listing objects",
            Self::Head => "reading an object's details",
            Self::Get => "downloading",
            Self::Put => "uploading",
            Self::Copy => "copying an object",
            Self::Delete | Self::DeleteMany => "deleting",
            Self::CreateMultipart => "starting a multipart upload",
            Self::UploadPart => "uploading a part",
            Self::CompleteMultipart => "completing a multipart upload",
            Self::AbortMultipart => "aborting a multipart upload",
            Self::ListParts => "listing an upload's parts",
            Self::ShareLink => "signing a share link",
            Self::Versioning => "reading whether versions are kept",
            Self::SetVersioning => "changing whether versions are kept",
            Self::ListVersions => "listing versions",
            Self::DeleteVersion => "deleting a version",
            Self::RestoreVersion => "restoring a version",
        }
    }
}

/// What a layer does around each call to the store beneath it.
pub trait Layer: Send + Sync + std::fmt::Debug {
    /// Runs `call` — the inner store's call, which a layer may make again —
    /// as this layer does. `sent` is the body's length for a put or a part,
    /// else 0.
    fn around<T, F, Fut>(&self, op: Op, sent: u64, call: F) -> impl Future<Output = Result<T>> + Send
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send;

    /// A read, whose body still flows after the call returns (a limit keeps
    /// its slot, a timeout watches each chunk). By default as any call.
    fn get_through<F, Fut>(&self, call: F) -> impl Future<Output = Result<GetResult>> + Send
    where
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<GetResult>> + Send,
    {
        self.around(Op::Get, 0, call)
    }
}

/// A store with a layer over it. Dereferences to the layer, so a test can
/// set its faults and a transfer read its state through the store it uses.
#[derive(Debug, Clone)]
pub struct Layered<L> {
    layer: L,
    inner: Arc<dyn ObjectStore>,
}

impl<L: Layer> Layered<L> {
    pub fn new(inner: Arc<dyn ObjectStore>, layer: L) -> Self {
        Self { layer, inner }
    }
}

impl<L> std::ops::Deref for Layered<L> {
    type Target = L;

    fn deref(&self) -> &L {
        &self.layer
    }
}

#[async_trait]
impl<L: Layer + 'static> ObjectStore for Layered<L> {
    async fn list_containers(&self) -> Result<Vec<ContainerInfo>> {
        self.layer.around(Op::ListContainers, 0, || self.inner.list_containers()).await
    }

    async fn create_container(&self, name: &str) -> Result<()> {
        self.layer.around(Op::CreateContainer, 0, || self.inner.create_container(name)).await
    }

    async fn delete_container(&self, name: &str) -> Result<()> {
        self.layer.around(Op::DeleteContainer, 0, || self.inner.delete_container(name)).await
    }

    async fn list(&self, container: &str, options: &ListOptions) -> Result<ListPage> {
        self.layer.around(Op::List, 0, || self.inner.list(container, options)).await
    }

    async fn head(&self, container: &str, key: &str) -> Result<ObjectInfo> {
        self.layer.around(Op::Head, 0, || self.inner.head(container, key)).await
    }

    async fn get(&self, container: &str, key: &str, options: &GetOptions) -> Result<GetResult> {
        self.layer.get_through(|| self.inner.get(container, key, options)).await
    }

    async fn put(&self, container: &str, key: &str, body: Bytes, options: &PutOptions) -> Result<PutResult> {
        let sent = body.len() as u64;
        self.layer.around(Op::Put, sent, || self.inner.put(container, key, body.clone(), options)).await
    }

    async fn copy(&self, container: &str, from: &str, to: &str) -> Result<PutResult> {
        self.layer.around(Op::Copy, 0, || self.inner.copy(container, from, to)).await
    }

    async fn delete(&self, container: &str, key: &str) -> Result<()> {
        self.layer.around(Op::Delete, 0, || self.inner.delete(container, key)).await
    }

    async fn delete_many(&self, container: &str, keys: &[String]) -> Result<Vec<DeleteFailure>> {
        self.layer.around(Op::DeleteMany, 0, || self.inner.delete_many(container, keys)).await
    }

    fn multipart(&self) -> Option<&dyn MultipartStore> {
        self.inner.multipart().map(|_| self as &dyn MultipartStore)
    }

    fn versions(&self) -> Option<&dyn VersionStore> {
        self.inner.versions().map(|_| self as &dyn VersionStore)
    }

    fn share_links(&self) -> Option<&dyn ShareLinks> {
        self.inner.share_links().map(|_| self as &dyn ShareLinks)
    }
}

// A capability's calls go through the layer even where the store beneath
// lacks it, so that each is seen (counted, failed on purpose) as itself.

#[async_trait]
impl<L: Layer + 'static> MultipartStore for Layered<L> {
    async fn create_multipart(&self, container: &str, key: &str, options: &PutOptions) -> Result<String> {
        let inner = &self.inner;
        self.layer
            .around(Op::CreateMultipart, 0, move || async move {
                inner.multipart_or_err()?.create_multipart(container, key, options).await
            })
            .await
    }

    async fn upload_part(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        body: PartBody,
    ) -> Result<PartInfo> {
        let (inner, sent) = (&self.inner, body.len());
        self.layer
            .around(Op::UploadPart, sent, move || {
                let body = body.clone();
                async move { inner.multipart_or_err()?.upload_part(container, key, upload_id, number, body).await }
            })
            .await
    }

    async fn complete_multipart(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        parts: &[PartInfo],
    ) -> Result<PutResult> {
        let inner = &self.inner;
        self.layer
            .around(Op::CompleteMultipart, 0, move || async move {
                inner.multipart_or_err()?.complete_multipart(container, key, upload_id, parts).await
            })
            .await
    }

    async fn abort_multipart(&self, container: &str, key: &str, upload_id: &str) -> Result<()> {
        let inner = &self.inner;
        self.layer
            .around(Op::AbortMultipart, 0, move || async move {
                inner.multipart_or_err()?.abort_multipart(container, key, upload_id).await
            })
            .await
    }

    async fn list_parts(&self, container: &str, key: &str, upload_id: &str) -> Result<Vec<PartInfo>> {
        let inner = &self.inner;
        self.layer
            .around(Op::ListParts, 0, move || async move {
                inner.multipart_or_err()?.list_parts(container, key, upload_id).await
            })
            .await
    }
}

#[async_trait]
impl<L: Layer + 'static> VersionStore for Layered<L> {
    async fn versioning(&self, container: &str) -> Result<Versioning> {
        let inner = &self.inner;
        self.layer
            .around(Op::Versioning, 0, move || async move { inner.versions_or_err()?.versioning(container).await })
            .await
    }

    async fn set_versioning(&self, container: &str, enabled: bool) -> Result<()> {
        let inner = &self.inner;
        self.layer
            .around(Op::SetVersioning, 0, move || async move {
                inner.versions_or_err()?.set_versioning(container, enabled).await
            })
            .await
    }

    async fn list_versions(&self, container: &str, options: &ListOptions) -> Result<VersionPage> {
        let inner = &self.inner;
        self.layer
            .around(Op::ListVersions, 0, move || async move {
                inner.versions_or_err()?.list_versions(container, options).await
            })
            .await
    }

    async fn delete_version(&self, container: &str, key: &str, version_id: &str) -> Result<()> {
        let inner = &self.inner;
        self.layer
            .around(Op::DeleteVersion, 0, move || async move {
                inner.versions_or_err()?.delete_version(container, key, version_id).await
            })
            .await
    }

    async fn restore_version(&self, container: &str, key: &str, version_id: &str) -> Result<PutResult> {
        let inner = &self.inner;
        self.layer
            .around(Op::RestoreVersion, 0, move || async move {
                inner.versions_or_err()?.restore_version(container, key, version_id).await
            })
            .await
    }
}

#[async_trait]
impl<L: Layer + 'static> ShareLinks for Layered<L> {
    async fn share_link(&self, container: &str, key: &str, expires_in: std::time::Duration) -> Result<ShareLink> {
        let inner = &self.inner;
        self.layer
            .around(Op::ShareLink, 0, move || async move {
                inner.share_links_or_err()?.share_link(container, key, expires_in).await
            })
            .await
    }
}
