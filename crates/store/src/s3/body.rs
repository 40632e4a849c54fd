//! Writing a response body to a file. tokio's `File` hands every 8 KiB write
//! to a blocking thread: a 2 GiB download spent 9 s of system CPU on those
//! hand-offs and took twice as long as s5cmd. Here the body is gathered into
//! blocks and one blocking thread per download writes them, one block while
//! the next arrives.
//!
//! Blocks are 256 KiB. Larger ones are fresh mappings the kernel zeroes on
//! every block (2 GiB from Garage: 4 MiB blocks 5.9 s, 1 MiB 4.3 s, 256 KiB
//! 3.5 s, 128 KiB 3.9 s), and a download holds at most three, so many
//! downloads at once stay small.

use std::io::Write;
use std::path::PathBuf;

use aws_sdk_s3::primitives::ByteStream;

use crate::{ErrorKind, StoreError};

const BLOCK: usize = 256 << 10;

/// Where in the file a body goes.
pub(super) enum Placement {
    /// After what the file holds (created if missing).
    Append,
    /// From this offset of an existing file, leaving the rest as it is.
    At(u64),
}

/// Writes `body` to `dest` and returns how many bytes were written. What
/// arrived before the connection failed is written too, so an appending
/// download continues after it. `what` names the download in errors.
pub(super) async fn write_body(
    mut body: ByteStream,
    dest: PathBuf,
    placement: Placement,
    what: &str,
) -> Result<u64, StoreError> {
    // Bounded at one block: the network waits when the disk is behind.
    let (blocks, mut received) = tokio::sync::mpsc::channel::<Vec<u8>>(1);
    let path = dest.clone();
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
        use std::io::Seek;
        let mut file = match placement {
            Placement::Append => std::fs::OpenOptions::new().create(true).append(true).open(&path)?,
            Placement::At(offset) => {
                let mut file = std::fs::OpenOptions::new().write(true).open(&path)?;
                file.seek(std::io::SeekFrom::Start(offset))?;
                file
            }
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
        match body.try_next().await {
            Ok(Some(chunk)) => {
                block.extend_from_slice(&chunk);
                // A send fails only when the writer stopped on an error, reported below.
                if block.len() >= BLOCK && blocks.send(std::mem::take(&mut block)).await.is_err() {
                    break Ok(());
                }
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
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
    streamed.map_err(|e| StoreError::new(ErrorKind::Network, format!("{what} was interrupted: {e}")).with_source(e))?;
    Ok(written)
}
