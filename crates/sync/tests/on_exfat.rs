//! Pulls and pushes on a real disk with Windows' rules: an exFAT image that
//! scripts/test mounts through FUSE (`STOWAGE_TEST_EXFAT`), which ignores
//! case and refuses `: * ? " < > |` as NTFS does. The keys are the ones a
//! pull lost or failed on before: two that differ only in case, names with
//! `:` and `?`, a trailing dot, a device name, `café` in NFC and in NFD.
//! Against Garage (scripts/test's). Nothing may be lost without a sentence
//! that names it, the old local file goes, a second pull moves nothing,
//! and pushing the folder back gives the keys it came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use stowage_store::names::NameRules;
use stowage_store::{test_env, ListOptions, ObjectStore, Storage, StoragePolicy};
use stowage_sync::{
    apply, prepare, Direction, Mode, NoEvents, OpKind, PlanOptions, Prepared, Reason, Summary, SyncRequest, SyncState,
    Tuning,
};
use tokio_util::sync::CancellationToken;

/// The exFAT mount, or a panic that says how to get one.
fn exfat() -> PathBuf {
    PathBuf::from(std::env::var("STOWAGE_TEST_EXFAT").unwrap_or_else(|_| {
        panic!("STOWAGE_TEST_EXFAT is not set: run through scripts/test, which mounts an exFAT image")
    }))
}

/// The keys, each with its own bytes.
fn keys() -> BTreeMap<String, Vec<u8>> {
    [
        "A.txt",
        "a.txt",
        "ckpt:3.pt",
        "a?b",
        "report.",
        "CON.txt",
        "caf\u{e9}.txt",
        "cafe\u{301}.txt",
        "plain1",
        "sub/plain2",
    ]
    .iter()
    .enumerate()
    .map(|(i, key)| ((*key).to_owned(), format!("bytes of {key} ({i})").into_bytes()))
    .collect()
}

fn request(folder: &Path, container: &str, prefix: &str, mode: Mode) -> SyncRequest {
    SyncRequest {
        folder: folder.to_owned(),
        store_name: "exfat".into(),
        container: container.into(),
        prefix: prefix.into(),
        options: PlanOptions { delete_cap: None, ..PlanOptions::new(mode, Direction::Up) },
        includes: vec![],
        excludes: vec![],
        backup_prefix: None,
        follow_links: false,
    }
}

/// Applies a plan as the app does.
async fn run(storage: &Storage, prepared: Prepared, request: &SyncRequest, state: &SyncState) -> Summary {
    let (sink, cancel) = (Arc::new(NoEvents), CancellationToken::new());
    apply(storage.shared(), prepared, request, state, Tuning::default(), sink, cancel, None).await
}

async fn listed(store: &dyn ObjectStore, container: &str, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let scratch = tempfile::tempdir().expect("tempdir");
    for object in store.list(container, &ListOptions::recursive(prefix)).await.expect("list").objects {
        let dest = scratch.path().join("x");
        stowage_store::files::get_to_file(store, container, &object.key, &dest).await.expect("read");
        out.insert(object.key[prefix.len()..].to_owned(), std::fs::read(&dest).expect("read"));
    }
    out
}

#[tokio::test]
#[ignore = "needs the exFAT disk and the S3 server that scripts/test provide"]
async fn on_exfat_a_pull_loses_nothing_unsaid_and_a_push_gives_the_keys_back() {
    let disk = tempfile::tempdir_in(exfat()).expect("a folder on the exFAT disk");
    let folder = disk.path().join("pulled");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("old.txt"), b"not in the prefix").expect("write");
    let rules = NameRules::at(&folder);
    assert!(rules.windows && rules.case_insensitive, "the probe found exFAT's rules: {rules:?}");

    let store: Arc<dyn ObjectStore> = Arc::new(test_env::s3_store());
    let container = test_env::unique_container("exfat");
    store.create_container(&container).await.expect("container");
    let options = stowage_store::PutOptions::default();
    for (key, body) in keys() {
        store.put(&container, &format!("data/{key}"), body.into(), &options).await.expect("seed");
    }
    let storage = Storage::new(store.clone(), StoragePolicy::default());
    // The state where the app keeps it: on the computer's own disk.
    let home = tempfile::tempdir().expect("tempdir");
    let state = SyncState::open(&home.path().join("state.sqlite")).expect("state");
    let pull = request(&folder, &container, "data", Mode::Pull);

    let prepared = prepare(storage.store().as_ref(), &pull, &state, &Tuning::default()).await.expect("plan");
    let conflicts: Vec<_> = prepared.plan.ops.iter().filter(|op| op.kind == OpKind::Conflict).collect();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!((conflicts[0].path.as_str(), conflicts[0].reason), ("a.txt", Reason::NameClash));
    assert_eq!(conflicts[0].from.as_deref(), Some("A.txt"), "both keys are named");
    let summary = run(&storage, prepared, &pull, &state).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!((summary.downloaded, summary.deleted), (9, 1), "all but the clash, and the old file");

    let expected = keys();
    let on_disk = |name: &str| std::fs::read(folder.join(name)).ok();
    for (name, key) in [
        ("A.txt", "A.txt"),
        ("ckpt：3.pt", "ckpt:3.pt"),
        ("a？b", "a?b"),
        ("report．", "report."),
        ("ＣON.txt", "CON.txt"),
        ("caf\u{e9}.txt", "caf\u{e9}.txt"),
        ("cafe\u{301}.txt", "cafe\u{301}.txt"),
        ("plain1", "plain1"),
        ("sub/plain2", "sub/plain2"),
    ] {
        assert_eq!(on_disk(name).as_ref(), expected.get(key), "{name} holds {key}");
    }
    assert!(!folder.join("old.txt").exists(), "the old file was deleted");

    // Again: nothing to move, the clash still said.
    let again = prepare(storage.store().as_ref(), &pull, &state, &Tuning::default()).await.expect("plan");
    let kinds: Vec<(OpKind, String)> = again.plan.ops.iter().map(|op| (op.kind, op.path)).collect();
    assert_eq!(kinds, [(OpKind::Conflict, "a.txt".to_owned())]);

    // Pushed to a new prefix, the folder gives back the keys it came from.
    let push = request(&folder, &container, "back", Mode::Push);
    let prepared = prepare(storage.store().as_ref(), &push, &state, &Tuning::default()).await.expect("plan");
    let summary = run(&storage, prepared, &push, &state).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let mut back = keys();
    back.remove("a.txt");
    assert_eq!(listed(store.as_ref(), &container, "back/").await, back);

    // Pushed onto where it came from: nothing to do, and a.txt, which never
    // lived here, is not deleted.
    let push = request(&folder, &container, "data", Mode::Push);
    let prepared = prepare(storage.store().as_ref(), &push, &state, &Tuning::default()).await.expect("plan");
    let kinds: Vec<(OpKind, String)> = prepared.plan.ops.iter().map(|op| (op.kind, op.path)).collect();
    assert_eq!(kinds, [(OpKind::Conflict, "a.txt".to_owned())]);
    assert_eq!(listed(store.as_ref(), &container, "data/").await, keys());
}

#[tokio::test]
#[ignore = "needs the exFAT disk and the S3 server that scripts/test provide"]
async fn on_exfat_a_case_only_rename_in_the_container_renames_the_file() {
    let disk = tempfile::tempdir_in(exfat()).expect("a folder on the exFAT disk");
    let folder = disk.path().join("pulled");
    std::fs::create_dir(&folder).expect("mkdir");
    let store: Arc<dyn ObjectStore> = Arc::new(test_env::s3_store());
    let container = test_env::unique_container("exfat-rename");
    store.create_container(&container).await.expect("container");
    let options = stowage_store::PutOptions::default();
    store.put(&container, "d/report.csv", b"v1".to_vec().into(), &options).await.expect("seed");
    let storage = Storage::new(store.clone(), StoragePolicy::default());
    let home = tempfile::tempdir().expect("tempdir");
    let state = SyncState::open(&home.path().join("state.sqlite")).expect("state");
    let pull = request(&folder, &container, "d", Mode::Pull);
    let (lister, tuning) = (storage.store(), Tuning::default());
    let plan = || prepare(lister.as_ref(), &pull, &state, &tuning);
    let summary = run(&storage, plan().await.expect("plan"), &pull, &state).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);

    // Renamed on the server, in case only.
    store.copy(&container, "d/report.csv", "d/Report.csv").await.expect("copy");
    store.delete(&container, "d/report.csv").await.expect("delete");
    let prepared = plan().await.expect("plan");
    let ops: Vec<(OpKind, String, Option<String>)> =
        prepared.plan.ops.iter().map(|op| (op.kind, op.path, op.from)).collect();
    assert_eq!(ops, [(OpKind::Download, "Report.csv".to_owned(), Some("report.csv".to_owned()))]);
    let summary = run(&storage, prepared, &pull, &state).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let names: Vec<String> = std::fs::read_dir(&folder)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into())
        .collect();
    assert_eq!(names, ["Report.csv"], "the file shows the new name, and there is one");
    assert_eq!(std::fs::read(folder.join("Report.csv")).expect("read"), b"v1");
    // And it stays: the next pull has nothing to do.
    let again = plan().await.expect("plan");
    assert!(again.plan.is_empty(), "{:?}", again.plan.ops.iter().collect::<Vec<_>>());
}
