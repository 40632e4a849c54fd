//! Renames in an upload plan. A new file with the size, modification time
//! and content of a synced file that is gone from the folder is that file
//! under a new name: its object is copied on the server instead of sending
//! the bytes again, so moving a 40 GB archive into a subfolder costs one
//! request. Whether the old object then goes is the plan's usual business
//! (a push deletes it, a copy keeps it).

use std::collections::HashMap;

use futures::stream::{self, StreamExt};

use crate::engine::Tuning;
use crate::etag::layout_of;
use crate::march::Row;
use crate::plan::{Reason, SyncPlan};
use crate::scan::LocalFile;
use crate::upload::local_etag;

/// Synced files missing from the folder whose objects are as the last sync
/// left them, by (size, modification time): each one's path and ETag, in
/// path order.
#[derive(Debug, Default)]
pub(crate) struct Gone(HashMap<(u64, i64), Vec<(String, String)>>);

impl Gone {
    /// Notes `row` if it is such a file.
    pub fn note(&mut self, row: &Row) {
        let (Some(remote), Some(base)) = (row.remote.as_ref(), row.base.as_ref()) else { return };
        let Some(etag) = remote.etag.as_deref() else { return };
        // Empty files cost nothing to send; an unchanged object only.
        if row.local.is_none() && base.local_size != 0 && base.same_remote(remote) {
            let at = (base.local_size, base.local_modified_ns);
            self.0.entry(at).or_default().push((row.path.clone(), etag.to_owned()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a new file of this size and time may be one of them.
    pub fn may_be(&self, size: u64, modified_ns: i64) -> bool {
        self.0.contains_key(&(size, modified_ns))
    }
}

/// Marks the uploads of `plan` that are renames (reason `Renamed`, `from`
/// set). Content is compared by the ETag the file would get, read from
/// disk: size and time alone could pair two different files. `candidates`
/// are new files' uploads that [`Gone::may_be`] an old one: the operation's
/// index and the file.
pub(crate) async fn mark_renames(
    plan: &mut SyncPlan,
    gone: &Gone,
    candidates: Vec<(usize, LocalFile)>,
    tuning: &Tuning,
) {
    let mut found: HashMap<usize, String> = stream::iter(candidates)
        .map(|(i, file)| async move {
            let sources = gone.0.get(&(file.size, crate::journal::modified_ns(file.modified)));
            for (from, etag) in sources.into_iter().flatten() {
                let (threshold, part_size) = layout_of(etag, file.size, tuning);
                if local_etag(&file, part_size, threshold).await.ok().as_ref() == Some(etag) {
                    return Some((i, from.clone()));
                }
            }
            None
        })
        .buffer_unordered(4)
        .filter_map(std::future::ready)
        .collect()
        .await;
    if found.is_empty() {
        return;
    }
    plan.ops.rewrite(|i, mut op| {
        if let Some(from) = found.remove(&i) {
            op.reason = Reason::Renamed;
            op.from = Some(from);
        }
        Some(op)
    });
}
