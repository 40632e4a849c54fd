//! Big objects come down in ranges, several at once, as s5cmd and rclone do:
//! one connection is limited by the server's pace per stream and, far from
//! the server, by the round trip. Each range is written into the partial
//! file at its offset. A ledger beside it lists the finished ranges, saved
//! every few seconds and only once their bytes are on disk, so a later run
//! fetches only the rest; a range that fails is fetched again whole, like an
//! upload's part.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt, TryStreamExt};
use stowage_store::{ObjectStore, StoreError};
use tokio_util::sync::CancellationToken;

use crate::download::Fetch;
use crate::engine::Tuning;
use crate::events::{EventSink, TransferEvent};
use crate::meter::Meter;

/// The ledger of `partial`: its name ends in `.part` too, which sync and
/// watched folders ignore.
pub(crate) fn ledger_path(partial: &Path) -> PathBuf {
    let name = partial.file_name().and_then(|n| n.to_str()).unwrap_or("download.part");
    partial.with_file_name(format!("{}.ranges.part", name.trim_end_matches(".part")))
}

/// Which ranges of `size` bytes, cut every `range_size`, are in the file.
#[derive(Debug, PartialEq, Eq)]
struct Ledger {
    range_size: u64,
    size: u64,
    done: BTreeSet<u64>,
}

impl Ledger {
    const HEADER: &'static str = "stowage ranges v1";

    fn render(&self) -> String {
        let mut text = format!("{} {} {}\n", Self::HEADER, self.range_size, self.size);
        for i in &self.done {
            text.push_str(&format!("{i}\n"));
        }
        text
    }

    fn parse(text: &str) -> Option<Self> {
        let mut lines = text.lines();
        let header = lines.next()?.strip_prefix(Self::HEADER)?;
        let mut numbers = header.split_whitespace().map(str::parse::<u64>);
        let (range_size, size) = (numbers.next()?.ok()?, numbers.next()?.ok()?);
        let done = lines.map(|l| l.parse().ok()).collect::<Option<_>>()?;
        Some(Self { range_size, size, done })
    }

    fn range(&self, i: u64) -> Range<u64> {
        i * self.range_size..((i + 1) * self.range_size).min(self.size)
    }
}

/// Fetches `item` into `partial` range by range, up to `parts_per_file` at
/// once, each holding one of the transfer store's slots. Continues an
/// earlier run's ledger when it matches the object's size and range size
/// and the file is there.
pub(crate) async fn fetch_ranges(
    store: &dyn ObjectStore,
    container: &str,
    item: &Fetch,
    partial: &Path,
    tuning: &Tuning,
    sink: &Arc<dyn EventSink>,
    cancel: &CancellationToken,
) -> Result<(), StoreError> {
    let cannot = |e| StoreError::io(format!("Cannot write {}", partial.display()), e);
    let ledger_file = ledger_path(partial);
    let fresh = Ledger { range_size: tuning.range_size(item.size), size: item.size, done: BTreeSet::new() };
    let earlier = std::fs::read_to_string(&ledger_file).ok().and_then(|t| Ledger::parse(&t)).filter(|l| {
        (l.range_size, l.size) == (fresh.range_size, fresh.size)
            && std::fs::metadata(partial).is_ok_and(|m| m.len() == item.size)
    });
    let ledger = match earlier {
        Some(ledger) => ledger,
        None => {
            // A file of the object's size, which the ranges fill in any order.
            stowage_store::disk::open_for_writing(partial, true).and_then(|f| f.set_len(item.size)).map_err(cannot)?;
            fresh
        }
    };
    let todo: Vec<Range<u64>> = (0..item.size.div_ceil(ledger.range_size))
        .filter(|i| !ledger.done.contains(i))
        .map(|i| ledger.range(i))
        .collect();
    let earlier = item.size - todo.iter().map(|r| r.end - r.start).sum::<u64>();
    if earlier > 0 {
        sink.send(TransferEvent::Progress { bytes: earlier });
    }
    let progress = Arc::new(Mutex::new(Progress { ledger, saved: Instant::now() }));
    let ledger_file = &ledger_file;
    let fetched = stream::iter(todo)
        .map(|range| {
            let progress = progress.clone();
            async move {
                if cancel.is_cancelled() {
                    return Err(StoreError::cancelled("The download"));
                }
                let etag = item.etag.as_deref();
                let meter = Meter::new(sink);
                let written =
                    stowage_store::files::write_range(store, container, &item.key, range.clone(), etag, partial);
                meter.watching(written).await?;
                meter.finish(range.end - range.start);
                record(progress, range.start, partial, ledger_file).await.map_err(cannot)
            }
        })
        .buffer_unordered(tuning.parts_per_file.max(1))
        .try_collect::<Vec<()>>()
        .await;
    match fetched {
        Ok(_) => {
            let _ = std::fs::remove_file(ledger_file);
            Ok(())
        }
        Err(e) => {
            // What finished since the last save is kept for the next run.
            let finished = progress.lock().unwrap_or_else(|e| e.into_inner()).ledger.render();
            let _ = save(finished, partial.to_owned(), ledger_file.to_owned()).await;
            Err(e)
        }
    }
}

/// How often finished ranges are written down. A save first syncs the
/// partial file, all of it; saving after every range made a big download
/// wait on the disk. A crash costs at most this much fetching again.
const SAVE_EVERY: Duration = Duration::from_secs(2);

/// The ledger, and when it was last saved.
struct Progress {
    ledger: Ledger,
    saved: Instant,
}

/// Adds the range starting at `start` to the ledger, and saves the ledger
/// when [`SAVE_EVERY`] has passed. A save lists only ranges finished before
/// the partial file was synced: after a crash the ledger never lists a range
/// the file lost.
async fn record(progress: Arc<Mutex<Progress>>, start: u64, partial: &Path, ledger_file: &Path) -> std::io::Result<()> {
    let finished = {
        let mut progress = progress.lock().unwrap_or_else(|e| e.into_inner());
        let i = start / progress.ledger.range_size;
        progress.ledger.done.insert(i);
        if progress.saved.elapsed() < SAVE_EVERY {
            return Ok(());
        }
        progress.saved = Instant::now();
        progress.ledger.render()
    };
    save(finished, partial.to_owned(), ledger_file.to_owned()).await
}

/// Syncs the partial file, then writes `finished` (ranges done before the
/// sync) as its ledger.
async fn save(finished: String, partial: PathBuf, ledger_file: PathBuf) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || {
        stowage_store::disk::flush(&partial)?;
        stowage_store::atomic::write_atomically(&ledger_file, finished.as_bytes())
    })
    .await
    .map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ledger_reads_back_what_it_wrote_and_nothing_else() {
        let ledger = Ledger { range_size: 8, size: 30, done: [0, 3].into() };
        assert_eq!(Ledger::parse(&ledger.render()), Some(ledger));
        assert_eq!(Ledger::parse("stowage ranges v1 8 30\n0\nx\n"), None, "a torn line");
        assert_eq!(Ledger::parse("something else\n"), None);
    }

    #[test]
    fn the_last_range_ends_at_the_object_size() {
        let ledger = Ledger { range_size: 8, size: 30, done: BTreeSet::new() };
        assert_eq!((ledger.range(0), ledger.range(3)), (0..8, 24..30));
    }

    #[test]
    fn the_ledger_sits_beside_the_partial_file_and_ends_in_part() {
        let partial = Path::new("/d/.model.bin.abc.part");
        assert_eq!(ledger_path(partial), Path::new("/d/.model.bin.abc.ranges.part"));
    }
}
