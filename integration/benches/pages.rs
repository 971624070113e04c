//! Walking a paginated list: 10,000 small JSON items in pages of 100 over loopback, read with
//! the runtime's paginator (`Items`, what a generated `_stream` method returns) and with a
//! hand-written `reqwest` + `serde_json` loop that follows the same cursors, in the same run
//! against the same server. `cargo bench -p integration-tests --bench pages` prints the items
//! per second of both, then their ratio.

use std::cell::RefCell;
use std::sync::Arc;

use apigen_runtime::{Client, Paging, RetryPolicy};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;
use testkit::{Reply, Server};

mod common;
use common::{median_of_last, timed};

const ITEMS: usize = 10_000;
const PAGE: usize = 100;

#[allow(dead_code)]
#[derive(Deserialize)]
struct Item {
    id: String,
    n: u64,
}

#[derive(Deserialize)]
struct Page {
    items: Vec<Item>,
    next_cursor: Option<String>,
}

/// Every page's body, written once: the server only looks up the one asked for.
fn pages() -> Vec<String> {
    (0..ITEMS / PAGE)
        .map(|page| {
            let items: Vec<String> =
                (page * PAGE..(page + 1) * PAGE).map(|n| format!(r#"{{"id":"item_{n:05}","n":{n}}}"#)).collect();
            let next = if (page + 1) * PAGE < ITEMS { format!(r#""c{}""#, page + 1) } else { "null".to_owned() };
            format!(r#"{{"items":[{}],"next_cursor":{next}}}"#, items.join(","))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let bodies = Arc::new(pages());
    let server = runtime.block_on(Server::start(move |request| {
        let page = request
            .query
            .as_deref()
            .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("cursor=c")))
            .map_or(0, |n| n.parse::<usize>().unwrap());
        Reply::json(200, &bodies[page])
    }));
    let client =
        Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::never()).build().unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!("{}/items", server.url());

    const SAMPLES: usize = 30;
    let timings = [RefCell::new(Vec::new()), RefCell::new(Vec::new())];
    let mut group = c.benchmark_group("10,000 items in pages of 100 over loopback");
    group.sample_size(SAMPLES);
    group.throughput(Throughput::Elements(ITEMS as u64));
    group.bench_function("apigen Items", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            timed(iters, &timings[0], || async {
                let mut items = client
                    .get("/items", &[])
                    .query("limit", &PAGE)
                    .pages::<Page, serde_json::Value>(&[], Paging::cursor("cursor", |page| page.next_cursor.clone()))
                    .items(|page| page.items);
                let mut count = 0;
                while let Some(item) = items.next().await {
                    item.unwrap();
                    count += 1;
                }
                assert_eq!(count, ITEMS);
            })
        })
    });
    group.bench_function("reqwest + serde_json page loop", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            timed(iters, &timings[1], || async {
                let mut cursor: Option<String> = None;
                let mut count = 0;
                loop {
                    let target = match &cursor {
                        Some(cursor) => format!("{url}?limit={PAGE}&cursor={cursor}"),
                        None => format!("{url}?limit={PAGE}"),
                    };
                    let body =
                        http.get(&target).send().await.unwrap().error_for_status().unwrap().bytes().await.unwrap();
                    let page: Page = serde_json::from_slice(&body).unwrap();
                    count += page.items.len();
                    match page.next_cursor {
                        Some(next) => cursor = Some(next),
                        None => break,
                    }
                }
                assert_eq!(count, ITEMS);
            })
        })
    });
    group.finish();
    let [ours, baseline] = timings.map(|t| median_of_last(t.into_inner(), SAMPLES));
    if let (Some(ours), Some(baseline)) = (ours, baseline) {
        println!(
            "items per second (median): apigen {:.0}, reqwest + serde_json loop {:.0}, time ratio {:.2}",
            ITEMS as f64 / ours,
            ITEMS as f64 / baseline,
            ours / baseline
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
