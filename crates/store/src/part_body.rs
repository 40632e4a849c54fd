//! The bytes of a multipart upload's part: held in memory, or read from
//! where they live as the request sends them, so that a big part never sits
//! in memory whole. Every send (a retry too) reads them again from the first
//! byte.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures::{StreamExt, TryStreamExt};

use crate::{ByteStream, Result};

/// Where a part's bytes are read from, a chunk at a time, each time the
/// part is sent. A read that fails ends with the error as its last item.
pub trait PartSource: Send + Sync + std::fmt::Debug {
    /// How many bytes a whole read yields.
    fn size(&self) -> u64;

    /// The bytes from the first, in chunks, read anew.
    fn read(&self) -> ByteStream;
}

/// A part's body.
#[derive(Debug, Clone)]
pub enum PartBody {
    Bytes(Bytes),
    Read(Arc<dyn PartSource>),
}

impl From<Bytes> for PartBody {
    fn from(bytes: Bytes) -> Self {
        Self::Bytes(bytes)
    }
}

impl PartBody {
    pub fn len(&self) -> u64 {
        match self {
            Self::Bytes(bytes) => bytes.len() as u64,
            Self::Read(source) => source.size(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes in chunks, from the first.
    pub fn chunks(&self) -> ByteStream {
        match self {
            Self::Bytes(bytes) => futures::stream::once(std::future::ready(Ok(bytes.clone()))).boxed(),
            Self::Read(source) => source.read(),
        }
    }

    /// All the bytes in memory, for a backend that writes a part whole.
    pub async fn collect(&self) -> Result<Bytes> {
        if let Self::Bytes(bytes) = self {
            return Ok(bytes.clone());
        }
        let capacity = usize::try_from(self.len()).unwrap_or(0);
        let whole = self
            .chunks()
            .try_fold(BytesMut::with_capacity(capacity), |mut whole, chunk| {
                whole.extend_from_slice(&chunk);
                std::future::ready(Ok(whole))
            })
            .await?;
        Ok(whole.freeze())
    }
}
