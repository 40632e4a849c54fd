//! Watched folders with real files and real notify: what happens in the
//! folder reaches the container by the policy, within a deadline (polled,
//! no fixed sleeps as assertions); a restarted watch catches up; 10,000 new
//! files arrive once each; a slowly written file arrives once, complete; a
//! folder that vanishes deletes nothing. Memory store for speed, and the
//! basic case against Garage too.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use stowage_store::memory::MemoryStore;
use stowage_store::{test_env, ListOptions, ObjectStore, Storage, StoragePolicy};
use stowage_sync::watch::{run, DeletePolicy, Timing, WatchDeps, WatchState, WatchStatus, WatchedFolder};
use stowage_sync::{SyncState, Tuning};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

struct Watching {
    status: watch::Receiver<WatchStatus>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Watching {
    async fn stop(self) {
        self.cancel.cancel();
        self.task.await.expect("join");
    }
}

fn timing() -> Timing {
    Timing {
        stable: Duration::from_millis(1200),
        debounce: Duration::from_millis(100),
        full_rescan: Duration::from_secs(3600),
        poll: Duration::from_secs(2),
        retry: Duration::from_millis(500),
    }
}

fn start(
    store: Arc<dyn ObjectStore>,
    state: &Arc<SyncState>,
    folder: &Path,
    container: &str,
    delete: DeletePolicy,
) -> Watching {
    let folder = folder.display().to_string();
    let watched =
        WatchedFolder::new(folder, "test".into(), container.into(), "watched/".into(), delete, "trash/".into(), vec![]);
    let storage = Storage::new(store, StoragePolicy::default());
    let deps = WatchDeps { storage, state: state.clone(), resume: None, tuning: Tuning::default() };
    let (tx, status) = watch::channel(WatchStatus::new(WatchState::Starting));
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run(watched, deps, timing(), tx, cancel.clone()));
    Watching { status, cancel, task }
}

async fn remote(store: &dyn ObjectStore, container: &str, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut out = BTreeMap::new();
    let mut options = ListOptions::recursive(prefix);
    loop {
        let page = store.list(container, &options).await.expect("list");
        for o in page.objects {
            let dest = scratch.path().join("x");
            // Listed, then deleted by the watch before this read: it is gone.
            match stowage_store::files::get_to_file(store, container, &o.key, &dest).await {
                Ok(_) => {
                    out.insert(o.key[prefix.len()..].to_owned(), std::fs::read(&dest).expect("read"));
                }
                Err(e) if e.kind() == stowage_store::ErrorKind::NotFound => {}
                Err(e) => panic!("get {}: {e}", o.key),
            }
        }
        match page.next {
            Some(next) => options.continuation = Some(next),
            None => return out,
        }
    }
}

async fn count(store: &dyn ObjectStore, container: &str, prefix: &str) -> usize {
    let mut n = 0;
    let mut options = ListOptions::recursive(prefix);
    loop {
        let page = store.list(container, &options).await.expect("list");
        n += page.objects.len();
        match page.next {
            Some(next) => options.continuation = Some(next),
            None => return n,
        }
    }
}

/// Polls `check` until it holds or `seconds` pass.
async fn eventually<F, Fut>(what: &str, seconds: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn tree(entries: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    entries.iter().map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec())).collect()
}

async fn create_modify_rename_delete(store: Arc<dyn ObjectStore>, container: &str) {
    store.create_container(container).await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("run");
    std::fs::create_dir(&folder).expect("mkdir");
    let state = Arc::new(SyncState::open(&dir.path().join("state.sqlite")).expect("state"));
    let watching = start(store.clone(), &state, &folder, container, DeletePolicy::Propagate);

    std::fs::create_dir(folder.join("ckpt")).expect("mkdir");
    std::fs::write(folder.join("ckpt/a.pt"), "A1").expect("write");
    std::fs::write(folder.join("b.log"), "B").expect("write");
    std::fs::write(folder.join("c.keep"), "C").expect("write");
    let s = store.clone();
    eventually("the new files", 20, || {
        let s = s.clone();
        async move {
            remote(s.as_ref(), container, "watched/").await
                == tree(&[("b.log", "B"), ("c.keep", "C"), ("ckpt/a.pt", "A1")])
        }
    })
    .await;

    std::fs::write(folder.join("ckpt/a.pt"), "A2, longer").expect("modify");
    std::fs::rename(folder.join("b.log"), folder.join("b-renamed.log")).expect("rename");
    let s = store.clone();
    eventually("the change and the rename", 20, || {
        let s = s.clone();
        async move {
            remote(s.as_ref(), container, "watched/").await
                == tree(&[("b-renamed.log", "B"), ("c.keep", "C"), ("ckpt/a.pt", "A2, longer")])
        }
    })
    .await;

    std::fs::remove_file(folder.join("c.keep")).expect("delete");
    let s = store.clone();
    eventually("the deletion", 20, || {
        let s = s.clone();
        async move { !remote(s.as_ref(), container, "watched/").await.contains_key("c.keep") }
    })
    .await;
    let mut status = watching.status.clone();
    let idle =
        status.wait_for(|s| s.state == WatchState::Idle && s.last_sync_ms.is_some()).await.expect("status").clone();
    assert!(idle.message.is_none(), "{idle:?}");
    watching.stop().await;
}

/// An event names the paths that changed; the round looks only there
/// (neither the whole folder nor the whole prefix), while a deletion still
/// waits for a full scan.
#[tokio::test]
async fn a_change_is_synced_by_looking_only_where_it_happened() {
    let memory = Arc::new(MemoryStore::new());
    let store: Arc<dyn ObjectStore> = memory.clone();
    store.create_container("narrow").await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("data");
    for d in 0..3 {
        std::fs::create_dir_all(folder.join(format!("d{d}"))).expect("mkdir");
        for f in 0..100 {
            std::fs::write(folder.join(format!("d{d}/f{f}.txt")), format!("{d}-{f}")).expect("write");
        }
    }
    let state = Arc::new(SyncState::open(&dir.path().join("state.sqlite")).expect("state"));
    let watching = start(store.clone(), &state, &folder, "narrow", DeletePolicy::Propagate);
    let mut status = watching.status.clone();
    let synced = status.wait_for(|s| s.state == WatchState::Idle && s.last_sync_ms.is_some()).await.expect("idle");
    let first = synced.last_sync_ms;
    drop(synced);
    assert_eq!(count(store.as_ref(), "narrow", "watched/").await, 300);

    let before = memory.listed_objects();
    std::fs::write(folder.join("d1/f5.txt"), "changed, and longer").expect("modify");
    std::fs::write(folder.join("d2/new.txt"), "new").expect("write");
    // Polled by reading the two objects: this test's own reads list nothing.
    let s = store.clone();
    let scratch = tempfile::tempdir().expect("tempdir");
    let read = scratch.path().join("x");
    eventually("the change and the new file", 20, || {
        let (s, read) = (s.clone(), read.clone());
        async move {
            let changed =
                stowage_store::files::get_to_file(s.as_ref(), "narrow", "watched/d1/f5.txt", &read).await.is_ok()
                    && std::fs::read(&read).is_ok_and(|b| b == b"changed, and longer");
            changed
                && stowage_store::files::get_to_file(s.as_ref(), "narrow", "watched/d2/new.txt", &read).await.is_ok()
        }
    })
    .await;
    status.wait_for(|s| s.state == WatchState::Idle && s.last_sync_ms > first).await.expect("idle");
    let listed = memory.listed_objects() - before;
    // A round or two (one may wait for the files to be still), each listing
    // the two changed paths: a full one would list the 300 objects.
    assert!(listed < 30, "the rounds listed only the changed paths: {listed} objects");

    // A deletion goes through a full scan, and is still propagated.
    std::fs::remove_file(folder.join("d0/f0.txt")).expect("delete");
    let s = store.clone();
    eventually("the deletion", 20, || {
        let s = s.clone();
        async move { count(s.as_ref(), "narrow", "watched/d0/").await == 99 }
    })
    .await;
    watching.stop().await;
}

#[tokio::test]
async fn create_modify_rename_delete_memory() {
    let memory = Arc::new(MemoryStore::new());
    create_modify_rename_delete(memory.clone(), "watch").await;
    // A1, B, C, then "A2, longer": the rename was a server-side copy.
    assert_eq!(memory.received_bytes(), 2 + 1 + 1 + 10);
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn create_modify_rename_delete_s3() {
    create_modify_rename_delete(Arc::new(test_env::s3_store()), &test_env::unique_container("watch")).await;
}

#[tokio::test]
async fn keep_policy_keeps_objects_and_a_restart_catches_up() {
    let store: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    store.create_container("keep").await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("data");
    std::fs::create_dir(&folder).expect("mkdir");
    let state = Arc::new(SyncState::open(&dir.path().join("state.sqlite")).expect("state"));
    std::fs::write(folder.join("one.csv"), "1").expect("write");
    let watching = start(store.clone(), &state, &folder, "keep", DeletePolicy::Keep);
    let s = store.clone();
    eventually("the first file", 20, || {
        let s = s.clone();
        async move { count(s.as_ref(), "keep", "watched/").await == 1 }
    })
    .await;
    watching.stop().await;

    // While nothing watches: a new file, a deleted file.
    std::fs::write(folder.join("two.csv"), "2").expect("write");
    std::fs::remove_file(folder.join("one.csv")).expect("delete");
    let watching = start(store.clone(), &state, &folder, "keep", DeletePolicy::Keep);
    let s = store.clone();
    eventually("the catch-up", 20, || {
        let s = s.clone();
        async move { remote(s.as_ref(), "keep", "watched/").await == tree(&[("one.csv", "1"), ("two.csv", "2")]) }
    })
    .await;
    watching.stop().await;
}

#[tokio::test]
async fn ten_thousand_new_files_arrive_once_each_and_reading_them_starts_no_round() {
    let memory = Arc::new(MemoryStore::new());
    let store: Arc<dyn ObjectStore> = memory.clone();
    store.create_container("storm").await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("storm");
    std::fs::create_dir(&folder).expect("mkdir");
    let state = Arc::new(SyncState::open(&dir.path().join("state.sqlite")).expect("state"));
    let watching = start(store.clone(), &state, &folder, "storm", DeletePolicy::Propagate);
    for d in 0..20 {
        let sub = folder.join(format!("d{d:02}"));
        std::fs::create_dir(&sub).expect("mkdir");
        for f in 0..500 {
            std::fs::write(sub.join(format!("f{f:03}.bin")), format!("{d}-{f}")).expect("write");
        }
    }
    let s = store.clone();
    eventually("10,000 objects", 120, || {
        let s = s.clone();
        async move { count(s.as_ref(), "storm", "watched/").await == 10_000 }
    })
    .await;
    let mut status = watching.status.clone();
    let synced = status.wait_for(|s| s.state == WatchState::Idle && s.last_sync_ms.is_some()).await.expect("idle");
    let synced = synced.last_sync_ms;
    assert_eq!(memory.writes(), 10_000, "each file was uploaded exactly once");

    // Reading is not changing: 40,000 opens and closes (more than the kernel's
    // 16,384-event queue) start no round, not even a rescan after an overflow.
    for _ in 0..2 {
        for d in 0..20 {
            for f in 0..500 {
                std::fs::read(folder.join(format!("d{d:02}/f{f:03}.bin"))).expect("read");
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let now = watching.status.borrow().clone();
    assert_eq!((now.state, now.last_sync_ms), (WatchState::Idle, synced), "no round since");
    watching.stop().await;
}

#[tokio::test]
async fn a_file_written_slowly_arrives_once_and_whole() {
    let memory = Arc::new(MemoryStore::new());
    let store: Arc<dyn ObjectStore> = memory.clone();
    store.create_container("slow").await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("slow");
    std::fs::create_dir(&folder).expect("mkdir");
    let state = Arc::new(SyncState::open(&dir.path().join("state.sqlite")).expect("state"));
    let watching = start(store.clone(), &state, &folder, "slow", DeletePolicy::Propagate);
    let mut status = watching.status.clone();
    status.wait_for(|s| s.state == WatchState::Idle).await.expect("idle");

    let path = folder.join("model.pt");
    let writer = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut file = std::fs::File::create(&path).expect("create");
        for chunk in 0..12u8 {
            file.write_all(&[chunk; 1000]).expect("write");
            file.flush().expect("flush");
            std::thread::sleep(Duration::from_millis(250));
        }
    });
    // Rounds while it is written say so instead of "in sync".
    let waiting = status.wait_for(|s| s.state == WatchState::Waiting).await.expect("waiting").clone();
    assert_eq!(waiting.files_left, 1);
    writer.await.expect("writer");
    let s = store.clone();
    eventually("the whole file", 30, || {
        let s = s.clone();
        async move { remote(s.as_ref(), "slow", "watched/").await.get("model.pt").map(Vec::len) == Some(12_000) }
    })
    .await;
    status.wait_for(|s| s.state == WatchState::Idle).await.expect("idle");
    assert_eq!(memory.writes(), 1, "uploaded once, when it was complete");
    watching.stop().await;
}

#[tokio::test]
async fn a_folder_that_vanishes_is_an_error_and_deletes_nothing() {
    let store: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new());
    store.create_container("gone").await.expect("container");
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("disk");
    std::fs::create_dir(&folder).expect("mkdir");
    for name in ["a", "b", "c"] {
        std::fs::write(folder.join(name), name).expect("write");
    }
    let state = Arc::new(SyncState::open(&dir.path().join("state.sqlite")).expect("state"));
    let watching = start(store.clone(), &state, &folder, "gone", DeletePolicy::Propagate);
    let s = store.clone();
    eventually("the files", 20, || {
        let s = s.clone();
        async move { count(s.as_ref(), "gone", "watched/").await == 3 }
    })
    .await;

    // "Unmounted": the folder is renamed away.
    std::fs::rename(&folder, dir.path().join("elsewhere")).expect("rename");
    let mut status = watching.status.clone();
    // A round caught mid-upload may first fail on the vanished file; the
    // next one finds the folder gone.
    let folder_gone = |s: &WatchStatus| {
        s.state == WatchState::Error && s.message.as_deref().is_some_and(|m| m.contains("Nothing was deleted"))
    };
    tokio::time::timeout(Duration::from_secs(20), status.wait_for(folder_gone))
        .await
        .expect("the folder error in time")
        .expect("status");
    assert_eq!(count(store.as_ref(), "gone", "watched/").await, 3);

    // An empty folder where the index knows files: the same.
    std::fs::create_dir(&folder).expect("mkdir");
    tokio::time::timeout(
        Duration::from_secs(20),
        status.wait_for(|s| {
            s.state == WatchState::Error && s.message.as_deref().is_some_and(|m| m.contains("unmounted"))
        }),
    )
    .await
    .expect("the empty-folder error in time")
    .expect("status");
    assert_eq!(count(store.as_ref(), "gone", "watched/").await, 3, "nothing was deleted");
    watching.stop().await;
}
