//! Transfers through a fault-injecting TCP proxy in front of Garage. Uploads:
//! some new connections are reset, some get a 503 SlowDown or a 500, some
//! stall, and every file must still arrive intact. Sync: every answer is cut
//! short, so listings never complete, and nothing may be deleted. Downloads:
//! every answer is cut short, and each try continues where the last stopped;
//! a big object's ranges meet resets, errors and stalls and arrive intact.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use stowage_store::s3::{S3Settings, S3Store};
use stowage_store::{test_env, ObjectStore};
use stowage_sync::{
    download, prepare, upload, Direction, DownloadRequest, Existing, Mode, NoEvents, PlanOptions, RetryPolicy,
    SyncRequest, SyncState, Tuning, UploadRequest,
};
use tokio_util::sync::CancellationToken;

/// `attempts` tries, the first pause `backoff_ms`.
fn retry(attempts: u32, backoff_ms: u64) -> RetryPolicy {
    RetryPolicy { attempts, first_backoff: Duration::from_millis(backoff_ms), ..RetryPolicy::default() }
}

#[derive(Default)]
struct Faults {
    connections: AtomicUsize,
    resets: AtomicUsize,
    errors: AtomicUsize,
    stalls: AtomicUsize,
}

/// Listens on 127.0.0.1 and forwards to `upstream`, spoiling a share of the
/// new connections. Bounded: it stops after 2,000 connections.
fn proxy(upstream: String, faults: Arc<Faults>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for client in listener.incoming().take(2_000) {
            let Ok(mut client) = client else { continue };
            let n = faults.connections.fetch_add(1, Ordering::SeqCst);
            let faults = faults.clone();
            let upstream = upstream.clone();
            std::thread::spawn(move || match n % 6 {
                1 => {
                    faults.resets.fetch_add(1, Ordering::SeqCst);
                    // Closed before a byte of answer: the client sees the connection die.
                    let _ = client.shutdown(std::net::Shutdown::Both);
                }
                3 | 5 => {
                    faults.errors.fetch_add(1, Ordering::SeqCst);
                    let mut head = [0u8; 4096];
                    let _ = client.read(&mut head);
                    let (status, code) = if n % 6 == 3 {
                        ("503 Slow Down", "SlowDown")
                    } else {
                        ("500 Internal Server Error", "InternalError")
                    };
                    let body =
                        format!("<?xml version=\"1.0\"?><Error><Code>{code}</Code><Message>injected</Message></Error>");
                    let _ = write!(client, "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                }
                n => {
                    if n == 2 {
                        faults.stalls.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(1500));
                    }
                    let Ok(server) = TcpStream::connect(&upstream) else { return };
                    pipe(client, server, u64::MAX);
                }
            });
        }
    });
    format!("http://{address}")
}

/// Listens on 127.0.0.1 and forwards to `upstream`, but passes only the
/// first `limit` bytes of each connection's answers.
fn truncating_proxy(upstream: String, limit: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for client in listener.incoming().take(2_000) {
            let Ok(client) = client else { continue };
            let Ok(server) = TcpStream::connect(&upstream) else { continue };
            std::thread::spawn(move || pipe(client, server, limit));
        }
    });
    format!("http://{address}")
}

/// Copies both ways until either side closes; answers stop after `limit` bytes.
fn pipe(client: TcpStream, server: TcpStream, limit: u64) {
    let (mut c_read, mut s_write) = (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut s_write);
        let _ = s_write.shutdown(std::net::Shutdown::Write);
    });
    let (s_read, mut c_write) = (server.try_clone().expect("clone"), client);
    let _ = std::io::copy(&mut s_read.take(limit), &mut c_write);
    let _ = c_write.shutdown(std::net::Shutdown::Both);
    let _ = server.shutdown(std::net::Shutdown::Both);
    let _ = up.join();
}

fn store(endpoint: String) -> Arc<dyn ObjectStore> {
    let settings = S3Settings { endpoint: Some(endpoint), ..test_env::s3_settings() };
    Arc::new(S3Store::new(&settings, test_env::credentials()))
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn every_file_arrives_through_resets_errors_and_stalls() {
    let upstream = test_env::var("STOWAGE_TEST_S3_ENDPOINT").trim_start_matches("http://").to_owned();
    let faults = Arc::new(Faults::default());
    let flaky = store(proxy(upstream, faults.clone()));
    let direct = store(test_env::var("STOWAGE_TEST_S3_ENDPOINT"));
    let container = test_env::unique_container("faults");
    direct.create_container(&container).await.expect("container");

    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("batch");
    std::fs::create_dir_all(&root).expect("mkdir");
    let mut files = Vec::new();
    for i in 0..40u32 {
        let body: Vec<u8> = (0..(1000 + i * 517)).map(|j| (j * 7 + i) as u8).collect();
        std::fs::write(root.join(format!("f{i:02}.bin")), &body).expect("write");
        files.push((format!("batch/f{i:02}.bin"), body));
    }
    let big: Vec<u8> = (0..(12 * 1024 * 1024 + 3)).map(|j: u32| (j % 253) as u8).collect();
    std::fs::write(root.join("big.bin"), &big).expect("write");
    files.push(("batch/big.bin".to_owned(), big));

    let tuning =
        Tuning { multipart_threshold: 5 << 20, min_part_size: 5 << 20, retry: retry(8, 50), ..Tuning::default() };
    let request = UploadRequest {
        sources: vec![root],
        container: container.clone(),
        prefix: String::new(),
        existing: Existing::Overwrite,
        ask: None,
        resume: None,
    };
    let summary = upload(flaky, request, tuning, Arc::new(NoEvents), CancellationToken::new()).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.uploaded, files.len() as u64);
    assert!(
        faults.resets.load(Ordering::SeqCst) > 0 && faults.errors.load(Ordering::SeqCst) > 0,
        "faults were injected"
    );

    for (key, body) in files {
        let dest = dir.path().join("check");
        stowage_store::files::get_to_file(direct.as_ref(), &container, &key, &dest).await.expect("download");
        assert!(std::fs::read(&dest).expect("read") == body, "{key} arrived intact");
    }
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn an_interrupted_listing_deletes_nothing() {
    let upstream = test_env::var("STOWAGE_TEST_S3_ENDPOINT").trim_start_matches("http://").to_owned();
    let direct = store(test_env::var("STOWAGE_TEST_S3_ENDPOINT"));
    let container = test_env::unique_container("cut-listing");
    direct.create_container(&container).await.expect("container");
    // 1,200 objects: a listing needs two pages, and each page is larger than the proxy lets through.
    let keys: Vec<String> = (0..1_200).map(|i| format!("data/{i:05}.bin")).collect();
    let options = stowage_store::PutOptions::default();
    futures::stream::iter(&keys)
        .map(|key| direct.put(&container, key, bytes::Bytes::from_static(b"x"), &options))
        .buffer_unordered(32)
        .try_collect::<Vec<_>>()
        .await
        .expect("seed");

    // The local folder holds one of them: a push would delete the rest.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("00000.bin"), b"x").expect("write");
    let state = SyncState::open(&dir.path().join(".state.sqlite")).expect("state");
    let cut = store(truncating_proxy(upstream, 16 * 1024));
    let request = SyncRequest {
        folder: dir.path().to_owned(),
        store_name: "test".into(),
        container: container.clone(),
        prefix: "data".into(),
        options: PlanOptions { delete_cap: None, ..PlanOptions::new(Mode::Push, Direction::Up) },
        includes: vec![],
        excludes: vec![],
        backup_prefix: None,
        follow_links: false,
    };
    let tuning = Tuning { retry: retry(2, 10), ..Tuning::default() };
    let err = prepare(cut.as_ref(), &request, &state, &tuning).await.expect_err("the listing cannot complete");
    assert!(!err.message().is_empty());

    let mut left = 0;
    let mut options = stowage_store::ListOptions::recursive("data/");
    loop {
        let page = direct.list(&container, &options).await.expect("list");
        left += page.objects.len();
        match page.next {
            Some(next) => options.continuation = Some(next),
            None => break,
        }
    }
    assert_eq!(left, keys.len(), "nothing was deleted");
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn a_download_cut_short_keeps_what_arrived_and_continues_from_there() {
    let upstream = test_env::var("STOWAGE_TEST_S3_ENDPOINT").trim_start_matches("http://").to_owned();
    let direct = store(test_env::var("STOWAGE_TEST_S3_ENDPOINT"));
    let container = test_env::unique_container("cut-download");
    direct.create_container(&container).await.expect("container");
    let body: Vec<u8> = (0..64 * 1024u32).map(|i| (i * 31 % 251) as u8).collect();
    let options = stowage_store::PutOptions::default();
    direct.put(&container, "model/weights.bin", bytes::Bytes::from(body.clone()), &options).await.expect("seed");

    // Each answer stops after 16 KiB: only a download that keeps every
    // try's bytes and asks for the rest gets the whole 64 KiB.
    let cut = store(truncating_proxy(upstream, 16 * 1024));
    let dir = tempfile::tempdir().expect("tempdir");
    let request = DownloadRequest {
        container,
        base_prefix: "model/".into(),
        selection: vec!["model/weights.bin".into()],
        dest: dir.path().to_owned(),
        existing: Existing::Overwrite,
    };
    let tuning = Tuning { retry: retry(10, 10), ..Tuning::default() };
    let summary = download(cut, request, tuning, Arc::new(NoEvents), CancellationToken::new()).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.downloaded, 1);
    assert!(std::fs::read(dir.path().join("weights.bin")).expect("read") == body, "the file is whole");
}

#[tokio::test]
#[ignore = "needs the S3 server that scripts/test starts"]
async fn a_big_download_in_ranges_arrives_intact_through_resets_errors_and_stalls() {
    let upstream = test_env::var("STOWAGE_TEST_S3_ENDPOINT").trim_start_matches("http://").to_owned();
    let direct = store(test_env::var("STOWAGE_TEST_S3_ENDPOINT"));
    let container = test_env::unique_container("ranged");
    direct.create_container(&container).await.expect("container");
    let body: Vec<u8> = (0..(12 * 1024 * 1024 + 5)).map(|j: u32| (j % 239) as u8).collect();
    let options = stowage_store::PutOptions::default();
    direct.put(&container, "ckpt/model.bin", bytes::Bytes::from(body.clone()), &options).await.expect("seed");

    let faults = Arc::new(Faults::default());
    let flaky = store(proxy(upstream, faults.clone()));
    let dir = tempfile::tempdir().expect("tempdir");
    let request = DownloadRequest {
        container,
        base_prefix: "ckpt/".into(),
        selection: vec!["ckpt/model.bin".into()],
        dest: dir.path().to_owned(),
        existing: Existing::Overwrite,
    };
    // Thirteen ranges of 1 MiB, four at once.
    let tuning = Tuning {
        multipart_threshold: 2 << 20,
        min_part_size: 1 << 20,
        parts_per_file: 4,
        retry: retry(8, 50),
        ..Tuning::default()
    };
    let summary = download(flaky, request, tuning, Arc::new(NoEvents), CancellationToken::new()).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert!(
        faults.resets.load(Ordering::SeqCst) > 0 && faults.errors.load(Ordering::SeqCst) > 0,
        "faults were injected"
    );
    assert!(std::fs::read(dir.path().join("model.bin")).expect("read") == body, "the file is whole");
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(left, ["model.bin"], "no partial file or ledger is left");
}
