//! Named volume sets (templates), kept in the config dir as TOML with each
//! volume in its canonical `--volume` form, so the file reads like the CLI.

use std::path::Path;

use serde::{Deserialize, Serialize};
use stowage_store::config_file::ConfigError;

use crate::volume::Volume;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VolumeSet {
    pub name: String,
    /// The image the set was composed for; empty when none was given.
    pub image: String,
    pub volumes: Vec<Volume>,
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    #[serde(default, rename = "set")]
    sets: Vec<Stored>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    name: String,
    #[serde(default)]
    image: String,
    volumes: Vec<String>,
}

/// The saved sets; none when the file does not exist yet.
pub fn load(path: &Path) -> Result<Vec<VolumeSet>, ConfigError> {
    let file: File = stowage_store::config_file::load(path)?;
    file.sets
        .into_iter()
        .map(|s| {
            let volumes = s.volumes.iter().map(|v| v.parse::<Volume>()).collect::<Result<_, _>>();
            let volumes =
                volumes.map_err(|e| ConfigError::damaged(path, format!("the volume set \"{}\": {e}", s.name)))?;
            Ok(VolumeSet { name: s.name, image: s.image, volumes })
        })
        .collect()
}

pub fn save(path: &Path, sets: &[VolumeSet]) -> Result<(), ConfigError> {
    let file = File {
        sets: sets
            .iter()
            .map(|s| Stored {
                name: s.name.clone(),
                image: s.image.clone(),
                volumes: s.volumes.iter().map(ToString::to_string).collect(),
            })
            .collect(),
    };
    stowage_store::config_file::save(path, &file)
}

/// Adds `set`, replacing the set of the same name, and saves.
pub fn put(path: &Path, set: VolumeSet) -> Result<Vec<VolumeSet>, ConfigError> {
    if set.name.trim().is_empty() {
        return Err(ConfigError::refused("Give the volume set a name."));
    }
    let mut sets = load(path)?;
    match sets.iter_mut().find(|s| s.name == set.name) {
        Some(slot) => *slot = set,
        None => sets.push(set),
    }
    save(path, &sets)?;
    Ok(sets)
}

pub fn remove(path: &Path, name: &str) -> Result<Vec<VolumeSet>, ConfigError> {
    let mut sets = load(path)?;
    sets.retain(|s| s.name != name);
    save(path, &sets)?;
    Ok(sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_loads_replaces_and_removes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config/volume-sets.toml");
        assert_eq!(load(&path).expect("empty"), []);
        let set = |name: &str, v: &str| VolumeSet {
            name: name.into(),
            image: "img".into(),
            volumes: vec![v.parse().expect(v)],
        };
        put(&path, set("train", "d@GRA:/workspace/data:ro")).expect("put");
        put(&path, set("eval", "e@GRA:/workspace/eval:ro")).expect("put");
        let sets = put(&path, set("train", "d@GRA/v2:/workspace/data:ro:cache")).expect("replace");
        assert_eq!(sets.len(), 2);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("d@GRA/v2:/workspace/data:ro:cache"), "{text}");
        assert_eq!(load(&path).expect("load"), sets);
        assert_eq!(remove(&path, "train").expect("remove").len(), 1);
    }

    #[test]
    fn a_broken_file_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("volume-sets.toml");
        std::fs::write(&path, "[[set]]\nname = \"x\"\nvolumes = [\"nope:/x\"]\n").expect("write");
        assert!(load(&path).expect_err("bad").to_string().contains("needs a datastore alias"));
    }
}
