//! Tracing output, in a test binary of its own: tracing caches whether a callsite is enabled,
//! and a test on another thread registering the same callsites without a subscriber could make
//! this test's thread-local subscriber miss them.

use apigen_runtime::{Client, Credential, Method};
use testkit::{Reply, Server};

mod common;
use common::fast;

mod captured;

#[tokio::test]
async fn tracing_shows_spans_per_attempt_and_never_a_secret() {
    let (captured, _guard) = captured::capture();

    let server =
        Server::scripted(vec![Reply::empty(503), Reply::json(200, r#"{"value":"s3cr3t-BODY"}"#), Reply::empty(401)])
            .await;
    let client = Client::builder(&server.url())
        .credential(Credential::bearer("bearer", "tok-SECRET"))
        .credential(Credential::api_key_header("key", "Authorization", "key-SECRET").with_prefix("Token"))
        .retry(fast())
        .build()
        .unwrap();
    let security: apigen_runtime::Security = &[&["bearer"], &["key"]];
    client
        .request(Method::GET, "/things/{id}", &[&"42"])
        .security(security)
        .send_json::<serde_json::Value, serde_json::Value>(&[])
        .await
        .unwrap();
    let error = client
        .request(Method::GET, "/things/{id}", &[&"43"])
        .security(security)
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap_err();

    let logs = captured.text();
    assert!(logs.contains("http_request"), "{logs}");
    assert!(logs.contains("path=\"/things/{id}\""), "{logs}");
    assert!(logs.contains("attempt=2") && logs.contains("status=200") && logs.contains("status=503"), "{logs}");
    assert!(logs.contains("duration_ms="), "{logs}");
    for shown in [logs.as_str(), &error.to_string(), &format!("{error:?}"), &format!("{client:?}")] {
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(!shown.contains("s3cr3t-BODY"), "{shown}");
    }
}
