//! Where the AI Training API is and its app token (set, never read back),
//! and a client for it. The token is read from the keyring on the blocking
//! pool.

use std::sync::Arc;

use serde::Serialize;
use stowage_jobs::training::{TrainingClient, REGIONS};
use stowage_profiles::{training, Secret};

use crate::error::Result;
use crate::App;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TrainingView {
    /// As set: a region or an address ("" for GRA).
    pub api: String,
    /// The address in use.
    pub url: String,
    pub has_token: bool,
    pub regions: Vec<(String, String)>,
}

impl App {
    fn training_view(&self) -> Result<TrainingView> {
        let settings = self.settings();
        let url = training::api_url(&settings);
        Ok(TrainingView {
            has_token: training::has_token(self.keyring(), &url)?,
            api: settings.training_api,
            url,
            regions: REGIONS.iter().map(|(r, u)| ((*r).to_owned(), (*u).to_owned())).collect(),
        })
    }

    pub async fn training_settings(self: &Arc<Self>) -> Result<TrainingView> {
        self.blocking(App::training_view).await
    }

    /// The address of the API `api` names (a region, an address, or "" for
    /// GRA), checked.
    pub fn training_url(&self, api: &str) -> Result<String> {
        let candidate = stowage_profiles::Settings { training_api: api.trim().to_owned(), ..self.settings() };
        Ok(stowage_jobs::training::check_address(&training::api_url(&candidate))?)
    }

    /// Sets the API (a region or an address) and, when given, its app
    /// token. The address is checked before anything is stored.
    pub async fn save_training_settings(
        self: &Arc<Self>,
        api: &str,
        token: Option<Secret<String>>,
    ) -> Result<TrainingView> {
        let api = api.trim().to_owned();
        self.blocking(move |app| {
            let url = app.training_url(&api)?;
            if let Some(token) = &token {
                training::save_token(app.keyring(), &url, token)?;
            }
            app.edit(|settings, dirs, _| {
                settings.training_api = api;
                settings.save(dirs)
            })?;
            app.training_view()
        })
        .await
    }

    /// A client of the API with the stored token.
    pub(crate) async fn training(self: &Arc<Self>) -> Result<TrainingClient> {
        self.blocking(|app| Ok(training::client(&app.settings(), app.keyring())?)).await
    }
}
