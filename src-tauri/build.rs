fn main() {
    // Declaring the app's commands makes Tauri generate one permission per
    // command, so capabilities/default.json can grant exactly these.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "get_profiles",
        "list_containers",
        "create_container",
        "list_folder",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri-build failed");
}
