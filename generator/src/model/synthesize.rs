//! Example values that a schema accepts, as JSON: for the arguments of doc examples and of the
//! contract program, which a validating server (Prism) must accept.
//!
//! A document's own example comes first, when it fits the schema as far as this module checks
//! (type, `enum`, `pattern`, lengths, bounds, `uniqueItems`, required members, the formats
//! validators check, `oneOf` as exactly one branch); then the schema's `default`; otherwise a
//! value is made from the schema: its `enum`/`const`, a format's canonical text, a string
//! sampled from `pattern`, numbers inside the bounds and on a `multipleOf`, arrays of
//! `minItems` (distinct items for `uniqueItems`), objects with their required members, a
//! `oneOf` branch no other branch accepts, with its discriminator value.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rand::{RngExt, SeedableRng};
use serde_json::{Map, Number, Value};

use crate::load::{JsonType, Schema, SchemaId, SchemaOrBool};
use crate::resolve::Resolved;

/// Deeper than this (each `$ref`, `allOf` member, branch, member or item is a step), a value
/// stops: recursive schemas with a required member of their own type have no finite example
/// anyway. Real documents reach 12 steps through a few wrapped references (Omicron's
/// `allocator.subnet`).
const MAX_DEPTH: usize = 32;

pub struct Examples<'r, 'd> {
    resolved: &'r Resolved<'d>,
    /// Compiled patterns: a sampler, or `None` for one this module cannot sample from (a
    /// look-around, a back-reference); and a matcher, or `None` for one that does not compile.
    patterns: HashMap<String, Pattern>,
    /// The next object made gets every member it declares, not only the required ones (set
    /// for one value at a time, by [`Examples::branch_value`]).
    fill_next_object: bool,
}

struct Pattern {
    sampler: Option<rand_regex::Regex>,
    matcher: Option<regex::Regex>,
}

impl<'r, 'd> Examples<'r, 'd> {
    pub fn new(resolved: &'r Resolved<'d>) -> Self {
        Examples { resolved, patterns: HashMap::new(), fill_next_object: false }
    }

    /// A value of schema `id`, preferring `given` (a parameter's or media type's own examples)
    /// and then the schema's.
    pub fn value(&mut self, id: SchemaId, given: &[Value]) -> Value {
        if let Some(example) = given.iter().find(|v| self.fits(id, v, 0)) {
            return example.clone();
        }
        self.make(id, 0, 0)
    }

    /// Whether `value` is acceptable for schema `id`, as far as its own keywords and those of
    /// the schemas it is built from tell.
    pub fn fits(&mut self, id: SchemaId, value: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        let schema = self.resolved.schema(id);
        if schema.never {
            return false;
        }
        if value.is_null() {
            return schema.nullable
                || self.resolved.target(id).is_some_and(|t| self.fits(t, value, depth + 1))
                || self.any_branch_fits(schema, value, depth);
        }
        if let Some(target) = self.resolved.target(id) {
            if !self.fits(target, value, depth + 1) {
                return false;
            }
        }
        if let Some(values) = &schema.enumeration {
            if !values.contains(value) {
                return false;
            }
        }
        let types = schema.non_null_types();
        let kind = JsonType::of(value);
        // An integer is a number too.
        let of_a_listed_type = types.is_empty()
            || types.contains(&kind)
            || (kind == JsonType::Integer && types.contains(&JsonType::Number));
        if !of_a_listed_type {
            return false;
        }
        if !self.constraints_hold(schema, value) {
            return false;
        }
        if let Value::Object(members) = value {
            if schema.required.iter().any(|name| !members.contains_key(name)) {
                return false;
            }
            for (name, member) in members {
                if let Some(&property) = schema.properties.get(name) {
                    if !self.fits(property, member, depth + 1) {
                        return false;
                    }
                }
            }
        }
        if let (Value::Array(items), Some(SchemaOrBool::Schema(item))) = (value, schema.items) {
            if !items.iter().all(|v| self.fits(item, v, depth + 1)) {
                return false;
            }
        }
        if !schema.all_of.iter().all(|&member| self.fits(member, value, depth + 1)) {
            return false;
        }
        // `oneOf` as validators read it: exactly one branch, whatever the discriminator says.
        let one_of_holds =
            schema.one_of.is_empty() || schema.one_of.iter().filter(|&&b| self.fits(b, value, depth + 1)).count() == 1;
        let any_of_holds = schema.any_of.is_empty() || schema.any_of.iter().any(|&b| self.fits(b, value, depth + 1));
        one_of_holds && any_of_holds
    }

    fn any_branch_fits(&mut self, schema: &Schema, value: &Value, depth: usize) -> bool {
        schema.one_of.iter().chain(&schema.any_of).any(|&branch| self.fits(branch, value, depth + 1))
    }

    fn constraints_hold(&mut self, schema: &Schema, value: &Value) -> bool {
        let c = &schema.constraints;
        match value {
            Value::String(text) => {
                let length = text.chars().count() as u64;
                c.min_length.is_none_or(|min| length >= min)
                    && c.max_length.is_none_or(|max| length <= max)
                    && c.pattern
                        .as_ref()
                        .is_none_or(|p| self.pattern(p).matcher.as_ref().is_none_or(|m| m.is_match(text)))
                    && schema.format.as_deref().is_none_or(|format| format_holds(format, text))
            }
            Value::Number(n) => n.as_f64().is_none_or(|x| within(schema, x)),
            Value::Array(items) => {
                let count = items.len() as u64;
                let unique = !c.unique_items || items.iter().enumerate().all(|(i, item)| !items[..i].contains(item));
                c.min_items.is_none_or(|min| count >= min) && c.max_items.is_none_or(|max| count <= max) && unique
            }
            Value::Object(members) => {
                let count = members.len() as u64;
                c.min_properties.is_none_or(|min| count >= min) && c.max_properties.is_none_or(|max| count <= max)
            }
            _ => true,
        }
    }

    /// A value made from schema `id`. `salt` varies the value (items of a `uniqueItems` array).
    fn make(&mut self, id: SchemaId, depth: usize, salt: usize) -> Value {
        let schema = self.resolved.schema(id);
        if let Some(example) = schema.examples.iter().find(|v| !v.is_null()) {
            if salt == 0 && self.fits(id, example, depth) {
                return example.clone();
            }
        }
        // The server's own default is a value it accepts, and often the only sensible one
        // (PagerDuty's `Accept: application/vnd.pagerduty+json;version=2`).
        if let Some(default) = schema.default.as_ref().filter(|d| !d.is_null() && salt == 0) {
            if self.fits(id, default, depth) {
                return default.clone();
            }
        }
        if let Some(values) = schema.enumeration.as_ref().filter(|v| !v.is_empty()) {
            return values[salt % values.len()].clone();
        }
        if let Some(target) = self.resolved.target(id) {
            if schema.is_bare_reference() || depth > MAX_DEPTH {
                return self.make(target, depth + 1, salt);
            }
        }
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let types = schema.non_null_types();
        let is_object = types.contains(&JsonType::Object)
            || (types.is_empty()
                && (!schema.properties.is_empty()
                    || !schema.required.is_empty()
                    || schema.additional_properties.is_some()));
        // `allOf`, a `$ref` with siblings and `oneOf` next to properties all add up to one object.
        if is_object || self.combines_objects(id) {
            return Value::Object(self.object(id, depth, salt));
        }
        if let Some((branch, mut value)) = self.branch_value(id, depth, salt) {
            if let (Value::Object(members), Some(discriminator)) = (&mut value, &schema.discriminator) {
                if let Some(tag) = self.tag_value(id, branch) {
                    members.insert(discriminator.property_name.clone(), Value::String(tag));
                }
            }
            return value;
        }
        if let Some(&member) = schema.all_of.first() {
            return self.make(member, depth + 1, salt);
        }
        if let Some(target) = self.resolved.target(id) {
            return self.make(target, depth + 1, salt);
        }
        match types.first().copied() {
            Some(JsonType::String) => Value::String(self.string(schema, salt)),
            Some(JsonType::Integer) => integer(schema, salt),
            Some(JsonType::Number) => number(schema, salt),
            Some(JsonType::Boolean) => Value::Bool(salt % 2 == 0),
            Some(JsonType::Array) => self.array(schema, depth),
            Some(JsonType::Null) => Value::Null,
            Some(JsonType::Object) | None if schema.format.is_some() || schema.constraints.pattern.is_some() => {
                Value::String(self.string(schema, salt))
            }
            Some(JsonType::Object) | None => Value::Object(Map::new()),
        }
    }

    /// A value of one of the schema's `oneOf`/`anyOf` branches, with the branch taken (and its
    /// discriminator value set). For a `oneOf`, the first value that only one branch accepts:
    /// validators ignore discriminators, and a value two branches accept is refused ("must
    /// match exactly one schema in oneOf"). Values with only the required members come first;
    /// then, branch by branch, with every member of the branch (an optional member is often
    /// what tells two branches apart).
    fn branch_value(&mut self, id: SchemaId, depth: usize, salt: usize) -> Option<(SchemaId, Value)> {
        let schema = self.resolved.schema(id);
        let branches: Vec<SchemaId> = schema
            .one_of
            .iter()
            .chain(&schema.any_of)
            .copied()
            .filter(|&b| !self.resolved.schema(b).is_null_only())
            .collect();
        let first = *branches.first()?;
        let tag_property = schema.discriminator.as_ref().map(|d| d.property_name.clone());
        let value_of = |this: &mut Self, branch: SchemaId, full: bool| {
            this.fill_next_object = full;
            let mut value = this.make(branch, depth + 1, salt);
            this.fill_next_object = false;
            if let (Value::Object(members), Some(property)) = (&mut value, &tag_property) {
                if let Some(tag) = this.tag_value(id, branch) {
                    members.insert(property.clone(), Value::String(tag));
                }
            }
            value
        };
        if schema.one_of.len() > 1 {
            for full in [false, true] {
                for &branch in &branches {
                    let value = value_of(self, branch, full);
                    let accepting = branches.iter().filter(|&&other| self.fits(other, &value, depth + 1)).count();
                    if accepting == 1 {
                        return Some((branch, value));
                    }
                }
            }
        }
        Some((first, value_of(self, first, false)))
    }

    /// Whether the schema is an object assembled from parts: `allOf` members or a `$ref` that
    /// are objects, with or without properties of its own.
    fn combines_objects(&self, id: SchemaId) -> bool {
        let schema = self.resolved.schema(id);
        let parts: Vec<SchemaId> = schema.all_of.iter().copied().chain(self.resolved.target(id)).collect();
        !parts.is_empty() && parts.iter().all(|&part| self.is_object(part, 0))
    }

    fn is_object(&self, id: SchemaId, depth: usize) -> bool {
        let schema = self.resolved.schema(id);
        if depth > MAX_DEPTH {
            return false;
        }
        let types = schema.non_null_types();
        if !types.is_empty() {
            return types == [JsonType::Object];
        }
        !schema.properties.is_empty()
            || !schema.required.is_empty()
            || schema.all_of.iter().any(|&m| self.is_object(m, depth + 1))
            || self.resolved.target(id).is_some_and(|t| self.is_object(t, depth + 1))
    }

    /// The required members of an object and of everything it is assembled from, then
    /// optional ones until `minProperties` is met.
    fn object(&mut self, id: SchemaId, depth: usize, salt: usize) -> Map<String, Value> {
        let fill = std::mem::take(&mut self.fill_next_object);
        let mut parts = Vec::new();
        self.object_parts(id, &mut parts, 0);
        let mut required: Vec<String> = Vec::new();
        let mut properties: Vec<(String, SchemaId)> = Vec::new();
        let mut min_properties = 0;
        let mut discriminators = Vec::new();
        let mut additional = None;
        for &part in &parts {
            let schema = self.resolved.schema(part);
            for name in &schema.required {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
            for (name, &property) in &schema.properties {
                if !properties.iter().any(|(n, _)| n == name) {
                    properties.push((name.clone(), property));
                }
            }
            min_properties = min_properties.max(schema.constraints.min_properties.unwrap_or(0));
            if let Some(discriminator) = &schema.discriminator {
                discriminators.push((part, discriminator.property_name.clone()));
            }
            if let Some(SchemaOrBool::Schema(value)) = schema.additional_properties {
                additional.get_or_insert(value);
            }
        }
        let mut members = Map::new();
        // A `oneOf` next to the properties: one branch's members join them.
        let branch = parts.iter().find_map(|&part| {
            let schema = self.resolved.schema(part);
            schema
                .one_of
                .iter()
                .chain(&schema.any_of)
                .copied()
                .find(|&b| !self.resolved.schema(b).is_null_only())
                .map(|b| (part, b))
        });
        if let Some((_, branch)) = branch {
            if let Value::Object(branch_members) = self.make(branch, depth + 1, salt) {
                members.extend(branch_members);
            }
        }
        for name in &required {
            if members.contains_key(name) {
                continue;
            }
            let value = match properties.iter().find(|(n, _)| n == name) {
                Some(&(_, property)) => self.make(property, depth + 1, salt),
                None => Value::String("example".into()),
            };
            members.insert(name.clone(), value);
        }
        for (name, property) in &properties {
            if members.len() as u64 >= min_properties && !fill {
                break;
            }
            if !members.contains_key(name) {
                let value = self.make(*property, depth + 1, salt);
                members.insert(name.clone(), value);
            }
        }
        let mut extra = 1;
        while (members.len() as u64) < min_properties {
            let value = match additional {
                Some(value) => self.make(value, depth + 1, salt),
                None => Value::String("example".into()),
            };
            members.insert(format!("key{extra}"), value);
            extra += 1;
        }
        // The discriminator names the branch taken (or, from inside a branch, the schema itself).
        for (owner, property) in discriminators {
            let selected = branch.filter(|(part, _)| *part == owner).map_or(id, |(_, b)| b);
            if let Some(tag) = self.tag_value(owner, selected) {
                members.insert(property, Value::String(tag));
            }
        }
        members
    }

    /// `id` and the schemas it is assembled from: `$ref` targets and `allOf` members.
    fn object_parts(&self, id: SchemaId, parts: &mut Vec<SchemaId>, depth: usize) {
        if parts.contains(&id) || depth > MAX_DEPTH {
            return;
        }
        parts.push(id);
        let schema = self.resolved.schema(id);
        if let Some(target) = self.resolved.target(id) {
            self.object_parts(target, parts, depth + 1);
        }
        for &member in &schema.all_of {
            self.object_parts(member, parts, depth + 1);
        }
    }

    /// The discriminator value of `owner` that selects `selected`: a `mapping` entry pointing
    /// at it, else the component's name. `None` when the member already has a fixed value
    /// (an `enum`), or constraints the name does not meet (Adyen's base schema used as itself,
    /// its `type` a `pattern` of the mapped values), which the object then carries as made.
    fn tag_value(&mut self, owner: SchemaId, selected: SchemaId) -> Option<String> {
        let discriminator = self.resolved.schema(owner).discriminator.as_ref()?;
        let property = &discriminator.property_name;
        let mut target = selected;
        for _ in 0..MAX_DEPTH {
            match self.resolved.target(target) {
                Some(next) if self.resolved.schema(target).is_bare_reference() => target = next,
                _ => break,
            }
        }
        let pointer = &self.resolved.schema(target).pointer;
        if let Some((value, _)) = discriminator.mapping.iter().find(|(_, p)| p == pointer) {
            return Some(value.clone());
        }
        // The branch's own schema fixes the value: keep it.
        let schema = self.resolved.schema(target);
        if schema.properties.get(property).is_some_and(|&p| self.resolved.schema(p).enumeration.is_some()) {
            return None;
        }
        let name = pointer.component("schemas")?;
        let member = schema.properties.get(property).or(self.resolved.schema(owner).properties.get(property));
        match member.map(|&member| self.resolved.schema(member)) {
            Some(member) if !self.constraints_hold(member, &Value::String(name.clone())) => None,
            _ => Some(name),
        }
    }

    fn array(&mut self, schema: &Schema, depth: usize) -> Value {
        let c = &schema.constraints;
        let count = c.min_items.unwrap_or(1).max(1).min(c.max_items.unwrap_or(u64::MAX)).min(16) as usize;
        let Some(SchemaOrBool::Schema(item)) = schema.items else {
            return Value::Array((0..count).map(|i| Value::from(i as u64 + 1)).collect());
        };
        let mut items: Vec<Value> = Vec::with_capacity(count);
        for salt in 0..count * 4 {
            if items.len() == count {
                break;
            }
            let value = self.make(item, depth + 1, salt);
            if !(c.unique_items && items.contains(&value)) {
                items.push(value);
            }
        }
        Value::Array(items)
    }

    fn string(&mut self, schema: &Schema, salt: usize) -> String {
        let c = &schema.constraints;
        // Bytes carried as text (`contentEncoding: base64`) are base64 like `format: byte`.
        let base64 = schema.content_encoding.as_deref().is_some_and(|e| e.starts_with("base64")).then_some("byte");
        let by_format =
            schema.format.as_deref().and_then(format_text).or(base64.and_then(format_text)).map(str::to_owned);
        let fits_lengths = |text: &str| {
            let length = text.chars().count() as u64;
            c.min_length.is_none_or(|min| length >= min) && c.max_length.is_none_or(|max| length <= max)
        };
        if let Some(pattern) = c.pattern.clone() {
            if let Some(text) =
                by_format.as_ref().filter(|t| salt == 0 && fits_lengths(t) && self.pattern_matches(&pattern, t))
            {
                return text.clone();
            }
            let samples = self.samples(&pattern, salt);
            if let Some(text) = samples.iter().find(|t| fits_lengths(t)).or(samples.first()) {
                return text.clone();
            }
        }
        let base = match by_format {
            Some(text) if salt == 0 => text,
            Some(text) => format!("{text}{salt}"),
            None if salt == 0 => "example".to_owned(),
            None => format!("example{salt}"),
        };
        fit_length(base, c.min_length, c.max_length)
    }

    fn pattern_matches(&mut self, pattern: &str, text: &str) -> bool {
        self.pattern(pattern).matcher.as_ref().is_none_or(|m| m.is_match(text))
    }

    /// Strings sampled from `pattern`, deterministically (the seed is the pattern and `salt`).
    fn samples(&mut self, pattern: &str, salt: usize) -> Vec<String> {
        let compiled = self.pattern(pattern);
        let Some(sampler) = &compiled.sampler else { return Vec::new() };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (pattern, salt).hash(&mut hasher);
        let mut rng = rand::rngs::StdRng::seed_from_u64(hasher.finish());
        let matcher = compiled.matcher.as_ref();
        // A sample comes from the pattern with its anchors and word boundaries taken out; the
        // matcher has the last word.
        (0..32).map(|_| rng.sample::<String, _>(sampler)).filter(|s| matcher.is_none_or(|m| m.is_match(s))).collect()
    }

    fn pattern(&mut self, pattern: &str) -> &Pattern {
        self.patterns
            .entry(pattern.to_owned())
            .or_insert_with(|| Pattern { sampler: sampler(pattern), matcher: regex::Regex::new(pattern).ok() })
    }
}

/// A sampler for an ECMA-262 pattern as OpenAPI writes it. Classes are read as ASCII, as
/// JavaScript reads `\d` and `\w` (a server validating in JavaScript, as Prism does, would
/// refuse a Devanagari digit), falling back to Unicode for patterns that need it.
fn sampler(pattern: &str) -> Option<rand_regex::Regex> {
    let ascii = regex_syntax::ParserBuilder::new().unicode(false).utf8(true).build().parse(pattern);
    let hir = match ascii {
        Ok(hir) => hir,
        Err(_) => regex_syntax::Parser::new().parse(pattern).ok()?,
    };
    rand_regex::Regex::with_hir(without_assertions(hir), 8).ok()
}

/// The pattern with its anchors and word boundaries removed (the sampler refuses them): a
/// pattern anchored at both ends is sampled from its middle.
fn without_assertions(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Hir, HirKind};
    match hir.into_kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Capture(mut capture) => {
            capture.sub = Box::new(without_assertions(*capture.sub));
            Hir::capture(capture)
        }
        HirKind::Repetition(mut repetition) => {
            repetition.sub = Box::new(without_assertions(*repetition.sub));
            Hir::repetition(repetition)
        }
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(without_assertions).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.into_iter().map(without_assertions).collect()),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
    }
}

/// The canonical text of a string format, for those that constrain their text.
fn format_text(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "2024-01-15T09:30:00Z",
        "date" => "2024-01-15",
        "time" => "09:30:00Z",
        "duration" => "PT1M",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" | "idn-email" => "user@example.com",
        "uri" | "url" | "iri" => "https://example.com",
        "uri-reference" | "iri-reference" => "/example",
        "uri-template" => "https://example.com/{id}",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "ZXhhbXBsZQ==",
        "password" => "secret",
        "json-pointer" => "/example",
        "relative-json-pointer" => "0",
        "regex" => "^example$",
        // Numbers written as text.
        "int32" | "int64" | "integer" | "decimal" | "number" | "double" | "float" | "uint32" | "uint64" => "1",
        "boolean" => "true",
        _ => return None,
    })
}

/// Whether `text` is written as `format` requires, for the formats validators check (a
/// document's example `"myUrl"` for a `format: uri` is refused by them).
fn format_holds(format: &str, text: &str) -> bool {
    static CHECKS: std::sync::OnceLock<Vec<(&'static str, regex::Regex)>> = std::sync::OnceLock::new();
    let checks = CHECKS.get_or_init(|| {
        [
            ("date-time", r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"),
            ("date", r"^\d{4}-\d{2}-\d{2}$"),
            ("time", r"^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$"),
            ("uuid", r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
            ("email", r"^[^@\s]+@[^@\s]+$"),
            ("uri", r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$"),
            ("url", r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$"),
            ("ipv4", r"^(\d{1,3}\.){3}\d{1,3}$"),
            ("ipv6", r"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$"),
            ("hostname", r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$"),
            ("byte", r"^[A-Za-z0-9+/_-]*={0,2}$"),
        ]
        .into_iter()
        .map(|(name, pattern)| (name, regex::Regex::new(pattern).expect("format patterns are valid")))
        .collect()
    });
    checks.iter().find(|(name, _)| *name == format).is_none_or(|(_, check)| check.is_match(text))
}

/// `text` repeated or cut to fit the length bounds.
fn fit_length(text: String, min: Option<u64>, max: Option<u64>) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let min = min.unwrap_or(0) as usize;
    while chars.len() < min {
        chars.push('x');
    }
    if let Some(max) = max {
        chars.truncate(max as usize);
    }
    chars.into_iter().collect()
}

/// Whether `x` is inside the schema's bounds and on its `multipleOf`.
fn within(schema: &Schema, x: f64) -> bool {
    let c = &schema.constraints;
    c.minimum.is_none_or(|m| x >= m)
        && c.maximum.is_none_or(|m| x <= m)
        && c.exclusive_minimum.is_none_or(|m| x > m)
        && c.exclusive_maximum.is_none_or(|m| x < m)
        && c.multiple_of.is_none_or(|m| m <= 0.0 || ((x / m) - (x / m).round()).abs() < 1e-9)
}

fn integer(schema: &Schema, salt: usize) -> Value {
    let c = &schema.constraints;
    let low = match (c.minimum, c.exclusive_minimum) {
        (Some(a), Some(b)) => a.max(b.floor() + 1.0),
        (Some(a), None) => a.ceil(),
        (None, Some(b)) => b.floor() + 1.0,
        (None, None) => 1.0,
    };
    let high = match (c.maximum, c.exclusive_maximum) {
        (Some(a), Some(b)) => a.min(b.ceil() - 1.0),
        (Some(a), None) => a.floor(),
        (None, Some(b)) => b.ceil() - 1.0,
        (None, None) => f64::MAX,
    };
    let mut x =
        if c.minimum.is_none() && c.exclusive_minimum.is_none() && high < 1.0 { high } else { low } + salt as f64;
    if let Some(step) = c.multiple_of.filter(|&m| m >= 1.0 && m.fract() == 0.0) {
        x = (x / step).ceil() * step;
    }
    if x > high {
        x = high;
    }
    // Whole and inside `i64`, it is written as an integer, which an `i64` field decodes (Discord's
    // flags have `minimum: -9007199254740991`, a whole number past 9e15); beyond, as a float.
    if x.fract() == 0.0 && x >= i64::MIN as f64 && x < i64::MAX as f64 {
        Value::from(x as i64)
    } else {
        Number::from_f64(x).map_or(Value::from(1), Value::Number)
    }
}

fn number(schema: &Schema, salt: usize) -> Value {
    let c = &schema.constraints;
    let mut x =
        c.minimum.or(c.exclusive_minimum.map(|m| m + c.multiple_of.unwrap_or(0.5))).unwrap_or(1.0) + salt as f64;
    if let Some(step) = c.multiple_of.filter(|&m| m > 0.0) {
        x = (x / step).ceil() * step;
    }
    let high = c.maximum.or(c.exclusive_maximum.map(|m| m - c.multiple_of.unwrap_or(0.5)));
    if let Some(high) = high.filter(|&h| x > h) {
        x = high;
    }
    Number::from_f64(x).map_or(Value::from(1), Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Document;

    fn examples_of(yaml: &str, name: &str) -> Value {
        let document = crate::load::parse(std::path::Path::new("t.yaml"), yaml).expect("document loads");
        let resolved = crate::resolve::resolve(&document).expect("resolves");
        let id = schema_named(&document, name);
        Examples::new(&resolved).value(id, &[])
    }

    fn schema_named(document: &Document, name: &str) -> SchemaId {
        let pointer = crate::pointer::Pointer::root().join("components").join("schemas").join(name);
        document.schemas.at(&pointer).expect("schema exists")
    }

    const HEAD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

    #[test]
    fn strings_match_their_pattern_and_lengths() {
        let value = examples_of(
            &format!(
                "{HEAD}    Sid: {{type: string, pattern: '^AC[0-9a-fA-F]{{32}}$', minLength: 34, maxLength: 34}}\n"
            ),
            "Sid",
        );
        let text = value.as_str().unwrap();
        assert!(regex::Regex::new("^AC[0-9a-fA-F]{32}$").unwrap().is_match(text), "{text}");
        let value = examples_of(&format!("{HEAD}    Code: {{type: string, minLength: 10}}\n"), "Code");
        assert_eq!(value.as_str().unwrap().len(), 10);
    }

    #[test]
    fn a_document_example_that_breaks_its_pattern_is_not_used() {
        let value =
            examples_of(&format!("{HEAD}    Id: {{type: string, pattern: '^[0-9]+$', example: 'abc'}}\n"), "Id");
        assert!(value.as_str().unwrap().chars().all(|c| c.is_ascii_digit()), "{value}");
        let value = examples_of(&format!("{HEAD}    Id: {{type: string, pattern: '^[0-9]+$', example: '42'}}\n"), "Id");
        assert_eq!(value, "42");
    }

    #[test]
    fn a_default_comes_before_a_made_up_value() {
        let value = examples_of(
            &format!("{HEAD}    Accept: {{type: string, default: 'application/vnd.x+json;version=2'}}\n"),
            "Accept",
        );
        assert_eq!(value, "application/vnd.x+json;version=2");
    }

    #[test]
    fn numbers_respect_bounds_and_steps() {
        let value =
            examples_of(&format!("{HEAD}    N: {{type: integer, minimum: 10, maximum: 20, multipleOf: 4}}\n"), "N");
        assert_eq!(value, 12);
        let value =
            examples_of(&format!("{HEAD}    N: {{type: integer, exclusiveMinimum: 0, exclusiveMaximum: 2}}\n"), "N");
        assert_eq!(value, 1);
        let value = examples_of(&format!("{HEAD}    N: {{type: number, exclusiveMinimum: 0, maximum: 1}}\n"), "N");
        let x = value.as_f64().unwrap();
        assert!(x > 0.0 && x <= 1.0, "{x}");
    }

    #[test]
    fn whole_numbers_past_2_pow_53_stay_integers() {
        let value = examples_of(&format!("{HEAD}    N: {{type: integer, minimum: -9007199254740991}}\n"), "N");
        assert_eq!(value, serde_json::json!(-9007199254740991_i64));
        assert!(value.is_i64(), "{value}");
    }

    #[test]
    fn objects_carry_required_members_and_discriminators() {
        let yaml = format!(
            "{HEAD}    Pet:\n      oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{$ref: '#/components/schemas/Dog'}}]\n      discriminator: {{propertyName: kind, mapping: {{cat: '#/components/schemas/Cat'}}}}\n    Cat:\n      type: object\n      required: [kind, lives]\n      properties: {{kind: {{type: string}}, lives: {{type: integer, minimum: 1, maximum: 9}}, name: {{type: string}}}}\n    Dog: {{type: object, properties: {{kind: {{type: string}}}}}}\n"
        );
        // A Cat (`{"kind": "cat", "lives": 1}`) is also a Dog, whose members are all optional:
        // validators ignore the discriminator, so the value is a Dog, which is not a Cat.
        assert_eq!(examples_of(&yaml, "Pet"), serde_json::json!({"kind": "Dog"}));
    }

    /// Adyen's `ShopperIdPaymentMethod`: the schema holding the discriminator, used as itself,
    /// constrains its tag to the mapped values; its own name would be refused.
    #[test]
    fn a_discriminator_base_used_as_itself_keeps_a_tag_its_constraints_accept() {
        let yaml = format!(
            "{HEAD}    Method:\n      type: object\n      required: [type]\n      discriminator: {{propertyName: type, mapping: {{payTo: '#/components/schemas/PayTo'}}}}\n      properties: {{type: {{type: string, pattern: 'payTo|upi_collect'}}}}\n    PayTo: {{type: object}}\n    Loose:\n      type: object\n      required: [type]\n      discriminator: {{propertyName: type}}\n      properties: {{type: {{type: string}}}}\n"
        );
        let tag = examples_of(&yaml, "Method")["type"].as_str().unwrap().to_owned();
        assert!(regex::Regex::new("payTo|upi_collect").unwrap().is_match(&tag), "{tag}");
        // Without constraints, the schema's own name, as before.
        assert_eq!(examples_of(&yaml, "Loose"), serde_json::json!({"type": "Loose"}));
    }

    #[test]
    fn a_one_of_value_matches_exactly_one_branch() {
        // `{"b": 1}` fits both branches (the second takes any object); `{}` fits only the second.
        let yaml = format!(
            "{HEAD}    Either:\n      oneOf:\n        - {{type: object, required: [b], properties: {{b: {{type: integer}}}}}}\n        - {{type: object}}\n"
        );
        assert_eq!(examples_of(&yaml, "Either"), serde_json::json!({}));
    }

    #[test]
    fn unique_arrays_get_distinct_items() {
        let value = examples_of(
            &format!("{HEAD}    L: {{type: array, minItems: 3, uniqueItems: true, items: {{enum: [a, b, c, d]}}}}\n"),
            "L",
        );
        assert_eq!(value, serde_json::json!(["a", "b", "c"]));
    }
}
