//! The keywords fixture (`generator/tests/fixtures/v31_keywords.yaml`): tuples, base64 and
//! binary content, pattern-keyed maps, and the keywords only warned about, decoded from real
//! payloads; an operation without `responses` over loopback.

use fixture_v31_keywords::types::{Point, UploadFileBody};
use fixture_v31_keywords::{Client, FilePart};
use serde_json::json;
use testkit::{Reply, Server};

#[test]
fn tuples_base64_maps_and_safe_types_round_trip() {
    let value = json!({
        "position": [2.35, 48.85],
        "ratio": 0.5,
        "thumbnail": "iVBORw0KGgo=",
        "labels": {"city": "paris"},
        "shape": {"kind": "circle"},
        "anything_but_null": {"any": ["thing"]},
        "billing": {"card": "visa"},
        "extra": {"name": "x", "count": 3}
    });
    let point: Point = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(point.position, (2.35, 48.85));
    assert_eq!(&point.thumbnail.as_ref().unwrap()[..], b"\x89PNG\r\n\x1a\n");
    assert_eq!(point.labels.as_ref().unwrap()["city"], "paris");
    assert_eq!(point.extra.as_ref().unwrap().additional_properties["count"], 3);
    assert_eq!(serde_json::to_value(&point).unwrap(), value);
    // A tuple has exactly its positions.
    assert!(serde_json::from_value::<Point>(json!({"position": [1.0]})).is_err());
    assert!(serde_json::from_value::<Point>(json!({"position": [1.0, 2.0, 3.0]})).is_err());
}

#[tokio::test]
async fn binary_content_is_a_file_part_and_no_responses_means_no_body() {
    let server = Server::scripted(vec![Reply::empty(204), Reply::empty(200)]).await;
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let logo = FilePart::from(b"\x89PNG".as_slice()).file_name("logo.png").content_type("image/png");
    let body = UploadFileBody { file: Some(logo), note: Some("logo".into()) };
    client.default().upload_file(Some(&body)).await.unwrap();
    client.default().ping().await.unwrap();
    let requests = server.requests();
    let multipart = requests[0].body.to_vec();
    let text = String::from_utf8_lossy(&multipart);
    assert!(text.contains("name=\"file\"; filename=\"logo.png\"\r\nContent-Type: image/png"), "{text}");
    assert!(multipart.windows(4).any(|w| w == b"\x89PNG"));
    assert!(text.contains("name=\"note\"\r\n\r\nlogo\r\n"), "{text}");
    assert_eq!(requests[1].method, "GET");
}
