//! Folder sync: a [`SyncTarget`] planned (a dry run shown before anything
//! changes), the plan the person saw applied as a transfer, and saved
//! targets to run again in one click.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use stowage_sync::pairs::{self, SavedSync};
use stowage_sync::{apply, prepare, Existing, Op, OpKind, Prepared, SyncPlan, SyncRequest, SyncTarget, Tuning};

use crate::error::{Error, Result};
use crate::transfers::{Started, TransferInfo, TransferKind};
use crate::App;

/// Plans waiting to be applied, by id. A plan holds temporary files past
/// 10,000 operations; it goes when a newer preview of the same sync
/// arrives, when the window drops it ([`App::discard_plan`]), or an hour
/// after it was made (at the next preview).
#[derive(Default)]
pub(crate) struct Plans(Mutex<HashMap<u32, Waiting>>);

struct Waiting {
    prepared: Prepared,
    request: SyncRequest,
    made: Instant,
}

/// How long a plan nobody applied or dropped is kept.
const PLAN_LIFETIME: Duration = Duration::from_secs(3600);

/// Whether two requests sync the same folder with the same prefix the same way.
fn same_sync(a: &SyncRequest, b: &SyncRequest) -> bool {
    (&a.folder, &a.store_name, &a.container, &a.prefix, a.options.mode, a.options.direction)
        == (&b.folder, &b.store_name, &b.container, &b.prefix, b.options.mode, b.options.direction)
}

impl std::fmt::Debug for Plans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Plans").finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KindCount {
    pub kind: OpKind,
    pub files: u64,
    pub bytes: u64,
}

/// A plan as a window shows it: its first operations (the rest come a
/// page at a time), why it is blocked, its notes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ShownPlan {
    pub ops: Vec<Op>,
    pub blocked: Option<String>,
    pub notes: Vec<String>,
    pub unchanged: u64,
}

/// A plan waiting to be applied: its id, the counts of every kind, the
/// first operations.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncPreview {
    pub plan_id: u32,
    pub plan: ShownPlan,
    pub counts: Vec<KindCount>,
    pub total_ops: u64,
}

impl SyncPreview {
    fn of(plan_id: u32, plan: &SyncPlan, shown: usize) -> Self {
        let counts = [OpKind::Upload, OpKind::Download, OpKind::DeleteRemote, OpKind::DeleteLocal, OpKind::Conflict]
            .into_iter()
            .map(|kind| {
                let (files, bytes) = plan.count(kind);
                KindCount { kind, files, bytes }
            })
            .filter(|c| c.files > 0)
            .collect();
        let shown = ShownPlan {
            ops: plan.ops.page(0, shown),
            blocked: plan.blocked.clone(),
            notes: plan.notes.clone(),
            unchanged: plan.unchanged,
        };
        SyncPreview { plan_id, plan: shown, counts, total_ops: plan.ops.len() as u64 }
    }
}

impl App {
    /// What syncing `target` would do, with its first `shown` operations;
    /// nothing changes. A plan that deletes more than the cap allows is
    /// blocked unless `allow_many_deletes`.
    pub async fn plan_sync(
        self: &Arc<Self>,
        target: &SyncTarget,
        allow_many_deletes: bool,
        shown: usize,
    ) -> Result<SyncPreview> {
        if target.folder.trim().is_empty() {
            return Err(Error::invalid("Choose a folder on this computer."));
        }
        if target.container.trim().is_empty() {
            return Err(Error::invalid("Choose a container."));
        }
        let mut request = target.request();
        if allow_many_deletes {
            request.options.delete_cap = None;
        }
        let store = self.store(&target.profile).await?;
        let prepared = prepare(store.as_ref(), &request, &*self.sync_state().await?, &self.tuning).await?;
        let id = self.transfers.next_id();
        let preview = SyncPreview::of(id, &prepared.plan, shown);
        let mut plans = self.plans.0.lock().unwrap_or_else(|e| e.into_inner());
        plans.retain(|_, w| w.made.elapsed() < PLAN_LIFETIME && !same_sync(&w.request, &request));
        plans.insert(id, Waiting { prepared, request, made: Instant::now() });
        Ok(preview)
    }

    /// Drops a plan the window no longer shows, and its temporary files.
    pub fn discard_plan(&self, plan_id: u32) {
        self.plans.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&plan_id);
    }

    /// Plans waiting to be applied.
    pub fn plans_waiting(&self) -> usize {
        self.plans.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Operations `offset..offset + limit` of a plan waiting to be applied,
    /// for a window that shows a big plan page by page.
    pub fn plan_operations(&self, plan_id: u32, offset: usize, limit: usize) -> Result<Vec<Op>> {
        self.with_plan(plan_id, |plan| plan.ops.page(offset, limit))
    }

    /// `read` of a plan waiting to be applied (a dry run prints every operation).
    pub fn with_plan<T>(&self, plan_id: u32, read: impl FnOnce(&SyncPlan) -> T) -> Result<T> {
        let plans = self.plans.0.lock().unwrap_or_else(|e| e.into_inner());
        let waiting = plans.get(&plan_id).ok_or_else(gone)?;
        Ok(read(&waiting.prepared.plan))
    }

    /// Runs a plan [`App::plan_sync`] made, once; new objects go in
    /// `storage_class`, or else the container's.
    pub async fn apply_sync(self: &Arc<Self>, plan_id: u32, storage_class: Option<String>) -> Result<Started> {
        let taken = self.plans.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&plan_id);
        let Waiting { prepared, request, .. } = taken.ok_or_else(gone)?;
        if let Some(reason) = &prepared.plan.blocked {
            return Err(Error::invalid(reason.clone()));
        }
        let store = self.storage(&request.store_name).await?.shared();
        let state = self.sync_state().await?;
        let resume = Some(self.resume(&request.store_name).await?);
        let info = TransferInfo {
            kind: TransferKind::Sync,
            profile: request.store_name.clone(),
            container: request.container.clone(),
            prefix: request.prefix.clone(),
            sources: vec![request.folder.display().to_string()],
            existing: Existing::Overwrite,
            resumed: false,
        };
        let storage_class = storage_class.or_else(|| self.container_class(&request.store_name, &request.container));
        Ok(self.launch(info, move |_, sink, cancel, tuning| async move {
            let tuning = Tuning { storage_class, ..tuning };
            apply(store, prepared, &request, &state, tuning, sink, cancel, resume).await
        }))
    }

    pub fn saved_syncs(&self) -> Result<Vec<SavedSync>> {
        pairs::load(&self.dirs().sync_pairs_file()).map_err(Error::from)
    }

    /// Saves `sync`, replacing a saved sync of the same name.
    pub fn save_sync(&self, sync: SavedSync) -> Result<Vec<SavedSync>> {
        pairs::save(&self.dirs().sync_pairs_file(), sync).map_err(Error::from)
    }

    pub fn remove_saved_sync(&self, name: &str) -> Result<Vec<SavedSync>> {
        pairs::remove(&self.dirs().sync_pairs_file(), name).map_err(Error::from)
    }
}

/// A plan that is no longer kept.
fn gone() -> Error {
    Error::not_found("That plan was already applied, or replaced by a newer preview; preview again.")
}
