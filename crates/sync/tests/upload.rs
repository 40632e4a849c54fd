//! Uploads of real files into every backend: memory and local always, S3
//! against the Garage server that scripts/test starts.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use stowage_store::layers::{Layer, Layered, Op};
use stowage_store::local::LocalStore;
use stowage_store::memory::MemoryStore;
use stowage_store::test_env;
use stowage_store::*;
use stowage_sync::{
    upload, Answer, AskConflict, Conflict, EventSink, Existing, FileOutcome, PauseGate, Summary, Tracker,
    TransferEvent, Tuning, UploadRequest,
};
use tokio_util::sync::CancellationToken;

const MIB: usize = 1024 * 1024;

/// Small parts so multipart paths run on small files.
fn tuning() -> Tuning {
    Tuning { multipart_threshold: 5 * MIB as u64, min_part_size: 5 * MIB as u64, ..Tuning::default() }
}

#[derive(Default)]
struct Recorder(Mutex<Vec<TransferEvent>>);

impl EventSink for Recorder {
    fn send(&self, event: TransferEvent) {
        self.0.lock().expect("lock").push(event);
    }
}

fn bytes(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    /// The tree the issue lists: empty and tiny files, exactly one part and
    /// one byte more, unicode and spaces, empty folders, a symlink loop and
    /// an entry that cannot be read.
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("dataset");
        let files: [(&str, Vec<u8>); 6] = [
            ("empty.txt", vec![]),
            ("one.bin", vec![7]),
            ("exact part.bin", bytes(5 * MIB, 1)),
            ("part plus one.bin", bytes(5 * MIB + 1, 2)),
            ("données/été 2024.txt", b"bonjour".to_vec()),
            ("deep/a/b/three parts.bin", bytes(12 * MIB + 5, 3)),
        ];
        for (name, body) in &files {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, body).expect("write");
        }
        std::fs::create_dir_all(root.join("empty/inner")).expect("mkdir");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, root.join("deep/loop")).expect("symlink loop");
            std::os::unix::fs::symlink(root.join("gone"), root.join("dangling")).expect("dangling symlink");
        }
        Self { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("dataset")
    }
}

async fn run(
    store: Arc<dyn ObjectStore>,
    container: &str,
    sources: Vec<PathBuf>,
    existing: Existing,
) -> (Summary, Vec<TransferEvent>) {
    let recorder = Arc::new(Recorder::default());
    let request =
        UploadRequest { sources, container: container.into(), prefix: "in/".into(), existing, ask: None, resume: None };
    let summary = upload(store, request, tuning(), recorder.clone(), CancellationToken::new()).await;
    let events = recorder.0.lock().expect("lock").clone();
    (summary, events)
}

async fn read(store: &dyn ObjectStore, container: &str, key: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("x");
    stowage_store::files::get_to_file(store, container, key, &dest).await.unwrap_or_else(|e| panic!("{key}: {e}"));
    std::fs::read(dest).expect("read")
}

async fn round_trip(store: Arc<dyn ObjectStore>, container: &str) {
    store.create_container(container).await.expect("container");
    let tree = Tree::new();
    let (summary, events) = run(store.clone(), container, vec![tree.root()], Existing::Overwrite).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.uploaded, 6);
    let reasons: Vec<&str> = summary.skipped_paths.iter().map(|s| s.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("no empty folders")), "{reasons:?}");
    #[cfg(unix)]
    {
        assert!(reasons.iter().any(|r| r.contains("loops back")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("cannot be read")), "{reasons:?}");
    }
    for name in [
        "empty.txt",
        "one.bin",
        "exact part.bin",
        "part plus one.bin",
        "données/été 2024.txt",
        "deep/a/b/three parts.bin",
    ] {
        let local = std::fs::read(tree.root().join(name)).expect("local");
        assert_eq!(read(store.as_ref(), container, &format!("in/dataset/{name}")).await, local, "{name}");
    }
    // Progress adds up, and the last event is Finished.
    let mut tracker = Tracker::default();
    events.iter().for_each(|e| tracker.apply(e));
    assert_eq!((tracker.files_done, tracker.bytes_done), (tracker.files_total, tracker.bytes_total));
    assert!(matches!(events.last(), Some(TransferEvent::Finished { .. })));

    // Again: everything is identical, nothing is sent.
    let (again, _) = run(store.clone(), container, vec![tree.root()], Existing::Overwrite).await;
    assert_eq!((again.uploaded, again.identical), (0, 6), "{again:?}");

    // A changed file: skip, keep both, or overwrite.
    std::fs::write(tree.root().join("one.bin"), b"changed").expect("write");
    let (skip, _) = run(store.clone(), container, vec![tree.root()], Existing::Skip).await;
    assert_eq!((skip.skipped_existing, skip.identical, skip.uploaded), (1, 5, 0), "{skip:?}");
    let (both, events) = run(store.clone(), container, vec![tree.root()], Existing::KeepBoth).await;
    assert_eq!(both.uploaded, 1, "{both:?}");
    let kept = events.iter().find_map(|e| match e {
        TransferEvent::FileDone { outcome: FileOutcome::Uploaded { key, .. }, .. } => Some(key.clone()),
        _ => None,
    });
    assert_eq!(kept.as_deref(), Some("in/dataset/one (1).bin"));
    assert_eq!(read(store.as_ref(), container, "in/dataset/one (1).bin").await, b"changed");
    assert_eq!(read(store.as_ref(), container, "in/dataset/one.bin").await, [7]);
    let (over, _) = run(store.clone(), container, vec![tree.root()], Existing::Overwrite).await;
    assert_eq!((over.uploaded, over.replaced), (0, 1), "a replaced object is counted apart");
    assert_eq!(read(store.as_ref(), container, "in/dataset/one.bin").await, b"changed");
}

/// Answers conflicts from a script, recording each question.
#[derive(Debug, Default)]
struct Person {
    answers: Mutex<Vec<Answer>>,
    asked: Mutex<Vec<Conflict>>,
}

#[async_trait]
impl AskConflict for Person {
    async fn ask(&self, conflict: Conflict) -> Option<Answer> {
        self.asked.lock().expect("lock").push(conflict);
        let next = self.answers.lock().expect("lock").pop();
        match next {
            Some(answer) => Some(answer),
            // Nobody answers: wait until the transfer is cancelled.
            None => std::future::pending().await,
        }
    }
}

fn ask(
    store: &Arc<dyn ObjectStore>,
    container: &str,
    root: PathBuf,
    person: Option<Arc<dyn AskConflict>>,
) -> impl std::future::Future<Output = Summary> {
    let request = UploadRequest {
        sources: vec![root],
        container: container.into(),
        prefix: String::new(),
        existing: Existing::Ask,
        ask: person,
        resume: None,
    };
    upload(store.clone(), request, tuning(), Arc::new(Recorder::default()), CancellationToken::new())
}

/// Three different objects are in the way: the first answer (Skip) is for
/// one file, the second (Replace, for all) settles the rest unasked.
async fn conflicts_are_asked(store: Arc<dyn ObjectStore>, container: &str) {
    store.create_container(container).await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("ckpt");
    std::fs::create_dir_all(&root).expect("mkdir");
    let names = ["epoch-01.pt", "epoch-02.pt", "epoch-03.pt"];
    for name in names {
        std::fs::write(root.join(name), b"first run").expect("write");
    }
    let first = ask(&store, container, root.clone(), None).await;
    assert_eq!(first.uploaded, 3, "nothing in the way, nothing asked: {first:?}");
    for name in names {
        std::fs::write(root.join(name), b"second run, longer").expect("write");
    }

    let person = Arc::new(Person::default());
    *person.answers.lock().expect("lock") =
        vec![Answer { choice: Existing::Overwrite, for_all: true }, Answer { choice: Existing::Skip, for_all: false }];
    let asked = ask(&store, container, root.clone(), Some(person.clone())).await;
    assert_eq!((asked.skipped_existing, asked.replaced, asked.uploaded), (1, 2, 0), "{asked:?}");
    let questions = person.asked.lock().expect("lock").clone();
    assert_eq!(questions.len(), 2, "the answer for all is not asked again: {questions:?}");
    assert_eq!((questions[0].local_size, questions[0].remote_size), (18, 9));
    let mut stored = Vec::new();
    for name in names {
        stored.push(read(store.as_ref(), container, &format!("ckpt/{name}")).await);
    }
    assert_eq!(stored.iter().filter(|b| b.as_slice() == b"first run").count(), 1, "the skipped one is kept");

    // Nobody to ask: the different object stays, the replaced ones are identical.
    let alone = ask(&store, container, root.clone(), None).await;
    assert_eq!((alone.skipped_existing, alone.identical), (1, 2), "{alone:?}");

    // Cancelled while the question is open: nothing changes.
    let cancel = CancellationToken::new();
    let silent: Arc<dyn AskConflict> = Arc::new(Person::default());
    let running = tokio::spawn({
        let (store, container, cancel) = (store.clone(), container.to_owned(), cancel.clone());
        async move {
            let request = UploadRequest {
                sources: vec![root],
                container,
                prefix: String::new(),
                existing: Existing::Ask,
                ask: Some(silent),
                resume: None,
            };
            upload(store, request, tuning(), Arc::new(Recorder::default()), cancel).await
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    cancel.cancel();
    let cancelled = running.await.expect("join");
    assert!(cancelled.cancelled && cancelled.replaced == 0, "{cancelled:?}");
    let mut after = Vec::new();
    for name in names {
        after.push(read(store.as_ref(), container, &format!("ckpt/{name}")).await);
    }
    assert_eq!(after, stored);
}

/// Objects carry the type their extension names, small and multipart alike.
async fn content_types_follow_extensions(store: Arc<dyn ObjectStore>, container: &str) {
    store.create_container(container).await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("set");
    std::fs::create_dir_all(&root).expect("mkdir");
    let files = [
        ("cat.jpg", 10, "image/jpeg"),
        ("labels.csv", 10, "text/csv"),
        ("meta.json", 10, "application/json"),
        ("shard-0000.tar", 6 * MIB, "application/x-tar"),
        ("weights.unknownext", 10, "application/octet-stream"),
        ("README", 10, "application/octet-stream"),
    ];
    for (name, size, _) in files {
        std::fs::write(root.join(name), vec![1; size]).expect("write");
    }
    let (summary, _) = run(store.clone(), container, vec![root], Existing::Overwrite).await;
    assert_eq!(summary.uploaded, 6, "{summary:?}");
    for (name, _, expected) in files {
        let info = store.head(container, &format!("in/set/{name}")).await.expect("head");
        assert_eq!(info.content_type.as_deref(), Some(expected), "{name}");
    }
}

#[tokio::test]
async fn content_types_follow_extensions_memory() {
    content_types_follow_extensions(Arc::new(MemoryStore::new()), "typed").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn content_types_follow_extensions_s3() {
    content_types_follow_extensions(s3(), &test_env::unique_container("typed")).await;
}

#[tokio::test]
async fn conflicts_are_asked_memory() {
    conflicts_are_asked(Arc::new(MemoryStore::new()), "asked").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn conflicts_are_asked_s3() {
    conflicts_are_asked(s3(), &test_env::unique_container("asked")).await;
}

/// A layer that appends to a source file while a part of it uploads.
#[derive(Debug)]
struct AppendWhileUploading {
    file: PathBuf,
    /// How many uploads of parts append (then it stops).
    times: AtomicUsize,
}

impl AppendWhileUploading {
    fn over(inner: Arc<dyn ObjectStore>, file: &Path, times: usize) -> Arc<dyn ObjectStore> {
        Arc::new(Layered::new(inner, Self { file: file.to_owned(), times: AtomicUsize::new(times) }))
    }
}

impl Layer for AppendWhileUploading {
    async fn around<T, F, Fut>(&self, op: Op, _sent: u64, mut call: F) -> Result<T>
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        if op == Op::UploadPart
            && self.times.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| t.checked_sub(1)).is_ok()
        {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().append(true).open(&self.file).expect("open");
            f.write_all(b"appended while uploading").expect("append");
        }
        call().await
    }
}

async fn appended_while_uploading(store: Arc<dyn ObjectStore>, container: &str) {
    store.create_container(container).await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("log.bin");

    // Appended once: the upload is abandoned, retried, and the final content arrives.
    std::fs::write(&file, bytes(11 * MIB, 9)).expect("write");
    let once = AppendWhileUploading::over(store.clone(), &file, 1);
    let (summary, _) = run(once, container, vec![file.clone()], Existing::Overwrite).await;
    assert_eq!(summary.uploaded, 1, "{summary:?}");
    assert_eq!(read(store.as_ref(), container, "in/log.bin").await, std::fs::read(&file).expect("read"));

    // Appended on every try: reported, and nothing torn is stored.
    std::fs::write(&file, bytes(11 * MIB, 10)).expect("write");
    let always = AppendWhileUploading::over(store.clone(), &file, usize::MAX);
    let (summary, _) = run(always, container, vec![file.clone()], Existing::Overwrite).await;
    assert_eq!(summary.uploaded, 0);
    assert!(summary.failed[0].1.contains("changed while uploading"), "{summary:?}");
    let stored = read(store.as_ref(), container, "in/log.bin").await;
    assert_eq!(stored.len(), 11 * MIB + "appended while uploading".len(), "the earlier complete version stays");
}

fn s3() -> Arc<dyn ObjectStore> {
    Arc::new(test_env::s3_store())
}

#[tokio::test]
async fn round_trip_memory() {
    round_trip(Arc::new(MemoryStore::new()), "uploads").await;
}

#[tokio::test]
async fn round_trip_local() {
    let dir = tempfile::tempdir().expect("tempdir");
    round_trip(Arc::new(LocalStore::open(dir.path()).expect("open")), "uploads").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn round_trip_s3() {
    round_trip(s3(), &test_env::unique_container("uploads")).await;
}

#[tokio::test]
async fn appended_while_uploading_local() {
    let dir = tempfile::tempdir().expect("tempdir");
    appended_while_uploading(Arc::new(LocalStore::open(dir.path()).expect("open")), "growing").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn appended_while_uploading_s3() {
    appended_while_uploading(s3(), &test_env::unique_container("growing")).await;
}

/// A paused transfer sends nothing (it has listed the destination and
/// waits); resumed, it finishes. Cancelled while paused, it ends at once.
#[tokio::test]
async fn a_paused_upload_waits_and_then_finishes() {
    let store: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    store.create_container("paused").await.expect("container");
    let tree = Tree::new();
    let gate = PauseGate::default();
    gate.set_paused(true);
    let recorder = Arc::new(Recorder::default());
    let request = UploadRequest {
        sources: vec![tree.root()],
        container: "paused".into(),
        prefix: String::new(),
        existing: Existing::Overwrite,
        ask: None,
        resume: None,
    };
    let running = tokio::spawn(upload(
        store.clone(),
        request,
        Tuning { pause: gate.clone(), ..tuning() },
        recorder.clone(),
        CancellationToken::new(),
    ));
    // Every request waits at the gate, the destination's listing included.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let listed = store.list("paused", &ListOptions::recursive("")).await.expect("list");
    assert!(listed.objects.is_empty(), "nothing is sent while paused: {:?}", listed.objects);
    assert!(!running.is_finished());
    let started = recorder.0.lock().expect("lock").iter().any(|e| matches!(e, TransferEvent::Started { .. }));
    assert!(!started, "not even the listing went out");

    gate.set_paused(false);
    let summary = running.await.expect("join");
    assert_eq!(summary.uploaded, 6, "{summary:?}");

    // Cancelled while paused: it does not wait for a resume.
    gate.set_paused(true);
    let request = UploadRequest {
        sources: vec![tree.root()],
        container: "paused".into(),
        prefix: "again/".into(),
        existing: Existing::Overwrite,
        ask: None,
        resume: None,
    };
    let cancel = CancellationToken::new();
    let running = tokio::spawn(upload(
        store,
        request,
        Tuning { pause: gate, ..tuning() },
        Arc::new(Recorder::default()),
        cancel.clone(),
    ));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    cancel.cancel();
    let summary = running.await.expect("join");
    assert!(summary.cancelled, "{summary:?}");
}

/// Small files keep the whole request pool busy: the memory budget counts
/// what each file holds, not a MiB apiece (which allowed 128 at a time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_files_fill_the_request_pool() {
    let store = Arc::new(MemoryStore::with_latency(std::time::Duration::from_millis(300)));
    store.create_container("many").await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..600 {
        std::fs::write(dir.path().join(format!("f{i:03}")), bytes(16 * 1024, i as u8)).expect("write");
    }
    let (summary, _) = run(store.clone(), "many", vec![dir.path().to_owned()], Existing::Overwrite).await;
    assert_eq!(summary.uploaded, 600, "{summary:?}");
    let (peak, allowed) = (store.peak_puts_in_flight(), tuning().concurrency as u64);
    assert!(peak > 200 && peak <= allowed, "{peak} puts in flight at most, with {allowed} allowed");
}

/// The files found wait in a temporary file beside the journal past a few
/// thousand: every one of 12,001 still arrives under its key, and nothing
/// is left in the journal's folder but the journal.
#[tokio::test]
async fn an_upload_of_more_files_than_it_holds_sends_each_one() {
    let store = Arc::new(MemoryStore::new());
    store.create_container("many").await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("shards");
    let names: Vec<String> = (0..12_001).map(|i| format!("d{}/f-{i}.bin", i % 7)).collect();
    for (i, name) in names.iter().enumerate() {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, i.to_string()).expect("write");
    }
    let data = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(stowage_sync::Journal::open(&data.path().join("journal.sqlite")).expect("journal"));
    let recorder = Arc::new(Recorder::default());
    let request = UploadRequest {
        sources: vec![root],
        container: "many".into(),
        prefix: String::new(),
        existing: Existing::Overwrite,
        ask: None,
        resume: Some(stowage_sync::upload::Resume { journal, store: "test".into() }),
    };
    let summary = upload(store.clone(), request, tuning(), recorder.clone(), CancellationToken::new()).await;
    assert_eq!((summary.uploaded, summary.failed.len()), (12_001, 0), "{:?}", summary.failed);
    assert_eq!(read(store.as_ref(), "many", "shards/d6/f-9995.bin").await, b"9995");
    let leftovers: Vec<_> =
        std::fs::read_dir(data.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert!(leftovers.iter().all(|name| name.to_string_lossy().starts_with("journal.sqlite")), "{leftovers:?}");
}

/// A backend with only the nine calls every store has: no multipart
/// uploads, versions or share links (a plain HTTP or WebDAV store would be so).
#[derive(Debug)]
struct CoreOnly(Arc<dyn ObjectStore>);

#[async_trait]
impl ObjectStore for CoreOnly {
    async fn list_containers(&self) -> Result<Vec<ContainerInfo>> {
        self.0.list_containers().await
    }
    async fn create_container(&self, name: &str) -> Result<()> {
        self.0.create_container(name).await
    }
    async fn delete_container(&self, name: &str) -> Result<()> {
        self.0.delete_container(name).await
    }
    async fn list(&self, c: &str, o: &ListOptions) -> Result<ListPage> {
        self.0.list(c, o).await
    }
    async fn head(&self, c: &str, k: &str) -> Result<ObjectInfo> {
        self.0.head(c, k).await
    }
    async fn get(&self, c: &str, k: &str, o: &GetOptions) -> Result<GetResult> {
        self.0.get(c, k, o).await
    }
    async fn put(&self, c: &str, k: &str, b: bytes::Bytes, o: &PutOptions) -> Result<PutResult> {
        self.0.put(c, k, b, o).await
    }
    async fn copy(&self, c: &str, from: &str, to: &str) -> Result<PutResult> {
        self.0.copy(c, from, to).await
    }
    async fn delete(&self, c: &str, k: &str) -> Result<()> {
        self.0.delete(c, k).await
    }
}

/// Big files go to a store without multipart uploads in one put, through
/// the transfer's layers, and the same file sent again is known as identical
/// (its ETag is the plain MD5 the store gave, not a multipart one).
async fn a_store_without_parts_takes_big_files_whole(inner: Arc<dyn ObjectStore>, container: &str) {
    let core: Arc<dyn ObjectStore> = Arc::new(CoreOnly(inner));
    assert_eq!(core.capabilities(), Capabilities { multipart: false, versions: false, share_links: false });
    core.create_container(container).await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("weights.bin");
    let body = bytes(12 * MIB, 4);
    std::fs::write(&file, &body).expect("write");

    let layered = tuning().transfer_store(core.clone(), &CancellationToken::new());
    assert!(layered.multipart().is_none(), "layers do not add what the store lacks");
    let (summary, _) = run(layered.clone(), container, vec![file.clone()], Existing::Overwrite).await;
    assert_eq!(summary.uploaded, 1, "{summary:?}");
    assert_eq!(read(core.as_ref(), container, "in/weights.bin").await, body);
    let etag = core.head(container, "in/weights.bin").await.expect("head").etag.expect("etag");
    assert!(!etag.contains('-'), "one put, not parts: {etag}");

    let (again, _) = run(layered, container, vec![file], Existing::Overwrite).await;
    assert_eq!((again.identical, again.uploaded, again.replaced), (1, 0, 0), "{again:?}");
}

#[tokio::test]
async fn a_store_without_parts_takes_big_files_whole_memory() {
    a_store_without_parts_takes_big_files_whole(Arc::new(MemoryStore::new()), "plain").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn a_store_without_parts_takes_big_files_whole_s3() {
    a_store_without_parts_takes_big_files_whole(s3(), &test_env::unique_container("plain")).await;
}

/// A layer under which parts never answer, and which says when one is on its way.
#[derive(Debug, Default)]
struct PartsHang {
    asked: tokio::sync::Notify,
}

impl Layer for PartsHang {
    async fn around<T, F, Fut>(&self, op: Op, _sent: u64, mut call: F) -> Result<T>
    where
        T: Send,
        F: FnMut() -> Fut + Send,
        Fut: Future<Output = Result<T>> + Send,
    {
        if op == Op::UploadPart {
            self.asked.notify_one();
            std::future::pending::<()>().await;
        }
        call().await
    }
}

/// Cancel ends a transfer whose parts are on their way: it does not wait
/// for them (a slow link took minutes), and the upload is not completed.
#[tokio::test]
async fn a_cancel_ends_the_parts_in_flight() {
    let memory = Arc::new(MemoryStore::new());
    memory.create_container("stuck").await.expect("container");
    let hang = Arc::new(Layered::new(memory.clone(), PartsHang::default()));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("weights.bin");
    std::fs::write(&file, bytes(12 * MIB, 5)).expect("write");
    let cancel = CancellationToken::new();
    let request = UploadRequest {
        sources: vec![file],
        container: "stuck".into(),
        prefix: String::new(),
        existing: Existing::Overwrite,
        ask: None,
        resume: None,
    };
    let running = tokio::spawn(upload(hang.clone(), request, tuning(), Arc::new(Recorder::default()), cancel.clone()));
    hang.asked.notified().await;
    cancel.cancel();
    // A guard, not a timing: before, the cancel waited for parts that never end.
    let summary = tokio::time::timeout(std::time::Duration::from_secs(60), running)
        .await
        .expect("the cancel waited for the parts in flight")
        .expect("join");
    assert!(summary.cancelled, "{summary:?}");
    assert_eq!((summary.uploaded, summary.unfinished), (0, 1), "{summary:?}");
    let listed = memory.list("stuck", &ListOptions::recursive("")).await.expect("list");
    assert!(listed.objects.is_empty(), "nothing completed: {:?}", listed.objects);
}
