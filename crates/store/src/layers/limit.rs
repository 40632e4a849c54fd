//! At most N calls in flight through this store: one pool of requests for a
//! whole transfer (files, parts, ranges, listings and deletes alike). A read
//! keeps its slot until its body has been read or dropped, since the bytes
//! still flow on its connection.

use std::future::Future;
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::Semaphore;

use super::{Layer, Layered, Op};
use crate::{ErrorKind, GetResult, ObjectStore, Result, StoreError};

#[derive(Debug, Clone)]
pub struct Limit {
    slots: Arc<Semaphore>,
}

impl Limit {
    pub fn wrap(inner: Arc<dyn ObjectStore>, calls_in_flight: usize) -> Layered<Self> {
        Layered::new(inner, Self { slots: Arc::new(Semaphore::new(calls_in_flight.max(1))) })
    }

    async fn slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit> {
        // The semaphore is never closed; this is only its error type.
        self.slots.clone().acquire_owned().await.map_err(|e| StoreError::new(ErrorKind::Io, e.to_string()))
    }
}

impl Layer for Limit {
    async fn around<T, F, Fut>(&self, _op: Op, _sent: u64, mut call: F) -> Result<T>
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        let _slot = self.slot().await?;
        call().await
    }

    async fn get_through<F, Fut>(&self, mut call: F) -> Result<GetResult>
    where
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<GetResult>> + Send,
    {
        let slot = self.slot().await?;
        let got = call().await?;
        // The slot goes with the body: released when the stream is dropped.
        let body = got.body.map(move |chunk| {
            let _held = &slot;
            chunk
        });
        Ok(GetResult { info: got.info, body: body.boxed() })
    }
}
