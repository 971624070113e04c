//! Every example payload a document gives, beside the generated type that should decode it: the
//! examples of named types' schemas (components and inline objects, enums, unions), of struct
//! properties, and of the request bodies and responses the client decodes as JSON (the media
//! type's `example`/`examples`, `components/examples` they refer to, and its schema's own).
//!
//! `cargo xtask examples` decodes each into its type and encodes it again: what a document shows
//! is what the client must read and send back unchanged. Only the media type the client decodes
//! counts: a request body's (the model names it), and a response's JSON one.

use std::collections::HashSet;

use apigen::load::{MediaType, RequestBody, Schema, SchemaId, StatusKey};
use apigen::model::{Api, Body, Operation, Payload, TypeKind, TypeRef};
use apigen::resolve::{Resolved, ResolvedOperation};
use apigen::Pointer;
use serde_json::Value;

/// Where an example is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// The schema of a named type (a component, an inline object, enum or union).
    Schema,
    /// The schema of a struct property.
    Property,
    /// A request body's media type, or its schema.
    Request,
    /// A response's media type, or its schema.
    Response,
    /// A request or response body the operation's docs show although the document gives no
    /// example of it: assembled from its schema by the model, as the docs show it.
    Assembled,
}

impl Place {
    pub fn name(self) -> &'static str {
        match self {
            Place::Schema => "schema",
            Place::Property => "property",
            Place::Request => "request",
            Place::Response => "response",
            Place::Assembled => "assembled for the docs",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PayloadExample {
    /// Where the value is written: a media type's `…/example` or `…/examples/<name>/value`
    /// (or the `components/examples` entry it refers to), a schema's `…/example` (or
    /// `…/examples/<i>` when it has several).
    pub pointer: String,
    pub place: Place,
    /// The schema the value should satisfy.
    pub schema: Pointer,
    /// The type the generated client decodes it with.
    pub ty: TypeRef,
    pub value: Value,
    /// A form body's (`application/x-www-form-urlencoded`): the client sends the value as form
    /// text, where every value is text and a list may be a single value.
    pub form: bool,
}

/// Every example of the document that the generated client has a type for, each once (a
/// response shared by several operations gives its examples once), in document order: named
/// types and their properties first, then operations, then webhooks.
pub fn collect(api: &Api, resolved: &Resolved<'_>) -> Vec<PayloadExample> {
    let mut out = Collector { resolved, seen: HashSet::new(), found: Vec::new(), form: false };
    for def in api.types() {
        let Some(id) = resolved.schema_at(&def.pointer) else { continue };
        // Properties first: a property's inline object is also a named type, and the field
        // says whether `null` is allowed there.
        // A struct merged into an identical one is an alias of it: the same fields, which the
        // document may still illustrate differently.
        let own = TypeRef::Named(def.name.clone());
        let fields = match api.unaliased(&own) {
            TypeRef::Named(name) => api.type_named(name).map(|t| &t.kind),
            _ => None,
        };
        if let Some(TypeKind::Struct(s)) = fields {
            for field in &s.fields {
                let Some(property) = property_schema(resolved, id, &field.wire, &mut HashSet::new()) else { continue };
                let ty = if field.nullable { TypeRef::OrNull(Box::new(field.ty.clone())) } else { field.ty.clone() };
                out.schema_examples(property, Place::Property, &ty);
            }
        }
        let schema = resolved.schema(id);
        let ty = TypeRef::Named(def.name.clone());
        let ty = if schema.nullable { TypeRef::OrNull(Box::new(ty)) } else { ty };
        out.schema_examples(id, Place::Schema, &ty);
    }
    for (op, model) in resolved.operations.iter().zip(&api.operations) {
        if op.pointer != model.pointer {
            // A selection removed operations: the two lists no longer pair up.
            continue;
        }
        if let (Some(body), Some(located)) = (&model.body, &op.request_body) {
            out.request(body, located.value);
        }
        for (response, ty) in responses(op, model) {
            if let Some(ty) = ty {
                out.media(response, Place::Response, Some(ty));
            }
        }
        assembled(model, &mut out);
    }
    for (hook, model) in resolved.webhooks.iter().zip(&api.webhooks) {
        if let (Some(body), Some(located)) = (&model.body, &hook.request_body) {
            out.request(body, located.value);
        }
    }
    out.found
}

struct Collector<'r, 'd> {
    resolved: &'r Resolved<'d>,
    seen: HashSet<String>,
    found: Vec<PayloadExample>,
    /// The media type being read is a form body's.
    form: bool,
}

impl Collector<'_, '_> {
    fn push(&mut self, pointer: String, place: Place, schema: Pointer, ty: &TypeRef, value: &Value) {
        if self.seen.insert(pointer.clone()) {
            self.found.push(PayloadExample {
                pointer,
                place,
                schema,
                ty: ty.clone(),
                value: value.clone(),
                form: self.form,
            });
        }
    }

    /// A schema's `example`/`examples` (the loader keeps them in one list, `example` first).
    fn schema_examples(&mut self, id: SchemaId, place: Place, ty: &TypeRef) {
        let schema: &Schema = self.resolved.schema(id);
        let several = schema.examples.len() > 1;
        for (i, value) in schema.examples.iter().enumerate() {
            let pointer =
                if several { schema.pointer.join("examples").join(i) } else { schema.pointer.join("example") };
            self.push(pointer.as_str().to_owned(), place, schema.pointer.clone(), ty, value);
        }
    }

    /// A request body's examples, from the media type the client sends (the model's choice).
    fn request(&mut self, body: &Body, request: &RequestBody) {
        if let Some(media) = request.content.get(&body.content_type) {
            self.form = matches!(body.payload, Payload::Form(_));
            self.media(media, Place::Request, request_type(&body.payload));
            self.form = false;
        }
    }

    fn media(&mut self, media: &MediaType, place: Place, ty: Option<&TypeRef>) {
        let (Some(ty), Some(schema)) = (ty, media.schema) else { return };
        let schema_pointer = self.resolved.schema(schema).pointer.clone();
        for example in &media.examples {
            self.push(example.pointer.as_str().to_owned(), place, schema_pointer.clone(), ty, &example.value);
        }
        self.schema_examples(schema, place, ty);
    }
}

/// The JSON an operation's docs show that the model assembled from a schema (the document gives
/// none): the request body's and the first success response's, each with the type the client
/// uses for it. Their pointers name the operation and what the JSON stands for.
fn assembled(model: &Operation, out: &mut Collector<'_, '_>) {
    if let Some(body) = model.body.as_ref().filter(|b| b.document_example.is_none()) {
        if let (Payload::Json(ty), Some(value)) = (&body.payload, &body.example) {
            let pointer = format!("{} (request body, assembled)", model.pointer.as_str());
            out.push(pointer, Place::Assembled, model.pointer.clone(), ty, value);
        }
    }
    let Some(example) = model.success.document_example.as_ref().filter(|e| e.assembled) else { return };
    let payload = match example.status.parse::<u16>() {
        Ok(code) if !model.success.outcomes.is_empty() => {
            model.success.outcomes.iter().find(|o| o.status == code).map(|o| &o.payload)
        }
        _ => Some(&model.success.payload),
    };
    if let Some(Payload::Json(ty)) = payload {
        let pointer = format!("{} (response {}, assembled)", model.pointer.as_str(), example.status);
        out.push(pointer, Place::Assembled, model.pointer.clone(), ty, &example.value);
    }
}

/// The type a request body's examples decode into: JSON and form bodies (a form's example is
/// its fields as a JSON object); a multipart body's parts may be files, so it is left out.
fn request_type(payload: &Payload) -> Option<&TypeRef> {
    match payload {
        Payload::Json(ty) | Payload::Form(ty) => Some(ty),
        _ => None,
    }
}

/// Each response's chosen media type (the one the client decodes) with the type it decodes it
/// into, when that is JSON.
fn responses<'a>(op: &'a ResolvedOperation<'_>, model: &'a Operation) -> Vec<(&'a MediaType, Option<&'a TypeRef>)> {
    let has_success = op.responses.iter().any(|r| is_success(r.status));
    let mut found = Vec::new();
    for response in &op.responses {
        // The client decodes JSON when a response offers it, and its examples are JSON values:
        // the first JSON media type, or none.
        let Some((_, media)) = response.response.content.iter().find(|(ct, _)| apigen::model::is_json(ct)) else {
            continue;
        };
        let ty = if is_success(response.status) || (!has_success && response.status == StatusKey::Default) {
            let payload = match response.status {
                StatusKey::Code(code) if !model.success.outcomes.is_empty() => {
                    model.success.outcomes.iter().find(|o| o.status == code).map(|o| &o.payload)
                }
                _ => Some(&model.success.payload),
            };
            match payload {
                Some(Payload::Json(ty)) => Some(ty),
                _ => None,
            }
        } else {
            let status = match response.status {
                StatusKey::Code(code) => Some(code),
                StatusKey::Default => None,
                StatusKey::Range(_) => continue,
            };
            model.errors.iter().find(|e| e.status == status).and_then(|e| e.ty.as_ref())
        };
        found.push((media, ty));
    }
    found
}

fn is_success(status: StatusKey) -> bool {
    matches!(status, StatusKey::Code(200..=299) | StatusKey::Range(2))
}

/// The schema of property `wire` of the object schema `id`: its own, or one of its `allOf`
/// members' (through references), as the model merges them.
fn property_schema(
    resolved: &Resolved<'_>,
    id: SchemaId,
    wire: &str,
    visiting: &mut HashSet<SchemaId>,
) -> Option<SchemaId> {
    if !visiting.insert(id) {
        return None;
    }
    let schema = resolved.schema(id);
    if let Some(&found) = schema.properties.get(wire) {
        return Some(found);
    }
    if let Some(target) = resolved.target(id) {
        if let Some(found) = property_schema(resolved, target, wire, visiting) {
            return Some(found);
        }
    }
    schema.all_of.iter().find_map(|&member| property_schema(resolved, member, wire, visiting))
}

#[cfg(test)]
mod tests {
    use super::*;
    use apigen::stages::Loaded;
    use apigen::{Options, RuntimeDependency};

    fn examples(yaml: &str) -> Vec<PayloadExample> {
        let document = apigen::load::parse(std::path::Path::new("t.yaml"), yaml).unwrap();
        let options = Options::new("t", RuntimeDependency::Path("rt".into()));
        let (_, examples) = Loaded::from_document(document, &options).model_with(|r, api| collect(api, r)).unwrap();
        examples
    }

    #[test]
    fn finds_schema_property_media_and_component_examples_with_their_types() {
        let found = examples(
            r##"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
            example: {name: Rex}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
              examples:
                two: {$ref: '#/components/examples/Two'}
                far: {externalValue: 'https://example.com/x.json'}
        '404': {$ref: '#/components/responses/Missing'}
  /other:
    get:
      responses:
        '404': {$ref: '#/components/responses/Missing'}
components:
  examples:
    Two: {value: [{name: A}, {name: B, born: '2024-01-01T10:00:00-05:00'}]}
  responses:
    Missing:
      description: no
      content:
        application/json:
          schema: {type: object, properties: {message: {type: string}}}
          example: {message: gone}
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string, example: Rex}
        born: {type: string, format: date-time, nullable: true, example: '2024-01-01T10:00:00Z'}
      example: {name: Rex, born: null}
"##,
        );
        let summary: Vec<(&str, Place, &TypeRef)> =
            found.iter().map(|e| (e.pointer.as_str(), e.place, &e.ty)).collect();
        let pet = TypeRef::Named("Pet".into());
        let born = TypeRef::OrNull(Box::new(TypeRef::DateTime));
        let pets = TypeRef::List(Box::new(pet.clone()));
        let missing = found.iter().find(|e| e.place == Place::Response && e.pointer.contains("Missing")).unwrap();
        assert_eq!(missing.pointer, "/components/responses/Missing/content/application~1json/example");
        assert_eq!(missing.schema.as_str(), "/components/responses/Missing/content/application~1json/schema");
        assert_eq!(
            summary,
            [
                ("/components/schemas/Pet/properties/name/example", Place::Property, &TypeRef::String),
                ("/components/schemas/Pet/properties/born/example", Place::Property, &born),
                ("/components/schemas/Pet/example", Place::Schema, &pet),
                ("/paths/~1pets/post/requestBody/content/application~1json/example", Place::Request, &pet),
                ("/components/examples/Two/value", Place::Response, &pets),
                (missing.pointer.as_str(), Place::Response, &missing.ty),
            ]
        );
        assert_eq!(found[4].value[1]["born"], "2024-01-01T10:00:00-05:00");
    }

    #[test]
    fn bodies_the_docs_assemble_from_the_schema_are_collected_with_their_types() {
        let found = examples(
            r##"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets/{id}:
    put:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
components:
  schemas:
    Pet:
      type: object
      required: [name, kind]
      properties:
        name: {type: string, example: Rex}
        kind: {type: string, enum: [dog, cat]}
        age: {type: integer}
"##,
        );
        let assembled: Vec<(&str, &TypeRef, &Value)> = found
            .iter()
            .filter(|e| e.place == Place::Assembled)
            .map(|e| (e.pointer.as_str(), &e.ty, &e.value))
            .collect();
        let pet = TypeRef::Named("Pet".into());
        let pets = TypeRef::List(Box::new(pet.clone()));
        let one = serde_json::json!({"name": "Rex", "kind": "dog"});
        assert_eq!(
            assembled,
            [
                ("/paths/~1pets~1{id}/put (request body, assembled)", &pet, &one),
                ("/paths/~1pets~1{id}/put (response 200, assembled)", &pets, &serde_json::json!([one.clone()])),
            ]
        );
    }
}
