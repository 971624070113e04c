//! What came back for an example, against the example: exact (JSON values, numbers as numbers),
//! equal but for date-times respelled, equal but for members the type does not declare (lost by
//! design), or changed. A member lost is judged against the generated type and the document's
//! schema both, through unions to the variants that can hold the value.

use apigen::model::{Api, TypeKind, TypeRef};
use apigen::Pointer;
use serde_json::Value;

use super::collect::PayloadExample;
use super::schema::{child, SchemaCheck};

/// What became of one example.
#[derive(Debug)]
pub enum Outcome {
    Exact,
    /// Equal but for date-times written differently with the same instant and offset
    /// (`.000Z` → `Z`).
    Respelled,
    /// Equal but for members its type does not know (the paths of the members lost).
    LostUnknown(Vec<Pointer>),
    NotDecoded(String),
    /// Decoded, but what came back differs otherwise.
    Changed(Vec<String>),
}

/// A form body's example as the values it stands for, by the type that decodes it: text where a
/// boolean or a number is wanted is read as one, a single value where a list is wanted is a
/// list of one.
pub fn form_value(api: &Api, ty: &TypeRef, value: &Value) -> Value {
    let ty = match api.unaliased(ty) {
        TypeRef::OrNull(inner) => api.unaliased(inner),
        other => other,
    };
    match (ty, value) {
        (TypeRef::Named(name), Value::Object(members)) => {
            let Some(TypeKind::Struct(s)) = api.type_named(name).map(|d| &d.kind) else { return value.clone() };
            let members = members
                .iter()
                .map(|(key, member)| {
                    let member = match s.fields.iter().find(|f| &f.wire == key) {
                        Some(field) => form_value(api, &field.ty, member),
                        None => member.clone(),
                    };
                    (key.clone(), member)
                })
                .collect();
            Value::Object(members)
        }
        (TypeRef::List(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| form_value(api, item, v)).collect())
        }
        (TypeRef::List(item), single) if !single.is_null() => Value::Array(vec![form_value(api, item, single)]),
        (TypeRef::Bool, Value::String(text)) if text == "true" || text == "false" => Value::Bool(text == "true"),
        (TypeRef::I32 | TypeRef::I64, Value::String(text)) => {
            text.parse::<i64>().map(Value::from).unwrap_or_else(|_| value.clone())
        }
        (TypeRef::F32 | TypeRef::F64, Value::String(text)) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| value.clone()),
        _ => value.clone(),
    }
}

/// A form body's example, as the pairs it is sent as, against the pairs the client sends for it:
/// the same names with the same values (numbers as numbers: `12.00` is `12.0`), each name's
/// values in order.
pub fn compare_form(api: &Api, schemas: &mut SchemaCheck, example: &PayloadExample, encoded: &Value) -> Outcome {
    let original = &example.value;
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let mut want: Vec<(String, String)> = Vec::new();
    if let Value::Object(members) = original {
        for (name, value) in members {
            match value {
                Value::Null => {}
                Value::Array(items) => {
                    want.extend(items.iter().filter(|v| !v.is_null()).map(|v| (name.clone(), text(v))))
                }
                other => want.push((name.clone(), text(other))),
            }
        }
    }
    let mut got: Vec<(String, String)> = serde_json::from_value(encoded.clone()).unwrap_or_default();
    want.sort_by(|a, b| a.0.cmp(&b.0));
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let same = |a: &str, b: &str| a == b || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y);
    // A pair's place is its name as a member of the object the example is.
    let at = |name: &str| Pointer::root().join(name);
    let mut lost = Vec::new();
    let mut other = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < want.len() || j < got.len() {
        match (want.get(i), got.get(j)) {
            (Some(w), Some(g)) if w.0 == g.0 => {
                if !same(&w.1, &g.1) {
                    other.push(format!("{}: {:?} became {:?}", at(&w.0).as_str(), w.1, g.1));
                }
                i += 1;
                j += 1;
            }
            (Some(w), g) if g.is_none_or(|g| w.0 < g.0) => {
                if knows_member(api, schemas, &example.ty, original, &[], &w.0) {
                    other.push(format!("{}: lost, although the type declares it", at(&w.0).as_str()));
                } else if schemas.declares(&example.schema, original, &[], &w.0) {
                    other.push(format!("{}: lost: the schema declares it, the type does not", at(&w.0).as_str()));
                } else {
                    lost.push(at(&w.0));
                }
                i += 1;
            }
            (_, Some(g)) => {
                other.push(format!("{}: added ({:?})", at(&g.0).as_str(), g.1));
                j += 1;
            }
            _ => break,
        }
    }
    match (other.is_empty(), lost.is_empty()) {
        (true, true) => Outcome::Exact,
        (true, false) => Outcome::LostUnknown(lost),
        _ => Outcome::Changed(other),
    }
}

/// The example against what came back, with the members lost judged against the type.
pub fn compare(api: &Api, schemas: &mut SchemaCheck, example: &PayloadExample, encoded: &Value) -> Outcome {
    let mut diffs = Vec::new();
    differences(&example.value, encoded, &Pointer::root(), &mut diffs);
    if diffs.is_empty() {
        return Outcome::Exact;
    }
    let mut lost = Vec::new();
    let mut other = Vec::new();
    for diff in diffs {
        match diff {
            Diff::Respelled => {}
            Diff::Lost(path) => {
                // A member's path: never the root.
                let (Some(container), Some(member)) = (path.parent(), path.last()) else { continue };
                let segments: Vec<String> = container.segments().collect();
                if knows_member(api, schemas, &example.ty, &example.value, &segments, &member) {
                    other.push(format!("{}: lost, although the type declares it", path.as_str()));
                } else if schemas.declares(&example.schema, &example.value, &segments, &member) {
                    other.push(format!("{}: lost: the schema declares it, the type does not", path.as_str()));
                } else {
                    lost.push(path);
                }
            }
            Diff::Other(text) => other.push(text),
        }
    }
    if other.is_empty() && lost.is_empty() {
        Outcome::Respelled
    } else if other.is_empty() {
        Outcome::LostUnknown(lost)
    } else {
        Outcome::Changed(other)
    }
}

enum Diff {
    /// A member of the example that did not come back.
    Lost(Pointer),
    /// A date-time written otherwise, with the same instant and offset.
    Respelled,
    Other(String),
}

fn differences(original: &Value, encoded: &Value, path: &Pointer, out: &mut Vec<Diff>) {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = path.join(key);
                match b.get(key) {
                    Some(other) => differences(value, other, &here, out),
                    None => out.push(Diff::Lost(here)),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    let here = path.join(key);
                    out.push(Diff::Other(format!("{}: added ({})", here.as_str(), excerpt(&value.to_string()))));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(x, y, &path.join(i), out);
            }
        }
        (Value::Number(a), Value::Number(b)) if same_number(a, b) => {}
        (a, b) if a == b => {}
        (Value::String(a), Value::String(b)) if same_date_time(a, b) => out.push(Diff::Respelled),
        (a, b) => out.push(Diff::Other(format!(
            "{}: {} became {}",
            if path.is_root() { "/" } else { path.as_str() },
            excerpt(&a.to_string()),
            excerpt(&b.to_string())
        ))),
    }
}

/// Two RFC 3339 date-times with the same instant and the same offset.
fn same_date_time(a: &str, b: &str) -> bool {
    match (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b)) {
        (Ok(a), Ok(b)) => a == b && a.offset() == b.offset(),
        _ => false,
    }
}

fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i128(), b.as_i128()) {
        (Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

/// Whether the container at `path` (its unescaped segments) inside `value`, a value of `ty`,
/// has a type that declares `member` (or keeps every member: a map, free-form JSON,
/// `additionalProperties`). Through a union, the variants whose schemas accept the value there
/// count (all of them when none does): a member one of those declares was not lost by design;
/// one only a variant that cannot hold the value declares was.
fn knows_member(
    api: &Api,
    schemas: &mut SchemaCheck,
    ty: &TypeRef,
    value: &Value,
    path: &[String],
    member: &str,
) -> bool {
    let mut value = value;
    let mut current = concrete(api, schemas, ty, value);
    for segment in path {
        let Some(inner) = child(value, segment) else { return false };
        value = inner;
        let mut next = Vec::new();
        for ty in &current {
            match ty {
                TypeRef::List(item) => next.extend(concrete(api, schemas, item, value)),
                TypeRef::Map(map_value) => next.extend(concrete(api, schemas, map_value, value)),
                TypeRef::Tuple(items) => {
                    if let Some(item) = segment.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        next.extend(concrete(api, schemas, item, value));
                    }
                }
                TypeRef::Json => return true,
                TypeRef::Named(name) => {
                    if let Some(TypeKind::Struct(s)) = api.type_named(name).map(|d| &d.kind) {
                        match s.fields.iter().find(|f| &f.wire == segment) {
                            Some(field) => next.extend(concrete(api, schemas, &field.ty, value)),
                            None => {
                                if let Some(additional) = &s.additional {
                                    next.extend(concrete(api, schemas, additional, value));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        current = next;
    }
    current.iter().any(|ty| match ty {
        TypeRef::Json | TypeRef::Map(_) => true,
        TypeRef::Named(name) => match api.type_named(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => s.additional.is_some() || s.fields.iter().any(|f| f.wire == member),
            _ => false,
        },
        _ => false,
    })
}

/// `ty` without aliases and `null`, and a union as those of its variants whose schemas accept
/// `value` (every variant when none does).
fn concrete(api: &Api, schemas: &mut SchemaCheck, ty: &TypeRef, value: &Value) -> Vec<TypeRef> {
    let mut out = Vec::new();
    let mut work = vec![ty.clone()];
    let mut seen = std::collections::HashSet::new();
    while let Some(ty) = work.pop() {
        let ty = api.unaliased(&ty).clone();
        if !seen.insert(ty.clone()) {
            continue;
        }
        match &ty {
            TypeRef::OrNull(inner) => work.push((**inner).clone()),
            TypeRef::Named(name) => match api.type_named(name).map(|d| &d.kind) {
                Some(TypeKind::Union(u)) => {
                    let accepting: Vec<TypeRef> = u
                        .variants
                        .iter()
                        .filter(|v| match &v.ty {
                            TypeRef::Named(variant) => match api.type_named(variant) {
                                Some(def) => schemas.violation(&def.pointer, value).is_none(),
                                None => true,
                            },
                            _ => true,
                        })
                        .map(|v| v.ty.clone())
                        .collect();
                    if accepting.is_empty() {
                        work.extend(u.variants.iter().map(|v| v.ty.clone()));
                    } else {
                        work.extend(accepting);
                    }
                }
                Some(TypeKind::Alias(inner)) => work.push(inner.clone()),
                _ => out.push(ty),
            },
            _ => out.push(ty),
        }
    }
    out
}

/// A value shortened for a report line.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 220;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_as_numbers_and_lost_members_are_told_apart() {
        let mut diffs = Vec::new();
        let root = Pointer::root();
        differences(&json!({"a": 1.0, "b": [1, 2], "c": "x"}), &json!({"a": 1, "b": [1, 2]}), &root, &mut diffs);
        assert!(matches!(diffs.as_slice(), [Diff::Lost(path)] if path.as_str() == "/c"));
        let mut diffs = Vec::new();
        differences(
            &json!({"t": "2024-01-01T10:00:00-05:00"}),
            &json!({"t": "2024-01-01T15:00:00Z"}),
            &root,
            &mut diffs,
        );
        assert!(matches!(diffs.as_slice(), [Diff::Other(_)]));
        let mut diffs = Vec::new();
        differences(
            &json!(["2024-01-01T10:00:00.000-05:00"]),
            &json!(["2024-01-01T10:00:00-05:00"]),
            &root,
            &mut diffs,
        );
        assert!(matches!(diffs.as_slice(), [Diff::Respelled]));
    }

    #[test]
    fn form_examples_are_read_as_form_text_and_compared_as_pairs() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /calls:\n    post:\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema:\n              type: object\n              properties:\n                Record: {type: boolean}\n                Price: {type: number}\n                Event: {type: array, items: {type: string}}\n            example: {Record: 'true', Price: '12.00', Event: ringing, Extra: x}\n      responses:\n        '204': {description: ok}\n";
        let path = std::env::temp_dir().join(format!("examples-form-{}.yaml", std::process::id()));
        std::fs::write(&path, yaml).unwrap();
        let options = apigen::Options::new("t", apigen::RuntimeDependency::Path("rt".into()));
        let (modelled, examples) = apigen::stages::Loaded::read(&path, &options)
            .and_then(|loaded| loaded.model_with(|resolved, api| super::super::collect::collect(api, resolved)))
            .unwrap();
        let api = modelled.into_api();
        let [example] = examples.as_slice() else { panic!("{examples:?}") };
        assert!(example.form);
        let read = form_value(&api, &example.ty, &example.value);
        assert_eq!(read, json!({"Record": true, "Price": 12.0, "Event": ["ringing"], "Extra": "x"}));
        let mut schemas = SchemaCheck::new(&path).unwrap();
        assert_eq!(schemas.violation(&example.schema, &read), None);
        assert!(schemas.violation(&example.schema, &example.value).is_some(), "form text is not JSON's types");
        // What the client sends for it (`apigen_runtime::form::pairs`): `Extra` is not a field.
        let sent = json!([["Record", "true"], ["Price", "12.0"], ["Event", "ringing"]]);
        assert!(
            matches!(compare_form(&api, &mut schemas, example, &sent), Outcome::LostUnknown(lost) if lost == [Pointer::root().join("Extra")])
        );
        let changed = json!([["Record", "false"], ["Price", "12.0"], ["Event", "ringing"]]);
        assert!(matches!(compare_form(&api, &mut schemas, example, &changed), Outcome::Changed(_)));
        let _ = std::fs::remove_file(&path);
    }
}
