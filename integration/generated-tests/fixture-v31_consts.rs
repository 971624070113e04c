//! The consts fixture (`generator/tests/fixtures/v31_consts.yaml`): unions dispatched on a
//! property each alternative fixes with `const` (a string) or a one-value `enum` (an integer),
//! an unknown value kept, and enums written as titled constants.

use fixture_v31_consts::types::{Circle, Event, Level, Shape, ShapeKind, Square, Version};
use fixture_v31_consts::Client;
use serde_json::{json, Value};
use testkit::{Reply, Server};

#[test]
fn a_const_tag_selects_the_alternative_and_an_unknown_one_is_kept() {
    let events: Vec<Event> = serde_json::from_value(json!([
        {"kind": "message", "text": "hello"},
        {"kind": "reaction", "emoji": "+1"},
        {"kind": "poll", "question": "lunch?"}
    ]))
    .unwrap();
    assert!(matches!(&events[0], Event::Message(m) if m.text == "hello"));
    assert!(matches!(&events[1], Event::Reaction(r) if r.emoji == "+1"));
    assert_eq!(events[2], Event::Unknown(json!({"kind": "poll", "question": "lunch?"})));
    // Every alternative carries its tag: values serialize back as they came.
    assert_eq!(serde_json::to_value(&events).unwrap()[1], json!({"kind": "reaction", "emoji": "+1"}));
    // A known tag with a broken body is an error naming the alternative, not `Unknown`.
    let error = serde_json::from_value::<Event>(json!({"kind": "message"})).unwrap_err().to_string();
    assert!(error.contains("MessageEvent"), "{error}");
}

#[test]
fn an_integer_tag_dispatches_too() {
    let circle: Shape = serde_json::from_value(json!({"kind": 1, "radius": 2.0})).unwrap();
    assert_eq!(circle, Shape::Circle(Circle { kind: ShapeKind::CIRCLE, radius: 2.0 }));
    let square: Shape = serde_json::from_value(json!({"kind": 2, "side": 3.0})).unwrap();
    assert!(matches!(square, Shape::Square(Square { side, .. }) if side == 3.0));
    let triangle: Shape = serde_json::from_value(json!({"kind": 3, "base": 1.0})).unwrap();
    assert_eq!(triangle, Shape::Unknown(json!({"kind": 3, "base": 1.0})));
    assert_eq!(serde_json::to_value(&circle).unwrap(), json!({"kind": 1, "radius": 2.0}));
}

#[test]
fn titled_constants_are_named_and_open() {
    assert_eq!(ShapeKind::SQUARE, ShapeKind(2));
    assert_eq!(serde_json::from_value::<ShapeKind>(json!(9)).unwrap(), ShapeKind(9));
    assert_eq!(serde_json::from_value::<Level>(json!("high")).unwrap(), Level::High);
    assert_eq!(serde_json::from_value::<Level>(json!("medium")).unwrap(), Level::Unknown("medium".into()));
    assert_eq!(Level::Low.to_string(), "low");
    assert_eq!(serde_json::to_value(Version::V1).unwrap(), json!("v1"));
}

#[tokio::test]
async fn over_http() {
    let server = Server::scripted(vec![
        Reply::json(200, r#"[{"kind": "message", "text": "hi"}, {"kind": "typing"}]"#),
        Reply::json(201, r#"{"kind": 2, "side": 4.5}"#),
    ])
    .await;
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let events = client.default().list_events().await.unwrap();
    assert_eq!(events.len(), 2);
    assert!(matches!(events[1], Event::Unknown(_)));
    let shape = Shape::Square(Square { kind: ShapeKind::SQUARE, side: 4.5 });
    assert_eq!(client.default().create_shape(&shape).await.unwrap(), shape);
    let sent: Value = serde_json::from_slice(&server.requests()[1].body).unwrap();
    assert_eq!(sent, json!({"kind": 2, "side": 4.5}));
}
