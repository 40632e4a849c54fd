//! What the last sync of each folder/prefix pair left equal on both sides
//! (SQLite in the data dir): the planner's merge base. A pair is named by
//! its local folder and its remote location, so push and pull of the same
//! pair share one state, and a pull right after a push moves nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection};

use crate::db::DbError;
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

pub struct SyncState {
    db: Mutex<Connection>,
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
        Ok(Self { db: Mutex::new(db) })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn load(&self, pair: &Pair) -> rusqlite::Result<BTreeMap<String, Base>> {
        let db = self.db();
        let mut query = db.prepare_cached(
            "SELECT path, local_size, local_modified_ns, remote_size, remote_etag FROM base WHERE pair = ?1",
        )?;
        let rows = query.query_map(params![pair.id()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                Base {
                    local_size: row.get(1)?,
                    local_modified_ns: row.get(2)?,
                    remote_size: row.get(3)?,
                    remote_etag: row.get(4)?,
                },
            ))
        })?;
        rows.collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_keep_separate_bases() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = SyncState::open(&dir.path().join("state.sqlite")).expect("open");
        let pair = |prefix: &str| Pair {
            folder: "/data".into(),
            store: "ovh".into(),
            container: "c".into(),
            prefix: prefix.into(),
        };
        let base = Base { local_size: 3, local_modified_ns: 7, remote_size: 3, remote_etag: Some("e".into()) };
        let update = BaseUpdate { set: vec![("a.csv".into(), base.clone())], remove: vec![] };
        state.apply(&pair("one/"), &update).expect("apply");
        assert_eq!(state.load(&pair("one/")).expect("load").get("a.csv"), Some(&base));
        assert!(state.load(&pair("two/")).expect("load").is_empty());
        let update = BaseUpdate { set: vec![], remove: vec!["a.csv".into()] };
        state.apply(&pair("one/"), &update).expect("apply");
        assert!(state.load(&pair("one/")).expect("load").is_empty());
    }
}
