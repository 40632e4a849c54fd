//! Where the AI Training API is and the app token for it: the address in
//! the settings, the token in the OS keyring (one entry per address), like
//! the S3 secret keys. Neither the CLI nor the window ever shows it again.

use stowage_jobs::training::{ApiError, Token, TrainingClient, REGIONS};

use crate::{Keyring, KeyringError, Secret, Settings};

/// The API address in use: the settings' choice, GRA by default.
pub fn api_url(settings: &Settings) -> String {
    let chosen = settings.training_api.trim();
    if chosen.is_empty() {
        REGIONS[0].1.to_owned()
    } else {
        REGIONS.iter().find(|(region, _)| *region == chosen).map_or(chosen, |(_, url)| url).to_owned()
    }
}

fn account(url: &str) -> String {
    format!("ai-training:{}", url.trim_end_matches('/'))
}

pub fn save_token(keyring: &Keyring, url: &str, token: &Secret<String>) -> Result<(), KeyringError> {
    keyring.set(&account(url), token)
}

pub fn has_token(keyring: &Keyring, url: &str) -> Result<bool, KeyringError> {
    Ok(keyring.get(&account(url))?.is_some())
}

pub fn forget_token(keyring: &Keyring, url: &str) -> Result<(), KeyringError> {
    keyring.delete(&account(url))
}

#[derive(Debug, thiserror::Error)]
pub enum TrainingSetupError {
    #[error(
        "No AI Training app token is saved for {0}. Create one with `ovhai token create NAME --role operator`, \
         then enter it in Settings or with `stowage job login`."
    )]
    NoToken(String),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// A client for the API in the settings, with the token from the keyring.
pub fn client(settings: &Settings, keyring: &Keyring) -> Result<TrainingClient, TrainingSetupError> {
    let url = api_url(settings);
    let token = keyring.get(&account(&url))?.ok_or_else(|| TrainingSetupError::NoToken(url.clone()))?;
    Ok(TrainingClient::new(&url, Token::new(token.expose().clone()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_addresses() {
        let mut settings = Settings::default();
        assert_eq!(api_url(&settings), "https://gra.training.ai.cloud.ovh.net");
        settings.training_api = "bhs".into();
        assert_eq!(api_url(&settings), "https://bhs.training.ai.cloud.ovh.net");
        settings.training_api = "http://127.0.0.1:9000".into();
        assert_eq!(api_url(&settings), "http://127.0.0.1:9000");
        assert_eq!(account("http://127.0.0.1:9000/"), "ai-training:http://127.0.0.1:9000");
    }
}
