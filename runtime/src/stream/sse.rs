//! The event-stream interpretation of the HTML standard ("Interpreting an event stream"),
//! without I/O: bytes in as they arrive, events out as they are asked for.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::error::Error;

/// An event as the stream frames it, before its data is decoded.
#[derive(Debug, PartialEq)]
pub struct RawEvent {
    pub event: String,
    pub data: String,
    pub id: Option<String>,
    pub retry: Option<Duration>,
}

/// The UTF-8 byte order mark, skipped at the start of a body (however the reads cut it).
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The event-stream interpretation of the HTML standard, fed with bytes as they arrive.
///
/// Bytes are interpreted only as events are asked for, and each event is handed out the moment
/// its blank line is read, so that dispatching an event and handing it out are one step. That
/// keeps apart the two ids the standard keeps apart: `id:` lines set `id_buffer` as they are
/// read, and it becomes the stream's last event id only when a blank line dispatches. A
/// reconnection sends the latter, so an event the body ended in the middle of (its `id:` line
/// read, its blank line not) is asked for again rather than skipped. It also means a chunk full
/// of tiny events never becomes a queue of them.
pub struct SseParser {
    /// The chunk being interpreted, and how far.
    pending: Vec<u8>,
    read: usize,
    /// The line being read, not yet ended.
    line: Vec<u8>,
    /// The previous byte was CR: an LF right after it ends nothing more.
    after_cr: bool,
    /// At the start of a body: how much of a byte order mark has been read (it is skipped).
    /// `None` once past it.
    bom_matched: Option<usize>,
    data: String,
    has_data: bool,
    event_type: String,
    event_retry: Option<Duration>,
    /// The standard's "last event ID buffer": set by `id:` lines as they are read.
    id_buffer: Option<String>,
    /// The standard's "last event ID string": the buffer as of the last dispatch.
    last_event_id: Option<String>,
    pub reconnection_delay: Option<Duration>,
    /// What went wrong (an event over the limit): reported once the events before it are.
    failure: Option<Error>,
    pub(super) finished: bool,
    limit: usize,
    status: StatusCode,
    headers: HeaderMap,
}

impl SseParser {
    pub fn new(limit: usize, status: StatusCode, headers: HeaderMap) -> Self {
        SseParser {
            pending: Vec::new(),
            read: 0,
            line: Vec::new(),
            after_cr: false,
            bom_matched: Some(0),
            data: String::new(),
            has_data: false,
            event_type: String::new(),
            event_retry: None,
            id_buffer: None,
            last_event_id: None,
            reconnection_delay: None,
            failure: None,
            finished: false,
            limit,
            status,
            headers,
        }
    }

    /// The id a reconnection sends: that of the last event handed out, or of a later block
    /// without data that set one; `None` when there is none (or the server emptied it).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// A new body after reconnecting: what was read of an unfinished event is gone (the server
    /// sends it again, after the id the reconnection sent); that id, and the delay, carry over.
    pub fn restart(&mut self) {
        self.pending.clear();
        self.read = 0;
        self.line.clear();
        self.after_cr = false;
        self.bom_matched = Some(0);
        self.data.clear();
        self.has_data = false;
        self.event_type.clear();
        self.event_retry = None;
        self.id_buffer.clone_from(&self.last_event_id);
    }

    /// Bytes from the body, interpreted as events are asked for.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.read == self.pending.len() {
            self.pending.clear();
            self.read = 0;
        }
        if self.failure.is_none() {
            self.pending.extend_from_slice(chunk);
        }
    }

    /// The next event of what was fed, `None` when it holds no complete event more, or the
    /// error (once every event before it was handed out).
    pub fn next_event(&mut self) -> Result<Option<RawEvent>, Error> {
        while self.read < self.pending.len() && self.failure.is_none() {
            let byte = self.pending[self.read];
            self.read += 1;
            if let Some(event) = self.byte(byte) {
                return Ok(Some(event));
            }
        }
        self.pending.clear();
        self.read = 0;
        match self.failure.take() {
            Some(error) => Err(error),
            None => Ok(None),
        }
    }

    /// One byte of the body: an event when it ends one.
    fn byte(&mut self, byte: u8) -> Option<RawEvent> {
        if let Some(matched) = self.bom_matched {
            if byte == BOM[matched] {
                self.bom_matched = (matched + 1 < BOM.len()).then_some(matched + 1);
                return None;
            }
            // Not a byte order mark after all: what looked like its start is text.
            self.bom_matched = None;
            self.line.extend_from_slice(&BOM[..matched]);
        }
        let event = match byte {
            b'\n' if self.after_cr => {
                self.after_cr = false;
                None
            }
            b'\n' | b'\r' => {
                self.after_cr = byte == b'\r';
                let line = std::mem::take(&mut self.line);
                self.process(&line)
            }
            _ => {
                self.after_cr = false;
                self.line.push(byte);
                None
            }
        };
        if self.line.len() + self.data.len() > self.limit {
            self.failure = Some(Error::TooLarge {
                limit: self.limit,
                what: "event",
                status: self.status,
                headers: Box::new(self.headers.clone()),
            });
        }
        event
    }

    fn process(&mut self, line: &[u8]) -> Option<RawEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return None; // A comment: keep-alives are sent this way.
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event_type = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => {
                self.id_buffer = (!value.is_empty()).then(|| value.to_owned());
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(millis) = value.parse::<u64>() {
                    let delay = Duration::from_millis(millis);
                    self.reconnection_delay = Some(delay);
                    self.event_retry = Some(delay);
                }
            }
            _ => {}
        }
        None
    }

    /// A blank line: the last event id becomes the buffer's (even for a block without data, as
    /// the standard says), and an event is dispatched if data came.
    fn dispatch(&mut self) -> Option<RawEvent> {
        self.last_event_id.clone_from(&self.id_buffer);
        let event_type = std::mem::take(&mut self.event_type);
        let retry = self.event_retry.take();
        std::mem::take(&mut self.has_data).then(|| RawEvent {
            event: if event_type.is_empty() { "message".to_owned() } else { event_type },
            data: std::mem::take(&mut self.data),
            id: self.last_event_id.clone(),
            retry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(parser: &mut SseParser) -> Vec<RawEvent> {
        std::iter::from_fn(|| parser.next_event().unwrap()).collect()
    }

    fn parse(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut parser = SseParser::new(1 << 20, StatusCode::OK, HeaderMap::new());
        let mut events = Vec::new();
        for chunk in chunks {
            parser.feed(chunk);
            events.extend(drain(&mut parser));
        }
        events
    }

    fn event(event: &str, data: &str, id: Option<&str>) -> RawEvent {
        RawEvent { event: event.into(), data: data.into(), id: id.map(Into::into), retry: None }
    }

    #[test]
    fn fields_multi_line_data_comments_and_types() {
        let events = parse(&[b": keep-alive\n\ndata: a\ndata:b\ndata\n\nevent: add\ndata: {\"x\":1}\nid: 7\n\n"]);
        assert_eq!(events, [event("message", "a\nb\n", None), event("add", "{\"x\":1}", Some("7"))]);
    }

    #[test]
    fn every_line_ending_and_lines_split_across_chunks() {
        let one_by_one: Vec<&[u8]> = b"data: a\r\n\r\ndata: b\r\rdata: c\n\n".chunks(1).collect();
        assert_eq!(
            parse(&one_by_one),
            [event("message", "a", None), event("message", "b", None), event("message", "c", None)]
        );
        // A CR at the end of one chunk and its LF at the start of the next are one line end.
        assert_eq!(parse(&[b"data: a\r", b"\n\r", b"\n"]), [event("message", "a", None)]);
    }

    #[test]
    fn ids_carry_over_retry_is_kept_and_odd_fields_are_ignored() {
        let mut parser = SseParser::new(1 << 20, StatusCode::OK, HeaderMap::new());
        parser.feed(
            b"\xEF\xBB\xBFid: 1\nretry: 2500\ndata: a\n\ndata: b\n\nretry: soon\nid: x\0y\nfoo: bar\ndata: c\n\n",
        );
        let events = drain(&mut parser);
        assert_eq!(events[0].id.as_deref(), Some("1"));
        assert_eq!(events[0].retry, Some(Duration::from_millis(2500)));
        assert_eq!((events[1].id.as_deref(), events[1].retry), (Some("1"), None));
        assert_eq!((events[2].id.as_deref(), events[2].data.as_str()), (Some("1"), "c"));
        assert_eq!(parser.reconnection_delay, Some(Duration::from_millis(2500)));
    }

    #[test]
    fn an_event_without_data_dispatches_nothing_and_an_unfinished_one_is_not_an_event() {
        assert_eq!(parse(&[b"event: ping\n\n"]), []);
        assert_eq!(parse(&[b"data: complete\n\ndata: cut short"]), [event("message", "complete", None)]);
    }

    #[test]
    fn an_event_over_the_limit_is_an_error_after_the_events_before_it() {
        let mut parser = SseParser::new(16, StatusCode::OK, HeaderMap::new());
        parser.feed(b"data: small\n\ndata: this one is far too long\n\n");
        assert_eq!(parser.next_event().unwrap(), Some(event("message", "small", None)));
        assert!(matches!(parser.next_event(), Err(Error::TooLarge { limit: 16, what: "event", .. })));
        // A line that never ends is bounded too.
        let mut parser = SseParser::new(16, StatusCode::OK, HeaderMap::new());
        parser.feed(&[b'x'; 100]);
        assert!(parser.next_event().is_err());
        assert!(parser.line.len() <= 17);
    }

    /// The defect a held-out check found: the `id:` line of an event the body ended in the
    /// middle of became the id a reconnection sent, so a resuming server skipped that event.
    #[test]
    fn the_id_of_an_unfinished_event_is_not_the_last_event_id() {
        let mut parser = SseParser::new(1 << 20, StatusCode::OK, HeaderMap::new());
        parser.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b");
        assert_eq!(drain(&mut parser), [event("message", "a", Some("1"))]);
        assert_eq!(parser.last_event_id(), Some("1"));
        // The next body: an event without an id line carries the id of the last one handed out,
        // not the unfinished event's.
        parser.restart();
        parser.feed(b"data: b\n\n");
        assert_eq!(drain(&mut parser), [event("message", "b", Some("1"))]);
    }

    #[test]
    fn a_block_without_data_still_sets_the_last_event_id_and_an_empty_id_clears_it() {
        let mut parser = SseParser::new(1 << 20, StatusCode::OK, HeaderMap::new());
        parser.feed(b"id: 7\ndata: a\n\nid: 8\n\n");
        assert_eq!(drain(&mut parser), [event("message", "a", Some("7"))]);
        assert_eq!(parser.last_event_id(), Some("8"));
        parser.feed(b"id\ndata: b\n\n");
        assert_eq!(drain(&mut parser), [event("message", "b", None)]);
        assert_eq!(parser.last_event_id(), None);
    }

    /// Events are handed out one at a time as they are asked for: a chunk of a thousand events
    /// is not a queue of a thousand, and the last event id is that of the last one handed out.
    #[test]
    fn events_are_interpreted_as_they_are_asked_for() {
        let mut parser = SseParser::new(1 << 20, StatusCode::OK, HeaderMap::new());
        let body: String = (0..1000).map(|i| format!("id: {i}\ndata: {i}\n\n")).collect();
        parser.feed(body.as_bytes());
        assert_eq!(parser.next_event().unwrap(), Some(event("message", "0", Some("0"))));
        assert_eq!(parser.last_event_id(), Some("0"));
        assert_eq!(parser.next_event().unwrap(), Some(event("message", "1", Some("1"))));
        assert_eq!(parser.last_event_id(), Some("1"));
        assert_eq!(drain(&mut parser).len(), 998);
        assert_eq!(parser.last_event_id(), Some("999"));
    }

    /// A byte order mark is skipped whatever the reads cut it into; the start of one that turns
    /// out to be text stays text.
    #[test]
    fn a_byte_order_mark_cut_across_reads_is_still_skipped() {
        assert_eq!(parse(&[b"\xEF", b"\xBB", b"\xBFdata: a\n\n"]), [event("message", "a", None)]);
        assert_eq!(parse(&[b"\xEF\xBB", b"\xBFdata: a\n\n"]), [event("message", "a", None)]);
        // Not a mark: the bytes belong to the first line (a field name nobody knows).
        assert_eq!(parse(&[b"\xEF\xBB", b"data: a\n\ndata: b\n\n"]), [event("message", "b", None)]);
        // Only at the very start.
        assert_eq!(parse(&[b"data: a\n\n\xEF\xBB\xBFdata: b\n\n"]), [event("message", "a", None)]);
    }

    /// Killed mutant (cargo mutants): CR LF is one line end, not a line end and a blank line,
    /// which would dispatch every data line of a CRLF stream as an event of its own.
    #[test]
    fn cr_lf_ends_one_line_not_two() {
        assert_eq!(parse(&[b"data: a\r\ndata: b\r\n\r\n"]), [event("message", "a\nb", None)]);
    }
}
