//! Downloads continue from what an earlier try left (by range), and the
//! checksum still guards what comes out. Big objects come down in ranges,
//! and a later run fetches only the ranges an earlier one did not finish.

use std::sync::Arc;

use bytes::Bytes;
use stowage_store::memory::MemoryStore;
use stowage_store::ObjectStore;
use stowage_sync::{download, upload, DownloadRequest, Existing, NoEvents, Tuning, UploadRequest};
use tokio_util::sync::CancellationToken;

const MIB: u64 = 1024 * 1024;
/// One MiB as an index into a body.
const M: usize = 1024 * 1024;

#[tokio::test]
async fn an_interrupted_download_continues_and_is_checked() {
    let store: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    store.create_container("models").await.expect("container");
    let body: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let put = store.put("models", "runs/model.pt", Bytes::from(body.clone()), &Default::default()).await.expect("put");
    let etag = put.etag.expect("etag");
    let dir = tempfile::tempdir().expect("tempdir");
    let partial = dir.path().join(format!(".model.pt.{}.part", &etag[..12]));
    let request = || DownloadRequest {
        container: "models".into(),
        base_prefix: "runs/".into(),
        selection: vec!["runs/model.pt".into()],
        dest: dir.path().to_owned(),
        existing: Existing::Overwrite,
    };
    let run = || download(store.clone(), request(), Tuning::default(), Arc::new(NoEvents), CancellationToken::new());

    // An earlier try got the first 40,000 bytes right: the rest is appended.
    std::fs::write(&partial, &body[..40_000]).expect("partial");
    let summary = run().await;
    assert_eq!(summary.downloaded, 1, "{summary:?}");
    assert_eq!(std::fs::read(dir.path().join("model.pt")).expect("read"), body);
    assert!(!partial.exists(), "the partial file became the download");

    // A partial that does not match: continuing it gives a wrong checksum,
    // which is refused, and the partial is dropped so the next try is clean.
    std::fs::remove_file(dir.path().join("model.pt")).expect("remove");
    std::fs::write(&partial, vec![0u8; 40_000]).expect("bad partial");
    let summary = run().await;
    assert!(summary.failed[0].1.contains("different checksum"), "{summary:?}");
    assert!(!dir.path().join("model.pt").exists(), "nothing torn was placed");
    assert!(!partial.exists());
    let summary = run().await;
    assert_eq!(summary.downloaded, 1, "{summary:?}");
    assert_eq!(std::fs::read(dir.path().join("model.pt")).expect("read"), body);
}

#[tokio::test]
async fn a_big_object_comes_down_in_ranges_and_a_later_run_fetches_only_the_missing_ones() {
    let store: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    store.create_container("models").await.expect("container");
    // Ranges (and parts) of 1 MiB for anything over 2 MiB.
    let tuning = Tuning { multipart_threshold: 2 * MIB, min_part_size: MIB, ..Tuning::default() };
    let source = tempfile::tempdir().expect("tempdir");
    let body: Vec<u8> = (0..4 * MIB + MIB / 2).map(|i| (i % 251) as u8).collect();
    std::fs::write(source.path().join("model.pt"), &body).expect("write");
    let request = UploadRequest {
        sources: vec![source.path().join("model.pt")],
        container: "models".into(),
        prefix: "runs/".into(),
        existing: Existing::Overwrite,
        ask: None,
        resume: None,
    };
    let summary = upload(store.clone(), request, tuning.clone(), Arc::new(NoEvents), CancellationToken::new()).await;
    assert_eq!(summary.uploaded, 1, "{summary:?}");
    let etag = store.head("models", "runs/model.pt").await.expect("head").etag.expect("etag");
    assert!(etag.ends_with("-5"), "uploaded in parts, so no whole-file MD5 to check against: {etag}");

    let dir = tempfile::tempdir().expect("tempdir");
    let version: String = etag.chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    let partial = dir.path().join(format!(".model.pt.{version}.part"));
    let ledger = dir.path().join(format!(".model.pt.{version}.ranges.part"));
    // An earlier run finished ranges 0 and 2. They hold markers here, so the
    // result shows which ranges this run fetched.
    let mut earlier = vec![0u8; body.len()];
    earlier[..M].fill(b'A');
    earlier[2 * M..3 * M].fill(b'C');
    std::fs::write(&partial, &earlier).expect("partial");
    std::fs::write(&ledger, format!("stowage ranges v1 {MIB} {}\n0\n2\n", body.len())).expect("ledger");

    let request = DownloadRequest {
        container: "models".into(),
        base_prefix: "runs/".into(),
        selection: vec!["runs/model.pt".into()],
        dest: dir.path().to_owned(),
        existing: Existing::Overwrite,
    };
    let summary = download(store.clone(), request, tuning, Arc::new(NoEvents), CancellationToken::new()).await;
    assert_eq!(summary.downloaded, 1, "{summary:?}");
    let mut expected = body.clone();
    expected[..M].fill(b'A');
    expected[2 * M..3 * M].fill(b'C');
    assert!(
        std::fs::read(dir.path().join("model.pt")).expect("read") == expected,
        "ranges 1, 3 and 4 fetched, 0 and 2 kept"
    );
    assert!(!partial.exists() && !ledger.exists(), "the partial file and its ledger are gone");
}

#[tokio::test]
async fn a_ledger_that_does_not_match_the_object_starts_the_download_over() {
    let store: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    store.create_container("models").await.expect("container");
    let tuning = Tuning { multipart_threshold: 2 * MIB, min_part_size: MIB, ..Tuning::default() };
    let body: Vec<u8> = (0..4 * MIB + MIB / 2).map(|i| (i % 241) as u8).collect();
    let put = store.put("models", "model.pt", Bytes::from(body.clone()), &Default::default()).await.expect("put");
    let version: String = put.etag.expect("etag").chars().take(12).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    // Written with another range size: none of it can be trusted.
    std::fs::write(dir.path().join(format!(".model.pt.{version}.part")), vec![b'X'; body.len()]).expect("partial");
    std::fs::write(
        dir.path().join(format!(".model.pt.{version}.ranges.part")),
        format!("stowage ranges v1 {} {}\n0\n1\n", MIB / 2, body.len()),
    )
    .expect("ledger");
    let request = DownloadRequest {
        container: "models".into(),
        base_prefix: String::new(),
        selection: vec!["model.pt".into()],
        dest: dir.path().to_owned(),
        existing: Existing::Overwrite,
    };
    let summary = download(store, request, tuning, Arc::new(NoEvents), CancellationToken::new()).await;
    assert_eq!(summary.downloaded, 1, "{summary:?}");
    assert!(std::fs::read(dir.path().join("model.pt")).expect("read") == body);
}
