//! Watched folders as saved in the config dir (`watched.toml`): a folder, a
//! container prefix, what a deletion does, filters, and whether it is paused.

use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WatchedFolder {
    pub folder: String,
    pub profile: String,
    pub container: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub delete: DeletePolicy,
    /// For `DeletePolicy::Backup`: where deleted objects are copied first.
    #[serde(default)]
    pub backup_prefix: String,
    #[serde(default)]
    pub includes: Vec<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
    #[serde(default)]
    pub paused: bool,
}

/// What a file deleted in the folder does to its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DeletePolicy {
    /// The object stays.
    #[default]
    Keep,
    /// The object is deleted too.
    Propagate,
    /// The object is moved under the backup prefix.
    Backup,
}

impl WatchedFolder {
    /// Folders are named by their path: one watch per folder.
    pub fn id(&self) -> &str {
        &self.folder
    }
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    #[serde(default, rename = "watch")]
    folders: Vec<WatchedFolder>,
}

pub fn load(path: &Path) -> Result<Vec<WatchedFolder>, String> {
    Ok(stowage_store::config_file::load::<File>(path)?.folders)
}

pub fn save(path: &Path, folders: &[WatchedFolder]) -> Result<(), String> {
    stowage_store::config_file::save(path, &File { folders: folders.to_vec() })
}

/// Adds a watched folder; the folder must exist and not be watched already.
pub fn add(path: &Path, mut folder: WatchedFolder) -> Result<Vec<WatchedFolder>, String> {
    let canonical = std::fs::canonicalize(&folder.folder)
        .map_err(|e| format!("The folder {} cannot be read: {e}", folder.folder))?;
    if !canonical.is_dir() {
        return Err(format!("{} is not a folder.", folder.folder));
    }
    folder.folder = canonical.display().to_string();
    if folder.delete == DeletePolicy::Backup && folder.backup_prefix.trim().is_empty() {
        return Err("Give the backup prefix deleted objects are moved to.".into());
    }
    let mut all = load(path)?;
    if all.iter().any(|w| w.folder == folder.folder) {
        return Err(format!("{} is already watched.", folder.folder));
    }
    all.push(folder);
    save(path, &all)?;
    Ok(all)
}

/// Changes the watched folder `id` with `change`; fails when it is not watched.
pub fn update(path: &Path, id: &str, change: impl FnOnce(&mut WatchedFolder)) -> Result<Vec<WatchedFolder>, String> {
    let mut all = load(path)?;
    let found = all
        .iter_mut()
        .find(|w| w.id() == id || matches_path(&w.folder, id))
        .ok_or_else(|| format!("{id} is not watched."))?;
    change(found);
    save(path, &all)?;
    Ok(all)
}

pub fn remove(path: &Path, id: &str) -> Result<Vec<WatchedFolder>, String> {
    let mut all = load(path)?;
    let before = all.len();
    all.retain(|w| !(w.id() == id || matches_path(&w.folder, id)));
    if all.len() == before {
        return Err(format!("{id} is not watched."));
    }
    save(path, &all)?;
    Ok(all)
}

/// Whether `given` (as typed: relative, with `..`) names `folder`.
fn matches_path(folder: &str, given: &str) -> bool {
    std::fs::canonicalize(given).is_ok_and(|p| p.display().to_string() == folder)
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
        let watched = WatchedFolder {
            folder: data.display().to_string(),
            profile: "p".into(),
            container: "c".into(),
            prefix: "x/".into(),
            delete: DeletePolicy::Keep,
            backup_prefix: String::new(),
            includes: vec![],
            excludes: vec![],
            paused: false,
        };
        add(&config, watched.clone()).expect("add");
        assert!(add(&config, watched.clone()).expect_err("twice").contains("already watched"));
        let missing = WatchedFolder { folder: dir.path().join("nope").display().to_string(), ..watched.clone() };
        assert!(add(&config, missing).expect_err("missing").contains("cannot be read"));
        let id = load(&config).expect("load")[0].folder.clone();
        let paused = update(&config, &id, |w| w.paused = true).expect("pause");
        assert!(paused[0].paused);
        assert!(remove(&config, &id).expect("remove").is_empty());
        let backup = WatchedFolder { delete: DeletePolicy::Backup, ..watched };
        assert!(add(&config, backup).expect_err("no prefix").contains("backup prefix"));
    }
}
