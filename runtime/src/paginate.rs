//! Walking the pages of a list: [`Pages`] asks for one page at a time, each with the first
//! request's arguments and the next page's cursor, offset or URL, and [`Items`] yields what the
//! pages hold, one item at a time. Nothing is fetched before it is asked for, and no more than
//! one page is held: a caller that stops early never pays for the pages it did not read.
//!
//! How the next page is asked for is a [`Paging`], which generated code writes from what the
//! document declares: a cursor the page gives back, sent as a query parameter; a URL in the
//! body or in the `Link` header; an offset or a page number advanced by what came.

use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use http::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorStatus};
use crate::request::RequestBuilder;

/// How the request for the next page is made from the page before it.
pub struct Paging<P> {
    how: How<P>,
    /// Query parameters sent with the first page only.
    first_only: &'static [&'static str],
}

enum How<P> {
    /// The page's cursor, sent back as query parameter `param`.
    Cursor { param: &'static str, next: fn(&P) -> Option<String> },
    /// A URL the page's body gives.
    NextUrl(fn(&P) -> Option<String>),
    /// The `Link` header's `rel="next"` URL.
    LinkHeader,
    /// Query parameter `param` advanced by the items received (an offset) or by one (a page
    /// number); `size` is the parameter that holds the page size, when there is one.
    Counted { param: &'static str, size: Option<&'static str>, progress: fn(&P) -> Progress, by: Advance },
}

#[derive(Clone, Copy)]
enum Advance {
    Items,
    Pages { first: u64 },
}

impl<P> Clone for Paging<P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Paging<P> {}

impl<P> Clone for How<P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for How<P> {}

impl<P> Paging<P> {
    /// The next page is asked for with query parameter `param` set to the cursor `next` reads
    /// from the page; no cursor (or an empty one) means the page was the last.
    pub fn cursor(param: &'static str, next: fn(&P) -> Option<String>) -> Self {
        Paging { how: How::Cursor { param, next }, first_only: &[] }
    }

    /// The next page is at the URL `next` reads from the page (relative URLs are resolved
    /// against the page's own); none means the page was the last.
    pub fn next_url(next: fn(&P) -> Option<String>) -> Self {
        Paging { how: How::NextUrl(next), first_only: &[] }
    }

    /// The next page is at the response's `Link: <…>; rel="next"`; none means the page was the
    /// last.
    pub fn link_header() -> Self {
        Paging { how: How::LinkHeader, first_only: &[] }
    }

    /// The next page starts where this one ended: query parameter `param` (an offset, 0 when the
    /// caller sets none) advanced by the number of items the page held. `size` is the page-size
    /// parameter: a page shorter than the size the caller asked for is the last.
    pub fn offset(param: &'static str, size: Option<&'static str>, progress: fn(&P) -> Progress) -> Self {
        Paging { how: How::Counted { param, size, progress, by: Advance::Items }, first_only: &[] }
    }

    /// The next page is the next page number: query parameter `param` (`first` when the caller
    /// sets none) advanced by one; `size` as for [`offset`](Self::offset).
    pub fn page_number(
        param: &'static str,
        first: u64,
        size: Option<&'static str>,
        progress: fn(&P) -> Progress,
    ) -> Self {
        Paging { how: How::Counted { param, size, progress, by: Advance::Pages { first } }, first_only: &[] }
    }
}

impl<P> Paging<P> {
    /// The query parameters `names` go with the first page only: a cursor that carries them
    /// (Dropshot's carries its scan parameters, such as `sort_by`) may be refused beside them.
    pub fn first_page_only(self, names: &'static [&'static str]) -> Self {
        Paging { first_only: names, ..self }
    }
}

/// What an offset or numbered page says of itself: how many items it held, and whether it says
/// it is the last (`isLast`, `has_more: false`) or how many items there are in all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub items: usize,
    pub last: bool,
    pub total: Option<u64>,
}

impl Progress {
    pub fn items(items: usize) -> Self {
        Progress { items, last: false, total: None }
    }

    /// The page says it is the last one.
    pub fn last(self, last: bool) -> Self {
        Progress { last, ..self }
    }

    /// The page says how many items the whole list holds (a negative or absent total says
    /// nothing).
    pub fn total<N: TryInto<u64>>(self, total: Option<N>) -> Self {
        Progress { total: total.and_then(|n| n.try_into().ok()), ..self }
    }
}

impl<'c> RequestBuilder<'c> {
    /// The pages of a list, the first asked for with this request, each next one as `paging`
    /// says. Every argument of this request is sent with every page. Each page's body is read
    /// whole, within the client's body limit, and decoded as `P`.
    pub fn pages<P, E>(self, errors: &'static [ErrorStatus], paging: Paging<P>) -> Pages<'c, P, E>
    where
        P: DeserializeOwned + Send + 'c,
        E: DeserializeOwned + Send + 'c,
    {
        let mut walk = Walk { paging, seen: HashSet::new(), counted: 0 };
        // A cursor the caller starts from counts as given: the server handing it back is a loop.
        if let How::Cursor { param, .. } = paging.how {
            walk.seen.extend(self.query_value(param));
        }
        let pages = stream::unfold((State::Ask(Box::new(self)), walk), move |(state, mut walk)| async move {
            match state {
                State::Ask(request) => {
                    let (page, state) = walk.page(*request, errors).await;
                    Some((page, (state, walk)))
                }
                State::Fail(error) => Some((Err(error), (State::Done, walk))),
                State::Done => None,
            }
        });
        Pages { inner: Box::pin(pages) }
    }
}

/// Where a walk is: a request to send, an error to give after the page before it, or the end.
enum State<'c, E> {
    Ask(Box<RequestBuilder<'c>>),
    Fail(Error<E>),
    Done,
}

/// What a walk remembers between pages.
struct Walk<P> {
    paging: Paging<P>,
    /// Every cursor or URL asked for so far: one seen twice would loop forever.
    seen: HashSet<String>,
    /// Items received so far, to compare with a total.
    counted: u64,
}

impl<P: DeserializeOwned> Walk<P> {
    /// Sends `request`; the page it gets, and what comes after it.
    async fn page<'c, E: DeserializeOwned>(
        &mut self,
        request: RequestBuilder<'c>,
        errors: &'static [ErrorStatus],
    ) -> (Result<P, Error<E>>, State<'c, E>) {
        let mut next = request.clone();
        let response = match request.send_json_response::<E>(errors).await {
            Ok(response) => response,
            Err(error) => return (Err(error), State::Done),
        };
        let page: P = match response.json() {
            Ok(page) => page,
            Err(error) => return (Err(error), State::Done),
        };
        let state = match self.advance(&mut next, &page, &response.headers) {
            Ok(true) => State::Ask(Box::new(next)),
            Ok(false) => State::Done,
            Err(message) => State::Fail(Error::Pagination(message)),
        };
        (Ok(page), state)
    }

    /// Turns `request` (the one that got `page`) into the request for the next page: `false`
    /// when `page` was the last.
    fn advance(&mut self, request: &mut RequestBuilder<'_>, page: &P, headers: &HeaderMap) -> Result<bool, String> {
        for name in self.paging.first_only {
            request.remove_query(name);
        }
        match self.paging.how {
            How::Cursor { param, next } => {
                let Some(cursor) = next(page).filter(|c| !c.is_empty()) else { return Ok(false) };
                if !self.seen.insert(cursor.clone()) {
                    return Err(format!("the server gave the cursor `{cursor}` a second time (query parameter `{param}`); following it would loop"));
                }
                request.set_query(param, &cursor);
                Ok(true)
            }
            How::NextUrl(next) => match next(page).filter(|url| !url.is_empty()) {
                Some(link) => self.follow(request, &link),
                None => Ok(false),
            },
            How::LinkHeader => match next_link(headers) {
                Some(link) => self.follow(request, &link),
                None => Ok(false),
            },
            How::Counted { param, size, progress, by } => {
                let Progress { items, last, total } = progress(page);
                self.counted += items as u64;
                let asked = size.and_then(|size| request.query_value(size)).and_then(|s| s.parse::<usize>().ok());
                let short = asked.is_some_and(|asked| items < asked);
                let at: Option<u64> = request.query_value(param).and_then(|v| v.parse().ok());
                let (next, reached) = match by {
                    Advance::Items => {
                        let end = at.unwrap_or(0) + items as u64;
                        (end, total.is_some_and(|total| end >= total))
                    }
                    Advance::Pages { first } => {
                        (at.unwrap_or(first) + 1, total.is_some_and(|total| self.counted >= total))
                    }
                };
                if items == 0 || last || short || reached {
                    return Ok(false);
                }
                request.set_query(param, &next.to_string());
                Ok(true)
            }
        }
    }

    fn follow(&mut self, request: &mut RequestBuilder<'_>, link: &str) -> Result<bool, String> {
        let url = request.follow(link)?;
        if !self.seen.insert(url.to_string()) {
            return Err(format!("the server gave the next page's URL `{url}` a second time; following it would loop"));
        }
        Ok(true)
    }
}

/// The target of the first `Link` header value with `rel="next"` (RFC 8288; `rel` may list
/// several relation types). Parsed here: the grammar is a few lines, and only `rel` matters.
fn next_link(headers: &HeaderMap) -> Option<String> {
    headers.get_all(http::header::LINK).iter().filter_map(|value| value.to_str().ok()).find_map(|value| {
        let mut rest = value;
        loop {
            let open = rest.find('<')?;
            let close = open + rest[open..].find('>')?;
            let target = &rest[open + 1..close];
            // The parameters run to the comma before the next link's `<` (a quoted parameter
            // may hold commas of its own).
            let after = &rest[close + 1..];
            let end = after.find('<').and_then(|l| after[..l].rfind(',')).unwrap_or(after.len());
            let is_next = after[..end].split(';').filter_map(|param| param.split_once('=')).any(|(name, value)| {
                name.trim().eq_ignore_ascii_case("rel")
                    && value.trim().trim_matches('"').split_whitespace().any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.to_owned());
            }
            rest = &after[end..];
        }
    })
}

/// The pages of a list as a stream, each with every field the page has (counts, totals…). It
/// ends after the last page, or after an error (a failed page, or [`Error::Pagination`]: a
/// cursor seen twice, a next page on another host).
pub struct Pages<'c, P, E = serde_json::Value> {
    inner: Pin<Box<dyn Stream<Item = Result<P, Error<E>>> + Send + 'c>>,
}

impl<P, E> Pages<'_, P, E> {
    /// The next page, fetched now; `None` after the last (or after an error). The same as
    /// `StreamExt::next`, without importing it.
    pub async fn next(&mut self) -> Option<Result<P, Error<E>>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl<'c, P: Send + 'c, E: Send + 'c> Pages<'c, P, E> {
    /// The items of every page, one at a time, in order: `items` takes them out of a page. A
    /// page that fails comes as its error after the items of the pages before it.
    pub fn items<T: Send + 'c>(self, items: fn(P) -> Vec<T>) -> Items<'c, T, E> {
        let inner = self.inner.flat_map(move |page| match page {
            Ok(page) => stream::iter(items(page).into_iter().map(Ok)).left_stream(),
            Err(error) => stream::iter(Some(Err(error))).right_stream(),
        });
        Items { inner: Box::pin(inner) }
    }
}

impl<P, E> Stream for Pages<'_, P, E> {
    type Item = Result<P, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<P, E> fmt::Debug for Pages<'_, P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pages")
    }
}

/// The items of a list across its pages, as a stream: see [`Pages::items`].
pub struct Items<'c, T, E = serde_json::Value> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send + 'c>>,
}

impl<T, E> Items<'_, T, E> {
    /// The next item, fetching the next page when the last one's items are all read; `None` after
    /// the last (or after an error). The same as `StreamExt::next`, without importing it.
    pub async fn next(&mut self) -> Option<Result<T, Error<E>>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl<T, E> Stream for Items<'_, T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T, E> fmt::Debug for Items<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Items")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(values: &[&str]) -> Option<String> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(http::header::LINK, value.parse().unwrap());
        }
        next_link(&headers)
    }

    #[test]
    fn the_next_link_is_found_among_others() {
        let github = r#"<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last""#;
        assert_eq!(link(&[github]).as_deref(), Some("https://api.github.com/x?page=3"));
        assert_eq!(link(&[r#"</a?b=1,2>; rel="last", </n>; title="x"; rel="prefetch next""#]).as_deref(), Some("/n"));
        assert_eq!(link(&["</p>; rel=prev", "</n>; REL=next"]).as_deref(), Some("/n"));
        assert_eq!(link(&[r#"</p>; rel="prev""#]), None);
        assert_eq!(link(&["garbage"]), None);
        assert_eq!(link(&[]), None);
    }

    #[test]
    fn progress_reads_totals_of_any_integer() {
        assert_eq!(Progress::items(3).total(Some(10_i32)).total, Some(10));
        assert_eq!(Progress::items(3).total(Some(-1_i64)).total, None);
        assert!(Progress::items(0).last(true).last);
    }
}
