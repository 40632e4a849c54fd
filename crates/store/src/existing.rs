//! What a transfer does when its destination already holds a different
//! object or file of the same name. Lives here, below the transfer engine,
//! because the settings (a default for uploads) name it too.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Existing {
    /// Ask the person, once per conflict or once for all of a transfer.
    /// Where nobody can be asked, the existing one is kept.
    #[default]
    Ask,
    Overwrite,
    Skip,
    /// Write under a new name: `photo (1).jpg`.
    KeepBoth,
}
