//! The public API of the crate generated from a model: every item users can name (API structs,
//! methods, options structs and their fields, outcome enums, types, fields, variants,
//! constants, constructors, `Default`, cargo features), keyed by the Rust path the emitter
//! gives it, with its Rust text, what it does on the wire and the document pointer it comes
//! from. Two surfaces compared item by item are the diff.

use std::collections::BTreeMap;

use crate::emit::{built_by, field_text, method_text, type_text, BuiltBy};
use crate::model::{Api, Constraint, Field, Operation, TypeDef, TypeKind};
use crate::pointer::Pointer;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    /// An API struct (`PetsApi`), one per tag.
    Api,
    Method,
    /// A type of `types.rs`, an options struct or an outcome enum.
    Type,
    /// A struct's (or options struct's) field.
    Field,
    /// A variant of an enum (string enum, union, outcome enum).
    Variant,
    /// A named value of an integer enum.
    Constant,
    /// `new(..)`.
    Constructor,
    /// `impl Default`.
    Default,
    /// A cargo feature (tag features).
    Feature,
}

/// One public item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    /// How the item reads in Rust: `fn list_pets(&self, options: &ListPetsOptions) -> Result<types::Pets>`.
    pub rust: String,
    /// Presence of a field (`required`, `optional, nullable`…), for naming what changed.
    pub presence: Option<String>,
    /// What the item does on the wire, by aspect (`path`, `wire name`, `default`…).
    pub wire: BTreeMap<&'static str, String>,
    pub pointer: Pointer,
}

/// Every public item, by Rust path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Surface {
    pub items: BTreeMap<String, Item>,
}

impl Surface {
    pub fn of(api: &Api) -> Surface {
        let mut surface = Surface::default();
        for feature in &api.features {
            surface.add(format!("feature `{feature}`"), item(ItemKind::Feature, feature.clone(), tags()));
        }
        for group in &api.groups {
            let pointer = tags();
            surface
                .add(group.type_name.clone(), item(ItemKind::Api, format!("pub struct {}", group.type_name), pointer));
            for &index in &group.operations {
                surface.operation(api, &group.type_name, &api.operations[index]);
            }
        }
        for def in api.types() {
            surface.type_def(def);
        }
        surface
    }

    fn add(&mut self, path: String, item: Item) {
        self.items.insert(path, item);
    }

    fn operation(&mut self, api: &Api, owner: &str, op: &Operation) {
        let text = method_text(api, op);
        let pointer = op.pointer.clone();
        let mut wire = BTreeMap::new();
        wire.insert("operation", format!("{} {}", op.method, op.path));
        let mut statuses: Vec<String> = op.success.statuses.iter().map(|(s, _)| s.clone()).collect();
        statuses.extend(op.errors.iter().map(|e| e.status.map_or("default".to_owned(), |s| s.to_string())));
        wire.insert("status codes", statuses.join(", "));
        let security: Vec<String> = op.security.iter().map(|all| all.join(" + ")).collect();
        wire.insert("security", if security.is_empty() { "none".into() } else { security.join(" | ") });
        let params: Vec<String> = op
            .params
            .iter()
            .map(|p| {
                format!("{} in {}{}", p.wire, format!("{:?}", p.location).to_lowercase(), constraints(&p.constraints))
            })
            .collect();
        wire.insert("parameters", params.join(", "));
        if let Some(body) = &op.body {
            wire.insert("body content type", body.content_type.clone());
        }
        let arguments = std::iter::once("&self".to_owned()).chain(text.arguments.iter().cloned()).collect::<Vec<_>>();
        let signature =
            |name: &str, result: &str| format!("fn {name}{}({}) -> {result}", text.generics, arguments.join(", "));
        let method = Item { wire, ..item(ItemKind::Method, signature(&op.fn_name, &text.result), pointer.clone()) };
        self.add(format!("{owner}::{}", op.fn_name), method);
        if let (Some(stream), Some(result)) = (&op.stream, &text.stream_result) {
            self.add(
                format!("{owner}::{}", stream.fn_name),
                item(ItemKind::Method, signature(&stream.fn_name, result), pointer.clone()),
            );
        }
        if let Some((name, fields)) = &text.options {
            self.add(name.clone(), item(ItemKind::Type, format!("pub struct {name} (Default)"), pointer.clone()));
            for field in fields {
                let (field_name, ty) = field.split_once(": ").unwrap_or((field, ""));
                let field_item =
                    Item { presence: Some("optional".into()), ..item(ItemKind::Field, ty.to_owned(), pointer.clone()) };
                self.add(format!("{name}::{field_name}"), field_item);
            }
        }
        if let Some((name, variants)) = &text.outcome {
            self.add(name.clone(), item(ItemKind::Type, format!("pub enum {name}"), pointer.clone()));
            for variant in variants {
                let variant_name = variant.split('(').next().unwrap_or(variant);
                self.add(format!("{name}::{variant_name}"), item(ItemKind::Variant, variant.clone(), pointer.clone()));
            }
        }
    }

    fn type_def(&mut self, def: &TypeDef) {
        let path = format!("types::{}", def.name);
        let pointer = def.pointer.clone();
        let name = &def.name;
        let declaration = match &def.kind {
            TypeKind::Struct(_) => format!("pub struct {name}"),
            TypeKind::Enum(_) => format!("pub enum {name} (string)"),
            TypeKind::IntEnum(_) => format!("pub struct {name} (integer with constants)"),
            TypeKind::Union(_) => format!("pub enum {name} (union)"),
            TypeKind::Alias(ty) => format!("pub type {name} = {}", type_text(ty)),
        };
        let mut type_item = item(ItemKind::Type, declaration, pointer.clone());
        if !def.constraints.is_empty() {
            type_item.wire.insert("constraints", constraints(&def.constraints).trim().to_owned());
        }
        self.add(path.clone(), type_item);
        match &def.kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    let at = def.pointer.join("properties").join(&field.wire);
                    self.add(format!("{path}::{}", field.name), field_item(field, at));
                }
                if let Some(value) = &s.additional {
                    let text = format!("BTreeMap<String, {}>", type_text(value));
                    let at = def.pointer.join("additionalProperties");
                    self.add(format!("{path}::additional_properties"), item(ItemKind::Field, text, at));
                }
                match built_by(s, def.sent) {
                    BuiltBy::Default => {
                        self.add(format!("impl Default for {path}"), item(ItemKind::Default, "Default".into(), pointer))
                    }
                    BuiltBy::New(arguments) => {
                        let text = format!("fn new({}) -> Self", arguments.join(", "));
                        self.add(format!("{path}::new"), item(ItemKind::Constructor, text, pointer));
                    }
                    BuiltBy::Literal => {}
                }
            }
            TypeKind::Enum(values) => {
                for value in values {
                    let mut variant = item(ItemKind::Variant, value.name.clone(), def.pointer.join("enum"));
                    variant.wire.insert("wire value", format!("{:?}", value.value));
                    self.add(format!("{path}::{}", value.name), variant);
                }
            }
            TypeKind::IntEnum(values) => {
                for value in values {
                    let mut constant = item(ItemKind::Constant, value.name.clone(), def.pointer.join("enum"));
                    constant.wire.insert("wire value", value.value.to_string());
                    self.add(format!("{path}::{}", value.name), constant);
                }
            }
            TypeKind::Union(union) => {
                for variant in &union.variants {
                    let text = format!("{}({})", variant.name, type_text(&variant.ty));
                    let mut variant_item = item(ItemKind::Variant, text, pointer.clone());
                    if !variant.tag_values.is_empty() {
                        variant_item.wire.insert("discriminator values", variant.tag_values.join(", "));
                    }
                    self.add(format!("{path}::{}", variant.name), variant_item);
                }
            }
            TypeKind::Alias(_) => {}
        }
    }
}

/// Where tags (and so features and API structs) are declared.
fn tags() -> Pointer {
    Pointer::from_segments(["tags"])
}

fn item(kind: ItemKind, rust: String, pointer: Pointer) -> Item {
    Item { kind, rust, presence: None, wire: BTreeMap::new(), pointer }
}

fn field_item(field: &Field, pointer: Pointer) -> Item {
    let presence = match (field.required, field.nullable) {
        (true, false) => "required",
        (true, true) => "required, nullable",
        (false, false) => "optional",
        (false, true) => "optional, nullable",
    };
    let mut field_item = item(ItemKind::Field, field_text(field), pointer);
    field_item.presence = Some(presence.into());
    field_item.wire.insert("wire name", format!("{:?}", field.wire));
    if let Some(default) = &field.default {
        field_item.wire.insert("default", default.clone());
    }
    if !field.constraints.is_empty() {
        field_item.wire.insert("constraints", constraints(&field.constraints).trim().to_owned());
    }
    field_item
}

/// Constraints in a short, stable text: `pattern ^a, length 1..=20`.
fn constraints(list: &[Constraint]) -> String {
    let bound = |min: &Option<u64>, max: &Option<u64>| {
        format!("{}..={}", min.map_or(String::new(), |m| m.to_string()), max.map_or(String::new(), |m| m.to_string()))
    };
    let parts: Vec<String> = list
        .iter()
        .map(|c| match c {
            Constraint::Format(f) => format!("format {f}"),
            Constraint::Pattern(p) => format!("pattern {p}"),
            Constraint::Length { min, max } => format!("length {}", bound(min, max)),
            Constraint::Minimum { value, exclusive } => format!("{} {value}", if *exclusive { ">" } else { ">=" }),
            Constraint::Maximum { value, exclusive } => format!("{} {value}", if *exclusive { "<" } else { "<=" }),
            Constraint::MultipleOf(m) => format!("multiple of {m}"),
            Constraint::Items { min, max } => format!("items {}", bound(min, max)),
            Constraint::UniqueItems => "unique items".into(),
            Constraint::Properties { min, max } => format!("properties {}", bound(min, max)),
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}
