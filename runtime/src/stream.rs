//! Response bodies read as they arrive: bytes, Server-Sent Events, JSON Lines.
//!
//! The event-stream parser is this crate's own rather than `eventsource-stream`'s: that crate
//! keeps an event (or a line without end) in memory however long it grows, and a client must be
//! able to bound what a server makes it hold. Here no event or line may exceed the client's body
//! limit. Framing follows the HTML standard ("Interpreting an event stream").

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error};

type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// The response to a streaming request, before its body is read.
pub(crate) struct Live {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub response: reqwest::Response,
}

/// A binary response body, read chunk by chunk as it arrives: never held whole in memory.
pub struct ByteStream {
    status: StatusCode,
    headers: HeaderMap,
    inner: Boxed<Bytes>,
}

impl ByteStream {
    pub(crate) fn new(live: Live) -> Self {
        let Live { status, headers, response } = live;
        let inner = futures_util::StreamExt::map(response.bytes_stream(), |chunk| chunk.map_err(Error::Transport));
        ByteStream { status, headers, inner: Box::pin(inner) }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next chunk, `None` at the end (no `futures` import needed).
    pub async fn next(&mut self) -> Option<Result<Bytes, Error>> {
        futures_util::StreamExt::next(self).await
    }

    /// Writes the rest of the body to `writer` (a `tokio::fs::File`…) and says how many bytes
    /// that was. A transport error is an `io::Error` of kind `Other` wrapping it.
    pub async fn write_to<W: tokio::io::AsyncWrite + Unpin>(mut self, writer: &mut W) -> std::io::Result<u64> {
        use tokio::io::AsyncWriteExt;
        let mut written = 0;
        while let Some(chunk) = self.next().await {
            let chunk = chunk.map_err(std::io::Error::other)?;
            writer.write_all(&chunk).await?;
            written += chunk.len() as u64;
        }
        writer.flush().await?;
        Ok(written)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").field("status", &self.status).finish_non_exhaustive()
    }
}

/// One Server-Sent Event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<T> {
    /// The event type: `message` unless the server named another.
    pub event: String,
    /// The last event id the server sent (it carries over to later events), if any.
    pub id: Option<String>,
    /// A reconnection delay the server set with this event.
    pub retry: Option<Duration>,
    /// The event's data, decoded.
    pub data: T,
}

/// How event data or a line becomes a value: JSON, or the text itself.
pub type Decode<T> = fn(&str) -> Result<T, serde_json::Error>;

/// Event data or a line decoded as JSON.
pub fn json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(text)
}

/// Event data kept as text, for streams whose schema is a string (or absent).
pub fn text(text: &str) -> Result<String, serde_json::Error> {
    Ok(text.to_owned())
}

/// Asks for a stream again after it ended: the request, with `Last-Event-ID` when an id came.
pub(crate) type Reconnect = std::sync::Arc<
    dyn Fn(Option<String>) -> Pin<Box<dyn std::future::Future<Output = Result<Live, Error>> + Send>> + Send + Sync,
>;

/// A `text/event-stream` response as typed events, decoded as they arrive.
///
/// The stream ends when the server closes it, or at the `[DONE]` sentinel many AI APIs send.
/// A transport error (a connection cut mid-way) is the last item, after every event that came
/// before it. With [`reconnect`](Self::reconnect), a stream that ends without `[DONE]` is asked
/// for again (with `Last-Event-ID`), after the delay the server set with `retry:`.
pub struct EventStream<T> {
    status: StatusCode,
    headers: HeaderMap,
    state: Option<EventState<T>>,
    inner: Option<Boxed<Event<T>>>,
}

struct EventState<T> {
    live: Live,
    parser: SseParser,
    decode: Decode<T>,
    reconnect: Option<Reconnect>,
    reconnects_left: u32,
}

/// The delay before reconnecting when the server did not set one.
const DEFAULT_RECONNECT_DELAY: Duration = Duration::from_secs(3);

impl<T: Send + 'static> EventStream<T> {
    pub(crate) fn new(live: Live, decode: Decode<T>, limit: usize, reconnect: Option<Reconnect>) -> Self {
        EventStream {
            status: live.status,
            headers: live.headers.clone(),
            state: Some(EventState {
                parser: SseParser::new(limit, live.status, live.headers.clone()),
                live,
                decode,
                reconnect,
                reconnects_left: 0,
            }),
            inner: None,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next event, `None` at the end (no `futures` import needed).
    pub async fn next(&mut self) -> Option<Result<Event<T>, Error>> {
        futures_util::StreamExt::next(self).await
    }

    /// Reconnect up to `times` times when the stream ends or breaks before `[DONE]`. Has no
    /// effect once the stream has been polled, or when the request's body could be sent once
    /// only.
    pub fn reconnect(mut self, times: u32) -> Self {
        if let Some(state) = &mut self.state {
            state.reconnects_left = times;
        }
        self
    }

    /// The events, read from the first poll on (so that `reconnect` can still be set before).
    fn events(state: Option<EventState<T>>) -> Boxed<Event<T>> {
        Box::pin(futures_util::stream::unfold(state, |state| async move {
            let mut state = state?;
            let item = state.next().await?;
            Some((item, Some(state)))
        }))
    }
}

impl<T> EventState<T> {
    /// The next event, an error (after which the stream ends), or `None` at its end.
    async fn next(&mut self) -> Option<Result<Event<T>, Error>> {
        loop {
            match self.parser.next_event() {
                Ok(Some(raw)) if raw.data == "[DONE]" => {
                    self.reconnects_left = 0;
                    self.parser.finished = true;
                    return None;
                }
                Ok(Some(raw)) => return Some(self.decoded(raw)),
                Ok(None) if self.parser.finished => return None,
                Ok(None) => {}
                Err(error) => {
                    self.parser.finished = true;
                    return Some(Err(error));
                }
            }
            match self.live.response.chunk().await {
                Ok(Some(chunk)) => self.parser.feed(&chunk),
                // The body ended (an unfinished event is dropped, as the standard says).
                Ok(None) => {
                    if !self.reconnected().await {
                        return None;
                    }
                }
                Err(error) => {
                    if !self.reconnected().await {
                        self.parser.finished = true;
                        return Some(Err(Error::Transport(error)));
                    }
                }
            }
        }
    }

    /// Asks for the stream again, if reconnections are left: whether a new body is being read.
    async fn reconnected(&mut self) -> bool {
        let Some(reconnect) = self.reconnect.clone() else { return false };
        while self.reconnects_left > 0 {
            self.reconnects_left -= 1;
            tokio::time::sleep(self.parser.reconnection_delay.unwrap_or(DEFAULT_RECONNECT_DELAY)).await;
            if let Ok(live) = reconnect(self.parser.last_event_id.clone()).await {
                self.parser.restart();
                self.live = live;
                return true;
            }
        }
        false
    }

    fn decoded(&self, raw: RawEvent) -> Result<Event<T>, Error> {
        match (self.decode)(&raw.data) {
            Ok(data) => Ok(Event { event: raw.event, id: raw.id, retry: raw.retry, data }),
            Err(e) => Err(Error::Decode(DecodeError::new(
                std::any::type_name::<T>(),
                format!("event `{}`: {e}", raw.event),
                e.line(),
                e.column(),
                self.live.status,
                raw.data.as_bytes(),
            ))),
        }
    }
}

impl<T: Send + 'static> Stream for EventStream<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.inner.is_none() {
            let state = self.state.take();
            self.inner = Some(Self::events(state));
        }
        match &mut self.inner {
            Some(events) => events.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("status", &self.status).finish_non_exhaustive()
    }
}

/// An event as the stream frames it, before its data is decoded.
#[derive(Debug, PartialEq)]
struct RawEvent {
    event: String,
    data: String,
    id: Option<String>,
    retry: Option<Duration>,
}

/// The event-stream interpretation of the HTML standard, fed with bytes as they arrive.
pub(crate) struct SseParser {
    /// The line being read, not yet ended.
    line: Vec<u8>,
    /// The previous chunk ended with CR: an LF starting this one ends nothing more.
    after_cr: bool,
    /// Nothing read yet: a byte order mark is skipped.
    at_start: bool,
    data: String,
    has_data: bool,
    event_type: String,
    event_retry: Option<Duration>,
    pub last_event_id: Option<String>,
    pub reconnection_delay: Option<Duration>,
    events: VecDeque<RawEvent>,
    /// What went wrong (an event over the limit): reported once the events before it are.
    failure: Option<Error>,
    finished: bool,
    limit: usize,
    status: StatusCode,
    headers: HeaderMap,
}

impl SseParser {
    pub(crate) fn new(limit: usize, status: StatusCode, headers: HeaderMap) -> Self {
        SseParser {
            line: Vec::new(),
            after_cr: false,
            at_start: true,
            data: String::new(),
            has_data: false,
            event_type: String::new(),
            event_retry: None,
            last_event_id: None,
            reconnection_delay: None,
            events: VecDeque::new(),
            failure: None,
            finished: false,
            limit,
            status,
            headers,
        }
    }

    /// A new body after reconnecting: what was half read is gone; ids and delays carry over.
    fn restart(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.at_start = true;
        self.data.clear();
        self.has_data = false;
        self.event_type.clear();
        self.event_retry = None;
    }

    fn next_event(&mut self) -> Result<Option<RawEvent>, Error> {
        if let Some(event) = self.events.pop_front() {
            return Ok(Some(event));
        }
        match self.failure.take() {
            Some(error) => Err(error),
            None => Ok(None),
        }
    }

    pub(crate) fn feed(&mut self, mut chunk: &[u8]) {
        if self.failure.is_some() {
            return;
        }
        if self.at_start && !chunk.is_empty() {
            self.at_start = false;
            chunk = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk);
        }
        for &byte in chunk {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    self.process(&line);
                }
                _ => {
                    self.after_cr = false;
                    self.line.push(byte);
                }
            }
            if self.line.len() + self.data.len() > self.limit {
                self.failure = Some(Error::TooLarge {
                    limit: self.limit,
                    what: "event",
                    status: self.status,
                    headers: Box::new(self.headers.clone()),
                });
                return;
            }
        }
    }

    fn process(&mut self, line: &[u8]) {
        if line.is_empty() {
            self.dispatch();
            return;
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return; // A comment: keep-alives are sent this way.
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
                self.last_event_id = (!value.is_empty()).then(|| value.to_owned());
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
    }

    fn dispatch(&mut self) {
        let event_type = std::mem::take(&mut self.event_type);
        let retry = self.event_retry.take();
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        self.events.push_back(RawEvent {
            event: if event_type.is_empty() { "message".to_owned() } else { event_type },
            data: std::mem::take(&mut self.data),
            id: self.last_event_id.clone(),
            retry,
        });
    }
}

/// How a sequence of JSON texts is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// JSON Lines / NDJSON: one value per line.
    Lines,
    /// JSON text sequences (RFC 7464): each value after an RS (0x1E) byte.
    Sequence,
}

/// A JSON Lines (`application/jsonl`, `application/x-ndjson`) or JSON text sequence
/// (`application/json-seq`) response as typed values, decoded as they arrive. A value that does
/// not decode is an error naming its line; the stream ends after it.
pub struct LineStream<T> {
    status: StatusCode,
    headers: HeaderMap,
    inner: Boxed<T>,
}

struct LineState<T> {
    live: Live,
    pending: Vec<u8>,
    /// Values read so far, for error messages (lines count from 1).
    number: usize,
    format: LineFormat,
    decode: Decode<T>,
    limit: usize,
    done: bool,
}

impl<T> LineStream<T> {
    /// The next value, `None` at the end (no `futures` import needed).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        futures_util::StreamExt::next(self).await
    }
}

impl<T: Send + 'static> LineStream<T> {
    pub(crate) fn new(live: Live, format: LineFormat, decode: Decode<T>, limit: usize) -> Self {
        let status = live.status;
        let headers = live.headers.clone();
        let state = LineState { live, pending: Vec::new(), number: 0, format, decode, limit, done: false };
        let inner = futures_util::stream::unfold(state, |mut state| async move {
            let item = state.next().await?;
            Some((item, state))
        });
        LineStream { status, headers, inner: Box::pin(inner) }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<T> LineState<T> {
    fn separator(&self) -> u8 {
        match self.format {
            LineFormat::Lines => b'\n',
            LineFormat::Sequence => 0x1E,
        }
    }

    async fn next(&mut self) -> Option<Result<T, Error>> {
        if self.done {
            return None;
        }
        loop {
            if let Some(at) = self.pending.iter().position(|&b| b == self.separator()) {
                let record: Vec<u8> = self.pending.drain(..=at).collect();
                if let Some(item) = self.record(&record[..record.len() - 1]) {
                    return Some(item);
                }
                continue;
            }
            if self.pending.len() > self.limit {
                return Some(self.fail(Error::TooLarge {
                    limit: self.limit,
                    what: "line",
                    status: self.live.status,
                    headers: Box::new(self.live.headers.clone()),
                }));
            }
            match self.live.response.chunk().await {
                Ok(Some(chunk)) => self.pending.extend_from_slice(&chunk),
                Ok(None) => {
                    self.done = true;
                    // The last value may end without a newline.
                    let rest = std::mem::take(&mut self.pending);
                    return self.record(&rest);
                }
                Err(error) => return Some(self.fail(Error::Transport(error))),
            }
        }
    }

    fn fail(&mut self, error: Error) -> Result<T, Error> {
        self.done = true;
        Err(error)
    }

    /// A value, or `None` for a blank line (or the empty record before a sequence's first RS).
    fn record(&mut self, record: &[u8]) -> Option<Result<T, Error>> {
        let text = String::from_utf8_lossy(record);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        self.number += 1;
        Some(match (self.decode)(text) {
            Ok(value) => Ok(value),
            Err(e) => {
                let what = match self.format {
                    LineFormat::Lines => "line",
                    LineFormat::Sequence => "value",
                };
                let error = Error::Decode(DecodeError::new(
                    std::any::type_name::<T>(),
                    format!("{what} {}: {e}", self.number),
                    self.number,
                    e.column(),
                    self.live.status,
                    text.as_bytes(),
                ));
                self.fail(error)
            }
        })
    }
}

impl<T> Stream for LineStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for LineStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineStream").field("status", &self.status).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut parser = SseParser::new(1 << 20, StatusCode::OK, HeaderMap::new());
        for chunk in chunks {
            parser.feed(chunk);
        }
        parser.events.into_iter().collect()
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
        let events: Vec<RawEvent> = parser.events.drain(..).collect();
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
}
