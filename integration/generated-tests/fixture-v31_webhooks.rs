//! The webhooks fixture (`generator/tests/fixtures/v31_webhooks.yaml`): a document without
//! `paths`; what each webhook delivers decodes through `webhooks::<Name>`.

use fixture_v31_webhooks::webhooks::{CustomerDeleted, OrderShipped};
use fixture_v31_webhooks::Nullable;
use serde_json::json;

#[test]
fn deliveries_decode_into_the_webhook_types() {
    let body = br#"{"order_id": "o-1", "shipped_at": "2026-11-24T08:00:00-05:00", "carrier": null}"#;
    let shipped: OrderShipped = serde_json::from_slice(body).unwrap();
    assert_eq!(shipped.order_id, "o-1");
    // The offset as sent: `-05:00` stays `-05:00`, on decoding and on encoding again.
    assert_eq!(shipped.shipped_at.to_rfc3339(), "2026-11-24T08:00:00-05:00");
    assert_eq!(serde_json::to_value(&shipped).unwrap()["shipped_at"], "2026-11-24T08:00:00-05:00");
    assert_eq!(shipped.carrier, Nullable::Null);
    let deleted: CustomerDeleted = serde_json::from_value(json!({"id": "c-9", "email": "a@b.test"})).unwrap();
    assert_eq!(deleted.email.as_deref(), Some("a@b.test"));
    assert!(serde_json::from_value::<CustomerDeleted>(json!({"email": "a@b.test"})).is_err());
}
