//! Decoding a typed Server-Sent Events stream: 10,000 small JSON events over loopback, read
//! with the runtime's `EventStream` (what a generated `_stream` method returns) and with a
//! hand-written `reqwest` + `eventsource-stream` + `serde_json` loop, in the same run against
//! the same server. `cargo bench -p integration-tests --bench events` prints the events per
//! second of both, then their ratio.

use std::cell::RefCell;
use std::time::Duration;

use apigen_runtime::{stream, Client, RetryPolicy};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde::Deserialize;
use testkit::{Reply, Server};

mod common;
use common::{median_of_last, timed};

const EVENTS: usize = 10_000;

#[allow(dead_code)]
#[derive(Deserialize)]
struct Delta {
    index: u64,
    text: String,
}

/// The events, in pieces of about 16 KiB as a server flushing often would send them.
fn body() -> Vec<(Duration, bytes::Bytes)> {
    let text: String =
        (0..EVENTS).map(|i| format!("event: delta\ndata: {{\"index\":{i},\"text\":\"token {i}\"}}\n\n")).collect();
    text.as_bytes().chunks(16 * 1024).map(|c| (Duration::ZERO, bytes::Bytes::copy_from_slice(c))).collect()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let chunks = body();
    let server = runtime.block_on(Server::start(move |_| Reply::stream(200, "text/event-stream", chunks.clone())));
    let client =
        Client::builder("http://unused.invalid").base_url(server.url()).retry(RetryPolicy::never()).build().unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!("{}/events", server.url());

    const SAMPLES: usize = 30;
    let timings = [RefCell::new(Vec::new()), RefCell::new(Vec::new())];
    let mut group = c.benchmark_group("10,000 SSE events over loopback");
    group.sample_size(SAMPLES);
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.bench_function("apigen EventStream", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            timed(iters, &timings[0], || async {
                let mut events = client
                    .get("/events", &[])
                    .send_events::<Delta, serde_json::Value>(&[], stream::json)
                    .await
                    .unwrap();
                let mut count = 0;
                while let Some(event) = events.next().await {
                    event.unwrap();
                    count += 1;
                }
                assert_eq!(count, EVENTS);
            })
        })
    });
    group.bench_function("reqwest + eventsource-stream + serde_json", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            timed(iters, &timings[1], || async {
                let response = http.get(&url).header("accept", "text/event-stream").send().await.unwrap();
                let mut events = response.bytes_stream().eventsource();
                let mut count = 0;
                while let Some(event) = events.next().await {
                    let _: Delta = serde_json::from_str(&event.unwrap().data).unwrap();
                    count += 1;
                }
                assert_eq!(count, EVENTS);
            })
        })
    });
    group.finish();
    let [ours, baseline] = timings.map(|t| median_of_last(t.into_inner(), SAMPLES));
    if let (Some(ours), Some(baseline)) = (ours, baseline) {
        println!(
            "events per second (median): apigen {:.0}, reqwest + eventsource-stream {:.0}, time ratio {:.2}",
            EVENTS as f64 / ours,
            EVENTS as f64 / baseline,
            ours / baseline
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
