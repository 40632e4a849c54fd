//! What the engine reports while it works. The engine sends events to a
//! sink; the CLI draws them as a progress bar, the desktop shell forwards
//! them to the window. [`Tracker`] turns them into totals, rate and ETA.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::scan::Skipped;

pub trait EventSink: Send + Sync {
    fn send(&self, event: TransferEvent);
}

/// A sink for transfers nobody follows.
#[derive(Debug, Default)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn send(&self, _event: TransferEvent) {}
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum TransferEvent {
    /// The files were found and the destination listed.
    #[serde(rename_all = "camelCase")]
    Started { files: u64, bytes: u64, skipped: Vec<Skipped> },
    /// More bytes reached the store (a part or a whole small file).
    Progress { bytes: u64 },
    /// A request failed in a way a retry can help and is being sent again.
    Retried,
    /// One file is finished, one way or another.
    FileDone { key: String, size: u64, outcome: FileOutcome },
    /// The transfer is over. Always the last event.
    Finished { summary: Summary },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FileOutcome {
    /// Uploaded to `key` (which differs from the planned key for "keep both").
    Uploaded {
        key: String,
        /// The stored object's ETag.
        etag: Option<String>,
    },
    /// Uploaded over a different object of the same key, as the person chose.
    Replaced {
        key: String,
        etag: Option<String>,
    },
    /// Written to this computer.
    Downloaded,
    /// Removed (or moved to the backup prefix) by a sync.
    Deleted,
    /// The same content was already there.
    Identical,
    /// A different object was there and the policy said skip.
    SkippedExisting,
    Failed {
        message: String,
    },
    Cancelled,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// New objects.
    pub uploaded: u64,
    /// Different objects written over, apart from `uploaded`.
    pub replaced: u64,
    /// Bytes of both.
    pub uploaded_bytes: u64,
    pub downloaded: u64,
    pub downloaded_bytes: u64,
    pub deleted: u64,
    pub identical: u64,
    pub skipped_existing: u64,
    /// Key and sentence for each file that failed.
    pub failed: Vec<(String, String)>,
    /// Paths that were not uploaded at all (empty folders, unreadable files, loops).
    pub skipped_paths: Vec<Skipped>,
    pub cancelled: bool,
    /// Files a cancel stopped before they arrived.
    pub unfinished: u64,
}

impl Summary {
    pub(crate) fn count(&mut self, key: &str, size: u64, outcome: &FileOutcome) {
        match outcome {
            FileOutcome::Uploaded { .. } => {
                self.uploaded += 1;
                self.uploaded_bytes += size;
            }
            FileOutcome::Replaced { .. } => {
                self.replaced += 1;
                self.uploaded_bytes += size;
            }
            FileOutcome::Downloaded => {
                self.downloaded += 1;
                self.downloaded_bytes += size;
            }
            FileOutcome::Deleted => self.deleted += 1,
            FileOutcome::Identical => self.identical += 1,
            FileOutcome::SkippedExisting => self.skipped_existing += 1,
            FileOutcome::Failed { message } => self.failed.push((key.to_owned(), message.clone())),
            FileOutcome::Cancelled => {
                self.cancelled = true;
                self.unfinished += 1;
            }
        }
    }

    /// The transfer could not start: one failure that says why.
    pub(crate) fn fail_all(mut self, message: String) -> Self {
        self.failed.push((String::new(), message));
        self
    }

    pub fn ok(&self) -> bool {
        self.failed.is_empty() && !self.cancelled
    }
}

/// The rate counts the bytes of this last stretch of time, so it falls to
/// zero when nothing moves instead of averaging over the whole transfer.
const RATE_WINDOW: Duration = Duration::from_secs(10);

/// No byte for this long and the transfer is waiting for the server: its
/// rate is none at once, not an average that fades over the window. Bytes
/// are counted as the connection takes them, so a transfer that moves
/// reports several times a second.
pub const STALL: Duration = Duration::from_secs(3);

/// Totals, rate and ETA from the events so far.
#[derive(Debug, Clone)]
pub struct Tracker {
    pub files_total: u64,
    /// Files that arrived or were already there (failed and cancelled ones are not done).
    pub files_done: u64,
    pub bytes_total: u64,
    pub bytes_done: u64,
    /// Retries since bytes last moved.
    pub retries: u32,
    /// Bytes sent or received so far (not those found already there).
    moved: u64,
    /// (when, `moved` then) for each progress event of the last [`RATE_WINDOW`],
    /// and the one before it.
    samples: VecDeque<(Instant, u64)>,
    started: Instant,
}

impl Default for Tracker {
    fn default() -> Self {
        Self {
            files_total: 0,
            files_done: 0,
            bytes_total: 0,
            bytes_done: 0,
            retries: 0,
            moved: 0,
            samples: VecDeque::new(),
            started: Instant::now(),
        }
    }
}

impl Tracker {
    pub fn apply(&mut self, event: &TransferEvent) {
        match event {
            TransferEvent::Started { files, bytes, .. } => {
                self.files_total = *files;
                self.bytes_total = *bytes;
                self.started = Instant::now();
            }
            TransferEvent::Progress { bytes } => {
                self.bytes_done += bytes;
                self.moved += bytes;
                self.retries = 0;
                self.samples.push_back((Instant::now(), self.moved));
            }
            TransferEvent::Retried => self.retries += 1,
            TransferEvent::FileDone { size, outcome, .. } => match outcome {
                FileOutcome::Uploaded { .. } | FileOutcome::Replaced { .. } | FileOutcome::Downloaded => {
                    self.files_done += 1
                }
                // Settled without moving: their bytes count as done, so the bar reaches the end.
                FileOutcome::Identical | FileOutcome::SkippedExisting | FileOutcome::Deleted => {
                    self.files_done += 1;
                    self.bytes_done += size;
                }
                FileOutcome::Failed { .. } | FileOutcome::Cancelled => {}
            },
            TransferEvent::Finished { .. } => {}
        }
        self.bytes_done = self.bytes_done.min(self.bytes_total);
    }

    /// Bytes per second over the last [`RATE_WINDOW`]; none once nothing
    /// moved for [`STALL`].
    pub fn rate(&mut self) -> f64 {
        let now = Instant::now();
        if self.samples.back().is_none_or(|&(at, _)| now - at >= STALL) {
            return 0.0;
        }
        let from = now.checked_sub(RATE_WINDOW).map_or(self.started, |w| w.max(self.started));
        // Keep the last sample at or before `from`: what had moved by then.
        while self.samples.len() > 1 && self.samples[1].0 <= from {
            self.samples.pop_front();
        }
        let before = match self.samples.front() {
            Some(&(at, moved)) if at <= from => moved,
            _ => 0,
        };
        let secs = (now - from).as_secs_f64();
        if secs > 0.0 {
            self.moved.saturating_sub(before) as f64 / secs
        } else {
            0.0
        }
    }

    /// The time left at `rate` (see [`Self::rate`]); none while nothing moves.
    pub fn eta(&self, rate: f64) -> Option<Duration> {
        (rate > 0.0).then(|| Duration::from_secs_f64(self.bytes_total.saturating_sub(self.bytes_done) as f64 / rate))
    }
}

/// Where a transfer stands, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub files_total: u64,
    pub files_done: u64,
    pub bytes_total: u64,
    pub bytes_done: u64,
    /// Bytes per second over the last few seconds.
    pub rate: f64,
    pub eta_seconds: Option<f64>,
    /// Requests sent again since bytes last moved: the server is not answering well.
    pub retries: u32,
    /// Files finished since the previous snapshot, with how each ended.
    pub new_files: Vec<FileRow>,
    /// Paths not uploaded at all; sent once, with the first snapshot.
    pub skipped: Vec<Skipped>,
    /// Set on the last snapshot.
    pub finished: Option<Summary>,
}

/// One finished file, for the window's per-file list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FileRow {
    pub key: String,
    pub size: u64,
    pub outcome: FileOutcome,
}

/// Folds engine events into [`Snapshot`]s sent at most every `interval`;
/// the first and the last (finished) are always sent.
pub struct Throttle<F: Fn(Snapshot) + Send + Sync> {
    interval: Duration,
    send: F,
    state: std::sync::Mutex<ThrottleState>,
}

struct ThrottleState {
    tracker: Tracker,
    last_sent: Option<Instant>,
    files: Vec<FileRow>,
    skipped: Vec<Skipped>,
}

impl<F: Fn(Snapshot) + Send + Sync> Throttle<F> {
    pub fn new(interval: Duration, send: F) -> Self {
        let state =
            ThrottleState { tracker: Tracker::default(), last_sent: None, files: Vec::new(), skipped: Vec::new() };
        Self { interval, send, state: std::sync::Mutex::new(state) }
    }
}

impl<F: Fn(Snapshot) + Send + Sync> EventSink for Throttle<F> {
    fn send(&self, event: TransferEvent) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.tracker.apply(&event);
        let mut finished = None;
        match event {
            TransferEvent::Started { skipped, .. } => state.skipped = skipped,
            TransferEvent::FileDone { key, size, outcome } => state.files.push(FileRow { key, size, outcome }),
            TransferEvent::Finished { summary } => finished = Some(summary),
            _ => {}
        }
        let due = state.last_sent.is_none_or(|t| t.elapsed() >= self.interval);
        if !due && finished.is_none() {
            return;
        }
        state.last_sent = Some(Instant::now());
        let tracker = &mut state.tracker;
        let rate = tracker.rate();
        let snapshot = Snapshot {
            rate,
            eta_seconds: tracker.eta(rate).map(|d| d.as_secs_f64()),
            files_total: tracker.files_total,
            files_done: tracker.files_done,
            bytes_total: tracker.bytes_total,
            bytes_done: tracker.bytes_done,
            retries: tracker.retries,
            new_files: std::mem::take(&mut state.files),
            skipped: std::mem::take(&mut state.skipped),
            finished,
        };
        (self.send)(snapshot);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn throttles_progress_but_never_the_end() {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = sent.clone();
        let throttle = Throttle::new(Duration::from_secs(3600), move |s: Snapshot| log.lock().expect("lock").push(s));
        throttle.send(TransferEvent::Started { files: 2, bytes: 20, skipped: vec![] });
        for _ in 0..100 {
            throttle.send(TransferEvent::Progress { bytes: 0 });
        }
        let failed = FileOutcome::Failed { message: "boom".into() };
        throttle.send(TransferEvent::FileDone { key: "a".into(), size: 10, outcome: failed });
        throttle.send(TransferEvent::Finished { summary: Summary::default() });
        let sent = sent.lock().expect("lock");
        assert_eq!(sent.len(), 2, "the first and the last");
        let row = FileRow { key: "a".into(), size: 10, outcome: FileOutcome::Failed { message: "boom".into() } };
        assert_eq!(sent[1].new_files, [row], "finished files ride along");
        assert!(sent[1].finished.is_some());
    }

    #[test]
    fn cancelled_and_failed_files_are_not_done() {
        let mut t = Tracker::default();
        t.apply(&TransferEvent::Started { files: 3, bytes: 30, skipped: vec![] });
        t.apply(&TransferEvent::Progress { bytes: 10 });
        let uploaded = FileOutcome::Uploaded { key: "a".into(), etag: None };
        t.apply(&TransferEvent::FileDone { key: "a".into(), size: 10, outcome: uploaded });
        t.apply(&TransferEvent::FileDone { key: "b".into(), size: 10, outcome: FileOutcome::Cancelled });
        let failed = FileOutcome::Failed { message: "no".into() };
        t.apply(&TransferEvent::FileDone { key: "c".into(), size: 10, outcome: failed });
        assert_eq!((t.files_done, t.bytes_done), (1, 10), "only what arrived is done");
        let mut summary = Summary::default();
        summary.count("b", 10, &FileOutcome::Cancelled);
        assert_eq!((summary.cancelled, summary.unfinished), (true, 1));
    }

    #[test]
    fn the_rate_falls_to_zero_when_nothing_moves_and_retries_are_counted_until_it_does() {
        let mut t = Tracker::default();
        t.apply(&TransferEvent::Started { files: 1, bytes: 1_000_000, skipped: vec![] });
        t.apply(&TransferEvent::Progress { bytes: 1_000 });
        assert!(t.rate() > 0.0);
        // As if the last bytes moved a stall ago: well inside the rate's
        // window, whose average alone would still say 100 B/s.
        t.started -= RATE_WINDOW * 2;
        for sample in &mut t.samples {
            sample.0 -= STALL;
        }
        assert_eq!(t.rate(), 0.0, "nothing moves: no rate at once");
        assert_eq!(t.eta(0.0), None, "no ETA while nothing moves");
        t.apply(&TransferEvent::Retried);
        t.apply(&TransferEvent::Retried);
        assert_eq!(t.retries, 2);
        t.apply(&TransferEvent::Progress { bytes: 1_000 });
        assert_eq!(t.retries, 0, "moving again clears the count");
        assert!(t.rate() > 0.0);
    }
}
