//! Swagger 2.0, rewritten as OpenAPI 3.0 before anything else reads it, so that the reader and
//! every stage after `load` know one family of versions only.
//!
//! Why a rewrite of the tree rather than a second reader: 2.0 says the same things as 3.0 in
//! other places (`definitions` for `components/schemas`, a body *parameter* for a request body,
//! `produces` for a response's media types), and the 3.0 reader already turns each of those
//! into the dialect, with its checks and warnings. What 3.x cannot say (a `tsv` or nested
//! `collectionFormat`) is a warning here, with the pointer of the 2.0 place.
//!
//! Every part the rewrite moves is recorded (`moves`, given to [`Sources`]), so that an error
//! or warning about `#/components/schemas/Pet` names `#/definitions/Pet`, and one about the
//! schema made of a query parameter's `type` and `enum` names that parameter.
//!
//! A document split over files: the root is rewritten before it is bundled, so the bundler
//! follows the references the rewrite left (to schemas, parameters, responses or path items in
//! other files); [`Swagger2::after_bundle`] then rewrites what it copied in. A body or form
//! parameter in another file cannot become a request body that way, and is an error.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::document::METHODS;
use super::sources::{as_written, Sources};
use crate::diagnostics::{Error, Warning};
use crate::pointer::Pointer;

type Result<T> = std::result::Result<T, Error>;

/// The OpenAPI version the rewritten tree declares.
const VERSION: &str = "3.0.3";
const JSON: &str = "application/json";
const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// A 2.0 root rewritten: the tree, and what the rewrite knows for the parts bundled after it.
pub(super) struct Swagger2 {
    file: PathBuf,
    consumes: Vec<String>,
    produces: Vec<String>,
    /// The root's `parameters`, as written: operations name them by `$ref`, and a body or form
    /// parameter is copied into each operation's request body.
    parameters: Map<String, Value>,
    /// The root's `definitions`, as written: whether a response's schema is structured may
    /// depend on the one its `$ref` names.
    definitions: Map<String, Value>,
    /// By the pointer in the rewritten tree, the pointer as written.
    moves: Vec<(Pointer, Pointer)>,
    pub(super) warnings: Vec<Warning>,
    /// Whether what is rewritten is a copy of another file's place (`after_bundle`): its
    /// pointers are then into the bundled tree, for [`Sources`] to relocate.
    in_copies: bool,
}

/// A parameter of an operation, after following a `$ref` to the root's `parameters`.
struct Param {
    value: Value,
    /// Where it is written.
    at: Pointer,
    /// The root parameter's name, when it was a `$ref` to one.
    component: Option<String>,
}

/// Rewrites the 2.0 tree `raw` (of `file`) as an OpenAPI 3.0 tree.
pub(super) fn convert(file: &Path, raw: &Value) -> Result<(Value, Swagger2)> {
    let root = raw.as_object().cloned().unwrap_or_default();
    let mut this = Swagger2 {
        file: file.to_owned(),
        consumes: media_types(&root, "consumes").unwrap_or_else(|| vec![JSON.into()]),
        produces: media_types(&root, "produces").unwrap_or_else(|| vec![JSON.into()]),
        parameters: root.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
        definitions: root.get("definitions").and_then(Value::as_object).cloned().unwrap_or_default(),
        moves: Vec::new(),
        warnings: Vec::new(),
        in_copies: false,
    };
    let value = this.document(&root)?;
    Ok((value, this))
}

/// A list of media types (`consumes`, `produces`), when written.
fn media_types(map: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    let list = map.get(key)?.as_array()?;
    Some(list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
}

impl Swagger2 {
    fn invalid(&self, at: &Pointer, message: impl Into<String>) -> Error {
        Error::Invalid { file: self.file.clone(), pointer: at.clone(), message: message.into() }
    }

    /// A warning about a place as written (marked so, as relocated warnings are).
    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        let pointer = if self.in_copies { at.clone() } else { as_written(at.clone()) };
        self.warnings.push(Warning::new(pointer, message));
    }

    fn moved(&mut self, at: Pointer, from: Pointer) {
        if at != from {
            self.moves.push((at, from));
        }
    }

    /// Gives the moves to `sources`, which then names every rewritten place as written.
    pub(super) fn record(&mut self, sources: &mut Sources) {
        for (at, from) in self.moves.drain(..) {
            sources.moved(at, from);
        }
    }

    /// Rewrites, in the bundled tree, what the bundler copied from other files: schemas,
    /// parameters, responses and path items, each where its copy is.
    pub(super) fn after_bundle(&mut self, tree: &mut Value, sources: &Sources) -> Result<()> {
        let mut copies: Vec<Pointer> = sources.copies().cloned().collect();
        copies.sort();
        let before = self.warnings.len();
        self.in_copies = true;
        for at in copies {
            let Some(value) = tree.pointer(at.as_str()) else { continue };
            let segments: Vec<String> = at.segments().collect();
            let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
            let converted = match segments.as_slice() {
                ["components", "schemas", ..] => self.schema(value),
                ["components", "parameters", _] => match location(value) {
                    "body" | "formData" => {
                        let message = "a body or form parameter in another file cannot become a request body; \
                                       move it into the operation or the root's `parameters`";
                        return Err(sources.relocate_error(self.invalid(&at, message)));
                    }
                    _ => self.parameter(&value.clone(), &at, &at),
                },
                ["components", "responses", _] => {
                    let produces = self.produces.clone();
                    self.response(&value.clone(), &at, &at, &produces, None)
                }
                ["paths", _] => self.path_item(&value.clone(), &at).map_err(|e| sources.relocate_error(e))?,
                _ => continue,
            };
            if let Some(place) = tree.pointer_mut(at.as_str()) {
                *place = converted;
            }
        }
        self.in_copies = false;
        for warning in &mut self.warnings[before..] {
            *warning = sources.relocate_warning(warning.clone());
        }
        Ok(())
    }

    fn document(&mut self, root: &Map<String, Value>) -> Result<Value> {
        let top = Pointer::root();
        let mut out = Map::new();
        out.insert("openapi".into(), VERSION.into());
        let mut components = Map::new();
        for (key, value) in root {
            let at = top.join(key);
            match key.as_str() {
                // Read into the parts below, or the version itself.
                "swagger" | "consumes" | "produces" | "host" | "basePath" | "schemes" => {}
                "paths" => {
                    let mut paths = Map::new();
                    for (path, item) in value.as_object().into_iter().flatten() {
                        let item = match path.starts_with("x-") {
                            true => item.clone(),
                            false => self.path_item(item, &at.join(path))?,
                        };
                        paths.insert(path.clone(), item);
                    }
                    out.insert(key.clone(), Value::Object(paths));
                }
                "definitions" => {
                    let entries = value.as_object().into_iter().flatten();
                    let schemas: Map<String, Value> = entries.map(|(k, v)| (k.clone(), self.schema(v))).collect();
                    let schemas = Value::Object(schemas);
                    self.moved(top.join("components").join("schemas"), at);
                    components.insert("schemas".into(), schemas);
                }
                "parameters" => {
                    let mut parameters = Map::new();
                    for (name, parameter) in value.as_object().into_iter().flatten() {
                        // Body and form parameters become part of each request body that names them.
                        if matches!(parameter.get("in").and_then(Value::as_str), Some("body" | "formData")) {
                            continue;
                        }
                        let new = top.join("components").join("parameters").join(name);
                        parameters.insert(name.clone(), self.parameter(parameter, &at.join(name), &new));
                    }
                    components.insert("parameters".into(), Value::Object(parameters));
                }
                "responses" => {
                    let mut responses = Map::new();
                    for (name, response) in value.as_object().into_iter().flatten() {
                        let new = top.join("components").join("responses").join(name);
                        let produces = self.produces.clone();
                        responses.insert(name.clone(), self.response(response, &at.join(name), &new, &produces, None));
                    }
                    components.insert("responses".into(), Value::Object(responses));
                }
                "securityDefinitions" => {
                    let mut schemes = Map::new();
                    for (name, scheme) in value.as_object().into_iter().flatten() {
                        let new = top.join("components").join("securitySchemes").join(name);
                        schemes.insert(name.clone(), self.security_scheme(scheme, &at.join(name), &new)?);
                    }
                    components.insert("securitySchemes".into(), Value::Object(schemes));
                }
                // `info`, `tags`, `security`, `externalDocs` and extensions are the same in 3.0;
                // anything else is left for the reader to warn about.
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(servers) = self.servers(root) {
            out.insert("servers".into(), servers);
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        Ok(Value::Object(out))
    }

    /// `schemes`, `host` and `basePath` → servers: one a scheme, `https` when none is written
    /// (2.0 says "the scheme of the document's own URL", which is not known here); a path
    /// alone (no `host`) is a server relative to wherever the API is.
    fn servers(&mut self, root: &Map<String, Value>) -> Option<Value> {
        let base = root.get("basePath").and_then(Value::as_str).unwrap_or("");
        let base = base.trim_end_matches('/');
        let at = Pointer::root().join("servers");
        match root.get("host").and_then(Value::as_str) {
            Some(host) => {
                self.moved(at, Pointer::root().join("host"));
                let mut schemes: Vec<&str> = root
                    .get("schemes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if schemes.is_empty() {
                    schemes.push("https");
                }
                let servers = schemes.iter().map(|scheme| json!({"url": format!("{scheme}://{host}{base}")})).collect();
                Some(Value::Array(servers))
            }
            None if base.is_empty() => None,
            None => {
                self.moved(at, Pointer::root().join("basePath"));
                Some(json!([{"url": base}]))
            }
        }
    }

    /// A path item: its operations rewritten, its own body and form parameters given to each
    /// operation (where the operation does not redefine them).
    fn path_item(&mut self, item: &Value, at: &Pointer) -> Result<Value> {
        let Some(map) = item.as_object() else { return Ok(item.clone()) };
        if map.contains_key("$ref") {
            // In another file: rewritten once bundled (`after_bundle`).
            return Ok(item.clone());
        }
        let mut shared = Vec::new();
        let mut parameters = Vec::new();
        let list_at = at.join("parameters");
        for (i, parameter) in map.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let param = self.resolve(parameter, &list_at.join(i))?;
            match location(&param.value) {
                "body" | "formData" => shared.push(param),
                _ => {
                    let new = list_at.join(parameters.len());
                    parameters.push(self.plain_parameter(parameter, &param, &new));
                }
            }
        }
        let mut out = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "parameters" => {
                    out.insert(key.clone(), Value::Array(std::mem::take(&mut parameters)));
                }
                method if METHODS.contains(&method) => {
                    out.insert(key.clone(), self.operation(value, &at.join(key), &shared)?);
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// A parameter that is not in the body: a `$ref` to the root's, or rewritten in place.
    fn plain_parameter(&mut self, written: &Value, param: &Param, new: &Pointer) -> Value {
        match &param.component {
            Some(name) => {
                self.moved(new.clone(), param.at.clone());
                json!({"$ref": Pointer::from_segments(["components", "parameters", name]).to_ref()})
            }
            // A `$ref` the rewrite does not follow (another file): bundled, then rewritten.
            None if written.get("$ref").is_some() => written.clone(),
            None => self.parameter(&param.value, &param.at, new),
        }
    }

    /// A parameter as written, or the root's parameter a `$ref` names.
    fn resolve(&self, parameter: &Value, at: &Pointer) -> Result<Param> {
        let plain = || Param { value: parameter.clone(), at: at.clone(), component: None };
        let Some(reference) = parameter.get("$ref").and_then(Value::as_str) else { return Ok(plain()) };
        let Some(name) = reference.strip_prefix("#/parameters/") else { return Ok(plain()) };
        let name = Pointer::unescape_segment(name).into_owned();
        let value = self.parameters.get(&name).ok_or_else(|| {
            self.invalid(&at.join("$ref"), format!("`{reference}`: the document has no such parameter"))
        })?;
        Ok(Param { value: value.clone(), at: Pointer::from_segments(["parameters", &name]), component: Some(name) })
    }

    fn operation(&mut self, operation: &Value, at: &Pointer, shared: &[Param]) -> Result<Value> {
        let Some(map) = operation.as_object() else { return Ok(operation.clone()) };
        let mut consumes = media_types(map, "consumes").unwrap_or_else(|| self.consumes.clone());
        let own_produces = media_types(map, "produces");
        let produces = own_produces.clone().unwrap_or_else(|| self.produces.clone());
        // An operation that says it produces only bytes or text (`application/x-tar`, Docker's
        // `application/vnd.docker.raw-stream`) returns them, even where its success response
        // declares no schema (2.0 would read that as no body at all).
        let unschemed_success = own_produces
            .filter(|own| !own.is_empty() && !own.iter().any(|m| carries_structure(m)))
            .map(|own| match own.iter().all(|m| m.starts_with("text/")) {
                true => json!({"type": "string"}),
                false => json!({"type": "string", "format": "binary"}),
            });
        let mut out = Map::new();
        let mut parameters = Vec::new();
        let mut body: Option<Param> = None;
        let mut form: Vec<Param> = Vec::new();
        let list_at = at.join("parameters");
        let mut own_names = Vec::new();
        let declares_body =
            |p: &Value| p.get("in").and_then(Value::as_str).is_some_and(|l| l == "body" || l == "formData");
        let has_body = map
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|p| declares_body(p) || self.resolve(p, &list_at).is_ok_and(|param| declares_body(&param.value)));
        for (i, parameter) in map.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let param = self.resolve(parameter, &list_at.join(i))?;
            own_names.push((name(&param.value), location(&param.value).to_owned()));
            match location(&param.value) {
                "body" => body = Some(param),
                "formData" => form.push(param),
                // A `Content-Type` header listing media types (Docker's build takes
                // `application/x-tar`) says what the body is: its media types, in place of
                // `consumes`. (OpenAPI 3 ignores a `Content-Type` header parameter.)
                "header" if has_body && name(&param.value).eq_ignore_ascii_case("content-type") => {
                    match media_type_enum(&param.value) {
                        Some(listed) => consumes = listed,
                        None => {
                            let new = list_at.join(parameters.len());
                            parameters.push(self.plain_parameter(parameter, &param, &new));
                        }
                    }
                }
                _ => {
                    let new = list_at.join(parameters.len());
                    parameters.push(self.plain_parameter(parameter, &param, &new));
                }
            }
        }
        // The path item's body and form parameters, unless the operation redefines them.
        for param in shared {
            let key = (name(&param.value), location(&param.value).to_owned());
            if own_names.contains(&key) {
                continue;
            }
            match location(&param.value) {
                "body" if body.is_none() => body = Some(clone_param(param)),
                "formData" => form.push(clone_param(param)),
                _ => {}
            }
        }
        for (key, value) in map {
            match key.as_str() {
                "consumes" | "produces" => {}
                "parameters" => {
                    out.insert(key.clone(), Value::Array(std::mem::take(&mut parameters)));
                }
                "responses" => {
                    let mut responses = Map::new();
                    for (code, response) in value.as_object().into_iter().flatten() {
                        let here = at.join("responses").join(code);
                        let response = match response.get("$ref").and_then(Value::as_str) {
                            Some(reference) => json!({"$ref": rewrite_ref(reference)}),
                            None if code.starts_with("x-") => response.clone(),
                            None => {
                                let implied = unschemed_success.as_ref().filter(|_| has_content(code));
                                self.response(response, &here, &here, &produces, implied)
                            }
                        };
                        responses.insert(code.clone(), response);
                    }
                    out.insert(key.clone(), Value::Object(responses));
                }
                "schemes" => self
                    .warn(&at.join(key), "an operation's own `schemes` are not read; the document's servers are used"),
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        let body_at = at.join("requestBody");
        match (body, form.is_empty()) {
            (Some(_), false) => {
                return Err(self.invalid(&form[0].at, "an operation has a body parameter or form parameters, not both"))
            }
            (Some(body), true) => {
                let body = self.body(&body, &body_at, &consumes);
                out.insert("requestBody".into(), body);
            }
            (None, false) => {
                let body = self.form(&form, &body_at, &consumes);
                out.insert("requestBody".into(), body);
            }
            (None, true) => {}
        }
        Ok(Value::Object(out))
    }

    /// `in: body` → a request body, its schema under each media type the operation consumes.
    fn body(&mut self, body: &Param, at: &Pointer, consumes: &[String]) -> Value {
        self.moved(at.clone(), body.at.clone());
        let schema = body.value.get("schema").map(|s| self.schema(s)).unwrap_or_else(|| json!({}));
        let mut content = Map::new();
        for media_type in consumes {
            let schema_at = at.join("content").join(media_type).join("schema");
            self.moved(schema_at, body.at.join("schema"));
            content.insert(media_type.clone(), json!({"schema": schema}));
        }
        let mut out = Map::new();
        copy(&body.value, &mut out, &["description", "required"]);
        out.insert("content".into(), Value::Object(content));
        extensions(&body.value, &mut out);
        Value::Object(out)
    }

    /// `in: formData` → a form body: one property a parameter, multipart when the operation
    /// consumes it or sends a file, else URL-encoded.
    fn form(&mut self, form: &[Param], at: &Pointer, consumes: &[String]) -> Value {
        let file = form.iter().any(|p| p.value.get("type").and_then(Value::as_str) == Some("file"));
        let media_type = match file || consumes.iter().any(|c| c == MULTIPART) {
            true => MULTIPART,
            false => URLENCODED,
        };
        let content_at = at.join("content").join(media_type);
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        for param in form {
            let name = name(&param.value);
            let property_at = content_at.join("schema").join("properties").join(&name);
            self.moved(property_at, param.at.clone());
            let mut schema = self.simple_schema(&param.value, &param.at);
            if let (Some(description), Value::Object(map)) = (param.value.get("description"), &mut schema) {
                map.insert("description".into(), description.clone());
            }
            if param.value.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::String(name.clone()));
            }
            if let Some((style, explode)) = self.collection_format(&param.value, &param.at, "formData") {
                encoding.insert(name.clone(), json!({"style": style, "explode": explode}));
            }
            properties.insert(name, schema);
        }
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        let mut media = json!({"schema": schema});
        if !encoding.is_empty() {
            media["encoding"] = Value::Object(encoding);
        }
        let required = form.iter().any(|p| p.value.get("required").and_then(Value::as_bool) == Some(true));
        json!({"required": required, "content": {media_type: media}})
    }

    /// A parameter not in the body: its `type`, `format`, `items`, `enum`, `default` and
    /// constraints become its schema, its `collectionFormat` a style.
    fn parameter(&mut self, parameter: &Value, from: &Pointer, at: &Pointer) -> Value {
        let Some(map) = parameter.as_object() else { return parameter.clone() };
        self.moved(at.clone(), from.clone());
        self.moved(at.join("schema"), from.clone());
        let location = location(parameter).to_owned();
        let mut out = Map::new();
        copy(parameter, &mut out, &["name", "in", "description", "required", "allowEmptyValue"]);
        if location == "path" {
            out.insert("required".into(), true.into());
        }
        if map.contains_key("schema") {
            // A schema where 2.0 has none (a body parameter in a path-level list is handled
            // before): kept, so that the reader reads what is there.
            out.insert("schema".into(), self.schema(&map["schema"]));
        } else {
            out.insert("schema".into(), self.simple_schema(parameter, from));
        }
        if let Some((style, explode)) = self.collection_format(parameter, from, &location) {
            out.insert("style".into(), style.into());
            out.insert("explode".into(), explode.into());
        }
        extensions(parameter, &mut out);
        // Whatever else is written is left for the reader to warn about, where it is.
        let read = ["name", "in", "description", "required", "allowEmptyValue", "schema", "items", "collectionFormat"];
        for (key, value) in map {
            if !read.contains(&key.as_str()) && !KEYWORDS.contains(&key.as_str()) && !key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// The style and explode of an array parameter's `collectionFormat` (`csv` when not
    /// written), when they differ from the location's default; a warning for what 3.x cannot
    /// say, which is then sent as 3.x's default for the location.
    fn collection_format(&mut self, parameter: &Value, at: &Pointer, location: &str) -> Option<(&'static str, bool)> {
        if parameter.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        let written = parameter.get("collectionFormat").and_then(Value::as_str);
        let format = written.unwrap_or("csv");
        let format_at = at.join("collectionFormat");
        let query = matches!(location, "query" | "formData");
        match (format, query) {
            ("csv", true) => Some(("form", false)),
            ("multi", true) => Some(("form", true)),
            ("ssv", true) if location == "query" => Some(("spaceDelimited", false)),
            ("pipes", true) if location == "query" => Some(("pipeDelimited", false)),
            ("csv", false) => None,
            (other, _) => {
                let sent = if query { "form (comma-separated)" } else { "simple (comma-separated)" };
                self.warn(
                    &format_at,
                    format!(
                        "`collectionFormat: {other}` in {location} has no OpenAPI 3 style; the values are sent {sent}"
                    ),
                );
                query.then_some(("form", false))
            }
        }
    }

    /// The schema of a parameter, header or items object: the keywords 2.0 writes beside
    /// `name` and `in`.
    fn simple_schema(&mut self, parameter: &Value, at: &Pointer) -> Value {
        let mut out = Map::new();
        copy(parameter, &mut out, KEYWORDS);
        if let Some(items) = parameter.get("items") {
            let items_at = at.join("items");
            if items.get("type").and_then(Value::as_str) == Some("array") && items.get("collectionFormat").is_some() {
                self.warn(
                    &items_at.join("collectionFormat"),
                    "an array inside an array parameter has no OpenAPI 3 style; its `collectionFormat` is not read",
                );
            }
            let items = match items.get("$ref") {
                Some(_) => self.schema(items),
                None => self.simple_schema(items, &items_at),
            };
            out.insert("items".into(), items);
        }
        self.schema(&Value::Object(out))
    }

    /// A response: its schema under each media type the operation produces (or `implied`, for a
    /// success response that declares none), its `examples` (by media type) as those media
    /// types' examples, its headers' fields as their schemas.
    fn response(
        &mut self,
        response: &Value,
        from: &Pointer,
        at: &Pointer,
        produces: &[String],
        implied: Option<&Value>,
    ) -> Value {
        let Some(map) = response.as_object() else { return response.clone() };
        if map.contains_key("$ref") {
            return json!({"$ref": rewrite_ref(map["$ref"].as_str().unwrap_or_default())});
        }
        self.moved(at.clone(), from.clone());
        let mut out = Map::new();
        out.insert("description".into(), map.get("description").cloned().unwrap_or_else(|| "".into()));
        let mut content = Map::new();
        let written = map.get("schema").map(|schema| (schema, from.join("schema")));
        if let Some((schema, schema_from)) = written.or(implied.map(|schema| (schema, from.clone()))) {
            let media_types = self.media_types_of(schema, produces);
            let schema = self.schema(schema);
            for media_type in media_types {
                self.moved(at.join("content").join(&media_type).join("schema"), schema_from.clone());
                content.insert(media_type, json!({"schema": schema}));
            }
        }
        for (media_type, example) in map.get("examples").and_then(Value::as_object).into_iter().flatten() {
            self.moved(at.join("content").join(media_type).join("example"), from.join("examples").join(media_type));
            let entry = content.entry(media_type.clone()).or_insert_with(|| json!({}));
            entry["example"] = example.clone();
        }
        if !content.is_empty() {
            out.insert("content".into(), Value::Object(content));
        }
        if let Some(headers) = map.get("headers").and_then(Value::as_object) {
            let mut out_headers = Map::new();
            for (name, header) in headers {
                let header_from = from.join("headers").join(name);
                let header_at = at.join("headers").join(name);
                self.moved(header_at.clone(), header_from.clone());
                self.moved(header_at.join("schema"), header_from.clone());
                let mut converted = Map::new();
                copy(header, &mut converted, &["description"]);
                converted.insert("schema".into(), self.simple_schema(header, &header_from));
                self.collection_format(header, &header_from, "header");
                extensions(header, &mut converted);
                out_headers.insert(name.clone(), Value::Object(converted));
            }
            out.insert("headers".into(), Value::Object(out_headers));
        }
        extensions(response, &mut out);
        for (key, value) in map {
            if !matches!(key.as_str(), "description" | "schema" | "examples" | "headers") && !key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// The media types a response's `schema` is written in: those `produces` lists, for every
    /// response of the operation. A structured schema (an object, an array, a number) has no
    /// spelling but JSON, so where `produces` names only bytes or text (Docker's log stream and
    /// its `ErrorResponse` for a 404), that response is JSON.
    fn media_types_of(&self, schema: &Value, produces: &[String]) -> Vec<String> {
        if produces.iter().any(|m| carries_structure(m)) || !self.is_structured(schema) {
            produces.to_vec()
        } else {
            vec![JSON.into()]
        }
    }

    /// Whether a schema is more than a string (or 2.0's `file`): following a `$ref` to the
    /// root's `definitions`; one into another file is taken for structured, as it nearly always is.
    fn is_structured(&self, schema: &Value) -> bool {
        let mut schema = schema;
        for _ in 0..8 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else { break };
            let Some(name) = reference.strip_prefix("#/definitions/") else { return true };
            match self.definitions.get(Pointer::unescape_segment(name).as_ref()) {
                Some(target) => schema = target,
                None => return true,
            }
        }
        !matches!(schema.get("type").and_then(Value::as_str), Some("string" | "file"))
    }

    /// `basic` → HTTP basic; `apiKey` as it is; `oauth2`'s one flow → its 3.0 flow.
    fn security_scheme(&mut self, scheme: &Value, from: &Pointer, at: &Pointer) -> Result<Value> {
        self.moved(at.clone(), from.clone());
        let mut out = Map::new();
        copy(scheme, &mut out, &["description"]);
        match scheme.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), "http".into());
                out.insert("scheme".into(), "basic".into());
            }
            Some("apiKey") => copy(scheme, &mut out, &["type", "name", "in"]),
            Some("oauth2") => {
                let flow = scheme.get("flow").and_then(Value::as_str).unwrap_or_default();
                let name = match flow {
                    "implicit" => "implicit",
                    "password" => "password",
                    "application" => "clientCredentials",
                    "accessCode" => "authorizationCode",
                    other => {
                        return Err(self.invalid(
                            &from.join("flow"),
                            format!(
                                "`flow: {other}` is not an OAuth 2 flow (implicit, password, application, accessCode)"
                            ),
                        ))
                    }
                };
                let flow_at = at.join("flows").join(name);
                self.moved(flow_at.clone(), from.clone());
                let mut flow_out = Map::new();
                copy(scheme, &mut flow_out, &["authorizationUrl", "tokenUrl"]);
                flow_out.insert("scopes".into(), scheme.get("scopes").cloned().unwrap_or_else(|| json!({})));
                out.insert("type".into(), "oauth2".into());
                out.insert("flows".into(), json!({name: flow_out}));
            }
            _ => copy(scheme, &mut out, &["type"]),
        }
        extensions(scheme, &mut out);
        Ok(Value::Object(out))
    }

    /// A schema, with 2.0's words made 3.0's: `x-nullable` → `nullable`, a discriminator that
    /// is a property name → a discriminator object, `type: file` → binary, and references to
    /// `definitions` → `components/schemas`. Nothing moves, so no pointer changes.
    fn schema(&mut self, value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, child) in map {
                    let converted = match (key.as_str(), child) {
                        ("$ref", Value::String(text)) => Value::String(rewrite_ref(text)),
                        ("x-nullable", _) => {
                            out.insert("nullable".into(), child.clone());
                            continue;
                        }
                        ("discriminator", Value::String(name)) => json!({"propertyName": name}),
                        ("type", Value::String(kind)) if kind == "file" => {
                            out.insert("format".into(), "binary".into());
                            "string".into()
                        }
                        ("properties" | "patternProperties" | "definitions", Value::Object(entries)) => {
                            Value::Object(entries.iter().map(|(k, v)| (k.clone(), self.schema(v))).collect())
                        }
                        ("allOf" | "anyOf" | "oneOf" | "items", Value::Array(items)) => {
                            Value::Array(items.iter().map(|v| self.schema(v)).collect())
                        }
                        ("items" | "additionalProperties" | "not", Value::Object(_)) => self.schema(child),
                        _ => child.clone(),
                    };
                    out.insert(key.clone(), converted);
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }
}

/// The keywords of a parameter, header or items object that are its schema's in 3.0.
const KEYWORDS: &[&str] = &[
    "type",
    "format",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

fn clone_param(param: &Param) -> Param {
    Param { value: param.value.clone(), at: param.at.clone(), component: param.component.clone() }
}

fn location(parameter: &Value) -> &str {
    parameter.get("in").and_then(Value::as_str).unwrap_or_default()
}

/// The media types a `Content-Type` header parameter's `enum` lists, when it lists some.
fn media_type_enum(parameter: &Value) -> Option<Vec<String>> {
    let listed: Vec<String> =
        parameter.get("enum")?.as_array()?.iter().filter_map(Value::as_str).map(str::to_owned).collect();
    (!listed.is_empty() && listed.iter().all(|m| m.contains('/'))).then_some(listed)
}

fn name(parameter: &Value) -> String {
    parameter.get("name").and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// Whether a media type can carry an object: JSON (and JSON Lines, `+json`…), XML and forms can,
/// bytes and text cannot.
fn carries_structure(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.contains("json")
        || essence.contains("xml")
        || essence == "*/*"
        || essence == URLENCODED
        || essence.starts_with("multipart/")
}

/// Whether a response with this status code has a body: a `204` or `205` has none.
fn has_content(code: &str) -> bool {
    code.starts_with('2') && !matches!(code, "204" | "205")
}

/// `#/definitions/X` → `#/components/schemas/X`, and the same for parameters and responses.
fn rewrite_ref(text: &str) -> String {
    for (old, new) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ] {
        if let Some(rest) = text.strip_prefix(old) {
            return format!("{new}{rest}");
        }
    }
    text.to_owned()
}

fn copy(from: &Value, to: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(value) = from.get(*key) {
            to.insert((*key).to_owned(), value.clone());
        }
    }
}

fn extensions(from: &Value, to: &mut Map<String, Value>) {
    for (key, value) in from.as_object().into_iter().flatten() {
        if key.starts_with("x-") && key != "x-nullable" {
            to.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests;
