//! Where a followed log continues after its stream dropped. The API has no
//! "from line N": a reconnected stream asks for the log's last lines again,
//! and the lines already shown are found at its start, so what follows
//! them is passed on once and nothing shown is shown twice.

use std::collections::VecDeque;

/// What the reader of a followed log gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogOutput {
    Line(String),
    /// The stream dropped and was opened again; `complete` when the lines
    /// shown were found in the new stream, so none is missing.
    Reconnected {
        complete: bool,
    },
}

/// The last lines passed on, and while a reconnected stream is matched
/// against them, the lines it sent so far.
#[derive(Debug)]
pub struct LogCursor {
    shown: VecDeque<String>,
    keep: usize,
    aligning: Option<Alignment>,
}

#[derive(Debug)]
struct Alignment {
    incoming: Vec<String>,
    /// Where in `shown` the new stream may have started.
    starts: Vec<usize>,
}

impl LogCursor {
    /// Remembers the last `keep` lines shown: a reconnect asks for as many.
    pub fn new(keep: usize) -> Self {
        Self { shown: VecDeque::new(), keep, aligning: None }
    }

    /// The stream was opened again: what it sends first is matched.
    pub fn reconnected(&mut self) {
        self.aligning = Some(Alignment { incoming: Vec::new(), starts: (0..self.shown.len()).collect() });
    }

    pub fn accept(&mut self, line: &str) -> Vec<LogOutput> {
        let Some(alignment) = &mut self.aligning else {
            self.remember(line);
            return vec![LogOutput::Line(line.to_owned())];
        };
        let at = alignment.incoming.len();
        alignment.incoming.push(line.to_owned());
        let shown = &self.shown;
        alignment.starts.retain(|&start| start + at >= shown.len() || shown[start + at] == line);
        // The earliest start is the longest overlap: decided once it is complete.
        match alignment.starts.first() {
            Some(&start) if alignment.incoming.len() >= self.shown.len() - start => self.resume(Some(start)),
            Some(_) => Vec::new(),
            None => self.resume(None),
        }
    }

    /// The stream ended: what was held is decided with what came.
    pub fn finish(&mut self) -> Vec<LogOutput> {
        let Some(alignment) = &self.aligning else { return Vec::new() };
        let complete = alignment.starts.iter().copied().find(|&s| alignment.incoming.len() >= self.shown.len() - s);
        self.resume(complete)
    }

    fn resume(&mut self, start: Option<usize>) -> Vec<LogOutput> {
        let Some(alignment) = self.aligning.take() else { return Vec::new() };
        let overlap = start.map_or(0, |s| self.shown.len() - s);
        let complete = start.is_some() || self.shown.is_empty();
        let mut out = vec![LogOutput::Reconnected { complete }];
        for line in alignment.incoming.into_iter().skip(overlap) {
            self.remember(&line);
            out.push(LogOutput::Line(line));
        }
        out
    }

    fn remember(&mut self, line: &str) {
        if self.shown.len() == self.keep {
            self.shown.pop_front();
        }
        self.shown.push_back(line.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(cursor: &mut LogCursor, lines: &[&str]) -> Vec<LogOutput> {
        lines.iter().flat_map(|l| cursor.accept(l)).collect()
    }

    fn lines(out: &[LogOutput]) -> Vec<&str> {
        out.iter().filter_map(|o| if let LogOutput::Line(l) = o { Some(l.as_str()) } else { None }).collect()
    }

    #[test]
    fn continues_after_the_last_line_shown() {
        let mut cursor = LogCursor::new(4);
        feed(&mut cursor, &["1", "2", "3", "4", "5"]);
        cursor.reconnected();
        // The new stream's last lines start at 3; 6 and 7 came meanwhile.
        let out = feed(&mut cursor, &["3", "4", "5", "6", "7"]);
        assert_eq!(out[0], LogOutput::Reconnected { complete: true });
        assert_eq!(lines(&out), ["6", "7"]);
        assert_eq!(lines(&feed(&mut cursor, &["8"])), ["8"]);
    }

    #[test]
    fn repeated_lines_take_the_longest_overlap() {
        let mut cursor = LogCursor::new(10);
        feed(&mut cursor, &["a", "tick", "tick"]);
        cursor.reconnected();
        let mut out = feed(&mut cursor, &["a", "tick", "tick", "b"]);
        out.extend(cursor.finish());
        assert_eq!(lines(&out), ["b"]);
    }

    #[test]
    fn says_when_lines_may_be_missing() {
        let mut cursor = LogCursor::new(3);
        feed(&mut cursor, &["1", "2", "3"]);
        cursor.reconnected();
        let out = feed(&mut cursor, &["9", "10"]);
        assert_eq!(out[0], LogOutput::Reconnected { complete: false });
        assert_eq!(lines(&out), ["9", "10"]);
    }

    #[test]
    fn a_stream_that_ends_while_matching_passes_on_what_is_new() {
        let mut cursor = LogCursor::new(5);
        feed(&mut cursor, &["x", "y", "z"]);
        cursor.reconnected();
        // Only the last two came back, then the job ended.
        let mut out = feed(&mut cursor, &["y", "z"]);
        out.extend(cursor.finish());
        assert_eq!(out, [LogOutput::Reconnected { complete: true }]);
    }
}
