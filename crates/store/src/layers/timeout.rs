//! A call that makes no progress for the stall time fails with
//! [`ErrorKind::Timeout`], which the retry layer sends again. Progress is
//! any sign of life, not the whole call's length: an upload's chunks taken
//! by the connection (a backend that streams reports them, see
//! [`BodyWatch`](super::BodyWatch)), the answer, and each chunk of a read's
//! body while its reader waits for it. So a big part on a slow link goes on
//! as long as it moves, a server that froze is left after the stall time,
//! and a bandwidth limit's own waits never count.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use super::body::Clock;
use super::{Layer, Layered, Op};
use crate::{ErrorKind, GetResult, ObjectStore, Result, StoreError};

#[derive(Debug, Clone)]
pub struct Timeout {
    stall: Duration,
}

impl Timeout {
    pub fn wrap(inner: Arc<dyn ObjectStore>, stall: Duration) -> Layered<Self> {
        Layered::new(inner, Self { stall })
    }
}

impl Layer for Timeout {
    async fn around<T, F, Fut>(&self, op: Op, _sent: u64, mut call: F) -> Result<T>
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        let clock = Clock::start();
        let call = clock.watching(call());
        tokio::pin!(call);
        loop {
            let wake = clock.stalls_at(self.stall).unwrap_or_else(|| tokio::time::Instant::now() + self.stall);
            tokio::select! {
                out = &mut call => return out,
                () = tokio::time::sleep_until(wake) => {
                    if clock.stalls_at(self.stall).is_some_and(|at| at <= tokio::time::Instant::now()) {
                        return Err(stalled(op, self.stall));
                    }
                }
            }
        }
    }

    async fn get_through<F, Fut>(&self, call: F) -> Result<GetResult>
    where
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<GetResult>> + Send,
    {
        let got = self.around(Op::Get, 0, call).await?;
        let stall = self.stall;
        // Each chunk must come within the stall time of being asked for;
        // the reader's own pauses between chunks do not count.
        let body = futures::stream::unfold(Some(got.body), move |body| async move {
            let mut body = body?;
            match tokio::time::timeout(stall, body.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some(body))),
                Ok(None) => None,
                // The last item: the stream ends after an error.
                Err(_) => Some((Err(stalled(Op::Get, stall)), None)),
            }
        });
        Ok(GetResult { info: got.info, body: body.boxed() })
    }
}

fn stalled(op: Op, stall: Duration) -> StoreError {
    StoreError::new(
        ErrorKind::Timeout,
        format!(
            "The server did not answer within {} seconds ({}). Check your network, the Endpoint field, and any \
             proxy or firewall.",
            stall.as_secs_f64(),
            op.doing()
        ),
    )
}
