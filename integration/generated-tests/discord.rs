//! Realistic payloads of Discord's API (OpenAPI 3.1) through the types generated from
//! `../shared/specs/discord.json`: a message, components dispatched on their integer `type`
//! (each alternative fixes it with a one-value enum), and `type: [T, "null"]` /
//! `oneOf: [{type: "null"}, …]` fields keeping absent, `null` and a value apart. Run by
//! `cargo xtask check-specs`, which generates that crate and copies this file into its `tests/`.

use discord::types::{
    BasicMessageResponseComponentsItem as Component, BasicMessageResponseNonce as Nonce, ButtonStyleTypes,
    MessageComponentTypes, MessageCreateRequest, MessageResponse, MessageType,
};
use discord::{Client, Nullable};
use serde_json::{json, Value};
use testkit::{Reply, Server};

fn author() -> Value {
    json!({
        "id": "80351110224678912",
        "username": "nelly",
        "avatar": null,
        "discriminator": "0",
        "public_flags": 64,
        "flags": 64,
        "global_name": "Nelly",
        "primary_guild": null
    })
}

fn message() -> Value {
    json!({
        "type": 19,
        "content": "Ship it?",
        "mentions": [author()],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "timestamp": "2026-11-24T08:00:00Z",
        "edited_timestamp": null,
        "flags": 0,
        "components": [
            {
                "type": 1,
                "id": 1,
                "components": [
                    {"type": 2, "id": 2, "custom_id": "approve", "style": 3, "label": "Approve"},
                    {"type": 2, "id": 3, "style": 5, "label": "Docs", "url": "https://discord.com/developers/docs"}
                ]
            },
            {"type": 10, "id": 4, "content": "Review requested"},
            {"type": 99, "id": 5, "sparkles": true}
        ],
        "id": "1175935451287380090",
        "channel_id": "1175935358077284413",
        "author": author(),
        "pinned": false,
        "mention_everyone": false,
        "tts": false,
        "nonce": 1175935450301218816_i64,
        "position": 3
    })
}

#[test]
fn a_message_round_trips_exactly() {
    let value = message();
    let decoded: MessageResponse = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(decoded.r#type, MessageType::REPLY);
    assert_eq!(decoded.author.global_name.as_deref(), Some("Nelly"));
    assert_eq!(decoded.nonce, Some(Nonce::Integer(1175935450301218816)));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
}

#[test]
fn components_are_dispatched_on_their_integer_type_and_unknown_ones_kept() {
    let decoded: MessageResponse = serde_json::from_value(message()).unwrap();
    let Component::ActionRow(row) = &decoded.components[0] else { panic!("{:?}", decoded.components[0]) };
    assert_eq!(row.r#type, MessageComponentTypes::ACTION_ROW);
    assert_eq!(row.components.len(), 2);
    let rendered = format!("{:?}", row.components[0]);
    assert!(rendered.starts_with("Button(") && rendered.contains("ButtonStyleTypes(3)"), "{rendered}");
    let Component::TextDisplay(text) = &decoded.components[1] else { panic!("{:?}", decoded.components[1]) };
    assert_eq!(text.content, "Review requested");
    // A component type this client does not know yet is kept as it came.
    assert_eq!(decoded.components[2], Component::Unknown(json!({"type": 99, "id": 5, "sparkles": true})));
    assert_eq!(ButtonStyleTypes::SUCCESS, ButtonStyleTypes(3));
}

#[test]
fn a_known_component_type_with_a_broken_body_is_an_error_naming_it() {
    let mut value = message();
    value["components"][1] = json!({"type": 10, "id": 4});
    let error = serde_json::from_value::<MessageResponse>(value).unwrap_err().to_string();
    assert!(error.contains("TextDisplayComponentResponse") && error.contains("content"), "{error}");
}

#[test]
fn nullable_fields_keep_absent_null_and_value_apart() {
    // `edited_timestamp` is required and `type: [string, null]`: null is a value, and is sent.
    let decoded: MessageResponse = serde_json::from_value(message()).unwrap();
    assert_eq!(decoded.edited_timestamp, None);
    assert_eq!(serde_json::to_value(&decoded).unwrap()["edited_timestamp"], Value::Null);
    // `referenced_message` is optional and `oneOf: [{type: null}, {$ref}]`.
    assert_eq!(decoded.referenced_message, Nullable::Absent);
    let mut value = message();
    value["referenced_message"] = Value::Null;
    let null: MessageResponse = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(null.referenced_message, Nullable::Null);
    assert_eq!(serde_json::to_value(&null).unwrap(), value);
    let mut referenced = message();
    referenced.as_object_mut().unwrap().remove("nonce");
    referenced.as_object_mut().unwrap().remove("position");
    value["referenced_message"] = referenced;
    let reply: MessageResponse = serde_json::from_value(value.clone()).unwrap();
    assert!(matches!(&reply.referenced_message, Nullable::Value(m) if m.content == "Ship it?"));
    assert_eq!(serde_json::to_value(&reply).unwrap(), value);
    // A nonce is an integer or a string: two types, one union.
    let mut value = message();
    value["nonce"] = json!("n-1");
    let decoded: MessageResponse = serde_json::from_value(value).unwrap();
    assert_eq!(decoded.nonce, Some(Nonce::String("n-1".into())));
}

#[tokio::test]
async fn create_and_get_a_message_over_http() {
    let body = message().to_string();
    let server = Server::scripted(vec![Reply::json(200, &body), Reply::json(200, &body)]).await;
    let client = Client::builder()
        .base_url(server.url())
        .credential(discord::auth::bot_token("secret-token").with_prefix("Bot"))
        .build()
        .unwrap();
    let mut request = MessageCreateRequest { content: Nullable::Value("Ship it?".into()), ..Default::default() };
    request.embeds = Nullable::Null;
    let created = client.default().create_message("1175935358077284413", &request).await.unwrap();
    assert_eq!(created.id, "1175935451287380090");
    let fetched = client.default().get_message("1175935358077284413", "1175935451287380090").await.unwrap();
    assert_eq!(fetched, created);

    let requests = server.requests();
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].target, "/channels/1175935358077284413/messages");
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    // Absent fields are not sent; a field set to null is sent as null.
    assert_eq!(sent, json!({"content": "Ship it?", "embeds": null}));
    assert_eq!(requests[1].target, "/channels/1175935358077284413/messages/1175935451287380090");
    assert_eq!(requests[0].header("authorization"), Some("Bot secret-token"));
}
