//! A success body together with its status and headers: `op(…).with_meta().await?` gives a
//! [`Response`] for any operation, without a second method per operation or a new signature.
//!
//! How: while [`WithMetaFuture`] polls the call, it keeps a slot on a thread-local stack; the
//! request path puts the final response's status and headers in the top slot (the call runs
//! inside that poll, on that thread, as tokio's task-locals work). Calls made without
//! `with_meta` find the stack empty and copy nothing.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};

use http::{HeaderMap, StatusCode};

use crate::error::Error;

/// A success body with the status and headers it came with.
#[derive(Clone, Debug)]
pub struct Response<T> {
    pub status: StatusCode,
    /// Every response header (rate limits, `ETag`, `Location`, request ids…).
    pub headers: HeaderMap,
    pub body: T,
}

/// A header's value that does not parse as the type asked for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("response header `{name}` is {value:?}, not a {expected}")]
pub struct InvalidHeader {
    pub name: String,
    pub value: String,
    pub expected: &'static str,
}

impl<T> Response<T> {
    /// The first value of header `name` as text; `None` when absent or not visible ASCII.
    pub fn header_text(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first value of header `name` parsed as `H` (`response.header::<u32>("x-ratelimit-remaining")`):
    /// `Ok(None)` when absent, an error naming the header when it does not parse.
    pub fn header<H: FromStr>(&self, name: &str) -> Result<Option<H>, InvalidHeader> {
        let Some(value) = self.headers.get(name) else { return Ok(None) };
        let invalid = || InvalidHeader {
            name: name.to_owned(),
            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            expected: std::any::type_name::<H>(),
        };
        let text = value.to_str().map_err(|_| invalid())?;
        text.trim().parse().map(Some).map_err(|_| invalid())
    }

    /// The body, the status and headers dropped.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// `.with_meta()` on any call: the body comes back in a [`Response`] with its status and headers.
pub trait WithMeta: Sized {
    fn with_meta(self) -> WithMetaFuture<Self>;
}

impl<F, T, E> WithMeta for F
where
    F: Future<Output = Result<T, Error<E>>>,
{
    fn with_meta(self) -> WithMetaFuture<Self> {
        WithMetaFuture { inner: self, seen: None }
    }
}

pin_project_lite::pin_project! {
    /// The future [`WithMeta::with_meta`] returns.
    pub struct WithMetaFuture<F> {
        #[pin]
        inner: F,
        seen: Option<(StatusCode, HeaderMap)>,
    }
}

impl<F: fmt::Debug> fmt::Debug for WithMetaFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithMetaFuture").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl<F, T, E> Future for WithMetaFuture<F>
where
    F: Future<Output = Result<T, Error<E>>>,
{
    type Output = Result<Response<T>, Error<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let slot = Slot::push();
        let polled = this.inner.poll(cx);
        if let Some(seen) = slot.pop() {
            *this.seen = Some(seen);
        }
        match polled {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Ready(Ok(body)) => Poll::Ready(match this.seen.take() {
                Some((status, headers)) => Ok(Response { status, headers, body }),
                None => Err(Error::InvalidRequest("`with_meta` on a future that made no HTTP request".into())),
            }),
        }
    }
}

/// This poll's slot on the stack; popped when taken, or when a panic unwinds past it.
struct Slot {
    popped: bool,
}

impl Slot {
    fn push() -> Slot {
        SLOTS.with(|slots| slots.borrow_mut().push(None));
        Slot { popped: false }
    }

    fn pop(mut self) -> Option<(StatusCode, HeaderMap)> {
        self.popped = true;
        SLOTS.with(|slots| slots.borrow_mut().pop()).flatten()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.popped {
            SLOTS.with(|slots| slots.borrow_mut().pop());
        }
    }
}

thread_local! {
    static SLOTS: RefCell<Vec<Option<(StatusCode, HeaderMap)>>> = const { RefCell::new(Vec::new()) };
}

/// Called by the request path with the response a call ends on; copies the headers only when a
/// `with_meta` is waiting for them.
pub(crate) fn record(status: StatusCode, headers: &HeaderMap) {
    SLOTS.with(|slots| {
        if let Some(top) = slots.borrow_mut().last_mut() {
            *top = Some((status, headers.clone()));
        }
    });
}
