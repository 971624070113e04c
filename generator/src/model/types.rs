//! Schemas → named types and type uses.
//!
//! Every component schema becomes a named type. An inline schema that needs a definition of its
//! own (an object, an enum, a union) becomes a named type too, named from where it appears
//! (`SecretRequest` + `kind` → `SecretRequestKind`); primitives and arrays stay inline uses.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use heck::ToUpperCamelCase;
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::names::{field_name, type_name, unique};
use super::{EnumValue, Field, Struct, TypeDef, TypeKind, TypeRef, Union, Variant};
use crate::diagnostics::{Error, Pointer, Warning};
use crate::resolve::Resolved;

/// A type use and whether `null` is allowed in its place.
#[derive(Clone, Debug)]
pub struct Usage {
    pub ty: TypeRef,
    pub nullable: bool,
}

/// What a schema turns into: a use of an existing type, or a definition that needs a name.
enum Shape {
    Use(TypeRef),
    Define(TypeKind),
}

pub struct TypeBuilder<'r, 'd> {
    resolved: &'r Resolved<'d>,
    /// Component schema name → Rust type name.
    components: HashMap<String, String>,
    taken: HashSet<String>,
    types: BTreeMap<String, TypeDef>,
    /// Inline schemas being turned into types right now, to catch `$ref` cycles through them.
    inlining: HashSet<Pointer>,
    pub warnings: Vec<Warning>,
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";

const RESERVED: [&str; 11] = ["String", "Vec", "Option", "Box", "Result", "Some", "None", "Ok", "Err", "Default", "Self"];

impl<'r, 'd> TypeBuilder<'r, 'd> {
    pub fn new(resolved: &'r Resolved<'d>) -> Self {
        // Names generated code uses unqualified: a schema called `Option` gets `Option2`.
        let mut taken: HashSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
        let mut components = HashMap::new();
        if let Some(c) = &resolved.api().components {
            // Sorted, so that collision suffixes do not depend on document order.
            let sorted: BTreeSet<&String> = c.schemas.keys().collect();
            for name in sorted {
                components.insert(name.clone(), unique(type_name(name), &mut taken, ""));
            }
        }
        TypeBuilder {
            resolved,
            components,
            taken,
            types: BTreeMap::new(),
            inlining: HashSet::new(),
            warnings: Vec::new(),
        }
    }

    pub fn define_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.resolved.api().components else {
            return Ok(());
        };
        let base = Pointer::root().join("components").join("schemas");
        for (name, schema) in &components.schemas {
            let rust_name = self.components[name].clone();
            let at = base.join(name);
            let located = self.resolved.schema(schema, &at)?;
            let shape = self.shape(&located.value, &located.pointer, &rust_name)?;
            let kind = match shape {
                Shape::Use(ty) => TypeKind::Alias(ty),
                Shape::Define(kind) => kind,
            };
            self.insert(rust_name, at, &located.value.schema_data, kind);
        }
        Ok(())
    }

    /// The type to use for `schema`, defining a new named type from `hint` when it needs one.
    pub fn usage(&mut self, schema: &ReferenceOr<Schema>, at: &Pointer, hint: &str) -> Result<Usage, Error> {
        if let ReferenceOr::Reference { reference } = schema {
            if let Some(name) = reference.strip_prefix(COMPONENT_PREFIX) {
                if let Some(rust_name) = self.components.get(name) {
                    let ty = TypeRef::Named(rust_name.clone());
                    let target = Pointer::from_ref(reference).unwrap_or_default();
                    let nullable = self.resolved.schema_at(&target)?.value.schema_data.nullable;
                    return Ok(Usage { ty, nullable });
                }
            }
        }
        let located = self.resolved.schema(schema, at)?;
        let hint = match schema {
            // A `$ref` to somewhere other than a component: name it after its target.
            ReferenceOr::Reference { .. } => located.pointer.last().map_or(hint.to_owned(), |l| type_name(&l)),
            ReferenceOr::Item(_) => hint.to_owned(),
        };
        // Only component schemas can be recursive types (they have names to refer back to);
        // a cycle through a `$ref` into an inline schema would inline forever.
        if !self.inlining.insert(located.pointer.clone()) {
            self.warn(at, format!("recursive $ref to {} which is not a component schema; using serde_json::Value", located.pointer));
            return Ok(Usage { ty: TypeRef::Json, nullable: false });
        }
        let usage = self.inline(&located.value, &located.pointer, &hint);
        self.inlining.remove(&located.pointer);
        usage
    }

    fn inline(&mut self, schema: &Schema, at: &Pointer, hint: &str) -> Result<Usage, Error> {
        let mut nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            // `allOf: [$ref]` with siblings (nullable, description) is how 3.0 documents annotate a
            // reference: it is a use of the referenced type, not a new one.
            SchemaKind::AllOf { all_of } if substantive(all_of).len() == 1 => {
                let (i, member) = substantive(all_of)[0];
                let inner = self.usage(member, &at.join("allOf").join(i), hint)?;
                nullable |= inner.nullable || annotations_nullable(all_of);
                inner.ty
            }
            _ => match self.shape(schema, at, hint)? {
                Shape::Use(ty) => ty,
                Shape::Define(kind) => {
                    let name = unique(hint.to_owned(), &mut self.taken, "");
                    self.insert(name.clone(), at.clone(), &schema.schema_data, kind);
                    TypeRef::Named(name)
                }
            },
        };
        Ok(Usage { ty, nullable })
    }

    fn insert(&mut self, name: String, pointer: Pointer, data: &SchemaData, kind: TypeKind) {
        let docs = docs(data.title.as_deref(), data.description.as_deref());
        self.types.insert(
            name.clone(),
            TypeDef {
                name,
                pointer,
                docs,
                deprecated: data.deprecated,
                kind,
                sent: false,
            },
        );
    }

    fn warn(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: pointer.clone(),
            message: message.into(),
        });
    }

    fn shape(&mut self, schema: &Schema, at: &Pointer, name: &str) -> Result<Shape, Error> {
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                if values.is_empty() {
                    Shape::Use(string_type(&s.format))
                } else {
                    Shape::Define(TypeKind::Enum(enum_values(values)))
                }
            }
            SchemaKind::Type(Type::Integer(i)) => Shape::Use(match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            SchemaKind::Type(Type::Number(n)) => Shape::Use(match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Use(TypeRef::Bool),
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    Some(items) => self.usage(&unbox(items), &at.join("items"), &format!("{name}Item"))?.ty,
                    None => TypeRef::Json,
                };
                Shape::Use(TypeRef::List(Box::new(item)))
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    match &o.additional_properties {
                        Some(AdditionalProperties::Schema(value)) => {
                            let at = at.join("additionalProperties");
                            let value = self.usage(value, &at, &format!("{name}Value"))?.ty;
                            return Ok(Shape::Use(TypeRef::Map(Box::new(value))));
                        }
                        // A free-form object: keep whatever comes.
                        _ => return Ok(Shape::Use(TypeRef::Json)),
                    }
                }
                Shape::Define(TypeKind::Struct(self.object(schema, at, name)?))
            }
            SchemaKind::AllOf { all_of } => match substantive(all_of).as_slice() {
                [(i, member)] => Shape::Use(self.usage(member, &at.join("allOf").join(i), name)?.ty),
                _ => Shape::Define(TypeKind::Struct(self.object(schema, at, name)?)),
            },
            SchemaKind::OneOf { one_of } => Shape::Define(TypeKind::Union(self.union(schema, one_of, &at.join("oneOf"), name)?)),
            SchemaKind::AnyOf { any_of } => Shape::Define(TypeKind::Union(self.union(schema, any_of, &at.join("anyOf"), name)?)),
            SchemaKind::Not { .. } => {
                self.warn(at, "`not` schemas are not supported; using serde_json::Value");
                Shape::Use(TypeRef::Json)
            }
            SchemaKind::Any(any) => self.any_shape(schema, any, at, name)?,
        })
    }

    /// A schema that mixes keywords `openapiv3` keeps apart (`type: object` with `allOf`, no
    /// `type` at all…): decided by what it actually holds.
    fn any_shape(&mut self, schema: &Schema, any: &AnySchema, at: &Pointer, name: &str) -> Result<Shape, Error> {
        if !any.properties.is_empty() || !any.all_of.is_empty() {
            return Ok(Shape::Define(TypeKind::Struct(self.object(schema, at, name)?)));
        }
        if !any.one_of.is_empty() {
            return Ok(Shape::Define(TypeKind::Union(self.union(schema, &any.one_of, &at.join("oneOf"), name)?)));
        }
        if !any.any_of.is_empty() {
            return Ok(Shape::Define(TypeKind::Union(self.union(schema, &any.any_of, &at.join("anyOf"), name)?)));
        }
        let strings: Option<Vec<&str>> = any.enumeration.iter().map(|v| v.as_str()).collect();
        if let Some(values) = strings.filter(|v| !v.is_empty()) {
            return Ok(Shape::Define(TypeKind::Enum(enum_values(values))));
        }
        Ok(Shape::Use(match any.typ.as_deref() {
            Some("string") => match any.format.as_deref() {
                Some(f) => string_type(&VariantOrUnknownOrEmpty::Unknown(f.to_owned())),
                None => TypeRef::String,
            },
            Some("integer") if any.format.as_deref() == Some("int32") => TypeRef::I32,
            Some("integer") => TypeRef::I64,
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("array") => {
                let item = match &any.items {
                    Some(items) => self.usage(&unbox(items), &at.join("items"), &format!("{name}Item"))?.ty,
                    None => TypeRef::Json,
                };
                TypeRef::List(Box::new(item))
            }
            _ => match &any.additional_properties {
                Some(AdditionalProperties::Schema(value)) => {
                    let at = at.join("additionalProperties");
                    TypeRef::Map(Box::new(self.usage(value, &at, &format!("{name}Value"))?.ty))
                }
                _ => TypeRef::Json,
            },
        }))
    }

    /// An object, with every `allOf` member merged into one flat struct: the union of the
    /// properties and of `required`.
    fn object(&mut self, schema: &Schema, at: &Pointer, name: &str) -> Result<Struct, Error> {
        let mut parts = ObjectParts::default();
        self.collect(schema, at, &mut parts, &mut HashSet::new())?;

        let mut fields = Vec::new();
        let mut taken = HashSet::new();
        for (wire, (property, pointer)) in &parts.properties {
            let hint = format!("{name}{}", wire.to_upper_camel_case());
            let usage = self.usage(property, pointer, &type_name(&hint))?;
            let data = self.property_data(property, pointer)?;
            let required = parts.required.contains(wire);
            let secret = (is_secret(name, wire, &data) || is_password(property)) && matches!(usage.ty, TypeRef::String);
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
                example: string_example(property, &data),
            });
        }
        // `required` may name properties the schema never describes: the server still wants
        // them, so they are kept, untyped, rather than silently dropped.
        for wire in &parts.required {
            if parts.properties.contains_key(wire) {
                continue;
            }
            self.warn(at, format!("required property `{wire}` has no schema; typed as serde_json::Value"));
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
                example: None,
            });
        }
        let additional = match parts.additional {
            Some((AdditionalProperties::Schema(value), pointer)) => {
                Some(self.usage(&value, &pointer, &format!("{name}Value"))?.ty)
            }
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Json),
            _ => None,
        };
        Ok(Struct { fields, additional })
    }

    /// The schema data of a property: its own, or for a `$ref`, the target's.
    fn property_data(&self, property: &ReferenceOr<Schema>, at: &Pointer) -> Result<SchemaData, Error> {
        Ok(match property {
            ReferenceOr::Item(schema) => schema.schema_data.clone(),
            ReferenceOr::Reference { .. } => {
                let target = self.resolved.schema(property, at)?;
                // The description belongs to the referenced type, which documents itself.
                SchemaData {
                    description: None,
                    ..target.value.schema_data.clone()
                }
            }
        })
    }

    fn collect(
        &mut self,
        schema: &Schema,
        at: &Pointer,
        parts: &mut ObjectParts,
        visiting: &mut HashSet<Pointer>,
    ) -> Result<(), Error> {
        if !visiting.insert(at.clone()) {
            return Err(self.resolved.error(at, "allOf includes itself"));
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                parts.add(self, &o.properties, &o.required, o.additional_properties.as_ref(), at);
            }
            SchemaKind::AllOf { all_of } => {
                for (i, member) in all_of.iter().enumerate() {
                    let located = self.resolved.schema(member, &at.join("allOf").join(i))?;
                    let value = located.value.into_owned();
                    self.collect(&value, &located.pointer, parts, visiting)?;
                }
            }
            SchemaKind::Any(any) => {
                parts.add(self, &any.properties, &any.required, any.additional_properties.as_ref(), at);
                for (i, member) in any.all_of.iter().enumerate() {
                    let located = self.resolved.schema(member, &at.join("allOf").join(i))?;
                    let value = located.value.into_owned();
                    self.collect(&value, &located.pointer, parts, visiting)?;
                }
                if !any.one_of.is_empty() || !any.any_of.is_empty() {
                    self.keep_rest(at, "oneOf/anyOf next to properties", parts);
                }
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => self.keep_rest(at, "oneOf/anyOf inside allOf", parts),
            SchemaKind::Type(_) | SchemaKind::Not { .. } => {
                self.warn(at, "a non-object schema merged with objects in allOf is ignored");
            }
        }
        visiting.remove(at);
        Ok(())
    }

    /// Properties the struct cannot name are still kept, in a flattened map.
    fn keep_rest(&mut self, at: &Pointer, what: &str, parts: &mut ObjectParts) {
        self.warn(at, format!("{what} is not supported; its properties are kept as serde_json::Value in `additional`"));
        parts.additional = Some((AdditionalProperties::Any(true), at.clone()));
    }

    fn union(&mut self, schema: &Schema, members: &[ReferenceOr<Schema>], at: &Pointer, name: &str) -> Result<Union, Error> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variants = Vec::new();
        let mut taken = HashSet::new();
        for (i, member) in members.iter().enumerate() {
            // An inline object with a single property (`{image: …}`) is named after it.
            let inline_name = match member {
                ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::Object(o)), .. }) if o.properties.len() == 1 => {
                    o.properties.keys().next().map(|p| type_name(p))
                }
                _ => None,
            };
            let hint = format!("{name}{}", inline_name.clone().unwrap_or_else(|| format!("Variant{i}")));
            let usage = self.usage(member, &at.join(i), &hint)?;
            let tag_values = match (discriminator, member) {
                (Some(d), ReferenceOr::Reference { reference }) => {
                    let mapped: Vec<String> =
                        d.mapping.iter().filter(|(_, r)| *r == reference).map(|(v, _)| v.clone()).collect();
                    if mapped.is_empty() {
                        // Without a mapping, the tag value is the schema's name.
                        reference.rsplit('/').next().map(|n| vec![n.to_owned()]).unwrap_or_default()
                    } else {
                        mapped
                    }
                }
                _ => Vec::new(),
            };
            // `JobResponse::Cron(CronJobResponse)` reads better than repeating the type's name.
            let base = match (&usage.ty, tag_values.first(), inline_name) {
                (_, Some(tag), _) if !type_name(tag).is_empty() && tag_values.len() == 1 => type_name(tag),
                (_, _, Some(property)) => property,
                (TypeRef::Named(n), _, _) => without_affix(n, name),
                (ty, _, _) => variant_name(ty),
            };
            variants.push(Variant {
                name: unique(base, &mut taken, ""),
                ty: usage.ty,
                tag_values,
                carries_tag: false,
                boxed: false,
            });
        }
        Ok(Union {
            tag: discriminator.map(|d| d.property_name.clone()),
            variants,
        })
    }

    /// The named types, with fields that make a type contain itself boxed.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<Warning>) {
        let mut types = self.types;
        let contains: HashMap<String, Vec<String>> = types
            .values()
            .map(|t| {
                let direct = match &t.kind {
                    TypeKind::Struct(s) => s.fields.iter().filter_map(|f| named(&f.ty)).collect(),
                    TypeKind::Union(u) => u.variants.iter().filter_map(|v| named(&v.ty)).collect(),
                    TypeKind::Alias(ty) => named(ty).into_iter().collect(),
                    TypeKind::Enum(_) => Vec::new(),
                };
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
        for t in types.values_mut() {
            let owner = t.name.clone();
            match &mut t.kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        if let Some(target) = named(&field.ty) {
                            field.boxed = reaches(&contains, &target, &owner);
                        }
                    }
                }
                TypeKind::Union(u) => {
                    for variant in &mut u.variants {
                        if let Some(target) = named(&variant.ty) {
                            variant.boxed = reaches(&contains, &target, &owner);
                            if let Some(tag) = &u.tag {
                                variant.carries_tag = tag_carriers.contains(&(target, tag.clone()));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        (types.into_values().collect(), self.warnings)
    }
}

#[derive(Default)]
struct ObjectParts {
    properties: indexmap::IndexMap<String, (ReferenceOr<Schema>, Pointer)>,
    required: BTreeSet<String>,
    additional: Option<(AdditionalProperties, Pointer)>,
}

impl ObjectParts {
    fn add(
        &mut self,
        builder: &mut TypeBuilder<'_, '_>,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        at: &Pointer,
    ) {
        for (name, property) in properties {
            let pointer = at.join("properties").join(name);
            let property = unbox(property);
            if let Some((earlier, earlier_at)) = self.properties.get(name) {
                if shape_of(earlier) != shape_of(&property) {
                    builder.warn(
                        &pointer,
                        format!("property `{name}` conflicts with its definition at {earlier_at}; this later one is used"),
                    );
                }
            }
            self.properties.insert(name.clone(), (property, pointer));
        }
        self.required.extend(required.iter().cloned());
        if let Some(additional) = additional {
            if self.additional.is_none() || !matches!(additional, AdditionalProperties::Any(false)) {
                self.additional = Some((additional.clone(), at.join("additionalProperties")));
            }
        }
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

/// An `allOf` member that only annotates (`{description: …}`, `{nullable: true}`) adds no shape.
fn is_annotation(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if *any == AnySchema::default())
}

fn substantive(members: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
    members.iter().enumerate().filter(|(_, m)| !is_annotation(m)).collect()
}

fn annotations_nullable(members: &[ReferenceOr<Schema>]) -> bool {
    members
        .iter()
        .any(|m| matches!(m, ReferenceOr::Item(schema) if is_annotation(m) && schema.schema_data.nullable))
}

/// A property schema without its prose: two definitions that differ only in wording agree.
fn shape_of(schema: &ReferenceOr<Schema>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(item) => {
            let mut item = item.clone();
            let data = &mut item.schema_data;
            data.description = None;
            data.title = None;
            data.example = None;
            data.extensions.clear();
            ReferenceOr::Item(item)
        }
        reference => reference.clone(),
    }
}

fn named(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(n) => Some(n.clone()),
        _ => None,
    }
}

/// Whether `from` contains `to` directly or through other types, without a `Vec` or map between.
fn reaches(graph: &HashMap<String, Vec<String>>, from: &str, to: &str) -> bool {
    let mut stack = vec![from.to_owned()];
    let mut seen = HashSet::new();
    while let Some(current) = stack.pop() {
        if current == to {
            return true;
        }
        if seen.insert(current.clone()) {
            stack.extend(graph.get(&current).into_iter().flatten().cloned());
        }
    }
    false
}

fn unbox(property: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match property {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    }
}

fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Bytes,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => TypeRef::Uuid,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "date-time" => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "date" => TypeRef::Date,
        _ => TypeRef::String,
    }
}

fn enum_values(values: Vec<&str>) -> Vec<EnumValue> {
    let mut taken = HashSet::new();
    // `Unknown` is the catch-all variant the emitter adds.
    taken.insert("Unknown".to_owned());
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter(|v| seen.insert(*v))
        .map(|value| EnumValue {
            name: unique(variant_base(value), &mut taken, ""),
            value: value.to_owned(),
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
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::List(item) => format!("{}List", variant_name(item)),
        TypeRef::Map(value) => format!("{}Map", variant_name(value)),
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
fn is_secret(owner: &str, wire: &str, data: &SchemaData) -> bool {
    let lower = wire.to_ascii_lowercase();
    data.write_only
        || matches!(data.extensions.get("x-secret"), Some(serde_json::Value::Bool(true)))
        || SECRET_NAMES.contains(&lower.as_str())
        || (lower == "value" && owner.to_ascii_lowercase().contains("secret"))
}

/// Title and description joined as rustdoc wants: a short first paragraph, then the rest.
pub fn docs(title: Option<&str>, description: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [title, description]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("\n\n"))
    }
}

/// An example string for a property: the document's, else one its `format` accepts.
fn string_example(property: &ReferenceOr<Schema>, data: &SchemaData) -> Option<String> {
    if let Some(serde_json::Value::String(example)) = &data.example {
        return Some(example.clone());
    }
    let ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. }) = property else {
        return None;
    };
    let VariantOrUnknownOrEmpty::Unknown(format) = &s.format else { return None };
    let example = match format.as_str() {
        "uri" | "url" | "uri-reference" | "iri" => "https://example.com",
        "email" | "idn-email" => "user@example.com",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "duration" => "PT1M",
        "time" => "12:00:00Z",
        _ => return None,
    };
    Some(example.to_owned())
}

/// `format: password` arrives as a typed variant of the string type, not in the schema data.
fn is_password(schema: &ReferenceOr<Schema>) -> bool {
    matches!(
        schema,
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::String(openapiv3::StringType {
                format: VariantOrUnknownOrEmpty::Item(StringFormat::Password),
                ..
            })),
            ..
        })
    )
}
