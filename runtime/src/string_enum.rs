//! What [`impl_string_enum!`](crate::impl_string_enum) expands to call: a generated string enum's
//! text is whatever its serde impls write and read.

use std::fmt;

use serde::de::value::{Error, StrDeserializer};
use serde::{Deserialize, Serialize};

/// Writes the value as it travels on the wire (`"CLAUDE"` is written `CLAUDE`).
pub fn write_wire_text<T: Serialize>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => f.write_str(&text),
        // Not a string enum: nothing sensible to show.
        _ => Err(fmt::Error),
    }
}

/// Reads a value from its wire text.
pub fn parse_wire_text<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, Error> {
    T::deserialize(StrDeserializer::<Error>::new(text))
}
