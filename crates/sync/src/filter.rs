//! Which paths a sync considers, with `.gitignore`'s rules exactly (through
//! the `ignore` crate, ripgrep's): `*.log` matches at any depth, `/raw` and
//! `raw/*.tif` only from the folder the pattern is written in, `cache/` only
//! folders, a folder left out takes everything in it, and `!keep.log`
//! brings back what an earlier pattern left out (but nothing inside a folder
//! left out). A `.stowageignore` in any subfolder adds patterns for what is
//! below it, and the deeper file wins. Paths are relative, with `/`.
//!
//! The layers, strongest first: the sync's own excludes (the window's
//! "Leave out", the CLI's --exclude), then `.stowageignore` files from the
//! deepest folder up, then the default ignores. Includes, when given, keep
//! only what they match. Filters apply to both sides: a path left out is
//! never uploaded, downloaded or deleted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// Partial downloads, editor swap files, and what macOS and Windows leave on
/// every disk they touch: never worth syncing (uploading a half-written
/// `.part` file would be wrong), and the system folders among them cannot
/// even be read, which would mark every scan incomplete and so stop all
/// deletions. Matched in any letter case (`.ds_store` on a FAT drive). The
/// last one is the scratch folder the name rules' probe writes.
pub const DEFAULT_IGNORES: &[&str] = &[
    "*.tmp",
    "*.part",
    "*.crdownload",
    "~*",
    ".DS_Store",
    "._*",
    "Icon\r",
    ".Spotlight-V100/",
    ".Trashes/",
    ".fseventsd/",
    ".TemporaryItems/",
    ".DocumentRevisions-V100/",
    "Thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    "$RECYCLE.BIN/",
    "System Volume Information/",
    ".stowage-probe-*/",
];

/// The per-folder ignore file, with `.gitignore`'s syntax.
pub const IGNORE_FILE: &str = ".stowageignore";

/// The patterns, and whether links to outside the synced folder are
/// followed (rclone's `--copy-links`; by default they are not).
#[derive(Debug, Clone)]
pub struct Filters {
    inner: Arc<Inner>,
    follow_links: bool,
}

#[derive(Debug)]
struct Inner {
    /// The synced folder, whose subfolders may hold ignore files.
    root: Option<PathBuf>,
    excludes: Gitignore,
    defaults: Gitignore,
    /// When set, only paths matching one of these are considered.
    includes: Option<Gitignore>,
    /// The ignore file of each folder looked at ("" for the root), read once.
    files: RwLock<HashMap<String, Option<Arc<Gitignore>>>>,
    /// Whether each folder looked at is left out, decided once.
    folders: RwLock<HashMap<String, bool>>,
}

#[derive(Debug, thiserror::Error)]
#[error("The pattern \"{pattern}\" is not valid: {reason}")]
pub struct FilterError {
    pub pattern: String,
    pub reason: String,
}

impl Filters {
    /// The default ignores plus `excludes`; `includes` narrows when not empty.
    pub fn new(includes: &[String], excludes: &[String]) -> Result<Self, FilterError> {
        Self::build(None, includes, excludes)
    }

    /// Like [`Filters::new`], plus the `.stowageignore` files of `root` and
    /// its subfolders. The root's file is read now, so a bad pattern in it
    /// is an error before anything moves.
    pub fn for_folder(root: &Path, includes: &[String], excludes: &[String]) -> Result<Self, FilterError> {
        let filters = Self::build(Some(root.to_owned()), includes, excludes)?;
        let top = read_ignore_file(&root.join(IGNORE_FILE))?;
        filters.inner.files.write().unwrap_or_else(|e| e.into_inner()).insert(String::new(), top.map(Arc::new));
        Ok(filters)
    }

    fn build(root: Option<PathBuf>, includes: &[String], excludes: &[String]) -> Result<Self, FilterError> {
        let defaults: Vec<String> = DEFAULT_IGNORES.iter().map(|p| (*p).to_owned()).collect();
        let inner = Inner {
            root,
            excludes: matcher(excludes, false)?,
            defaults: matcher(&defaults, true)?,
            includes: if includes.is_empty() { None } else { Some(matcher(includes, false)?) },
            files: RwLock::default(),
            folders: RwLock::default(),
        };
        Ok(Self { inner: Arc::new(inner), follow_links: false })
    }

    /// The same filters, following links to outside the folder or not.
    pub fn following_links(self, follow: bool) -> Self {
        Self { follow_links: follow, ..self }
    }

    /// Whether links to outside the folder are followed.
    pub fn follows_links(&self) -> bool {
        self.follow_links
    }

    /// Whether the file at relative path `path` takes part in the sync.
    pub fn allows(&self, path: &str) -> bool {
        let inside = parent(path).is_none_or(|dir| self.enters(dir));
        inside
            && !self.left_out(path, false)
            && self.inner.includes.as_ref().is_none_or(|set| set.matched_path_or_any_parents(path, false).is_ignore())
    }

    /// Whether to look inside the folder at `path` at all: neither it nor a
    /// folder above it is left out.
    pub fn enters(&self, path: &str) -> bool {
        if let Some(&known) = self.inner.folders.read().unwrap_or_else(|e| e.into_inner()).get(path) {
            return known;
        }
        let enters = parent(path).is_none_or(|dir| self.enters(dir)) && !self.left_out(path, true);
        self.inner.folders.write().unwrap_or_else(|e| e.into_inner()).insert(path.to_owned(), enters);
        enters
    }

    /// What the strongest layer with an opinion says of `path` itself.
    fn left_out(&self, path: &str, is_dir: bool) -> bool {
        let decided = |m: Match<&ignore::gitignore::Glob>| (!m.is_none()).then(|| m.is_ignore());
        if let Some(out) = decided(self.inner.excludes.matched(path, is_dir)) {
            return out;
        }
        // Ignore files from the folder holding `path` up to the root; each
        // matches the path relative to its own folder.
        let mut dir = parent(path);
        loop {
            let here = dir.unwrap_or("");
            if let Some(file) = self.ignore_file(here) {
                let relative = if here.is_empty() { path } else { &path[here.len() + 1..] };
                if let Some(out) = decided(file.matched(relative, is_dir)) {
                    return out;
                }
            }
            match dir {
                Some(d) => dir = parent(d),
                None => break,
            }
        }
        self.inner.defaults.matched(path, is_dir).is_ignore()
    }

    /// The `.stowageignore` of the folder `dir`, read on first use. A bad
    /// pattern in a subfolder's file is logged and the file left out (git
    /// also goes on past a bad line).
    fn ignore_file(&self, dir: &str) -> Option<Arc<Gitignore>> {
        let root = self.inner.root.as_ref()?;
        if let Some(known) = self.inner.files.read().unwrap_or_else(|e| e.into_inner()).get(dir) {
            return known.clone();
        }
        let path = root.join(dir).join(IGNORE_FILE);
        let file = match read_ignore_file(&path) {
            Ok(file) => file.map(Arc::new),
            Err(e) => {
                tracing::warn!(file = %path.display(), "ignore file left out: {e}");
                None
            }
        };
        self.inner.files.write().unwrap_or_else(|e| e.into_inner()).insert(dir.to_owned(), file.clone());
        file
    }
}

/// The folder holding `path`, none at the top.
fn parent(path: &str) -> Option<&str> {
    path.rfind('/').map(|at| &path[..at])
}

/// Patterns as one `.gitignore` file would hold them, in order; in any
/// letter case when `caseless`.
fn matcher(patterns: &[String], caseless: bool) -> Result<Gitignore, FilterError> {
    let mut builder = GitignoreBuilder::new("");
    builder.case_insensitive(caseless).map_err(|e| FilterError { pattern: String::new(), reason: reason_of(&e) })?;
    for pattern in patterns {
        builder.add_line(None, pattern).map_err(|e| FilterError { pattern: pattern.clone(), reason: reason_of(&e) })?;
    }
    builder.build().map_err(|e| FilterError { pattern: String::new(), reason: reason_of(&e) })
}

/// An ignore file's patterns; none when there is no file.
fn read_ignore_file(path: &Path) -> Result<Option<Gitignore>, FilterError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            matcher(&lines, false)
                .map(Some)
                .map_err(|e| FilterError { reason: format!("{} in {}", e.reason, path.display()), ..e })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => {
            Err(FilterError { pattern: String::new(), reason: format!("{} cannot be read: {e}", path.display()) })
        }
    }
}

fn reason_of(e: &ignore::Error) -> String {
    match e {
        ignore::Error::Glob { err, .. } => err.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(includes: &[&str], excludes: &[&str]) -> Filters {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Filters::new(&own(includes), &own(excludes)).expect("valid")
    }

    #[test]
    fn default_ignores_match_at_any_depth() {
        let f = filters(&[], &[]);
        for ignored in ["a.tmp", "x/y/model.part", "~lock.docx", "photos/.DS_Store", "Thumbs.db"] {
            assert!(!f.allows(ignored), "{ignored}");
        }
        for kept in ["train/cat.jpg", "tmp/data.csv", "partial.csv"] {
            assert!(f.allows(kept), "{kept}");
        }
    }

    #[test]
    fn what_macos_and_windows_leave_on_a_disk_is_left_out_in_any_case() {
        let f = filters(&[], &[]);
        for clutter in [
            "photos/.ds_store",
            "THUMBS.DB",
            "a/Desktop.ini",
            "a/._cat.jpg",
            "Icon\r",
            "sub/Icon\r",
            "System Volume Information/IndexerVolumeGuid",
            "$Recycle.Bin/S-1-5-21/x",
            ".Spotlight-V100/Store-V2/x",
            ".Trashes/501/x",
            ".fseventsd/0000",
            ".stowage-probe-1f2e/Case",
        ] {
            assert!(!f.allows(clutter), "{clutter:?}");
        }
        assert!(!f.enters("System Volume Information"), "never listed: it cannot be read");
        for kept in ["Icon.png", "Icons/a.svg", "desktop.ini.bak", "my._notes", "thumbs/db.csv"] {
            assert!(f.allows(kept), "{kept:?}");
        }
        let own = filters(&[], &["Cache/"]);
        assert!(own.allows("cache/x"), "a sync's own patterns keep their case");
    }

    #[test]
    fn anchored_patterns_folders_and_includes() {
        let f = filters(&["*.jpg", "labels.csv"], &["raw/*.jpg", "cache/"]);
        assert!(f.allows("train/cat.jpg"));
        assert!(!f.allows("raw/cat.jpg"), "anchored exclude");
        assert!(f.allows("train/raw/cat.jpg"), "anchored means from the root");
        assert!(!f.allows("x/cache/cat.jpg"), "a folder pattern covers its contents");
        assert!(!f.enters("x/cache"));
        assert!(!f.allows("notes.txt"), "not included");
        assert!(f.allows("labels.csv"));
    }

    #[test]
    fn negation_brings_back_a_file_but_not_one_inside_a_folder_left_out() {
        let f = filters(&[], &["*.log", "!keep.log", "build/", "!build/keep.txt"]);
        assert!(!f.allows("run/a.log"));
        assert!(f.allows("run/keep.log"));
        assert!(!f.allows("build/keep.txt"), "git cannot re-include inside an excluded folder");
    }

    #[test]
    fn a_folder_only_pattern_leaves_a_file_of_that_name() {
        let f = filters(&[], &["cache/"]);
        assert!(f.allows("cache"), "a file named cache stays");
        assert!(!f.allows("cache/x"));
    }

    #[test]
    fn ignore_files_at_every_depth_and_the_deeper_one_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(IGNORE_FILE), "# scratch\n\nwandb/\n*.ckpt\n").expect("write");
        std::fs::create_dir_all(dir.path().join("best")).expect("mkdir");
        std::fs::write(dir.path().join("best").join(IGNORE_FILE), "!*.ckpt\n/notes.txt\n").expect("write");
        let f = Filters::for_folder(dir.path(), &[], &[]).expect("valid");
        assert!(!f.allows("wandb/run-1/log.txt"));
        assert!(!f.allows("checkpoints/epoch-3.ckpt"));
        assert!(f.allows("best/epoch-9.ckpt"), "the subfolder's file brings it back");
        assert!(!f.allows("best/notes.txt"), "anchored to the subfolder it is written in");
        assert!(f.allows("notes.txt"));
        assert!(f.allows("data/a.csv"));
    }

    #[test]
    fn the_syncs_own_excludes_win_over_ignore_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(IGNORE_FILE), "!*.tmp\n").expect("write");
        let f = Filters::for_folder(dir.path(), &[], &["secret.tmp".into()]).expect("valid");
        assert!(f.allows("scratch.tmp"), "the ignore file re-includes a default");
        assert!(!f.allows("secret.tmp"));
    }

    #[test]
    fn a_bad_pattern_is_named() {
        let err = Filters::new(&[], &["data/{a".to_owned()]).expect_err("invalid");
        assert_eq!(err.pattern, "data/{a");
        assert!(err.to_string().contains("data/{a"), "{err}");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(IGNORE_FILE), "ok\n{broken\n").expect("write");
        let err = Filters::for_folder(dir.path(), &[], &[]).expect_err("invalid file");
        assert!(err.to_string().contains(IGNORE_FILE), "{err}");
    }
}
