//! Which fields hold secrets: values generated code never prints (`Debug` shows `***`).

use serde_json::Value;

use crate::load::Schema;
use crate::model::ir::TypeRef;

/// Property names that hold credentials, whatever the document says of them.
const SECRET_NAMES: [&str; 9] = [
    "password",
    "secret",
    "token",
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
    "client_secret",
    "private_key",
];

/// Whether property `wire` of type `owner`, described by `data` and typed `ty`, is a secret.
/// `writeOnly` (sent, never returned) and `format: password` mark secrets in OpenAPI; so do
/// `x-secret: true`, credential-like names, and the `value` of a type that is itself a secret.
/// Whatever marks it, only a field typed `String` is made a secret.
pub fn is_secret(owner: &str, wire: &str, data: &Schema, ty: &TypeRef) -> bool {
    let lower = wire.to_ascii_lowercase();
    let marked = data.write_only
        || data.format.as_deref() == Some("password")
        || matches!(data.extensions.get("x-secret"), Some(Value::Bool(true)))
        || SECRET_NAMES.contains(&lower.as_str())
        || (lower == "value" && owner.to_ascii_lowercase().contains("secret"));
    marked && matches!(ty, TypeRef::String)
}
