//! A parsed JSON tree → the [dialect](super::document). This is where the versions of OpenAPI
//! meet: each keyword is read in every form any version writes it, into the one form the
//! dialect keeps, and whatever the dialect cannot carry becomes a warning with its pointer.
//!
//! `$ref`s are read, not followed: a document object's reference keeps its target pointer for
//! `resolve`, and a schema's is turned into a JSON pointer here, because only here are the
//! `$id`s and anchors it may name known. Targets outside `components` are read too (into
//! [`Elsewhere`] or the schema arena), so that every reference has something typed to point at.
//!
//! This file holds the [`Reader`] (what reading keeps track of) and [`read`], the way in. The
//! reading itself is split by concern, each file an `impl Reader` block:
//! [`fields`](super::fields) (typed access to a mapping's fields, each error naming where),
//! [`objects`](super::objects) (the document, its info, servers, components and security
//! schemes), [`operations`](super::operations) (path items, operations and what they hold),
//! [`schema`](super::schema) (the schema reader) and [`references`](super::references)
//! (`$ref`s, turned into pointers once every target is known).

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use serde_json::Value;

use super::document::*;
use crate::diagnostics::{Error, Warning};
use crate::pointer::Pointer;

pub(super) fn read(file: &Path, raw: &Value) -> Result<Document> {
    let mut reader = Reader::new(file, raw);
    let mut document = reader.document()?;
    reader.read_targets()?;
    document.schemas = reader.schemas;
    document.elsewhere = reader.elsewhere;
    document.warnings = reader.warnings;
    Ok(document)
}

/// Where a schema sits, for `$id`s and anchors: the URI of its enclosing resource.
pub(super) type Base = Rc<str>;

/// A schema's `$ref` as written, waiting for every `$id` and anchor to be known.
pub(super) struct PendingSchemaRef {
    pub(super) schema: SchemaId,
    pub(super) reference: RefText,
    pub(super) base: Base,
    pub(super) keyword: &'static str,
}

pub(super) enum RefText {
    /// As written: a URI reference (`#/components/...`, `#anchor`, `other#/x`).
    Uri(String),
    /// Already resolved (a `$recursiveRef` to its enclosing `$recursiveAnchor`).
    Pointer(Pointer),
}

/// Which kind of document object a `$ref` stands for (it follows from where it is written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Parameter,
    RequestBody,
    Response,
    Header,
    SecurityScheme,
    PathItem,
}

impl Kind {
    pub(super) fn component_section(self) -> &'static str {
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

/// What reading one document keeps track of: the schemas read so far, the warnings, and what
/// `$ref`s may name (resources, anchors) until every reference is turned into a pointer.
pub(super) struct Reader<'a> {
    pub(super) file: &'a Path,
    pub(super) raw: &'a Value,
    pub(super) schemas: Schemas,
    pub(super) warnings: Vec<Warning>,
    /// Schema `$ref`s, turned into pointers once every `$id` and anchor is known.
    pub(super) schema_refs: Vec<PendingSchemaRef>,
    /// Schema resources by absolute URI (`$id`, or the document's `$self`).
    pub(super) resources: HashMap<String, Pointer>,
    /// `(resource URI, anchor)` → the schema that declares it (`$anchor` and `$dynamicAnchor`).
    pub(super) anchors: HashMap<(String, String), Pointer>,
    /// `$dynamicAnchor` name → the resources that declare it.
    pub(super) dynamic_anchors: HashMap<String, Vec<String>>,
    /// References to document objects, in the order met.
    pub(super) object_refs: Vec<(Kind, Pointer)>,
    pub(super) elsewhere: Elsewhere,
    /// The URLs of the top-level servers, to tell which path or operation servers differ.
    pub(super) server_urls: Vec<String>,
    /// The schemas with `$recursiveAnchor: true` enclosing the one being read.
    pub(super) recursive_anchors: Vec<Pointer>,
}

pub(super) type Result<T> = std::result::Result<T, Error>;

impl<'a> Reader<'a> {
    pub(super) fn new(file: &'a Path, raw: &'a Value) -> Self {
        Reader {
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
        }
    }

    pub(super) fn invalid(&self, at: &Pointer, message: impl Into<String>) -> Error {
        Error::Invalid { file: self.file.to_owned(), pointer: at.clone(), message: message.into() }
    }

    pub(super) fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning::new(at.clone(), message));
    }

    /// A warning about a schema read as any value.
    pub(super) fn fell_back(&mut self, at: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning::fallback(at.clone(), message));
    }
}

/// What the reader's tests share: documents read from text, and a look at their parts.
#[cfg(test)]
pub(super) mod testing {
    use std::path::Path;

    use super::{read, Document, Pointer, Result, Schema};

    pub const HEAD_31: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

    /// The document `text` says, read as the file `file` (its extension says JSON or YAML).
    pub fn read_text(file: &str, text: &str) -> Result<Document> {
        let raw = super::super::tree::parse_value(Path::new(file), text)?;
        read(Path::new(file), &raw)
    }

    pub fn load(text: &str) -> Document {
        read_text("t.yaml", text).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn schema<'d>(document: &'d Document, pointer: &str) -> &'d Schema {
        let pointer = Pointer::from_ref(pointer).unwrap();
        let id = document.schemas.at(&pointer).unwrap_or_else(|| panic!("no schema at {pointer}"));
        &document.schemas[id]
    }

    pub fn warnings(document: &Document) -> Vec<String> {
        document.warnings.iter().map(ToString::to_string).collect()
    }
}
