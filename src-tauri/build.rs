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
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri-build failed");
}
