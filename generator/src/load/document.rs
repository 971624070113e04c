//! The one dialect every later stage reads, whatever version of OpenAPI the file was written in.
//!
//! OpenAPI 3.0 schemas are an extended subset of JSON Schema draft 5; 3.1 and 3.2 use JSON Schema
//! 2020-12. Both say the same things in different words (`nullable: true` or `type: [T, "null"]`,
//! `exclusiveMinimum: true` next to `minimum` or `exclusiveMinimum: 5`, `example` or `examples`,
//! `const` or a one-value `enum`...). Here each thing has one form: a [`Schema`] is a flat record
//! of what a schema says, with its nested schemas in an arena ([`Schemas`]) and `$ref`s as JSON
//! pointers. The document objects around schemas (operations, parameters, responses...) likewise
//! hold the union of what the three versions can say (`webhooks`, `query` operations, tag
//! parents...). No later stage asks which version it is reading.

use std::collections::HashMap;
use std::path::PathBuf;

use indexmap::IndexMap;
use serde_json::Value;

use crate::diagnostics::Warning;
use crate::pointer::Pointer;

/// The methods a path item names as fields (3.2 adds `query`), in the order the reader lists a
/// path item's operations and the bundler visits them.
pub(super) const METHODS: [&str; 9] = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

/// A loaded document.
#[derive(Debug, Default)]
pub struct Document {
    pub file: PathBuf,
    pub info: Info,
    pub servers: Vec<Server>,
    /// Path templates and their items, in document order.
    pub paths: Vec<Entry<PathItem>>,
    /// Webhooks by name (3.1+): requests the API sends, described as path items.
    pub webhooks: Vec<Entry<PathItem>>,
    pub components: Components,
    /// Top-level security; `None` when the document says nothing.
    pub security: Option<Vec<SecurityRequirement>>,
    pub tags: Vec<Tag>,
    /// Every schema the document contains, wherever it sits.
    pub schemas: Schemas,
    /// Objects a `$ref` points at outside `components` (`#/paths/~1a/get/parameters/0`).
    pub elsewhere: Elsewhere,
    /// What the loader could not carry into this dialect, each with its pointer.
    pub warnings: Vec<Warning>,
    /// The files the parts of a split document came from, for errors and warnings.
    pub sources: super::Sources,
}

/// A named member of a map (a path, a webhook) and where it is written.
#[derive(Clone, Debug)]
pub struct Entry<T> {
    pub name: String,
    pub pointer: Pointer,
    pub value: Ref<T>,
}

#[derive(Clone, Debug, Default)]
pub struct Info {
    pub title: String,
    /// A short summary (3.1+).
    pub summary: Option<String>,
    pub description: Option<String>,
    pub version: String,
    pub license: Option<License>,
}

#[derive(Clone, Debug, Default)]
pub struct License {
    pub name: String,
    /// An SPDX expression (3.1+).
    pub identifier: Option<String>,
    pub url: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<(String, ServerVariable)>,
}

#[derive(Clone, Debug, Default)]
pub struct ServerVariable {
    pub default: String,
    pub allowed: Vec<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Tag {
    pub name: String,
    /// A short title (3.2).
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The tag this one is nested under (3.2).
    pub parent: Option<String>,
    /// How tools should present the tag (`nav`, `badge`; 3.2): a display hint.
    pub kind: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Components {
    /// Component schemas by name, in document order.
    pub schemas: IndexMap<String, SchemaId>,
    pub parameters: IndexMap<String, Ref<Parameter>>,
    pub request_bodies: IndexMap<String, Ref<RequestBody>>,
    pub responses: IndexMap<String, Ref<Response>>,
    pub headers: IndexMap<String, Ref<Header>>,
    pub security_schemes: IndexMap<String, Ref<SecurityScheme>>,
    /// Reusable path items (3.1+).
    pub path_items: IndexMap<String, Ref<PathItem>>,
}

/// Targets of `$ref`s that are not components, read from wherever the reference points.
#[derive(Clone, Debug, Default)]
pub struct Elsewhere {
    pub parameters: HashMap<Pointer, Ref<Parameter>>,
    pub request_bodies: HashMap<Pointer, Ref<RequestBody>>,
    pub responses: HashMap<Pointer, Ref<Response>>,
    pub headers: HashMap<Pointer, Ref<Header>>,
    pub security_schemes: HashMap<Pointer, Ref<SecurityScheme>>,
    pub path_items: HashMap<Pointer, Ref<PathItem>>,
}

/// An object, or a reference to one defined elsewhere.
#[derive(Clone, Debug)]
pub enum Ref<T> {
    Ref(Reference),
    Item(T),
}

/// A `$ref` to a document object (not a schema: schemas carry their references themselves).
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// Where it points.
    pub target: Pointer,
    /// Where the `$ref` is written.
    pub at: Pointer,
    /// 3.1 lets a reference override the target's summary and description.
    pub summary: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct PathItem {
    pub summary: Option<String>,
    pub description: Option<String>,
    pub parameters: Vec<Ref<Parameter>>,
    /// Every operation, fixed methods first in the order OpenAPI lists them (`get`, `put`,
    /// `post`, `delete`, `options`, `head`, `patch`, `trace`, `query`), then 3.2's
    /// `additionalOperations` as written.
    pub operations: Vec<MethodOperation>,
}

#[derive(Clone, Debug)]
pub struct MethodOperation {
    /// Upper case, as sent: `GET`, `QUERY`, `COPY`.
    pub method: String,
    pub pointer: Pointer,
    pub operation: Operation,
}

#[derive(Clone, Debug, Default)]
pub struct Operation {
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub operation_id: Option<String>,
    pub parameters: Vec<Ref<Parameter>>,
    pub request_body: Option<Ref<RequestBody>>,
    /// As written, `default` included; empty when the document declares none (3.1+ allows it).
    pub responses: Vec<(StatusKey, Ref<Response>)>,
    pub deprecated: bool,
    pub security: Option<Vec<SecurityRequirement>>,
    /// `x-…` keys as written (`x-dropshot-pagination`…): data for the model to read.
    pub extensions: IndexMap<String, Value>,
}

/// Which response a status entry describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKey {
    Code(u16),
    /// `2XX`, `4XX`...: the first digit.
    Range(u16),
    Default,
}

/// Scheme name → scopes; every scheme of one requirement is needed.
pub type SecurityRequirement = IndexMap<String, Vec<String>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParameterIn {
    Path,
    Query,
    /// The whole query string as one value (3.2).
    QueryString,
    Header,
    Cookie,
}

#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub location: ParameterIn,
    pub description: Option<String>,
    pub required: bool,
    pub deprecated: bool,
    /// `form`, `simple`, `spaceDelimited`... as written; `None` for the location's default.
    pub style: Option<String>,
    pub explode: Option<bool>,
    pub schema: Option<SchemaId>,
    /// Instead of `schema`: the value serialized as a media type.
    pub content: IndexMap<String, MediaType>,
    /// `example`, then each of `examples`.
    pub examples: Vec<Example>,
}

#[derive(Clone, Debug, Default)]
pub struct RequestBody {
    pub description: Option<String>,
    pub content: IndexMap<String, MediaType>,
    pub required: bool,
}

#[derive(Clone, Debug, Default)]
pub struct MediaType {
    pub schema: Option<SchemaId>,
    /// The schema of each item of a sequential media type (3.2: JSON Lines, SSE...).
    pub item_schema: Option<SchemaId>,
    /// `example`, then each of `examples`.
    pub examples: Vec<Example>,
}

/// A value the document gives as an example of a media type or parameter: `example`, or one
/// entry of `examples` (its `$ref` to `components/examples` followed). An `externalValue` lives
/// in another file and is not read.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// The key under `examples`; `None` for `example`.
    pub name: Option<String>,
    pub summary: Option<String>,
    /// The data (`value`, or 3.2's `dataValue`).
    pub value: Value,
    /// Where the value is written.
    pub pointer: Pointer,
}

#[derive(Clone, Debug, Default)]
pub struct Response {
    pub description: String,
    pub headers: IndexMap<String, Ref<Header>>,
    pub content: IndexMap<String, MediaType>,
}

#[derive(Clone, Debug, Default)]
pub struct Header {
    pub description: Option<String>,
    pub required: bool,
    pub deprecated: bool,
    pub schema: Option<SchemaId>,
}

#[derive(Clone, Debug)]
pub enum SecurityScheme {
    ApiKey { name: String, location: ApiKeyIn, description: Option<String> },
    Http { scheme: String, bearer_format: Option<String>, description: Option<String> },
    OAuth2 { description: Option<String>, flows: OAuthFlows },
    OpenIdConnect { description: Option<String> },
    MutualTls { description: Option<String> },
}

/// The flows of an OAuth2 scheme the client can get tokens from by itself; `implicit` and
/// `deviceAuthorization` need a user at a browser or device and are not read.
#[derive(Clone, Debug, Default)]
pub struct OAuthFlows {
    pub client_credentials: Option<OAuthFlow>,
    pub authorization_code: Option<OAuthFlow>,
    pub password: Option<OAuthFlow>,
}

#[derive(Clone, Debug, Default)]
pub struct OAuthFlow {
    pub token_url: Option<String>,
    pub refresh_url: Option<String>,
    /// The scope names the flow declares, in document order.
    pub scopes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyIn {
    Query,
    Header,
    Cookie,
}

/// A schema's place in [`Schemas`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaId(pub u32);

/// Every schema of the document, each once, found by id or by the pointer where it is written.
#[derive(Clone, Debug, Default)]
pub struct Schemas {
    list: Vec<Schema>,
    by_pointer: HashMap<Pointer, SchemaId>,
}

impl Schemas {
    pub fn get(&self, id: SchemaId) -> &Schema {
        &self.list[id.0 as usize]
    }

    /// The schema written at `pointer`, if there is one.
    pub fn at(&self, pointer: &Pointer) -> Option<SchemaId> {
        self.by_pointer.get(pointer).copied()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (SchemaId, &Schema)> {
        self.list.iter().enumerate().map(|(i, s)| (SchemaId(i as u32), s))
    }

    pub(crate) fn push(&mut self, schema: Schema) -> SchemaId {
        let id = SchemaId(self.list.len() as u32);
        self.by_pointer.insert(schema.pointer.clone(), id);
        self.list.push(schema);
        id
    }

    pub(crate) fn get_mut(&mut self, id: SchemaId) -> &mut Schema {
        &mut self.list[id.0 as usize]
    }
}

impl std::ops::Index<SchemaId> for Schemas {
    type Output = Schema;

    fn index(&self, id: SchemaId) -> &Schema {
        self.get(id)
    }
}

/// JSON's types, as `type` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    pub const ALL: [JsonType; 7] = [
        JsonType::String,
        JsonType::Integer,
        JsonType::Number,
        JsonType::Boolean,
        JsonType::Array,
        JsonType::Object,
        JsonType::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }

    pub fn from_name(name: &str) -> Option<JsonType> {
        JsonType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The type of a JSON value (`integer` for a whole number).
    pub fn of(value: &Value) -> JsonType {
        match value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }
}

/// `additionalProperties`, `items`, `unevaluatedProperties`: a schema, or `true`/`false`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaOrBool {
    Schema(SchemaId),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Discriminator {
    pub property_name: String,
    /// Tag value → the pointer of the schema it selects.
    pub mapping: Vec<(String, Pointer)>,
}

/// A `$ref` (or a `$dynamicRef`/`$recursiveRef` resolved statically) inside a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaRef {
    pub target: Pointer,
}

/// Everything a schema says, in one form. Absent keywords are `None`/empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// Where the schema is written.
    pub pointer: Pointer,
    /// `false` as a schema: nothing is valid here.
    pub never: bool,
    pub reference: Option<SchemaRef>,
    /// The types `type` allows (`nullable`, a `null` in `type`, `enum` or `const` add
    /// [`JsonType::Null`]); `None` when the schema does not say, so any type.
    pub types: Option<Vec<JsonType>>,
    /// `nullable: true` (3.0) or `null` allowed by `type`, `enum` or `const` (3.1).
    pub nullable: bool,
    pub format: Option<String>,
    /// `enum`, or `const` as a one-value enum; `null` removed (it sets `nullable`).
    pub enumeration: Option<Vec<Value>>,
    /// The values came from `const`.
    pub is_const: bool,

    pub properties: IndexMap<String, SchemaId>,
    pub required: Vec<String>,
    pub additional_properties: Option<SchemaOrBool>,
    pub pattern_properties: IndexMap<String, SchemaId>,
    pub property_names: Option<SchemaId>,
    pub unevaluated_properties: Option<SchemaOrBool>,
    pub dependent_schemas: bool,

    pub items: Option<SchemaOrBool>,
    pub prefix_items: Vec<SchemaId>,

    pub all_of: Vec<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub any_of: Vec<SchemaId>,
    pub not: Option<SchemaId>,
    /// `if`/`then`/`else` are present.
    pub conditional: bool,
    pub discriminator: Option<Discriminator>,

    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
    /// `example` (3.0) and `examples` (3.1), in that order.
    pub examples: Vec<Value>,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    /// `contentEncoding` (`base64`...) and `contentMediaType`: a string that carries bytes.
    pub content_encoding: Option<String>,
    pub content_media_type: Option<String>,
    /// The schema of the content a string holds (`contentMediaType: application/json`), as
    /// 3.2 describes an event's `data`.
    pub content_schema: Option<SchemaId>,

    pub constraints: Constraints,
    /// `x-…` keys.
    pub extensions: IndexMap<String, Value>,
}

/// Validation keywords: they narrow values without changing their Rust type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub pattern: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// Exclusive bounds as numbers (3.0's boolean form is converted).
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub multiple_of: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
}

impl Schema {
    /// The types `type` names besides `null`; empty when it does not say.
    pub fn non_null_types(&self) -> Vec<JsonType> {
        self.types.iter().flatten().copied().filter(|t| *t != JsonType::Null).collect()
    }

    /// A schema that accepts nothing but `null` (`type: "null"`, `const: null`).
    pub fn is_null_only(&self) -> bool {
        matches!(&self.types, Some(types) if types.as_slice() == [JsonType::Null])
            || (self.enumeration.as_ref().is_some_and(Vec::is_empty) && self.nullable)
    }

    /// Says something about the shape of a value, beyond annotations and constraints.
    pub fn has_structure(&self) -> bool {
        !self.non_null_types().is_empty()
            || self.reference.is_some()
            || self.enumeration.is_some()
            || !self.properties.is_empty()
            || self.additional_properties.is_some()
            || !self.pattern_properties.is_empty()
            || self.items.is_some()
            || !self.prefix_items.is_empty()
            || !self.all_of.is_empty()
            || !self.one_of.is_empty()
            || !self.any_of.is_empty()
            || self.not.is_some()
            || self.never
            || self.format.is_some()
            || self.content_encoding.is_some()
            || self.content_media_type.is_some()
    }

    /// A `$ref` with nothing beside it but annotations and narrowing keywords (`description`,
    /// `nullable`, `default`, `enum`, `format`…): a use of the schema it points at.
    pub fn is_bare_reference(&self) -> bool {
        self.reference.is_some()
            && self.properties.is_empty()
            && self.required.is_empty()
            && self.additional_properties.is_none()
            && self.pattern_properties.is_empty()
            && self.all_of.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.items.is_none()
            && self.prefix_items.is_empty()
            && self.not.is_none()
    }

    /// The single value this schema fixes (`const`, or a one-value `enum`).
    pub fn single_value(&self) -> Option<&Value> {
        match self.enumeration.as_deref() {
            Some([only]) => Some(only),
            _ => None,
        }
    }
}
