//! What follows a body while a backend moves it chunk by chunk: the
//! bandwidth layer paces an upload's chunks, the timeout layer sees the call
//! is alive, and the caller counts the bytes (a transfer's bar). Each sets
//! its part for the one call it wraps, through a task-local, since the call
//! passes through layers that know nothing of each other; a backend that
//! streams a body takes the watch and reports every chunk to it.
//!
//! A retry sends the body again from its first byte: the positions a watch
//! is told start again at the first chunk, and a caller that counts by
//! position (not by adding chunks) never counts a byte twice.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use tokio_util::sync::CancellationToken;

use super::bandwidth::{take_all, Direction, Throttle};
use super::gate::PauseGate;

tokio::task_local! {
    static WATCH: BodyWatch;
}

/// Told the position in the body (bytes moved by this try) after each chunk.
pub type Moved = Arc<dyn Fn(u64) + Send + Sync>;

/// The watch over the body of the call in progress.
#[derive(Clone, Default)]
pub struct BodyWatch {
    /// Limits an upload's chunks take their turn from.
    throttles: Vec<Throttle>,
    /// A paused transfer's gate: an upload's chunks wait while it is closed
    /// (until the transfer is cancelled).
    gate: Option<(PauseGate, CancellationToken)>,
    /// The timeout layer's clock.
    clock: Option<Arc<Clock>>,
    moved: Option<Moved>,
    /// Set once a backend took an upload's body over, chunk by chunk.
    streamed: Arc<AtomicBool>,
}

impl std::fmt::Debug for BodyWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyWatch").field("throttles", &self.throttles.len()).finish_non_exhaustive()
    }
}

impl BodyWatch {
    /// The watch of the call in progress (a watch that does nothing outside any).
    pub fn current() -> BodyWatch {
        WATCH.try_with(Clone::clone).unwrap_or_default()
    }

    /// The watch of an upload a backend sends chunk by chunk: it then owes
    /// every chunk to [`BodyWatch::pace`] and [`BodyWatch::moved`].
    pub fn take() -> BodyWatch {
        let watch = Self::current();
        watch.streamed.store(true, Ordering::Relaxed);
        watch
    }

    /// Waits until `len` more bytes may go up: while the transfer is
    /// paused, then for the bandwidth limits. The call does not count as
    /// stalled meanwhile (the wait is ours, not the server's).
    pub async fn pace(&self, len: u64) {
        let paused = self.gate.as_ref().filter(|(gate, cancel)| gate.is_paused() && !cancel.is_cancelled());
        if self.throttles.is_empty() && paused.is_none() {
            return;
        }
        let _held = self.clock.as_ref().map(|clock| clock.hold());
        if let Some((gate, cancel)) = paused {
            gate.wait_open(cancel).await;
        }
        take_all(&self.throttles, Direction::Up, len).await;
    }

    /// Runs `call` with its upload bodies held while `gate` is closed.
    pub(crate) async fn gated<F: Future>(gate: &PauseGate, cancel: &CancellationToken, call: F) -> F::Output {
        let gate = (gate.clone(), cancel.clone());
        Self::scope(|watch| watch.gate = Some(gate), call).await
    }

    /// The body reached `position` bytes in this try.
    pub fn moved(&self, position: u64) {
        if let Some(clock) = &self.clock {
            clock.touch();
        }
        if let Some(moved) = &self.moved {
            moved(position);
        }
    }

    /// Runs `call` with this watch as changed by `edit`.
    pub(crate) async fn scope<F: Future>(edit: impl FnOnce(&mut BodyWatch), call: F) -> F::Output {
        let mut watch = Self::current();
        edit(&mut watch);
        WATCH.scope(watch, call).await
    }

    /// A fresh watch of the calls `call` makes, its throttles added to the
    /// current ones (a transfer's and the app's limits both hold).
    pub(crate) async fn paced<F: Future>(throttles: &[Throttle], call: F) -> (F::Output, bool) {
        let streamed = Arc::new(AtomicBool::new(false));
        let flag = streamed.clone();
        let out = Self::scope(
            |watch| {
                watch.throttles.extend_from_slice(throttles);
                watch.streamed = flag;
            },
            call,
        )
        .await;
        (out, streamed.load(Ordering::Relaxed))
    }
}

/// Runs `call` telling `moved` the position of each body it sends or
/// receives: how a transfer counts its bytes as they go.
pub async fn watch_moved<F: Future>(moved: Moved, call: F) -> F::Output {
    BodyWatch::scope(|watch| watch.moved = Some(moved), call).await
}

/// When a call last showed it is alive, for the timeout layer.
#[derive(Debug)]
pub(crate) struct Clock {
    last: Mutex<Instant>,
    /// Waits of our own in progress (a bandwidth limit): not a stall.
    holds: AtomicUsize,
}

impl Clock {
    pub(crate) fn start() -> Arc<Self> {
        Arc::new(Self { last: Mutex::new(Instant::now()), holds: AtomicUsize::new(0) })
    }

    fn touch(&self) {
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    fn hold(self: &Arc<Self>) -> Hold {
        self.holds.fetch_add(1, Ordering::SeqCst);
        Hold(self.clone())
    }

    /// When the call counts as stalled if nothing moves before: `after`
    /// past the last sign of life; `None` while one of our own waits runs.
    pub(crate) fn stalls_at(&self, after: Duration) -> Option<Instant> {
        if self.holds.load(Ordering::SeqCst) > 0 {
            return None;
        }
        Some(*self.last.lock().unwrap_or_else(|e| e.into_inner()) + after)
    }

    /// Runs `call` with this clock watching its body.
    pub(crate) async fn watching<F: Future>(self: &Arc<Self>, call: F) -> F::Output {
        let clock = self.clone();
        BodyWatch::scope(|watch| watch.clock = Some(clock), call).await
    }
}

/// One of our own waits; the clock starts again from its end.
struct Hold(Arc<Clock>);

impl Drop for Hold {
    fn drop(&mut self) {
        self.0.touch();
        self.0.holds.fetch_sub(1, Ordering::SeqCst);
    }
}
