//! [`ClientState`]: what every request of one client shares. The client builds it and hands
//! it out; the request builder reads it. Kept apart from both so that neither has to reach into
//! the other.

use std::time::Duration;

use crate::auth::{Credential, Security};
use crate::middleware::SharedMiddleware;
use crate::options::CallOptions;
use crate::retry::RetryPolicy;

/// Behind an `Arc` in every [`Client`](crate::Client); cloned only to make a variant of a client.
#[derive(Clone)]
pub(crate) struct ClientState {
    pub base_url: String,
    pub http: reqwest::Client,
    pub credentials: Vec<Credential>,
    /// `None` until a builder or [`Client::or_default_security`](crate::Client::or_default_security)
    /// sets it; requests then need nothing.
    pub default_security: Option<Security>,
    pub user_agent: String,
    pub retry: RetryPolicy,
    pub middleware: Vec<SharedMiddleware>,
    /// The most a response body (or one event, or one line of a stream) may hold in memory.
    pub body_limit: usize,
    /// Time allowed for a whole response, set on each request; `None` with a `reqwest::Client`
    /// of the user's, whose own timeouts apply.
    pub request_timeout: Option<Duration>,
    /// What [`Client::with_options`](crate::Client::with_options) adds to each request: extra
    /// headers and query parameters, an idempotency key. Empty for a client as built.
    pub call: CallOptions,
}
