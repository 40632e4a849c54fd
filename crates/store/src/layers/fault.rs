//! For tests: fails chosen calls with chosen kinds of error, or holds their
//! answer back (the store did the work, the caller hears of it late), a
//! number of times each, and counts the calls, so retries, timeouts, limits
//! and the engine's handling of failures can be tested without a
//! misbehaving server.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Layer, Layered, Op};
use crate::{ErrorKind, ObjectStore, Result, StoreError};

#[derive(Debug, Clone)]
pub struct Faults {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Per operation: the kind of error, and how many calls still fail.
    failing: HashMap<Op, (ErrorKind, u32)>,
    /// Per operation: how long the answer is held, and for how many calls.
    stalling: HashMap<Op, (Duration, u32)>,
    /// Per operation: what runs before which call (the first is 1).
    hooks: HashMap<Op, (u64, Hook)>,
    calls: HashMap<Op, u64>,
}

/// What a test runs at a chosen call (freezing a server, say).
type Hook = Arc<dyn Fn() + Send + Sync>;

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State").field("failing", &self.failing).field("calls", &self.calls).finish_non_exhaustive()
    }
}

impl Faults {
    pub fn wrap(inner: Arc<dyn ObjectStore>) -> Layered<Self> {
        Layered::new(inner, Self { state: Arc::default() })
    }

    /// The next `times` calls of `op` fail with `kind`.
    pub fn fail(&self, op: Op, kind: ErrorKind, times: u32) {
        self.lock().failing.insert(op, (kind, times));
    }

    /// The next `times` calls of `op` run to their end in the inner store,
    /// and their answer comes `after` later: a server that did the work but
    /// answered past the client's timeout.
    pub fn stall(&self, op: Op, after: Duration, times: u32) {
        self.lock().stalling.insert(op, (after, times));
    }

    /// Runs `hook` just before the `nth` call of `op` (the first is 1) goes
    /// to the inner store: what a test does to a real server midway.
    pub fn before(&self, op: Op, nth: u64, hook: impl Fn() + Send + Sync + 'static) {
        self.lock().hooks.insert(op, (nth, Arc::new(hook)));
    }

    /// How many calls of `op` were made, failed ones included.
    pub fn calls(&self, op: Op) -> u64 {
        self.lock().calls.get(&op).copied().unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check(&self, op: Op) -> Result<()> {
        let mut state = self.lock();
        let calls = state.calls.entry(op).or_default();
        *calls += 1;
        let nth = *calls;
        if let Some((_, hook)) = state.hooks.get(&op).filter(|(at, _)| *at == nth) {
            let hook = hook.clone();
            drop(state);
            hook();
            state = self.lock();
        }
        match state.failing.get_mut(&op) {
            Some((kind, times)) if *times > 0 => {
                *times -= 1;
                Err(StoreError::new(*kind, format!("{op:?} failed ({kind:?}, injected by the test)")))
            }
            _ => Ok(()),
        }
    }

    fn stalls(&self, op: Op) -> Option<Duration> {
        match self.lock().stalling.get_mut(&op) {
            Some((after, times)) if *times > 0 => {
                *times -= 1;
                Some(*after)
            }
            _ => None,
        }
    }
}

impl Layer for Faults {
    async fn around<T, F, Fut>(&self, op: Op, _sent: u64, mut call: F) -> Result<T>
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        self.check(op)?;
        let stall = self.stalls(op);
        let out = call().await;
        if let Some(after) = stall {
            tokio::time::sleep(after).await;
        }
        out
    }
}
