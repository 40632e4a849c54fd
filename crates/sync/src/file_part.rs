//! A part of a local file as the body of its request: read a chunk at a
//! time on the blocking pool as the connection takes the bytes (the next
//! chunk is read while the last one is sent), and hashed as it is read, so
//! that the MD5 the service's ETag is checked against is that of the bytes
//! sent. A part in flight holds two chunks of memory, not its whole size:
//! parts can be big, and a big file takes few requests for the server to
//! index. Each send (a retry too) reads the part again.

use std::io::{Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::StreamExt;
use md5::{Digest, Md5};
use stowage_store::{ByteStream, ErrorKind, PartSource, StoreError};
use tokio::task::JoinHandle;

use crate::buffers::BufferPool;
use crate::scan::LocalFile;

/// Bytes read from the file at a time.
pub(crate) const READ_CHUNK: u64 = 1024 * 1024;

/// Part `offset..offset + len` of `file`; cheap to clone (one part, shared).
#[derive(Clone)]
pub(crate) struct FilePart(Arc<Part>);

struct Part {
    file: LocalFile,
    offset: u64,
    len: u64,
    buffers: Arc<BufferPool>,
    /// The latest read (a retry starts one while the last chunk of the
    /// read it replaces may still be on the blocking pool), and how it ended.
    latest: Mutex<(u64, Option<Ended>)>,
}

#[derive(Clone)]
enum Ended {
    /// Every byte read, the file as the scan saw it: their MD5.
    Read(String),
    /// The file's size or modification time is no longer what the scan saw.
    Changed,
}

/// Where a read is: which one it is, the open file and the hash of what it
/// read so far.
struct Reader {
    number: u64,
    file: std::fs::File,
    md5: Md5,
    read: u64,
}

impl FilePart {
    pub(crate) fn new(file: &LocalFile, offset: u64, len: u64, buffers: Arc<BufferPool>) -> Self {
        Self(Arc::new(Part { file: file.clone(), offset, len, buffers, latest: Mutex::new((0, None)) }))
    }

    /// The MD5 of the bytes the last whole read sent.
    pub(crate) fn md5(&self) -> Option<String> {
        match self.0.ended() {
            Some(Ended::Read(md5)) => Some(md5),
            _ => None,
        }
    }

    /// Whether a read found the file changed since the scan.
    pub(crate) fn changed(&self) -> bool {
        matches!(self.0.ended(), Some(Ended::Changed))
    }
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let part = &self.0;
        write!(f, "FilePart({}, {}+{})", part.file.path.display(), part.offset, part.len)
    }
}

impl PartSource for FilePart {
    fn size(&self) -> u64 {
        self.0.len
    }

    fn read(&self) -> ByteStream {
        let part = self.0.clone();
        futures::stream::unfold(Some(Step::Start), move |step| {
            let part = part.clone();
            async move {
                let reading = match step? {
                    Step::Start => {
                        let part = part.clone();
                        tokio::task::spawn_blocking(move || part.open().and_then(|reader| part.next_chunk(reader)))
                    }
                    Step::Reading(next) => next,
                };
                match finish(reading).await {
                    Ok((reader, chunk)) => {
                        // The next chunk is read while this one is sent.
                        let next = (reader.read < part.len).then(|| {
                            let part = part.clone();
                            Step::Reading(tokio::task::spawn_blocking(move || part.next_chunk(reader)))
                        });
                        Some((Ok(chunk), next))
                    }
                    // The last item: the body is broken.
                    Err(e) => Some((Err(e), None)),
                }
            }
        })
        .boxed()
    }
}

type Chunk = Result<(Reader, Bytes), StoreError>;

enum Step {
    Start,
    Reading(JoinHandle<Chunk>),
}

async fn finish(read: JoinHandle<Chunk>) -> Chunk {
    read.await.unwrap_or_else(|e| Err(StoreError::new(ErrorKind::Io, format!("Reading a file was interrupted: {e}"))))
}

impl Part {
    fn latest(&self) -> std::sync::MutexGuard<'_, (u64, Option<Ended>)> {
        self.latest.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn ended(&self) -> Option<Ended> {
        self.latest().1.clone()
    }

    /// How read `number` ended, unless a later read began.
    fn end(&self, number: u64, ended: Ended) {
        let mut latest = self.latest();
        if latest.0 == number {
            latest.1 = Some(ended);
        }
    }

    /// The file, at the part's first byte, if it is still as the scan saw
    /// it: the latest read.
    fn open(&self) -> Result<Reader, StoreError> {
        let number = {
            let mut latest = self.latest();
            *latest = (latest.0 + 1, None);
            latest.0
        };
        let cannot = |e| StoreError::io(format!("Cannot read {}", self.file.path.display()), e);
        let mut file = std::fs::File::open(&self.file.path).map_err(cannot)?;
        let meta = file.metadata().map_err(cannot)?;
        if !self.as_scanned(&meta) {
            return Err(self.changed(number));
        }
        file.seek(SeekFrom::Start(self.offset)).map_err(cannot)?;
        Ok(Reader { number, file, md5: Md5::new(), read: 0 })
    }

    /// The next chunk, hashed. After the last one, the file is looked at
    /// again: what was read is the file as the scan saw it, or the read
    /// ends as changed.
    fn next_chunk(&self, mut reader: Reader) -> Chunk {
        let len = READ_CHUNK.min(self.len - reader.read);
        let mut buf = self.buffers.take(len);
        match reader.file.read_exact(&mut buf) {
            Ok(()) => {}
            // Shorter than when it was scanned.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(self.changed(reader.number)),
            Err(e) => return Err(StoreError::io(format!("Cannot read {}", self.file.path.display()), e)),
        }
        reader.md5.update(&buf);
        reader.read += len;
        if reader.read == self.len {
            match std::fs::metadata(&self.file.path) {
                Ok(meta) if self.as_scanned(&meta) => {
                    self.end(reader.number, Ended::Read(hex::encode(reader.md5.clone().finalize())));
                }
                _ => return Err(self.changed(reader.number)),
            }
        }
        Ok((reader, self.buffers.share(buf)))
    }

    fn as_scanned(&self, meta: &std::fs::Metadata) -> bool {
        meta.len() == self.file.size && meta.modified().ok() == Some(self.file.modified)
    }

    fn changed(&self, number: u64) -> StoreError {
        self.end(number, Ended::Changed);
        StoreError::new(ErrorKind::Io, format!("{} changed while it was uploading.", self.file.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;

    use super::*;

    /// A part of `data` written to a file in `dir`, as a scan saw it.
    fn part_of(dir: &std::path::Path, data: &[u8], offset: u64, len: u64) -> FilePart {
        let path = dir.join("weights.bin");
        std::fs::write(&path, data).expect("write");
        let meta = std::fs::metadata(&path).expect("stat");
        let file =
            LocalFile { path, key: "weights.bin".into(), size: meta.len(), modified: meta.modified().expect("mtime") };
        FilePart::new(&file, offset, len, BufferPool::new(8 * READ_CHUNK))
    }

    #[tokio::test]
    async fn a_part_is_read_in_chunks_and_hashed_each_time_it_is_sent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data: Vec<u8> = (0..5 * READ_CHUNK + 100).map(|i| (i % 253) as u8).collect();
        let (offset, len) = (READ_CHUNK / 2, 3 * READ_CHUNK + 7);
        let part = part_of(dir.path(), &data, offset, len);
        let wanted = &data[offset as usize..(offset + len) as usize];
        for _send in 0..2 {
            let chunks: Vec<Bytes> = part.read().try_collect().await.expect("read");
            assert!(chunks.iter().all(|c| c.len() as u64 <= READ_CHUNK), "a chunk at a time");
            assert_eq!(chunks.concat(), wanted);
            assert_eq!(part.md5(), Some(crate::etag::md5_hex(wanted)));
        }
    }

    #[tokio::test]
    async fn only_the_latest_read_says_how_the_part_was_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Three chunks: the second is read ahead, the third after the touch below.
        let data = vec![3u8; 3 * READ_CHUNK as usize];
        let part = part_of(dir.path(), &data, 0, data.len() as u64);
        // A send given up after its first chunk, and the retry that replaced it.
        let mut abandoned = part.read();
        abandoned.try_next().await.expect("first chunk").expect("a chunk");
        let mut retry = part.read();
        retry.try_next().await.expect("first chunk").expect("a chunk");
        // The first read reaches its end late, the file touched meanwhile:
        // what it finds does not stand for the retry.
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        let path = dir.path().join("weights.bin");
        std::fs::File::options().write(true).open(&path).expect("open").set_modified(later).expect("touch");
        assert!(abandoned.try_collect::<Vec<_>>().await.is_err());
        assert!(!part.changed(), "a replaced read ended as changed");
        assert!(retry.try_collect::<Vec<_>>().await.is_err(), "the retry sees the change itself");
        assert!(part.changed());
    }

    #[tokio::test]
    async fn a_file_changed_or_cut_short_while_its_part_is_read_ends_the_read_as_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = vec![1u8; 3 * READ_CHUNK as usize];
        let part = part_of(dir.path(), &data, 0, data.len() as u64);
        let path = dir.path().join("weights.bin");

        // Rewritten in place after the first chunk: same size, a new modification time.
        let mut read = part.read();
        read.try_next().await.expect("first chunk").expect("a chunk");
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options().write(true).open(&path).expect("open").set_modified(later).expect("touch");
        let err = read.try_collect::<Vec<_>>().await.expect_err("changed");
        assert!(err.to_string().contains("changed while it was uploading"), "{err}");
        assert!(part.changed() && part.md5().is_none());

        // Cut short: the next read finds it changed before a byte goes.
        let part = part_of(dir.path(), &data, 0, data.len() as u64);
        std::fs::File::options().write(true).open(&path).expect("open").set_len(READ_CHUNK).expect("truncate");
        assert!(part.read().try_collect::<Vec<_>>().await.is_err());
        assert!(part.changed());

        // Gone: an error saying so, not a change (there is nothing to send again).
        let part = part_of(dir.path(), &data, 0, data.len() as u64);
        std::fs::remove_file(&path).expect("remove");
        let err = part.read().try_collect::<Vec<_>>().await.expect_err("gone");
        assert!(err.to_string().starts_with("Cannot read"), "{err}");
        assert!(!part.changed());
    }
}
