//! Omicron's lists page as `x-dropshot-pagination` declares (`page_token` answered by
//! `next_page`): 1,000 SSH keys paged 100 at a time over loopback through the crate generated
//! from `../shared/specs/omicron-nexus.json`. Run by `cargo xtask check-specs`, which generates
//! that crate and copies this file into its `tests/`.

use omicron_nexus::apis::current_user::CurrentUserSshKeyListOptions;
use omicron_nexus::types::NameOrIdSortMode;
use omicron_nexus::{Client, Error};
use serde_json::{json, Value};
use testkit::{Recorded, Reply, Server};

const TOTAL: usize = 1_000;

fn key(n: usize) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": format!("key-{n:04}"),
        "description": "a laptop",
        "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE",
        "silo_user_id": "11111111-1111-4111-8111-111111111111",
        "time_created": "2026-01-02T03:04:05Z",
        "time_modified": "2026-01-02T03:04:05Z",
    })
}

fn query(request: &Recorded) -> Vec<(String, String)> {
    let url = apigen_runtime::reqwest::Url::parse(&format!("http://loopback{}", request.target)).unwrap();
    url.query_pairs().into_owned().collect()
}

fn param(request: &Recorded, name: &str) -> Option<String> {
    query(request).into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// Dropshot's answer: the page after `page_token` (an opaque token naming where it starts), at
/// most `limit` items, and the next token while items remain. `fail_at` answers 503 there.
async fn nexus(fail_at: Option<usize>) -> Server {
    Server::start(move |request| {
        let start = param(request, "page_token").map_or(0, |token| token.trim_start_matches("after/").parse().unwrap());
        if fail_at == Some(start) {
            return Reply::json(503, r#"{"request_id": "r-1", "message": "unavailable"}"#);
        }
        let limit: usize = param(request, "limit").map_or(100, |l| l.parse().unwrap());
        let end = (start + limit).min(TOTAL);
        let next = (end < TOTAL).then(|| format!("after/{end}"));
        Reply::json(200, &json!({"items": (start..end).map(key).collect::<Vec<_>>(), "next_page": next}).to_string())
    })
    .await
}

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .retry(apigen_runtime::RetryPolicy::never())
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_ssh_key_once_in_order_one_page_at_a_time() {
    let server = nexus(None).await;
    let client = client(&server);
    let options = CurrentUserSshKeyListOptions {
        limit: Some(100),
        sort_by: Some(NameOrIdSortMode::NameAscending),
        ..Default::default()
    };
    let mut keys = client.current_user().current_user_ssh_key_list_stream(&options);
    let mut names = Vec::new();
    while let Some(key) = keys.next().await {
        names.push(key.unwrap().name);
    }
    assert_eq!(names, (0..TOTAL).map(|n| format!("key-{n:04}")).collect::<Vec<_>>());
    let requests = server.requests();
    assert_eq!(requests.len(), 10);
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.path, "/v1/me/ssh-keys");
        assert_eq!(param(request, "limit").as_deref(), Some("100"));
        // The token carries the sort order, as Dropshot's clients send it: on the first page.
        let sort = (i == 0).then(|| "name_ascending".to_owned());
        assert_eq!(param(request, "sort_by"), sort);
        let token = (i > 0).then(|| format!("after/{}", i * 100));
        assert_eq!(param(request, "page_token"), token);
    }
}

#[tokio::test]
async fn pages_keep_their_cursor_and_a_break_fetches_nothing_more() {
    let server = nexus(None).await;
    let client = client(&server);
    let options = CurrentUserSshKeyListOptions { limit: Some(250), ..Default::default() };
    let mut pages = client.current_user().current_user_ssh_key_list_pages(&options);
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 250);
    assert_eq!(first.next_page, omicron_nexus::Nullable::Value("after/250".into()));
    drop(pages);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_failing_page_comes_after_the_keys_before_it() {
    let server = nexus(Some(300)).await;
    let client = client(&server);
    let mut keys = client.current_user().current_user_ssh_key_list_stream(&CurrentUserSshKeyListOptions::default());
    let mut received = 0;
    let error = loop {
        match keys.next().await {
            Some(Ok(_)) => received += 1,
            Some(Err(error)) => break error,
            None => panic!("the stream ended without the error"),
        }
    };
    assert_eq!(received, 300);
    assert!(matches!(&error, Error::Status(e) if e.status == 503), "{error}");
    assert!(keys.next().await.is_none());
}
