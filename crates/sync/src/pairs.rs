//! Saved syncs (a name and a [`SyncTarget`]), kept in the config dir as
//! TOML so one click runs the same sync again.

use std::path::Path;

use serde::{Deserialize, Serialize};
use stowage_store::config_file::ConfigError;

use crate::target::SyncTarget;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SavedSync {
    pub name: String,
    #[serde(flatten)]
    pub target: SyncTarget,
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    #[serde(default, rename = "sync")]
    pairs: Vec<SavedSync>,
}

/// The saved pairs; none when the file does not exist yet.
pub fn load(path: &Path) -> Result<Vec<SavedSync>, ConfigError> {
    Ok(stowage_store::config_file::load::<File>(path)?.pairs)
}

/// Adds `pair`, replacing a saved pair of the same name.
pub fn save(path: &Path, pair: SavedSync) -> Result<Vec<SavedSync>, ConfigError> {
    if pair.name.trim().is_empty() {
        return Err(ConfigError::refused("Give the sync a name."));
    }
    let mut pairs = load(path)?;
    pairs.retain(|p| p.name != pair.name);
    pairs.push(pair);
    pairs.sort_by_key(|p| p.name.to_lowercase());
    write(path, &pairs)?;
    Ok(pairs)
}

pub fn remove(path: &Path, name: &str) -> Result<Vec<SavedSync>, ConfigError> {
    let mut pairs = load(path)?;
    pairs.retain(|p| p.name != name);
    write(path, &pairs)?;
    Ok(pairs)
}

fn write(path: &Path, pairs: &[SavedSync]) -> Result<(), ConfigError> {
    stowage_store::config_file::save(path, &File { pairs: pairs.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Compare, Direction, Mode};

    #[test]
    fn saves_replaces_and_removes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sync-pairs.toml");
        assert!(load(&path).expect("none yet").is_empty());
        let target = SyncTarget {
            folder: "/runs/42".into(),
            profile: "ovh".into(),
            container: "runs".into(),
            prefix: "42/".into(),
            mode: Mode::Push,
            direction: Direction::Up,
            compare: Compare::SizeAndTime,
            includes: vec![],
            excludes: vec!["*.log".into()],
            backup_prefix: None,
            follow_links: false,
        };
        let pair = SavedSync { name: "checkpoints".into(), target: target.clone() };
        save(&path, pair.clone()).expect("save");
        let changed = SavedSync { target: SyncTarget { prefix: "43/".into(), ..target }, ..pair };
        assert_eq!(save(&path, changed.clone()).expect("replace"), std::slice::from_ref(&changed));
        assert!(save(&path, SavedSync { name: " ".into(), ..changed }).is_err(), "a name is needed");
        assert!(remove(&path, "checkpoints").expect("remove").is_empty());
    }

    /// Files written before the target type: the same keys at the same level.
    #[test]
    fn reads_what_earlier_versions_wrote() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sync-pairs.toml");
        std::fs::write(
            &path,
            "[[sync]]\nname = \"ckpt\"\nfolder = \"/runs/42\"\nprofile = \"ovh\"\ncontainer = \"runs\"\nmode = \"copy\"\ndirection = \"down\"\n",
        )
        .expect("write");
        let pairs = load(&path).expect("load");
        assert_eq!((pairs[0].target.mode, pairs[0].target.direction()), (Mode::Copy, Direction::Down));
        assert_eq!(pairs[0].target.compare, Compare::SizeAndTime);
    }
}
