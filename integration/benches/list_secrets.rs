//! Request overhead: listing 1,000 secrets over loopback with the generated client, against a
//! hand-written reqwest + serde call doing the same request, in the same run and against the
//! same server. `cargo bench -p integration-tests` prints both, then their ratio.

use std::cell::RefCell;

use criterion::{criterion_group, criterion_main, Criterion};
use serde::Deserialize;
use testkit::{Reply, Server};

mod common;
use common::{median_of_last, timed};

fn payload(count: usize) -> String {
    let secret = |i: usize| {
        format!(
            r#"{{"id":"3c90c3cc-0d44-4b50-8888-{i:012x}","created_at":"2023-11-07T05:31:56Z","updated_at":"2023-11-07T05:31:56Z","key":"SECRET_{i}","scope":"PROJECT","variable_type":"VALUE","service_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","service_name":"api","service_type":"APPLICATION","owned_by":"Qovery","description":"secret number {i}","enable_interpolation_in_file":false,"aliased_secret":{{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","key":"QOVERY_DATABASE_PSQL_NAME","mount_path":"/etc/x","scope":"APPLICATION","variable_type":"ALIAS"}}}}"#
        )
    };
    format!(r#"{{"results":[{}]}}"#, (0..count).map(secret).collect::<Vec<_>>().join(","))
}

// The baseline: what a careful hand-written call would decode into.
#[allow(dead_code)]
#[derive(Deserialize)]
struct Alias {
    id: uuid::Uuid,
    key: String,
    mount_path: String,
    scope: String,
    variable_type: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Secret {
    id: uuid::Uuid,
    created_at: chrono::DateTime<chrono::FixedOffset>,
    updated_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    key: String,
    scope: String,
    variable_type: Option<String>,
    service_id: Option<uuid::Uuid>,
    service_name: Option<String>,
    service_type: Option<String>,
    owned_by: Option<String>,
    description: Option<Option<String>>,
    enable_interpolation_in_file: Option<Option<bool>>,
    aliased_secret: Option<Alias>,
}

#[derive(Deserialize)]
struct List {
    results: Vec<Secret>,
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let body = payload(1000);
    let server = runtime.block_on(Server::start(move |_| Reply::json(200, &body)));
    let job = uuid::Uuid::nil();

    let generated = qovery_secrets::Client::builder()
        .base_url(server.url())
        .credential(qovery_secrets::auth::bearer_auth("token"))
        .build()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!("{}/job/{job}/secret", server.url());

    // Per-iteration times of every routine call, kept to compute the ratio from the same
    // samples criterion analyses: the last `SAMPLES` calls are its measurement, earlier ones
    // its warm-up.
    const SAMPLES: usize = 100;
    let timings = [RefCell::new(Vec::new()), RefCell::new(Vec::new())];
    let mut group = c.benchmark_group("list 1000 secrets over loopback");
    group.sample_size(SAMPLES);
    group.bench_function("generated client", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            timed(iters, &timings[0], || async {
                let list = generated.job_secret().list_job_secrets(job).await.unwrap();
                assert_eq!(list.results.map(|r| r.len()), Some(1000));
            })
        })
    });
    group.bench_function("hand-written reqwest + serde", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            timed(iters, &timings[1], || async {
                let response = http.get(&url).bearer_auth("token").send().await.unwrap();
                let bytes = response.bytes().await.unwrap();
                let list: List = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(list.results.len(), 1000);
            })
        })
    });
    group.finish();
    let [generated, hand_written] = timings.map(|t| median_of_last(t.into_inner(), SAMPLES));
    if let (Some(generated), Some(hand_written)) = (generated, hand_written) {
        println!(
            "median per request: generated client {:.3} ms, hand-written {:.3} ms, ratio {:.2}",
            generated * 1e3,
            hand_written * 1e3,
            generated / hand_written
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
