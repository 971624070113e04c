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
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        // Serializing a generated type to a `String` cannot fail: no maps with non-string keys.
        ParamText(serde_json::to_string(value).unwrap_or_default())
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

#[cfg(test)]
mod tests {
    use super::*;

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
