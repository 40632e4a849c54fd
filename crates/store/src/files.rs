//! Objects to and from local files, once for every backend, above the
//! [`ObjectStore`] trait: a whole download that appears only when complete,
//! the rest of an interrupted one appended, one range of a big object
//! written at its offsets, and a small file uploaded.
//!
//! A body cut short keeps what arrived, and the read continues after it
//! with a new request (the store's [`Retry`](crate::layers::Retry) layer
//! retries requests that fail to start). A cut that brought no bytes counts
//! as a stall; [`MAX_STALLS`] in a row end the read.
//!
//! Bodies are written in blocks by one blocking thread per download, one
//! block while the next arrives: tokio's `File` hands every 8 KiB write to a
//! blocking thread, and a 2 GiB download spent 9 s of system CPU on those
//! hand-offs. Blocks are 256 KiB. Larger ones are fresh mappings the kernel
//! zeroes on every block (2 GiB from Garage: 4 MiB blocks 5.9 s, 1 MiB
//! 4.3 s, 256 KiB 3.5 s, 128 KiB 3.9 s), and a download holds at most three,
//! so many downloads at once stay small.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::StreamExt;

use crate::{ByteStream, ErrorKind, GetOptions, ObjectInfo, ObjectStore, PutOptions, PutResult, Result, StoreError};

const BLOCK: usize = 256 << 10;

/// Where in the file a body goes.
enum Placement {
    /// After what the file holds (created if missing).
    Append,
    /// From this offset of an existing file, leaving the rest as it is.
    At(u64),
}

/// Cuts in a row that brought no bytes before a read gives up.
pub const MAX_STALLS: u32 = 3;

/// Downloads the whole object to `dest`. The file appears only once it is
/// complete and on disk (written beside it, then renamed), so a failure
/// never leaves a partial file under the final name.
pub async fn get_to_file(store: &dyn ObjectStore, container: &str, key: &str, dest: &Path) -> Result<ObjectInfo> {
    get_version_to_file(store, container, key, None, dest).await
}

/// [`get_to_file`] of one version of the object (`None`: the latest).
pub async fn get_version_to_file(
    store: &dyn ObjectStore,
    container: &str,
    key: &str,
    version_id: Option<&str>,
    dest: &Path,
) -> Result<ObjectInfo> {
    let asked = GetOptions { version_id: version_id.map(str::to_owned), ..GetOptions::default() };
    let got = store.get(container, key, &asked).await?;
    let info = got.info;
    // The rest after a cut comes from the same bytes: the same version, or
    // the latest as long as it is unchanged.
    let pin = match version_id {
        Some(_) => asked,
        None => GetOptions { if_match: info.etag.clone(), ..GetOptions::default() },
    };
    let what = downloading(container, key);
    let tmp = crate::atomic::sibling_tmp(dest);
    let copied = async {
        let (mut n, streamed) = write_stream(got.body, tmp.clone(), Placement::Append).await?;
        match streamed {
            Ok(()) => {}
            // Cut short: the rest, of this same version.
            Err(e) if e.retryable() => {
                let rest = n..u64::MAX;
                n += read_into(store, container, key, rest, &pin, &tmp, Placement::Append).await?;
            }
            Err(e) => return Err(StoreError::new(e.kind(), format!("{what} was interrupted: {e}")).with_source(e)),
        }
        if n != info.size {
            return Err(StoreError::new(ErrorKind::Network, format!("{what} ended after {n} of {} bytes.", info.size)));
        }
        // On the blocking pool: the flush waits on the disk, and the rename
        // may wait seconds for another program to let go of the file.
        let placed = tokio::task::spawn_blocking({
            let (tmp, dest) = (tmp.clone(), dest.to_owned());
            move || {
                crate::disk::flush(&tmp).map_err(|e| StoreError::io(format!("Cannot write {}", tmp.display()), e))?;
                crate::disk::rename(&tmp, &dest)
                    .map_err(|e| StoreError::io(format!("Cannot write {}", dest.display()), e))
            }
        })
        .await
        .map_err(|e| StoreError::new(ErrorKind::Io, format!("Writing {} was interrupted: {e}", tmp.display())))?;
        placed
    }
    .await;
    if copied.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    copied.map(|()| info)
}

/// Appends the object's bytes from `offset` to its end to the file `dest`
/// (which holds the first `offset` bytes from an earlier try), so an
/// interrupted download continues where it stopped. With `if_match`, a
/// changed object fails with [`ErrorKind::Precondition`] instead of mixing
/// two versions. Returns the bytes appended; what arrived before a failure
/// stays appended.
pub async fn append_range(
    store: &dyn ObjectStore,
    container: &str,
    key: &str,
    offset: u64,
    if_match: Option<&str>,
    dest: &Path,
) -> Result<u64> {
    read_into(store, container, key, offset..u64::MAX, &pinned(if_match), dest, Placement::Append).await
}

/// Writes bytes `range` of the object into the existing file `dest` at the
/// same offsets, leaving the rest of the file as it is: one of the ranges of
/// a big object fetched at once. With `if_match`, a changed object fails
/// with [`ErrorKind::Precondition`]. A range cut short is an error.
pub async fn write_range(
    store: &dyn ObjectStore,
    container: &str,
    key: &str,
    range: Range<u64>,
    if_match: Option<&str>,
    dest: &Path,
) -> Result<u64> {
    let wanted = range.end.saturating_sub(range.start);
    let start = range.start;
    let written = read_into(store, container, key, range, &pinned(if_match), dest, Placement::At(start)).await?;
    if written != wanted {
        let what = downloading(container, key);
        return Err(StoreError::new(
            ErrorKind::Network,
            format!("{what} sent {written} of the {wanted} bytes asked for."),
        ));
    }
    Ok(written)
}

fn pinned(if_match: Option<&str>) -> GetOptions {
    GetOptions { if_match: if_match.map(str::to_owned), ..GetOptions::default() }
}

/// Reads bytes `range` of the object (to its end at most) into `dest` as
/// `placement` says, continuing after a body cut short; the bytes written.
/// `pin` names the version (its ETag or id) every read must be of.
async fn read_into(
    store: &dyn ObjectStore,
    container: &str,
    key: &str,
    range: Range<u64>,
    pin: &GetOptions,
    dest: &Path,
    placement: Placement,
) -> Result<u64> {
    let what = downloading(container, key);
    let mut written = 0;
    let mut stalls = 0;
    loop {
        let offset = range.start + written;
        if range.end != u64::MAX && offset >= range.end {
            return Ok(written);
        }
        let len = (range.end != u64::MAX).then(|| range.end - offset);
        let options = GetOptions { offset, len, ..pin.clone() };
        let body = store.get(container, key, &options).await?.body;
        let at = match placement {
            Placement::Append => Placement::Append,
            Placement::At(start) => Placement::At(start + written),
        };
        let (n, streamed) = write_stream(body, dest.to_owned(), at).await?;
        written += n;
        match streamed {
            Ok(()) => return Ok(written),
            Err(e) if e.retryable() && (n > 0 || stalls + 1 < MAX_STALLS) => {
                stalls = if n > 0 { 0 } else { stalls + 1 };
                tracing::debug!(%what, written, "continuing a body cut short: {e}");
            }
            Err(e) => return Err(StoreError::new(e.kind(), format!("{what} was interrupted: {e}")).with_source(e)),
        }
    }
}

/// Uploads a whole (small) file in one request.
pub async fn put_file(
    store: &dyn ObjectStore,
    container: &str,
    key: &str,
    source: &Path,
    options: &PutOptions,
) -> Result<PutResult> {
    let body =
        tokio::fs::read(source).await.map_err(|e| StoreError::io(format!("Cannot read {}", source.display()), e))?;
    store.put(container, key, Bytes::from(body), options).await
}

fn downloading(container: &str, key: &str) -> String {
    format!("Downloading \"{container}/{key}\"")
}

/// Writes `body` to `dest`: the bytes written, and whether the body came
/// whole. What arrived before the body failed is written too. A file that
/// cannot be written is the error.
async fn write_stream(mut body: ByteStream, dest: PathBuf, placement: Placement) -> Result<(u64, Result<()>)> {
    // Bounded at one block: the network waits when the disk is behind.
    let (blocks, mut received) = tokio::sync::mpsc::channel::<Vec<u8>>(1);
    let path = dest.clone();
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
        use std::io::Seek;
        // Never through a link planted at the partial file's name.
        let mut file = crate::disk::open_for_writing(&path, matches!(placement, Placement::Append))?;
        match placement {
            Placement::Append => file.seek(std::io::SeekFrom::End(0))?,
            Placement::At(offset) => file.seek(std::io::SeekFrom::Start(offset))?,
        };
        let mut written = 0;
        while let Some(block) = received.blocking_recv() {
            file.write_all(&block)?;
            written += block.len() as u64;
        }
        Ok(written)
    });
    let mut block = Vec::new();
    let streamed = loop {
        match body.next().await {
            Some(Ok(chunk)) => {
                block.extend_from_slice(&chunk);
                // A send fails only when the writer stopped on an error, reported below.
                if block.len() >= BLOCK && blocks.send(std::mem::take(&mut block)).await.is_err() {
                    break Ok(());
                }
            }
            None => break Ok(()),
            Some(Err(e)) => break Err(e),
        }
    };
    if !block.is_empty() {
        let _ = blocks.send(block).await;
    }
    drop(blocks);
    let written = writer
        .await
        .map_err(|e| StoreError::new(ErrorKind::Io, format!("Writing {} was interrupted: {e}", dest.display())))?
        .map_err(|e| StoreError::io(format!("Cannot write {}", dest.display()), e))?;
    Ok((written, streamed))
}
