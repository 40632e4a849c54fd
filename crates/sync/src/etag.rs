//! Every rule about ETags in one place: what a file's ETag will be (the MD5
//! of a single PUT, or for a multipart upload the MD5 of the part MD5s and
//! the part count, as S3 computes it), whether an ETag is a plain MD5, which
//! part layout made a multipart one, and whether what the service stored is
//! what was sent.

use std::path::Path;

use md5::{Digest, Md5};
use stowage_store::PartInfo;

use crate::engine::{Tuning, MIB};

/// The MD5 of `data`, in hex.
pub(crate) fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

/// The MD5 of a file, read a block at a time: a single-part object can be 5 GB.
pub(crate) fn file_md5(path: &Path) -> std::io::Result<String> {
    let mut hasher = Md5::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// The ETag of an object uploaded in `parts` (their MD5s as ETags).
pub(crate) fn of_parts(parts: &[PartInfo]) -> String {
    // The parts' ETags are MD5s this engine computed: they always decode.
    stowage_store::multipart_etag(parts).unwrap_or_default()
}

/// A single-part upload's ETag: 32 hex digits, no part count.
pub(crate) fn is_plain_md5(etag: &str) -> bool {
    etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `returned` (the service's ETag for what was sent) agrees with
/// `expected`. Services that do not return an MD5-style ETag (some encrypt
/// at rest) are taken at their word; the sentence says what differs.
pub(crate) fn check(returned: Option<&str>, expected: &str, key: &str) -> Result<(), String> {
    let Some(returned) = returned.map(|e| e.trim_matches('"')) else { return Ok(()) };
    let md5_style = returned.split('-').next().is_some_and(is_plain_md5);
    if md5_style && returned != expected {
        return Err(format!(
            "{key} arrived with a different checksum (sent {expected}, stored {returned}); it was not counted as uploaded."
        ));
    }
    Ok(())
}

/// Part sizes other uploaders use: the aws CLI's default (and Stowage's
/// before its parts grew with the file), s5cmd's, rclone's.
const KNOWN_PART_SIZES: [u64; 3] = [8 * MIB, 50 * MIB, 5 * MIB];

/// The (multipart threshold, part size) that gives an ETag shaped like
/// `etag`: a plain MD5 for one part, else the part count after the dash,
/// made by this engine's part size or a known uploader's, else by parts of
/// an even number of MiB.
pub(crate) fn layout_of(etag: &str, size: u64, tuning: &Tuning) -> (u64, u64) {
    let Some(count) = etag.rsplit_once('-').and_then(|(_, n)| n.parse::<u64>().ok()).filter(|n| *n > 0) else {
        return (u64::MAX, size.max(1));
    };
    let makes_count = |part: &u64| size.div_ceil(*part) == count;
    let part_size = std::iter::once(tuning.part_size(size))
        .chain(KNOWN_PART_SIZES)
        .find(makes_count)
        .unwrap_or_else(|| size.div_ceil(count).div_ceil(MIB) * MIB);
    (0, part_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        let t = Tuning::default();
        assert_eq!(layout_of("d41d8cd98f00b204e9800998ecf8427e", 10, &t), (u64::MAX, 10));
        assert_eq!(layout_of("abc-3", 20 * MIB, &t), (0, 8 * MIB), "our own layout");
        assert_eq!(layout_of("abc-4", 20 * MIB, &t), (0, 5 * MIB), "rclone's");
        assert_eq!(layout_of("abc-3", 101 * MIB, &t), (0, 50 * MIB), "s5cmd's, which an even split misses");
        assert_eq!(layout_of("abc-128", 1024 * MIB, &t), (0, 8 * MIB), "the aws CLI's, and Stowage's before");
        assert_eq!(layout_of("abc-7", 70 * MIB, &t), (0, 10 * MIB), "an even split");
    }

    #[test]
    fn checks() {
        let md5 = md5_hex(b"x");
        assert!(check(Some(&format!("\"{md5}\"")), &md5, "k").is_ok());
        assert!(check(Some("0123456789abcdef0123456789abcdef"), &md5, "k").expect_err("differs").contains("sent"));
        assert!(check(Some("opaque-etag-of-an-encrypting-service"), &md5, "k").is_ok());
        assert!(check(None, &md5, "k").is_ok());
        assert!(is_plain_md5(&md5) && !is_plain_md5(&format!("{md5}-2")));
    }

    #[test]
    fn parts_make_the_multipart_etag() {
        let parts = [
            PartInfo { number: 1, etag: md5_hex(b"a"), size: 1 },
            PartInfo { number: 2, etag: md5_hex(b"b"), size: 1 },
        ];
        let whole = [hex::decode(md5_hex(b"a")).expect("hex"), hex::decode(md5_hex(b"b")).expect("hex")].concat();
        assert_eq!(of_parts(&parts), format!("{}-2", md5_hex(&whole)));
    }
}
