//! Tracing output of OAuth2 flows, in a test binary of its own (see tests/tracing.rs for why):
//! token fetches, a refusal and its refresh, a failing endpoint — and no secret anywhere in it.

use apigen_runtime::oauth2::OAuth2;
use apigen_runtime::{Client, Error, RetryPolicy};
use std::sync::atomic::{AtomicU32, Ordering};
use testkit::{Reply, Server};

mod captured;

#[tokio::test]
async fn token_flows_are_traced_without_a_secret() {
    let (captured, _guard) = captured::capture();

    let issued = AtomicU32::new(0);
    let server = Server::start(move |request| match request.path.as_str() {
        "/oauth/token" => {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            let body =
                format!(r#"{{"access_token":"ACCESS-TOKEN-{n}","expires_in":3600,"refresh_token":"REFRESH-NEW"}}"#);
            Reply::json(200, &body)
        }
        "/failing/token" => Reply::json(401, r#"{"error":"invalid_client"}"#),
        _ if request.header("authorization") == Some("Bearer ACCESS-TOKEN-1") => Reply::json(401, "{}"),
        _ => Reply::json(200, "{}"),
    })
    .await;
    let build = |flow: OAuth2| {
        Client::builder(&server.url())
            .credential(flow)
            .default_security(&[&["oauth"]])
            .retry(RetryPolicy::never())
            .build()
            .unwrap()
    };
    let secret = "CLIENT-SECRET";
    let client = build(OAuth2::client_credentials("oauth", "/oauth/token", "app", secret).scopes(["read"]));
    client.get("/things", &[]).send_json::<serde_json::Value, serde_json::Value>(&[]).await.unwrap();
    let refreshing =
        build(OAuth2::refresh_token("oauth", "/oauth/token", "app", "REFRESH-FIRST").client_secret(secret));
    refreshing.get("/things", &[]).send_empty::<serde_json::Value>(&[]).await.unwrap();
    let failing = build(OAuth2::client_credentials("oauth", "/failing/token", "app", secret));
    let error = failing.get("/things", &[]).send_empty::<serde_json::Value>(&[]).await.unwrap_err();
    assert!(matches!(error, Error::Token(_)), "{error:?}");

    let logs = captured.text();
    // The capture works: the fetches, the refusal and the requests are there.
    assert!(logs.contains("fetching an OAuth2 access token"), "{logs}");
    assert!(logs.contains("access token refused"), "{logs}");
    assert!(logs.contains("http_request"), "{logs}");
    // `app:CLIENT-SECRET` in base64, as the Basic header carries it.
    let basic = "YXBwOkNMSUVOVC1TRUNSRVQ=";
    for shown in [logs.as_str(), &format!("{error} {error:?} {client:?} {refreshing:?}")] {
        for secret in [secret, basic, "ACCESS-TOKEN", "REFRESH-FIRST", "REFRESH-NEW"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
