//! The native menu bar: Preferences, Close Window, Quit and About with their
//! usual shortcuts. macOS also gets its application menu and an Edit menu
//! (without one, Cmd+C/V do nothing in a web view); elsewhere the web view
//! handles the clipboard keys itself.

use serde::Serialize;
use tauri::menu::{Menu, MenuEvent, MenuItem, Submenu};
use tauri::{AppHandle, Manager, Wry};
use tauri_specta::Event;

use crate::events::MenuChosen;

/// What a menu item asks the window to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MenuAction {
    Preferences,
    About,
}

const PREFERENCES: &str = "menu-preferences";
const ABOUT: &str = "menu-about";
const CLOSE_WINDOW: &str = "menu-close-window";
const QUIT: &str = "menu-quit";

pub fn build(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let preferences = MenuItem::with_id(app, PREFERENCES, "Preferences…", true, Some("CmdOrCtrl+,"))?;
    let about = MenuItem::with_id(app, ABOUT, "About Stowage", true, None::<&str>)?;
    let close = MenuItem::with_id(app, CLOSE_WINDOW, "Close Window", true, Some("CmdOrCtrl+W"))?;
    let quit = MenuItem::with_id(app, QUIT, "Quit Stowage", true, Some("CmdOrCtrl+Q"))?;
    platform_menu(app, &preferences, &about, &close, &quit)
}

#[cfg(target_os = "macos")]
fn platform_menu(
    app: &AppHandle,
    preferences: &MenuItem<Wry>,
    about: &MenuItem<Wry>,
    close: &MenuItem<Wry>,
    quit: &MenuItem<Wry>,
) -> tauri::Result<Menu<Wry>> {
    use tauri::menu::PredefinedMenuItem as P;
    let separator = || P::separator(app);
    let app_menu = Submenu::with_items(
        app,
        "Stowage",
        true,
        &[
            about,
            &separator()?,
            preferences,
            &separator()?,
            &P::services(app, None)?,
            &separator()?,
            &P::hide(app, None)?,
            &P::hide_others(app, None)?,
            &P::show_all(app, None)?,
            &separator()?,
            quit,
        ],
    )?;
    let file = Submenu::with_items(app, "File", true, &[close])?;
    let edit = Submenu::with_items(
        app,
        "Edit",
        true,
        &[
            &P::undo(app, None)?,
            &P::redo(app, None)?,
            &separator()?,
            &P::cut(app, None)?,
            &P::copy(app, None)?,
            &P::paste(app, None)?,
            &P::select_all(app, None)?,
        ],
    )?;
    let window = Submenu::with_items(app, "Window", true, &[&P::minimize(app, None)?, &P::maximize(app, None)?])?;
    Menu::with_items(app, &[&app_menu, &file, &edit, &window])
}

#[cfg(not(target_os = "macos"))]
fn platform_menu(
    app: &AppHandle,
    preferences: &MenuItem<Wry>,
    about: &MenuItem<Wry>,
    close: &MenuItem<Wry>,
    quit: &MenuItem<Wry>,
) -> tauri::Result<Menu<Wry>> {
    use tauri::menu::PredefinedMenuItem;
    let file =
        Submenu::with_items(app, "File", true, &[preferences, &PredefinedMenuItem::separator(app)?, close, quit])?;
    let help = Submenu::with_items(app, "Help", true, &[about])?;
    Menu::with_items(app, &[&file, &help])
}

pub fn on_event(app: &AppHandle, event: MenuEvent) {
    let chosen = |action| {
        crate::tray::show_window(app);
        if let Err(e) = (MenuChosen { action }).emit(app) {
            tracing::warn!("could not send a menu choice to the window: {e}");
        }
    };
    match event.id().as_ref() {
        PREFERENCES => chosen(MenuAction::Preferences),
        ABOUT => chosen(MenuAction::About),
        // Closing goes through CloseRequested: it hides the window while
        // watched folders run and a tray can bring it back, else quits.
        CLOSE_WINDOW => {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.close();
            }
        }
        QUIT => crate::quit::request(app),
        _ => {}
    }
}
