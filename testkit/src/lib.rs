//! A loopback HTTP/1.1 server for tests.
//!
//! Hand-written on a `TcpListener` rather than on a server framework so that tests see requests
//! byte for byte (the raw request-target, header order, the exact body) and can script what no
//! well-behaved server would do: close without answering, stall, send raw bytes.
//!
//! Streaming clients are tested with [`Reply::Stream`] (chunks on a schedule, optionally cut
//! short) and [`Reply::Generated`] (large bodies that the server never holds); large uploads are
//! counted and hashed in full ([`Recorded::body_len`], [`Recorded::body_hash`]) while only their
//! first [`MAX_BODY`] bytes are kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const MAX_HEAD: usize = 64 * 1024;
/// How much of a request body is kept in [`Recorded::body`]; the rest is counted and hashed only,
/// so that a test can upload hundreds of megabytes without the server holding them.
pub const MAX_BODY: usize = 64 * 1024 * 1024;
/// The most read from, or written to, the socket at once: large bodies pass through in pieces of
/// this size.
const PIECE: usize = 64 * 1024;
/// A chunk-size line or a trailer line longer than this is not a well-formed chunked body.
const MAX_LINE: usize = 8 * 1024;

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The raw request-target, still percent-encoded: `/job/a%2Fb/secret?x=1`.
    pub target: String,
    /// `target` before `?`.
    pub path: String,
    /// `target` after `?`, raw.
    pub query: Option<String>,
    /// In order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked; only its first [`MAX_BODY`] bytes when it was longer.
    pub body: Bytes,
    /// The length of the whole body as received, also the part not kept in `body`.
    pub body_len: u64,
    /// [`fnv1a`] over the whole body, also the part not kept in `body`: a test compares it with
    /// the hash of what it sent (computed in pieces with [`Fnv1a`]).
    pub body_hash: u64,
}

impl Recorded {
    /// The first header with this name, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy: tests compare it with what they expect).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// FNV-1a, 64-bit, over `bytes`: a hash of request bodies that tests can compute themselves.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = Fnv1a::new();
    hash.update(bytes);
    hash.finish()
}

/// FNV-1a, 64-bit, fed in pieces: for data too large to hold at once.
/// `update(a); update(b)` gives the same hash as `fnv1a(a ++ b)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    pub fn new() -> Fnv1a {
        Fnv1a(Fnv1a::OFFSET_BASIS)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        // An index loop on a local, not an iterator: tests are built unoptimised, where this is
        // twice as fast, and every byte of a 200 MB upload comes through here.
        let mut hash = self.0;
        let mut at = 0;
        while at < bytes.len() {
            hash = (hash ^ u64::from(bytes[at])).wrapping_mul(Fnv1a::PRIME);
            at += 1;
        }
        self.0 = hash;
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv1a {
    fn default() -> Fnv1a {
        Fnv1a::new()
    }
}

/// How a [`Reply::Stream`] ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamEnd {
    /// The terminating zero-size chunk: the body is complete.
    Complete,
    /// The connection is closed after the last chunk, without the terminating chunk: the client
    /// sees a body cut short.
    Abort,
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, headers and body; `Content-Length` and `Connection: close` are added.
    Respond { status: u16, headers: Vec<(String, String)>, body: Bytes },
    /// These bytes as the whole response, then close.
    Raw(Bytes),
    /// Close the connection without answering.
    Close,
    /// Wait, then do the inner reply.
    Delay(Duration, Box<Reply>),
    /// Status and headers, then a chunked body written on a schedule; `Transfer-Encoding: chunked`
    /// and `Connection: close` are added. For each of `chunks`: wait its `Duration`, then write its
    /// bytes as one HTTP chunk and flush, so that a client reads them apart (given a wait between
    /// them). An empty piece only waits: a zero-size chunk would end the body.
    Stream { status: u16, headers: Vec<(String, String)>, chunks: Vec<(Duration, Bytes)>, end: StreamEnd },
    /// Status and headers, then a body of `length` copies of `byte`, written in pieces and never
    /// held whole (to test a client's memory on large downloads); `Content-Length` and
    /// `Connection: close` are added.
    Generated { status: u16, headers: Vec<(String, String)>, length: u64, byte: u8 },
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::text(status, "application/json", body)
    }

    pub fn text(status: u16, content_type: &str, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply::Respond { status, headers: Vec::new(), body: Bytes::new() }
    }

    /// A complete chunked stream (see [`Reply::Stream`]); cut it short with [`Reply::with_end`].
    pub fn stream(status: u16, content_type: &str, chunks: Vec<(Duration, Bytes)>) -> Reply {
        Reply::Stream {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            chunks,
            end: StreamEnd::Complete,
        }
    }

    /// `length` copies of `byte` (see [`Reply::Generated`]).
    pub fn generated(status: u16, content_type: &str, length: u64, byte: u8) -> Reply {
        Reply::Generated { status, headers: vec![("content-type".into(), content_type.into())], length, byte }
    }

    /// Adds a header to a reply that has headers; other replies are returned as they are.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        match &mut self {
            Reply::Respond { headers, .. } | Reply::Stream { headers, .. } | Reply::Generated { headers, .. } => {
                headers.push((name.into(), value.into()));
            }
            Reply::Raw(_) | Reply::Close | Reply::Delay(..) => {}
        }
        self
    }

    /// Sets how a [`Reply::Stream`] ends; other replies are returned as they are.
    pub fn with_end(mut self, how: StreamEnd) -> Reply {
        if let Reply::Stream { end, .. } = &mut self {
            *end = how;
        }
        self
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// A server on 127.0.0.1 that lives as long as this value.
pub struct Server {
    url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    accept_loop: JoinHandle<()>,
}

impl Server {
    /// Binds a free port on 127.0.0.1; `handler` answers each request.
    pub async fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_keeping(MAX_BODY, handler).await
    }

    /// Like [`start`](Self::start), keeping at most `keep` bytes of each request body (all of
    /// it is still counted and hashed): for tests that measure the memory of the process.
    pub async fn start_keeping(keep: usize, handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, keep, Arc::clone(&handler), Arc::clone(&recorded)));
            }
        });
        Server { url, requests, accept_loop }
    }

    /// Answers with `replies` in order, then 500 for anything more.
    pub async fn scripted(replies: Vec<Reply>) -> Server {
        let queue = Mutex::new(std::collections::VecDeque::from(replies));
        Server::start(move |_| {
            queue
                .lock()
                .map(|mut q| q.pop_front())
                .ok()
                .flatten()
                .unwrap_or_else(|| Reply::text(500, "text/plain", "testkit: no reply scripted"))
        })
        .await
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn serve(mut stream: TcpStream, keep: usize, handler: Arc<Handler>, recorded: Arc<Mutex<Vec<Recorded>>>) {
    let reply = match read_request(&mut stream, keep).await {
        Ok(request) => {
            // The handler runs before the request is recorded as done, so it is stored first:
            // a test that reads `requests()` after the reply always sees it.
            if let Ok(mut all) = recorded.lock() {
                all.push(request.clone());
            }
            handler(&request)
        }
        Err(Refusal::Closed) => return,
        Err(Refusal::Status(status, why)) => Reply::text(status, "text/plain", why),
    };
    send(&mut stream, reply).await;
}

enum Refusal {
    Closed,
    Status(u16, &'static str),
}

async fn read_request(stream: &mut TcpStream, keep: usize) -> Result<Recorded, Refusal> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > MAX_HEAD {
            return Err(Refusal::Status(431, "request head too large"));
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(Refusal::Closed),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = std::str::from_utf8(&buffer[..head_end]).map_err(|_| Refusal::Status(400, "head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (request_line.next(), request_line.next(), request_line.next())
    else {
        return Err(Refusal::Status(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || request_line.next().is_some() {
        return Err(Refusal::Status(400, "malformed request line"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(Refusal::Status(400, "malformed header"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut incoming = Incoming { stream, buffer: buffer[head_end + 4..].to_vec(), start: 0 };
    let mut body = BodySink::new(keep);
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(&mut incoming, &mut body).await?;
    } else {
        let length: u64 = match header("content-length") {
            Some(v) => v.parse().map_err(|_| Refusal::Status(400, "bad content-length"))?,
            None => 0,
        };
        incoming.copy_into(&mut body, length).await?;
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    };
    Ok(Recorded {
        method: method.to_owned(),
        target: target.to_owned(),
        path,
        query,
        headers,
        body: Bytes::from(body.kept),
        body_len: body.len,
        body_hash: body.hash.finish(),
    })
}

/// Where a request body goes: all of it is counted and hashed, its first `keep` bytes kept.
struct BodySink {
    kept: Vec<u8>,
    keep: usize,
    len: u64,
    hash: Fnv1a,
}

impl BodySink {
    fn new(keep: usize) -> BodySink {
        BodySink { kept: Vec::new(), keep, len: 0, hash: Fnv1a::new() }
    }

    fn take(&mut self, bytes: &[u8]) {
        let room = self.keep - self.kept.len();
        self.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.len += bytes.len() as u64;
        self.hash.update(bytes);
    }
}

/// The connection's unread bytes: `buffer[start..]` has been received and not yet consumed.
/// Consuming moves `start` rather than shifting the buffer; it is compacted only before a read,
/// which happens when it is empty or holds part of a line. So a large body passes through in
/// pieces, each byte copied once, and the buffer never holds more than a piece and a line.
struct Incoming<'a> {
    stream: &'a mut TcpStream,
    buffer: Vec<u8>,
    start: usize,
}

impl Incoming<'_> {
    fn unread(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    /// Reads up to one more piece from the socket; a connection closed mid-request is `Closed`.
    async fn fill(&mut self) -> Result<(), Refusal> {
        self.buffer.drain(..self.start);
        self.start = 0;
        let filled = self.buffer.len();
        self.buffer.resize(filled + PIECE, 0);
        let read = self.stream.read(&mut self.buffer[filled..]).await;
        let received = match read {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        self.buffer.truncate(filled + received);
        if received == 0 {
            return Err(Refusal::Closed);
        }
        Ok(())
    }

    /// The next line, without its CRLF, consumed.
    async fn line(&mut self) -> Result<String, Refusal> {
        loop {
            if let Some(at) = find(self.unread(), b"\r\n") {
                let line = std::str::from_utf8(&self.unread()[..at])
                    .map_err(|_| Refusal::Status(400, "chunked framing is not UTF-8"))?
                    .to_owned();
                self.start += at + 2;
                return Ok(line);
            }
            if self.unread().len() > MAX_LINE {
                return Err(Refusal::Status(400, "chunked framing line too long"));
            }
            self.fill().await?;
        }
    }

    /// Passes the next `count` bytes to `sink`, consumed.
    async fn copy_into(&mut self, sink: &mut BodySink, mut count: u64) -> Result<(), Refusal> {
        while count > 0 {
            if self.unread().is_empty() {
                self.fill().await?;
            }
            let available = self.unread().len();
            // At most `available`, a usize, so the cast back cannot truncate.
            let taken = count.min(available as u64) as usize;
            sink.take(&self.unread()[..taken]);
            self.start += taken;
            count -= taken as u64;
        }
        Ok(())
    }
}

async fn read_chunked(incoming: &mut Incoming<'_>, body: &mut BodySink) -> Result<(), Refusal> {
    loop {
        let size_line = incoming.line().await?;
        let size_text = size_line.split(';').next().unwrap_or_default().trim();
        let size = u64::from_str_radix(size_text, 16).map_err(|_| Refusal::Status(400, "bad chunk size"))?;
        if size == 0 {
            // The trailer: header lines, ignored, up to an empty line.
            while !incoming.line().await?.is_empty() {}
            return Ok(());
        }
        incoming.copy_into(body, size).await?;
        if !incoming.line().await?.is_empty() {
            return Err(Refusal::Status(400, "chunk longer than its size"));
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn send(stream: &mut TcpStream, reply: Reply) {
    let mut reply = reply;
    while let Reply::Delay(wait, inner) = reply {
        tokio::time::sleep(wait).await;
        reply = *inner;
    }
    if let Reply::Close = reply {
        return;
    }
    // The client may have gone (a timeout test, a stream it stopped reading): nothing to do about
    // a failed write but stop writing.
    let _ = write_reply(stream, reply).await;
    let _ = stream.shutdown().await;
}

async fn write_reply(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Respond { status, headers, body } => {
            let mut bytes = head(status, &headers, &format!("content-length: {}", body.len())).into_bytes();
            bytes.extend_from_slice(&body);
            stream.write_all(&bytes).await
        }
        Reply::Raw(bytes) => stream.write_all(&bytes).await,
        Reply::Stream { status, headers, chunks, end } => {
            // Each chunk is its own small write, which Nagle's algorithm would otherwise hold back
            // until the previous one is acknowledged: the client would see the schedule late.
            stream.set_nodelay(true)?;
            stream.write_all(head(status, &headers, "transfer-encoding: chunked").as_bytes()).await?;
            stream.flush().await?;
            for (wait, piece) in chunks {
                tokio::time::sleep(wait).await;
                if piece.is_empty() {
                    continue;
                }
                // Size line, data and CRLF in one write, so that the chunk arrives in one read.
                let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
                chunk.extend_from_slice(&piece);
                chunk.extend_from_slice(b"\r\n");
                stream.write_all(&chunk).await?;
                stream.flush().await?;
            }
            match end {
                StreamEnd::Complete => {
                    stream.write_all(b"0\r\n\r\n").await?;
                    stream.flush().await
                }
                StreamEnd::Abort => Ok(()),
            }
        }
        Reply::Generated { status, headers, length, byte } => {
            stream.write_all(head(status, &headers, &format!("content-length: {length}")).as_bytes()).await?;
            // One piece, written over and over: the body is never held whole.
            let piece = vec![byte; PIECE];
            let mut left = length;
            while left > 0 {
                // At most PIECE, a usize, so the cast back cannot truncate.
                let size = left.min(PIECE as u64) as usize;
                stream.write_all(&piece[..size]).await?;
                left -= size as u64;
            }
            stream.flush().await
        }
        Reply::Close | Reply::Delay(..) => Ok(()),
    }
}

/// The status line and headers, then `framing` (how the body's end is known) and
/// `connection: close`, then the blank line.
fn head(status: u16, headers: &[(String, String)], framing: &str) -> String {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("{framing}\r\nconnection: close\r\n\r\n"));
    head
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
