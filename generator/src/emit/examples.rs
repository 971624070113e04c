//! Rust source for calling an operation with example arguments: the values the model chose
//! for each parameter and body (the document's examples, or values made to satisfy the schema),
//! written as a person would build them, and passed as the method's [`Signature`] takes them.
//! The doc examples, the crate docs' usage and the contract program share it.

use serde_json::Value;

use super::rust::{ident, type_text};
use super::signature::{BodyArg, BodyPassing, Passing, Signature};
use super::types::{construction, Construction};
use crate::model::{Api, Group, Operation, SchemeKind, TypeKind, TypeRef};

/// Values nested deeper than this are written as JSON text and decoded: a literal that deep
/// would not read as an example anymore.
const MAX_DEPTH: usize = 6;

/// Rust source calling `op`, an operation of `group`, with example arguments, on a `client`
/// (a `Client` of the generated crate, or a reference to one). `krate` is that crate's name in
/// Rust (`qovery_secrets`), which the source uses to name its types.
///
/// Gives the statements that prepare the arguments (`let body = …;`, possibly none), then the
/// call itself: an expression whose value is the method's future, not awaited. The source
/// may use `?` (a UUID or a date parsed from text, a value decoded from JSON), so it belongs in
/// a function returning `Result<_, Box<dyn std::error::Error>>`.
pub fn example_call(api: &Api, group: &Group, op: &Operation, krate: &str) -> (Vec<String>, String) {
    let writer = Writer { api, krate };
    let signature = Signature::of(api, op);
    let mut lines = Vec::new();
    let mut args = Vec::new();
    for arg in &signature.positional {
        let value = writer.value(&arg.param.ty, Some(&arg.param.example), 0);
        // A string literal is already the `&str` the method takes.
        args.push(match arg.passing {
            Passing::Str | Passing::Value => value,
            Passing::Reference => format!("&{value}"),
        });
    }
    if let Some(BodyArg { body, passing }) = &signature.body {
        let example = body.example.as_ref();
        let (value, arg) = match passing {
            BodyPassing::Reference(ty) => (writer.value(ty, example, 0), "&body"),
            BodyPassing::Text => {
                let text = example.and_then(Value::as_str).unwrap_or("example");
                (format!("String::from({})", string_literal(text)), "body")
            }
            BodyPassing::Upload => ("apigen_runtime::Upload::from(\"example\".as_bytes())".to_owned(), "body"),
        };
        lines.push(format!("let body = {value};"));
        args.push(if body.required { arg.to_owned() } else { format!("Some({arg})") });
    }
    if signature.options.is_some() {
        args.push("&Default::default()".to_owned());
    }
    (lines, format!("client.{}().{}({})", group.module, op.fn_name, args.join(", ")))
}

/// A client with the credentials the operation needs (the first of its alternatives), as the
/// examples build it: Rust source for the `{krate}::Client` (a `Result` to `?`).
pub(super) fn client_expression(api: &Api, op: &Operation, krate: &str) -> String {
    // The first alternative, as the runtime chooses it when the client has its credentials.
    let credentials: Vec<String> = match op.security.first() {
        Some(schemes) => schemes
            .iter()
            .filter_map(|name| api.security_schemes.iter().find(|s| &s.name == name))
            .map(|scheme| {
                let args = if scheme.kind == SchemeKind::Basic { "\"user\", \"password\"" } else { "\"…\"" };
                format!("{krate}::auth::{}({args})", scheme.fn_name)
            })
            .collect(),
        _ => Vec::new(),
    };
    match credentials.as_slice() {
        [one] => format!("{krate}::Client::new({one})?"),
        several => {
            let calls: String = several.iter().map(|c| format!(".credential({c})")).collect();
            format!("{krate}::Client::builder(){calls}.build()?")
        }
    }
}

struct Writer<'a> {
    api: &'a Api,
    krate: &'a str,
}

impl Writer<'_> {
    /// Rust source for `value` as a `ty`; a made-up one of the type when there is no value.
    fn value(&self, ty: &TypeRef, value: Option<&Value>, depth: usize) -> String {
        // A type can contain itself without a struct between (an alias of a list of itself):
        // past the depth where structs are decoded, the walk stops at an empty value.
        if depth > 2 * MAX_DEPTH {
            match ty {
                TypeRef::Named(name) => return decoded(&format!("{}::types::{name}", self.krate), value),
                TypeRef::List(_) => return "Vec::new()".to_owned(),
                TypeRef::Map(_) => return "Default::default()".to_owned(),
                TypeRef::OrNull(_) => return "None".to_owned(),
                _ => {}
            }
        }
        match ty {
            TypeRef::OrNull(inner) => match value {
                Some(Value::Null) => "None".to_owned(),
                value => format!("Some({})", self.value(inner, value, depth)),
            },
            TypeRef::String => string_literal(&text_of(value)),
            TypeRef::Bytes => format!("apigen_runtime::FilePart::from({}.as_bytes())", string_literal(&text_of(value))),
            TypeRef::Base64 => match value.and_then(Value::as_str) {
                Some(text) => format!("apigen_runtime::Base64::decode({})?", string_literal(text)),
                None => "apigen_runtime::Base64::from(\"example\".as_bytes())".to_owned(),
            },
            TypeRef::Bool => value.and_then(Value::as_bool).unwrap_or(true).to_string(),
            TypeRef::I32 => value.and_then(Value::as_i64).and_then(|n| i32::try_from(n).ok()).unwrap_or(1).to_string(),
            TypeRef::I64 => value.and_then(Value::as_i64).unwrap_or(1).to_string(),
            TypeRef::F32 | TypeRef::F64 => format!("{:?}", value.and_then(Value::as_f64).unwrap_or(1.0)),
            TypeRef::Uuid => match value.and_then(Value::as_str) {
                Some(text) => format!("uuid::Uuid::parse_str({})?", string_literal(text)),
                None => "uuid::Uuid::nil()".to_owned(),
            },
            TypeRef::DateTime | TypeRef::Date => {
                let fallback = if *ty == TypeRef::Date { "2024-01-15" } else { "2024-01-15T09:30:00Z" };
                let text = value.and_then(Value::as_str).unwrap_or(fallback);
                format!("{}.parse::<{}>()?", string_literal(text), type_text(ty))
            }
            TypeRef::OffsetDateTime => {
                let text = value.and_then(Value::as_str).unwrap_or("2024-01-15T09:30:00Z");
                format!("apigen_runtime::rfc3339::parse({})?", string_literal(text))
            }
            TypeRef::Json => match value {
                Some(value) => json_literal(value),
                None => "serde_json::json!({})".to_owned(),
            },
            TypeRef::List(item) => {
                let items: Vec<String> = match value {
                    Some(Value::Array(values)) => {
                        values.iter().map(|v| self.element(item, Some(v), depth + 1)).collect()
                    }
                    _ => vec![self.element(item, None, depth + 1)],
                };
                if items.is_empty() {
                    "Vec::new()".to_owned()
                } else {
                    format!("vec![{}]", items.join(", "))
                }
            }
            TypeRef::Map(inner) => match value {
                Some(Value::Object(members)) if !members.is_empty() => {
                    let entries: Vec<String> = members
                        .iter()
                        .map(|(key, v)| {
                            format!(
                                "(String::from({}), {})",
                                string_literal(key),
                                self.element(inner, Some(v), depth + 1)
                            )
                        })
                        .collect();
                    format!("std::collections::BTreeMap::from([{}])", entries.join(", "))
                }
                _ => "Default::default()".to_owned(),
            },
            TypeRef::Tuple(items) => {
                let values = value.and_then(Value::as_array);
                let items: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.value(item, values.and_then(|v| v.get(i)), depth + 1))
                    .collect();
                format!("({},)", items.join(", "))
            }
            TypeRef::Named(name) => self.named(name, value, depth),
        }
    }

    /// An element of a list or map: it gets no `Into` conversion, so a string is a `String`.
    fn element(&self, ty: &TypeRef, value: Option<&Value>, depth: usize) -> String {
        match self.api.unaliased(ty) {
            TypeRef::String => format!("String::from({})", string_literal(&text_of(value))),
            _ => self.value(ty, value, depth),
        }
    }

    fn named(&self, name: &str, value: Option<&Value>, depth: usize) -> String {
        let krate = self.krate;
        let path = format!("{krate}::types::{name}");
        let Some(def) = self.api.type_named(name) else { return decoded(&path, value) };
        if depth > MAX_DEPTH && matches!(def.kind, TypeKind::Struct(_) | TypeKind::Union(_)) {
            return decoded(&path, value);
        }
        match &def.kind {
            TypeKind::Enum(values) => {
                let wanted = value.and_then(Value::as_str);
                match values.iter().find(|v| Some(v.value.as_str()) == wanted).or(values.first()) {
                    Some(v) => format!("{path}::{}", v.name),
                    None => decoded(&path, value),
                }
            }
            TypeKind::IntEnum(values) => {
                let wanted = value.and_then(Value::as_i64);
                match values.iter().find(|v| Some(v.value) == wanted).or(values.first()) {
                    Some(v) => format!("{path}::{}", v.name),
                    None => decoded(&path, value),
                }
            }
            TypeKind::Struct(s) if construction(s) == Construction::Default => {
                // Nothing is required, but the value may set members (distinct items of a
                // `uniqueItems` list differ in them): those are written, the rest default.
                // Examples are requests: a read-only member is the server's to set, and a
                // server may refuse it (Jira's components and versions do).
                let members = value.and_then(Value::as_object);
                let set: Vec<String> = s
                    .fields
                    .iter()
                    .filter(|f| !f.read_only)
                    .filter_map(|f| {
                        let member = members?.get(&f.wire)?;
                        let mut inner = match member {
                            Value::Null if f.nullable => {
                                return Some(format!("{}: apigen_runtime::Nullable::Null", ident(&f.name)))
                            }
                            Value::Null => return None,
                            member => self.element(&f.ty, Some(member), depth + 1),
                        };
                        if f.secret {
                            inner = format!("apigen_runtime::Secret::from({inner})");
                        }
                        if f.boxed {
                            inner = format!("Box::new({inner})");
                        }
                        let wrapped = if f.nullable {
                            format!("apigen_runtime::Nullable::Value({inner})")
                        } else {
                            format!("Some({inner})")
                        };
                        Some(format!("{}: {wrapped}", ident(&f.name)))
                    })
                    .collect();
                if set.is_empty() {
                    format!("{path}::default()")
                } else {
                    format!("{path} {{ {}, ..Default::default() }}", set.join(", "))
                }
            }
            TypeKind::Struct(s) => {
                let literal = construction(s) == Construction::Literal;
                let members = value.and_then(Value::as_object);
                let args: Vec<String> = s
                    .fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| {
                        let member = members.and_then(|m| m.get(&f.wire));
                        let is_string = self.api.unaliased(&f.ty) == &TypeRef::String;
                        let mut value = match member {
                            Some(Value::Null) if f.nullable => return field(literal, &f.name, "None".to_owned()),
                            _ => self.value(&f.ty, member, depth + 1),
                        };
                        // `new` converts a plain string and boxes; otherwise the value says so.
                        if (is_string && (literal || f.nullable)) || (f.secret && !is_string) {
                            value = format!("{value}.into()");
                        }
                        if literal && f.boxed {
                            value = format!("Box::new({value})");
                        }
                        if f.nullable {
                            value = format!("Some({value})");
                        }
                        field(literal, &f.name, value)
                    })
                    .collect();
                if literal {
                    format!("{path} {{ {} }}", args.join(", "))
                } else {
                    format!("{path}::new({})", args.join(", "))
                }
            }
            TypeKind::Alias(inner) => self.value(inner, value, depth + 1),
            TypeKind::Union(u) => {
                // The variant the value's tag names, else the first whose shape fits the value.
                let tag = u.tag.as_ref().and_then(|tag| value?.get(tag)?.as_str());
                let chosen = match tag {
                    Some(tag) => u.variants.iter().find(|v| v.tag_values.iter().any(|t| t == tag)),
                    None => value.and_then(|value| u.variants.iter().find(|v| self.shape_fits(&v.ty, value, 0))),
                };
                match chosen.or(u.variants.first()) {
                    Some(v) if !matches!(&v.ty, TypeRef::Named(n) if n == name) => {
                        // A variant's value gets no `Into` conversion either.
                        let inner = self.element(&v.ty, value, depth + 1);
                        let inner = if v.boxed { format!("Box::new({inner})") } else { inner };
                        format!("{path}::{}({inner})", v.name)
                    }
                    _ => decoded(&path, value),
                }
            }
        }
    }

    /// Whether a value of JSON shape `value` could be a `ty` (for choosing a union's variant).
    /// `depth` bounds the walk through unions of unions, which may contain themselves.
    fn shape_fits(&self, ty: &TypeRef, value: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match (self.api.unaliased(ty), value) {
            (TypeRef::OrNull(inner), value) => value.is_null() || self.shape_fits(inner, value, depth + 1),
            (TypeRef::Json, _) => true,
            (TypeRef::Named(name), value) => match self.api.type_named(name).map(|d| &d.kind) {
                Some(TypeKind::Enum(values)) => value.as_str().is_some_and(|s| values.iter().any(|v| v.value == s)),
                Some(TypeKind::IntEnum(_)) => value.is_i64(),
                Some(TypeKind::Struct(s)) => value.as_object().is_some_and(|m| {
                    s.fields.iter().filter(|f| f.required).all(|f| m.contains_key(&f.wire))
                        && (s.additional.is_some() || m.keys().all(|k| s.fields.iter().any(|f| &f.wire == k)))
                }),
                Some(TypeKind::Union(u)) => u.variants.iter().any(|v| self.shape_fits(&v.ty, value, depth + 1)),
                _ => false,
            },
            // Text that a typed variant would refuse to parse does not choose it.
            (TypeRef::Uuid, Value::String(text)) => is_uuid(text),
            (TypeRef::DateTime | TypeRef::OffsetDateTime, Value::String(text)) => {
                text.as_bytes().get(10).is_some_and(|b| b.eq_ignore_ascii_case(&b'T'))
                    && text.get(..10).is_some_and(is_date)
            }
            (TypeRef::Date, Value::String(text)) => is_date(text),
            (TypeRef::String | TypeRef::Base64 | TypeRef::Bytes, Value::String(_)) => true,
            (TypeRef::Bool, Value::Bool(_)) => true,
            (TypeRef::I32 | TypeRef::I64, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (TypeRef::F32 | TypeRef::F64, Value::Number(_)) => true,
            (TypeRef::List(_) | TypeRef::Tuple(_), Value::Array(_)) => true,
            (TypeRef::Map(_), Value::Object(_)) => true,
            _ => false,
        }
    }
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text
            .char_indices()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    text.len() == 10 && text.char_indices().all(|(i, c)| if matches!(i, 4 | 7) { c == '-' } else { c.is_ascii_digit() })
}

fn field(literal: bool, name: &str, value: String) -> String {
    if literal {
        format!("{}: {value}", ident(name))
    } else {
        value
    }
}

/// The text a string-typed value holds (a number or boolean the document wrote unquoted is
/// its text).
fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => "example".to_owned(),
    }
}

/// A Rust string literal for any text: `{:?}` escapes quotes, backslashes and control
/// characters in Rust's own syntax, and leaves other Unicode as it is.
fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

/// A `serde_json::Value`: the `json!` macro for a short value whose JSON text is also Rust
/// syntax, else the text decoded.
fn json_literal(value: &Value) -> String {
    let text = value.to_string();
    if text.len() <= 120 && !text.contains('\\') {
        format!("serde_json::json!({text})")
    } else {
        format!("serde_json::from_str::<serde_json::Value>({})?", string_literal(&text))
    }
}

/// A value of type `path` decoded from the value's JSON text (an empty object without one):
/// where no literal can be written.
fn decoded(path: &str, value: Option<&Value>) -> String {
    let text = value.map_or_else(|| "{}".to_owned(), Value::to_string);
    format!("serde_json::from_str::<{path}>({})?", string_literal(&text))
}
