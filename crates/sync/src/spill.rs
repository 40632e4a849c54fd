//! A list that moves to a temporary file as it grows: what a sync finds
//! while it plans but uses only when it runs (the state of every path found
//! equal, about 150 B each: 190 MB for the first sync of a pair over 1.28
//! million matching files; the scanned side of every file a first sync
//! uploads, about 400 B each; its operations, about 110 B each) is not held
//! in memory in between.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Items held in memory before they are written out.
const HOLD: usize = 10_000;

#[derive(Debug)]
pub(crate) struct Spilled<T> {
    /// Where the temporary file goes (unnamed: gone with the handle).
    dir: PathBuf,
    held: Vec<T>,
    file: Option<File>,
    /// Where each batch of `HOLD` items starts in the file.
    batches: Vec<u64>,
    /// Whether writing failed once: then everything stays in memory.
    in_memory: bool,
    /// Why an item could not be read back, if one could not.
    lost: Mutex<Option<String>>,
}

impl<T: Serialize + DeserializeOwned> Spilled<T> {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, held: Vec::new(), file: None, batches: Vec::new(), in_memory: false, lost: Mutex::new(None) }
    }

    pub fn push(&mut self, item: T) {
        self.held.push(item);
        if self.held.len() >= HOLD && !self.in_memory {
            if let Err(e) = self.spill() {
                // A full disk costs memory here, never an item.
                tracing::warn!("kept in memory, the temporary file cannot be written: {e}");
                self.in_memory = true;
            }
        }
    }

    fn spill(&mut self) -> std::io::Result<()> {
        if self.file.is_none() {
            std::fs::create_dir_all(&self.dir)?;
            self.file = Some(tempfile::tempfile_in(&self.dir)?);
        }
        let file = self.file.as_mut().expect("just made");
        let end = file.seek(SeekFrom::End(0))?;
        let written = (|| {
            let mut out = BufWriter::new(&*file);
            for item in &self.held {
                serde_json::to_writer(&mut out, item)?;
                out.write_all(b"\n")?;
            }
            out.flush()
        })();
        match written {
            Ok(()) => {
                self.batches.push(end);
                self.held.clear();
                Ok(())
            }
            Err(e) => {
                // Back to the last whole batch; the batch stays held.
                file.set_len(end)?;
                Err(e)
            }
        }
    }

    /// Items in the list, read back or not.
    pub fn len(&self) -> usize {
        self.written() + self.held.len()
    }

    /// Items in the file: every spill writes one whole batch.
    fn written(&self) -> usize {
        self.batches.len() * HOLD
    }

    /// Every item, in the order pushed, as often as asked: each pass reads
    /// the file from its start on its own (positional reads, so passes and
    /// the file's cursor do not meet). An item that cannot be read back (a
    /// damaged file) is passed over, and [`Self::lost`] says why.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_
    where
        T: Clone,
    {
        self.iter_from(0)
    }

    /// Like [`Self::iter`], from the item at `first` on: the file is read
    /// from the batch that holds it, not from its start.
    pub fn iter_from(&self, first: usize) -> impl Iterator<Item = T> + '_
    where
        T: Clone,
    {
        let batch = (first / HOLD).min(self.batches.len());
        let start = self.batches.get(batch).copied();
        let file = self.file.as_ref().filter(|_| start.is_some());
        let lines = file
            .into_iter()
            .flat_map(move |file| BufReader::new(At { file, offset: start.unwrap_or_default() }).lines());
        let read = lines.filter_map(|line| {
            let item = line.and_then(|line| serde_json::from_str(&line).map_err(std::io::Error::other));
            item.map_err(|why| self.note_lost(why)).ok()
        });
        read.chain(self.held.iter().cloned()).skip(first - batch * HOLD)
    }

    /// Keeps only the items `edit` returns, as it changes them: one pass,
    /// into a new file. What was lost before stays lost, and said.
    pub fn rewrite(&mut self, mut edit: impl FnMut(T) -> Option<T>)
    where
        T: Clone,
    {
        let mut kept = Self::new(self.dir.clone());
        for item in self.iter() {
            if let Some(item) = edit(item) {
                kept.push(item);
            }
        }
        *kept.lost.get_mut().unwrap_or_else(|e| e.into_inner()) = self.lost();
        *self = kept;
    }

    fn note_lost(&self, why: std::io::Error) {
        let mut lost = self.lost.lock().unwrap_or_else(|e| e.into_inner());
        lost.get_or_insert_with(|| format!("a temporary file could not be read back: {why}"));
    }

    /// Why items were passed over, once a pass could not read them back.
    pub fn lost(&self) -> Option<String> {
        self.lost.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
impl<T> Spilled<T> {
    /// The temporary file, for tests that damage it.
    pub fn file(&self) -> Option<&File> {
        self.file.as_ref()
    }
}

/// A file read from `offset` on without moving the file's own cursor.
struct At<'a> {
    file: &'a File,
    offset: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.file, buf, self.offset)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.file, buf, self.offset)?;
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<(String, u64)> {
        (0..n).map(|i| (format!("dir/file\t{i}\n.bin"), i as u64)).collect()
    }

    fn drained(list: &Spilled<(String, u64)>) -> Vec<(String, u64)> {
        let items = list.iter().collect();
        assert_eq!(list.lost(), None);
        items
    }

    #[test]
    fn past_the_hold_items_go_to_an_unnamed_file_and_come_back_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut list = Spilled::new(dir.path().join("spill"));
        for item in items(HOLD * 2 + 7) {
            list.push(item);
        }
        assert_eq!((list.held.len(), list.written(), list.len()), (7, HOLD * 2, HOLD * 2 + 7));
        assert_eq!(std::fs::read_dir(dir.path().join("spill")).expect("dir").count(), 0, "no name left behind");
        assert_eq!(drained(&list), items(HOLD * 2 + 7), "names with tabs and newlines too");
        assert_eq!(drained(&list), items(HOLD * 2 + 7), "a second pass reads it all again");
    }

    #[test]
    fn a_pass_can_start_at_any_item_and_a_rewrite_keeps_what_it_is_told() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut list = Spilled::new(dir.path().to_owned());
        let all = items(HOLD * 3 + 5);
        for item in all.clone() {
            list.push(item);
        }
        for first in [0, 1, HOLD - 1, HOLD, HOLD + 3, HOLD * 3, HOLD * 3 + 4, HOLD * 3 + 5, HOLD * 9] {
            let from: Vec<_> = list.iter_from(first).take(3).collect();
            assert_eq!(from, all.iter().skip(first).take(3).cloned().collect::<Vec<_>>(), "from item {first}");
        }
        list.rewrite(|(name, n)| (n % 2 == 1).then(|| (name.to_uppercase(), n)));
        let odd: Vec<_> = all.iter().filter(|(_, n)| n % 2 == 1).map(|(s, n)| (s.to_uppercase(), *n)).collect();
        assert_eq!((list.len(), drained(&list)), (odd.len(), odd));
    }

    #[test]
    fn a_rewrite_of_a_damaged_file_says_what_was_lost() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut list = Spilled::new(dir.path().to_owned());
        for item in items(HOLD + 1) {
            list.push(item);
        }
        let file = list.file().expect("spilled");
        // The last line in the file cut in half.
        file.set_len(file.metadata().expect("meta").len() - 10).expect("cut");
        list.rewrite(Some);
        assert_eq!(list.len(), HOLD, "the cut line left out, the held one kept");
        assert!(list.lost().is_some_and(|why| why.contains("could not be read back")), "{:?}", list.lost());
    }

    #[test]
    fn files_from_before_1970_go_to_the_file_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut list = Spilled::new(dir.path().to_owned());
        let old = std::time::UNIX_EPOCH - std::time::Duration::from_secs(86_400);
        let file = |i: u64| crate::scan::LocalFile {
            path: format!("/d/{i}").into(),
            key: i.to_string(),
            size: i,
            modified: old,
        };
        for i in 0..HOLD as u64 + 1 {
            list.push(file(i));
        }
        assert!(!list.in_memory, "written out, not kept in memory");
        let back: Vec<_> = list.iter().collect();
        assert_eq!((back.len(), &back[HOLD - 1]), (HOLD + 1, &file(HOLD as u64 - 1)));
    }

    #[test]
    fn a_disk_that_cannot_take_the_file_keeps_every_item_in_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A file where the folder should be: no temporary file can be made.
        let blocked = dir.path().join("spill");
        std::fs::write(&blocked, "").expect("write");
        let mut list = Spilled::new(blocked);
        for item in items(HOLD + 1) {
            list.push(item);
        }
        assert!(list.in_memory);
        assert_eq!(drained(&list), items(HOLD + 1));
    }
}
