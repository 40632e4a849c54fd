//! What the last sync of each folder/prefix pair left equal on both sides
//! (SQLite in the data dir): the planner's merge base. A pair is named by
//! its local folder and its remote location, so push and pull of the same
//! pair share one state, and a pull right after a push moves nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use rusqlite::{params, Connection, OpenFlags};
use tokio::task::JoinHandle;

use crate::db::DbError;
use crate::march::{Chunked, Sorted};
use crate::plan::Base;

/// Which sync: the two ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub folder: String,
    /// The profile.
    pub store: String,
    pub container: String,
    pub prefix: String,
}

impl Pair {
    fn id(&self) -> String {
        format!("{}\n{}\n{}\n{}", self.folder, self.store, self.container, self.prefix)
    }
}

/// The base of every sync. A clone shares the one connection, so a
/// thread of the blocking pool can take its own handle.
#[derive(Clone)]
pub struct SyncState {
    db: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl std::fmt::Debug for SyncState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncState")
    }
}

/// How one sync changed the base.
#[derive(Debug, Default)]
pub struct BaseUpdate {
    pub set: Vec<(String, Base)>,
    pub remove: Vec<String>,
}

fn base_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(String, Base)> {
    Ok((
        row.get(0)?,
        Base {
            local_size: row.get(1)?,
            local_modified_ns: row.get(2)?,
            remote_size: row.get(3)?,
            remote_etag: row.get(4)?,
        },
    ))
}

impl SyncState {
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let db = crate::db::open(
            path,
            "CREATE TABLE IF NOT EXISTS base (
               pair TEXT NOT NULL, path TEXT NOT NULL,
               local_size INTEGER NOT NULL, local_modified_ns INTEGER NOT NULL,
               remote_size INTEGER NOT NULL, remote_etag TEXT,
               PRIMARY KEY (pair, path)) WITHOUT ROWID;",
        )?;
        Ok(Self { db: Arc::new(Mutex::new(db)), path: path.to_owned() })
    }

    /// The folder the state is kept in, for a sync's temporary files.
    pub fn dir(&self) -> PathBuf {
        self.path.parent().map_or_else(PathBuf::new, Path::to_path_buf)
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state of the paths at or inside `tops` (a watched folder's changed paths).
    pub fn load_under(&self, pair: &Pair, tops: &[String]) -> rusqlite::Result<BTreeMap<String, Base>> {
        let db = self.db();
        // `top` itself, and the paths between `top/` and `top0` ("0" follows "/").
        let mut query = db.prepare_cached(
            "SELECT path, local_size, local_modified_ns, remote_size, remote_etag FROM base
             WHERE pair = ?1 AND (path = ?2 OR (path > ?2 || '/' AND path < ?2 || '0'))",
        )?;
        let mut out = BTreeMap::new();
        for top in tops {
            for row in query.query_map(params![pair.id(), top], base_row)? {
                let (path, base) = row?;
                out.insert(path, base);
            }
        }
        Ok(out)
    }

    /// Every path's state for `pair`, in key order (the table's own), sent a
    /// chunk at a time by a reader with a connection of its own: the march
    /// holds a chunk, not the state, and writers are not held up (WAL).
    pub(crate) fn read_in_order(&self, pair: &Pair) -> (JoinHandle<rusqlite::Result<()>>, Sorted<Base>) {
        let (feed, side) = Sorted::channel();
        let (path, id) = (self.path.clone(), pair.id());
        let reader = tokio::task::spawn_blocking(move || {
            let db = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            let mut query = db.prepare(
                "SELECT path, local_size, local_modified_ns, remote_size, remote_etag FROM base
                 WHERE pair = ?1 ORDER BY path",
            )?;
            let mut out = Chunked::new(feed);
            for row in query.query_map(params![id], base_row)? {
                let (path, base) = row?;
                if !out.push_blocking(path, base) {
                    return Ok(());
                }
            }
            out.flush_blocking();
            Ok(())
        });
        (reader, side)
    }

    /// Applies `update` in one transaction.
    pub fn apply(&self, pair: &Pair, update: &BaseUpdate) -> rusqlite::Result<()> {
        let id = pair.id();
        let mut db = self.db();
        let tx = db.transaction()?;
        {
            let mut set = tx.prepare_cached(
                "INSERT OR REPLACE INTO base (pair, path, local_size, local_modified_ns, remote_size, remote_etag)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (path, b) in &update.set {
                set.execute(params![id, path, b.local_size, b.local_modified_ns, b.remote_size, b.remote_etag])?;
            }
            let mut remove = tx.prepare_cached("DELETE FROM base WHERE pair = ?1 AND path = ?2")?;
            for path in &update.remove {
                remove.execute(params![id, path])?;
            }
        }
        tx.commit()
    }
}

/// Saves one sync's state a batch at a time on the blocking pool, in
/// order, while the sync goes on: a 10,000-row transaction waits on the
/// disk, and the transfers on that async worker would wait with it.
pub(crate) struct StateWriter {
    batches: mpsc::Sender<BaseUpdate>,
    saving: JoinHandle<Vec<String>>,
}

impl StateWriter {
    pub(crate) fn start(state: &SyncState, pair: &Pair) -> Self {
        let (batches, arriving) = mpsc::channel::<BaseUpdate>();
        let (state, pair) = (state.clone(), pair.clone());
        let saving = tokio::task::spawn_blocking(move || {
            arriving.iter().filter_map(|update| state.apply(&pair, &update).err().map(|e| e.to_string())).collect()
        });
        Self { batches, saving }
    }

    /// Queues a batch; it is saved after those queued before it.
    pub(crate) fn save(&self, update: BaseUpdate) {
        // The receiver lives until `finish`, which takes `self`.
        let _ = self.batches.send(update);
    }

    /// Waits for every batch; returns why any could not be saved.
    pub(crate) async fn finish(self) -> Vec<String> {
        drop(self.batches);
        self.saving.await.unwrap_or_else(|e| vec![format!("saving was interrupted: {e}")])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(state: &SyncState, pair: &Pair) -> Vec<(String, Base)> {
        let (reader, side) = state.read_in_order(pair);
        let mut march = crate::march::March::new(
            Sorted::from_sorted(Vec::new()),
            Sorted::from_sorted(
                ["a.csv", "b/1", "b/2", "b0", "c"]
                    .map(|p| (p.to_owned(), crate::plan::RemoteState { size: 0, modified_ms: None, etag: None }))
                    .into(),
            ),
            side,
        );
        let rows = march.next_batch(100).await.expect("in order");
        reader.await.expect("joined").expect("read");
        rows.into_iter().filter_map(|row| Some((row.path, row.base?))).collect()
    }

    #[tokio::test]
    async fn pairs_keep_separate_bases_read_in_key_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = SyncState::open(&dir.path().join("state.sqlite")).expect("open");
        let pair = |prefix: &str| Pair {
            folder: "/data".into(),
            store: "ovh".into(),
            container: "c".into(),
            prefix: prefix.into(),
        };
        let base = Base { local_size: 3, local_modified_ns: 7, remote_size: 3, remote_etag: Some("e".into()) };
        let paths = ["c", "b0", "b/2", "a.csv", "b/1"];
        let update = BaseUpdate { set: paths.map(|p| (p.to_owned(), base.clone())).into(), remove: vec![] };
        state.apply(&pair("one/"), &update).expect("apply");
        let read: Vec<String> = read_all(&state, &pair("one/")).await.into_iter().map(|(p, _)| p).collect();
        assert_eq!(read, ["a.csv", "b/1", "b/2", "b0", "c"]);
        assert!(read_all(&state, &pair("two/")).await.is_empty());
        let under = state.load_under(&pair("one/"), &["b".to_owned()]).expect("load");
        assert_eq!(under.keys().collect::<Vec<_>>(), ["b/1", "b/2"], "b0 is not inside b");
        let update = BaseUpdate { set: vec![], remove: vec!["a.csv".into()] };
        state.apply(&pair("one/"), &update).expect("apply");
        assert!(state.load_under(&pair("one/"), &["a.csv".to_owned()]).expect("load").is_empty());
    }

    #[tokio::test]
    async fn the_writer_saves_batches_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = SyncState::open(&dir.path().join("state.sqlite")).expect("open");
        let pair = Pair { folder: "/data".into(), store: "ovh".into(), container: "c".into(), prefix: String::new() };
        let base = Base { local_size: 1, local_modified_ns: 1, remote_size: 1, remote_etag: None };
        let writer = StateWriter::start(&state, &pair);
        writer.save(BaseUpdate { set: vec![("a".into(), base.clone()), ("b".into(), base)], remove: vec![] });
        writer.save(BaseUpdate { set: vec![], remove: vec!["a".into()] });
        assert!(writer.finish().await.is_empty(), "every batch saved");
        let kept = state.load_under(&pair, &["a".into(), "b".into()]).expect("load");
        assert_eq!(kept.keys().collect::<Vec<_>>(), ["b"], "the removal came after the set it follows");
    }
}
