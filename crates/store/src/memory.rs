//! An in-memory store for fast unit tests. It keeps S3's semantics (the
//! conformance suite checks it) but nothing survives the process.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Mutex;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use md5::{Digest, Md5};

use crate::{
    check_completion, check_key, check_part_number, container_name, listing, multipart_etag, now_ms, ContainerInfo,
    GetOptions, GetResult, ListOptions, ListPage, MultipartStore, ObjectInfo, ObjectStore, PartBody, PartInfo,
    PutOptions, PutResult, Result, StoreError,
};

#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    /// Objects written (puts, completed multipart uploads, copies), so tests
    /// can tell "arrived once" from "arrived twice".
    writes: std::sync::atomic::AtomicU64,
    /// Bytes received in puts and parts (a server-side copy receives none).
    received: std::sync::atomic::AtomicU64,
    /// Objects returned by listings: what a sync's view of the remote cost.
    listed: std::sync::atomic::AtomicU64,
    /// A round trip each put waits out, so tests can see how many requests
    /// a client keeps in flight (zero: answers at once).
    latency: std::time::Duration,
    puts_in_flight: std::sync::atomic::AtomicU64,
    peak_puts_in_flight: std::sync::atomic::AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    containers: BTreeMap<String, Container>,
    uploads: BTreeMap<String, Upload>,
}

#[derive(Debug)]
struct Container {
    created_ms: i64,
    objects: BTreeMap<String, Object>,
}

#[derive(Debug, Clone)]
struct Object {
    data: Bytes,
    info: ObjectInfo,
}

#[derive(Debug)]
struct Upload {
    container: String,
    key: String,
    options: PutOptions,
    parts: BTreeMap<u32, (PartInfo, Bytes)>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A store whose puts each take `latency`, like a distant server.
    pub fn with_latency(latency: std::time::Duration) -> Self {
        Self { latency, ..Self::default() }
    }

    /// The most puts that were in flight at once.
    pub fn peak_puts_in_flight(&self) -> u64 {
        self.peak_puts_in_flight.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many objects were written so far.
    pub fn writes(&self) -> u64 {
        self.writes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many bytes of object data were sent to it so far.
    pub fn received_bytes(&self) -> u64 {
        self.received.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many objects its listings returned so far.
    pub fn listed_objects(&self) -> u64 {
        self.listed.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits out the store's latency, counted as one put in flight.
    async fn round_trip(&self) {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.puts_in_flight.fetch_add(1, SeqCst) + 1;
        self.peak_puts_in_flight.fetch_max(now, SeqCst);
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        self.puts_in_flight.fetch_sub(1, SeqCst);
    }

    fn receive(&self, data: &Bytes) {
        self.received.fetch_add(data.len() as u64, std::sync::atomic::Ordering::SeqCst);
    }

    fn wrote(&self) {
        self.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// A copy of the object at `key`, for reading without the lock.
    fn object(&self, container: &str, key: &str) -> Result<Object> {
        self.lock().container(container)?.objects.get(key).cloned().ok_or_else(|| StoreError::no_object(container, key))
    }

    /// The object at `key` for a read, if it is still `expected_etag`.
    fn version(&self, container: &str, key: &str, expected_etag: Option<&str>) -> Result<Object> {
        check_key(key)?;
        let object = self.object(container, key)?;
        crate::check_expected_etag(container, key, object.info.etag.as_deref(), expected_etag)?;
        Ok(object)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated
        // (every mutation is a single insert/remove), so poisoning is ignored.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    fn container(&mut self, name: &str) -> Result<&mut Container> {
        self.containers.get_mut(name).ok_or_else(|| StoreError::no_container(name))
    }

    fn upload(&mut self, container: &str, key: &str, upload_id: &str) -> Result<&mut Upload> {
        match self.uploads.get_mut(upload_id) {
            Some(u) if u.container == container && u.key == key => Ok(u),
            _ => Err(StoreError::no_upload(upload_id)),
        }
    }
}

fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

fn new_object(key: &str, data: Bytes, etag: String, options: &PutOptions) -> Object {
    let info = ObjectInfo {
        key: key.to_owned(),
        size: data.len() as u64,
        modified_ms: Some(now_ms()),
        etag: Some(etag),
        content_type: options.content_type.clone(),
        metadata: options.metadata.clone(),
        storage_class: options.storage_class.clone(),
    };
    Object { data, info }
}

#[async_trait]
impl ObjectStore for MemoryStore {
    async fn list_containers(&self) -> Result<Vec<ContainerInfo>> {
        let state = self.lock();
        Ok(state
            .containers
            .iter()
            .map(|(name, c)| ContainerInfo { name: name.clone(), created_ms: Some(c.created_ms) })
            .collect())
    }

    async fn create_container(&self, name: &str) -> Result<()> {
        container_name::validate(name)?;
        let mut state = self.lock();
        if state.containers.contains_key(name) {
            return Err(StoreError::new(
                crate::ErrorKind::AlreadyExists,
                format!("The container \"{name}\" already exists."),
            ));
        }
        state.containers.insert(name.to_owned(), Container { created_ms: now_ms(), objects: BTreeMap::new() });
        Ok(())
    }

    async fn delete_container(&self, name: &str) -> Result<()> {
        let mut state = self.lock();
        if !state.container(name)?.objects.is_empty() {
            return Err(StoreError::new(
                crate::ErrorKind::Precondition,
                format!("The container \"{name}\" is not empty."),
            ));
        }
        state.containers.remove(name);
        Ok(())
    }

    async fn list(&self, container: &str, options: &ListOptions) -> Result<ListPage> {
        let mut state = self.lock();
        let objects = &state.container(container)?.objects;
        let range = objects.range::<str, _>((Bound::Included(options.prefix.as_str()), Bound::Unbounded));
        let entries = range.take_while(|(k, _)| k.starts_with(&options.prefix)).map(|(k, o)| (k.clone(), o));
        let page = listing::paginate(entries, options)?;
        self.listed.fetch_add(page.objects.len() as u64, std::sync::atomic::Ordering::SeqCst);
        Ok(ListPage {
            objects: page.objects.into_iter().map(|(_, o)| o.info.listed()).collect(),
            prefixes: page.prefixes,
            next: page.next,
        })
    }

    async fn head(&self, container: &str, key: &str) -> Result<ObjectInfo> {
        let mut state = self.lock();
        let object =
            state.container(container)?.objects.get(key).ok_or_else(|| StoreError::no_object(container, key))?;
        Ok(object.info.clone())
    }

    async fn get(&self, container: &str, key: &str, options: &GetOptions) -> Result<GetResult> {
        crate::no_versions(options)?;
        let object = self.version(container, key, options.if_match.as_deref())?;
        let bytes = crate::slice_of(&object.data, options);
        let body = if bytes.is_empty() {
            futures::stream::empty().boxed()
        } else {
            futures::stream::once(async { Ok(bytes) }).boxed()
        };
        Ok(GetResult { info: object.info, body })
    }

    async fn put(&self, container: &str, key: &str, data: Bytes, options: &PutOptions) -> Result<PutResult> {
        check_key(key)?;
        self.round_trip().await;
        self.receive(&data);
        let etag = md5_hex(&data);
        let mut state = self.lock();
        state.container(container)?.objects.insert(key.to_owned(), new_object(key, data, etag.clone(), options));
        self.wrote();
        Ok(PutResult { etag: Some(etag) })
    }

    async fn copy(&self, container: &str, from: &str, to: &str) -> Result<PutResult> {
        check_key(from)?;
        check_key(to)?;
        let mut state = self.lock();
        let objects = &mut state.container(container)?.objects;
        let source = objects.get(from).ok_or_else(|| StoreError::no_object(container, from))?;
        let info = ObjectInfo { key: to.to_owned(), modified_ms: Some(now_ms()), ..source.info.clone() };
        let copied = Object { data: source.data.clone(), info };
        let etag = copied.info.etag.clone();
        objects.insert(to.to_owned(), copied);
        self.wrote();
        Ok(PutResult { etag })
    }

    async fn delete(&self, container: &str, key: &str) -> Result<()> {
        check_key(key)?;
        self.lock().container(container)?.objects.remove(key);
        Ok(())
    }

    fn multipart(&self) -> Option<&dyn MultipartStore> {
        Some(self)
    }
}

#[async_trait]
impl MultipartStore for MemoryStore {
    async fn create_multipart(&self, container: &str, key: &str, options: &PutOptions) -> Result<String> {
        check_key(key)?;
        let mut state = self.lock();
        state.container(container)?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        let upload = Upload {
            container: container.to_owned(),
            key: key.to_owned(),
            options: options.clone(),
            parts: BTreeMap::new(),
        };
        state.uploads.insert(id.clone(), upload);
        Ok(id)
    }

    async fn upload_part(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        body: PartBody,
    ) -> Result<PartInfo> {
        check_part_number(number)?;
        let data = body.collect().await?;
        self.receive(&data);
        let part = PartInfo { number, etag: md5_hex(&data), size: data.len() as u64 };
        self.lock().upload(container, key, upload_id)?.parts.insert(number, (part.clone(), data));
        Ok(part)
    }

    async fn complete_multipart(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        parts: &[PartInfo],
    ) -> Result<PutResult> {
        let mut state = self.lock();
        let upload = state.upload(container, key, upload_id)?;
        let uploaded = upload.parts.iter().map(|(n, (p, _))| (*n, p.clone())).collect();
        let chosen = check_completion(parts, &uploaded)?;
        let mut data = Vec::new();
        for part in &chosen {
            data.extend_from_slice(&upload.parts[&part.number].1);
        }
        let etag = multipart_etag(&chosen)?;
        let object = new_object(key, Bytes::from(data), etag.clone(), &upload.options);
        state.uploads.remove(upload_id);
        state.container(container)?.objects.insert(key.to_owned(), object);
        self.wrote();
        Ok(PutResult { etag: Some(etag) })
    }

    async fn abort_multipart(&self, container: &str, key: &str, upload_id: &str) -> Result<()> {
        let mut state = self.lock();
        state.upload(container, key, upload_id)?;
        state.uploads.remove(upload_id);
        Ok(())
    }

    async fn list_parts(&self, container: &str, key: &str, upload_id: &str) -> Result<Vec<PartInfo>> {
        let mut state = self.lock();
        Ok(state.upload(container, key, upload_id)?.parts.values().map(|(p, _)| p.clone()).collect())
    }
}
