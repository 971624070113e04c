//! Which operations page, and how: decided once per operation from what the document says.
//!
//! In order: an `apigen.toml` `[pagination]` entry (`declared::rule`), a vendor extension
//! (`declared::extension`: `x-dropshot-pagination`, `x-fern-pagination`,
//! `x-speakeasy-pagination`, `x-pagination`), then the conventions real documents follow
//! (`conventions`). Nothing is guessed: where the page's items or the next page's cursor cannot
//! be told apart (two arrays, two cursors), the operation is left without pagination, and a
//! list-like operation left so keeps the reason, which `apigen list --paginated` shows.
//!
//! The model states what the emitter needs in Rust terms: the fields to read (with how each is
//! wrapped: always there, `Option`, `Nullable`), the query parameters to set (as sent), and the
//! type of the items.

mod conventions;
mod declared;

use std::collections::{HashMap, HashSet};

use super::ir::{Field, Location, Operation, Param, Payload, Struct, TypeDef, TypeKind, TypeRef};
use super::ir::{FieldPath, FieldStep, PageEnd, PageStyle, Pagination, Presence};
use super::names::unique;
use crate::diagnostics::{Error, Warning};
use crate::resolve::{Resolved, ResolvedOperation};

/// The user's choice for operations the document leaves ambiguous (`[pagination]` in
/// `apigen.toml`). Fields are named as on the wire; nested response fields with dots
/// (`meta.next_cursor`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PagingRule {
    /// The operations it applies to: an `operationId` or `METHOD /path`, in which `*` matches any
    /// run of characters (`list*`, `GET /v1/*`).
    pub operations: String,
    pub style: PagingStyle,
    /// The query parameter carrying the cursor, offset or page number.
    pub param: Option<String>,
    /// The response field carrying the next cursor (style `cursor`) or URL (style `next-url`).
    pub next: Option<String>,
    /// The response field holding the items; the page's one array field when not given.
    pub items: Option<String>,
    /// The query parameter carrying the page size (styles `offset` and `page`).
    pub size: Option<String>,
}

/// The styles a [`PagingRule`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagingStyle {
    Cursor,
    NextUrl,
    LinkHeader,
    Offset,
    Page,
    /// Not paginated, whatever the document seems to say.
    None,
}

/// Decides the pagination of every operation (`operations` is index for index
/// `resolved.operations`), and for list-like operations left without, why.
pub fn detect(
    resolved: &Resolved<'_>,
    operations: &mut [Operation],
    types: &[TypeDef],
    rules: &[PagingRule],
    warnings: &mut Vec<Warning>,
) -> Result<(), Error> {
    let lookup = Lookup { types: types.iter().map(|t| (t.name.as_str(), t)).collect() };
    let matched = declared::match_rules(resolved, rules)?;
    let mut fn_names: HashSet<String> = operations
        .iter()
        .flat_map(|op| std::iter::once(op.fn_name.clone()).chain(op.stream.iter().map(|s| s.fn_name.clone())))
        .collect();
    for (index, (op, source)) in operations.iter_mut().zip(&resolved.operations).enumerate() {
        let page = Page::of(op, source, &lookup);
        let decided = match matched.get(&index) {
            Some(rule) => declared::rule(resolved, rule, &page)?,
            None => match declared::extension(&page, warnings) {
                Some(found) => Some(found),
                None => match conventions::detect(&page) {
                    Ok(found) => Some(found),
                    Err(reason) => {
                        op.unpaged = reason;
                        None
                    }
                },
            },
        };
        if let Some((style, items, item, source)) = decided {
            op.pagination = Some(Pagination {
                style,
                source,
                items,
                item,
                stream_fn: unique(format!("{}_stream", op.fn_name), &mut fn_names, "_"),
                pages_fn: unique(format!("{}_pages", op.fn_name), &mut fn_names, "_"),
            });
        }
    }
    Ok(())
}

/// The paginated style decided, where the items are, the item type, and what decided it.
type Decided = (PageStyle, FieldPath, TypeRef, String);

/// What detection reads of one operation: its document entry, its query parameters, and its
/// success body (`None` when it is not one JSON type).
struct Page<'a> {
    op: &'a Operation,
    source: &'a ResolvedOperation<'a>,
    lookup: &'a Lookup<'a>,
    /// The success body's type, past aliases.
    body: Option<&'a TypeRef>,
}

impl<'a> Page<'a> {
    fn of(op: &'a Operation, source: &'a ResolvedOperation<'a>, lookup: &'a Lookup<'a>) -> Self {
        let body = match &op.success.payload {
            Payload::Json(ty) if op.success.outcomes.is_empty() => Some(lookup.unalias(ty)),
            _ => None,
        };
        Page { op, source, lookup, body }
    }

    /// The query parameter sent as `wire`.
    fn query(&self, wire: &str) -> Option<&'a Param> {
        self.op.params.iter().find(|p| p.location == Location::Query && p.wire == wire)
    }

    fn query_names(&self) -> Vec<&'a str> {
        self.op.params.iter().filter(|p| p.location == Location::Query).map(|p| p.wire.as_str()).collect()
    }

    /// The fields at `wires` from the page down, and the type of the last.
    fn path(&self, wires: &[&str]) -> Result<FieldPath, String> {
        let mut ty = self.body.ok_or("the success response is not one JSON type")?;
        let mut steps = Vec::new();
        for (depth, wire) in wires.iter().enumerate() {
            let here = || if depth == 0 { "the page".to_owned() } else { format!("`{}`", wires[..depth].join(".")) };
            let structure = self.lookup.structure(ty).ok_or_else(|| format!("{} is not an object", here()))?;
            let field = structure
                .fields
                .iter()
                .find(|f| f.wire == *wire)
                .ok_or_else(|| format!("{} has no field `{wire}`", here()))?;
            steps.push(FieldStep {
                name: field.name.clone(),
                wire: field.wire.clone(),
                presence: Presence::of(field),
                ty: field.ty.clone(),
            });
            ty = self.lookup.unalias(&field.ty);
        }
        Ok(FieldPath(steps))
    }

    /// The items at `path` (empty: the page itself) and their type: a list, reached through
    /// fields that are always there (the last one may be optional).
    fn items_at(&self, path: FieldPath) -> Result<(FieldPath, TypeRef), String> {
        let list = match path.0.last() {
            Some(last) => &last.ty,
            None => self.body.ok_or("the success response is not one JSON type")?,
        };
        let TypeRef::List(item) = self.lookup.unalias(list) else {
            return Err(format!("`{}` is not a list", path.wire()));
        };
        let item = (**item).clone();
        if path.0.iter().rev().skip(1).any(|step| step.presence != Presence::Always) {
            return Err(format!("the items `{}` are under an optional field", path.wire()));
        }
        Ok((path, item))
    }

    /// The page's items: the page itself when it is a list, else its one list field.
    fn only_items(&self) -> Result<(FieldPath, TypeRef), String> {
        let body = self.body.ok_or("the success response is not one JSON type")?;
        if matches!(body, TypeRef::List(_)) {
            return self.items_at(FieldPath::default());
        }
        let structure = self.lookup.structure(body).ok_or("the success response is neither a list nor an object")?;
        let lists: Vec<&Field> =
            structure.fields.iter().filter(|f| matches!(self.lookup.unalias(&f.ty), TypeRef::List(_))).collect();
        match lists.as_slice() {
            [only] => self.items_at(self.path(&[&only.wire])?),
            [] => Err("the page has no list field".into()),
            several => Err(format!(
                "the page has several list fields ({}): say which holds the items in `[pagination]`",
                several.iter().map(|f| format!("`{}`", f.wire)).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// Whether the success response declares a `Link` header.
    fn declares_link_header(&self) -> bool {
        self.source
            .responses
            .iter()
            .filter(|r| matches!(r.status, crate::load::StatusKey::Code(200..=299) | crate::load::StatusKey::Range(2)))
            .any(|r| r.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("link")))
    }
}

/// The model's types by name, for following fields.
struct Lookup<'a> {
    types: HashMap<&'a str, &'a TypeDef>,
}

impl<'a> Lookup<'a> {
    /// `ty` past every alias (bounded: alias cycles are broken later, not yet).
    fn unalias(&self, mut ty: &'a TypeRef) -> &'a TypeRef {
        for _ in 0..=self.types.len() {
            let TypeRef::Named(name) = ty else { return ty };
            match self.types.get(name.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner)) => ty = inner,
                _ => return ty,
            }
        }
        ty
    }

    fn structure(&self, ty: &'a TypeRef) -> Option<&'a Struct> {
        let TypeRef::Named(name) = self.unalias(ty) else { return None };
        match &self.types.get(name.as_str())?.kind {
            TypeKind::Struct(structure) => Some(structure),
            _ => None,
        }
    }

    fn is_text(&self, ty: &'a TypeRef) -> bool {
        matches!(self.unalias(ty), TypeRef::String)
    }

    fn is_integer(&self, ty: &'a TypeRef) -> bool {
        matches!(self.unalias(ty), TypeRef::I32 | TypeRef::I64)
    }

    fn is_bool(&self, ty: &'a TypeRef) -> bool {
        matches!(self.unalias(ty), TypeRef::Bool)
    }
}

#[cfg(test)]
mod tests;
