//! Job volumes: what a launch form's volumes make (strings, the ovhai
//! command, the API JSON) and what is wrong with them, how much each
//! datastore volume would download (asked of the profile with its alias),
//! and named volume sets.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use stowage_jobs::check::{check, Context, Finding};
use stowage_jobs::command::run_command;
use stowage_jobs::sets::{self, VolumeSet};
use stowage_jobs::survey::{survey_all, VolumeSurvey};
use stowage_jobs::training::LaunchForm;
use stowage_jobs::volume::Source;
use stowage_jobs::{api, Volume};

use crate::error::{Error, Result};
use crate::App;

/// Everything a view shows for a list of volumes: canonical strings, the
/// ovhai command (or why there is none yet), the API JSON, and the checks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VolumePreview {
    pub strings: Vec<String>,
    /// Empty when there is none yet: `command_problem` says what is missing.
    pub command: String,
    pub command_problem: Option<String>,
    pub json: String,
    pub findings: Vec<Finding>,
}

/// Storage estimates and the findings they add.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VolumeSurveys {
    pub surveys: Vec<VolumeSurvey>,
    pub findings: Vec<Finding>,
}

impl App {
    /// What is wrong with `volumes`, knowing the profiles' datastore
    /// aliases and, when given, the job's region.
    pub fn check_volumes(&self, volumes: &[Volume], job_region: Option<String>) -> Vec<Finding> {
        check(volumes, &Context { aliases: self.settings().datastore_aliases(), job_region })
    }

    /// The preview of a launch form: its volumes, and the image, flavor,
    /// variables and command the ovhai line carries.
    pub fn preview_volumes(&self, form: &LaunchForm, job_region: Option<String>) -> VolumePreview {
        let (command, command_problem) = match run_command(form) {
            Ok(command) => (command, None),
            Err(problem) => (String::new(), Some(problem.0)),
        };
        VolumePreview {
            strings: form.volumes.iter().map(ToString::to_string).collect(),
            command,
            command_problem,
            json: api::to_json(&form.volumes),
            findings: self.check_volumes(&form.volumes, job_region),
        }
    }

    /// Counts what each datastore volume would download: through `profile`
    /// when given, else through the profile that has the volume's alias.
    pub async fn survey_volumes(self: &Arc<Self>, volumes: &[Volume], profile: Option<&str>) -> Result<VolumeSurveys> {
        let settings = self.settings();
        if let Some(name) = profile {
            settings.profile(name)?;
        }
        let mut stores = HashMap::new();
        for volume in volumes {
            let Source::DataStore { alias, .. } = &volume.source else { continue };
            let chosen = match profile {
                Some(name) => settings.profile(name).ok(),
                None => settings.profile_for_alias(alias),
            };
            if let Some(p) = chosen {
                if !stores.contains_key(alias) {
                    let store = self.store(&p.name).await.map_err(|e| e.message);
                    stores.insert(alias.clone(), (p.name.clone(), store));
                }
            }
        }
        let (surveys, findings) = survey_all(volumes, |alias| stores.get(alias).cloned()).await;
        Ok(VolumeSurveys { surveys, findings })
    }

    pub fn volume_sets(&self) -> Result<Vec<VolumeSet>> {
        sets::load(&self.dirs().volume_sets_file()).map_err(Error::from)
    }

    /// Saves a named set, replacing the set of that name.
    pub fn save_volume_set(&self, set: VolumeSet) -> Result<Vec<VolumeSet>> {
        sets::put(&self.dirs().volume_sets_file(), set).map_err(Error::from)
    }

    pub fn remove_volume_set(&self, name: &str) -> Result<Vec<VolumeSet>> {
        sets::remove(&self.dirs().volume_sets_file(), name).map_err(Error::from)
    }
}
