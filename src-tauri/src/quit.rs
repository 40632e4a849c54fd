//! Quitting: at once when nothing moves, otherwise the window asks first
//! (and says what happens to the transfers), then calls `quit_now`.

use std::sync::Arc;

use stowage_api::{App, TransferKind};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::events::QuitAsked;

/// Quit Stowage from the menu, the tray or the last window closing.
pub fn request(app: &AppHandle) {
    let running = app.try_state::<Arc<App>>().map(|s| s.running_transfers()).unwrap_or_default();
    if running.is_empty() {
        app.exit(0);
        return;
    }
    crate::tray::show_window(app);
    // What runs goes with the question: the window's own list may not have
    // heard of a transfer that started a moment ago.
    let asked = QuitAsked {
        transfers: u32::try_from(running.len()).unwrap_or(u32::MAX),
        only_uploads: running.iter().all(|k| *k == TransferKind::Upload),
    };
    if let Err(e) = asked.emit(app) {
        tracing::warn!("could not ask the window about quitting ({e}); quitting");
        app.exit(0);
    }
}

/// Whether closing the window would quit while transfers run, so it asks instead.
pub fn close_would_interrupt(app: &AppHandle) -> bool {
    !crate::tray::keeps_running(app) && app.try_state::<Arc<App>>().is_some_and(|s| !s.running_transfers().is_empty())
}
