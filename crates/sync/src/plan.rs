//! The sync planner: a pure function from the two listings and the state of
//! the last sync to a list of operations, each with its reason. No decision
//! here reads a disk or a network, so every rule is tested on fixtures; only
//! the list it writes, past 10,000 operations, waits in a temporary file
//! ([`Ops`]).
//!
//! The last sync's state is the merge base: it tells "changed here" from
//! "changed there", so a file both sides changed is a conflict and not an
//! overwrite, and a pull right after a push transfers nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use stowage_store::names::NameRules;

use crate::clash::{Change, Clashes, Sides};
use crate::ops::Ops;

/// A local file as scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalState {
    pub size: u64,
    pub modified_ns: i64,
    /// The ETag an upload of this file would get, when it was computed
    /// (checksum comparison).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

/// An object as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteState {
    pub size: u64,
    pub modified_ms: Option<i64>,
    pub etag: Option<String>,
}

/// Both sides of a path as they were when the last sync left them equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Base {
    pub local_size: u64,
    pub local_modified_ns: i64,
    pub remote_size: u64,
    pub remote_etag: Option<String>,
}

impl Base {
    pub fn of(local: &LocalState, remote: &RemoteState) -> Self {
        Self {
            local_size: local.size,
            local_modified_ns: local.modified_ns,
            remote_size: remote.size,
            remote_etag: remote.etag.clone(),
        }
    }

    fn local_changed(&self, local: &LocalState) -> bool {
        self.local_size != local.size || self.local_modified_ns != local.modified_ns
    }

    fn remote_changed(&self, remote: &RemoteState) -> bool {
        !self.same_remote(remote)
    }

    /// The object is as the last sync left it.
    pub(crate) fn same_remote(&self, remote: &RemoteState) -> bool {
        self.remote_size == remote.size && self.remote_etag == remote.etag
    }
}

/// One side's listing. `complete` is false when part of it could not be
/// read; then nothing is deleted on the other side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub entries: BTreeMap<String, T>,
    pub complete: bool,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self { entries: BTreeMap::new(), complete: true }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// This computer to object storage.
    #[default]
    Up,
    /// Object storage to this computer.
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// Make the container prefix equal to the folder (deletes extras).
    Push,
    /// Make the folder equal to the container prefix (deletes extras).
    Pull,
    /// Copy new and changed files in `direction`; never deletes.
    Copy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Compare {
    /// Size, then modification time: cheap, and what rclone and aws do.
    #[default]
    SizeAndTime,
    /// Size, then content checksum (reads every file whose size matches).
    Checksum,
}

/// Refuse plans that delete more than this share or number of the
/// destination's files: a wrong folder or an unmounted disk looks like
/// "everything was deleted".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeleteCap {
    pub percent: u32,
    pub count: u32,
}

impl Default for DeleteCap {
    fn default() -> Self {
        Self { percent: 50, count: 1000 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlanOptions {
    pub mode: Mode,
    /// Which way copies go; push is always up and pull always down.
    pub direction: Direction,
    pub compare: Compare,
    /// `None` lifts the cap (the person confirmed).
    pub delete_cap: Option<DeleteCap>,
    /// Delete only what the last sync's state knows was synced (watched
    /// folders): an object that was never synced from here stays.
    #[serde(default)]
    pub only_delete_synced: bool,
}

impl PlanOptions {
    pub fn new(mode: Mode, direction: Direction) -> Self {
        let direction = match mode {
            Mode::Push => Direction::Up,
            Mode::Pull => Direction::Down,
            Mode::Copy => direction,
        };
        Self {
            mode,
            direction,
            compare: Compare::default(),
            delete_cap: Some(DeleteCap::default()),
            only_delete_synced: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum OpKind {
    Upload,
    Download,
    DeleteRemote,
    DeleteLocal,
    /// Needs a person: reported, never executed.
    Conflict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// Not at the destination.
    New,
    SizeDiffers,
    /// Same size, and the source was modified later.
    Newer,
    ChecksumDiffers,
    /// Changed at the source since the last sync.
    Changed,
    /// Changed at the destination since the last sync, not at the source:
    /// the source's version is restored.
    ChangedAtDestination,
    /// Not at the source any more.
    Deleted,
    /// Changed on both sides since the last sync.
    BothChanged,
    /// Deleted at the source but changed at the destination since the last sync.
    DeletedButChanged,
    /// A file and a folder would have the same name.
    TypeClash,
    /// A synced file under another name: its object is copied on the server.
    Renamed,
    /// Another key has a name that differs only in letter case or accents,
    /// which this disk holds as one name: both cannot live here.
    NameClash,
    /// A name this disk cannot hold (an empty folder name, too long).
    NameRefused,
}

impl Reason {
    pub fn describe(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::SizeDiffers => "size differs",
            Reason::Newer => "newer",
            Reason::ChecksumDiffers => "checksum differs",
            Reason::Changed => "changed since the last sync",
            Reason::ChangedAtDestination => "changed at the destination; the source's version wins",
            Reason::Deleted => "not at the source",
            Reason::BothChanged => "changed on both sides since the last sync",
            Reason::DeletedButChanged => "deleted at the source but changed at the destination",
            Reason::TypeClash => "a file and a folder would share this name",
            Reason::Renamed => "renamed: copied on the server, nothing sent",
            Reason::NameClash => "cannot live beside a name that differs only in letter case or accents on this disk",
            Reason::NameRefused => "its name cannot be a file name on this disk",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Op {
    pub kind: OpKind,
    /// Relative to the folder and the prefix, with `/`.
    pub path: String,
    /// Bytes moved (transfers) or removed (deletes).
    pub size: u64,
    pub reason: Reason,
    /// For an upload that is a rename: the path whose object is copied. For
    /// a download: the local file (another spelling of the same name on
    /// this disk) it takes the place of. For a name clash: the other name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPlan {
    pub ops: Ops,
    /// Why the plan must not run as it is (the delete cap), if it must not.
    pub blocked: Option<String>,
    /// Things the person should know (deletions left out, and why).
    pub notes: Vec<String>,
    /// Paths already equal on both sides.
    pub unchanged: u64,
}

impl SyncPlan {
    /// An empty plan whose operations, past a few thousand, wait in a temporary file in `dir`.
    fn new(dir: PathBuf) -> Self {
        Self { ops: Ops::new(dir), blocked: None, notes: Vec::new(), unchanged: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn count(&self, kind: OpKind) -> (u64, u64) {
        self.ops.count(kind)
    }
}

/// The plan that makes the destination match the source under `options`.
pub fn plan(
    local: &Listing<LocalState>,
    remote: &Listing<RemoteState>,
    base: &BTreeMap<String, Base>,
    options: &PlanOptions,
) -> SyncPlan {
    let mut planner = Planner::new(options.clone(), std::env::temp_dir());
    let paths: BTreeSet<&String> = local.entries.keys().chain(remote.entries.keys()).collect();
    for path in paths {
        planner.add(path, local.entries.get(path), remote.entries.get(path), base.get(path));
    }
    planner.finish(local.complete, remote.complete)
}

/// What the destination has at a path once the plan has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    Stays,
    Arrives,
    /// Deleted, if deletions are made at all.
    Leaves,
}

/// A file at the destination whose name later paths may continue with
/// "/": if they are there too after the sync, file and folder clash.
#[derive(Debug)]
struct Open {
    path: String,
    after: After,
    /// Something below it stays or arrives; something below it is deleted.
    kept_below: bool,
    deleted_below: bool,
}

/// The planner, fed one path at a time in increasing order (the march), so
/// it holds the operations, not the listings. [`plan`] feeds it from maps.
#[derive(Debug)]
pub struct Planner {
    options: PlanOptions,
    plan: SyncPlan,
    at_destination: u64,
    /// Destination files that are prefixes of the current path (a chain:
    /// each a prefix of the next).
    open: Vec<Open>,
    /// Closed ones with something below them: the possible clashes.
    nested: Vec<Open>,
    /// How the local disk names and compares files.
    names: NameRules,
    clashes: Clashes,
}

impl Planner {
    /// A planner whose operations, past a few thousand, wait in a temporary file in `dir`.
    pub fn new(options: PlanOptions, dir: PathBuf) -> Self {
        Self {
            options,
            plan: SyncPlan::new(dir),
            at_destination: 0,
            open: Vec::new(),
            nested: Vec::new(),
            names: NameRules::default(),
            clashes: Clashes::default(),
        }
    }

    /// Plans for a local disk with these name rules: a key it cannot name
    /// is not downloaded, and keys it holds as one name are told apart.
    pub fn with_names(mut self, names: NameRules) -> Self {
        self.names = names;
        self.clashes = Clashes::new(names);
        self
    }

    /// Decides `path`, which comes after every path added before. Returns
    /// whether it added an operation.
    pub fn add(
        &mut self,
        path: &str,
        local: Option<&LocalState>,
        remote: Option<&RemoteState>,
        base: Option<&Base>,
    ) -> bool {
        let options = &self.options;
        let deletes = options.mode != Mode::Copy;
        let (decided, there) = match options.direction {
            Direction::Up => {
                (decide(local.map(Side::Local), remote.map(Side::Remote), base, options.compare), remote.is_some())
            }
            Direction::Down => {
                (decide(remote.map(Side::Remote), local.map(Side::Local), base, options.compare), local.is_some())
            }
        };
        let stays = there.then_some(After::Stays);
        let (op, after) = match decided {
            Decision::Same => {
                self.plan.unchanged += 1;
                (None, stays)
            }
            Decision::Nothing => (None, stays),
            Decision::Transfer(size, reason) => {
                (Some((transfer_kind(options.direction), size, reason)), Some(After::Arrives))
            }
            Decision::Delete(..) if options.only_delete_synced && base.is_none() => (None, stays),
            Decision::Delete(size, reason) if deletes => {
                (Some((delete_kind(options.direction), size, reason)), Some(After::Leaves))
            }
            Decision::Delete(..) => (None, stays),
            Decision::Conflict(size, reason) if reason != Reason::DeletedButChanged || deletes => {
                (Some((OpKind::Conflict, size, reason)), stays)
            }
            Decision::Conflict(..) => (None, stays),
        };
        // Decided now, so one odd key never fails the rest of a pull.
        let op = match op {
            Some((OpKind::Download, size, _)) if self.names.path(std::path::Path::new(""), path).is_err() => {
                Some((OpKind::Conflict, size, Reason::NameRefused))
            }
            op => op,
        };
        self.at_destination += u64::from(there);
        self.track_clashes(path, after);
        let sides =
            Sides { local: local.is_some(), remote: remote.is_some(), base: base.is_some(), op: op.map(|o| o.0) };
        self.clashes.see(path, sides);
        let Some((kind, size, reason)) = op else { return false };
        self.plan.ops.push(Op { kind, path: path.to_owned(), size, reason, from: None });
        true
    }

    /// Files and objects at the destination, before the plan runs.
    pub fn at_destination(&self) -> u64 {
        self.at_destination
    }

    fn track_clashes(&mut self, path: &str, after: Option<After>) {
        while self.open.last().is_some_and(|open| !path.starts_with(open.path.as_str())) {
            let closed = self.open.pop().expect("a last one");
            if closed.kept_below || closed.deleted_below {
                self.nested.push(closed);
            }
        }
        let Some(after) = after else { return };
        for open in &mut self.open {
            if path.as_bytes().get(open.path.len()) == Some(&b'/') {
                match after {
                    After::Leaves => open.deleted_below = true,
                    After::Stays | After::Arrives => open.kept_below = true,
                }
            }
        }
        self.open.push(Open { path: path.to_owned(), after, kept_below: false, deleted_below: false });
    }

    /// The plan, once every path is added. Nothing is deleted unless both
    /// sides were read completely.
    pub fn finish(mut self, local_complete: bool, remote_complete: bool) -> SyncPlan {
        let can_delete = local_complete && remote_complete;
        let deletes = self.options.mode != Mode::Copy;
        if deletes && !can_delete {
            let kind = delete_kind(self.options.direction);
            if self.plan.count(kind).0 > 0 {
                self.plan.ops.rewrite(|_, op| (op.kind != kind).then_some(op));
            }
            let side = if local_complete { "the container" } else { "this computer" };
            self.plan.notes.push(format!(
                "Nothing will be deleted: part of {side} could not be read, so a missing file may only be unreadable."
            ));
        }
        self.nested.extend(self.open.drain(..).filter(|open| open.kept_below || open.deleted_below));
        let exists = |after: After| after != After::Leaves || !can_delete;
        let clashing: BTreeSet<String> = std::mem::take(&mut self.nested)
            .into_iter()
            .filter(|open| exists(open.after) && (open.kept_below || (open.deleted_below && !can_delete)))
            .map(|open| open.path)
            .collect();
        mark_type_clashes(&mut self.plan, &clashing);
        let names = std::mem::take(&mut self.clashes).resolve(self.options.mode, self.options.direction);
        if !names.is_empty() {
            self.plan.ops.rewrite(|_, mut op| {
                match names.of(&op.path) {
                    None => {}
                    Some(Change::Drop) => return None,
                    Some(Change::Clash { other }) => {
                        (op.kind, op.reason, op.from) = (OpKind::Conflict, Reason::NameClash, Some(other));
                    }
                    Some(Change::Replaces { other }) => op.from = Some(other),
                }
                Some(op)
            });
            self.plan.notes.extend(names.notes);
        }
        self.plan.blocked = over_cap(&self.plan, self.at_destination, &self.options);
        self.plan
    }
}

/// The two sides seen as source and destination.
#[derive(Clone, Copy)]
enum Side<'a> {
    Local(&'a LocalState),
    Remote(&'a RemoteState),
}

impl Side<'_> {
    fn size(self) -> u64 {
        match self {
            Side::Local(l) => l.size,
            Side::Remote(r) => r.size,
        }
    }

    /// Modification time in milliseconds, when known.
    fn modified_ms(self) -> Option<i64> {
        match self {
            Side::Local(l) => Some(l.modified_ns.div_euclid(1_000_000)),
            Side::Remote(r) => r.modified_ms,
        }
    }

    fn changed_since(self, base: &Base) -> bool {
        match self {
            Side::Local(l) => base.local_changed(l),
            Side::Remote(r) => base.remote_changed(r),
        }
    }
}

/// Whether the local file and the object hold the same bytes, when that can
/// be known from checksums.
fn same_content(a: Side<'_>, b: Side<'_>) -> Option<bool> {
    let (local, remote) = match (a, b) {
        (Side::Local(l), Side::Remote(r)) | (Side::Remote(r), Side::Local(l)) => (l, r),
        _ => return None,
    };
    if local.size != remote.size {
        return Some(false);
    }
    Some(local.checksum.as_ref()? == remote.etag.as_ref()?)
}

enum Decision {
    /// Equal already.
    Same,
    /// Only at the destination, and the mode keeps it.
    Nothing,
    Transfer(u64, Reason),
    Delete(u64, Reason),
    Conflict(u64, Reason),
}

fn decide(src: Option<Side<'_>>, dst: Option<Side<'_>>, base: Option<&Base>, compare: Compare) -> Decision {
    match (src, dst) {
        (None, None) => Decision::Nothing,
        (Some(src), None) => Decision::Transfer(src.size(), Reason::New),
        (None, Some(dst)) => match base {
            Some(base) if dst.changed_since(base) => Decision::Conflict(dst.size(), Reason::DeletedButChanged),
            _ => Decision::Delete(dst.size(), Reason::Deleted),
        },
        (Some(src), Some(dst)) => {
            let size = src.size();
            if compare == Compare::Checksum {
                return match same_content(src, dst) {
                    Some(true) => Decision::Same,
                    _ if src.size() != dst.size() => Decision::Transfer(size, Reason::SizeDiffers),
                    Some(false) => Decision::Transfer(size, Reason::ChecksumDiffers),
                    None => compare_without_base(src, dst),
                };
            }
            match base {
                Some(base) => match (src.changed_since(base), dst.changed_since(base)) {
                    (false, false) => Decision::Same,
                    (true, false) => Decision::Transfer(size, Reason::Changed),
                    (false, true) => Decision::Transfer(size, Reason::ChangedAtDestination),
                    (true, true) if same_content(src, dst) == Some(true) => Decision::Same,
                    (true, true) => Decision::Conflict(size, Reason::BothChanged),
                },
                None => compare_without_base(src, dst),
            }
        }
    }
}

/// No last sync to go by: size, then which side is newer (as `aws s3 sync`).
fn compare_without_base(src: Side<'_>, dst: Side<'_>) -> Decision {
    if src.size() != dst.size() {
        return Decision::Transfer(src.size(), Reason::SizeDiffers);
    }
    match (src.modified_ms(), dst.modified_ms()) {
        (Some(s), Some(d)) if s > d => Decision::Transfer(src.size(), Reason::Newer),
        _ => Decision::Same,
    }
}

fn transfer_kind(direction: Direction) -> OpKind {
    match direction {
        Direction::Up => OpKind::Upload,
        Direction::Down => OpKind::Download,
    }
}

fn delete_kind(direction: Direction) -> OpKind {
    match direction {
        Direction::Up => OpKind::DeleteRemote,
        Direction::Down => OpKind::DeleteLocal,
    }
}

/// A folder cannot hold a file and a folder of the same name: when the
/// destination would end up with `a` and `a/b`, the transfers of `a` and of
/// what is below it are conflicts instead.
fn mark_type_clashes(plan: &mut SyncPlan, clashing: &BTreeSet<String>) {
    if clashing.is_empty() {
        return;
    }
    plan.ops.rewrite(|_, mut op| {
        let transfer = matches!(op.kind, OpKind::Upload | OpKind::Download);
        let under_clash = || op.path.match_indices('/').any(|(i, _)| clashing.contains(&op.path[..i]));
        if transfer && (clashing.contains(&op.path) || under_clash()) {
            op.kind = OpKind::Conflict;
            op.reason = Reason::TypeClash;
        }
        Some(op)
    });
}

/// Why `plan` deletes too much under `options`, if it does. The old names
/// of renamed files do not count: their content stays, under the new name.
pub(crate) fn over_cap(plan: &SyncPlan, at_destination: u64, options: &PlanOptions) -> Option<String> {
    let cap = options.delete_cap?;
    let kind = delete_kind(options.direction);
    if plan.count(kind).0 == 0 {
        return None;
    }
    let moved: BTreeSet<String> =
        plan.ops.iter().filter(|op| op.kind == OpKind::Upload).filter_map(|op| op.from).collect();
    let deletes = plan.ops.iter().filter(|op| op.kind == kind && !moved.contains(&op.path)).count() as u64;
    let share_over = deletes * 100 > u64::from(cap.percent) * at_destination;
    if deletes == 0 || !(share_over || deletes > u64::from(cap.count)) {
        return None;
    }
    Some(format!(
        "This sync would delete {deletes} of the {at_destination} files at the destination, more than the limit \
         ({}% or {} files). Check the folder and the prefix; if the deletions are intended, allow them explicitly.",
        cap.percent, cap.count
    ))
}
