//! Saved sync pairs (a folder, a container prefix, a mode, filters), kept in
//! the config dir as TOML so one click runs the same sync again.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::plan::{Compare, Direction, Mode};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SavedSync {
    pub name: String,
    pub folder: String,
    pub profile: String,
    pub container: String,
    #[serde(default)]
    pub prefix: String,
    pub mode: Mode,
    pub direction: Direction,
    #[serde(default)]
    pub compare: Compare,
    #[serde(default)]
    pub includes: Vec<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    #[serde(default, rename = "sync")]
    pairs: Vec<SavedSync>,
}

/// The saved pairs; none when the file does not exist yet.
pub fn load(path: &Path) -> Result<Vec<SavedSync>, String> {
    Ok(stowage_store::config_file::load::<File>(path)?.pairs)
}

/// Adds `pair`, replacing a saved pair of the same name.
pub fn save(path: &Path, pair: SavedSync) -> Result<Vec<SavedSync>, String> {
    if pair.name.trim().is_empty() {
        return Err("Give the sync a name.".into());
    }
    let mut pairs = load(path)?;
    pairs.retain(|p| p.name != pair.name);
    pairs.push(pair);
    pairs.sort_by_key(|p| p.name.to_lowercase());
    write(path, &pairs)?;
    Ok(pairs)
}

pub fn remove(path: &Path, name: &str) -> Result<Vec<SavedSync>, String> {
    let mut pairs = load(path)?;
    pairs.retain(|p| p.name != name);
    write(path, &pairs)?;
    Ok(pairs)
}

fn write(path: &Path, pairs: &[SavedSync]) -> Result<(), String> {
    stowage_store::config_file::save(path, &File { pairs: pairs.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_replaces_and_removes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sync-pairs.toml");
        assert!(load(&path).expect("none yet").is_empty());
        let pair = SavedSync {
            name: "checkpoints".into(),
            folder: "/runs/42".into(),
            profile: "ovh".into(),
            container: "runs".into(),
            prefix: "42/".into(),
            mode: Mode::Push,
            direction: Direction::Up,
            compare: Compare::SizeAndTime,
            includes: vec![],
            excludes: vec!["*.log".into()],
        };
        save(&path, pair.clone()).expect("save");
        let changed = SavedSync { prefix: "43/".into(), ..pair };
        assert_eq!(save(&path, changed.clone()).expect("replace"), std::slice::from_ref(&changed));
        assert!(save(&path, SavedSync { name: " ".into(), ..changed }).is_err(), "a name is needed");
        assert!(remove(&path, "checkpoints").expect("remove").is_empty());
    }
}
