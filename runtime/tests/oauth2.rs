//! OAuth2 token flows against a real token endpoint and API on 127.0.0.1: one fetch shared by
//! concurrent calls, refresh before expiry, one refresh and replay on a `401`, typed errors
//! from a failing endpoint, scopes per operation, refresh-token rotation, a provider of the
//! user's. Expiry is driven by `expires_in` against the refresh margin, never by waiting.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use apigen_runtime::oauth2::{AccessToken, OAuth2, TokenError, TokenFuture, TokenProvider, TokenRequest};
use apigen_runtime::{Client, Credential, Error, RetryPolicy, Security};
use testkit::{Recorded, Reply, Server};

const SECURITY: Security = &[&["oauth"]];

/// The form a token request sent, as pairs.
fn form(request: &Recorded) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(&request.body).expect("a form body")
}

fn field(request: &Recorded, name: &str) -> Option<String> {
    form(request).into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// A token endpoint at `/oauth/token` issuing `tok-1`, `tok-2`… each valid for `expires_in`
/// seconds, and an API that accepts the tokens `accepts` allows.
async fn server(expires_in: u64, accepts: impl Fn(&str) -> bool + Send + Sync + 'static) -> Server {
    let issued = AtomicU32::new(0);
    Server::start(move |request| {
        if request.path == "/oauth/token" {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            let body = format!(r#"{{"access_token":"tok-{n}","token_type":"Bearer","expires_in":{expires_in}}}"#);
            return Reply::json(200, &body);
        }
        let token = request.header("authorization").unwrap_or_default().trim_start_matches("Bearer ");
        if accepts(token) {
            Reply::json(200, &format!(r#"{{"token":"{token}"}}"#))
        } else {
            Reply::json(401, r#"{"error":"invalid_token"}"#)
        }
    })
    .await
}

fn client(server: &Server, credential: Credential) -> Client {
    Client::builder(&server.url())
        .credential(credential)
        .default_security(SECURITY)
        .retry(RetryPolicy::never())
        .build()
        .unwrap()
}

fn client_credentials(server: &Server) -> OAuth2 {
    OAuth2::client_credentials("oauth", &format!("{}/oauth/token", server.url()), "app", "s3cret")
}

async fn call(client: &Client) -> Result<serde_json::Value, Error> {
    client.get("/things", &[]).send_json(&[]).await
}

fn token_requests(server: &Server) -> Vec<Recorded> {
    server.requests().into_iter().filter(|r| r.path == "/oauth/token").collect()
}

#[tokio::test]
async fn fifty_concurrent_calls_share_one_token_fetch() {
    let server = server(3600, |token| token == "tok-1").await;
    let client = client(&server, client_credentials(&server).scopes(["read"]).into());
    let calls = (0..50).map(|_| call(&client));
    let results = futures_util::future::join_all(calls).await;
    for result in results {
        assert_eq!(result.unwrap()["token"], "tok-1");
    }
    let fetches = token_requests(&server);
    assert_eq!(fetches.len(), 1);
    let fetch = &fetches[0];
    assert_eq!(fetch.method, "POST");
    assert_eq!(fetch.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        form(fetch),
        [("grant_type".to_owned(), "client_credentials".to_owned()), ("scope".into(), "read".into())]
    );
    // The client authenticates with HTTP Basic (RFC 6749 §2.3.1): base64("app:s3cret").
    assert_eq!(fetch.header("authorization"), Some("Basic YXBwOnMzY3JldA=="));
    assert_eq!(server.requests().len(), 51);
}

#[tokio::test]
async fn a_token_is_fetched_again_before_it_expires() {
    // Valid for 1 s, less than the 30 s refresh margin: stale as soon as it is issued, so each
    // call fetches a new one — no waiting, no clock in the assertion.
    let server = server(1, |_| true).await;
    let client = client(&server, client_credentials(&server).into());
    assert_eq!(call(&client).await.unwrap()["token"], "tok-1");
    assert_eq!(call(&client).await.unwrap()["token"], "tok-2");
    assert_eq!(token_requests(&server).len(), 2);

    // Valid for an hour: reused.
    let server = self::server(3600, |_| true).await;
    let client = self::client(&server, client_credentials(&server).into());
    for _ in 0..3 {
        assert_eq!(call(&client).await.unwrap()["token"], "tok-1");
    }
    assert_eq!(token_requests(&server).len(), 1);
}

#[tokio::test]
async fn a_401_triggers_one_refresh_and_one_replay() {
    let server = server(3600, |token| token != "tok-1").await;
    let client = client(&server, client_credentials(&server).into());
    assert_eq!(call(&client).await.unwrap()["token"], "tok-2");
    let api: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.path == "/things")
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(api, ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(token_requests(&server).len(), 2);

    // Refused again: the 401 is the answer, after exactly one replay.
    let server = self::server(3600, |_| false).await;
    let client = self::client(&server, client_credentials(&server).into());
    let error = call(&client).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.requests().iter().filter(|r| r.path == "/things").count(), 2);
    assert_eq!(token_requests(&server).len(), 2);
}

#[tokio::test]
async fn concurrent_401s_refresh_the_token_once() {
    let server = server(3600, |token| token != "tok-1").await;
    let client = client(&server, client_credentials(&server).into());
    let results = futures_util::future::join_all((0..20).map(|_| call(&client))).await;
    for result in results {
        assert_eq!(result.unwrap()["token"], "tok-2");
    }
    assert_eq!(token_requests(&server).len(), 2);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_a_typed_error_with_its_status_and_body() {
    let server = Server::start(|_| Reply::json(400, r#"{"error":"invalid_client"}"#)).await;
    let client = client(&server, client_credentials(&server).into());
    let error = call(&client).await.unwrap_err();
    match &error {
        Error::Token(TokenError::Endpoint { status, body }) => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(&body[..], br#"{"error":"invalid_client"}"#);
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("invalid_client"), "{error}");
    // The API was never called without a token.
    assert!(server.requests().iter().all(|r| r.path == "/oauth/token"));

    // A success that is not a token response: typed, and the body (it may hold a token) not kept.
    let server = Server::start(|_| Reply::json(200, r#"{"token":"SECRET"}"#)).await;
    let error = call(&self::client(&server, client_credentials(&server).into())).await.unwrap_err();
    assert!(matches!(&error, Error::Token(TokenError::Malformed { .. })), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("SECRET"));

    // An answer over the limit is not read whole.
    let server = Server::start(|_| Reply::generated(200, "application/json", 10 << 20, b' ')).await;
    let error = call(&self::client(&server, client_credentials(&server).into())).await.unwrap_err();
    assert!(matches!(&error, Error::Token(TokenError::TooLarge { .. })), "{error:?}");
}

/// A token endpoint that says "not now" is asked again under the client's retry policy — even
/// for a POST, which was never sent — and a refusal is not retried.
#[tokio::test]
async fn an_unavailable_token_endpoint_is_retried_a_refusal_is_not() {
    let token = AtomicU32::new(0);
    let server = Server::start(move |request| match request.path.as_str() {
        "/oauth/token" if token.fetch_add(1, Ordering::SeqCst) == 0 => Reply::empty(503),
        "/oauth/token" => Reply::json(200, r#"{"access_token":"tok","expires_in":3600}"#),
        _ => Reply::empty(201),
    })
    .await;
    let retrying = |server: &Server| {
        let policy = RetryPolicy { initial_backoff: std::time::Duration::from_millis(1), ..RetryPolicy::default() };
        Client::builder(&server.url())
            .credential(client_credentials(server))
            .default_security(SECURITY)
            .retry(policy)
            .build()
            .unwrap()
    };
    retrying(&server).post("/things", &[]).send_empty::<()>(&[]).await.unwrap();
    assert_eq!(token_requests(&server).len(), 2);
    assert_eq!(server.requests().iter().filter(|r| r.path == "/things").count(), 1);

    let server = Server::start(|_| Reply::json(401, r#"{"error":"invalid_client"}"#)).await;
    let error = retrying(&server).get("/things", &[]).send_empty::<()>(&[]).await.unwrap_err();
    assert!(matches!(error, Error::Token(TokenError::Endpoint { .. })), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn each_scope_set_the_operations_need_gets_its_token() {
    let server = server(3600, |_| true).await;
    let client = client(&server, client_credentials(&server).scopes(["default"]).into());
    let get = |scopes: &'static [&'static str]| client.get("/things", &[]).scopes(scopes).send_empty::<()>(&[]);
    get(&["write", "read"]).await.unwrap();
    get(&["read", "write"]).await.unwrap();
    get(&["read"]).await.unwrap();
    get(&[]).await.unwrap();
    let scopes: Vec<String> = token_requests(&server).iter().map(|r| field(r, "scope").unwrap()).collect();
    assert_eq!(scopes, ["read write", "read", "default"]);
}

#[tokio::test]
async fn a_refresh_token_is_exchanged_and_its_rotation_kept() {
    let issued = AtomicU32::new(0);
    let server = Server::start(move |request| {
        if request.path != "/oauth/token" {
            return Reply::empty(204);
        }
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        Reply::json(200, &format!(r#"{{"access_token":"tok-{n}","expires_in":1,"refresh_token":"r{}"}}"#, n + 1))
    })
    .await;
    // A relative token URL, as documents write them: resolved against the base URL.
    let flow = OAuth2::refresh_token("oauth", "/oauth/token", "public-app", "r1");
    let client = client(&server, flow.into());
    for _ in 0..3 {
        client.get("/things", &[]).send_empty::<()>(&[]).await.unwrap();
    }
    let fetches = token_requests(&server);
    let sent: Vec<(String, String, String)> = fetches
        .iter()
        .map(|r| (field(r, "grant_type").unwrap(), field(r, "refresh_token").unwrap(), field(r, "client_id").unwrap()))
        .collect();
    let expected = |r: &str| ("refresh_token".to_owned(), r.to_owned(), "public-app".to_owned());
    assert_eq!(sent, [expected("r1"), expected("r2"), expected("r3")]);
    assert!(fetches.iter().all(|r| r.header("authorization").is_none()));
}

#[tokio::test]
async fn an_access_token_given_first_is_used_until_refused() {
    let server = server(3600, |token| token != "given").await;
    let flow = OAuth2::refresh_token("oauth", "/oauth/token", "app", "r1")
        .client_secret("s")
        .secret_in_body()
        .access_token(AccessToken::new("given"));
    let client = client(&server, flow.into());
    assert_eq!(call(&client).await.unwrap()["token"], "tok-1");
    let fetch = &token_requests(&server)[0];
    assert_eq!(field(fetch, "client_secret").as_deref(), Some("s"));
    assert_eq!(fetch.header("authorization"), None);
}

/// A provider of the user's (a vault, a metadata service): asked on every attempt, told which
/// token was refused.
struct Vault {
    asked: Mutex<Vec<Option<String>>>,
}

impl TokenProvider for Vault {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let refused = request.rejected.map(|t| t.secret().to_owned());
            let mut asked = self.asked.lock().unwrap();
            asked.push(refused);
            Ok(AccessToken::new(format!("vault-{}", asked.len())))
        })
    }
}

#[tokio::test]
async fn a_provider_of_the_users_is_asked_and_told_of_a_refusal() {
    let server = server(0, |token| token == "vault-2").await;
    let vault = Arc::new(Vault { asked: Mutex::new(Vec::new()) });
    struct Shared(Arc<Vault>);
    impl TokenProvider for Shared {
        fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
            self.0.token(request)
        }
    }
    let client = client(&server, Credential::oauth2("oauth", Shared(Arc::clone(&vault))));
    assert_eq!(call(&client).await.unwrap()["token"], "vault-2");
    assert_eq!(*vault.asked.lock().unwrap(), [None, Some("vault-1".to_owned())]);

    // A provider's failure is a typed error, and nothing is sent.
    struct Down;
    impl TokenProvider for Down {
        fn token<'a>(&'a self, _: TokenRequest<'a>) -> TokenFuture<'a> {
            Box::pin(async { Err(TokenError::Provider("vault sealed".into())) })
        }
    }
    let server = self::server(0, |_| true).await;
    let error = call(&self::client(&server, Credential::oauth2("oauth", Down))).await.unwrap_err();
    assert!(matches!(&error, Error::Token(TokenError::Provider(m)) if m == "vault sealed"), "{error:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn debug_never_shows_a_secret() {
    let server = server(3600, |_| true).await;
    let flow = OAuth2::client_credentials("oauth", "/oauth/token", "app", "CLIENT-SECRET")
        .access_token(AccessToken::new("ACCESS"));
    let refresh = OAuth2::refresh_token("oauth", "/oauth/token", "app", "REFRESH").client_secret("CLIENT-SECRET");
    let credential: Credential = flow.clone().into();
    let client = client(&server, refresh.clone().into());
    call(&client).await.unwrap();
    let shown = format!("{flow:?} {flow:#?} {refresh:?} {credential:?} {client:?} {client:#?}");
    for secret in ["CLIENT-SECRET", "ACCESS", "REFRESH", "tok-1"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}
