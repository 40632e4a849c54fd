//! The store layers on the in-memory store: Retry sends again what a retry
//! can help and nothing else, says it tried, and stops when cancelled;
//! Limit keeps the calls in flight at its bound, a read holding its slot
//! until its body is gone; Throttled holds bytes sent and received to a
//! bandwidth limit, on memory and on Garage (where the S3 backend streams a
//! body in paced chunks).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use stowage_store::layers::{
    watch_moved, BandwidthLimit, Faults, Gate, Layered, Limit, OnRetry, Op, PauseGate, Retry, RetryPolicy, Throttle,
    Throttled,
};
use stowage_store::memory::MemoryStore;
use stowage_store::{test_env, ErrorKind, GetOptions, MultipartStore, ObjectStore, PutOptions, VersionStore};
use tokio_util::sync::CancellationToken;

fn quick() -> RetryPolicy {
    RetryPolicy {
        attempts: 4,
        first_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

async fn faulty() -> (Arc<MemoryStore>, Layered<Faults>) {
    let memory = Arc::new(MemoryStore::new());
    memory.create_container("box").await.expect("container");
    let faults = Faults::wrap(memory.clone());
    (memory, faults)
}

async fn put(store: &dyn ObjectStore, key: &str) -> stowage_store::Result<()> {
    store.put("box", key, Bytes::from_static(b"data"), &PutOptions::default()).await.map(drop)
}

#[tokio::test]
async fn a_retry_sends_again_what_a_retry_can_help() {
    let (memory, faults) = faulty().await;
    faults.fail(Op::Put, ErrorKind::Throttled, 2);
    let err = put(&faults, "bare").await.expect_err("without the layer the first failure is final");
    assert_eq!(err.kind(), ErrorKind::Throttled);

    faults.fail(Op::Put, ErrorKind::Network, 2);
    let told = Arc::new(AtomicU32::new(0));
    let counter = told.clone();
    let on_retry = OnRetry(Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    let retrying = Retry::wrap(Arc::new(faults.clone()), RetryPolicy { on_retry: Some(on_retry), ..quick() });
    put(&retrying, "k").await.expect("the third try goes through");
    assert_eq!(faults.calls(Op::Put), 1 + 3);
    assert_eq!(memory.writes(), 1);
    assert_eq!(told.load(Ordering::SeqCst), 2, "each retry is told");
}

#[tokio::test]
async fn a_retry_gives_up_saying_so_and_never_retries_a_refusal() {
    let (_, faults) = faulty().await;
    let retrying = Retry::wrap(Arc::new(faults.clone()), quick());
    faults.fail(Op::Head, ErrorKind::Server, 10);
    let err = retrying.head("box", "k").await.expect_err("always failing");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(err.to_string().ends_with("(tried 4 times)."), "{err}");
    assert_eq!(faults.calls(Op::Head), 4);

    faults.fail(Op::Delete, ErrorKind::AccessDenied, 10);
    let err = retrying.delete("box", "k").await.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
    assert_eq!(faults.calls(Op::Delete), 1, "a refusal is not sent again");
    assert!(!err.to_string().contains("tried"), "{err}");
}

#[tokio::test]
async fn version_calls_are_counted_as_themselves() {
    let (_, faults) = faulty().await;
    faults.fail(Op::DeleteVersion, ErrorKind::AccessDenied, 1);
    let err = faults.delete_version("box", "k", "v1").await.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
    let _ = faults.restore_version("box", "k", "v1").await;
    let counted = [Op::DeleteVersion, Op::RestoreVersion, Op::Delete, Op::Copy].map(|op| faults.calls(op));
    assert_eq!(counted, [1, 1, 0, 0], "a version's delete and restore are not a delete and a copy");
}

#[tokio::test]
async fn a_cancelled_retry_stops_waiting() {
    let (_, faults) = faulty().await;
    faults.fail(Op::List, ErrorKind::Network, 100);
    let cancel = CancellationToken::new();
    let slow = RetryPolicy {
        attempts: 100,
        first_backoff: Duration::from_secs(30),
        max_backoff: Duration::from_secs(30),
        ..RetryPolicy::default()
    };
    let retrying = Retry::wrap(Arc::new(faults.clone()), slow).until(cancel.clone());
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        canceller.cancel();
    });
    let started = Instant::now();
    retrying.list("box", &Default::default()).await.expect_err("cancelled");
    assert!(started.elapsed() < Duration::from_secs(5), "stopped waiting when cancelled");
    assert_eq!(faults.calls(Op::List), 1);
}

#[tokio::test]
async fn a_limit_keeps_the_calls_in_flight_at_its_bound() {
    let memory = Arc::new(MemoryStore::with_latency(Duration::from_millis(40)));
    memory.create_container("box").await.expect("container");
    let limited = Arc::new(Limit::wrap(memory.clone(), 3));
    let puts: Vec<_> = (0..12)
        .map(|i| {
            let store = limited.clone();
            tokio::spawn(async move { put(store.as_ref(), &format!("k{i}")).await })
        })
        .collect();
    for p in puts {
        p.await.expect("join").expect("put");
    }
    assert_eq!(memory.peak_puts_in_flight(), 3, "never more than the limit, and the limit is used");

    // Without the layer the same twelve go at once.
    let bare = Arc::new(MemoryStore::with_latency(Duration::from_millis(40)));
    bare.create_container("box").await.expect("container");
    let puts: Vec<_> = (0..12)
        .map(|i| {
            let store = bare.clone();
            tokio::spawn(async move { put(store.as_ref(), &format!("k{i}")).await })
        })
        .collect();
    for p in puts {
        p.await.expect("join").expect("put");
    }
    assert_eq!(bare.peak_puts_in_flight(), 12);
}

#[tokio::test]
async fn a_read_holds_its_slot_until_its_body_is_gone() {
    let memory = Arc::new(MemoryStore::new());
    memory.create_container("box").await.expect("container");
    put(memory.as_ref(), "k").await.expect("seed");
    let limited = Limit::wrap(memory, 1);
    let reading = limited.get("box", "k", &GetOptions::default()).await.expect("get");
    let waiting = tokio::time::timeout(Duration::from_millis(100), limited.head("box", "k")).await;
    assert!(waiting.is_err(), "the one slot is the unread body's");
    let body: Vec<_> = reading.body.collect().await;
    assert_eq!(body.len(), 1);
    limited.head("box", "k").await.expect("the slot came back with the body");
}

/// Puts 2 MiB, sends a 2 MiB part and reads 2 MiB back through a 1 MiB/s
/// limit on `store`: each takes two seconds at least, and the bytes arrive intact.
async fn paced_both_ways(store: Arc<dyn ObjectStore>, container: &str) {
    let limit: BandwidthLimit = "1M".parse().expect("a limit");
    let throttled = Throttled::wrap(store.clone(), vec![Throttle::new(limit)]);
    let body = Bytes::from((0..2 * 1024 * 1024).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
    // No timing upper bounds (machines are noisy); a limit can only make things slower.
    let at_least = Duration::from_millis(1900);

    let start = Instant::now();
    throttled.put(container, "paced.bin", body.clone(), &PutOptions::default()).await.expect("put");
    assert!(start.elapsed() >= at_least, "a 2 MiB put at 1 MiB/s took {:?}", start.elapsed());

    let id = throttled.create_multipart(container, "parts.bin", &PutOptions::default()).await.expect("create");
    let start = Instant::now();
    let part = throttled.upload_part(container, "parts.bin", &id, 1, body.clone().into()).await.expect("part");
    assert!(start.elapsed() >= at_least, "a 2 MiB part at 1 MiB/s took {:?}", start.elapsed());
    throttled.complete_multipart(container, "parts.bin", &id, &[part]).await.expect("complete");

    let start = Instant::now();
    let got = throttled.get(container, "paced.bin", &GetOptions::default()).await.expect("get");
    let read: Vec<u8> = got.body.map(|c| c.expect("chunk").to_vec()).concat().await;
    assert!(start.elapsed() >= at_least, "a 2 MiB read at 1 MiB/s took {:?}", start.elapsed());
    assert_eq!(read, body);
    let whole = store.get(container, "parts.bin", &GetOptions::default()).await.expect("get");
    assert_eq!(whole.body.map(|c| c.expect("chunk").to_vec()).concat().await, body);
}

#[tokio::test]
async fn a_bandwidth_limit_paces_a_store_that_writes_bodies_whole() {
    let memory = Arc::new(MemoryStore::new());
    memory.create_container("box").await.expect("container");
    paced_both_ways(memory, "box").await;
}

#[tokio::test]
#[ignore = "needs a real S3 server: scripts/test starts Garage and runs this with --include-ignored"]
async fn a_bandwidth_limit_paces_the_s3_backend_chunk_by_chunk() {
    let store = Arc::new(test_env::s3_store());
    let container = test_env::unique_container("paced");
    store.create_container(&container).await.expect("container");
    paced_both_ways(store, &container).await;
}

/// A paused transfer stops sending an upload in flight at its next chunk
/// (the S3 backend streams bodies) and finishes it, intact, once resumed.
/// The bound checked cannot fail on a slow machine: a slower one moves less.
#[tokio::test]
#[ignore = "needs a real S3 server: scripts/test starts Garage and runs this with --include-ignored"]
async fn a_pause_holds_an_upload_in_flight_until_it_resumes() {
    const CHUNK: u64 = 64 * 1024;
    let store: Arc<dyn ObjectStore> = Arc::new(test_env::s3_store());
    let container = test_env::unique_container("held");
    store.create_container(&container).await.expect("container");
    let limit: BandwidthLimit = "1M".parse().expect("a limit");
    let throttled = Arc::new(Throttled::wrap(store.clone(), vec![Throttle::new(limit)]));
    let (pause, cancel) = (PauseGate::default(), CancellationToken::new());
    let gated = Gate::wrap(throttled, pause.clone(), cancel);
    let body = Bytes::from((0..3 * 1024 * 1024).map(|i| (i % 253) as u8).collect::<Vec<u8>>());

    let moved = Arc::new(AtomicU64::new(0));
    let seen = moved.clone();
    let put = tokio::spawn({
        let body = body.clone();
        let container = container.clone();
        watch_moved(Arc::new(move |at| seen.store(at, Ordering::SeqCst)), async move {
            gated.put(&container, "held.bin", body, &PutOptions::default()).await
        })
    });
    while moved.load(Ordering::SeqCst) < 4 * CHUNK {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    pause.set_paused(true);
    let at_pause = moved.load(Ordering::SeqCst);
    // Unpaused, 1 MiB/s would move 1.5 MiB meanwhile.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let while_paused = moved.load(Ordering::SeqCst);
    assert!(while_paused <= at_pause + 2 * CHUNK, "moved {} bytes while paused", while_paused - at_pause);
    assert!(!put.is_finished());
    pause.set_paused(false);
    put.await.expect("task").expect("the put finishes once resumed");
    let got = store.get(&container, "held.bin", &GetOptions::default()).await.expect("get");
    assert_eq!(got.body.map(|c| c.expect("chunk").to_vec()).concat().await, body);
}
