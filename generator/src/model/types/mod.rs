//! Schemas → named types and type uses.
//!
//! Every component schema becomes a named type. An inline schema that needs a definition of its
//! own (an object, an enum, a union) becomes a named type too, named from where it appears
//! (`SecretRequest` + `kind` → `SecretRequestKind`); primitives and arrays stay inline uses. A
//! schema that `$ref`s point at outside the components (`$defs`, a place in `paths`) is defined
//! once, named after where it is, however many references use it.
//!
//! This file holds the [`TypeBuilder`] and what the rest of the model asks of it; each concern of
//! deciding a type has a file of its own, with an `impl TypeBuilder` block: `shape` (which Rust
//! shape a schema takes), `objects`, `merge` (`allOf`), `unions`, `enums`. The helpers they
//! share, `chains`, `keywords`, `naming`, `secrets` and `text`, use nothing of the builder.

mod chains;
mod enums;
mod keywords;
mod merge;
mod naming;
mod objects;
mod secrets;
mod shape;
mod text;
mod unions;

pub use text::docs;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use self::chains::ReferenceChains;
use self::naming::{component_names, name_from_pointer, ComponentNames};
use self::text::constraints;
use crate::diagnostics::{Error, Warning};
use crate::load::{JsonType, Schema, SchemaId, SchemaOrBool};
use crate::model::cycles::box_recursive_fields;
use crate::model::ir::{Constraint, TypeDef, TypeKind, TypeRef};
use crate::model::names::unique;
use crate::model::synthesize::Examples;
use crate::pointer::Pointer;
use crate::resolve::Resolved;
use crate::DateTimeType;

/// A type use and whether `null` is allowed in its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    pub ty: TypeRef,
    pub nullable: bool,
}

impl Usage {
    /// The type, as `Option<T>` when `null` is allowed: for places with no field of their own
    /// to say so (list items, map values, bodies).
    pub fn or_null(self) -> TypeRef {
        if self.nullable && self.ty != TypeRef::Json {
            TypeRef::OrNull(Box::new(self.ty))
        } else {
            self.ty
        }
    }
}

/// What a schema turns into: a use of an existing type, or a definition that needs a name.
enum Shape {
    Use(TypeRef),
    Define(TypeKind),
}

/// Turns schemas into named types and type uses, naming each type once; what it builds comes
/// out of [`TypeBuilder::finish`].
pub struct TypeBuilder<'r, 'd> {
    resolved: &'r Resolved<'d>,
    /// Schemas with a type of their own: components, and schemas `$ref`s point at once defined.
    names: HashMap<SchemaId, String>,
    taken: HashSet<String>,
    types: BTreeMap<String, TypeDef>,
    /// Targets of references, once their use is decided.
    referenced: HashMap<SchemaId, Usage>,
    /// Every schema some `$ref` points at.
    referenced_anywhere: HashSet<SchemaId>,
    /// Schemas being decided now, with their hint and, once one is reached again while
    /// deciding (recursion), the name it needs.
    deciding: HashMap<SchemaId, (String, Option<String>)>,
    /// What each chain of bare references says, from a schema to its end.
    chains: ReferenceChains<'r, 'd>,
    /// What `format: date-time` becomes.
    date_time: TypeRef,
    /// Values for parameters and bodies that their schemas accept.
    pub examples: Examples<'r, 'd>,
    pub warnings: Vec<Warning>,
}

impl<'r, 'd> TypeBuilder<'r, 'd> {
    /// `renames`: component schema name → the Rust name the user wants for its type.
    pub fn new(
        resolved: &'r Resolved<'d>,
        renames: &BTreeMap<String, String>,
        date_time: DateTimeType,
    ) -> Result<Self, Error> {
        let ComponentNames { names, taken } = component_names(resolved, renames)?;
        let date_time = match date_time {
            DateTimeType::Chrono => TypeRef::DateTime,
            DateTimeType::Time => TypeRef::OffsetDateTime,
            DateTimeType::String => TypeRef::String,
        };
        Ok(TypeBuilder {
            resolved,
            names,
            taken,
            types: BTreeMap::new(),
            referenced: HashMap::new(),
            referenced_anywhere: resolved.reference_targets().collect(),
            deciding: HashMap::new(),
            chains: ReferenceChains::new(resolved),
            date_time,
            examples: Examples::new(resolved),
            warnings: Vec::new(),
        })
    }

    /// Whether the schema says anything about a value (`{}` and annotations alone do not).
    pub fn describes_anything(&self, id: SchemaId) -> bool {
        self.resolved.schema(id).has_structure()
    }

    /// Defines a type for every component schema, under the name `new` gave it.
    pub fn define_components(&mut self) -> Result<(), Error> {
        let resolved = self.resolved;
        for &id in resolved.document.components.schemas.values() {
            let name = self.names[&id].clone();
            let schema = self.resolved.schema(id);
            let kind = match (resolved.target(id), schema.is_bare_reference()) {
                // `Base: {$ref: Compact}`: another name for that type.
                (Some(target), true) => TypeKind::Alias(self.target_usage(target)?.ty),
                _ => match self.shape(id, &name)? {
                    (Shape::Use(ty), _) => TypeKind::Alias(ty),
                    (Shape::Define(kind), _) => kind,
                },
            };
            self.insert(name, schema, kind);
        }
        Ok(())
    }

    /// The type to use for schema `id`, defining a new named type from `hint` when it needs one.
    pub fn usage(&mut self, id: SchemaId, hint: &str) -> Result<Usage, Error> {
        let schema = self.resolved.schema(id);
        if let Some(name) = self.names.get(&id) {
            return Ok(Usage { ty: TypeRef::Named(name.clone()), nullable: self.accepts_null(id) });
        }
        if let Some((first_hint, name)) = self.deciding.get_mut(&id) {
            // Reached again while deciding it: a recursive type (`allOf` merging a schema
            // that holds this one, references around a loop), which needs a name now.
            let name = name.get_or_insert_with(|| unique(first_hint.clone(), &mut self.taken, "")).clone();
            return Ok(Usage { ty: TypeRef::Named(name), nullable: false });
        }
        self.deciding.insert(id, (hint.to_owned(), None));
        let decided = match (self.resolved.target(id), schema.is_bare_reference()) {
            // A reference, perhaps annotated (`description`, `nullable`, `default` beside it):
            // a use of what it points at.
            (Some(target), true) => {
                self.target_usage(target).map(|inner| (Shape::Use(inner.ty), inner.nullable || schema.nullable))
            }
            _ => self.shape(id, hint),
        };
        let named_early = self.deciding.remove(&id).and_then(|(_, name)| name);
        let (shape, nullable) = decided?;
        let ty = match (shape, named_early) {
            (Shape::Define(kind), name) => {
                let name = name.unwrap_or_else(|| unique(hint.to_owned(), &mut self.taken, ""));
                self.insert(name.clone(), schema, kind);
                // A schema that `$ref`s point at is shared: every use of it, by reference or
                // where it is written, is this one type.
                if self.referenced_anywhere.contains(&id) {
                    self.names.insert(id, name.clone());
                }
                TypeRef::Named(name)
            }
            // A recursive use of something that is not a definition of its own: its name
            // becomes an alias; with nothing but references around the loop, of any value.
            (Shape::Use(ty), Some(name)) => {
                let ty = if ty == TypeRef::Named(name.clone()) { TypeRef::Json } else { ty };
                self.insert(name.clone(), schema, TypeKind::Alias(ty));
                TypeRef::Named(name)
            }
            (Shape::Use(ty), None) => ty,
        };
        Ok(Usage { ty, nullable })
    }

    /// What a `$ref` to `target` means: a component's type, or the type of the schema it
    /// points at, decided once and named after where it is.
    fn target_usage(&mut self, target: SchemaId) -> Result<Usage, Error> {
        if let Some(usage) = self.referenced.get(&target) {
            return Ok(usage.clone());
        }
        let hint = name_from_pointer(&self.resolved.schema(target).pointer);
        let usage = self.usage(target, &hint)?;
        if !self.deciding.contains_key(&target) {
            self.referenced.insert(target, usage.clone());
        }
        Ok(usage)
    }

    fn insert(&mut self, name: String, schema: &Schema, kind: TypeKind) {
        let docs = docs(schema.title.as_deref(), schema.description.as_deref());
        self.types.insert(
            name.clone(),
            TypeDef {
                name,
                pointer: schema.pointer.clone(),
                docs,
                deprecated: schema.deprecated,
                kind,
                constraints: constraints(schema),
                sent: false,
                features: Vec::new(),
            },
        );
    }

    /// Whether `ty` (through aliases) is a struct with a property `wire` of type `field_type`.
    pub fn has_field(&self, ty: &TypeRef, wire: &str, field_type: &TypeRef) -> bool {
        let mut current = ty;
        for _ in 0..=self.types.len() {
            let TypeRef::Named(name) = current else { return false };
            match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner)) => current = inner,
                Some(TypeKind::Struct(s)) => return s.fields.iter().any(|f| f.wire == wire && &f.ty == field_type),
                _ => return false,
            }
        }
        false
    }

    /// The schema of the items of an array schema, if `id` is one.
    pub fn array_items(&self, id: SchemaId) -> Option<SchemaId> {
        let schema = self.resolved.schema(id);
        match (schema.non_null_types().as_slice(), schema.items) {
            ([JsonType::Array], Some(SchemaOrBool::Schema(items))) => Some(items),
            _ => None,
        }
    }

    /// The first example the schema gives (`example`, `examples`), or the nearest one along its
    /// chain of bare references: what the docs show for a body that has none of its own.
    pub fn schema_example(&self, id: SchemaId) -> Option<Value> {
        self.chains.first_example(id)
    }

    /// What an event's `data` is, when a 3.2 `itemSchema` describes the event (`{data, event,
    /// id, retry}`): the schema of its content, or the `data` property itself.
    pub fn event_data(&self, item: SchemaId) -> Option<SchemaId> {
        let data = *self.resolved.schema(item).properties.get("data")?;
        Some(self.resolved.schema(data).content_schema.unwrap_or(data))
    }

    /// The rules a schema sets on its values: its own, or, for a bare `$ref`, those of the
    /// first schema along the chain that has any.
    pub fn constraints_along(&self, id: SchemaId) -> Vec<Constraint> {
        self.chains.constraints(id)
    }

    pub fn error(&self, pointer: &Pointer, message: impl Into<String>) -> Error {
        self.resolved.error(pointer, message)
    }

    fn warn(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning::new(pointer.clone(), message));
    }

    /// A warning about a type replaced by a safe one.
    fn fell_back(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning::fallback(pointer.clone(), message));
    }

    /// Whether `null` is a value of schema `id`: it says so (`nullable`, a `null` type), or
    /// one of its alternatives is `null`, or it refers to something that does.
    fn accepts_null(&self, id: SchemaId) -> bool {
        self.chains.accepts_null(id)
    }

    /// The named types, sorted by name, with the fields and variants that make a type contain
    /// itself boxed.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Warning>) {
        self.mark_tag_carriers();
        let mut types: Vec<TypeDef> = self.types.into_values().collect();
        box_recursive_fields(&mut types);
        (types, self.warnings)
    }
}
