//! What a hostile or broken server sends that once made the client panic, over a real socket on
//! 127.0.0.1. Each test is named after what it guards; the fuzzer of `cargo xtask fuzz` found
//! or generalises each.

use apigen_runtime::{Client, Error, RetryPolicy};
use testkit::{Reply, Server};

/// `Retry-After: 18446744073709551615` on a 503 made the retry loop add it to the time spent
/// and panic on the overflow. A wait past the total deadline is no retry: the 503 is the answer.
#[tokio::test]
async fn a_retry_after_of_any_size_ends_in_the_status_not_a_panic() {
    let server = Server::scripted(vec![
        Reply::text(503, "text/plain", "busy").with_header("retry-after", &u64::MAX.to_string()),
        Reply::text(503, "text/plain", "busy").with_header("retry-after", "99999999999999999999999"),
        Reply::text(503, "text/plain", "busy").with_header("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ])
    .await;
    let client =
        Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::default()).build().unwrap();
    let busy = || async { client.get("/busy", &[]).send_text::<serde_json::Value>(&[]).await.unwrap_err() };
    let error = busy().await;
    assert!(matches!(&error, Error::Status(e) if e.status.as_u16() == 503), "{error:?}");
    assert_eq!(server.requests().len(), 1, "a wait past the deadline is no retry");
    // More seconds than u64 holds is no hint at all: the client retries after its own backoff,
    // and meets a date 8,000 years ahead, past the deadline too.
    let error = busy().await;
    assert!(matches!(&error, Error::Status(e) if e.status.as_u16() == 503), "{error:?}");
    assert_eq!(server.requests().len(), 3);
}
