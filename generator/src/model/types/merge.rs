//! `allOf` merging: the members of an object's `allOf` (through references, and nested)
//! gathered into one set of properties, `required` names and additional properties; a property
//! that several members declare differently gets a type satisfying each.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::keywords::is_annotation;
use super::{TypeBuilder, Usage};
use crate::diagnostics::Error;
use crate::load::{JsonType, Schema, SchemaId, SchemaOrBool};
use crate::model::ir::{TypeKind, TypeRef};
use crate::model::names::unique;
use crate::pointer::Pointer;
use crate::resolve::Resolved;

/// What an object allows beyond its named properties: values of one schema, or anything.
pub enum Additional {
    Schema(SchemaId),
    Any,
}

/// What the schemas of one object say together, gathered by `collect_members`.
#[derive(Default)]
pub struct ObjectParts {
    pub properties: indexmap::IndexMap<String, SchemaId>,
    /// Every definition of a property that several `allOf` members declare differently.
    pub merged: HashMap<String, Vec<SchemaId>>,
    pub required: BTreeSet<String>,
    pub additional: Option<Additional>,
}

impl ObjectParts {
    /// Adds one schema's own keywords (not its `allOf` members'): a property declared again
    /// with another shape is kept for merging, and later additional properties win.
    fn add(&mut self, resolved: &Resolved<'_>, schema: &Schema) {
        for (name, &property) in &schema.properties {
            if let Some(&earlier) = self.properties.get(name) {
                if !same_shape(resolved, earlier, property) {
                    // The value must satisfy both: their types are merged (`merged_usage`).
                    self.merged.entry(name.clone()).or_insert_with(|| vec![earlier]).push(property);
                }
            }
            self.properties.insert(name.clone(), property);
        }
        self.required.extend(schema.required.iter().cloned());
        let additional = match schema.additional_properties.or(schema.unevaluated_properties) {
            Some(SchemaOrBool::Schema(value)) => Some(Additional::Schema(value)),
            Some(SchemaOrBool::Bool(true)) => Some(Additional::Any),
            Some(SchemaOrBool::Bool(false)) | None => None,
        };
        if let Some(additional) = additional {
            self.additional = Some(additional);
        } else if let Some((_, &value)) = schema.pattern_properties.first() {
            self.additional.get_or_insert(Additional::Schema(value));
        }
    }
}

impl TypeBuilder<'_, '_> {
    /// Gathers the parts of schema `id` into `parts`: what it refers to, its own keywords, then
    /// its `allOf` members, each in turn (`top`: `id` is the object itself, not a member).
    pub(super) fn collect_members(
        &mut self,
        id: SchemaId,
        parts: &mut ObjectParts,
        visiting: &mut HashSet<SchemaId>,
        top: bool,
    ) -> Result<(), Error> {
        let resolved = self.resolved;
        let schema = resolved.schema(id);
        if !visiting.insert(id) {
            return Err(resolved.error(&schema.pointer, "allOf includes itself"));
        }
        if let Some(target) = resolved.target(id) {
            self.collect_members(target, parts, visiting, false)?;
        }
        parts.add(resolved, schema);
        for &member in &schema.all_of {
            self.collect_members(member, parts, visiting, false)?;
        }
        if !schema.one_of.is_empty() || !schema.any_of.is_empty() {
            let what = if !top && schema.properties.is_empty() && schema.all_of.is_empty() {
                "oneOf/anyOf inside allOf"
            } else {
                "oneOf/anyOf next to properties"
            };
            self.keep_rest(&schema.pointer, what, parts);
        }
        let types = schema.non_null_types();
        let not_object = (!types.is_empty() && !types.contains(&JsonType::Object)) || schema.not.is_some();
        if !top && not_object && schema.properties.is_empty() {
            self.warn(&schema.pointer, "a non-object schema merged with objects in allOf is ignored");
        }
        visiting.remove(&id);
        Ok(())
    }

    /// Properties the struct cannot name are still kept, in a flattened map.
    fn keep_rest(&mut self, at: &Pointer, what: &str, parts: &mut ObjectParts) {
        self.fell_back(
            at,
            format!("{what} is not supported; its properties are kept as serde_json::Value in `additional`"),
        );
        parts.additional = Some(Additional::Any);
    }

    /// The `allOf` members that say something besides annotations.
    pub(super) fn substantive(&self, members: &[SchemaId]) -> Vec<SchemaId> {
        members.iter().copied().filter(|&m| !is_annotation(self.resolved.schema(m))).collect()
    }

    /// Whether an `allOf` member that only annotates allows `null` (`allOf: [$ref, {nullable:
    /// true}]`).
    pub(super) fn annotations_nullable(&self, members: &[SchemaId]) -> bool {
        members.iter().any(|&m| {
            let schema = self.resolved.schema(m);
            is_annotation(schema) && schema.nullable
        })
    }

    /// The type of a property several `allOf` members declare (`definitions`, in order): its
    /// values satisfy each. Definitions that only annotate (`{description, default}`) add
    /// nothing; objects merge into one struct and lists into a list of merged items (both again
    /// merging what they declare twice); otherwise the last definition is used, with a warning.
    pub(super) fn merged_usage(&mut self, definitions: &[SchemaId], hint: &str, depth: usize) -> Result<Usage, Error> {
        let resolved = self.resolved;
        let substantive: Vec<SchemaId> =
            definitions.iter().copied().filter(|&d| !is_annotation(resolved.schema(d))).collect();
        let nullable = definitions.iter().all(|&d| self.accepts_null(d) || resolved.schema(d).nullable);
        let last = *definitions.last().expect("a property has a definition");
        match substantive.as_slice() {
            [] => return self.usage(last, hint),
            [only] => {
                let usage = self.usage(*only, hint)?;
                return Ok(Usage { nullable: usage.nullable && nullable, ..usage });
            }
            _ => {}
        }
        if depth < 16 && substantive.iter().all(|&d| self.is_object_like(d)) {
            let merged = self.object_of(&substantive, hint, depth + 1)?;
            let name = unique(hint.to_owned(), &mut self.taken, "");
            self.insert(name.clone(), resolved.schema(last), TypeKind::Struct(merged));
            return Ok(Usage { ty: TypeRef::Named(name), nullable });
        }
        let items: Option<Vec<SchemaId>> = substantive
            .iter()
            .map(|&d| match resolved.schema(d).items {
                Some(SchemaOrBool::Schema(items)) => Some(items),
                _ => None,
            })
            .collect();
        if let (true, Some(items)) = (depth < 16, items) {
            let item = self.merged_usage(&items, &format!("{hint}Item"), depth + 1)?;
            return Ok(Usage { ty: TypeRef::List(Box::new(item.or_null())), nullable });
        }
        let earlier = resolved.schema(substantive[substantive.len() - 2]);
        let message =
            format!("this property conflicts with its definition at {}; this later one is used", earlier.pointer);
        self.warn(&resolved.schema(last).pointer, message);
        self.usage(last, hint)
    }
}

/// Whether two schemas describe the same values: definitions that differ only in wording
/// (descriptions, titles, examples) agree.
fn same_shape(resolved: &Resolved<'_>, a: SchemaId, b: SchemaId) -> bool {
    if a == b {
        return true;
    }
    let (x, y) = (resolved.schema(a), resolved.schema(b));
    let without_prose_and_children = |s: &Schema| Schema {
        pointer: Pointer::root(),
        description: None,
        title: None,
        examples: Vec::new(),
        extensions: Default::default(),
        properties: Default::default(),
        pattern_properties: Default::default(),
        property_names: None,
        additional_properties: None,
        unevaluated_properties: None,
        items: None,
        prefix_items: Vec::new(),
        all_of: Vec::new(),
        one_of: Vec::new(),
        any_of: Vec::new(),
        not: None,
        ..s.clone()
    };
    let same_all = |p: &[SchemaId], q: &[SchemaId]| {
        p.len() == q.len() && p.iter().zip(q).all(|(&p, &q)| same_shape(resolved, p, q))
    };
    let same_maps = |p: &indexmap::IndexMap<String, SchemaId>, q: &indexmap::IndexMap<String, SchemaId>| {
        p.len() == q.len() && p.iter().zip(q).all(|((pn, &p), (qn, &q))| pn == qn && same_shape(resolved, p, q))
    };
    let same_either = |p: Option<SchemaOrBool>, q: Option<SchemaOrBool>| match (p, q) {
        (Some(SchemaOrBool::Schema(p)), Some(SchemaOrBool::Schema(q))) => same_shape(resolved, p, q),
        (p, q) => p == q,
    };
    let same_option = |p: Option<SchemaId>, q: Option<SchemaId>| match (p, q) {
        (Some(p), Some(q)) => same_shape(resolved, p, q),
        (p, q) => p == q,
    };
    without_prose_and_children(x) == without_prose_and_children(y)
        && same_maps(&x.properties, &y.properties)
        && same_maps(&x.pattern_properties, &y.pattern_properties)
        && same_option(x.property_names, y.property_names)
        && same_either(x.additional_properties, y.additional_properties)
        && same_either(x.unevaluated_properties, y.unevaluated_properties)
        && same_either(x.items, y.items)
        && same_all(&x.prefix_items, &y.prefix_items)
        && same_all(&x.all_of, &y.all_of)
        && same_all(&x.one_of, &y.one_of)
        && same_all(&x.any_of, &y.any_of)
        && same_option(x.not, y.not)
}
