//! Shape selection: what a schema is in Rust, read from its keywords in order of precedence
//! (a `$ref` with keywords of its own, `oneOf`/`anyOf`, `allOf`, `not`, then `type`), down to
//! primitives, lists, tuples and maps.

use std::collections::BTreeSet;

use serde_json::Value;

use super::enums::{named_int_enum, string_enum};
use super::keywords::{has_members, has_object_keywords};
use super::naming::type_word;
use super::{Shape, TypeBuilder};
use crate::diagnostics::Error;
use crate::load::{JsonType, Schema, SchemaId, SchemaOrBool};
use crate::model::ir::{TypeKind, TypeRef, Union, Variant};
use crate::model::names::unique;

impl TypeBuilder<'_, '_> {
    /// The shape of schema `id` and whether it allows `null`.
    pub(super) fn shape(&mut self, id: SchemaId, name: &str) -> Result<(Shape, bool), Error> {
        let resolved = self.resolved;
        let schema = resolved.schema(id);
        let at = &schema.pointer;
        let mut nullable = schema.nullable;
        if schema.conditional {
            self.warn(at, "`if`/`then`/`else` are not expressed in Rust types; the other keywords decide the type");
        }
        if schema.dependent_schemas {
            self.warn(at, "`dependentSchemas` are not expressed in Rust types; the other keywords decide the type");
        }
        if let Some(SchemaOrBool::Schema(_)) = schema.unevaluated_properties {
            self.warn(at, "`unevaluatedProperties` is read as `additionalProperties`");
        }

        // `$ref` beside keywords of its own (a bare one is a use, decided in `usage`).
        if let Some(target) = resolved.target(id) {
            if has_object_keywords(schema) || self.is_object_like(target) {
                return Ok((Shape::Define(TypeKind::Struct(self.object(id, name)?)), nullable));
            }
            // Narrowing keywords (`enum`, `format`, bounds) next to a reference keep its type.
            let inner = self.target_usage(target)?;
            return Ok((Shape::Use(inner.ty), nullable || inner.nullable));
        }

        let alternatives = if schema.one_of.is_empty() { &schema.any_of } else { &schema.one_of };
        if !alternatives.is_empty() && !has_members(schema) && schema.all_of.is_empty() {
            if !schema.one_of.is_empty() && !schema.any_of.is_empty() {
                self.warn(at, "`anyOf` next to `oneOf` is ignored; the `oneOf` alternatives decide the type");
            }
            let (nulls, members): (Vec<SchemaId>, Vec<SchemaId>) =
                alternatives.iter().partition(|&&m| resolved.schema(m).is_null_only());
            nullable |= !nulls.is_empty();
            return Ok(match members.as_slice() {
                [] => (Shape::Use(TypeRef::Json), nullable),
                // `oneOf: [{type: "null"}, X]` is a nullable X. (A union of one alternative
                // written as such, perhaps with a discriminator, stays a union.)
                [only] if !nulls.is_empty() => {
                    let usage = self.usage(*only, name)?;
                    (Shape::Use(usage.ty), nullable || usage.nullable)
                }
                _ => match self.value_enum(&members) {
                    Some(kind) => (Shape::Define(kind), nullable),
                    None => {
                        let (union, any_null) = self.union(schema, &members, name)?;
                        (Shape::Define(TypeKind::Union(union)), nullable || any_null)
                    }
                },
            });
        }

        if !schema.all_of.is_empty() {
            let members = self.substantive(&schema.all_of);
            // `type: object` beside `allOf` makes a struct of its own, even of one member.
            let own_object = has_object_keywords(schema) || schema.non_null_types().contains(&JsonType::Object);
            // Members that only annotate (`allOf: [{}, {description: …}]`) constrain nothing:
            // any value, not an empty object.
            if members.is_empty() && !own_object && alternatives.is_empty() && schema.non_null_types().is_empty() {
                nullable |= self.annotations_nullable(&schema.all_of);
                return Ok((Shape::Use(TypeRef::Json), nullable));
            }
            if let ([only], false) = (members.as_slice(), own_object || !alternatives.is_empty()) {
                // `allOf: [$ref]` with annotations (nullable, description), or with narrowing
                // keywords (`enum: [1]` next to it): a use of the referenced type.
                let usage = self.usage(*only, name)?;
                nullable |= usage.nullable || self.annotations_nullable(&schema.all_of);
                return Ok((Shape::Use(usage.ty), nullable));
            }
            if !members.is_empty() || own_object || !alternatives.is_empty() {
                return Ok((Shape::Define(TypeKind::Struct(self.object(id, name)?)), nullable));
            }
            // Only annotations (`allOf: [{}, {example: "100"}]`): not an object, whatever the
            // schema's own keywords say below (nothing: any value).
            nullable |= self.annotations_nullable(&schema.all_of);
        }
        if !alternatives.is_empty() {
            // Properties beside `oneOf`: a struct keeping what the alternatives add.
            return Ok((Shape::Define(TypeKind::Struct(self.object(id, name)?)), nullable));
        }

        if schema.not.is_some() {
            let rest = Schema { not: None, ..schema.clone() };
            if !rest.has_structure() {
                self.fell_back(at, "`not` schemas are not supported; using serde_json::Value");
                return Ok((Shape::Use(TypeRef::Json), nullable));
            }
            self.warn(at, "`not` is not expressed in Rust types; the other keywords decide the type");
        }

        let types = self.types_of(schema);
        let shape = match types.as_slice() {
            [] if !schema.prefix_items.is_empty() => {
                self.fell_back(
                    &schema.pointer,
                    "positional `items` without `type: array` constrain arrays only, and any other value is valid; typed as serde_json::Value",
                );
                Shape::Use(TypeRef::Json)
            }
            [] => Shape::Use(TypeRef::Json),
            [single] => self.typed(id, *single, name)?,
            [JsonType::Integer, JsonType::Number] => Shape::Use(TypeRef::F64),
            several => {
                // `type: [string, integer]`: a union with one variant per type.
                let mut variants = Vec::new();
                for &json_type in several {
                    let variant_hint = format!("{name}{}", type_word(json_type));
                    let ty = match self.typed(id, json_type, &variant_hint)? {
                        Shape::Use(ty) => ty,
                        Shape::Define(kind) => {
                            let variant_name = unique(variant_hint, &mut self.taken, "");
                            self.insert(variant_name.clone(), schema, kind);
                            TypeRef::Named(variant_name)
                        }
                    };
                    variants.push(Variant {
                        name: type_word(json_type).to_owned(),
                        ty,
                        tag_values: Vec::new(),
                        carries_tag: false,
                        boxed: false,
                    });
                }
                Shape::Define(TypeKind::Union(Union { tag: None, variants }))
            }
        };
        Ok((shape, nullable))
    }

    /// The JSON types a schema's values can have, besides `null`: as `type` says, or, when it
    /// does not, as its other keywords imply.
    fn types_of(&self, schema: &Schema) -> Vec<JsonType> {
        let named = schema.non_null_types();
        if !named.is_empty() || schema.types.is_some() {
            return named;
        }
        if !schema.properties.is_empty()
            || schema.additional_properties.is_some()
            || !schema.pattern_properties.is_empty()
        {
            return vec![JsonType::Object];
        }
        // One `items` schema implies an array, as documents that leave out `type` mean. Positions
        // alone (`prefixItems`, draft 4's `items: [A, B]`) do not: they constrain arrays only, and
        // any other value is valid (Slack writes `items: [Message, {type: null}]` for "one of").
        if schema.items.is_some() && schema.prefix_items.is_empty() {
            return vec![JsonType::Array];
        }
        if let Some(values) = &schema.enumeration {
            let mut types: Vec<JsonType> = values.iter().map(JsonType::of).collect();
            types.sort();
            types.dedup();
            return types;
        }
        if schema.format.is_some() || schema.content_encoding.is_some() || schema.content_media_type.is_some() {
            return vec![JsonType::String];
        }
        Vec::new()
    }

    /// The shape of the values of schema `id` that are of JSON type `ty`.
    fn typed(&mut self, id: SchemaId, ty: JsonType, name: &str) -> Result<Shape, Error> {
        let schema = self.resolved.schema(id);
        let values_of = |wanted: JsonType| -> Option<Vec<&Value>> {
            let values: Vec<&Value> =
                schema.enumeration.iter().flatten().filter(|v| JsonType::of(v) == wanted).collect();
            (!values.is_empty()).then_some(values)
        };
        Ok(match ty {
            JsonType::String => match values_of(JsonType::String) {
                Some(values) => Shape::Define(string_enum(schema, &values)),
                None => Shape::Use(match string_type(schema) {
                    TypeRef::DateTime => self.date_time.clone(),
                    other => other,
                }),
            },
            // Integer values the document names (`x-enum-varnames`): an open enum of named
            // constants. (`const` alternatives with titles are `value_enum`'s.)
            JsonType::Integer => {
                match values_of(JsonType::Integer).and_then(|values| named_int_enum(schema, &values)) {
                    Some(kind) => Shape::Define(kind),
                    None => {
                        Shape::Use(if schema.format.as_deref() == Some("int32") { TypeRef::I32 } else { TypeRef::I64 })
                    }
                }
            }
            JsonType::Number => {
                Shape::Use(if schema.format.as_deref() == Some("float") { TypeRef::F32 } else { TypeRef::F64 })
            }
            JsonType::Boolean => Shape::Use(TypeRef::Bool),
            JsonType::Null => Shape::Use(TypeRef::Json),
            JsonType::Array => Shape::Use(self.array(schema, name)?),
            JsonType::Object => {
                if schema.properties.is_empty() {
                    match self.map_values(schema, name)? {
                        Some(value) => Shape::Use(TypeRef::Map(Box::new(value))),
                        // A free-form object: keep whatever comes.
                        None => Shape::Use(TypeRef::Json),
                    }
                } else {
                    Shape::Define(TypeKind::Struct(self.object(id, name)?))
                }
            }
        })
    }

    fn array(&mut self, schema: &Schema, name: &str) -> Result<TypeRef, Error> {
        if !schema.prefix_items.is_empty() {
            // A tuple when the positions are all there is (`items: false`, or absent).
            let closed = matches!(schema.items, None | Some(SchemaOrBool::Bool(false)));
            if closed && schema.prefix_items.len() <= 12 {
                let mut items = Vec::new();
                for (i, &item) in schema.prefix_items.iter().enumerate() {
                    items.push(self.usage(item, &format!("{name}Item{i}"))?.or_null());
                }
                return Ok(TypeRef::Tuple(items));
            }
            self.fell_back(
                &schema.pointer,
                "`prefixItems` followed by more items (or more than 12 positions) is not a Rust tuple; items are serde_json::Value",
            );
            return Ok(TypeRef::List(Box::new(TypeRef::Json)));
        }
        let item = match schema.items {
            Some(SchemaOrBool::Schema(items)) => self.usage(items, &format!("{name}Item"))?.or_null(),
            _ => TypeRef::Json,
        };
        Ok(TypeRef::List(Box::new(item)))
    }

    /// The value type of an object that is only a map: `additionalProperties`, or
    /// `patternProperties` (keys are strings whatever their pattern).
    fn map_values(&mut self, schema: &Schema, name: &str) -> Result<Option<TypeRef>, Error> {
        let hint = format!("{name}Value");
        let mut values = BTreeSet::new();
        if let Some(SchemaOrBool::Schema(value)) = schema.additional_properties.or(schema.unevaluated_properties) {
            values.insert(self.usage(value, &hint)?.or_null());
        }
        for &value in schema.pattern_properties.values() {
            values.insert(self.usage(value, &hint)?.or_null());
        }
        // Values of several types under different patterns: any value.
        Ok(match values.len() {
            0 => None,
            1 => values.into_iter().next(),
            _ => Some(TypeRef::Json),
        })
    }
}

/// A string's Rust type, from its `format` or its content keywords.
fn string_type(schema: &Schema) -> TypeRef {
    let encoding = schema.content_encoding.as_deref().map(str::to_ascii_lowercase);
    match encoding.as_deref() {
        Some("base64" | "base64url") => return TypeRef::Base64,
        // Not a JSON Schema encoding, but what some documents write for a file part.
        Some("binary") => return TypeRef::Bytes,
        _ => {}
    }
    if let Some(media) = &schema.content_media_type {
        // Content of a media type held in a string: bytes, unless it is text.
        if !is_textual(media) {
            return TypeRef::Bytes;
        }
    }
    match schema.format.as_deref() {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("binary") => TypeRef::Bytes,
        Some("byte") => TypeRef::Base64,
        Some("uuid") => TypeRef::Uuid,
        _ => TypeRef::String,
    }
}

/// Whether content of `media_type` is text, which a `String` holds as it is.
fn is_textual(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence.starts_with("text/")
        || essence == "application/json"
        || essence.ends_with("+json")
        || essence.ends_with("xml")
        || essence.contains("yaml")
}

#[cfg(test)]
mod tests {
    use crate::model::ir::{TypeKind, TypeRef};
    use crate::model::testing::{kind, model};

    /// Box's `GenericSource` values: `allOf` of an empty schema and a description is any
    /// value, not an empty object that refuses strings.
    #[test]
    fn all_of_members_that_only_annotate_are_any_value() {
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Source:\n      type: object\n      additionalProperties:\n        allOf: [{}, {description: anything}]\n");
        assert_eq!(kind(&api, "Source"), &TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::Json))));
    }

    /// Slack's "one of" written as draft 4 positions without `type: array`: a value that is not
    /// an array is valid, so the field takes any value rather than refusing Slack's objects;
    /// with `type: array` the positions are a tuple, and one `items` schema alone is a list.
    #[test]
    fn positional_items_without_an_array_type_are_any_value() {
        let api = model("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  Channel:\n    type: object\n    properties:\n      latest: {items: [{type: object, properties: {ts: {type: string}}}, {type: 'null'}]}\n      pair: {type: array, items: [{type: string}, {type: integer}], additionalItems: false}\n      names: {items: {type: string}}\n");
        let TypeKind::Struct(channel) = kind(&api, "Channel") else { panic!("{:?}", kind(&api, "Channel")) };
        let field = |name: &str| &channel.fields.iter().find(|f| f.name == name).unwrap().ty;
        assert_eq!(field("latest"), &TypeRef::Json);
        assert_eq!(field("pair"), &TypeRef::Tuple(vec![TypeRef::String, TypeRef::I64]));
        assert_eq!(field("names"), &TypeRef::List(Box::new(TypeRef::String)));
        assert!(
            api.warnings.iter().any(|w| w.fell_back && w.pointer.as_str().ends_with("/latest")),
            "{:?}",
            api.warnings
        );
    }
}
