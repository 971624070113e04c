//! The generated Qovery secrets client against a real HTTP server on 127.0.0.1: what goes on the
//! wire (method, path, headers, exact JSON) and what comes back (success, errors, bad payloads).

use apigen_runtime::{Error, Nullable};
use qovery_secrets::types::{ApiVariableScopeEnum, ApiVariableTypeEnum, SecretEditRequest, SecretRequest};
use qovery_secrets::{auth, types, Client};
use testkit::{Recorded, Reply, Server};
use uuid::Uuid;

const JOB: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const SECRET: &str = "0b5b56c8-6e3a-4c4e-9b8a-2f3c1d4e5f60";

fn ids() -> (Uuid, Uuid) {
    (Uuid::parse_str(JOB).unwrap(), Uuid::parse_str(SECRET).unwrap())
}

/// A secret as the seed reference page (002) shows it.
const SECRET_JSON: &str = r#"{
  "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  "created_at": "2023-11-07T05:31:56Z",
  "key": "<string>",
  "scope": "APPLICATION",
  "updated_at": "2023-11-07T05:31:56Z",
  "overridden_secret": {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "key": "<string>",
    "mount_path": "<string>",
    "scope": "APPLICATION",
    "variable_type": "VALUE",
    "description": "<string>",
    "enable_interpolation_in_file": true
  },
  "aliased_secret": {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "key": "QOVERY_DATABASE_PSQL_NAME",
    "mount_path": "<string>",
    "scope": "APPLICATION",
    "variable_type": "VALUE",
    "description": "<string>",
    "enable_interpolation_in_file": true
  },
  "variable_type": "VALUE",
  "service_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  "service_name": "<string>",
  "service_type": "APPLICATION",
  "owned_by": "<string>",
  "description": "<string>",
  "enable_interpolation_in_file": true
}"#;

async fn client_for(server: &Server) -> Client {
    Client::builder().base_url(server.url()).credential(auth::bearer_auth("jwt-TOKEN-123")).build().unwrap()
}

fn only_request(server: &Server) -> Recorded {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

#[tokio::test]
async fn every_operation_sends_its_method_and_path() {
    let secret = || Reply::json(201, SECRET_JSON);
    let list = || Reply::json(200, &format!(r#"{{"results":[{SECRET_JSON}]}}"#));
    let server = Server::scripted(vec![
        secret(),
        list(),
        secret(),
        secret(),
        Reply::json(200, SECRET_JSON),
        Reply::empty(204),
        secret(),
        list(),
        secret(),
        secret(),
        Reply::json(200, SECRET_JSON),
        Reply::empty(204),
    ])
    .await;
    let client = client_for(&server).await;
    let (id, secret_id) = ids();
    let edit = SecretEditRequest::new("KEY");

    let job = client.job_secret();
    assert_eq!(job.create_job_secret(id, None).await.unwrap().key, "<string>");
    assert_eq!(job.list_job_secrets(id).await.unwrap().results.unwrap().len(), 1);
    job.create_job_secret_alias(id, secret_id, None).await.unwrap();
    job.create_job_secret_override(id, secret_id, None).await.unwrap();
    job.edit_job_secret(id, secret_id, &edit).await.unwrap();
    job.delete_job_secret(id, secret_id).await.unwrap();

    let project = client.project_secret();
    project.create_project_secret(id, None).await.unwrap();
    assert_eq!(
        project.list_project_secrets(id).await.unwrap().results.unwrap()[0].scope,
        ApiVariableScopeEnum::Application
    );
    project.create_project_secret_alias(id, secret_id, None).await.unwrap();
    project.create_project_secret_override(id, secret_id, None).await.unwrap();
    project.edit_project_secret(id, secret_id, &edit).await.unwrap();
    project.delete_project_secret(id, secret_id).await.unwrap();

    let seen: Vec<(String, String)> = server.requests().into_iter().map(|r| (r.method, r.target)).collect();
    let expected: Vec<(String, String)> = [
        ("POST", format!("/job/{JOB}/secret")),
        ("GET", format!("/job/{JOB}/secret")),
        ("POST", format!("/job/{JOB}/secret/{SECRET}/alias")),
        ("POST", format!("/job/{JOB}/secret/{SECRET}/override")),
        ("PUT", format!("/job/{JOB}/secret/{SECRET}")),
        ("DELETE", format!("/job/{JOB}/secret/{SECRET}")),
        ("POST", format!("/project/{JOB}/secret")),
        ("GET", format!("/project/{JOB}/secret")),
        ("POST", format!("/project/{JOB}/secret/{SECRET}/alias")),
        ("POST", format!("/project/{JOB}/secret/{SECRET}/override")),
        ("PUT", format!("/project/{JOB}/secret/{SECRET}")),
        ("DELETE", format!("/project/{JOB}/secret/{SECRET}")),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_owned(), p))
    .collect();
    assert_eq!(seen, expected);
    for request in server.requests() {
        assert_eq!(request.header("authorization"), Some("Bearer jwt-TOKEN-123"));
        assert_eq!(request.header("user-agent"), Some(qovery_secrets::USER_AGENT));
    }
}

#[tokio::test]
async fn body_distinguishes_absent_null_and_value() {
    let server = Server::start(|_| Reply::json(201, SECRET_JSON)).await;
    let client = client_for(&server).await;
    let (id, _) = ids();

    let mut request = SecretRequest::new("DB_PASSWORD");
    client.job_secret().create_job_secret(id, Some(&request)).await.unwrap();

    request.value = Some("s3cr3t".into());
    request.mount_path = Nullable::Null;
    request.description = Nullable::Value("the database".into());
    request.enable_interpolation_in_file = Nullable::Value(false);
    client.job_secret().create_job_secret(id, Some(&request)).await.unwrap();

    request.mount_path = Nullable::Value("/etc/db".into());
    client.job_secret().create_job_secret(id, Some(&request)).await.unwrap();

    let bodies: Vec<String> = server.requests().iter().map(Recorded::body_text).collect();
    assert_eq!(bodies[0], r#"{"key":"DB_PASSWORD"}"#);
    assert_eq!(
        bodies[1],
        r#"{"key":"DB_PASSWORD","value":"s3cr3t","mount_path":null,"description":"the database","enable_interpolation_in_file":false}"#
    );
    assert_eq!(
        bodies[2],
        r#"{"key":"DB_PASSWORD","value":"s3cr3t","mount_path":"/etc/db","description":"the database","enable_interpolation_in_file":false}"#
    );
    for request in server.requests() {
        assert_eq!(request.header("content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn no_body_means_no_body_and_no_content_type() {
    let server = Server::scripted(vec![Reply::json(201, SECRET_JSON)]).await;
    let client = client_for(&server).await;
    client.job_secret().create_job_secret(ids().0, None).await.unwrap();
    let request = only_request(&server);
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
    assert_eq!(request.header("content-length").unwrap_or("0"), "0");
}

#[tokio::test]
async fn api_key_credential_goes_in_authorization_with_its_prefix() {
    let server = Server::scripted(vec![Reply::json(200, r#"{"results":[]}"#)]).await;
    let client = Client::builder()
        .base_url(server.url())
        .credential(auth::api_key_auth("qov-KEY-456").with_prefix("Token"))
        .build()
        .unwrap();
    let list = client.project_secret().list_project_secrets(ids().0).await.unwrap();
    assert_eq!(list.results, Some(Vec::new()));
    assert_eq!(only_request(&server).header("authorization"), Some("Token qov-KEY-456"));
}

#[tokio::test]
async fn a_runtime_client_built_by_hand_authenticates_once_wrapped() {
    let server = Server::start(|_| Reply::json(200, r#"{"results":[]}"#)).await;
    let by_hand =
        apigen_runtime::Client::builder(&server.url()).credential(auth::bearer_auth("jwt-HAND")).build().unwrap();
    Client::from(by_hand).project_secret().list_project_secrets(ids().0).await.unwrap();
    // A default the builder set, even "none", is kept.
    let public = apigen_runtime::Client::builder(&server.url())
        .credential(auth::bearer_auth("jwt-HAND"))
        .default_security(&[])
        .build()
        .unwrap();
    Client::from(public).project_secret().list_project_secrets(ids().0).await.unwrap();
    let sent: Vec<_> = server.requests().iter().map(|r| r.header("authorization").map(str::to_owned)).collect();
    assert_eq!(sent, [Some("Bearer jwt-HAND".to_owned()), None]);
}

#[tokio::test]
async fn declared_error_statuses_keep_status_description_and_body() {
    let cases = [
        (400, "Bad request"),
        (401, "Access token is missing or invalid"),
        (403, "Access forbidden"),
        (404, "Resource not found"),
    ];
    for (status, description) in cases {
        let body = format!(r#"{{"message":"nope {status}"}}"#);
        let server = Server::scripted(vec![Reply::json(status, &body).with_header("x-request-id", "r-1")]).await;
        let client = client_for(&server).await;
        let (id, secret_id) = ids();
        let error = client.job_secret().edit_job_secret(id, secret_id, &SecretEditRequest::new("K")).await.unwrap_err();
        let Error::Status(error) = error else { panic!("expected a status error, got {error:?}") };
        assert_eq!(error.status.as_u16(), status);
        assert_eq!(error.description, Some(description));
        assert_eq!(error.body_text(), body);
        assert_eq!(error.headers.get("x-request-id").unwrap(), "r-1");
        // The document declares no body for these statuses: nothing typed is invented.
        assert!(error.typed.is_none());
        let shown = error.to_string();
        assert!(shown.starts_with(&format!("HTTP {status} ")) && shown.contains(description), "{shown}");
    }
}

#[tokio::test]
async fn an_undeclared_status_is_an_error_too_after_the_retries_a_delete_allows() {
    let server = Server::start(|_| Reply::text(502, "text/html", "<h1>Bad gateway</h1>")).await;
    let client = client_for(&server).await;
    let error = client.job_secret().delete_job_secret(ids().0, ids().1).await.unwrap_err();
    let Error::Status(error) = error else { panic!("{error:?}") };
    assert_eq!(error.status.as_u16(), 502);
    assert_eq!(error.description, None);
    assert_eq!(error.body_text(), "<h1>Bad gateway</h1>");
    // DELETE is idempotent: the default policy made three attempts.
    assert_eq!(server.requests().len(), 3);

    // A POST is not retried.
    let server = Server::start(|_| Reply::text(502, "text/html", "<h1>Bad gateway</h1>")).await;
    let client = client_for(&server).await;
    client.job_secret().create_job_secret(ids().0, None).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unknown_enum_values_are_kept_not_rejected() {
    let json = SECRET_JSON.replacen(r#""scope": "APPLICATION""#, r#""scope": "ORGANIZATION""#, 1).replacen(
        r#""variable_type": "VALUE",
  "service_id""#,
        r#""variable_type": "VAULT_REFERENCE",
  "service_id""#,
        1,
    );
    let server = Server::scripted(vec![Reply::json(201, &json)]).await;
    let client = client_for(&server).await;
    let secret = client.job_secret().create_job_secret(ids().0, None).await.unwrap();
    assert_eq!(secret.scope, ApiVariableScopeEnum::Unknown("ORGANIZATION".into()));
    assert_eq!(secret.variable_type, Some(ApiVariableTypeEnum::Unknown("VAULT_REFERENCE".into())));
    // And they go back out exactly as they came.
    let again = serde_json::to_value(&secret).unwrap();
    assert_eq!(again["scope"], "ORGANIZATION");
    assert_eq!(again["variable_type"], "VAULT_REFERENCE");
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_naming_the_type() {
    let server = Server::scripted(vec![
        Reply::json(201, r#"{"id": "not-a-uuid", "key": 1"#),
        Reply::text(200, "text/html", "<html>maintenance</html>"),
    ])
    .await;
    let client = client_for(&server).await;
    let error = client.job_secret().create_job_secret(ids().0, None).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert!(decode.type_name.ends_with("types::Secret"), "{}", decode.type_name);
    assert_eq!(decode.status.as_u16(), 201);
    assert!(decode.excerpt.starts_with(r#"{"id": "not-a-uuid""#), "{}", decode.excerpt);
    assert!(error.to_string().contains("Secret"), "{error}");

    let error = client.job_secret().list_job_secrets(ids().0).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert!(decode.type_name.ends_with("SecretResponseList"));
    assert_eq!(decode.excerpt, "<html>maintenance</html>");
}

#[tokio::test]
async fn secrets_never_show_in_debug() {
    let mut request = SecretRequest::new("DB_PASSWORD");
    request.value = Some("hunter2-VALUE".into());
    let mut edit = SecretEditRequest::new("K");
    edit.value = Some("hunter2-EDIT".into());
    let value = types::Value { value: Some("hunter2-OVERRIDE".into()), ..types::Value::default() };
    let client = Client::builder()
        .credential(auth::bearer_auth("jwt-hunter2"))
        .credential(auth::api_key_auth("key-hunter2").with_prefix("Token"))
        .build()
        .unwrap();
    let shown = format!("{request:?} {request:#?} {edit:?} {value:#?} {client:?} {client:#?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("DB_PASSWORD") && shown.contains("***"), "{shown}");
    // The value is still sent in clear: redaction is for logs, not for the wire.
    assert!(serde_json::to_string(&request).unwrap().contains("hunter2-VALUE"));
}

#[test]
fn seed_payloads_decode_and_round_trip() {
    // The response of 002/003 (a secret with an override and an alias).
    let secret: types::Secret = serde_json::from_str(SECRET_JSON).unwrap();
    assert_eq!(secret.aliased_secret.as_ref().unwrap().key, "QOVERY_DATABASE_PSQL_NAME");
    assert_eq!(secret.created_at.to_rfc3339(), "2023-11-07T05:31:56+00:00");
    assert_eq!(secret.description, Nullable::Value("<string>".into()));
    let original: serde_json::Value = serde_json::from_str(SECRET_JSON).unwrap();
    assert_eq!(serde_json::to_value(&secret).unwrap(), original);

    // The request bodies of 002 (create, with `mount_path: null`) and 003 (alias).
    let create = r#"{"key":"<string>","value":"<string>","mount_path":null,"description":"<string>","enable_interpolation_in_file":true}"#;
    let request: SecretRequest = serde_json::from_str(create).unwrap();
    assert_eq!(request.mount_path, Nullable::Null);
    assert_eq!(serde_json::to_string(&request).unwrap(), create);
    let alias = r#"{"key":"<string>","description":"<string>","enable_interpolation_in_file":true}"#;
    let key: types::Key = serde_json::from_str(alias).unwrap();
    assert_eq!(serde_json::to_string(&key).unwrap(), alias);
}

#[test]
fn date_times_keep_their_offset() {
    // `-05:00` comes back as `-05:00`, not as the same instant in UTC (`15:00:00Z`).
    let text = SECRET_JSON.replacen("2023-11-07T05:31:56Z", "2024-01-01T10:00:00-05:00", 1).replacen(
        "2023-11-07T05:31:56Z",
        "2024-01-01T10:00:00.250+05:30",
        1,
    );
    let secret: types::Secret = serde_json::from_str(&text).unwrap();
    assert_eq!(secret.created_at.to_rfc3339(), "2024-01-01T10:00:00-05:00");
    assert_eq!(secret.created_at.offset().local_minus_utc(), -5 * 3600);
    let encoded = serde_json::to_value(&secret).unwrap();
    assert_eq!(encoded["created_at"], "2024-01-01T10:00:00-05:00");
    assert_eq!(encoded["updated_at"], "2024-01-01T10:00:00.250+05:30");
    assert_eq!(encoded, serde_json::from_str::<serde_json::Value>(&text).unwrap());
}

/// The generated client's per-call options and response metadata: the server sees the call's
/// header and query parameter, and the typed body comes back with the response's headers.
#[tokio::test]
async fn a_generated_call_carries_options_and_returns_its_headers() {
    let server = Server::start(|_| {
        Reply::json(200, r#"{"results": []}"#)
            .with_header("x-request-id", "req-42")
            .with_header("x-ratelimit-remaining", "9")
    })
    .await;
    let client = client_for(&server).await;
    let (job, _) = ids();
    let options = qovery_secrets::CallOptions::new().header("x-tenant", "acme").query("trace", "1");
    let view = client.with_options(options);
    use qovery_secrets::WithMeta as _;
    let response = view.job_secret().list_job_secrets(job).with_meta().await.unwrap();
    let list: &types::SecretResponseList = &response.body;
    assert!(list.results.as_ref().is_some_and(Vec::is_empty));
    assert_eq!(response.status, 200);
    assert_eq!(response.header_text("x-request-id"), Some("req-42"));
    assert_eq!(response.header::<u32>("x-ratelimit-remaining"), Ok(Some(9)));
    let request = only_request(&server);
    assert_eq!(request.header("x-tenant"), Some("acme"));
    assert_eq!(request.target, format!("/job/{job}/secret?trace=1"));
    // The client the view came from sends neither.
    client.job_secret().list_job_secrets(job).await.unwrap();
    let plain = server.requests().pop().unwrap();
    assert_eq!((plain.header("x-tenant"), plain.query.as_deref()), (None, None));
}
