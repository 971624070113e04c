//! The module a build script generated, over real HTTP on 127.0.0.1.

use embedded_client::qovery::{auth, types, Client, Nullable};
use testkit::{Reply, Server};

const SECRET: &str = r#"{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","created_at":"2023-11-07T05:31:56Z",
"key":"DATABASE_URL","scope":"JOB","variable_type":"VALUE"}"#;

fn job() -> uuid::Uuid {
    uuid::Uuid::parse_str("3c90c3cc-0d44-4b50-8888-8dd25736052a").unwrap()
}

#[tokio::test]
async fn the_embedded_client_lists_and_creates_secrets() {
    let server = Server::start(|request| match request.method.as_str() {
        "GET" => Reply::json(200, &format!(r#"{{"results":[{SECRET}]}}"#)),
        _ => Reply::json(201, SECRET),
    })
    .await;
    let client = Client::builder().base_url(server.url()).credential(auth::bearer_auth("t0ken")).build().unwrap();

    assert_eq!(embedded_client::secret_keys(&client, job()).await.unwrap(), ["DATABASE_URL"]);

    let mut request = types::SecretRequest::new("DATABASE_URL");
    request.mount_path = Nullable::Null;
    let created = client.job_secret().create_job_secret(job(), Some(&request)).await.unwrap();
    assert_eq!(created.scope, types::ApiVariableScopeEnum::Job);

    let requests = server.requests();
    assert_eq!(requests[0].path, "/job/3c90c3cc-0d44-4b50-8888-8dd25736052a/secret");
    assert_eq!(requests[1].body_text(), r#"{"key":"DATABASE_URL","mount_path":null}"#);
    assert_eq!(requests[1].header("authorization"), Some("Bearer t0ken"));
    // The including package names the client.
    assert_eq!(requests[1].header("user-agent"), Some("embedded-client/0.1.0"));
}
