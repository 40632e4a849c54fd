//! The transfer engine's core, shared by uploads, downloads and syncs: the
//! knobs ([`Tuning`]) and the store a transfer talks to through them, what
//! to do with a key that is taken, and the rules for keys and prefixes.

use std::collections::HashMap;
use std::sync::Arc;

use stowage_store::layers::{Gate, Limit, PauseGate, Retry, RetryPolicy, Throttle, Throttled};
pub use stowage_store::Existing;
use stowage_store::{ObjectInfo, ObjectStore, StoreError};
use tokio_util::sync::CancellationToken;

pub(crate) const MIB: u64 = 1024 * 1024;

/// Knobs with defaults sized for a laptop on a fast link.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// Requests in flight across all files. 5,000 files of 16 KiB against
    /// one Garage node (scripts/bench) took about 8 s with 64 or 128 and
    /// 6.5-7.4 s with 256: the server did a third fewer metadata writes per
    /// file when more arrived at once. 384 and 512 gained nothing more.
    pub concurrency: usize,
    /// Parts of one file in flight. With scripts/bench against one Garage
    /// node, a 2 GiB file went at 155 MiB/s with 6 and 178 MiB/s with 10
    /// (parts were then read whole into memory; they stream now, so the
    /// part size no longer costs memory: see [`Tuning::part_size`]).
    pub parts_per_file: usize,
    /// Files above this size go in parts.
    pub multipart_threshold: u64,
    /// The smallest part (and download range); S3 needs 5 MiB.
    pub min_part_size: u64,
    /// The largest part, but where S3's 10,000 parts need more.
    pub max_part_size: u64,
    /// Bytes of buffers held at once: small files whole, and the chunks
    /// of parts being read and sent.
    pub memory_budget: u64,
    /// How requests a retry can help are sent again.
    pub retry: RetryPolicy,
    /// Holds new requests back while paused.
    pub pause: PauseGate,
    /// Bandwidth limits the bytes pass (the app's, the transfer's).
    pub throttles: Vec<Throttle>,
    /// The storage class new objects are written in; `None` for the
    /// service's default.
    pub storage_class: Option<String>,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            concurrency: 256,
            parts_per_file: 10,
            multipart_threshold: 16 * MIB,
            min_part_size: 8 * MIB,
            max_part_size: 64 * MIB,
            memory_budget: 128 * MIB,
            retry: RetryPolicy::default(),
            pause: PauseGate::default(),
            throttles: Vec::new(),
            storage_class: None,
        }
    }
}

impl Tuning {
    /// The store a transfer talks to, built once per transfer: every call
    /// (listings, parts, ranges, copies, deletes) waits while the transfer
    /// is paused, takes one of `concurrency` slots, sends and reads its
    /// bytes within the bandwidth limits (each attempt anew), and is retried
    /// after an error a retry can help until the transfer is cancelled.
    pub fn transfer_store(&self, store: Arc<dyn ObjectStore>, cancel: &CancellationToken) -> Arc<dyn ObjectStore> {
        let throttled = Arc::new(Throttled::wrap(store, self.throttles.clone()));
        let limited = Arc::new(Limit::wrap(throttled, self.concurrency));
        let gated = Arc::new(Gate::wrap(limited, self.pause.clone(), cancel.clone()));
        Arc::new(Retry::wrap(gated, self.retry.clone()).until(cancel.clone()))
    }

    /// A sixteenth of the file, between the smallest and the largest part,
    /// in whole MiB, and never so small that the file needs more than S3's
    /// 10,000 parts. Parts stream from the file (they cost memory by the
    /// chunk, not by their size), and each one costs the server an update
    /// of its index: a 1 GiB file in 16 parts of 64 MiB went up 2-5% faster
    /// than in 128 of 8 MiB to a Garage already holding 30,000 objects
    /// (scripts/bench uploads --fill), while 16 parts still keep
    /// `parts_per_file` in flight.
    pub fn part_size(&self, size: u64) -> u64 {
        let sixteenth = size.div_ceil(16).div_ceil(MIB) * MIB;
        let largest = self.max_part_size.max(self.min_part_size);
        sixteenth.clamp(self.min_part_size, largest).max(fits_in_ten_thousand(size))
    }

    /// The ranges a big download is fetched in: max(smallest part, size /
    /// 10,000), in whole MiB. Each is written where it belongs as it comes,
    /// so more of them in flight is what keeps a download busy.
    pub fn range_size(&self, size: u64) -> u64 {
        fits_in_ten_thousand(size).max(self.min_part_size)
    }
}

/// The smallest part, in whole MiB, with which `size` fits in 10,000 parts.
fn fits_in_ten_thousand(size: u64) -> u64 {
    size.div_ceil(10_000).div_ceil(MIB) * MIB
}

/// `prefix` as a folder: no leading `/`, one trailing `/` unless empty.
pub(crate) fn normalize_prefix(prefix: &str) -> String {
    let trimmed = prefix.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/")
    }
}

/// Every object under `prefix`, by key, listed folder by folder in
/// parallel (see [`stowage_store::walk`]).
pub(crate) async fn list_all(
    store: &dyn ObjectStore,
    container: &str,
    prefix: &str,
) -> Result<HashMap<String, ObjectInfo>, StoreError> {
    let listed = stowage_store::walk::list_tree(store, container, prefix).await?;
    Ok(listed.into_iter().map(|o| (o.key.clone(), o)).collect())
}

/// `photo (n).jpg` for `photo.jpg`: the names "keep both" tries, for
/// uploads and downloads alike.
pub(crate) fn numbered(name: &str, n: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_grow_with_the_file_and_fit_in_ten_thousand() {
        let t = Tuning::default();
        assert_eq!(t.part_size(1), 8 * MIB);
        assert_eq!(t.part_size(100 * MIB), 8 * MIB, "a sixteenth is under the smallest part");
        assert_eq!(t.part_size(300 * MIB), 19 * MIB);
        assert_eq!(t.part_size(1024 * MIB), 64 * MIB);
        assert_eq!(t.part_size(50 * 1024 * MIB), 64 * MIB, "no larger than the largest");
        let five_tib = 5 * 1024 * 1024 * MIB;
        assert!(five_tib.div_ceil(t.part_size(five_tib)) <= 10_000);
        assert_eq!(t.range_size(1024 * MIB), 8 * MIB, "downloads keep their ranges");
        assert!(five_tib.div_ceil(t.range_size(five_tib)) <= 10_000);
    }

    #[test]
    fn keep_both_names() {
        assert_eq!(numbered("photo.jpg", 1), "photo (1).jpg");
        assert_eq!(numbered("archive.tar.gz", 2), "archive.tar (2).gz");
        assert_eq!(numbered(".env", 1), ".env (1)");
        assert_eq!(numbered("README", 3), "README (3)");
    }

    #[test]
    fn prefixes_end_with_a_slash() {
        assert_eq!(normalize_prefix(""), "");
        assert_eq!(normalize_prefix("train"), "train/");
        assert_eq!(normalize_prefix("/train/"), "train/");
    }
}
