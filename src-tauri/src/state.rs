//! What the shell keeps between commands: settings, the keyring, and one
//! open store per profile so clients and connection pools are reused.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use stowage_profiles::{connect, AppDirs, Keyring, Settings};
use stowage_store::ObjectStore;
use stowage_sync::{Journal, PauseGate};
use tokio_util::sync::CancellationToken;

use crate::error::{IpcError, IpcErrorCode};

/// Shared with blocking tasks (keyring calls go over D-Bus).
pub type Shared = Arc<AppState>;

pub struct AppState {
    pub dirs: AppDirs,
    pub keyring: Keyring,
    settings: RwLock<Settings>,
    stores: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
    /// Running transfers, by id, with what cancels and pauses each.
    transfers: Mutex<HashMap<u32, TransferControl>>,
    next_transfer: AtomicU32,
    journal: OnceLock<Arc<Journal>>,
}

impl AppState {
    pub fn new(dirs: AppDirs, settings: Settings, keyring: Keyring) -> Shared {
        Arc::new(Self {
            dirs,
            keyring,
            settings: RwLock::new(settings),
            stores: Mutex::new(HashMap::new()),
            transfers: Mutex::new(HashMap::new()),
            next_transfer: AtomicU32::new(1),
            journal: OnceLock::new(),
        })
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Runs an edit of the settings; open stores are dropped so the next use
    /// reconnects with what changed (endpoint, keys, name).
    pub fn edit<T, E>(&self, edit: impl FnOnce(&mut Settings, &AppDirs, &Keyring) -> Result<T, E>) -> Result<T, E> {
        let mut settings = self.settings.write().unwrap_or_else(|e| e.into_inner());
        let result = edit(&mut settings, &self.dirs, &self.keyring);
        self.stores.lock().unwrap_or_else(|e| e.into_inner()).clear();
        result
    }

    /// The store of the current profile, opened on first use.
    pub fn current_store(&self) -> Result<Arc<dyn ObjectStore>, IpcError> {
        self.store(&self.settings().current)
    }

    /// The store of the profile `name`, opened on first use.
    pub fn store(&self, name: &str) -> Result<Arc<dyn ObjectStore>, IpcError> {
        let settings = self.settings();
        let profile = settings.profile(name)?;
        let mut stores = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = stores.get(&profile.name) {
            return Ok(store.clone());
        }
        let store = connect(profile, &self.keyring)?;
        stores.insert(profile.name.clone(), store.clone());
        Ok(store)
    }
}

impl AppState {
    /// The journal of multipart uploads, opened on first use.
    pub fn journal(&self) -> Result<Arc<Journal>, IpcError> {
        if let Some(journal) = self.journal.get() {
            return Ok(journal.clone());
        }
        let journal =
            Journal::open(&self.dirs.journal_file()).map_err(|e| IpcError::new(IpcErrorCode::Other, e.to_string()))?;
        Ok(self.journal.get_or_init(|| Arc::new(journal)).clone())
    }

    /// A fresh id for a transfer or a pending plan.
    pub fn next_id(&self) -> u32 {
        self.next_transfer.fetch_add(1, Ordering::Relaxed)
    }

    /// Registers a new transfer; returns its id and controls.
    pub fn begin_transfer(&self) -> (u32, TransferControl) {
        let id = self.next_id();
        let control = TransferControl::default();
        self.transfers.lock().unwrap_or_else(|e| e.into_inner()).insert(id, control.clone());
        (id, control)
    }

    pub fn end_transfer(&self, id: u32) {
        self.transfers.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }

    /// The controls of a running transfer; `None` once it finished.
    pub fn transfer(&self, id: u32) -> Option<TransferControl> {
        self.transfers.lock().unwrap_or_else(|e| e.into_inner()).get(&id).cloned()
    }
}

/// What the window can do to a running transfer.
#[derive(Debug, Clone, Default)]
pub struct TransferControl {
    pub cancel: CancellationToken,
    pub pause: PauseGate,
}

/// Runs blocking work (keyring, files) off the async runtime's threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| IpcError::new(IpcErrorCode::Other, format!("The operation was interrupted: {e}")))?
}
