//! [`CallOptions`]: what one call (or every call of a client view) may set beside the
//! operation's own arguments — a timeout, extra headers and query parameters, a retry policy, a
//! body limit, an idempotency key. One value instead of a method per combination; a client takes
//! it with [`Client::with_options`](crate::Client::with_options), so generated operations stay
//! one call into the runtime and their signatures do not change.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::retry::RetryPolicy;

/// Options for the calls made through a client view:
/// `client.with_options(CallOptions::new().timeout(Duration::from_secs(5)).header("x-trace", "1"))`.
///
/// Unset options keep the client's settings. `Debug` shows the names of extra headers, never
/// their values (one may carry a token).
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) headers: HeaderMap,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) body_limit: Option<usize>,
    pub(crate) idempotency_key: Option<String>,
    /// The first option that cannot be sent (a header name or value HTTP refuses): reported by
    /// every call made with these options, never dropped silently.
    pub(crate) error: Option<String>,
}

impl CallOptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Time allowed for a whole request, connection included, replacing the client's for these
    /// calls. A streamed response is bounded per read by the client's timeout, as before.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A header sent with each call, replacing one of the same name the operation sets.
    /// A name or value a header cannot carry makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(_), _) => self.fail(format!("call option: `{name}` is not a valid header name")),
            (_, Err(_)) => self
                .fail(format!("call option: the value of header `{name}` contains characters a header cannot carry")),
        }
        self
    }

    /// A query parameter added after the operation's own, percent-encoded.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Another retry policy for these calls ([`RetryPolicy::never`] for none).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// One attempt, whatever happens: `retry(RetryPolicy::never())`.
    pub fn no_retry(self) -> Self {
        self.retry(RetryPolicy::never())
    }

    /// The most a response body may hold in memory for these calls.
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = Some(limit);
        self
    }

    /// The idempotency key to send, in the header the operation declares for it (or
    /// `Idempotency-Key` when it declares none). With a key, `POST` and `PATCH` are retried like
    /// idempotent methods, every attempt carrying the same key. Without one, an operation that
    /// declares such a header gets a new random key per call.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// `later` applied over these: its settings win, its headers replace these of the same name,
    /// its query parameters come after these.
    pub(crate) fn merged(mut self, later: CallOptions) -> CallOptions {
        self.timeout = later.timeout.or(self.timeout);
        let mut name = None;
        for (next, value) in later.headers {
            // `HeaderMap`'s iterator names only the first of several values of one header.
            if next.is_some() {
                name = next;
                if let Some(name) = &name {
                    self.headers.remove(name);
                }
            }
            if let Some(name) = &name {
                self.headers.append(name.clone(), value);
            }
        }
        self.query.extend(later.query);
        self.retry = later.retry.or(self.retry);
        self.body_limit = later.body_limit.or(self.body_limit);
        self.idempotency_key = later.idempotency_key.or(self.idempotency_key);
        if self.error.is_none() {
            self.error = later.error;
        }
        self
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("headers", &header_names)
            .field("query", &self.query.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>())
            .field("retry", &self.retry)
            .field("body_limit", &self.body_limit)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_options_win_and_headers_are_replaced_by_name() {
        let first = CallOptions::new().header("x-a", "1").header("x-b", "1").query("q", "1").body_limit(10);
        let second = CallOptions::new().header("x-a", "2").header("x-a", "3").query("q", "2").timeout(Duration::ZERO);
        let merged = first.merged(second);
        let a: Vec<_> = merged.headers.get_all("x-a").iter().collect();
        assert_eq!(a, ["2", "3"]);
        assert_eq!(merged.headers.get("x-b").unwrap(), "1");
        assert_eq!(merged.query, [("q".to_owned(), "1".to_owned()), ("q".to_owned(), "2".to_owned())]);
        assert_eq!((merged.body_limit, merged.timeout), (Some(10), Some(Duration::ZERO)));
    }

    #[test]
    fn a_header_that_cannot_be_sent_is_kept_as_an_error() {
        assert!(CallOptions::new().header("x", "a\nb").error.unwrap().contains("`x`"));
        assert!(CallOptions::new().header("bad name", "v").error.unwrap().contains("`bad name`"));
    }

    #[test]
    fn debug_shows_header_names_not_values() {
        let shown = format!("{:?}", CallOptions::new().header("authorization", "Bearer SECRET").query("sig", "SECRET"));
        assert!(shown.contains("authorization") && shown.contains("sig") && !shown.contains("SECRET"), "{shown}");
    }
}
