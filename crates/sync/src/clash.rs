//! Names that cannot both live on the disk: keys that differ only where the
//! disk does not look (`A.txt` and `a.txt` on a disk that ignores case, `café`
//! in NFC and in NFD on macOS). The march compares keys byte for byte, so
//! the planner tells the disk's view apart here: it keeps, for each folder
//! on the way to the current path, its children by folded name, and notes
//! each group of siblings that fold alike (and each pair of folders that
//! do). Once every path is planned, [`Clashes::resolve`] says what becomes
//! of their operations: nothing is ever written over another key's file or
//! deleted because the disk could not hold it; a case-only rename on one
//! side is carried out.
//!
//! Memory: the children of the folders on the current path (a flat folder's
//! names, as its scan holds them anyway).

use std::collections::{BTreeMap, HashMap};

use stowage_store::names::NameRules;

use crate::plan::{Direction, Mode, OpKind};

/// Where a path stands on each side, and what the planner made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Sides {
    pub local: bool,
    pub remote: bool,
    pub base: bool,
    /// The operation planned for it.
    pub op: Option<OpKind>,
}

/// What becomes of an operation of a clashing path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Dropped: another operation takes care of it.
    Drop,
    /// Reported, not carried out: it cannot live beside `other`.
    Clash { other: String },
    /// A download that takes the place of the local file `other`, which
    /// differs only in case (its deletion is dropped).
    Replaces { other: String },
}

#[derive(Debug, Default)]
struct Level {
    /// The folder, with its trailing `/` ("" for the top).
    prefix: String,
    /// Its children by folded name: files by path, folders by prefix.
    children: HashMap<String, Child>,
    /// Something under it is a local file.
    local: bool,
}

#[derive(Debug, Clone)]
struct Child {
    /// The file's path, or the folder's prefix (ending in `/`).
    path: String,
    sides: Sides,
}

#[derive(Debug, Default)]
pub(crate) struct Clashes {
    rules: NameRules,
    levels: Vec<Level>,
    /// Files in one folder that fold alike, first seen first.
    groups: Vec<Vec<(String, Sides)>>,
    /// Folders (or a file and a folder) in one folder that fold alike, by
    /// path or prefix, with whether anything under each is local.
    folders: Vec<[(String, bool); 2]>,
}

impl Clashes {
    pub fn new(rules: NameRules) -> Self {
        Self { rules, ..Self::default() }
    }

    /// Notes `path`, which comes after every path seen before.
    pub fn see(&mut self, path: &str, sides: Sides) {
        if !self.rules.folds() {
            return;
        }
        while self.levels.last().is_some_and(|level| !path.starts_with(&level.prefix)) {
            self.close();
        }
        if self.levels.is_empty() {
            self.levels.push(Level::default());
        }
        // The folders on the way that are new here.
        loop {
            let parent = self.levels.last().map_or(0, |l| l.prefix.len());
            let Some(slash) = path[parent..].find('/') else { break };
            let prefix = path[..parent + slash + 1].to_owned();
            self.enter(&prefix[parent..prefix.len() - 1], &prefix, Sides::default());
            self.levels.push(Level { prefix, ..Level::default() });
        }
        if sides.local {
            self.levels.iter_mut().for_each(|level| level.local = true);
        }
        let parent = self.levels.last().map_or(0, |l| l.prefix.len());
        self.enter(&path[parent..], path, sides);
    }

    /// Leaves the deepest folder: whether it holds a local file is known now.
    fn close(&mut self) {
        let Some(level) = self.levels.pop() else { return };
        if !level.local {
            return;
        }
        let name = level.prefix.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
        let folded = self.rules.fold(name);
        if let Some(child) = self.levels.last_mut().and_then(|parent| parent.children.get_mut(&folded)) {
            if child.path == level.prefix {
                child.sides.local = true;
            }
        }
        for pair in &mut self.folders {
            for (path, local) in pair.iter_mut() {
                if *path == level.prefix {
                    *local = true;
                }
            }
        }
    }

    /// A child `name` (file `path`, or folder `prefix`) of the current level.
    fn enter(&mut self, name: &str, path: &str, sides: Sides) {
        let folded = self.rules.fold(name);
        let Some(level) = self.levels.last_mut() else { return };
        let Some(seen) = level.children.get(&folded) else {
            level.children.insert(folded, Child { path: path.to_owned(), sides });
            return;
        };
        if path.ends_with('/') || seen.path.ends_with('/') {
            self.folders.push([(seen.path.clone(), seen.sides.local), (path.to_owned(), sides.local)]);
            return;
        }
        let first = (seen.path.clone(), seen.sides);
        match self.groups.iter_mut().find(|group| group[0].0 == first.0) {
            Some(group) => group.push((path.to_owned(), sides)),
            None => self.groups.push(vec![first, (path.to_owned(), sides)]),
        }
    }

    /// What becomes of the operations of clashing paths: by path, and by
    /// folder prefix (every path under it).
    pub fn resolve(mut self, mode: Mode, direction: Direction) -> Resolution {
        while !self.levels.is_empty() {
            self.close();
        }
        let mut resolution = Resolution::default();
        for group in std::mem::take(&mut self.groups) {
            resolve_group(&group, mode, direction, &mut resolution);
        }
        for [(a, a_local), (b, b_local)] in std::mem::take(&mut self.folders) {
            // Going up, what is not in the local folder's spelling stays where
            // it is; going down, nothing under either goes anywhere.
            let pairs = match direction {
                Direction::Up if a_local && !b_local => vec![(b, a)],
                Direction::Up if b_local && !a_local => vec![(a, b)],
                _ => vec![(a.clone(), b.clone()), (b, a)],
            };
            for (prefix, other) in pairs {
                resolution.notes.push(format!(
                    "\"{}\" and \"{}\" are one name on this disk (they differ only in letter case or accents): \
                     what is under \"{}\" is left as it is. Rename one of them to sync it.",
                    prefix.trim_end_matches('/'),
                    other.trim_end_matches('/'),
                    prefix.trim_end_matches('/')
                ));
                resolution.under.push((prefix, other));
            }
        }
        resolution
    }
}

/// The changes to make: per path, and per folder prefix.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    pub paths: BTreeMap<String, Change>,
    /// Every operation under the prefix clashes with the other folder.
    pub under: Vec<(String, String)>,
    pub notes: Vec<String>,
}

impl Resolution {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.under.is_empty()
    }

    /// The change for the operation at `path`, if any.
    pub fn of(&self, path: &str) -> Option<Change> {
        if let Some(change) = self.paths.get(path) {
            return Some(change.clone());
        }
        // A folder's prefix ends in `/`; a file clashing with a folder is itself.
        let under = |prefix: &str| path == prefix || (prefix.ends_with('/') && path.starts_with(prefix));
        let (_, other) = self.under.iter().find(|(prefix, _)| under(prefix))?;
        Some(Change::Clash { other: other.trim_end_matches('/').to_owned() })
    }
}

/// One group of files in a folder that fold alike. At most one of them is
/// a local file (the disk holds one).
fn resolve_group(group: &[(String, Sides)], mode: Mode, direction: Direction, out: &mut Resolution) {
    let deletes = mode != Mode::Copy;
    let local = group.iter().find(|(_, s)| s.local);
    match direction {
        Direction::Down => {
            // Would be on the disk once the plan ran as it is.
            let stays = |s: &Sides| {
                (s.remote && s.op != Some(OpKind::Conflict)) || (s.local && s.op != Some(OpKind::DeleteLocal))
            };
            let present: Vec<&(String, Sides)> = group.iter().filter(|(_, s)| stays(s)).collect();
            if present.len() <= 1 {
                // A case-only rename of the object: its download takes the
                // place of the local file, whose deletion it replaces.
                let arriving = group.iter().find(|(_, s)| s.op == Some(OpKind::Download) && !s.local);
                if let (Some((to, _)), Some((from, s))) = (arriving, local) {
                    if s.op == Some(OpKind::DeleteLocal) && deletes {
                        out.paths.insert(to.clone(), Change::Replaces { other: from.clone() });
                        out.paths.insert(from.clone(), Change::Drop);
                    }
                }
                return;
            }
            // The one that keeps the name: the local file if it stays, else
            // the one the last sync knew, else the first.
            let winner = present
                .iter()
                .find(|(_, s)| s.local && s.remote)
                .or_else(|| present.iter().find(|(_, s)| s.local))
                .or_else(|| present.iter().find(|(_, s)| s.base))
                .unwrap_or(&present[0]);
            for (path, sides) in group {
                if path != &winner.0 && sides.op.is_some_and(|op| op != OpKind::DeleteLocal) {
                    out.paths.insert(path.clone(), Change::Clash { other: winner.0.clone() });
                }
            }
            // A file that leaves for the winner's download: replaced by it.
            if let Some((from, s)) = local.filter(|(p, s)| *p != winner.0 && s.op == Some(OpKind::DeleteLocal)) {
                if winner.1.op == Some(OpKind::Download) && !s.remote {
                    out.paths.insert(winner.0.clone(), Change::Replaces { other: from.clone() });
                    out.paths.insert(from.clone(), Change::Drop);
                }
            }
        }
        Direction::Up => {
            let Some((here, mine)) = local else { return };
            for (path, sides) in group {
                if path == here || sides.op != Some(OpKind::DeleteRemote) {
                    continue;
                }
                // Synced from here, and the local file is new: a case-only
                // rename, so the old name goes. Else it never lived here.
                let renamed = sides.base && !mine.base && !mine.remote;
                if !renamed {
                    out.paths.insert(path.clone(), Change::Clash { other: here.clone() });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use stowage_store::names::{NameRules, Unicode};

    use super::*;

    const CASELESS: NameRules =
        NameRules { windows: true, case_insensitive: true, unicode: Unicode::Exact, leading_dot: false };

    fn sides(local: bool, remote: bool, base: bool, op: Option<OpKind>) -> Sides {
        Sides { local, remote, base, op }
    }

    fn clashes(paths: &[(&str, Sides)], mode: Mode, direction: Direction) -> Resolution {
        let mut c = Clashes::new(CASELESS);
        for (path, s) in paths {
            c.see(path, *s);
        }
        c.resolve(mode, direction)
    }

    #[test]
    fn a_pull_of_two_keys_one_disk_name_downloads_one_and_names_both() {
        let r = clashes(
            &[
                ("A.txt", sides(false, true, false, Some(OpKind::Download))),
                ("B", sides(false, true, false, Some(OpKind::Download))),
                ("a.txt", sides(false, true, false, Some(OpKind::Download))),
            ],
            Mode::Pull,
            Direction::Down,
        );
        assert_eq!(r.of("a.txt"), Some(Change::Clash { other: "A.txt".into() }));
        assert_eq!(r.of("A.txt"), None);
        assert_eq!(r.of("B"), None);
    }

    #[test]
    fn the_local_file_keeps_its_name_in_a_pull_and_is_never_deleted_in_a_push() {
        let pull = clashes(
            &[("A.txt", sides(false, true, false, Some(OpKind::Download))), ("a.txt", sides(true, true, true, None))],
            Mode::Pull,
            Direction::Down,
        );
        assert_eq!(pull.of("A.txt"), Some(Change::Clash { other: "a.txt".into() }), "never written over a.txt");
        let push = clashes(
            &[
                ("A.txt", sides(true, true, true, None)),
                ("a.txt", sides(false, true, false, Some(OpKind::DeleteRemote))),
            ],
            Mode::Push,
            Direction::Up,
        );
        assert_eq!(push.of("a.txt"), Some(Change::Clash { other: "A.txt".into() }), "it could never be pulled here");
    }

    #[test]
    fn case_only_renames_go_through() {
        // Renamed here: the old name goes from the container.
        let push = clashes(
            &[
                ("A.txt", sides(true, false, false, Some(OpKind::Upload))),
                ("a.txt", sides(false, true, true, Some(OpKind::DeleteRemote))),
            ],
            Mode::Push,
            Direction::Up,
        );
        assert!(push.is_empty(), "{push:?}");
        // Renamed in the container: the download takes the old file's place.
        let pull = clashes(
            &[
                ("A.txt", sides(false, true, false, Some(OpKind::Download))),
                ("a.txt", sides(true, false, true, Some(OpKind::DeleteLocal))),
            ],
            Mode::Pull,
            Direction::Down,
        );
        assert_eq!(pull.of("A.txt"), Some(Change::Replaces { other: "a.txt".into() }));
        assert_eq!(pull.of("a.txt"), Some(Change::Drop));
    }

    #[test]
    fn folders_that_fold_alike_are_left_alone_going_down_and_the_other_spelling_stays_going_up() {
        let paths = [
            ("Data/x", sides(false, true, false, Some(OpKind::Download))),
            ("data/x", sides(true, false, true, Some(OpKind::DeleteLocal))),
            ("data/y", sides(true, true, true, None)),
        ];
        let down = clashes(&paths, Mode::Pull, Direction::Down);
        assert_eq!(down.of("Data/x"), Some(Change::Clash { other: "data".into() }));
        assert_eq!(down.of("data/x"), Some(Change::Clash { other: "Data".into() }));
        assert_eq!(down.notes.len(), 2);
        let up = clashes(
            &[
                ("Data/x", sides(false, true, false, Some(OpKind::DeleteRemote))),
                ("data/y", sides(true, true, true, None)),
            ],
            Mode::Push,
            Direction::Up,
        );
        assert_eq!(up.of("Data/x"), Some(Change::Clash { other: "data".into() }));
        assert_eq!(up.of("data/y"), None, "the local folder's own spelling syncs");
    }

    #[test]
    fn a_disk_that_tells_names_apart_has_no_clashes() {
        let mut c = Clashes::new(NameRules::default());
        c.see("A.txt", sides(false, true, false, Some(OpKind::Download)));
        c.see("a.txt", sides(false, true, false, Some(OpKind::Download)));
        assert!(c.resolve(Mode::Pull, Direction::Down).is_empty());
    }
}
