//! Choices about the desktop app kept in the settings: what is told in a
//! notification, and where downloads go.

use std::path::PathBuf;
use std::sync::Arc;

use stowage_profiles::Notify;

use crate::error::{Error, Result};
use crate::App;

impl App {
    pub fn notify(&self) -> Notify {
        self.settings().notify
    }

    pub async fn set_notify(self: &Arc<Self>, notify: Notify) -> Result<()> {
        self.change_settings(move |settings| settings.notify = notify).await
    }

    /// Where downloads from the window go without asking; `None`: ask each time.
    pub fn download_folder(&self) -> Option<PathBuf> {
        self.settings().download_folder
    }

    /// Sets (or, with `None`, forgets) the download folder: a full path to a
    /// folder that exists, else an error and nothing changes.
    pub async fn set_download_folder(self: &Arc<Self>, folder: Option<PathBuf>) -> Result<()> {
        if let Some(folder) = &folder {
            let checked = folder.clone();
            let is_folder = self.blocking(move |_| Ok(checked.is_dir())).await?;
            if !folder.is_absolute() || !is_folder {
                return Err(Error::invalid(format!(
                    "\"{}\" is not a folder on this computer. Choose one that exists, by its full path.",
                    folder.display()
                )));
            }
        }
        self.change_settings(move |settings| settings.download_folder = folder).await
    }
}
