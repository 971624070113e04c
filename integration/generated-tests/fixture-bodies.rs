//! The bodies fixture (`generator/tests/fixtures/bodies.yaml`) over loopback: each content type
//! on the wire, and success statuses with different bodies as an enum of outcomes.

use fixture_bodies::apis::default::RunJobOutcome;
use fixture_bodies::{types, Bytes, Client, Error};
use testkit::{Reply, Server};

fn client(server: &Server) -> Client {
    Client::builder().base_url(server.url()).build().unwrap()
}

#[tokio::test]
async fn each_success_status_is_its_own_outcome() {
    let server = Server::scripted(vec![
        Reply::json(200, r#"{"id": 7}"#),
        Reply::json(202, r#"{"ticket": "t-1"}"#),
        Reply::empty(204),
        Reply::json(409, r#"{"message": "busy"}"#),
    ])
    .await;
    let api = client(&server);
    assert_eq!(api.default().run_job("j").await.unwrap(), RunJobOutcome::Ok(types::Blob { id: 7 }));
    assert!(matches!(api.default().run_job("j").await.unwrap(), RunJobOutcome::Accepted(r) if r.ticket == "t-1"));
    assert_eq!(api.default().run_job("j").await.unwrap(), RunJobOutcome::NoContent);
    let error = api.default().run_job("j").await.unwrap_err();
    assert!(matches!(&error, Error::Status(e) if e.status.as_u16() == 409), "{error:?}");
}

#[tokio::test]
async fn text_bytes_form_and_multipart_go_on_the_wire_as_declared() {
    let server = Server::scripted(vec![
        Reply::text(200, "text/plain", "stored: a: 1"),
        Reply::json(201, r#"{"id": 1}"#),
        Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/octet-stream".into())],
            body: vec![0u8, 159, 146, 150].into(),
        },
        Reply::empty(204),
        Reply::json(200, r#"{"id": 2}"#),
    ])
    .await;
    let api = client(&server);
    assert_eq!(api.default().put_config("a: 1\n".into()).await.unwrap(), "stored: a: 1");
    api.default().upload_blob(Some(Bytes::from_static(b"\x00\xff").into())).await.unwrap();
    assert_eq!(&api.default().download_blob(9).await.unwrap()[..], &[0u8, 159, 146, 150]);
    api.default().login(&types::LoginBody { user: "ann".into(), password: "p@ss word".into() }).await.unwrap();
    let mut attachment = types::AttachBody::new(Bytes::from_static(b"PDF").into(), "42");
    attachment.tags = Some(vec!["a".into()]);
    api.default().attach(&attachment).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].header("content-type"), Some("application/x-yaml"));
    assert_eq!(requests[0].body_text(), "a: 1\n");
    assert_eq!(requests[1].header("content-type"), Some("application/octet-stream"));
    assert_eq!(&requests[1].body[..], b"\x00\xff");
    assert_eq!(requests[3].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(requests[3].body_text(), "user=ann&password=p%40ss+word");
    let multipart = requests[4].body_text();
    let content_type = requests[4].header("content-type").unwrap();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
    assert!(multipart.starts_with(&format!("--{boundary}\r\n")), "{multipart}");
    assert!(
        multipart.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\nPDF\r\n"),
        "{multipart}"
    );
    assert!(multipart.contains("name=\"parent\"\r\n\r\n42\r\n"), "{multipart}");
    assert!(multipart.contains("name=\"tags\"\r\nContent-Type: application/json\r\n\r\n[\"a\"]\r\n"), "{multipart}");
    assert!(!multipart.contains("name=\"name\""), "{multipart}");
    assert!(multipart.ends_with(&format!("--{boundary}--\r\n")));
}
