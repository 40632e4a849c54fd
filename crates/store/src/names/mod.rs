//! Local names: the one place that decides how an object key becomes a path
//! on a disk of this computer and back, for pulls, downloads and the local
//! store alike.
//!
//! The rules come from the disk, not only the operating system: an exFAT
//! drive on Linux refuses `:` and ignores case as NTFS does, and an APFS or
//! HFS+ volume on macOS compares names in any Unicode normalization. A
//! [`NameRules`] says what a disk refuses and how it compares names; it comes
//! from this system's documented behaviour ([`NameRules::of_this_system`])
//! joined with what a probe finds in a hidden scratch folder at the sync root
//! ([`NameRules::at`]).
//!
//! - [`NameRules::encode`] gives a key segment a name the disk can hold,
//!   reversibly and readably, as rclone's `lib/encoder` does: a character the
//!   disk refuses becomes its FULLWIDTH look-alike (`ckpt:3.pt` is
//!   `ckpt：3.pt`), a trailing space or dot on Windows rules becomes `␠` or
//!   `．`, a reserved device name (`CON.txt`) gets a fullwidth first letter,
//!   and a name that already holds such a look-alike quotes it with `‛`, so
//!   [`NameRules::decode`] gives the key back: pushing a pulled folder gives
//!   the keys it came from.
//! - [`NameRules::fold`] is what two names are compared as on the disk: in
//!   NFC where the disk compares normalizations alike (macOS), in lower case
//!   where it ignores case. Keys that fold alike cannot both live there; on
//!   a disk that tells them apart (ext4, exFAT) `café` in NFC and in NFD are
//!   two files, as they are two keys.

mod encode;
mod probe;

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

pub use probe::{probe, PROBE_PREFIX};

/// How a disk treats names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NameRules {
    /// Windows' rules: no `\ : * ? " < > |` or control characters, no name
    /// ending in a space or a dot, no device names (CON, LPT1...). Windows
    /// itself, and NTFS, exFAT and FAT drives on any system.
    pub windows: bool,
    /// `A.txt` and `a.txt` are one name (Windows and macOS defaults, exFAT).
    pub case_insensitive: bool,
    pub unicode: Unicode,
    /// No name starts with a dot: the local store's own files do.
    pub leading_dot: bool,
}

/// How a disk treats the Unicode normalization of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unicode {
    /// Names are bytes: `café` in NFC and in NFD are two names (ext4, NTFS, exFAT).
    #[default]
    Exact,
    /// Names are kept as written but compared in any normalization (APFS).
    Insensitive,
    /// Names are stored normalized (HFS+ keeps NFD): a name is read back
    /// in another form than it was written.
    Normalizing,
}

/// Why a key cannot have a name on a disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// An empty segment (`a//b`, or a key ending in `/`).
    Empty,
    /// Longer than the disk allows for one name, once encoded.
    TooLong { name: String },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => {
                f.write_str("its key holds an empty folder name (two slashes in a row), which no disk can hold")
            }
            Self::TooLong { name } => write!(f, "\"{name}\" is longer than a file name on this disk may be (255)"),
        }
    }
}

/// Which disk holds `path` (another drive mounted at the same folder is
/// another disk), where the system says.
fn disk_of(path: &Path) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).map(|m| m.dev()).unwrap_or(0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0
    }
}

/// The longest name: 255 bytes on Linux and macOS, 255 UTF-16 units on
/// Windows' file systems (NTFS, exFAT).
const MAX_NAME: usize = 255;

impl NameRules {
    /// What this system itself imposes on every disk (the rules of a disk
    /// that cannot be probed, say a read-only one).
    pub fn of_this_system() -> Self {
        if cfg!(windows) {
            Self { windows: true, case_insensitive: true, unicode: Unicode::Exact, leading_dot: false }
        } else if cfg!(target_os = "macos") {
            Self { windows: false, case_insensitive: true, unicode: Unicode::Insensitive, leading_dot: false }
        } else {
            Self::default()
        }
    }

    /// The rules of the disk holding `root`: this system's, and what a probe
    /// in a hidden scratch folder there finds (see [`probe`]), once per
    /// folder and disk while the app runs. A folder that cannot be probed
    /// (read-only, gone) gets this system's rules.
    pub fn at(root: &Path) -> Self {
        // One entry per folder however it was named (a link, `..`).
        let canonical = std::fs::canonicalize(root);
        let root = canonical.as_deref().unwrap_or(root);
        static FOUND: std::sync::Mutex<Vec<((PathBuf, u64), NameRules)>> = std::sync::Mutex::new(Vec::new());
        let disk = (root.to_owned(), disk_of(root));
        let found = |list: &Vec<((PathBuf, u64), NameRules)>| list.iter().find(|(at, _)| *at == disk).map(|(_, r)| *r);
        if let Some(rules) = found(&FOUND.lock().unwrap_or_else(|e| e.into_inner())) {
            return rules;
        }
        let rules = Self::probed(root);
        FOUND.lock().unwrap_or_else(|e| e.into_inner()).push((disk, rules));
        rules
    }

    /// [`NameRules::at`] on the blocking pool: a first probe writes and
    /// reads files, which async callers must not wait on.
    pub async fn at_off_worker(root: &Path) -> Self {
        let root = root.to_owned();
        tokio::task::spawn_blocking(move || Self::at(&root)).await.unwrap_or_else(|_| Self::of_this_system())
    }

    fn probed(root: &Path) -> Self {
        let system = Self::of_this_system();
        match probe(root) {
            Ok(found) => Self {
                windows: system.windows || found.windows,
                case_insensitive: system.case_insensitive || found.case_insensitive,
                unicode: if found.unicode == Unicode::Exact { system.unicode } else { found.unicode },
                leading_dot: false,
            },
            Err(e) => {
                tracing::info!(root = %root.display(), "the folder's name rules could not be probed ({e}); this system's are used");
                system
            }
        }
    }

    /// The name key segment `segment` gets on such a disk.
    pub fn encode(&self, segment: &str) -> Result<String, Refusal> {
        if segment.is_empty() {
            return Err(Refusal::Empty);
        }
        let name = encode::encode(segment, self.style());
        let length = if self.windows { name.encode_utf16().count() } else { name.len() };
        if length > MAX_NAME {
            return Err(Refusal::TooLong { name });
        }
        Ok(name)
    }

    /// The key segment a name on such a disk stands for. On a disk that
    /// stores names normalized, in NFC: the form keys are compared in.
    pub fn decode(&self, name: &str) -> String {
        let segment = encode::decode(name, self.style());
        match self.unicode {
            Unicode::Normalizing => segment.nfc().collect(),
            Unicode::Exact | Unicode::Insensitive => segment,
        }
    }

    fn style(&self) -> encode::Style {
        encode::Style { windows: self.windows, leading_dot: self.leading_dot }
    }

    /// `root` joined with the names of the `/`-separated `key`.
    pub fn path(&self, root: &Path, key: &str) -> Result<PathBuf, Refusal> {
        let mut path = root.to_owned();
        for segment in key.split('/') {
            path.push(self.encode(segment)?);
        }
        Ok(path)
    }

    /// The key of the `/`-separated relative local path `relative`.
    pub fn key(&self, relative: &str) -> String {
        relative.split('/').map(|name| self.decode(name)).collect::<Vec<_>>().join("/")
    }

    /// What a name (or a `/`-separated path) is compared as on such a disk:
    /// in NFC when the disk ignores normalization, in lower case when it
    /// ignores case. Two names with the same fold are one file there.
    pub fn fold(&self, name: &str) -> String {
        let normal: String = match self.unicode {
            Unicode::Exact => name.to_owned(),
            Unicode::Insensitive | Unicode::Normalizing => name.nfc().collect(),
        };
        if self.case_insensitive {
            normal.chars().flat_map(char::to_lowercase).collect()
        } else {
            normal
        }
    }

    /// Whether names can fold alike without being equal on such a disk.
    pub fn folds(&self) -> bool {
        self.case_insensitive || self.unicode != Unicode::Exact
    }

    /// Whether two names that fold alike differ only in what the disk
    /// cannot hold apart anyway (their normalization, on a disk that
    /// compares in any): one file, whichever name it shows.
    pub fn same_name(&self, a: &str, b: &str) -> bool {
        a == b || (self.unicode != Unicode::Exact && a.nfc().eq(b.nfc()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOWS: NameRules =
        NameRules { windows: true, case_insensitive: true, unicode: Unicode::Exact, leading_dot: false };
    const MACOS: NameRules =
        NameRules { windows: false, case_insensitive: true, unicode: Unicode::Insensitive, leading_dot: false };
    const LINUX: NameRules =
        NameRules { windows: false, case_insensitive: false, unicode: Unicode::Exact, leading_dot: false };

    #[test]
    fn the_issue_s_keys_on_each_system() {
        let keys = ["ckpt:3.pt", "a?b", "report.", "CON.txt", "A.txt", "plain"];
        let on = |rules: NameRules| keys.map(|k| rules.encode(k).expect("a name"));
        assert_eq!(on(WINDOWS), ["ckpt：3.pt", "a？b", "report．", "ＣON.txt", "A.txt", "plain"]);
        // macOS and Linux hold every one of them as it is.
        assert_eq!(on(MACOS), keys);
        assert_eq!(on(LINUX), keys);
        for rules in [WINDOWS, MACOS, LINUX] {
            for key in keys {
                assert_eq!(rules.decode(&rules.encode(key).expect("a name")), key, "{rules:?}");
            }
        }
    }

    #[test]
    fn names_no_disk_can_hold() {
        for rules in [WINDOWS, MACOS, LINUX] {
            assert_eq!(rules.encode(""), Err(Refusal::Empty));
            assert_eq!(rules.encode("."), Ok("．".to_owned()));
            assert_eq!(rules.encode(".."), Ok("．．".to_owned()));
            assert!(matches!(rules.encode(&"x".repeat(256)), Err(Refusal::TooLong { .. })));
            assert!(rules.encode(&"x".repeat(255)).is_ok());
        }
        // 100 colons are 300 bytes in UTF-8 once encoded, but 100 UTF-16 units on Windows.
        assert!(WINDOWS.encode(&":".repeat(100)).is_ok());
        assert!(matches!(LINUX.encode(&"é".repeat(128)), Err(Refusal::TooLong { .. })));
        assert_eq!(LINUX.path(Path::new("/d"), "a//b"), Err(Refusal::Empty));
        assert_eq!(WINDOWS.path(Path::new("/d"), "x/a:b"), Ok(Path::new("/d").join("x").join("a：b")));
    }

    #[test]
    fn names_compare_as_the_disk_compares_them() {
        let (nfc, nfd) = ("caf\u{e9}.txt", "cafe\u{301}.txt");
        assert_ne!(LINUX.fold(nfc), LINUX.fold(nfd), "ext4 keeps both, as S3 does");
        assert_ne!(WINDOWS.fold(nfc), WINDOWS.fold(nfd), "so do NTFS and exFAT");
        assert_eq!(MACOS.fold(nfc), MACOS.fold(nfd), "APFS and HFS+ do not");
        assert_ne!(LINUX.fold("A.txt"), LINUX.fold("a.txt"));
        assert_eq!(WINDOWS.fold("A.txt"), WINDOWS.fold("a.txt"));
        assert!(!LINUX.folds() && WINDOWS.folds() && MACOS.folds());
        assert_eq!(MACOS.fold("Caf\u{e9}"), MACOS.fold("cafe\u{301}"));
        assert!(MACOS.same_name(nfc, nfd) && !LINUX.same_name(nfc, nfd) && !WINDOWS.same_name(nfc, nfd));
        assert!(!MACOS.same_name("A.txt", "a.txt"), "a disk that ignores case still shows it: a rename shows");
    }

    #[test]
    fn a_disk_that_stores_names_normalized_reads_back_keys_in_nfc() {
        let hfs = NameRules { unicode: Unicode::Normalizing, ..MACOS };
        assert_eq!(hfs.decode("cafe\u{301}.txt"), "caf\u{e9}.txt");
        assert_eq!(MACOS.decode("cafe\u{301}.txt"), "cafe\u{301}.txt");
    }
}
