//! Pagination over real sockets: for each way a list pages, a server on 127.0.0.1 holds 1,000
//! items and pages them 100 at a time (or as the caller asks). Every item comes once and in
//! order, the caller's page size and other arguments go with every page, a caller that stops
//! early fetches no further page, a cursor given twice stops with an error, and a page that
//! fails comes as its error after the items before it.

use std::sync::Arc;

use apigen_runtime::{Client, Error, Items, Pages, Paging, Progress, RetryPolicy};
use futures_util::StreamExt;
use serde::Deserialize;
use testkit::{Recorded, Reply, Server};

const TOTAL: usize = 1_000;
const DEFAULT_SIZE: usize = 100;

/// How the server pages, and the faults it may inject.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pattern {
    /// `{"items": […], "next_page": "…"}`, sent back as `page_token` (Dropshot's).
    Cursor,
    /// `{"members": […], "response_metadata": {"next_cursor": ""}}`, sent back as `cursor` (Slack's).
    NestedCursor,
    /// `{"data": […], "has_more": true}`, the last item's id sent as `starting_after` (Stripe's).
    HasMore,
    /// `{"items": […], "next": "http://…"}` (Spotify's).
    NextUrl,
    /// A `Link: <…>; rel="next"` header (GitHub's).
    LinkHeader,
    /// `startAt`/`maxResults`, with `isLast` and `total` (Jira's).
    Offset,
    /// `page`/`per_page`, from page 1.
    PageNumber,
}

#[derive(Clone, Copy, Default)]
struct Faults {
    /// The page starting at this item answers 500.
    fail_at: Option<usize>,
    /// The page starting at this item gives the cursor (or next URL) of the page before it.
    loop_at: Option<usize>,
    /// The next URL points at another host.
    foreign_next: bool,
}

fn item(n: usize) -> serde_json::Value {
    serde_json::json!({"id": format!("item_{n:04}"), "n": n})
}

fn query(request: &Recorded) -> Vec<(String, String)> {
    let url = apigen_runtime::reqwest::Url::parse(&format!("http://server{}", request.target)).unwrap();
    url.query_pairs().into_owned().collect()
}

fn param(request: &Recorded, name: &str) -> Option<String> {
    query(request).into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// The server's answer: the page `request` asks for, written as `pattern` writes pages.
fn answer(pattern: Pattern, faults: Faults, base: &str, request: &Recorded) -> Reply {
    if param(request, "filter").as_deref() != Some("all") {
        return Reply::json(400, r#"{"message":"filter missing"}"#);
    }
    let size_param = match pattern {
        Pattern::Offset => "maxResults",
        Pattern::PageNumber => "per_page",
        _ => "limit",
    };
    let size = param(request, size_param).and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SIZE);
    let start = match pattern {
        Pattern::Cursor => param(request, "page_token").map_or(0, |t| t.trim_start_matches("tok_").parse().unwrap()),
        Pattern::NestedCursor => param(request, "cursor").map_or(0, |t| t.trim_start_matches("c:").parse().unwrap()),
        Pattern::HasMore => param(request, "starting_after")
            .map_or(0, |id| id.trim_start_matches("item_").parse::<usize>().unwrap() + 1),
        Pattern::NextUrl | Pattern::LinkHeader => param(request, "offset").map_or(0, |o| o.parse().unwrap()),
        Pattern::Offset => param(request, "startAt").map_or(0, |o| o.parse().unwrap()),
        Pattern::PageNumber => (param(request, "page").map_or(1, |p| p.parse::<usize>().unwrap()) - 1) * size,
    };
    if faults.fail_at == Some(start) {
        return Reply::json(500, r#"{"message":"database on fire"}"#);
    }
    let end = (start + size).min(TOTAL);
    let items: Vec<serde_json::Value> = (start..end).map(item).collect();
    let more = end < TOTAL;
    // The page after this one starts at `next`; a loop gives the start of this page again.
    let next = if faults.loop_at == Some(start) { start } else { end };
    let next_url = |next: usize| {
        let host = if faults.foreign_next { "http://elsewhere.invalid" } else { base };
        format!("{host}/things?filter=all&limit={size}&offset={next}")
    };
    let body = match pattern {
        Pattern::Cursor => serde_json::json!({"items": items, "next_page": more.then(|| format!("tok_{next}"))}),
        Pattern::NestedCursor => serde_json::json!({
            "ok": true,
            "members": items,
            "response_metadata": {"next_cursor": if more { format!("c:{next}") } else { String::new() }},
        }),
        Pattern::HasMore => {
            let mut items = items;
            if faults.loop_at == Some(start) {
                // The page repeats the one before it, so its last id is that page's again.
                items = (start.saturating_sub(size)..start).map(item).collect();
            }
            serde_json::json!({"object": "list", "data": items, "has_more": more})
        }
        Pattern::NextUrl => serde_json::json!({"items": items, "next": more.then(|| next_url(next)), "total": TOTAL}),
        Pattern::LinkHeader => serde_json::json!(items),
        Pattern::Offset => serde_json::json!({
            "startAt": start, "maxResults": size, "total": TOTAL, "isLast": !more, "values": items,
        }),
        Pattern::PageNumber => serde_json::json!({"page": start / size + 1, "results": items}),
    };
    let reply = Reply::json(200, &body.to_string());
    match pattern {
        Pattern::LinkHeader if more => {
            let link = format!(r#"<{}>; rel="next", <{base}/things?offset=0>; rel="first""#, next_url(next));
            reply.with_header("Link", &link)
        }
        _ => reply,
    }
}

async fn server(pattern: Pattern, faults: Faults) -> Server {
    // The handler needs the server's own URL for next links: it learns it once bound.
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let known = Arc::clone(&base);
    let server = Server::start(move |request| answer(pattern, faults, known.get().unwrap(), request)).await;
    base.set(server.url()).unwrap();
    server
}

fn client(server: &Server) -> Client {
    Client::builder(&server.url()).retry(RetryPolicy::never()).build().unwrap()
}

#[derive(Debug, Deserialize, PartialEq)]
struct Thing {
    id: String,
    n: usize,
}

#[derive(Debug, Deserialize)]
struct CursorPage {
    items: Vec<Thing>,
    next_page: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SlackPage {
    members: Option<Vec<Thing>>,
    response_metadata: Option<SlackMetadata>,
}

#[derive(Debug, Deserialize)]
struct SlackMetadata {
    next_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
struct StripeList {
    data: Vec<Thing>,
    has_more: bool,
}

#[derive(Debug, Deserialize)]
struct SpotifyPage {
    items: Vec<Thing>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JiraPage {
    values: Vec<Thing>,
    #[serde(rename = "isLast")]
    is_last: Option<bool>,
    total: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct NumberedPage {
    results: Vec<Thing>,
}

/// The items of a list paged as `pattern` pages, asked for with `size` items a page (the
/// server's default when `None`) and the argument `filter=all`, which every page must carry.
fn items(client: &Client, pattern: Pattern, size: Option<usize>) -> Items<'_, Thing> {
    let request = client.get("/things", &[]).query("filter", &"all");
    let size_param = match pattern {
        Pattern::Offset => "maxResults",
        Pattern::PageNumber => "per_page",
        _ => "limit",
    };
    let request = request.query_opt(size_param, size);
    match pattern {
        Pattern::Cursor => request
            .pages(&[], Paging::cursor("page_token", |page: &CursorPage| page.next_page.clone()))
            .items(|page| page.items),
        Pattern::NestedCursor => request
            .pages(
                &[],
                Paging::cursor("cursor", |page: &SlackPage| page.response_metadata.as_ref()?.next_cursor.clone()),
            )
            .items(|page| page.members.unwrap_or_default()),
        Pattern::HasMore => request
            .pages(
                &[],
                Paging::cursor("starting_after", |page: &StripeList| {
                    page.has_more.then(|| page.data.last().map(|thing| thing.id.clone())).flatten()
                }),
            )
            .items(|page| page.data),
        Pattern::NextUrl => {
            request.pages(&[], Paging::next_url(|page: &SpotifyPage| page.next.clone())).items(|page| page.items)
        }
        Pattern::LinkHeader => request.pages(&[], Paging::link_header()).items(|page: Vec<Thing>| page),
        Pattern::Offset => request
            .pages(
                &[],
                Paging::offset("startAt", Some("maxResults"), |page: &JiraPage| {
                    Progress::items(page.values.len()).last(page.is_last == Some(true)).total(page.total)
                }),
            )
            .items(|page| page.values),
        Pattern::PageNumber => request
            .pages(
                &[],
                Paging::page_number("page", 1, Some("per_page"), |page: &NumberedPage| {
                    Progress::items(page.results.len())
                }),
            )
            .items(|page| page.results),
    }
}

const PATTERNS: [Pattern; 7] = [
    Pattern::Cursor,
    Pattern::NestedCursor,
    Pattern::HasMore,
    Pattern::NextUrl,
    Pattern::LinkHeader,
    Pattern::Offset,
    Pattern::PageNumber,
];

async fn collect(mut items: Items<'_, Thing>) -> (Vec<usize>, Option<Error>) {
    let mut got = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(thing) => {
                assert_eq!(thing.id, format!("item_{:04}", thing.n));
                got.push(thing.n);
            }
            Err(error) => {
                assert!(items.next().await.is_none(), "nothing comes after an error");
                return (got, Some(error));
            }
        }
    }
    (got, None)
}

#[tokio::test]
async fn every_item_once_in_order_with_every_argument_on_every_page() {
    for pattern in PATTERNS {
        let server = server(pattern, Faults::default()).await;
        let (got, error) = collect(items(&client(&server), pattern, Some(100))).await;
        assert!(error.is_none(), "{pattern:?}: {error:?}");
        assert_eq!(got, (0..TOTAL).collect::<Vec<_>>(), "{pattern:?}");
        let requests = server.requests();
        // Ten pages: the last says so (no cursor, no link, `isLast`…), except a numbered list
        // that says nothing of its end, which stops at the first empty page.
        let pages = if pattern == Pattern::PageNumber { 11 } else { 10 };
        assert_eq!(requests.len(), pages, "{pattern:?}: {:?}", requests.iter().map(|r| &r.target).collect::<Vec<_>>());
        for request in &requests {
            assert_eq!(param(request, "filter").as_deref(), Some("all"), "{pattern:?}: {}", request.target);
        }
    }
}

#[tokio::test]
async fn the_callers_page_size_is_asked_for_on_every_page() {
    for pattern in PATTERNS {
        let server = server(pattern, Faults::default()).await;
        let (got, error) = collect(items(&client(&server), pattern, Some(250))).await;
        assert!(error.is_none(), "{pattern:?}: {error:?}");
        assert_eq!(got.len(), TOTAL, "{pattern:?}");
        let requests = server.requests();
        // The fourth page is short (1,000 = 3 × 250 + 250 is not: a numbered list without an
        // end asks for a fifth, empty page).
        let pages = if pattern == Pattern::PageNumber { 5 } else { 4 };
        assert_eq!(requests.len(), pages, "{pattern:?}");
        let size_param = match pattern {
            Pattern::Offset => "maxResults",
            Pattern::PageNumber => "per_page",
            _ => "limit",
        };
        for request in &requests {
            assert_eq!(param(request, size_param).as_deref(), Some("250"), "{pattern:?}: {}", request.target);
        }
    }
}

#[tokio::test]
async fn stopping_early_fetches_no_further_page() {
    for pattern in PATTERNS {
        let server = server(pattern, Faults::default()).await;
        let client = client(&server);
        let mut stream = items(&client, pattern, None);
        let mut taken = 0;
        while let Some(item) = stream.next().await {
            item.unwrap();
            taken += 1;
            if taken == 150 {
                break;
            }
        }
        assert_eq!(server.requests().len(), 2, "{pattern:?}: 150 items are on two pages");

        let server2 = self::server(pattern, Faults::default()).await;
        let client = self::client(&server2);
        let first_page: Vec<Thing> =
            items(&client, pattern, None).take(100).map(Result::unwrap).collect::<Vec<_>>().await;
        assert_eq!(first_page.len(), 100);
        assert_eq!(server2.requests().len(), 1, "{pattern:?}: the first page's items need no second page");
    }
}

#[tokio::test]
async fn a_cursor_given_twice_stops_with_an_error() {
    // A page number or an offset only moves forward: the loop is a cursor's or a URL's.
    for pattern in [Pattern::Cursor, Pattern::NestedCursor, Pattern::HasMore, Pattern::NextUrl, Pattern::LinkHeader] {
        let server = server(pattern, Faults { loop_at: Some(300), ..Faults::default() }).await;
        let (got, error) = collect(items(&client(&server), pattern, Some(100))).await;
        // Pages 0, 100, 200, then 300 gives the cursor of 300 again (or, for `has_more`, the
        // page before it once more): the items come, the walk stops.
        let expected: Vec<usize> =
            if pattern == Pattern::HasMore { (0..300).chain(200..300).collect() } else { (0..400).collect() };
        assert_eq!(got, expected, "{pattern:?}");
        let error = error.unwrap_or_else(|| panic!("{pattern:?}: no error"));
        assert!(matches!(&error, Error::Pagination(m) if m.contains("second time")), "{pattern:?}: {error}");
        assert_eq!(server.requests().len(), 4, "{pattern:?}");
    }
}

#[tokio::test]
async fn a_page_that_fails_comes_after_the_items_before_it() {
    for pattern in PATTERNS {
        let server = server(pattern, Faults { fail_at: Some(400), ..Faults::default() }).await;
        let (got, error) = collect(items(&client(&server), pattern, Some(100))).await;
        assert_eq!(got, (0..400).collect::<Vec<_>>(), "{pattern:?}");
        let error = error.unwrap_or_else(|| panic!("{pattern:?}: no error"));
        assert!(matches!(&error, Error::Status(e) if e.status == 500 && e.body_text().contains("on fire")), "{error}");
        assert_eq!(server.requests().len(), 5, "{pattern:?}");
    }
}

#[tokio::test]
async fn a_next_page_on_another_host_is_not_followed() {
    for pattern in [Pattern::NextUrl, Pattern::LinkHeader] {
        let server = server(pattern, Faults { foreign_next: true, ..Faults::default() }).await;
        let (got, error) = collect(items(&client(&server), pattern, Some(100))).await;
        assert_eq!(got, (0..100).collect::<Vec<_>>(), "{pattern:?}");
        let error = error.unwrap_or_else(|| panic!("{pattern:?}: no error"));
        assert!(matches!(&error, Error::Pagination(m) if m.contains("elsewhere.invalid")), "{pattern:?}: {error}");
        assert_eq!(server.requests().len(), 1, "{pattern:?}");
    }
}

/// Walking pages keeps each page whole: the fields beside the items are there.
#[tokio::test]
async fn pages_keep_their_other_fields() {
    let server = server(Pattern::Offset, Faults::default()).await;
    let client = client(&server);
    let pages: Pages<'_, serde_json::Value> = client.get("/things", &[]).query("filter", &"all").pages(
        &[],
        Paging::offset("startAt", Some("maxResults"), |page: &serde_json::Value| {
            Progress::items(page["values"].as_array().map_or(0, Vec::len)).last(page["isLast"] == true)
        }),
    );
    let pages: Vec<serde_json::Value> = pages.map(Result::unwrap).collect().await;
    assert_eq!(pages.len(), 10);
    let starts: Vec<i64> = pages.iter().map(|p| p["startAt"].as_i64().unwrap()).collect();
    assert_eq!(starts, (0..10).map(|i| i * 100).collect::<Vec<_>>());
    assert!(pages.iter().all(|p| p["total"] == 1000));
}

/// A caller that starts from a cursor of its own gets the pages from there, and a server that
/// hands that cursor back is caught at once.
#[tokio::test]
async fn a_callers_cursor_is_the_first_page() {
    let server = server(Pattern::Cursor, Faults { loop_at: Some(500), ..Faults::default() }).await;
    let client = client(&server);
    let stream = client
        .get("/things", &[])
        .query("filter", &"all")
        .query("page_token", &"tok_500")
        .pages(&[], Paging::cursor("page_token", |page: &CursorPage| page.next_page.clone()))
        .items(|page| page.items);
    let (got, error) = collect(stream).await;
    assert_eq!(got, (500..600).collect::<Vec<_>>());
    assert!(matches!(error, Some(Error::Pagination(_))), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

/// Parameters a cursor carries (Dropshot's scan parameters) go with the first page only; the
/// others, and the page size, with every page.
#[tokio::test]
async fn first_page_only_parameters_are_left_out_after_it() {
    let server = server(Pattern::Cursor, Faults::default()).await;
    let client = client(&server);
    let stream = client
        .get("/things", &[])
        .query("filter", &"all")
        .query("sort_by", &"name_ascending")
        .query("limit", &250)
        .pages(
            &[],
            Paging::cursor("page_token", |page: &CursorPage| page.next_page.clone()).first_page_only(&["sort_by"]),
        )
        .items(|page| page.items);
    let (got, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(got.len(), TOTAL);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(param(&requests[0], "sort_by").as_deref(), Some("name_ascending"));
    for request in &requests[1..] {
        assert_eq!(param(request, "sort_by"), None, "{}", request.target);
        assert_eq!(param(request, "limit").as_deref(), Some("250"), "{}", request.target);
        assert_eq!(param(request, "filter").as_deref(), Some("all"), "{}", request.target);
    }
}
