//! The JSON impls of generated structs and string enums, written once as declarative macros.
//!
//! serde's derives handle every data format and every attribute; a generated type needs one
//! format (JSON objects and strings) and four kinds of field. Serde's derive makes, per struct, a
//! field enum with its own visitor and `Deserialize` impl, a sequence visitor and a map visitor;
//! these macros make one map visitor that matches member names directly, and one `Serialize`
//! impl. Measured on a synthetic crate of 800 ten-field structs, `cargo check` takes 11 s with
//! [`json_object!`](crate::json_object!) against 22 s with the derives; on the generated Qovery
//! crate, see the README.
//!
//! The kinds of field, by what the document says of the property:
//! - `required`: must be present, and is always sent;
//! - `nullable_required`: an `Option`, always sent (`null` for `None`); tolerated when absent;
//! - `optional`: an `Option`, absent when `None`;
//! - `nullable`: a [`Nullable`](crate::Nullable): absent, `null` or a value, each kept.
//!
//! A member the type does not name is skipped, or kept in the map named after `additional`. A
//! member that appears twice keeps its last value (as `serde_json::Value` does).

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// A member name, borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The error for a required member that did not come.
pub fn missing<E: de::Error>(wire: &'static str) -> E {
    E::missing_field(wire)
}

/// `Deserialize` and `Serialize` for a generated struct, from its members' types, kinds and wire
/// names:
///
/// ```
/// # use apigen_runtime::Nullable;
/// #[derive(Debug, PartialEq)]
/// pub struct Secret {
///     pub key: String,
///     pub mount_path: Nullable<String>,
/// }
///
/// apigen_runtime::json_object!(Secret {
///     key: String = required "key",
///     mount_path: Nullable<String> = nullable "mount_path",
/// });
///
/// let secret: Secret = serde_json::from_str(r#"{"key":"K","mount_path":null}"#).unwrap();
/// assert_eq!(secret, Secret { key: "K".into(), mount_path: Nullable::Null });
/// assert_eq!(serde_json::to_string(&secret).unwrap(), r#"{"key":"K","mount_path":null}"#);
/// ```
///
/// `json_object!(Name { … } additional)` keeps members it does not name in the struct's
/// `additional_properties` map, and sends them after the named ones. A member (or `additional`)
/// followed by `with rfc3339` is read and written through that module's `Wire` (date-times as
/// `time::OffsetDateTime`, with the `time` feature).
#[macro_export]
macro_rules! json_object {
    ($name:ident { $( $field:ident : $ty:ty = $kind:ident $wire:literal $( with $with:ident )? ),* $(,)? }
        $( $additional:ident $( with $additional_with:ident )? )?) => {
        #[allow(deprecated)]
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> $crate::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: $crate::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $( let mut $field: $crate::json_object!(@slot $kind $ty) = $crate::json_object!(@absent $kind); )*
                        $( let mut $additional = ::std::collections::BTreeMap::new(); )?
                        while let Some(key) = map.next_key::<$crate::json::Key<'de>>()? {
                            match key.as_str() {
                                $( $wire => $crate::json_object!(@read $kind $field map $( $with )?), )*
                                _ => $crate::json_object!(@other map key $( $additional $( $additional_with )? )?),
                            }
                        }
                        Ok($name {
                            $( $field: $crate::json_object!(@finish $kind $field $wire), )*
                            $( additional_properties: $additional, )?
                        })
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }

        #[allow(deprecated)]
        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use $crate::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                $( $crate::json_object!(@write $kind map self.$field, $wire $( $with )?); )*
                $( let $additional = &self.additional_properties;
                for (key, value) in $additional {
                    map.serialize_entry(key, $crate::json_object!(@value value $( $additional_with )?))?;
                } )?
                map.end()
            }
        }
    };

    // Each member's slot has its type written out: inferring it from the struct literal at the
    // end made type checking a tenth slower.
    (@slot required $ty:ty) => { Option<$ty> };
    (@slot $kind:ident $ty:ty) => { $ty };

    (@absent required) => { None };
    (@absent nullable_required) => { None };
    (@absent optional) => { None };
    (@absent nullable) => { $crate::Nullable::Absent };

    (@read required $field:ident $map:ident) => { $field = Some($map.next_value()?) };
    (@read required $field:ident $map:ident $with:ident) => { $field = Some($map.next_value::<$crate::$with::Wire<_>>()?.0) };
    (@read $kind:ident $field:ident $map:ident) => { $field = $map.next_value()? };
    (@read $kind:ident $field:ident $map:ident $with:ident) => { $field = $map.next_value::<$crate::$with::Wire<_>>()?.0 };

    (@other $map:ident $key:ident) => {{
        $crate::json::unknown_member(&$map, $key.as_str())?;
        $map.next_value::<$crate::serde::de::IgnoredAny>()?;
    }};
    (@other $map:ident $key:ident $additional:ident) => {{
        $additional.insert($key.into_owned(), $map.next_value()?);
    }};
    (@other $map:ident $key:ident $additional:ident $with:ident) => {{
        $additional.insert($key.into_owned(), $map.next_value::<$crate::$with::Wire<_>>()?.0);
    }};

    (@finish required $field:ident $wire:literal) => { $field.ok_or_else(|| $crate::json::missing($wire))? };
    (@finish $kind:ident $field:ident $wire:literal) => { $field };

    // A member's value as written: itself, or through the `Wire` of the module it goes `with`.
    (@value $value:expr) => { $value };
    (@value $value:expr, $with:ident) => { &$crate::$with::WireRef($value) };
    (@value $value:ident $with:ident) => { &$crate::$with::WireRef($value) };

    (@write optional $map:ident $value:expr, $wire:literal $( $with:ident )?) => {
        if let Some(value) = &$value {
            $map.serialize_entry($wire, $crate::json_object!(@value value $( $with )?))?;
        }
    };
    (@write nullable $map:ident $value:expr, $wire:literal $( $with:ident )?) => {
        if !$value.is_absent() {
            $map.serialize_entry($wire, $crate::json_object!(@value (&$value) $(, $with )?))?;
        }
    };
    (@write $kind:ident $map:ident $value:expr, $wire:literal $( $with:ident )?) => {
        $map.serialize_entry($wire, $crate::json_object!(@value (&$value) $(, $with )?))?
    };
}

/// An open string enum's wire text both ways, `Display`, `FromStr` and `as_str`: each variant
/// with the text the document writes, and `Unknown(String)` for any other.
///
/// ```
/// #[derive(Clone, Debug, PartialEq)]
/// pub enum Scope {
///     Project,
///     Job,
///     Unknown(String),
/// }
///
/// apigen_runtime::json_enum!(Scope { Project = "PROJECT", Job = "JOB" });
///
/// assert_eq!(serde_json::from_str::<Scope>(r#""JOB""#).unwrap(), Scope::Job);
/// assert_eq!(serde_json::from_str::<Scope>(r#""ORG""#).unwrap(), Scope::Unknown("ORG".into()));
/// assert_eq!(Scope::Project.to_string(), "PROJECT");
/// ```
#[macro_export]
macro_rules! json_enum {
    ($name:ident { $( $variant:ident = $wire:literal ),* $(,)? }) => {
        #[allow(deprecated)]
        impl $name {
            /// The text this value travels as.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(text) => text,
                }
            }

            fn from_wire(text: ::std::borrow::Cow<'_, str>) -> Self {
                match &*text {
                    $( $wire => Self::$variant, )*
                    _ => Self::Unknown(text.into_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            /// Never fails: a value the enum does not know becomes `Unknown`.
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(::std::borrow::Cow::Borrowed(text)))
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = Self::from_wire($crate::json::text(deserializer, concat!("a ", stringify!($name), " (a string)"))?);
                if let Self::Unknown(text) = &value {
                    $crate::json::unknown_value::<D::Error>(text)?;
                }
                Ok(value)
            }
        }
    };
}

/// How closely a value must fit the type it decodes into. An untagged union tries its variants
/// at each level in turn, strictest first, so that a variant whose members are all optional does
/// not take a value another variant describes better, and lose what it does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// Whatever decodes: members a struct does not declare are skipped, values an enum or a
    /// tagged union does not know are kept as `Unknown`.
    Any,
    /// Nothing lost: a member a struct does not declare is an error, but a value kept whole as
    /// `Unknown` is not (it goes back out as it came in).
    Whole,
    /// Every member declared and every value known.
    Exact,
}

thread_local! {
    /// The fit asked for while an untagged union looks for its variant.
    static FIT: Cell<Fit> = const { Cell::new(Fit::Any) };
}

/// Runs `decode` asking for `fit` at least (a stricter fit already asked for stays), and
/// restores what was asked before, also when `decode` panics.
pub fn with_fit<T>(fit: Fit, decode: impl FnOnce() -> T) -> T {
    struct Restore(Fit);
    impl Drop for Restore {
        fn drop(&mut self) {
            FIT.with(|current| current.set(self.0));
        }
    }
    let _restore = Restore(FIT.with(|current| current.replace(fit.max(current.get()))));
    decode()
}

/// Runs `decode` asking for an exact fit ([`Fit::Exact`]): a member a struct does not declare
/// (without `additionalProperties`), or a value an enum does not know, is an error instead of
/// being skipped or kept as `Unknown`.
pub fn exactly<T>(decode: impl FnOnce() -> T) -> T {
    with_fit(Fit::Exact, decode)
}

/// The fit asked for now (see [`Fit`]).
pub fn fit() -> Fit {
    FIT.with(Cell::get)
}

/// Whether an exact fit is being asked for (see [`exactly`]).
pub fn is_exact() -> bool {
    fit() == Fit::Exact
}

/// A member the struct does not declare: skipped, unless a fit that loses nothing is asked for.
pub fn unknown_member<'de, A: de::MapAccess<'de>>(_: &A, key: &str) -> Result<(), A::Error> {
    if fit() >= Fit::Whole {
        Err(de::Error::custom(format_args!("unknown member `{key}`")))
    } else {
        Ok(())
    }
}

/// A value the enum does not know: kept as `Unknown`, unless an exact fit is asked for.
pub fn unknown_value<E: de::Error>(text: &str) -> Result<(), E> {
    if is_exact() {
        Err(E::custom(format_args!("unknown value `{text}`")))
    } else {
        Ok(())
    }
}

/// A string, borrowed from the input when it can be; `expected` names what was wanted.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D, expected: &'static str) -> Result<Cow<'de, str>, D::Error> {
    struct TextVisitor(&'static str);
    impl<'de> Visitor<'de> for TextVisitor {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(text))
        }
        fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(text.to_owned()))
        }
        fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(text))
        }
    }
    deserializer.deserialize_str(TextVisitor(expected))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{json, Value};

    use crate::Nullable;

    /// Every kind of member, and a name that is not a Rust identifier.
    #[derive(Debug, Default, PartialEq)]
    struct Every {
        required: String,
        nullable_required: Option<i64>,
        optional: Option<bool>,
        nullable: Nullable<String>,
        r#type: String,
    }

    crate::json_object!(Every {
        required: String = required "required",
        nullable_required: Option<i64> = nullable_required "nullableRequired",
        optional: Option<bool> = optional "optional",
        nullable: Nullable<String> = nullable "nullable",
        r#type: String = required "type",
    });

    #[derive(Debug, PartialEq)]
    struct Open {
        name: String,
        additional_properties: BTreeMap<String, Value>,
    }

    crate::json_object!(Open { name: String = required "name" } additional);

    fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> (T, String) {
        let value: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let again = serde_json::to_string(&value).unwrap();
        (value, again)
    }

    #[test]
    fn absent_null_and_values_are_kept_apart_both_ways() {
        let (every, text) = round_trip::<Every>(r#"{"required":"r","type":"t"}"#);
        assert_eq!(every, Every { required: "r".into(), r#type: "t".into(), ..Every::default() });
        // Absent optional and nullable members stay absent; a nullable required one is sent as null.
        assert_eq!(text, r#"{"required":"r","nullableRequired":null,"type":"t"}"#);

        let full = r#"{"required":"r","nullableRequired":7,"optional":false,"nullable":"v","type":"t"}"#;
        let (every, text) = round_trip::<Every>(full);
        assert_eq!(every.nullable, Nullable::Value("v".into()));
        assert_eq!(text, full);

        let nulls = r#"{"required":"r","nullableRequired":null,"optional":null,"nullable":null,"type":"t"}"#;
        let (every, text) = round_trip::<Every>(nulls);
        assert_eq!((every.nullable_required, every.optional, &every.nullable), (None, None, &Nullable::Null));
        assert_eq!(text, r#"{"required":"r","nullableRequired":null,"nullable":null,"type":"t"}"#);
    }

    #[test]
    fn errors_say_what_is_missing_or_wrong() {
        let missing = serde_json::from_str::<Every>(r#"{"type":"t"}"#).unwrap_err().to_string();
        assert!(missing.starts_with("missing field `required`"), "{missing}");
        let wrong = serde_json::from_str::<Every>(r#"{"required":1,"type":"t"}"#).unwrap_err().to_string();
        assert!(wrong.contains("invalid type: integer `1`, expected a string"), "{wrong}");
        let not_object = serde_json::from_str::<Every>("[1]").unwrap_err().to_string();
        assert!(not_object.contains("expected struct Every"), "{not_object}");
    }

    #[test]
    fn members_not_named_are_skipped_or_kept() {
        let (every, _) = round_trip::<Every>(r#"{"required":"r","type":"t","extra":{"deep":[1,2]}}"#);
        assert_eq!(every.required, "r");
        let (open, text) = round_trip::<Open>(r#"{"name":"n","z":1,"a":{"b":null}}"#);
        assert_eq!(
            open.additional_properties,
            BTreeMap::from([("a".into(), json!({"b": null})), ("z".into(), json!(1))])
        );
        assert_eq!(text, r#"{"name":"n","a":{"b":null},"z":1}"#);
    }

    #[test]
    fn escaped_names_and_values_from_a_value_tree_decode_too() {
        let every: Every = serde_json::from_str(r#"{"requir\u0065d":"r","type":"t"}"#).unwrap();
        assert_eq!(every.required, "r");
        let every: Every = serde_json::from_value(json!({"required": "r", "type": "t", "nullable": null})).unwrap();
        assert_eq!(every.nullable, Nullable::Null);
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Scope {
        Project,
        Job,
        Unknown(String),
    }

    crate::json_enum!(Scope { Project = "PROJECT", Job = "JOB" });

    #[test]
    fn string_enums_are_open_and_spell_values_as_the_document() {
        let scopes: Vec<Scope> = serde_json::from_str(r#"["PROJECT","JOB","ORGANIZATION"]"#).unwrap();
        assert_eq!(scopes, [Scope::Project, Scope::Job, Scope::Unknown("ORGANIZATION".into())]);
        assert_eq!(serde_json::to_string(&scopes).unwrap(), r#"["PROJECT","JOB","ORGANIZATION"]"#);
        assert_eq!("JOB".parse::<Scope>(), Ok(Scope::Job));
        assert_eq!(Scope::Unknown("X".into()).to_string(), "X");
        let err = serde_json::from_str::<Scope>("1").unwrap_err().to_string();
        assert!(err.contains("expected a Scope (a string)"), "{err}");
    }

    #[cfg(feature = "time")]
    #[derive(Debug, PartialEq)]
    struct Dated {
        at: time::OffsetDateTime,
        seen: Option<time::OffsetDateTime>,
        moved: Nullable<time::OffsetDateTime>,
        history: Vec<time::OffsetDateTime>,
        additional_properties: BTreeMap<String, time::OffsetDateTime>,
    }

    #[cfg(feature = "time")]
    crate::json_object!(Dated {
        at: time::OffsetDateTime = required "at" with rfc3339,
        seen: Option<time::OffsetDateTime> = optional "seen" with rfc3339,
        moved: Nullable<time::OffsetDateTime> = nullable "moved" with rfc3339,
        history: Vec<time::OffsetDateTime> = required "history" with rfc3339,
    } additional with rfc3339);

    /// Members `with rfc3339` keep their offset and every shape round-trips as RFC 3339 text.
    #[cfg(feature = "time")]
    #[test]
    fn date_times_go_through_rfc3339_in_every_shape() {
        let text = r#"{"at":"2024-05-01T10:00:00-05:00","moved":null,"history":["2024-01-01T00:00:00Z"],"other":"2025-01-01T00:00:00+01:00"}"#;
        let (dated, again) = round_trip::<Dated>(text);
        assert_eq!(dated.at.offset().whole_hours(), -5);
        assert_eq!((dated.seen, &dated.moved), (None, &Nullable::Null));
        assert_eq!(dated.additional_properties.len(), 1);
        assert_eq!(again, text);
    }
}
