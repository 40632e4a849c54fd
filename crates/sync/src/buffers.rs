//! Buffers for the chunks parts are read in, handed round instead of
//! allocated per read. Fresh buffers were zeroed on every read and, once
//! freed, kept by the allocator's per-thread arenas: a 2 GiB upload (then
//! read in whole 8 MiB parts) peaked at 189 MB of memory with at most
//! 80 MiB in flight. Reused, memory stays near what is in flight.

use std::sync::{Arc, Mutex};

use bytes::Bytes;

pub(crate) struct BufferPool {
    free: Mutex<Vec<Vec<u8>>>,
    /// Bytes of free buffers kept for reuse; more are freed.
    keep: usize,
}

impl BufferPool {
    pub(crate) fn new(keep: u64) -> Arc<Self> {
        Arc::new(Self { free: Mutex::new(Vec::new()), keep: usize::try_from(keep).unwrap_or(usize::MAX) })
    }

    /// A buffer of `len` bytes: a free one that is not more than twice that
    /// size (so a small read never holds a big buffer), or a new one.
    pub(crate) fn take(&self, len: u64) -> Vec<u8> {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let reused = {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            let fits = free.iter().position(|b| b.capacity() >= len && b.capacity() / 2 <= len);
            fits.map(|i| free.swap_remove(i))
        };
        let mut buf = reused.unwrap_or_else(|| Vec::with_capacity(len));
        // Only bytes the buffer never held are zeroed.
        buf.resize(len, 0);
        buf
    }

    /// `buf` as the body of a request; it comes back to the pool when the
    /// last clone (a retry holds one) is dropped.
    pub(crate) fn share(self: &Arc<Self>, buf: Vec<u8>) -> Bytes {
        Bytes::from_owner(Pooled { buf, pool: Arc::clone(self) })
    }

    /// Keeps `buf` if it fits in the pool's share, freeing smaller buffers,
    /// smallest first, to make room: odd sizes (a file's last part) would
    /// otherwise fill the pool and turn away the standard-size buffers most
    /// parts can reuse. A buffer that would not fit even then is freed.
    fn give_back(&self, buf: Vec<u8>) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let mut kept: usize = free.iter().map(Vec::capacity).sum();
        let smaller: usize = free.iter().map(Vec::capacity).filter(|&c| c < buf.capacity()).sum();
        if kept - smaller + buf.capacity() > self.keep {
            return;
        }
        free.sort_unstable_by_key(Vec::capacity);
        while kept + buf.capacity() > self.keep {
            kept -= free.remove(0).capacity();
        }
        free.push(buf);
    }
}

struct Pooled {
    buf: Vec<u8>,
    pool: Arc<BufferPool>,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.buf
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        self.pool.give_back(std::mem::take(&mut self.buf));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_buffer_comes_back_once_its_last_clone_is_dropped() {
        let pool = BufferPool::new(64);
        let mut buf = pool.take(32);
        buf[0] = 7;
        let body = pool.share(buf);
        let retry = body.clone();
        drop(body);
        assert!(pool.free.lock().expect("lock").is_empty(), "a clone is still out");
        drop(retry);
        let again = pool.take(20);
        assert_eq!((again.len(), again[0]), (20, 7), "the same buffer, not zeroed again");
    }

    #[test]
    fn small_reads_do_not_take_big_buffers_and_the_pool_keeps_only_its_share() {
        let pool = BufferPool::new(100);
        drop(pool.share(pool.take(64)));
        assert_eq!(pool.take(16).capacity(), 16, "a 64-byte buffer is not used for 16 bytes");
        drop(pool.share(vec![0; 64]));
        assert_eq!(pool.free.lock().expect("lock").len(), 1, "64 + 64 is over the 100 bytes kept");
    }

    #[test]
    fn odd_sized_buffers_make_room_for_bigger_ones_and_nothing_else_does() {
        let pool = BufferPool::new(100);
        let kept = || {
            let mut sizes: Vec<usize> = pool.free.lock().expect("lock").iter().map(Vec::capacity).collect();
            sizes.sort_unstable();
            sizes
        };
        drop(pool.share(vec![0; 30]));
        drop(pool.share(vec![0; 40]));
        drop(pool.share(vec![0; 64]));
        assert_eq!(kept(), [64], "both smaller buffers were freed to keep the 64-byte one");
        drop(pool.share(vec![0; 50]));
        assert_eq!(kept(), [64], "a buffer never frees a bigger one");
        drop(pool.share(vec![0; 30]));
        drop(pool.share(vec![0; 40]));
        assert_eq!(kept(), [30, 64], "freeing the 30 would not make room for 40, so nothing was freed");
    }
}
