//! The headers a success response declares (`Location`, `ETag`, rate limits), with the Rust
//! type each one's value parses as: what an operation's docs list for `.with_meta()` callers.
//! Only scalar types: a header that is an array or object is text, as it arrives.

use super::ir::{ResponseHeader, TypeRef};
use super::types::docs;
use crate::load::{Header, JsonType, SchemaId};
use crate::resolve::{Located, Resolved};

/// Each declared header once (the first response that declares a name wins), in the
/// document's order; `Content-Type` is the media type, not a header the caller reads.
pub fn declared(resolved: &Resolved<'_>, headers: &[(String, Located<'_, Header>)], out: &mut Vec<ResponseHeader>) {
    for (name, located) in headers {
        if name.eq_ignore_ascii_case("content-type") || out.iter().any(|h| h.wire.eq_ignore_ascii_case(name)) {
            continue;
        }
        let header = located.value;
        out.push(ResponseHeader {
            wire: name.clone(),
            ty: header.schema.map_or(TypeRef::String, |schema| scalar(resolved, schema)),
            docs: docs(None, located.description(header.description.as_deref())),
        });
    }
}

/// The schema's scalar type, following `$ref`s; text for anything else.
fn scalar(resolved: &Resolved<'_>, mut id: SchemaId) -> TypeRef {
    // A chain of references is finite (resolve rejects loops), but bound the walk anyway.
    for _ in 0..64 {
        match resolved.target(id) {
            Some(target) => id = target,
            None => break,
        }
    }
    let schema = resolved.schema(id);
    let types: Vec<JsonType> = schema.types.iter().flatten().copied().filter(|t| *t != JsonType::Null).collect();
    match (types.as_slice(), schema.format.as_deref()) {
        ([JsonType::Integer], Some("int32")) => TypeRef::I32,
        ([JsonType::Integer], _) => TypeRef::I64,
        ([JsonType::Number], _) => TypeRef::F64,
        ([JsonType::Boolean], _) => TypeRef::Bool,
        ([JsonType::String], Some("uuid")) => TypeRef::Uuid,
        _ => TypeRef::String,
    }
}
