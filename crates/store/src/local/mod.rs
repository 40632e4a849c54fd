//! A store in a folder on this computer: the embedded default, so a user with
//! no cloud account can use every feature.
//!
//! Layout under the root: one folder per container; inside, one file per
//! object at the path its key names (see [`names`]), and beside each object
//! a hidden `.<name>.meta` JSON file with its ETag, content type and user
//! metadata. Writes go to `<container>/.stowage/tmp` and are renamed into
//! place, so a crash never leaves half an object. Multipart uploads keep
//! their parts in `<container>/.stowage/uploads/<id>/`.
//!
//! The metadata file records the size and modification time of the data file
//! it describes; when they no longer match (a crash between the two renames,
//! or the file was edited by hand) the metadata is ignored rather than
//! trusted, and the object is listed without an ETag.
//!
//! All file work runs on tokio's blocking pool.

mod migrate;
mod names;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::{
    check_completion, check_key, check_part_number, container_name, listing, multipart_etag, system_time_ms,
    ContainerInfo, ErrorKind, GetOptions, GetResult, ListOptions, ListPage, MultipartStore, ObjectInfo, ObjectStore,
    PartBody, PartInfo, PutOptions, PutResult, Result, ShareLink, ShareLinks, StoreError,
};

/// The store's own folder inside each container; never an object name
/// because encoded names never start with `.` (see [`names`]).
const INTERNAL_DIR: &str = ".stowage";
/// Holds the full segment of a folder whose name was shortened.
const SEGMENT_FILE: &str = ".segment";

#[derive(Debug, Clone)]
pub struct LocalStore {
    root: Arc<PathBuf>,
}

/// What the hidden file beside an object records.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Meta {
    key: String,
    etag: String,
    content_type: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    /// Size and modification time of the data file this describes.
    size: u64,
    data_modified_ns: u128,
}

#[derive(Debug, Serialize, Deserialize)]
struct UploadRecord {
    key: String,
    content_type: Option<String>,
    metadata: BTreeMap<String, String>,
}

impl LocalStore {
    /// A store rooted at `root`, which is created if missing.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root)
            .map_err(|e| StoreError::io(format!("Cannot create the store folder {}", root.display()), e))?;
        migrate::migrate(&root).map_err(|e| {
            StoreError::io(format!("Cannot rename the files of {} to today's names", root.display()), e)
        })?;
        Ok(Self { root: Arc::new(root) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Runs `work` on the blocking pool with a copy of this store.
    async fn blocking<T: Send + 'static>(&self, work: impl FnOnce(&Self) -> Result<T> + Send + 'static) -> Result<T> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || work(&this))
            .await
            .map_err(|e| StoreError::new(ErrorKind::Io, format!("A file operation was interrupted: {e}")))?
    }

    fn container_dir(&self, container: &str) -> Result<PathBuf> {
        container_name::validate(container)?;
        let dir = self.root.join(container);
        if dir.is_dir() {
            Ok(dir)
        } else {
            Err(StoreError::no_container(container))
        }
    }

    fn tmp_dir(&self, container: &str) -> Result<PathBuf> {
        let dir = self.container_dir(container)?.join(INTERNAL_DIR).join("tmp");
        fs::create_dir_all(&dir).map_err(|e| StoreError::io("Cannot create the store's temporary folder", e))?;
        Ok(dir)
    }

    fn upload_dir(&self, container: &str, key: &str, upload_id: &str) -> Result<PathBuf> {
        let valid_id = upload_id.len() == 32 && upload_id.bytes().all(|b| b.is_ascii_hexdigit());
        let dir = self.container_dir(container)?.join(INTERNAL_DIR).join("uploads").join(upload_id);
        let record: Option<UploadRecord> = if valid_id { read_json(&dir.join("upload.json")) } else { None };
        match record {
            Some(record) if record.key == key => Ok(dir),
            _ => Err(StoreError::no_upload(upload_id)),
        }
    }

    fn object_path(&self, container: &str, key: &str) -> Result<PathBuf> {
        check_key(key)?;
        let mut path = self.container_dir(container)?;
        path.extend(key.split('/').map(names::encode));
        Ok(path)
    }

    /// Copies bytes `range` of an object (clipped to its size) into `out`,
    /// which writes to `dest`, after checking the object's ETag.
    fn info(&self, key: &str, path: &Path) -> Result<ObjectInfo> {
        let stat = fs::metadata(path).map_err(|e| StoreError::io(format!("Cannot read object \"{key}\""), e))?;
        let meta = read_meta(path).filter(|m| m.size == stat.len() && Some(m.data_modified_ns) == modified_ns(&stat));
        Ok(ObjectInfo {
            key: key.to_owned(),
            size: stat.len(),
            modified_ms: stat.modified().ok().map(system_time_ms),
            etag: meta.as_ref().map(|m| m.etag.clone()),
            content_type: meta.as_ref().and_then(|m| m.content_type.clone()),
            metadata: meta.map(|m| m.metadata).unwrap_or_default(),
            storage_class: None,
        })
    }

    /// Moves a finished temp file into place as `key` with its metadata.
    fn place(&self, container: &str, key: &str, tmp: &Path, etag: String, options: &PutOptions) -> Result<PutResult> {
        let dest = self.object_path(container, key)?;
        self.make_parents(container, key, &dest)?;
        if dest.is_dir() {
            return Err(StoreError::new(
                ErrorKind::Precondition,
                format!("The local store cannot hold \"{key}\": objects already exist under \"{key}/\"."),
            ));
        }
        let stat = fs::metadata(tmp).map_err(|e| StoreError::io("Cannot read the temporary file", e))?;
        let meta = Meta {
            key: key.to_owned(),
            etag: etag.clone(),
            content_type: options.content_type.clone(),
            metadata: options.metadata.clone(),
            size: stat.len(),
            data_modified_ns: modified_ns(&stat).unwrap_or_default(),
        };
        let meta_tmp = tmp.with_extension("meta");
        write_file(&meta_tmp, &to_json(&meta)?)?;
        rename(tmp, &dest)?;
        rename(&meta_tmp, &meta_path(&dest))?;
        Ok(PutResult { etag: Some(etag) })
    }

    /// Creates the folders above `dest`; a folder whose name was shortened
    /// gets its full segment written inside.
    fn make_parents(&self, container: &str, key: &str, dest: &Path) -> Result<()> {
        let mut dir = self.container_dir(container)?;
        let segments: Vec<&str> = key.split('/').collect();
        for segment in &segments[..segments.len() - 1] {
            let name = names::encode(segment);
            dir.push(&name);
            if dir.is_file() {
                return Err(StoreError::new(
                    ErrorKind::Precondition,
                    format!("The local store cannot hold \"{key}\" beside the object at \"{segment}\"."),
                ));
            }
            if !dir.is_dir() {
                fs::create_dir_all(&dir)
                    .map_err(|e| StoreError::io(format!("Cannot create a folder for \"{key}\""), e))?;
                if names::is_shortened(&name) {
                    write_file(&dir.join(SEGMENT_FILE), segment.as_bytes())?;
                }
            }
        }
        debug_assert_eq!(dir.join(names::encode(segments[segments.len() - 1])), dest);
        Ok(())
    }

    /// The entries a listing needs, in key order: objects under the folder
    /// of `prefix`, recursively, or one level with folders as `name/` when
    /// the delimiter is `/`.
    fn entries(&self, container: &str, options: &ListOptions) -> Result<Vec<(String, Option<PathBuf>)>> {
        let mut dir = self.container_dir(container)?;
        let base = match options.prefix.rfind('/') {
            Some(at) => &options.prefix[..=at],
            None => "",
        };
        for segment in base.split_terminator('/') {
            dir.push(names::encode(segment));
        }
        let mut out = Vec::new();
        if dir.is_dir() {
            let shallow = options.delimiter.as_deref() == Some("/");
            collect(&dir, base, &options.prefix, shallow, &mut out)?;
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Removes folders left empty above a deleted object, up to the container.
    fn prune(&self, container_dir: &Path, mut dir: PathBuf) {
        while dir != container_dir && dir.starts_with(container_dir) {
            let _ = fs::remove_file(dir.join(SEGMENT_FILE));
            if fs::remove_dir(&dir).is_err() {
                // Not empty: put the segment record back if the name needs it.
                if let (Some(name), Some(segment)) = (dir.file_name().and_then(|n| n.to_str()), segment_of_dir(&dir)) {
                    if names::is_shortened(name) {
                        let _ = fs::write(dir.join(SEGMENT_FILE), segment);
                    }
                }
                return;
            }
            if !dir.pop() {
                return;
            }
        }
    }
}

/// Walks `dir` (which stores keys starting with `base`) and collects keys
/// that start with `prefix`; `None` marks a folder entry (shallow mode).
fn collect(
    dir: &Path,
    base: &str,
    prefix: &str,
    shallow: bool,
    out: &mut Vec<(String, Option<PathBuf>)>,
) -> Result<()> {
    let read = fs::read_dir(dir).map_err(|e| StoreError::io(format!("Cannot list {}", dir.display()), e))?;
    for entry in read {
        let entry = entry.map_err(|e| StoreError::io(format!("Cannot list {}", dir.display()), e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let segment = match names::decode(&name) {
            Some(segment) => segment,
            None if names::is_shortened(&name) && is_dir => match segment_of_dir(&path) {
                Some(segment) => segment,
                None => continue,
            },
            None if names::is_shortened(&name) => match read_meta(&path) {
                Some(meta) => meta.key.rsplit('/').next().unwrap_or_default().to_owned(),
                None => continue,
            },
            None => continue,
        };
        let key = format!("{base}{segment}");
        if is_dir {
            let folder = format!("{key}/");
            // Skip folders that cannot hold a key with this prefix.
            if !(folder.starts_with(prefix) || prefix.starts_with(&folder)) {
                continue;
            }
            if shallow {
                out.push((folder, None));
            } else {
                collect(&path, &folder, prefix, false, out)?;
            }
        } else if key.starts_with(prefix) {
            out.push((key, Some(path)));
        }
    }
    Ok(())
}

fn segment_of_dir(dir: &Path) -> Option<String> {
    fs::read_to_string(dir.join(SEGMENT_FILE)).ok()
}

fn meta_path(object: &Path) -> PathBuf {
    let name = object.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    object.with_file_name(format!(".{name}.meta"))
}

fn read_meta(object: &Path) -> Option<Meta> {
    read_json(&meta_path(object))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

fn modified_ns(stat: &fs::Metadata) -> Option<u128> {
    stat.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_nanos())
}

fn to_json(value: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| StoreError::new(ErrorKind::Io, e.to_string()))
}

fn write_json_atomically(path: &Path, value: &impl Serialize) -> Result<()> {
    write_file_atomically(path, &to_json(value)?)
}

fn write_file_atomically(dest: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic::write_atomically(dest, bytes)
        .map_err(|e| StoreError::io(format!("Cannot write {}", dest.display()), e))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(|e| StoreError::io(format!("Cannot write {}", path.display()), e))
}

fn new_tmp(dir: &Path) -> PathBuf {
    dir.join(format!("{}.tmp", uuid::Uuid::new_v4().simple()))
}

/// Writes `bytes` to a new file and flushes it to disk before it is renamed
/// into place.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file =
        fs::File::create(path).map_err(|e| StoreError::io(format!("Cannot create {}", path.display()), e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| StoreError::io(format!("Cannot write {}", path.display()), e))
}

fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// `left` bytes of `file` from where it stands, in blocks read on the
/// blocking pool as the stream is polled; an error ends it.
fn read_blocks(file: fs::File, left: u64) -> crate::ByteStream {
    use futures::StreamExt;
    const BLOCK: u64 = 256 << 10;
    futures::stream::unfold(Some((file, left)), |state| async move {
        let (mut file, left) = state.filter(|(_, left)| *left > 0)?;
        let read = tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut block = vec![0; usize::try_from(BLOCK.min(left)).unwrap_or(0)];
            file.read_exact(&mut block).map(|()| (file, block))
        })
        .await;
        match read {
            Ok(Ok((file, block))) => {
                let n = block.len() as u64;
                Some((Ok(Bytes::from(block)), Some((file, left - n))))
            }
            Ok(Err(e)) => Some((Err(StoreError::io("Cannot read the object", e)), None)),
            Err(e) => {
                Some((Err(StoreError::new(ErrorKind::Io, format!("Reading the object was interrupted: {e}"))), None))
            }
        }
    })
    .boxed()
}

pub(crate) fn rename(from: &Path, to: &Path) -> Result<()> {
    crate::disk::rename(from, to).map_err(|e| StoreError::io(format!("Cannot write {}", to.display()), e))
}

#[async_trait]
impl ObjectStore for LocalStore {
    async fn list_containers(&self) -> Result<Vec<ContainerInfo>> {
        self.blocking(|this| {
            let read =
                fs::read_dir(this.root.as_path()).map_err(|e| StoreError::io("Cannot list the store folder", e))?;
            let mut containers = Vec::new();
            for entry in read.flatten() {
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                let Ok(stat) = entry.metadata() else { continue };
                if stat.is_dir() && container_name::validate(&name).is_ok() {
                    let created = stat.created().or_else(|_| stat.modified()).ok().map(system_time_ms);
                    containers.push(ContainerInfo { name, created_ms: created });
                }
            }
            containers.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(containers)
        })
        .await
    }

    async fn create_container(&self, name: &str) -> Result<()> {
        container_name::validate(name)?;
        let dir = self.root.join(name);
        self.blocking(move |_| match fs::create_dir(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(StoreError::new(
                ErrorKind::AlreadyExists,
                format!("The container \"{}\" already exists.", dir.display()),
            )),
            Err(e) => Err(StoreError::io("Cannot create the container folder", e)),
        })
        .await
        .map_err(|e| match e.kind() {
            ErrorKind::AlreadyExists => {
                StoreError::new(ErrorKind::AlreadyExists, format!("The container \"{name}\" already exists."))
            }
            _ => e,
        })
    }

    async fn delete_container(&self, name: &str) -> Result<()> {
        let name = name.to_owned();
        self.blocking(move |this| {
            let dir = this.container_dir(&name)?;
            let has_objects = fs::read_dir(&dir)
                .map_err(|e| StoreError::io("Cannot list the container", e))?
                .flatten()
                .any(|e| !e.file_name().to_string_lossy().starts_with('.'));
            if has_objects {
                return Err(StoreError::new(
                    ErrorKind::Precondition,
                    format!("The container \"{name}\" is not empty."),
                ));
            }
            fs::remove_dir_all(&dir).map_err(|e| StoreError::io("Cannot delete the container folder", e))
        })
        .await
    }

    async fn list(&self, container: &str, options: &ListOptions) -> Result<ListPage> {
        let (container, options) = (container.to_owned(), options.clone());
        self.blocking(move |this| {
            let entries = this.entries(&container, &options)?;
            let page = listing::paginate(entries, &options)?;
            let mut objects = Vec::with_capacity(page.objects.len());
            for (key, path) in page.objects {
                // A folder entry never reaches here: "name/" always rolls up.
                let Some(path) = path else { continue };
                match this.info(&key, &path) {
                    Ok(info) => objects.push(info),
                    // Deleted since the directory was read.
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(ListPage { objects, prefixes: page.prefixes, next: page.next })
        })
        .await
    }

    async fn head(&self, container: &str, key: &str) -> Result<ObjectInfo> {
        let (container, key) = (container.to_owned(), key.to_owned());
        self.blocking(move |this| {
            let path = this.object_path(&container, &key)?;
            if !path.is_file() {
                return Err(StoreError::no_object(&container, &key));
            }
            this.info(&key, &path)
        })
        .await
    }

    async fn get(&self, container: &str, key: &str, options: &GetOptions) -> Result<GetResult> {
        crate::no_versions(options)?;
        check_key(key)?;
        let (container, key, wanted) = (container.to_owned(), key.to_owned(), options.clone());
        let (info, file) = self
            .blocking(move |this| {
                use std::io::Seek;
                let path = this.object_path(&container, &key)?;
                if !path.is_file() {
                    return Err(StoreError::no_object(&container, &key));
                }
                let info = this.info(&key, &path)?;
                crate::check_expected_etag(&container, &key, info.etag.as_deref(), wanted.if_match.as_deref())?;
                let unreadable = |e| StoreError::io(format!("Cannot read object \"{key}\""), e);
                let mut file = fs::File::open(&path).map_err(unreadable)?;
                file.seek(std::io::SeekFrom::Start(wanted.offset.min(info.size))).map_err(unreadable)?;
                Ok((info, file))
            })
            .await?;
        let left = info.size.saturating_sub(options.offset).min(options.len.unwrap_or(u64::MAX));
        Ok(GetResult { body: read_blocks(file, left), info })
    }

    async fn put(&self, container: &str, key: &str, body: Bytes, options: &PutOptions) -> Result<PutResult> {
        check_key(key)?;
        let (container, key, options) = (container.to_owned(), key.to_owned(), options.clone());
        self.blocking(move |this| {
            let tmp = new_tmp(&this.tmp_dir(&container)?);
            let result =
                write_synced(&tmp, &body).and_then(|()| this.place(&container, &key, &tmp, md5_hex(&body), &options));
            if result.is_err() {
                let _ = fs::remove_file(&tmp);
                let _ = fs::remove_file(tmp.with_extension("meta"));
            }
            result
        })
        .await
    }

    async fn copy(&self, container: &str, from: &str, to: &str) -> Result<PutResult> {
        check_key(to)?;
        let (container, from, to) = (container.to_owned(), from.to_owned(), to.to_owned());
        self.blocking(move |this| {
            let source = this.object_path(&container, &from)?;
            if !source.is_file() {
                return Err(StoreError::no_object(&container, &from));
            }
            let info = this.info(&from, &source)?;
            let tmp = new_tmp(&this.tmp_dir(&container)?);
            let result = fs::copy(&source, &tmp)
                .map_err(|e| StoreError::io(format!("Cannot copy object \"{from}\""), e))
                .and_then(|_| {
                    // A file put in the folder by hand has no recorded ETag yet.
                    let etag = match info.etag {
                        Some(etag) => etag,
                        None => md5_hex(&fs::read(&tmp).map_err(|e| StoreError::io("Cannot read the copy", e))?),
                    };
                    let options =
                        PutOptions { content_type: info.content_type, metadata: info.metadata, storage_class: None };
                    this.place(&container, &to, &tmp, etag, &options)
                });
            if result.is_err() {
                let _ = fs::remove_file(&tmp);
                let _ = fs::remove_file(tmp.with_extension("meta"));
            }
            result
        })
        .await
    }

    async fn delete(&self, container: &str, key: &str) -> Result<()> {
        let (container, key) = (container.to_owned(), key.to_owned());
        self.blocking(move |this| {
            let path = this.object_path(&container, &key)?;
            if path.is_dir() {
                return Ok(());
            }
            match crate::disk::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(StoreError::io(format!("Cannot delete object \"{key}\""), e)),
            }
            let _ = fs::remove_file(meta_path(&path));
            if let Some(parent) = path.parent() {
                this.prune(&this.container_dir(&container)?, parent.to_owned());
            }
            Ok(())
        })
        .await
    }

    fn multipart(&self) -> Option<&dyn MultipartStore> {
        Some(self)
    }

    fn share_links(&self) -> Option<&dyn ShareLinks> {
        Some(self)
    }
}

#[async_trait]
impl MultipartStore for LocalStore {
    async fn create_multipart(&self, container: &str, key: &str, options: &PutOptions) -> Result<String> {
        check_key(key)?;
        let record = UploadRecord {
            key: key.to_owned(),
            content_type: options.content_type.clone(),
            metadata: options.metadata.clone(),
        };
        let container = container.to_owned();
        self.blocking(move |this| {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let dir = this.container_dir(&container)?.join(INTERNAL_DIR).join("uploads").join(&id);
            fs::create_dir_all(&dir).map_err(|e| StoreError::io("Cannot start the multipart upload", e))?;
            write_file(&dir.join("upload.json"), &to_json(&record)?)?;
            Ok(id)
        })
        .await
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
        let body = body.collect().await?;
        let (container, key, upload_id) = (container.to_owned(), key.to_owned(), upload_id.to_owned());
        self.blocking(move |this| {
            let dir = this.upload_dir(&container, &key, &upload_id)?;
            let tmp = new_tmp(&dir);
            let result = (|| {
                write_synced(&tmp, &body)?;
                let part = PartInfo { number, etag: md5_hex(&body), size: body.len() as u64 };
                rename(&tmp, &dir.join(format!("{number:05}")))?;
                // The record names the ETag of the data just placed; a crash
                // between the two leaves a mismatch that completion refuses.
                write_json_atomically(&dir.join(format!("{number:05}.json")), &part)?;
                Ok(part)
            })();
            if result.is_err() {
                let _ = fs::remove_file(&tmp);
            }
            result
        })
        .await
    }

    async fn complete_multipart(
        &self,
        container: &str,
        key: &str,
        upload_id: &str,
        parts: &[PartInfo],
    ) -> Result<PutResult> {
        let (container, key, upload_id, parts) =
            (container.to_owned(), key.to_owned(), upload_id.to_owned(), parts.to_vec());
        self.blocking(move |this| {
            let dir = this.upload_dir(&container, &key, &upload_id)?;
            let uploaded = uploaded_parts(&dir);
            let chosen = check_completion(&parts, &uploaded)?;
            let record: UploadRecord =
                read_json(&dir.join("upload.json")).ok_or_else(|| StoreError::no_upload(&upload_id))?;
            let tmp = new_tmp(&this.tmp_dir(&container)?);
            let assembled = (|| {
                let mut out = fs::File::create(&tmp).map_err(|e| StoreError::io("Cannot assemble the object", e))?;
                for part in &chosen {
                    let mut input = fs::File::open(dir.join(format!("{:05}", part.number)))
                        .map_err(|e| StoreError::io(format!("Cannot read part {}", part.number), e))?;
                    std::io::copy(&mut input, &mut out).map_err(|e| StoreError::io("Cannot assemble the object", e))?;
                }
                out.sync_all().map_err(|e| StoreError::io("Cannot assemble the object", e))
            })();
            let options =
                PutOptions { content_type: record.content_type, metadata: record.metadata, storage_class: None };
            let result =
                assembled.and_then(|()| this.place(&container, &key, &tmp, multipart_etag(&chosen)?, &options));
            if result.is_err() {
                let _ = fs::remove_file(&tmp);
                let _ = fs::remove_file(tmp.with_extension("meta"));
            } else {
                let _ = fs::remove_dir_all(&dir);
            }
            result
        })
        .await
    }

    async fn abort_multipart(&self, container: &str, key: &str, upload_id: &str) -> Result<()> {
        let (container, key, upload_id) = (container.to_owned(), key.to_owned(), upload_id.to_owned());
        self.blocking(move |this| {
            let dir = this.upload_dir(&container, &key, &upload_id)?;
            fs::remove_dir_all(&dir).map_err(|e| StoreError::io("Cannot remove the multipart upload", e))
        })
        .await
    }

    async fn list_parts(&self, container: &str, key: &str, upload_id: &str) -> Result<Vec<PartInfo>> {
        let (container, key, upload_id) = (container.to_owned(), key.to_owned(), upload_id.to_owned());
        self.blocking(move |this| {
            Ok(uploaded_parts(&this.upload_dir(&container, &key, &upload_id)?).into_values().collect())
        })
        .await
    }
}

#[async_trait]
impl ShareLinks for LocalStore {
    /// A `file://` address of the object: it opens on this computer only,
    /// and does not expire.
    async fn share_link(&self, container: &str, key: &str, _expires_in: std::time::Duration) -> Result<ShareLink> {
        check_key(key)?;
        let path = self.object_path(container, key)?;
        if !path.is_file() {
            return Err(StoreError::no_object(container, key));
        }
        let path = path.canonicalize().map_err(|e| StoreError::io(format!("Cannot read object \"{key}\""), e))?;
        Ok(ShareLink { url: format!("file://{}", crate::percent_encoded(&path.to_string_lossy())), expires_ms: None })
    }
}

/// Parts whose data and record are both in place, by number.
fn uploaded_parts(dir: &Path) -> BTreeMap<u32, PartInfo> {
    let Ok(read) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    read.flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let number: u32 = name.strip_suffix(".json")?.parse().ok()?;
            dir.join(format!("{number:05}")).is_file().then_some(())?;
            let part: PartInfo = read_json(&entry.path())?;
            Some((number, part))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn edited_files_lose_their_stale_etag() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = LocalStore::open(dir.path()).expect("open");
        store.create_container("data").await.expect("create");
        let src = dir.path().join("src.txt");
        fs::write(&src, b"hello").expect("write");
        crate::files::put_file(&store, "data", "a.txt", &src, &PutOptions::default()).await.expect("put");
        assert!(store.head("data", "a.txt").await.expect("head").etag.is_some());

        fs::write(dir.path().join("data").join("a.txt"), b"hello, edited by hand").expect("edit");
        let info = store.head("data", "a.txt").await.expect("head");
        assert_eq!(info.size, 21);
        assert_eq!(info.etag, None);
    }

    #[tokio::test]
    async fn a_key_cannot_shadow_a_folder_of_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = LocalStore::open(dir.path().join("root")).expect("open");
        store.create_container("data").await.expect("create");
        let src = dir.path().join("src.txt");
        fs::write(&src, b"x").expect("write");
        crate::files::put_file(&store, "data", "a/b", &src, &PutOptions::default()).await.expect("put");
        let err = crate::files::put_file(&store, "data", "a", &src, &PutOptions::default()).await.expect_err("clash");
        assert_eq!(err.kind(), ErrorKind::Precondition);
        let err =
            crate::files::put_file(&store, "data", "a/b/c", &src, &PutOptions::default()).await.expect_err("clash");
        assert_eq!(err.kind(), ErrorKind::Precondition);
        // Nothing was lost or left behind.
        assert_eq!(store.head("data", "a/b").await.expect("head").size, 1);
        assert_eq!(fs::read_dir(dir.path().join("root/data/.stowage/tmp")).expect("tmp").count(), 0);
    }

    #[tokio::test]
    async fn objects_are_plain_files_at_readable_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = LocalStore::open(dir.path()).expect("open");
        store.create_container("data").await.expect("create");
        let src = dir.path().join("src.txt");
        fs::write(&src, b"pixels").expect("write");
        crate::files::put_file(&store, "data", "train/cat 1.jpg", &src, &PutOptions::default()).await.expect("put");
        assert_eq!(fs::read(dir.path().join("data/train/cat 1.jpg")).expect("read"), b"pixels");
        store.delete("data", "train/cat 1.jpg").await.expect("delete");
        assert!(!dir.path().join("data/train").exists(), "empty folders are pruned");
    }
}
