//! Storage checks: does a volume's container exist, and how much data is
//! under its prefix, which is what every job start downloads (INITIALIZING).

use serde::Serialize;
use std::ops::ControlFlow;

use stowage_store::walk::walk;
use stowage_store::{ErrorKind, ObjectStore, StoreError};

use crate::check::{Finding, Severity, VolumeField};
use crate::volume::{Permission, Source, Volume};

/// At most this many keys are counted (ImageNet's 1.28 million fit); beyond
/// it the estimate says "at least".
pub const COUNT_LIMIT: u64 = 2_000_000;

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

/// Counts the objects and bytes under `prefix` in `container`, its folders
/// listed in parallel (see [`stowage_store::walk`]).
pub async fn survey(store: &dyn ObjectStore, container: &str, prefix: &str) -> Result<Survey, StoreError> {
    let (mut objects, mut bytes, mut complete) = (0u64, 0u64, true);
    let walked = walk(store, container, prefix, |found| {
        objects += found.len() as u64;
        bytes += found.iter().map(|o| o.size).sum::<u64>();
        if objects >= COUNT_LIMIT {
            complete = false;
            return std::future::ready(ControlFlow::Break(()));
        }
        std::future::ready(ControlFlow::Continue(()))
    })
    .await;
    match walked {
        Ok(()) => Ok(Survey { container_exists: true, objects, bytes, complete }),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            Ok(Survey { container_exists: false, objects: 0, bytes: 0, complete: true })
        }
        Err(e) => Err(e),
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
            (true, objects, _) if objects >= MANY_OBJECTS && self.bytes / objects < SMALL_OBJECT => {
                let severity = if objects >= 10 * MANY_OBJECTS { Severity::Warning } else { Severity::Hint };
                let count = if self.complete { thousands(objects) } else { format!("at least {}", thousands(objects)) };
                finding(
                    VolumeField::Prefix,
                    severity,
                    format!(
                        "Volume {n}: {count} objects of {} on average under \"{place}\". A job fetches each object with \
                         requests of its own, so their number, not their {} in all, sets how long INITIALIZING takes. \
                         Packed into shards (tar or WebDataset files of 100 MB to 1 GB), the same data arrives in \
                         minutes.",
                        human_bytes(self.bytes / objects),
                        human_bytes(self.bytes)
                    ),
                )
            }
            _ => Vec::new(),
        }
    }
}

/// From this many objects, a pull is counted in requests more than in bytes.
const MANY_OBJECTS: u64 = 10_000;
/// Objects smaller than this on average make a pull slow by their number.
const SMALL_OBJECT: u64 = 1024 * 1024;

/// `1,281,167`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `106.7 KB`, `130.4 GB`: sizes in units of 1,024, as the window and the CLI write them.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
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

        // ImageNet's training set: the count, not the size, makes the pull slow.
        let imagenet = Survey { container_exists: true, objects: 1_281_167, bytes: 140_000_000_000, complete: true };
        let found = imagenet.findings(0, "imagenet", "train/", Permission::Ro);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("1,281,167 objects of 106.7 KB on average"), "{}", found[0].message);
        assert!(
            found[0].message.contains("130.4 GB") && found[0].message.contains("WebDataset"),
            "{}",
            found[0].message
        );
        // The same size in big shards says nothing.
        let shards = Survey { objects: 140, ..imagenet };
        assert!(shards.findings(0, "imagenet", "train/", Permission::Ro).is_empty());
        let missing = survey(store.as_ref(), "nope", "").await.expect("survey");
        assert!(!missing.container_exists);
    }
}
