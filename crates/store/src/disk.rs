//! Writing on this computer's disks, the same way on every system: where a
//! key's file goes under a chosen folder (never out of it), how a file being
//! written is opened (never through a link), how it is flushed (through a
//! handle that may write: Windows' FlushFileBuffers refuses a read-only one),
//! and how it is renamed into place or deleted (retried for a few seconds
//! while another program, an antivirus scan or an editor, holds it open, as
//! Windows refuses both meanwhile).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::names::{NameRules, Refusal};

/// Why a key's file cannot be written under a folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Outside {
    #[error("{0}")]
    Name(Refusal),
    /// A link (or a Windows junction) inside the folder would lead the
    /// write elsewhere.
    #[error("{} is a link; nothing is written through it", .0.display())]
    Link(PathBuf),
}

/// Where the file of `key` (`/`-separated) goes under `root`, by the disk's
/// `names`: each segment encoded (no `..`, no drive letter, no stream, no
/// separator survives encoding), and no folder or file on the way below
/// `root` a link. `root` itself may be one: the person chose it.
pub fn within(root: &Path, names: &NameRules, key: &str) -> Result<PathBuf, Outside> {
    let path = names.path(root, key).map_err(Outside::Name)?;
    let mut at = root.to_owned();
    for part in path.strip_prefix(root).unwrap_or(&path).components() {
        at.push(part);
        match at.symlink_metadata() {
            Ok(meta) if is_link(&meta) => return Err(Outside::Link(at)),
            Ok(_) => {}
            // Not there yet: nothing below it is either.
            Err(_) => break,
        }
    }
    Ok(path)
}

#[cfg(windows)]
fn is_link(meta: &std::fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    // A symlink, or any other reparse point (junctions, mount points).
    const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;
    meta.file_type().is_symlink() || meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0
}

#[cfg(not(windows))]
fn is_link(meta: &std::fs::Metadata) -> bool {
    meta.file_type().is_symlink()
}

/// Opens a file being written for writing, creating it when `create`,
/// without following a link at its name: a link planted where a download
/// accumulates would send the bytes elsewhere.
pub fn open_for_writing(path: &Path, create: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(create);
    no_follow(&mut options);
    options.open(path)
}

#[cfg(unix)]
fn no_follow(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(libc::O_NOFOLLOW);
}

#[cfg(windows)]
fn no_follow(options: &mut OpenOptions) {
    use std::os::windows::fs::OpenOptionsExt;
    // The link itself is opened, not what it points to.
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
}

#[cfg(not(any(unix, windows)))]
fn no_follow(_options: &mut OpenOptions) {}

/// Flushes the file at `path` to the disk, through a handle that may write
/// (a read-only one fails on Windows).
pub fn flush(path: &Path) -> io::Result<()> {
    open_for_writing(path, false)?.sync_all()
}

/// How long a rename or a delete waits for another program to let go.
const HELD_FOR: Duration = Duration::from_secs(5);

/// Renames `from` over `to`, waiting a few seconds if another program
/// holds either (Windows refuses meanwhile); then a sentence that says so.
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    patiently(to, held, || std::fs::rename(from, to))
}

/// Deletes the file at `path`, waiting as [`rename`] does.
pub fn remove_file(path: &Path) -> io::Result<()> {
    patiently(path, held, || std::fs::remove_file(path))
}

fn patiently(
    path: &Path,
    held: impl Fn(&io::Error) -> bool,
    mut act: impl FnMut() -> io::Result<()>,
) -> io::Result<()> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(50);
    loop {
        match act() {
            Err(e) if held(&e) && started.elapsed() < HELD_FOR => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            Err(e) if held(&e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!(
                        "another program holds {} open (an editor, a preview, an antivirus scan); close it and try \
                         again ({e})",
                        path.display()
                    ),
                ))
            }
            other => return other,
        }
    }
}

/// Whether `e` is Windows saying another program holds the file open: a
/// sharing or lock violation (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION).
fn held(e: &io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Unicode;

    const WINDOWS: NameRules =
        NameRules { windows: true, case_insensitive: true, unicode: Unicode::Exact, leading_dot: false };

    #[test]
    fn every_key_stays_under_the_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for rules in [NameRules::default(), WINDOWS] {
            for key in ["../../etc/passwd", "a/../../x", "..", "C:\\Windows\\x", "\\\\server\\share\\x", "a:stream"] {
                let path = within(root, &rules, key).expect("a path");
                assert!(path.starts_with(root) && path != root, "{key:?} -> {}", path.display());
                assert!(path.components().all(|c| !matches!(c, std::path::Component::ParentDir)), "{key:?}");
            }
        }
        let windows = within(root, &WINDOWS, "C:\\Windows\\x").expect("a path");
        assert_eq!(windows, root.join("C：＼Windows＼x"), "a drive and separators are characters of one name");
        assert_eq!(within(root, &WINDOWS, "a//b"), Err(Outside::Name(Refusal::Empty)));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_folder_is_not_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (root, elsewhere) = (dir.path().join("root"), dir.path().join("elsewhere"));
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        std::os::unix::fs::symlink(&elsewhere, root.join("out")).expect("link");
        std::os::unix::fs::symlink(elsewhere.join("target.txt"), root.join("file.txt")).expect("link");
        let rules = NameRules::default();
        assert_eq!(within(&root, &rules, "out/x.bin"), Err(Outside::Link(root.join("out"))));
        assert_eq!(within(&root, &rules, "file.txt"), Err(Outside::Link(root.join("file.txt"))));
        assert_eq!(within(&root, &rules, "in/x.bin"), Ok(root.join("in").join("x.bin")));
        // Opened for writing, a planted link is refused rather than followed.
        assert!(open_for_writing(&root.join("file.txt"), true).is_err());
        assert!(!elsewhere.join("target.txt").exists(), "nothing was written outside");
        // The chosen folder itself may be a link.
        let linked_root = dir.path().join("linked-root");
        std::os::unix::fs::symlink(&root, &linked_root).expect("link");
        assert!(within(&linked_root, &rules, "in/x.bin").is_ok());
    }

    #[test]
    fn a_file_another_program_holds_is_waited_for_then_named() {
        let held_twice = std::cell::Cell::new(2);
        let busy = || io::Error::new(io::ErrorKind::PermissionDenied, "sharing violation");
        let let_go = patiently(
            Path::new("a.bin"),
            |_| true,
            || {
                held_twice.set(held_twice.get() - 1);
                if held_twice.get() >= 0 {
                    Err(busy())
                } else {
                    Ok(())
                }
            },
        );
        assert!(let_go.is_ok(), "it went through once the other program let go");
        let never = patiently(Path::new("weights.bin"), |_| true, || Err(busy())).expect_err("held throughout");
        assert!(never.to_string().contains("another program holds weights.bin open"), "{never}");
        let other = patiently(Path::new("x"), |_| false, || Err(busy())).expect_err("not a hold");
        assert_eq!(other.to_string(), "sharing violation", "other errors are not waited for");
    }

    #[test]
    fn a_file_flushes_and_renames() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"x").expect("write");
        flush(&a).expect("flush through a handle that may write");
        rename(&a, &b).expect("rename");
        remove_file(&b).expect("remove");
        assert!(rename(&a, &b).is_err(), "a missing file is an error at once, not a wait");
    }
}
