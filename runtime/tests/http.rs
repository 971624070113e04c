//! The runtime against a real server on 127.0.0.1: what the server receives, byte for byte, and
//! what every kind of answer becomes.

use apigen_runtime::{Client, Credential, Error, ErrorStatus, Method, RetryPolicy};
use serde::Deserialize;
use testkit::{Reply, Server};

/// One attempt per call: these tests are about a single exchange (retries: tests/faults.rs).
fn client(server: &Server) -> Client {
    Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::never()).build().unwrap()
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

/// The evidence for refusing `.` and `..` instead of encoding them: the URL parser under reqwest
/// removes dot segments even when written `%2E`, so such a URL never reaches the server intact.
#[tokio::test]
async fn encoded_dot_segments_never_reach_the_server() {
    let server = Server::start(|_| Reply::empty(204)).await;
    for (prefix, expected) in [("/a/%2E%2E", "/secret"), ("/a/.%2e", "/secret"), ("/a/%2e", "/a/secret")] {
        let client = Client::builder(&format!("{}{prefix}", server.url())).build().unwrap();
        client.request(Method::GET, "/secret", &[]).send_empty::<serde_json::Value>(&[]).await.unwrap();
        assert_eq!(server.requests().last().map(|r| r.target.clone()).as_deref(), Some(expected), "{prefix}");
    }
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
    client
        .request(Method::GET, "/h", &[])
        .header("X-Request-ID", &"r-1")
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("x-request-id"), Some("r-1"));
}

#[tokio::test]
async fn credentials_follow_the_operation_security() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = Client::builder(&server.url())
        .credential(Credential::bearer("bearerAuth", "t-1"))
        .credential(Credential::api_key_header("ApiKeyAuth", "Authorization", "k-1").with_prefix("Token"))
        .credential(Credential::api_key_header("TeamKey", "X-Team-Key", "team-1"))
        .credential(Credential::api_key_query("QueryKey", "api_key", "q-1"))
        .credential(Credential::basic("basicAuth", "me", "pw"))
        .build()
        .unwrap();
    let securities: &[apigen_runtime::Security] = &[
        &[&["bearerAuth"], &["ApiKeyAuth"]],
        &[&["ApiKeyAuth"], &["bearerAuth"]],
        // An alternative without credentials is skipped, the next one that has them is used.
        &[&["oauth2"], &["ApiKeyAuth"]],
        // Both schemes of one alternative are sent together.
        &[&["bearerAuth", "TeamKey"]],
        &[&["QueryKey"]],
        &[&["basicAuth"]],
        // Anonymous access allowed first, or no security at all: nothing sent.
        &[&[], &["bearerAuth"]],
        &[],
        // No credential for the only scheme allowed: sent without, the server decides.
        &[&["oauth2"]],
    ];
    for security in securities {
        client.request(Method::GET, "/s", &[]).security(security).send_empty::<serde_json::Value>(&[]).await.unwrap();
    }
    let seen: Vec<_> = server
        .requests()
        .iter()
        .map(|r| {
            (r.header("authorization").map(str::to_owned), r.header("x-team-key").map(str::to_owned), r.query.clone())
        })
        .collect();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        seen,
        [
            (some("Bearer t-1"), None, None),
            (some("Token k-1"), None, None),
            (some("Token k-1"), None, None),
            (some("Bearer t-1"), some("team-1"), None),
            (None, None, some("api_key=q-1")),
            (some("Basic bWU6cHc="), None, None),
            (None, None, None),
            (None, None, None),
            (None, None, None),
        ]
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let client = Client::builder("https://api.example.com/")
        .credential(Credential::bearer("bearerAuth", "tok-SECRET"))
        .credential(Credential::api_key_header("ApiKeyAuth", "Authorization", "key-SECRET").with_prefix("Token"))
        .build()
        .unwrap();
    let shown = format!("{client:?} {client:#?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("https://api.example.com") && shown.contains("***"), "{shown}");
    assert_eq!(client.base_url(), "https://api.example.com");

    let secret = apigen_runtime::Secret::new("pw-SECRET".to_owned());
    assert_eq!(format!("{secret} {secret:?}"), "*** \"***\"");
}

#[tokio::test]
async fn the_default_security_applies_until_a_request_sets_its_own() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = Client::builder(&server.url())
        .credential(Credential::bearer("bearerAuth", "t-1"))
        .credential(Credential::api_key_header("TeamKey", "X-Team-Key", "team-1"))
        .default_security(&[&["bearerAuth"]])
        .build()
        .unwrap();
    client.get("/default", &[]).send_empty::<serde_json::Value>(&[]).await.unwrap();
    client.post("/own", &[]).security(&[&["TeamKey"]]).send_empty::<serde_json::Value>(&[]).await.unwrap();
    client.delete("/public", &[]).security(&[]).send_empty::<serde_json::Value>(&[]).await.unwrap();
    // Without a default, a request needs nothing.
    let bare = Client::builder(&server.url()).credential(Credential::bearer("bearerAuth", "t-1")).build().unwrap();
    bare.put("/bare", &[]).send_empty::<serde_json::Value>(&[]).await.unwrap();

    let seen: Vec<_> = server
        .requests()
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                r.path.clone(),
                r.header("authorization").map(str::to_owned),
                r.header("x-team-key").map(str::to_owned),
            )
        })
        .collect();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        seen,
        [
            ("GET".to_owned(), "/default".to_owned(), some("Bearer t-1"), None),
            ("POST".to_owned(), "/own".to_owned(), None, some("team-1")),
            ("DELETE".to_owned(), "/public".to_owned(), None, None),
            ("PUT".to_owned(), "/bare".to_owned(), None, None),
        ]
    );
}

#[tokio::test]
async fn json_bodies_are_exact_and_optional_bodies_absent() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = client(&server);
    let body = serde_json::json!({"key": "K", "mount_path": null});
    client.request(Method::POST, "/b", &[]).json(&body).send_empty::<serde_json::Value>(&[]).await.unwrap();
    client
        .request(Method::POST, "/b", &[])
        .json_opt::<serde_json::Value>(None)
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].body_text(), r#"{"key":"K","mount_path":null}"#);
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert!(requests[1].body.is_empty());
    assert_eq!(requests[1].header("content-type"), None);
}

#[tokio::test]
async fn typed_error_bodies_by_exact_status_then_default() {
    const ERRORS: &[ErrorStatus] =
        &[ErrorStatus::typed(400, "Invalid"), ErrorStatus::new(404, "Gone"), ErrorStatus::default_typed("Unexpected")];
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
        let error =
            client.request(Method::GET, "/e", &[]).send_json::<serde_json::Value, Problem>(ERRORS).await.unwrap_err();
        let Error::Status(error) = error else { panic!("{error:?}") };
        outcomes.push((
            error.status.as_u16(),
            error.description,
            error.typed.as_ref().map(|p| p.message.clone()),
            error.body_text(),
        ));
    }
    assert_eq!(outcomes[0], (400, Some("Invalid"), Some("bad key".into()), r#"{"message":"bad key"}"#.into()));
    // 404 is declared without a body type: the body is kept, nothing typed.
    assert_eq!(outcomes[1], (404, Some("Gone"), None, r#"{"message":"no such"}"#.into()));
    assert_eq!(outcomes[2], (500, Some("Unexpected"), Some("boom".into()), r#"{"message":"boom"}"#.into()));
    // A body that does not match the declared type is kept raw, not an error of its own.
    assert_eq!(outcomes[3], (500, Some("Unexpected"), None, "<h1>oops</h1>".into()));
}

#[tokio::test]
async fn success_bodies_as_json_text_bytes_or_nothing() {
    let server = Server::scripted(vec![
        Reply::json(200, r#"{"message":"hi"}"#),
        Reply::empty(204),
        Reply::json(201, r#"{"ignored":true}"#),
        Reply::text(200, "text/plain", "héllo"),
        Reply::text(200, "application/octet-stream", "\u{0}\u{1}"),
    ])
    .await;
    let client = client(&server);
    let get = || client.request(Method::GET, "/ok", &[]);
    assert_eq!(get().send_json::<Problem, serde_json::Value>(&[]).await.unwrap(), Problem { message: "hi".into() });
    get().send_empty::<serde_json::Value>(&[]).await.unwrap();
    get().send_empty::<serde_json::Value>(&[]).await.unwrap();
    assert_eq!(get().send_text::<serde_json::Value>(&[]).await.unwrap(), "héllo");
    assert_eq!(get().send_bytes::<serde_json::Value>(&[]).await.unwrap(), &b"\x00\x01"[..]);
    assert_eq!(server.requests()[0].header("accept"), Some("application/json"));
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_says_what_and_where() {
    let page = format!("<html>{}</html>", "x".repeat(300));
    let server = Server::scripted(vec![
        Reply::json(200, "{\"message\": 42}"),
        Reply::text(200, "text/html", &page),
        Reply::json(200, "{\"message\": \"cut"),
    ])
    .await;
    let client = client(&server);
    let mut errors = Vec::new();
    for _ in 0..3 {
        match client.request(Method::GET, "/d", &[]).send_json::<Problem, serde_json::Value>(&[]).await {
            Err(Error::Decode(decode)) => errors.push(decode),
            other => panic!("{other:?}"),
        }
    }

    let wrong_type = &errors[0];
    assert!(wrong_type.type_name.ends_with("::Problem"), "{}", wrong_type.type_name);
    assert_eq!((wrong_type.line, wrong_type.column), (1, 14));
    assert!(wrong_type.message.contains("invalid type: integer `42`"), "{}", wrong_type.message);
    assert_eq!(wrong_type.excerpt, "{\"message\": 42}");
    assert_eq!(wrong_type.status.as_u16(), 200);

    let html = &errors[1];
    assert_eq!((html.line, html.column), (1, 1));
    assert!(html.message.contains("expected value"), "{}", html.message);
    assert!(html.excerpt.starts_with("<html>xxx"), "{}", html.excerpt);
    assert_eq!(html.excerpt.chars().count(), 201, "200 characters and an ellipsis");
    let shown = Error::<serde_json::Value>::Decode(errors.remove(1)).to_string();
    assert!(shown.contains("as http::Problem") && shown.contains("body starts with: <html>"), "{shown}");

    let truncated = &errors[1];
    assert!(truncated.message.contains("EOF while parsing a string"), "{}", truncated.message);
    assert_eq!(truncated.excerpt, "{\"message\": \"cut");
}

#[tokio::test]
async fn text_that_is_not_utf8_is_a_decode_error() {
    let body = apigen_runtime::Bytes::from_static(b"ok \xff\xfe");
    let server = Server::scripted(vec![Reply::Respond { status: 200, headers: vec![], body }]).await;
    let error = client(&server).request(Method::GET, "/t", &[]).send_text::<serde_json::Value>(&[]).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.type_name, "String");
    assert!(decode.message.contains("invalid UTF-8"), "{}", decode.message);
    assert_eq!(decode.excerpt, "ok \u{fffd}\u{fffd}");
}

#[tokio::test]
async fn status_errors_display_status_reason_and_description() {
    const ERRORS: &[ErrorStatus] = &[ErrorStatus::new(404, "Resource not found")];
    let server = Server::scripted(vec![Reply::json(404, r#"{"message":"no job 42"}"#), Reply::empty(503)]).await;
    let client = client(&server);
    let not_found = client.request(Method::GET, "/x", &[]).send_empty::<serde_json::Value>(ERRORS).await.unwrap_err();
    assert_eq!(not_found.to_string(), r#"HTTP 404 Not Found: Resource not found (body: {"message":"no job 42"})"#);
    let undeclared = client.request(Method::GET, "/x", &[]).send_empty::<serde_json::Value>(ERRORS).await.unwrap_err();
    assert_eq!(undeclared.to_string(), "HTTP 503 Service Unavailable");
    assert_eq!(undeclared.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_transport_error() {
    let slow = Reply::Delay(std::time::Duration::from_secs(5), Box::new(Reply::empty(204)));
    let server = Server::scripted(vec![slow]).await;
    let client = Client::builder(&server.url())
        .timeout(std::time::Duration::from_millis(200))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.request(Method::GET, "/slow", &[]).send_empty::<serde_json::Value>(&[]).await.unwrap_err();
    let Error::Transport(cause) = &error else { panic!("{error:?}") };
    assert!(cause.is_timeout(), "{error}");
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

#[tokio::test]
async fn a_declared_redirect_without_location_is_the_answer_only_when_asked() {
    // Twilio's payload data: the only declared response is a `307` with a JSON body.
    let server = Server::start(|_| Reply::json(307, r#"{"redirect_to":"http://example.com"}"#)).await;
    let client = client(&server);
    let answer: serde_json::Value =
        client.get("/data", &[]).redirect_answers().send_json::<_, serde_json::Value>(&[]).await.unwrap();
    assert_eq!(answer["redirect_to"], "http://example.com");
    let error = client.get("/data", &[]).send_json::<serde_json::Value, serde_json::Value>(&[]).await.unwrap_err();
    assert!(matches!(&error, Error::Status(e) if e.status == 307), "{error:?}");
}

#[tokio::test]
async fn an_accept_parameter_comes_first_and_json_is_still_accepted() {
    let server = Server::start(|_| Reply::json(200, "{}")).await;
    let client = client(&server);
    let versioned = "application/vnd.pagerduty+json;version=2";
    client
        .get("/a", &[])
        .header("Accept", &versioned)
        .send_json::<serde_json::Value, serde_json::Value>(&[])
        .await
        .unwrap();
    client
        .get("/a", &[])
        .header("Accept", &"*/*")
        .send_json::<serde_json::Value, serde_json::Value>(&[])
        .await
        .unwrap();
    client.get("/a", &[]).send_json::<serde_json::Value, serde_json::Value>(&[]).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("accept"), Some("application/vnd.pagerduty+json;version=2, application/json"));
    assert_eq!(requests[1].header("accept"), Some("*/*"));
    assert_eq!(requests[2].header("accept"), Some("application/json"));
}

/// Generated calls are awaited in spawned tasks, so every `send_*` future must stay `Send`;
/// the retry loop is generic over how each attempt is built, which would hide a lapse here.
#[tokio::test]
async fn every_send_future_can_be_spawned() {
    let server = Server::start(|_| Reply::json(200, "{}")).await;
    let client = client(&server);
    let spawned = [
        tokio::spawn({
            let client = client.clone();
            async move { client.get("/a", &[]).send_json::<serde_json::Value, serde_json::Value>(&[]).await.map(drop) }
        }),
        tokio::spawn({
            let client = client.clone();
            async move { client.get("/b", &[]).send_stream::<serde_json::Value>(&[]).await.map(drop) }
        }),
        tokio::spawn({
            let client = client.clone();
            async move {
                let decode: apigen_runtime::stream::Decode<serde_json::Value> = |text| serde_json::from_str(text);
                client.get("/c", &[]).send_events::<_, serde_json::Value>(&[], decode).await.map(drop)
            }
        }),
    ];
    for task in spawned {
        task.await.unwrap().unwrap();
    }
}
