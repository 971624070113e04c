//! What a schema's keywords amount to, read alone (no reference followed): whether it declares
//! an object's members, or only annotates.

use crate::load::{Constraints, Schema};

/// Keywords that declare an object's members.
pub fn has_members(schema: &Schema) -> bool {
    !schema.properties.is_empty() || schema.additional_properties.is_some() || !schema.pattern_properties.is_empty()
}

/// Keywords that describe an object's members.
pub fn has_object_keywords(schema: &Schema) -> bool {
    !schema.properties.is_empty()
        || !schema.required.is_empty()
        || schema.additional_properties.is_some()
        || !schema.pattern_properties.is_empty()
}

/// A schema that only annotates (`{description: …}`, `{nullable: true}`) adds no shape.
pub fn is_annotation(schema: &Schema) -> bool {
    !schema.has_structure()
        && schema.constraints == Constraints::default()
        && schema.required.is_empty()
        && schema.types.is_none()
}
