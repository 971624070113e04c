//! The schema reader: a JSON Schema (any draft OpenAPI documents write, from 3.0's subset to
//! 2020-12) → one [`Schema`] of the arena, with every keyword's forms brought to one.

use std::rc::Rc;

use serde_json::{Map, Value};

use super::document::*;
use super::fields::describe;
use super::reader::{Base, PendingSchemaRef, Reader, RefText, Result};
use super::uri;
use crate::pointer::Pointer;

/// Schema keywords that only annotate or validate in ways no Rust type expresses, read and
/// left aside on purpose.
const SCHEMA_KEYWORDS_SET_ASIDE: [&str; 11] = [
    "$schema",
    "$comment",
    "$vocabulary",
    "$recursiveAnchor",
    "externalDocs",
    "xml",
    "dependentRequired",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "contains",
];

impl Reader<'_> {
    /// Reads the schema at `at` (once: a schema met again is the same schema).
    pub(super) fn schema(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<SchemaId> {
        if let Some(id) = self.schemas.at(at) {
            return Ok(id);
        }
        let mut schema = Schema { pointer: at.clone(), ..Schema::default() };
        let map = match value {
            Value::Bool(true) => return Ok(self.schemas.push(schema)),
            Value::Bool(false) => {
                schema.never = true;
                return Ok(self.schemas.push(schema));
            }
            Value::Object(map) => map,
            other => {
                return Err(
                    self.invalid(at, format!("a schema must be a mapping (or true/false), not {}", describe(other)))
                )
            }
        };

        // A schema with `$id` starts a resource: the base of everything inside it.
        let base = match self.text(map, "$id", at)? {
            Some(id) => {
                let absolute = uri::join(base, &id);
                let resource = uri::split_fragment(&absolute).0.to_owned();
                self.resources.entry(resource.clone()).or_insert_with(|| at.clone());
                Rc::from(resource)
            }
            None => base.clone(),
        };
        for keyword in ["$anchor", "$dynamicAnchor"] {
            if let Some(anchor) = self.text(map, keyword, at)? {
                self.anchors.entry((base.to_string(), anchor.clone())).or_insert_with(|| at.clone());
                if keyword == "$dynamicAnchor" {
                    self.dynamic_anchors.entry(anchor).or_default().push(base.to_string());
                }
            }
        }

        // 2019-09's `$recursiveRef: "#"` points at the innermost schema with
        // `$recursiveAnchor: true` around it (this one included).
        let recursive_anchor = matches!(map.get("$recursiveAnchor"), Some(Value::Bool(true)));
        if recursive_anchor {
            self.recursive_anchors.push(at.clone());
        }
        let mut references = Vec::new();
        let mut example = None;
        for (key, value) in map {
            let here = || at.join(key);
            match key.as_str() {
                "$ref" | "$dynamicRef" | "$recursiveRef" => {
                    let text = value
                        .as_str()
                        .ok_or_else(|| self.invalid(&here(), format!("`{key}` must be a string, not {}", describe(value))))?;
                    match key.as_str() {
                        "$ref" => references.push((RefText::Uri(text.to_owned()), "$ref")),
                        "$dynamicRef" => references.push((RefText::Uri(text.to_owned()), "$dynamicRef")),
                        _ => match self.recursive_anchors.last() {
                            Some(anchor) => references.push((RefText::Pointer(anchor.clone()), "$recursiveRef")),
                            // Without an anchor, `#` is the root of the enclosing resource.
                            None if !base.is_empty() => references.push((RefText::Uri(text.to_owned()), "$recursiveRef")),
                            None => self.fell_back(
                                &here(),
                                "`$recursiveRef` has no enclosing `$recursiveAnchor` or `$id`; it is ignored (any value)",
                            ),
                        },
                    }
                }
                "$id" | "$anchor" | "$dynamicAnchor" => {}
                "$defs" | "definitions" => {
                    for (_, child, child_at) in self.entries(map, key, at)? {
                        self.schema(child, &child_at, &base)?;
                    }
                }
                "type" => schema.types = Some(self.types(value, &here())?),
                "nullable" | "x-nullable" => schema.nullable |= self.flag(map, key, at)?.unwrap_or(false),
                "enum" => match value {
                    Value::Array(values) => schema.enumeration = Some(values.clone()),
                    other => return Err(self.invalid(&here(), format!("`enum` must be a list, not {}", describe(other)))),
                },
                "const" => {
                    schema.enumeration = Some(vec![value.clone()]);
                    schema.is_const = true;
                }
                "format" => schema.format = self.text(map, key, at)?,
                "pattern" => schema.constraints.pattern = self.text(map, key, at)?,
                "minLength" => schema.constraints.min_length = self.count(map, key, at)?,
                "maxLength" => schema.constraints.max_length = self.count(map, key, at)?,
                "minimum" => schema.constraints.minimum = self.number(map, key, at)?,
                "maximum" => schema.constraints.maximum = self.number(map, key, at)?,
                "exclusiveMinimum" | "exclusiveMaximum" => {}
                "multipleOf" => schema.constraints.multiple_of = self.number(map, key, at)?,
                "minItems" => schema.constraints.min_items = self.count(map, key, at)?,
                "maxItems" => schema.constraints.max_items = self.count(map, key, at)?,
                "uniqueItems" => schema.constraints.unique_items = self.flag(map, key, at)?.unwrap_or(false),
                "minProperties" => schema.constraints.min_properties = self.count(map, key, at)?,
                "maxProperties" => schema.constraints.max_properties = self.count(map, key, at)?,
                "properties" => {
                    for (name, child, child_at) in self.entries(map, key, at)? {
                        let id = self.schema(child, &child_at, &base)?;
                        schema.properties.insert(name.clone(), id);
                    }
                }
                "patternProperties" => {
                    for (name, child, child_at) in self.entries(map, key, at)? {
                        let id = self.schema(child, &child_at, &base)?;
                        schema.pattern_properties.insert(name.clone(), id);
                    }
                }
                "dependentSchemas" | "dependencies" => {
                    for (_, child, child_at) in self.entries(map, key, at)? {
                        // `dependencies` (draft 7) mixes schemas and lists of names.
                        if child.is_object() || child.is_boolean() {
                            self.schema(child, &child_at, &base)?;
                        }
                    }
                    schema.dependent_schemas = true;
                }
                "required" => match value {
                    Value::Array(_) => schema.required = self.texts(map, key, at)?,
                    // `required: true` on a property schema is a common slip (it belongs in the
                    // parent's list); it says nothing about this schema.
                    Value::Bool(_) => self.warn(
                        &here(),
                        "`required` must list property names; `required: true` on a property has no effect (list it in the parent's `required`)",
                    ),
                    other => return Err(self.invalid(&here(), format!("`required` must be a list of property names, not {}", describe(other)))),
                },
                "additionalProperties" => schema.additional_properties = Some(self.schema_or_bool(value, &here(), &base)?),
                "unevaluatedProperties" => schema.unevaluated_properties = Some(self.schema_or_bool(value, &here(), &base)?),
                "propertyNames" => schema.property_names = Some(self.schema(value, &here(), &base)?),
                "items" => match value {
                    // Draft 4's tuple form, before `prefixItems` existed.
                    Value::Array(_) => {
                        for (child, child_at) in self.list(map, key, at)? {
                            let id = self.schema(child, &child_at, &base)?;
                            schema.prefix_items.push(id);
                        }
                        if !map.contains_key("additionalItems") {
                            schema.items = Some(SchemaOrBool::Bool(true));
                        }
                    }
                    _ => schema.items = Some(self.schema_or_bool(value, &here(), &base)?),
                },
                "additionalItems" => schema.items = Some(self.schema_or_bool(value, &here(), &base)?),
                "prefixItems" => {
                    for (child, child_at) in self.list(map, key, at)? {
                        let id = self.schema(child, &child_at, &base)?;
                        schema.prefix_items.push(id);
                    }
                }
                "allOf" | "oneOf" | "anyOf" => {
                    let mut members = Vec::new();
                    for (child, child_at) in self.list(map, key, at)? {
                        members.push(self.schema(child, &child_at, &base)?);
                    }
                    match key.as_str() {
                        "allOf" => schema.all_of = members,
                        "oneOf" => schema.one_of = members,
                        _ => schema.any_of = members,
                    }
                }
                "not" => schema.not = Some(self.schema(value, &here(), &base)?),
                "if" | "then" | "else" => {
                    self.schema(value, &here(), &base)?;
                    schema.conditional = true;
                }
                "discriminator" => schema.discriminator = Some(self.discriminator(value, &here(), &base)?),
                "title" => schema.title = self.text(map, key, at)?,
                "description" => schema.description = self.text(map, key, at)?,
                "default" => schema.default = Some(value.clone()),
                "example" => example = Some(value.clone()),
                "examples" => match value {
                    Value::Array(values) => schema.examples.extend(values.iter().cloned()),
                    // Some 3.0 documents write a map of named examples here, as media types do.
                    Value::Object(named) => schema
                        .examples
                        .extend(named.values().map(|v| v.get("value").cloned().unwrap_or_else(|| v.clone()))),
                    other => schema.examples.push(other.clone()),
                },
                "readOnly" => schema.read_only = self.flag(map, key, at)?.unwrap_or(false),
                "writeOnly" => schema.write_only = self.flag(map, key, at)?.unwrap_or(false),
                "deprecated" => schema.deprecated = self.flag(map, key, at)?.unwrap_or(false),
                "contentEncoding" => schema.content_encoding = self.text(map, key, at)?,
                "contentMediaType" => schema.content_media_type = self.text(map, key, at)?,
                "contentSchema" => schema.content_schema = Some(self.schema(value, &here(), &base)?),
                key if key.starts_with("x-") => {
                    schema.extensions.insert(key.to_owned(), value.clone());
                }
                key if SCHEMA_KEYWORDS_SET_ASIDE.contains(&key) => {}
                other => self.warn(&here(), format!("`{other}` is not a schema keyword; ignored")),
            }
        }
        if let Some(example) = example {
            schema.examples.insert(0, example);
        }
        if recursive_anchor {
            self.recursive_anchors.pop();
        }
        self.bounds(map, at, &mut schema)?;
        normalize_null(&mut schema);

        let id = self.schemas.push(schema);
        for (reference, keyword) in references {
            self.schema_refs.push(PendingSchemaRef { schema: id, reference, base: base.clone(), keyword });
        }
        Ok(id)
    }

    pub(super) fn types(&self, value: &Value, at: &Pointer) -> Result<Vec<JsonType>> {
        let one = |value: &Value, at: &Pointer| match value {
            Value::String(name) => JsonType::from_name(name).ok_or_else(|| {
                self.invalid(
                    at,
                    format!("`{name}` is not a type (string, integer, number, boolean, array, object, null)"),
                )
            }),
            other => Err(self.invalid(at, format!("a type must be a string, not {}", describe(other)))),
        };
        let mut types = match value {
            Value::Array(names) => {
                names.iter().enumerate().map(|(i, name)| one(name, &at.join(i))).collect::<Result<Vec<_>>>()?
            }
            single => vec![one(single, at)?],
        };
        types.sort();
        types.dedup();
        Ok(types)
    }

    /// 3.0 writes `exclusiveMinimum: true` next to `minimum`; 2020-12 writes the bound itself.
    pub(super) fn bounds(&self, map: &Map<String, Value>, at: &Pointer, schema: &mut Schema) -> Result<()> {
        let constraints = &mut schema.constraints;
        for (key, inclusive, exclusive) in [
            ("exclusiveMinimum", &mut constraints.minimum, &mut constraints.exclusive_minimum),
            ("exclusiveMaximum", &mut constraints.maximum, &mut constraints.exclusive_maximum),
        ] {
            match map.get(key) {
                None | Some(Value::Null) | Some(Value::Bool(false)) => {}
                Some(Value::Bool(true)) => *exclusive = inclusive.take(),
                Some(Value::Number(n)) => *exclusive = n.as_f64(),
                Some(other) => {
                    return Err(self.invalid(
                        &at.join(key),
                        format!("`{key}` must be a number (or true/false in OpenAPI 3.0), not {}", describe(other)),
                    ))
                }
            }
        }
        Ok(())
    }

    pub(super) fn schema_or_bool(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<SchemaOrBool> {
        match value {
            Value::Bool(b) => Ok(SchemaOrBool::Bool(*b)),
            other => Ok(SchemaOrBool::Schema(self.schema(other, at, base)?)),
        }
    }

    pub(super) fn discriminator(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Discriminator> {
        let map = self.object(value, at, "`discriminator`")?;
        let property_name = self
            .text(map, "propertyName", at)?
            .ok_or_else(|| self.invalid(at, "a discriminator needs a `propertyName`"))?;
        let mut mapping = Vec::new();
        for (tag, target, target_at) in self.entries(map, "mapping", at)? {
            let Value::String(target) = target else {
                return Err(self.invalid(&target_at, format!("a mapping names a schema, not {}", describe(target))));
            };
            // A mapping value is a reference, or the bare name of a component schema.
            let reference = if target.contains('#') || target.contains('/') {
                target.clone()
            } else {
                Pointer::from_segments(["components", "schemas", target]).to_ref()
            };
            let pointer = self.schema_pointer(&reference, base, &target_at, "mapping")?;
            mapping.push((tag.clone(), pointer));
        }
        Ok(Discriminator { property_name, mapping })
    }
}

/// [`JsonType::Null`] in the types (when the schema names types) and no `null` among the values.
fn normalize_null(schema: &mut Schema) {
    if let Some(values) = &mut schema.enumeration {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() != before {
            schema.nullable = true;
        }
    }
    if let Some(types) = &mut schema.types {
        if types.contains(&JsonType::Null) {
            schema.nullable = true;
        } else if schema.nullable {
            types.push(JsonType::Null);
        }
    }
}
#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::document::*;
    use super::super::reader::testing::*;

    #[test]
    fn every_way_of_saying_null_is_nullable() {
        let d = load(&format!(
            "{HEAD_31}components:\n  schemas:\n    A: {{type: [string, 'null']}}\n    B: {{type: string, nullable: true}}\n    C: {{type: 'null'}}\n    D: {{enum: [a, null]}}\n    E: {{const: null}}\n    F: {{type: [string, integer]}}\n"
        ));
        let a = schema(&d, "#/components/schemas/A");
        assert!(a.nullable);
        assert_eq!(a.non_null_types(), [JsonType::String]);
        let b = schema(&d, "#/components/schemas/B");
        assert!(
            b.nullable && b.types.as_ref().is_some_and(|t| t.contains(&JsonType::Null)),
            "3.0's nullable adds null to the types"
        );
        assert!(schema(&d, "#/components/schemas/C").is_null_only());
        let d_ = schema(&d, "#/components/schemas/D");
        assert!(d_.nullable);
        assert_eq!(d_.enumeration, Some(vec![Value::from("a")]));
        assert!(schema(&d, "#/components/schemas/E").is_null_only());
        let f = schema(&d, "#/components/schemas/F");
        assert!(!f.nullable);
        assert_eq!(f.non_null_types(), [JsonType::String, JsonType::Integer]);
    }

    #[test]
    fn exclusive_bounds_const_and_examples_in_every_version_s_words() {
        let d = load(&format!(
            "{HEAD_31}components:\n  schemas:\n    Old: {{type: integer, minimum: 1, exclusiveMinimum: true, maximum: 9}}\n    New: {{type: number, exclusiveMinimum: 1.5, exclusiveMaximum: 2}}\n    K: {{const: 7, example: 7, examples: [8, 9]}}\n"
        ));
        let old = &schema(&d, "#/components/schemas/Old").constraints;
        assert_eq!((old.minimum, old.exclusive_minimum, old.maximum), (None, Some(1.0), Some(9.0)));
        let new = &schema(&d, "#/components/schemas/New").constraints;
        assert_eq!((new.exclusive_minimum, new.exclusive_maximum), (Some(1.5), Some(2.0)));
        let k = schema(&d, "#/components/schemas/K");
        assert!(k.is_const);
        assert_eq!(k.single_value(), Some(&Value::from(7)));
        assert_eq!(k.examples, [Value::from(7), Value::from(8), Value::from(9)]);
    }

    #[test]
    fn a_ref_inside_data_is_data() {
        // Real documents carry `$ref` keys in example payloads, defaults and extensions.
        let d = load(&format!(
            "{HEAD_31}paths:\n  /a:\n    get:\n      x-sample: {{$ref: '#/nowhere'}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, default: {{$ref: '#/nowhere'}}, example: {{$ref: 'https://x.test/a.json'}}, enum: [{{$ref: x}}], properties: {{c: {{const: {{$ref: '#/c'}}}}}}}}\n              example: {{$ref: '#/nowhere'}}\n              examples:\n                one: {{value: {{$ref: 'other.yaml#/x'}}}}\n"
        ));
        assert!(crate::resolve::resolve(&d).is_ok());
        let s = schema(&d, "#/paths/~1a/get/responses/200/content/application~1json/schema");
        assert_eq!(s.reference, None);
        assert_eq!(s.default, Some(serde_json::json!({"$ref": "#/nowhere"})));
    }

    #[test]
    fn integers_beyond_64_bits_load_in_yaml_and_json() {
        let yaml = format!("{HEAD_31}components:\n  schemas:\n    N: {{type: integer, minimum: -9223372036854776000, maximum: 18446744073709551616}}\n");
        let n = load(&yaml);
        assert_eq!(schema(&n, "#/components/schemas/N").constraints.minimum, Some(-9.223372036854776e18));
        let json = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"N": {"type": "integer", "minimum": -9223372036854776000}}}}"#;
        let n = read_text("t.json", json).unwrap();
        assert_eq!(schema(&n, "#/components/schemas/N").constraints.minimum, Some(-9.223372036854776e18));
    }
}
