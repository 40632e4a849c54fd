//! Calls that fail with a kind a retry can help (network, timeout,
//! throttling, a server error) are sent again after a growing pause, up to
//! a number of attempts; the final error says how often it was tried. A
//! cancelled transfer stops retrying at once. A read is retried until its
//! body starts; an error in the middle of a body is the reader's (the file
//! helpers continue from where it stopped).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Layer, Layered, Op};
use crate::{ObjectStore, Result, StoreError};

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// Told of every retry, so a transfer can say it is waiting for the server.
    pub on_retry: Option<OnRetry>,
}

/// What a retry calls; a closure behind an `Arc` so the policy stays `Clone`.
#[derive(Clone)]
pub struct OnRetry(pub Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for OnRetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnRetry")
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 5,
            first_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            on_retry: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Retry {
    policy: RetryPolicy,
    cancel: CancellationToken,
}

impl Retry {
    pub fn wrap(inner: Arc<dyn ObjectStore>, policy: RetryPolicy) -> Layered<Self> {
        Layered::new(inner, Self { policy, cancel: CancellationToken::new() })
    }
}

impl Layered<Retry> {
    /// Stops retrying, and waiting to, once `cancel` fires.
    pub fn until(self, cancel: CancellationToken) -> Self {
        let layer = Retry { cancel, policy: self.policy.clone() };
        Layered::new(self.inner, layer)
    }
}

impl Layer for Retry {
    async fn around<T, F, Fut>(&self, op: Op, _sent: u64, mut call: F) -> Result<T>
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        let mut delay = self.policy.first_backoff;
        let mut tries = 1;
        loop {
            match call().await {
                Err(e) if e.retryable() && tries < self.policy.attempts && !self.cancel.is_cancelled() => {
                    tracing::debug!(?op, tries, "retrying after: {e}");
                    if let Some(OnRetry(told)) = &self.policy.on_retry {
                        told();
                    }
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = self.cancel.cancelled() => return Err(tried(e, tries)),
                    }
                    delay = (delay * 2).min(self.policy.max_backoff);
                    tries += 1;
                }
                Err(e) if tries > 1 => return Err(tried(e, tries)),
                other => return other,
            }
        }
    }
}

/// The last error, saying it was not the first try.
fn tried(error: StoreError, tries: u32) -> StoreError {
    let message = format!("{} (tried {tries} times).", error.message().trim_end_matches('.'));
    StoreError::new(error.kind(), message).with_source(error)
}
