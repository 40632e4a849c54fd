//! A plan's operations, in path order: past a few thousand in a temporary
//! file (a first sync of 1.28 million files plans as many uploads, about
//! 110 B each in memory), with the files and bytes of each kind counted as
//! they come, so the counts are there at once and the operations are read
//! a page or a pass at a time.

use std::path::PathBuf;

use serde::{Serialize, Serializer};

use crate::plan::{Op, OpKind};
use crate::spill::Spilled;

/// How many kinds of operation there are.
const KINDS: usize = 5;

#[derive(Debug)]
pub struct Ops {
    list: Spilled<Op>,
    /// Operations and bytes of each kind, at `kind as usize`.
    counts: [(u64, u64); KINDS],
}

impl Ops {
    /// Operations whose temporary file, if they need one, goes in `dir`.
    pub(crate) fn new(dir: PathBuf) -> Self {
        Self { list: Spilled::new(dir), counts: [(0, 0); KINDS] }
    }

    /// Adds `op`, which comes after every operation added before in path order.
    pub(crate) fn push(&mut self, op: Op) {
        add(&mut self.counts, &op);
        self.list.push(op);
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Operations of `kind`, and their bytes.
    pub fn count(&self, kind: OpKind) -> (u64, u64) {
        self.counts[kind as usize]
    }

    /// Every operation, in path order.
    pub fn iter(&self) -> impl Iterator<Item = Op> + '_ {
        self.list.iter()
    }

    /// Operations `offset..offset + limit`, for a window that shows a big plan page by page.
    pub fn page(&self, offset: usize, limit: usize) -> Vec<Op> {
        self.list.iter_from(offset).take(limit).collect()
    }

    /// Keeps the operations `edit` returns (it gets each one's index too), as it changes them.
    pub(crate) fn rewrite(&mut self, mut edit: impl FnMut(usize, Op) -> Option<Op>) {
        let mut counts = [(0, 0); KINDS];
        let mut index = 0;
        self.list.rewrite(|op| {
            index += 1;
            let op = edit(index - 1, op)?;
            add(&mut counts, &op);
            Some(op)
        });
        self.counts = counts;
    }

    /// Why operations were passed over, once a pass could not read them back.
    pub(crate) fn lost(&self) -> Option<String> {
        self.list.lost()
    }
}

fn add(counts: &mut [(u64, u64); KINDS], op: &Op) {
    let (n, bytes) = &mut counts[op.kind as usize];
    *n += 1;
    *bytes += op.size;
}

/// A list, written as it is read (a dry run's JSON of a million operations
/// is not built in memory first).
impl Serialize for Ops {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Reason;

    fn op(kind: OpKind, path: String, size: u64) -> Op {
        Op { kind, path, size, reason: Reason::New, from: None }
    }

    #[test]
    fn counts_follow_every_push_and_rewrite_and_pages_start_anywhere() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ops = Ops::new(dir.path().to_owned());
        let all: Vec<Op> = (0..25_000u64)
            .map(|i| {
                let kind = if i % 5 == 0 { OpKind::DeleteRemote } else { OpKind::Upload };
                op(kind, format!("f{i:06}"), i)
            })
            .collect();
        for op in all.clone() {
            ops.push(op);
        }
        let upload_bytes: u64 = (0..25_000).filter(|i| i % 5 != 0).sum();
        assert_eq!(
            (ops.len(), ops.count(OpKind::Upload), ops.count(OpKind::Download)),
            (25_000, (20_000, upload_bytes), (0, 0))
        );
        assert_eq!(ops.page(19_998, 4), all[19_998..20_002]);
        assert_eq!(ops.page(24_999, 10), all[24_999..]);
        assert!(ops.page(25_000, 10).is_empty());

        // Deletions dropped, the first upload renamed: counted anew.
        ops.rewrite(|i, mut op| {
            if i == 1 {
                op.reason = Reason::Renamed;
                op.from = Some("old".into());
            }
            (op.kind != OpKind::DeleteRemote).then_some(op)
        });
        assert_eq!(
            (ops.len(), ops.count(OpKind::DeleteRemote), ops.count(OpKind::Upload)),
            (20_000, (0, 0), (20_000, upload_bytes))
        );
        let first = ops.iter().next().expect("one");
        assert_eq!((first.path.as_str(), first.from.as_deref()), ("f000001", Some("old")));
        assert_eq!(serde_json::to_value(&ops).expect("json").as_array().map(Vec::len), Some(20_000));
    }
}
