//! The document as JSON Schema (with the `jsonschema` crate), to ask whether an example satisfies
//! its own schema and which properties a schema declares: what tells the document's faults from
//! the generator's bugs. 3.0's `nullable` is rewritten as JSON Schema says it.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

/// The document as JSON Schema, to ask whether an example satisfies its schema.
pub struct SchemaCheck {
    registry: jsonschema::Registry<'static>,
    draft: jsonschema::Draft,
    /// Where `nullable` wrapping moved schemas: (old, new) prefixes, deepest first.
    moves: Vec<(String, String)>,
    validators: HashMap<String, Result<jsonschema::Validator, String>>,
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
    pub fn violation(&mut self, schema: &str, value: &Value) -> Option<String> {
        let pointer = map_pointer(&self.moves, schema);
        let validator = self.validators.entry(pointer.clone()).or_insert_with(|| {
            let root = serde_json::json!({ "$ref": format!("{BASE}#{}", encode_fragment(&pointer)) });
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

    /// Whether the schema at `schema` declares property `member` of the object at `path` inside
    /// `value` (through `$ref`, `allOf`, `properties`, `additionalProperties`, `items`, and the
    /// `oneOf`/`anyOf` alternatives that accept the value there).
    pub fn declares(&mut self, schema: &apigen::Pointer, value: &Value, path: &[&str], member: &str) -> bool {
        let mut value = value;
        let mut current = self.applicable(schema.as_str(), value);
        for segment in path {
            let unescaped = segment.replace("~1", "/").replace("~0", "~");
            let Some(inner) = child(value, &unescaped) else { return false };
            value = inner;
            let mut next = Vec::new();
            for pointer in current {
                let Some(s) = self.raw.pointer(&pointer) else { continue };
                let step = if s.get("properties").and_then(|p| p.get(&unescaped)).is_some() {
                    Some(format!("{pointer}/properties/{segment}"))
                } else if segment.parse::<usize>().is_ok() && s.get("items").is_some_and(Value::is_object) {
                    Some(format!("{pointer}/items"))
                } else if s.get("additionalProperties").is_some_and(Value::is_object) {
                    Some(format!("{pointer}/additionalProperties"))
                } else {
                    None
                };
                if let Some(step) = step {
                    next.extend(self.applicable(&step, value));
                }
            }
            current = next;
        }
        current
            .iter()
            .any(|p| self.raw.pointer(p).and_then(|s| s.get("properties")).and_then(|p| p.get(member)).is_some())
    }

    /// A schema's pointer and those of the schemas it brings in for `value`: `$ref` targets,
    /// `allOf` members, and the `oneOf`/`anyOf` alternatives that accept it (all of them when
    /// none does), each once.
    fn applicable(&mut self, schema: &str, value: &Value) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut work = vec![schema.to_owned()];
        while let Some(pointer) = work.pop() {
            if out.contains(&pointer) {
                continue;
            }
            let Some(s) = self.raw.pointer(&pointer).cloned() else { continue };
            out.push(pointer.clone());
            if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                work.push(decode_fragment(target));
            }
            let count = |key: &str| s.get(key).and_then(Value::as_array).map_or(0, Vec::len);
            work.extend((0..count("allOf")).map(|i| format!("{pointer}/allOf/{i}")));
            for key in ["oneOf", "anyOf"] {
                let members: Vec<String> = (0..count(key)).map(|i| format!("{pointer}/{key}/{i}")).collect();
                let accepting: Vec<String> =
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
fn allow_nullable(document: &mut Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    find_nullable(document, String::new(), &mut found);
    // Deepest first: wrapping a schema does not move the ones around it.
    found.sort_by_key(|p| std::cmp::Reverse(p.matches('/').count()));
    let mut moves = Vec::new();
    for pointer in found {
        let Some(Value::Object(schema)) = document.pointer_mut(&pointer) else { continue };
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
                moves.push((pointer.clone(), format!("{pointer}/anyOf/1")));
            }
        }
    }
    if !moves.is_empty() {
        rewrite_refs(document, &moves);
    }
    moves
}

fn find_nullable(value: &Value, pointer: String, out: &mut Vec<String>) {
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
                find_nullable(child, format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_nullable(child, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn map_pointer(moves: &[(String, String)], pointer: &str) -> String {
    let mut pointer = pointer.to_owned();
    for (from, to) in moves {
        if let Some(rest) = pointer.strip_prefix(from.as_str()) {
            if rest.starts_with('/') {
                pointer = format!("{to}{rest}");
            }
        }
    }
    pointer
}

fn rewrite_refs(value: &mut Value, moves: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(fragment) = reference.strip_prefix('#') {
                    let pointer = decode_fragment(fragment);
                    let mapped = map_pointer(moves, &pointer);
                    if mapped != pointer {
                        *reference = format!("#{}", encode_fragment(&mapped));
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

/// A JSON pointer as a URI fragment: what a fragment may not hold, percent-encoded.
fn encode_fragment(pointer: &str) -> String {
    let mut out = String::new();
    for byte in pointer.bytes() {
        let c = byte as char;
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn decode_fragment(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&fragment[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
            map_pointer(&moves, "/components/schemas/B/properties/p"),
            "/components/schemas/B/anyOf/1/properties/p"
        );
        assert_eq!(map_pointer(&moves, "/components/schemas/B"), "/components/schemas/B");
    }

    #[test]
    fn fragments_round_trip() {
        let pointer = "/paths/~1a~1{id}/get/responses/200/content/application~1json/schema";
        let fragment = encode_fragment(pointer);
        assert!(fragment.contains("%7Bid%7D"));
        assert_eq!(decode_fragment(&fragment), pointer);
    }
}
