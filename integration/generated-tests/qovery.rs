//! Realistic payloads of the full Qovery API through the types generated from
//! `../shared/specs/qovery.yaml`. Run by `cargo xtask check-specs`, which generates that crate
//! and copies this file into its `tests/`.

use qovery::types::{
    JobResponse, ListServicesByEnvironmentIdResponse, ListServicesByEnvironmentIdResponseResultsItem as Service,
};
use serde_json::{json, Value};

fn cron_job() -> Value {
    json!({
        "id": "7f6a3c1e-2b4d-4e5f-8a9b-0c1d2e3f4a5b",
        "created_at": "2024-03-01T10:00:00Z",
        "updated_at": "2024-03-02T11:30:00Z",
        "environment": {"id": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"},
        "maximum_cpu": 4000,
        "maximum_memory": 8192,
        "maximum_gpu": 0,
        "name": "nightly-report",
        "description": "Builds the nightly report",
        "cpu": 500,
        "memory": 512,
        "gpu": 0,
        "auto_preview": false,
        "port": null,
        "source": {
            "image": {
                "image_name": "acme/report",
                "tag": "1.4.2",
                "registry": {
                    "id": "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                    "name": "Docker Hub",
                    "url": "https://docker.io",
                    "kind": "DOCKER_HUB"
                }
            }
        },
        "healthchecks": {},
        "auto_deploy": true,
        "icon_uri": "app://qovery-console/cron-job",
        "service_type": "JOB",
        "job_type": "CRON",
        "schedule": {
            "cronjob": {
                "arguments": ["--since", "yesterday"],
                "scheduled_at": "0 3 * * *",
                "timezone": "Europe/Paris"
            }
        }
    })
}

fn lifecycle_job() -> Value {
    json!({
        "id": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
        "created_at": "2024-04-01T08:00:00Z",
        "environment": {"id": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"},
        "maximum_cpu": 4000,
        "maximum_memory": 8192,
        "maximum_gpu": 0,
        "name": "seed-database",
        "cpu": 250,
        "memory": 256,
        "gpu": 0,
        "auto_preview": true,
        "source": {
            "docker": {
                "git_repository": {
                    "provider": "GITHUB",
                    "owner": "acme",
                    "url": "https://github.com/acme/seed.git",
                    "name": "acme/seed",
                    "branch": "main",
                    "root_path": "/"
                },
                "dockerfile_path": "Dockerfile",
                "dockerfile_raw": null
            }
        },
        "healthchecks": {},
        "icon_uri": "app://qovery-console/lifecycle-job",
        "service_type": "JOB",
        "job_type": "LIFECYCLE",
        "schedule": {
            "on_start": {"arguments": ["seed"]},
            "lifecycle_type": "GENERIC"
        }
    })
}

/// Decodes, re-encodes and compares: nothing lost, nothing added, the tag written once.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(payload: &Value) -> T {
    let decoded: T = serde_json::from_value(payload.clone()).unwrap_or_else(|e| panic!("{e}"));
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(&encoded, payload);
    let text = serde_json::to_string(&decoded).unwrap();
    assert_eq!(text.matches("\"job_type\"").count(), 1, "{text}");
    decoded
}

#[test]
fn a_cron_job_round_trips() {
    let JobResponse::Cron(job) = round_trip::<JobResponse>(&cron_job()) else { panic!("not a cron job") };
    assert_eq!(job.name, "nightly-report");
    assert_eq!(job.schedule.cronjob.scheduled_at, "0 3 * * *");
}

#[test]
fn a_lifecycle_job_round_trips() {
    let JobResponse::Lifecycle(job) = round_trip::<JobResponse>(&lifecycle_job()) else {
        panic!("not a lifecycle job")
    };
    assert_eq!(job.name, "seed-database");
}

#[test]
fn an_unknown_job_type_is_kept_not_rejected() {
    let mut payload = cron_job();
    payload["job_type"] = json!("SERVERLESS");
    let decoded: JobResponse = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(decoded, JobResponse::Unknown(payload.clone()));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), payload);
}

#[test]
fn a_service_list_mixing_types_decodes_each_by_its_tag() {
    let list = json!({"results": [cron_job(), lifecycle_job(), {"service_type": "FUNCTION", "id": "x"}]});
    let decoded: ListServicesByEnvironmentIdResponse = serde_json::from_value(list.clone()).unwrap();
    let results = decoded.results.as_ref().unwrap();
    assert!(matches!(&results[0], Service::Job(JobResponse::Cron(_))), "{:?}", results[0]);
    assert!(matches!(&results[1], Service::Job(JobResponse::Lifecycle(_))), "{:?}", results[1]);
    assert!(matches!(&results[2], Service::Unknown(v) if v["service_type"] == "FUNCTION"));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), list);
}

#[test]
fn a_known_tag_with_a_broken_body_is_an_error_naming_the_variant() {
    let mut payload = cron_job();
    payload.as_object_mut().unwrap().remove("schedule");
    let error = serde_json::from_value::<JobResponse>(payload).unwrap_err().to_string();
    assert!(error.contains("CronJobResponse") && error.contains("schedule"), "{error}");
}
