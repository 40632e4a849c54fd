//! The rows a plan acts on, from planning until the plan runs: past a few
//! thousand in a temporary file (a first sync of 1.28 million files would
//! hold about 400 B of scanned side per file), read back in path order
//! beside the operations, which come in path order too.

use std::iter::Peekable;

use crate::march::Row;
use crate::spill::Spilled;

/// A pass over the kept rows.
type Rows<'a> = Box<dyn Iterator<Item = Row> + Send + 'a>;

#[derive(Debug)]
pub(crate) struct KeptRows(Spilled<Row>);

impl KeptRows {
    pub fn new(dir: std::path::PathBuf) -> Self {
        Self(Spilled::new(dir))
    }

    /// Keeps `row`, which comes after every row kept before.
    pub fn push(&mut self, row: Row) {
        self.0.push(row);
    }

    /// `items` (in path order, `path_of` says each one's path), each with
    /// its kept row: one pass over the rows. An item whose row could not be
    /// read back gets none: its operation is left out, and [`Self::lost`]
    /// says why, for the run to say so.
    pub fn beside<I: Iterator>(&self, items: I, path_of: fn(&I::Item) -> &str) -> Beside<'_, I> {
        Beside { items, path_of, rows: (Box::new(self.0.iter()) as Rows<'_>).peekable() }
    }

    pub fn lost(&self) -> Option<String> {
        self.0.lost()
    }
}

pub(crate) struct Beside<'a, I: Iterator> {
    items: I,
    path_of: fn(&I::Item) -> &str,
    rows: Peekable<Rows<'a>>,
}

impl<I: Iterator> Iterator for Beside<'_, I> {
    type Item = (I::Item, Option<Row>);

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.items.next()?;
        let path = (self.path_of)(&item);
        while self.rows.next_if(|row| row.path.as_str() < path).is_some() {}
        let row = self.rows.next_if(|row| row.path == path);
        Some((item, row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str) -> Row {
        Row { path: path.into(), local: None, remote: None, base: None }
    }

    #[test]
    fn each_item_gets_the_row_of_its_path_in_one_pass() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut kept = KeptRows::new(dir.path().to_owned());
        // Past the hold, so the first rows come back from the file.
        let paths: Vec<String> = (0..25_000).map(|i| format!("d/{i:06}")).collect();
        paths.iter().for_each(|p| kept.push(row(p)));
        let wanted = ["d/000000", "d/000001", "d/000002x", "d/012345", "d/024999", "zz"];
        let found: Vec<(&str, Option<String>)> =
            kept.beside(wanted.into_iter(), |p| p).map(|(p, row)| (p, row.map(|r| r.path))).collect();
        assert_eq!(
            found,
            [
                ("d/000000", Some("d/000000".into())),
                ("d/000001", Some("d/000001".into())),
                ("d/000002x", None),
                ("d/012345", Some("d/012345".into())),
                ("d/024999", Some("d/024999".into())),
                ("zz", None),
            ]
        );
        assert_eq!(kept.lost(), None);
    }

    #[test]
    fn a_row_that_cannot_be_read_back_leaves_its_item_without_one_and_says_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut kept = KeptRows::new(dir.path().to_owned());
        (0..10_001).for_each(|i| kept.push(row(&format!("{i:05}"))));
        let file = kept.0.file().expect("spilled");
        // The last line in the file cut in half.
        file.set_len(file.metadata().expect("meta").len() - 10).expect("cut");
        let found: Vec<(&str, bool)> =
            kept.beside(["00000", "09999", "10000"].into_iter(), |p| p).map(|(p, row)| (p, row.is_some())).collect();
        assert_eq!(found, [("00000", true), ("09999", false), ("10000", true)]);
        assert!(kept.lost().is_some_and(|why| why.contains("could not be read back")), "{:?}", kept.lost());
    }
}
