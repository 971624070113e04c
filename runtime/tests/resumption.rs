//! Event-stream resumption over a real socket on 127.0.0.1: a server that honours
//! `Last-Event-ID` (it sends the events after that id) has its connections cut at chosen places,
//! and the client, reconnecting, must hand out every event once: none lost, none repeated.
//!
//! The HTML standard sets the id a reconnection sends only when an event is dispatched (its
//! blank line read): an `id:` line of an event the body ended in the middle of does not count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use apigen_runtime::stream::text;
use apigen_runtime::{Client, Error, Event, RetryPolicy};
use bytes::Bytes;
use futures_util::StreamExt;
use testkit::{Reply, Server, StreamEnd};

/// One event of the server's log: its id (`None`: a notification it does not replay) and data.
#[derive(Clone, Copy)]
struct Logged {
    id: Option<&'static str>,
    data: &'static str,
}

const fn with_id(id: &'static str, data: &'static str) -> Logged {
    Logged { id: Some(id), data }
}

/// What the server does with one connection.
#[derive(Clone, Copy)]
enum Connection {
    /// Sends the body up to the end of the first `marker` in it, then closes without ending
    /// the chunked body (the client sees a transport error).
    CutAfter(&'static str),
    /// Like `CutAfter`, but ends the body properly there (the client sees a clean end).
    EndAfter(&'static str),
    /// Answers with this status (a reconnection that fails).
    Status(u16),
    /// Sends the whole body, then `[DONE]`.
    Whole,
}

/// The body a server that honours `Last-Event-ID` sends: every event when none came, else the
/// events with an id after that one (notifications without an id are not replayed).
fn resumed(log: &[Logged], last_event_id: Option<&str>) -> String {
    // No wait before reconnecting (the standard's default is a few seconds).
    let mut body = String::from("retry: 0\n");
    let after = last_event_id.and_then(|id| log.iter().position(|e| e.id == Some(id)).map(|at| at + 1));
    for event in &log[after.unwrap_or(0)..] {
        if after.is_some() && event.id.is_none() {
            continue;
        }
        if let Some(id) = event.id {
            body.push_str(&format!("id: {id}\n"));
        }
        body.push_str(&format!("data: {}\n\n", event.data));
    }
    body
}

async fn resuming_server(log: &'static [Logged], connections: &'static [Connection]) -> Server {
    let served = Arc::new(AtomicUsize::new(0));
    Server::start(move |request| {
        let body = resumed(log, request.header("last-event-id"));
        let at = |marker: &str| body.find(marker).map_or(body.len(), |at| at + marker.len());
        let stream = |text: &str| {
            // Two reads: the cut falls within what the client has been sent, not on a read boundary.
            let (first, second) = text.split_at(text.len() / 2);
            let pieces = [first, second].map(|p| (Duration::from_millis(5), Bytes::copy_from_slice(p.as_bytes())));
            Reply::stream(200, "text/event-stream", pieces.to_vec())
        };
        match connections.get(served.fetch_add(1, Ordering::SeqCst)).copied().unwrap_or(Connection::Whole) {
            Connection::CutAfter(marker) => stream(&body[..at(marker)]).with_end(StreamEnd::Abort),
            Connection::EndAfter(marker) => stream(&body[..at(marker)]),
            Connection::Status(status) => Reply::text(status, "text/plain", "not now"),
            Connection::Whole => stream(&format!("{body}data: [DONE]\n\n")),
        }
    })
    .await
}

/// Every event the stream hands out, and the `Last-Event-ID` of each request (`None` for none).
async fn run(server: &Server, reconnects: u32) -> (Vec<Event<String>>, Option<Error>, Vec<Option<String>>) {
    let client =
        Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::never()).build().unwrap();
    let mut stream = client
        .get("/events", &[])
        .send_events::<String, serde_json::Value>(&[], text)
        .await
        .unwrap()
        .reconnect(reconnects);
    let mut events = Vec::new();
    let mut error = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(e) => error = Some(e),
        }
    }
    let sent = server.requests().iter().map(|r| r.header("last-event-id").map(str::to_owned)).collect();
    (events, error, sent)
}

fn data(events: &[Event<String>]) -> Vec<&str> {
    events.iter().map(|e| e.data.as_str()).collect()
}

fn ids(events: &[Event<String>]) -> Vec<Option<&str>> {
    events.iter().map(|e| e.id.as_deref()).collect()
}

fn sent(ids: &[Option<&str>]) -> Vec<Option<String>> {
    ids.iter().map(|id| id.map(str::to_owned)).collect()
}

const FOUR: &[Logged] = &[with_id("1", "one"), with_id("2", "two"), with_id("3", "three"), with_id("4", "four")];

/// The held-out defect: the body ends after event 3's `id:` line, before its data and blank
/// line. The reconnection must send 2 (the last event handed out), not 3, or event 3 is lost.
#[tokio::test]
async fn a_drop_after_an_events_id_line_resumes_from_the_last_event_handed_out() {
    let server = resuming_server(FOUR, &[Connection::CutAfter("id: 3\n")]).await;
    let (events, error, last_event_ids) = run(&server, 3).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(data(&events), ["one", "two", "three", "four"]);
    assert_eq!(ids(&events), [Some("1"), Some("2"), Some("3"), Some("4")]);
    assert_eq!(last_event_ids, sent(&[None, Some("2")]));
}

/// The same with a body that ends cleanly (no transport error) after the unfinished event's
/// id and data lines: the standard drops the unfinished event, and so must the id.
#[tokio::test]
async fn a_clean_end_in_the_middle_of_an_event_resumes_from_the_last_event_handed_out() {
    let server = resuming_server(FOUR, &[Connection::EndAfter("data: three\n")]).await;
    let (events, error, last_event_ids) = run(&server, 3).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(data(&events), ["one", "two", "three", "four"]);
    assert_eq!(last_event_ids, sent(&[None, Some("2")]));
}

#[tokio::test]
async fn a_drop_between_events_resumes_after_the_last_one() {
    let server = resuming_server(FOUR, &[Connection::CutAfter("data: two\n\n")]).await;
    let (events, error, last_event_ids) = run(&server, 3).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(data(&events), ["one", "two", "three", "four"]);
    assert_eq!(last_event_ids, sent(&[None, Some("2")]));
}

/// An event without an id keeps the previous one (the standard's id carries over): the
/// reconnection sends 1, neither nothing (the server would send event 1 again) nor anything else.
#[tokio::test]
async fn a_drop_after_an_event_without_an_id_resumes_from_the_previous_id() {
    static LOG: &[Logged] = &[with_id("1", "one"), Logged { id: None, data: "progress" }, with_id("2", "two")];
    let server = resuming_server(LOG, &[Connection::CutAfter("data: progress\n\n")]).await;
    let (events, error, last_event_ids) = run(&server, 3).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(data(&events), ["one", "progress", "two"]);
    assert_eq!(ids(&events), [Some("1"), Some("1"), Some("2")]);
    assert_eq!(last_event_ids, sent(&[None, Some("1")]));
}

/// Five reconnections in a row, each cut somewhere else: after an `id:` line, between events,
/// inside an `id:` line (not yet ended), after a data line, and a reconnection the server
/// refuses. Every event still comes once, in order.
#[tokio::test]
async fn several_reconnections_in_a_row_lose_and_repeat_nothing() {
    static LOG: &[Logged] = &[
        with_id("1", "e1"),
        with_id("2", "e2"),
        with_id("3", "e3"),
        with_id("4", "e4"),
        with_id("5", "e5"),
        with_id("6", "e6"),
        with_id("7", "e7"),
        with_id("8", "e8"),
    ];
    static CONNECTIONS: &[Connection] = &[
        Connection::CutAfter("id: 2\n"),
        Connection::EndAfter("data: e3\n\n"),
        Connection::CutAfter("id: 5"),
        Connection::CutAfter("data: e5\n"),
        Connection::Status(503),
        Connection::Whole,
    ];
    let server = resuming_server(LOG, CONNECTIONS).await;
    let (events, error, last_event_ids) = run(&server, 6).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(data(&events), ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"]);
    assert_eq!(ids(&events), ["1", "2", "3", "4", "5", "6", "7", "8"].map(Some));
    assert_eq!(last_event_ids, sent(&[None, Some("1"), Some("3"), Some("4"), Some("4"), Some("4")]));
}

/// When the reconnections run out, the stream ends with the error of the last drop, after
/// every event that was whole; nothing half read is handed out.
#[tokio::test]
async fn when_reconnections_run_out_the_last_drop_is_the_error() {
    static CONNECTIONS: &[Connection] = &[Connection::CutAfter("id: 2\n"), Connection::CutAfter("id: 3\ndata: thr")];
    let server = resuming_server(FOUR, CONNECTIONS).await;
    let (events, error, last_event_ids) = run(&server, 1).await;
    assert_eq!(data(&events), ["one", "two"]);
    assert!(matches!(error, Some(Error::Transport(_))), "{error:?}");
    assert_eq!(last_event_ids, sent(&[None, Some("1")]));
}

/// An id that is not ASCII travels as its UTF-8 bytes (it used to be dropped, and the server,
/// asked without it, sent everything again).
#[tokio::test]
async fn an_id_that_is_not_ascii_is_sent_back_as_it_came() {
    static LOG: &[Logged] = &[with_id("évènement-1", "one"), with_id("évènement-2", "two")];
    let server = resuming_server(LOG, &[Connection::CutAfter("id: évènement-2\n")]).await;
    let (events, error, last_event_ids) = run(&server, 3).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(data(&events), ["one", "two"]);
    assert_eq!(last_event_ids, sent(&[None, Some("évènement-1")]));
}

/// An id a header cannot carry (a control character) ends the stream with an error that says
/// so, rather than a reconnection without it that would start over and repeat events.
#[tokio::test]
async fn an_id_a_header_cannot_carry_ends_the_stream_instead_of_starting_over() {
    static LOG: &[Logged] = &[with_id("a\u{1}b", "one"), with_id("2", "two")];
    let server = resuming_server(LOG, &[Connection::CutAfter("id: 2\n")]).await;
    let (events, error, last_event_ids) = run(&server, 3).await;
    assert_eq!(data(&events), ["one"]);
    let message = error.expect("an error").to_string();
    assert!(message.contains("Last-Event-ID") && message.contains("a\\u{1}b"), "{message}");
    assert_eq!(last_event_ids, sent(&[None]), "no reconnection without the id");
}

/// An event that does not decode ends the stream (as a bad line of JSON Lines does); nothing
/// after it is handed out and no reconnection is made.
#[tokio::test]
async fn an_event_that_does_not_decode_is_the_last_item() {
    let server = Server::scripted(vec![Reply::stream(
        200,
        "text/event-stream",
        vec![(Duration::ZERO, Bytes::from_static(b"retry: 0\ndata: 1\n\ndata: nope\n\ndata: 3\n\n"))],
    )])
    .await;
    let client =
        Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::never()).build().unwrap();
    let stream = client
        .get("/events", &[])
        .send_events::<u32, serde_json::Value>(&[], apigen_runtime::stream::json)
        .await
        .unwrap()
        .reconnect(3);
    let items: Vec<Result<Event<u32>, Error>> = stream.collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(&items[0], Ok(event) if event.data == 1));
    assert!(matches!(&items[1], Err(Error::Decode(_))), "{:?}", items[1]);
    assert_eq!(server.requests().len(), 1);
}
