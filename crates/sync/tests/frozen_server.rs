//! A server that freezes longer than a request may stall: a Garage of the
//! test's own, stopped with SIGSTOP at a chosen request and thawed later, so
//! connections are taken and bytes pile up in the kernel's buffers while
//! nothing answers, as on a dropped Wi-Fi or a proxy that holds a connection.
//! Each transfer goes through the layers the app stacks (a profile's
//! [`Storage`] under a transfer's own), with a stall time of 3 s, and must
//! finish on its own with every byte as it was. The same through the fault
//! layer alone: a server that does the work but answers after the client
//! gave up.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stowage_store::layers::{Faults, Layered, Op};
use stowage_store::memory::MemoryStore;
use stowage_store::test_garage::{Garage, BUCKET};
use stowage_store::{ListOptions, ObjectStore, Storage, StoragePolicy};
use stowage_sync::watch::{run, DeletePolicy, Timing, WatchDeps, WatchState, WatchStatus, WatchedFolder};
use stowage_sync::{
    apply, download, prepare, upload, Direction, DownloadRequest, Existing, Journal, Mode, NoEvents, PlanOptions,
    Resume, Summary, SyncRequest, SyncState, Tuning, UploadRequest,
};
use tokio_util::sync::CancellationToken;

/// How long a request may show no progress here.
const STALL: Duration = Duration::from_secs(3);
/// How long the server stays frozen: several stall times (tries left
/// midway pile up on the server), inside the five tries a request gets.
const FREEZE: Duration = Duration::from_secs(12);

/// A profile's storage over `backend`, as the app builds it, with a short stall time.
fn storage(backend: Arc<dyn ObjectStore>, stall: Duration) -> Storage {
    Storage::new(backend, StoragePolicy { stall, ..StoragePolicy::default() })
}

/// Garage behind a fault layer whose hook freezes it before the `nth` call of `op`.
struct Frozen {
    garage: Arc<Garage>,
    faults: Layered<Faults>,
    thawed: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
}

impl Frozen {
    fn at(op: Op, nth: u64, freeze: Duration) -> Self {
        let garage = Arc::new(Garage::start());
        let faults = Faults::wrap(Arc::new(garage.store()));
        let thawed = Arc::new(Mutex::new(None));
        let (g, t) = (garage.clone(), thawed.clone());
        faults.before(op, nth, move || {
            *t.lock().expect("lock") = Some(g.freeze_for(freeze));
        });
        Self { garage, faults, thawed }
    }

    fn storage(&self) -> Storage {
        storage(Arc::new(self.faults.clone()), STALL)
    }

    /// Whether the freeze happened, and is over.
    fn was_frozen_and_thawed(&self) -> bool {
        match self.thawed.lock().expect("lock").take() {
            Some(handle) => handle.join().is_ok(),
            None => false,
        }
    }
}

/// A file of `len` bytes that differ from offset to offset.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| ((i * 31 + usize::from(seed) * 7) % 251) as u8).collect()
}

async fn read(store: &dyn ObjectStore, container: &str, key: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("read");
    stowage_store::files::get_to_file(store, container, key, &dest).await.expect("read back");
    std::fs::read(dest).expect("read")
}

fn upload_request(sources: Vec<std::path::PathBuf>, resume: Option<Resume>) -> UploadRequest {
    UploadRequest {
        sources,
        container: BUCKET.into(),
        prefix: "up".into(),
        existing: Existing::Overwrite,
        ask: None,
        resume,
    }
}

async fn send(storage: &Storage, request: UploadRequest, tuning: Tuning) -> Summary {
    upload(storage.shared(), request, tuning, Arc::new(NoEvents), CancellationToken::new()).await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the garage binary (scripts/deps --test installs it)"]
async fn a_multipart_upload_finishes_through_a_freeze_longer_than_a_request_may_stall() {
    // 25 parts, frozen at the twelfth part request: ten go at once, some
    // halfway. The abandoned tries' first bytes reach Garage at the thaw
    // and, without the engine sending those parts again, one of them
    // stands in for a finished part (the InvalidPart).
    let frozen = Frozen::at(Op::UploadPart, 12, FREEZE);
    let dir = tempfile::tempdir().expect("tempdir");
    let body = pattern(200 << 20, 1);
    std::fs::write(dir.path().join("ckpt.pt"), &body).expect("write");

    let summary =
        send(&frozen.storage(), upload_request(vec![dir.path().join("ckpt.pt")], None), Tuning::default()).await;

    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.uploaded, 1);
    assert!(frozen.was_frozen_and_thawed());
    assert!(frozen.faults.calls(Op::UploadPart) > 25, "parts were sent again after the stall time");
    assert!(read(&frozen.garage.store(), BUCKET, "up/ckpt.pt").await == body, "every byte as it was");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the garage binary (scripts/deps --test installs it)"]
async fn single_request_uploads_finish_through_a_freeze() {
    let frozen = Frozen::at(Op::Put, 2, FREEZE);
    let dir = tempfile::tempdir().expect("tempdir");
    let files: Vec<(String, Vec<u8>)> =
        (0..4u8).map(|i| (format!("f{i}.bin"), pattern((3 << 20) + usize::from(i) * 1001, i))).collect();
    for (name, body) in &files {
        std::fs::write(dir.path().join(name), body).expect("write");
    }

    let summary = send(&frozen.storage(), upload_request(vec![dir.path().to_owned()], None), Tuning::default()).await;

    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.uploaded, files.len() as u64);
    assert!(frozen.was_frozen_and_thawed());
    let folder = dir.path().file_name().and_then(|n| n.to_str()).expect("name").to_owned();
    for (name, body) in &files {
        let key = format!("up/{folder}/{name}");
        assert!(read(&frozen.garage.store(), BUCKET, &key).await == *body, "{key} as it was");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the garage binary (scripts/deps --test installs it)"]
async fn a_ranged_download_finishes_through_a_freeze() {
    let frozen = Frozen::at(Op::Get, 2, FREEZE);
    let body = pattern(40 << 20, 3);
    let options = stowage_store::PutOptions::default();
    frozen.garage.store().put(BUCKET, "ckpt/model.bin", body.clone().into(), &options).await.expect("seed");
    let dir = tempfile::tempdir().expect("tempdir");
    let request = DownloadRequest {
        container: BUCKET.into(),
        base_prefix: "ckpt/".into(),
        selection: vec!["ckpt/model.bin".into()],
        dest: dir.path().to_owned(),
        existing: Existing::Overwrite,
    };

    let storage = frozen.storage();
    let summary =
        download(storage.shared(), request, Tuning::default(), Arc::new(NoEvents), CancellationToken::new()).await;

    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert!(frozen.was_frozen_and_thawed());
    assert!(std::fs::read(dir.path().join("model.bin")).expect("read") == body, "every byte as it was");
}

/// A pull of `prefix` into `folder`.
fn pull(folder: &Path, prefix: &str) -> SyncRequest {
    SyncRequest {
        folder: folder.to_owned(),
        store_name: "frozen".into(),
        container: BUCKET.into(),
        prefix: prefix.into(),
        options: PlanOptions::new(Mode::Pull, Direction::Down),
        includes: vec![],
        excludes: vec![],
        backup_prefix: None,
        follow_links: false,
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the garage binary (scripts/deps --test installs it)"]
async fn a_sync_whose_listing_meets_a_freeze_plans_and_applies_everything() {
    // 1,100 keys in one folder: the listing takes two pages, and the second meets the freeze.
    let frozen = Frozen::at(Op::List, 2, FREEZE);
    let seeded = seed(&frozen.garage.store(), "data/", 1_100).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("pulled");
    std::fs::create_dir(&folder).expect("mkdir");
    let state = SyncState::open(&dir.path().join("state.sqlite")).expect("state");
    let storage = frozen.storage();
    let request = pull(&folder, "data");

    let prepared = prepare(storage.store().as_ref(), &request, &state, &Tuning::default()).await.expect("plan");
    assert!(frozen.was_frozen_and_thawed());
    assert_eq!(prepared.plan.count(stowage_sync::OpKind::Download).0, 1_100, "every key was listed");
    let tuning = Tuning::default();
    let summary =
        apply(storage.shared(), prepared, &request, &state, tuning, Arc::new(NoEvents), CancellationToken::new(), None)
            .await;

    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    for (key, body) in &seeded {
        let path = folder.join(key.trim_start_matches("data/"));
        assert!(std::fs::read(&path).expect("read") == *body, "{key} as it was");
    }
}

/// `count` small objects under `prefix`, each with its own bytes.
async fn seed(store: &dyn ObjectStore, prefix: &str, count: usize) -> BTreeMap<String, Vec<u8>> {
    use futures::{StreamExt, TryStreamExt};
    let objects: BTreeMap<String, Vec<u8>> =
        (0..count).map(|i| (format!("{prefix}{i:05}.txt"), format!("object {i}").into_bytes())).collect();
    let options = stowage_store::PutOptions::default();
    futures::stream::iter(&objects)
        .map(|(key, body)| store.put(BUCKET, key, body.clone().into(), &options))
        .buffer_unordered(32)
        .try_collect::<Vec<_>>()
        .await
        .expect("seed");
    objects
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the garage binary (scripts/deps --test installs it)"]
async fn a_watch_round_that_meets_a_freeze_ends_in_sync() {
    let frozen = Frozen::at(Op::Put, 2, FREEZE);
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("run");
    std::fs::create_dir(&folder).expect("mkdir");
    let files: Vec<(String, Vec<u8>)> = (0..5u8).map(|i| (format!("e{i}.log"), pattern(200_000, i))).collect();
    for (name, body) in &files {
        std::fs::write(folder.join(name), body).expect("write");
    }
    let state = Arc::new(SyncState::open(&dir.path().join("state.sqlite")).expect("state"));
    let watched = WatchedFolder::new(
        folder.display().to_string(),
        "frozen".into(),
        BUCKET.into(),
        "watched/".into(),
        DeletePolicy::Propagate,
        "trash/".into(),
        vec![],
    );
    let deps = WatchDeps { storage: frozen.storage(), state, resume: None, tuning: Tuning::default() };
    let timing = Timing {
        stable: Duration::ZERO,
        debounce: Duration::from_millis(100),
        full_rescan: Duration::from_secs(3600),
        poll: Duration::from_secs(3600),
        retry: Duration::from_millis(500),
    };
    let (tx, mut status) = tokio::sync::watch::channel(WatchStatus::new(WatchState::Starting));
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run(watched, deps, timing, tx, cancel.clone()));

    // The first round meets the freeze; it ends in sync without another.
    let in_sync = |s: &WatchStatus| s.state == WatchState::Idle && s.last_sync_ms.is_some();
    let settled =
        tokio::time::timeout(Duration::from_secs(120), status.wait_for(in_sync)).await.is_ok_and(|s| s.is_ok());
    let last = status.borrow().clone();
    cancel.cancel();
    let _ = task.await;
    assert!(settled, "the watch did not settle: {last:?}");
    assert!(frozen.was_frozen_and_thawed());
    for (name, body) in &files {
        let key = format!("watched/{name}");
        assert!(read(&frozen.garage.store(), BUCKET, &key).await == *body, "{key} as it was");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_part_answered_after_the_client_gave_up_is_sent_again_and_the_upload_completes() {
    // The store stores the part, then answers 4 s late; the client waits
    // 1 s (room for a busy machine's other parts, which must not time out).
    let memory: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    memory.create_container("box").await.expect("container");
    let faults = Faults::wrap(memory.clone());
    faults.stall(Op::UploadPart, Duration::from_secs(4), 1);
    let stalling = storage(Arc::new(faults.clone()), Duration::from_secs(1));
    let dir = tempfile::tempdir().expect("tempdir");
    let body = pattern(20 << 20, 5);
    std::fs::write(dir.path().join("w.bin"), &body).expect("write");
    let request = UploadRequest { container: "box".into(), ..upload_request(vec![dir.path().join("w.bin")], None) };
    let tuning = Tuning { multipart_threshold: 5 << 20, min_part_size: 5 << 20, ..Tuning::default() };

    let summary = send(&stalling, request, tuning).await;

    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(faults.calls(Op::UploadPart), 5, "four parts, one of them twice");
    assert!(read(memory.as_ref(), "box", "up/w.bin").await == body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_answered_after_the_client_gave_up_is_asked_again_and_the_plan_is_whole() {
    let memory: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    memory.create_container(BUCKET).await.expect("container");
    seed(memory.as_ref(), "data/", 30).await;
    let faults = Faults::wrap(memory.clone());
    faults.stall(Op::List, Duration::from_secs(4), 1);
    let stalling = storage(Arc::new(faults.clone()), Duration::from_secs(1));
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("pulled");
    std::fs::create_dir(&folder).expect("mkdir");
    let state = SyncState::open(&dir.path().join("state.sqlite")).expect("state");

    let prepared = prepare(stalling.store().as_ref(), &pull(&folder, "data"), &state, &Tuning::default())
        .await
        .expect("the plan's listing is retried");

    assert_eq!(prepared.plan.count(stowage_sync::OpKind::Download).0, 30);
    assert!(faults.calls(Op::List) >= 2, "the listing was asked again");
}

/// Counts the objects under `prefix`.
async fn listed(store: &dyn ObjectStore, prefix: &str) -> usize {
    store.list(BUCKET, &ListOptions::recursive(prefix)).await.expect("list").objects.len()
}

/// Run alone by scripts/test (it takes five minutes, in the background of
/// the other tests): the app's own stall time and retries.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "slow (5 minutes); scripts/test runs it once on its own"]
async fn slow_a_five_minute_freeze_fails_clearly_and_retry_continues_from_the_landed_parts() {
    // Parts one at a time, so exactly three land before the freeze.
    let frozen = Frozen::at(Op::UploadPart, 4, Duration::from_secs(300));
    let storage = Storage::new(Arc::new(frozen.faults.clone()), StoragePolicy::default());
    let dir = tempfile::tempdir().expect("tempdir");
    let body = pattern(48 << 20, 9);
    let path = dir.path().join("ckpt.pt");
    std::fs::write(&path, &body).expect("write");
    let journal = Arc::new(Journal::open(&dir.path().join("journal.sqlite")).expect("journal"));
    let resume = Some(Resume { journal: journal.clone(), store: "frozen".into() });
    let tuning = Tuning { parts_per_file: 1, ..Tuning::default() };
    let started = Instant::now();

    let failed = send(&storage, upload_request(vec![path.clone()], resume.clone()), tuning.clone()).await;

    let (_, message) = failed.failed.first().expect("the upload fails while the server is frozen").clone();
    assert!(started.elapsed() < Duration::from_secs(300), "it fails before the server thaws");
    assert!(message.contains("did not answer within 30 seconds"), "{message}");
    assert!(message.contains("Retry continues from them"), "{message}");
    assert!(frozen.was_frozen_and_thawed());
    assert_eq!(listed(&frozen.garage.store(), "up/").await, 0, "no object yet");

    let before = frozen.faults.calls(Op::UploadPart);
    let retried = send(&storage, upload_request(vec![path], resume), tuning).await;

    assert!(retried.failed.is_empty(), "{:?}", retried.failed);
    assert_eq!(frozen.faults.calls(Op::CreateMultipart), 1, "Retry continued the same multipart upload");
    // Parts 4 to 6, and at most those three again if a late start of a try
    // abandoned in the freeze stood in for one of them: never parts 1 to 3.
    let sent_again = frozen.faults.calls(Op::UploadPart) - before;
    assert!((3..=6).contains(&sent_again), "{sent_again} part requests after the thaw");
    assert!(read(&frozen.garage.store(), BUCKET, "up/ckpt.pt").await == body, "every byte as it was");
}
