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
use crate::plan::{OpKind, Reason, SyncPlan};
use crate::scan::LocalFile;
use crate::upload::local_etag;

/// Marks the uploads of `plan` that are renames (reason `Renamed`, `from`
/// set). Content is compared by the ETag the file would get, read from
/// disk: size and time alone could pair two different files. `rows` holds
/// the plan's paths and the synced files gone from the folder, in path order.
pub(crate) async fn mark_renames(plan: &mut SyncPlan, rows: &[Row], tuning: &Tuning) {
    let gone = gone_files(rows);
    if gone.is_empty() {
        return;
    }
    // (the op's index, its file, the gone files it may be: path and ETag)
    type Candidate = (usize, LocalFile, Vec<(String, String)>);
    let candidates: Vec<Candidate> = plan
        .ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.kind == OpKind::Upload && op.reason == Reason::New)
        .filter_map(|(i, op)| {
            let at = rows.binary_search_by(|row| row.path.as_str().cmp(&op.path)).ok()?;
            let l = rows[at].local.as_ref()?;
            let sources = gone.get(&(l.state.size, l.state.modified_ns))?;
            Some((i, l.file.clone(), sources.clone()))
        })
        .collect();
    let found: Vec<(usize, Option<String>)> = stream::iter(candidates)
        .map(|(i, file, sources)| async move {
            for (from, etag) in sources {
                let (threshold, part_size) = layout_of(&etag, file.size, tuning);
                if local_etag(&file, part_size, threshold).await.ok().as_ref() == Some(&etag) {
                    return (i, Some(from));
                }
            }
            (i, None)
        })
        .buffer_unordered(4)
        .collect()
        .await;
    for (i, from) in found {
        if let Some(from) = from {
            plan.ops[i].reason = Reason::Renamed;
            plan.ops[i].from = Some(from);
        }
    }
}

/// A synced file missing from the folder whose object is as the last sync
/// left it: its (size, modification time) and ETag.
pub(crate) fn gone_file(row: &Row) -> Option<((u64, i64), &str)> {
    let (remote, base) = (row.remote.as_ref()?, row.base.as_ref()?);
    let etag = remote.etag.as_deref()?;
    // Empty files cost nothing to send; an unchanged object only.
    (row.local.is_none() && base.local_size != 0 && base.same_remote(remote))
        .then_some(((base.local_size, base.local_modified_ns), etag))
}

/// The gone files among `rows` by (size, modification time), each with its
/// path and ETag, in path order.
fn gone_files(rows: &[Row]) -> HashMap<(u64, i64), Vec<(String, String)>> {
    let mut gone: HashMap<(u64, i64), Vec<(String, String)>> = HashMap::new();
    for row in rows {
        if let Some((at, etag)) = gone_file(row) {
            gone.entry(at).or_default().push((row.path.clone(), etag.to_owned()));
        }
    }
    gone
}
