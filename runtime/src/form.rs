//! `application/x-www-form-urlencoded` bodies: a value's members as `name=value` pairs, as
//! OpenAPI's default encoding of a form (`style: form`, `explode: true`) writes them.
//!
//! `serde_urlencoded` alone refuses lists (`StatusCallbackEvent: [initiated, ringing]`) and
//! nested objects; here a list is one pair per item (`a=1&a=2`), and an object or a list inside a
//! list travels as JSON text. Strings go as they are, numbers and booleans as JSON writes them,
//! and `null` members are left out (a form has no null).

use serde::Serialize;
use serde_json::Value;

/// The pairs a value is sent as; it must serialize as an object.
pub fn pairs<T: Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, String> {
    // Through JSON text, read back member by member: the members keep their order (a
    // `serde_json::Value` object may sort them).
    let json = serde_json::to_string(value).map_err(|e| e.to_string())?;
    let Members(members) = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let mut pairs = Vec::new();
    for (name, value) in members {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    if let Some(text) = text(item) {
                        pairs.push((name.clone(), text));
                    }
                }
            }
            other => {
                if let Some(text) = text(other) {
                    pairs.push((name, text));
                }
            }
        }
    }
    Ok(pairs)
}

/// The form text (`a=1&b=x+y`).
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    serde_urlencoded::to_string(pairs(value)?).map_err(|e| e.to_string())
}

fn text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

/// An object's members in the order written.
struct Members(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> serde::de::Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object (a form is an object's members)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_repeat_their_name_and_scalars_go_as_text() {
        #[derive(Serialize)]
        struct Body {
            to: &'static str,
            record: bool,
            price: f64,
            event: Vec<&'static str>,
            gone: Option<u8>,
            meta: Value,
        }
        let body = Body {
            to: "+1 555",
            record: true,
            price: 12.5,
            event: vec!["initiated", "ringing"],
            gone: None,
            meta: json!({"a": 1}),
        };
        assert_eq!(
            encode(&body).unwrap(),
            "to=%2B1+555&record=true&price=12.5&event=initiated&event=ringing&meta=%7B%22a%22%3A1%7D"
        );
        assert!(encode(&json!([1])).unwrap_err().contains("a form is an object"));
    }
}
