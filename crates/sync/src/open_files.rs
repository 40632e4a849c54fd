//! The open-file limit, raised once at startup. The engine keeps
//! [`Tuning::concurrency`](crate::Tuning) connections open at once, and
//! macOS starts apps at a soft limit of 256 descriptors (Linux at 1,024),
//! which a busy transfer plus the app's own files can exceed. The hard limit
//! is usually far higher; raising the soft one needs no privileges.

/// Descriptors Stowage asks for: connections, files being read, the
/// journal and the window's own.
const WANTED: u64 = 8192;

/// Raises the soft open-file limit towards [`WANTED`] (never above the hard
/// limit, never lowering it). A failure is logged, not fatal: transfers
/// still work, and an exhausted limit surfaces as a retried network error.
pub fn raise_open_file_limit() {
    match rlimit::increase_nofile_limit(WANTED) {
        Ok(limit) if limit < WANTED => tracing::info!(limit, "open-file limit is below {WANTED}"),
        Ok(_) => {}
        Err(e) => tracing::warn!("cannot raise the open-file limit: {e}"),
    }
}
