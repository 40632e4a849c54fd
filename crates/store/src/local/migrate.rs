//! Stores written before the one encoding of local names (version 0.1's
//! first stops) named files with `%XX` escapes: `a:b` was `a%3Ab`, `50%` was
//! `50%25`, a leading dot `%2E`. At its first open by this version a store
//! renames such files (and their metadata) to today's names, once, and
//! leaves a marker; names that mean the same either way are left alone.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{meta_path, read_meta, segment_of_dir, SEGMENT_FILE};

/// Left in the store's folder once its names are today's.
const MARKER: &str = ".stowage-names-v2";

/// Renames what `root` holds under the old names, once.
pub(super) fn migrate(root: &Path) -> std::io::Result<()> {
    let marker = root.join(MARKER);
    if marker.exists() {
        return Ok(());
    }
    for entry in fs::read_dir(root)?.flatten() {
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_dir && !name.starts_with('.') && crate::container_name::validate(&name).is_ok() {
            migrate_dir(&entry.path())?;
        }
    }
    fs::write(marker, b"local names: stowage_store::names\n")
}

/// An entry of a folder whose name changes.
struct Move {
    from: String,
    to: String,
    is_dir: bool,
}

fn migrate_dir(dir: &Path) -> std::io::Result<()> {
    let mut moves = Vec::new();
    let mut folders = Vec::new();
    for entry in fs::read_dir(dir)?.flatten() {
        let Ok(name) = entry.file_name().into_string() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let path = entry.path();
        let segment = if is_shortened(&name) && is_dir {
            segment_of_dir(&path)
        } else if is_shortened(&name) {
            read_meta(&path).map(|m| m.key.rsplit('/').next().unwrap_or_default().to_owned())
        } else {
            decode(&name)
        };
        let Some(segment) = segment else { continue };
        let new = super::names::encode(&segment);
        if is_dir {
            folders.push((new.clone(), segment));
        }
        if new != name {
            moves.push(Move { from: name, to: new, is_dir });
        }
    }
    // Never onto a name that is taken: a file may still hold, under its old
    // name, the new name of another (a key with a fullwidth colon beside one
    // with a colon). Such a move waits for that file to move on first.
    while !moves.is_empty() {
        let before = moves.len();
        let mut waiting = Vec::new();
        for m in moves {
            let (from, to) = (dir.join(&m.from), dir.join(&m.to));
            if to.symlink_metadata().is_ok() {
                waiting.push(m);
                continue;
            }
            fs::rename(&from, &to)?;
            if !m.is_dir && meta_path(&from).exists() {
                fs::rename(meta_path(&from), meta_path(&to))?;
            }
        }
        if waiting.len() == before {
            for m in &waiting {
                tracing::warn!(from = %m.from, to = %m.to, "a local store file keeps its old name: the new one is taken");
            }
            folders.retain(|(name, _)| !waiting.iter().any(|m| m.is_dir && m.to == *name));
            break;
        }
        moves = waiting;
    }
    for (name, segment) in folders {
        let path = dir.join(&name);
        if super::names::is_shortened(&name) {
            fs::write(path.join(SEGMENT_FILE), segment.as_bytes())?;
        }
        migrate_dir(&path)?;
    }
    Ok(())
}

/// Longest name written; below every common file system's limit of 255.
const MAX_NAME_BYTES: usize = 200;

const EMPTY_SEGMENT: &str = "%";

/// The file or folder name that stores `segment`.
fn encode(segment: &str) -> String {
    if segment.is_empty() {
        return EMPTY_SEGMENT.to_owned();
    }
    let last = segment.chars().count() - 1;
    let mut out = String::with_capacity(segment.len());
    for (i, ch) in segment.chars().enumerate() {
        let escape = matches!(ch, '%' | '~' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            || ch.is_control()
            || (i == 0 && ch == '.')
            || (i == last && (ch == '.' || ch == ' '));
        if escape {
            push_escaped(&mut out, ch);
        } else {
            out.push(ch);
        }
    }
    if is_windows_device_name(&out) {
        let mut chars = out.chars();
        let mut escaped = String::new();
        if let Some(first) = chars.next() {
            push_escaped(&mut escaped, first);
        }
        escaped.push_str(chars.as_str());
        out = escaped;
    }
    if out.len() > MAX_NAME_BYTES {
        let mut cut = MAX_NAME_BYTES - 18;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        let hash = hex::encode(&Sha256::digest(segment.as_bytes())[..8]);
        out = format!("{}~{hash}", &out[..cut]);
    }
    out
}

/// The segment a name stores; `None` for a shortened name (look up its full
/// segment beside it) or a name this store did not write.
pub(super) fn decode(name: &str) -> Option<String> {
    if name == EMPTY_SEGMENT {
        return Some(String::new());
    }
    if name.contains('~') || name.starts_with('.') {
        return None;
    }
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = name.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let segment = String::from_utf8(out).ok()?;
    // Only names this encoding produces: a hand-made "50%.txt" is not ours.
    (encode(&segment) == name).then_some(segment)
}

/// Whether `name` was shortened, so its segment is stored beside it.
pub(super) fn is_shortened(name: &str) -> bool {
    name.contains('~')
}

fn push_escaped(out: &mut String, ch: char) {
    let mut buf = [0u8; 4];
    for b in ch.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
}

fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_of_the_old_names_is_renamed_once_and_its_keys_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let container = dir.path().join("data");
        std::fs::create_dir_all(container.join("%2Econfig")).expect("mkdir");
        for (name, key) in
            [("a%3Ab", "a:b"), ("50%25", "50%"), ("report%2E", "report."), ("%43ON", "CON"), ("plain", "plain")]
        {
            std::fs::write(container.join(name), key).expect("write");
            std::fs::write(container.join(format!(".{name}.meta")), format!("{{\"key\":\"{key}\"}}")).expect("meta");
        }
        std::fs::write(container.join("%2Econfig").join("x%7Ey"), b"x~y").expect("write");
        migrate(dir.path()).expect("migrate");
        let names = |d: &Path| {
            let mut n: Vec<String> = std::fs::read_dir(d)
                .expect("list")
                .map(|e| e.expect("e").file_name().to_string_lossy().into())
                .collect();
            n.sort();
            n
        };
        assert_eq!(
            names(&container),
            [
                ".50%.meta",
                ".a：b.meta",
                ".plain.meta",
                ".report．.meta",
                ".ＣON.meta",
                "50%",
                "a：b",
                "plain",
                "report．",
                "．config",
                "ＣON"
            ]
        );
        assert_eq!(names(&container.join("．config")), ["x~y"]);
        assert_eq!(std::fs::read_to_string(container.join("a：b")).expect("read"), "a:b");
        assert!(dir.path().join(MARKER).exists());
        // Once: a name made by hand after it stays as it is.
        std::fs::write(container.join("b%3Ac"), b"").expect("write");
        migrate(dir.path()).expect("again");
        assert!(container.join("b%3Ac").exists());
    }

    #[test]
    fn a_file_whose_name_another_takes_moves_first_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let container = dir.path().join("data");
        std::fs::create_dir_all(&container).expect("mkdir");
        // The old names of the keys "x:y" and "x：y": the first one's new name is the second one's old.
        // Several of each, so that whatever order the folder lists them in, some
        // colon comes before its fullwidth twin.
        for i in 0..8 {
            std::fs::write(container.join(format!("x{i}：y")), format!("fullwidth {i}")).expect("write");
            std::fs::write(container.join(format!("x{i}%3Ay")), format!("colon {i}")).expect("write");
        }
        migrate(dir.path()).expect("migrate");
        let read = |name: &str| std::fs::read_to_string(container.join(name)).expect(name);
        for i in 0..8 {
            assert_eq!(read(&super::super::names::encode(&format!("x{i}:y"))), format!("colon {i}"));
            assert_eq!(read(&super::super::names::encode(&format!("x{i}：y"))), format!("fullwidth {i}"));
        }
        assert_eq!(std::fs::read_dir(&container).expect("list").count(), 16);
    }
}
