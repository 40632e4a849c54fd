//! Every finished file of every transfer of this run, for the window's
//! per-file list, which asks for the rows it shows a page at a time: a
//! transfer of 1.28 million files is a file on disk here, not 1.28 million
//! rows in the web view. Each transfer's rows are JSON lines in an unnamed
//! file in the data folder (gone when the app ends or the window clears the
//! transfer), with the offset of
//! every `INDEX_EVERY`th row, so a page is one seek and a short read.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use stowage_api::FileRow;

const INDEX_EVERY: u64 = 256;

/// The rows a window asked for, and how many there are in all.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FilePage {
    pub rows: Vec<FileRow>,
    pub total: u32,
}

pub struct FileRows {
    dir: PathBuf,
    logs: Mutex<HashMap<u32, Log>>,
}

struct Log {
    writer: BufWriter<File>,
    rows: u64,
    bytes: u64,
    /// The byte offset of rows 0, INDEX_EVERY, 2 x INDEX_EVERY, ...
    index: Vec<u64>,
}

impl FileRows {
    /// Logs kept in `dir` (created if missing).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, logs: Mutex::new(HashMap::new()) }
    }

    fn logs(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Log>> {
        self.logs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds the transfer's newly finished files; returns how many it has.
    /// A log that cannot be written is told once in the app's log; the
    /// transfer itself goes on.
    pub fn append(&self, id: u32, rows: &[FileRow]) -> u64 {
        let mut logs = self.logs();
        let log = match logs.entry(id) {
            std::collections::hash_map::Entry::Occupied(log) => log.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let _ = std::fs::create_dir_all(&self.dir);
                match tempfile::tempfile_in(&self.dir) {
                    Ok(file) => slot.insert(Log { writer: BufWriter::new(file), rows: 0, bytes: 0, index: Vec::new() }),
                    Err(e) => {
                        tracing::warn!("the per-file list of transfer {id} cannot be kept: {e}");
                        return 0;
                    }
                }
            }
        };
        for row in rows {
            let Ok(mut line) = serde_json::to_vec(row) else { continue };
            line.push(b'\n');
            if let Err(e) = log.writer.write_all(&line) {
                tracing::warn!("the per-file list of transfer {id} stops here: {e}");
                break;
            }
            if log.rows.is_multiple_of(INDEX_EVERY) {
                log.index.push(log.bytes);
            }
            log.rows += 1;
            log.bytes += line.len() as u64;
        }
        log.rows
    }

    /// Drops the logs of these transfers: closing an unnamed file frees its space.
    pub fn forget(&self, ids: &[u32]) {
        let mut logs = self.logs();
        for id in ids {
            logs.remove(id);
        }
    }

    /// Up to `limit` rows of transfer `id` from row `offset`.
    pub fn page(&self, id: u32, offset: u64, limit: u64) -> std::io::Result<FilePage> {
        let mut logs = self.logs();
        let Some(log) = logs.get_mut(&id) else { return Ok(FilePage { rows: Vec::new(), total: 0 }) };
        let total = u32::try_from(log.rows).unwrap_or(u32::MAX);
        let Some(&start) = log.index.get((offset / INDEX_EVERY) as usize) else {
            return Ok(FilePage { rows: Vec::new(), total });
        };
        log.writer.flush()?;
        let mut file = log.writer.get_ref().try_clone()?;
        file.seek(SeekFrom::Start(start))?;
        let skip = (offset % INDEX_EVERY) as usize;
        let mut rows = Vec::new();
        for line in BufReader::new(file).lines().skip(skip).take(limit as usize) {
            rows.push(serde_json::from_str(&line?).map_err(std::io::Error::other)?);
        }
        // The clone shares the position: put it back at the end for the writer.
        log.writer.get_mut().seek(SeekFrom::End(0))?;
        Ok(FilePage { rows, total })
    }
}

#[cfg(test)]
mod tests {
    use stowage_api::FileOutcome;

    use super::*;

    fn row(n: u64) -> FileRow {
        let outcome = if n.is_multiple_of(7) {
            FileOutcome::Failed { message: format!("no {n}") }
        } else {
            FileOutcome::Uploaded { key: format!("k/{n}"), etag: Some(format!("\"{n}\"")) }
        };
        FileRow { key: format!("k/{n}"), size: n, outcome }
    }

    #[test]
    fn pages_come_back_as_appended_while_more_are_added() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rows = FileRows::new(dir.path().join("rows"));
        let first: Vec<FileRow> = (0..600).map(row).collect();
        assert_eq!(rows.append(1, &first), 600);
        let page = rows.page(1, 250, 20).expect("page");
        assert_eq!((page.total, page.rows.as_slice()), (600, &first[250..270]), "across an index step");
        assert_eq!(rows.append(1, &[row(600), row(601)]), 602, "appending after a read goes on at the end");
        let last = rows.page(1, 590, 100).expect("page");
        assert_eq!(last.rows, (590..602).map(row).collect::<Vec<_>>());
        assert!(rows.page(1, 602, 10).expect("past the end").rows.is_empty());
        assert_eq!(rows.page(2, 0, 10).expect("unknown").total, 0);
        assert_eq!(std::fs::read_dir(dir.path().join("rows")).expect("dir").count(), 0, "the log has no name");
    }

    #[test]
    fn a_forgotten_transfer_has_no_rows_and_its_space_is_freed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let rows = FileRows::new(dir.path().join("rows"));
        rows.append(1, &(0..300).map(row).collect::<Vec<_>>());
        rows.append(2, &[row(1)]);
        let open_logs = || {
            std::fs::read_dir("/proc/self/fd")
                .expect("fds")
                .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
                .filter(|target| target.starts_with(dir.path()))
                .count()
        };
        assert_eq!(open_logs(), 2);
        rows.forget(&[1, 7]);
        assert_eq!(open_logs(), 1, "the first log's file is closed (deleted already, so its space is free)");
        assert_eq!(rows.page(1, 0, 10).expect("forgotten").total, 0);
        assert_eq!(rows.page(2, 0, 10).expect("kept").rows, vec![row(1)]);
    }
}
