//! A response read whole ([`RawResponse`]), and how its body becomes a value or an error.
//!
//! Its own module because middleware, the transport and the request builder all handle one,
//! and none of them should have to depend on another to name it.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError, Error, ErrorStatus};

/// A response of any status, body read.
#[derive(Debug)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    /// The body decoded as JSON `T`; the error names `T` and shows the start of the body.
    pub fn json<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::Decode(DecodeError::new(
                std::any::type_name::<T>(),
                e.to_string(),
                e.line(),
                e.column(),
                self.status,
                &self.body,
            ))
        })
    }

    /// The body as UTF-8 text.
    pub fn text<E>(&self) -> Result<String, Error<E>> {
        String::from_utf8(self.body.to_vec()).map_err(|e| {
            Error::Decode(DecodeError::new("String", format!("invalid UTF-8: {e}"), 0, 0, self.status, &self.body))
        })
    }

    /// The error for a non-success status, with the declared description and typed body.
    pub fn into_error<E: DeserializeOwned>(self, errors: &[ErrorStatus]) -> Error<E> {
        let declared = ErrorStatus::find(errors, self.status.as_u16());
        let typed = declared.filter(|d| d.typed).and_then(|_| serde_json::from_slice(&self.body).ok());
        Error::Status(Box::new(ApiError {
            status: self.status,
            headers: self.headers,
            body: self.body,
            typed,
            description: declared.map(|d| d.description),
        }))
    }
}

impl fmt::Display for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} ({} bytes)", self.status.as_u16(), self.body.len())
    }
}
