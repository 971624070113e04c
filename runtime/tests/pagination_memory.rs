//! Walking 100,000 items in pages of 1,000 over a real socket holds one page at a time: the
//! process's allocations are counted, and the most in use while every item is read stays near
//! one page's worth, far under what the whole list takes.
//!
//! One test in its own binary: a test running beside it would skew the count.

use std::sync::Arc;

use apigen_runtime::{Client, Paging, RetryPolicy};
use serde::Deserialize;
use testkit::{Reply, Server};

mod counting;
use counting::{peak_during, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ITEMS: usize = 100_000;
const PAGE: usize = 1_000;

#[allow(dead_code)]
#[derive(Deserialize)]
struct Item {
    id: String,
    name: String,
    n: u64,
}

#[derive(Deserialize)]
struct Page {
    items: Vec<Item>,
    next_cursor: Option<String>,
}

fn body(page: usize) -> String {
    let items: Vec<String> = (page * PAGE..(page + 1) * PAGE)
        .map(|n| format!(r#"{{"id":"item_{n:06}","name":"a thing with a name of some length","n":{n}}}"#))
        .collect();
    let next = if (page + 1) * PAGE < ITEMS { format!(r#""c{}""#, page + 1) } else { "null".to_owned() };
    format!(r#"{{"items":[{}],"next_cursor":{next}}}"#, items.join(","))
}

#[tokio::test]
async fn a_hundred_thousand_items_one_page_in_memory_at_a_time() {
    // Every page is written before the walk, so the server allocates nothing while it is counted
    // beyond the reply it is sending.
    let bodies: Arc<Vec<String>> = Arc::new((0..ITEMS / PAGE).map(body).collect());
    let page_size = bodies[0].len();
    let total_size: usize = bodies.iter().map(String::len).sum();
    let served = Arc::clone(&bodies);
    let server = Server::start(move |request| {
        let page = request
            .query
            .as_deref()
            .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("cursor=c")))
            .map_or(0, |n| n.parse::<usize>().unwrap());
        Reply::json(200, &served[page])
    })
    .await;
    let client =
        Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::never()).build().unwrap();

    let (count, peak) = peak_during(async {
        let mut items = client
            .get("/items", &[])
            .pages::<Page, serde_json::Value>(&[], Paging::cursor("cursor", |page| page.next_cursor.clone()))
            .items(|page| page.items);
        let mut count = 0;
        while let Some(item) = items.next().await {
            assert_eq!(item.unwrap().n as usize, count);
            count += 1;
        }
        count
    })
    .await;
    assert_eq!(count, ITEMS);
    assert_eq!(server.requests().len(), ITEMS / PAGE);
    println!("100,000 items ({total_size} bytes of JSON in {} pages of {page_size}): peak {peak} bytes", ITEMS / PAGE);
    // A page is about 75 kB of JSON and, decoded, about as much again; the whole list is 7.5 MB
    // of JSON. Holding one page (its body, its decoded items, the reply being written) stays
    // under ten pages' JSON; holding them all would be a hundred.
    assert!(peak < 10 * page_size, "walking {total_size} bytes of pages used {peak} bytes at most");
}
