//! Schemas → named types and type uses.
//!
//! Every component schema becomes a named type. An inline schema that needs a definition of its
//! own (an object, an enum, a union) becomes a named type too, named from where it appears
//! (`SecretRequest` + `kind` → `SecretRequestKind`); primitives and arrays stay inline uses. A
//! schema that `$ref`s point at outside the components (`$defs`, a place in `paths`) is defined
//! once, named after where it is, however many references use it.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use serde_json::Value;

use super::choices;
use super::names::{field_name, type_name, unique};
use super::synthesize::Examples;
use super::{Constraint, EnumValue, Field, IntValue, Struct, TypeDef, TypeKind, TypeRef, Union, Variant};
use crate::diagnostics::{Error, Pointer, Warning};
use crate::load::{Constraints, JsonType, Schema, SchemaId, SchemaOrBool};
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
    /// What each chain of bare references says, from a schema to its end, computed once per
    /// schema: documents chain thousands of aliases, and walking the rest of the chain from
    /// every link would be quadratic.
    chains: RefCell<HashMap<SchemaId, Rc<ChainSummary>>>,
    /// What `format: date-time` becomes.
    date_time: TypeRef,
    /// Values for parameters and bodies that their schemas accept.
    pub examples: Examples<'r, 'd>,
    pub warnings: Vec<Warning>,
}

/// The annotations a chain of bare references carries, merged from its first link to its last.
#[derive(Default)]
struct ChainSummary {
    /// Some link allows `null`.
    accepts_null: bool,
    read_only: bool,
    write_only: bool,
    deprecated: bool,
    /// The nearest link's.
    default: Option<Value>,
    /// The nearest link's that has any.
    examples: Vec<Value>,
    /// Every link's; a farther link's value wins.
    extensions: indexmap::IndexMap<String, Value>,
}

const RESERVED: [&str; 11] =
    ["String", "Vec", "Option", "Box", "Result", "Some", "None", "Ok", "Err", "Default", "Self"];

impl<'r, 'd> TypeBuilder<'r, 'd> {
    /// `renames`: component schema name → the Rust name the user wants for its type.
    pub fn new(
        resolved: &'r Resolved<'d>,
        renames: &BTreeMap<String, String>,
        date_time: DateTimeType,
    ) -> Result<Self, Error> {
        // Names generated code uses unqualified: a schema called `Option` gets `Option2`.
        let mut taken: HashSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
        let mut names = HashMap::new();
        // Sorted, so that collision suffixes do not depend on document order.
        let sorted: BTreeMap<&String, SchemaId> =
            resolved.document.components.schemas.iter().map(|(n, id)| (n, *id)).collect();
        // Renamed components first: their names are the user's, and no other type may take them.
        let mut chosen_by: BTreeMap<&str, &str> = BTreeMap::new();
        for (component, rust_name) in renames {
            let Some(&id) = sorted.get(component) else {
                return Err(choices::error(
                    resolved,
                    format!(
                        "renames: type `{component}` is not a component schema of the document{}",
                        choices::suggest(component, sorted.keys().map(|k| k.as_str()))
                    ),
                ));
            };
            let invalid =
                |why: String| choices::error(resolved, format!("renames: type `{component}` → `{rust_name}`: {why}"));
            choices::type_identifier(rust_name).map_err(invalid)?;
            if RESERVED.contains(&rust_name.as_str()) {
                return Err(invalid("the generated code uses that name for a standard type".into()));
            }
            if let Some(other) = chosen_by.insert(rust_name, component) {
                return Err(invalid(format!("`{other}` is renamed to it too")));
            }
            taken.insert(rust_name.clone());
            names.insert(id, rust_name.clone());
        }
        for (name, id) in sorted {
            if renames.contains_key(name) {
                continue;
            }
            let derived = type_name(name);
            if let Some(renamed) = chosen_by.get(derived.as_str()) {
                return Err(choices::error(
                    resolved,
                    format!("renames: type `{renamed}` → `{derived}`: component `{name}` already has that name"),
                ));
            }
            names.insert(id, unique(derived, &mut taken, ""));
        }
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
            chains: RefCell::default(),
            date_time,
            examples: Examples::new(resolved),
            warnings: Vec::new(),
        })
    }

    /// Whether the schema says anything about a value (`{}` and annotations alone do not).
    pub fn describes_anything(&self, id: SchemaId) -> bool {
        self.resolved.schema(id).has_structure()
    }

    /// The rules a schema sets on its values: its own, or, for a bare `$ref`, those of the
    /// first schema along the chain that has any.
    pub fn constraints_along(&self, id: SchemaId) -> Vec<Constraint> {
        let mut current = id;
        for _ in 0..64 {
            let schema = self.resolved.schema(current);
            let own = constraints(schema);
            match self.resolved.target(current) {
                Some(next) if own.is_empty() && schema.is_bare_reference() => current = next,
                _ => return own,
            }
        }
        Vec::new()
    }

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
        self.chain(id).examples.first().cloned()
    }

    /// What an event's `data` is, when a 3.2 `itemSchema` describes the event (`{data, event,
    /// id, retry}`): the schema of its content, or the `data` property itself.
    pub fn event_data(&self, item: SchemaId) -> Option<SchemaId> {
        let data = *self.resolved.schema(item).properties.get("data")?;
        Some(self.resolved.schema(data).content_schema.unwrap_or(data))
    }

    pub fn error(&self, pointer: &Pointer, message: impl Into<String>) -> Error {
        self.resolved.error(pointer, message)
    }

    fn warn(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: pointer.clone(), message: message.into() });
    }

    /// Whether `null` is a value of schema `id`: it says so (`nullable`, a `null` type), or
    /// one of its alternatives is `null`, or it refers to something that does.
    fn accepts_null(&self, id: SchemaId) -> bool {
        self.chain(id).accepts_null
    }

    /// The summary of the chain of bare references from `id` (included) to its end. Walks only
    /// to the first link already summarized, then summarizes the walked links backwards.
    fn chain(&self, id: SchemaId) -> Rc<ChainSummary> {
        if let Some(known) = self.chains.borrow().get(&id) {
            return known.clone();
        }
        let mut walked = vec![id];
        let mut seen = HashSet::from([id]);
        let mut rest: Option<Rc<ChainSummary>> = None;
        let mut current = id;
        while let (Some(next), true) =
            (self.resolved.target(current), self.resolved.schema(current).is_bare_reference())
        {
            if let Some(known) = self.chains.borrow().get(&next) {
                rest = Some(known.clone());
                break;
            }
            // `resolve` refuses loops of bare references; stop anyway rather than spin.
            if !seen.insert(next) {
                break;
            }
            walked.push(next);
            current = next;
        }
        let mut chains = self.chains.borrow_mut();
        for &link in walked.iter().rev() {
            let schema = self.resolved.schema(link);
            let own_null = schema.nullable
                || schema.one_of.iter().chain(&schema.any_of).any(|&m| self.resolved.schema(m).is_null_only());
            let summary = match &rest {
                None => ChainSummary {
                    accepts_null: own_null,
                    read_only: schema.read_only,
                    write_only: schema.write_only,
                    deprecated: schema.deprecated,
                    default: schema.default.clone(),
                    examples: schema.examples.clone(),
                    extensions: schema.extensions.clone(),
                },
                Some(rest) => {
                    let mut extensions = schema.extensions.clone();
                    extensions.extend(rest.extensions.iter().map(|(k, v)| (k.clone(), v.clone())));
                    ChainSummary {
                        accepts_null: own_null || rest.accepts_null,
                        read_only: schema.read_only || rest.read_only,
                        write_only: schema.write_only || rest.write_only,
                        deprecated: schema.deprecated || rest.deprecated,
                        default: schema.default.clone().or_else(|| rest.default.clone()),
                        examples: if schema.examples.is_empty() {
                            rest.examples.clone()
                        } else {
                            schema.examples.clone()
                        },
                        extensions,
                    }
                }
            };
            let summary = Rc::new(summary);
            chains.insert(link, summary.clone());
            rest = Some(summary);
        }
        rest.unwrap_or_default()
    }

    /// The shape of schema `id` and whether it allows `null`.
    fn shape(&mut self, id: SchemaId, name: &str) -> Result<(Shape, bool), Error> {
        let resolved = self.resolved;
        let schema = resolved.schema(id);
        let at = &schema.pointer;
        let mut nullable = schema.nullable;
        if schema.conditional {
            self.warn(at, "`if`/`then`/`else` are not expressed in Rust types; the other keywords decide the type");
        }
        if schema.dependent_schemas {
            self.warn(at, "`dependentSchemas` are not expressed in Rust types; the other keywords decide the type");
        }
        if let Some(SchemaOrBool::Schema(_)) = schema.unevaluated_properties {
            self.warn(at, "`unevaluatedProperties` is read as `additionalProperties`");
        }

        // `$ref` beside keywords of its own (a bare one is a use, decided in `usage`).
        if let Some(target) = resolved.target(id) {
            if has_object_keywords(schema) || self.is_object_like(target) {
                return Ok((Shape::Define(TypeKind::Struct(self.object(id, name)?)), nullable));
            }
            // Narrowing keywords (`enum`, `format`, bounds) next to a reference keep its type.
            let inner = self.target_usage(target)?;
            return Ok((Shape::Use(inner.ty), nullable || inner.nullable));
        }

        let alternatives = if schema.one_of.is_empty() { &schema.any_of } else { &schema.one_of };
        if !alternatives.is_empty() && !has_members(schema) && schema.all_of.is_empty() {
            if !schema.one_of.is_empty() && !schema.any_of.is_empty() {
                self.warn(at, "`anyOf` next to `oneOf` is ignored; the `oneOf` alternatives decide the type");
            }
            let (nulls, members): (Vec<SchemaId>, Vec<SchemaId>) =
                alternatives.iter().partition(|&&m| resolved.schema(m).is_null_only());
            nullable |= !nulls.is_empty();
            return Ok(match members.as_slice() {
                [] => (Shape::Use(TypeRef::Json), nullable),
                // `oneOf: [{type: "null"}, X]` is a nullable X. (A union of one alternative
                // written as such, perhaps with a discriminator, stays a union.)
                [only] if !nulls.is_empty() => {
                    let usage = self.usage(*only, name)?;
                    (Shape::Use(usage.ty), nullable || usage.nullable)
                }
                _ => match self.value_enum(&members) {
                    Some(kind) => (Shape::Define(kind), nullable),
                    None => {
                        let (union, any_null) = self.union(schema, &members, name)?;
                        (Shape::Define(TypeKind::Union(union)), nullable || any_null)
                    }
                },
            });
        }

        if !schema.all_of.is_empty() {
            let members = self.substantive(&schema.all_of);
            // `type: object` beside `allOf` makes a struct of its own, even of one member.
            let own_object = has_object_keywords(schema) || schema.non_null_types().contains(&JsonType::Object);
            // Members that only annotate (`allOf: [{}, {description: …}]`) constrain nothing:
            // any value, not an empty object.
            if members.is_empty() && !own_object && alternatives.is_empty() && schema.non_null_types().is_empty() {
                nullable |= self.annotations_nullable(&schema.all_of);
                return Ok((Shape::Use(TypeRef::Json), nullable));
            }
            if let ([only], false) = (members.as_slice(), own_object || !alternatives.is_empty()) {
                // `allOf: [$ref]` with annotations (nullable, description), or with narrowing
                // keywords (`enum: [1]` next to it): a use of the referenced type.
                let usage = self.usage(*only, name)?;
                nullable |= usage.nullable || self.annotations_nullable(&schema.all_of);
                return Ok((Shape::Use(usage.ty), nullable));
            }
            if !members.is_empty() || own_object || !alternatives.is_empty() {
                return Ok((Shape::Define(TypeKind::Struct(self.object(id, name)?)), nullable));
            }
            // Only annotations (`allOf: [{}, {example: "100"}]`): not an object, whatever the
            // schema's own keywords say below (nothing: any value).
            nullable |= self.annotations_nullable(&schema.all_of);
        }
        if !alternatives.is_empty() {
            // Properties beside `oneOf`: a struct keeping what the alternatives add.
            return Ok((Shape::Define(TypeKind::Struct(self.object(id, name)?)), nullable));
        }

        if schema.not.is_some() {
            let rest = Schema { not: None, ..schema.clone() };
            if !rest.has_structure() {
                self.warn(at, "`not` schemas are not supported; using serde_json::Value");
                return Ok((Shape::Use(TypeRef::Json), nullable));
            }
            self.warn(at, "`not` is not expressed in Rust types; the other keywords decide the type");
        }

        let types = self.types_of(schema);
        let shape = match types.as_slice() {
            [] => Shape::Use(TypeRef::Json),
            [single] => self.typed(id, *single, name)?,
            [JsonType::Integer, JsonType::Number] => Shape::Use(TypeRef::F64),
            several => {
                // `type: [string, integer]`: a union with one variant per type.
                let mut variants = Vec::new();
                for &json_type in several {
                    let variant_hint = format!("{name}{}", type_word(json_type));
                    let ty = match self.typed(id, json_type, &variant_hint)? {
                        Shape::Use(ty) => ty,
                        Shape::Define(kind) => {
                            let variant_name = unique(variant_hint, &mut self.taken, "");
                            self.insert(variant_name.clone(), schema, kind);
                            TypeRef::Named(variant_name)
                        }
                    };
                    variants.push(Variant {
                        name: type_word(json_type).to_owned(),
                        ty,
                        tag_values: Vec::new(),
                        carries_tag: false,
                        boxed: false,
                    });
                }
                Shape::Define(TypeKind::Union(Union { tag: None, variants }))
            }
        };
        Ok((shape, nullable))
    }

    /// The JSON types a schema's values can have, besides `null`: as `type` says, or, when it
    /// does not, as its other keywords imply.
    fn types_of(&self, schema: &Schema) -> Vec<JsonType> {
        let named = schema.non_null_types();
        if !named.is_empty() || schema.types.is_some() {
            return named;
        }
        if !schema.properties.is_empty()
            || schema.additional_properties.is_some()
            || !schema.pattern_properties.is_empty()
        {
            return vec![JsonType::Object];
        }
        if schema.items.is_some() || !schema.prefix_items.is_empty() {
            return vec![JsonType::Array];
        }
        if let Some(values) = &schema.enumeration {
            let mut types: Vec<JsonType> = values.iter().map(JsonType::of).collect();
            types.sort();
            types.dedup();
            return types;
        }
        if schema.format.is_some() || schema.content_encoding.is_some() || schema.content_media_type.is_some() {
            return vec![JsonType::String];
        }
        Vec::new()
    }

    /// The shape of the values of schema `id` that are of JSON type `ty`.
    fn typed(&mut self, id: SchemaId, ty: JsonType, name: &str) -> Result<Shape, Error> {
        let schema = self.resolved.schema(id);
        let values_of = |wanted: JsonType| -> Option<Vec<&Value>> {
            let values: Vec<&Value> =
                schema.enumeration.iter().flatten().filter(|v| JsonType::of(v) == wanted).collect();
            (!values.is_empty()).then_some(values)
        };
        Ok(match ty {
            JsonType::String => match values_of(JsonType::String) {
                Some(values) => {
                    let names = enum_names(schema, values.len());
                    let descriptions = enum_descriptions(schema, values.len());
                    let values: Vec<(&str, Option<String>, Option<String>)> = values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            (v.as_str().unwrap_or_default(), names.get(i).cloned(), descriptions.get(i).cloned())
                        })
                        .collect();
                    Shape::Define(TypeKind::Enum(enum_values(values)))
                }
                None => Shape::Use(match string_type(schema) {
                    TypeRef::DateTime => self.date_time.clone(),
                    other => other,
                }),
            },
            JsonType::Integer => {
                let values = values_of(JsonType::Integer);
                let names = enum_names(schema, values.as_ref().map_or(0, Vec::len));
                match values {
                    // Integer values the document names (`x-enum-varnames`): an open enum of
                    // named constants. (`const` alternatives with titles are `value_enum`'s.)
                    Some(values) if names.len() == values.len() => {
                        let descriptions = enum_descriptions(schema, values.len());
                        let values = values
                            .iter()
                            .enumerate()
                            .filter_map(|(i, v)| Some((v.as_i64()?, names[i].clone(), descriptions.get(i).cloned())))
                            .collect();
                        Shape::Define(TypeKind::IntEnum(int_values(values)))
                    }
                    _ => {
                        Shape::Use(if schema.format.as_deref() == Some("int32") { TypeRef::I32 } else { TypeRef::I64 })
                    }
                }
            }
            JsonType::Number => {
                Shape::Use(if schema.format.as_deref() == Some("float") { TypeRef::F32 } else { TypeRef::F64 })
            }
            JsonType::Boolean => Shape::Use(TypeRef::Bool),
            JsonType::Null => Shape::Use(TypeRef::Json),
            JsonType::Array => Shape::Use(self.array(schema, name)?),
            JsonType::Object => {
                if schema.properties.is_empty() {
                    match self.map_values(schema, name)? {
                        Some(value) => Shape::Use(TypeRef::Map(Box::new(value))),
                        // A free-form object: keep whatever comes.
                        None => Shape::Use(TypeRef::Json),
                    }
                } else {
                    Shape::Define(TypeKind::Struct(self.object(id, name)?))
                }
            }
        })
    }

    fn array(&mut self, schema: &Schema, name: &str) -> Result<TypeRef, Error> {
        if !schema.prefix_items.is_empty() {
            // A tuple when the positions are all there is (`items: false`, or absent).
            let closed = matches!(schema.items, None | Some(SchemaOrBool::Bool(false)));
            if closed && schema.prefix_items.len() <= 12 {
                let mut items = Vec::new();
                for (i, &item) in schema.prefix_items.iter().enumerate() {
                    items.push(self.usage(item, &format!("{name}Item{i}"))?.or_null());
                }
                return Ok(TypeRef::Tuple(items));
            }
            self.warn(
                &schema.pointer,
                "`prefixItems` followed by more items (or more than 12 positions) is not a Rust tuple; items are serde_json::Value",
            );
            return Ok(TypeRef::List(Box::new(TypeRef::Json)));
        }
        let item = match schema.items {
            Some(SchemaOrBool::Schema(items)) => self.usage(items, &format!("{name}Item"))?.or_null(),
            _ => TypeRef::Json,
        };
        Ok(TypeRef::List(Box::new(item)))
    }

    /// The value type of an object that is only a map: `additionalProperties`, or
    /// `patternProperties` (keys are strings whatever their pattern).
    fn map_values(&mut self, schema: &Schema, name: &str) -> Result<Option<TypeRef>, Error> {
        let hint = format!("{name}Value");
        let mut values = BTreeSet::new();
        if let Some(SchemaOrBool::Schema(value)) = schema.additional_properties.or(schema.unevaluated_properties) {
            values.insert(self.usage(value, &hint)?.or_null());
        }
        for &value in schema.pattern_properties.values() {
            values.insert(self.usage(value, &hint)?.or_null());
        }
        // Values of several types under different patterns: any value.
        Ok(match values.len() {
            0 => None,
            1 => values.into_iter().next(),
            _ => Some(TypeRef::Json),
        })
    }

    /// An object, with every `allOf` member merged into one flat struct: the union of the
    /// properties and of `required`.
    fn object(&mut self, id: SchemaId, name: &str) -> Result<Struct, Error> {
        self.object_of(&[id], name, 0)
    }

    /// One struct for values that satisfy every schema of `ids` (one, or the definitions of a
    /// property that several `allOf` members declare); `depth`: how deep in such merges.
    fn object_of(&mut self, ids: &[SchemaId], name: &str, depth: usize) -> Result<Struct, Error> {
        let mut parts = ObjectParts::default();
        for &id in ids {
            self.collect(id, &mut parts, &mut HashSet::new(), ids.len() == 1)?;
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
            let data = self.annotations(property);
            let required = parts.required.contains(wire);
            let secret = (is_secret(name, wire, &data) || data.format.as_deref() == Some("password"))
                && matches!(usage.ty, TypeRef::String);
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
            self.warn(&at, format!("required property `{wire}` has no schema; typed as serde_json::Value"));
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

    /// What a property says about itself: its own annotations, and for a reference those of
    /// what it points at (its own description, when it has one, wins: 3.1 allows a
    /// `description` beside a `$ref`; the target's describes the type, not the property).
    fn annotations(&self, id: SchemaId) -> Schema {
        let mut data = self.resolved.schema(id).clone();
        let next = self.resolved.target(id).filter(|_| data.is_bare_reference());
        if let Some(rest) = next.filter(|&next| next != id).map(|next| self.chain(next)) {
            data.read_only |= rest.read_only;
            data.write_only |= rest.write_only;
            data.deprecated |= rest.deprecated;
            data.default = data.default.or_else(|| rest.default.clone());
            if data.examples.is_empty() {
                data.examples = rest.examples.clone();
            }
            data.extensions.extend(rest.extensions.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        data
    }

    fn collect(
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
            self.collect(target, parts, visiting, false)?;
        }
        parts.add(self, schema);
        for &member in &schema.all_of {
            self.collect(member, parts, visiting, false)?;
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
        self.warn(at, format!("{what} is not supported; its properties are kept as serde_json::Value in `additional`"));
        parts.additional = Some(Additional::Any);
    }

    /// The `allOf` members that say something besides annotations.
    fn substantive(&self, members: &[SchemaId]) -> Vec<SchemaId> {
        members.iter().copied().filter(|&m| !is_annotation(self.resolved.schema(m))).collect()
    }

    fn annotations_nullable(&self, members: &[SchemaId]) -> bool {
        members.iter().any(|&m| {
            let schema = self.resolved.schema(m);
            is_annotation(schema) && schema.nullable
        })
    }

    /// Whether `id` (through references) describes an object with properties.
    fn is_object_like(&self, id: SchemaId) -> bool {
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

    /// Alternatives that are each one value (`const`, or a one-value `enum`) with at most a
    /// title and a description: an enum, its names from the titles (`ACTION_ROW`).
    fn value_enum(&self, members: &[SchemaId]) -> Option<TypeKind> {
        let mut values = Vec::new();
        for &member in members {
            let schema = self.resolved.schema(member);
            let value = schema.single_value()?;
            let mut rest = schema.clone();
            rest.enumeration = None;
            rest.types = None;
            rest.format = None;
            if rest.has_structure() || rest.nullable {
                return None;
            }
            values.push((value, schema.title.clone(), schema.description.clone()));
        }
        if values.iter().all(|(v, _, _)| v.is_string()) {
            let values = values
                .iter()
                .map(|(v, title, description)| (v.as_str().unwrap_or_default(), title.clone(), description.clone()))
                .collect();
            return Some(TypeKind::Enum(enum_values(values)));
        }
        if values.iter().all(|(v, _, _)| v.is_i64()) {
            let values: Vec<(i64, String, Option<String>)> = values
                .iter()
                .map(|(v, title, description)| {
                    let number = v.as_i64().unwrap_or_default();
                    (
                        number,
                        title.clone().unwrap_or_else(|| format!("VALUE_{number}").replace('-', "MINUS_")),
                        description.clone(),
                    )
                })
                .collect();
            return Some(TypeKind::IntEnum(int_values(values)));
        }
        None
    }

    /// A `oneOf`/`anyOf` of several alternatives; also says whether one of them allows `null`.
    fn union(&mut self, schema: &Schema, members: &[SchemaId], name: &str) -> Result<(Union, bool), Error> {
        let resolved = self.resolved;
        let discriminator = schema.discriminator.as_ref();
        let implicit = if discriminator.is_none() { self.implicit_tag(members) } else { None };
        let mut variants = Vec::new();
        // `Unknown` keeps values with a tag the client does not know.
        let mut taken: HashSet<String> = HashSet::from(["Unknown".to_owned()]);
        let mut any_null = false;
        for (i, &member) in members.iter().enumerate() {
            let member_schema = resolved.schema(member);
            // An inline object with a single property (`{image: …}`) is named after it.
            let inline_name = (member_schema.reference.is_none()
                && member_schema.types.is_some()
                && member_schema.non_null_types() == [JsonType::Object]
                && member_schema.properties.len() == 1
                && member_schema.all_of.is_empty()
                && member_schema.one_of.is_empty()
                && member_schema.any_of.is_empty())
            .then(|| member_schema.properties.keys().next().map(|p| type_name(p)))
            .flatten();
            let hint = format!("{name}{}", inline_name.clone().unwrap_or_else(|| format!("Variant{i}")));
            let usage = self.usage(member, &hint)?;
            any_null |= usage.nullable;
            let reference = resolved.target(member).filter(|_| member_schema.is_bare_reference());
            let (tag_values, value_name) = match (discriminator, reference, &implicit) {
                (Some(d), Some(target), _) => {
                    let target_pointer = &resolved.schema(target).pointer;
                    let mapped: Vec<String> =
                        d.mapping.iter().filter(|(_, p)| p == target_pointer).map(|(v, _)| v.clone()).collect();
                    if mapped.is_empty() {
                        // Without a mapping, the tag value is the schema's name.
                        (target_pointer.last().into_iter().collect(), None)
                    } else {
                        (mapped, None)
                    }
                }
                (None, _, Some(implicit)) => (vec![implicit.values[i].clone()], implicit.names[i].clone()),
                _ => (Vec::new(), None),
            };
            // `JobResponse::Cron(CronJobResponse)` reads better than repeating the type's name; a
            // number says nothing (`T1`), unless an enum names it.
            let word_tag = match tag_values.as_slice() {
                [tag] if tag.parse::<f64>().is_err() => Some(type_name(tag)),
                _ => None,
            };
            // `AiAgentAsk` in `AiAgent` → `Ask`, as for type names; an explicit tag is kept as
            // the document spells it.
            let value_name =
                value_name.or_else(|| word_tag.clone().filter(|_| implicit.is_some()).map(|t| without_affix(&t, name)));
            let base = match (value_name.or(word_tag), inline_name, &usage.ty) {
                (Some(tag), _, _) => tag,
                (None, Some(property), _) => property,
                (None, None, TypeRef::Named(n)) => without_affix(n, name),
                (None, None, ty) => variant_name(ty),
            };
            variants.push(Variant {
                name: unique(base, &mut taken, ""),
                ty: usage.ty,
                tag_values,
                carries_tag: false,
                boxed: false,
            });
        }
        let tag = discriminator.map(|d| d.property_name.clone()).or(implicit.map(|i| i.property));
        Ok((Union { tag, variants }, any_null))
    }

    /// A property every alternative requires and fixes to a value of its own (`type: {const:
    /// "message"}`): it tells the alternatives apart as a discriminator would.
    fn implicit_tag(&self, members: &[SchemaId]) -> Option<ImplicitTag> {
        let views: Vec<ObjectView> = members.iter().map(|&m| self.object_view(m)).collect();
        let first = views.first()?;
        'candidates: for (property, _) in &first.properties {
            let mut values = Vec::new();
            let mut names = Vec::new();
            for view in &views {
                if !view.required.contains(property) {
                    continue 'candidates;
                }
                let Some(&schema) = view.properties.iter().find(|(p, _)| p == property).map(|(_, s)| s) else {
                    continue 'candidates;
                };
                let Some(value) = self.fixed_value(schema) else { continue 'candidates };
                let text = match &value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => continue 'candidates,
                };
                if values.contains(&text) {
                    continue 'candidates;
                }
                names.push(self.value_name(schema, &value));
                values.push(text);
            }
            return Some(ImplicitTag { property: property.clone(), values, names });
        }
        None
    }

    /// The properties and `required` of an object alternative, through references and `allOf`.
    fn object_view(&self, id: SchemaId) -> ObjectView {
        let mut view = ObjectView::default();
        let mut stack = vec![id];
        let mut seen = HashSet::new();
        while let Some(current) = stack.pop() {
            if !seen.insert(current) {
                continue;
            }
            let schema = self.resolved.schema(current);
            for (name, &property) in &schema.properties {
                if !view.properties.iter().any(|(p, _)| p == name) {
                    view.properties.push((name.clone(), property));
                }
            }
            view.required.extend(schema.required.iter().cloned());
            stack.extend(schema.all_of.iter().rev());
            stack.extend(self.resolved.target(current));
        }
        view
    }

    /// The one value a property schema allows (through references and `allOf` narrowing).
    fn fixed_value(&self, id: SchemaId) -> Option<Value> {
        let mut seen = HashSet::new();
        let mut current = id;
        loop {
            let schema = self.resolved.schema(current);
            if let Some(value) = schema.single_value() {
                return Some(value.clone());
            }
            let next = self.resolved.target(current).or_else(|| match self.substantive(&schema.all_of).as_slice() {
                [only] => Some(*only),
                _ => None,
            })?;
            if !seen.insert(next) {
                return None;
            }
            current = next;
        }
    }

    /// The Rust name of `value` when the property's schema refers to an enum that names it
    /// (`MessageComponentTypes`'s `ACTION_ROW` → `ActionRow`).
    fn value_name(&self, id: SchemaId, value: &Value) -> Option<String> {
        let mut seen = HashSet::new();
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            if !seen.insert(current) {
                continue;
            }
            let schema = self.resolved.schema(current);
            for &member in schema.one_of.iter().chain(&schema.any_of) {
                let member = self.resolved.schema(member);
                if member.single_value() == Some(value) {
                    if let Some(title) = &member.title {
                        return Some(type_name(title));
                    }
                }
            }
            if let Some(values) = schema.enumeration.as_ref().filter(|v| v.len() > 1) {
                let names = enum_names(schema, values.len());
                if let Some(position) = values.iter().position(|v| v == value) {
                    if let Some(name) = names.get(position) {
                        return Some(type_name(name));
                    }
                }
            }
            stack.extend(self.resolved.target(current));
            stack.extend(&schema.all_of);
        }
        None
    }

    /// The named types, with fields that make a type contain itself boxed.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<Warning>) {
        let mut types = self.types;
        let contains: HashMap<String, Vec<String>> = types
            .values()
            .map(|t| {
                let mut direct = Vec::new();
                match &t.kind {
                    TypeKind::Struct(s) => s.fields.iter().for_each(|f| directly_named(&f.ty, &mut direct)),
                    TypeKind::Union(u) => u.variants.iter().for_each(|v| directly_named(&v.ty, &mut direct)),
                    TypeKind::Alias(ty) => directly_named(ty, &mut direct),
                    TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
                }
                (t.name.clone(), direct)
            })
            .collect();
        let tag_carriers: HashSet<(String, String)> = types
            .values()
            .filter_map(|t| match &t.kind {
                TypeKind::Struct(s) => Some(s.fields.iter().map(|f| (t.name.clone(), f.wire.clone()))),
                _ => None,
            })
            .flatten()
            .collect();
        // A field is boxed when its type contains the owner again (without a `Vec` or map in
        // between): with an edge owner → target, that is exactly when both sit in one strongly
        // connected component. Components are found once, in time linear in the types.
        let component = strongly_connected(&contains);
        let recursive = |ty: &TypeRef, owner: &str| {
            let mut direct = Vec::new();
            directly_named(ty, &mut direct);
            let owner_component = component.get(owner);
            direct.iter().any(|target| owner_component.is_some() && component.get(target.as_str()) == owner_component)
        };
        for t in types.values_mut() {
            let owner = t.name.clone();
            match &mut t.kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        field.boxed = recursive(&field.ty, &owner);
                    }
                }
                TypeKind::Union(u) => {
                    for variant in &mut u.variants {
                        variant.boxed = recursive(&variant.ty, &owner);
                        if let (Some(tag), TypeRef::Named(target)) = (&u.tag, &variant.ty) {
                            variant.carries_tag = tag_carriers.contains(&(target.clone(), tag.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        (types.into_values().collect(), self.warnings)
    }
}

struct ImplicitTag {
    property: String,
    /// Per alternative, in order: the tag value as text.
    values: Vec<String>,
    /// Per alternative: the name an enum gives the value, when one does.
    names: Vec<Option<String>>,
}

#[derive(Default)]
struct ObjectView {
    properties: Vec<(String, SchemaId)>,
    required: BTreeSet<String>,
}

enum Additional {
    Schema(SchemaId),
    Any,
}

#[derive(Default)]
struct ObjectParts {
    properties: indexmap::IndexMap<String, SchemaId>,
    /// Every definition of a property that several `allOf` members declare differently.
    merged: HashMap<String, Vec<SchemaId>>,
    required: BTreeSet<String>,
    additional: Option<Additional>,
}

impl ObjectParts {
    fn add(&mut self, builder: &mut TypeBuilder<'_, '_>, schema: &Schema) {
        for (name, &property) in &schema.properties {
            if let Some(&earlier) = self.properties.get(name) {
                if !same_shape(builder.resolved, earlier, property) {
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
    /// The type of a property several `allOf` members declare (`definitions`, in order): its
    /// values satisfy each. Definitions that only annotate (`{description, default}`) add
    /// nothing; objects merge into one struct and lists into a list of merged items (both again
    /// merging what they declare twice); otherwise the last definition is used, with a warning.
    fn merged_usage(&mut self, definitions: &[SchemaId], hint: &str, depth: usize) -> Result<Usage, Error> {
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

/// Keywords that declare an object's members.
fn has_members(schema: &Schema) -> bool {
    !schema.properties.is_empty() || schema.additional_properties.is_some() || !schema.pattern_properties.is_empty()
}

/// Keywords that describe an object's members.
fn has_object_keywords(schema: &Schema) -> bool {
    !schema.properties.is_empty()
        || !schema.required.is_empty()
        || schema.additional_properties.is_some()
        || !schema.pattern_properties.is_empty()
}

/// A schema that only annotates (`{description: …}`, `{nullable: true}`) adds no shape.
fn is_annotation(schema: &Schema) -> bool {
    !schema.has_structure()
        && schema.constraints == Constraints::default()
        && schema.required.is_empty()
        && schema.types.is_none()
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

/// Named types a value of `ty` holds inline (not behind a `Vec` or map).
fn directly_named(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::OrNull(inner) => directly_named(inner, out),
        TypeRef::Tuple(items) => items.iter().for_each(|item| directly_named(item, out)),
        _ => {}
    }
}

/// The strongly connected component of each type of `graph` (an edge: a type contains another
/// inline), numbered by Tarjan's algorithm, iteratively so that a cycle through thousands of
/// types cannot overflow the stack.
fn strongly_connected(graph: &HashMap<String, Vec<String>>) -> HashMap<&str, usize> {
    // Nodes in a fixed order, so that the numbering does not depend on hash order.
    let mut names: Vec<&str> = graph.keys().map(String::as_str).collect();
    names.sort_unstable();
    let index_of: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> =
        names.iter().map(|n| graph[*n].iter().filter_map(|t| index_of.get(t.as_str()).copied()).collect()).collect();
    const UNSEEN: usize = usize::MAX;
    let count = names.len();
    let (mut order, mut low, mut on_stack) = (vec![UNSEEN; count], vec![0; count], vec![false; count]);
    let mut component = vec![UNSEEN; count];
    let (mut next_order, mut next_component) = (0, 0);
    let mut stack = Vec::new();
    for root in 0..count {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, how many of its edges are done)
        let mut calls = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut done)) = calls.last_mut() {
            if let Some(&target) = edges[node].get(*done) {
                *done += 1;
                if order[target] == UNSEEN {
                    order[target] = next_order;
                    low[target] = next_order;
                    next_order += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    calls.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    names.into_iter().zip(component).collect()
}

/// A type name for a schema that is not a component, from where it is:
/// `#/components/schemas/Field/properties/name` → `FieldName`, `#/$defs/Node` → `Node`,
/// `#/components/responses/Conflict/content/application~1json/schema` → `Conflict`.
fn name_from_pointer(pointer: &Pointer) -> String {
    const STRUCTURE: [&str; 17] = [
        "components",
        "schemas",
        "properties",
        "content",
        "schema",
        "items",
        "additionalProperties",
        "paths",
        "webhooks",
        "responses",
        "parameters",
        "requestBodies",
        "headers",
        "pathItems",
        "patternProperties",
        "prefixItems",
        "itemSchema",
    ];
    let segments: Vec<String> = pointer.segments().collect();
    let start = segments.iter().rposition(|s| s == "$defs" || s == "definitions").map_or(0, |i| i + 1);
    let words: Vec<&str> =
        segments[start..].iter().map(String::as_str).filter(|s| !STRUCTURE.contains(s) && !s.contains('/')).collect();
    let name = type_name(&words.join(" "));
    if name == "T" {
        "Schema".to_owned()
    } else {
        name
    }
}

/// `CronJobResponse` in `JobResponse` → `Cron`; `JobResponseCron` → `Cron`.
fn without_affix(variant: &str, union: &str) -> String {
    variant
        .strip_prefix(union)
        .or_else(|| variant.strip_suffix(union))
        .filter(|rest| !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(variant)
        .to_owned()
}

/// A string's Rust type, from its `format` or its content keywords.
fn string_type(schema: &Schema) -> TypeRef {
    let encoding = schema.content_encoding.as_deref().map(str::to_ascii_lowercase);
    match encoding.as_deref() {
        Some("base64" | "base64url") => return TypeRef::Base64,
        // Not a JSON Schema encoding, but what some documents write for a file part.
        Some("binary") => return TypeRef::Bytes,
        _ => {}
    }
    if let Some(media) = &schema.content_media_type {
        // Content of a media type held in a string: bytes, unless it is text.
        if !is_textual(media) {
            return TypeRef::Bytes;
        }
    }
    match schema.format.as_deref() {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("binary") => TypeRef::Bytes,
        Some("byte") => TypeRef::Base64,
        Some("uuid") => TypeRef::Uuid,
        _ => TypeRef::String,
    }
}

fn is_textual(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence.starts_with("text/")
        || essence == "application/json"
        || essence.ends_with("+json")
        || essence.ends_with("xml")
        || essence.contains("yaml")
}

/// Names the document gives `count` enum values (`x-enum-varnames`, `x-enumNames`): one per
/// value, or none.
fn enum_names(schema: &Schema, count: usize) -> Vec<String> {
    for key in ["x-enum-varnames", "x-enumNames", "x-enum-names"] {
        if let Some(Value::Array(names)) = schema.extensions.get(key) {
            let names: Vec<String> = names.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect();
            if names.len() == count {
                return names;
            }
        }
    }
    Vec::new()
}

fn enum_descriptions(schema: &Schema, count: usize) -> Vec<String> {
    for key in ["x-enum-descriptions", "x-enumDescriptions"] {
        if let Some(Value::Array(texts)) = schema.extensions.get(key) {
            if texts.len() == count {
                return texts.iter().map(|t| t.as_str().unwrap_or_default().to_owned()).collect();
            }
        }
    }
    Vec::new()
}

fn type_word(ty: JsonType) -> &'static str {
    match ty {
        JsonType::String => "String",
        JsonType::Integer => "Integer",
        JsonType::Number => "Number",
        JsonType::Boolean => "Bool",
        JsonType::Array => "List",
        JsonType::Object => "Object",
        JsonType::Null => "Null",
    }
}

/// String enum values with their Rust names: the document's name when it gives one, else the
/// value's.
fn enum_values(values: Vec<(&str, Option<String>, Option<String>)>) -> Vec<EnumValue> {
    let mut taken = HashSet::new();
    // `Unknown` is the catch-all variant the emitter adds.
    taken.insert("Unknown".to_owned());
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter(|(v, _, _)| seen.insert(*v))
        .map(|(value, name, description)| EnumValue {
            name: unique(
                name.as_deref().map(type_name).filter(|n| n != "T").unwrap_or_else(|| variant_base(value)),
                &mut taken,
                "",
            ),
            value: value.to_owned(),
            docs: description.filter(|d| !d.trim().is_empty()),
        })
        .collect()
}

/// Integer enum values as constants: `ACTION_ROW`.
fn int_values(values: Vec<(i64, String, Option<String>)>) -> Vec<IntValue> {
    let mut taken = HashSet::new();
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter(|(v, _, _)| seen.insert(*v))
        .map(|(value, name, description)| {
            let mut constant = field_name(&name).to_shouty_snake_case();
            if constant.is_empty() || constant.starts_with(|c: char| c.is_ascii_digit()) {
                constant = format!("VALUE_{constant}");
            }
            IntValue {
                name: unique(constant, &mut taken, "_"),
                value,
                docs: description.filter(|d| !d.trim().is_empty()),
            }
        })
        .collect()
}

fn variant_base(value: &str) -> String {
    let name = type_name(value);
    if name == "T" && value.is_empty() {
        "Empty".to_owned()
    } else {
        name
    }
}

fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::DateTime | TypeRef::OffsetDateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Bytes | TypeRef::Base64 => "Bytes".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::List(item) => format!("{}List", variant_name(item)),
        TypeRef::Map(value) => format!("{}Map", variant_name(value)),
        TypeRef::OrNull(inner) => variant_name(inner),
        TypeRef::Tuple(_) => "Tuple".into(),
    }
}

/// Property names that hold credentials, whatever the document says of them.
const SECRET_NAMES: [&str; 9] = [
    "password",
    "secret",
    "token",
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
    "client_secret",
    "private_key",
];

/// `writeOnly` (sent, never returned) and `format: password` mark secrets in OpenAPI; so do
/// credential-like names, and the `value` of a type that is itself a secret.
fn is_secret(owner: &str, wire: &str, data: &Schema) -> bool {
    let lower = wire.to_ascii_lowercase();
    data.write_only
        || matches!(data.extensions.get("x-secret"), Some(Value::Bool(true)))
        || SECRET_NAMES.contains(&lower.as_str())
        || (lower == "value" && owner.to_ascii_lowercase().contains("secret"))
}

/// Title and description joined as rustdoc wants: a short first paragraph, then the rest.
pub fn docs(title: Option<&str>, description: Option<&str>) -> Option<String> {
    let parts: Vec<&str> =
        [title, description].into_iter().flatten().map(str::trim).filter(|s| !s.is_empty()).collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("\n\n"))
    }
}

/// The rules a schema sets on its values beyond their type, in the order the docs show them.
pub fn constraints(schema: &Schema) -> Vec<Constraint> {
    let c = &schema.constraints;
    let mut out = Vec::new();
    out.extend(schema.format.clone().map(Constraint::Format));
    out.extend(c.pattern.clone().map(Constraint::Pattern));
    if c.min_length.is_some() || c.max_length.is_some() {
        out.push(Constraint::Length { min: c.min_length, max: c.max_length });
    }
    match (c.minimum, c.exclusive_minimum) {
        (_, Some(value)) => out.push(Constraint::Minimum { value: number_text(value), exclusive: true }),
        (Some(value), None) => out.push(Constraint::Minimum { value: number_text(value), exclusive: false }),
        (None, None) => {}
    }
    match (c.maximum, c.exclusive_maximum) {
        (_, Some(value)) => out.push(Constraint::Maximum { value: number_text(value), exclusive: true }),
        (Some(value), None) => out.push(Constraint::Maximum { value: number_text(value), exclusive: false }),
        (None, None) => {}
    }
    out.extend(c.multiple_of.map(|m| Constraint::MultipleOf(number_text(m))));
    if c.min_items.is_some() || c.max_items.is_some() {
        out.push(Constraint::Items { min: c.min_items, max: c.max_items });
    }
    if c.unique_items {
        out.push(Constraint::UniqueItems);
    }
    if c.min_properties.is_some() || c.max_properties.is_some() {
        out.push(Constraint::Properties { min: c.min_properties, max: c.max_properties });
    }
    out
}

/// A bound as a person writes it: `10`, not `10.0`.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::{Api, TypeKind, TypeRef};

    fn model(yaml: &str) -> Api {
        let document = crate::load::parse(Path::new("t.yaml"), yaml).unwrap();
        let resolved = crate::resolve::resolve(&document).unwrap();
        crate::model::build(&resolved, &crate::Options::new("t", crate::RuntimeDependency::Path("r".into())))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
        &api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}")).kind
    }

    /// Every alias knows its final target in one look-up, past any number of aliases between.
    #[test]
    fn aliases_resolve_to_their_final_target() {
        let mut yaml = String::from("openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n");
        yaml.push_str("    End: {type: object, properties: {a: {type: string}}}\n");
        yaml.push_str("    Many: {type: array, items: {$ref: '#/components/schemas/Link0'}}\n");
        for i in 0..3_000 {
            yaml.push_str(&format!("    Link{i}: {{$ref: '#/components/schemas/Link{}'}}\n", i + 1));
        }
        yaml.push_str("    Link3000: {$ref: '#/components/schemas/End'}\n");
        let api = model(&yaml);
        let end = TypeRef::Named("End".into());
        assert_eq!(api.unaliased(&TypeRef::Named("Link0".into())), &end);
        assert_eq!(api.unaliased(&TypeRef::Named("Link2999".into())), &end);
        assert_eq!(api.unaliased(&end), &end);
        // An alias of a list stops at the list: its items are another matter.
        let many = TypeRef::Named("Many".into());
        assert!(matches!(api.unaliased(&many), TypeRef::List(_)), "{:?}", api.unaliased(&many));
    }

    /// Only fields that lead back to their own type are boxed: in `A → B → C → A` every link,
    /// not `Outside → A` nor `C.list` (a `Vec` already breaks the cycle), and not a long chain
    /// of aliases leading into the cycle (which must not overflow the stack either).
    #[test]
    fn fields_are_boxed_exactly_on_cycles() {
        let mut yaml = String::from("openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n");
        yaml.push_str("    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}\n");
        yaml.push_str("    B: {type: object, properties: {c: {$ref: '#/components/schemas/C'}}}\n");
        yaml.push_str("    C: {type: object, properties: {a: {$ref: '#/components/schemas/A'}, list: {type: array, items: {$ref: '#/components/schemas/A'}}}}\n");
        yaml.push_str("    Outside: {type: object, properties: {a: {$ref: '#/components/schemas/Alias0'}}}\n");
        for i in 0..5_000 {
            yaml.push_str(&format!("    Alias{i}: {{$ref: '#/components/schemas/Alias{}'}}\n", i + 1));
        }
        yaml.push_str("    Alias5000: {$ref: '#/components/schemas/A'}\n");
        let api = model(&yaml);
        let boxed = |name: &str, field: &str| match kind(&api, name) {
            TypeKind::Struct(s) => {
                s.fields.iter().find(|f| f.wire == field).unwrap_or_else(|| panic!("{name}.{field}")).boxed
            }
            other => panic!("{name}: {other:?}"),
        };
        assert!(boxed("A", "b") && boxed("B", "c") && boxed("C", "a"));
        assert!(!boxed("C", "list") && !boxed("Outside", "a"));
    }

    #[test]
    fn an_inline_schema_that_contains_itself_through_all_of_is_a_boxed_type() {
        // `Base.id` merges `Named`, which merges `Base`, which has `id`.
        let api = model(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      properties:\n        id:\n          allOf: [{$ref: '#/components/schemas/Named'}, {properties: {extra: {type: string}}}]\n    Named:\n      allOf: [{$ref: '#/components/schemas/Base'}, {properties: {name: {type: string}}}]\n",
        );
        let TypeKind::Struct(id) = kind(&api, "BaseId") else { panic!("{:?}", kind(&api, "BaseId")) };
        let field = id.fields.iter().find(|f| f.wire == "id").unwrap();
        assert_eq!(field.ty, TypeRef::Named("BaseId".into()));
        assert!(field.boxed);
    }

    #[test]
    fn a_querystring_parameter_needs_form_content_and_comes_alone() {
        let document = |content: &str, second: &str| {
            format!(
                "openapi: 3.2.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      parameters:\n        - {{name: q, in: querystring, content: {{{content}: {{schema: {{type: object}}}}}}}}\n{second}      responses: {{'200': {{description: ok}}}}\n"
            )
        };
        let refused = |yaml: &str| {
            let document = crate::load::parse(Path::new("t.yaml"), yaml).unwrap();
            let error = crate::resolve::resolve(&document).and_then(|r| {
                crate::model::build(&r, &crate::Options::new("t", crate::RuntimeDependency::Path("r".into())))
                    .map(|_| ())
            });
            error.unwrap_err().to_string()
        };
        let error = refused(&document("application/json", ""));
        assert!(
            error.contains("#/paths/~1a/get/parameters/0") && error.contains("application/x-www-form-urlencoded"),
            "{error}"
        );
        let second = "        - {name: r, in: querystring, content: {application/x-www-form-urlencoded: {}}}\n";
        let error = refused(&document("application/x-www-form-urlencoded", second));
        assert!(error.contains("#/paths/~1a/get/parameters/1") && error.contains("at most one"), "{error}");
        let api = model(&document("application/x-www-form-urlencoded", ""));
        assert_eq!(api.operations[0].params[0].location, crate::model::Location::QueryString);
    }

    #[test]
    fn references_around_a_loop_through_items_are_a_recursive_type() {
        let api = model(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Tree: {type: object, properties: {kids: {$ref: '#/components/schemas/Forest'}}}\n    Forest: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n",
        );
        assert_eq!(kind(&api, "Forest"), &TypeKind::Alias(TypeRef::List(Box::new(TypeRef::Named("Tree".into())))));
    }

    /// Box's `GenericSource` values: `allOf` of an empty schema and a description is any
    /// value, not an empty object that refuses strings.
    #[test]
    fn all_of_members_that_only_annotate_are_any_value() {
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Source:\n      type: object\n      additionalProperties:\n        allOf: [{}, {description: anything}]\n");
        assert_eq!(kind(&api, "Source"), &TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::Json))));
    }

    /// What the docs show: every constraint, in the document's numbers.
    #[test]
    fn fields_keep_their_constraints() {
        use crate::model::Constraint;
        let api = model("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        sid: {type: string, pattern: '^AC[0-9a-f]{32}$', minLength: 34, maxLength: 34}\n        n: {type: integer, format: int32, exclusiveMinimum: 0, maximum: 10, multipleOf: 2}\n        l: {type: array, items: {type: string}, minItems: 1, uniqueItems: true}\n");
        let TypeKind::Struct(s) = kind(&api, "A") else { panic!("A is a struct") };
        let of = |name: &str| &s.fields.iter().find(|f| f.name == name).unwrap().constraints;
        assert_eq!(
            of("sid"),
            &[Constraint::Pattern("^AC[0-9a-f]{32}$".into()), Constraint::Length { min: Some(34), max: Some(34) }]
        );
        assert_eq!(
            of("n"),
            &[
                Constraint::Format("int32".into()),
                Constraint::Minimum { value: "0".into(), exclusive: true },
                Constraint::Maximum { value: "10".into(), exclusive: false },
                Constraint::MultipleOf("2".into()),
            ]
        );
        assert_eq!(of("l"), &[Constraint::Items { min: Some(1), max: None }, Constraint::UniqueItems]);
    }

    /// `A = Vec<A>` is no Rust type: the alias becomes any JSON value, and says so.
    #[test]
    fn an_alias_that_is_a_list_of_itself_is_any_value() {
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Tree: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n");
        assert_eq!(kind(&api, "Tree"), &TypeKind::Alias(TypeRef::Json));
        assert!(
            api.warnings
                .iter()
                .any(|w| w.pointer.as_str() == "/components/schemas/Tree" && w.message.contains("contains itself")),
            "{:?}",
            api.warnings
        );
    }

    /// What the contract runs found: a HEAD answer has no body to decode, and `*/*` with an
    /// empty schema is bytes, not JSON (a client asking for JSON there is refused).
    #[test]
    fn head_answers_are_empty_and_any_content_is_bytes() {
        use crate::model::Payload;
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /b:\n    head:\n      operationId: peek\n      responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}\n    get:\n      operationId: download\n      responses: {default: {description: any, content: {'*/*': {schema: {}}}}}\n");
        let op = |id: &str| api.operations.iter().find(|o| o.id == id).unwrap();
        assert_eq!(op("peek").success.payload, Payload::Empty);
        assert_eq!(op("download").success.payload, Payload::Bytes);
    }

    /// Twilio's payload data: the only declared answer is a `307` with a body; it is the
    /// operation's result, which the runtime is told to accept.
    #[test]
    fn a_redirect_that_is_the_only_answer_is_the_result() {
        let api = model("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /d:\n    get:\n      operationId: data\n      responses: {'307': {description: here, content: {application/json: {schema: {type: object, properties: {redirect_to: {type: string}}}}}}}\n");
        let op = &api.operations[0];
        assert!(op.success.redirect_answers);
        assert_eq!(op.success.statuses.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["307"]);
        assert!(op.errors.is_empty());
    }
}
