//! One exchange over the wire: a built request sent, its response read whole (within the body
//! limit) or left to be streamed. No retries, no credentials, no middleware: those are decided
//! around it.

use http::{HeaderMap, StatusCode};

use crate::error::Error;
use crate::response::RawResponse;
use crate::stream::Live;

/// How much of a response to read before returning it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The whole body, up to the client's limit.
    Whole,
    /// A success body is left to be read as a stream; any other is read whole.
    Live,
}

/// A response as [`Transport::exchange`] returns it.
pub(crate) enum Received {
    Whole(RawResponse),
    Live(Live),
}

impl Received {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Received::Whole(response) => response.status,
            Received::Live(live) => live.status,
        }
    }

    pub(crate) fn headers(&self) -> &HeaderMap {
        match self {
            Received::Whole(response) => &response.headers,
            Received::Live(live) => &live.headers,
        }
    }
}

/// Why an attempt got no usable response.
pub(crate) enum Failure {
    Transport(reqwest::Error),
    TooLarge {
        limit: usize,
        status: StatusCode,
        headers: HeaderMap,
    },
    /// The request could not be built (a file that cannot be read, a credential a header
    /// cannot carry).
    Request(String),
    /// No access token could be had for it.
    Token(crate::oauth2::TokenError),
}

impl Failure {
    /// The error the caller sees once no attempt is left.
    pub(crate) fn into_error<E>(self) -> Error<E> {
        match self {
            Failure::Transport(error) => Error::Transport(error),
            Failure::Request(message) => Error::InvalidRequest(message),
            Failure::Token(error) => Error::Token(error),
            Failure::TooLarge { limit, status, headers } => {
                Error::TooLarge { limit, what: "body", status, headers: Box::new(headers) }
            }
        }
    }
}

/// The HTTP client and how much of a body it may buffer: all an exchange needs of the client
/// it is made for.
#[derive(Clone, Copy)]
pub(crate) struct Transport<'a> {
    pub http: &'a reqwest::Client,
    pub body_limit: usize,
}

impl Transport<'_> {
    pub(crate) async fn exchange(self, request: reqwest::Request, mode: Mode) -> Result<Received, Failure> {
        let limit = self.body_limit;
        let mut response = self.http.execute(request).await.map_err(Failure::Transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        if mode == Mode::Live && status.is_success() {
            return Ok(Received::Live(Live { status, headers, response }));
        }
        // What the server declares is refused before a byte of it is read; what it sends beyond
        // the limit stops the reading.
        let too_large = |headers: HeaderMap| Failure::TooLarge { limit, status, headers };
        if response.content_length().is_some_and(|length| length > limit as u64) {
            return Err(too_large(headers));
        }
        let mut body = bytes::BytesMut::with_capacity(response.content_length().map_or(0, |l| l as usize));
        while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large(headers));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Received::Whole(RawResponse { status, headers, body: body.freeze() }))
    }
}
