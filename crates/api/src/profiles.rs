//! Connection profiles: the list and the current one, a profile checked,
//! saved (its keys to the keyring), removed, made current, tested as typed,
//! and profiles imported from the AWS CLI or rclone. Everything that reads
//! or writes the keyring runs on the blocking pool.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use stowage_profiles::check::{self, Field, Problem};
use stowage_profiles::edit::{self, ImportReport, KeyStatus};
use stowage_profiles::import::{self, aws_default_paths, rclone_default_path};
use stowage_profiles::{connect_with, Keys, Profile};
use stowage_store::layers::RetryPolicy;
use stowage_store::ProbeReport;
use stowage_store::{Storage, StoragePolicy};

use crate::error::{Error, Result};
use crate::App;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProfilesView {
    pub current: String,
    pub profiles: Vec<Profile>,
    /// No settings were saved yet: the window offers the first-run choices.
    pub first_run: bool,
}

/// Where profiles are imported from.
#[derive(Debug, Clone, Copy, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ImportSource {
    /// The AWS CLI's credentials and config files.
    Aws,
    /// rclone's config.
    Rclone,
}

impl App {
    /// The profiles and which one is current. Profiles hold no secrets.
    pub fn profiles(&self) -> ProfilesView {
        let settings = self.settings();
        ProfilesView { current: settings.current, profiles: settings.profiles, first_run: !self.dirs().has_settings() }
    }

    /// What is wrong with a profile being edited, field by field.
    pub fn check_profile(&self, original: Option<&str>, profile: &Profile) -> Vec<Problem> {
        edit::check_edit(&self.settings(), original, profile)
    }

    /// Whether a profile's keys are stored. The keys never leave the keyring.
    pub async fn key_status(self: &Arc<Self>, name: &str) -> Result<KeyStatus> {
        let name = name.to_owned();
        self.blocking(move |app| Ok(edit::key_status(&name, app.keyring())?)).await
    }

    /// Adds a profile (`original` none) or replaces the one named
    /// `original`; keys left out keep what is stored.
    pub async fn save_profile(
        self: &Arc<Self>,
        original: Option<String>,
        profile: Profile,
        keys: Keys,
    ) -> Result<ProfilesView> {
        self.blocking(move |app| {
            app.edit(|settings, dirs, keyring| {
                edit::save_profile(settings, dirs, keyring, original.as_deref(), profile, keys)
            })?;
            Ok(app.profiles())
        })
        .await
    }

    /// Removes a profile and its keys.
    pub async fn remove_profile(self: &Arc<Self>, name: &str) -> Result<ProfilesView> {
        let name = name.to_owned();
        self.blocking(move |app| {
            app.edit(|settings, dirs, keyring| edit::remove_profile(settings, dirs, keyring, &name))?;
            Ok(app.profiles())
        })
        .await
    }

    pub async fn use_profile(self: &Arc<Self>, name: &str) -> Result<ProfilesView> {
        let name = name.to_owned();
        self.blocking(move |app| {
            app.edit(|settings, dirs, _| edit::use_profile(settings, dirs, &name))?;
            Ok(app.profiles())
        })
        .await
    }

    /// Tests a profile as typed (after the checks of the fields a
    /// connection depends on): the keys given, else the stored keys of
    /// `original` (or of the profile's own name).
    pub async fn test_profile(
        self: &Arc<Self>,
        original: Option<String>,
        profile: Profile,
        keys: Keys,
    ) -> Result<ProbeReport> {
        // What the form already marks is said again, not sent to a server
        // that would answer it in its own words.
        let problems = check::check(&profile, &[]);
        if let Some(problem) = problems.into_iter().find(|p| CONNECTION_FIELDS.contains(&p.field)) {
            return Err(Error { field: Some(problem.field), ..Error::invalid(problem.message) });
        }
        let lookup = Profile { name: original.unwrap_or_else(|| profile.name.clone()), ..profile };
        let backend = self.blocking(move |app| Ok(connect_with(&lookup, &keys, app.keyring())?)).await?;
        // One try each, timed as every call is: the form says at once what is wrong.
        let once = RetryPolicy { attempts: 1, ..RetryPolicy::default() };
        let storage = Storage::new(backend, StoragePolicy { retry: once, ..self.storage_policy() });
        Ok(stowage_store::probe(storage.store().as_ref()).await?)
    }

    /// Imports S3 profiles; the source files are not changed. `path` is
    /// the AWS credentials file or rclone's config, `config` the AWS config
    /// file; each defaults to the tool's own.
    pub async fn import_profiles(
        self: &Arc<Self>,
        source: ImportSource,
        path: Option<PathBuf>,
        config: Option<PathBuf>,
    ) -> Result<ImportReport> {
        self.blocking(move |app| {
            let no_home = || Error::other("Cannot find the home folder.");
            let findings = match source {
                ImportSource::Aws => {
                    let (default_credentials, default_config) = aws_default_paths().ok_or_else(no_home)?;
                    import::from_aws(&path.unwrap_or(default_credentials), &config.unwrap_or(default_config))?
                }
                ImportSource::Rclone => import::from_rclone(&path.or_else(rclone_default_path).ok_or_else(no_home)?)?,
            };
            Ok(app.edit(|settings, dirs, keyring| edit::save_found(settings, dirs, keyring, findings))?)
        })
        .await
    }
}

/// The fields a connection test depends on: the name and alias do not.
const CONNECTION_FIELDS: [Field; 3] = [Field::Endpoint, Field::Region, Field::Root];
