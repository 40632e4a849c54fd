//! How the local store names its files: the one encoding of local names
//! ([`crate::names`]), with Windows' rules on every system (a store folder
//! copied to any disk still holds every key) and no leading dot (the
//! store's own files start with one). Two things are the store's own: an
//! empty segment (`a//b`) is `‛‛`, a name no key encodes to; and a name
//! longer than [`MAX_NAME_BYTES`] is cut and ends in `~` and a hash, its full
//! segment kept in the object's metadata (files) or in a `.segment` file
//! inside (folders).
//!
//! Known limit: on case-insensitive file systems (macOS and Windows
//! defaults) keys that differ only in case map to the same file.

use sha2::{Digest, Sha256};

use crate::names::{NameRules, Unicode};

const RULES: NameRules =
    NameRules { windows: true, case_insensitive: false, unicode: Unicode::Exact, leading_dot: true };

/// Longest name written; below every common file system's limit of 255.
const MAX_NAME_BYTES: usize = 200;

/// The hash a shortened name ends with, after `~`: 16 hex digits.
const HASH_DIGITS: usize = 16;

const EMPTY_SEGMENT: &str = "‛‛";

/// The file or folder name that stores `segment`.
pub(crate) fn encode(segment: &str) -> String {
    if segment.is_empty() {
        return EMPTY_SEGMENT.to_owned();
    }
    match RULES.encode(segment) {
        Ok(name) if name.len() <= MAX_NAME_BYTES => name,
        // Too long for the store (or for any disk): cut, with a hash of the whole.
        Ok(name) | Err(crate::names::Refusal::TooLong { name }) => shortened(&name, segment),
        Err(crate::names::Refusal::Empty) => EMPTY_SEGMENT.to_owned(),
    }
}

fn shortened(name: &str, segment: &str) -> String {
    let mut cut = MAX_NAME_BYTES - HASH_DIGITS - 2;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash = hex::encode(&Sha256::digest(segment.as_bytes())[..HASH_DIGITS / 2]);
    format!("{}~{hash}", &name[..cut])
}

/// The segment a name stores; `None` for a shortened name (look up its full
/// segment beside it), one of the store's own files, or a name this store
/// would not write.
pub(crate) fn decode(name: &str) -> Option<String> {
    if name == EMPTY_SEGMENT {
        return Some(String::new());
    }
    if name.starts_with('.') || is_shortened(name) {
        return None;
    }
    let segment = RULES.decode(name);
    (encode(&segment) == name).then_some(segment)
}

/// Whether `name` was shortened, so its segment is stored beside it.
pub(crate) fn is_shortened(name: &str) -> bool {
    let Some((head, hash)) = name.rsplit_once('~') else { return false };
    hash.len() == HASH_DIGITS
        && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && head.len() + HASH_DIGITS + 1 > MAX_NAME_BYTES - HASH_DIGITS - 5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_stay_readable() {
        for s in ["train", "img 001.jpg", "données", "a+b=c#1", "日本語.txt", "50%.txt", "~x", "v1~2"] {
            assert_eq!(encode(s), s);
            assert_eq!(decode(s).as_deref(), Some(s));
        }
    }

    #[test]
    fn awkward_segments_round_trip_as_sync_would_name_them() {
        for (s, name) in [
            ("", "‛‛"),
            (".", "．"),
            ("..", "．．"),
            (".hidden", "．hidden"),
            ("a:b", "a：b"),
            ("what?", "what？"),
            ("trail.", "trail．"),
            ("trail ", "trail␠"),
            ("CON", "ＣON"),
            ("lpt1.txt", "ｌpt1.txt"),
            ("tab\there", "tab␉here"),
        ] {
            assert_eq!(encode(s), name, "{s:?}");
            assert_eq!(decode(name).as_deref(), Some(s), "{name:?}");
        }
    }

    #[test]
    fn long_segments_are_shortened_deterministically() {
        let long = "x".repeat(1000);
        let name = encode(&long);
        assert!(name.len() <= MAX_NAME_BYTES);
        assert!(is_shortened(&name));
        assert_eq!(decode(&name), None);
        assert_eq!(encode(&long), name);
        assert_ne!(encode(&"x".repeat(999)), name);
        assert!(!is_shortened("backup~0123456789abcdef"), "a short name with a tilde is not one");
    }

    #[test]
    fn the_store_s_own_files_and_foreign_names_are_not_objects() {
        assert_eq!(decode(".meta"), None);
        assert_eq!(decode(".stowage"), None);
        // What this encoding would write otherwise: `a:b` is written `a：b`.
        assert_eq!(decode("‛x"), Some("‛x".into()));
    }
}
