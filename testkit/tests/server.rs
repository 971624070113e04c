//! The server over real sockets, with a raw client: what goes in is what is recorded.

use std::time::{Duration, Instant};

use bytes::Bytes;
use testkit::{fnv1a, Fnv1a, Reply, Server, StreamEnd, MAX_BODY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.url().trim_start_matches("http://")).await.unwrap()
}

async fn exchange_bytes(server: &Server, request: &[u8]) -> Vec<u8> {
    let mut stream = connect(server).await;
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    response
}

async fn exchange(server: &Server, request: &[u8]) -> String {
    String::from_utf8_lossy(&exchange_bytes(server, request).await).into_owned()
}

/// The head as text and the body as it came on the wire (still chunked, if it was).
fn split_response(response: &[u8]) -> (String, &[u8]) {
    let at = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head");
    (String::from_utf8_lossy(&response[..at]).into_owned(), &response[at + 4..])
}

/// De-chunks `body`: the data, and whether the terminating zero-size chunk was there.
fn dechunk(mut body: &[u8]) -> (Vec<u8>, bool) {
    let mut data = Vec::new();
    while let Some(at) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&body[..at]).unwrap(), 16).unwrap();
        if size == 0 {
            return (data, &body[at..] == b"\r\n\r\n");
        }
        body = &body[at + 2..];
        data.extend_from_slice(&body[..size]);
        assert_eq!(&body[size..size + 2], b"\r\n", "a chunk ends with CRLF");
        body = &body[size + 2..];
    }
    assert!(body.is_empty(), "the body ends between chunks: {body:?}");
    (data, false)
}

#[tokio::test]
async fn records_a_get_with_its_raw_target() {
    let server = Server::scripted(vec![Reply::json(200, "{\"a\":1}")]).await;
    let response = exchange(&server, b"GET /x/a%2Fb?q=1%202 HTTP/1.1\r\nHost: h\r\nX-Id: 7\r\n\r\n").await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.ends_with("\r\n\r\n{\"a\":1}"), "{response}");
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/x/a%2Fb");
    assert_eq!(request.query.as_deref(), Some("q=1%202"));
    assert_eq!(request.header("x-id"), Some("7"));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn records_content_length_and_chunked_bodies() {
    let server = Server::scripted(vec![Reply::empty(204), Reply::empty(204)]).await;
    exchange(&server, b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello").await;
    exchange(&server, b"POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
        .await;
    let requests = server.requests();
    assert_eq!(requests[0].body_text(), "hello");
    assert_eq!(requests[1].body_text(), "abcde");
    assert_eq!((requests[0].body_len, requests[0].body_hash), (5, fnv1a(b"hello")));
    assert_eq!((requests[1].body_len, requests[1].body_hash), (5, fnv1a(b"abcde")));
}

#[tokio::test]
async fn chunked_framing_split_across_reads_and_a_trailer() {
    let server = Server::scripted(vec![Reply::empty(204)]).await;
    let mut stream = connect(&server).await;
    stream.set_nodelay(true).unwrap();
    // Split inside the size line, between CR and LF, inside the trailer.
    let pieces: [&[u8]; 6] = [
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1",
        b"0\r",
        b"\n0123456789abcdef",
        b"\r\n0\r",
        b"\nx-trailer: 1\r\n",
        b"\r\n",
    ];
    for piece in pieces {
        stream.write_all(piece).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    assert!(response.starts_with(b"HTTP/1.1 204"), "{}", String::from_utf8_lossy(&response));
    assert_eq!(server.requests()[0].body_text(), "0123456789abcdef");
}

#[test]
fn fnv1a_matches_the_reference_and_can_be_fed_in_pieces() {
    // Reference values of FNV-1a 64 for "" and "a".
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    let mut pieces = Fnv1a::new();
    pieces.update(b"hello, ");
    pieces.update(b"");
    pieces.update(b"world");
    assert_eq!(pieces.finish(), fnv1a(b"hello, world"));
}

#[tokio::test]
async fn raw_close_delay_and_exhausted_script() {
    let server = Server::scripted(vec![
        Reply::Raw("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc".into()),
        Reply::Close,
        Reply::Delay(Duration::from_millis(200), Box::new(Reply::empty(204))),
    ])
    .await;
    let raw = exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await;
    assert!(raw.ends_with("\r\n\r\nabc"), "{raw}");
    assert_eq!(exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await, "");
    let started = Instant::now();
    assert!(exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await.starts_with("HTTP/1.1 204"));
    assert!(started.elapsed() >= Duration::from_millis(200));
    let extra = exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await;
    assert!(extra.starts_with("HTTP/1.1 500") && extra.contains("no reply scripted"), "{extra}");
}

#[tokio::test]
async fn malformed_requests_get_400_not_a_panic() {
    let server = Server::start(|_| Reply::empty(200)).await;
    assert!(exchange(&server, b"NONSENSE\r\n\r\n").await.starts_with("HTTP/1.1 400"));
    assert!(exchange(&server, b"GET / HTTP/1.1\r\nno-colon\r\n\r\n").await.starts_with("HTTP/1.1 400"));
    assert!(exchange(&server, b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n").await.starts_with("HTTP/1.1 400"));
    let bad_size = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
    assert!(exchange(&server, bad_size).await.starts_with("HTTP/1.1 400"));
    let overlong_chunk = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n";
    assert!(exchange(&server, overlong_chunk).await.starts_with("HTTP/1.1 400"));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_stream_arrives_in_pieces_on_its_schedule() {
    let pieces = ["data: one\n\n", "data: two\n\n", "data: three\n\n"];
    let gap = Duration::from_millis(300);
    let schedule = vec![
        (Duration::ZERO, Bytes::from_static(pieces[0].as_bytes())),
        (gap, Bytes::from_static(pieces[1].as_bytes())),
        // Only waits: it must not end the body.
        (Duration::ZERO, Bytes::new()),
        (gap, Bytes::from_static(pieces[2].as_bytes())),
    ];
    let reply = Reply::stream(200, "text/event-stream", schedule).with_header("x-stream", "yes");
    let server = Server::scripted(vec![reply]).await;

    let started = Instant::now();
    let mut stream = connect(&server).await;
    stream.write_all(b"GET /events HTTP/1.1\r\n\r\n").await.unwrap();
    let mut response = Vec::new();
    let mut seen_at = [None; 3];
    let mut reads = 0;
    loop {
        let mut buffer = [0u8; 4096];
        let n = stream.read(&mut buffer).await.unwrap();
        if n == 0 {
            break;
        }
        reads += 1;
        response.extend_from_slice(&buffer[..n]);
        for (piece, seen) in pieces.iter().zip(&mut seen_at) {
            if seen.is_none() && response.windows(piece.len()).any(|w| w == piece.as_bytes()) {
                *seen = Some(started.elapsed());
            }
        }
    }
    let [first, second, third] = seen_at.map(|at| at.expect("every piece arrives"));
    // The first piece is read before the second is even sent, the others after their waits.
    assert!(first < gap, "first piece at {first:?}");
    assert!(second >= gap && third >= gap * 2, "pieces at {first:?}, {second:?}, {third:?}");
    assert!(reads >= 3, "{reads} reads");

    let (head, body) = split_response(&response);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let expected =
        ["content-type: text/event-stream", "x-stream: yes", "transfer-encoding: chunked", "connection: close"];
    for header in expected {
        assert!(head.contains(header), "{header} missing from {head}");
    }
    assert!(!head.contains("content-length"), "{head}");
    let (data, complete) = dechunk(body);
    assert_eq!(String::from_utf8(data).unwrap(), pieces.concat());
    assert!(complete, "the terminating chunk is sent");
}

#[tokio::test]
async fn an_aborted_stream_ends_without_the_terminating_chunk() {
    let schedule = vec![
        (Duration::ZERO, Bytes::from_static(b"{\"n\":1}\n")),
        (Duration::from_millis(20), Bytes::from_static(b"{\"n\":2}\n")),
    ];
    let reply = Reply::stream(200, "application/jsonl", schedule).with_end(StreamEnd::Abort);
    let server = Server::scripted(vec![reply]).await;
    let response = exchange_bytes(&server, b"GET / HTTP/1.1\r\n\r\n").await;
    let (head, body) = split_response(&response);
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    assert!(body.ends_with(b"{\"n\":2}\n\r\n"), "{}", String::from_utf8_lossy(body));
    let (data, complete) = dechunk(body);
    assert_eq!(data, b"{\"n\":1}\n{\"n\":2}\n");
    assert!(!complete, "no terminating chunk after an abort");
}

#[tokio::test]
async fn a_generated_body_has_its_length_of_its_byte() {
    // Not a multiple of the server's write size: the last piece is a partial one.
    let length = 10_000_000;
    let server = Server::scripted(vec![
        Reply::generated(200, "application/octet-stream", length, b'z').with_header("x-big", "1"),
        Reply::generated(200, "application/octet-stream", 0, b'z'),
    ])
    .await;
    let response = exchange_bytes(&server, b"GET /big HTTP/1.1\r\n\r\n").await;
    let (head, body) = split_response(&response);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let content_length = format!("content-length: {length}");
    let expected = ["content-type: application/octet-stream", "x-big: 1", &content_length, "connection: close"];
    for header in expected {
        assert!(head.contains(header), "{header} missing from {head}");
    }
    assert_eq!(body.len() as u64, length);
    assert!(body.iter().all(|&b| b == b'z'), "every byte is the generated one");

    let response = exchange_bytes(&server, b"GET /none HTTP/1.1\r\n\r\n").await;
    let (head, body) = split_response(&response);
    assert!(head.contains("content-length: 0"), "{head}");
    assert!(body.is_empty());
}

/// The upload in `large_uploads_are_counted_and_hashed_and_only_max_body_is_kept`.
const UPLOAD_PIECES: usize = 1000;
/// Not a divisor of the server's read size nor of MAX_BODY: pieces straddle both.
const UPLOAD_PIECE_LEN: usize = 100_000;

/// Piece `index` of the upload, made again when needed rather than held: a pattern, stamped with
/// its index so that a lost or reordered piece changes the hash.
fn upload_piece(index: usize) -> Vec<u8> {
    // Made byte by byte once, then copied: unoptimised, making it per piece would take seconds.
    static PATTERN: std::sync::LazyLock<Vec<u8>> =
        std::sync::LazyLock::new(|| (0..UPLOAD_PIECE_LEN).map(|i| (i % 251) as u8).collect());
    let mut piece = PATTERN.clone();
    piece[..8].copy_from_slice(&(index as u64).to_le_bytes());
    piece
}

/// Sends the upload to `path`, chunked or with a content-length; returns the hash of what was sent.
async fn upload(server: &Server, path: &str, chunked: bool) -> u64 {
    let mut stream = connect(server).await;
    let total = UPLOAD_PIECES * UPLOAD_PIECE_LEN;
    let framing = if chunked { "transfer-encoding: chunked".to_owned() } else { format!("content-length: {total}") };
    stream.write_all(format!("POST {path} HTTP/1.1\r\n{framing}\r\n\r\n").as_bytes()).await.unwrap();
    let mut sent = Fnv1a::new();
    for index in 0..UPLOAD_PIECES {
        let piece = upload_piece(index);
        sent.update(&piece);
        if chunked {
            stream.write_all(format!("{:x}\r\n", piece.len()).as_bytes()).await.unwrap();
            stream.write_all(&piece).await.unwrap();
            stream.write_all(b"\r\n").await.unwrap();
        } else {
            stream.write_all(&piece).await.unwrap();
        }
    }
    if chunked {
        stream.write_all(b"0\r\n\r\n").await.unwrap();
    }
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    assert!(response.starts_with(b"HTTP/1.1 204"), "{}", String::from_utf8_lossy(&response));
    sent.finish()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn large_uploads_are_counted_and_hashed_and_only_max_body_is_kept() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let (chunked_hash, length_hash) =
        tokio::join!(upload(&server, "/chunked", true), upload(&server, "/length", false));
    assert_eq!(chunked_hash, length_hash, "the same data both ways");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.body_len, (UPLOAD_PIECES * UPLOAD_PIECE_LEN) as u64, "{}", request.path);
        assert_eq!(request.body_hash, chunked_hash, "{}", request.path);
        assert_eq!(request.body.len(), MAX_BODY, "{}", request.path);
        for index in 0..UPLOAD_PIECES {
            let offset = index * UPLOAD_PIECE_LEN;
            if offset >= MAX_BODY {
                break;
            }
            let kept = &request.body[offset..MAX_BODY.min(offset + UPLOAD_PIECE_LEN)];
            assert!(upload_piece(index).starts_with(kept), "{}: piece {index} kept wrong", request.path);
        }
    }
}
