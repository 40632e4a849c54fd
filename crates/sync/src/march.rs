//! The march: the folder's scan, the prefix's listing and the last sync's
//! state, each read in key order, merged into one row per path, a batch at
//! a time. Nothing holds a whole side, so a no-op sync of 1.28 million
//! files needs the memory of a few thousand rows, not of the dataset (the
//! way rclone's march works). Each side comes through a channel of chunks
//! from whatever reads it (a blocking walk, a listing, a database query).

use std::collections::VecDeque;
use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use stowage_store::names::NameRules;
use tokio::sync::mpsc;

use crate::plan::{Base, LocalState, RemoteState};
use crate::scan::LocalFile;

/// Chunks of a side in flight between its reader and the march.
const CHUNKS_IN_FLIGHT: usize = 8;

/// Entries a reader sends at once.
pub(crate) const CHUNK: usize = 1024;

/// A local file as scanned: its state for the planner, and its time as the
/// file system gave it (to tell whether it changes while it uploads). Its
/// path is the folder's joined with the row's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Local {
    pub state: LocalState,
    #[serde(with = "crate::time_ns")]
    pub modified: SystemTime,
}

impl From<LocalFile> for Local {
    fn from(file: LocalFile) -> Self {
        let state =
            LocalState { size: file.size, modified_ns: crate::journal::modified_ns(file.modified), checksum: None };
        Self { state, modified: file.modified }
    }
}

/// One path, as each side has it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Row {
    pub path: String,
    pub local: Option<Local>,
    pub remote: Option<RemoteState>,
    pub base: Option<Base>,
}

impl Row {
    /// The scanned file of the row, under `folder` on a disk with `names`.
    pub fn local_file(&self, folder: &Path, names: &NameRules) -> Option<LocalFile> {
        let local = self.local.as_ref()?;
        Some(LocalFile {
            path: names.path(folder, &self.path).ok()?,
            key: self.path.clone(),
            size: local.state.size,
            modified: local.modified,
        })
    }
}

/// One side of the march: entries in increasing key order, a chunk at a time.
pub(crate) struct Sorted<T> {
    chunks: mpsc::Receiver<Vec<(String, T)>>,
    ready: VecDeque<(String, T)>,
    /// Entries taken so far.
    taken: usize,
}

/// The sending end of a side, for its reader.
pub(crate) type Feed<T> = mpsc::Sender<Vec<(String, T)>>;

impl<T> Sorted<T> {
    pub fn channel() -> (Feed<T>, Self) {
        let (tx, chunks) = mpsc::channel(CHUNKS_IN_FLIGHT);
        (tx, Self { chunks, ready: VecDeque::new(), taken: 0 })
    }

    /// A side already in memory (a watched folder's few changed paths).
    pub fn from_sorted(entries: Vec<(String, T)>) -> Self {
        let (_, chunks) = mpsc::channel(1);
        Self { chunks, ready: entries.into(), taken: 0 }
    }

    /// Reads a chunk when none is ready; false when the side is done.
    async fn fill(&mut self) -> bool {
        while self.ready.is_empty() {
            match self.chunks.recv().await {
                Some(chunk) => self.ready = chunk.into(),
                None => return false,
            }
        }
        true
    }

    /// The next key, once filled.
    fn head(&self) -> Option<&str> {
        self.ready.front().map(|(key, _)| key.as_str())
    }

    fn take(&mut self) -> (String, T) {
        self.taken += 1;
        self.ready.pop_front().expect("a head was read")
    }
}

/// A reader's end of a side that sends a chunk once it is full.
pub(crate) struct Chunked<T> {
    feed: Feed<T>,
    chunk: Vec<(String, T)>,
}

impl<T> Chunked<T> {
    pub fn new(feed: Feed<T>) -> Self {
        Self { feed, chunk: Vec::with_capacity(CHUNK) }
    }

    /// Adds an entry from a blocking reader; false once the march is gone.
    pub fn push_blocking(&mut self, key: String, value: T) -> bool {
        self.chunk.push((key, value));
        self.chunk.len() < CHUNK || self.flush_blocking()
    }

    /// Sends what is left; false once the march is gone.
    pub fn flush_blocking(&mut self) -> bool {
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        chunk.is_empty() || self.feed.blocking_send(chunk).is_ok()
    }
}

/// The three sides merged: a path that is in the folder or in the listing
/// gets a row; state of paths in neither is passed over.
pub(crate) struct March {
    local: Sorted<Local>,
    remote: Sorted<RemoteState>,
    base: Sorted<Base>,
    /// The last row's path, to check the order.
    last: String,
    started: bool,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "The folder's files or the container's listing came out of key order ({key:?} after {after:?}), so they cannot \
     be compared safely; nothing was changed."
)]
pub(crate) struct OutOfOrder {
    key: String,
    after: String,
}

impl March {
    pub fn new(local: Sorted<Local>, remote: Sorted<RemoteState>, base: Sorted<Base>) -> Self {
        Self { local, remote, base, last: String::new(), started: false }
    }

    /// Up to `limit` rows; none when every side is done.
    pub async fn next_batch(&mut self, limit: usize) -> Result<Vec<Row>, OutOfOrder> {
        let mut rows = Vec::with_capacity(limit.min(CHUNK));
        while rows.len() < limit {
            self.local.fill().await;
            self.remote.fill().await;
            let order = match (self.local.head(), self.remote.head()) {
                (None, None) => {
                    // The rest of the state is of paths on neither side: counted, not kept.
                    while self.base.fill().await {
                        self.base.take();
                    }
                    break;
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(l), Some(r)) => l.cmp(r),
            };
            let (path, local, remote) = match order {
                std::cmp::Ordering::Less => {
                    let (path, local) = self.local.take();
                    (path, Some(local), None)
                }
                std::cmp::Ordering::Greater => {
                    let (path, remote) = self.remote.take();
                    (path, None, Some(remote))
                }
                std::cmp::Ordering::Equal => {
                    let (path, local) = self.local.take();
                    (path, Some(local), Some(self.remote.take().1))
                }
            };
            // Each side is sorted, so each row's path is past the last one's;
            // anything else would make a present file look missing.
            if self.started && path <= self.last {
                return Err(OutOfOrder { key: path, after: self.last.clone() });
            }
            self.last.clone_from(&path);
            self.started = true;
            rows.push(Row { base: self.base_of(&path).await, path, local, remote });
        }
        Ok(rows)
    }

    /// The state recorded for `path`, passing over that of paths before it.
    async fn base_of(&mut self, path: &str) -> Option<Base> {
        loop {
            self.base.fill().await;
            match self.base.head() {
                Some(key) if key < path => drop(self.base.take()),
                Some(key) if key == path => return Some(self.base.take().1),
                _ => return None,
            }
        }
    }

    /// Files found in the folder and paths the state knows, so far.
    pub fn counts(&self) -> (usize, usize) {
        (self.local.taken, self.base.taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(key: &str) -> (String, Local) {
        let file =
            LocalFile { path: key.into(), key: key.into(), size: 1, modified: std::time::SystemTime::UNIX_EPOCH };
        (key.to_owned(), file.into())
    }

    fn remote(key: &str) -> (String, RemoteState) {
        (key.to_owned(), RemoteState { size: 1, modified_ms: None, etag: None })
    }

    fn base(key: &str) -> (String, Base) {
        (key.to_owned(), Base { local_size: 1, local_modified_ns: 0, remote_size: 1, remote_etag: None })
    }

    type Seen = Vec<(String, bool, bool, bool)>;

    /// Every row, and the march's counts once it is done.
    async fn all(mut march: March) -> Result<(Seen, (usize, usize)), OutOfOrder> {
        let mut out = Vec::new();
        loop {
            let batch = march.next_batch(2).await?;
            if batch.is_empty() {
                return Ok((out, march.counts()));
            }
            out.extend(batch.into_iter().map(|r| (r.path, r.local.is_some(), r.remote.is_some(), r.base.is_some())));
        }
    }

    #[tokio::test]
    async fn merges_the_sides_by_path() {
        let (feed, remote_side) = Sorted::channel();
        let sender = tokio::spawn(async move {
            for chunk in [vec![remote("a/1"), remote("b")], vec![], vec![remote("c"), remote("d")]] {
                feed.send(chunk).await.expect("send");
            }
        });
        let march = March::new(
            Sorted::from_sorted(vec![local("a.txt"), local("a/1"), local("c")]),
            remote_side,
            Sorted::from_sorted(vec![base("0"), base("a/1"), base("b"), base("bb"), base("d"), base("e")]),
        );
        let (rows, counts) = all(march).await.expect("in order");
        sender.await.expect("sent");
        assert_eq!(counts, (3, 6), "every file and every state row, also those past the last path");
        assert_eq!(
            rows,
            [
                ("a.txt".into(), true, false, false),
                ("a/1".into(), true, true, true),
                ("b".into(), false, true, true),
                ("c".into(), true, true, false),
                ("d".into(), false, true, true),
            ]
        );
    }

    #[tokio::test]
    async fn a_side_out_of_order_stops_the_march() {
        let march = March::new(
            Sorted::from_sorted(vec![local("b"), local("a")]),
            Sorted::from_sorted(vec![]),
            Sorted::from_sorted(vec![]),
        );
        let err = all(march).await.expect_err("out of order");
        assert!(err.to_string().contains("\"a\" after \"b\""), "{err}");
        let twice = March::new(
            Sorted::from_sorted(vec![]),
            Sorted::from_sorted(vec![remote("a"), remote("a")]),
            Sorted::from_sorted(vec![]),
        );
        assert!(all(twice).await.is_err(), "a key listed twice");
    }
}
