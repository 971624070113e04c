//! Decoding discriminated unions: listing 1,000 Qovery jobs (lifecycle and cron jobs mixed,
//! told apart by `job_type`) over loopback with the client generated from the full Qovery
//! document, against a hand-written reqwest + serde call whose enum is `#[serde(tag =
//! "job_type")]`, in the same run and against the same server. Written into a crate of its own by
//! `cargo xtask bench --unions`, which runs it.

use std::cell::RefCell;

use criterion::{criterion_group, criterion_main, Criterion};
use serde::Deserialize;
use testkit::{Reply, Server};

// The timing helpers of the workspace's own benchmarks (the path is filled in by the xtask).
#[path = "@BENCH_COMMON@"]
mod common;
use common::{median_of_last, timed};

/// A job as the Qovery reference shows one; `index` varies the ids and names.
fn job(index: usize) -> String {
    let (job_type, schedule, source) = if index % 2 == 0 {
        (
            "LIFECYCLE",
            r#"{"on_start":{"arguments":["migrate","--all"],"entrypoint":"/bin/sh"},"on_stop":{"arguments":[]}}"#,
            r#"{"image":{"image_name":"worker","tag":"1.4.2","registry_id":"r1","registry":{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","name":"Docker Hub","url":"https://docker.io","kind":"DOCKER_HUB"}}}"#,
        )
    } else {
        (
            "CRON",
            r#"{"cronjob":{"arguments":["report"],"entrypoint":"/app/run","timezone":"Europe/Paris","scheduled_at":"0 3 * * *"}}"#,
            r#"{"docker":{"git_repository":{"provider":"GITHUB","owner":"acme","url":"https://github.com/acme/jobs.git","name":"acme/jobs","branch":"main","root_path":"/"},"dockerfile_path":"Dockerfile"}}"#,
        )
    };
    format!(
        r#"{{"id":"3c90c3cc-0d44-4b50-8888-{index:012x}","created_at":"2023-11-07T05:31:56Z","updated_at":"2024-01-02T10:00:00Z","environment":{{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}},"maximum_cpu":4000,"maximum_memory":8192,"maximum_gpu":0,"name":"job-{index}","description":"job number {index}","cpu":500,"memory":512,"gpu":0,"max_nb_restart":3,"max_duration_seconds":600,"auto_preview":false,"port":null,"source":{source},"healthchecks":{{"readiness_probe":null,"liveness_probe":{{"type":{{"http":{{"path":"/health","scheme":"HTTP"}}}},"initial_delay_seconds":30,"period_seconds":10,"timeout_seconds":5,"success_threshold":1,"failure_threshold":3}}}},"auto_deploy":true,"icon_uri":"app://qovery-console/job","service_type":"JOB","job_type":"{job_type}","schedule":{schedule}}}"#
    )
}

fn payload(count: usize) -> String {
    format!(r#"{{"results":[{}]}}"#, (0..count).map(job).collect::<Vec<_>>().join(","))
}

// The baseline: the enum and structs a careful hand-written client would declare.
#[allow(dead_code)]
#[derive(Deserialize)]
struct Reference {
    id: uuid::Uuid,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Registry {
    id: uuid::Uuid,
    name: String,
    url: String,
    kind: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Image {
    image_name: String,
    tag: String,
    registry_id: Option<String>,
    registry: Registry,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Repository {
    provider: String,
    owner: String,
    url: String,
    name: String,
    branch: Option<String>,
    root_path: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Docker {
    git_repository: Option<Repository>,
    dockerfile_path: Option<Option<String>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(untagged)]
enum Source {
    Image { image: Image },
    Docker { docker: Docker },
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Probe {
    r#type: Option<serde_json::Map<String, serde_json::Value>>,
    initial_delay_seconds: Option<i64>,
    period_seconds: Option<i64>,
    timeout_seconds: Option<i64>,
    success_threshold: Option<i64>,
    failure_threshold: Option<i64>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Healthchecks {
    readiness_probe: Option<Option<Probe>>,
    liveness_probe: Option<Option<Probe>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Command {
    arguments: Option<Vec<String>>,
    entrypoint: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct LifecycleSchedule {
    on_start: Option<Command>,
    on_stop: Option<Command>,
    on_delete: Option<Command>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Cron {
    arguments: Option<Vec<String>>,
    entrypoint: Option<String>,
    timezone: String,
    scheduled_at: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct CronSchedule {
    cronjob: Cron,
}

/// The fields both kinds share, and the schedule that differs.
#[allow(dead_code)]
#[derive(Deserialize)]
struct Job<S> {
    id: uuid::Uuid,
    created_at: chrono::DateTime<chrono::FixedOffset>,
    updated_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    environment: Reference,
    maximum_cpu: i64,
    maximum_memory: i64,
    maximum_gpu: i64,
    name: String,
    description: Option<String>,
    cpu: i64,
    memory: i64,
    gpu: i64,
    max_nb_restart: Option<i64>,
    max_duration_seconds: Option<i64>,
    auto_preview: bool,
    port: Option<Option<i64>>,
    source: Source,
    healthchecks: Healthchecks,
    auto_deploy: Option<bool>,
    icon_uri: String,
    service_type: String,
    schedule: S,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(tag = "job_type")]
enum AnyJob {
    #[serde(rename = "LIFECYCLE")]
    Lifecycle(Job<LifecycleSchedule>),
    #[serde(rename = "CRON")]
    Cron(Job<CronSchedule>),
}

#[derive(Deserialize)]
struct List {
    results: Vec<AnyJob>,
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let body = payload(1000);
    let server = runtime.block_on(Server::start(move |_| Reply::json(200, &body)));
    let environment = uuid::Uuid::nil();

    let generated = qovery::Client::builder()
        .base_url(server.url())
        .credential(qovery::auth::bearer_auth("token"))
        .build()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!("{}/environment/{environment}/job", server.url());

    // Both sides decode every item into its kind: nothing falls back to `Unknown`.
    let jobs = runtime.block_on(generated.jobs().list_jobs(environment, &Default::default())).unwrap().results.unwrap();
    let kinds = |lifecycle: bool| jobs.iter().filter(|j| matches!(j, qovery::types::JobResponse::Lifecycle(_)) == lifecycle).count();
    assert_eq!((kinds(true), kinds(false)), (500, 500));
    assert!(jobs.iter().all(|j| !matches!(j, qovery::types::JobResponse::Unknown(_))));

    const SAMPLES: usize = 100;
    let timings = [RefCell::new(Vec::new()), RefCell::new(Vec::new())];
    let mut group = c.benchmark_group("list 1000 jobs (discriminated union) over loopback");
    group.sample_size(SAMPLES);
    group.bench_function("generated client", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            timed(iters, &timings[0], || async {
                let list = generated.jobs().list_jobs(environment, &Default::default()).await.unwrap();
                assert_eq!(list.results.map(|r| r.len()), Some(1000));
            })
        })
    });
    group.bench_function("hand-written reqwest + serde(tag)", |b| {
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
