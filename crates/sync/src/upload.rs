//! Uploads: one pool of concurrent requests across
//! all files, multipart above a threshold with parts of one file in
//! parallel, a memory budget for what is read, and the destination listed
//! once (no HEAD per file).
//!
//! Integrity: a small file is read once into a buffer, a part is read from
//! the file as it is sent ([`crate::file_part`]); the MD5 of the bytes sent
//! is compared with the ETag the service returns (for a multipart object,
//! the MD5 of the part MD5s). A part stored with another checksum is sent
//! again; a whole file that arrives altered is an error. A file whose size
//! or modification time changes while it uploads is never completed: it is
//! retried once at the end, then reported.
//!
//! Parts that landed are kept. A completion the service refuses because a
//! part is not as named (S3's InvalidPart) sends that part again and
//! completes again; a failure a retry can help (the network, a frozen
//! server) leaves the multipart upload open and in the journal, so Retry,
//! or the next start, continues from the parts the service lists.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::{self, StreamExt, TryStreamExt};
use stowage_store::{ErrorKind, ObjectInfo, ObjectStore, PartBody, PartInfo, PutOptions, StoreError};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::buffers::BufferPool;
use crate::conflict::{AskConflict, Conflict, Questions};
use crate::db::off_worker;
use crate::engine::{list_all, normalize_prefix, numbered, Existing, Tuning};
use crate::etag;
use crate::events::{EventSink, FileOutcome, Summary, TransferEvent};
use crate::file_part::{FilePart, READ_CHUNK};
use crate::journal::{modified_ns, Journal, UploadKey};
use crate::meter::Meter;
use crate::scan::{scan, LocalFile};
use crate::spill::Spilled;
/// The memory budget is counted in KiB: in MiB, every 16 KiB file held a
/// whole MiB, and 128 MiB allowed only 128 small files in flight.
const MEMORY_UNIT: u64 = 1024;

#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub sources: Vec<std::path::PathBuf>,
    pub container: String,
    /// Where the sources land; "" for the container's root.
    pub prefix: String,
    pub existing: Existing,
    /// Who answers when `existing` is [`Existing::Ask`]; without anyone,
    /// a different object already there is kept.
    pub ask: Option<Arc<dyn AskConflict>>,
    /// Where multipart uploads are recorded so a later run of the same
    /// upload continues them; `None` to start over every time.
    pub resume: Option<Resume>,
}

/// The journal, and the name of the store in it (the profile).
#[derive(Debug, Clone)]
pub struct Resume {
    pub journal: Arc<Journal>,
    pub store: String,
}

/// Uploads `request` into `store`, reporting to `sink`, until done or cancelled.
pub async fn upload(
    store: Arc<dyn ObjectStore>,
    request: UploadRequest,
    tuning: Tuning,
    sink: Arc<dyn EventSink>,
    cancel: CancellationToken,
) -> Summary {
    let mut summary = Summary::default();
    // A path the person named that is not there is a failure, not a skip.
    let (sources, missing): (Vec<_>, Vec<_>) =
        request.sources.iter().cloned().partition(|p| p.symlink_metadata().is_ok());
    for path in missing {
        summary.failed.push((path.display().to_string(), "This path does not exist.".to_owned()));
    }
    // The files found wait in a temporary file past a few thousand (about
    // 200 B each: 250 MB for 1.28 million), beside the journal if there is one.
    let dir = request.resume.as_ref().map_or_else(std::env::temp_dir, |r| r.journal.dir().to_owned());
    let scanning = tokio::task::spawn_blocking(move || {
        let mut found = Found { files: Spilled::new(dir), count: 0, bytes: 0 };
        let skipped = scan(&sources, |file| found.add(file));
        (found, skipped)
    });
    let (found, skipped) = match scanning.await {
        Ok(scanned) => scanned,
        Err(e) => return finish(summary.fail_all(format!("Reading the files was interrupted: {e}")), &sink),
    };
    summary.skipped_paths = skipped.clone();
    let prefix = normalize_prefix(&request.prefix);
    let store = tuning.transfer_store(store, &cancel);

    let remote = match list_all(store.as_ref(), &request.container, &prefix).await {
        Ok(remote) => remote,
        Err(e) => return finish(summary.fail_all(e.to_string()), &sink),
    };
    sink.send(TransferEvent::Started { files: found.count, bytes: found.bytes, skipped });

    let engine = Engine::new(store, request.container.clone(), tuning, sink.clone(), cancel, request.resume.clone())
        .asking(request.ask.clone());
    engine.claim(remote.keys().cloned());
    let work = found.files.iter().map(|file| {
        let key = format!("{prefix}{}", file.key);
        let action = decide(remote.get(&key), request.existing);
        (file, key, action)
    });
    engine.send_all(work, |file, key, outcome| summary.count(&key, file.size, &outcome)).await;
    if let Some(lost) = found.files.lost() {
        summary.failed.push((String::new(), format!("Some files were left out: {lost}. Upload again.")));
    }
    summary.cancelled |= engine.is_cancelled();
    finish(summary, &sink)
}

/// The files a scan found, and their count and bytes.
struct Found {
    files: Spilled<LocalFile>,
    count: u64,
    bytes: u64,
}

impl Found {
    fn add(&mut self, file: LocalFile) {
        self.count += 1;
        self.bytes += file.size;
        self.files.push(file);
    }
}

fn finish(summary: Summary, sink: &Arc<dyn EventSink>) -> Summary {
    sink.send(TransferEvent::Finished { summary: summary.clone() });
    summary
}

/// What to do with one file, decided from the single destination listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Upload,
    /// The key holds an object: skip it if it is this content (same size and
    /// ETag), otherwise follow the policy.
    Exists {
        size: u64,
        etag: Option<String>,
        modified_ms: Option<i64>,
        policy: Existing,
    },
}

fn decide(remote: Option<&ObjectInfo>, policy: Existing) -> Action {
    match remote {
        None => Action::Upload,
        Some(remote) => {
            Action::Exists { size: remote.size, etag: remote.etag.clone(), modified_ms: remote.modified_ms, policy }
        }
    }
}

pub(crate) enum Failure {
    Changed,
    Cancelled,
    Error(String),
    /// Stopped by what a retry can help; the parts that landed are kept for it.
    Interrupted(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self::Error(e.to_string())
    }
}

/// Tries of a part whose stored checksum differs from the bytes sent.
const PART_TRIES: u32 = 3;

/// Completions refused for a part not as named, each followed by sending
/// those parts again, before the upload fails.
const COMPLETION_ROUNDS: u32 = 3;

pub(crate) struct Engine {
    store: Arc<dyn ObjectStore>,
    container: String,
    memory: Semaphore,
    buffers: Arc<BufferPool>,
    tuning: Tuning,
    sink: Arc<dyn EventSink>,
    cancel: CancellationToken,
    /// Keys that exist or are being written, for "keep both" names.
    taken: std::sync::Mutex<HashSet<String>>,
    resume: Option<Resume>,
    questions: Questions,
}

impl Engine {
    /// An engine for `store`, the transfer's store (see [`Tuning::transfer_store`]).
    pub(crate) fn new(
        store: Arc<dyn ObjectStore>,
        container: String,
        tuning: Tuning,
        sink: Arc<dyn EventSink>,
        cancel: CancellationToken,
        resume: Option<Resume>,
    ) -> Self {
        let mut tuning = tuning;
        // A store without multipart uploads takes every file in one put.
        if store.multipart().is_none() {
            tuning.multipart_threshold = u64::MAX;
        }
        Self {
            store,
            container,
            memory: Semaphore::new(usize::try_from(tuning.memory_budget / MEMORY_UNIT).unwrap_or(usize::MAX).max(1)),
            buffers: BufferPool::new(tuning.memory_budget),
            tuning,
            sink,
            cancel,
            taken: std::sync::Mutex::new(HashSet::new()),
            resume,
            questions: Questions::new(None),
        }
    }

    /// Who answers for [`Existing::Ask`].
    pub(crate) fn asking(mut self, asker: Option<Arc<dyn AskConflict>>) -> Self {
        self.questions = Questions::new(asker);
        self
    }

    /// Marks keys as used, so "keep both" never picks them.
    pub(crate) fn claim(&self, keys: impl IntoIterator<Item = String>) {
        self.taken.lock().unwrap_or_else(|e| e.into_inner()).extend(keys);
    }

    /// Uploads every file to its key and hands each to `done` (and the
    /// events) as it finishes, so nothing per file piles up here. A file
    /// that changed mid-upload gets one more try once everything else is
    /// done; `done` gets the file as it was last read.
    pub(crate) async fn send_all(
        &self,
        work: impl IntoIterator<Item = (LocalFile, String, Action)>,
        mut done: impl FnMut(&LocalFile, String, FileOutcome),
    ) {
        // Files in flight: enough to keep the request pool busy with small files.
        let files_in_flight = self.tuning.concurrency.max(1) * 2;
        let mut retry_later = Vec::new();
        {
            let mut results = stream::iter(work)
                .map(|(file, key, action)| async move {
                    let outcome = self.run(&file, &key, &action).await;
                    (file, key, action, outcome)
                })
                .buffer_unordered(files_in_flight);
            while let Some((file, key, action, outcome)) = results.next().await {
                match outcome {
                    Err(Failure::Changed) => retry_later.push((file, key, action)),
                    other => self.finish(&file, key, other, &mut done),
                }
            }
        }
        for (file, key, action) in retry_later {
            let fresh = refresh(&file).await;
            let outcome = match &fresh {
                Some(fresh) => self.run(fresh, &key, &action).await,
                None => Err(Failure::Error(format!("{} disappeared while uploading.", file.path.display()))),
            };
            self.finish(fresh.as_ref().unwrap_or(&file), key, outcome, &mut done);
        }
    }

    fn finish(
        &self,
        file: &LocalFile,
        key: String,
        outcome: Result<FileOutcome, Failure>,
        done: &mut impl FnMut(&LocalFile, String, FileOutcome),
    ) {
        let outcome = match outcome {
            Ok(done) => done,
            Err(Failure::Changed) => FileOutcome::Failed {
                message: "The file changed while uploading (twice); it was not uploaded. Upload it again once it is complete.".into(),
            },
            Err(Failure::Cancelled) => FileOutcome::Cancelled,
            Err(Failure::Error(message)) => FileOutcome::Failed { message },
            Err(Failure::Interrupted(message)) => FileOutcome::Failed {
                message: format!(
                    "{} The parts that arrived stay on the server: Retry continues from them.",
                    message.trim_end()
                ),
            },
        };
        self.sink.send(TransferEvent::FileDone { key: key.clone(), size: file.size, outcome: outcome.clone() });
        done(file, key, outcome);
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Runs a request a cancel ends at once: its future is dropped, so the
    /// bytes stop (a cancelled transfer does not send its parts in flight to
    /// their end).
    async fn unless_cancelled<T>(&self, call: impl std::future::Future<Output = T>) -> Result<T, Failure> {
        tokio::select! {
            out = call => Ok(out),
            () = self.cancel.cancelled() => Err(Failure::Cancelled),
        }
    }

    async fn run(&self, file: &LocalFile, key: &str, action: &Action) -> Result<FileOutcome, Failure> {
        if self.cancel.is_cancelled() {
            return Err(Failure::Cancelled);
        }
        let part_size = self.tuning.part_size(file.size);
        let (key, replaces) = match action {
            Action::Upload => (key.to_owned(), false),
            Action::Exists { size, etag, modified_ms, policy } => {
                let same = match etag {
                    Some(etag) if *size == file.size => {
                        // As the object was uploaded (by this engine or another client).
                        let (threshold, part_size) = etag::layout_of(etag, file.size, &self.tuning);
                        local_etag(file, part_size, threshold).await? == *etag
                    }
                    _ => false,
                };
                if same {
                    return Ok(FileOutcome::Identical);
                }
                let policy = match policy {
                    Existing::Ask => {
                        let conflict = Conflict {
                            key: key.to_owned(),
                            path: file.path.display().to_string(),
                            local_size: file.size,
                            remote_size: *size,
                            remote_modified_ms: *modified_ms,
                        };
                        tokio::select! {
                            choice = self.questions.decide(conflict) => choice,
                            () = self.cancel.cancelled() => return Err(Failure::Cancelled),
                        }
                    }
                    other => *other,
                };
                match policy {
                    Existing::Overwrite => (key.to_owned(), true),
                    Existing::Skip | Existing::Ask => return Ok(FileOutcome::SkippedExisting),
                    Existing::KeepBoth => (self.free_name(key)?, false),
                }
            }
        };
        let uploaded = if file.size <= self.tuning.multipart_threshold {
            self.put_whole(file, &key).await?
        } else {
            self.put_parts(file, &key, part_size).await?
        };
        Ok(match uploaded {
            FileOutcome::Uploaded { key, etag } if replaces => FileOutcome::Replaced { key, etag },
            other => other,
        })
    }

    /// `name (1).ext`, `name (2).ext`, ...: the first key neither listed nor
    /// claimed by another file of this transfer.
    fn free_name(&self, key: &str) -> Result<String, Failure> {
        let (dir, name) = key.rsplit_once('/').map_or(("", key), |(d, n)| (d, n));
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        (1..)
            .map(|n| if dir.is_empty() { numbered(name, n) } else { format!("{dir}/{}", numbered(name, n)) })
            .find(|candidate| taken.insert(candidate.clone()))
            .ok_or_else(|| Failure::Error(format!("No free name for {key}.")))
    }

    async fn put_whole(&self, file: &LocalFile, key: &str) -> Result<FileOutcome, Failure> {
        let _memory = self.memory_for(file.size).await;
        let (body, md5) = read_range(file, 0, zeroed(file.size)).await?;
        let meter = Meter::new(&self.sink);
        let put = self
            .unless_cancelled(meter.watching(self.store.put(
                &self.container,
                key,
                Bytes::from(body),
                &self.written_as(file),
            )))
            .await??;
        etag::check(put.etag.as_deref(), &md5, key).map_err(Failure::Error)?;
        let etag = Some(put.etag.unwrap_or(md5));
        // Changed after it was read: what was stored is an older snapshot, so
        // report it and try again with the new content.
        if !unchanged(file) {
            return Err(Failure::Changed);
        }
        meter.finish(file.size);
        Ok(FileOutcome::Uploaded { key: key.to_owned(), etag })
    }

    async fn put_parts(&self, file: &LocalFile, key: &str, part_size: u64) -> Result<FileOutcome, Failure> {
        let (upload_id, row, landed, part_size) = self.begin_multipart(file, key, part_size).await?;
        let at = Upload { file, key, upload_id: &upload_id, part_size, row };
        let completed = match self.send_parts(&at, landed).await {
            Ok(_) if !unchanged(file) => Err(Failure::Changed),
            Ok(sent) => self.complete(&at, sent).await,
            Err(failure) => Err(failure),
        };
        match completed {
            Ok(etag) => {
                self.forget(row).await;
                Ok(FileOutcome::Uploaded { key: key.to_owned(), etag: Some(etag) })
            }
            // Open for Retry, and in the journal: the parts stay.
            Err(Failure::Interrupted(message)) if row.is_some() => Err(Failure::Interrupted(message)),
            Err(failure) => {
                // No parts are left behind, and no partial object appears.
                self.abort(key, &upload_id).await;
                self.forget(row).await;
                Err(match failure {
                    Failure::Interrupted(message) => Failure::Error(message),
                    other => other,
                })
            }
        }
    }

    /// The multipart upload to continue (recorded in the journal for this
    /// same file and key, in the part size it was started with, which an
    /// earlier version may have chosen otherwise) or a new one in parts of
    /// `part_size`; with the parts that landed: those the service lists
    /// with the ETag the journal recorded, and the part size.
    async fn begin_multipart(
        &self,
        file: &LocalFile,
        key: &str,
        part_size: u64,
    ) -> Result<(String, Option<i64>, Vec<PartInfo>, u64), Failure> {
        let source = file.path.display().to_string();
        if let Some(resume) = &self.resume {
            let at = (resume.store.clone(), self.container.clone(), key.to_owned());
            let recorded = off_worker(&resume.journal, move |journal| {
                journal.find(&UploadKey { store: &at.0, container: &at.1, key: &at.2 })
            })
            .await
            .map_err(journal_error)?;
            if let Some(recorded) = recorded {
                let same = recorded.source == source
                    && recorded.source_size == file.size
                    && recorded.source_modified_ns == modified_ns(file.modified)
                    && file.size.div_ceil(recorded.part_size.max(1)) <= 10_000;
                let listed = if same {
                    self.store.multipart_or_err()?.list_parts(&self.container, key, &recorded.upload_id).await.ok()
                } else {
                    None
                };
                if let Some(listed) = listed {
                    let landed: Vec<PartInfo> = recorded
                        .parts
                        .into_iter()
                        .filter(|p| listed.iter().any(|l| l.number == p.number && l.etag.trim_matches('"') == p.etag))
                        .collect();
                    tracing::info!(%key, parts = landed.len(), "continuing an interrupted upload");
                    return Ok((recorded.upload_id, Some(recorded.row), landed, recorded.part_size));
                }
                // The source changed (or the service forgot the upload): start over.
                self.abort(key, &recorded.upload_id).await;
                self.forget(Some(recorded.row)).await;
            }
        }
        let upload_id =
            self.store.multipart_or_err()?.create_multipart(&self.container, key, &self.written_as(file)).await?;
        let row = match &self.resume {
            Some(resume) => {
                let at = (resume.store.clone(), self.container.clone(), key.to_owned(), upload_id.clone());
                let (size, modified) = (file.size, modified_ns(file.modified));
                let started = off_worker(&resume.journal, move |journal| {
                    let key = UploadKey { store: &at.0, container: &at.1, key: &at.2 };
                    journal.start(&key, &at.3, &source, size, modified, part_size)
                });
                Some(started.await.map_err(journal_error)?)
            }
            None => None,
        };
        Ok((upload_id, row, Vec::new(), part_size))
    }

    async fn forget(&self, row: Option<i64>) {
        if let (Some(resume), Some(row)) = (&self.resume, row) {
            if let Err(e) = off_worker(&resume.journal, move |journal| journal.finish(row)).await {
                tracing::warn!("could not update the transfer journal: {e}");
            }
        }
    }

    /// Sends every part that has not landed.
    async fn send_parts(&self, at: &Upload<'_>, landed: Vec<PartInfo>) -> Result<Sent, Failure> {
        let count = u32::try_from(at.file.size.div_ceil(at.part_size).max(1)).unwrap_or(u32::MAX);
        let resumed: u64 = landed.iter().map(|p| p.size).sum();
        if resumed > 0 {
            self.sink.send(TransferEvent::Progress { bytes: resumed });
        }
        let fresh: BTreeSet<u32> = (1..=count).filter(|n| !landed.iter().any(|p| p.number == *n)).collect();
        let (sent, restarted) = self.send_each(at, fresh.iter().copied()).await?;
        let mut parts: Vec<PartInfo> = sent.into_iter().chain(landed).collect();
        parts.sort_by_key(|p| p.number);
        Ok(Sent { parts, restarted, fresh })
    }

    /// Sends the parts `numbers`, a few at once; with the numbers of those
    /// a try was left midway for.
    async fn send_each(
        &self,
        at: &Upload<'_>,
        numbers: impl IntoIterator<Item = u32>,
    ) -> Result<(Vec<PartInfo>, BTreeSet<u32>), Failure> {
        let sent: Vec<(PartInfo, bool)> = stream::iter(numbers)
            .map(|number| self.send_part(at, number))
            .buffer_unordered(self.tuning.parts_per_file.max(1))
            .try_collect()
            .await?;
        let restarted = sent.iter().filter(|(_, restarted)| *restarted).map(|(p, _)| p.number).collect();
        Ok((sent.into_iter().map(|(p, _)| p).collect(), restarted))
    }

    /// Sends part `number` until the service holds exactly its bytes. It is
    /// recorded in the journal as landed only when no try of it was left
    /// midway: a late start of such a try can stand in for it on the
    /// service (Garage keeps the latest), so a later run sends it again.
    /// Says whether a try was left midway.
    async fn send_part(&self, at: &Upload<'_>, number: u32) -> Result<(PartInfo, bool), Failure> {
        if self.cancel.is_cancelled() {
            return Err(Failure::Cancelled);
        }
        let offset = u64::from(number - 1) * at.part_size;
        let len = at.part_size.min(at.file.size - offset);
        // The chunk being sent and the one read meanwhile.
        let _memory = self.memory_for(len.min(2 * READ_CHUNK)).await;
        let part = FilePart::new(at.file, offset, len, self.buffers.clone());
        let body = PartBody::Read(Arc::new(part.clone()));
        let meter = Meter::new(&self.sink);
        let mut tries = 1;
        let md5 = loop {
            let call =
                self.store.multipart_or_err()?.upload_part(&self.container, at.key, at.upload_id, number, body.clone());
            let stored = match self.unless_cancelled(meter.watching(call)).await? {
                Ok(stored) => stored,
                Err(_) if part.changed() => return Err(Failure::Changed),
                Err(e) => return Err(interrupted(e)),
            };
            // Read whole, or the service could not have stored it.
            let md5 = part.md5().ok_or_else(|| Failure::Error(format!("Part {number} of {} was not read.", at.key)))?;
            if stored.etag.trim_matches('"') == md5 {
                break md5;
            }
            if tries == PART_TRIES {
                return Err(Failure::Error(format!(
                    "Part {number} of {} arrived with a different checksum {tries} times (sent MD5 {md5}, stored {}).",
                    at.key, stored.etag
                )));
            }
            tracing::warn!(key = at.key, number, "a part was stored with another checksum; sending it again");
            tries += 1;
        };
        let part = PartInfo { number, etag: md5, size: len };
        if let (Some(resume), Some(row), false) = (&self.resume, at.row, meter.restarted()) {
            let done = part.clone();
            off_worker(&resume.journal, move |journal| journal.part_done(row, &done)).await.map_err(journal_error)?;
        }
        meter.finish(len);
        Ok((part, meter.restarted()))
    }

    /// Completes the upload; returns the object's ETag. When the service
    /// says a part is not as named, the suspects (see [`Sent::suspects`])
    /// are sent again first.
    async fn complete(&self, at: &Upload<'_>, mut sent: Sent) -> Result<String, Failure> {
        let (key, upload_id) = (at.key, at.upload_id);
        let expected = etag::of_parts(&sent.parts);
        let mut round = 1;
        loop {
            match self.store.multipart_or_err()?.complete_multipart(&self.container, key, upload_id, &sent.parts).await
            {
                Ok(put) => {
                    etag::check(put.etag.as_deref(), &expected, key).map_err(Failure::Error)?;
                    return Ok(put.etag.unwrap_or(expected));
                }
                Err(e) if e.kind() == ErrorKind::PartMismatch && round < COMPLETION_ROUNDS => {
                    let listed = self
                        .store
                        .multipart_or_err()?
                        .list_parts(&self.container, key, upload_id)
                        .await
                        .map_err(interrupted)?;
                    let again = sent.suspects(&listed);
                    tracing::warn!(%key, parts = ?again, "the service refused the completion; sending parts again");
                    // The same bytes again: the same part ETags, the same list to complete with.
                    sent.restarted = self.send_each(at, again.iter().copied()).await?.1;
                    sent.fresh = again;
                    round += 1;
                }
                Err(e) => return Err(interrupted(e)),
            }
        }
    }

    async fn abort(&self, key: &str, upload_id: &str) {
        let aborted = async { self.store.multipart_or_err()?.abort_multipart(&self.container, key, upload_id).await };
        let aborted = aborted.await;
        if let Err(e) = aborted {
            tracing::warn!(%key, "could not abort a multipart upload: {e}");
        }
    }

    /// Holds `len` bytes of the memory budget (a part larger than the whole
    /// budget waits until it has all of it).
    async fn memory_for(&self, len: u64) -> Option<tokio::sync::SemaphorePermit<'_>> {
        let budget = (self.tuning.memory_budget / MEMORY_UNIT).max(1);
        let units = u32::try_from(len.div_ceil(MEMORY_UNIT).clamp(1, budget)).unwrap_or(u32::MAX);
        self.memory.acquire_many(units).await.ok()
    }
}

/// Fills `buf` from `offset` and returns it with its MD5 (hashed on the
/// reading thread, so the async workers stay free for the network), or
/// fails with [`Failure::Changed`] when the file's size or modification time
/// is not what the scan saw.
async fn read_range(file: &LocalFile, offset: u64, mut buf: Vec<u8>) -> Result<(Vec<u8>, String), Failure> {
    let (path, size, modified) = (file.path.clone(), file.size, file.modified);
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<Option<(Vec<u8>, String)>> {
        use std::io::{Read, Seek};
        let unchanged = |p: &Path| -> std::io::Result<bool> {
            let meta = std::fs::metadata(p)?;
            Ok(meta.len() == size && meta.modified().ok() == Some(modified))
        };
        if !unchanged(&path)? {
            return Ok(None);
        }
        let mut f = std::fs::File::open(&path)?;
        f.seek(std::io::SeekFrom::Start(offset))?;
        f.read_exact(&mut buf)?;
        let md5 = etag::md5_hex(&buf);
        Ok(unchanged(&path)?.then_some((buf, md5)))
    })
    .await
    .map_err(|e| Failure::Error(format!("Reading {} was interrupted: {e}", file.path.display())))?;
    match read {
        Ok(Some(read)) => Ok(read),
        Ok(None) => Err(Failure::Changed),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(Failure::Changed),
        Err(e) => Err(Failure::Error(format!("Cannot read {}: {e}", file.path.display()))),
    }
}

impl Engine {
    /// How a file is written: the Content-Type a browser or a job's loader
    /// expects, from the file's extension (`image/jpeg` for `.jpg`,
    /// `application/octet-stream` when unknown), in the transfer's storage class.
    fn written_as(&self, file: &LocalFile) -> PutOptions {
        let mime = mime_guess::from_path(&file.path).first_or_octet_stream();
        PutOptions {
            content_type: Some(mime.essence_str().to_owned()),
            storage_class: self.tuning.storage_class.clone(),
            ..PutOptions::default()
        }
    }
}

fn zeroed(len: u64) -> Vec<u8> {
    vec![0; usize::try_from(len).unwrap_or(usize::MAX)]
}

/// The parts of an upload, all on the service, and how they got there.
struct Sent {
    /// Every part, in order.
    parts: Vec<PartInfo>,
    /// Those a try was left midway for.
    restarted: BTreeSet<u32>,
    /// Those sent by this run (the rest landed in an earlier one).
    fresh: BTreeSet<u32>,
}

impl Sent {
    /// The parts to send again after the service refused to complete with
    /// a part not as named, given what it `listed`. A try left midway can
    /// land after the try that counted and stand in for it (Garage keeps
    /// the latest, and lists only finished parts), so: the parts listed
    /// otherwise and those with a try left midway; else, when there are
    /// none, those this run sent (an earlier run's abandoned try may have
    /// landed after them); else all.
    fn suspects(&self, listed: &[PartInfo]) -> BTreeSet<u32> {
        let as_sent = |p: &PartInfo| listed.iter().any(|l| l.number == p.number && l.etag.trim_matches('"') == p.etag);
        let named: BTreeSet<u32> =
            self.parts.iter().filter(|p| self.restarted.contains(&p.number) || !as_sent(p)).map(|p| p.number).collect();
        if !named.is_empty() {
            named
        } else if !self.fresh.is_empty() {
            self.fresh.clone()
        } else {
            self.parts.iter().map(|p| p.number).collect()
        }
    }
}

/// Where a multipart upload's parts go.
struct Upload<'a> {
    file: &'a LocalFile,
    key: &'a str,
    upload_id: &'a str,
    part_size: u64,
    /// Its journal row, when uploads are recorded.
    row: Option<i64>,
}

/// A store error, as an interruption a retry can continue when it can.
fn interrupted(e: StoreError) -> Failure {
    if e.retryable() {
        Failure::Interrupted(e.to_string())
    } else {
        Failure::Error(e.to_string())
    }
}

fn journal_error(e: rusqlite::Error) -> Failure {
    Failure::Error(crate::journal::unwritable(&e))
}

/// Whether the file still has the size and modification time the scan saw.
/// One stat of a file just read, made in place: handing it to the blocking
/// pool cost more than the call (a tenth of the client's CPU on small files).
fn unchanged(file: &LocalFile) -> bool {
    match std::fs::metadata(&file.path) {
        Ok(meta) => meta.len() == file.size && meta.modified().ok() == Some(file.modified),
        Err(_) => false,
    }
}

/// A fresh look at a file that changed, for its second try.
async fn refresh(file: &LocalFile) -> Option<LocalFile> {
    let meta = tokio::fs::metadata(&file.path).await.ok()?;
    Some(LocalFile { size: meta.len(), modified: meta.modified().ok()?, ..file.clone() })
}

/// The ETag this engine's upload of `file` would get: the MD5, or for a
/// multipart upload the MD5 of the part MD5s and the part count.
pub(crate) async fn local_etag(file: &LocalFile, part_size: u64, threshold: u64) -> Result<String, Failure> {
    if file.size <= threshold {
        return Ok(read_range(file, 0, zeroed(file.size)).await?.1);
    }
    let mut parts = Vec::new();
    let mut offset = 0;
    let mut number = 1;
    let mut buf = Vec::new();
    while offset < file.size {
        let len = part_size.min(file.size - offset);
        buf.resize(usize::try_from(len).unwrap_or(usize::MAX), 0);
        let (read, md5) = read_range(file, offset, buf).await?;
        buf = read;
        parts.push(PartInfo { number, etag: md5, size: len });
        offset += len;
        number += 1;
    }
    Ok(etag::of_parts(&parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(number: u32, etag: &str) -> PartInfo {
        PartInfo { number, etag: etag.into(), size: 1 }
    }

    fn sent(restarted: &[u32], fresh: &[u32]) -> Sent {
        Sent {
            parts: vec![part(1, "a"), part(2, "b"), part(3, "c")],
            restarted: restarted.iter().copied().collect(),
            fresh: fresh.iter().copied().collect(),
        }
    }

    #[test]
    fn suspects_are_the_parts_named_then_this_runs_then_all() {
        let as_sent = [part(1, "\"a\""), part(2, "b"), part(3, "c")];
        let listed_otherwise = [part(1, "a"), part(2, "x")];
        assert_eq!(sent(&[], &[1, 2, 3]).suspects(&listed_otherwise), [2, 3].into(), "listed otherwise, or missing");
        assert_eq!(sent(&[3], &[1, 2, 3]).suspects(&as_sent), [3].into(), "a try of it was left midway");
        // Garage lists only finished parts: all look right, yet one is not.
        assert_eq!(sent(&[], &[2, 3]).suspects(&as_sent), [2, 3].into(), "what this run sent");
        assert_eq!(sent(&[], &[]).suspects(&as_sent), [1, 2, 3].into(), "all, when this run sent none");
    }
}
