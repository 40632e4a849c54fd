//! tracing to a daily-rotated file in the data dir, for the app and the CLI.
//! Nothing secret is ever passed to tracing: secrets are `Secret<T>` and
//! print as `***`. `STOWAGE_LOG` sets the filter (default `info`).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts logging to `<dir>/<program>.<date>.log`; keep the guard alive so
/// buffered lines reach the file.
pub fn init(dir: &Path, program: &str) -> Option<WorkerGuard> {
    // The appender prunes old files by reading the folder: on a first run
    // it would complain on stderr that the folder is missing.
    let _ = std::fs::create_dir_all(dir);
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir);
    let appender = match appender {
        Ok(a) => a,
        Err(e) => {
            eprintln!("stowage: logging disabled, cannot write to {}: {e}", dir.display());
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("STOWAGE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(false).try_init();
    Some(guard)
}
