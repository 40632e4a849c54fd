//! The commands the web view may call: each is one call of the application
//! layer (stowage-api), its error in the IPC's shape, and the event other
//! windows need. Every command that touches storage names its profile.

pub mod desktop;
pub mod jobs;
pub mod profiles;
pub mod storage;
pub mod sync;
pub mod transfers;
pub mod versions;
pub mod volumes;
pub mod watched;

/// The application, as every command receives it.
pub type Stowage<'a> = tauri::State<'a, std::sync::Arc<stowage_api::App>>;

/// Runs work that reads or writes files on the blocking pool. Every command
/// is async, so none runs on the main thread (which draws the window), and
/// file work goes here rather than onto the async workers transfers use.
async fn on_blocking_pool<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, crate::error::IpcError> + Send + 'static,
) -> Result<T, crate::error::IpcError> {
    tauri::async_runtime::spawn_blocking(work).await.map_err(|e| {
        crate::error::IpcError::new(crate::error::IpcErrorCode::Other, format!("The operation was interrupted: {e}"))
    })?
}

#[cfg(test)]
mod tests {
    /// A plain `fn` command runs on the main thread, the one that draws the
    /// window: every command is `async`.
    #[test]
    fn every_command_is_async() {
        let sources = [
            include_str!("desktop.rs"),
            include_str!("jobs.rs"),
            include_str!("profiles.rs"),
            include_str!("storage.rs"),
            include_str!("sync.rs"),
            include_str!("transfers.rs"),
            include_str!("versions.rs"),
            include_str!("volumes.rs"),
            include_str!("watched.rs"),
        ];
        let mut commands = 0;
        for source in sources {
            let mut lines = source.lines().map(str::trim);
            while let Some(line) = lines.by_ref().find(|l| *l == "#[tauri::command]") {
                let signature = lines.by_ref().find(|l| !l.starts_with("#[")).unwrap_or(line);
                assert!(signature.starts_with("pub async fn "), "not async: {signature}");
                commands += 1;
            }
        }
        assert!(commands > 70, "only {commands} commands found");
    }
}
