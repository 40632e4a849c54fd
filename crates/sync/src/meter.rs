//! A transfer's bytes counted as they move, not when a part or file ends: a
//! bar that moves under a bandwidth limit, a rate that falls to nothing the
//! moment a server stops taking bytes. One meter per part, range or file
//! hears the position its body reached in each try (see
//! `stowage_store::layers::BodyWatch`) and counts the most any try reached,
//! so a retry that starts over is not counted twice. A backend that moves
//! bodies whole says nothing while it works; the meter counts the rest when
//! the work ends.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use stowage_store::layers::watch_moved;

use crate::events::{EventSink, TransferEvent};

pub(crate) struct Meter {
    sink: Arc<dyn EventSink>,
    /// Bytes counted so far: the furthest any try got.
    counted: AtomicU64,
    /// The position last heard, to see a try start over.
    last: AtomicU64,
    /// A try was left midway and another started from the first byte.
    restarted: AtomicBool,
}

impl Meter {
    pub(crate) fn new(sink: &Arc<dyn EventSink>) -> Arc<Self> {
        Arc::new(Self {
            sink: sink.clone(),
            counted: AtomicU64::new(0),
            last: AtomicU64::new(0),
            restarted: AtomicBool::new(false),
        })
    }

    /// Runs `call`, counting the bodies it moves.
    pub(crate) async fn watching<F: Future>(self: &Arc<Self>, call: F) -> F::Output {
        let meter = self.clone();
        watch_moved(Arc::new(move |position| meter.reached(position)), call).await
    }

    /// A try's body got to `position`: positions only grow within a try.
    fn reached(&self, position: u64) {
        if position <= self.last.swap(position, Ordering::Relaxed) {
            self.restarted.store(true, Ordering::Relaxed);
        }
        let before = self.counted.fetch_max(position, Ordering::Relaxed);
        if position > before {
            self.sink.send(TransferEvent::Progress { bytes: position - before });
        }
    }

    /// The work is done: its `len` bytes all count.
    pub(crate) fn finish(&self, len: u64) {
        let before = self.counted.fetch_max(len, Ordering::Relaxed);
        if len > before {
            self.sink.send(TransferEvent::Progress { bytes: len - before });
        }
    }

    /// Whether a try was left midway: the service may still receive its
    /// start after a later try finished.
    pub(crate) fn restarted(&self) -> bool {
        self.restarted.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Sum(Mutex<u64>);

    impl EventSink for Sum {
        fn send(&self, event: TransferEvent) {
            if let TransferEvent::Progress { bytes } = event {
                *self.0.lock().expect("lock") += bytes;
            }
        }
    }

    #[test]
    fn a_retry_that_starts_over_is_counted_once_and_noticed() {
        let sum = Arc::new(Sum::default());
        let sink: Arc<dyn EventSink> = sum.clone();
        let meter = Meter::new(&sink);
        for position in [10, 20, 30] {
            meter.reached(position);
        }
        assert!(!meter.restarted());
        // The second try starts from its first chunk again.
        for position in [10, 20, 30, 40] {
            meter.reached(position);
        }
        meter.finish(50);
        assert_eq!(*sum.0.lock().expect("lock"), 50, "each byte once");
        assert!(meter.restarted());
    }

    #[test]
    fn a_body_moved_whole_counts_when_it_ends() {
        let sum = Arc::new(Sum::default());
        let sink: Arc<dyn EventSink> = sum.clone();
        let meter = Meter::new(&sink);
        meter.finish(7);
        meter.finish(7);
        assert_eq!(*sum.0.lock().expect("lock"), 7);
        assert!(!meter.restarted());
    }
}
