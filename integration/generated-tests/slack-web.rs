//! Slack's cursors (`response_metadata.next_cursor` sent back as `cursor`), found by convention in
//! a Swagger 2.0 document: 1,000 channel members paged 100 at a time over loopback through the
//! crate generated from `../shared/specs-next/slack-web.json`. Run by `cargo xtask check-specs`,
//! which generates that crate and copies this file into its `tests/`.

use serde_json::json;
use slack_web::apis::conversations::ConversationsMembersOptions;
use slack_web::{Client, Error};
use testkit::{Recorded, Reply, Server};

const TOTAL: usize = 1_000;

fn param(request: &Recorded, name: &str) -> Option<String> {
    let url = apigen_runtime::reqwest::Url::parse(&format!("http://loopback{}", request.target)).unwrap();
    url.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
}

/// Slack's answer: members from the cursor on (cursors are base64, `=` and `/` included, as
/// Slack's are), the next cursor while members remain and `""` on the last page. `repeat_at`
/// hands back the cursor that was sent, as a broken server might.
async fn slack(repeat_at: Option<usize>) -> Server {
    Server::start(move |request| {
        let start = param(request, "cursor").map_or(0, |cursor| cursor.trim_start_matches("dXNlcj/").trim_end_matches('=').parse().unwrap());
        let limit: usize = param(request, "limit").map_or(100, |l| l.parse().unwrap());
        let end = (start + limit).min(TOTAL);
        let next = if repeat_at == Some(start) { start } else { end };
        let cursor = if end < TOTAL { format!("dXNlcj/{next}=") } else { String::new() };
        let members: Vec<String> = (start..end).map(|n| format!("U{n:08}")).collect();
        let body = json!({"ok": true, "members": members, "response_metadata": {"next_cursor": cursor}});
        Reply::json(200, &body.to_string())
    })
    .await
}

fn client(server: &Server) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

#[tokio::test]
async fn every_member_once_in_order_with_the_channel_on_every_page() {
    let server = slack(None).await;
    let client = client(&server);
    let options = ConversationsMembersOptions { channel: Some("C0123".into()), limit: Some(100), ..Default::default() };
    let mut members = client.conversations().conversations_members_stream(&options);
    let mut received = Vec::new();
    while let Some(member) = members.next().await {
        received.push(member.unwrap());
    }
    assert_eq!(received, (0..TOTAL).map(|n| format!("U{n:08}")).collect::<Vec<_>>());
    let requests = server.requests();
    assert_eq!(requests.len(), 10);
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.path, "/conversations.members");
        assert_eq!(param(request, "channel").as_deref(), Some("C0123"));
        assert_eq!(param(request, "limit").as_deref(), Some("100"));
        assert_eq!(param(request, "cursor"), (i > 0).then(|| format!("dXNlcj/{}=", i * 100)));
    }
    // The cursor's `/` and `=` travel percent-encoded.
    assert!(requests[1].target.contains("cursor=dXNlcj%2F100%3D"), "{}", requests[1].target);
}

#[tokio::test]
async fn stopping_after_150_members_fetches_two_pages() {
    let server = slack(None).await;
    let client = client(&server);
    let options = ConversationsMembersOptions { channel: Some("C0123".into()), ..Default::default() };
    let mut members = client.conversations().conversations_members_stream(&options);
    for _ in 0..150 {
        members.next().await.unwrap().unwrap();
    }
    drop(members);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_cursor_handed_back_stops_with_an_error() {
    let server = slack(Some(200)).await;
    let client = client(&server);
    let options = ConversationsMembersOptions { channel: Some("C0123".into()), ..Default::default() };
    let mut pages = client.conversations().conversations_members_pages(&options);
    let mut members = 0;
    let error = loop {
        match pages.next().await {
            Some(Ok(page)) => {
                assert!(page.ok);
                members += page.members.len();
            }
            Some(Err(error)) => break error,
            None => panic!("the stream ended without the error"),
        }
    };
    assert_eq!(members, 300);
    assert!(matches!(&error, Error::Pagination(message) if message.contains("dXNlcj/200=")), "{error}");
    assert_eq!(server.requests().len(), 3);
}
