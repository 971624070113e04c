//! Helpers behind the `Deserialize`/`Serialize` impls of generated `oneOf`/`anyOf` types.

use std::fmt;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::json::Fit;

/// A union's value as received: its JSON text, checked but not turned into a tree, so that the
/// variant decodes straight from it (building a `serde_json::Value` first made a list of union
/// items decode half again as slowly as serde's own tagged enums).
///
/// Generated types are JSON types: a union decodes from `serde_json`'s deserializers (text,
/// bytes, readers, and `serde_json::Value`), not from other formats.
pub struct Buffered(Box<RawValue>);

/// Reads the whole value, so the variant can be chosen by looking at it.
pub fn value<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Buffered, D::Error> {
    <Box<RawValue> as serde::Deserialize>::deserialize(deserializer).map(Buffered)
}

/// The discriminator of a tagged union as text: a string as it is, a whole number or a boolean
/// as JSON writes it (`1`, `true`), since a tag fixed by `const` may be any of them. Only the
/// object's top level is read, and nothing but the tag is kept.
pub fn tag(value: &Buffered, property: &str) -> Option<String> {
    let mut reader = serde_json::Deserializer::from_str(value.0.get());
    serde::Deserializer::deserialize_any(&mut reader, TagFinder { property }).ok().flatten()
}

/// Decodes the variant a tag selected, from the whole object (tag included).
pub fn variant<T: DeserializeOwned, E: serde::de::Error>(value: Buffered) -> Result<T, E> {
    serde_json::from_str(value.0.get()).map_err(|e| E::custom(format!("{}: {e}", short_name::<T>())))
}

/// The value of a tag this client does not know, kept as received (an error while an exact fit
/// is asked for: see [`crate::json::exactly`]).
pub fn unknown<E: serde::de::Error>(value: Buffered) -> Result<Value, E> {
    if crate::json::is_exact() {
        return Err(E::custom("a tag this union does not know"));
    }
    serde_json::from_str(value.0.get()).map_err(E::custom)
}

/// Looks through an object's members for one property, skipping every other value unread.
struct TagFinder<'p> {
    property: &'p str,
}

impl<'de> Visitor<'de> for TagFinder<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` member", self.property)
    }

    /// A tag written twice is read as its last value, as every decoder (`json_object!`,
    /// `serde_json::Value`) reads a member written twice: the variant chosen must be the one
    /// the object's own tag member says.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(is_tag) = map.next_key_seed(KeyIs(self.property))? {
            if is_tag {
                found = map.next_value::<TagValue>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    // Not an object: no tag. The variant, or `Unknown`, decides what to make of it.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Whether a key is the tag property, compared without allocating.
struct KeyIs<'p>(&'p str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// A tag's value as text, or `None` when it is not a string, a whole number or a boolean.
struct TagValue(Option<String>);

impl<'de> serde::Deserialize<'de> for TagValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagText;
        impl<'de> Visitor<'de> for TagText {
            type Value = TagValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tag")
            }
            fn visit_str<E>(self, text: &str) -> Result<TagValue, E> {
                Ok(TagValue(Some(text.to_owned())))
            }
            fn visit_i64<E>(self, number: i64) -> Result<TagValue, E> {
                Ok(TagValue(Some(number.to_string())))
            }
            fn visit_u64<E>(self, number: u64) -> Result<TagValue, E> {
                Ok(TagValue(Some(number.to_string())))
            }
            fn visit_bool<E>(self, flag: bool) -> Result<TagValue, E> {
                Ok(TagValue(Some(flag.to_string())))
            }
            fn visit_f64<E>(self, _: f64) -> Result<TagValue, E> {
                Ok(TagValue(None))
            }
            fn visit_unit<E>(self) -> Result<TagValue, E> {
                Ok(TagValue(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TagValue, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TagValue(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<TagValue, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TagValue(None))
            }
        }
        deserializer.deserialize_any(TagText)
    }
}

/// Serializes a variant whose own type lacks the tag property, adding it.
pub fn serialize_tagged<T: Serialize, S: Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
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
    value: Buffered,
    tried: Vec<String>,
}

impl Untagged {
    pub fn new(type_name: &'static str, value: Buffered) -> Self {
        Untagged { type_name, value, tried: Vec::new() }
    }

    /// The value as `T`, or `None` with the reason recorded.
    pub fn attempt<T: DeserializeOwned>(&mut self, variant: &str) -> Option<T> {
        match serde_json::from_str::<T>(self.value.0.get()) {
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

    /// Tries the variants (`attempts`: each in order, the first that decodes) for one that fits
    /// the value exactly; when none does, for one that loses nothing of it (a value it does not
    /// know kept whole as `Unknown`, no member skipped); then for the first that decodes at all
    /// (see [`Fit`]). A union inside a variant being tried starts from the fit already asked
    /// for. The error lists why each variant failed the last time.
    pub fn decide<T, E: serde::de::Error>(mut self, attempts: impl Fn(&mut Self) -> Option<T>) -> Result<T, E> {
        let asked = crate::json::fit();
        for fit in [Fit::Exact, Fit::Whole].into_iter().filter(|fit| *fit > asked) {
            if let Some(found) = crate::json::with_fit(fit, || attempts(&mut self)) {
                return Ok(found);
            }
            self.tried.clear();
        }
        attempts(&mut self).ok_or_else(|| self.fail())
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
        meows: bool,
    }

    #[derive(Debug, Deserialize)]
    struct Dog {
        #[allow(dead_code)]
        barks: bool,
    }

    fn buffered(text: &str) -> Buffered {
        value(&mut serde_json::Deserializer::from_str(text)).unwrap()
    }

    #[test]
    fn untagged_failure_lists_every_variant_tried() {
        let mut tried = Untagged::new("Pet", buffered(r#"{"quacks": true}"#));
        assert!(tried.attempt::<Cat>("Cat").is_none());
        assert!(tried.attempt::<Dog>("Dog").is_none());
        let error: serde_json::Error = tried.fail();
        let message = error.to_string();
        assert!(message.contains("no variant of Pet matches"), "{message}");
        assert!(message.contains("Cat: missing field `meows`"), "{message}");
        assert!(message.contains("Dog: missing field `barks`"), "{message}");
    }

    #[derive(Debug, PartialEq)]
    struct Template {
        target: Option<String>,
        template: Option<String>,
    }
    crate::json_object!(Template { target: Option<String> = optional "target", template: Option<String> = optional "template" });

    #[derive(Debug, PartialEq)]
    struct Extraction {
        target: Option<String>,
        regex: Option<String>,
    }
    crate::json_object!(Extraction { target: Option<String> = optional "target", regex: Option<String> = optional "regex" });

    #[derive(Debug, PartialEq)]
    enum Action {
        Template(Template),
        Extraction(Extraction),
    }

    fn action(text: &str) -> Result<Action, serde_json::Error> {
        Untagged::new("Action", buffered(text)).decide(|tried| {
            tried
                .attempt("Template")
                .map(Action::Template)
                .or_else(|| tried.attempt("Extraction").map(Action::Extraction))
        })
    }

    /// A tagged union whose tag is missing or unknown: kept whole as `Unknown`.
    #[derive(Debug, PartialEq, serde::Serialize)]
    #[serde(untagged)]
    enum Config {
        Unknown(Value),
    }

    impl<'de> Deserialize<'de> for Config {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            unknown(value(deserializer)?).map(Config::Unknown)
        }
    }

    #[derive(Debug, PartialEq)]
    struct Single {
        kind: Option<String>,
        payload: Option<Value>,
    }
    crate::json_object!(Single { kind: Option<String> = optional "kind", payload: Option<Value> = optional "payload" });

    #[derive(Debug, PartialEq)]
    struct Scenario {
        kind: Option<String>,
        config: Option<Config>,
    }
    crate::json_object!(Scenario { kind: Option<String> = optional "kind", config: Option<Config> = optional "config" });

    #[derive(Debug, PartialEq)]
    enum Simulation {
        Single(Single),
        Scenario(Scenario),
    }

    fn simulation(text: &str) -> Result<Simulation, serde_json::Error> {
        Untagged::new("Simulation", buffered(text)).decide(|tried| {
            tried
                .attempt("Single")
                .map(Simulation::Single)
                .or_else(|| tried.attempt("Scenario").map(Simulation::Scenario))
        })
    }

    #[test]
    fn untagged_unions_prefer_a_variant_that_loses_nothing_to_one_that_drops_members() {
        // No variant fits exactly (the config's tag is unknown), and the first decodes by
        // skipping `config`: the second keeps it whole, and wins (as Paddle's simulations).
        let text = r#"{"kind": "renewal", "config": {"renewal": {"id": 1}}}"#;
        let Simulation::Scenario(scenario) = simulation(text).unwrap() else {
            panic!("the variant that keeps `config`")
        };
        assert_eq!(scenario.config, Some(Config::Unknown(serde_json::json!({"renewal": {"id": 1}}))));
        assert_eq!(crate::json::fit(), Fit::Any, "the fit asked for is over");
        // Nothing at all fits whole: the first that decodes, as before.
        assert!(matches!(simulation(r#"{"kind": "x", "other": 1}"#).unwrap(), Simulation::Single(_)));
    }

    #[test]
    fn untagged_unions_prefer_the_variant_that_fits_exactly() {
        // Every member optional: both variants decode anything, and the first used to win,
        // dropping `regex`.
        let regex = action(r#"{"target": "t", "regex": "r"}"#).unwrap();
        assert_eq!(regex, Action::Extraction(Extraction { target: Some("t".into()), regex: Some("r".into()) }));
        let template = action(r#"{"target": "t", "template": "x"}"#).unwrap();
        assert!(matches!(template, Action::Template(_)));
        // Nothing fits exactly: the first that decodes, as before; and the mode is over.
        assert!(matches!(action(r#"{"target": "t", "other": 1}"#).unwrap(), Action::Template(_)));
        assert!(!crate::json::is_exact());
        let plain: Template = serde_json::from_str(r#"{"target": "t", "other": 1}"#).unwrap();
        assert_eq!(plain.target.as_deref(), Some("t"));
    }

    #[test]
    fn serialize_tagged_adds_the_tag() {
        #[derive(serde::Serialize)]
        struct Lifecycle {
            name: &'static str,
        }
        let json =
            serialize_tagged(&Lifecycle { name: "x" }, "job_type", "LIFECYCLE", serde_json::value::Serializer).unwrap();
        assert_eq!(json, serde_json::json!({"name": "x", "job_type": "LIFECYCLE"}));
        assert_eq!(tag(&buffered(&json.to_string()), "job_type").as_deref(), Some("LIFECYCLE"));
    }

    #[test]
    fn tags_are_read_as_text_whatever_their_json_type() {
        let value =
            buffered(r#"{"s": "a", "i": 2, "n": -3, "b": true, "f": 1.5, "o": {"s": "inner"}, "l": [1], "z": null}"#);
        let tags: Vec<Option<String>> =
            ["s", "i", "n", "b", "f", "o", "l", "z", "missing"].iter().map(|p| tag(&value, p)).collect();
        assert_eq!(
            tags,
            [Some("a".into()), Some("2".into()), Some("-3".into()), Some("true".into()), None, None, None, None, None]
        );
        // An escaped name is the same name; a value that is not an object has no tag.
        assert_eq!(tag(&buffered(r#"{"job\u005ftype": "CRON"}"#), "job_type").as_deref(), Some("CRON"));
        for other in [r#"[{"s": "a"}]"#, r#""s""#, "1", "null", "true"] {
            assert_eq!(tag(&buffered(other), "s"), None, "{other}");
        }
    }

    /// Found by `cargo xtask fuzz --only runtime`: the first of two `kind` members chose the
    /// variant, whose own `kind` member then held the last; written again, it chose another.
    #[test]
    fn a_tag_written_twice_is_read_as_its_last_value() {
        assert_eq!(tag(&buffered(r#"{"kind": "cat", "n": 1, "kind": "dog"}"#), "kind").as_deref(), Some("dog"));
        assert_eq!(tag(&buffered(r#"{"kind": "cat", "kind": null}"#), "kind"), None);
        assert_eq!(tag(&buffered(r#"{"kind": 1.5, "kind": 2}"#), "kind").as_deref(), Some("2"));
    }

    /// A union inside a `serde_json::Value` (as when one union holds another, or a caller
    /// decodes from a `Value`) decodes like one read from text; the unknown value is kept whole.
    #[test]
    fn unions_decode_from_values_too() {
        let from_value = value(serde_json::json!({"kind": "cat", "meows": true})).unwrap();
        assert_eq!(tag(&from_value, "kind").as_deref(), Some("cat"));
        let cat: Cat = variant::<Cat, serde_json::Error>(from_value).unwrap();
        assert!(cat.meows);
        let kept: Value = unknown::<serde_json::Error>(buffered(r#"{"kind": "owl", "n": 1.50}"#)).unwrap();
        assert_eq!(kept, serde_json::json!({"kind": "owl", "n": 1.5}));
    }
}
