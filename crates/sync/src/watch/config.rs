//! Watched folders as saved in the config dir (`watched.toml`): a
//! [`SyncTarget`] that pushes (deletions follow) or copies (objects stay)
//! the folder up, and whether the watch is paused.

use std::path::Path;

use serde::{Deserialize, Serialize};
use stowage_store::config_file::ConfigError;

use crate::plan::{Compare, Direction, Mode};
use crate::target::SyncTarget;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WatchedFolder {
    #[serde(flatten)]
    pub target: SyncTarget,
    #[serde(default)]
    pub paused: bool,
}

/// What a file deleted in the folder does to its object: how a watched
/// folder's target is set, in the terms a person chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DeletePolicy {
    /// The object stays (a copy).
    #[default]
    Keep,
    /// The object is deleted too (a push).
    Propagate,
    /// The object is moved under the backup prefix (a push with a backup).
    Backup,
}

impl WatchedFolder {
    /// A folder watched into `container`/`prefix` of `profile`, deletions
    /// handled as `policy` says (`backup_prefix` for [`DeletePolicy::Backup`]).
    pub fn new(
        folder: String,
        profile: String,
        container: String,
        prefix: String,
        policy: DeletePolicy,
        backup_prefix: String,
        excludes: Vec<String>,
    ) -> Self {
        let target = SyncTarget {
            folder,
            profile,
            container,
            prefix,
            mode: if policy == DeletePolicy::Keep { Mode::Copy } else { Mode::Push },
            direction: Direction::Up,
            compare: Compare::default(),
            includes: Vec::new(),
            excludes,
            backup_prefix: (policy == DeletePolicy::Backup).then_some(backup_prefix),
            follow_links: false,
        };
        Self { target, paused: false }
    }

    /// Folders are named by their path: one watch per folder.
    pub fn id(&self) -> &str {
        &self.target.folder
    }

    pub fn policy(&self) -> DeletePolicy {
        match (self.target.mode, &self.target.backup_prefix) {
            (Mode::Push, Some(_)) => DeletePolicy::Backup,
            (Mode::Push, None) => DeletePolicy::Propagate,
            _ => DeletePolicy::Keep,
        }
    }
}

/// A watched folder as any version wrote it: before targets, the policy was
/// a `delete` field and the backup prefix a string.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    folder: String,
    profile: String,
    container: String,
    #[serde(default)]
    prefix: String,
    mode: Option<Mode>,
    delete: Option<DeletePolicy>,
    #[serde(default)]
    compare: Compare,
    #[serde(default)]
    includes: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
    backup_prefix: Option<String>,
    #[serde(default)]
    follow_links: bool,
    #[serde(default)]
    paused: bool,
}

impl From<Stored> for WatchedFolder {
    fn from(s: Stored) -> Self {
        let policy = s.delete.unwrap_or_default();
        let mode = s.mode.unwrap_or(if policy == DeletePolicy::Keep { Mode::Copy } else { Mode::Push });
        let backup_prefix = match s.delete {
            Some(DeletePolicy::Backup) => s.backup_prefix,
            Some(_) => None,
            None => s.backup_prefix.filter(|p| !p.is_empty()),
        };
        let target = SyncTarget {
            folder: s.folder,
            profile: s.profile,
            container: s.container,
            prefix: s.prefix,
            mode,
            direction: Direction::Up,
            compare: s.compare,
            includes: s.includes,
            excludes: s.excludes,
            backup_prefix,
            follow_links: s.follow_links,
        };
        Self { target, paused: s.paused }
    }
}

#[derive(Serialize, Deserialize)]
struct File<T> {
    #[serde(default = "Vec::new", rename = "watch")]
    folders: Vec<T>,
}

impl<T> Default for File<T> {
    fn default() -> Self {
        Self { folders: Vec::new() }
    }
}

pub fn load(path: &Path) -> Result<Vec<WatchedFolder>, ConfigError> {
    let file = stowage_store::config_file::load::<File<Stored>>(path)?;
    Ok(file.folders.into_iter().map(WatchedFolder::from).collect())
}

pub fn save(path: &Path, folders: &[WatchedFolder]) -> Result<(), ConfigError> {
    stowage_store::config_file::save(path, &File { folders: folders.to_vec() })
}

/// Adds a watched folder; the folder must exist and not be watched already.
pub fn add(path: &Path, mut folder: WatchedFolder) -> Result<Vec<WatchedFolder>, ConfigError> {
    let canonical = std::fs::canonicalize(folder.id())
        .map_err(|e| ConfigError::refused(format!("The folder {} cannot be read: {e}", folder.id())))?;
    if !canonical.is_dir() {
        return Err(ConfigError::refused(format!("{} is not a folder.", folder.id())));
    }
    folder.target.folder = canonical.display().to_string();
    if folder.target.backup_prefix.as_deref().is_some_and(|p| p.trim().is_empty()) {
        return Err(ConfigError::refused("Give the backup prefix deleted objects are moved to."));
    }
    let mut all = load(path)?;
    if all.iter().any(|w| w.id() == folder.id()) {
        return Err(ConfigError::refused(format!("{} is already watched.", folder.id())));
    }
    all.push(folder);
    save(path, &all)?;
    Ok(all)
}

/// Changes the watched folder `id` with `change`; fails when it is not watched.
pub fn update(
    path: &Path,
    id: &str,
    change: impl FnOnce(&mut WatchedFolder),
) -> Result<Vec<WatchedFolder>, ConfigError> {
    let mut all = load(path)?;
    let found =
        all.iter_mut().find(|w| names(w, id)).ok_or_else(|| ConfigError::refused(format!("{id} is not watched.")))?;
    change(found);
    save(path, &all)?;
    Ok(all)
}

/// The watched folder `given` names: its path as saved, or as typed
/// (relative, with `..`).
pub fn find<'a>(all: &'a [WatchedFolder], given: &str) -> Option<&'a WatchedFolder> {
    all.iter().find(|w| names(w, given))
}

pub fn remove(path: &Path, id: &str) -> Result<Vec<WatchedFolder>, ConfigError> {
    let mut all = load(path)?;
    let before = all.len();
    all.retain(|w| !names(w, id));
    if all.len() == before {
        return Err(ConfigError::refused(format!("{id} is not watched.")));
    }
    save(path, &all)?;
    Ok(all)
}

/// Whether `given` (as saved, or as typed: relative, with `..`) names `folder`.
fn names(folder: &WatchedFolder, given: &str) -> bool {
    folder.id() == given || std::fs::canonicalize(given).is_ok_and(|p| p.display().to_string() == folder.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_pause_and_remove() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("watched.toml");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("mkdir");
        let watch = |folder: &Path, policy, backup: &str| {
            let folder = folder.display().to_string();
            WatchedFolder::new(folder, "p".into(), "c".into(), "x/".into(), policy, backup.into(), vec![])
        };
        let watched = watch(&data, DeletePolicy::Keep, "");
        add(&config, watched.clone()).expect("add");
        assert!(add(&config, watched.clone()).expect_err("twice").to_string().contains("already watched"));
        let missing = watch(&dir.path().join("nope"), DeletePolicy::Keep, "");
        assert!(add(&config, missing).expect_err("missing").to_string().contains("cannot be read"));
        let id = load(&config).expect("load")[0].id().to_owned();
        let paused = update(&config, &id, |w| w.paused = true).expect("pause");
        assert!(paused[0].paused);
        assert!(remove(&config, &id).expect("remove").is_empty());
        let backup = watch(&data, DeletePolicy::Backup, " ");
        assert!(add(&config, backup).expect_err("no prefix").to_string().contains("backup prefix"));
    }

    #[test]
    fn the_policy_is_the_target_and_back() {
        for (policy, mode) in [
            (DeletePolicy::Keep, Mode::Copy),
            (DeletePolicy::Propagate, Mode::Push),
            (DeletePolicy::Backup, Mode::Push),
        ] {
            let w =
                WatchedFolder::new("/f".into(), "p".into(), "c".into(), String::new(), policy, "trash/".into(), vec![]);
            assert_eq!((w.policy(), w.target.mode, w.target.direction()), (policy, mode, Direction::Up));
        }
    }

    /// watched.toml as versions before the target type wrote it.
    #[test]
    fn reads_what_earlier_versions_wrote() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("watched.toml");
        std::fs::write(
            &config,
            "[[watch]]\nfolder = \"/a\"\nprofile = \"p\"\ncontainer = \"c\"\ndelete = \"backup\"\nbackupPrefix = \"trash/\"\n\n\
             [[watch]]\nfolder = \"/b\"\nprofile = \"p\"\ncontainer = \"c\"\nbackupPrefix = \"\"\npaused = true\n",
        )
        .expect("write");
        let all = load(&config).expect("load");
        assert_eq!((all[0].policy(), all[0].target.backup_prefix.as_deref()), (DeletePolicy::Backup, Some("trash/")));
        assert_eq!((all[1].policy(), all[1].paused), (DeletePolicy::Keep, true));
        save(&config, &all).expect("save");
        assert_eq!(load(&config).expect("again"), all, "what is written reads back the same");
    }
}
