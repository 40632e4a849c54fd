//! What the shell keeps between commands: settings, and one open store per
//! profile so clients and connection pools are reused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use stowage_profiles::{connect, Keyring, Settings};
use stowage_store::ObjectStore;

use crate::error::IpcError;

pub struct AppState {
    settings: RwLock<Settings>,
    keyring: Keyring,
    stores: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl AppState {
    pub fn new(settings: Settings, keyring: Keyring) -> Self {
        Self { settings: RwLock::new(settings), keyring, stores: Mutex::new(HashMap::new()) }
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The store of the current profile, opened on first use.
    pub fn current_store(&self) -> Result<Arc<dyn ObjectStore>, IpcError> {
        let settings = self.settings();
        let profile = settings.current_profile()?;
        let mut stores = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = stores.get(&profile.name) {
            return Ok(store.clone());
        }
        let store = connect(profile, &self.keyring)?;
        stores.insert(profile.name.clone(), store.clone());
        Ok(store)
    }
}
