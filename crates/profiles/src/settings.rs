//! The settings file: profiles and which one is current, as TOML in the
//! config dir, written atomically (temp file, then rename).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::profile::Profile;

/// Where Stowage keeps its files. Tests and portable setups point both
/// elsewhere with `STOWAGE_CONFIG_DIR` and `STOWAGE_DATA_DIR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDirs {
    /// settings.toml
    pub config: PathBuf,
    /// logs, the local store, state databases
    pub data: PathBuf,
}

impl AppDirs {
    pub fn from_env() -> Result<Self, SettingsError> {
        let pick = |var: &str, default: Option<PathBuf>| {
            std::env::var_os(var).map(PathBuf::from).or_else(|| default.map(|d| d.join("stowage")))
        };
        let config = pick("STOWAGE_CONFIG_DIR", dirs::config_dir());
        let data = pick("STOWAGE_DATA_DIR", dirs::data_dir());
        match (config, data) {
            (Some(config), Some(data)) => Ok(Self { config, data }),
            _ => Err(SettingsError::NoHome),
        }
    }

    /// Whether Stowage has saved settings here before (false on a first start).
    pub fn has_settings(&self) -> bool {
        self.settings_file().exists()
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config.join("settings.toml")
    }

    /// Saved job volume sets.
    pub fn volume_sets_file(&self) -> PathBuf {
        self.config.join("volume-sets.toml")
    }

    /// The journal of multipart uploads in progress (resume after a crash).
    pub fn journal_file(&self) -> PathBuf {
        self.data.join("journal.sqlite")
    }

    /// Watched folders.
    pub fn watched_file(&self) -> PathBuf {
        self.config.join("watched.toml")
    }

    /// Saved sync pairs.
    pub fn sync_pairs_file(&self) -> PathBuf {
        self.config.join("sync-pairs.toml")
    }

    /// What each folder sync left equal on both sides (its merge base).
    pub fn sync_state_file(&self) -> PathBuf {
        self.data.join("sync-state.sqlite")
    }

    /// The main window's size and position, restored at the next start.
    pub fn window_state_file(&self) -> PathBuf {
        self.config.join("window-state.json")
    }

    pub fn logs(&self) -> PathBuf {
        self.data.join("logs")
    }
}

/// What the desktop is told of in a notification while the window is not in view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Notify {
    /// Long transfers that end, and watched folders in trouble.
    #[default]
    Finished,
    /// Only transfers that failed in part, and watched folders in trouble.
    Failures,
    Never,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The name of the profile the window opens with.
    pub current: String,
    /// The AI Training API: a region (`gra`, `bhs`) or an address; empty
    /// for GRA. See [`crate::training`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub training_api: String,
    /// What an upload from the window does with a different object of the
    /// same name: ask (the default), replace, skip or keep both.
    #[serde(default)]
    pub upload_existing: stowage_store::Existing,
    /// The bandwidth limit of every transfer, in rclone's `--bwlimit`
    /// language (`10M`, `08:00,5M 19:00,off`); empty for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bandwidth_limit: String,
    /// The storage class uploads into a container get, by
    /// `profile/container`, chosen when the container was created or later.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub storage_classes: std::collections::BTreeMap<String, String>,
    /// Seconds a request may show no progress before it is sent again
    /// (a frozen server, a dropped link); unset for 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_timeout_secs: Option<u64>,
    /// What the desktop is told of in a notification.
    #[serde(default, skip_serializing_if = "is_default")]
    pub notify: Notify,
    /// Where downloads from the window go without asking; unset: asked each time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_folder: Option<PathBuf>,
    #[serde(default, rename = "profile")]
    pub profiles: Vec<Profile>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("Cannot find the home folder to keep settings in; set STOWAGE_CONFIG_DIR and STOWAGE_DATA_DIR.")]
    NoHome,
    #[error("Cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not valid settings ({source}). Fix or remove it; Stowage did not change it.")]
    Parse { path: PathBuf, source: toml::de::Error },
    #[error("Cannot save settings to {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("There is no profile named \"{0}\".")]
    NoProfile(String),
}

impl Settings {
    /// The settings of a first start: the local store only.
    pub fn first_start(dirs: &AppDirs) -> Self {
        let local = Profile::local_default(&dirs.data);
        Self { current: local.name.clone(), profiles: vec![local], ..Self::default() }
    }

    /// Reads the settings file, or the first-start settings when there is
    /// none yet. A file that does not parse is an error, never overwritten.
    pub fn load(dirs: &AppDirs) -> Result<Self, SettingsError> {
        let path = dirs.settings_file();
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|source| SettingsError::Parse { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::first_start(dirs)),
            Err(source) => Err(SettingsError::Read { path, source }),
        }
    }

    pub fn save(&self, dirs: &AppDirs) -> Result<(), SettingsError> {
        let path = dirs.settings_file();
        // Serializing plain strings and paths cannot fail.
        let text = toml::to_string_pretty(self).unwrap_or_default();
        stowage_store::atomic::write_atomically(&path, text.as_bytes())
            .map_err(|source| SettingsError::Write { path, source })
    }

    pub fn profile(&self, name: &str) -> Result<&Profile, SettingsError> {
        self.profiles.iter().find(|p| p.name == name).ok_or_else(|| SettingsError::NoProfile(name.to_owned()))
    }

    pub fn current_profile(&self) -> Result<&Profile, SettingsError> {
        self.profile(&self.current)
    }

    /// The profile AI Training knows by datastore `alias`.
    pub fn profile_for_alias(&self, alias: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.datastore_alias.as_deref() == Some(alias))
    }

    /// Each profile's datastore alias with its region (empty for a folder
    /// on this computer), for checking job volumes.
    pub fn datastore_aliases(&self) -> std::collections::BTreeMap<String, String> {
        self.profiles
            .iter()
            .filter_map(|p| {
                let region = match &p.backend {
                    crate::Backend::S3(s3) => s3.region.clone(),
                    crate::Backend::Local { .. } => String::new(),
                };
                p.datastore_alias.clone().map(|alias| (alias, region))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::profile::Backend;

    fn dirs(root: &Path) -> AppDirs {
        AppDirs { config: root.join("config"), data: root.join("data") }
    }

    #[test]
    fn first_start_has_the_local_store_as_current() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let settings = Settings::load(&dirs(tmp.path())).expect("load");
        let current = settings.current_profile().expect("current");
        assert_eq!(current.backend, Backend::Local { root: tmp.path().join("data/local-store") });
    }

    #[test]
    fn saves_and_loads_back() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dirs = dirs(tmp.path());
        let mut settings = Settings::first_start(&dirs);
        let mut ovh = Profile::ovh("OVH GRA", "gra");
        ovh.datastore_alias = Some("S3GRA".into());
        settings.profiles.push(ovh);
        settings.save(&dirs).expect("save");
        assert_eq!(Settings::load(&dirs).expect("load"), settings);
    }

    #[test]
    fn a_broken_file_is_reported_and_left_alone() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dirs = dirs(tmp.path());
        std::fs::create_dir_all(&dirs.config).expect("mkdir");
        std::fs::write(dirs.settings_file(), "current = [").expect("write");
        let err = Settings::load(&dirs).expect_err("broken");
        assert!(err.to_string().contains("not valid settings"), "{err}");
        assert_eq!(std::fs::read_to_string(dirs.settings_file()).expect("read"), "current = [");
    }
}
