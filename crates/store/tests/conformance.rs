//! One conformance suite for every ObjectStore backend: memory and local
//! always, and S3 against three implementations scripts/test starts on
//! 127.0.0.1: Garage (STOWAGE_TEST_S3_*), OpenStack Swift's s3api
//! (STOWAGE_TEST_SWIFT_S3_*) and moto (STOWAGE_TEST_MOTO_S3_*); Garage
//! once more behind the layers a profile's storage puts over it.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use std::time::Duration;
use stowage_store::files::{self, get_to_file, put_file};
use stowage_store::local::LocalStore;
use stowage_store::memory::MemoryStore;
use stowage_store::s3::{ChecksumAlgorithm, ChecksumMode, S3Settings, S3Store};
use stowage_store::{
    test_env, ByteStream, Capabilities, ErrorKind, GetOptions, ListOptions, ObjectStore, PartBody, PartInfo,
    PartSource, PutOptions, Storage, StoragePolicy, StoreError, Versioning,
};
use tempfile::TempDir;

/// A store with one empty container to work in, and scratch space for files.
struct Fixture {
    store: Arc<dyn ObjectStore>,
    backend: Backend,
    container: String,
    /// Where this server departs from S3 (each has its own test below).
    differences: &'static [Difference],
    scratch: TempDir,
    /// The local store's root, removed when the test ends.
    _root: Option<TempDir>,
}

fn scratch() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// What kind of store a fixture is: each has what it can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Memory,
    Local,
    S3,
}

async fn with_container(store: Arc<dyn ObjectStore>, backend: Backend) -> Fixture {
    let container = test_env::unique_container("conf");
    store.create_container(&container).await.expect("create the test container");
    Fixture { store, backend, container, differences: &[], scratch: scratch(), _root: None }
}

/// What a server does otherwise than S3, and the cases it changes.
#[derive(Debug, PartialEq, Eq)]
enum Difference {
    /// moto answers ListParts with `<ListPartsResponse>` instead of S3's
    /// `<ListPartsResult>`, which the SDK refuses: on moto an interrupted
    /// multipart upload cannot be continued (Stowage starts it over).
    ListPartsRootElement,
    /// No object versions: PutBucketVersioning is refused.
    NoVersioning,
    /// Every object is STANDARD whatever the upload asks.
    OneStorageClass,
    /// An upload that names a storage class is refused (InvalidStorageClass).
    RefusesStorageClasses,
    /// A presigned URL still works after its expiry.
    LinksDoNotExpire,
}

async fn memory() -> Fixture {
    with_container(Arc::new(MemoryStore::new()), Backend::Memory).await
}

async fn local() -> Fixture {
    let root = scratch();
    let store = LocalStore::open(root.path().join("store")).expect("open");
    Fixture { _root: Some(root), ..with_container(Arc::new(store), Backend::Local).await }
}

async fn s3() -> Fixture {
    s3_with(ChecksumMode::WhenRequired).await
}

/// A profile that asks for a checksum on every upload.
async fn s3_crc32() -> Fixture {
    s3_with(ChecksumMode::Always { algorithm: ChecksumAlgorithm::Crc32 }).await
}

async fn s3_with(checksum: ChecksumMode) -> Fixture {
    let settings = S3Settings { checksum, ..test_env::s3_settings() };
    let garage = with_container(Arc::new(S3Store::new(&settings, test_env::credentials())), Backend::S3).await;
    Fixture { differences: &[Difference::NoVersioning, Difference::OneStorageClass], ..garage }
}

/// Garage behind the layers every profile's storage has (timeout, limit,
/// retry): what the app uses, so each call and capability passes them.
async fn s3_layered() -> Fixture {
    let store = Arc::new(S3Store::new(&test_env::s3_settings(), test_env::credentials()));
    let storage = Storage::new(store, StoragePolicy::default());
    let garage = with_container(storage.store(), Backend::S3).await;
    Fixture { differences: &[Difference::NoVersioning, Difference::OneStorageClass], ..garage }
}

async fn server(prefix: &str) -> Fixture {
    let store = S3Store::new(&test_env::settings_of(prefix), test_env::credentials_of(prefix));
    with_container(Arc::new(store), Backend::S3).await
}

async fn swift() -> Fixture {
    Fixture {
        differences: &[Difference::NoVersioning, Difference::RefusesStorageClasses],
        ..server("STOWAGE_TEST_SWIFT_S3").await
    }
}

async fn moto() -> Fixture {
    Fixture {
        differences: &[Difference::ListPartsRootElement, Difference::LinksDoNotExpire],
        ..server("STOWAGE_TEST_MOTO_S3").await
    }
}

impl Fixture {
    async fn put(&self, key: &str, body: &[u8]) {
        self.put_with(key, body, &PutOptions::default()).await;
    }

    async fn put_with(&self, key: &str, body: &[u8], options: &PutOptions) {
        let path = self.file(body);
        put_file(self.store.as_ref(), &self.container, key, &path, options)
            .await
            .unwrap_or_else(|e| panic!("put {key:?}: {e}"));
    }

    fn file(&self, body: &[u8]) -> std::path::PathBuf {
        let path = self.scratch.path().join(format!("src-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&path, body).expect("write source");
        path
    }

    async fn read(&self, key: &str) -> Vec<u8> {
        let dest = self.scratch.path().join(format!("dl-{}", uuid::Uuid::new_v4().simple()));
        get_to_file(self.store.as_ref(), &self.container, key, &dest)
            .await
            .unwrap_or_else(|e| panic!("get {key:?}: {e}"));
        std::fs::read(dest).expect("read download")
    }

    /// Every page of a listing: (object keys, prefixes, pages).
    async fn list_all(&self, mut options: ListOptions) -> (Vec<String>, Vec<String>, usize) {
        let (mut keys, mut prefixes, mut pages) = (Vec::new(), Vec::new(), 0);
        loop {
            let page = self.store.list(&self.container, &options).await.expect("list");
            pages += 1;
            keys.extend(page.objects.into_iter().map(|o| o.key));
            prefixes.extend(page.prefixes);
            match page.next {
                Some(next) => options.continuation = Some(next),
                None => return (keys, prefixes, pages),
            }
        }
    }
}

fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    hex::encode(Md5::digest(data))
}

/// A part read chunk by chunk as it is sent, as an upload reads a file's
/// part; a read that breaks after its chunks when `breaks` says why.
#[derive(Debug)]
struct ReadPart {
    len: u64,
    chunks: Vec<Bytes>,
    breaks: Option<&'static str>,
}

impl ReadPart {
    fn of(data: &[u8], chunk: usize) -> PartBody {
        let chunks = data.chunks(chunk).map(Bytes::copy_from_slice).collect();
        PartBody::Read(Arc::new(Self { len: data.len() as u64, chunks, breaks: None }))
    }
}

impl PartSource for ReadPart {
    fn size(&self) -> u64 {
        self.len
    }

    fn read(&self) -> ByteStream {
        let broken = self.breaks.map(|why| Err(StoreError::new(ErrorKind::Io, why)));
        futures::stream::iter(self.chunks.clone().into_iter().map(Ok).chain(broken)).boxed()
    }
}

mod cases {
    use super::*;

    pub async fn containers(f: Fixture) {
        let names: Vec<String> = f.store.list_containers().await.expect("list").into_iter().map(|c| c.name).collect();
        assert!(names.contains(&f.container), "{names:?}");

        let err = f.store.create_container(&f.container).await.expect_err("exists");
        assert_eq!(err.kind(), ErrorKind::AlreadyExists, "{err}");

        let err = f.store.create_container("Bad_Name").await.expect_err("invalid");
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains("lowercase"), "{err}");

        f.put("keep.txt", b"x").await;
        let err = f.store.delete_container(&f.container).await.expect_err("not empty");
        assert_eq!(err.kind(), ErrorKind::Precondition, "{err}");
        assert_eq!(f.read("keep.txt").await, b"x", "a refused delete keeps the data");

        f.store.delete(&f.container, "keep.txt").await.expect("delete object");
        f.store.delete_container(&f.container).await.expect("delete empty");
        let names: Vec<String> = f.store.list_containers().await.expect("list").into_iter().map(|c| c.name).collect();
        assert!(!names.contains(&f.container), "{names:?}");
    }

    pub async fn round_trip(f: Fixture) {
        let body = b"pixels and labels".repeat(100);
        let mut options = PutOptions { content_type: Some("image/png".into()), ..PutOptions::default() };
        options.metadata.insert("source".into(), "camera-3".into());
        f.put_with("train/cat.png", &body, &options).await;

        let head = f.store.head(&f.container, "train/cat.png").await.expect("head");
        assert_eq!(head.size, body.len() as u64);
        assert_eq!(head.etag.as_deref(), Some(md5_hex(&body).as_str()), "a single PUT's ETag is the MD5");
        assert_eq!(head.content_type.as_deref(), Some("image/png"));
        assert_eq!(head.metadata.get("source").map(String::as_str), Some("camera-3"));
        assert!(head.modified_ms.is_some());
        assert_eq!(f.read("train/cat.png").await, body);
    }

    pub async fn overwrite(f: Fixture) {
        f.put("model.bin", b"version one").await;
        f.put("model.bin", b"v2").await;
        assert_eq!(f.store.head(&f.container, "model.bin").await.expect("head").size, 2);
        assert_eq!(f.read("model.bin").await, b"v2");
        let (keys, _, _) = f.list_all(ListOptions::recursive("")).await;
        assert_eq!(keys, ["model.bin"]);
    }

    pub async fn copy(f: Fixture) {
        let mut options = PutOptions { content_type: Some("text/csv".into()), ..PutOptions::default() };
        options.metadata.insert("split".into(), "train".into());
        f.put_with("labels/a b+%.csv", b"1,cat", &options).await;
        let copied = f.store.copy(&f.container, "labels/a b+%.csv", "backup/labels/a b+%.csv").await.expect("copy");
        assert_eq!(copied.etag.as_deref(), Some(md5_hex(b"1,cat").as_str()));
        assert_eq!(f.read("backup/labels/a b+%.csv").await, b"1,cat");
        assert_eq!(f.read("labels/a b+%.csv").await, b"1,cat", "the source stays");
        let head = f.store.head(&f.container, "backup/labels/a b+%.csv").await.expect("head");
        assert_eq!(head.content_type.as_deref(), Some("text/csv"));
        assert_eq!(head.metadata.get("split").map(String::as_str), Some("train"));
        let err = f.store.copy(&f.container, "missing", "elsewhere").await.expect_err("no source");
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    }

    pub async fn append_range(f: Fixture) {
        let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        f.put("weights.bin", &body).await;
        let etag = f.store.head(&f.container, "weights.bin").await.expect("head").etag;
        let dir = tempfile::tempdir().expect("tempdir");
        let partial = dir.path().join("weights.bin.part");
        std::fs::write(&partial, &body[..1234]).expect("the first try's bytes");
        let store = f.store.as_ref();
        let appended = files::append_range(store, &f.container, "weights.bin", 1234, etag.as_deref(), &partial)
            .await
            .expect("append");
        assert_eq!(appended, 5000 - 1234);
        assert_eq!(std::fs::read(&partial).expect("read"), body, "the file is whole");

        let fresh = dir.path().join("fresh");
        files::append_range(store, &f.container, "weights.bin", 0, None, &fresh).await.expect("from the start");
        let nothing_left = files::append_range(store, &f.container, "weights.bin", 5000, etag.as_deref(), &fresh).await;
        assert_eq!(nothing_left.expect("an offset at the end appends nothing"), 0);
        assert_eq!(std::fs::read(&fresh).expect("read"), body);

        let other = Some("0123456789abcdef0123456789abcdef");
        let err = files::append_range(store, &f.container, "weights.bin", 0, other, &dir.path().join("x"))
            .await
            .expect_err("another version");
        assert_eq!(err.kind(), ErrorKind::Precondition, "{err}");
    }

    pub async fn write_range(f: Fixture) {
        let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        f.put("weights.bin", &body).await;
        let etag = f.store.head(&f.container, "weights.bin").await.expect("head").etag;
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("weights.bin.part");
        std::fs::write(&dest, vec![0u8; 5000]).expect("a file of the object's size");
        let store = f.store.as_ref();
        let written = files::write_range(store, &f.container, "weights.bin", 1000..3000, etag.as_deref(), &dest)
            .await
            .expect("write");
        assert_eq!(written, 2000);
        let mut expected = vec![0u8; 5000];
        expected[1000..3000].copy_from_slice(&body[1000..3000]);
        assert!(std::fs::read(&dest).expect("read") == expected, "only the range changed");

        let other = Some("0123456789abcdef0123456789abcdef");
        let err = files::write_range(store, &f.container, "weights.bin", 0..1000, other, &dest)
            .await
            .expect_err("another version");
        assert_eq!(err.kind(), ErrorKind::Precondition, "{err}");
    }

    pub async fn get(f: Fixture) {
        let body: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        f.put("shard-0.tar", &body).await;
        let read = |options: GetOptions| {
            let (store, container) = (f.store.clone(), f.container.clone());
            async move {
                let got = store.get(&container, "shard-0.tar", &options).await?;
                let chunks: Vec<_> = got.body.collect().await;
                let bytes = chunks.into_iter().collect::<Result<Vec<_>, _>>()?.concat();
                Ok::<_, stowage_store::StoreError>((got.info, bytes))
            }
        };
        let (info, all) = read(GetOptions::default()).await.expect("whole");
        assert_eq!((info.size, all.as_slice()), (3000, body.as_slice()));
        let etag = info.etag.clone();

        let (info, middle) = read(GetOptions::range(100..1100, etag.as_deref())).await.expect("a range");
        assert_eq!(info.size, 3000, "the info is the whole object's, whatever the range");
        assert_eq!(middle, &body[100..1100]);
        let (_, tail) = read(GetOptions { offset: 2990, ..GetOptions::default() }).await.expect("the tail");
        assert_eq!(tail, &body[2990..]);
        let (_, past) = read(GetOptions { offset: 3000, ..GetOptions::default() }).await.expect("at the end");
        assert!(past.is_empty(), "nothing is left to read at the end");
        let (_, clipped) = read(GetOptions::range(2900..4000, None)).await.expect("past the end");
        assert_eq!(clipped, &body[2900..], "a range past the end stops at the end");

        let other = GetOptions { if_match: Some("0123456789abcdef0123456789abcdef".into()), ..GetOptions::default() };
        let err = read(other).await.expect_err("another version");
        assert_eq!(err.kind(), ErrorKind::Precondition, "{err}");
        let err = f.store.get(&f.container, "missing", &GetOptions::default()).await.expect_err("no object");
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    }

    pub async fn delete_many(f: Fixture) {
        // More than S3's 1,000 keys a request, and a key that never existed.
        let source = f.file(b"x");
        let mut keys = Vec::new();
        for i in 0..1_205 {
            let key = format!("runs/{:02}/ckpt-{i:04}.pt", i % 7);
            put_file(f.store.as_ref(), &f.container, &key, &source, &PutOptions::default()).await.expect("put");
            keys.push(key);
        }
        f.put("keep/me.txt", b"kept").await;
        keys.push("runs/never-existed".into());
        let failed = f.store.delete_many(&f.container, &keys).await.expect("delete many");
        assert!(failed.is_empty(), "{failed:?}");
        let (left, _, _) = f.list_all(ListOptions::recursive("")).await;
        assert_eq!(left, ["keep/me.txt"], "every key went, and only those");
        assert!(f.store.delete_many(&f.container, &[]).await.expect("nothing to delete").is_empty());
    }

    pub async fn delete(f: Fixture) {
        f.put("a/b.txt", b"1").await;
        f.put("a/c.txt", b"2").await;
        f.store.delete(&f.container, "a/b.txt").await.expect("delete");
        let err = f.store.head(&f.container, "a/b.txt").await.expect_err("gone");
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert_eq!(f.read("a/c.txt").await, b"2", "a neighbour survives");
        f.store.delete(&f.container, "never-existed").await.expect("deleting a missing key succeeds");
        f.store.delete(&f.container, "a/c.txt").await.expect("delete");
        let (keys, prefixes, _) = f.list_all(ListOptions::folder("")).await;
        assert!(keys.is_empty() && prefixes.is_empty(), "{keys:?} {prefixes:?}");
    }

    pub async fn not_found(f: Fixture) {
        let err = f.store.head(&f.container, "missing").await.expect_err("head");
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert!(!err.retryable());

        let dest = f.scratch.path().join("never.bin");
        let err = get_to_file(f.store.as_ref(), &f.container, "missing", &dest).await.expect_err("get");
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert!(!dest.exists(), "a failed download leaves no file");
        let leftovers = std::fs::read_dir(f.scratch.path()).expect("scratch").count();
        assert_eq!(leftovers, 0, "no temporary file is left behind");

        let err = f.store.list("no-such-container-here", &ListOptions::folder("")).await.expect_err("list");
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert_eq!(err.to_string(), "The container \"no-such-container-here\" does not exist.");
        let err = f.store.multipart_or_err().expect("parts").abort_multipart(
            &f.container,
            "k",
            "0123456789abcdef0123456789abcdef",
        );
        let err = err.await.expect_err("abort");
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    }

    pub async fn awkward_keys(f: Fixture) {
        let long = format!("long/{}", "k".repeat(1024 - 5));
        let flat_long = "é".repeat(512); // 1,024 bytes, one segment
        let keys = [
            "with space/file name.txt",
            "unicode/données/日本語.txt",
            "plus+sign",
            "percent%20literal",
            "hash#tag",
            "question?mark",
            "double//slash",
            "dot/./segment",
            "trailing.dot.",
            long.as_str(),
            flat_long.as_str(),
        ];
        for (i, key) in keys.iter().enumerate() {
            f.put(key, format!("body {i}").as_bytes()).await;
        }
        let (listed, _, _) = f.list_all(ListOptions::recursive("")).await;
        let want: BTreeSet<&str> = keys.iter().copied().collect();
        assert_eq!(listed.iter().map(String::as_str).collect::<BTreeSet<_>>(), want);
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted, "keys come back in byte order");
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(f.read(key).await, format!("body {i}").as_bytes(), "{key:?}");
        }
        let (objects, prefixes, _) = f.list_all(ListOptions::folder("unicode/")).await;
        assert_eq!((objects.len(), prefixes), (0, vec!["unicode/données/".to_owned()]));

        let too_long = "x".repeat(1025);
        let err = put_file(f.store.as_ref(), &f.container, &too_long, &f.file(b"x"), &PutOptions::default())
            .await
            .expect_err("too long");
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }

    pub async fn paging(f: Fixture) {
        // More than one default page (1,000), in two folders.
        let source = f.file(b"0123456789");
        let mut want = BTreeSet::new();
        for i in 0..1_050 {
            let key = format!("{}/img-{i:05}.jpg", if i % 3 == 0 { "val" } else { "train" });
            put_file(f.store.as_ref(), &f.container, &key, &source, &PutOptions::default()).await.expect("put");
            want.insert(key);
        }
        let (keys, prefixes, pages) = f.list_all(ListOptions::recursive("")).await;
        assert!(prefixes.is_empty());
        assert_eq!(pages, 2, "1,050 keys take two pages of 1,000");
        assert_eq!(keys.iter().cloned().collect::<BTreeSet<_>>(), want);
        assert_eq!(keys.len(), want.len(), "no key twice");

        let small = ListOptions { max_keys: Some(100), ..ListOptions::recursive("val/") };
        let (keys, _, pages) = f.list_all(small).await;
        assert_eq!(keys.len(), 350);
        assert_eq!(pages, 4);
    }

    pub async fn prefixes_and_delimiters(f: Fixture) {
        for key in ["data/a.txt", "data/b/c.txt", "data/b/d.txt", "data2/x", "root.txt", "data-notes.md"] {
            f.put(key, b".").await;
        }
        let (objects, prefixes, _) = f.list_all(ListOptions::folder("")).await;
        assert_eq!(objects, ["data-notes.md", "root.txt"]);
        assert_eq!(prefixes, ["data/", "data2/"]);

        let (objects, prefixes, _) = f.list_all(ListOptions::folder("data/")).await;
        assert_eq!(objects, ["data/a.txt"]);
        assert_eq!(prefixes, ["data/b/"]);

        let (objects, prefixes, _) = f.list_all(ListOptions::folder("dat")).await;
        assert_eq!(objects, ["data-notes.md"]);
        assert_eq!(prefixes, ["data/", "data2/"]);

        let (objects, _, _) = f.list_all(ListOptions::recursive("data/")).await;
        assert_eq!(objects, ["data/a.txt", "data/b/c.txt", "data/b/d.txt"]);

        // One entry per page: prefixes are never repeated across pages.
        let one = ListOptions { max_keys: Some(1), ..ListOptions::folder("") };
        let (objects, prefixes, pages) = f.list_all(one).await;
        assert_eq!((objects.len(), prefixes.len(), pages), (2, 2, 4));

        let (objects, prefixes, _) = f.list_all(ListOptions::folder("nothing-here/")).await;
        assert!(objects.is_empty() && prefixes.is_empty());
    }

    pub async fn multipart(f: Fixture) {
        // S3 requires every part but the last to be at least 5 MiB.
        let first: Vec<u8> = (0..5 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
        let last = b"tail of the checkpoint".to_vec();
        let mut whole = first.clone();
        whole.extend_from_slice(&last);
        let key = "checkpoints/epoch-01.pt";
        let parts = f.store.multipart().expect("every backend here uploads in parts");

        let id = parts.create_multipart(&f.container, key, &PutOptions::default()).await.expect("create");
        // The first part read a MiB at a time as it goes, the last one held whole.
        let p1 = parts.upload_part(&f.container, key, &id, 1, ReadPart::of(&first, 1 << 20)).await.expect("part 1");
        let slice = Bytes::from(last.clone());
        let p2 = parts.upload_part(&f.container, key, &id, 2, slice.into()).await.expect("part 2");
        assert_eq!(p1.etag, md5_hex(&first));
        assert_eq!(p2.etag, md5_hex(&last));

        // The server's difference is asserted by its own test below.
        if !f.differences.contains(&Difference::ListPartsRootElement) {
            let listed = parts.list_parts(&f.container, key, &id).await.expect("list parts");
            assert_eq!(
                listed.iter().map(|p| (p.number, p.size)).collect::<Vec<_>>(),
                [(1, first.len() as u64), (2, last.len() as u64)]
            );
        }

        let wrong = [p1.clone(), PartInfo { etag: md5_hex(b"other"), ..p2.clone() }];
        let err = parts.complete_multipart(&f.container, key, &id, &wrong).await.expect_err("wrong etag");
        // The one refusal an engine answers by sending the part again.
        assert_eq!(err.kind(), ErrorKind::PartMismatch, "{err}");
        assert_eq!(f.store.head(&f.container, key).await.expect_err("not created").kind(), ErrorKind::NotFound);

        let done = parts.complete_multipart(&f.container, key, &id, &[p1, p2]).await.expect("complete");
        let etag = done.etag.expect("etag");
        assert!(etag.ends_with("-2"), "a multipart ETag is not an MD5: {etag}");
        let head = f.store.head(&f.container, key).await.expect("head");
        assert_eq!(head.size, whole.len() as u64);
        assert_eq!(f.read(key).await, whole);

        // An aborted upload leaves no parts and no object.
        let id = parts.create_multipart(&f.container, "aborted.bin", &PutOptions::default()).await.expect("create");
        let part = Bytes::from_static(b"0123456789").into();
        parts.upload_part(&f.container, "aborted.bin", &id, 1, part).await.expect("part");
        parts.abort_multipart(&f.container, "aborted.bin", &id).await.expect("abort");
        let err = parts.list_parts(&f.container, "aborted.bin", &id).await.expect_err("gone");
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert_eq!(f.store.head(&f.container, "aborted.bin").await.expect_err("no object").kind(), ErrorKind::NotFound);
    }

    /// A part whose bytes cannot all be read (its file vanished, a disk
    /// failed) fails with the read's own error, not as a network fault a
    /// retry would send again, and lands nothing.
    pub async fn part_that_cannot_be_read(f: Fixture) {
        let key = "unreadable.bin";
        let parts = f.store.multipart().expect("every backend here uploads in parts");
        let id = parts.create_multipart(&f.container, key, &PutOptions::default()).await.expect("create");
        let half = vec![7u8; 1 << 20];
        let why = "Cannot read /data/unreadable.bin: Input/output error";
        let body = ReadPart { len: 2 << 20, chunks: vec![Bytes::from(half)], breaks: Some(why) };
        let err = parts
            .upload_part(&f.container, key, &id, 1, PartBody::Read(Arc::new(body)))
            .await
            .expect_err("half a part");
        assert_eq!((err.kind(), err.to_string()), (ErrorKind::Io, why.to_owned()));
        if !f.differences.contains(&Difference::ListPartsRootElement) {
            assert_eq!(parts.list_parts(&f.container, key, &id).await.expect("list parts"), []);
        }
        parts.abort_multipart(&f.container, key, &id).await.expect("abort");
    }

    pub async fn walk(f: Fixture) {
        // More than a page, so the walk splits the prefix into its folders.
        let mut keys: Vec<String> = (0..1040).map(|n| format!("train/n{:02}/{n}.jpg", n % 35)).collect();
        keys.extend(
            ["train/labels.csv", "train/deep/a/b/c.bin", "train/n01.txt", "train/n01-x/y", "trainer.py", "val/1.jpg"]
                .map(String::from),
        );
        let store = f.store.as_ref();
        let container = f.container.as_str();
        let put = |key: String| async move {
            store.put(container, &key, Bytes::from_static(b"x"), &PutOptions::default()).await
        };
        let put: Vec<_> = futures::stream::iter(keys).map(put).buffer_unordered(32).collect().await;
        assert!(put.iter().all(Result::is_ok), "{:?}", put.iter().find(|r| r.is_err()));
        for prefix in ["", "train/", "train/deep/", "tr"] {
            let walked = stowage_store::walk::list_tree(f.store.as_ref(), &f.container, prefix).await.expect("walk");
            let walked: Vec<String> = walked.into_iter().map(|o| o.key).collect();
            let (listed, _, _) = f.list_all(ListOptions::recursive(prefix)).await;
            assert_eq!(walked, listed, "under {prefix:?}: the same keys, in the same order");
        }
    }

    pub async fn share_link(f: Fixture) {
        let key = "shared/val set.txt";
        f.put(key, b"for a collaborator").await;
        let hour = Duration::from_secs(3600);
        let Some(links) = f.store.share_links() else {
            assert_eq!(f.backend, Backend::Memory, "only memory has no addresses to share");
            let err = f.store.share_links_or_err().err().expect("no share links");
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
            return;
        };
        let link = links.share_link(&f.container, key, hour).await;
        match f.backend {
            Backend::Memory => unreachable!("memory has no share links"),
            Backend::Local => {
                let link = link.expect("a file address");
                assert_eq!(link.expires_ms, None);
                let path = link.url.strip_prefix("file://").expect("file://").replace("%20", " ");
                assert_eq!(std::fs::read(path).expect("the link opens"), b"for a collaborator");
            }
            Backend::S3 => {
                let link = link.expect("a presigned URL");
                let left = link.expires_ms.expect("an expiry") - stowage_store::now_ms();
                assert!((3_590_000..=3_600_000).contains(&left), "expires in {left} ms");
                let secrets = std::env::vars().filter(|(name, _)| name.ends_with("_SECRET_KEY"));
                for (name, secret) in secrets {
                    assert!(!link.url.contains(&secret), "{name} is in the link");
                }
                let got = reqwest::get(&link.url).await.expect("fetch");
                assert_eq!(got.status(), 200, "a plain GET without credentials reads it");
                assert_eq!(got.bytes().await.expect("body").as_ref(), b"for a collaborator");

                let too_long = links.share_link(&f.container, key, Duration::from_secs(8 * 24 * 3600)).await;
                assert_eq!(too_long.expect_err("8 days").kind(), ErrorKind::InvalidInput);
                let short = links.share_link(&f.container, key, Duration::from_secs(1)).await.expect("1 s link");
                tokio::time::sleep(Duration::from_millis(2500)).await;
                let refused = reqwest::get(&short.url).await.expect("fetch");
                if f.differences.contains(&Difference::LinksDoNotExpire) {
                    assert!(refused.status().is_success(), "this server does not check expiry");
                } else {
                    // S3 says 403 AccessDenied; Garage 400. Refused is what counts.
                    assert!(refused.status().is_client_error(), "an expired link is refused: {}", refused.status());
                }
            }
        }
        let missing = links.share_link(&f.container, "nothing-here", hour).await;
        if f.backend == Backend::Local {
            assert_eq!(missing.expect_err("no object").kind(), ErrorKind::NotFound);
        }
    }

    pub async fn versions(f: Fixture) {
        let key = "ckpt/model.pt";
        let Some(versions) = f.store.versions() else {
            assert_ne!(f.backend, Backend::S3, "S3 speaks versions (a server may still refuse them)");
            let err = f.store.versions_or_err().err().expect("no versions here");
            assert!(err.message().contains("no versions"), "{err}");
            let asked = GetOptions { version_id: Some("v1".into()), ..GetOptions::default() };
            f.put(key, b"one").await;
            assert_eq!(
                f.store.get(&f.container, key, &asked).await.expect_err("no versions").kind(),
                ErrorKind::InvalidInput
            );
            return;
        };
        assert_eq!(versions.versioning(&f.container).await.expect("versioning"), Versioning::Off);
        if f.differences.contains(&Difference::NoVersioning) {
            let err = versions.set_versioning(&f.container, true).await.expect_err("this server has no versioning");
            assert!(!err.retryable(), "{err}");
            return;
        }
        versions.set_versioning(&f.container, true).await.expect("turn versioning on");
        assert_eq!(versions.versioning(&f.container).await.expect("versioning"), Versioning::Enabled);
        f.put(key, b"epoch 1").await;
        f.put(key, b"epoch 2, overwritten by mistake").await;
        f.put("ckpt/model.pt.bak", b"a neighbour with the key as prefix").await;
        f.store.delete(&f.container, key).await.expect("delete");
        assert_eq!(f.store.head(&f.container, key).await.expect_err("deleted").kind(), ErrorKind::NotFound);

        let page = versions.list_versions(&f.container, &ListOptions::recursive(key)).await.expect("versions");
        let mine: Vec<_> = page.versions.iter().filter(|v| v.key == key).collect();
        assert_eq!(mine.len(), 3, "{mine:?}");
        assert!(mine[0].latest && mine[0].delete_marker, "newest first, the delete marker: {mine:?}");
        assert_eq!((mine[1].size, mine[2].size), (31, 7), "{mine:?}");
        assert!(!mine[1].latest && !mine[2].latest);

        let first = mine[2].version_id.clone();
        let asked = GetOptions { version_id: Some(first.clone()), ..GetOptions::default() };
        let got = f.store.get(&f.container, key, &asked).await.expect("an old version");
        let body: Vec<u8> = got.body.map(|c| c.expect("chunk").to_vec()).concat().await;
        assert_eq!(body, b"epoch 1");
        let dest = f.scratch.path().join("old.pt");
        files::get_version_to_file(f.store.as_ref(), &f.container, key, Some(&first), &dest).await.expect("download");
        assert_eq!(std::fs::read(&dest).expect("read"), b"epoch 1");

        versions.restore_version(&f.container, key, &first).await.expect("restore");
        assert_eq!(f.read(key).await, b"epoch 1", "the deleted object is back, as its first version");
        let second = mine[1].version_id.clone();
        versions.delete_version(&f.container, key, &second).await.expect("delete a version");
        let page = versions.list_versions(&f.container, &ListOptions::recursive(key)).await.expect("versions");
        let ids: Vec<_> = page.versions.iter().filter(|v| v.key == key).map(|v| v.version_id.clone()).collect();
        assert_eq!(ids.len(), 3, "restored, marker, first: {ids:?}");
        assert!(!ids.contains(&second), "the deleted version is gone for good");
        versions.set_versioning(&f.container, false).await.expect("suspend");
        assert_eq!(versions.versioning(&f.container).await.expect("versioning"), Versioning::Suspended);
    }

    pub async fn capabilities(f: Fixture) {
        let said = f.store.capabilities();
        let expected = match f.backend {
            Backend::Memory => Capabilities { multipart: true, versions: false, share_links: false },
            Backend::Local => Capabilities { multipart: true, versions: false, share_links: true },
            Backend::S3 => Capabilities { multipart: true, versions: true, share_links: true },
        };
        assert_eq!(said, expected);
    }

    pub async fn storage_class(f: Fixture) {
        let options = PutOptions { storage_class: Some("STANDARD_IA".into()), ..PutOptions::default() };
        if f.differences.contains(&Difference::RefusesStorageClasses) {
            let path = f.file(b"rarely read");
            let err =
                put_file(f.store.as_ref(), &f.container, "cold/a.bin", &path, &options).await.expect_err("refused");
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
            assert!(err.message().contains("storage class"), "{err}");
            return;
        }
        f.put_with("cold/a.bin", b"rarely read", &options).await;
        let (listed, _, _) = f.list_all(ListOptions::recursive("cold/")).await;
        assert_eq!(listed, ["cold/a.bin"]);
        let page = f.store.list(&f.container, &ListOptions::recursive("cold/")).await.expect("list");
        let class = page.objects[0].storage_class.clone();
        let head = f.store.head(&f.container, "cold/a.bin").await.expect("head").storage_class;
        match f.backend {
            Backend::Local => assert_eq!((class, head), (None, None), "a folder has no classes"),
            Backend::S3 if f.differences.contains(&Difference::OneStorageClass) => {
                assert_eq!(class.as_deref(), Some("STANDARD"), "this server keeps every object STANDARD");
            }
            Backend::Memory | Backend::S3 => {
                assert_eq!(class.as_deref(), Some("STANDARD_IA"), "the listing says the class");
                assert_eq!(head.as_deref(), Some("STANDARD_IA"), "HEAD says a class that is not STANDARD");
            }
        }
    }

    pub async fn missing_source_file(f: Fixture) {
        let missing = Path::new("/nonexistent/stowage/file");
        let err = put_file(f.store.as_ref(), &f.container, "x", missing, &PutOptions::default())
            .await
            .expect_err("no source");
        assert!(matches!(err.kind(), ErrorKind::Io | ErrorKind::NotFound), "{err}");
        assert_eq!(f.store.head(&f.container, "x").await.expect_err("nothing written").kind(), ErrorKind::NotFound);
    }
}

macro_rules! conformance {
    ($backend:ident $(, #[$attr:meta])?) => {
        mod $backend {
            use super::*;
            conformance!(@case $backend, containers $(, #[$attr])?);
            conformance!(@case $backend, round_trip $(, #[$attr])?);
            conformance!(@case $backend, overwrite $(, #[$attr])?);
            conformance!(@case $backend, copy $(, #[$attr])?);
            conformance!(@case $backend, append_range $(, #[$attr])?);
            conformance!(@case $backend, write_range $(, #[$attr])?);
            conformance!(@case $backend, get $(, #[$attr])?);
            conformance!(@case $backend, delete $(, #[$attr])?);
            conformance!(@case $backend, delete_many $(, #[$attr])?);
            conformance!(@case $backend, not_found $(, #[$attr])?);
            conformance!(@case $backend, awkward_keys $(, #[$attr])?);
            conformance!(@case $backend, paging $(, #[$attr])?);
            conformance!(@case $backend, prefixes_and_delimiters $(, #[$attr])?);
            conformance!(@case $backend, multipart $(, #[$attr])?);
            conformance!(@case $backend, part_that_cannot_be_read $(, #[$attr])?);
            conformance!(@case $backend, missing_source_file $(, #[$attr])?);
            conformance!(@case $backend, walk $(, #[$attr])?);
            conformance!(@case $backend, share_link $(, #[$attr])?);
            conformance!(@case $backend, versions $(, #[$attr])?);
            conformance!(@case $backend, storage_class $(, #[$attr])?);
            conformance!(@case $backend, capabilities $(, #[$attr])?);
        }
    };
    (@case $backend:ident, $case:ident $(, #[$attr:meta])?) => {
        #[tokio::test]
        $(#[$attr])?
        async fn $case() {
            cases::$case(super::$backend().await).await;
        }
    };
}

conformance!(memory);
conformance!(local);
conformance!(s3, #[ignore = "needs a real S3 server: scripts/test starts Garage and runs this with --include-ignored"]);
conformance!(s3_layered, #[ignore = "needs a real S3 server: scripts/test starts Garage and runs this with --include-ignored"]);
conformance!(s3_crc32, #[ignore = "needs a real S3 server: scripts/test starts Garage and runs this with --include-ignored"]);
conformance!(swift, #[ignore = "needs OpenStack Swift with s3api: scripts/test starts it and runs this with --include-ignored"]);
conformance!(moto, #[ignore = "needs moto's S3 server: scripts/test starts it and runs this with --include-ignored"]);

/// [`Difference::ListPartsRootElement`], as moto does it today; fails once
/// moto answers as S3 does, to take the difference out.
#[tokio::test]
#[ignore = "needs moto's S3 server: scripts/test starts it and runs this with --include-ignored"]
async fn moto_differs_list_parts_answers_with_the_wrong_root_element() {
    let f = moto().await;
    let parts = f.store.multipart_or_err().expect("parts");
    let id = parts.create_multipart(&f.container, "k", &PutOptions::default()).await.expect("create");
    parts.upload_part(&f.container, "k", &id, 1, Bytes::from_static(b"part").into()).await.expect("part");
    let err = parts.list_parts(&f.container, "k", &id).await.expect_err("moto's ListPartsResponse");
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
    assert!(format!("{err:?}").contains("ListPartsResponse"), "{err:?}");
}
