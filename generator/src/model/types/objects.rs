//! Objects: a schema with properties (its `allOf` members merged in, see `merge`) as a struct,
//! one field per property, with `required` properties the schema never describes kept untyped.

use std::collections::HashSet;

use heck::ToUpperCamelCase;

use super::keywords::has_object_keywords;
use super::merge::{Additional, ObjectParts};
use super::secrets::is_secret;
use super::text::{constraints, docs};
use super::TypeBuilder;
use crate::diagnostics::Error;
use crate::load::SchemaId;
use crate::model::ir::{Field, Struct, TypeRef};
use crate::model::names::{field_name, type_name, unique};

impl TypeBuilder<'_, '_> {
    /// An object, with every `allOf` member merged into one flat struct: the union of the
    /// properties and of `required`.
    pub(super) fn object(&mut self, id: SchemaId, name: &str) -> Result<Struct, Error> {
        self.object_of(&[id], name, 0)
    }

    /// One struct for values that satisfy every schema of `ids` (one, or the definitions of a
    /// property that several `allOf` members declare); `depth`: how deep in such merges.
    pub(super) fn object_of(&mut self, ids: &[SchemaId], name: &str, depth: usize) -> Result<Struct, Error> {
        let mut parts = ObjectParts::default();
        for &id in ids {
            self.collect_members(id, &mut parts, &mut HashSet::new(), ids.len() == 1)?;
        }
        let at = self.resolved.schema(ids[0]).pointer.clone();

        let mut fields = Vec::new();
        let mut taken = HashSet::new();
        for (wire, &property) in &parts.properties {
            let hint = format!("{name}{}", wire.to_upper_camel_case());
            let usage = match parts.merged.get(wire) {
                Some(definitions) => self.merged_usage(definitions, &type_name(&hint), depth)?,
                None => self.usage(property, &type_name(&hint))?,
            };
            let data = self.chains.annotations(property);
            let required = parts.required.contains(wire);
            let secret = is_secret(name, wire, &data, &usage.ty);
            fields.push(Field {
                name: unique(field_name(wire), &mut taken, "_"),
                wire: wire.clone(),
                ty: usage.ty,
                required,
                nullable: usage.nullable,
                secret,
                read_only: data.read_only,
                write_only: data.write_only,
                deprecated: data.deprecated,
                boxed: false,
                docs: docs(None, data.description.as_deref()),
                default: data.default.as_ref().filter(|d| !d.is_null()).map(|d| d.to_string()),
                constraints: constraints(&data),
            });
        }
        // `required` may name properties the schema never describes: the server still wants
        // them, so they are kept, untyped, rather than silently dropped.
        for wire in &parts.required {
            if parts.properties.contains_key(wire) {
                continue;
            }
            self.fell_back(&at, format!("required property `{wire}` has no schema; typed as serde_json::Value"));
            fields.push(Field {
                name: unique(field_name(wire), &mut taken, "_"),
                wire: wire.clone(),
                ty: TypeRef::Json,
                required: true,
                // Always sent; tolerated when a response lacks it, since nothing describes it.
                nullable: true,
                secret: false,
                read_only: false,
                write_only: false,
                deprecated: false,
                boxed: false,
                docs: Some("Required by the document, which does not describe it.".into()),
                default: None,
                constraints: Vec::new(),
            });
        }
        let additional = match parts.additional {
            Some(Additional::Schema(value)) => Some(self.usage(value, &format!("{name}Value"))?.or_null()),
            Some(Additional::Any) => Some(TypeRef::Json),
            None => None,
        };
        Ok(Struct { fields, additional })
    }

    /// Whether `id` (through references) describes an object with properties.
    pub(super) fn is_object_like(&self, id: SchemaId) -> bool {
        let mut seen = HashSet::new();
        let mut current = id;
        loop {
            let schema = self.resolved.schema(current);
            if has_object_keywords(schema) || !schema.all_of.is_empty() {
                return true;
            }
            match self.resolved.target(current) {
                Some(next) if seen.insert(next) => current = next,
                _ => return false,
            }
        }
    }
}
