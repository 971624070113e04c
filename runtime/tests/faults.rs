//! Faults injected by a real server on 127.0.0.1: each ends in success after a retry or in a
//! clear typed error, never in a panic; a POST is never sent twice unless asked.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apigen_runtime::{AttemptInfo, Client, Credential, Error, Method, Middleware, RequestInfo, RetryPolicy};
use testkit::{Reply, Server};

mod common;
use common::fast;

fn client(server: &Server, policy: RetryPolicy) -> Client {
    Client::builder(&server.url()).retry(policy).timeout(Duration::from_millis(500)).build().unwrap()
}

async fn get_json(client: &Client) -> Result<serde_json::Value, Error> {
    client.request(Method::GET, "/things", &[]).send_json(&[]).await
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let server = Server::scripted(vec![Reply::Close, Reply::json(200, r#"{"ok":true}"#)]).await;
    assert_eq!(get_json(&client(&server, fast())).await.unwrap(), serde_json::json!({"ok": true}));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_stall_past_the_timeout_is_retried_then_reported() {
    let stall = || Reply::Delay(Duration::from_secs(3), Box::new(Reply::json(200, "{}")));
    let server = Server::scripted(vec![stall(), Reply::json(200, r#"{"n":1}"#)]).await;
    assert_eq!(get_json(&client(&server, fast())).await.unwrap()["n"], 1);

    let server = Server::scripted(vec![stall(), stall(), stall()]).await;
    let error = get_json(&client(&server, fast())).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(e) if e.is_timeout()), "{error:?}");
    assert_eq!(server.requests().len(), 3);

    // The total deadline bounds the whole call, however many attempts remain.
    let server = Server::scripted(vec![stall(), stall(), stall()]).await;
    let policy = RetryPolicy { total_deadline: Duration::from_millis(300), ..fast() };
    let started = Instant::now();
    let error = get_json(&client(&server, policy)).await.unwrap_err();
    assert!(matches!(error, Error::Deadline { attempts: 1, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(450));
}

#[tokio::test]
async fn unavailable_twice_then_ok() {
    let server = Server::scripted(vec![Reply::empty(503), Reply::empty(503), Reply::json(200, "[1]")]).await;
    assert_eq!(get_json(&client(&server, fast())).await.unwrap(), serde_json::json!([1]));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = Server::start(|_| Reply::empty(502)).await;
    let error = get_json(&client(&server, fast())).await.unwrap_err();
    assert!(matches!(&error, Error::Status(e) if e.status == 502), "{error:?}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    let server =
        Server::scripted(vec![Reply::empty(429).with_header("retry-after", "1"), Reply::json(200, "{}")]).await;
    let started = Instant::now();
    get_json(&client(&server, fast())).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());

    let date = httpdate_in(Duration::from_secs(2));
    let server =
        Server::scripted(vec![Reply::empty(503).with_header("retry-after", &date), Reply::json(200, "{}")]).await;
    let started = Instant::now();
    get_json(&client(&server, fast())).await.unwrap();
    // An HTTP-date has whole seconds: at least one of the two has passed.
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());

    // A wait longer than the deadline allows is not begun: the 429 is the answer.
    let server = Server::scripted(vec![Reply::empty(429).with_header("retry-after", "120")]).await;
    let error = get_json(&client(&server, fast())).await.unwrap_err();
    assert!(matches!(&error, Error::Status(e) if e.status == 429), "{error:?}");
}

fn httpdate_in(delay: Duration) -> String {
    // RFC 7231 IMF-fixdate, computed here to keep the test independent of the runtime's parser.
    let secs = (std::time::SystemTime::now() + delay).duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let days = secs / 86400;
    let (h, m, s) = (secs % 86400 / 3600, secs % 3600 / 60, secs % 60);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(month - 1) as usize];
    format!("{weekday}, {day:02} {name} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[tokio::test]
async fn a_truncated_body_is_retried_or_reported() {
    let truncated =
        || Reply::Raw("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"a\":".into());
    let server = Server::scripted(vec![truncated(), Reply::json(200, r#"{"a":1}"#)]).await;
    assert_eq!(get_json(&client(&server, fast())).await.unwrap()["a"], 1);

    let server = Server::scripted(vec![truncated()]).await;
    let error = get_json(&client(&server, RetryPolicy::never())).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn bad_payloads_are_decode_errors_not_retries() {
    let server = Server::scripted(vec![
        Reply::json(200, r#"{"a": tru"#),
        Reply::text(200, "text/html", "<!DOCTYPE html><html><body>Maintenance</body></html>"),
    ])
    .await;
    let client = client(&server, fast());
    let error = get_json(&client).await.unwrap_err();
    assert!(matches!(&error, Error::Decode(d) if d.excerpt == r#"{"a": tru"#), "{error:?}");
    let error = get_json(&client).await.unwrap_err();
    assert!(matches!(&error, Error::Decode(d) if d.excerpt.starts_with("<!DOCTYPE html>")), "{error:?}");
    assert!(error.to_string().contains("Maintenance"), "{error}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_twenty_megabyte_body_is_read_whole() {
    let big = "x".repeat(20 * 1024 * 1024);
    let body = format!("[\"{big}\"]");
    let server = Server::scripted(vec![Reply::json(200, &body)]).await;
    let client = Client::builder(&server.url()).build().unwrap();
    let value: Vec<String> =
        client.request(Method::GET, "/big", &[]).send_json::<_, serde_json::Value>(&[]).await.unwrap();
    assert_eq!(value[0].len(), big.len());
}

#[tokio::test]
async fn the_content_type_does_not_decide_how_json_is_read() {
    // A server that labels JSON `text/plain` still gets its JSON read; the type decides.
    let server = Server::scripted(vec![Reply::text(200, "text/plain", r#"{"a":1}"#)]).await;
    assert_eq!(get_json(&client(&server, fast())).await.unwrap()["a"], 1);
}

#[tokio::test]
async fn unknown_statuses_are_kept() {
    let server = Server::scripted(vec![Reply::text(599, "text/plain", "odd"), Reply::json(299, r#"{"a":2}"#)]).await;
    let client = client(&server, fast());
    let error = get_json(&client).await.unwrap_err();
    assert!(matches!(&error, Error::Status(e) if e.status == 599 && e.body_text() == "odd"), "{error:?}");
    assert_eq!(get_json(&client).await.unwrap()["a"], 2);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_post_is_sent_once_unless_the_caller_opts_in() {
    let server = Server::start(|_| Reply::empty(503)).await;
    let post = |client: Client| async move {
        client
            .request(Method::POST, "/secrets", &[])
            .json(&serde_json::json!({"key": "K"}))
            .send_empty::<serde_json::Value>(&[])
            .await
    };
    let error = post(client(&server, fast())).await.unwrap_err();
    assert!(matches!(&error, Error::Status(e) if e.status == 503), "{error:?}");
    assert_eq!(server.requests().len(), 1);

    let server = Server::scripted(vec![Reply::Close]).await;
    assert!(matches!(post(client(&server, fast())).await.unwrap_err(), Error::Transport(_)));
    assert_eq!(server.requests().len(), 1);

    let server = Server::scripted(vec![Reply::empty(503), Reply::empty(204)]).await;
    post(client(&server, RetryPolicy { retry_non_idempotent: true, ..fast() })).await.unwrap();
    let bodies: Vec<String> = server.requests().iter().map(|r| r.body_text()).collect();
    assert_eq!(bodies, [r#"{"key":"K"}"#, r#"{"key":"K"}"#]);
}

/// Adds a request id, records what it saw and every attempt.
#[derive(Default)]
struct Recorder {
    seen_authorization: Mutex<Vec<Option<String>>>,
    attempts: AtomicU32,
    statuses: Mutex<Vec<Option<u16>>>,
}

struct Hook(Arc<Recorder>);

impl Middleware for Hook {
    fn on_request(&self, request: &mut apigen_runtime::reqwest::Request, info: &RequestInfo) {
        request.headers_mut().insert("x-request-id", "req-1".parse().unwrap());
        let auth = request.headers().get("authorization").map(|v| v.to_str().unwrap_or("?").to_owned());
        self.0.seen_authorization.lock().unwrap().push(auth);
        assert_eq!(info.path_template, "/things");
    }

    fn on_attempt(&self, _info: &RequestInfo, attempt: &AttemptInfo<'_>) {
        self.0.attempts.fetch_add(1, Ordering::SeqCst);
        self.0.statuses.lock().unwrap().push(attempt.status.map(|s| s.as_u16()));
    }

    fn on_response(&self, _info: &RequestInfo, response: &mut apigen_runtime::RawResponse) {
        // A hook may rewrite what gets decoded: here, unwrap an `{"data": …}` envelope.
        if let Ok(serde_json::Value::Object(mut envelope)) = serde_json::from_slice(&response.body) {
            if let Some(inner) = envelope.remove("data") {
                response.body = serde_json::to_vec(&inner).unwrap().into();
            }
        }
    }
}

#[tokio::test]
async fn middleware_sees_each_request_without_credentials_and_every_attempt() {
    let server = Server::scripted(vec![Reply::empty(503), Reply::json(200, r#"{"data": {"id": 7}}"#)]).await;
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder(&server.url())
        .credential(Credential::bearer("bearer", "tok-SECRET"))
        .middleware(Hook(Arc::clone(&recorder)))
        .retry(fast())
        .build()
        .unwrap();
    let value = client
        .request(Method::GET, "/things", &[])
        .security(&[&["bearer"]])
        .send_json::<serde_json::Value, serde_json::Value>(&[])
        .await
        .unwrap();
    assert_eq!(value, serde_json::json!({"id": 7}));
    assert_eq!(*recorder.seen_authorization.lock().unwrap(), [None]);
    assert_eq!(recorder.attempts.load(Ordering::SeqCst), 2);
    assert_eq!(*recorder.statuses.lock().unwrap(), [Some(503), Some(200)]);
    for request in server.requests() {
        assert_eq!(request.header("x-request-id"), Some("req-1"));
        assert_eq!(request.header("authorization"), Some("Bearer tok-SECRET"));
    }
}
