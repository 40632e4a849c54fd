//! What to upload: the files under the paths a person dropped or named, each
//! with the object key it gets. Folders keep their structure: dropping
//! `~/data/imagenet` gives keys `imagenet/...`. What cannot be uploaded is
//! reported with the reason (empty folders, symlink loops, unreadable
//! entries) and the rest goes on.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use stowage_store::names::NameRules;

use crate::error::SyncError;
use crate::filter::Filters;

/// A local file and the key it is uploaded to (relative to the destination prefix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalFile {
    pub path: PathBuf,
    pub key: String,
    pub size: u64,
    #[serde(with = "crate::time_ns")]
    pub modified: SystemTime,
}

/// A path that is not uploaded, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub files: Vec<LocalFile>,
    pub skipped: Vec<Skipped>,
    /// Something could not be read, so a file may be missing from `files`:
    /// a sync must not take its absence as a deletion.
    pub incomplete: bool,
}

/// Walks `sources` (files or folders) and hands each file to `emit`, in
/// key order (sources of the same name aside). Names become keys by the
/// rules of the disk each source is on (`ckpt：3.pt` on an exFAT drive is
/// the key `ckpt:3.pt`). Symlinks are followed; a link back into a folder
/// being walked is reported as a loop. Returns what was skipped.
pub fn scan(sources: &[PathBuf], mut emit: impl FnMut(LocalFile)) -> Vec<Skipped> {
    let mut walker = Walker::new(None, NameRules::default(), |file| {
        emit(file);
        true
    });
    let mut named = Vec::new();
    for source in sources {
        match source.file_name().and_then(|n| n.to_str()) {
            Some(name) => {
                let meta = std::fs::metadata(source);
                let names = NameRules::at(source.parent().unwrap_or(source));
                let key = names.decode(name);
                let sort_key = sort_name(key.clone(), meta.as_ref().is_ok_and(|m| m.is_dir()));
                named.push((sort_key, source, key, names, meta));
            }
            None => walker.skipped.push(skipped(source, "it has no name usable as an object key")),
        }
    }
    named.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, source, key, names, meta) in named {
        walker.names = names;
        walker.visit(source, &key, meta);
    }
    walker.skipped
}

/// Walks the folder `root` for a sync: keys are relative to it, named by
/// the disk's `names` rules, and only what `filters` allows is listed.
/// Fails when `root` is not a folder (an unmounted disk must not look like
/// an empty folder).
pub fn scan_folder(root: &Path, filters: &Filters, names: NameRules) -> Result<Scan, SyncError> {
    let mut files = Vec::new();
    let (skipped, incomplete) = scan_folder_in_order(root, filters, names, |file| {
        files.push(file);
        true
    })?;
    Ok(Scan { files, skipped, incomplete })
}

/// [`scan_folder`] without holding the files: each goes to `emit` in key
/// order (a folder's files where its name + "/" sorts among its siblings,
/// as an object listing orders them), until `emit` returns false. Returns
/// what was skipped and whether the scan is incomplete.
pub fn scan_folder_in_order(
    root: &Path,
    filters: &Filters,
    names: NameRules,
    emit: impl FnMut(LocalFile) -> bool,
) -> Result<(Vec<Skipped>, bool), SyncError> {
    let meta = match std::fs::metadata(root) {
        Ok(meta) if meta.is_dir() => meta,
        Ok(_) => return Err(SyncError::local(format!("{} is not a folder.", root.display()))),
        Err(e) => return Err(SyncError::local(format!("The folder {} cannot be read: {e}", root.display()))),
    };
    let mut walker = Walker::new(Some(filters), names, emit);
    walker.root = std::fs::canonicalize(root).ok();
    walker.visit(root, "", Ok(meta));
    Ok((walker.skipped, walker.incomplete))
}

/// Walks only `keys` (files or folders, relative to `root`) for a round that
/// looks where something changed. Returns the scan and the keys that are
/// gone; what is gone is not for this scan to judge (a deletion is decided
/// on a full scan).
pub fn scan_paths(
    root: &Path,
    filters: &Filters,
    names: NameRules,
    keys: &BTreeSet<String>,
) -> Result<(Scan, Vec<String>), SyncError> {
    if !root.is_dir() {
        return Err(SyncError::local(format!("The folder {} cannot be read.", root.display())));
    }
    let mut out = Scan::default();
    let mut gone = Vec::new();
    for key in outermost(keys) {
        // Inside an excluded folder: the full scan would not look either.
        let mut ancestors = key.match_indices('/').map(|(i, _)| &key[..i]);
        if ancestors.any(|dir| !filters.enters(dir)) {
            continue;
        }
        let Ok(path) = names.path(root, key) else { continue };
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => gone.push(key.clone()),
            _ => {
                let mut walker = Walker::new(Some(filters), names, |file| {
                    out.files.push(file);
                    true
                });
                walker.root = std::fs::canonicalize(root).ok();
                walker.visit(&path, key, std::fs::metadata(&path));
                out.skipped.extend(walker.skipped);
                out.incomplete |= walker.incomplete;
            }
        }
    }
    out.files.sort_by(|a, b| a.key.cmp(&b.key));
    Ok((out, gone))
}

/// `keys` without those inside another of them (sorted, so a folder comes
/// right before what is in it).
pub fn outermost(keys: &BTreeSet<String>) -> Vec<&String> {
    let mut out: Vec<&String> = Vec::new();
    for key in keys {
        if !out.last().is_some_and(|top| key.strip_prefix(top.as_str()).is_some_and(|rest| rest.starts_with('/'))) {
            out.push(key);
        }
    }
    out
}

fn skipped(path: &Path, reason: impl Into<String>) -> Skipped {
    Skipped { path: path.display().to_string(), reason: reason.into() }
}

/// What `name` sorts as among its siblings: a folder's keys sort as its
/// name + "/" does, as an object listing orders them.
fn sort_name(name: String, is_dir: bool) -> String {
    if is_dir {
        name + "/"
    } else {
        name
    }
}

/// Whether this process may read `path`, without opening it: an open and a
/// close are two system calls per file, and two events for anything that
/// watches the folder with opens included.
#[cfg(unix)]
fn readable(path: &Path) -> std::io::Result<()> {
    rustix::fs::access(path, rustix::fs::Access::READ_OK).map_err(Into::into)
}

#[cfg(not(unix))]
fn readable(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path).map(drop)
}

/// A walk of files and folders, handing each file on in key order.
struct Walker<'a, E> {
    filters: Option<&'a Filters>,
    /// How the disk's names read as keys.
    names: NameRules,
    /// A synced folder, as a real path: links that lead out of it are not
    /// followed unless the filters say so.
    root: Option<PathBuf>,
    emit: E,
    /// Folders being walked, by real path: a link back into one is a loop.
    walking: HashSet<PathBuf>,
    skipped: Vec<Skipped>,
    incomplete: bool,
    stopped: bool,
}

impl<'a, E: FnMut(LocalFile) -> bool> Walker<'a, E> {
    fn new(filters: Option<&'a Filters>, names: NameRules, emit: E) -> Self {
        Self {
            filters,
            names,
            root: None,
            emit,
            walking: HashSet::new(),
            skipped: Vec::new(),
            incomplete: false,
            stopped: false,
        }
    }

    /// Where the link at `path` leads, when that is outside the synced
    /// folder and links out are not followed.
    fn leads_out(&self, path: &Path) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        if self.filters.is_some_and(Filters::follows_links) {
            return None;
        }
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        (!target.starts_with(root)).then_some(target)
    }

    fn unreadable(&mut self, path: &Path, reason: String) {
        self.skipped.push(skipped(path, reason));
        self.incomplete = true;
    }

    /// `path` (whose metadata, links followed, is `meta`) under `key`.
    fn visit(&mut self, path: &Path, key: &str, meta: std::io::Result<std::fs::Metadata>) {
        if self.stopped {
            return;
        }
        let meta = match meta {
            Ok(meta) => meta,
            Err(e) => return self.unreadable(path, format!("cannot be read: {e}")),
        };
        if meta.is_file() {
            if self.filters.is_some_and(|f| !f.allows(key)) {
                return;
            }
            match readable(path) {
                Ok(()) => {
                    let file = LocalFile {
                        path: path.to_owned(),
                        key: key.to_owned(),
                        size: meta.len(),
                        modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    };
                    self.stopped = !(self.emit)(file);
                }
                Err(e) => self.unreadable(path, format!("cannot be read: {e}")),
            }
        } else if !meta.is_dir() {
            self.skipped.push(skipped(path, "it is not a regular file or folder"));
        } else if key.is_empty() || self.filters.is_none_or(|f| f.enters(key)) {
            self.visit_folder(path, key);
        }
    }

    fn visit_folder(&mut self, path: &Path, key: &str) {
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if !self.walking.insert(real.clone()) {
            self.skipped.push(skipped(path, "a symbolic link loops back to a folder above it"));
            return;
        }
        match std::fs::read_dir(path) {
            Err(e) => self.unreadable(path, format!("cannot be listed: {e}")),
            Ok(entries) => {
                // Only each child's name (and its key, when the disk's rules
                // make it another) is held while the folder is sorted (a
                // folder of 1.28 million files is 1.28 million names, not as
                // many paths, keys and metadata).
                let mut children: Vec<(String, Option<String>)> = Vec::new();
                for entry in entries.filter_map(Result::ok) {
                    let Ok(name) = entry.file_name().into_string() else {
                        let child = path.join(entry.file_name());
                        self.unreadable(&child, "its name is not valid UTF-8, which object keys require".into());
                        continue;
                    };
                    let is_dir = match entry.file_type() {
                        Ok(t) if t.is_symlink() => {
                            if let Some(outside) = self.leads_out(&entry.path()) {
                                // Not followed, and not taken as gone either:
                                // nothing is deleted while it is left out.
                                let reason = format!(
                                    "a link to {}, outside the folder: not followed (turn on following links to \
                                     sync what it leads to, or leave the link out)",
                                    outside.display()
                                );
                                self.skipped.push(skipped(&entry.path(), reason));
                                self.incomplete = true;
                                continue;
                            }
                            std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())
                        }
                        Ok(t) => t.is_dir(),
                        Err(_) => false,
                    };
                    let segment = self.names.decode(&name);
                    if self.filters.is_some() && self.names.encode(&segment).as_deref() != Ok(name.as_str()) {
                        // A pull would write the key under another name: a second file.
                        let reason = format!(
                            "its name reads as \"{segment}\", which is written here as \"{}\"; rename it so",
                            self.names.encode(&segment).unwrap_or_default()
                        );
                        self.skipped.push(skipped(&path.join(&name), reason));
                        self.incomplete = true;
                        continue;
                    }
                    if segment == name {
                        children.push((sort_name(name, is_dir), None));
                    } else {
                        children.push((sort_name(segment, is_dir), Some(name)));
                    }
                }
                if children.is_empty() {
                    self.skipped.push(skipped(path, "the folder is empty, and object storage has no empty folders"));
                }
                children.sort_unstable();
                for (sort_key, name) in children {
                    let segment = sort_key.strip_suffix('/').unwrap_or(&sort_key);
                    let child = path.join(name.as_deref().unwrap_or(segment));
                    let child_key = if key.is_empty() { segment.to_owned() } else { format!("{key}/{segment}") };
                    let meta = std::fs::metadata(&child);
                    self.visit(&child, &child_key, meta);
                }
            }
        }
        self.walking.remove(&real);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_only_the_named_paths_and_says_which_are_gone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for file in ["a/1.txt", "a/b/2.txt", "c/3.txt", "logs/x/4.txt", "top.txt"] {
            std::fs::create_dir_all(root.join(file).parent().expect("parent")).expect("mkdir");
            std::fs::write(root.join(file), b"x").expect("write");
        }
        let filters = Filters::new(&[], &["logs/".to_owned()]).expect("filters");
        let keys: BTreeSet<String> =
            ["a", "a/b/2.txt", "top.txt", "gone.txt", "logs/x/4.txt"].into_iter().map(String::from).collect();
        let (scan, gone) = scan_paths(root, &filters, NameRules::default(), &keys).expect("scan");
        let found: Vec<&str> = scan.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(found, ["a/1.txt", "a/b/2.txt", "top.txt"], "c/ was not asked for, logs/ is excluded");
        assert_eq!(gone, ["gone.txt"]);
        assert!(scan_paths(&root.join("nowhere"), &filters, NameRules::default(), &keys).is_err());
    }

    #[test]
    fn keeps_structure_and_reports_what_it_skips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("dataset");
        std::fs::create_dir_all(root.join("train/cats")).expect("mkdir");
        std::fs::create_dir_all(root.join("empty/inner")).expect("mkdir");
        std::fs::write(root.join("train/cats/a b.jpg"), b"x").expect("write");
        std::fs::write(root.join("zero"), b"").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&root, root.join("train/loop")).expect("symlink");
        let single = dir.path().join("labels.csv");
        std::fs::write(&single, b"1,2").expect("write");

        // Named out of order, and "labels.csv" sorts before "labels/" as keys do.
        let labels = dir.path().join("labels");
        std::fs::create_dir_all(&labels).expect("mkdir");
        std::fs::write(labels.join("x"), b"").expect("write");
        let mut files = Vec::new();
        let skipped = scan(&[single, root.clone(), labels], |file| files.push(file));
        let keys: Vec<&str> = files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["dataset/train/cats/a b.jpg", "dataset/zero", "labels.csv", "labels/x"]);
        let reasons: Vec<&str> = skipped.iter().map(|s| s.reason.as_str()).collect();
        assert!(reasons.iter().any(|r| r.contains("no empty folders")), "{reasons:?}");
        #[cfg(unix)]
        assert!(reasons.iter().any(|r| r.contains("loops back")), "{reasons:?}");
        assert_eq!(files.iter().map(|f| f.size).sum::<u64>(), 4);
    }

    #[test]
    fn a_folder_scan_comes_in_key_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        for file in ["a/x", "a.txt", "a-b/y", "a0", "b", "a/b/c", "a/b.txt", "Z"] {
            std::fs::create_dir_all(dir.path().join(file).parent().expect("parent")).expect("mkdir");
            std::fs::write(dir.path().join(file), b"x").expect("write");
        }
        // A link to a folder sorts as a folder does: "a-link.txt" before "a-link/".
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("a-b"), dir.path().join("a-link")).expect("symlink");
            std::fs::write(dir.path().join("a-link.txt"), b"x").expect("write");
        }
        let mut keys = Vec::new();
        scan_folder_in_order(dir.path(), &Filters::new(&[], &[]).expect("filters"), NameRules::default(), |f| {
            keys.push(f.key);
            keys.len() < 9
        })
        .expect("scan");
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "as a listing of their keys would order them");
        #[cfg(unix)]
        assert_eq!(
            keys,
            ["Z", "a-b/y", "a-link.txt", "a-link/y", "a.txt", "a/b.txt", "a/b/c", "a/x", "a0"],
            "and it stops when told"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_scan_follows_links_inside_it_and_not_out_of_it_unless_told() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (root, outside) = (dir.path().join("synced"), dir.path().join("home"));
        std::fs::create_dir_all(root.join("data")).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(root.join("data/a.csv"), b"x").expect("write");
        std::fs::write(outside.join("secrets.txt"), b"x").expect("write");
        std::os::unix::fs::symlink(root.join("data"), root.join("same-data")).expect("link");
        std::os::unix::fs::symlink(&outside, root.join("home")).expect("link");
        let keys = |filters: Filters| {
            let scan = scan_folder(&root, &filters, NameRules::default()).expect("scan");
            (scan.files.into_iter().map(|f| f.key).collect::<Vec<_>>(), scan.incomplete)
        };
        let (found, incomplete) = keys(Filters::new(&[], &[]).expect("filters"));
        assert_eq!(found, ["data/a.csv", "same-data/a.csv"], "a link inside the folder is followed");
        assert!(incomplete, "what the link out holds is not taken as deleted");
        let (found, incomplete) = keys(Filters::new(&[], &[]).expect("filters").following_links(true));
        assert_eq!(found, ["data/a.csv", "home/secrets.txt", "same-data/a.csv"]);
        assert!(!incomplete);
    }

    #[test]
    fn a_folder_scan_is_relative_and_filtered() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("train/.cache")).expect("mkdir");
        std::fs::write(dir.path().join("train/a.jpg"), b"x").expect("write");
        std::fs::write(dir.path().join("train/a.jpg.part"), b"x").expect("write");
        std::fs::write(dir.path().join("train/.cache/blob"), b"x").expect("write");
        let filters = Filters::new(&[], &[".cache/".to_owned()]).expect("filters");
        let scan = scan_folder(dir.path(), &filters, NameRules::default()).expect("scan");
        let keys: Vec<&str> = scan.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["train/a.jpg"]);
        let missing =
            scan_folder(&dir.path().join("unmounted"), &filters, NameRules::default()).expect_err("no folder");
        assert!(missing.message().contains("unmounted"), "{missing}");
    }
}
