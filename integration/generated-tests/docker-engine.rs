//! Docker Engine (`../shared/specs-next/docker-engine.yaml`, Swagger 2.0) over loopback: what it
//! streams arrives as it streams it — events as typed JSON Lines, logs and exports as bytes — and
//! the JSON errors of its stream endpoints keep their type.

use std::time::Duration;

use docker_engine::apis::container::ContainerLogsOptions;
use docker_engine::apis::system::SystemEventsOptions;
use docker_engine::types::EventMessageType;
use docker_engine::{Bytes, Client, Error};
use testkit::{Reply, Server};

fn client(server: &Server) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

#[tokio::test]
async fn events_are_typed_json_lines_read_as_they_arrive() {
    let server = Server::scripted(vec![Reply::stream(
        200,
        "application/json",
        vec![
            (Duration::ZERO, Bytes::from_static(b"{\"Type\":\"container\",\"Action\":\"start\",\"time\":1}\n{\"Type\":\"ima")),
            (Duration::from_millis(5), Bytes::from_static(b"ge\",\"Action\":\"pull\",\"time\":2}\n")),
        ],
    )])
    .await;
    let client = client(&server);
    let options = SystemEventsOptions { since: Some("0".into()), ..Default::default() };
    let mut events = client.system().system_events(&options).await.unwrap();
    let mut seen = Vec::new();
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        seen.push((event.r#type, event.action, event.time));
    }
    assert_eq!(
        seen,
        [
            (Some(EventMessageType::Container), Some("start".into()), Some(1)),
            (Some(EventMessageType::Image), Some("pull".into()), Some(2)),
        ]
    );
    assert_eq!(server.requests()[0].target, "/events?since=0");
}

#[tokio::test]
async fn logs_stream_as_bytes_and_their_404_is_a_typed_error() {
    // The multiplexed format's frames (a stream byte, three zeros, a big-endian length) are bytes
    // like any other to the client: they come back as sent, in order.
    let frame = |stream: u8, text: &str| {
        let mut frame = vec![stream, 0, 0, 0];
        frame.extend_from_slice(&(text.len() as u32).to_be_bytes());
        frame.extend_from_slice(text.as_bytes());
        Bytes::from(frame)
    };
    let sent = [frame(1, "hello\n"), frame(2, "oops\n")];
    let server = Server::scripted(vec![
        Reply::stream(
            200,
            "application/vnd.docker.multiplexed-stream",
            sent.iter().map(|f| (Duration::from_millis(5), f.clone())).collect(),
        ),
        Reply::json(404, r#"{"message":"No such container: c2ada9df5af8"}"#),
    ])
    .await;
    let client = client(&server);
    let options = ContainerLogsOptions { stdout: Some(true), stderr: Some(true), ..Default::default() };
    let mut logs = client.container().container_logs_stream("web", &options).await.unwrap();
    let mut received = Vec::new();
    while let Some(chunk) = logs.next().await {
        received.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(received, sent.concat());
    let error = client.container().container_logs_stream("gone", &options).await.err().unwrap();
    let Error::Status(error) = error else { panic!("{error:?}") };
    assert_eq!(error.typed.map(|e| e.message).as_deref(), Some("No such container: c2ada9df5af8"));
}

#[tokio::test]
async fn an_export_declared_without_a_schema_returns_its_tarball() {
    let server = Server::scripted(vec![Reply::text(200, "application/octet-stream", "ustar-bytes")]).await;
    let client = client(&server);
    let tarball = client.container().container_export("web").await.unwrap();
    assert_eq!(&tarball[..], b"ustar-bytes");
    assert_eq!(server.requests()[0].target, "/containers/web/export");
}
