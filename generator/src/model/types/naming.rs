//! Type names: those of component schemas (with the user's renames and the names generated
//! code keeps for itself), those of schemas named after where they are, and those of union
//! variants.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostics::Error;
use crate::load::{JsonType, SchemaId};
use crate::model::choices;
use crate::model::ir::TypeRef;
use crate::model::names::{type_name, unique};
use crate::pointer::Pointer;
use crate::resolve::Resolved;

/// Names generated code uses unqualified: a schema called `Option` gets `Option2`.
const RESERVED: [&str; 11] =
    ["String", "Vec", "Option", "Box", "Result", "Some", "None", "Ok", "Err", "Default", "Self"];

/// The names of the component schemas' types, and every name they take.
pub struct ComponentNames {
    pub names: HashMap<SchemaId, String>,
    /// Those names and the reserved ones: what no other type may be called.
    pub taken: HashSet<String>,
}

/// Names every component schema's type: the user's name for a renamed one (`renames`: component
/// schema name → Rust name), else one derived from the component's, with a suffix on collision.
pub fn component_names(resolved: &Resolved<'_>, renames: &BTreeMap<String, String>) -> Result<ComponentNames, Error> {
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
    Ok(ComponentNames { names, taken })
}

/// A type name for a schema that is not a component, from where it is:
/// `#/components/schemas/Field/properties/name` → `FieldName`, `#/$defs/Node` → `Node`,
/// `#/components/responses/Conflict/content/application~1json/schema` → `Conflict`.
pub fn name_from_pointer(pointer: &Pointer) -> String {
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
pub fn without_affix(variant: &str, union: &str) -> String {
    variant
        .strip_prefix(union)
        .or_else(|| variant.strip_suffix(union))
        .filter(|rest| !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(variant)
        .to_owned()
}

/// What a union variant holding `ty` is called when nothing better names it: `StringList`, `Value`.
pub fn variant_name(ty: &TypeRef) -> String {
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

/// The variant name for values of one JSON type in a union of types (`type: [string, integer]`).
pub fn type_word(ty: JsonType) -> &'static str {
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
