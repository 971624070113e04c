//! Where the `$ref`s of an OpenAPI tree are: [`walk`] follows the OpenAPI structure (path
//! items, operations, parameters, ..., schemas) and collects the references written where
//! OpenAPI allows one, so that a `$ref` in an example, a default or an extension stays data.

use serde_json::Value;

use super::document::METHODS;
use crate::pointer::Pointer;

/// What a value is in the OpenAPI structure, which says where its `$ref`s may be and what a
/// `$ref` written in it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    SecurityScheme,
    Schema,
    /// A plain value (a description, a summary) or an object of them (`info`, a tag, a
    /// server): a `$ref` written here stands for the value itself, as bundlers such as Redocly
    /// take it (`description: {$ref: description.yml#/introduction}`), and is replaced by it.
    Plain,
}

impl Kind {
    /// The section of `components` a copy of this kind goes to.
    pub(super) fn section(self) -> &'static str {
        match self {
            Kind::PathItem => "pathItems",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::MediaType => "mediaTypes",
            Kind::SecurityScheme => "securitySchemes",
            // Never met: no reference of these kinds is copied (a plain value is put in place).
            Kind::Schema | Kind::Document | Kind::Components | Kind::Operation | Kind::Encoding | Kind::Plain => {
                "schemas"
            }
        }
    }
}

/// A reference met while walking: where its text is, the text, and what it stands for.
pub(super) struct Found {
    pub(super) at: Pointer,
    pub(super) text: String,
    pub(super) kind: Kind,
}

/// Whether `value` may stand where the plain-value `$ref` at `at` is written: text for a
/// description or a summary, an object for the rest (`info`, a tag, a server).
pub(super) fn fits_plain(at: &Pointer, value: &Value) -> bool {
    let holder = at.parent().and_then(|p| p.last());
    match holder.as_deref() {
        Some("description" | "summary") => value.is_string(),
        _ => value.is_object(),
    }
}

/// Collects the references of `value`, a `kind`, written at `at`.
pub(super) fn walk(value: &Value, at: &Pointer, kind: Kind, found: &mut Vec<Found>) {
    let Value::Object(map) = value else { return };
    // Inside a schema resource, references are relative to its `$id`: the reader's to resolve.
    if kind == Kind::Schema && map.get("$id").is_some_and(Value::is_string) {
        return;
    }
    if let Some(Value::String(text)) = map.get("$ref") {
        // Only what OpenAPI lets a `$ref` stand for (an operation or an encoding is never one).
        if !matches!(kind, Kind::Document | Kind::Components | Kind::Operation | Kind::Encoding) {
            found.push(Found { at: at.join("$ref"), text: text.clone(), kind });
            // Beside a `$ref`, a document object has only a summary and a description.
            if kind != Kind::Schema {
                return;
            }
        }
    }
    let one = |key: &str, kind: Kind, found: &mut Vec<Found>| {
        if let Some(value) = map.get(key) {
            walk(value, &at.join(key), kind, found);
        }
    };
    let list = |key: &str, kind: Kind, found: &mut Vec<Found>| {
        if let Some(Value::Array(items)) = map.get(key) {
            let base = at.join(key);
            for (i, item) in items.iter().enumerate() {
                walk(item, &base.join(i), kind, found);
            }
        }
    };
    // `x-` entries are extensions only where the object may be extended (Paths, Responses);
    // everywhere else a key is a name (a header component `x-rate-limit-limit`), as the reader
    // takes it.
    let named = |key: &str, kind: Kind, extensions_too: bool, found: &mut Vec<Found>| {
        if let Some(Value::Object(entries)) = map.get(key) {
            let base = at.join(key);
            for (name, value) in entries {
                if extensions_too || !name.starts_with("x-") {
                    walk(value, &base.join(name), kind, found);
                }
            }
        }
    };
    // The text fields every object may have; a schema's `summary` is no keyword, only data.
    one("description", Kind::Plain, found);
    if kind != Kind::Schema {
        one("summary", Kind::Plain, found);
    }
    match kind {
        Kind::Plain => {}
        Kind::Document => {
            one("info", Kind::Plain, found);
            list("tags", Kind::Plain, found);
            list("servers", Kind::Plain, found);
            one("externalDocs", Kind::Plain, found);
            named("paths", Kind::PathItem, false, found);
            named("webhooks", Kind::PathItem, true, found);
            one("components", Kind::Components, found);
        }
        Kind::Components => {
            named("schemas", Kind::Schema, true, found);
            named("responses", Kind::Response, true, found);
            named("parameters", Kind::Parameter, true, found);
            named("requestBodies", Kind::RequestBody, true, found);
            named("headers", Kind::Header, true, found);
            named("securitySchemes", Kind::SecurityScheme, true, found);
            named("pathItems", Kind::PathItem, true, found);
            named("mediaTypes", Kind::MediaType, true, found);
        }
        Kind::PathItem => {
            list("parameters", Kind::Parameter, found);
            for method in METHODS {
                one(method, Kind::Operation, found);
            }
            named("additionalOperations", Kind::Operation, true, found);
        }
        Kind::Operation => {
            one("externalDocs", Kind::Plain, found);
            list("parameters", Kind::Parameter, found);
            one("requestBody", Kind::RequestBody, found);
            named("responses", Kind::Response, false, found);
        }
        Kind::Parameter | Kind::Header => {
            one("schema", Kind::Schema, found);
            named("content", Kind::MediaType, true, found);
        }
        Kind::RequestBody => named("content", Kind::MediaType, true, found),
        Kind::Response => {
            // Swagger 2.0's response schema, for a 2.0 response in another file (3.x has none).
            one("schema", Kind::Schema, found);
            named("headers", Kind::Header, true, found);
            named("content", Kind::MediaType, true, found);
        }
        Kind::MediaType => {
            one("schema", Kind::Schema, found);
            one("itemSchema", Kind::Schema, found);
            named("encoding", Kind::Encoding, true, found);
            list("prefixEncoding", Kind::Encoding, found);
            one("itemEncoding", Kind::Encoding, found);
        }
        Kind::Encoding => {
            named("headers", Kind::Header, true, found);
            named("encoding", Kind::Encoding, true, found);
        }
        Kind::SecurityScheme => {}
        Kind::Schema => {
            for (key, value) in map {
                match key.as_str() {
                    "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                        named(key, Kind::Schema, true, found)
                    }
                    "allOf" | "anyOf" | "oneOf" | "prefixItems" => list(key, Kind::Schema, found),
                    "items" if value.is_array() => list(key, Kind::Schema, found),
                    "items"
                    | "not"
                    | "additionalProperties"
                    | "unevaluatedProperties"
                    | "unevaluatedItems"
                    | "additionalItems"
                    | "propertyNames"
                    | "contains"
                    | "if"
                    | "then"
                    | "else"
                    | "contentSchema" => one(key, Kind::Schema, found),
                    "discriminator" => {
                        let Some(Value::Object(mapping)) = value.get("mapping") else { continue };
                        let base = at.join(key).join("mapping");
                        for (tag, target) in mapping {
                            // A value without `#` or `/` is the name of a component schema,
                            // unless it names a file (`Dog.yaml`), as split documents write.
                            if let Value::String(text) = target {
                                let file =
                                    [".yaml", ".yml", ".json"].iter().any(|e| text.to_ascii_lowercase().ends_with(e));
                                if text.contains('#') || text.contains('/') || file {
                                    found.push(Found { at: base.join(tag), text: text.clone(), kind: Kind::Schema });
                                }
                            }
                        }
                    }
                    // Everything else is data (`example`, `default`, `enum`, `const`), an
                    // annotation or an extension: a `$ref` in it is not a reference.
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_begin_with_x_are_names_outside_paths_and_responses() {
        let value: Value = serde_json::from_str(
            r##"{"paths": {"x-p": {"$ref": "p.yaml"}, "/a": {"get": {"responses": {"x-r": {"$ref": "r.yaml"}, "200": {"$ref": "ok.yaml", "headers": {}}}}}}, "components": {"headers": {"x-rate-limit": {"$ref": "h.yaml"}}, "responses": {"x-too-many": {"headers": {"x-id": {"$ref": "id.yaml"}}}}}}"##,
        )
        .unwrap();
        let mut found = Vec::new();
        walk(&value, &Pointer::root(), Kind::Document, &mut found);
        let mut texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
        texts.sort_unstable();
        assert_eq!(texts, ["h.yaml", "id.yaml", "ok.yaml"]);
    }

    #[test]
    fn references_in_data_and_extensions_are_not_followed() {
        let value: Value = serde_json::from_str(
            r##"{"paths": {"/a": {"get": {"x-a": {"$ref": "x.yaml"}, "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"default": {"$ref": "d.yaml"}, "example": {"$ref": "e.yaml"}, "enum": [{"$ref": "f.yaml"}], "properties": {"default": {"$ref": "p.yaml"}, "x-name": {"$ref": "q.yaml"}}, "discriminator": {"propertyName": "k", "mapping": {"a": "A", "b": "b.yaml#/B", "c": "C.json"}}}, "examples": {"one": {"$ref": "ex.yaml"}}}}}}}}}}"##,
        )
        .unwrap();
        let mut found = Vec::new();
        walk(&value, &Pointer::root(), Kind::Document, &mut found);
        let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["p.yaml", "q.yaml", "b.yaml#/B", "C.json"]);
    }
}
