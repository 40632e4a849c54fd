//! Folder sync from the window: plan (a dry run the window shows), apply
//! the plan the person saw, and saved pairs to run again in one click.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use stowage_sync::pairs::{self, SavedSync};
use stowage_sync::{
    apply, prepare, Compare, Direction, Existing, Mode, OpKind, PlanOptions, Prepared, Resume, SyncPlan, SyncRequest,
    SyncState, Tuning,
};
use tauri::{AppHandle, State};

use crate::commands::transfers::{launch, TransferInfo};
use crate::error::{IpcError, IpcErrorCode};
use crate::events::TransferKind;
use crate::state::Shared;

/// The ops the window lists; the counts cover all of them.
const OPS_SHOWN: usize = 2_000;

/// What the Sync panel asks for.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncSetup {
    pub profile: String,
    pub folder: String,
    pub container: String,
    pub prefix: String,
    pub mode: Mode,
    pub direction: Direction,
    pub compare: Compare,
    pub includes: Vec<String>,
    pub excludes: Vec<String>,
    pub backup_prefix: Option<String>,
    /// The person confirmed a plan over the delete cap.
    pub allow_many_deletes: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KindCount {
    pub kind: OpKind,
    pub files: u64,
    pub bytes: u64,
}

/// A plan as the window shows it, with the id that applies it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncPreview {
    pub plan_id: u32,
    /// The plan, its ops cut to the first [`OPS_SHOWN`].
    pub plan: SyncPlan,
    pub counts: Vec<KindCount>,
    pub total_ops: u64,
}

/// Plans waiting for "Apply", by id.
#[derive(Default)]
pub struct PendingPlans(Mutex<HashMap<u32, (Prepared, SyncRequest)>>);

fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(IpcErrorCode::InvalidInput, message)
}

fn sync_state(state: &Shared) -> Result<SyncState, IpcError> {
    SyncState::open(&state.dirs.sync_state_file()).map_err(|e| IpcError::new(IpcErrorCode::Other, e.to_string()))
}

#[tauri::command]
#[specta::specta]
pub async fn plan_sync(
    state: State<'_, Shared>,
    pending: State<'_, PendingPlans>,
    setup: SyncSetup,
) -> Result<SyncPreview, IpcError> {
    if setup.folder.trim().is_empty() {
        return Err(invalid("Choose a folder on this computer."));
    }
    if setup.container.trim().is_empty() {
        return Err(invalid("Choose a container."));
    }
    let store = state.store(&setup.profile)?;
    let mut options = PlanOptions::new(setup.mode, setup.direction);
    options.compare = setup.compare;
    if setup.allow_many_deletes {
        options.delete_cap = None;
    }
    let request = SyncRequest {
        folder: PathBuf::from(setup.folder.trim()),
        store_name: setup.profile.clone(),
        container: setup.container.trim().to_owned(),
        prefix: setup.prefix.trim().to_owned(),
        options,
        includes: setup.includes,
        excludes: setup.excludes,
        backup_prefix: setup.backup_prefix.filter(|p| !p.trim().is_empty()),
    };
    let prepared = prepare(store.as_ref(), &request, &sync_state(state.inner())?, &Tuning::default()).await?;
    let counts = [OpKind::Upload, OpKind::Download, OpKind::DeleteRemote, OpKind::DeleteLocal, OpKind::Conflict]
        .into_iter()
        .map(|kind| {
            let (files, bytes) = prepared.plan.count(kind);
            KindCount { kind, files, bytes }
        })
        .filter(|c| c.files > 0)
        .collect();
    let mut plan = prepared.plan.clone();
    let total_ops = plan.ops.len() as u64;
    plan.ops.truncate(OPS_SHOWN);
    let plan_id = state.next_id();
    pending.0.lock().unwrap_or_else(|e| e.into_inner()).insert(plan_id, (prepared, request));
    Ok(SyncPreview { plan_id, plan, counts, total_ops })
}

/// Runs a plan the window showed; returns the transfer id.
#[tauri::command]
#[specta::specta]
pub async fn apply_sync(
    app: AppHandle,
    state: State<'_, Shared>,
    pending: State<'_, PendingPlans>,
    plan_id: u32,
) -> Result<u32, IpcError> {
    let taken = pending.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&plan_id);
    let (prepared, request) =
        taken.ok_or_else(|| IpcError::new(IpcErrorCode::NotFound, "That plan was already applied; preview again."))?;
    if let Some(reason) = &prepared.plan.blocked {
        return Err(invalid(reason.clone()));
    }
    let store = state.store(&request.store_name)?;
    let sync_state = sync_state(state.inner())?;
    let resume = Some(Resume { journal: state.journal()?, store: request.store_name.clone() });
    let info = TransferInfo {
        kind: TransferKind::Sync,
        profile: request.store_name.clone(),
        container: request.container.clone(),
        prefix: request.prefix.clone(),
        sources: vec![request.folder.display().to_string()],
        existing: Existing::Overwrite,
    };
    Ok(launch(&app, state.inner(), info, move |sink, cancel, tuning| async move {
        apply(store, prepared, &request, &sync_state, tuning, sink, cancel, resume).await
    }))
}

#[tauri::command]
#[specta::specta]
pub fn list_sync_pairs(state: State<'_, Shared>) -> Result<Vec<SavedSync>, IpcError> {
    pairs::load(&state.dirs.sync_pairs_file()).map_err(invalid)
}

#[tauri::command]
#[specta::specta]
pub fn save_sync_pair(state: State<'_, Shared>, pair: SavedSync) -> Result<Vec<SavedSync>, IpcError> {
    pairs::save(&state.dirs.sync_pairs_file(), pair).map_err(invalid)
}

#[tauri::command]
#[specta::specta]
pub fn remove_sync_pair(state: State<'_, Shared>, name: String) -> Result<Vec<SavedSync>, IpcError> {
    pairs::remove(&state.dirs.sync_pairs_file(), &name).map_err(invalid)
}
