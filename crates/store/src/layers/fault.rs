//! For tests: fails chosen calls with chosen kinds of error, a number of
//! times each, and counts the calls, so retries, limits and the engine's
//! handling of failures can be tested without a misbehaving server.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use super::{around_every_call, Op};
use crate::{ErrorKind, GetResult, ObjectStore, Result, StoreError};

#[derive(Debug, Clone)]
pub struct Faults {
    inner: Arc<dyn ObjectStore>,
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    /// Per operation: the kind of error, and how many calls still fail.
    failing: HashMap<Op, (ErrorKind, u32)>,
    calls: HashMap<Op, u64>,
}

impl Faults {
    pub fn wrap(inner: Arc<dyn ObjectStore>) -> Self {
        Self { inner, state: Arc::default() }
    }

    /// The next `times` calls of `op` fail with `kind`.
    pub fn fail(&self, op: Op, kind: ErrorKind, times: u32) {
        self.lock().failing.insert(op, (kind, times));
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
        *state.calls.entry(op).or_default() += 1;
        match state.failing.get_mut(&op) {
            Some((kind, times)) if *times > 0 => {
                *times -= 1;
                Err(StoreError::new(*kind, format!("{op:?} failed ({kind:?}, injected by the test)")))
            }
            _ => Ok(()),
        }
    }

    async fn around<T, F, Fut>(&self, op: Op, _sent: u64, mut call: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.check(op)?;
        call().await
    }

    async fn get_through<F, Fut>(&self, call: F) -> Result<GetResult>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<GetResult>>,
    {
        self.around(Op::Get, 0, call).await
    }
}

around_every_call!(Faults);
