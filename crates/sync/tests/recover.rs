//! What the app does at start with uploads a crash interrupted: continue
//! those whose file is unchanged, abort those whose file changed.

use std::sync::Arc;

use bytes::Bytes;
use stowage_store::local::LocalStore;
use stowage_store::{ErrorKind, ObjectStore, PutOptions};
use stowage_sync::journal::{modified_ns, UploadKey};
use stowage_sync::{recover, upload, Journal, NoEvents, Tuning};
use tokio_util::sync::CancellationToken;

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn unchanged_files_continue_and_changed_ones_are_aborted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::open(dir.path().join("store")).expect("open"));
    store.create_container("runs").await.expect("container");
    let journal = Arc::new(Journal::open(&dir.path().join("journal.sqlite")).expect("journal"));
    let tuning = Tuning { multipart_threshold: 5 * MIB as u64, min_part_size: 5 * MIB as u64, ..Tuning::default() };

    // Two uploads a crash stopped after their first part.
    let mut ids = Vec::new();
    for name in ["kept.bin", "edited.bin"] {
        let path = dir.path().join(name);
        let body: Vec<u8> = (0..12 * MIB).map(|i| (i % 241) as u8).collect();
        std::fs::write(&path, &body).expect("write");
        let key = format!("run-7/{name}");
        let parts = store.multipart().expect("this store uploads in parts");
        let id = parts.create_multipart("runs", &key, &PutOptions::default()).await.expect("create");
        let part = parts
            .upload_part("runs", &key, &id, 1, Bytes::copy_from_slice(&body[..5 * MIB]).into())
            .await
            .expect("part");
        let meta = std::fs::metadata(&path).expect("stat");
        let at = UploadKey { store: "here", container: "runs", key: &key };
        let row = journal
            .start(
                &at,
                &id,
                &path.display().to_string(),
                meta.len(),
                modified_ns(meta.modified().expect("mtime")),
                tuning.part_size(meta.len()),
            )
            .expect("journal");
        journal.part_done(row, &part).expect("journal part");
        ids.push((key, id));
    }
    std::fs::write(dir.path().join("edited.bin"), b"rewritten since").expect("edit");

    let recovery = recover(&journal, |name| (name == "here").then(|| store.clone())).await;
    assert_eq!(recovery.aborted.len(), 1);
    assert_eq!(recovery.aborted[0].0, "run-7/edited.bin");
    let err =
        store.multipart_or_err().expect("parts").list_parts("runs", &ids[1].0, &ids[1].1).await.expect_err("aborted");
    assert_eq!(err.kind(), ErrorKind::NotFound);

    assert_eq!(recovery.resume.len(), 1);
    for request in recovery.resume {
        assert_eq!(request.prefix, "run-7/");
        // A version that cuts files otherwise (6 MiB parts, 2 of them)
        // continues in the parts the upload was started with (5 MiB, 3).
        let later = Tuning { min_part_size: 6 * MIB as u64, ..tuning.clone() };
        let summary = upload(store.clone(), request, later, Arc::new(NoEvents), CancellationToken::new()).await;
        assert_eq!(summary.uploaded, 1, "{summary:?}");
    }
    let etag = store.head("runs", "run-7/kept.bin").await.expect("head").etag.expect("etag");
    assert!(etag.ends_with("-3"), "continued in its 5 MiB parts: {etag}");
    let dest = dir.path().join("check");
    stowage_store::files::get_to_file(store.as_ref(), "runs", "run-7/kept.bin", &dest).await.expect("download");
    assert!(std::fs::read(&dest).expect("read") == std::fs::read(dir.path().join("kept.bin")).expect("read"));
    assert_eq!(journal.all().expect("journal"), vec![], "the journal is empty again");
}
