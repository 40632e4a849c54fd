//! Opening the engine's SQLite files (the transfer journal, the sync state):
//! WAL, so a crash loses at most the last commit and readers never block.

use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;

#[derive(Debug, thiserror::Error)]
#[error("The database at {path} cannot be used: {source}")]
pub struct DbError {
    pub path: String,
    #[source]
    pub source: rusqlite::Error,
}

/// Opens (creating the folder and file) the database at `path` and runs `schema`.
pub fn open(path: &Path, schema: &str) -> Result<Connection, DbError> {
    let fail = |source| DbError { path: path.display().to_string(), source };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let db = Connection::open(path).map_err(fail)?;
    db.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        .map_err(fail)?;
    db.execute_batch(schema).map_err(fail)?;
    Ok(db)
}

/// Runs `call` on `db` on the blocking pool: a commit waits on the disk,
/// and an async worker waiting there holds up every request queued on it.
pub(crate) async fn off_worker<D, T>(
    db: &Arc<D>,
    call: impl FnOnce(&D) -> rusqlite::Result<T> + Send + 'static,
) -> rusqlite::Result<T>
where
    D: Send + Sync + 'static,
    T: Send + 'static,
{
    let db = Arc::clone(db);
    match tokio::task::spawn_blocking(move || call(&db)).await {
        Ok(result) => result,
        Err(interrupted) if interrupted.is_panic() => std::panic::resume_unwind(interrupted.into_panic()),
        // The runtime is shutting down. (This variant is the one that
        // carries any error without a rusqlite feature.)
        Err(interrupted) => Err(rusqlite::Error::ToSqlConversionFailure(Box::new(interrupted))),
    }
}
