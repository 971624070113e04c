//! JSON Lines and JSON text sequence framing against splitting the whole body at once, whatever
//! the reads cut it into, with and without a limit that some records pass.

use apigen_runtime::stream::{LineFormat, LineFramer, TooLong};

use super::input::{reads, tokens};
use crate::fuzz::Rng;

const ALPHABET: &[&[u8]] = &[
    b"{\"a\":1}",
    b"\n",
    b"\r\n",
    b"\x1e",
    b" ",
    b"\t",
    b"1",
    b"\"x\"",
    b"\xC3",
    b"\xC3\xA9",
    b"\xE2\x80\xA8",
    b"\0",
    b"null",
    b"[",
    b"]",
];

/// The records of a whole body: split at every separator (the last piece too, ended or not),
/// invalid UTF-8 replaced, trimmed, blank ones skipped; `Err` after those before the first piece
/// longer than `limit`.
fn reference(body: &[u8], separator: u8, limit: usize) -> (Vec<String>, Option<TooLong>) {
    let mut records = Vec::new();
    for piece in body.split(|&b| b == separator) {
        if piece.len() > limit {
            return (records, Some(TooLong));
        }
        let text = String::from_utf8_lossy(piece);
        if !text.trim().is_empty() {
            records.push(text.trim().to_owned());
        }
    }
    (records, None)
}

pub fn differential(rng: &mut Rng) -> Result<usize, String> {
    let body = tokens(rng, ALPHABET, 64);
    let (format, separator) = if rng.below(2) == 0 { (LineFormat::Lines, b'\n') } else { (LineFormat::Sequence, 0x1e) };
    let limit = if rng.below(2) == 0 { usize::MAX } else { rng.below(24) };
    let expected = reference(&body, separator, limit);
    let mut framer = LineFramer::new(format, limit);
    let mut records = Vec::new();
    let mut failed = None;
    'reads: for read in reads(rng, &body) {
        framer.feed(read);
        loop {
            match framer.next_record() {
                Ok(Some(record)) => records.push(record),
                Ok(None) => break,
                Err(e) => {
                    failed = Some(e);
                    break 'reads;
                }
            }
        }
    }
    if failed.is_none() {
        match framer.finish() {
            Ok(last) => records.extend(last),
            Err(e) => failed = Some(e),
        }
    }
    if (records.clone(), failed) != expected {
        return Err(format!(
            "{format:?}, limit {limit}, body {:?}: framer {records:?}, whole {expected:?}",
            String::from_utf8_lossy(&body)
        ));
    }
    Ok(body.len())
}
