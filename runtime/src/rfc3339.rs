//! `time::OffsetDateTime` as RFC 3339 text, however a generated field wraps it.
//!
//! `time`'s own serde impls write a tuple (or, human-readable, a format of its own), never RFC
//! 3339; `time::serde::rfc3339` fixes that for a bare value and `Option`, but not for the other
//! shapes generated fields take (`Nullable<T>`, `Vec<T>`, maps, and those nested). A field whose
//! type is any of them around `OffsetDateTime` carries `#[serde(with = "apigen_runtime::rfc3339")]`
//! and this module reads and writes it. (Enabled by the `time` feature.)

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339 as Format;
use time::OffsetDateTime;

use crate::Nullable;

/// A shape built of `OffsetDateTime` and the wrappers generated fields use.
pub trait Rfc3339: Sized {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// For `#[serde(with = "apigen_runtime::rfc3339")]`.
pub fn serialize<T: Rfc3339, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.write(serializer)
}

/// For `#[serde(with = "apigen_runtime::rfc3339")]`.
pub fn deserialize<'de, T: Rfc3339, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    T::read(deserializer)
}

/// The text of a date-time parameter: RFC 3339, or, for a year RFC 3339 cannot write (beyond
/// 9999 or before 0), `time`'s own display rather than nothing.
pub fn text(value: &OffsetDateTime) -> String {
    value.format(&Format).unwrap_or_else(|_| value.to_string())
}

/// RFC 3339 text read as a date-time, keeping its offset (for building values in examples
/// and tests).
pub fn parse(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(text, &Format)
}

/// A value of any [`Rfc3339`] shape that serde can read and write on its own: for places a
/// `with` attribute cannot reach (union variants, bodies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Wire<T>(pub T);

impl<T: Rfc3339> Serialize for Wire<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

impl<'de, T: Rfc3339> Deserialize<'de> for Wire<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::read(deserializer).map(Wire)
    }
}

/// A borrowed value of any [`Rfc3339`] shape, written as RFC 3339: for a request body.
#[derive(Clone, Copy, Debug)]
pub struct WireRef<'a, T>(pub &'a T);

impl<T: Rfc3339> Serialize for WireRef<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

use WireRef as Borrowed;

impl Rfc3339 for OffsetDateTime {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.format(&Format).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = OffsetDateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<OffsetDateTime, E> {
                OffsetDateTime::parse(text, &Format)
                    .map_err(|e| E::custom(format_args!("`{text}` is not an RFC 3339 date-time: {e}")))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

impl<T: Rfc3339> Rfc3339 for Option<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Borrowed(value)),
            None => serializer.serialize_none(),
        }
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<Wire<T>>::deserialize(deserializer).map(|value| value.map(|w| w.0))
    }
}

/// `Absent` is never written (generated fields skip it); `Null` is `null`.
impl<T: Rfc3339> Rfc3339 for Nullable<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.write(serializer),
            Nullable::Null | Nullable::Absent => serializer.serialize_none(),
        }
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<Wire<T>>::deserialize(deserializer).map(|value| value.map(|w| w.0).into())
    }
}

impl<T: Rfc3339> Rfc3339 for Box<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).write(serializer)
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::read(deserializer).map(Box::new)
    }
}

impl<T: Rfc3339> Rfc3339 for Vec<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for item in self {
            seq.serialize_element(&Borrowed(item))?;
        }
        seq.end()
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items<T>(std::marker::PhantomData<T>);
        impl<'de, T: Rfc3339> Visitor<'de> for Items<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of RFC 3339 date-times")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                // Bounded: a length hint comes from the input.
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(Wire(item)) = seq.next_element::<Wire<T>>()? {
                    items.push(item);
                }
                Ok(items)
            }
        }
        deserializer.deserialize_seq(Items(std::marker::PhantomData))
    }
}

impl<T: Rfc3339> Rfc3339 for BTreeMap<String, T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, &Borrowed(value))?;
        }
        map.end()
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<T>(std::marker::PhantomData<T>);
        impl<'de, T: Rfc3339> Visitor<'de> for Entries<T> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of RFC 3339 date-times")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BTreeMap<String, T>, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some((key, Wire(value))) = map.next_entry::<String, Wire<T>>()? {
                    entries.insert(key, value);
                }
                Ok(entries)
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Event {
        #[serde(with = "crate::rfc3339")]
        at: OffsetDateTime,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::rfc3339")]
        ended: Option<OffsetDateTime>,
        #[serde(default, skip_serializing_if = "Nullable::is_absent", with = "crate::rfc3339")]
        cleared: Nullable<OffsetDateTime>,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::rfc3339")]
        history: Option<Vec<Option<OffsetDateTime>>>,
        #[serde(default, with = "crate::rfc3339")]
        by_zone: BTreeMap<String, OffsetDateTime>,
    }

    #[test]
    fn every_shape_round_trips_as_rfc3339_text() {
        let json = r#"{"at":"2024-05-01T10:20:30.5+02:00","cleared":null,"history":["2024-01-01T00:00:00Z",null],"by_zone":{"utc":"2024-01-01T00:00:00Z"}}"#;
        let event: Event = serde_json::from_str(json).unwrap();
        assert_eq!(event.at.offset().whole_hours(), 2);
        assert_eq!(event.ended, None);
        assert_eq!(event.cleared, Nullable::Null);
        assert_eq!(event.history.as_ref().map(Vec::len), Some(2));
        assert_eq!(serde_json::to_string(&event).unwrap(), json);

        let absent: Event = serde_json::from_str(r#"{"at":"2024-05-01T10:20:30Z"}"#).unwrap();
        assert_eq!(absent.cleared, Nullable::Absent);
        assert_eq!(serde_json::to_string(&absent).unwrap(), r#"{"at":"2024-05-01T10:20:30Z","by_zone":{}}"#);
    }

    #[test]
    fn text_that_is_not_rfc3339_is_an_error_naming_it() {
        let error = serde_json::from_str::<Event>(r#"{"at":"yesterday"}"#).unwrap_err().to_string();
        assert!(error.contains("`yesterday` is not an RFC 3339 date-time"), "{error}");
        let wire: Wire<OffsetDateTime> = serde_json::from_str(r#""2024-01-01T00:00:00Z""#).unwrap();
        assert_eq!(text(&wire.0), "2024-01-01T00:00:00Z");
    }
}
