//! Stage 2: follow every `$ref`.
//!
//! Parameters, request bodies, responses and headers are replaced by what they point to, so the
//! model sees concrete objects. Schema references stay references (a `$ref` to a component schema
//! is how a named type is used, and cycles between schemas are legal: recursive types), but every
//! one of them is checked here: a dangling, external or purely circular `$ref` is an error naming
//! its JSON pointer.

use std::borrow::Cow;
use std::collections::HashSet;

use openapiv3::{
    Header, OpenAPI, Operation, Parameter, ReferenceOr, RequestBody, Response, Schema,
    SecurityRequirement, SecurityScheme, Server,
};
use serde::de::DeserializeOwned;

use crate::diagnostics::{Error, Pointer};
use crate::load::Document;

/// A value and the pointer of the place that defines it (the `$ref` target, when there was one).
#[derive(Clone, Debug)]
pub struct Located<'d, T: Clone> {
    pub pointer: Pointer,
    pub value: Cow<'d, T>,
}

/// The HTTP methods OpenAPI 3.0 allows on a path item, in the order the generator visits them.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Which response a status entry describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKey {
    Code(u16),
    /// `2XX`, `4XX`...: the first digit.
    Range(u16),
    Default,
}

#[derive(Debug)]
pub struct ResolvedResponse<'d> {
    pub status: StatusKey,
    pub pointer: Pointer,
    pub response: Cow<'d, Response>,
    pub headers: Vec<(String, Located<'d, Header>)>,
}

#[derive(Debug)]
pub struct ResolvedOperation<'d> {
    pub path: &'d str,
    pub method: &'static str,
    /// `#/paths/~1job~1{jobId}~1secret/post`
    pub pointer: Pointer,
    pub operation: &'d Operation,
    /// Path-level parameters merged with the operation's own (which win on the same name and location).
    pub parameters: Vec<Located<'d, Parameter>>,
    pub request_body: Option<Located<'d, RequestBody>>,
    pub responses: Vec<ResolvedResponse<'d>>,
}

/// The document with its references followed.
#[derive(Debug)]
pub struct Resolved<'d> {
    pub document: &'d Document,
    pub operations: Vec<ResolvedOperation<'d>>,
    pub security_schemes: Vec<(String, Located<'d, SecurityScheme>)>,
}

impl<'d> Resolved<'d> {
    pub fn api(&self) -> &'d OpenAPI {
        &self.document.api
    }

    pub fn servers(&self) -> &'d [Server] {
        &self.document.api.servers
    }

    pub fn global_security(&self) -> Option<&'d [SecurityRequirement]> {
        self.document.api.security.as_deref()
    }

    /// The schema a reference or inline schema stands for, with the pointer of its definition.
    pub fn schema<'a>(&'a self, schema: &'a ReferenceOr<Schema>, at: &Pointer) -> Result<Located<'a, Schema>, Error> {
        deref(self.document, schema, at)
    }

    /// The schema at a pointer (the target of a `$ref`), following chains of references.
    pub fn schema_at(&self, pointer: &Pointer) -> Result<Located<'d, Schema>, Error> {
        at_pointer(self.document, pointer, pointer)
    }

    pub fn error(&self, pointer: &Pointer, message: impl Into<String>) -> Error {
        invalid(self.document, pointer, message)
    }
}

pub fn resolve(document: &Document) -> Result<Resolved<'_>, Error> {
    check_references(document)?;
    let api = &document.api;

    let mut operations = Vec::new();
    let paths = Pointer::root().join("paths");
    for (path, item) in &api.paths.paths {
        let item_pointer = paths.join(path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(invalid(
                    document,
                    &item_pointer,
                    "a `$ref` path item is not supported; inline the path item",
                ))
            }
        };
        let shared: Vec<_> = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| deref(document, p, &item_pointer.join("parameters").join(i)))
            .collect::<Result<_, _>>()?;
        for (method, operation) in METHODS.iter().zip([
            &item.get, &item.put, &item.post, &item.delete, &item.options, &item.head, &item.patch, &item.trace,
        ]) {
            let Some(operation) = operation else { continue };
            let pointer = item_pointer.join(method);
            operations.push(resolve_operation(document, path, method, pointer, operation, &shared)?);
        }
    }

    let mut security_schemes = Vec::new();
    if let Some(components) = &api.components {
        let base = Pointer::root().join("components").join("securitySchemes");
        for (name, scheme) in &components.security_schemes {
            security_schemes.push((name.clone(), deref(document, scheme, &base.join(name))?));
        }
    }

    Ok(Resolved {
        document,
        operations,
        security_schemes,
    })
}

fn resolve_operation<'d>(
    document: &'d Document,
    path: &'d str,
    method: &'static str,
    pointer: Pointer,
    operation: &'d Operation,
    shared: &[Located<'d, Parameter>],
) -> Result<ResolvedOperation<'d>, Error> {
    let own: Vec<_> = operation
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| deref(document, p, &pointer.join("parameters").join(i)))
        .collect::<Result<_, _>>()?;
    let key = |p: &Parameter| (p.parameter_data_ref().name.clone(), location(p));
    let mut parameters: Vec<_> = shared
        .iter()
        .filter(|s| !own.iter().any(|o| key(&o.value) == key(&s.value)))
        .cloned()
        .collect();
    parameters.extend(own);

    let request_body = operation
        .request_body
        .as_ref()
        .map(|b| deref(document, b, &pointer.join("requestBody")))
        .transpose()?;

    let mut responses = Vec::new();
    let base = pointer.join("responses");
    let declared = operation.responses.responses.iter().map(|(code, r)| {
        let status = match code {
            openapiv3::StatusCode::Code(c) => StatusKey::Code(*c),
            openapiv3::StatusCode::Range(r) => StatusKey::Range(*r),
        };
        (status, base.join(code), r)
    });
    let default = operation
        .responses
        .default
        .iter()
        .map(|r| (StatusKey::Default, base.join("default"), r));
    for (status, at, response) in declared.chain(default) {
        let Located { pointer, value } = deref(document, response, &at)?;
        let headers = value_headers(document, &value, &pointer)?;
        responses.push(ResolvedResponse {
            status,
            pointer,
            response: value,
            headers,
        });
    }

    Ok(ResolvedOperation {
        path,
        method,
        pointer,
        operation,
        parameters,
        request_body,
        responses,
    })
}

fn value_headers<'d>(
    document: &'d Document,
    response: &Cow<'d, Response>,
    at: &Pointer,
) -> Result<Vec<(String, Located<'d, Header>)>, Error> {
    let mut headers = Vec::new();
    for (name, header) in &response.headers {
        let pointer = at.join("headers").join(name);
        // A borrowed response lets headers borrow too; one that came from a `$ref` outside the
        // components is owned, so its headers are cloned out of it.
        let located = match response {
            Cow::Borrowed(r) => deref(document, &r.headers[name], &pointer)?,
            Cow::Owned(_) => {
                let Located { pointer, value } = deref(document, header, &pointer)?;
                Located {
                    pointer,
                    value: Cow::Owned(value.into_owned()),
                }
            }
        };
        headers.push((name.clone(), located));
    }
    Ok(headers)
}

fn location(p: &Parameter) -> &'static str {
    match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// Things that can sit behind a `$ref` and where the typed document keeps each kind.
pub trait Referable: Clone + DeserializeOwned + 'static {
    fn component<'d>(api: &'d OpenAPI, kind: &str, name: &str) -> Option<&'d ReferenceOr<Self>>;
}

macro_rules! referable {
    ($($ty:ty => $field:ident, $kind:literal;)*) => {$(
        impl Referable for $ty {
            fn component<'d>(api: &'d OpenAPI, kind: &str, name: &str) -> Option<&'d ReferenceOr<Self>> {
                if kind != $kind {
                    return None;
                }
                api.components.as_ref()?.$field.get(name)
            }
        }
    )*};
}

referable! {
    Schema => schemas, "schemas";
    Parameter => parameters, "parameters";
    RequestBody => request_bodies, "requestBodies";
    Response => responses, "responses";
    Header => headers, "headers";
    SecurityScheme => security_schemes, "securitySchemes";
}

/// Follows `item` to a concrete value.
pub fn deref<'a, T: Referable>(
    document: &'a Document,
    item: &'a ReferenceOr<T>,
    at: &Pointer,
) -> Result<Located<'a, T>, Error> {
    match item {
        ReferenceOr::Item(value) => Ok(Located {
            pointer: at.clone(),
            value: Cow::Borrowed(value),
        }),
        ReferenceOr::Reference { reference } => {
            let target = Pointer::from_ref(reference)
                .ok_or_else(|| invalid(document, at, format!("unsupported $ref `{reference}`")))?;
            at_pointer(document, &target, at)
        }
    }
}

/// The value at `target`, following further references; `from` is where the chain started.
fn at_pointer<'d, T: Referable>(document: &'d Document, target: &Pointer, from: &Pointer) -> Result<Located<'d, T>, Error> {
    let mut seen = HashSet::new();
    let mut target = target.clone();
    loop {
        if !seen.insert(target.clone()) {
            return Err(invalid(document, from, format!("$ref cycle through {target}")));
        }
        // Fast path: a component keeps its typed form, so no copy is needed.
        let segments: Vec<String> = target.segments().collect();
        if let [components, kind, name] = segments.as_slice() {
            if components == "components" {
                match T::component(&document.api, kind, name) {
                    Some(ReferenceOr::Item(value)) => {
                        return Ok(Located {
                            pointer: target,
                            value: Cow::Borrowed(value),
                        })
                    }
                    Some(ReferenceOr::Reference { reference }) => {
                        target = Pointer::from_ref(reference).ok_or_else(|| {
                            invalid(document, &target, format!("unsupported $ref `{reference}`"))
                        })?;
                        continue;
                    }
                    None => {}
                }
            }
        }
        let raw = document
            .raw
            .pointer(target.as_str())
            .ok_or_else(|| invalid(document, from, format!("$ref target {target} does not exist")))?;
        if let Some(next) = raw.get("$ref").and_then(|r| r.as_str()) {
            target = Pointer::from_ref(next)
                .ok_or_else(|| invalid(document, &target, format!("unsupported $ref `{next}`")))?;
            continue;
        }
        let value = T::deserialize(raw).map_err(|e| {
            invalid(document, &target, format!("{from} points here, but this is not a valid {}: {e}", short_type_name::<T>()))
        })?;
        return Ok(Located {
            pointer: target,
            value: Cow::Owned(value),
        });
    }
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// Walks the raw tree once and checks that every `$ref` is local and points at something.
fn check_references(document: &Document) -> Result<(), Error> {
    fn walk(document: &Document, value: &serde_json::Value, at: &Pointer) -> Result<(), Error> {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(|r| r.as_str()) {
                    let target = Pointer::from_ref(reference).ok_or_else(|| {
                        invalid(
                            document,
                            at,
                            format!("$ref `{reference}` is not a local reference (`#/...`); external documents are not supported"),
                        )
                    })?;
                    if document.raw.pointer(target.as_str()).is_none() {
                        return Err(invalid(document, at, format!("$ref target {target} does not exist")));
                    }
                }
                for (key, child) in map {
                    // `example` holds a payload, not schema: a `$ref` key inside it is data. (Unless
                    // it is the name of a property.)
                    if key == "example" && at.last().as_deref() != Some("properties") {
                        continue;
                    }
                    walk(document, child, &at.join(key))?;
                }
                Ok(())
            }
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, child)| walk(document, child, &at.join(i))),
            _ => Ok(()),
        }
    }
    walk(document, &document.raw, &Pointer::root())
}

fn invalid(document: &Document, pointer: &Pointer, message: impl Into<String>) -> Error {
    Error::Invalid {
        file: document.file.clone(),
        pointer: pointer.clone(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn doc(yaml: &str) -> Document {
        crate::load::parse(Path::new("t.yaml"), yaml).unwrap()
    }

    const HEAD: &str = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn follows_parameter_body_and_response_refs() {
        let d = doc(&format!(
            "{HEAD}paths:\n  /a/{{id}}:\n    parameters:\n      - $ref: '#/components/parameters/id'\n    post:\n      requestBody: {{$ref: '#/components/requestBodies/B'}}\n      responses:\n        '404': {{$ref: '#/components/responses/NotFound'}}\ncomponents:\n  parameters:\n    id: {{name: id, in: path, required: true, schema: {{type: string}}}}\n  requestBodies:\n    B: {{content: {{application/json: {{schema: {{type: object}}}}}}}}\n  responses:\n    NotFound: {{description: gone}}\n"
        ));
        let r = resolve(&d).unwrap();
        let op = &r.operations[0];
        assert_eq!(op.method, "post");
        assert_eq!(op.parameters[0].value.parameter_data_ref().name, "id");
        assert_eq!(op.parameters[0].pointer.as_str(), "/components/parameters/id");
        assert!(op.request_body.is_some());
        assert_eq!(op.responses[0].status, StatusKey::Code(404));
        assert_eq!(op.responses[0].response.description, "gone");
    }

    #[test]
    fn follows_refs_into_paths() {
        let d = doc(&format!(
            "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: query, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n  /b:\n    get:\n      parameters:\n        - $ref: '#/paths/~1a/get/parameters/0'\n      responses: {{'200': {{description: ok}}}}\n"
        ));
        let r = resolve(&d).unwrap();
        assert_eq!(r.operations[1].parameters[0].value.parameter_data_ref().name, "q");
        assert_eq!(r.operations[1].parameters[0].pointer.as_str(), "/paths/~1a/get/parameters/0");
    }

    #[test]
    fn dangling_ref_names_its_pointer() {
        let d = doc(&format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{properties: {{b: {{$ref: '#/components/schemas/Missing'}}}}}}\n"
        ));
        let err = resolve(&d).unwrap_err().to_string();
        assert!(err.contains("#/components/schemas/A/properties/b"), "{err}");
        assert!(err.contains("#/components/schemas/Missing does not exist"), "{err}");
    }

    #[test]
    fn external_and_circular_refs_are_errors() {
        let d = doc(&format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'other.yaml#/A'}}\n"));
        assert!(resolve(&d).unwrap_err().to_string().contains("external documents are not supported"));

        let d = doc(&format!(
            "{HEAD}paths:\n  /a:\n    get:\n      parameters: [{{$ref: '#/components/parameters/p'}}]\n      responses: {{'200': {{description: ok}}}}\ncomponents:\n  parameters:\n    p: {{$ref: '#/components/parameters/q'}}\n    q: {{$ref: '#/components/parameters/p'}}\n"
        ));
        let err = resolve(&d).unwrap_err().to_string();
        assert!(err.contains("$ref cycle"), "{err}");
    }

    #[test]
    fn operation_parameters_override_path_level_ones() {
        let d = doc(&format!(
            "{HEAD}paths:\n  /a:\n    parameters:\n      - {{name: q, in: query, description: shared, schema: {{type: string}}}}\n    get:\n      parameters:\n        - {{name: q, in: query, description: own, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        ));
        let r = resolve(&d).unwrap();
        let params = &r.operations[0].parameters;
        assert_eq!(params.len(), 1);
        assert_eq!(params[0].value.parameter_data_ref().description.as_deref(), Some("own"));
    }
}
