//! "Test connection": the cheapest requests that prove a store can be used,
//! each failure reported with the sentence its error carries.

use serde::Serialize;

use crate::{ListOptions, ObjectStore, Result};

/// What a successful test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProbeReport {
    /// How many containers the credentials can see.
    pub containers: u32,
    /// The container whose listing was also tried, if any was visible.
    pub listed: Option<String>,
}

/// Lists the containers, then one key of the first visible container: the
/// two permissions every feature needs.
pub async fn probe(store: &dyn ObjectStore) -> Result<ProbeReport> {
    let containers = store.list_containers().await?;
    let listed = match containers.first() {
        Some(first) => {
            store.list(&first.name, &ListOptions { max_keys: Some(1), ..ListOptions::recursive("") }).await?;
            Some(first.name.clone())
        }
        None => None,
    };
    Ok(ProbeReport { containers: u32::try_from(containers.len()).unwrap_or(u32::MAX), listed })
}
