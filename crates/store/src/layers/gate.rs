//! A gate in front of the store: while it is closed no new call starts, and
//! an upload in flight stops sending at its next chunk (where the backend
//! streams bodies) until it opens: a paused transfer moves nothing. A part
//! held past the server's patience fails and is sent again, whole, once the
//! gate opens. A cancelled transfer is let through, to fail or to abort its
//! uploads. Clones of a [`PauseGate`] share it.

use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::body::BodyWatch;
use super::{Layer, Layered, Op};
use crate::{ObjectStore, Result};

#[derive(Debug, Clone)]
pub struct PauseGate(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for PauseGate {
    fn default() -> Self {
        Self(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl PauseGate {
    pub fn set_paused(&self, paused: bool) {
        self.0.send_replace(paused);
    }

    pub fn is_paused(&self) -> bool {
        *self.0.borrow()
    }

    /// Returns once the gate is open, or `cancel` fires.
    pub async fn wait_open(&self, cancel: &CancellationToken) {
        let mut open = self.0.subscribe();
        tokio::select! {
            _ = open.wait_for(|paused| !*paused) => {}
            () = cancel.cancelled() => {}
        }
    }
}

#[derive(Debug, Clone)]
pub struct Gate {
    gate: PauseGate,
    cancel: CancellationToken,
}

impl Gate {
    pub fn wrap(inner: Arc<dyn ObjectStore>, gate: PauseGate, cancel: CancellationToken) -> Layered<Self> {
        Layered::new(inner, Self { gate, cancel })
    }
}

impl Layer for Gate {
    async fn around<T, F, Fut>(&self, _op: Op, _sent: u64, mut call: F) -> Result<T>
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        self.gate.wait_open(&self.cancel).await;
        BodyWatch::gated(&self.gate, &self.cancel, call()).await
    }
}
