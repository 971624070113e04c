//! Unions: `oneOf`/`anyOf` alternatives as enum variants, named after their discriminator value,
//! their single property or their type; and the implicit tag, a property every alternative
//! fixes to a value of its own, which tells them apart as a discriminator would.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::enums::enum_names;
use super::naming::{variant_name, without_affix};
use super::TypeBuilder;
use crate::diagnostics::Error;
use crate::load::{JsonType, Schema, SchemaId};
use crate::model::ir::{TypeKind, TypeRef, Union, Variant};
use crate::model::names::{type_name, unique};

impl TypeBuilder<'_, '_> {
    /// A `oneOf`/`anyOf` of several alternatives; also says whether one of them allows `null`.
    pub(super) fn union(&mut self, schema: &Schema, members: &[SchemaId], name: &str) -> Result<(Union, bool), Error> {
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

    /// Marks the variants whose own type has the union's tag as a field: they serialize the
    /// tag themselves.
    pub(super) fn mark_tag_carriers(&mut self) {
        let tag_carriers: HashSet<(String, String)> = self
            .types
            .values()
            .filter_map(|t| match &t.kind {
                TypeKind::Struct(s) => Some(s.fields.iter().map(|f| (t.name.clone(), f.wire.clone()))),
                _ => None,
            })
            .flatten()
            .collect();
        for t in self.types.values_mut() {
            let TypeKind::Union(u) = &mut t.kind else { continue };
            for variant in &mut u.variants {
                if let (Some(tag), TypeRef::Named(target)) = (&u.tag, &variant.ty) {
                    variant.carries_tag = tag_carriers.contains(&(target.clone(), tag.clone()));
                }
            }
        }
    }
}

/// A property that tells a union's alternatives apart, with its value in each.
struct ImplicitTag {
    property: String,
    /// Per alternative, in order: the tag value as text.
    values: Vec<String>,
    /// Per alternative: the name an enum gives the value, when one does.
    names: Vec<Option<String>>,
}

/// What an alternative declares of its properties, enough to look for an implicit tag.
#[derive(Default)]
struct ObjectView {
    properties: Vec<(String, SchemaId)>,
    required: BTreeSet<String>,
}
