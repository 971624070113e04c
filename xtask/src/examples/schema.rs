//! The document as JSON Schema (with the `jsonschema` crate), to ask whether an example satisfies
//! its own schema and which properties a schema declares: what tells the document's faults from
//! the generator's bugs. 3.0's `nullable` is rewritten as JSON Schema says it.

use std::collections::HashMap;
use std::path::Path;

use apigen::Pointer;
use serde_json::Value;

/// The document as JSON Schema, to ask whether an example satisfies its schema.
pub struct SchemaCheck {
    registry: jsonschema::Registry<'static>,
    draft: jsonschema::Draft,
    /// Where `nullable` wrapping moved schemas: (old, new) prefixes, deepest first.
    moves: Vec<(Pointer, Pointer)>,
    validators: HashMap<Pointer, Result<jsonschema::Validator, String>>,
    /// The document as written, to see what its schemas declare.
    raw: Value,
}

const BASE: &str = "https://apigen.invalid/document.json";

/// Formats that give a value a Rust type of its own (a malformed one cannot decode).
const TYPED_FORMATS: [&str; 4] = ["date-time", "date", "uuid", "byte"];

impl SchemaCheck {
    pub fn new(spec: &Path) -> Result<SchemaCheck, String> {
        let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        let mut document: Value = if spec.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?
        } else {
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?
        };
        let version = document.get("openapi").and_then(Value::as_str).unwrap_or("3.0").to_owned();
        // 3.0's schemas are draft 4's words (boolean `exclusiveMinimum`, `$ref` siblings
        // ignored); 3.1 and 3.2 use 2020-12.
        let draft = if version.starts_with("3.0") { jsonschema::Draft::Draft4 } else { jsonschema::Draft::Draft202012 };
        let raw = document.clone();
        let moves = allow_nullable(&mut document);
        let registry = jsonschema::Registry::new()
            .draft(draft)
            .add(BASE, draft.create_resource(document))
            .and_then(|builder| builder.prepare())
            .map_err(|e| format!("the document as JSON Schema: {e}"))?;
        Ok(SchemaCheck { registry, draft, moves, validators: HashMap::new(), raw })
    }

    /// Why `value` does not satisfy the schema at `schema`, if it does not.
    pub fn violation(&mut self, schema: &Pointer, value: &Value) -> Option<String> {
        let pointer = map_pointer(&self.moves, schema);
        let validator = self.validators.entry(pointer.clone()).or_insert_with(|| {
            // A strict URI: `{`, spaces and the like percent-encoded.
            let root = serde_json::json!({ "$ref": format!("{BASE}{}", pointer.to_uri_ref()) });
            jsonschema::options()
                .with_draft(self.draft)
                .with_registry(&self.registry)
                .should_validate_formats(true)
                .build(&root)
                .map_err(|e| e.to_string())
        });
        let validator = match validator {
            Ok(validator) => validator,
            Err(error) => return Some(format!("(the schema could not be compiled: {error})")),
        };
        let found: Vec<String> = validator
            .iter_errors(value)
            .filter(|e| match e.kind() {
                // A format the client reads as a plain string (`uri`, `email`…) cannot make an
                // example fail: only those with a type of their own count.
                jsonschema::error::ValidationErrorKind::Format { format } => TYPED_FORMATS.contains(&format.as_str()),
                _ => true,
            })
            .map(|e| {
                let at = e.instance_path().to_string();
                if at.is_empty() {
                    e.to_string()
                } else {
                    format!("{at}: {e}")
                }
            })
            .collect();
        match found.len() {
            0 => None,
            1..=3 => Some(found.join("; ")),
            n => Some(format!("{}; and {} more", found[..3].join("; "), n - 3)),
        }
    }

    /// Whether the schema at `schema` declares property `member` of the object at `path` (its
    /// unescaped segments) inside `value` (through `$ref`, `allOf`, `properties`,
    /// `additionalProperties`, `items`, and the `oneOf`/`anyOf` alternatives that accept the
    /// value there).
    pub fn declares(&mut self, schema: &Pointer, value: &Value, path: &[String], member: &str) -> bool {
        let mut value = value;
        let mut current = self.applicable(schema, value);
        for segment in path {
            let Some(inner) = child(value, segment) else { return false };
            value = inner;
            let mut next = Vec::new();
            for pointer in current {
                let Some(s) = self.raw.pointer(pointer.as_str()) else { continue };
                let step = if s.get("properties").and_then(|p| p.get(segment)).is_some() {
                    Some(pointer.join("properties").join(segment))
                } else if segment.parse::<usize>().is_ok() && s.get("items").is_some_and(Value::is_object) {
                    Some(pointer.join("items"))
                } else if s.get("additionalProperties").is_some_and(Value::is_object) {
                    Some(pointer.join("additionalProperties"))
                } else {
                    None
                };
                if let Some(step) = step {
                    next.extend(self.applicable(&step, value));
                }
            }
            current = next;
        }
        current.iter().any(|p| {
            self.raw.pointer(p.as_str()).and_then(|s| s.get("properties")).and_then(|p| p.get(member)).is_some()
        })
    }

    /// A schema's pointer and those of the schemas it brings in for `value`: `$ref` targets,
    /// `allOf` members, and the `oneOf`/`anyOf` alternatives that accept it (all of them when
    /// none does), each once.
    fn applicable(&mut self, schema: &Pointer, value: &Value) -> Vec<Pointer> {
        let mut out: Vec<Pointer> = Vec::new();
        let mut work = vec![schema.clone()];
        while let Some(pointer) = work.pop() {
            if out.contains(&pointer) {
                continue;
            }
            let Some(s) = self.raw.pointer(pointer.as_str()).cloned() else { continue };
            out.push(pointer.clone());
            if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(Pointer::from_ref) {
                work.push(target);
            }
            let count = |key: &str| s.get(key).and_then(Value::as_array).map_or(0, Vec::len);
            work.extend((0..count("allOf")).map(|i| pointer.join("allOf").join(i)));
            for key in ["oneOf", "anyOf"] {
                let members: Vec<Pointer> = (0..count(key)).map(|i| pointer.join(key).join(i)).collect();
                let accepting: Vec<Pointer> =
                    members.iter().filter(|m| self.violation(m, value).is_none()).cloned().collect();
                work.extend(if accepting.is_empty() { members } else { accepting });
            }
        }
        out
    }
}

/// Makes `nullable: true` allow `null`, as the generator reads it (in every version: 3.1
/// documents that still say `nullable` mean it). A schema with a plain `type` gets `null` added
/// to it (and to its `enum`); any other (`$ref`, `allOf`…) is wrapped in place as
/// `anyOf: [{type: null}, <schema>]`, which moves it one level down: the moves are returned, and
/// the document's `$ref`s into moved schemas are rewritten.
fn allow_nullable(document: &mut Value) -> Vec<(Pointer, Pointer)> {
    let mut found = Vec::new();
    find_nullable(document, Pointer::root(), &mut found);
    // Deepest first: wrapping a schema does not move the ones around it.
    found.sort_by_key(|p| std::cmp::Reverse(p.segments().count()));
    let mut moves = Vec::new();
    for pointer in found {
        let Some(Value::Object(schema)) = document.pointer_mut(pointer.as_str()) else { continue };
        schema.remove("nullable");
        let composite = ["$ref", "allOf", "oneOf", "anyOf"].iter().any(|k| schema.contains_key(*k));
        match schema.get_mut("type") {
            Some(Value::String(ty)) if !composite => {
                let ty = std::mem::take(ty);
                schema.insert("type".into(), serde_json::json!([ty, "null"]));
                if let Some(Value::Array(values)) = schema.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            _ => {
                let inner = Value::Object(std::mem::take(schema));
                schema.insert("anyOf".into(), serde_json::json!([{ "type": "null" }, inner]));
                let moved = pointer.join("anyOf").join(1);
                moves.push((pointer, moved));
            }
        }
    }
    if !moves.is_empty() {
        rewrite_refs(document, &moves);
    }
    moves
}

fn find_nullable(value: &Value, pointer: Pointer, out: &mut Vec<Pointer>) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                out.push(pointer.clone());
            }
            for (key, child) in map {
                // Example payloads are data, not schemas.
                if key == "example" || key == "examples" || key == "default" || key == "enum" || key == "const" {
                    continue;
                }
                find_nullable(child, pointer.join(key), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_nullable(child, pointer.join(i), out);
            }
        }
        _ => {}
    }
}

/// Where the schema at `pointer` is once the moves are made: a schema inside a moved one moves
/// with it (the moved schema's own pointer now holds its `anyOf` wrapper, and stays).
fn map_pointer(moves: &[(Pointer, Pointer)], pointer: &Pointer) -> Pointer {
    let mut pointer = pointer.clone();
    for (from, to) in moves {
        if let Some(rest) = pointer.relative_to(from).filter(|rest| !rest.is_root()) {
            pointer = to.concat(&rest);
        }
    }
    pointer
}

fn rewrite_refs(value: &mut Value, moves: &[(Pointer, Pointer)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(pointer) = Pointer::from_ref(reference) {
                    let mapped = map_pointer(moves, &pointer);
                    if mapped != pointer {
                        // Read by the `jsonschema` crate, which wants a strict URI.
                        *reference = mapped.to_uri_ref();
                    }
                }
            }
            for child in map.values_mut() {
                rewrite_refs(child, moves);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|child| rewrite_refs(child, moves)),
        _ => {}
    }
}

/// The member or item of `value` that one (unescaped) JSON-pointer segment names.
pub fn child<'v>(value: &'v Value, segment: &str) -> Option<&'v Value> {
    match value {
        Value::Object(members) => members.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pointer(text: &str) -> Pointer {
        Pointer::from_fragment(text).unwrap()
    }

    #[test]
    fn nullable_allows_null_in_place_or_wrapped_with_references_following() {
        let mut document = json!({
            "components": {"schemas": {
                "A": {"type": "string", "nullable": true, "enum": ["x"]},
                "B": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/C"}], "properties": {"p": {"type": "integer"}}},
                "C": {"type": "object"},
                "D": {"$ref": "#/components/schemas/B/properties/p"}
            }}
        });
        let moves = allow_nullable(&mut document);
        assert_eq!(document["components"]["schemas"]["A"], json!({"type": ["string", "null"], "enum": ["x", null]}));
        assert_eq!(document["components"]["schemas"]["B"]["anyOf"][0], json!({"type": "null"}));
        assert_eq!(document["components"]["schemas"]["D"]["$ref"], "#/components/schemas/B/anyOf/1/properties/p");
        assert_eq!(
            map_pointer(&moves, &pointer("/components/schemas/B/properties/p")),
            pointer("/components/schemas/B/anyOf/1/properties/p")
        );
        assert_eq!(map_pointer(&moves, &pointer("/components/schemas/B")), pointer("/components/schemas/B"));
    }

    /// A document whose references end in a `%XX` escape (`Café` as `Caf%C3%A9`, `{p}` as
    /// `%7Bp%7D`) and whose schemas sit under a templated path.
    fn escaped_document() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/pets/{id}": {"get": {"responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Caf%C3%A9"}}}
            }}}}},
            "components": {"schemas": {
                "Café": {"type": "object", "properties": {"name": {"type": "string"}}},
                "B": {"nullable": true, "allOf": [{"type": "object"}], "properties": {"{p}": {"type": "integer"}}},
                "D": {"$ref": "#/components/schemas/B/properties/%7Bp%7D"}
            }}
        })
    }

    /// A `%XX` escape that ends a reference's fragment is decoded like any other: the
    /// reference is followed (`Caf%C3%A9` is `Café`), and one that moves is written back with
    /// its last escape once (`%7D`, not `%257D`).
    #[test]
    fn a_reference_ending_in_a_percent_escape_is_followed() {
        let mut document = escaped_document();
        allow_nullable(&mut document);
        assert_eq!(document["components"]["schemas"]["D"]["$ref"], "#/components/schemas/B/anyOf/1/properties/%7Bp%7D");

        let path = std::env::temp_dir().join(format!("examples-escaped-ref-{}.json", std::process::id()));
        std::fs::write(&path, escaped_document().to_string()).unwrap();
        let mut schemas = SchemaCheck::new(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let response = Pointer::from_segments(["paths", "/pets/{id}", "get", "responses", "200", "content"])
            .join("application/json")
            .join("schema");
        assert!(schemas.declares(&response, &json!({"name": "x"}), &[], "name"));
        assert!(!schemas.declares(&response, &json!({"name": "x"}), &[], "other"));
    }

    /// A reference with a malformed escape names nothing and is not followed. The decoder this
    /// replaced panicked on `%a` followed by a character of more than one byte (it sliced the
    /// text inside it) and read `%+f` as byte 0x0F; `Pointer::from_ref` refuses both.
    #[test]
    fn a_reference_with_a_malformed_escape_is_not_followed() {
        let document = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/%a\u{e9}"},
                "B": {"$ref": "#/components/schemas/%+f"},
                "\u{f}": {"type": "object", "properties": {"name": {"type": "string"}}}
            }}
        });
        let path = std::env::temp_dir().join(format!("examples-malformed-ref-{}.json", std::process::id()));
        std::fs::write(&path, document.to_string()).unwrap();
        let mut schemas = SchemaCheck::new(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        for name in ["A", "B"] {
            let schema = Pointer::from_segments(["components", "schemas", name]);
            assert!(!schemas.declares(&schema, &json!({"name": "x"}), &[], "name"), "{name}");
        }
    }

    /// The validator is asked for a schema by a `$ref` the `jsonschema` crate parses as a strict
    /// URI: a pointer with `{` (a templated path), `%` or `é` in it must be percent-encoded.
    #[test]
    fn schemas_under_templated_paths_and_moved_references_compile() {
        let path = std::env::temp_dir().join(format!("examples-templated-{}.json", std::process::id()));
        std::fs::write(&path, escaped_document().to_string()).unwrap();
        let mut schemas = SchemaCheck::new(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let response = Pointer::from_segments(["paths", "/pets/{id}", "get", "responses", "200", "content"])
            .join("application/json")
            .join("schema");
        assert_eq!(schemas.violation(&response, &json!({"name": "x"})), None);
        let wrong = schemas.violation(&response, &json!({"name": 1})).unwrap();
        assert!(!wrong.contains("could not be compiled"), "{wrong}");
        let alias = Pointer::from_segments(["components", "schemas", "D"]);
        assert_eq!(schemas.violation(&alias, &json!(1)), None);
        let wrong = schemas.violation(&alias, &json!("x")).unwrap();
        assert!(!wrong.contains("could not be compiled"), "{wrong}");
    }
}
