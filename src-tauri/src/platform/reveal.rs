//! "Show in file manager": the folder opens with the item selected where the
//! platform can select it.

use std::path::Path;
use std::process::Command;

#[cfg(target_os = "macos")]
pub fn reveal(path: &Path) -> std::io::Result<()> {
    Command::new("open").arg("-R").arg(path).spawn().map(drop)
}

#[cfg(target_os = "windows")]
pub fn reveal(path: &Path) -> std::io::Result<()> {
    let mut select = std::ffi::OsString::from("/select,");
    select.push(path);
    Command::new("explorer").arg(select).spawn().map(drop)
}

/// Freedesktop file managers cannot be told to select an item portably:
/// open the folder (the item itself when it is a folder).
#[cfg(not(any(target_os = "macos", target_os = "windows")))]
pub fn reveal(path: &Path) -> std::io::Result<()> {
    let folder = if path.is_dir() { path } else { path.parent().unwrap_or(path) };
    if !folder.exists() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{} does not exist", folder.display())));
    }
    Command::new("xdg-open").arg(folder).spawn().map(drop)
}
