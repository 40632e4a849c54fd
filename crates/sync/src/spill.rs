//! A list that moves to a temporary file as it grows: what a sync finds
//! while it plans but uses only when it runs (the state of every path found
//! equal, about 150 B each: 190 MB for the first sync of a pair over 1.28
//! million matching files) is not held in memory in between.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::PathBuf;

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
    /// Items in the file.
    written: usize,
    /// Whether writing failed once: then everything stays in memory.
    in_memory: bool,
}

impl<T: Serialize + DeserializeOwned> Spilled<T> {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, held: Vec::new(), file: None, written: 0, in_memory: false }
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
                self.written += self.held.len();
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

    /// Every item, in the order pushed.
    pub fn drain(self, mut each: impl FnMut(T)) -> std::io::Result<()> {
        if let Some(mut file) = self.file {
            file.seek(SeekFrom::Start(0))?;
            for line in BufReader::new(file).lines() {
                each(serde_json::from_str(&line?).map_err(std::io::Error::other)?);
            }
        }
        self.held.into_iter().for_each(each);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<(String, u64)> {
        (0..n).map(|i| (format!("dir/file\t{i}\n.bin"), i as u64)).collect()
    }

    fn drained(list: Spilled<(String, u64)>) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        list.drain(|item| out.push(item)).expect("drain");
        out
    }

    #[test]
    fn past_the_hold_items_go_to_an_unnamed_file_and_come_back_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut list = Spilled::new(dir.path().join("spill"));
        for item in items(HOLD * 2 + 7) {
            list.push(item);
        }
        assert_eq!((list.held.len(), list.written), (7, HOLD * 2));
        assert_eq!(std::fs::read_dir(dir.path().join("spill")).expect("dir").count(), 0, "no name left behind");
        assert_eq!(drained(list), items(HOLD * 2 + 7), "names with tabs and newlines too");
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
        assert_eq!(drained(list), items(HOLD + 1));
    }
}
