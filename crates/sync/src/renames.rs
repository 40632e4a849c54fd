//! Renames in an upload plan. A new file with the size, modification time
//! and content of a synced file that is gone from the folder is that file
//! under a new name: its object is copied on the server instead of sending
//! the bytes again, so moving a 40 GB archive into a subfolder costs one
//! request. Whether the old object then goes is the plan's usual business
//! (a push deletes it, a copy keeps it).

use std::collections::{BTreeMap, HashMap};

use futures::stream::{self, StreamExt};

use crate::engine::Tuning;
use crate::etag::layout_of;
use crate::plan::{Base, Listing, LocalState, OpKind, Reason, RemoteState, SyncPlan};
use crate::scan::LocalFile;
use crate::upload::local_etag;

/// Marks the uploads of `plan` that are renames (reason `Renamed`, `from`
/// set). Content is compared by the ETag the file would get, read from
/// disk: size and time alone could pair two different files.
pub(crate) async fn mark_renames(
    plan: &mut SyncPlan,
    local: &Listing<LocalState>,
    remote: &Listing<RemoteState>,
    base: &BTreeMap<String, Base>,
    files: &HashMap<String, LocalFile>,
    tuning: &Tuning,
) {
    let gone = gone_files(local, remote, base);
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
            let l = local.entries.get(&op.path)?;
            let sources = gone.get(&(l.size, l.modified_ns))?;
            Some((i, files.get(&op.path)?.clone(), sources.clone()))
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

/// Synced files missing from the folder whose objects are as the last sync
/// left them, by (size, modification time), with their path and ETag.
fn gone_files(
    local: &Listing<LocalState>,
    remote: &Listing<RemoteState>,
    base: &BTreeMap<String, Base>,
) -> HashMap<(u64, i64), Vec<(String, String)>> {
    let mut gone: HashMap<(u64, i64), Vec<(String, String)>> = HashMap::new();
    for (path, b) in base {
        let Some(r) = remote.entries.get(path) else { continue };
        let Some(etag) = &r.etag else { continue };
        // Empty files cost nothing to send; an unchanged object only.
        if local.entries.contains_key(path) || b.local_size == 0 || !b.same_remote(r) {
            continue;
        }
        gone.entry((b.local_size, b.local_modified_ns)).or_default().push((path.clone(), etag.clone()));
    }
    gone
}
