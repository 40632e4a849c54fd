//! Keeping one watched folder synced. File system events (notify, through
//! notify-debouncer-full) only schedule a round; a round is a full sync of
//! the folder to its prefix with the sync engine, whose last-sync state is
//! the folder's index. So a change made while nothing watched (the app was
//! closed, the watcher overflowed) is caught by the next round, and:
//!
//! - a file is uploaded once it is still: one modified within `stable` is
//!   left for a round after that window (slow writes, editors' temp+rename
//!   arrive once, complete);
//! - a deletion reaches the container only for a path the index says was
//!   synced and that a complete scan finds missing, under the delete cap;
//! - a folder that vanished, or is empty where the index knows files (an
//!   unmounted disk), is an error and deletes nothing;
//! - a storm of events makes one round at a time, not a request per event.
//!
//! Without inotify watches to spare, the folder is rescanned on a timer and
//! the status says how to raise `fs.inotify.max_user_watches`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, NoCache};
use serde::Serialize;
use stowage_store::names::NameRules;
use stowage_store::Storage;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::config::WatchedFolder;
use crate::engine::Tuning;
use crate::events::{EventSink, Tracker, TransferEvent};
use crate::folder_sync::{apply, prepare, prepare_paths};
use crate::state::SyncState;
use crate::upload::Resume;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum WatchState {
    Starting,
    Idle,
    Scanning,
    Syncing,
    /// Files still being written wait until they stop changing.
    Waiting,
    Paused,
    Error,
}

/// What a watched folder is doing, for the window, the tray and the CLI.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WatchStatus {
    pub state: WatchState,
    /// Why it is in error, or what else to know (polling, conflicts).
    pub message: Option<String>,
    pub files_left: u64,
    pub bytes_left: u64,
    /// The end of the last round that left nothing to do, ms since the epoch.
    pub last_sync_ms: Option<i64>,
}

impl WatchStatus {
    pub fn new(state: WatchState) -> Self {
        Self { state, message: None, files_left: 0, bytes_left: 0, last_sync_ms: None }
    }
}

#[derive(Debug, Clone)]
pub struct Timing {
    /// A file unchanged for this long is complete.
    pub stable: Duration,
    /// Events closer than this make one.
    pub debounce: Duration,
    /// A full round even without events (missed events, remote changes).
    pub full_rescan: Duration,
    /// The round timer when the folder cannot be watched.
    pub poll: Duration,
    /// The wait before trying again after an error.
    pub retry: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            stable: Duration::from_secs(2),
            debounce: Duration::from_millis(300),
            full_rescan: Duration::from_secs(3600),
            poll: Duration::from_secs(60),
            retry: Duration::from_secs(30),
        }
    }
}

/// What a watch needs from its surroundings.
#[derive(Clone)]
pub struct WatchDeps {
    /// Rounds list through its retried store and send through a transfer over its shared one.
    pub storage: Storage,
    pub state: Arc<SyncState>,
    pub resume: Option<Resume>,
    pub tuning: Tuning,
}

enum Signal {
    /// These paths changed.
    Changed(Vec<PathBuf>),
    /// The watcher lost events or failed: scan everything now.
    Rescan,
}

/// More changed paths than this in one round: walk the whole folder (one
/// listing beats hundreds of narrow ones).
const MAX_NARROW_PATHS: usize = 256;

/// The changed `paths` as keys in the folder `root`; `None` when one of them
/// is the folder itself (or outside it): then everything is looked at.
fn keys_in(root: &std::path::Path, names: &NameRules, paths: &BTreeSet<PathBuf>) -> Option<BTreeSet<String>> {
    paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(root).ok()?.to_str()?.replace('\\', "/");
            (!rel.is_empty()).then(|| names.key(&rel))
        })
        .collect()
}

/// Runs until `cancel`: one round at start (catching up), then a round
/// after each burst of events, after each deferral, and periodically.
pub async fn run(
    folder: WatchedFolder,
    deps: WatchDeps,
    timing: Timing,
    status: watch::Sender<WatchStatus>,
    cancel: CancellationToken,
) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let path = PathBuf::from(folder.id());
    // Probed before the watch starts: the probe's scratch files are no change.
    let names = NameRules::at_off_worker(&path).await;
    let watch = |tx| match start_watcher(&path, timing.debounce, tx) {
        Ok(w) => (Some(w), None),
        Err(note) => (None, Some(note)),
    };
    let (mut watcher, mut polling_note) = watch(tx.clone());
    // Events name the paths to look at; a full round (the whole folder and
    // prefix) runs first to catch up, periodically, after lost events and
    // errors, and whenever a narrow round cannot decide (something is gone).
    let root = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let mut changed: BTreeSet<PathBuf> = BTreeSet::new();
    let mut full = true;
    let mut next = Instant::now();
    let mut next_full = Instant::now();
    let mut last_sync = None;
    let mut failing = false;
    let note = |signal: Signal, changed: &mut BTreeSet<PathBuf>, full: &mut bool| match signal {
        Signal::Changed(paths) => changed.extend(paths),
        Signal::Rescan => *full = true,
    };
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            signal = rx.recv() => {
                let soon = Instant::now() + match &signal {
                    Some(Signal::Changed(_)) => timing.debounce,
                    Some(Signal::Rescan) | None => Duration::ZERO,
                };
                if let Some(signal) = signal {
                    note(signal, &mut changed, &mut full);
                }
                next = next.min(soon);
            }
            () = tokio::time::sleep_until(next.min(next_full).into()) => {
                // Events so far belong to this round.
                while let Ok(signal) = rx.try_recv() {
                    note(signal, &mut changed, &mut full);
                }
                let narrow = (!full && Instant::now() < next_full && changed.len() <= MAX_NARROW_PATHS)
                    .then(|| keys_in(&root, &names, &changed))
                    .flatten();
                let rescan_every = if polling_note.is_some() { timing.poll } else { timing.full_rescan };
                if narrow.is_none() {
                    next_full = Instant::now() + rescan_every;
                }
                changed.clear();
                full = false;
                let round = round(&folder, &deps, &timing, &status, last_sync, &cancel, narrow.as_ref()).await;
                let mut current = status.borrow().clone();
                if let (Some(note), WatchState::Idle) = (&polling_note, current.state) {
                    current.message = Some(note.clone());
                    status.send_replace(current);
                }
                last_sync = status.borrow().last_sync_ms;
                // A folder that came back (a disk mounted again) is a new
                // inode: watch it afresh.
                if failing && !matches!(round, Round::Failed) {
                    drop(watcher.take());
                    (watcher, polling_note) = watch(tx.clone());
                }
                failing = matches!(round, Round::Failed);
                next = Instant::now()
                    + match round {
                        Round::Done => rescan_every,
                        Round::Deferred(waiting) => {
                            changed.extend(waiting.iter().filter_map(|key| names.path(&root, key).ok()));
                            timing.stable
                        }
                        Round::Failed => {
                            full = true;
                            timing.retry
                        }
                    };
            }
        }
    }
}

fn start_watcher(
    path: &std::path::Path,
    debounce: Duration,
    tx: mpsc::UnboundedSender<Signal>,
) -> Result<notify_debouncer_full::Debouncer<notify::RecommendedWatcher, NoCache>, String> {
    // Ticking once per debounce window (not the default four times) keeps an
    // idle watch near zero CPU; events wait at most two windows. Only
    // changes are asked of the kernel: with opens and closes too, reading a
    // million files (our own uploads, a training run reading the dataset)
    // overflows the 16,384-event queue, and each overflow is a full rescan.
    let config = notify::Config::default().with_event_kinds(notify::EventKindMask::CORE);
    let handler = move |result: DebounceEventResult| {
        let signal = match result {
            Ok(events) if events.iter().any(|e| e.need_rescan()) => Signal::Rescan,
            Ok(events) => Signal::Changed(events.into_iter().flat_map(|e| e.event.paths).collect()),
            Err(_) => Signal::Rescan,
        };
        let _ = tx.send(signal);
    };
    // No file-id cache (off Linux the recommended one walks and opens every
    // file of the folder at start and at each rescan, on an async worker):
    // a rename reads as a removal and a creation, and a round looks at both.
    let mut debouncer = new_debouncer_opt(debounce, Some(debounce), handler, NoCache::new(), config)
        .map_err(|e| format!("Changes are found by rescanning every minute: the folder cannot be watched ({e})."))?;
    debouncer.watch(path, RecursiveMode::Recursive).map_err(|e| match e.kind {
        notify::ErrorKind::MaxFilesWatch => "Changes are found by rescanning every minute: the system ran out of file \
             watches. Raise them with `sudo sysctl fs.inotify.max_user_watches=524288` (and in /etc/sysctl.d to keep it)."
            .to_owned(),
        _ => format!("Changes are found by rescanning every minute: the folder cannot be watched ({e})."),
    })?;
    Ok(debouncer)
}

enum Round {
    Done,
    /// These files were still being written.
    Deferred(BTreeSet<String>),
    Failed,
}

/// One sync of the folder to its prefix, reporting as it goes.
async fn round(
    folder: &WatchedFolder,
    deps: &WatchDeps,
    timing: &Timing,
    status: &watch::Sender<WatchStatus>,
    last_sync_ms: Option<i64>,
    cancel: &CancellationToken,
    narrow: Option<&BTreeSet<String>>,
) -> Round {
    let set = |state: WatchState, message: Option<String>| {
        status.send_replace(WatchStatus { state, message, files_left: 0, bytes_left: 0, last_sync_ms });
    };
    set(WatchState::Scanning, None);
    let mut request = folder.target.request();
    // Never from events alone: only what was synced and is gone goes.
    request.options.only_delete_synced = true;
    let store = deps.storage.store();
    let narrowed = match narrow {
        Some(keys) => prepare_paths(store.as_ref(), &request, &deps.state, &deps.tuning, keys).await,
        None => Ok(None),
    };
    let (prepared, is_full) = match narrowed {
        Ok(Some(p)) => (Ok(p), false),
        Ok(None) => (prepare(store.as_ref(), &request, &deps.state, &deps.tuning).await, true),
        Err(e) => (Err(e), false),
    };
    let mut prepared = match prepared {
        Ok(p) => p,
        Err(reason) => {
            set(WatchState::Error, Some(format!("{reason} Nothing was deleted; it is tried again shortly.")));
            return Round::Failed;
        }
    };
    let (found, known) = prepared.counts();
    if is_full && found == 0 && known > 0 {
        set(
            WatchState::Error,
            Some(format!(
                "The folder is empty, but {known} files were synced from it. If its disk is unmounted, mount it again; \
                 nothing was deleted from the container."
            )),
        );
        return Round::Failed;
    }
    if let Some(reason) = &prepared.plan.blocked {
        set(WatchState::Error, Some(reason.clone()));
        return Round::Failed;
    }
    let waiting = prepared.defer_recent(timing.stable);
    let conflicts = prepared.plan.count(crate::plan::OpKind::Conflict).0;
    let note = (conflicts > 0).then(|| format!("{conflicts} files changed on both sides are left as they are."));
    if prepared.plan.ops.len() as u64 > conflicts {
        let sink = Arc::new(Progress { status: status.clone(), tracker: Mutex::new(Tracker::default()), last_sync_ms });
        let summary = apply(
            deps.storage.shared(),
            prepared,
            &request,
            &deps.state,
            deps.tuning.clone(),
            sink,
            cancel.clone(),
            deps.resume.clone(),
        )
        .await;
        if let Some((path, why)) = summary.failed.first() {
            let what = if path.is_empty() { why.clone() } else { format!("{path}: {why}") };
            set(
                WatchState::Error,
                Some(format!("{} files could not be synced ({what}); tried again shortly.", summary.failed.len())),
            );
            return Round::Failed;
        }
    }
    // In sync, unless files still being written wait for the next round.
    let (state, synced) = if waiting.is_empty() {
        (WatchState::Idle, Some(stowage_store::now_ms()))
    } else {
        (WatchState::Waiting, last_sync_ms)
    };
    let files_left = waiting.len() as u64;
    status.send_replace(WatchStatus { state, message: note, files_left, bytes_left: 0, last_sync_ms: synced });
    if waiting.is_empty() {
        Round::Done
    } else {
        Round::Deferred(waiting)
    }
}

/// Files and bytes left, as the round goes.
struct Progress {
    status: watch::Sender<WatchStatus>,
    tracker: Mutex<Tracker>,
    last_sync_ms: Option<i64>,
}

impl EventSink for Progress {
    fn send(&self, event: TransferEvent) {
        let mut tracker = self.tracker.lock().unwrap_or_else(|e| e.into_inner());
        tracker.apply(&event);
        if matches!(event, TransferEvent::Finished { .. }) {
            return;
        }
        self.status.send_replace(WatchStatus {
            state: WatchState::Syncing,
            message: None,
            files_left: tracker.files_total.saturating_sub(tracker.files_done),
            bytes_left: tracker.bytes_total.saturating_sub(tracker.bytes_done),
            last_sync_ms: self.last_sync_ms,
        });
    }
}
