//! A parsed JSON tree → the [dialect](super::document). This is where the versions of OpenAPI
//! meet: each keyword is read in every form any version writes it, into the one form the
//! dialect keeps, and whatever the dialect cannot carry becomes a warning with its pointer.
//!
//! `$ref`s are read, not followed: a document object's reference keeps its target pointer for
//! `resolve`, and a schema's is turned into a JSON pointer here, because only here are the
//! `$id`s and anchors it may name known. Targets outside `components` are read too (into
//! [`Elsewhere`] or the schema arena), so that every reference has something typed to point at.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::document::*;
use super::uri;
use crate::diagnostics::{Error, Pointer, Warning};

/// The methods a path item names as fields, in the order they are visited.
const METHODS: [&str; 9] = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

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

pub(super) fn read(file: &Path, raw: &Value) -> Result<Document> {
    let mut reader = Reader {
        file,
        raw,
        schemas: Schemas::default(),
        warnings: Vec::new(),
        schema_refs: Vec::new(),
        resources: HashMap::new(),
        anchors: HashMap::new(),
        dynamic_anchors: HashMap::new(),
        object_refs: Vec::new(),
        elsewhere: Elsewhere::default(),
        server_urls: Vec::new(),
        recursive_anchors: Vec::new(),
    };
    let mut document = reader.document()?;
    reader.read_targets()?;
    document.schemas = reader.schemas;
    document.elsewhere = reader.elsewhere;
    document.warnings = reader.warnings;
    Ok(document)
}

/// Where a schema sits, for `$id`s and anchors: the URI of its enclosing resource.
type Base = Rc<str>;

struct PendingSchemaRef {
    schema: SchemaId,
    reference: RefText,
    base: Base,
    keyword: &'static str,
}

enum RefText {
    /// As written: a URI reference (`#/components/...`, `#anchor`, `other#/x`).
    Uri(String),
    /// Already resolved (a `$recursiveRef` to its enclosing `$recursiveAnchor`).
    Pointer(Pointer),
}

/// Which kind of document object a `$ref` stands for (it follows from where it is written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Parameter,
    RequestBody,
    Response,
    Header,
    SecurityScheme,
    PathItem,
}

impl Kind {
    fn component_section(self) -> &'static str {
        match self {
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::SecurityScheme => "securitySchemes",
            Kind::PathItem => "pathItems",
        }
    }
}

struct Reader<'a> {
    file: &'a Path,
    raw: &'a Value,
    schemas: Schemas,
    warnings: Vec<Warning>,
    /// Schema `$ref`s, turned into pointers once every `$id` and anchor is known.
    schema_refs: Vec<PendingSchemaRef>,
    /// Schema resources by absolute URI (`$id`, or the document's `$self`).
    resources: HashMap<String, Pointer>,
    /// `(resource URI, anchor)` → the schema that declares it (`$anchor` and `$dynamicAnchor`).
    anchors: HashMap<(String, String), Pointer>,
    /// `$dynamicAnchor` name → the resources that declare it.
    dynamic_anchors: HashMap<String, Vec<String>>,
    /// References to document objects, in the order met.
    object_refs: Vec<(Kind, Pointer)>,
    elsewhere: Elsewhere,
    /// The URLs of the top-level servers, to tell which path or operation servers differ.
    server_urls: Vec<String>,
    /// The schemas with `$recursiveAnchor: true` enclosing the one being read.
    recursive_anchors: Vec<Pointer>,
}

type Result<T> = std::result::Result<T, Error>;

impl<'a> Reader<'a> {
    fn invalid(&self, at: &Pointer, message: impl Into<String>) -> Error {
        Error::Invalid { file: self.file.to_owned(), pointer: at.clone(), message: message.into() }
    }

    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: at.clone(), message: message.into() });
    }

    // ----- typed access to JSON values, each error naming where -----

    fn object<'v>(&self, value: &'v Value, at: &Pointer, what: &str) -> Result<&'v Map<String, Value>> {
        value.as_object().ok_or_else(|| self.invalid(at, format!("{what} must be a mapping, not {}", describe(value))))
    }

    /// A text field. Numbers and booleans are taken as their text (`version: 1.0` in YAML).
    fn text(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<String>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a string, not {}", describe(other))))
            }
        }
    }

    fn flag(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<bool>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be true or false, not {}", describe(other))))
            }
        }
    }

    fn number(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<f64>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a number, not {}", describe(other))))
            }
        }
    }

    fn count(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<u64>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n
                .as_u64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))
            {
                Some(count) => Ok(Some(count)),
                None => Err(self.invalid(&at.join(key), format!("`{key}` must be a non-negative integer, not {n}"))),
            },
            Some(other) => {
                Err(self
                    .invalid(&at.join(key), format!("`{key}` must be a non-negative integer, not {}", describe(other))))
            }
        }
    }

    fn texts(&self, map: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Vec<String>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    other => {
                        Err(self.invalid(&at.join(key).join(i), format!("must be a string, not {}", describe(other))))
                    }
                })
                .collect(),
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a list of strings, not {}", describe(other))))
            }
        }
    }

    /// The entries of a mapping field, `x-` extensions left out.
    fn entries<'v>(
        &self,
        map: &'v Map<String, Value>,
        key: &str,
        at: &Pointer,
    ) -> Result<Vec<(&'v String, &'v Value, Pointer)>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Object(entries)) => {
                let base = at.join(key);
                Ok(entries
                    .iter()
                    .filter(|(name, _)| !name.starts_with("x-"))
                    .map(|(name, value)| (name, value, base.join(name)))
                    .collect())
            }
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a mapping, not {}", describe(other))))
            }
        }
    }

    fn list<'v>(&self, map: &'v Map<String, Value>, key: &str, at: &Pointer) -> Result<Vec<(&'v Value, Pointer)>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let base = at.join(key);
                Ok(items.iter().enumerate().map(|(i, v)| (v, base.join(i))).collect())
            }
            Some(other) => Err(self.invalid(&at.join(key), format!("`{key}` must be a list, not {}", describe(other)))),
        }
    }

    fn unknown_fields(&mut self, map: &Map<String, Value>, at: &Pointer, what: &str, known: &[&str]) {
        for key in map.keys() {
            if !key.starts_with("x-") && !known.contains(&key.as_str()) {
                self.warn(&at.join(key), format!("`{key}` is not a field of {what}; ignored"));
            }
        }
    }

    // ----- the document -----

    fn document(&mut self) -> Result<Document> {
        let raw = self.raw;
        let root = Pointer::root();
        let map = self.object(raw, &root, "an OpenAPI document")?;
        self.unknown_fields(
            map,
            &root,
            "the OpenAPI object",
            &[
                "openapi",
                "$self",
                "info",
                "jsonSchemaDialect",
                "servers",
                "paths",
                "webhooks",
                "components",
                "security",
                "tags",
                "externalDocs",
            ],
        );

        // The document is the root resource: `$self` (3.2) names it, else it is `""`.
        let base: Base = self.text(map, "$self", &root)?.unwrap_or_default().into();
        self.resources.insert(uri::split_fragment(&base).0.to_owned(), Pointer::root());

        if let Some(dialect) = self.text(map, "jsonSchemaDialect", &root)? {
            if !KNOWN_DIALECTS.contains(&dialect.trim_end_matches('#')) {
                self.warn(
                    &root.join("jsonSchemaDialect"),
                    format!("schemas are read as OpenAPI's JSON Schema 2020-12 dialect, not `{dialect}`"),
                );
            }
        }

        let info = match map.get("info") {
            Some(value) => self.info(value, &root.join("info"))?,
            None => return Err(self.invalid(&root.join("info"), "missing `info` (title and version of the API)")),
        };
        let servers = self.servers(map, &root)?;
        self.server_urls = servers.iter().map(|s| s.url.clone()).collect();

        // Components first: their schemas are read where they are defined.
        let components = match map.get("components") {
            Some(value) => self.components(value, &root.join("components"), &base)?,
            None => Components::default(),
        };

        let mut paths = Vec::new();
        for (path, item, at) in self.entries(map, "paths", &root)? {
            paths.push(Entry { name: path.clone(), value: self.path_item_ref(item, &at, &base)?, pointer: at });
        }
        let mut webhooks = Vec::new();
        for (name, item, at) in self.entries(map, "webhooks", &root)? {
            webhooks.push(Entry { name: name.clone(), value: self.path_item_ref(item, &at, &base)?, pointer: at });
        }

        let security = match map.get("security") {
            None | Some(Value::Null) => None,
            Some(value) => Some(self.security(value, &root.join("security"))?),
        };
        let mut tags = Vec::new();
        for (value, at) in self.list(map, "tags", &root)? {
            let tag = self.object(value, &at, "a tag")?;
            self.unknown_fields(
                tag,
                &at,
                "a tag",
                &["name", "summary", "description", "externalDocs", "parent", "kind"],
            );
            tags.push(Tag {
                name: self.text(tag, "name", &at)?.ok_or_else(|| self.invalid(&at, "a tag needs a `name`"))?,
                summary: self.text(tag, "summary", &at)?,
                description: self.text(tag, "description", &at)?,
                parent: self.text(tag, "parent", &at)?,
                kind: self.text(tag, "kind", &at)?,
            });
        }

        Ok(Document {
            file: self.file.to_owned(),
            info,
            servers,
            paths,
            webhooks,
            components,
            security,
            tags,
            ..Document::default()
        })
    }

    fn info(&mut self, value: &Value, at: &Pointer) -> Result<Info> {
        let map = self.object(value, at, "`info`")?;
        self.unknown_fields(
            map,
            at,
            "the info object",
            &["title", "summary", "description", "termsOfService", "contact", "license", "version"],
        );
        let license = match map.get("license") {
            None | Some(Value::Null) => None,
            Some(value) => {
                let at = at.join("license");
                let license = self.object(value, &at, "`license`")?;
                Some(License {
                    name: self.text(license, "name", &at)?.unwrap_or_default(),
                    identifier: self.text(license, "identifier", &at)?,
                    url: self.text(license, "url", &at)?,
                })
            }
        };
        Ok(Info {
            title: self.text(map, "title", at)?.ok_or_else(|| self.invalid(at, "missing `title`"))?,
            summary: self.text(map, "summary", at)?,
            description: self.text(map, "description", at)?,
            version: self.text(map, "version", at)?.ok_or_else(|| self.invalid(at, "missing `version`"))?,
            license,
        })
    }

    fn servers(&mut self, map: &Map<String, Value>, at: &Pointer) -> Result<Vec<Server>> {
        let mut servers = Vec::new();
        for (value, at) in self.list(map, "servers", at)? {
            let server = self.object(value, &at, "a server")?;
            let mut variables = Vec::new();
            for (name, variable, at) in self.entries(server, "variables", &at)? {
                let variable = self.object(variable, &at, "a server variable")?;
                variables.push((
                    name.clone(),
                    ServerVariable {
                        default: self.text(variable, "default", &at)?.unwrap_or_default(),
                        allowed: self.texts(variable, "enum", &at)?,
                        description: self.text(variable, "description", &at)?,
                    },
                ));
            }
            servers.push(Server {
                url: self.text(server, "url", &at)?.ok_or_else(|| self.invalid(&at, "a server needs a `url`"))?,
                description: self.text(server, "description", &at)?,
                variables,
            });
        }
        Ok(servers)
    }

    /// `servers` of a path item or operation: only the document's own servers are supported
    /// (the client's base URL); different ones are a warning.
    fn other_servers(&mut self, map: &Map<String, Value>, at: &Pointer, level: &str) -> Result<()> {
        let urls: Vec<String> = self.servers(map, at)?.into_iter().map(|s| s.url).collect();
        if !urls.is_empty() && urls != self.server_urls {
            self.warn(
                &at.join("servers"),
                format!(
                    "{level} `servers` ({}) are not supported: requests go to the client's base URL",
                    urls.join(", ")
                ),
            );
        }
        Ok(())
    }

    fn security(&self, value: &Value, at: &Pointer) -> Result<Vec<SecurityRequirement>> {
        let Value::Array(items) = value else {
            return Err(self.invalid(at, format!("`security` must be a list of requirements, not {}", describe(value))));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, requirement)| {
                let at = at.join(i);
                let map = self.object(requirement, &at, "a security requirement")?;
                map.iter()
                    .map(|(name, _)| Ok((name.clone(), self.texts(map, name, &at)?)))
                    .collect::<Result<SecurityRequirement>>()
            })
            .collect()
    }

    fn components(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Components> {
        let map = self.object(value, at, "`components`")?;
        self.unknown_fields(
            map,
            at,
            "the components object",
            &[
                "schemas",
                "responses",
                "parameters",
                "examples",
                "requestBodies",
                "headers",
                "securitySchemes",
                "links",
                "callbacks",
                "pathItems",
                "mediaTypes",
            ],
        );
        Ok(Components {
            schemas: self.named(map, "schemas", at, |r, value, at| r.schema(value, at, base))?,
            parameters: self.named(map, "parameters", at, |r, value, at| r.parameter_ref(value, at, base))?,
            request_bodies: self.named(map, "requestBodies", at, |r, value, at| r.request_body_ref(value, at, base))?,
            responses: self.named(map, "responses", at, |r, value, at| r.response_ref(value, at, base))?,
            headers: self.named(map, "headers", at, |r, value, at| r.header_ref(value, at, base))?,
            security_schemes: self
                .named(map, "securitySchemes", at, |r, value, at| r.security_scheme_ref(value, at))?,
            path_items: self.named(map, "pathItems", at, |r, value, at| r.path_item_ref(value, at, base))?,
        })
    }

    /// Each entry of a mapping field read by `read`, in document order.
    fn named<T>(
        &mut self,
        map: &Map<String, Value>,
        key: &str,
        at: &Pointer,
        mut read: impl FnMut(&mut Self, &Value, &Pointer) -> Result<T>,
    ) -> Result<IndexMap<String, T>> {
        let mut read_all = IndexMap::new();
        for (name, value, at) in self.entries(map, key, at)? {
            read_all.insert(name.clone(), read(self, value, &at)?);
        }
        Ok(read_all)
    }

    // ----- references to document objects -----

    /// The reference, if `map` is one: `#/…` pointers only (external documents are refused).
    fn object_reference(&mut self, map: &Map<String, Value>, at: &Pointer, kind: Kind) -> Result<Option<Reference>> {
        let Some(reference) = map.get("$ref") else { return Ok(None) };
        let Value::String(text) = reference else {
            return Err(self.invalid(&at.join("$ref"), format!("`$ref` must be a string, not {}", describe(reference))));
        };
        let target = self.local_pointer(text, at)?;
        self.object_refs.push((kind, target.clone()));
        Ok(Some(Reference {
            target,
            at: at.clone(),
            summary: self.text(map, "summary", at)?,
            description: self.text(map, "description", at)?,
        }))
    }

    fn local_pointer(&self, text: &str, at: &Pointer) -> Result<Pointer> {
        if let Some(pointer) = Pointer::from_ref(text) {
            return Ok(pointer);
        }
        let (resource, _) = uri::split_fragment(text);
        if !resource.is_empty() {
            if let Some(root) = self.resources.get(resource).filter(|p| p.is_root()) {
                // An absolute reference to this very document (its `$self`).
                let fragment = &text[resource.len()..];
                if let Some(pointer) = Pointer::from_ref(fragment) {
                    return Ok(root.concat(&pointer));
                }
            }
            return Err(self.invalid(
                &at.join("$ref"),
                format!("`{text}` points into another document; external documents are not supported"),
            ));
        }
        Err(self.invalid(&at.join("$ref"), format!("`{text}` is not a JSON pointer (`#/…`)")))
    }

    /// Reads the targets of references that are not components, until every one is read.
    fn read_targets(&mut self) -> Result<()> {
        let (mut objects, mut schemas) = (0, 0);
        loop {
            while objects < self.object_refs.len() {
                let (kind, target) = self.object_refs[objects].clone();
                objects += 1;
                self.read_object_target(kind, &target)?;
            }
            if schemas == self.schema_refs.len() {
                return Ok(());
            }
            while schemas < self.schema_refs.len() {
                let index = schemas;
                schemas += 1;
                self.link_schema_ref(index)?;
            }
        }
    }

    fn read_object_target(&mut self, kind: Kind, target: &Pointer) -> Result<()> {
        let segments: Vec<String> = target.segments().collect();
        if segments.len() == 3 && segments[0] == "components" && segments[1] == kind.component_section() {
            return Ok(());
        }
        let base: Base = "".into();
        let Some(value) = self.raw.pointer(target.as_str()) else {
            // Dangling: `resolve` says so, with the pointer of the `$ref`.
            return Ok(());
        };
        let elsewhere = &self.elsewhere;
        let known = match kind {
            Kind::Parameter => elsewhere.parameters.contains_key(target),
            Kind::RequestBody => elsewhere.request_bodies.contains_key(target),
            Kind::Response => elsewhere.responses.contains_key(target),
            Kind::Header => elsewhere.headers.contains_key(target),
            Kind::SecurityScheme => elsewhere.security_schemes.contains_key(target),
            Kind::PathItem => elsewhere.path_items.contains_key(target),
        };
        if known {
            return Ok(());
        }
        match kind {
            Kind::Parameter => {
                let read = self.parameter_ref(value, target, &base)?;
                self.elsewhere.parameters.insert(target.clone(), read);
            }
            Kind::RequestBody => {
                let read = self.request_body_ref(value, target, &base)?;
                self.elsewhere.request_bodies.insert(target.clone(), read);
            }
            Kind::Response => {
                let read = self.response_ref(value, target, &base)?;
                self.elsewhere.responses.insert(target.clone(), read);
            }
            Kind::Header => {
                let read = self.header_ref(value, target, &base)?;
                self.elsewhere.headers.insert(target.clone(), read);
            }
            Kind::SecurityScheme => {
                let read = self.security_scheme_ref(value, target)?;
                self.elsewhere.security_schemes.insert(target.clone(), read);
            }
            Kind::PathItem => {
                let read = self.path_item_ref(value, target, &base)?;
                self.elsewhere.path_items.insert(target.clone(), read);
            }
        }
        Ok(())
    }

    // ----- paths and operations -----

    fn path_item_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<PathItem>> {
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

    fn parameter_list(&mut self, map: &Map<String, Value>, at: &Pointer, base: &Base) -> Result<Vec<Ref<Parameter>>> {
        let mut parameters = Vec::new();
        for (value, at) in self.list(map, "parameters", at)? {
            parameters.push(self.parameter_ref(value, &at, base)?);
        }
        Ok(parameters)
    }

    fn operation(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Operation> {
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
        })
    }

    fn parameter_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<Parameter>> {
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
    fn examples(&mut self, map: &Map<String, Value>, at: &Pointer) -> Result<Vec<Example>> {
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
    fn example(&self, name: &str, mut entry: &'a Value, at: &Pointer) -> std::result::Result<Option<Example>, String> {
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

    fn request_body_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<RequestBody>> {
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

    fn response_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<Response>> {
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

    fn header_ref(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Ref<Header>> {
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

    fn content(&mut self, map: &Map<String, Value>, at: &Pointer, base: &Base) -> Result<IndexMap<String, MediaType>> {
        self.named(map, "content", at, |r, value, at| r.media_type(value, at, base, 0))
    }

    fn media_type(&mut self, value: &Value, at: &Pointer, base: &Base, depth: usize) -> Result<MediaType> {
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

    fn security_scheme_ref(&mut self, value: &Value, at: &Pointer) -> Result<Ref<SecurityScheme>> {
        let map = self.object(value, at, "a security scheme")?;
        if let Some(reference) = self.object_reference(map, at, Kind::SecurityScheme)? {
            return Ok(Ref::Ref(reference));
        }
        let description = self.text(map, "description", at)?;
        let scheme = match self.text(map, "type", at)?.as_deref() {
            Some("apiKey") => {
                let location = match self.text(map, "in", at)?.as_deref() {
                    Some("header") => ApiKeyIn::Header,
                    Some("query") => ApiKeyIn::Query,
                    Some("cookie") => ApiKeyIn::Cookie,
                    other => {
                        return Err(self.invalid(
                            &at.join("in"),
                            format!(
                                "an API key goes in a header, the query or a cookie, not {}",
                                other.unwrap_or("nowhere")
                            ),
                        ))
                    }
                };
                SecurityScheme::ApiKey {
                    name: self
                        .text(map, "name", at)?
                        .ok_or_else(|| self.invalid(at, "an API key scheme needs a `name`"))?,
                    location,
                    description,
                }
            }
            Some("http") => SecurityScheme::Http {
                scheme: self
                    .text(map, "scheme", at)?
                    .ok_or_else(|| self.invalid(at, "an http scheme needs a `scheme`"))?,
                bearer_format: self.text(map, "bearerFormat", at)?,
                description,
            },
            Some("oauth2") => SecurityScheme::OAuth2 { description },
            Some("openIdConnect") => SecurityScheme::OpenIdConnect { description },
            Some("mutualTLS") => SecurityScheme::MutualTls { description },
            Some(other) => {
                return Err(self.invalid(
                    &at.join("type"),
                    format!("`{other}` is not a security scheme type (apiKey, http, oauth2, openIdConnect, mutualTLS)"),
                ))
            }
            None => return Err(self.invalid(at, "a security scheme needs a `type`")),
        };
        Ok(Ref::Item(scheme))
    }

    // ----- schemas -----

    /// Reads the schema at `at` (once: a schema met again is the same schema).
    fn schema(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<SchemaId> {
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
                            None => self.warn(
                                &here(),
                                "`$recursiveRef` has no enclosing `$recursiveAnchor` or `$id`; it is ignored (any value)",
                            ),
                        },
                    }
                }
                "$id" | "$anchor" | "$dynamicAnchor" => {}
                "$defs" | "definitions" => {
                    for (_, child, child_at) in self.all_entries(map, key, at)? {
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
                    for (name, child, child_at) in self.all_entries(map, key, at)? {
                        let id = self.schema(child, &child_at, &base)?;
                        schema.properties.insert(name.clone(), id);
                    }
                }
                "patternProperties" => {
                    for (name, child, child_at) in self.all_entries(map, key, at)? {
                        let id = self.schema(child, &child_at, &base)?;
                        schema.pattern_properties.insert(name.clone(), id);
                    }
                }
                "dependentSchemas" | "dependencies" => {
                    for (_, child, child_at) in self.all_entries(map, key, at)? {
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

    /// Like [`entries`](Self::entries), but keeping `x-` names: in `properties`, a property may
    /// be called `x-request-id`.
    fn all_entries<'v>(
        &self,
        map: &'v Map<String, Value>,
        key: &str,
        at: &Pointer,
    ) -> Result<Vec<(&'v String, &'v Value, Pointer)>> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Object(entries)) => {
                let base = at.join(key);
                Ok(entries.iter().map(|(name, value)| (name, value, base.join(name))).collect())
            }
            Some(other) => {
                Err(self.invalid(&at.join(key), format!("`{key}` must be a mapping, not {}", describe(other))))
            }
        }
    }

    fn types(&self, value: &Value, at: &Pointer) -> Result<Vec<JsonType>> {
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
    fn bounds(&self, map: &Map<String, Value>, at: &Pointer, schema: &mut Schema) -> Result<()> {
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

    fn schema_or_bool(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<SchemaOrBool> {
        match value {
            Value::Bool(b) => Ok(SchemaOrBool::Bool(*b)),
            other => Ok(SchemaOrBool::Schema(self.schema(other, at, base)?)),
        }
    }

    fn discriminator(&mut self, value: &Value, at: &Pointer, base: &Base) -> Result<Discriminator> {
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
                format!("#/components/schemas/{target}")
            };
            let pointer = self.schema_pointer(&reference, base, &target_at, "mapping")?;
            mapping.push((tag.clone(), pointer));
        }
        Ok(Discriminator { property_name, mapping })
    }

    /// The pointer a schema reference names, `$id`s and anchors looked up.
    fn schema_pointer(&mut self, reference: &str, base: &str, at: &Pointer, keyword: &str) -> Result<Pointer> {
        let absolute = uri::join(base, reference);
        let (resource, fragment) = uri::split_fragment(&absolute);
        let Some(root) = self.resources.get(resource).cloned() else {
            return Err(self.invalid(
                at,
                format!(
                    "`{reference}` points to `{resource}`, which is neither this document nor a schema `$id` in it; external documents are not supported"
                ),
            ));
        };
        let fragment = match fragment {
            None => return Ok(root),
            Some(fragment) => fragment,
        };
        if fragment.is_empty() || fragment.starts_with('/') {
            let inner = Pointer::from_ref(&format!("#{fragment}"))
                .ok_or_else(|| self.invalid(at, format!("`{reference}` is not a valid JSON pointer")))?;
            let within = root.concat(&inner);
            // A pointer is relative to its resource; OpenAPI documents often mean the document
            // (`#/components/...` inside a schema with `$id`), which is taken when the resource
            // has no such location.
            if !root.is_root()
                && self.raw.pointer(within.as_str()).is_none()
                && self.raw.pointer(inner.as_str()).is_some()
            {
                return Ok(inner);
            }
            return Ok(within);
        }
        let anchor = percent_decoded(fragment);
        if keyword == "$dynamicRef" && self.dynamic_anchors.get(&anchor).is_some_and(|bases| bases.len() > 1) {
            self.warn(
                at,
                format!(
                    "`$dynamicRef: {reference}` is resolved statically, to the `{anchor}` anchor of its own resource"
                ),
            );
        }
        self.anchors
            .get(&(resource.to_owned(), anchor.clone()))
            .cloned()
            .ok_or_else(|| self.invalid(at, format!("`{reference}`: no schema declares the anchor `{anchor}`")))
    }

    /// Turns the `index`th schema reference into a pointer, reading its target if nothing else
    /// did (a `$ref` into `$defs` of an unusual place, or into an `x-` extension).
    fn link_schema_ref(&mut self, index: usize) -> Result<()> {
        let PendingSchemaRef { schema, reference, base, keyword } = &self.schema_refs[index];
        let at = self.schemas[*schema].pointer.join(keyword);
        let target = match reference {
            RefText::Pointer(pointer) => pointer.clone(),
            RefText::Uri(reference) => {
                let (reference, base, keyword) = (reference.clone(), base.clone(), *keyword);
                self.schema_pointer(&reference, &base, &at, keyword)?
            }
        };
        let schema = self.schema_refs[index].schema;
        if self.schemas.at(&target).is_none() {
            if let Some(value) = self.raw.pointer(target.as_str()) {
                self.schema(value, &target, &"".into())?;
            }
        }
        self.schemas.get_mut(schema).reference = Some(SchemaRef { target });
        Ok(())
    }
}

/// JSON Schema dialects whose schemas mean what this loader reads them to mean.
const KNOWN_DIALECTS: [&str; 5] = [
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://spec.openapis.org/oas/3.1/dialect/2024-11-10",
    "https://spec.openapis.org/oas/3.2/dialect/2025-09-17",
    "https://json-schema.org/draft/2020-12/schema",
    "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07",
];

/// `null` in `type`, `enum` or `const`, and 3.0's `nullable`, all become `nullable` with
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

fn percent_decoded(text: &str) -> String {
    Pointer::from_ref(&format!("#/{text}")).and_then(|p| p.last()).unwrap_or_else(|| text.to_owned())
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.len() > 40 => format!("the string `{}…`", s.chars().take(40).collect::<String>()),
        Value::String(s) => format!("the string `{s}`"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn load(text: &str) -> Document {
        crate::load::parse(Path::new("t.yaml"), text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn schema<'d>(document: &'d Document, pointer: &str) -> &'d Schema {
        let pointer = Pointer::from_ref(pointer).unwrap();
        let id = document.schemas.at(&pointer).unwrap_or_else(|| panic!("no schema at {pointer}"));
        &document.schemas[id]
    }

    fn warnings(document: &Document) -> Vec<String> {
        document.warnings.iter().map(ToString::to_string).collect()
    }

    const HEAD_31: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

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
        let n = crate::load::parse(Path::new("t.json"), json).unwrap();
        assert_eq!(schema(&n, "#/components/schemas/N").constraints.minimum, Some(-9.223372036854776e18));
    }

    #[test]
    fn ids_anchors_and_dynamic_refs_become_pointers() {
        let d = load(&format!(
            "{HEAD_31}components:\n  schemas:\n    Tree:\n      $id: https://x.test/tree\n      $dynamicAnchor: node\n      properties:\n        kids: {{type: array, items: {{$dynamicRef: '#node'}}}}\n        leaf: {{$ref: '#/$defs/leaf'}}\n        other: {{$ref: 'label'}}\n      $defs:\n        leaf: {{type: string}}\n    Label:\n      $id: https://x.test/label\n      type: string\n    Use:\n      properties:\n        by_id: {{$ref: 'https://x.test/tree'}}\n        by_anchor: {{$ref: '#here'}}\n    Here: {{$anchor: here, type: integer}}\n"
        ));
        let target = |pointer: &str| schema(&d, pointer).reference.as_ref().map(|r| r.target.to_string());
        assert_eq!(
            target("#/components/schemas/Tree/properties/kids/items").as_deref(),
            Some("#/components/schemas/Tree")
        );
        assert_eq!(
            target("#/components/schemas/Tree/properties/leaf").as_deref(),
            Some("#/components/schemas/Tree/$defs/leaf")
        );
        assert_eq!(target("#/components/schemas/Tree/properties/other").as_deref(), Some("#/components/schemas/Label"));
        assert_eq!(target("#/components/schemas/Use/properties/by_id").as_deref(), Some("#/components/schemas/Tree"));
        assert_eq!(
            target("#/components/schemas/Use/properties/by_anchor").as_deref(),
            Some("#/components/schemas/Here")
        );
    }

    #[test]
    fn unknown_references_say_where() {
        let err = crate::load::parse(
            Path::new("t.yaml"),
            &format!("{HEAD_31}components:\n  schemas:\n    A: {{properties: {{b: {{$ref: '#missing'}}}}}}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("#/components/schemas/A/properties/b/$ref") && err.contains("anchor `missing`"), "{err}");
        let err = crate::load::parse(
            Path::new("t.yaml"),
            &format!("{HEAD_31}components:\n  schemas:\n    A: {{$ref: 'https://x.test/nothing'}}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("external documents are not supported"), "{err}");
    }

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

    #[test]
    fn self_names_the_document_for_absolute_references() {
        let d = load(
            "openapi: 3.2.0\n$self: https://x.test/api/openapi\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: [{$ref: 'https://x.test/api/openapi#/components/parameters/p'}]\ncomponents:\n  parameters:\n    p: {name: p, in: query, schema: {type: string}}\n  schemas:\n    A: {properties: {b: {$ref: 'https://x.test/api/openapi#/components/schemas/B'}, c: {$ref: '#/components/schemas/B'}}}\n    B: {type: string}\n",
        );
        let target = |pointer: &str| schema(&d, pointer).reference.as_ref().map(|r| r.target.to_string());
        assert_eq!(target("#/components/schemas/A/properties/b").as_deref(), Some("#/components/schemas/B"));
        assert_eq!(target("#/components/schemas/A/properties/c").as_deref(), Some("#/components/schemas/B"));
        assert!(crate::resolve::resolve(&d).is_ok());
    }

    #[test]
    fn a_foreign_schema_dialect_is_a_warning() {
        let d = load("openapi: 3.1.0\njsonSchemaDialect: https://json-schema.org/draft-07/schema#\ninfo: {title: t, version: '1'}\n");
        assert!(
            warnings(&d).iter().any(|w| w.starts_with("#/jsonSchemaDialect: schemas are read as")),
            "{:?}",
            warnings(&d)
        );
        let d = load("openapi: 3.1.0\njsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\ninfo: {title: t, version: '1'}\n");
        assert!(warnings(&d).is_empty(), "{:?}", warnings(&d));
    }

    #[test]
    fn openapi_3_2_fields() {
        let d = load(
            "openapi: 3.2.0\ninfo: {title: t, version: '1', summary: s, license: {name: MIT License, identifier: MIT}}\ntags: [{name: a, summary: A, parent: b, kind: nav}]\npaths:\n  /x:\n    query: {responses: {'200': {description: ok}}}\n    additionalOperations:\n      LINK: {}\n    get:\n      parameters: [{name: q, in: querystring, content: {application/x-www-form-urlencoded: {schema: {type: object}}}}]\n      responses:\n        '200': {description: ok, content: {application/jsonl: {$ref: '#/components/mediaTypes/Lines'}}}\ncomponents:\n  mediaTypes:\n    Lines: {itemSchema: {type: object}}\n",
        );
        assert_eq!(
            (d.info.summary.as_deref(), d.info.license.as_ref().and_then(|l| l.identifier.as_deref())),
            (Some("s"), Some("MIT"))
        );
        assert_eq!((d.tags[0].parent.as_deref(), d.tags[0].kind.as_deref()), (Some("b"), Some("nav")));
        let Ref::Item(item) = &d.paths[0].value else { panic!() };
        let methods: Vec<&str> = item.operations.iter().map(|o| o.method.as_str()).collect();
        assert_eq!(methods, ["GET", "QUERY", "LINK"]);
        let Ref::Item(parameter) = &item.operations[0].operation.parameters[0] else { panic!() };
        assert_eq!(parameter.location, ParameterIn::QueryString);
        let Ref::Item(response) = &item.operations[0].operation.responses[0].1 else { panic!() };
        assert!(response.content["application/jsonl"].item_schema.is_some(), "a media type from components/mediaTypes");

        let err = crate::load::parse(
            Path::new("t.yaml"),
            "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    additionalOperations:\n      get: {}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("#/paths/~1x/additionalOperations/get") && err.contains("field of its own"), "{err}");
    }
}
