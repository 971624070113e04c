//! Enumerations: a string `enum` as an enum type that keeps unknown values, integer values the
//! document names as constants, and `oneOf` alternatives that are each one value.

use std::collections::HashSet;

use heck::ToShoutySnakeCase;
use serde_json::Value;

use super::TypeBuilder;
use crate::load::{Schema, SchemaId};
use crate::model::ir::{EnumValue, IntValue, TypeKind};
use crate::model::names::{field_name, type_name, unique};

impl TypeBuilder<'_, '_> {
    /// Alternatives that are each one value (`const`, or a one-value `enum`) with at most a
    /// title and a description: an enum, its names from the titles (`ACTION_ROW`).
    pub(super) fn value_enum(&self, members: &[SchemaId]) -> Option<TypeKind> {
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
}

/// A string schema's `enum` values (`values`, strings) as an enum type.
pub fn string_enum(schema: &Schema, values: &[&Value]) -> TypeKind {
    let names = enum_names(schema, values.len());
    let descriptions = enum_descriptions(schema, values.len());
    let values: Vec<(&str, Option<String>, Option<String>)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_str().unwrap_or_default(), names.get(i).cloned(), descriptions.get(i).cloned()))
        .collect();
    TypeKind::Enum(enum_values(values))
}

/// An integer schema's `enum` values (`values`, integers) as named constants, when the document
/// names each of them (`x-enum-varnames`); otherwise the values are plain integers.
pub fn named_int_enum(schema: &Schema, values: &[&Value]) -> Option<TypeKind> {
    let names = enum_names(schema, values.len());
    if names.len() != values.len() {
        return None;
    }
    let descriptions = enum_descriptions(schema, values.len());
    let values = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((v.as_i64()?, names[i].clone(), descriptions.get(i).cloned())))
        .collect();
    Some(TypeKind::IntEnum(int_values(values)))
}

/// Names the document gives `count` enum values (`x-enum-varnames`, `x-enumNames`): one per
/// value, or none.
pub fn enum_names(schema: &Schema, count: usize) -> Vec<String> {
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

/// Descriptions the document gives `count` enum values (`x-enum-descriptions`): one per value,
/// or none.
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

/// The Rust name of a string value the document does not name (`""` is `Empty`).
fn variant_base(value: &str) -> String {
    let name = type_name(value);
    if name == "T" && value.is_empty() {
        "Empty".to_owned()
    } else {
        name
    }
}
