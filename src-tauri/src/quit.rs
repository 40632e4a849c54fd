//! Quitting: at once when nothing moves, otherwise the window asks first
//! (and says what happens to the transfers), then calls `quit_now`.

use std::sync::Arc;

use stowage_api::App;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::events::MenuChosen;
use crate::menu::MenuAction;

/// Quit Stowage from the menu, the tray or the last window closing.
pub fn request(app: &AppHandle) {
    let running = app.try_state::<Arc<App>>().map_or(0, |s| s.running_transfers());
    if running == 0 {
        app.exit(0);
        return;
    }
    crate::tray::show_window(app);
    if let Err(e) = (MenuChosen { action: MenuAction::Quit }).emit(app) {
        tracing::warn!("could not ask the window about quitting ({e}); quitting");
        app.exit(0);
    }
}

/// Whether closing the window would quit while transfers run, so it asks instead.
pub fn close_would_interrupt(app: &AppHandle) -> bool {
    !crate::tray::keeps_running(app) && app.try_state::<Arc<App>>().is_some_and(|s| s.running_transfers() > 0)
}
