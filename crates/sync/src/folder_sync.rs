//! Syncing a local folder with a container prefix: [`prepare`] walks the
//! folder, the prefix's listing and the last sync's state side by side in
//! key order (the march) and plans; [`apply`] runs a plan with the transfer
//! engine and records the new state. The plan in between is what a dry run
//! prints and the window shows. Only the paths the plan acts on are kept.

use std::collections::{BTreeSet, HashMap};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};
use stowage_store::names::NameRules;
use stowage_store::{ObjectInfo, ObjectStore};
use tokio_util::sync::CancellationToken;

use crate::download::{fetch_all, Fetch};
use crate::engine::{list_all, normalize_prefix, Tuning};
use crate::error::SyncError;
use crate::etag;
use crate::events::{EventSink, FileOutcome, Summary, TransferEvent};
use crate::kept::KeptRows;
use crate::march::{Chunked, March, Row, Sorted, CHUNK};
use crate::upload::{local_etag, Action, Engine, Resume};

/// Bulk deletes (a thousand keys each) in flight at once.
const DELETES_IN_FLIGHT: usize = 8;
use crate::filter::Filters;
use crate::journal::modified_ns;
use crate::plan::{
    over_cap, Base, Compare, Direction, LocalState, Op, OpKind, PlanOptions, Planner, Reason, RemoteState, SyncPlan,
};
use crate::renames::{mark_renames, Gone};
use crate::scan::{outermost, scan_folder_in_order, scan_paths, LocalFile};
use crate::spill::Spilled;
use crate::state::{BaseUpdate, Pair, StateWriter, SyncState};

#[derive(Debug, Clone)]
pub struct SyncRequest {
    pub folder: PathBuf,
    /// The profile: part of the state's name, and of the journal's.
    pub store_name: String,
    pub container: String,
    pub prefix: String,
    pub options: PlanOptions,
    pub includes: Vec<String>,
    pub excludes: Vec<String>,
    /// Objects a push deletes are first copied under this prefix.
    pub backup_prefix: Option<String>,
    /// Links that lead out of the folder are followed.
    pub follow_links: bool,
}

/// A plan and what it acts on, ready to apply.
#[derive(Debug)]
pub struct Prepared {
    pub plan: SyncPlan,
    pair: Pair,
    /// The folder, as an absolute path.
    folder: PathBuf,
    /// How its disk names files.
    names: NameRules,
    prefix: String,
    /// Both sides and the state of the paths the plan acts on, in path order
    /// (as the operations are).
    rows: KeptRows,
    /// Paths equal on both sides whose recorded state is missing or out of
    /// date (in a temporary file past a few thousand).
    equal: Spilled<(String, Base)>,
    /// Files found in the folder, paths the state knew.
    counts: (usize, usize),
    /// Paths left for a later round (still being written).
    deferred: BTreeSet<String>,
}

impl Prepared {
    /// Leaves out uploads of files modified within `window`: they may still
    /// be written to, and go in a later round once they are still. Returns
    /// the paths left out.
    pub fn defer_recent(&mut self, window: std::time::Duration) -> BTreeSet<String> {
        let cutoff = std::time::SystemTime::now() - window;
        let uploads = self.plan.ops.iter().filter(|op| op.kind == OpKind::Upload);
        let recent: BTreeSet<String> = self
            .rows
            .beside(uploads, |op| &op.path)
            .filter(|(_, row)| row.as_ref().and_then(|r| r.local.as_ref()).is_some_and(|l| l.modified > cutoff))
            .map(|(op, _)| op.path)
            .collect();
        if !recent.is_empty() {
            self.plan.ops.rewrite(|_, op| (!recent.contains(&op.path)).then_some(op));
        }
        self.deferred.extend(recent.iter().cloned());
        recent
    }

    /// Files found in the folder, and files the last sync's state knows.
    pub fn counts(&self) -> (usize, usize) {
        self.counts
    }
}

/// Scans, lists and plans, the three at once. Fails (and so deletes
/// nothing) when the folder, the listing or the state cannot be read.
pub async fn prepare(
    store: &dyn ObjectStore,
    request: &SyncRequest,
    state: &SyncState,
    tuning: &Tuning,
) -> Result<Prepared, SyncError> {
    if request.options.direction == Direction::Down && !request.folder.exists() {
        std::fs::create_dir_all(&request.folder)
            .map_err(|e| SyncError::local(format!("Cannot create the folder {}: {e}", request.folder.display())))?;
    }
    let (folder, filters) = open_folder(request)?;
    let names = NameRules::at_off_worker(&folder).await;
    let prefix = normalize_prefix(&request.prefix);
    let pair = pair_of(&folder, request, &prefix);

    let (local_feed, local_side) = Sorted::channel();
    let scanning = {
        let (folder, filters) = (folder.clone(), filters.clone());
        tokio::task::spawn_blocking(move || {
            let mut out = Chunked::new(local_feed);
            let scanned =
                scan_folder_in_order(&folder, &filters, names, |file| out.push_blocking(file.key.clone(), file.into()));
            out.flush_blocking();
            scanned
        })
    };
    let (remote_feed, remote_side) = Sorted::channel();
    // The feed goes when the listing ends, so the march sees where it ends.
    let (under, filters_ref) = (prefix.as_str(), &filters);
    let listing = async move {
        let feed = remote_feed;
        stowage_store::walk::walk(store, &request.container, under, |objects| {
            let entries = remote_entries(objects, under, filters_ref);
            let feed = feed.clone();
            async move {
                match feed.send(entries).await {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(_) => ControlFlow::Break(()),
                }
            }
        })
        .await
    };
    let (base_reader, base_side) = state.read_in_order(&pair);
    let march = March::new(local_side, remote_side, base_side);
    let marching = march_through(march, &folder, names, request, tuning, state);
    let (listed, marched) = tokio::join!(listing, marching);
    listed?;
    let (_, incomplete) =
        scanning.await.map_err(|e| SyncError::local(format!("Reading the folder was interrupted: {e}")))??;
    base_reader.await.map_err(|e| state_error(e.to_string()))?.map_err(|e| state_error(e.to_string()))?;
    Ok(assemble(request, tuning, pair, (folder, names), prefix, marched?, incomplete).await)
}

/// Like [`prepare`] for an upload, but only for `keys` (paths in the folder
/// where something changed): the rest of the folder is not walked and the
/// rest of the prefix not listed. `None` when only a full scan can decide:
/// a synced path is gone (a deletion or a rename) or the plan would delete.
pub async fn prepare_paths(
    store: &dyn ObjectStore,
    request: &SyncRequest,
    state: &SyncState,
    tuning: &Tuning,
    keys: &BTreeSet<String>,
) -> Result<Option<Prepared>, SyncError> {
    if request.options.direction != Direction::Up {
        return Ok(None);
    }
    let (folder, filters) = open_folder(request)?;
    let names = NameRules::at_off_worker(&folder).await;
    let (scan, gone) = {
        let (folder, filters, keys) = (folder.clone(), filters.clone(), keys.clone());
        tokio::task::spawn_blocking(move || scan_paths(&folder, &filters, names, &keys))
            .await
            .map_err(|e| SyncError::local(format!("Reading the folder was interrupted: {e}")))??
    };
    let prefix = normalize_prefix(&request.prefix);
    let pair = pair_of(&folder, request, &prefix);
    let tops: Vec<String> = outermost(keys).into_iter().cloned().collect();
    let (reader, read_pair, read_tops) = (state.clone(), pair.clone(), tops.clone());
    let (synced_and_gone, base) = tokio::task::spawn_blocking(move || {
        Ok::<_, rusqlite::Error>((reader.load_under(&read_pair, &gone)?, reader.load_under(&read_pair, &read_tops)?))
    })
    .await
    .map_err(|e| state_error(e.to_string()))?
    .map_err(|e| state_error(e.to_string()))?;
    // Gone and once synced: a deletion or a rename, for a full scan to judge.
    // (An editor's temp file that came and went is not.)
    if !synced_and_gone.is_empty() {
        return Ok(None);
    }
    // Owned keys: a stream of borrowed ones trips the Send proof (rust-lang/rust#110338).
    let listed: Vec<Vec<ObjectInfo>> = stream::iter(tops)
        .map(|key| {
            let under = format!("{prefix}{key}");
            async move {
                let found = list_all(store, &request.container, &under).await?;
                // Listing `a/b` also finds `a/bc`: keep `a/b` and what is inside it.
                Ok::<_, SyncError>(found.into_values().filter(|o| within(&o.key, &under)).collect())
            }
        })
        .buffer_unordered(8)
        .try_collect()
        .await?;
    let mut remote = remote_entries(listed.into_iter().flatten(), &prefix, &filters);
    remote.sort_by(|a, b| a.0.cmp(&b.0));
    let local = scan.files.into_iter().map(|file| (file.key.clone(), file.into())).collect();
    let march = March::new(
        Sorted::from_sorted(local),
        Sorted::from_sorted(remote),
        Sorted::from_sorted(base.into_iter().collect()),
    );
    let marched = march_through(march, &folder, names, request, tuning, state).await?;
    let prepared = assemble(request, tuning, pair, (folder, names), prefix, marched, scan.incomplete).await;
    let deletes = [OpKind::DeleteRemote, OpKind::DeleteLocal].into_iter().any(|kind| prepared.plan.count(kind).0 > 0);
    Ok((!deletes).then_some(prepared))
}

fn state_error(e: String) -> SyncError {
    SyncError::local(format!("The sync state cannot be read: {e}"))
}

/// `path` is `top` or inside it.
fn within(path: &str, top: &str) -> bool {
    path.strip_prefix(top).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The folder as an absolute path, and its filters.
fn open_folder(request: &SyncRequest) -> Result<(PathBuf, Filters), SyncError> {
    let folder = std::fs::canonicalize(&request.folder)
        .map_err(|e| SyncError::local(format!("The folder {} cannot be read: {e}", request.folder.display())))?;
    let filters = Filters::for_folder(&folder, &request.includes, &request.excludes)
        .map_err(|e| SyncError::invalid(e.to_string()))?
        .following_links(request.follow_links);
    Ok((folder, filters))
}

fn pair_of(folder: &std::path::Path, request: &SyncRequest, prefix: &str) -> Pair {
    Pair {
        folder: folder.display().to_string(),
        store: request.store_name.clone(),
        container: request.container.clone(),
        prefix: prefix.to_owned(),
    }
}

/// Listed objects as paths under `prefix` (in their order), without folder
/// markers and what the filters leave out.
fn remote_entries(
    objects: impl IntoIterator<Item = ObjectInfo>,
    prefix: &str,
    filters: &Filters,
) -> Vec<(String, RemoteState)> {
    objects
        .into_iter()
        .filter_map(|o| {
            let path = o.key.strip_prefix(prefix)?.to_owned();
            // Folder markers (keys ending in `/`) are not files.
            (!path.is_empty() && !path.ends_with('/') && filters.allows(&path))
                .then_some((path, RemoteState { size: o.size, modified_ms: o.modified_ms, etag: o.etag }))
        })
        .collect()
}

/// What the march leaves: the planner with every path added, and the rows
/// worth keeping.
struct Marched {
    planner: Planner,
    /// In path order, as the march gives them.
    rows: KeptRows,
    /// Where renamed files may come from.
    gone: Gone,
    equal: Spilled<(String, Base)>,
    counts: (usize, usize),
}

/// Plans every row of `march`, keeping only the rows the plan acts on, the
/// synced files gone from the folder and the equal paths whose state is new.
async fn march_through(
    mut march: March,
    folder: &std::path::Path,
    names: NameRules,
    request: &SyncRequest,
    tuning: &Tuning,
    state: &SyncState,
) -> Result<Marched, SyncError> {
    let mut planner = Planner::new(request.options.clone(), state.dir()).with_names(names);
    let (mut rows, mut gone, mut equal) = (KeptRows::new(state.dir()), Gone::default(), Spilled::new(state.dir()));
    loop {
        let mut batch = march.next_batch(CHUNK).await.map_err(|e| SyncError::local(e.to_string()))?;
        if batch.is_empty() {
            break;
        }
        if request.options.compare == Compare::Checksum {
            add_checksums(&mut batch, folder, names, tuning).await;
        }
        for row in batch {
            gone.note(&row);
            let local = row.local.as_ref().map(|l| &l.state);
            if planner.add(&row.path, local, row.remote.as_ref(), row.base.as_ref()) {
                rows.push(row);
            } else if let (Some(l), Some(r)) = (local, &row.remote) {
                let base = Base::of(l, r);
                if row.base.as_ref() != Some(&base) {
                    equal.push((row.path, base));
                }
            }
        }
    }
    Ok(Marched { planner, rows, gone, equal, counts: march.counts() })
}

/// The plan from what the march left: renames marked, the delete cap checked.
#[allow(clippy::too_many_arguments)]
async fn assemble(
    request: &SyncRequest,
    tuning: &Tuning,
    pair: Pair,
    (folder, names): (PathBuf, NameRules),
    prefix: String,
    marched: Marched,
    local_incomplete: bool,
) -> Prepared {
    let Marched { planner, rows, gone, equal, counts } = marched;
    let at_destination = planner.at_destination();
    let mut plan = planner.finish(!local_incomplete, true);
    if request.options.direction == Direction::Up && !gone.is_empty() {
        let new_files =
            plan.ops.iter().enumerate().filter(|(_, op)| op.kind == OpKind::Upload && op.reason == Reason::New);
        let candidates = rows
            .beside(new_files, |(_, op)| &op.path)
            .filter_map(|((i, _), row)| {
                let state = &row.as_ref()?.local.as_ref()?.state;
                gone.may_be(state.size, state.modified_ns).then(|| Some((i, row?.local_file(&folder, &names)?)))?
            })
            .collect();
        mark_renames(&mut plan, &gone, candidates, tuning).await;
        plan.blocked = over_cap(&plan, at_destination, &request.options);
    }
    Prepared { plan, pair, folder, names, prefix, rows, equal, counts, deferred: BTreeSet::new() }
}

/// Reads the files of `rows` whose size matches their object, to compare contents.
async fn add_checksums(rows: &mut [Row], folder: &std::path::Path, names: NameRules, tuning: &Tuning) {
    // Owned, not borrowed: see `Passing`.
    let wanted: Vec<(usize, LocalFile, String)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let (file, remote) = (row.local_file(folder, &names)?, row.remote.as_ref()?);
            (file.size == remote.size).then(|| Some((i, file, remote.etag.clone()?)))?
        })
        .collect();
    let sums: Vec<(usize, Option<String>)> = stream::iter(wanted)
        .map(|(i, file, etag)| async move {
            let (threshold, part_size) = etag::layout_of(&etag, file.size, tuning);
            (i, local_etag(&file, part_size, threshold).await.ok())
        })
        .buffer_unordered(4)
        .collect()
        .await;
    for (i, sum) in sums {
        if let Some(local) = rows[i].local.as_mut() {
            local.state.checksum = sum;
        }
    }
}

/// Runs a prepared plan: deletions that make room for a transfer first,
/// then transfers, then the other deletions. Conflicts are left alone. The
/// sync state records every path that ended equal on both sides.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    store: Arc<dyn ObjectStore>,
    prepared: Prepared,
    request: &SyncRequest,
    state: &SyncState,
    tuning: Tuning,
    sink: Arc<dyn EventSink>,
    cancel: CancellationToken,
    resume: Option<Resume>,
) -> Summary {
    let mut summary = Summary::default();
    if let Some(reason) = &prepared.plan.blocked {
        summary = summary.fail_all(reason.clone());
        sink.send(TransferEvent::Finished { summary: summary.clone() });
        return summary;
    }
    // Each pass reads the operations, in path order as the plan is; a kind
    // the plan has none of is not read for.
    let (plan, ops) = (&prepared.plan, &prepared.plan.ops);
    let of_kind = |kind: OpKind| {
        (plan.count(kind).0 > 0).then(|| ops.iter().filter(move |op| op.kind == kind)).into_iter().flatten()
    };
    let (uploads, downloads) = (plan.count(OpKind::Upload), plan.count(OpKind::Download));
    sink.send(TransferEvent::Started {
        files: ops.len() as u64 - plan.count(OpKind::Conflict).0,
        bytes: uploads.1 + downloads.1,
        skipped: Vec::new(),
    });
    let deletes: Vec<Op> = of_kind(OpKind::DeleteRemote).chain(of_kind(OpKind::DeleteLocal)).collect();
    let (early, late): (Vec<Op>, Vec<Op>) = if deletes.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let room = making_room(&deletes, ops.iter().filter(|op| matches!(op.kind, OpKind::Upload | OpKind::Download)));
        deletes.into_iter().partition(|op| room.contains(&op.path))
    };
    // A rename whose old object is deleted first to make room is sent instead.
    let cleared: BTreeSet<String> = early.iter().map(|op| op.path.clone()).collect();
    let renames: Vec<Op> = of_kind(OpKind::Upload).filter(|op| is_rename(op, &cleared)).collect();
    let sends: Passing<'_> = Box::new(of_kind(OpKind::Upload).filter(move |op| !is_rename(op, &cleared)));

    let store = tuning.transfer_store(store, &cancel);
    let run = Run { store: &store, prepared: &prepared, request, tuning: &tuning, sink: &sink, cancel: &cancel };
    let writer = StateWriter::start(state, &prepared.pair);
    let mut done = Outcomes { summary, update: BaseUpdate::default(), writer };
    for (path, outcome) in run.delete(early).await {
        done.record(path, 0, outcome, None);
    }
    // Renames before the deletions that may remove their sources.
    let renames_sent = renames.len() as u64;
    for (path, size, outcome, base) in run.copy(renames).await {
        done.record(path, size, outcome, base);
    }
    if uploads.0 > renames_sent {
        run.upload(sends, resume, &mut done).await;
    }
    let (downloaded, replaced) = run.download(Box::new(of_kind(OpKind::Download))).await;
    for (path, size, outcome, base) in downloaded {
        done.record(path, size, outcome, base);
    }
    // The old spellings that downloads took the place of are gone.
    done.update.remove.extend(replaced);
    if !cancel.is_cancelled() && done.summary.failed.is_empty() {
        for (path, outcome) in run.delete(late).await {
            done.record(path, 0, outcome, None);
        }
    } else if !late.is_empty() {
        done.summary
            .failed
            .push((String::new(), "Deletions were not made because a transfer failed or was cancelled.".into()));
    }
    if let Some(lost) = prepared.rows.lost().or_else(|| prepared.plan.ops.lost()) {
        // Not recorded as done either: the next sync finds them to do again.
        done.summary.failed.push((String::new(), format!("Some files were left out: {lost}. Sync again.")));
    }
    // Paths equal on both sides without an operation: recorded, so the next
    // comparison goes by the state and not by times.
    for (path, base) in prepared.equal.iter() {
        done.update.set.push((path, base));
        done.save_when_full();
    }
    if let Some(lost) = prepared.equal.lost() {
        // Only a cache: the next sync compares those paths by size and time again.
        tracing::warn!("the state of the paths found equal was not all recorded: {lost}");
    }
    let mut summary = done.finish().await;
    summary.cancelled |= cancel.is_cancelled();
    sink.send(TransferEvent::Finished { summary: summary.clone() });
    summary
}

/// What the state records for a file of this size and time that reached its object.
fn uploaded_base(size: u64, modified_ns: i64, outcome: &FileOutcome) -> Option<Base> {
    match outcome {
        FileOutcome::Uploaded { etag, .. } => Some(Base {
            local_size: size,
            local_modified_ns: modified_ns,
            remote_size: size,
            remote_etag: etag.clone(),
        }),
        _ => None,
    }
}

/// A pass over operations, boxed: a spawned future that holds the closures
/// of a filter over borrowed state fails its Send proof (rust-lang/rust#110338).
type Passing<'a> = Box<dyn Iterator<Item = Op> + Send + 'a>;

/// An upload that copies the object of a file it renames, unless that object
/// was deleted first (in `cleared`).
fn is_rename(op: &Op, cleared: &BTreeSet<String>) -> bool {
    op.from.as_ref().is_some_and(|from| !cleared.contains(from))
}

/// The deletions that clear the way for a transfer: a file where a folder
/// must go, or a folder's file where a file must go. One pass over the
/// transfers, holding only the deletions' paths.
fn making_room(deletes: &[Op], transfers: impl Iterator<Item = Op>) -> BTreeSet<String> {
    let doomed: BTreeSet<&str> = deletes.iter().map(|op| op.path.as_str()).collect();
    let mut room = BTreeSet::new();
    for transfer in transfers {
        let path = transfer.path.as_str();
        let folders = path.match_indices('/').map(|(i, _)| &path[..i]);
        room.extend(folders.filter(|folder| doomed.contains(folder)).map(str::to_owned));
        let below = format!("{path}/");
        room.extend(doomed.range(below.as_str()..).take_while(|d| d.starts_with(&below)).map(|d| d.to_string()));
    }
    room
}

/// What a sync's operations left: the summary, and the state of the paths
/// that ended equal, saved a batch at a time (a sync of a million files
/// holds a batch, and one that stops keeps what it did).
struct Outcomes {
    summary: Summary,
    update: BaseUpdate,
    writer: StateWriter,
}

/// Paths whose state is saved at once.
const STATE_BATCH: usize = 10_000;

impl Outcomes {
    fn record(&mut self, path: String, size: u64, outcome: FileOutcome, base: Option<Base>) {
        self.summary.count(&path, size, &outcome);
        match (&outcome, base) {
            (FileOutcome::Deleted, _) => self.update.remove.push(path),
            (_, Some(base)) => self.update.set.push((path, base)),
            _ => {}
        }
        self.save_when_full();
    }

    fn save_when_full(&mut self) {
        if self.update.set.len() + self.update.remove.len() >= STATE_BATCH {
            self.save();
        }
    }

    fn save(&mut self) {
        self.writer.save(std::mem::take(&mut self.update));
    }

    /// The summary, once every batch is saved.
    async fn finish(mut self) -> Summary {
        self.save();
        for e in self.writer.finish().await {
            self.summary.failed.push((String::new(), format!("The sync state could not be saved: {e}")));
        }
        self.summary
    }
}

/// The files of a plan's uploads, each made ready as the engine takes it,
/// not all at once. (A named iterator: closures over borrowed rows make the
/// spawned future's Send proof trip, rust-lang/rust#110338.)
struct UploadWork<'a> {
    prepared: &'a Prepared,
    ops: crate::kept::Beside<'a, Passing<'a>>,
}

impl Iterator for UploadWork<'_> {
    type Item = (LocalFile, String, Action);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (_, row) = self.ops.next()?;
            if let Some(file) = row.and_then(|row| row.local_file(&self.prepared.folder, &self.prepared.names)) {
                let key = format!("{}{}", self.prepared.prefix, file.key);
                return Some((file, key, Action::Upload));
            }
        }
    }
}

struct Run<'a> {
    store: &'a Arc<dyn ObjectStore>,
    prepared: &'a Prepared,
    request: &'a SyncRequest,
    tuning: &'a Tuning,
    sink: &'a Arc<dyn EventSink>,
    cancel: &'a CancellationToken,
}

type Done = (String, u64, FileOutcome, Option<Base>);

impl Run<'_> {
    fn key(&self, path: &str) -> String {
        format!("{}{path}", self.prepared.prefix)
    }

    async fn upload(&self, ops: Passing<'_>, resume: Option<Resume>, done: &mut Outcomes) {
        let work = UploadWork { prepared: self.prepared, ops: self.prepared.rows.beside(ops, |op| &op.path) };
        let engine = Engine::new(
            self.store.clone(),
            self.request.container.clone(),
            self.tuning.clone(),
            self.sink.clone(),
            self.cancel.clone(),
            resume,
        );
        engine
            .send_all(work, |file, key, outcome| {
                let path = key.strip_prefix(&self.prepared.prefix).unwrap_or(&key).to_owned();
                let base = uploaded_base(file.size, modified_ns(file.modified), &outcome);
                done.record(path, file.size, outcome, base);
            })
            .await;
    }

    /// Renamed files: their old objects copied to the new keys on the server.
    async fn copy(&self, ops: Vec<Op>) -> Vec<Done> {
        let ops: Vec<(Op, Option<LocalState>)> = self
            .prepared
            .rows
            .beside(ops.into_iter(), |op| &op.path)
            .map(|(op, row)| (op, row.and_then(|row| row.local).map(|l| l.state)))
            .collect();
        stream::iter(ops)
            .map(|(op, local)| async move {
                let (container, to) = (&self.request.container, self.key(&op.path));
                let from = self.key(op.from.as_deref().unwrap_or_default());
                let outcome = match self.store.copy(container, &from, &to).await {
                    Ok(put) => {
                        self.sink.send(TransferEvent::Progress { bytes: op.size });
                        FileOutcome::Uploaded { key: to.clone(), etag: put.etag }
                    }
                    Err(e) => FileOutcome::Failed { message: format!("The server-side copy of {from} failed: {e}") },
                };
                self.sink.send(TransferEvent::FileDone { key: to, size: op.size, outcome: outcome.clone() });
                let base = local.and_then(|l| uploaded_base(l.size, l.modified_ns, &outcome));
                (op.path, op.size, outcome, base)
            })
            .buffer_unordered(self.tuning.concurrency.max(1))
            .collect()
            .await
    }

    /// The downloads' outcomes, and the local paths (other spellings of
    /// their names) that they took the place of.
    async fn download(&self, ops: Passing<'_>) -> (Vec<Done>, Vec<String>) {
        let (folder, names) = (&self.prepared.folder, &self.prepared.names);
        let mut done = Vec::new();
        let mut items = Vec::new();
        let mut stand_ins = Vec::new();
        for (op, row) in self.prepared.rows.beside(ops, |op| &op.path) {
            let Some(row) = row else { continue };
            let Some(remote) = row.remote else { continue };
            let dest = match stowage_store::disk::within(folder, names, &op.path) {
                Ok(dest) => dest,
                Err(refusal) => {
                    let message = format!("Not downloaded: {refusal}.");
                    done.push((op.path, op.size, FileOutcome::Failed { message }, None));
                    continue;
                }
            };
            if let Some(from) = &op.from {
                stand_ins.push((from.clone(), items.len(), op.path.clone()));
            }
            items.push(Fetch {
                key: self.key(&op.path),
                dest,
                size: remote.size,
                etag: remote.etag.clone(),
                modified_ms: remote.modified_ms,
                replaces: row.local.map(|l| (l.state.size, l.state.modified_ns)),
                stands_in: None,
            });
        }
        // A download that takes the place of a local file under another
        // spelling replaces that file as it was scanned.
        stand_ins.sort();
        let paths = stand_ins.iter().map(|(from, ..)| from.clone());
        for ((from, i, _), row) in
            stand_ins.iter().zip(self.prepared.rows.beside(paths, |p| p.as_str()).map(|(_, row)| row))
        {
            let scanned = row.and_then(|r| r.local).map(|l| (l.state.size, l.state.modified_ns));
            let (item, path) = (&mut items[*i], names.path(folder, from));
            if let (Some(scanned), Ok(path)) = (scanned, path) {
                (item.replaces, item.stands_in) = (Some(scanned), Some(path));
            }
        }
        let fetched = fetch_all(self.store, &self.request.container, items, self.tuning, self.sink, self.cancel).await;
        let mut replaced = Vec::new();
        for (item, outcome, local) in fetched {
            let path = item.key.strip_prefix(&self.prepared.prefix).unwrap_or(&item.key).to_owned();
            if let (Some((from, ..)), Some(_)) = (stand_ins.iter().find(|(.., to)| *to == path), &local) {
                replaced.push(from.clone());
            }
            let remote = RemoteState { size: item.size, modified_ms: item.modified_ms, etag: item.etag.clone() };
            let base = local.map(|l| Base::of(&l, &remote));
            done.push((path, item.size, outcome, base));
        }
        (done, replaced)
    }

    async fn delete(&self, ops: Vec<Op>) -> Vec<(String, FileOutcome)> {
        let (remote, local): (Vec<Op>, Vec<Op>) = ops.into_iter().partition(|op| op.kind == OpKind::DeleteRemote);
        let mut done = self.delete_remote(remote).await;
        // Each local file with its size and time as scanned: one changed since is kept.
        let local: Vec<(Op, Option<(u64, i64)>)> = self
            .prepared
            .rows
            .beside(local.into_iter(), |op| &op.path)
            .map(|(op, row)| (op, row.and_then(|r| r.local).map(|l| (l.state.size, l.state.modified_ns))))
            .collect();
        done.extend(
            stream::iter(local)
                .map(|(op, scanned)| async move {
                    let outcome = match self.delete_local(&op.path, scanned).await {
                        Ok(()) => FileOutcome::Deleted,
                        Err(message) => FileOutcome::Failed { message },
                    };
                    (op.path, outcome)
                })
                .buffer_unordered(self.tuning.concurrency.max(1))
                .collect::<Vec<_>>()
                .await,
        );
        for (path, outcome) in &done {
            self.sink.send(TransferEvent::FileDone { key: path.clone(), size: 0, outcome: outcome.clone() });
        }
        done
    }

    /// Objects to delete: with a backup prefix each is first copied there
    /// (on the server; one that cannot be copied is not deleted), then all
    /// go in bulk deletes of a thousand keys.
    async fn delete_remote(&self, ops: Vec<Op>) -> Vec<(String, FileOutcome)> {
        let container = &self.request.container;
        let mut done = Vec::new();
        let mut doomed: Vec<(String, String)> = Vec::new();
        match &self.request.backup_prefix {
            None => doomed = ops.into_iter().map(|op| (self.key(&op.path), op.path)).collect(),
            Some(backup) => {
                let backup = normalize_prefix(backup);
                let backup = &backup;
                let copies: Vec<_> = stream::iter(ops)
                    .map(|op| async move {
                        let key = self.key(&op.path);
                        let copied = self.store.copy(container, &key, &format!("{backup}{}", op.path)).await;
                        (key, op.path, copied)
                    })
                    .buffer_unordered(self.tuning.concurrency.max(1))
                    .collect()
                    .await;
                for (key, path, copied) in copies {
                    match copied {
                        Ok(_) => doomed.push((key, path)),
                        Err(e) => done.push((
                            path,
                            FileOutcome::Failed { message: format!("Not deleted: the backup copy failed. {e}") },
                        )),
                    }
                }
            }
        }
        let keys: Vec<String> = doomed.iter().map(|(key, _)| key.clone()).collect();
        let refused = stowage_store::delete_all(self.store.as_ref(), container, &keys, DELETES_IN_FLIGHT).await;
        let mut why: HashMap<String, String> = refused.into_iter().map(|f| (f.key, f.error.to_string())).collect();
        done.extend(doomed.into_iter().map(|(key, path)| match why.remove(&key) {
            Some(message) => (path, FileOutcome::Failed { message }),
            None => (path, FileOutcome::Deleted),
        }));
        done
    }

    /// Removes a local file unless it changed since the scan, then the
    /// folders it leaves empty (up to the synced folder).
    async fn delete_local(&self, path: &str, scanned: Option<(u64, i64)>) -> Result<(), String> {
        let folder = self.prepared.folder.clone();
        let target = stowage_store::disk::within(&folder, &self.prepared.names, path)
            .map_err(|refusal| format!("{path} was kept: {refusal}."))?;
        tokio::task::spawn_blocking(move || {
            let meta = std::fs::metadata(&target).map_err(|e| format!("Cannot read {}: {e}", target.display()))?;
            let now = (meta.len(), modified_ns(meta.modified().unwrap_or(std::time::SystemTime::UNIX_EPOCH)));
            if Some(now) != scanned {
                return Err(format!("{} changed since it was compared; it was kept.", target.display()));
            }
            stowage_store::disk::remove_file(&target)
                .map_err(|e| format!("Cannot delete {}: {e}", target.display()))?;
            let mut dir = target.parent();
            while let Some(d) = dir.filter(|d| *d != folder && d.starts_with(&folder)) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
            Ok(())
        })
        .await
        .map_err(|e| format!("Deleting was interrupted: {e}"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletions_that_make_room_go_first() {
        let op = |path: &str| Op { kind: OpKind::Upload, path: path.into(), size: 0, reason: Reason::New, from: None };
        let deletes: Vec<Op> = ["a", "ab", "a/other.txt", "c/old.txt", "c/d/e"].map(op).into();
        let transfers = ["a/b.txt", "c"].map(op).into_iter();
        // A file where a folder must go; a folder's files where a file must go.
        assert_eq!(making_room(&deletes, transfers), BTreeSet::from(["a", "c/d/e", "c/old.txt"].map(String::from)));
    }
}
