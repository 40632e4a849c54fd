//! Maps object keys to file paths and back, so that any S3 key can be stored
//! as a file on Linux, macOS and Windows and the folders stay readable.
//!
//! A key is split on `/`; each segment becomes one file or folder name.
//! Characters no file system accepts everywhere (`\ : * ? " < > |`, control
//! characters), a leading `.` (names starting with `.` are the store's own
//! files), a trailing `.` or space, `%` and `~` are written as `%XX`. Windows
//! device names (`CON`, `LPT1.txt`, ...) get their first letter escaped. An
//! empty segment (`a//b`) is `%`. A name longer than [`MAX_NAME_BYTES`] is cut
//! and ends in `~` and a hash; its full segment is then kept in the object's
//! metadata (files) or in a `.segment` file inside (folders).
//!
//! Known limit: on case-insensitive file systems (macOS and Windows defaults)
//! keys that differ only in case map to the same file.

use sha2::{Digest, Sha256};

/// Longest name written; below every common file system's limit of 255.
const MAX_NAME_BYTES: usize = 200;

const EMPTY_SEGMENT: &str = "%";

/// The file or folder name that stores `segment`.
pub(crate) fn encode(segment: &str) -> String {
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
pub(crate) fn decode(name: &str) -> Option<String> {
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
pub(crate) fn is_shortened(name: &str) -> bool {
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
    fn plain_names_stay_readable() {
        for s in ["train", "img 001.jpg", "données", "a+b=c#1", "日本語.txt"] {
            assert_eq!(encode(s), s);
            assert_eq!(decode(s).as_deref(), Some(s));
        }
    }

    #[test]
    fn awkward_segments_round_trip() {
        for s in
            ["", ".", "..", ".hidden", "a:b", "what?", "trail.", "trail ", "CON", "lpt1.txt", "50%", "~x", "tab\there"]
        {
            let name = encode(s);
            assert!(!name.starts_with('.'), "{s:?} -> {name}");
            assert!(!name.contains(['\\', ':', '*', '?', '"', '<', '>', '|', '\t']), "{s:?} -> {name}");
            assert!(!is_windows_device_name(&name), "{s:?} -> {name}");
            assert_eq!(decode(&name).as_deref(), Some(s), "{s:?} -> {name}");
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
    }

    #[test]
    fn foreign_names_are_not_ours() {
        assert_eq!(decode("50%.txt"), None);
        assert_eq!(decode(".meta"), None);
    }
}
