//! The durable record of uploads in progress (SQLite in the data dir):
//! each transfer as it was asked for (what was dropped, where it goes, what
//! to do with a name that is taken), so the next start runs it again as the
//! one transfer it was; and each multipart upload in it: upload id, part
//! size, the parts done with their ETags, and the source file's size and
//! modification time. An upload of the same file to the same key after a
//! crash or a quit continues where it stopped, without sending finished
//! parts again; when the source changed meanwhile, the old multipart upload
//! is aborted instead, so no parts are left behind.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use rusqlite::{params, Connection, OptionalExtension};
use stowage_store::{Existing, PartInfo};

/// Which multipart upload: where it goes and what it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadKey<'a> {
    /// Names the store (the profile), so two profiles never share entries.
    pub store: &'a str,
    pub container: &'a str,
    pub key: &'a str,
}

/// A recorded multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub row: i64,
    pub upload_id: String,
    pub source: String,
    pub source_size: u64,
    pub source_modified_ns: i64,
    pub part_size: u64,
    pub parts: Vec<PartInfo>,
}

/// A recorded transfer: an upload that had not ended when the app stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedTransfer {
    pub row: i64,
    pub store: String,
    pub container: String,
    pub prefix: String,
    pub sources: Vec<PathBuf>,
    pub existing: Existing,
}

pub use crate::db::DbError as JournalError;
/// What a journal call fails with.
pub use rusqlite::Error as DbCallError;

/// What a person is told when the journal cannot record a transfer.
pub fn unwritable(e: &rusqlite::Error) -> String {
    format!("The transfer journal cannot be written: {e}")
}

fn existing_name(existing: Existing) -> &'static str {
    match existing {
        Existing::Ask => "ask",
        Existing::Overwrite => "overwrite",
        Existing::Skip => "skip",
        Existing::KeepBoth => "keepBoth",
    }
}

/// A name this journal did not write (a newer version's) is read as Ask:
/// the person decides, nothing is replaced in silence.
fn existing_named(name: &str) -> Existing {
    match name {
        "overwrite" => Existing::Overwrite,
        "skip" => Existing::Skip,
        "keepBoth" => Existing::KeepBoth,
        _ => Existing::Ask,
    }
}

pub struct Journal {
    db: Mutex<Connection>,
    /// The journal's folder: an upload's temporary files go there too.
    dir: PathBuf,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

pub fn modified_ns(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)).unwrap_or(0)
}

impl Journal {
    /// The folder the journal is kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn open(path: &Path) -> Result<Self, JournalError> {
        let db = crate::db::open(
            path,
            "CREATE TABLE IF NOT EXISTS uploads (
               row INTEGER PRIMARY KEY,
               store TEXT NOT NULL, container TEXT NOT NULL, key TEXT NOT NULL,
               upload_id TEXT NOT NULL, source TEXT NOT NULL,
               source_size INTEGER NOT NULL, source_modified_ns INTEGER NOT NULL,
               part_size INTEGER NOT NULL,
               UNIQUE (store, container, key));
             CREATE TABLE IF NOT EXISTS parts (
               upload INTEGER NOT NULL REFERENCES uploads(row) ON DELETE CASCADE,
               number INTEGER NOT NULL, etag TEXT NOT NULL, size INTEGER NOT NULL,
               PRIMARY KEY (upload, number));
             CREATE TABLE IF NOT EXISTS transfers (
               row INTEGER PRIMARY KEY,
               store TEXT NOT NULL, container TEXT NOT NULL, prefix TEXT NOT NULL, existing TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS transfer_sources (
               transfer INTEGER NOT NULL REFERENCES transfers(row) ON DELETE CASCADE,
               n INTEGER NOT NULL, path TEXT NOT NULL,
               PRIMARY KEY (transfer, n));",
        )?;
        let dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        Ok(Self { db: Mutex::new(db), dir })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The unfinished upload to `at`, if one was recorded.
    pub fn find(&self, at: &UploadKey<'_>) -> rusqlite::Result<Option<Recorded>> {
        let db = self.db();
        let found = db
            .query_row(
                "SELECT row, upload_id, source, source_size, source_modified_ns, part_size FROM uploads
                 WHERE store = ?1 AND container = ?2 AND key = ?3",
                params![at.store, at.container, at.key],
                |r| {
                    Ok(Recorded {
                        row: r.get(0)?,
                        upload_id: r.get(1)?,
                        source: r.get(2)?,
                        source_size: r.get::<_, i64>(3)?.try_into().unwrap_or(0),
                        source_modified_ns: r.get(4)?,
                        part_size: r.get::<_, i64>(5)?.try_into().unwrap_or(0),
                        parts: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut recorded) = found else { return Ok(None) };
        let mut query = db.prepare("SELECT number, etag, size FROM parts WHERE upload = ?1 ORDER BY number")?;
        recorded.parts = query
            .query_map(params![recorded.row], |r| {
                Ok(PartInfo { number: r.get(0)?, etag: r.get(1)?, size: r.get::<_, i64>(2)?.try_into().unwrap_or(0) })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(recorded))
    }

    /// Records a new multipart upload (replacing any record for the same key).
    pub fn start(
        &self,
        at: &UploadKey<'_>,
        upload_id: &str,
        source: &str,
        size: u64,
        modified_ns: i64,
        part_size: u64,
    ) -> rusqlite::Result<i64> {
        let db = self.db();
        db.execute(
            "DELETE FROM uploads WHERE store = ?1 AND container = ?2 AND key = ?3",
            params![at.store, at.container, at.key],
        )?;
        db.execute(
            "INSERT INTO uploads (store, container, key, upload_id, source, source_size, source_modified_ns, part_size)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![at.store, at.container, at.key, upload_id, source, size as i64, modified_ns, part_size as i64],
        )?;
        Ok(db.last_insert_rowid())
    }

    pub fn part_done(&self, row: i64, part: &PartInfo) -> rusqlite::Result<()> {
        self.db().execute(
            "INSERT OR REPLACE INTO parts (upload, number, etag, size) VALUES (?1, ?2, ?3, ?4)",
            params![row, part.number, part.etag, part.size as i64],
        )?;
        Ok(())
    }

    /// Every recorded upload: (store, container, key) of each, in order.
    pub fn all(&self) -> rusqlite::Result<Vec<(String, String, String)>> {
        let db = self.db();
        let mut query = db.prepare("SELECT store, container, key FROM uploads ORDER BY row")?;
        let rows = query.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    }

    /// The upload completed or was aborted: forget it.
    pub fn finish(&self, row: i64) -> rusqlite::Result<()> {
        self.db().execute("DELETE FROM uploads WHERE row = ?1", params![row])?;
        Ok(())
    }

    /// Records an upload transfer as it was asked for, until [`Self::end_transfer`].
    pub fn begin_transfer(
        &self,
        store: &str,
        container: &str,
        prefix: &str,
        sources: &[PathBuf],
        existing: Existing,
    ) -> rusqlite::Result<i64> {
        let mut db = self.db();
        let tx = db.transaction()?;
        tx.execute(
            "INSERT INTO transfers (store, container, prefix, existing) VALUES (?1, ?2, ?3, ?4)",
            params![store, container, prefix, existing_name(existing)],
        )?;
        let row = tx.last_insert_rowid();
        for (n, path) in sources.iter().enumerate() {
            tx.execute(
                "INSERT INTO transfer_sources (transfer, n, path) VALUES (?1, ?2, ?3)",
                params![row, n as i64, path.to_string_lossy()],
            )?;
        }
        tx.commit()?;
        Ok(row)
    }

    /// The transfer ended (done, failed, or cancelled by the person): it is not run again.
    pub fn end_transfer(&self, row: i64) -> rusqlite::Result<()> {
        self.db().execute("DELETE FROM transfers WHERE row = ?1", params![row])?;
        Ok(())
    }

    /// The transfers that had not ended, oldest first.
    pub fn transfers(&self) -> rusqlite::Result<Vec<RecordedTransfer>> {
        let db = self.db();
        let mut query = db.prepare("SELECT row, store, container, prefix, existing FROM transfers ORDER BY row")?;
        let mut found: Vec<RecordedTransfer> = query
            .query_map([], |r| {
                Ok(RecordedTransfer {
                    row: r.get(0)?,
                    store: r.get(1)?,
                    container: r.get(2)?,
                    prefix: r.get(3)?,
                    sources: Vec::new(),
                    existing: existing_named(&r.get::<_, String>(4)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut sources = db.prepare("SELECT path FROM transfer_sources WHERE transfer = ?1 ORDER BY n")?;
        for transfer in &mut found {
            transfer.sources = sources
                .query_map([transfer.row], |r| Ok(PathBuf::from(r.get::<_, String>(0)?)))?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parts_and_forgets_finished_uploads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state/journal.sqlite");
        let at = UploadKey { store: "gra", container: "data", key: "big.bin" };
        {
            let journal = Journal::open(&path).expect("open");
            let row = journal.start(&at, "upload-1", "/src/big.bin", 100, 42, 8).expect("start");
            journal.part_done(row, &PartInfo { number: 2, etag: "b".into(), size: 8 }).expect("part");
            journal.part_done(row, &PartInfo { number: 1, etag: "a".into(), size: 8 }).expect("part");
        }
        // A new process sees what the old one recorded.
        let journal = Journal::open(&path).expect("reopen");
        let found = journal.find(&at).expect("find").expect("recorded");
        assert_eq!((found.upload_id.as_str(), found.source_size, found.part_size), ("upload-1", 100, 8));
        assert_eq!(found.parts.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2]);
        journal.finish(found.row).expect("finish");
        assert_eq!(journal.find(&at).expect("find"), None);
    }

    #[test]
    fn a_transfer_is_recorded_as_asked_until_it_ends() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("journal.sqlite");
        let sources = vec![PathBuf::from("/data/run 1"), PathBuf::from("/data/notes.txt")];
        let row = {
            let journal = Journal::open(&path).expect("open");
            journal.begin_transfer("gra", "runs", "exp/", &sources, Existing::Ask).expect("begin")
        };
        let journal = Journal::open(&path).expect("reopen");
        let recorded = journal.transfers().expect("transfers");
        let expected = RecordedTransfer {
            row,
            store: "gra".into(),
            container: "runs".into(),
            prefix: "exp/".into(),
            sources,
            existing: Existing::Ask,
        };
        assert_eq!(recorded, [expected]);
        journal.end_transfer(row).expect("end");
        assert!(journal.transfers().expect("transfers").is_empty());
    }
}
