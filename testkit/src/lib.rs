//! A loopback HTTP/1.1 server for tests.
//!
//! Hand-written on a `TcpListener` rather than on a server framework so that tests see requests
//! byte for byte (the raw request-target, header order, the exact body) and can script what no
//! well-behaved server would do: close without answering, stall, send raw bytes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

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
    pub body: Bytes,
}

impl Recorded {
    /// The first header with this name, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy: tests compare it with what they expect).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, headers and body; `Content-Length` and `Connection: close` are added.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Bytes,
    },
    /// These bytes as the whole response, then close.
    Raw(Bytes),
    /// Close the connection without answering.
    Close,
    /// Wait, then do the inner reply.
    Delay(Duration, Box<Reply>),
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
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Respond {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Reply::Respond { status, headers, body }
            }
            other => other,
        }
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
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&handler), Arc::clone(&recorded)));
            }
        });
        Server {
            url,
            requests,
            accept_loop,
        }
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

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, recorded: Arc<Mutex<Vec<Recorded>>>) {
    let reply = match read_request(&mut stream).await {
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

async fn read_request(stream: &mut TcpStream) -> Result<Recorded, Refusal> {
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
    let mut rest = buffer[head_end + 4..].to_vec();
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(stream, rest).await?
    } else {
        let length: usize = match header("content-length") {
            Some(v) => v.parse().map_err(|_| Refusal::Status(400, "bad content-length"))?,
            None => 0,
        };
        if length > MAX_BODY {
            return Err(Refusal::Status(413, "body too large"));
        }
        while rest.len() < length {
            read_more(stream, &mut rest).await?;
        }
        rest.truncate(length);
        rest
    };
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
        body: Bytes::from(body),
    })
}

async fn read_more(stream: &mut TcpStream, into: &mut Vec<u8>) -> Result<(), Refusal> {
    let mut chunk = [0u8; 65536];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => Err(Refusal::Closed),
        Ok(n) => {
            into.extend_from_slice(&chunk[..n]);
            Ok(())
        }
    }
}

async fn read_chunked(stream: &mut TcpStream, mut pending: Vec<u8>) -> Result<Vec<u8>, Refusal> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(at) = find(&pending, b"\r\n") {
                break at;
            }
            read_more(stream, &mut pending).await?;
        };
        let size_text = std::str::from_utf8(&pending[..line_end]).map_err(|_| Refusal::Status(400, "bad chunk size"))?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| Refusal::Status(400, "bad chunk size"))?;
        if body.len() + size > MAX_BODY {
            return Err(Refusal::Status(413, "body too large"));
        }
        pending.drain(..line_end + 2);
        // The chunk, then its CRLF (after the last, zero-size chunk: the empty trailer's CRLF).
        while pending.len() < size + 2 {
            read_more(stream, &mut pending).await?;
        }
        body.extend_from_slice(&pending[..size]);
        pending.drain(..size + 2);
        if size == 0 {
            return Ok(body);
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
    let bytes = match reply {
        Reply::Respond { status, headers, body } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", body.len()));
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(&body);
            bytes
        }
        Reply::Raw(bytes) => bytes.to_vec(),
        Reply::Close | Reply::Delay(..) => return,
    };
    // The client may have gone (a timeout test): nothing to do about a failed write.
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
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
