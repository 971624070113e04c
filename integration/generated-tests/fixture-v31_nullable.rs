//! The 3.1 nullable fixture (`generator/tests/fixtures/v31_nullable.yaml`): `type: [T, "null"]`,
//! `type: "null"` alternatives and a component that accepts `null` keep absent, `null` and a
//! value apart, exactly as 3.0's `nullable: true` does; several types make a union.

use fixture_v31_nullable::types::{Avatar, Profile, ProfileExternalId, ProfileTheme};
use fixture_v31_nullable::{Client, Nullable};
use serde_json::{json, Value};
use testkit::{Reply, Server};

fn round_trip(value: Value) -> Profile {
    let profile: Profile = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&profile).unwrap(), value, "does not round-trip exactly");
    profile
}

#[test]
fn absent_null_and_value_are_three_things() {
    let absent = round_trip(json!({"name": "ann", "nickname": null, "avatar": null}));
    assert_eq!(absent.bio, Nullable::Absent);
    assert_eq!(absent.banner, Nullable::Absent);
    assert_eq!(absent.age, Nullable::Absent);

    let null = round_trip(
        json!({"name": "ann", "nickname": null, "avatar": null, "bio": null, "banner": null, "age": null, "theme": null}),
    );
    assert_eq!(null.bio, Nullable::Null);
    assert_eq!(null.banner, Nullable::Null);
    assert_eq!(null.age, Nullable::Null);
    assert_eq!(null.theme, Nullable::Null);

    let value = round_trip(json!({
        "name": "ann", "nickname": "a", "avatar": {"url": "https://x.test/a.png"},
        "bio": "hi", "banner": {"url": "https://x.test/b.png", "width": 3}, "age": 41, "theme": "dark"
    }));
    assert_eq!(value.bio, Nullable::Value("hi".to_owned()));
    assert_eq!(value.nickname.as_deref(), Some("a"));
    assert_eq!(value.avatar, Some(Avatar::new("https://x.test/a.png")));
    assert_eq!(value.age, Nullable::Value(41));
    assert_eq!(value.theme, Nullable::Value(ProfileTheme::Dark));
}

#[test]
fn required_but_nullable_is_sent_as_null() {
    let profile = Profile::new("ann", None, None);
    assert_eq!(serde_json::to_value(&profile).unwrap(), json!({"name": "ann", "nickname": null, "avatar": null}));
}

#[test]
fn null_items_and_several_types() {
    let profile = round_trip(
        json!({"name": "n", "nickname": null, "avatar": null, "tags": ["a", null], "external_id": "x-1", "score": 2.5}),
    );
    assert_eq!(profile.tags, Some(vec![Some("a".to_owned()), None]));
    assert_eq!(profile.external_id, Some(ProfileExternalId::String("x-1".to_owned())));
    let profile = round_trip(json!({"name": "n", "nickname": null, "avatar": null, "external_id": 42}));
    assert_eq!(profile.external_id, Some(ProfileExternalId::Integer(42)));
    // `[integer, number]` is a number: a whole one decodes too.
    let whole: Profile =
        serde_json::from_value(json!({"name": "n", "nickname": null, "avatar": null, "score": 3})).unwrap();
    assert_eq!(whole.score, Some(3.0));
    let error =
        serde_json::from_value::<Profile>(json!({"name": "n", "nickname": null, "avatar": null, "external_id": true}))
            .unwrap_err();
    assert!(error.to_string().contains("no variant of ProfileExternalId matches"), "{error}");
}

#[tokio::test]
async fn a_component_that_accepts_null_decodes_null_over_http() {
    let server = Server::scripted(vec![
        Reply::json(200, "null"),
        Reply::json(200, r#"{"url": "https://x.test/a.png", "width": 64}"#),
        Reply::json(200, r#"{"name": "ann", "nickname": null, "avatar": null, "bio": null}"#),
    ])
    .await;
    let client = Client::builder().base_url(server.url()).build().unwrap();
    assert_eq!(client.default().get_avatar("u1").await.unwrap(), None);
    assert_eq!(client.default().get_avatar("u1").await.unwrap().and_then(|a| a.width), Some(64));

    let mut profile = Profile::new("ann", None, None);
    profile.bio = Nullable::Null;
    let stored = client.default().put_profile("u1", &profile).await.unwrap();
    assert_eq!(stored.bio, Nullable::Null);
    let sent: Value = serde_json::from_slice(&server.requests()[2].body).unwrap();
    assert_eq!(sent, json!({"name": "ann", "nickname": null, "avatar": null, "bio": null}));
}
