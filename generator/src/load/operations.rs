//! Path items and operations, and what an operation holds: parameters, request bodies,
//! responses, headers, media types and examples.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::document::*;
use super::fields::describe;
use super::reader::{Base, Kind, Reader, Result};
use crate::pointer::Pointer;

impl<'a> Reader<'a> {
    pub(super) fn path_item_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<PathItem>> {
        let map = self.object(value, at, "a path item")?;
        if let Some(reference) = self.object_reference(map, at, Kind::PathItem)? {
            return Ok(Ref::Ref(reference));
        }
        let mut known: Vec<&str> = vec!["summary", "description", "servers", "parameters", "additionalOperations"];
        known.extend(METHODS);
        self.unknown_fields(map, at, "a path item", &known);
        self.other_servers(map, at, "path-level")?;
        let mut operations = Vec::new();
        for method in METHODS {
            if let Some(value) = map.get(method) {
                let pointer = at.join(method);
                let operation = self.operation(value, &pointer, base)?;
                operations.push(MethodOperation { method: method.to_ascii_uppercase(), pointer, operation });
            }
        }
        for (name, value, pointer) in self.entries(map, "additionalOperations", at)? {
            if !is_token(name) {
                return Err(self.invalid(&pointer, format!("`{name}` is not an HTTP method name")));
            }
            let upper = name.to_ascii_uppercase();
            if METHODS.iter().any(|m| m.eq_ignore_ascii_case(name)) {
                return Err(
                    self.invalid(&pointer, format!("`{name}` has a field of its own in a path item; write it there"))
                );
            }
            if operations.iter().any(|o: &MethodOperation| o.method == upper) {
                return Err(self.invalid(&pointer, format!("method `{upper}` is listed twice")));
            }
            let operation = self.operation(value, &pointer, base)?;
            operations.push(MethodOperation { method: upper, pointer, operation });
        }
        Ok(Ref::Item(PathItem {
            summary: self.text(map, "summary", at)?,
            description: self.text(map, "description", at)?,
            parameters: self.parameter_list(map, at, base)?,
            operations,
        }))
    }

    pub(super) fn parameter_list(
        &mut self,
        map: &Map<String, Value>,
        at: &Pointer,
        base: &Base,
    ) -> Result<Vec<Ref<Parameter>>> {
        let mut parameters = Vec::new();
        for (value, at) in self.list(map, "parameters", at)? {
            parameters.push(self.parameter_ref(value, &at, base)?);
        }
        Ok(parameters)
    }

    pub(super) fn operation(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Operation> {
        let map = self.object(value, at, "an operation")?;
        self.unknown_fields(
            map,
            at,
            "an operation",
            &[
                "tags",
                "summary",
                "description",
                "externalDocs",
                "operationId",
                "parameters",
                "requestBody",
                "responses",
                "callbacks",
                "deprecated",
                "security",
                "servers",
            ],
        );
        if map.get("callbacks").and_then(Value::as_object).is_some_and(|c| !c.is_empty()) {
            self.warn(&at.join("callbacks"), "callbacks (requests the API makes back) are not generated");
        }
        self.other_servers(map, at, "operation-level")?;
        let request_body = match map.get("requestBody") {
            None | Some(Value::Null) => None,
            Some(value) => Some(self.request_body_ref(value, &at.join("requestBody"), base)?),
        };
        let mut responses = Vec::new();
        if let Some(value) = map.get("responses") {
            let responses_at = at.join("responses");
            let entries = self.object(value, &responses_at, "`responses`")?;
            for (code, value) in entries.iter().filter(|(code, _)| !code.starts_with("x-")) {
                let at = responses_at.join(code);
                let status = status_key(code).ok_or_else(|| {
                    self.invalid(&at, format!("`{code}` is not a status code (`200`), a range (`2XX`) or `default`"))
                })?;
                responses.push((status, self.response_ref(value, &at, base)?));
            }
        }
        let security = match map.get("security") {
            None | Some(Value::Null) => None,
            Some(value) => Some(self.security(value, &at.join("security"))?),
        };
        Ok(Operation {
            tags: self.texts(map, "tags", at)?,
            summary: self.text(map, "summary", at)?,
            description: self.text(map, "description", at)?,
            operation_id: self.text(map, "operationId", at)?,
            parameters: self.parameter_list(map, at, base)?,
            request_body,
            responses,
            deprecated: self.flag(map, "deprecated", at)?.unwrap_or(false),
            security,
            extensions: map
                .iter()
                .filter(|(key, _)| key.starts_with("x-"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
    }

    pub(super) fn parameter_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<Parameter>> {
        let map = self.object(value, at, "a parameter")?;
        if let Some(reference) = self.object_reference(map, at, Kind::Parameter)? {
            return Ok(Ref::Ref(reference));
        }
        self.unknown_fields(
            map,
            at,
            "a parameter",
            &[
                "name",
                "in",
                "description",
                "required",
                "deprecated",
                "allowEmptyValue",
                "style",
                "explode",
                "allowReserved",
                "schema",
                "content",
                "example",
                "examples",
            ],
        );
        let name = self.text(map, "name", at)?.ok_or_else(|| self.invalid(at, "a parameter needs a `name`"))?;
        let location = match self.text(map, "in", at)?.as_deref() {
            Some("path") => ParameterIn::Path,
            Some("query") => ParameterIn::Query,
            Some("querystring") => ParameterIn::QueryString,
            Some("header") => ParameterIn::Header,
            Some("cookie") => ParameterIn::Cookie,
            Some(other) => {
                return Err(self.invalid(
                    &at.join("in"),
                    format!("`in: {other}` is not a parameter location (path, query, querystring, header, cookie)"),
                ))
            }
            None => {
                return Err(self.invalid(
                    at,
                    format!("parameter `{name}` needs `in` (path, query, querystring, header or cookie)"),
                ))
            }
        };
        let schema = match map.get("schema") {
            None | Some(Value::Null) => None,
            Some(value) => Some(self.schema(value, &at.join("schema"), base)?),
        };
        Ok(Ref::Item(Parameter {
            name,
            location,
            description: self.text(map, "description", at)?,
            required: self.flag(map, "required", at)?.unwrap_or(false),
            deprecated: self.flag(map, "deprecated", at)?.unwrap_or(false),
            style: self.text(map, "style", at)?,
            explode: self.flag(map, "explode", at)?,
            schema,
            content: self.content(map, at, base)?,
            examples: self.examples(map, at)?,
        }))
    }

    /// `example` and `examples` of a media type or parameter. An entry of `examples` is an
    /// Example Object (`value`, 3.2's `dataValue`) or a `$ref` to one. Examples only document:
    /// one that cannot be read is a warning, not a reason to refuse the document.
    pub(super) fn examples(&mut self, map: &Map<String, Value>, at: &Pointer) -> Result<Vec<Example>> {
        let mut examples = Vec::new();
        if let Some(value) = map.get("example") {
            examples.push(Example { name: None, summary: None, value: value.clone(), pointer: at.join("example") });
        }
        match map.get("examples") {
            None | Some(Value::Null) => {}
            Some(Value::Object(entries)) => {
                for (name, entry) in entries {
                    match self.example(name, entry, &at.join("examples").join(name)) {
                        Ok(Some(example)) => examples.push(example),
                        Ok(None) => {}
                        Err(problem) => {
                            self.warn(&at.join("examples").join(name), format!("example not read: {problem}"))
                        }
                    }
                }
            }
            Some(other) => self.warn(
                &at.join("examples"),
                format!("`examples` must be a map of Example Objects, not {}; ignored", describe(other)),
            ),
        }
        Ok(examples)
    }

    /// One Example Object, its `$ref`s (to `components/examples`) followed; `None` for one that
    /// has only an `externalValue` (another file, not read).
    pub(super) fn example(
        &self,
        name: &str,
        mut entry: &'a Value,
        at: &Pointer,
    ) -> std::result::Result<Option<Example>, String> {
        let mut at = at.clone();
        for _ in 0..16 {
            let Some(reference) = entry.get("$ref") else { break };
            let text = reference.as_str().ok_or("`$ref` must be a string")?;
            let target = self.local_pointer(text, &at).map_err(|e| e.to_string())?;
            entry = self.raw.pointer(target.as_str()).ok_or_else(|| format!("$ref target {target} does not exist"))?;
            at = target;
        }
        let Value::Object(fields) = entry else {
            return Err(format!("an Example Object must be a map, not {}", describe(entry)));
        };
        let (key, value) = match (fields.get("dataValue"), fields.get("value")) {
            (Some(value), _) => ("dataValue", value),
            (None, Some(value)) => ("value", value),
            (None, None) => return Ok(None),
        };
        Ok(Some(Example {
            name: Some(name.to_owned()),
            summary: fields.get("summary").and_then(Value::as_str).map(str::to_owned),
            value: value.clone(),
            pointer: at.join(key),
        }))
    }

    pub(super) fn request_body_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<RequestBody>> {
        let map = self.object(value, at, "a request body")?;
        if let Some(reference) = self.object_reference(map, at, Kind::RequestBody)? {
            return Ok(Ref::Ref(reference));
        }
        self.unknown_fields(map, at, "a request body", &["description", "content", "required"]);
        Ok(Ref::Item(RequestBody {
            description: self.text(map, "description", at)?,
            content: self.content(map, at, base)?,
            required: self.flag(map, "required", at)?.unwrap_or(false),
        }))
    }

    pub(super) fn response_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<Response>> {
        let map = self.object(value, at, "a response")?;
        if let Some(reference) = self.object_reference(map, at, Kind::Response)? {
            return Ok(Ref::Ref(reference));
        }
        self.unknown_fields(map, at, "a response", &["summary", "description", "headers", "content", "links"]);
        let headers = self.named(map, "headers", at, |r, value, at| r.header_ref(value, at, base))?;
        Ok(Ref::Item(Response {
            description: self.text(map, "description", at)?.unwrap_or_default(),
            headers,
            content: self.content(map, at, base)?,
        }))
    }

    pub(super) fn header_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<Header>> {
        let map = self.object(value, at, "a header")?;
        if let Some(reference) = self.object_reference(map, at, Kind::Header)? {
            return Ok(Ref::Ref(reference));
        }
        self.unknown_fields(
            map,
            at,
            "a header",
            &[
                "description",
                "required",
                "deprecated",
                "style",
                "explode",
                "schema",
                "content",
                "example",
                "examples",
                "allowEmptyValue",
            ],
        );
        let schema = match map.get("schema") {
            None | Some(Value::Null) => None,
            Some(value) => Some(self.schema(value, &at.join("schema"), base)?),
        };
        // A header described by `content` has its schema there.
        let schema = match schema {
            Some(schema) => Some(schema),
            None => self.content(map, at, base)?.into_values().find_map(|media| media.schema),
        };
        Ok(Ref::Item(Header {
            description: self.text(map, "description", at)?,
            required: self.flag(map, "required", at)?.unwrap_or(false),
            deprecated: self.flag(map, "deprecated", at)?.unwrap_or(false),
            schema,
        }))
    }

    pub(super) fn content(
        &mut self,
        map: &Map<String, Value>,
        at: &Pointer,
        base: &Base,
    ) -> Result<IndexMap<String, MediaType>> {
        self.named(map, "content", at, |r, value, at| r.media_type(value, at, base, 0))
    }

    pub(super) fn media_type(&mut self, value: &Value, at: &Pointer, base: &Base, depth: usize) -> Result<MediaType> {
        let map = self.object(value, at, "a media type")?;
        // 3.2 lets a media type be a `$ref` to `components/mediaTypes`: read where it points.
        if let Some(reference) = map.get("$ref") {
            let text = reference.as_str().ok_or_else(|| self.invalid(&at.join("$ref"), "`$ref` must be a string"))?;
            let target = self.local_pointer(text, at)?;
            let value = self
                .raw
                .pointer(target.as_str())
                .ok_or_else(|| self.invalid(at, format!("$ref target {target} does not exist")))?;
            if depth > 16 {
                return Err(self.invalid(at, format!("$ref cycle through {target}")));
            }
            return self.media_type(value, &target, base, depth + 1);
        }
        self.unknown_fields(
            map,
            at,
            "a media type",
            &["schema", "itemSchema", "example", "examples", "encoding", "prefixEncoding", "itemEncoding"],
        );
        let mut media = MediaType::default();
        if let Some(value) = map.get("schema").filter(|v| !v.is_null()) {
            media.schema = Some(self.schema(value, &at.join("schema"), base)?);
        }
        if let Some(value) = map.get("itemSchema").filter(|v| !v.is_null()) {
            media.item_schema = Some(self.schema(value, &at.join("itemSchema"), base)?);
        }
        media.examples = self.examples(map, at)?;
        Ok(media)
    }
}

/// `200`, `2XX`, `default`.
fn status_key(code: &str) -> Option<StatusKey> {
    if code == "default" {
        return Some(StatusKey::Default);
    }
    let bytes = code.as_bytes();
    if bytes.len() == 3 && (b'1'..=b'5').contains(&bytes[0]) && bytes[1..].eq_ignore_ascii_case(b"XX") {
        return Some(StatusKey::Range(u16::from(bytes[0] - b'0')));
    }
    match code.parse::<u16>() {
        Ok(status) if (100..=599).contains(&status) => Some(StatusKey::Code(status)),
        _ => None,
    }
}

/// A method name HTTP accepts (RFC 9110's token).
fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
#[cfg(test)]
mod tests {
    use super::super::reader::testing::*;

    #[test]
    fn what_the_dialect_cannot_carry_is_a_warning_with_its_pointer() {
        let d = load(&format!(
            "{HEAD_31}servers: [{{url: 'https://api.x.test'}}]\npaths:\n  /a:\n    servers: [{{url: 'https://api.x.test'}}]\n    get:\n      servers: [{{url: 'https://upload.x.test'}}]\n      responses: {{'200': {{description: ok}}}}\n      colour: red\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{b: {{type: string, required: true, minLenght: 3}}}}}}\n"
        ));
        let warnings = warnings(&d);
        let has = |needle: &str| warnings.iter().any(|w| w.contains(needle));
        assert!(has("#/paths/~1a/get/servers: operation-level `servers` (https://upload.x.test)"), "{warnings:?}");
        assert!(
            !warnings.iter().any(|w| w.starts_with("#/paths/~1a/servers")),
            "same servers as the document: {warnings:?}"
        );
        assert!(has("#/paths/~1a/get/colour: `colour` is not a field of an operation"), "{warnings:?}");
        assert!(
            has("#/components/schemas/A/properties/b/minLenght: `minLenght` is not a schema keyword"),
            "{warnings:?}"
        );
        assert!(
            has("#/components/schemas/A/properties/b/required: `required` must list property names"),
            "{warnings:?}"
        );
    }
}
