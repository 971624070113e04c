//! YAML text → a JSON tree. `serde_yaml` stays in this file.
//!
//! Deserializing straight into `serde_json::Value` fails on what real documents contain: integers
//! beyond 64 bits (`minimum: -9223372036854776000`) and merge keys (`<<: *defaults`). This visitor
//! builds the tree itself: big integers become floating-point numbers (the closest JSON value),
//! non-string keys (`200:` unquoted) become their text, and `<<` merges are applied.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses YAML; on failure, the line and column (1-based) and the parser's message.
pub fn parse(text: &str) -> Result<Value, (usize, usize, String)> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    ValueSeed.deserialize(deserializer).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        (line, column, e.to_string())
    })
}

struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

fn float(value: f64) -> Value {
    // NaN and infinities have no JSON form.
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), |v| Value::Number(v.into())))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), |v| Value::Number(v.into())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(ValueSeed)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merged = Vec::new();
        while let Some(key) = access.next_key_seed(KeySeed)? {
            let value = access.next_value_seed(ValueSeed)?;
            if key == "<<" {
                merged.push(value);
            } else {
                map.insert(key, value);
            }
        }
        // `<<: *base` or `<<: [*a, *b]`: keys written here win, then earlier merges.
        for source in merged {
            let sources = match source {
                Value::Array(items) => items,
                other => vec![other],
            };
            for source in sources {
                match source {
                    Value::Object(entries) => {
                        for (key, value) in entries {
                            map.entry(key).or_insert(value);
                        }
                    }
                    _ => return Err(de::Error::custom("a `<<` merge key must name a mapping or a list of mappings")),
                }
            }
        }
        Ok(Value::Object(map))
    }
}

/// Mapping keys as text: `200:` is the key `"200"`.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(de::Error::custom("a sequence cannot be a mapping key in an OpenAPI document"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(de::Error::custom("a mapping cannot be a mapping key in an OpenAPI document"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn big_integers_unquoted_keys_and_merges() {
        let value = parse("a: -9223372036854776000\nb: 18446744073709551616\n200: ok\nbase: &base {x: 1, y: 2}\nc:\n  <<: *base\n  y: 3\n").unwrap();
        assert_eq!(value["a"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(value["b"].as_f64(), Some(1.8446744073709552e19));
        assert_eq!(value["200"], json!("ok"));
        assert_eq!(value["c"], json!({"x": 1, "y": 3}));
    }

    #[test]
    fn errors_carry_line_and_column() {
        let (line, column, message) = parse("a: [unclosed\n").unwrap_err();
        assert_eq!(line, 2, "{message}");
        assert!(column >= 1, "{message}");
        assert!(parse("? [a]\n: 1\n").unwrap_err().2.contains("sequence cannot be a mapping key"));
    }
}
