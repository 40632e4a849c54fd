//! Folder sync end to end on real files: push, change, push again, pull into
//! an empty folder and compare the trees byte for byte; deletions under the
//! cap and into a backup prefix; a pull after a push moves nothing. Memory
//! and local stores always, S3 against the Garage server scripts/test starts.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use stowage_store::local::LocalStore;
use stowage_store::memory::MemoryStore;
use stowage_store::{test_env, ListOptions, ObjectStore};
use stowage_sync::{
    apply, prepare, Direction, Mode, NoEvents, OpKind, PlanOptions, Reason, Summary, SyncRequest, SyncState, Tuning,
};
use tokio_util::sync::CancellationToken;

type Tree = BTreeMap<String, Vec<u8>>;

fn write_tree(root: &Path, tree: &[(&str, &[u8])]) {
    for (path, body) in tree {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, body).expect("write");
    }
}

fn read_tree(root: &Path) -> Tree {
    fn walk(dir: &Path, root: &Path, out: &mut Tree) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let rel = path.strip_prefix(root).expect("inside").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = Tree::new();
    walk(root, root, &mut out);
    out
}

async fn remote_tree(store: &dyn ObjectStore, container: &str, prefix: &str) -> Tree {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut out = Tree::new();
    let mut options = ListOptions::recursive(prefix);
    loop {
        let page = store.list(container, &options).await.expect("list");
        for object in page.objects {
            let dest = scratch.path().join("object");
            stowage_store::files::get_to_file(store, container, &object.key, &dest).await.expect("get");
            out.insert(object.key[prefix.len()..].to_owned(), std::fs::read(&dest).expect("read"));
        }
        match page.next {
            Some(next) => options.continuation = Some(next),
            None => return out,
        }
    }
}

struct Pair {
    store: Arc<dyn ObjectStore>,
    container: String,
    state: SyncState,
    _dir: tempfile::TempDir,
}

impl Pair {
    async fn new(store: Arc<dyn ObjectStore>, container: &str) -> Self {
        store.create_container(container).await.expect("container");
        let dir = tempfile::tempdir().expect("tempdir");
        let state = SyncState::open(&dir.path().join("state.sqlite")).expect("state");
        Self { store, container: container.to_owned(), state, _dir: dir }
    }

    fn request(&self, folder: &Path, mode: Mode, direction: Direction) -> SyncRequest {
        SyncRequest {
            folder: folder.to_owned(),
            store_name: "test".into(),
            container: self.container.clone(),
            prefix: "datasets/run-1".into(),
            options: PlanOptions::new(mode, direction),
            includes: vec![],
            excludes: vec![],
            backup_prefix: None,
            follow_links: false,
        }
    }

    /// Plans and applies; returns the plan's op kinds and the summary.
    async fn sync(&self, request: &SyncRequest) -> (Vec<(OpKind, String)>, Summary) {
        let tuning = Tuning { multipart_threshold: 5 << 20, min_part_size: 5 << 20, ..Tuning::default() };
        let prepared = prepare(self.store.as_ref(), request, &self.state, &tuning).await.expect("prepare");
        let ops = prepared.plan.ops.iter().map(|op| (op.kind, op.path.clone())).collect();
        let summary = apply(
            self.store.clone(),
            prepared,
            request,
            &self.state,
            tuning,
            Arc::new(NoEvents),
            CancellationToken::new(),
            None,
        )
        .await;
        (ops, summary)
    }
}

async fn push_change_push_pull(store: Arc<dyn ObjectStore>, container: &str) {
    let pair = Pair::new(store, container).await;
    let work = tempfile::tempdir().expect("tempdir");
    let folder = work.path().join("run-1");
    let big: Vec<u8> = (0..(11u32 << 20)).map(|i| (i % 251) as u8).collect();
    write_tree(
        &folder,
        &[
            ("config.yaml", b"lr: 0.1"),
            ("empty.txt", b""),
            ("checkpoints/epoch-1.pt", &big),
            ("logs/été 1.txt", b"loss 3.2"),
            ("logs/train.log.part", b"half-written"),
        ],
    );
    let push = pair.request(&folder, Mode::Push, Direction::Up);

    let (ops, summary) = pair.sync(&push).await;
    assert!(summary.ok(), "{summary:?}");
    assert_eq!(ops.len(), 4, "the .part file is ignored: {ops:?}");
    let mut expected = read_tree(&folder);
    expected.remove("logs/train.log.part");
    assert_eq!(remote_tree(pair.store.as_ref(), container, "datasets/run-1/").await, expected);

    // Nothing changed: nothing to do.
    let (ops, _) = pair.sync(&push).await;
    assert!(ops.is_empty(), "{ops:?}");

    // Change one, add one, delete one; push again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_tree(&folder, &[("config.yaml", b"lr: 0.01"), ("checkpoints/epoch-2.pt", b"weights")]);
    std::fs::remove_file(folder.join("empty.txt")).expect("remove");
    let (ops, summary) = pair.sync(&push).await;
    assert!(summary.ok(), "{summary:?}");
    let kinds: Vec<_> = ops.iter().map(|(k, p)| (*k, p.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (OpKind::Upload, "checkpoints/epoch-2.pt"),
            (OpKind::Upload, "config.yaml"),
            (OpKind::DeleteRemote, "empty.txt")
        ]
    );
    let mut expected = read_tree(&folder);
    expected.remove("logs/train.log.part");
    assert_eq!(remote_tree(pair.store.as_ref(), container, "datasets/run-1/").await, expected);

    // Pull into an empty folder: the same bytes arrive.
    let copy = work.path().join("copy");
    let pull = pair.request(&copy, Mode::Pull, Direction::Down);
    let (_, summary) = pair.sync(&pull).await;
    assert!(summary.ok(), "{summary:?}");
    assert_eq!(summary.downloaded, 4);
    assert_eq!(read_tree(&copy), expected);
    let (ops, _) = pair.sync(&pull).await;
    assert!(ops.is_empty(), "a second pull has nothing to do: {ops:?}");

    // A pull into the pushed folder after the push moves nothing either.
    let (ops, _) = pair.sync(&pair.request(&folder, Mode::Pull, Direction::Down)).await;
    assert!(ops.is_empty(), "the state says both sides are equal: {ops:?}");

    // Deleting remotely and pulling deletes locally.
    pair.store.delete(container, "datasets/run-1/logs/été 1.txt").await.expect("delete");
    let (ops, summary) = pair.sync(&pull).await;
    assert!(summary.ok(), "{summary:?}");
    assert_eq!(ops, [(OpKind::DeleteLocal, "logs/été 1.txt".to_owned())]);
    assert!(!copy.join("logs").exists(), "the emptied folder goes too");
}

async fn backup_prefix_keeps_deleted_objects(store: Arc<dyn ObjectStore>, container: &str) {
    let pair = Pair::new(store, container).await;
    let work = tempfile::tempdir().expect("tempdir");
    write_tree(work.path(), &[("a.csv", b"1"), ("b.csv", b"2"), ("c.csv", b"3")]);
    let mut push = pair.request(work.path(), Mode::Push, Direction::Up);
    push.backup_prefix = Some("trash/".into());
    assert!(pair.sync(&push).await.1.ok());

    std::fs::remove_file(work.path().join("c.csv")).expect("remove");
    let (ops, summary) = pair.sync(&push).await;
    assert!(summary.ok(), "{summary:?}");
    assert_eq!(ops, [(OpKind::DeleteRemote, "c.csv".to_owned())]);
    assert_eq!(
        remote_tree(pair.store.as_ref(), container, "trash/").await.get("c.csv").map(Vec::as_slice),
        Some(&b"3"[..])
    );

    // Deleting most of the folder is refused by the cap, and nothing goes.
    std::fs::remove_file(work.path().join("b.csv")).expect("remove");
    std::fs::remove_file(work.path().join("a.csv")).expect("remove");
    std::fs::write(work.path().join("new.csv"), b"4").expect("write");
    let (_, summary) = pair.sync(&push).await;
    assert!(summary.failed[0].1.contains("would delete 2 of the 2 files"), "{summary:?}");
    let left = remote_tree(pair.store.as_ref(), container, "datasets/run-1/").await;
    assert_eq!(left.keys().collect::<Vec<_>>(), ["a.csv", "b.csv"]);
}

async fn local_edits_are_never_overwritten_by_a_pull(store: Arc<dyn ObjectStore>, container: &str) {
    let pair = Pair::new(store, container).await;
    let work = tempfile::tempdir().expect("tempdir");
    write_tree(work.path(), &[("notes.md", b"v1")]);
    assert!(pair.sync(&pair.request(work.path(), Mode::Push, Direction::Up)).await.1.ok());
    // Changed on both sides since the sync: a conflict, and both stay.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(work.path().join("notes.md"), b"local v2").expect("write");
    pair.store
        .put(container, "datasets/run-1/notes.md", bytes::Bytes::from_static(b"remote v2"), &Default::default())
        .await
        .expect("put");
    let (ops, summary) = pair.sync(&pair.request(work.path(), Mode::Pull, Direction::Down)).await;
    assert_eq!(ops, [(OpKind::Conflict, "notes.md".to_owned())]);
    assert!(summary.ok(), "{summary:?}");
    assert_eq!(std::fs::read(work.path().join("notes.md")).expect("read"), b"local v2");
}

/// Renames become server-side copies (and the push deletes the old name);
/// a different file that only shares a gone file's size and time is sent.
async fn renames_are_copied_on_the_server(store: Arc<dyn ObjectStore>, container: &str) {
    let pair = Pair::new(store, container).await;
    let work = tempfile::tempdir().expect("tempdir");
    let big: Vec<u8> = (0..(11u32 << 20)).map(|i| (i % 253) as u8).collect();
    write_tree(work.path(), &[("checkpoints/epoch-1.pt", &big), ("b.bin", &[b'x'; 1000]), ("small.txt", b"hello")]);
    let push = pair.request(work.path(), Mode::Push, Direction::Up);
    assert!(pair.sync(&push).await.1.ok());

    std::fs::create_dir(work.path().join("archive")).expect("mkdir");
    std::fs::rename(work.path().join("checkpoints/epoch-1.pt"), work.path().join("archive/epoch-1.pt")).expect("mv");
    std::fs::rename(work.path().join("small.txt"), work.path().join("hello.txt")).expect("mv");
    // Same size and time as b.bin, other content: not a rename.
    let b_time = std::fs::metadata(work.path().join("b.bin")).and_then(|m| m.modified()).expect("mtime");
    std::fs::remove_file(work.path().join("b.bin")).expect("rm");
    let c = std::fs::File::create(work.path().join("c.bin")).expect("create");
    std::io::Write::write_all(&mut &c, &[b'y'; 1000]).expect("write");
    c.set_modified(b_time).expect("set mtime");

    let tuning = Tuning { multipart_threshold: 5 << 20, min_part_size: 5 << 20, ..Tuning::default() };
    let prepared = prepare(pair.store.as_ref(), &push, &pair.state, &tuning).await.expect("prepare");
    let ops: Vec<_> = prepared.plan.ops.iter().collect();
    let ops: Vec<_> = ops.iter().map(|op| (op.kind, op.path.as_str(), op.reason, op.from.as_deref())).collect();
    assert_eq!(
        ops,
        [
            (OpKind::Upload, "archive/epoch-1.pt", Reason::Renamed, Some("checkpoints/epoch-1.pt")),
            (OpKind::DeleteRemote, "b.bin", Reason::Deleted, None),
            (OpKind::Upload, "c.bin", Reason::New, None),
            (OpKind::DeleteRemote, "checkpoints/epoch-1.pt", Reason::Deleted, None),
            (OpKind::Upload, "hello.txt", Reason::Renamed, Some("small.txt")),
            (OpKind::DeleteRemote, "small.txt", Reason::Deleted, None),
        ]
    );
    let summary = apply(
        pair.store.clone(),
        prepared,
        &push,
        &pair.state,
        tuning,
        Arc::new(NoEvents),
        CancellationToken::new(),
        None,
    )
    .await;
    assert!(summary.ok(), "{summary:?}");
    assert_eq!(remote_tree(pair.store.as_ref(), container, "datasets/run-1/").await, read_tree(work.path()));
    let (ops, _) = pair.sync(&push).await;
    assert!(ops.is_empty(), "the copies are recorded as synced: {ops:?}");
}

fn s3() -> Arc<dyn ObjectStore> {
    Arc::new(test_env::s3_store())
}

fn local(dir: &tempfile::TempDir) -> Arc<dyn ObjectStore> {
    Arc::new(LocalStore::open(dir.path()).expect("open"))
}

#[tokio::test]
async fn push_change_push_pull_memory() {
    push_change_push_pull(Arc::new(MemoryStore::new()), "sync").await;
}

#[tokio::test]
async fn push_change_push_pull_local() {
    let dir = tempfile::tempdir().expect("tempdir");
    push_change_push_pull(local(&dir), "sync").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn push_change_push_pull_s3() {
    push_change_push_pull(s3(), &test_env::unique_container("sync")).await;
}

#[tokio::test]
async fn renames_are_copied_on_the_server_memory() {
    let memory = Arc::new(MemoryStore::new());
    renames_are_copied_on_the_server(memory.clone(), "renames").await;
    // The first push sent the three files; the rename round only c.bin.
    assert_eq!(memory.received_bytes(), (11 << 20) + 1000 + 5 + 1000);
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn renames_are_copied_on_the_server_s3() {
    renames_are_copied_on_the_server(s3(), &test_env::unique_container("renames")).await;
}

#[tokio::test]
async fn backup_prefix_keeps_deleted_objects_local() {
    let dir = tempfile::tempdir().expect("tempdir");
    backup_prefix_keeps_deleted_objects(local(&dir), "backup").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn backup_prefix_keeps_deleted_objects_s3() {
    backup_prefix_keeps_deleted_objects(s3(), &test_env::unique_container("backup")).await;
}

#[tokio::test]
async fn local_edits_are_never_overwritten_by_a_pull_memory() {
    local_edits_are_never_overwritten_by_a_pull(Arc::new(MemoryStore::new()), "conflict").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn local_edits_are_never_overwritten_by_a_pull_s3() {
    local_edits_are_never_overwritten_by_a_pull(s3(), &test_env::unique_container("conflict")).await;
}

/// A push that deletes 2,500 objects sends three bulk deletes (1,000 keys
/// each), not 2,500 DELETE requests, and every object goes.
#[tokio::test]
async fn deletions_go_in_bulk() {
    use stowage_store::layers::{Faults, Op};
    let faults = Faults::wrap(Arc::new(MemoryStore::new()));
    let pair = Pair::new(Arc::new(faults.clone()), "bulk").await;
    let work = tempfile::tempdir().expect("tempdir");
    let folder = work.path().join("run-1");
    let files: Vec<(String, Vec<u8>)> = (0..2_501).map(|i| (format!("shard-{i:04}.bin"), vec![1u8])).collect();
    let tree: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    write_tree(&folder, &tree);
    let mut request = pair.request(&folder, Mode::Push, Direction::Up);
    pair.sync(&request).await;
    for (path, _) in &files[1..] {
        std::fs::remove_file(folder.join(path)).expect("delete locally");
    }
    request.options.delete_cap = None;
    let (ops, summary) = pair.sync(&request).await;
    assert_eq!(ops.iter().filter(|(kind, _)| *kind == OpKind::DeleteRemote).count(), 2_500);
    assert_eq!(summary.deleted, 2_500, "{:?}", summary.failed);
    assert_eq!((faults.calls(Op::DeleteMany), faults.calls(Op::Delete)), (3, 0));
    let left = remote_tree(pair.store.as_ref(), "bulk", "datasets/run-1/").await;
    assert_eq!(left.keys().collect::<Vec<_>>(), ["shard-0000.bin"]);
}

/// A first sync of a new pair over a prefix that already matches records
/// every path (more than the sync holds in memory: the rest wait in a
/// temporary file), so the next sync knows them all.
#[tokio::test]
async fn a_first_sync_over_a_matching_prefix_records_every_path() {
    let first = Pair::new(Arc::new(MemoryStore::new()), "matching").await;
    let work = tempfile::tempdir().expect("tempdir");
    let folder = work.path().join("run-1");
    let files: Vec<(String, Vec<u8>)> = (0..12_001).map(|i| (format!("d{}/f-{i}.bin", i % 7), vec![1u8])).collect();
    let tree: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    write_tree(&folder, &tree);
    let request = first.request(&folder, Mode::Push, Direction::Up);
    assert_eq!(first.sync(&request).await.1.uploaded, 12_001);

    let dir = tempfile::tempdir().expect("tempdir");
    let second = Pair {
        store: first.store.clone(),
        container: first.container.clone(),
        state: SyncState::open(&dir.path().join("state.sqlite")).expect("state"),
        _dir: dir,
    };
    let (ops, summary) = second.sync(&request).await;
    assert_eq!((ops.len(), summary.failed.len()), (0, 0), "{:?}", summary.failed);
    let tuning = Tuning::default();
    let again = prepare(second.store.as_ref(), &request, &second.state, &tuning).await.expect("prepare");
    assert_eq!(again.counts(), (12_001, 12_001), "the state knows every path");
    let leftovers: Vec<_> =
        std::fs::read_dir(second._dir.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert!(leftovers.iter().all(|name| name.to_string_lossy().starts_with("state.sqlite")), "{leftovers:?}");
}

/// The rows a sync acts on wait in a temporary file past a few thousand
/// (see `kept.rs`): every upload, rename and download among 12,001 files
/// still finds its file's side, and the state records each.
async fn a_sync_of_more_files_than_it_holds_finds_each_files_side(store: Arc<dyn ObjectStore>, container: &str) {
    let pair = Pair::new(store, container).await;
    let work = tempfile::tempdir().expect("tempdir");
    let folder = work.path().join("run-1");
    let files: Vec<(String, Vec<u8>)> =
        (0..12_001).map(|i| (format!("d{}/f-{i}.bin", i % 7), i.to_string().into_bytes())).collect();
    let tree: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    write_tree(&folder, &tree);
    let request = pair.request(&folder, Mode::Push, Direction::Up);
    assert_eq!(pair.sync(&request).await.1.uploaded, 12_001);
    let tuning = Tuning::default();
    let again = prepare(pair.store.as_ref(), &request, &pair.state, &tuning).await.expect("prepare");
    assert_eq!((again.plan.ops.len(), again.counts()), (0, (12_001, 12_001)), "each upload recorded");

    // The last file in path order, renamed: its side comes from the file's end.
    std::fs::rename(folder.join("d6/f-9995.bin"), folder.join("d6/g-9995.bin")).expect("rename");
    let plan = prepare(pair.store.as_ref(), &request, &pair.state, &tuning).await.expect("prepare").plan;
    let renamed: Vec<_> = plan.ops.iter().collect();
    let renamed: Vec<_> = renamed.iter().map(|op| (op.kind, op.path.as_str(), op.reason, op.from.as_deref())).collect();
    assert_eq!(
        renamed,
        [
            (OpKind::DeleteRemote, "d6/f-9995.bin", Reason::Deleted, None),
            (OpKind::Upload, "d6/g-9995.bin", Reason::Renamed, Some("d6/f-9995.bin")),
        ]
    );
    let summary = pair.sync(&request).await.1;
    assert_eq!((summary.uploaded, summary.deleted), (1, 1), "{:?}", summary.failed);

    let back = work.path().join("back");
    let pull = pair.request(&back, Mode::Pull, Direction::Down);
    let (_, summary) = pair.sync(&pull).await;
    assert_eq!((summary.downloaded, summary.failed.len()), (12_001, 0), "{:?}", summary.failed);
    assert_eq!(std::fs::read(back.join("d6/g-9995.bin")).expect("pulled"), b"9995");
    let again = prepare(pair.store.as_ref(), &pull, &pair.state, &tuning).await.expect("prepare");
    assert_eq!((again.plan.ops.len(), again.counts().0), (0, 12_001), "each download recorded");
}

#[tokio::test]
async fn a_sync_of_more_files_than_it_holds_finds_each_files_side_memory() {
    a_sync_of_more_files_than_it_holds_finds_each_files_side(Arc::new(MemoryStore::new()), "many").await;
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn a_sync_of_more_files_than_it_holds_finds_each_files_side_s3() {
    a_sync_of_more_files_than_it_holds_finds_each_files_side(s3(), &test_env::unique_container("many")).await;
}

/// Planning with a wrong secret key fails as an authentication error, so
/// the window sends the person to the profile's keys (it was `Other`).
#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn a_wrong_key_while_planning_is_an_auth_error() {
    use stowage_store::s3::S3Store;
    let good = Pair::new(s3(), &test_env::unique_container("wrong-key")).await;
    let wrong = aws_credential_types::Credentials::new(
        test_env::var("STOWAGE_TEST_S3_ACCESS_KEY"),
        "not-the-secret-key",
        None,
        None,
        "test",
    );
    let store = S3Store::new(&test_env::s3_settings(), wrong);
    let work = tempfile::tempdir().expect("tempdir");
    let request = good.request(work.path(), Mode::Push, Direction::Up);
    let err = prepare(&store, &request, &good.state, &Tuning::default()).await.expect_err("refused");
    assert_eq!(err.kind(), stowage_store::ErrorKind::Auth, "{err}");
}
