//! The event-stream parser against a straightforward reading of the HTML standard's
//! "Interpreting an event stream" (the whole body decoded, split into lines, each line taken
//! in turn), whatever the reads cut the body into; and resumption, against a server that
//! honours `Last-Event-ID`, its connections cut anywhere.

use std::time::Duration;

use apigen_runtime::stream::{RawEvent, SseParser};
use apigen_runtime::{HeaderMap, StatusCode};

use super::input::{pick, reads, tokens};
use crate::fuzz::Rng;

const ALPHABET: &[&[u8]] = &[
    b"data",
    b"data:",
    b"data: ",
    b"id:",
    b"id: ",
    b"event:",
    b"retry:",
    b"retry: ",
    b":",
    b" ",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"x",
    b"7",
    b"12",
    b"18446744073709551616",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xEF\xBB",
    b"\xC3",
    b"\xC3\xA9",
    b"[DONE]",
    b"message",
    b"\t",
];

/// What the standard makes of a whole body: the events (with the id and `retry:` of each, as
/// the runtime reports them), the last event id and the reconnection time.
pub fn reference(body: &[u8]) -> (Vec<RawEvent>, Option<String>, Option<Duration>) {
    let text = String::from_utf8_lossy(body);
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let (mut data, mut event_type, mut id_buffer, mut last_event_id) =
        (String::new(), String::new(), String::new(), String::new());
    let (mut event_retry, mut delay) = (None, None);
    let mut events = Vec::new();
    // Lines end at CRLF, LF or CR; what follows the last end is no line.
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(['\r', '\n']) {
        lines.push(&rest[..end]);
        let skip = if rest[end..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[end + skip..];
    }
    for line in lines {
        if line.is_empty() {
            last_event_id.clone_from(&id_buffer);
            let retry = event_retry.take();
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            let name = if event_type.is_empty() { "message".to_owned() } else { std::mem::take(&mut event_type) };
            let id = (!last_event_id.is_empty()).then(|| last_event_id.clone());
            events.push(RawEvent { event: name, data: std::mem::take(&mut data), id, retry });
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.find(':') {
            Some(at) => (&line[..at], line[at + 1..].strip_prefix(' ').unwrap_or(&line[at + 1..])),
            None => (line, ""),
        };
        match field {
            "event" => event_type = value.to_owned(),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "id" if !value.contains('\0') => id_buffer = value.to_owned(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(millis) = value.parse::<u64>() {
                    delay = Some(Duration::from_millis(millis));
                    event_retry = delay;
                }
            }
            _ => {}
        }
    }
    (events, (!last_event_id.is_empty()).then_some(last_event_id), delay)
}

fn new_parser(limit: usize) -> SseParser {
    SseParser::new(limit, StatusCode::OK, HeaderMap::new())
}

/// Arbitrary bytes cut at arbitrary places: the same events, last event id and delay as the
/// reference; with a small limit, a prefix of them and no event over the limit.
pub fn differential(rng: &mut Rng) -> Result<usize, String> {
    let body = tokens(rng, ALPHABET, 64);
    let (expected, expected_id, expected_delay) = reference(&body);
    let mut parser = new_parser(1 << 20);
    let mut events = Vec::new();
    for read in reads(rng, &body) {
        parser.feed(read);
        while let Some(event) = parser.next_event().map_err(|e| format!("unexpected error: {e}"))? {
            events.push(event);
        }
    }
    if events != expected {
        return Err(format!("body {:?}: parser {events:?}, standard {expected:?}", String::from_utf8_lossy(&body)));
    }
    if parser.last_event_id() != expected_id.as_deref() || parser.reconnection_delay != expected_delay {
        return Err(format!(
            "body {:?}: last event id {:?} / delay {:?}, standard {expected_id:?} / {expected_delay:?}",
            String::from_utf8_lossy(&body),
            parser.last_event_id(),
            parser.reconnection_delay
        ));
    }
    let limit = rng.below(48);
    let mut parser = new_parser(limit);
    let mut bounded = Vec::new();
    'reads: for read in reads(rng, &body) {
        parser.feed(read);
        loop {
            match parser.next_event() {
                Ok(Some(event)) => bounded.push(event),
                Ok(None) => break,
                Err(_) => break 'reads,
            }
        }
    }
    if !expected.starts_with(&bounded) || bounded.iter().any(|e| e.data.len() > limit) {
        return Err(format!("limit {limit}: {bounded:?} is not a bounded prefix of {expected:?}"));
    }
    Ok(body.len())
}

/// One event of a server's log.
struct Logged {
    event: &'static str,
    id: String,
    data: String,
}

const TEXT: &[&str] = &["a", "b c", "é", "{\"x\":1}", "", " ", ":", "line\nnext", "\n", "data: no", "\u{FEFF}"];
const IDS: &[&str] = &["1", "x", " spaced", "é", "a:b", "[DONE]", "id: 2", "\t"];

/// What a server honouring `Last-Event-ID` sends after `after` (everything without it), each
/// connection written in its own way (line endings, comments, a byte order mark, `retry:`).
fn body(rng: &mut Rng, log: &[Logged], after: Option<&str>) -> Result<Vec<u8>, String> {
    let start = match after {
        None => 0,
        Some(id) => log.iter().position(|e| e.id == id).ok_or(format!("the client sent the unknown id {id:?}"))? + 1,
    };
    let end = pick(rng, &["\n", "\r\n", "\r"]);
    let mut out = String::new();
    if rng.below(3) == 0 {
        out.push('\u{FEFF}');
    }
    if rng.below(2) == 0 {
        out.push_str(&format!(": keep-alive{end}retry: 0{end}"));
    }
    for event in &log[start..] {
        out.push_str(&format!("event: {}{end}id: {}{end}", event.event, event.id));
        for line in event.data.split('\n') {
            out.push_str(&format!("data: {line}{end}"));
        }
        out.push_str(end);
        if rng.below(4) == 0 {
            out.push_str(&format!(":{end}{end}"));
        }
    }
    Ok(out.into_bytes())
}

/// Connections cut anywhere, each followed by a reconnection with the parser's last event id:
/// every event of the log comes out once, in order, with its own id.
pub fn resumption(rng: &mut Rng) -> Result<usize, String> {
    let log: Vec<Logged> = (0..1 + rng.below(6))
        .map(|i| Logged {
            event: pick(rng, &["message", "delta", "x"]),
            // Unique: the server finds where to resume by it.
            id: format!("{}{i}", pick(rng, IDS)),
            data: (0..1 + rng.below(3)).map(|_| pick(rng, TEXT)).collect::<Vec<_>>().join(""),
        })
        .collect();
    let mut parser = new_parser(1 << 20);
    let mut delivered: Vec<RawEvent> = Vec::new();
    let mut size = 0;
    for connection in 0..10 {
        let whole = body(rng, &log, parser.last_event_id())?;
        // The last connection is whole; the others stop anywhere, the end included.
        let cut = if connection == 9 { whole.len() } else { rng.below(whole.len() + 1) };
        size += whole.len();
        for read in reads(rng, &whole[..cut]) {
            parser.feed(read);
            while let Some(event) = parser.next_event().map_err(|e| e.to_string())? {
                delivered.push(event);
            }
        }
        if delivered.len() == log.len() {
            break;
        }
        parser.restart();
    }
    let got: Vec<(&str, &str, Option<&str>)> =
        delivered.iter().map(|e| (e.event.as_str(), e.data.as_str(), e.id.as_deref())).collect();
    let want: Vec<(&str, &str, Option<&str>)> =
        log.iter().map(|e| (e.event, e.data.as_str(), Some(e.id.as_str()))).collect();
    if got != want {
        return Err(format!("delivered {got:?}, the server's log {want:?}"));
    }
    Ok(size)
}
