//! Downloads continue from what an earlier try left (by range), and the
//! checksum still guards what comes out.

use std::sync::Arc;

use bytes::Bytes;
use stowage_store::memory::MemoryStore;
use stowage_store::ObjectStore;
use stowage_sync::{download, DownloadRequest, EventSink, Existing, TransferEvent, Tuning};
use tokio_util::sync::CancellationToken;

struct Quiet;
impl EventSink for Quiet {
    fn send(&self, _: TransferEvent) {}
}

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
    let run = || download(store.clone(), request(), Tuning::default(), Arc::new(Quiet), CancellationToken::new());

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
