//! One description of a sync: a folder on this computer and a container
//! prefix of a profile's store, kept equal one way or the other. A saved
//! sync and a watched folder each hold one, the window previews and applies
//! one, the CLI parses its arguments into one, and the engine's request is
//! made from it here, in one place.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::folder_sync::SyncRequest;
use crate::plan::{Compare, Direction, Mode, PlanOptions};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncTarget {
    pub folder: String,
    pub profile: String,
    pub container: String,
    #[serde(default)]
    pub prefix: String,
    pub mode: Mode,
    /// Which way a copy goes; a push goes up and a pull down whatever it says.
    #[serde(default)]
    pub direction: Direction,
    #[serde(default)]
    pub compare: Compare,
    #[serde(default)]
    pub includes: Vec<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
    /// Objects a push deletes are first copied under this prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_prefix: Option<String>,
    /// Follow links that lead out of the folder (rclone's `--copy-links`);
    /// by default they are left out and stop deletions until they are.
    #[serde(default)]
    pub follow_links: bool,
}

impl SyncTarget {
    /// The way files move: a push up, a pull down, a copy as it says.
    pub fn direction(&self) -> Direction {
        match self.mode {
            Mode::Push => Direction::Up,
            Mode::Pull => Direction::Down,
            Mode::Copy => self.direction,
        }
    }

    /// What the engine plans and applies: the target with its text trimmed,
    /// and the delete cap on.
    pub fn request(&self) -> SyncRequest {
        let mut options = PlanOptions::new(self.mode, self.direction());
        options.compare = self.compare;
        SyncRequest {
            folder: PathBuf::from(self.folder.trim()),
            store_name: self.profile.clone(),
            container: self.container.trim().to_owned(),
            prefix: self.prefix.trim().to_owned(),
            options,
            includes: self.includes.clone(),
            excludes: self.excludes.clone(),
            backup_prefix: self.backup_prefix.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned),
            follow_links: self.follow_links,
        }
    }

    /// `folder → container/prefix`, or the other way, as the files move.
    pub fn describe(&self) -> String {
        let remote = format!("{}/{}", self.container, self.prefix);
        match self.direction() {
            Direction::Up => format!("{} → {remote}", self.folder),
            Direction::Down => format!("{remote} → {}", self.folder),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(mode: Mode, direction: Direction) -> SyncTarget {
        SyncTarget {
            folder: " /runs/42 ".into(),
            profile: "ovh".into(),
            container: "runs ".into(),
            prefix: "42/".into(),
            mode,
            direction,
            compare: Compare::Checksum,
            includes: vec![],
            excludes: vec!["*.log".into()],
            backup_prefix: Some("  ".into()),
            follow_links: false,
        }
    }

    #[test]
    fn the_mode_decides_the_direction_except_for_a_copy() {
        assert_eq!(target(Mode::Push, Direction::Down).direction(), Direction::Up);
        assert_eq!(target(Mode::Pull, Direction::Up).direction(), Direction::Down);
        assert_eq!(target(Mode::Copy, Direction::Down).direction(), Direction::Down);
        assert_eq!(target(Mode::Pull, Direction::Up).describe(), "runs /42/ →  /runs/42 ");
    }

    #[test]
    fn the_request_is_the_target_trimmed_with_the_delete_cap_on() {
        let request = target(Mode::Push, Direction::Down).request();
        assert_eq!(request.folder, PathBuf::from("/runs/42"));
        assert_eq!((request.container.as_str(), request.store_name.as_str()), ("runs", "ovh"));
        assert_eq!(request.options.direction, Direction::Up);
        assert_eq!(request.options.compare, Compare::Checksum);
        assert!(request.options.delete_cap.is_some());
        assert_eq!(request.backup_prefix, None, "a blank backup prefix is none");
    }
}
