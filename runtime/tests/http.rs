//! The runtime against a real server on 127.0.0.1: what the server receives, byte for byte, and
//! what every kind of answer becomes.

use apigen_runtime::{Client, Credential, Error, ErrorStatus, Method};
use serde::Deserialize;
use testkit::{Reply, Server};

fn client(server: &Server) -> Client {
    Client::builder("http://unused.invalid").base_url(server.url()).build().unwrap()
}

#[derive(Debug, Deserialize, PartialEq)]
struct Problem {
    message: String,
}

#[tokio::test]
async fn path_parameters_cannot_change_the_path() {
    let hostile = ["../x", "a/b", "a?b", "a#b", "100%", "a b", "é", "%2e%2E", "..%2F"];
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = client(&server);
    for value in hostile {
        client
            .request(Method::GET, "/job/{jobId}/secret", &[&value])
            .send_empty::<serde_json::Value>(&[])
            .await
            .unwrap();
    }
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/job/..%2Fx/secret",
            "/job/a%2Fb/secret",
            "/job/a%3Fb/secret",
            "/job/a%23b/secret",
            "/job/100%25/secret",
            "/job/a%20b/secret",
            "/job/%C3%A9/secret",
            "/job/%252e%252E/secret",
            "/job/..%252F/secret",
        ]
    );

    // `.`, `..` and empty cannot be one segment of a URL: refused before anything is sent.
    for value in [".", "..", ""] {
        let error = client
            .request(Method::DELETE, "/job/{jobId}/secret", &[&value])
            .send_empty::<serde_json::Value>(&[])
            .await
            .unwrap_err();
        assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("`jobId`")), "{error}");
    }
    assert_eq!(server.requests().len(), hostile.len());
}

#[tokio::test]
async fn query_values_are_encoded_with_percent_twenty() {
    let server = Server::scripted(vec![Reply::empty(204)]).await;
    client(&server)
        .request(Method::GET, "/search", &[])
        .query("q", &"a b&c=d")
        .query_opt("page", Some(2))
        .query_opt::<u32>("absent", None)
        .query_each("tag", ["x", "y/z"])
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap();
    assert_eq!(server.requests()[0].query.as_deref(), Some("q=a%20b%26c%3Dd&page=2&tag=x&tag=y%2Fz"));
}

#[tokio::test]
async fn header_values_with_cr_or_lf_are_refused_not_sent() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = client(&server);
    for value in ["a\r\nX-Injected: 1", "a\nb", "a\rb"] {
        let error = client
            .request(Method::GET, "/h", &[])
            .header("X-Request-ID", &value)
            .send_empty::<serde_json::Value>(&[])
            .await
            .unwrap_err();
        assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("X-Request-ID")), "{error}");
    }
    assert!(server.requests().is_empty());
    client.request(Method::GET, "/h", &[]).header("X-Request-ID", &"r-1").send_empty::<serde_json::Value>(&[]).await.unwrap();
    assert_eq!(server.requests()[0].header("x-request-id"), Some("r-1"));
}

#[tokio::test]
async fn credentials_follow_the_operation_security() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = Client::builder(&server.url())
        .credential(Credential::api_key_header("ApiKeyAuth", "Authorization", "k-1").with_prefix("Token"))
        .credential(Credential::api_key_query("QueryKey", "api_key", "q-1"))
        .build()
        .unwrap();
    let securities: [apigen_runtime::Security; 4] = [&[&["bearerAuth"], &["ApiKeyAuth"]], &[&["QueryKey"]], &[], &[&["bearerAuth"]]];
    for security in securities {
        client.request(Method::GET, "/s", &[]).security(security).send_empty::<serde_json::Value>(&[]).await.unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), Some("Token k-1"));
    assert_eq!(requests[1].query.as_deref(), Some("api_key=q-1"));
    assert_eq!(requests[1].header("authorization"), None);
    assert_eq!(requests[2].header("authorization"), None);
    // No credential for the only scheme allowed: sent without, the server decides.
    assert_eq!(requests[3].header("authorization"), None);
}

#[tokio::test]
async fn json_bodies_are_exact_and_optional_bodies_absent() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = client(&server);
    let body = serde_json::json!({"key": "K", "mount_path": null});
    client.request(Method::POST, "/b", &[]).json(&body).send_empty::<serde_json::Value>(&[]).await.unwrap();
    client.request(Method::POST, "/b", &[]).json_opt::<serde_json::Value>(None).send_empty::<serde_json::Value>(&[]).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].body_text(), r#"{"key":"K","mount_path":null}"#);
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert!(requests[1].body.is_empty());
    assert_eq!(requests[1].header("content-type"), None);
}

#[tokio::test]
async fn typed_error_bodies_by_exact_status_then_default() {
    const ERRORS: &[ErrorStatus] = &[ErrorStatus::typed(400, "Invalid"), ErrorStatus::new(404, "Gone"), ErrorStatus::default_typed("Unexpected")];
    let server = Server::scripted(vec![
        Reply::json(400, r#"{"message":"bad key"}"#),
        Reply::json(404, r#"{"message":"no such"}"#),
        Reply::json(500, r#"{"message":"boom"}"#),
        Reply::text(500, "text/html", "<h1>oops</h1>"),
    ])
    .await;
    let client = client(&server);
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        let error = client.request(Method::GET, "/e", &[]).send_json::<serde_json::Value, Problem>(ERRORS).await.unwrap_err();
        let Error::Status(error) = error else { panic!("{error:?}") };
        outcomes.push((error.status.as_u16(), error.description, error.typed.as_ref().map(|p| p.message.clone()), error.body_text()));
    }
    assert_eq!(outcomes[0], (400, Some("Invalid"), Some("bad key".into()), r#"{"message":"bad key"}"#.into()));
    // 404 is declared without a body type: the body is kept, nothing typed.
    assert_eq!(outcomes[1], (404, Some("Gone"), None, r#"{"message":"no such"}"#.into()));
    assert_eq!(outcomes[2], (500, Some("Unexpected"), Some("boom".into()), r#"{"message":"boom"}"#.into()));
    // A body that does not match the declared type is kept raw, not an error of its own.
    assert_eq!(outcomes[3], (500, Some("Unexpected"), None, "<h1>oops</h1>".into()));
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_says_what_and_where() {
    let server = Server::scripted(vec![Reply::json(200, "{\"message\": 42}")]).await;
    let error = client(&server).request(Method::GET, "/d", &[]).send_json::<Problem, serde_json::Value>(&[]).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert!(decode.type_name.ends_with("Problem"));
    assert_eq!((decode.line, decode.column), (1, 14));
    assert!(decode.message.contains("invalid type: integer `42`"), "{}", decode.message);
    assert_eq!(decode.excerpt, "{\"message\": 42}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn a_connection_closed_without_answer_is_a_transport_error() {
    let server = Server::scripted(vec![Reply::Close]).await;
    let error = client(&server).request(Method::GET, "/c", &[]).send_empty::<serde_json::Value>(&[]).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

#[test]
fn bad_base_urls_are_refused_at_build_time() {
    for url in ["not a url", "ftp://example.com", "/relative", "https://example.com/?q=1"] {
        let error = Client::builder(url).build().unwrap_err();
        assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("base URL")), "{url}: {error}");
    }
}
