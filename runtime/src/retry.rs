//! Sending with retries: which failures are worth another attempt, how long to wait, when to
//! stop. The defaults follow what trusted SDKs do: idempotent methods only, exponential backoff
//! with full jitter, `Retry-After` honoured, bounded attempts and a total deadline.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use http::{HeaderMap, StatusCode};
use reqwest::Method;
use tracing::Instrument;

use crate::error::Error;
use crate::middleware::{AttemptInfo, RequestInfo, SharedMiddleware};
use crate::oauth2::TokenError;
use crate::transport::{Failure, Mode, Received, Transport};

/// When and how a request is sent again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: never retry). Default 3.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled each time, with full jitter. Default 200 ms.
    pub initial_backoff: Duration,
    /// Longest backoff computed (a server's `Retry-After` may ask for more). Default 5 s.
    pub max_backoff: Duration,
    /// No new attempt starts, and no wait is begun, past this much time since the first.
    /// Default 60 s.
    pub total_deadline: Duration,
    /// Retry POST and PATCH too. Only safe when the API makes them idempotent (an idempotency
    /// key, say). Default false.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            total_deadline: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, whatever happens.
    pub fn never() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    /// Exponential backoff with full jitter: uniform in `[0, min(max, initial × 2^(attempt-1))]`.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling =
            self.initial_backoff.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1))).min(self.max_backoff);
        ceiling.mul_f64(jitter())
    }
}

/// Statuses that say "not now" rather than "no".
const RETRY_STATUSES: [StatusCode; 4] = [
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
    StatusCode::GATEWAY_TIMEOUT,
];

fn idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE)
}

/// What the retry loop sends with, handed to it so that it knows nothing of the client: the
/// transport, when to try again, and the middleware told of every attempt.
pub(crate) struct Attempts<'a> {
    pub transport: Transport<'a>,
    pub policy: &'a RetryPolicy,
    pub middleware: &'a [SharedMiddleware],
    /// The request carries an idempotency key: the server recognises a repeat, so `POST` and
    /// `PATCH` are as safe to send again as idempotent methods.
    pub keyed: bool,
}

impl Attempts<'_> {
    /// Sends the request `info` describes until an answer is final or the policy says stop.
    /// `build` makes each attempt's request afresh, credentials included (a body is consumed
    /// by sending it); `repeatable` says whether that body can be made again at all.
    pub(crate) async fn send<E, Fut>(
        &self,
        info: &RequestInfo,
        repeatable: bool,
        mode: Mode,
        build: impl Fn() -> Fut,
    ) -> Result<Received, Error<E>>
    where
        Fut: Future<Output = Result<reqwest::Request, Failure>>,
    {
        let policy = self.policy;
        // A body from a stream can be sent once only.
        let may_retry = (policy.retry_non_idempotent || self.keyed || idempotent(&info.method)) && repeatable;
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let span = tracing::debug_span!(
                "http_request",
                method = %info.method,
                path = info.path_template,
                attempt,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let attempt_started = Instant::now();
            let remaining = policy.total_deadline.saturating_sub(started.elapsed());
            let exchange = async {
                let request = build().await?;
                self.transport.exchange(request, mode).await
            };
            let outcome = tokio::time::timeout(remaining, exchange.instrument(span.clone())).await;
            let elapsed = attempt_started.elapsed();
            span.record("duration_ms", elapsed.as_millis() as u64);
            let outcome = match outcome {
                Ok(outcome) => outcome,
                Err(_) => return Err(Error::Deadline { attempts: attempt, elapsed: started.elapsed() }),
            };
            let (status, headers, transport) = match &outcome {
                Ok(received) => (Some(received.status()), Some(received.headers()), None),
                Err(Failure::TooLarge { status, headers, .. }) => (Some(*status), Some(headers), None),
                Err(Failure::Transport(error)) => (None, None, Some(error)),
                Err(Failure::Request(_) | Failure::Token(_)) => (None, None, None),
            };
            if let Some(status) = status {
                span.record("status", status.as_u16());
            }
            let report = AttemptInfo { attempt, status, headers, error: transport, elapsed };
            for middleware in self.middleware {
                middleware.on_attempt(info, &report);
            }
            // `Some(hint)`: worth another attempt, after `hint` if the server said how long.
            let retry = match &outcome {
                Ok(received) if RETRY_STATUSES.contains(&received.status()) => Some(retry_after(received.headers())),
                Err(Failure::Transport(error)) if transient(error) => Some(None),
                Err(Failure::Token(error)) if token_unavailable(error) => Some(None),
                _ => None,
            };
            // No token, nothing sent to the API: another attempt is safe whatever the method.
            let unsent = matches!(&outcome, Err(Failure::Token(_)));
            let delay = match retry {
                Some(hint) if (may_retry || unsent) && attempt < policy.max_attempts => {
                    hint.unwrap_or_else(|| policy.backoff(attempt))
                }
                _ => return self.finish(info, outcome),
            };
            if !within_deadline(started.elapsed(), delay, policy.total_deadline) {
                return self.finish(info, outcome);
            }
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, path = info.path_template, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The final outcome, after middleware has had its say on a whole response.
    fn finish<E>(&self, info: &RequestInfo, outcome: Result<Received, Failure>) -> Result<Received, Error<E>> {
        match outcome {
            Ok(Received::Whole(mut response)) => {
                for middleware in self.middleware {
                    middleware.on_response(info, &mut response);
                }
                Ok(Received::Whole(response))
            }
            Ok(live) => Ok(live),
            Err(failure) => Err(failure.into_error()),
        }
    }
}

/// A failure that another attempt may not meet: the connection, a timeout, a body cut short
/// (reqwest reports a body that ends early while it is read as a decode error: JSON is decoded
/// here, not by reqwest, so its decode errors are all of that kind).
fn transient(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request() || error.is_body() || error.is_decode()
}

/// A token endpoint that said "not now" (429, 502, 503, 504) or could not be reached for a
/// reason that may pass.
fn token_unavailable(error: &TokenError) -> bool {
    match error {
        TokenError::Endpoint { status, .. } => RETRY_STATUSES.contains(status),
        TokenError::Transport(error) => transient(error),
        _ => false,
    }
}

/// Whether waiting `delay` more after `elapsed` stays within `deadline`. A server's
/// `Retry-After` may ask for any number of seconds: the sum is checked, never overflowing.
pub fn within_deadline(elapsed: Duration, delay: Duration, deadline: Duration) -> bool {
    elapsed.checked_add(delay).is_some_and(|end| end <= deadline)
}

/// `Retry-After` as a delay: delta-seconds or an HTTP-date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1): xorshift over the clock and a counter. Jitter only needs to spread
/// clients apart, not to be unpredictable.
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
    let mut x = seed ^ STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        for attempt in 1..10 {
            let ceiling = (Duration::from_millis(200) * 2u32.pow(attempt - 1)).min(Duration::from_secs(5));
            for _ in 0..50 {
                assert!(policy.backoff(attempt) <= ceiling);
            }
        }
        // No overflow however many attempts.
        assert!(policy.backoff(u32::MAX) <= Duration::from_secs(5));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        headers.insert(http::header::RETRY_AFTER, later.parse().unwrap());
        let delay = retry_after(&headers).unwrap();
        assert!(delay > Duration::from_secs(27) && delay <= Duration::from_secs(30), "{delay:?}");
        headers.insert(http::header::RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    /// `Retry-After: 18446744073709551615` made the deadline check add two durations and panic.
    #[test]
    fn a_retry_after_of_any_size_is_past_the_deadline_not_a_panic() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, u64::MAX.to_string().parse().unwrap());
        let delay = retry_after(&headers).unwrap();
        assert!(!within_deadline(Duration::from_secs(1), delay, Duration::from_secs(60)));
        assert!(within_deadline(Duration::from_secs(1), Duration::from_secs(59), Duration::from_secs(60)));
        assert!(!within_deadline(Duration::from_secs(1), Duration::from_secs(60), Duration::from_secs(60)));
    }

    #[test]
    fn only_idempotent_methods_retry_by_default() {
        for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::PUT, Method::DELETE] {
            assert!(idempotent(&method), "{method}");
        }
        assert!(!idempotent(&Method::POST) && !idempotent(&Method::PATCH));
    }
}
