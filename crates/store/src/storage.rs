//! One profile's storage as every feature reaches it, as OpenDAL's operator
//! does: the backend behind one stack of layers, built once when the profile
//! is connected. Every call is timed (a request that shows no progress for
//! the stall time fails, to be sent again) and takes a slot of the
//! profile's one request limit, which every transfer, view and watch of the
//! profile shares (one server's limit: another profile is another server).
//! Browsing, a plan's listing, watch rounds, volume
//! surveys and crash recovery use [`Storage::store`], which also retries; a
//! transfer builds its own retries, pause gate, limit and bandwidth limits
//! over [`Storage::shared`] (stowage-sync's `Tuning::transfer_store`), so it
//! is told of each retry and stops retrying when cancelled.

use std::sync::Arc;
use std::time::Duration;

use crate::layers::{Limit, Retry, RetryPolicy, Timeout};
use crate::ObjectStore;

/// How a profile's storage uses the network.
#[derive(Debug, Clone)]
pub struct StoragePolicy {
    /// A request that shows no progress for this long fails and is retried.
    pub stall: Duration,
    /// Requests in flight at once to the profile's server, every transfer,
    /// view and watch together.
    pub requests: usize,
    /// How calls outside transfers are retried.
    pub retry: RetryPolicy,
}

impl Default for StoragePolicy {
    fn default() -> Self {
        Self { stall: DEFAULT_STALL, requests: 256, retry: RetryPolicy::default() }
    }
}

/// The stall time when the settings name none. The AWS CLI waits 60 s for
/// a read, rclone 5 minutes of no progress; half a minute lets a person see
/// a frozen server retried within the first minute, while a call that
/// moves, however slowly, goes on.
pub const DEFAULT_STALL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct Storage {
    shared: Arc<dyn ObjectStore>,
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    pub fn new(backend: Arc<dyn ObjectStore>, policy: StoragePolicy) -> Self {
        let timed = Arc::new(Timeout::wrap(backend, policy.stall));
        let shared: Arc<dyn ObjectStore> = Arc::new(Limit::wrap(timed, policy.requests));
        let store = Arc::new(Retry::wrap(shared.clone(), policy.retry));
        Self { shared, store }
    }

    /// Every call timed and limited, and retried by the default policy.
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// Timed and limited, not retried: what a transfer builds its own layers on.
    pub fn shared(&self) -> Arc<dyn ObjectStore> {
        self.shared.clone()
    }
}
