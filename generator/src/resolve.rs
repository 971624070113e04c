//! Stage 2: follow every `$ref`.
//!
//! Path items, parameters, request bodies, responses, headers and security schemes are followed
//! to the objects they stand for, so the model sees concrete objects (each with the pointer of
//! its definition). Schema references stay references (a `$ref` to a component schema is how a
//! named type is used, and cycles between schemas are legal: recursive types), but every one of
//! them is checked here: a dangling or purely circular `$ref` is an error naming its pointer.

use std::collections::HashSet;

use crate::diagnostics::Error;
use crate::load::{
    Components, Document, Elsewhere, Header, Operation, Parameter, ParameterIn, PathItem, Ref, Reference, RequestBody,
    Response, Schema, SchemaId, SecurityRequirement, SecurityScheme, Server, StatusKey,
};
use crate::pointer::Pointer;

/// A value and the pointer of the place that defines it (the `$ref` target, when there was one).
#[derive(Clone, Debug)]
pub struct Located<'d, T> {
    pub pointer: Pointer,
    pub value: &'d T,
    /// The first `$ref` followed to get here, whose `description` (3.1) overrides the target's.
    pub reference: Option<&'d Reference>,
}

impl<'d, T> Located<'d, T> {
    /// The reference's `description` when it gives one, else `own`.
    pub fn description(&self, own: Option<&'d str>) -> Option<&'d str> {
        self.reference.and_then(|r| r.description.as_deref()).or(own)
    }
}

#[derive(Debug)]
pub struct ResolvedResponse<'d> {
    pub status: StatusKey,
    pub pointer: Pointer,
    pub response: &'d Response,
    /// The response's description, or the one its `$ref` gives instead.
    pub description: &'d str,
    pub headers: Vec<(String, Located<'d, Header>)>,
}

#[derive(Debug)]
pub struct ResolvedOperation<'d> {
    /// The path template (`/job/{jobId}/secret`), or a webhook's name.
    pub path: &'d str,
    /// Upper case: `GET`, `QUERY`.
    pub method: &'d str,
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
    /// The document's webhooks, as operations whose `path` is the webhook's name.
    pub webhooks: Vec<ResolvedOperation<'d>>,
    pub security_schemes: Vec<(String, Located<'d, SecurityScheme>)>,
    /// For each schema (by id), the schema its `$ref` points at.
    targets: Vec<Option<SchemaId>>,
}

impl<'d> Resolved<'d> {
    pub fn servers(&self) -> &'d [Server] {
        &self.document.servers
    }

    pub fn global_security(&self) -> Option<&'d [SecurityRequirement]> {
        self.document.security.as_deref()
    }

    pub fn schema(&self, id: SchemaId) -> &'d Schema {
        self.document.schemas.get(id)
    }

    /// The schema `id`'s `$ref` points at, if it has one.
    pub fn target(&self, id: SchemaId) -> Option<SchemaId> {
        self.targets[id.0 as usize]
    }

    /// Every schema some `$ref` points at.
    pub fn reference_targets(&self) -> impl Iterator<Item = SchemaId> + '_ {
        self.targets.iter().flatten().copied()
    }

    /// The schema at `pointer` (the target of a `$ref` or of a discriminator mapping).
    pub fn schema_at(&self, pointer: &Pointer) -> Option<SchemaId> {
        self.document.schemas.at(pointer)
    }

    pub fn error(&self, pointer: &Pointer, message: impl Into<String>) -> Error {
        invalid(self.document, pointer, message)
    }
}

pub fn resolve(document: &Document) -> Result<Resolved<'_>, Error> {
    let targets = schema_targets(document)?;

    let operations = resolve_items(document, &document.paths)?;
    let webhooks = resolve_items(document, &document.webhooks)?;

    let mut security_schemes = Vec::new();
    let base = Pointer::root().join("components").join("securitySchemes");
    for (name, scheme) in &document.components.security_schemes {
        security_schemes.push((name.clone(), deref(document, scheme, &base.join(name))?));
    }

    Ok(Resolved { document, operations, webhooks, security_schemes, targets })
}

/// The operations of path items (or webhooks).
fn resolve_items<'d>(
    document: &'d Document,
    entries: &'d [crate::load::Entry<PathItem>],
) -> Result<Vec<ResolvedOperation<'d>>, Error> {
    let mut operations = Vec::new();
    for entry in entries {
        let item = deref(document, &entry.value, &entry.pointer)?;
        let shared: Vec<_> = item
            .value
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| deref(document, p, &item.pointer.join("parameters").join(i)))
            .collect::<Result<_, _>>()?;
        // Each operation's pointer is where it is written: under `components/pathItems` when the
        // path item is a `$ref` to one.
        for method in &item.value.operations {
            operations.push(resolve_operation(
                document,
                &entry.name,
                &method.method,
                method.pointer.clone(),
                &method.operation,
                &shared,
            )?);
        }
    }
    Ok(operations)
}

fn resolve_operation<'d>(
    document: &'d Document,
    path: &'d str,
    method: &'d str,
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
    let key = |p: &Parameter| (p.name.clone(), p.location);
    let mut parameters: Vec<_> =
        shared.iter().filter(|s| !own.iter().any(|o| key(o.value) == key(s.value))).cloned().collect();
    parameters.extend(own);
    if let Some(p) = parameters.iter().filter(|p| p.value.location == ParameterIn::QueryString).nth(1) {
        return Err(invalid(document, &p.pointer, "an operation has at most one `in: querystring` parameter"));
    }

    let request_body =
        operation.request_body.as_ref().map(|b| deref(document, b, &pointer.join("requestBody"))).transpose()?;

    let mut responses = Vec::new();
    let base = pointer.join("responses");
    for (status, response) in &operation.responses {
        let at = base.join(status_label(*status));
        let located = deref(document, response, &at)?;
        let mut headers = Vec::new();
        for (name, header) in &located.value.headers {
            headers.push((name.clone(), deref(document, header, &located.pointer.join("headers").join(name))?));
        }
        responses.push(ResolvedResponse {
            status: *status,
            description: located.description(Some(&located.value.description)).unwrap_or_default(),
            pointer: located.pointer,
            response: located.value,
            headers,
        });
    }

    Ok(ResolvedOperation { path, method, pointer, operation, parameters, request_body, responses })
}

/// How a status is written as a key of `responses`.
pub fn status_label(status: StatusKey) -> String {
    match status {
        StatusKey::Code(code) => code.to_string(),
        StatusKey::Range(range) => format!("{range}XX"),
        StatusKey::Default => "default".to_owned(),
    }
}

/// Things that can sit behind a `$ref`, and where the document keeps each kind.
pub trait Referable: Sized + 'static {
    /// The section of `components` (`parameters`).
    const SECTION: &'static str;
    fn components(components: &Components) -> &indexmap::IndexMap<String, Ref<Self>>;
    fn elsewhere(elsewhere: &Elsewhere) -> &std::collections::HashMap<Pointer, Ref<Self>>;
}

macro_rules! referable {
    ($($ty:ty => $field:ident, $section:literal;)*) => {$(
        impl Referable for $ty {
            const SECTION: &'static str = $section;
            fn components(components: &Components) -> &indexmap::IndexMap<String, Ref<Self>> {
                &components.$field
            }
            fn elsewhere(elsewhere: &Elsewhere) -> &std::collections::HashMap<Pointer, Ref<Self>> {
                &elsewhere.$field
            }
        }
    )*};
}

referable! {
    Parameter => parameters, "parameters";
    RequestBody => request_bodies, "requestBodies";
    Response => responses, "responses";
    Header => headers, "headers";
    SecurityScheme => security_schemes, "securitySchemes";
    PathItem => path_items, "pathItems";
}

/// Follows `item` to a concrete value; `at` is where `item` is written.
pub fn deref<'d, T: Referable>(
    document: &'d Document,
    item: &'d Ref<T>,
    at: &Pointer,
) -> Result<Located<'d, T>, Error> {
    let mut seen = HashSet::new();
    let mut current = item;
    let mut pointer = at.clone();
    let mut first = None;
    loop {
        match current {
            Ref::Item(value) => return Ok(Located { pointer, value, reference: first }),
            Ref::Ref(reference) => {
                first.get_or_insert(reference);
                let target = &reference.target;
                if !seen.insert(target.clone()) {
                    return Err(invalid(document, at, format!("$ref cycle through {target}")));
                }
                current = lookup(document, target)
                    .ok_or_else(|| invalid(document, at, format!("$ref target {target} does not exist")))?;
                pointer = target.clone();
            }
        }
    }
}

fn lookup<'d, T: Referable>(document: &'d Document, target: &Pointer) -> Option<&'d Ref<T>> {
    match target.component(T::SECTION) {
        Some(name) => T::components(&document.components).get(&name),
        None => T::elsewhere(&document.elsewhere).get(target),
    }
}

/// The target of every schema `$ref`, checked: it exists, and a chain of bare references ends
/// somewhere (`A: {$ref: B}`, `B: {$ref: A, format: x}` describes nothing).
fn schema_targets(document: &Document) -> Result<Vec<Option<SchemaId>>, Error> {
    let schemas = &document.schemas;
    let mut targets = vec![None; schemas.len()];
    for (id, schema) in schemas.iter() {
        if let Some(reference) = &schema.reference {
            let target = schemas.at(&reference.target).ok_or_else(|| {
                invalid(document, &schema.pointer, format!("$ref target {} does not exist", reference.target))
            })?;
            targets[id.0 as usize] = Some(target);
        }
    }
    let bare = |id: SchemaId| schemas.get(id).is_bare_reference();
    // 0: not visited, 1: on the current chain, 2: ends somewhere.
    let mut state = vec![0u8; schemas.len()];
    for (start, _) in schemas.iter() {
        let mut chain = Vec::new();
        let mut current = start;
        while state[current.0 as usize] == 0 && bare(current) {
            state[current.0 as usize] = 1;
            chain.push(current);
            match targets[current.0 as usize] {
                Some(next) => current = next,
                None => break,
            }
            if state[current.0 as usize] == 1 {
                let pointer = &schemas.get(start).pointer;
                return Err(invalid(document, pointer, format!("$ref cycle through {}", schemas.get(current).pointer)));
            }
        }
        for id in chain {
            state[id.0 as usize] = 2;
        }
    }
    Ok(targets)
}

/// An error about the document; a part that came from another file is named by that file.
fn invalid(document: &Document, pointer: &Pointer, message: impl Into<String>) -> Error {
    document.sources.relocate_error(Error::Invalid {
        file: document.file.clone(),
        pointer: pointer.clone(),
        message: message.into(),
    })
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
        assert_eq!(op.method, "POST");
        assert_eq!(op.parameters[0].value.name, "id");
        assert_eq!(op.parameters[0].pointer.as_str(), "/components/parameters/id");
        assert!(op.request_body.is_some());
        assert_eq!(op.responses[0].status, StatusKey::Code(404));
        assert_eq!(op.responses[0].description, "gone");
    }

    #[test]
    fn follows_refs_into_paths() {
        let d = doc(&format!(
            "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: query, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n  /b:\n    get:\n      parameters:\n        - $ref: '#/paths/~1a/get/parameters/0'\n      responses: {{'200': {{description: ok}}}}\n"
        ));
        let r = resolve(&d).unwrap();
        assert_eq!(r.operations[1].parameters[0].value.name, "q");
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
        let err = crate::load::parse(
            Path::new("t.yaml"),
            &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'other.yaml#/A'}}\n"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("external documents are not supported"), "{err}");

        let d = doc(&format!(
            "{HEAD}paths:\n  /a:\n    get:\n      parameters: [{{$ref: '#/components/parameters/p'}}]\n      responses: {{'200': {{description: ok}}}}\ncomponents:\n  parameters:\n    p: {{$ref: '#/components/parameters/q'}}\n    q: {{$ref: '#/components/parameters/p'}}\n"
        ));
        let err = resolve(&d).unwrap_err().to_string();
        assert!(err.contains("$ref cycle"), "{err}");

        let d = doc(&format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A', description: still bare, format: narrowed}}\n"
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
        assert_eq!(params[0].value.description.as_deref(), Some("own"));
    }

    #[test]
    fn path_items_from_components_and_webhooks() {
        let d = doc(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    $ref: '#/components/pathItems/Pets'\nwebhooks:\n  newPet:\n    post:\n      requestBody: {content: {application/json: {schema: {type: object}}}}\ncomponents:\n  pathItems:\n    Pets:\n      get:\n        responses: {'200': {description: ok}}\n      query:\n        summary: search\n      additionalOperations:\n        COPY: {summary: copy}\n",
        );
        let r = resolve(&d).unwrap();
        let methods: Vec<&str> = r.operations.iter().map(|o| o.method).collect();
        assert_eq!(methods, ["GET", "QUERY", "COPY"]);
        assert_eq!(r.operations[0].path, "/pets");
        assert_eq!(r.operations[0].pointer.as_str(), "/components/pathItems/Pets/get");
        assert_eq!(r.webhooks.len(), 1);
        assert_eq!(r.webhooks[0].path, "newPet");
        assert!(r.webhooks[0].responses.is_empty());
    }
}
