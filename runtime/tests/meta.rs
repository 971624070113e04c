//! Success bodies with their status and headers, over a real server on 127.0.0.1.

use apigen_runtime::{Client, Error, RetryPolicy, WithMeta};
use testkit::{Reply, Server};

fn client(server: &Server) -> Client {
    Client::builder(&server.url()).retry(RetryPolicy::never()).build().unwrap()
}

#[tokio::test]
async fn a_typed_body_comes_with_its_status_and_headers() {
    let server = Server::start(|_| {
        Reply::json(201, r#"{"id":7}"#)
            .with_header("location", "/things/7")
            .with_header("etag", "\"v1\"")
            .with_header("x-ratelimit-remaining", "41")
    })
    .await;
    let client = client(&server);
    let response =
        client.post("/things", &[]).send_json::<serde_json::Value, serde_json::Value>(&[]).with_meta().await.unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(response.body["id"], 7);
    assert_eq!(response.header_text("location"), Some("/things/7"));
    assert_eq!(response.header_text("ETag"), Some("\"v1\""));
    assert_eq!(response.header::<u32>("x-ratelimit-remaining"), Ok(Some(41)));
    assert_eq!(response.header::<u32>("x-absent"), Ok(None));
    let wrong = response.header::<u32>("location").unwrap_err();
    assert!(wrong.to_string().contains("`location`") && wrong.to_string().contains("u32"), "{wrong}");

    // Any kind of call: an empty body, text.
    let empty = client.delete("/things/7", &[]).send_empty::<serde_json::Value>(&[]).with_meta().await.unwrap();
    assert_eq!((empty.status.as_u16(), empty.header_text("etag")), (201, Some("\"v1\"")));
}

#[tokio::test]
async fn an_error_stays_an_error_and_plain_calls_are_unchanged() {
    let server =
        Server::scripted(vec![Reply::json(404, "{}").with_header("x-request-id", "r1"), Reply::json(200, "[1]")]).await;
    let client = client(&server);
    let error =
        client.get("/", &[]).send_json::<serde_json::Value, serde_json::Value>(&[]).with_meta().await.unwrap_err();
    assert!(matches!(&error, Error::Status(e) if e.headers["x-request-id"] == "r1"), "{error:?}");
    let plain: serde_json::Value = client.get("/", &[]).send_json::<_, serde_json::Value>(&[]).await.unwrap();
    assert_eq!(plain, serde_json::json!([1]));
}

/// Each `with_meta` sees its own call's response, even when one runs inside another's poll
/// (here: two joined on one task) or after a retry.
#[tokio::test]
async fn concurrent_calls_each_get_their_own_headers() {
    let server = Server::start(|request| {
        let echo = request.path.trim_start_matches('/').to_owned();
        Reply::json(200, "{}").with_header("x-echo", &echo)
    })
    .await;
    let client = client(&server);
    let call =
        |path: &'static str| client.get(path, &[]).send_json::<serde_json::Value, serde_json::Value>(&[]).with_meta();
    let (a, b) = tokio::join!(call("/a"), call("/b"));
    assert_eq!(a.unwrap().header_text("x-echo"), Some("a"));
    assert_eq!(b.unwrap().header_text("x-echo"), Some("b"));

    let retried = Server::scripted(vec![
        Reply::empty(503).with_header("x-echo", "first"),
        Reply::json(200, "{}").with_header("x-echo", "second"),
    ])
    .await;
    let client = Client::builder(&retried.url())
        .retry(RetryPolicy { initial_backoff: std::time::Duration::from_millis(1), ..RetryPolicy::default() })
        .build()
        .unwrap();
    let response =
        client.get("/", &[]).send_json::<serde_json::Value, serde_json::Value>(&[]).with_meta().await.unwrap();
    assert_eq!(response.header_text("x-echo"), Some("second"));
}

#[tokio::test]
async fn a_future_that_sends_nothing_is_an_error_not_a_made_up_status() {
    let error = async { Ok::<_, Error>(1) }.with_meta().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
}
