//! The framing of JSON Lines and JSON text sequences, without I/O: bytes in as they arrive,
//! records out as they are asked for.
//!
//! Each byte is looked at once however the reads cut a long line (a scan that started over at
//! every read made a long line cost its length times the number of reads), and no record may
//! exceed the limit, whether it comes alone or among many in one read.

use super::LineFormat;

/// A record longer than the limit.
#[derive(Debug, PartialEq, Eq)]
pub struct TooLong;

pub struct LineFramer {
    pending: Vec<u8>,
    /// Where the next record starts in `pending`.
    start: usize,
    /// `pending[start..scanned]` holds no separator.
    scanned: usize,
    separator: u8,
    limit: usize,
}

impl LineFramer {
    pub fn new(format: LineFormat, limit: usize) -> Self {
        let separator = match format {
            LineFormat::Lines => b'\n',
            LineFormat::Sequence => 0x1E,
        };
        LineFramer { pending: Vec::new(), start: 0, scanned: 0, separator, limit }
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        // What was handed out goes before more comes in. Each byte moves once at most: after
        // this, what is left starts at 0, and it moves again only once a record ended in it.
        if self.start > 0 {
            self.pending.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
        }
        self.pending.extend_from_slice(chunk);
    }

    /// The next record that is not blank, as text (invalid UTF-8 replaced, whitespace around
    /// it trimmed); `Ok(None)` when what was fed holds no complete record more.
    pub fn next_record(&mut self) -> Result<Option<String>, TooLong> {
        loop {
            let Some(offset) = self.pending[self.scanned..].iter().position(|&b| b == self.separator) else {
                self.scanned = self.pending.len();
                return if self.scanned - self.start > self.limit { Err(TooLong) } else { Ok(None) };
            };
            let (from, to) = (self.start, self.scanned + offset);
            self.start = to + 1;
            self.scanned = self.start;
            if to - from > self.limit {
                return Err(TooLong);
            }
            if let Some(text) = text(&self.pending[from..to]) {
                return Ok(Some(text));
            }
        }
    }

    /// At the end of the body: the last record, which may end without a separator.
    pub fn finish(&mut self) -> Result<Option<String>, TooLong> {
        let rest = &self.pending[self.start..];
        let last = if rest.len() > self.limit { Err(TooLong) } else { Ok(text(rest)) };
        self.pending.clear();
        (self.start, self.scanned) = (0, 0);
        last
    }
}

/// A record's text, or `None` for a blank one (or the empty record before a sequence's first RS).
fn text(record: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(record);
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(framer: &mut LineFramer) -> Vec<String> {
        std::iter::from_fn(|| framer.next_record().unwrap()).collect()
    }

    #[test]
    fn records_split_across_reads_and_blank_lines_skipped() {
        let mut framer = LineFramer::new(LineFormat::Lines, 100);
        framer.feed(b"{\"a\":1}\n{\"a\"");
        assert_eq!(records(&mut framer), ["{\"a\":1}"]);
        framer.feed(b":2}\r\n\n  \n{\"a\":3}");
        assert_eq!(records(&mut framer), ["{\"a\":2}"]);
        assert_eq!(framer.finish(), Ok(Some("{\"a\":3}".to_owned())));
        let mut framer = LineFramer::new(LineFormat::Sequence, 100);
        framer.feed(b"\x1e1\n\x1e\"two\"\n\x1e");
        assert_eq!(records(&mut framer), ["1", "\"two\""]);
        assert_eq!(framer.finish(), Ok(None));
    }

    /// A line over the limit among short ones in the same read used to pass: only what was
    /// left without a newline was measured.
    #[test]
    fn a_record_over_the_limit_is_refused_even_when_its_newline_came_with_it() {
        let mut framer = LineFramer::new(LineFormat::Lines, 10);
        framer.feed(b"short\nthis line is too long\nnever\n");
        assert_eq!(framer.next_record(), Ok(Some("short".to_owned())));
        assert_eq!(framer.next_record(), Err(TooLong));
        // A line exactly at the limit is fine; one byte more is not, ended or not.
        let mut framer = LineFramer::new(LineFormat::Lines, 10);
        framer.feed(b"0123456789\n");
        assert_eq!(framer.next_record(), Ok(Some("0123456789".to_owned())));
        framer.feed(b"0123456789a");
        assert_eq!(framer.next_record(), Err(TooLong));
        let mut framer = LineFramer::new(LineFormat::Lines, 10);
        framer.feed(b"0123456789a");
        assert_eq!(framer.finish(), Err(TooLong));
        // The last line, without a newline, exactly at the limit.
        let mut framer = LineFramer::new(LineFormat::Lines, 10);
        framer.feed(b"0123456789");
        assert_eq!(framer.finish(), Ok(Some("0123456789".to_owned())));
    }

    /// A long line read one byte at a time is scanned once, not once per read.
    #[test]
    fn a_long_line_read_byte_by_byte_is_scanned_once() {
        let mut framer = LineFramer::new(LineFormat::Lines, 1 << 20);
        for _ in 0..200_000 {
            framer.feed(b"x");
            assert_eq!(framer.next_record(), Ok(None));
            assert_eq!(framer.scanned, framer.pending.len());
        }
        framer.feed(b"\n");
        assert_eq!(framer.next_record().unwrap().map(|r| r.len()), Some(200_000));
    }

    /// Killed mutants of `feed` (cargo mutants): what was handed out is dropped before more
    /// comes in, so a long stream of short lines holds one line, not all of them.
    #[test]
    fn what_was_handed_out_is_dropped_before_more_comes_in() {
        let mut framer = LineFramer::new(LineFormat::Lines, 100);
        for _ in 0..1000 {
            framer.feed(b"{\"a\":1}\n");
            assert_eq!(framer.next_record(), Ok(Some("{\"a\":1}".to_owned())));
        }
        assert!(framer.pending.len() <= 8, "{}", framer.pending.len());
    }

    /// The scan position moves with what is dropped: a separator at the very start of the next
    /// read still ends a record (here a blank one, which must not join the next and pass the
    /// limit of 1).
    #[test]
    fn a_separator_first_in_a_read_after_a_record_still_ends_one() {
        let mut framer = LineFramer::new(LineFormat::Lines, 1);
        framer.feed(b"a\n");
        assert_eq!(framer.next_record(), Ok(Some("a".to_owned())));
        framer.feed(b"\nb\n");
        assert_eq!(framer.next_record(), Ok(Some("b".to_owned())));
    }

    /// Killed mutants of the early check (cargo mutants): an unfinished line is measured from
    /// its own start, and one exactly at the limit still waits for its newline.
    #[test]
    fn an_unfinished_line_is_measured_from_its_start_and_may_reach_the_limit() {
        let mut framer = LineFramer::new(LineFormat::Lines, 10);
        framer.feed(b"0123456789\n01234");
        assert_eq!(framer.next_record(), Ok(Some("0123456789".to_owned())));
        assert_eq!(framer.next_record(), Ok(None));
        framer.feed(b"56789");
        assert_eq!(framer.next_record(), Ok(None));
        framer.feed(b"\n");
        assert_eq!(framer.next_record(), Ok(Some("0123456789".to_owned())));
    }
}
