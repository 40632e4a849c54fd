//! The window and the CLI are adapters over App: each lists stowage-api as
//! its one workspace crate, so nothing they do goes around it.

fn workspace_dependencies(manifest: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(manifest);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let section = text.split("\n[dependencies]\n").nth(1).expect("a [dependencies] section");
    let section = section.split("\n[").next().unwrap_or(section);
    section
        .lines()
        .filter(|l| l.starts_with("stowage-"))
        .map(|l| l.split([' ', '.']).next().unwrap_or(l).to_owned())
        .collect()
}

#[test]
fn the_front_ends_depend_on_the_application_layer_alone() {
    for manifest in ["crates/cli/Cargo.toml", "src-tauri/Cargo.toml"] {
        assert_eq!(workspace_dependencies(manifest), ["stowage-api"], "{manifest}");
    }
}
