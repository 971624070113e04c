//! Helpers behind the `Deserialize`/`Serialize` impls of generated `oneOf`/`anyOf` types.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::Value;

/// Reads the whole value, so the variant can be chosen by looking at it.
pub fn value<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    <Value as serde::Deserialize>::deserialize(deserializer)
}

/// The discriminator of a tagged union as text: a string as it is, a whole number or a boolean
/// as JSON writes it (`1`, `true`), since a tag fixed by `const` may be any of them.
pub fn tag(value: &Value, property: &str) -> Option<String> {
    match value.get(property)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) if number.is_i64() || number.is_u64() => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Decodes the variant a tag selected, from the whole object (tag included).
pub fn variant<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(|e| E::custom(format!("{}: {e}", short_name::<T>())))
}

/// Serializes a variant whose own type lacks the tag property, adding it.
pub fn serialize_tagged<T: Serialize, S: Serializer>(value: &T, property: &str, tag: &str, serializer: S) -> Result<S::Ok, S::Error> {
    let mut object = serde_json::to_value(value).map_err(S::Error::custom)?;
    match &mut object {
        Value::Object(map) => {
            map.insert(property.to_owned(), Value::String(tag.to_owned()));
        }
        other => return Err(S::Error::custom(format!("variant `{tag}` is not an object: {other}"))),
    }
    object.serialize(serializer)
}

/// An untagged union: each variant is tried in order on the same value, and the error says
/// what was tried and why each did not fit.
pub struct Untagged {
    type_name: &'static str,
    value: Value,
    tried: Vec<String>,
}

impl Untagged {
    pub fn new(type_name: &'static str, value: Value) -> Self {
        Untagged { type_name, value, tried: Vec::new() }
    }

    /// The value as `T`, or `None` with the reason recorded.
    pub fn attempt<T: DeserializeOwned>(&mut self, variant: &str) -> Option<T> {
        match T::deserialize(&self.value) {
            Ok(decoded) => Some(decoded),
            Err(e) => {
                self.tried.push(format!("{variant}: {e}"));
                None
            }
        }
    }

    pub fn fail<E: serde::de::Error>(self) -> E {
        E::custom(self)
    }
}

impl fmt::Display for Untagged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no variant of {} matches (tried {})", self.type_name, self.tried.join("; "))
    }
}

fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Cat {
        #[allow(dead_code)]
        meows: bool,
    }

    #[derive(Debug, Deserialize)]
    struct Dog {
        #[allow(dead_code)]
        barks: bool,
    }

    #[test]
    fn untagged_failure_lists_every_variant_tried() {
        let mut tried = Untagged::new("Pet", serde_json::json!({"quacks": true}));
        assert!(tried.attempt::<Cat>("Cat").is_none());
        assert!(tried.attempt::<Dog>("Dog").is_none());
        let error: serde_json::Error = tried.fail();
        let message = error.to_string();
        assert!(message.contains("no variant of Pet matches"), "{message}");
        assert!(message.contains("Cat: missing field `meows`"), "{message}");
        assert!(message.contains("Dog: missing field `barks`"), "{message}");
    }

    #[test]
    fn serialize_tagged_adds_the_tag() {
        #[derive(serde::Serialize)]
        struct Lifecycle {
            name: &'static str,
        }
        let json = serialize_tagged(&Lifecycle { name: "x" }, "job_type", "LIFECYCLE", serde_json::value::Serializer).unwrap();
        assert_eq!(json, serde_json::json!({"name": "x", "job_type": "LIFECYCLE"}));
        assert_eq!(tag(&json, "job_type").as_deref(), Some("LIFECYCLE"));
    }

    #[test]
    fn tags_are_read_as_text_whatever_their_json_type() {
        let value = serde_json::json!({"s": "a", "i": 2, "n": -3, "b": true, "f": 1.5, "o": {}});
        let tags: Vec<Option<String>> = ["s", "i", "n", "b", "f", "o", "missing"].iter().map(|p| tag(&value, p)).collect();
        assert_eq!(tags, [Some("a".into()), Some("2".into()), Some("-3".into()), Some("true".into()), None, None, None]);
    }
}
