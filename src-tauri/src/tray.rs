//! The tray icon: what the watched folders are doing, and Show, Pause all,
//! Quit. With it, closing the window leaves the app syncing in the
//! background; without one (no tray on this desktop), closing quits.

use std::sync::Arc;

use stowage_api::App;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

/// The status line of the tray menu, kept to update it.
pub struct TrayStatus(MenuItem<tauri::Wry>);

pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, "status", "No watched folders", false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show Stowage", true, None::<&str>)?;
    let pause = MenuItem::with_id(app, "pause-all", "Pause all watched folders", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Stowage", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&status, &separator, &show, &pause, &quit])?;
    let mut tray = TrayIconBuilder::with_id("stowage").menu(&menu).tooltip("Stowage").on_menu_event(|app, event| {
        match event.id().as_ref() {
            "show" => show_window(app),
            "pause-all" => pause_all(app),
            "quit" => crate::quit::request(app),
            _ => {}
        }
    });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(TrayStatus(status));
    Ok(())
}

pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Sums up the watched folders in the tray menu.
pub fn refresh(app: &AppHandle) {
    let (Some(status), Some(stowage)) = (app.try_state::<TrayStatus>(), app.try_state::<Arc<App>>()) else {
        return;
    };
    if let Err(e) = status.0.set_text(stowage.watch_summary()) {
        tracing::debug!("could not update the tray: {e}");
    }
}

/// Whether closing the window should keep the app running: a tray to come
/// back through, and folders to keep synced.
pub fn keeps_running(app: &AppHandle) -> bool {
    app.try_state::<TrayStatus>().is_some() && app.try_state::<Arc<App>>().is_some_and(|s| s.watching_any())
}

/// "Pause all": every watched folder stops until resumed.
fn pause_all(app: &AppHandle) {
    if let Some(stowage) = app.try_state::<Arc<App>>() {
        if let Err(e) = stowage.pause_all_watches() {
            tracing::warn!("could not pause every watched folder: {}", e.message);
        }
    }
    refresh(app);
}
