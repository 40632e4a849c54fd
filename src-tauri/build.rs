fn main() {
    // Declaring the app's commands makes Tauri generate one permission per
    // command, so capabilities/default.json can grant exactly these.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "get_profiles",
        "check_profile",
        "key_status",
        "save_profile",
        "remove_profile",
        "use_profile",
        "test_profile",
        "import_profiles",
        "list_containers",
        "create_container",
        "list_folder",
        "start_upload",
        "cancel_transfer",
        "pause_transfer",
        "preview_volumes",
        "parse_volume",
        "import_volumes",
        "survey_volumes",
        "list_volume_sets",
        "save_volume_set",
        "remove_volume_set",
        "delete_container",
        "object_details",
        "measure_selection",
        "delete_objects",
        "reveal_path",
        "start_download",
        "plan_sync",
        "apply_sync",
        "list_sync_pairs",
        "save_sync_pair",
        "remove_sync_pair",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri-build failed");
}
