//! The sync planner: a pure function from the two listings and the state of
//! the last sync to a list of operations, each with its reason. Nothing here
//! touches a disk or a network, so every rule is tested on fixtures.
//!
//! The last sync's state is the merge base: it tells "changed here" from
//! "changed there", so a file both sides changed is a conflict and not an
//! overwrite, and a pull right after a push transfers nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

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
    /// For an upload that is a rename: the path whose object is copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncPlan {
    pub ops: Vec<Op>,
    /// Why the plan must not run as it is (the delete cap), if it must not.
    pub blocked: Option<String>,
    /// Things the person should know (deletions left out, and why).
    pub notes: Vec<String>,
    /// Paths already equal on both sides.
    pub unchanged: u64,
}

impl SyncPlan {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn count(&self, kind: OpKind) -> (u64, u64) {
        self.ops.iter().filter(|op| op.kind == kind).fold((0, 0), |(n, bytes), op| (n + 1, bytes + op.size))
    }
}

/// The plan that makes the destination match the source under `options`.
pub fn plan(
    local: &Listing<LocalState>,
    remote: &Listing<RemoteState>,
    base: &BTreeMap<String, Base>,
    options: &PlanOptions,
) -> SyncPlan {
    let deletes = options.mode != Mode::Copy;
    let can_delete = local.complete && remote.complete;
    let mut out = SyncPlan::default();
    let paths: BTreeSet<&String> = local.entries.keys().chain(remote.entries.keys()).collect();
    for path in paths {
        let (l, r, b) = (local.entries.get(path), remote.entries.get(path), base.get(path));
        let decided = match options.direction {
            Direction::Up => decide(l.map(Side::Local), r.map(Side::Remote), b, options.compare),
            Direction::Down => decide(r.map(Side::Remote), l.map(Side::Local), b, options.compare),
        };
        let (kind, size, reason) = match decided {
            Decision::Same => {
                out.unchanged += 1;
                continue;
            }
            Decision::Nothing => continue,
            Decision::Transfer(size, reason) => (transfer_kind(options.direction), size, reason),
            Decision::Delete(..) if options.only_delete_synced && b.is_none() => continue,
            Decision::Delete(size, reason) if deletes && can_delete => (delete_kind(options.direction), size, reason),
            Decision::Delete(..) => continue,
            Decision::Conflict(size, reason) if reason != Reason::DeletedButChanged || deletes => {
                (OpKind::Conflict, size, reason)
            }
            Decision::Conflict(..) => continue,
        };
        out.ops.push(Op { kind, path: path.clone(), size, reason, from: None });
    }
    if deletes && !can_delete {
        let side = if local.complete { "the container" } else { "this computer" };
        out.notes.push(format!(
            "Nothing will be deleted: part of {side} could not be read, so a missing file may only be unreadable."
        ));
    }
    mark_type_clashes(&mut out, local, remote, options.direction);
    out.blocked = over_cap(&out, local, remote, options);
    out
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
/// destination would end up with `a` and `a/b`, the transfer that makes the
/// clash is a conflict instead.
fn mark_type_clashes(
    plan: &mut SyncPlan,
    local: &Listing<LocalState>,
    remote: &Listing<RemoteState>,
    direction: Direction,
) {
    let existing: Vec<&String> = match direction {
        Direction::Up => remote.entries.keys().collect(),
        Direction::Down => local.entries.keys().collect(),
    };
    let mut after: BTreeSet<&str> = existing.into_iter().map(String::as_str).collect();
    for op in &plan.ops {
        match op.kind {
            OpKind::Upload | OpKind::Download => {
                after.insert(&op.path);
            }
            OpKind::DeleteRemote | OpKind::DeleteLocal => {
                after.remove(op.path.as_str());
            }
            OpKind::Conflict => {}
        }
    }
    let clashing: BTreeSet<String> = after
        .iter()
        .filter(|path| {
            after
                .range::<str, _>((std::ops::Bound::Excluded(**path), std::ops::Bound::Unbounded))
                .take_while(|next| next.starts_with(**path))
                .any(|next| next.as_bytes().get(path.len()) == Some(&b'/'))
        })
        .map(|path| (*path).to_owned())
        .collect();
    if clashing.is_empty() {
        return;
    }
    for op in &mut plan.ops {
        let transfer = matches!(op.kind, OpKind::Upload | OpKind::Download);
        let under_clash = || op.path.match_indices('/').any(|(i, _)| clashing.contains(&op.path[..i]));
        if transfer && (clashing.contains(&op.path) || under_clash()) {
            op.kind = OpKind::Conflict;
            op.reason = Reason::TypeClash;
        }
    }
}

/// Why `plan` deletes too much under `options`, if it does. The old names
/// of renamed files do not count: their content stays, under the new name.
pub(crate) fn over_cap(
    plan: &SyncPlan,
    local: &Listing<LocalState>,
    remote: &Listing<RemoteState>,
    options: &PlanOptions,
) -> Option<String> {
    let cap = options.delete_cap?;
    let kind = delete_kind(options.direction);
    let moved: BTreeSet<&str> = plan.ops.iter().filter_map(|op| op.from.as_deref()).collect();
    let deletes = plan.ops.iter().filter(|op| op.kind == kind && !moved.contains(op.path.as_str())).count() as u64;
    let at_destination = match options.direction {
        Direction::Up => remote.entries.len(),
        Direction::Down => local.entries.len(),
    } as u64;
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
