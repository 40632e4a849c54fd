//! The application both front ends hold: where Stowage keeps things, its
//! settings, the keyring, one [`Storage`] per profile, the upload journal and
//! the last-sync state (each opened once), and what is running (transfers,
//! plans waiting to be applied, watched folders). Every function takes the
//! profile it acts on; none of them reads the keyring or opens a database on
//! the async threads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use stowage_profiles::{connect, AppDirs, Keyring, Settings};
use stowage_store::layers::{BandwidthLimit, Throttle};
use stowage_store::{Storage, StoragePolicy};
use stowage_sync::{Journal, Resume, SyncState, Tuning};

use crate::error::{Error, Result};
use crate::observer::Observer;
use crate::questions::Questions;
use crate::sync::Plans;
use crate::transfers::Transfers;
use crate::watched::Watches;

pub struct App {
    dirs: AppDirs,
    keyring: Keyring,
    settings: RwLock<Settings>,
    /// One settings edit at a time; readers are not held up meanwhile.
    editing: Mutex<()>,
    /// Each profile's storage, connected on first use.
    stores: Mutex<HashMap<String, Storage>>,
    journal: OnceLock<Arc<Journal>>,
    sync_state: OnceLock<Arc<SyncState>>,
    /// The bandwidth limit every transfer and watch passes (in `tuning` too).
    pub(crate) bandwidth: Throttle,
    /// How transfers, plans and watches use the network.
    pub(crate) tuning: Tuning,
    pub(crate) observer: Arc<dyn Observer>,
    pub(crate) transfers: Transfers,
    pub(crate) questions: Questions,
    pub(crate) plans: Plans,
    pub(crate) watches: Watches,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("dirs", &self.dirs).finish_non_exhaustive()
    }
}

impl App {
    /// The application with the settings saved in `dirs`, reporting what
    /// runs in the background to `observer`.
    pub fn open(dirs: AppDirs, keyring: Keyring, observer: Arc<dyn Observer>) -> Result<Self> {
        let settings = Settings::load(&dirs)?;
        // A limit the file holds but this version cannot read is no limit, said in the log.
        let limit = settings.bandwidth_limit.parse().unwrap_or_else(|e| {
            tracing::warn!("the saved bandwidth limit is ignored: {e}");
            BandwidthLimit::off()
        });
        let bandwidth = Throttle::new(limit);
        let tuning = Tuning { throttles: vec![bandwidth.clone()], ..Tuning::default() };
        Ok(Self {
            dirs,
            keyring,
            settings: RwLock::new(settings),
            editing: Mutex::default(),
            stores: Mutex::default(),
            journal: OnceLock::new(),
            sync_state: OnceLock::new(),
            bandwidth,
            tuning,
            observer,
            transfers: Transfers::default(),
            questions: Questions::default(),
            plans: Plans::default(),
            watches: Watches::default(),
        })
    }

    /// Requests in flight at once in each transfer, plan and watch.
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.tuning.concurrency = concurrency.max(1);
        self
    }

    /// How every profile's storage uses the network: the settings' stall
    /// time, one request limit per profile, the transfers' retries.
    pub(crate) fn storage_policy(&self) -> StoragePolicy {
        let stall = self
            .settings()
            .request_timeout_secs
            .map_or(stowage_store::storage::DEFAULT_STALL, |secs| Duration::from_secs(secs.max(1)));
        StoragePolicy { stall, requests: self.tuning.concurrency, retry: self.tuning.retry.clone() }
    }

    pub fn dirs(&self) -> &AppDirs {
        &self.dirs
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Runs an edit of the settings; open stores are dropped so the next use
    /// reconnects with what changed (endpoint, keys, name). Blocking: call
    /// it through [`App::blocking`] when the edit touches the keyring. The
    /// edit works on a copy, so a keyring call (which may wait for a person
    /// to unlock it) holds no lock a reader of the settings waits on; the
    /// copy is put in place whatever the edit returns, as the edits change
    /// the settings only as far as they saved them.
    pub fn edit<T, E>(&self, edit: impl FnOnce(&mut Settings, &AppDirs, &Keyring) -> Result<T, E>) -> Result<T, E> {
        let _one_at_a_time = self.editing.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = self.settings();
        let result = edit(&mut next, &self.dirs, &self.keyring);
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = next;
        self.stores.lock().unwrap_or_else(|e| e.into_inner()).clear();
        result
    }

    /// Changes the settings and saves them, on the blocking pool.
    pub(crate) async fn change_settings(
        self: &Arc<Self>,
        change: impl FnOnce(&mut Settings) + Send + 'static,
    ) -> Result<()> {
        self.blocking(move |app| {
            app.edit(|settings, dirs, _| {
                let mut next = settings.clone();
                change(&mut next);
                next.save(dirs)?;
                *settings = next;
                Ok::<_, stowage_profiles::SettingsError>(())
            })?;
            Ok(())
        })
        .await
    }

    /// Runs `work` (the keyring, the disk) on the blocking pool.
    pub async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&App) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || work(&app))
            .await
            .map_err(|e| Error::other(format!("The operation was interrupted: {e}")))?
    }

    /// The storage of the profile `name`, connected on first use. Its keys
    /// are read from the keyring on the blocking pool, with no lock held.
    pub async fn storage(self: &Arc<Self>, name: &str) -> Result<Storage> {
        if let Some(storage) = self.stores.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(storage.clone());
        }
        let name = name.to_owned();
        self.blocking(move |app| {
            let settings = app.settings();
            let profile = settings.profile(&name)?;
            let storage = Storage::new(connect(profile, &app.keyring)?, app.storage_policy());
            let mut stores = app.stores.lock().unwrap_or_else(|e| e.into_inner());
            Ok(stores.entry(profile.name.clone()).or_insert(storage).clone())
        })
        .await
    }

    /// The store for browsing, details, deletes, a plan's listing: every
    /// call timed, limited and retried.
    pub async fn store(self: &Arc<Self>, name: &str) -> Result<Arc<dyn stowage_store::ObjectStore>> {
        Ok(self.storage(name).await?.store())
    }

    /// The journal of multipart uploads, opened on first use.
    pub(crate) async fn journal(self: &Arc<Self>) -> Result<Arc<Journal>> {
        if let Some(journal) = self.journal.get() {
            return Ok(journal.clone());
        }
        let journal = self
            .blocking(|app| {
                Journal::open(&app.dirs.journal_file())
                    .map_err(|e| Error::other(format!("The transfer journal cannot be opened: {e}")))
            })
            .await?;
        Ok(self.journal.get_or_init(|| Arc::new(journal)).clone())
    }

    /// The last-sync state of syncs and watched folders, opened on first use.
    pub(crate) async fn sync_state(self: &Arc<Self>) -> Result<Arc<SyncState>> {
        if let Some(state) = self.sync_state.get() {
            return Ok(state.clone());
        }
        let state = self
            .blocking(|app| {
                SyncState::open(&app.dirs.sync_state_file())
                    .map_err(|e| Error::other(format!("The sync state cannot be opened: {e}")))
            })
            .await?;
        Ok(self.sync_state.get_or_init(|| Arc::new(state)).clone())
    }

    /// Where the uploads of `profile` record their multipart progress, so a
    /// later run continues them.
    pub(crate) async fn resume(self: &Arc<Self>, profile: &str) -> Result<Resume> {
        Ok(Resume { journal: self.journal().await?, store: profile.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use stowage_sync::{EventSink, NoEvents};

    use super::*;
    use crate::TransferInfo;

    struct Quiet;

    impl Observer for Quiet {
        fn transfer_started(&self, _id: u32, _info: &TransferInfo) -> Arc<dyn EventSink> {
            Arc::new(NoEvents)
        }
    }

    #[test]
    fn an_edit_holds_no_lock_a_reader_waits_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dirs = AppDirs { config: dir.path().join("config"), data: dir.path().join("data") };
        let app = App::open(dirs, Keyring::new("stowage-edit-test"), Arc::new(Quiet)).expect("open");
        // Where the closure stands, a profile edit waits on the keyring.
        let readable = app.edit(|settings, _, _| {
            settings.bandwidth_limit = "5M".into();
            Ok::<_, ()>(app.settings.try_read().is_ok())
        });
        assert_eq!(readable, Ok(true), "the settings stay readable while an edit waits");
        assert_eq!(app.settings().bandwidth_limit, "5M", "the edit is in place after it");
    }
}
