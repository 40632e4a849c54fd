//! Writing a file so that readers see the old content or all of the new,
//! never half: write a temporary file beside it, then rename. Used for
//! objects in the local store, downloads, and the settings files.

use std::path::{Path, PathBuf};

/// A temporary name in the same folder as `dest`, so the rename stays on one
/// file system (and is atomic). Hidden, and ends in `.tmp`, which sync
/// ignores by default.
pub fn sibling_tmp(dest: &Path) -> PathBuf {
    let name = dest.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    dest.with_file_name(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()))
}

/// Writes `bytes` to `dest` through [`sibling_tmp`], creating the folder.
pub fn write_atomically(dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = sibling_tmp(dest);
    let result = std::fs::write(&tmp, bytes).and_then(|()| crate::disk::rename(&tmp, dest));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
