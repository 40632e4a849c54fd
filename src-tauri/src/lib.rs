//! The Stowage desktop shell: wires the engine crates to a Tauri window.

mod commands;
mod error;
mod events;
mod file_rows;
mod menu;
mod notices;
mod observer;
mod quit;
mod single_instance;
mod tray;

use std::sync::Arc;

use stowage_api::App;
use stowage_api::{AppDirs, Keyring};
use tauri::Manager;
use tauri_plugin_window_state::StateFlags;
use tauri_specta::{collect_commands, collect_events};

/// The commands and events the web view sees; also the source of the
/// TypeScript bindings in ui/src/lib/ipc/bindings.ts.
pub fn ipc() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::profiles::get_profiles,
            commands::profiles::check_profile,
            commands::profiles::key_status,
            commands::profiles::save_profile,
            commands::profiles::remove_profile,
            commands::profiles::use_profile,
            commands::profiles::test_profile,
            commands::profiles::import_profiles,
            commands::storage::list_containers,
            commands::storage::create_container,
            commands::storage::list_folder,
            commands::storage::search_objects,
            commands::storage::delete_container,
            commands::storage::object_details,
            commands::storage::measure_selection,
            commands::storage::delete_objects,
            commands::desktop::open_folder,
            commands::transfers::start_upload,
            commands::transfers::start_download,
            commands::transfers::cancel_transfer,
            commands::transfers::pause_transfer,
            commands::transfers::answer_conflict,
            commands::transfers::transfers_so_far,
            commands::desktop::quit_now,
            commands::transfers::open_questions,
            commands::transfers::upload_existing,
            commands::transfers::set_upload_existing,
            commands::transfers::forget_transfer_files,
            commands::transfers::transfer_files,
            commands::sync::plan_operations,
            commands::sync::discard_plan,
            commands::versions::undelete_object,
            commands::versions::set_container_class,
            commands::versions::container_classes,
            commands::versions::storage_classes,
            commands::versions::download_version,
            commands::versions::delete_version,
            commands::versions::restore_version,
            commands::versions::deleted_objects,
            commands::versions::object_versions,
            commands::versions::set_versioning,
            commands::versions::container_versioning,
            commands::versions::share_link,
            commands::transfers::set_transfer_limit,
            commands::transfers::set_bandwidth_limit,
            commands::transfers::bandwidth_limit,
            commands::volumes::preview_volumes,
            commands::volumes::parse_volume,
            commands::volumes::import_volumes,
            commands::volumes::survey_volumes,
            commands::volumes::list_volume_sets,
            commands::volumes::save_volume_set,
            commands::volumes::remove_volume_set,
            commands::sync::plan_sync,
            commands::sync::apply_sync,
            commands::sync::list_sync_pairs,
            commands::sync::save_sync_pair,
            commands::sync::remove_sync_pair,
            commands::jobs::training_settings,
            commands::jobs::save_training_settings,
            commands::jobs::list_jobs,
            commands::jobs::get_job,
            commands::jobs::preview_job,
            commands::jobs::launch_job,
            commands::jobs::stop_job,
            commands::jobs::start_job,
            commands::jobs::delete_job,
            commands::jobs::label_job,
            commands::jobs::quota_warning,
            commands::jobs::sync_job_data,
            commands::jobs::launch_options,
            commands::jobs::follow_job_logs,
            commands::jobs::stop_following_logs,
            commands::jobs::open_job_url,
            commands::jobs::profile_for_alias,
            commands::watched::list_watched,
            commands::watched::add_watched,
            commands::watched::set_watch_paused,
            commands::watched::remove_watched,
            commands::desktop::about,
            commands::desktop::start_at_login,
            commands::desktop::set_start_at_login,
            commands::desktop::notify_when,
            commands::desktop::set_notify_when,
            commands::desktop::download_folder,
            commands::desktop::set_download_folder,
        ])
        .events(collect_events![
            events::ContainersChanged,
            events::ProfilesChanged,
            events::TransferUpdated,
            events::ConflictAsked,
            events::WatchUpdated,
            events::MenuChosen,
            events::QuitAsked
        ])
        .constant("OVH_REGIONS", stowage_api::OVH_REGIONS)
        // Commands throw an IpcError; the UI catches it where it can show it.
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
        // Sizes are u64; JavaScript numbers hold integers exactly up to 2^53
        // bytes (8 PiB), far above any object (5 TiB).
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type: the UI only reads these values.
        .disable_serde_phases()
}

/// Writes the TypeScript bindings of [`ipc`] to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    ipc().export(specta_typescript::Typescript::default(), path).map_err(|e| e.to_string())
}

pub fn run() -> Result<(), String> {
    let dirs = AppDirs::from_env().map_err(|e| e.to_string())?;
    let _log_guard = stowage_api::logging::init(&dirs.logs(), "stowage-app");
    stowage_api::raise_open_file_limit();
    tracing::info!("starting Stowage {}", env!("CARGO_PKG_VERSION"));
    let window_state = dirs.window_state_file();
    // Checked before the window opens: a broken settings file is said at once.
    stowage_api::Settings::load(&dirs).map_err(|e| e.to_string())?;

    let background = std::env::args().any(|a| a == commands::desktop::BACKGROUND_ARG);
    let ipc = ipc();
    tauri::Builder::default()
        // First: a second launch hands over to the running app and exits
        // before anything else starts.
        .plugin(single_instance::plugin(tray::show_window))
        // Native file and folder pickers (Add files, download to, sync folder).
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        // Notebook and job addresses open in the browser, folders in the
        // file manager; only Rust calls it (the window has no opener permission).
        .plugin(tauri_plugin_opener::init())
        .plugin(
            tauri_plugin_autostart::Builder::new().app_name("Stowage").arg(commands::desktop::BACKGROUND_ARG).build(),
        )
        .plugin(
            tauri_plugin_window_state::Builder::new()
                // An absolute name puts the file in Stowage's own config dir
                // (the plugin joins it to the identifier's dir otherwise).
                .with_filename(window_state.display().to_string())
                // Visibility is not restored: a window hidden to the tray
                // comes back at the next start.
                .with_state_flags(
                    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED | StateFlags::FULLSCREEN,
                )
                .build(),
        )
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            ipc.mount_events(app);
            app.manage(observer::TransferLog::default());
            app.manage(Arc::new(file_rows::FileRows::new(dirs.data.join("transfer-files"))));
            let observer = Arc::new(observer::WindowObserver(app.handle().clone()));
            let stowage = Arc::new(App::open(dirs, Keyring::from_env(), observer)?);
            app.manage(stowage.clone());
            app.manage(Arc::new(commands::jobs::LogFollows::default()));
            tauri::async_runtime::spawn(start_background_work(stowage));
            let tray = tray::install(app.handle());
            if let Err(e) = &tray {
                tracing::warn!("no tray icon ({e}); closing the window quits");
            }
            // Started at login: stay in the tray until asked for.
            if !(background && tray.is_ok()) {
                tray::show_window(app.handle());
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            // With a tray, closing the window keeps watched folders syncing.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if tray::keeps_running(window.app_handle()) {
                    api.prevent_close();
                    let _ = window.hide();
                } else if quit::close_would_interrupt(window.app_handle()) {
                    api.prevent_close();
                    quit::request(window.app_handle());
                }
            }
        })
        .build(tauri::generate_context!())
        .map_err(|e| e.to_string())?
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                single_instance::release(app);
            }
        });
    Ok(())
}

/// At launch: uploads a quit or crash interrupted continue, and every
/// unpaused watched folder catches up and keeps watching.
async fn start_background_work(stowage: Arc<App>) {
    if let Err(e) = stowage.resume_interrupted().await {
        tracing::warn!("interrupted uploads not resumed: {}", e.message);
    }
    if let Err(e) = stowage.start_watching().await {
        tracing::warn!("watched folders not started: {}", e.message);
    }
}

#[cfg(test)]
mod tests {
    /// The checked-in bindings are what the Rust side exports; regenerate
    /// with `STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings`.
    #[test]
    fn bindings_match_the_rust_commands() {
        let checked_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/bindings.ts");
        if std::env::var_os("STOWAGE_WRITE_BINDINGS").is_some() {
            super::export_bindings(&checked_in).expect("export");
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let fresh = dir.path().join("bindings.ts");
        super::export_bindings(&fresh).expect("export");
        let fresh = std::fs::read_to_string(fresh).expect("read fresh");
        let current = std::fs::read_to_string(&checked_in).unwrap_or_default();
        assert!(
            fresh == current,
            "ui/src/lib/ipc/bindings.ts is out of date; run STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings"
        );
    }
}
