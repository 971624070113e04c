//! Streamed responses and bounded bodies against a real server on 127.0.0.1: Server-Sent Events
//! framed as the HTML standard says whatever the TCP reads, JSON Lines, byte streams, uploads,
//! and the body limit at exactly N and N + 1 bytes.

use std::time::Duration;

use apigen_runtime::stream::{json, text};
use apigen_runtime::{Client, Error, Event, FilePart, LineFormat, Multipart, RetryPolicy, Upload};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use testkit::{Reply, Server, StreamEnd};

fn client(server: &Server) -> Client {
    Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::never()).build().unwrap()
}

fn pieces(parts: &[&'static [u8]]) -> Vec<(Duration, Bytes)> {
    parts.iter().map(|p| (Duration::from_millis(20), Bytes::from_static(p))).collect()
}

#[derive(Debug, Deserialize, PartialEq)]
struct Delta {
    text: String,
}

fn delta(text: &str) -> Delta {
    Delta { text: text.into() }
}

async fn all<T>(mut stream: impl futures_core::Stream<Item = Result<T, Error>> + Unpin) -> (Vec<T>, Option<Error>) {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(error) => return (items, Some(error)),
        }
    }
    (items, None)
}

#[tokio::test]
async fn events_are_framed_whatever_the_reads_and_done_ends_the_stream() {
    // Lines and even CRLF pairs cut across TCP reads, a keep-alive comment, multi-line data,
    // named events, and the `[DONE]` sentinel with more after it that must not be read.
    let body: &[&'static [u8]] = &[
        b": keep-alive\r\n\r",
        b"\ndata: {\"text\":",
        b"\"He\"}\r\n\r\nevent: delta\nid: 2\ndata: {\"text\":\"llo\"}\n",
        b"\n",
        b"data: {\"text\":\n",
        b"data: \"!\"}\r\rdata: [DONE]\n\ndata: {\"text\":\"never\"}\n\n",
    ];
    let server = Server::scripted(vec![Reply::stream(200, "text/event-stream", pieces(body))]).await;
    let events = client(&server).get("/chat", &[]).send_events::<Delta, serde_json::Value>(&[], json).await.unwrap();
    let (events, error) = all(events).await;
    assert!(error.is_none(), "{error:?}");
    let texts: Vec<(&str, &str, Option<&str>)> =
        events.iter().map(|e| (e.event.as_str(), e.data.text.as_str(), e.id.as_deref())).collect();
    assert_eq!(texts, [("message", "He", None), ("delta", "llo", Some("2")), ("message", "!", Some("2"))]);
    assert_eq!(server.requests()[0].header("accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn text_events_and_an_unfinished_last_event() {
    // Per the standard, an event the stream ends in the middle of is not an event.
    let server =
        Server::scripted(vec![Reply::stream(200, "text/event-stream", pieces(&[b"data: one\n\ndata: two"]))]).await;
    let events = client(&server).get("/s", &[]).send_events::<String, serde_json::Value>(&[], text).await.unwrap();
    let (events, error) = all(events).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events, [Event { event: "message".into(), id: None, retry: None, data: "one".to_owned() }]);
}

#[tokio::test]
async fn a_stream_cut_mid_way_delivers_what_came_then_a_transport_error() {
    let reply = Reply::stream(
        200,
        "text/event-stream",
        pieces(&[b"data: {\"text\":\"a\"}\n\n", b"data: {\"text\":\"b\"}\n\ndata: {\"te"]),
    )
    .with_end(StreamEnd::Abort);
    let server = Server::scripted(vec![reply]).await;
    let events = client(&server).get("/s", &[]).send_events::<Delta, serde_json::Value>(&[], json).await.unwrap();
    let (events, error) = all(events).await;
    assert_eq!(events.into_iter().map(|e| e.data).collect::<Vec<_>>(), [delta("a"), delta("b")]);
    assert!(matches!(error, Some(Error::Transport(_))), "{error:?}");
}

#[tokio::test]
async fn an_event_that_does_not_decode_says_which_and_ends_the_stream() {
    let server = Server::scripted(vec![Reply::stream(
        200,
        "text/event-stream",
        pieces(&[b"event: delta\ndata: {\"txt\":1}\n\n"]),
    )])
    .await;
    let events = client(&server).get("/s", &[]).send_events::<Delta, serde_json::Value>(&[], json).await.unwrap();
    let (_, error) = all(events).await;
    let message = error.unwrap().to_string();
    assert!(
        message.contains("Delta") && message.contains("event `delta`") && message.contains("{\"txt\":1}"),
        "{message}"
    );
}

#[tokio::test]
async fn a_slow_stream_is_bounded_per_read_not_as_a_whole() {
    // A timeout of 400 ms: a stream lasting 1.5 s with a read every 250 ms is fine...
    let slow: Vec<(Duration, Bytes)> =
        (0..6).map(|i| (Duration::from_millis(250), Bytes::from(format!("data: {{\"text\":\"{i}\"}}\n\n")))).collect();
    // ...and one that goes quiet for 2 s is cut.
    let stalled = vec![
        (Duration::ZERO, Bytes::from_static(b"data: {\"text\":\"a\"}\n\n")),
        (Duration::from_secs(2), Bytes::from_static(b"data: {\"text\":\"b\"}\n\n")),
    ];
    let server = Server::scripted(vec![
        Reply::stream(200, "text/event-stream", slow),
        Reply::stream(200, "text/event-stream", stalled),
    ])
    .await;
    let client = Client::builder("http://unused.invalid")
        .base_url(server.url())
        .retry(RetryPolicy::never())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let (events, error) =
        all(client.get("/s", &[]).send_events::<Delta, serde_json::Value>(&[], json).await.unwrap()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events.len(), 6);
    let (events, error) =
        all(client.get("/s", &[]).send_events::<Delta, serde_json::Value>(&[], json).await.unwrap()).await;
    assert_eq!(events.len(), 1);
    assert!(matches!(&error, Some(Error::Transport(e)) if e.is_timeout()), "{error:?}");
}

#[tokio::test]
async fn reconnection_sends_the_last_event_id_after_the_servers_delay() {
    let first = Reply::stream(200, "text/event-stream", pieces(&[b"retry: 50\nid: 41\ndata: {\"text\":\"a\"}\n\n"]));
    let second =
        Reply::stream(200, "text/event-stream", pieces(&[b"id: 42\ndata: {\"text\":\"b\"}\n\ndata: [DONE]\n\n"]));
    let server = Server::scripted(vec![first, second]).await;
    let stream = client(&server)
        .post("/s", &[])
        .json(&serde_json::json!({"prompt": "hi"}))
        .send_events::<Delta, serde_json::Value>(&[], json)
        .await
        .unwrap()
        .reconnect(3);
    let started = std::time::Instant::now();
    let (events, error) = all(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(events.iter().map(|e| e.data.text.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert!(started.elapsed() >= Duration::from_millis(50));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "[DONE] ends the stream: no third request");
    assert_eq!(requests[0].header("last-event-id"), None);
    assert_eq!(requests[1].header("last-event-id"), Some("41"));
    assert_eq!(requests[1].body_text(), r#"{"prompt":"hi"}"#);
}

#[tokio::test]
async fn an_error_status_on_a_stream_is_a_status_error_with_its_body() {
    let server = Server::scripted(vec![Reply::json(429, r#"{"message":"slow down"}"#)]).await;
    let error = client(&server).get("/s", &[]).send_events::<Delta, serde_json::Value>(&[], json).await.unwrap_err();
    assert!(
        matches!(&error, Error::Status(e) if e.status.as_u16() == 429 && e.body_text().contains("slow down")),
        "{error:?}"
    );
}

#[tokio::test]
async fn json_lines_and_sequences_decode_as_they_come_and_a_bad_line_is_named() {
    let lines: &[&'static [u8]] =
        &[b"{\"text\":\"a\"}\n{\"te", b"xt\":\"b\"}\r\n\n{\"text\":3}\n{\"text\":\"never\"}\n"];
    let sequence: &[&'static [u8]] = &[b"\x1e{\"text\":\"a\"}\n\x1e", b"{\"text\":\"b\"}\n"];
    let server = Server::scripted(vec![
        Reply::stream(200, "application/jsonl", pieces(lines)),
        Reply::stream(200, "application/json-seq", pieces(sequence)),
    ])
    .await;
    let client = client(&server);
    let stream =
        client.get("/l", &[]).send_lines::<Delta, serde_json::Value>(&[], LineFormat::Lines, json).await.unwrap();
    let (values, error) = all(stream).await;
    assert_eq!(values, [delta("a"), delta("b")]);
    let message = error.unwrap().to_string();
    assert!(message.contains("line 3") && message.contains("{\"text\":3}"), "{message}");
    let stream =
        client.get("/q", &[]).send_lines::<Delta, serde_json::Value>(&[], LineFormat::Sequence, json).await.unwrap();
    let (values, error) = all(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(values, [delta("a"), delta("b")]);
}

#[tokio::test]
async fn the_body_limit_at_exactly_n_and_n_plus_one_bytes() {
    const N: usize = 1000;
    let exact = "x".repeat(N);
    let over = "x".repeat(N + 1);
    let server = Server::scripted(vec![
        Reply::text(200, "text/plain", &exact),
        Reply::text(200, "text/plain", &over),
        // Without a Content-Length the body is read up to the limit, then refused.
        Reply::stream(200, "text/plain", vec![(Duration::ZERO, Bytes::from(exact.clone()))]),
        Reply::stream(
            200,
            "text/plain",
            vec![(Duration::ZERO, Bytes::from(exact.clone())), (Duration::ZERO, Bytes::from_static(b"y"))],
        ),
        // An error body over the limit is refused the same way, its status kept.
        Reply::text(500, "text/plain", &over),
        // Per call, a larger limit.
        Reply::text(200, "text/plain", &over),
    ])
    .await;
    let client = Client::builder("http://unused.invalid")
        .base_url(server.url())
        .retry(RetryPolicy::never())
        .body_limit(N)
        .build()
        .unwrap();
    let get = |client: Client| async move { client.get("/b", &[]).send_text::<serde_json::Value>(&[]).await };
    assert_eq!(get(client.clone()).await.unwrap().len(), N);
    let error = get(client.clone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::TooLarge { limit: N, what: "body", status, .. } if status.as_u16() == 200),
        "{error:?}"
    );
    assert_eq!(get(client.clone()).await.unwrap().len(), N);
    assert!(matches!(get(client.clone()).await.unwrap_err(), Error::TooLarge { limit: N, .. }));
    let error = get(client.clone()).await.unwrap_err();
    assert!(matches!(&error, Error::TooLarge { status, .. } if status.as_u16() == 500), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(get(client.with_body_limit(N + 1)).await.unwrap().len(), N + 1);
}

#[tokio::test]
async fn an_event_or_a_line_over_the_limit_ends_its_stream_after_the_ones_before() {
    let big = format!("data: {{\"text\":\"{}\"}}\n\n", "x".repeat(200));
    let server = Server::scripted(vec![
        Reply::stream(
            200,
            "text/event-stream",
            vec![
                (Duration::ZERO, Bytes::from_static(b"data: {\"text\":\"ok\"}\n\n")),
                (Duration::ZERO, Bytes::from(big)),
            ],
        ),
        Reply::stream(
            200,
            "application/jsonl",
            vec![(Duration::ZERO, Bytes::from(format!("{{\"text\":\"ok\"}}\n{}", "y".repeat(500))))],
        ),
    ])
    .await;
    let client = Client::builder("http://unused.invalid")
        .base_url(server.url())
        .retry(RetryPolicy::never())
        .body_limit(100)
        .build()
        .unwrap();
    let (events, error) =
        all(client.get("/s", &[]).send_events::<Delta, serde_json::Value>(&[], json).await.unwrap()).await;
    assert_eq!(events.len(), 1);
    assert!(matches!(error, Some(Error::TooLarge { limit: 100, what: "event", .. })), "{error:?}");
    let stream =
        client.get("/l", &[]).send_lines::<Delta, serde_json::Value>(&[], LineFormat::Lines, json).await.unwrap();
    let (values, error) = all(stream).await;
    assert_eq!(values, [delta("ok")]);
    assert!(matches!(error, Some(Error::TooLarge { what: "line", .. })), "{error:?}");
}

#[tokio::test]
async fn byte_streams_and_uploads_from_files_and_streams() {
    let server = Server::scripted(vec![
        Reply::stream(200, "application/octet-stream", pieces(&[b"abc", b"def"])),
        Reply::empty(204),
        Reply::empty(204),
        Reply::empty(204),
    ])
    .await;
    let client = client(&server);
    let stream = client.get("/d", &[]).send_stream::<serde_json::Value>(&[]).await.unwrap();
    let mut written = Vec::new();
    assert_eq!(stream.write_to(&mut written).await.unwrap(), 6);
    assert_eq!(written, b"abcdef");

    let path = std::env::temp_dir().join(format!("apigen-upload-{}.bin", std::process::id()));
    std::fs::write(&path, b"from a file").unwrap();
    client
        .put("/u", &[])
        .upload("application/octet-stream", Upload::file(&path))
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap();
    let chunks = futures_util::stream::iter([
        Ok::<_, std::io::Error>(Bytes::from_static(b"from ")),
        Ok(Bytes::from_static(b"a stream")),
    ]);
    client
        .put("/u", &[])
        .upload("application/octet-stream", Upload::stream(chunks))
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap();
    let form = Multipart::new().file("report", &FilePart::path(&path).content_type("text/plain")).text("note", &"hi");
    client.post("/m", &[]).multipart(form).send_empty::<serde_json::Value>(&[]).await.unwrap();
    std::fs::remove_file(&path).unwrap();

    let requests = server.requests();
    assert_eq!(requests[1].body_text(), "from a file");
    assert_eq!(requests[1].header("content-length"), Some("11"));
    assert_eq!(requests[2].body_text(), "from a stream");
    let multipart = requests[3].body_text();
    let file_name = path.file_name().unwrap().to_string_lossy();
    assert!(
        multipart.contains(&format!(
            "name=\"report\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\nfrom a file\r\n"
        )),
        "{multipart}"
    );
    assert!(multipart.contains("name=\"note\"\r\n\r\nhi\r\n"), "{multipart}");
}

#[tokio::test]
async fn a_body_from_a_stream_is_sent_once_files_are_sent_again() {
    let policy = RetryPolicy { initial_backoff: Duration::from_millis(5), ..RetryPolicy::default() };
    let server =
        Server::scripted(vec![Reply::empty(503), Reply::empty(204), Reply::empty(503), Reply::empty(204)]).await;
    let client = Client::builder("http://unused.invalid").base_url(server.url()).retry(policy).build().unwrap();
    let path = std::env::temp_dir().join(format!("apigen-retry-{}.bin", std::process::id()));
    std::fs::write(&path, b"again").unwrap();
    client
        .put("/u", &[])
        .upload("application/octet-stream", Upload::file(&path))
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"once"))]);
    let error = client
        .put("/u", &[])
        .upload("application/octet-stream", Upload::stream(chunks))
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Status(e) if e.status.as_u16() == 503), "{error:?}");
    let bodies: Vec<String> = server.requests().iter().map(|r| r.body_text()).collect();
    assert_eq!(bodies, ["again", "again", "once"]);
}
