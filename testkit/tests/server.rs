//! The server over real sockets, with a raw client: what goes in is what is recorded.

use std::time::{Duration, Instant};

use testkit::{Reply, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn exchange(server: &Server, request: &[u8]) -> String {
    let address = server.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
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
    exchange(&server, b"POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").await;
    let requests = server.requests();
    assert_eq!(requests[0].body_text(), "hello");
    assert_eq!(requests[1].body_text(), "abcde");
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
    assert!(server.requests().is_empty());
}
