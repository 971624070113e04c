//! Chains of bare references (`A: {$ref: B}`, `B: {$ref: C}`…) and what they say, summed up
//! from each link to the end: whether `null` is allowed, read-only, defaults, examples. Each
//! chain is summarized once: documents chain thousands of aliases, and walking the rest of the
//! chain from every link would be quadratic.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use super::text::constraints;
use crate::load::{Schema, SchemaId};
use crate::model::ir::Constraint;
use crate::resolve::Resolved;

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

/// The summaries of the chains of bare references, each computed the first time it is asked for.
pub struct ReferenceChains<'r, 'd> {
    resolved: &'r Resolved<'d>,
    summaries: RefCell<HashMap<SchemaId, Rc<ChainSummary>>>,
}

impl<'r, 'd> ReferenceChains<'r, 'd> {
    pub fn new(resolved: &'r Resolved<'d>) -> Self {
        ReferenceChains { resolved, summaries: RefCell::default() }
    }

    /// Whether `null` is a value of schema `id`: it says so (`nullable`, a `null` type), or
    /// one of its alternatives is `null`, or it refers to something that does.
    pub fn accepts_null(&self, id: SchemaId) -> bool {
        self.summary(id).accepts_null
    }

    /// The first example the schema gives (`example`, `examples`), or the nearest one along its
    /// chain of bare references.
    pub fn first_example(&self, id: SchemaId) -> Option<Value> {
        self.summary(id).examples.first().cloned()
    }

    /// The summary of the chain of bare references from `id` (included) to its end. Walks only
    /// to the first link already summarized, then summarizes the walked links backwards.
    fn summary(&self, id: SchemaId) -> Rc<ChainSummary> {
        if let Some(known) = self.summaries.borrow().get(&id) {
            return known.clone();
        }
        let mut walked = vec![id];
        let mut seen = HashSet::from([id]);
        let mut rest: Option<Rc<ChainSummary>> = None;
        let mut current = id;
        while let (Some(next), true) =
            (self.resolved.target(current), self.resolved.schema(current).is_bare_reference())
        {
            if let Some(known) = self.summaries.borrow().get(&next) {
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
        let mut summaries = self.summaries.borrow_mut();
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
            summaries.insert(link, summary.clone());
            rest = Some(summary);
        }
        rest.unwrap_or_default()
    }

    /// The rules a schema sets on its values: its own, or, for a bare `$ref`, those of the
    /// first schema along the chain that has any.
    pub fn constraints(&self, id: SchemaId) -> Vec<Constraint> {
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

    /// What a property says about itself: its own annotations, and for a reference those of
    /// what it points at (its own description, when it has one, wins: 3.1 allows a
    /// `description` beside a `$ref`; the target's describes the type, not the property).
    pub fn annotations(&self, id: SchemaId) -> Schema {
        let mut data = self.resolved.schema(id).clone();
        let next = self.resolved.target(id).filter(|_| data.is_bare_reference());
        if let Some(rest) = next.filter(|&next| next != id).map(|next| self.summary(next)) {
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
}
