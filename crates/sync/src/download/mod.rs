//! Downloads: objects to files, many at once. Each file is written beside
//! its final name and renamed into place once complete and checked, so a
//! failure never leaves a torn file; an interrupted download continues by
//! range (in the same run's retries, or the next run; a big object comes
//! down in several ranges at once, see [`ranged`]); a local file that
//! changed since it was looked at is never replaced. The file gets the object's modification
//! time, so a later comparison by time sees them equal.

mod ranged;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::stream::{self, StreamExt};
use stowage_store::names::NameRules;
use stowage_store::ObjectStore;
use tokio_util::sync::CancellationToken;

use crate::engine::{normalize_prefix, numbered, Existing, Tuning};
use crate::etag;
use crate::events::{EventSink, FileOutcome, Summary, TransferEvent};
use crate::journal::modified_ns;
use crate::meter::Meter;
use crate::plan::LocalState;

/// One object to fetch.
#[derive(Debug, Clone)]
pub struct Fetch {
    pub key: String,
    pub dest: PathBuf,
    pub size: u64,
    pub etag: Option<String>,
    pub modified_ms: Option<i64>,
    /// What is at `dest` now (size, modification time in ns), or `None`
    /// when nothing is: the download is abandoned if that changes.
    pub replaces: Option<(u64, i64)>,
    /// The local file it takes the place of when that one is `dest` under
    /// another spelling (a case-only rename, on a disk that ignores case):
    /// `replaces` is its state, and it goes so the new name shows.
    pub stands_in: Option<PathBuf>,
}

/// Fetches `items` through the transfer's store (its limit bounds the
/// requests in flight, a big object's ranges counting one each), reporting
/// each file; returns each outcome with the written file's state.
pub(crate) async fn fetch_all(
    store: &Arc<dyn ObjectStore>,
    container: &str,
    items: Vec<Fetch>,
    tuning: &Tuning,
    sink: &Arc<dyn EventSink>,
    cancel: &CancellationToken,
) -> Vec<(Fetch, FileOutcome, Option<LocalState>)> {
    stream::iter(items)
        .map(|item| async move {
            let result = if cancel.is_cancelled() {
                Err(None)
            } else {
                let fetched = fetch(store.as_ref(), container, &item, tuning, sink, cancel).await;
                fetched.map_err(|message| (!cancel.is_cancelled()).then_some(message))
            };
            let (outcome, state) = match result {
                Ok(state) => (FileOutcome::Downloaded, Some(state)),
                Err(None) => (FileOutcome::Cancelled, None),
                Err(Some(message)) => (FileOutcome::Failed { message }, None),
            };
            sink.send(TransferEvent::FileDone { key: item.key.clone(), size: item.size, outcome: outcome.clone() });
            (item, outcome, state)
        })
        .buffer_unordered(tuning.concurrency.max(1))
        .collect()
        .await
}

/// Fetches one object into its place, counting its bytes as they arrive.
async fn fetch(
    store: &dyn ObjectStore,
    container: &str,
    item: &Fetch,
    tuning: &Tuning,
    sink: &Arc<dyn EventSink>,
    cancel: &CancellationToken,
) -> Result<LocalState, String> {
    // The folder check and the stats below run in place: each is one quick
    // call, and handing it to the blocking pool cost more than the call
    // (most of the system CPU of downloading many small files).
    if let Some(dir) = item.dest.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("Cannot create the folder {}: {e}", dir.display()))?;
    }
    let partial = partial_path(item);
    let have = || std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
    let fetched = if item.size > tuning.multipart_threshold {
        ranged::fetch_ranges(store, container, item, &partial, tuning, sink, cancel).await
    } else {
        let meter = Meter::new(sink);
        // From what the partial file holds (an earlier run's bytes).
        let earlier = have();
        let fetched = if earlier >= item.size && item.size > 0 {
            Ok(())
        } else {
            let etag = item.etag.as_deref();
            let rest = stowage_store::files::append_range(store, container, &item.key, earlier, etag, &partial);
            meter.watching(rest).await.map(drop)
        };
        if fetched.is_ok() {
            meter.finish(item.size);
        }
        fetched
    };
    let have = have();
    let placed = match fetched {
        Err(e) => {
            if e.kind() == stowage_store::ErrorKind::Precondition {
                let _ = tokio::fs::remove_file(&partial).await;
                let _ = tokio::fs::remove_file(ranged::ledger_path(&partial)).await;
            }
            // A network failure keeps the partial file: the next try resumes.
            return Err(e.to_string());
        }
        Ok(_) if have != item.size => Err(format!(
            "{} changed on the server while downloading ({have} bytes instead of {}); try again.",
            item.key, item.size
        )),
        Ok(_) => place(item, &partial).await,
    };
    if placed.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    placed
}

/// Where a download accumulates: hidden beside its final name, named after
/// the object's version so a changed object never continues an old one, and
/// ending in `.part`, which sync and watched folders ignore.
fn partial_path(item: &Fetch) -> PathBuf {
    let name = item.dest.file_name().and_then(|n| n.to_str()).unwrap_or("download");
    let version: String =
        item.etag.as_deref().unwrap_or("any").chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    item.dest.with_file_name(format!(".{name}.{version}.part"))
}

/// Checks the downloaded temp file and renames it over `item.dest`.
async fn place(item: &Fetch, tmp: &Path) -> Result<LocalState, String> {
    let item = item.clone();
    let tmp = tmp.to_owned();
    tokio::task::spawn_blocking(move || {
        if let Some(expected) = item.etag.as_deref().filter(|e| etag::is_plain_md5(e)) {
            let got = etag::file_md5(&tmp).map_err(|e| format!("Cannot read back {}: {e}", tmp.display()))?;
            if got != expected {
                return Err(format!(
                    "{} arrived with a different checksum (MD5 {got}, expected {expected}).",
                    item.key
                ));
            }
        }
        let there = item.stands_in.as_deref().unwrap_or(&item.dest);
        if current_state(there) != item.replaces {
            return Err(format!(
                "{} changed on this computer since it was compared; it was left as it is.",
                there.display()
            ));
        }
        if let Some(ms) = item.modified_ms {
            let file = stowage_store::disk::open_for_writing(&tmp, false).map_err(|e| e.to_string())?;
            let when = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0));
            file.set_modified(when).map_err(|e| format!("Cannot set the time of {}: {e}", tmp.display()))?;
        }
        if let Some(old) = &item.stands_in {
            // Replaced by a rename, the old spelling would stay on the disk.
            stowage_store::disk::remove_file(old).map_err(|e| format!("Cannot replace {}: {e}", old.display()))?;
        }
        stowage_store::disk::rename(&tmp, &item.dest)
            .map_err(|e| format!("Cannot write {}: {e}", item.dest.display()))?;
        let meta = std::fs::metadata(&item.dest).map_err(|e| e.to_string())?;
        Ok(LocalState {
            size: meta.len(),
            modified_ns: modified_ns(meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)),
            checksum: None,
        })
    })
    .await
    .map_err(|e| format!("Writing a download was interrupted: {e}"))?
}

/// (size, modification time in ns) of the file at `path`, if there is one.
fn current_state(path: &Path) -> Option<(u64, i64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), modified_ns(meta.modified().unwrap_or(SystemTime::UNIX_EPOCH))))
}

/// What a person picked in the storage browser to download.
#[derive(Debug, Clone)]
pub struct DownloadRequest {
    pub container: String,
    /// The folder being viewed: downloaded paths are relative to it.
    pub base_prefix: String,
    /// Keys, and folders (ending with `/`) taken whole.
    pub selection: Vec<String>,
    pub dest: PathBuf,
    /// When a file of that name is already in `dest`.
    pub existing: Existing,
}

/// Downloads a selection of objects and folders into a local folder,
/// keeping the folder structure below the viewed prefix.
pub async fn download(
    store: Arc<dyn ObjectStore>,
    request: DownloadRequest,
    tuning: Tuning,
    sink: Arc<dyn EventSink>,
    cancel: CancellationToken,
) -> Summary {
    let store = tuning.transfer_store(store, &cancel);
    let mut summary = Summary::default();
    let base = normalize_prefix(&request.base_prefix);
    let names = NameRules::at_off_worker(&request.dest).await;
    let (objects, failed) = crate::selection::expand(store.as_ref(), &request.container, &request.selection).await;
    summary.failed.extend(failed);
    // Where each goes, on the blocking pool: a stat or two per object.
    let (dest, existing) = (request.dest.clone(), request.existing);
    let placed = tokio::task::spawn_blocking(move || destinations(objects, &base, &dest, &names, existing)).await;
    let items = match placed {
        Ok(placed) => {
            summary.skipped_existing += placed.skipped;
            summary.failed.extend(placed.refused);
            placed.items
        }
        Err(e) => {
            summary.failed.push((String::new(), format!("Choosing where the files go was interrupted: {e}")));
            Vec::new()
        }
    };
    sink.send(TransferEvent::Started {
        files: items.len() as u64,
        bytes: items.iter().map(|i| i.size).sum(),
        skipped: Vec::new(),
    });
    for (item, outcome, _) in fetch_all(&store, &request.container, items, &tuning, &sink, &cancel).await {
        summary.count(&item.key, item.size, &outcome);
    }
    summary.cancelled |= cancel.is_cancelled();
    sink.send(TransferEvent::Finished { summary: summary.clone() });
    summary
}

/// Where a download's objects go.
struct Placed {
    items: Vec<Fetch>,
    /// Left alone: a file of that name is there (Existing::Skip).
    skipped: u64,
    /// Keys no file here can be named for, and why.
    refused: Vec<(String, String)>,
}

/// The file each object goes to under `root`, its key below `base` named
/// as the disk names it. The names this download writes are claimed as the
/// disk compares them: two keys that are one name there are two files,
/// never one written twice.
fn destinations(
    objects: Vec<stowage_store::ObjectInfo>,
    base: &str,
    root: &Path,
    names: &NameRules,
    existing: Existing,
) -> Placed {
    let mut placed = Placed { items: Vec::new(), skipped: 0, refused: Vec::new() };
    let mut claimed = HashSet::new();
    for object in objects.into_iter().filter(|o| !o.key.ends_with('/')) {
        let relative = object.key.strip_prefix(base).unwrap_or(&object.key);
        let dest = match stowage_store::disk::within(root, names, relative) {
            Ok(dest) => dest,
            Err(refusal) => {
                placed.refused.push((object.key.clone(), format!("Not downloaded: {refusal}.")));
                continue;
            }
        };
        let taken = |path: &Path, claimed: &HashSet<String>| {
            path.exists() || claimed.contains(&names.fold(&path.to_string_lossy()))
        };
        let dest = match (taken(&dest, &claimed), existing) {
            (true, Existing::Skip) => {
                placed.skipped += 1;
                continue;
            }
            // Downloads ask nobody: keeping both loses nothing.
            (true, Existing::KeepBoth | Existing::Ask) => free_local_name(&dest, |p| taken(p, &claimed)),
            // Replacing what is there, but never what this download wrote.
            (true, Existing::Overwrite) if claimed.contains(&names.fold(&dest.to_string_lossy())) => {
                free_local_name(&dest, |p| taken(p, &claimed))
            }
            _ => dest,
        };
        claimed.insert(names.fold(&dest.to_string_lossy()));
        let replaces = current_state(&dest);
        placed.items.push(Fetch {
            key: object.key,
            dest,
            size: object.size,
            etag: object.etag,
            modified_ms: object.modified_ms,
            replaces,
            stands_in: None,
        });
    }
    placed
}

/// `name (1).ext`, `name (2).ext`, ...: the first name not `taken` in the folder.
fn free_local_name(path: &Path, taken: impl Fn(&Path) -> bool) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    (1..)
        .map(|n| path.with_file_name(numbered(name, n)))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_both_picks_a_free_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.csv"), b"1").expect("write");
        std::fs::write(dir.path().join("a (1).csv"), b"1").expect("write");
        assert_eq!(free_local_name(&dir.path().join("a.csv"), Path::exists), dir.path().join("a (2).csv"));
    }
}
