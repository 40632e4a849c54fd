//! After a crash or a quit: upload transfers the journal still lists run
//! again as they were asked for (what arrived is found identical and
//! skipped; multipart uploads in them continue from their parts). Multipart
//! uploads outside any such transfer are continued on their own (their
//! source file is unchanged) or aborted (it changed or is gone), so nothing
//! is left half-sent on the service.

use std::path::PathBuf;
use std::sync::Arc;

use stowage_store::ObjectStore;

use crate::engine::{normalize_prefix, Existing};
use crate::journal::{modified_ns, Journal, RecordedTransfer, UploadKey};
use crate::upload::{Resume, UploadRequest};

/// What recovery decided for each recorded upload.
#[derive(Debug, Default)]
pub struct Recovery {
    /// Whole transfers to run again, with their journal row (to end when they do).
    pub transfers: Vec<(i64, UploadRequest)>,
    /// Single files to send again; each continues from its recorded parts.
    pub resume: Vec<UploadRequest>,
    /// Keys whose multipart upload was aborted, with the reason.
    pub aborted: Vec<(String, String)>,
}

/// Goes through the journal. `store_for` opens the store a recorded upload
/// went to (by profile name); uploads to stores it cannot open are kept
/// for a later start.
pub async fn recover(journal: &Arc<Journal>, store_for: impl Fn(&str) -> Option<Arc<dyn ObjectStore>>) -> Recovery {
    let mut recovery = Recovery::default();
    let transfers = journal.transfers().unwrap_or_else(|e| {
        tracing::warn!("cannot read the transfers in the journal: {e}");
        Vec::new()
    });
    let resume = |store: &str| Some(Resume { journal: journal.clone(), store: store.to_owned() });
    for transfer in &transfers {
        if store_for(&transfer.store).is_none() {
            continue;
        }
        let request = UploadRequest {
            sources: transfer.sources.clone(),
            container: transfer.container.clone(),
            prefix: transfer.prefix.clone(),
            existing: transfer.existing,
            ask: None,
            resume: resume(&transfer.store),
        };
        recovery.transfers.push((transfer.row, request));
    }
    let entries = match journal.all() {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!("cannot read the transfer journal: {e}");
            return recovery;
        }
    };
    for (store_name, container, key) in entries {
        // A transfer run again finds this upload itself, by its key.
        if transfers.iter().any(|t| covers(t, &store_name, &container, &key)) {
            continue;
        }
        let at = UploadKey { store: &store_name, container: &container, key: &key };
        let Ok(Some(recorded)) = journal.find(&at) else { continue };
        let Some(store) = store_for(&store_name) else { continue };
        let source = PathBuf::from(&recorded.source);
        let unchanged = std::fs::metadata(&source).is_ok_and(|m| {
            m.len() == recorded.source_size && m.modified().map(modified_ns).ok() == Some(recorded.source_modified_ns)
        });
        let name = source.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        // The key is the destination prefix followed by the file's name.
        let prefix = key.strip_suffix(name.as_str()).filter(|p| p.is_empty() || p.ends_with('/'));
        match prefix {
            Some(prefix) if unchanged && !name.is_empty() => recovery.resume.push(UploadRequest {
                sources: vec![source],
                container: container.clone(),
                prefix: prefix.to_owned(),
                existing: Existing::Overwrite,
                ask: None,
                resume: resume(&store_name),
            }),
            _ => {
                let aborted =
                    async { store.multipart_or_err()?.abort_multipart(&container, &key, &recorded.upload_id).await };
                let aborted = aborted.await;
                if let Err(e) = aborted {
                    tracing::warn!(%key, "could not abort an interrupted upload: {e}");
                }
                let _ = journal.finish(recorded.row);
                recovery
                    .aborted
                    .push((key.clone(), "the source file changed or is gone since the upload stopped".to_owned()));
            }
        }
    }
    recovery
}

/// Whether the multipart upload to `key` belongs under `transfer`'s destination.
fn covers(transfer: &RecordedTransfer, store: &str, container: &str, key: &str) -> bool {
    transfer.store == store && transfer.container == container && key.starts_with(&normalize_prefix(&transfer.prefix))
}
