//! The small TOML files Stowage keeps in its config dir (volume sets, sync
//! pairs, watched folders): missing means empty, a file that does not parse
//! is an error that names it and is never overwritten, writes are atomic.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The file's content, or `T::default()` when it does not exist yet.
pub fn load<T: DeserializeOwned + Default>(path: &Path) -> Result<T, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            toml::from_str(&text).map_err(|e| format!("{} is not valid ({e}). Fix or remove it.", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(format!("Cannot read {}: {e}", path.display())),
    }
}

pub fn save<T: Serialize>(path: &Path, value: &T) -> Result<(), String> {
    let text = toml::to_string_pretty(value).map_err(|e| e.to_string())?;
    crate::atomic::write_atomically(path, text.as_bytes()).map_err(|e| format!("Cannot save {}: {e}", path.display()))
}
