//! Per-call options and idempotency keys against a real server on 127.0.0.1: each option is
//! observed by the server (or by what the call returns), and a keyed `POST` is retried with the
//! same key on every attempt.

use std::time::Duration;

use apigen_runtime::{CallOptions, Client, Error, RetryPolicy};
use testkit::{Reply, Server};

mod common;
use common::fast;

fn client(server: &Server) -> Client {
    Client::builder(&server.url()).retry(fast()).build().unwrap()
}

#[tokio::test]
async fn extra_headers_and_query_parameters_reach_the_server() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let options = CallOptions::new().header("x-trace", "abc").header("accept-language", "fr").query("debug", "a b");
    client(&server)
        .with_options(options)
        .get("/things", &[])
        .query("page", &2)
        .header("accept-language", &"en")
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("x-trace"), Some("abc"));
    // The call's header replaces the operation's of the same name.
    assert_eq!(request.headers.iter().filter(|(n, _)| n == "accept-language").count(), 1);
    assert_eq!(request.header("accept-language"), Some("fr"));
    // After the operation's own parameters, percent-encoded.
    assert_eq!(request.target, "/things?page=2&debug=a%20b");
}

#[tokio::test]
async fn options_of_one_view_leave_the_client_unchanged() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = client(&server);
    let view = client.with_options(CallOptions::new().header("x-a", "1"));
    // Options stack: a later view adds to (and overrides) an earlier one.
    let nested = view.with_options(CallOptions::new().header("x-a", "2").header("x-b", "3"));
    for client in [&client, &view, &nested] {
        client.get("/", &[]).send_empty::<serde_json::Value>(&[]).await.unwrap();
    }
    let seen: Vec<(Option<String>, Option<String>)> = server
        .requests()
        .iter()
        .map(|r| (r.header("x-a").map(str::to_owned), r.header("x-b").map(str::to_owned)))
        .collect();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(seen, [(None, None), (some("1"), None), (some("2"), some("3"))]);
}

#[tokio::test]
async fn a_header_the_options_cannot_send_is_an_error_before_sending() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let error = client(&server)
        .with_options(CallOptions::new().header("x-bad", "line\r\nbreak"))
        .get("/", &[])
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("`x-bad`")), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_call_timeout_replaces_the_clients() {
    // The server answers after 30 s (the client's own timeout); the call allows 200 ms and is
    // not retried: one request, a timeout error. Nothing here depends on how fast the machine is.
    let server = Server::start(|_| Reply::Delay(Duration::from_secs(30), Box::new(Reply::empty(204)))).await;
    let error = client(&server)
        .with_options(CallOptions::new().timeout(Duration::from_millis(200)).no_retry())
        .get("/slow", &[])
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Transport(e) if e.is_timeout()), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_call_retry_policy_replaces_the_clients() {
    let server = Server::start(|_| Reply::empty(503)).await;
    let client = client(&server);
    let status = |e: Error| e.status().map(|s| s.as_u16());
    let error = client.with_options(CallOptions::new().no_retry()).get("/", &[]).send_empty(&[]).await.unwrap_err();
    assert_eq!(status(error), Some(503));
    assert_eq!(server.requests().len(), 1);

    let five = RetryPolicy { max_attempts: 5, ..fast() };
    let error = client.with_options(CallOptions::new().retry(five)).get("/", &[]).send_empty(&[]).await.unwrap_err();
    assert_eq!(status(error), Some(503));
    assert_eq!(server.requests().len(), 1 + 5);
}

#[tokio::test]
async fn a_call_body_limit_replaces_the_clients() {
    let server = Server::start(|_| Reply::json(200, r#"{"twenty":"bytes!!!"}"#)).await;
    let client = client(&server);
    let get = |client: Client| async move { client.get("/", &[]).send_bytes::<serde_json::Value>(&[]).await };
    let error = get(client.with_options(CallOptions::new().body_limit(10))).await.unwrap_err();
    assert!(matches!(error, Error::TooLarge { limit: 10, .. }), "{error:?}");
    assert_eq!(get(client.with_body_limit(21)).await.unwrap().len(), 21);
    assert_eq!(get(client).await.unwrap().len(), 21);
}

/// The issue's case: a `POST` answered 503, 503, 201 is sent three times with one key.
#[tokio::test]
async fn a_declared_idempotency_key_is_generated_once_and_reused_on_every_retry() {
    let server = Server::scripted(vec![Reply::empty(503), Reply::empty(503), Reply::json(201, r#"{"id":1}"#)]).await;
    let created: serde_json::Value = client(&server)
        .post("/payments", &[])
        .idempotency_header("Idempotency-Key")
        .json(&serde_json::json!({"amount": 5}))
        .send_json::<_, serde_json::Value>(&[])
        .await
        .unwrap();
    assert_eq!(created["id"], 1);
    let keys: Vec<String> =
        server.requests().iter().map(|r| r.header("idempotency-key").unwrap_or_default().to_owned()).collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    let key = uuid::Uuid::parse_str(&keys[0]).expect("a UUID");
    assert_eq!(key.get_version_num(), 4);

    // Another call, another key.
    let server = Server::start(|_| Reply::empty(204)).await;
    for _ in 0..2 {
        client(&server).post("/p", &[]).idempotency_header("X-Idempotency-Key").send_empty::<()>(&[]).await.unwrap();
    }
    let keys: Vec<String> =
        server.requests().iter().map(|r| r.header("x-idempotency-key").unwrap().to_owned()).collect();
    assert_ne!(keys[0], keys[1]);
}

#[tokio::test]
async fn a_key_the_caller_gives_wins_and_makes_a_post_retryable() {
    // The operation's parameter first.
    let server = Server::scripted(vec![Reply::empty(503), Reply::empty(204)]).await;
    client(&server)
        .post("/p", &[])
        .idempotency_header("Idempotency-Key")
        .header("Idempotency-Key", &"mine")
        .send_empty::<()>(&[])
        .await
        .unwrap();
    let keys: Vec<String> = server.requests().iter().map(|r| r.header("idempotency-key").unwrap().to_owned()).collect();
    assert_eq!(keys, ["mine", "mine"]);

    // The call's option, on an operation that declares no such header: sent as
    // `Idempotency-Key`, and the POST is retried.
    let server = Server::scripted(vec![Reply::empty(502), Reply::empty(204)]).await;
    client(&server)
        .with_options(CallOptions::new().idempotency_key("opt-1"))
        .post("/p", &[])
        .send_empty::<()>(&[])
        .await
        .unwrap();
    let keys: Vec<String> = server.requests().iter().map(|r| r.header("idempotency-key").unwrap().to_owned()).collect();
    assert_eq!(keys, ["opt-1", "opt-1"]);
}

#[tokio::test]
async fn without_a_key_a_post_keeps_todays_rule() {
    let server = Server::start(|_| Reply::empty(503)).await;
    let error = client(&server).post("/p", &[]).send_empty::<()>(&[]).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.requests()[0].header("idempotency-key"), None);
}
