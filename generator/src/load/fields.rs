//! Typed access to the fields of a parsed JSON tree: a text, a flag, a count, a list, the
//! entries of a mapping... each read as every OpenAPI version writes it, and each error naming
//! the field's pointer. Every other part of the reader reads values through these.

use serde_json::{Map, Value};

use super::reader::{Reader, Result};
use crate::pointer::Pointer;

impl Reader<'_> {
    pub(super) fn object<'v>(&self, value: &'v Value, at: &Pointer, what: &str) -> Result<&'v Map<String, Value>> {
        value.as_object().ok_or_else(|| self.invalid(at, format!("{what} must be a mapping, not {}", describe(value))))
    }

    /// A text field. Numbers and booleans are taken as their text (`version: 1.0` in YAML).
    pub(super) fn text(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<String>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a string, not {}", describe(other))))
            }
        }
    }

    pub(super) fn flag(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<bool>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be true or false, not {}", describe(other))))
            }
        }
    }

    pub(super) fn number(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<f64>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a number, not {}", describe(other))))
            }
        }
    }

    pub(super) fn count(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<u64>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n
                .as_u64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))
            {
                Some(count) => Ok(Some(count)),
                None => Err(self.invalid(&at.join(key), format!("`{key}` must be a non-negative integer, not {n}"))),
            },
            Some(other) => {
                Err(self
                    .invalid(&at.join(key), format!("`{key}` must be a non-negative integer, not {}", describe(other))))
            }
        }
    }

    pub(super) fn texts(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Vec<String>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    other => {
                        Err(self.invalid(&at.join(key).join(i), format!("must be a string, not {}", describe(other))))
                    }
                })
                .collect(),
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a list of strings, not {}", describe(other))))
            }
        }
    }

    /// The entries of a mapping field, every key kept: in a map of names (components, headers,
    /// properties, mappings, server variables) a key is a name even when it begins with `x-` (a
    /// header component `x-rate-limit-limit`, a property `x-request-id`). Only the Paths and
    /// Responses objects take `x-` keys as extensions, and their readers leave those out.
    pub(super) fn entries<'v>(
        &self,
        map: &'v Map<String, Value>,
        key: &str,
        at: &Pointer,
    ) -> Result<Vec<(&'v String, &'v Value, Pointer)>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Object(entries)) => {
                let base = at.join(key);
                Ok(entries.iter().map(|(name, value)| (name, value, base.join(name))).collect())
            }
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a mapping, not {}", describe(other))))
            }
        }
    }

    pub(super) fn list<'v>(
        &self,
        map: &'v Map<String, Value>,
        key: &str,
        at: &Pointer,
    ) -> Result<Vec<(&'v Value, Pointer)>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let base = at.join(key);
                Ok(items.iter().enumerate().map(|(i, v)| (v, base.join(i))).collect())
            }
            Some(other) => Err(self.invalid(&at.join(key), format!("`{key}` must be a list, not {}", describe(other)))),
        }
    }

    pub(super) fn unknown_fields(&mut self, map: &Map<String, Value>, at: &Pointer, what: &str, known: &[&str]) {
        for key in map.keys() {
            if !key.starts_with("x-") && !known.contains(&key.as_str()) {
                self.warn(&at.join(key), format!("`{key}` is not a field of {what}; ignored"));
            }
        }
    }
}

/// A value as a message names it: its kind, and the value itself when it is short.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.len() > 40 => format!("the string `{}…`", s.chars().take(40).collect::<String>()),
        Value::String(s) => format!("the string `{s}`"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    #[test]
    fn fields_are_read_in_every_form_and_refused_with_their_pointer() {
        let raw = json!({});
        let reader = Reader::new(Path::new("t.yaml"), &raw);
        let at = Pointer::root().join("a");
        let map = json!({"v": 1.0, "t": "true", "n": 3.0, "m": -1, "l": ["x", 2]});
        let map = map.as_object().unwrap();
        assert_eq!(reader.text(map, "v", &at).unwrap().as_deref(), Some("1.0"));
        assert_eq!(reader.flag(map, "t", &at).unwrap(), Some(true));
        assert_eq!(reader.count(map, "n", &at).unwrap(), Some(3));
        assert_eq!(reader.texts(map, "l", &at).unwrap(), ["x", "2"]);
        assert_eq!(reader.text(map, "absent", &at).unwrap(), None);
        let error = reader.count(map, "m", &at).unwrap_err().to_string();
        assert_eq!(error, "t.yaml#/a/m: `m` must be a non-negative integer, not -1");
        let error = reader.object(&json!([1]), &at, "a thing").unwrap_err().to_string();
        assert_eq!(error, "t.yaml#/a: a thing must be a mapping, not a list");
    }

    #[test]
    fn long_strings_are_cut_short_in_messages() {
        assert_eq!(describe(&json!("short")), "the string `short`");
        assert_eq!(describe(&json!("x".repeat(50))), format!("the string `{}…`", "x".repeat(40)));
    }
}
