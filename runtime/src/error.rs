//! Errors that keep what the server said.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// What can go wrong with a call. `E` is the typed error body the operation declares
/// (`serde_json::Value` when it declares none).
#[derive(Debug, thiserror::Error)]
pub enum Error<E = serde_json::Value> {
    /// The server answered with a status that is not a success.
    #[error("{0}")]
    Status(Box<ApiError<E>>),
    /// A success response whose body does not match the type the document declares.
    #[error("{0}")]
    Decode(DecodeError),
    /// The request could not be built: a bad base URL, a path or header value that cannot be
    /// sent as it is, a body that does not serialize.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The server could not be reached, or the exchange broke off (connect, TLS, timeout, reset),
    /// after the retries the policy allows.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// No OAuth2 access token could be had: the token endpoint's status and body are kept.
    #[error("{0}")]
    Token(#[source] crate::oauth2::TokenError),
    /// The retry policy's total deadline passed before an answer came.
    #[error("no answer within the deadline after {attempts} attempt(s) ({elapsed:.1?})")]
    Deadline { attempts: u32, elapsed: std::time::Duration },
    /// A body longer than the client (or the call) allows to buffer, or a single stream item (an
    /// event, a line) longer than that: reading stopped there, the rest was not read.
    #[error("the HTTP {} response {what} is over the limit of {limit} bytes", status.as_u16())]
    TooLarge {
        /// The limit in bytes ([`ClientBuilder::body_limit`](crate::ClientBuilder::body_limit)).
        limit: usize,
        /// `body`, `event` or `line`.
        what: &'static str,
        status: StatusCode,
        headers: Box<HeaderMap>,
    },
    /// Walking the pages of a list stopped: the server gave a cursor it had given before (which
    /// would loop forever), or a next page on another host (which is not followed).
    #[error("pagination stopped: {0}")]
    Pagination(String),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::TooLarge { status, .. } => Some(*status),
            Error::InvalidRequest(_)
            | Error::Transport(_)
            | Error::Token(_)
            | Error::Deadline { .. }
            | Error::Pagination(_) => None,
        }
    }
}

/// A non-success response, kept whole.
pub struct ApiError<E> {
    pub status: StatusCode,
    /// Every response header.
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Bytes,
    /// The body decoded as the type the document declares for this status, when it declares one
    /// and the body matches it.
    pub typed: Option<E>,
    /// What the document says this status means.
    pub description: Option<&'static str>,
}

impl<E> ApiError<E> {
    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("description", &self.description)
            .field("headers", &self.headers)
            .field("body", &excerpt(&self.body))
            .field("typed", &self.typed)
            .finish()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        if let Some(description) = self.description {
            write!(f, ": {description}")?;
        }
        if !self.body.is_empty() {
            write!(f, " (body: {})", excerpt(&self.body))?;
        }
        Ok(())
    }
}

/// A success body that does not decode as the expected type.
#[derive(Debug, thiserror::Error)]
#[error("could not decode the HTTP {} response body as {type_name}: {message}; body starts with: {excerpt}", status.as_u16())]
pub struct DecodeError {
    /// The Rust type the body should have been.
    pub type_name: &'static str,
    /// serde's explanation, with line and column.
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// The start of the body, lossily decoded.
    pub excerpt: String,
    pub status: StatusCode,
}

impl DecodeError {
    pub(crate) fn new(
        type_name: &'static str,
        message: String,
        line: usize,
        column: usize,
        status: StatusCode,
        body: &[u8],
    ) -> Self {
        DecodeError { type_name, message, line, column, excerpt: excerpt(body), status }
    }
}

const EXCERPT_CHARS: usize = 200;

/// The first characters of a body, cut on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() || body.len() > head.len() {
        out.push('…');
    }
    out
}

/// A non-success status an operation declares: for `Display`, and to know when to decode `E`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorStatus {
    /// `None` for the document's `default` response.
    pub status: Option<u16>,
    pub description: &'static str,
    /// The document declares a JSON body for it: decode it as the operation's error type.
    pub typed: bool,
}

impl ErrorStatus {
    pub const fn new(status: u16, description: &'static str) -> Self {
        ErrorStatus { status: Some(status), description, typed: false }
    }

    pub const fn typed(status: u16, description: &'static str) -> Self {
        ErrorStatus { status: Some(status), description, typed: true }
    }

    pub const fn default_untyped(description: &'static str) -> Self {
        ErrorStatus { status: None, description, typed: false }
    }

    pub const fn default_typed(description: &'static str) -> Self {
        ErrorStatus { status: None, description, typed: true }
    }

    /// The entry for `status`: its own, else the `default` one.
    pub(crate) fn find(errors: &[ErrorStatus], status: u16) -> Option<&ErrorStatus> {
        errors.iter().find(|e| e.status == Some(status)).or_else(|| errors.iter().find(|e| e.status.is_none()))
    }
}

/// A call's result: `E` is the operation's typed error body.
pub type Result<T, E = serde_json::Value> = std::result::Result<T, Error<E>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_bounded_and_char_safe() {
        assert_eq!(excerpt(b"short"), "short");
        let long = "é".repeat(500);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(&[0xff, 0xfe]), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn api_error_display_says_status_reason_and_description() {
        let error: ApiError<()> = ApiError {
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{\"message\":\"no\"}"),
            typed: None,
            description: Some("Resource not found"),
        };
        assert_eq!(error.to_string(), "HTTP 404 Not Found: Resource not found (body: {\"message\":\"no\"})");
    }
}
