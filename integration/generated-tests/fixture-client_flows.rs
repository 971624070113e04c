//! The client_flows fixture (`generator/tests/fixtures/client_flows.yaml`) over loopback: the
//! generated OAuth2 constructors fetch tokens with the scopes each operation declares, the
//! refresh-token flow uses the document's relative token URL, the declared `Idempotency-Key`
//! is generated once and reused across retries of a POST, and `.with_meta()` reads a declared
//! response header typed.

use std::sync::atomic::{AtomicU32, Ordering};

use fixture_client_flows::apis::default::CreatePaymentOptions;
use fixture_client_flows::types::Payment;
use fixture_client_flows::{auth, CallOptions, Client, WithMeta as _};
use testkit::{Recorded, Reply, Server};

/// A field of a form body, decoded (`+` is a space, `%XX` a byte).
fn field(request: &Recorded, name: &str) -> Option<String> {
    let decode = |text: &str| {
        let bytes = text.replace('+', " ").into_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
            match (bytes[i], hex) {
                (b'%', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).expect("UTF-8 form text")
    };
    request
        .body_text()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| decode(v))
}

/// A token endpoint at `/oauth/token` and the API: payments answered 503, 503, then 201.
async fn server() -> Server {
    let tokens = AtomicU32::new(0);
    let posts = AtomicU32::new(0);
    Server::start(move |request| match (request.method.as_str(), request.path.as_str()) {
        (_, "/oauth/token") => {
            let n = tokens.fetch_add(1, Ordering::SeqCst) + 1;
            Reply::json(200, &format!(r#"{{"access_token":"tok-{n}","token_type":"Bearer","expires_in":3600}}"#))
        }
        ("POST", "/payments") if posts.fetch_add(1, Ordering::SeqCst) < 2 => Reply::empty(503),
        ("POST", "/payments") => Reply::json(201, r#"{"amount":5}"#)
            .with_header("location", "/payments/1")
            .with_header("x-ratelimit-remaining", "99"),
        ("GET", "/payments") => Reply::json(200, "[]").with_header("etag", "\"v7\""),
        _ => Reply::empty(204),
    })
    .await
}

#[tokio::test]
async fn client_credentials_ask_for_each_operations_scopes_and_a_post_is_retried_with_one_key() {
    let server = server().await;
    let flow = auth::oauth_client_credentials("app", "secret").token_url(format!("{}/oauth/token", server.url()));
    let client = Client::builder().base_url(server.url()).credential(flow).build().unwrap();

    let listed = client.default().list_payments().with_meta().await.unwrap();
    assert!(listed.body.is_empty());
    assert_eq!(listed.header::<String>("ETag").unwrap().as_deref(), Some("\"v7\""));

    let created = client
        .default()
        .create_payment(&Payment { amount: 5 }, &CreatePaymentOptions::default())
        .with_meta()
        .await
        .unwrap();
    assert_eq!((created.status.as_u16(), created.body.amount), (201, 5));
    assert_eq!(created.header::<i64>("X-RateLimit-Remaining"), Ok(Some(99)));
    assert_eq!(created.header_text("location"), Some("/payments/1"));

    let requests = server.requests();
    let scopes: Vec<String> =
        requests.iter().filter(|r| r.path == "/oauth/token").map(|r| field(r, "scope").unwrap()).collect();
    // Sorted within a set: one token per set of scopes.
    assert_eq!(scopes, ["payments:read", "payments:read payments:write"]);
    let keys: Vec<&str> = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/payments")
        .map(|r| r.header("idempotency-key").unwrap())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| *k == keys[0] && k.len() == 36), "{keys:?}");
    assert!(requests.iter().filter(|r| r.path == "/payments").all(|r| r.header("authorization").is_some()));
}

#[tokio::test]
async fn a_refresh_token_goes_to_the_documents_relative_token_url_and_options_reach_the_server() {
    let server = server().await;
    let client = Client::builder()
        .base_url(server.url())
        .credential(auth::password_refresh_token("app", "r-1"))
        .build()
        .unwrap();
    client.with_options(CallOptions::new().header("x-tenant", "acme")).default().patch_refund("key-1").await.unwrap();
    let requests = server.requests();
    let token = requests.iter().find(|r| r.path == "/oauth/token").expect("a token request");
    assert_eq!(field(token, "grant_type").as_deref(), Some("refresh_token"));
    assert_eq!(field(token, "refresh_token").as_deref(), Some("r-1"));
    let patch = requests.iter().find(|r| r.path == "/refunds").unwrap();
    assert_eq!(patch.header("authorization"), Some("Bearer tok-1"));
    assert_eq!(patch.header("x-idempotency-key"), Some("key-1"));
    assert_eq!(patch.header("x-tenant"), Some("acme"));
}
