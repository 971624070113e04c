//! The hook point on every call: the [`Middleware`] trait and what it is shown of a request
//! ([`RequestInfo`]) and of each attempt ([`AttemptInfo`]).
//!
//! What middleware is given is chosen so that it never holds a credential: the request it may
//! change is handed over before credentials are added, and the infos carry none.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use reqwest::Method;

use crate::response::RawResponse;

/// What a request is, for middleware and logs: never its credentials.
#[derive(Clone, Debug)]
pub struct RequestInfo {
    pub method: Method,
    /// The document's path (`/job/{jobId}/secret`): low-cardinality, no identifiers in it.
    pub path_template: &'static str,
}

/// How one attempt ended.
#[derive(Debug)]
pub struct AttemptInfo<'a> {
    /// 1 for the first.
    pub attempt: u32,
    pub status: Option<StatusCode>,
    pub headers: Option<&'a HeaderMap>,
    /// The transport error, when there was no response.
    pub error: Option<&'a reqwest::Error>,
    pub elapsed: Duration,
}

/// Observes and changes requests and responses: add a request id, log, measure.
///
/// `on_request` runs once, before credentials are added, so a hook that logs the request can
/// never log a credential.
pub trait Middleware: Send + Sync + 'static {
    /// Once per call, before credentials are added.
    fn on_request(&self, _request: &mut reqwest::Request, _info: &RequestInfo) {}
    /// After every attempt, retried or not.
    fn on_attempt(&self, _info: &RequestInfo, _attempt: &AttemptInfo<'_>) {}
    /// Once per call, on the response that will be decoded: it may be changed.
    fn on_response(&self, _info: &RequestInfo, _response: &mut RawResponse) {}
}

/// Middleware as stored by the client.
pub(crate) type SharedMiddleware = Arc<dyn Middleware>;
