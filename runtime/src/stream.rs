//! Response bodies read as they arrive: bytes, Server-Sent Events, JSON Lines.
//!
//! The event-stream parser is this crate's own rather than `eventsource-stream`'s: that crate
//! keeps an event (or a line without end) in memory however long it grows, and a client must be
//! able to bound what a server makes it hold. Here no event or line may exceed the client's body
//! limit. Framing follows the HTML standard ("Interpreting an event stream").

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error};

mod lines;
mod sse;

// The framings without I/O, public (and hidden) for the fuzzer of `cargo xtask fuzz`.
#[doc(hidden)]
pub use lines::{LineFramer, TooLong};
#[doc(hidden)]
pub use sse::{RawEvent, SseParser};

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

/// The `Last-Event-ID` header of a reconnection. An id (any text but NUL, CR and LF) that a
/// header cannot carry as it is (a control character, or spaces around it, which HTTP strips)
/// is an error: the server would resume from somewhere else.
pub(crate) fn last_event_id_header(id: &str) -> Result<http::HeaderValue, Error> {
    let around = |b: u8| b == b' ' || b == b'\t';
    let bytes = id.as_bytes();
    match http::HeaderValue::from_bytes(bytes) {
        Ok(value) if !bytes.first().is_some_and(|&b| around(b)) && !bytes.last().is_some_and(|&b| around(b)) => {
            Ok(value)
        }
        _ => Err(Error::InvalidRequest(format!(
            "cannot resume the event stream: its last event id {id:?} cannot be sent as a Last-Event-ID header"
        ))),
    }
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
        if self.parser.finished {
            return None;
        }
        loop {
            match self.parser.next_event() {
                Ok(Some(raw)) if raw.data == "[DONE]" => {
                    self.reconnects_left = 0;
                    self.parser.finished = true;
                    return None;
                }
                Ok(Some(raw)) => {
                    let decoded = self.decoded(raw);
                    // An event that does not decode ends the stream, as a line of JSON Lines does.
                    self.parser.finished |= decoded.is_err();
                    return Some(decoded);
                }
                Ok(None) => {}
                Err(error) => {
                    self.parser.finished = true;
                    return Some(Err(error));
                }
            }
            let ended = match self.live.response.chunk().await {
                Ok(Some(chunk)) => {
                    self.parser.feed(&chunk);
                    continue;
                }
                // The body ended (an unfinished event is dropped, as the standard says).
                Ok(None) => None,
                Err(error) => Some(Error::Transport(error)),
            };
            match self.reconnected().await {
                Ok(true) => {}
                Ok(false) => {
                    self.parser.finished = true;
                    return ended.map(Err);
                }
                Err(error) => {
                    self.parser.finished = true;
                    return Some(Err(error));
                }
            }
        }
    }

    /// Asks for the stream again, if reconnections are left: whether a new body is being read.
    /// The request carries the id of the last event handed out (the standard's "last event ID
    /// string"), never that of an event the body ended in the middle of: a server resuming after
    /// it would skip that event. An id that cannot travel as a header is an error rather than a
    /// request without it, which the server would answer from the start, repeating events.
    async fn reconnected(&mut self) -> Result<bool, Error> {
        let Some(reconnect) = self.reconnect.clone() else { return Ok(false) };
        while self.reconnects_left > 0 {
            self.reconnects_left -= 1;
            tokio::time::sleep(self.parser.reconnection_delay.unwrap_or(DEFAULT_RECONNECT_DELAY)).await;
            match reconnect(self.parser.last_event_id().map(str::to_owned)).await {
                Ok(live) => {
                    self.parser.restart();
                    self.live = live;
                    return Ok(true);
                }
                Err(error @ Error::InvalidRequest(_)) => return Err(error),
                Err(_) => {}
            }
        }
        Ok(false)
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
    framer: LineFramer,
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
        let framer = LineFramer::new(format, limit);
        let state = LineState { live, framer, number: 0, format, decode, limit, done: false };
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
    async fn next(&mut self) -> Option<Result<T, Error>> {
        if self.done {
            return None;
        }
        loop {
            match self.framer.next_record() {
                Ok(Some(record)) => return Some(self.value(&record)),
                Ok(None) => {}
                Err(TooLong) => return Some(self.too_long()),
            }
            match self.live.response.chunk().await {
                Ok(Some(chunk)) => self.framer.feed(&chunk),
                Ok(None) => {
                    self.done = true;
                    // The last value may end without a newline.
                    return match self.framer.finish() {
                        Ok(last) => last.map(|record| self.value(&record)),
                        Err(TooLong) => Some(self.too_long()),
                    };
                }
                Err(error) => return Some(self.fail(Error::Transport(error))),
            }
        }
    }

    fn too_long(&mut self) -> Result<T, Error> {
        self.fail(Error::TooLarge {
            limit: self.limit,
            what: "line",
            status: self.live.status,
            headers: Box::new(self.live.headers.clone()),
        })
    }

    fn fail(&mut self, error: Error) -> Result<T, Error> {
        self.done = true;
        Err(error)
    }

    /// A record decoded, or the error naming it (after which the stream ends).
    fn value(&mut self, text: &str) -> Result<T, Error> {
        self.number += 1;
        match (self.decode)(text) {
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
        }
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
