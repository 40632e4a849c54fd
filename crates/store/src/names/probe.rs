//! What a disk does with names, found by trying: a few empty files in a
//! hidden scratch folder at the root, removed again. A disk's rules are not
//! its system's: an exFAT drive on Linux ignores case and refuses `:`.

use std::fs;
use std::path::Path;

use super::{NameRules, Unicode};

/// The scratch folder's name starts so; sync and watched folders ignore it.
pub const PROBE_PREFIX: &str = ".stowage-probe-";

/// Tries names in a scratch folder under `root` and says what the disk did.
pub fn probe(root: &Path) -> std::io::Result<NameRules> {
    let scratch = root.join(format!("{PROBE_PREFIX}{}", uuid::Uuid::new_v4().simple()));
    fs::create_dir(&scratch)?;
    let found = try_names(&scratch);
    let _ = fs::remove_dir_all(&scratch);
    found
}

fn try_names(scratch: &Path) -> std::io::Result<NameRules> {
    fs::write(scratch.join("Case"), b"")?;
    let case_insensitive = scratch.join("cASE").symlink_metadata().is_ok();
    // NTFS, exFAT and FAT refuse a colon, or drop a trailing dot.
    let refuses_colon = fs::write(scratch.join("a:b"), b"").is_err();
    let dot_dropped = fs::write(scratch.join("dot."), b"").is_ok() && !names(scratch)?.iter().any(|n| n == "dot.");
    let (nfc, nfd) = ("\u{e9}", "e\u{301}");
    fs::write(scratch.join(nfc), b"")?;
    let unicode = if names(scratch)?.iter().any(|n| n == nfd) {
        Unicode::Normalizing
    } else if scratch.join(nfd).symlink_metadata().is_ok() {
        Unicode::Insensitive
    } else {
        Unicode::Exact
    };
    Ok(NameRules { windows: refuses_colon || dot_dropped, case_insensitive, unicode, leading_dot: false })
}

fn names(dir: &Path) -> std::io::Result<Vec<String>> {
    Ok(fs::read_dir(dir)?.filter_map(Result::ok).filter_map(|e| e.file_name().into_string().ok()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linux_folder_holds_every_name_apart_and_the_probe_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rules = probe(dir.path()).expect("probe");
        if cfg!(target_os = "linux") {
            assert_eq!(rules, NameRules::default(), "ext4, tmpfs and their kind");
        }
        assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 0, "the scratch folder is gone");
    }

    #[test]
    fn a_folder_that_cannot_be_written_cannot_be_probed() {
        assert!(probe(Path::new("/nonexistent/stowage")).is_err());
    }
}
