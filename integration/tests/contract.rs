//! Contract test against an independent validator: every operation of the generated client sent
//! to the Prism mock server (`@stoplight/prism-cli`), which validates each request against
//! `spec/openapi.yaml` and answers from the document. Prism must accept every request and the
//! client must decode every response.
//!
//! Needs a running Prism: `cargo xtask contract` installs and starts it, then runs this with
//! `PRISM_URL` set.

use qovery_secrets::types::{Key, SecretEditRequest, SecretRequest, Value};
use qovery_secrets::{auth, Client, Error, Nullable};
use uuid::Uuid;

fn prism() -> Client {
    let url = std::env::var("PRISM_URL").expect("PRISM_URL: run this through `cargo xtask contract`");
    Client::builder().base_url(url).credential(auth::bearer_auth("contract-token")).build().unwrap()
}

/// Prism says why it refused a request in the body of a 422 (or 401 for auth): show it.
fn accepted<T>(operation: &str, result: Result<T, Error>) -> T {
    match result {
        Ok(value) => value,
        Err(Error::Status(e)) => panic!("{operation}: Prism refused the request: {} {}", e.status, e.body_text()),
        Err(other) => panic!("{operation}: {other}"),
    }
}

#[tokio::test]
#[ignore = "needs the Prism mock server: cargo xtask contract"]
async fn every_operation_is_accepted_by_prism_and_decoded() {
    let client = prism();
    let (id, secret_id) = (
        Uuid::from_u128(0x3c90c3cc_0d44_4b50_8888_8dd25736052a),
        Uuid::from_u128(0x0b5b56c8_6e3a_4c4e_9b8a_2f3c1d4e5f60),
    );
    let mut request = SecretRequest::new("DATABASE_URL");
    request.value = Some("postgres://…".into());
    request.mount_path = Nullable::Null;
    request.description = Nullable::Value("primary database".into());
    let mut edit = SecretEditRequest::new("DATABASE_URL");
    edit.value = Some("postgres://other".into());
    edit.enable_interpolation_in_file = Nullable::Null;
    let value = Value { value: Some("override".into()), ..Value::default() };
    let key = Key::new("DB_ALIAS");

    let job = client.job_secret();
    accepted("createJobSecret", job.create_job_secret(id, Some(&request)).await);
    accepted("createJobSecret without body", job.create_job_secret(id, None).await);
    accepted("listJobSecrets", job.list_job_secrets(id).await);
    accepted("createJobSecretAlias", job.create_job_secret_alias(id, secret_id, Some(&key)).await);
    accepted("createJobSecretOverride", job.create_job_secret_override(id, secret_id, Some(&value)).await);
    accepted("editJobSecret", job.edit_job_secret(id, secret_id, &edit).await);
    accepted("deleteJobSecret", job.delete_job_secret(id, secret_id).await);

    let project = client.project_secret();
    accepted("createProjectSecret", project.create_project_secret(id, Some(&request)).await);
    accepted("listProjectSecrets", project.list_project_secrets(id).await);
    accepted("createProjectSecretAlias", project.create_project_secret_alias(id, secret_id, Some(&key)).await);
    accepted("createProjectSecretOverride", project.create_project_secret_override(id, secret_id, Some(&value)).await);
    accepted("editProjectSecret", project.edit_project_secret(id, secret_id, &edit).await);
    accepted("deleteProjectSecret", project.delete_project_secret(id, secret_id).await);
}

#[tokio::test]
#[ignore = "needs the Prism mock server: cargo xtask contract"]
async fn prism_refuses_what_the_document_forbids() {
    // The check is real: a request the document forbids is refused, and the client reports it.
    let url = std::env::var("PRISM_URL").expect("PRISM_URL");
    let anonymous = Client::builder().base_url(url).build().unwrap();
    let error = anonymous
        .job_secret()
        .list_job_secrets(Uuid::from_u128(0x3c90c3cc_0d44_4b50_8888_8dd25736052a))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
    let raw = prism()
        .runtime()
        .request(
            apigen_runtime::Method::PUT,
            "/job/{jobId}/secret/{secretId}",
            &[&"not-a-uuid", &Uuid::from_u128(0x3c90c3cc_0d44_4b50_8888_8dd25736052a)],
        )
        .security(&[&["bearerAuth"]])
        .json(&serde_json::json!({"value": 1}))
        .send_empty::<serde_json::Value>(&[])
        .await
        .unwrap_err();
    // Prism answers an invalid request with a status the operation declares (400 here), or 422.
    assert!(matches!(raw.status().map(|s| s.as_u16()), Some(400 | 422)), "{raw}");
    let Error::Status(refusal) = raw else { unreachable!() };
    // Prism lists what it found wrong in `sl-violations`.
    let violations = refusal.headers.get("sl-violations").and_then(|v| v.to_str().ok()).unwrap_or_default();
    for expected in ["required property 'key'", "value must be string", "must match format \\\"uuid\\\""] {
        assert!(violations.contains(expected), "{expected} not in {violations}");
    }
}
