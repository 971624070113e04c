//! The streams fixture (`generator/tests/fixtures/streams.yaml`) over loopback: typed events
//! (JSON and text data, 3.2's itemSchema), JSON beside events with the `stream` flag set by
//! the stream method, JSON Lines, NDJSON and sequences, a download read as a stream, an upload
//! from a file, multipart files with their names and types.

use fixture_streams::types::{AttachBody, CompleteBody, Prompt, Record};
use fixture_streams::{Client, Error, FilePart, Upload};
use serde_json::{json, Value};
use std::time::Duration;
use testkit::{Reply, Server};

fn events(body: &'static str) -> Reply {
    Reply::stream(
        200,
        "text/event-stream",
        body.split_inclusive("\n\n")
            .map(|e| (Duration::from_millis(5), fixture_streams::Bytes::from_static(e.as_bytes())))
            .collect(),
    )
}

fn client(server: &Server) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

#[tokio::test]
async fn typed_events_end_at_done_and_errors_keep_their_type() {
    let server = Server::scripted(vec![
        events("data: {\"text\":\"Hel\"}\n\ndata: {\"text\":\"lo\"}\n\ndata: [DONE]\n\n"),
        Reply::json(429, r#"{"message":"slow down"}"#),
    ])
    .await;
    let client = client(&server);
    let mut stream = client.default().chat(&Prompt { text: "hi".into() }).await.unwrap();
    let mut text = String::new();
    while let Some(event) = stream.next().await {
        text.push_str(&event.unwrap().data.text);
    }
    assert_eq!(text, "Hello");
    let error = client.default().chat(&Prompt { text: "hi".into() }).await.unwrap_err();
    let Error::Status(error) = error else { panic!("{error:?}") };
    assert_eq!(error.typed.and_then(|p| p.message).as_deref(), Some("slow down"));
    assert_eq!(server.requests()[0].header("accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn one_operation_two_representations_the_stream_flag_says_which() {
    let server = Server::scripted(vec![
        Reply::json(200, r#"{"text":"Hello"}"#),
        events("event: delta\ndata: {\"text\":\"Hel\"}\n\nevent: delta\ndata: {\"text\":\"lo\"}\n\n"),
    ])
    .await;
    let client = client(&server);
    let body = CompleteBody::new("hi");
    assert_eq!(client.default().complete(&body).await.unwrap().text, "Hello");
    let mut stream = client.default().complete_stream(&body).await.unwrap();
    let mut deltas = Vec::new();
    while let Some(event) = stream.next().await {
        let event = event.unwrap();
        assert_eq!(event.event, "delta");
        deltas.push(event.data.text);
    }
    assert_eq!(deltas, ["Hel", "lo"]);
    let sent: Vec<Value> = server.requests().iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect();
    assert_eq!(sent, [json!({"prompt": "hi", "stream": false}), json!({"prompt": "hi", "stream": true})]);
}

#[tokio::test]
async fn text_events_and_sequences_of_json_values() {
    let server = Server::scripted(vec![
        events("data: line one\ndata: line two\n\n: ping\n\ndata: three\n\n"),
        Reply::stream(
            200,
            "application/x-ndjson",
            vec![
                (Duration::ZERO, "{\"id\":1}\n{\"id\":2,\"na".into()),
                (Duration::from_millis(5), "me\":\"b\"}\n".into()),
            ],
        ),
        Reply::text(200, "application/jsonl", "{\"id\":3}\n"),
        Reply::text(200, "application/json-seq", "\u{1e}{\"id\":4}\n\u{1e}{\"id\":5}\n"),
    ])
    .await;
    let client = client(&server);
    let mut logs = client.default().tail_logs().await.unwrap();
    let mut lines = Vec::new();
    while let Some(event) = logs.next().await {
        lines.push(event.unwrap().data);
    }
    assert_eq!(lines, ["line one\nline two", "three"]);
    let mut ids = Vec::new();
    for export in [
        client.default().export_records().await,
        client.default().export_records_jsonl().await,
        client.default().export_records_seq().await,
    ] {
        let mut records = export.unwrap();
        while let Some(record) = records.next().await {
            let Record { id, .. } = record.unwrap();
            ids.push(id);
        }
    }
    assert_eq!(ids, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn downloads_as_a_stream_uploads_from_files_and_multipart_files() {
    let server = Server::scripted(vec![
        Reply::stream(
            200,
            "application/octet-stream",
            vec![(Duration::ZERO, "part one, ".into()), (Duration::from_millis(5), "part two".into())],
        ),
        Reply::empty(204),
        Reply::empty(204),
    ])
    .await;
    let client = client(&server);
    let mut download = Vec::new();
    let written = client.default().download_stream("a.txt").await.unwrap().write_to(&mut download).await.unwrap();
    assert_eq!((written, download.as_slice()), (18, b"part one, part two".as_slice()));

    let path = std::env::temp_dir().join(format!("fixture-streams-{}.txt", std::process::id()));
    std::fs::write(&path, "from disk").unwrap();
    client.default().upload("a.txt", Upload::file(&path)).await.unwrap();
    let mut attachment = AttachBody::new(FilePart::path(&path).content_type("text/plain"));
    attachment.extras = Some(vec![
        FilePart::from(b"one".as_slice()).file_name("1.bin"),
        FilePart::from(b"two".as_slice()).file_name("2.bin"),
    ]);
    client.default().attach(&attachment).await.unwrap();
    std::fs::remove_file(&path).unwrap();

    let requests = server.requests();
    assert_eq!((requests[1].method.as_str(), requests[1].body_text().as_str()), ("PUT", "from disk"));
    let form = requests[2].body_text();
    let file_name = path.file_name().unwrap().to_string_lossy();
    assert!(
        form.contains(&format!("name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\nfrom disk")),
        "{form}"
    );
    assert!(
        form.contains("name=\"extras\"; filename=\"1.bin\"") && form.contains("name=\"extras\"; filename=\"2.bin\""),
        "{form}"
    );
}
