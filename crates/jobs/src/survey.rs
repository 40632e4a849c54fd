//! Storage checks: does a volume's container exist, and how much data is
//! under its prefix, which is what every job start downloads (INITIALIZING).

use serde::Serialize;
use stowage_store::{ErrorKind, ListOptions, ObjectStore, StoreError};

use crate::check::{Finding, Severity, VolumeField};
use crate::volume::{Permission, Source, Volume};

/// At most this many keys are counted; beyond it the estimate says "at least".
pub const COUNT_LIMIT: u64 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    pub container_exists: bool,
    pub objects: u64,
    pub bytes: u64,
    /// False when counting stopped at [`COUNT_LIMIT`]: the numbers are a floor.
    pub complete: bool,
}

/// Counts the objects and bytes under `prefix` in `container`.
pub async fn survey(store: &dyn ObjectStore, container: &str, prefix: &str) -> Result<Survey, StoreError> {
    let mut options = ListOptions::recursive(prefix);
    let (mut objects, mut bytes) = (0u64, 0u64);
    loop {
        let page = match store.list(container, &options).await {
            Ok(page) => page,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Ok(Survey { container_exists: false, objects: 0, bytes: 0, complete: true })
            }
            Err(e) => return Err(e),
        };
        objects += page.objects.len() as u64;
        bytes += page.objects.iter().map(|o| o.size).sum::<u64>();
        match page.next {
            Some(_) if objects >= COUNT_LIMIT => {
                return Ok(Survey { container_exists: true, objects, bytes, complete: false })
            }
            Some(next) => options.continuation = Some(next),
            None => return Ok(Survey { container_exists: true, objects, bytes, complete: true }),
        }
    }
}

/// A survey of one datastore volume of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VolumeSurvey {
    /// Position of the volume in the list.
    pub volume: u32,
    /// Which store was asked (a profile name).
    pub store: String,
    pub survey: Option<Survey>,
    /// Why the store could not be asked, as a sentence.
    pub error: Option<String>,
}

/// Surveys every datastore volume whose store `resolve` finds (by alias),
/// and returns the findings they add.
pub async fn survey_all<F>(volumes: &[Volume], resolve: F) -> (Vec<VolumeSurvey>, Vec<Finding>)
where
    F: Fn(&str) -> Option<(String, Result<std::sync::Arc<dyn ObjectStore>, String>)>,
{
    let mut surveys = Vec::new();
    let mut findings = Vec::new();
    for (i, volume) in volumes.iter().enumerate() {
        let Source::DataStore { alias, container, prefix } = &volume.source else { continue };
        let Some((store_name, store)) = resolve(alias) else { continue };
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        let result = match store {
            Ok(store) => survey(store.as_ref(), container, prefix).await.map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match result {
            Ok(s) => {
                findings.extend(s.findings(index, container, prefix, volume.permission));
                surveys.push(VolumeSurvey { volume: index, store: store_name, survey: Some(s), error: None });
            }
            Err(e) => surveys.push(VolumeSurvey { volume: index, store: store_name, survey: None, error: Some(e) }),
        }
    }
    (surveys, findings)
}

impl Survey {
    /// What the survey means for volume `index` with `permission`.
    pub fn findings(&self, index: u32, container: &str, prefix: &str, permission: Permission) -> Vec<Finding> {
        let n = index + 1;
        let place = if prefix.is_empty() { container.to_owned() } else { format!("{container}/{prefix}") };
        let finding = |field, severity, message| vec![Finding { volume: index, field, severity, message }];
        match (self.container_exists, self.objects, permission) {
            (false, _, Permission::Ro) => finding(
                VolumeField::Container,
                Severity::Warning,
                format!("Volume {n}: the container \"{container}\" does not exist, so the job would see an empty folder. Create it or fix the name."),
            ),
            (false, _, _) => finding(
                VolumeField::Container,
                Severity::Hint,
                format!("Volume {n}: the container \"{container}\" does not exist yet; the job's first sync creates it."),
            ),
            (true, 0, Permission::Ro) => finding(
                VolumeField::Prefix,
                Severity::Warning,
                format!("Volume {n}: nothing is stored under \"{place}\", so the job would see an empty folder. Check the prefix."),
            ),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use stowage_store::memory::MemoryStore;
    use stowage_store::PutOptions;

    use super::*;

    #[tokio::test]
    async fn counts_what_a_job_would_download() {
        let store = Arc::new(MemoryStore::new());
        store.create_container("data").await.expect("create");
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        std::fs::write(&file, b"12345").expect("write");
        for key in ["train/a", "train/b", "val/c"] {
            stowage_store::files::put_file(store.as_ref(), "data", key, &file, &PutOptions::default())
                .await
                .expect("put");
        }
        let s = survey(store.as_ref(), "data", "train/").await.expect("survey");
        assert_eq!(s, Survey { container_exists: true, objects: 2, bytes: 10, complete: true });
        let empty = survey(store.as_ref(), "data", "test/").await.expect("survey");
        assert_eq!(empty.objects, 0);
        assert!(empty.findings(0, "data", "test/", Permission::Ro)[0].message.contains("empty folder"));
        assert!(empty.findings(0, "data", "test/", Permission::Rw).is_empty());
        let missing = survey(store.as_ref(), "nope", "").await.expect("survey");
        assert!(!missing.container_exists);
    }
}
