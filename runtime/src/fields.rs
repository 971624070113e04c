//! Wrappers generated types use for fields, and for parameters that are not plain text.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional field that may also be `null`: absent, `null` and a value are three different
/// things on the wire (a `PUT` that sends `"mount_path": null` clears it; omitting it keeps it).
///
/// Generated fields carry `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`, so
/// `Absent` is not sent and a missing field decodes as `Absent`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Nullable<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// The value, if there is one: absent and `null` both become `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` is an explicit `null`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            // `Absent` is skipped by the field attribute; were it not, null is the closest.
            Nullable::Null | Nullable::Absent => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

/// A value that must never be printed: `Debug` and `Display` show `***`. It serializes as the
/// value itself.
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The value itself: the one way to read it, easy to find in a review.
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A parameter value that is not plain text (an object, a list), rendered as compact JSON.
pub struct ParamText(String);

impl ParamText {
    /// A parameter of a generated type (a union, an alias…) as text. A string is written as
    /// it is, as OpenAPI's `simple` and `form` styles write primitives: JSON's quotes around it
    /// would reach the server (`%22…%22`). Numbers and booleans are their JSON text; objects and
    /// arrays, which these styles would spread over several values, stay JSON text.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        // Serializing a generated type cannot fail: no maps with non-string keys.
        match serde_json::to_value(value) {
            Ok(serde_json::Value::String(text)) => ParamText(text),
            Ok(serde_json::Value::Null) | Err(_) => ParamText(String::new()),
            Ok(other) => ParamText(other.to_string()),
        }
    }
}

impl ParamText {
    /// Values joined by `separator` (`a,b,c`), for arrays in `simple` or non-exploded `form` style.
    pub fn joined<T: fmt::Display>(values: impl IntoIterator<Item = T>, separator: char) -> Self {
        let mut text = String::new();
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                text.push(separator);
            }
            text.push_str(&value.to_string());
        }
        ParamText(text)
    }
}

impl fmt::Display for ParamText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Bytes that travel as base64 text (`contentEncoding: base64`, `format: byte`): encoded when
/// sent, decoded when received. Both alphabets (standard and URL-safe) are read, with or without
/// padding; the standard one, padded, is written.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64(pub bytes::Bytes);

impl Base64 {
    pub fn into_bytes(self) -> bytes::Bytes {
        self.0
    }

    /// Decodes base64 text, in either alphabet.
    pub fn decode(text: &str) -> Result<Self, base64::DecodeError> {
        use base64::engine::{general_purpose, DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
        use base64::Engine as _;
        let lenient = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
        let text = text.trim();
        GeneralPurpose::new(&base64::alphabet::STANDARD, lenient)
            .decode(text)
            .or_else(|_| GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient).decode(text))
            .or_else(|_| general_purpose::STANDARD.decode(text))
            .map(|bytes| Base64(bytes.into()))
    }

    /// The bytes as standard, padded base64.
    pub fn encode(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }
}

impl std::ops::Deref for Base64 {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64(bytes.into())
    }
}

impl From<bytes::Bytes> for Base64 {
    fn from(bytes: bytes::Bytes) -> Self {
        Base64(bytes)
    }
}

impl From<&'static [u8]> for Base64 {
    fn from(bytes: &'static [u8]) -> Self {
        Base64(bytes::Bytes::from_static(bytes))
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({} bytes)", self.0.len())
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Base64::decode(&text).map_err(|e| serde::de::Error::custom(format!("not base64: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_of_generated_types_are_written_without_json_quotes() {
        // Omicron's `NameOrId` (a union of a uuid and a name) in a path: the value, not `"…"`.
        assert_eq!(
            ParamText::json(&serde_json::json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")).to_string(),
            "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        );
        assert_eq!(ParamText::json(&7).to_string(), "7");
        assert_eq!(ParamText::json(&true).to_string(), "true");
        assert_eq!(ParamText::json(&serde_json::json!({"a": 1})).to_string(), r#"{"a":1}"#);
    }

    #[test]
    fn base64_round_trips_and_reads_both_alphabets() {
        let value = Base64::from(b"\xfb\xffhello".to_vec());
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(json, r#""+/9oZWxsbw==""#);
        assert_eq!(serde_json::from_str::<Base64>(&json).unwrap(), value);
        assert_eq!(serde_json::from_str::<Base64>(r#""-_9oZWxsbw""#).unwrap(), value);
        let error = serde_json::from_str::<Base64>(r#""not base64!""#).unwrap_err().to_string();
        assert!(error.contains("not base64"), "{error}");
        assert_eq!(format!("{value:?}"), "Base64(7 bytes)");
        // Basic auth uses the same crate: RFC 4648's vectors.
        for (input, expected) in [("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(Base64::from(input.as_bytes().to_vec()).encode(), expected);
        }
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        mount_path: Nullable<String>,
        token: Option<Secret<String>>,
    }

    #[test]
    fn nullable_round_trips_absent_null_and_value() {
        for (json, expected) in [
            (r#"{"token":null}"#, Nullable::Absent),
            (r#"{"mount_path":null,"token":null}"#, Nullable::Null),
            (r#"{"mount_path":"/etc","token":null}"#, Nullable::Value("/etc".to_owned())),
        ] {
            let patch: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(patch.mount_path, expected);
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
        }
    }

    #[test]
    fn secret_is_transparent_on_the_wire_and_hidden_in_logs() {
        let patch = Patch { mount_path: Nullable::Absent, token: Some("hunter2".into()) };
        assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"token":"hunter2"}"#);
        let shown = format!("{patch:?} {patch:#?} {}", patch.token.as_ref().unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(patch.token.unwrap().expose(), "hunter2");
    }
}
