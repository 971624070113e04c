//! `cargo xtask examples`: example conformance. Every example payload a document gives for a
//! schema (component and inline schemas, properties, request bodies and responses, the
//! `components/examples` they refer to) is decoded into the generated type the client uses for it
//! and encoded again, in a test program written into the document's crate (the one `contract`
//! uses, under `target/contract/`, so the library compiles once for both).
//!
//! Per document it counts the examples, those that decode, those that come back exactly (as JSON
//! values: `1.0` and `1` are one number), and those that come back without members their type
//! does not know: a generated struct without `additionalProperties` drops them, by design. Every
//! other difference is judged against the example's own schema, with the `jsonschema` crate
//! (3.0's `nullable` converted): an example its schema refuses is the document's fault and is
//! listed; one its schema accepts is a generator bug, and fails the run.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use apigen::model::{Api, TypeKind, TypeRef};
use serde_json::Value;

use crate::codegen::workspace_root;
use crate::test_crate::TestCrate;
use collect::PayloadExample;

mod collect;
mod program;

const USAGE: &str = "usage: cargo xtask examples (--spec PATH ... | --all) [--expect FILE] [--write-expected FILE] [--quiet | --verbose]";

/// What became of one example.
#[derive(Debug)]
enum Outcome {
    Exact,
    /// Equal but for date-times written differently with the same instant and offset
    /// (`.000Z` → `Z`).
    Respelled,
    /// Equal but for members its type does not know (the paths of the members lost).
    LostUnknown(Vec<String>),
    NotDecoded(String),
    /// Decoded, but what came back differs otherwise.
    Changed(Vec<String>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    pub examples: usize,
    pub decoded: usize,
    pub exact: usize,
    /// Equal but for date-times written differently, same instant and offset (`.000Z` → `Z`).
    pub respelled: usize,
    /// Decoded and not exact, or not decoded, and refused by the example's own schema.
    pub document_fault: usize,
    /// Decoded without members the type does not know, and otherwise exact.
    pub lost_unknown: usize,
    /// Failed although the schema accepts the example: generator bugs.
    pub unexplained: usize,
}

struct Row {
    document: String,
    counts: Result<Counts, String>,
    seconds: f64,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut specs: Vec<PathBuf> = Vec::new();
    let mut expect: Option<PathBuf> = None;
    let mut write_expected: Option<PathBuf> = None;
    let mut quiet = false;
    let mut verbose = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => specs.push(args.next().ok_or(USAGE)?.into()),
            "--all" => specs.extend(crate::specs::documents()?.into_iter().map(|(path, _)| path)),
            "--expect" => expect = Some(args.next().ok_or(USAGE)?.into()),
            "--write-expected" => write_expected = Some(args.next().ok_or(USAGE)?.into()),
            "--quiet" => quiet = true,
            // Also every example that lost unknown members, with the members' paths.
            "--verbose" => verbose = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if specs.is_empty() {
        return Err(USAGE.into());
    }
    let mut rows = Vec::new();
    for spec in &specs {
        let started = Instant::now();
        let document = spec.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let counts = check_document(spec, quiet, verbose);
        if let Err(error) = &counts {
            println!("{document}: {error}");
        }
        rows.push(Row { document, counts, seconds: started.elapsed().as_secs_f64() });
    }
    println!();
    println!("| document | examples | decoded | exact | date-times respelled | lost unknown members | document's fault | generator bugs | time |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for row in &rows {
        match &row.counts {
            Ok(c) => println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |",
                row.document,
                c.examples,
                c.decoded,
                c.exact,
                c.respelled,
                c.lost_unknown,
                c.document_fault,
                c.unexplained,
                row.seconds
            ),
            Err(_) => println!("| {} | failed | | | | | | | {:.0} s |", row.document, row.seconds),
        }
    }
    println!(
        "\nexact: the value encoded again equals the example (JSON values; numbers as numbers). date-times respelled: equal but for\n\
         date-times written otherwise with the same instant and offset (`.000Z` as `Z`). lost unknown members: equal but for\n\
         members the generated type does not declare, which a struct without additionalProperties drops by design."
    );
    if let Some(path) = write_expected {
        let mut text = String::from(EXPECTED_HEADER);
        for row in &rows {
            if let Ok(c) = &row.counts {
                text.push_str(&format!(
                    "{} {} {} {} {} {} {}\n",
                    row.document, c.examples, c.decoded, c.exact, c.respelled, c.document_fault, c.lost_unknown
                ));
            }
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("expected counts written to {}", path.display());
    }
    let mut problems = Vec::new();
    for row in &rows {
        match &row.counts {
            Err(error) => problems.push(format!("{}: {error}", row.document)),
            Ok(c) if c.unexplained > 0 => problems.push(format!(
                "{}: {} examples valid for their schema fail (generator bugs)",
                row.document, c.unexplained
            )),
            Ok(_) => {}
        }
    }
    if let Some(path) = expect {
        problems.extend(compare_expected(&path, &rows)?);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

const EXPECTED_HEADER: &str =
    "# Expected example conformance, checked by `cargo xtask examples --expect` (see xtask/src/examples.rs).\n\
# document examples decoded exact date-times-respelled document's-fault lost-unknown-members\n\
# The run fails when a document finds another number of examples, decodes fewer, round-trips fewer\n\
# exactly (or exactly but for date-time spelling), or loses unknown members of more examples, and\n\
# whenever an example its schema accepts fails. Rewrite with --write-expected once a change is understood.\n";

/// The regressions against the expected counts (`document examples decoded exact fault lost`).
fn compare_expected(path: &Path, rows: &[Row]) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut expected: BTreeMap<String, Counts> = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let numbers: Vec<usize> = parts[1..]
            .iter()
            .map(|n| n.parse().map_err(|_| format!("{}: bad line `{line}`", path.display())))
            .collect::<Result<_, _>>()?;
        let [examples, decoded, exact, respelled, document_fault, lost_unknown] = numbers[..] else {
            return Err(format!("{}: bad line `{line}`", path.display()));
        };
        expected.insert(
            parts[0].to_owned(),
            Counts { examples, decoded, exact, respelled, document_fault, lost_unknown, unexplained: 0 },
        );
    }
    let mut problems = Vec::new();
    for row in rows {
        let (Some(want), Ok(got)) = (expected.get(&row.document), &row.counts) else { continue };
        let mut say = |what: &str, got: usize, want: usize| {
            problems.push(format!("{}: {what} {got}, expected {want}", row.document))
        };
        if got.examples != want.examples {
            say("examples found", got.examples, want.examples);
        }
        if got.decoded < want.decoded {
            say("decoded", got.decoded, want.decoded);
        }
        if got.exact < want.exact {
            say("round-tripped exactly", got.exact, want.exact);
        }
        if got.exact + got.respelled < want.exact + want.respelled {
            say(
                "round-tripped exactly or but for date-time spelling",
                got.exact + got.respelled,
                want.exact + want.respelled,
            );
        }
        if got.lost_unknown > want.lost_unknown {
            say("lost unknown members", got.lost_unknown, want.lost_unknown);
        }
    }
    Ok(problems)
}

fn check_document(spec: &Path, quiet: bool, verbose: bool) -> Result<Counts, String> {
    let root = workspace_root();
    let started = Instant::now();
    let (mut prepared, examples) = TestCrate::generate(spec, |resolved, api| collect::collect(api, resolved))?;
    let name = spec.file_name().unwrap_or_default().to_string_lossy().into_owned();
    if examples.is_empty() {
        // Nothing to decode: the crate is not built.
        println!("{name}: no examples");
        return Ok(Counts::default());
    }
    // A form body's example is form text read as JSON: `"true"` for a boolean, one value for
    // a list. It is read as the form it is before it is decoded (and judged).
    let inputs: Vec<PayloadExample> = examples
        .iter()
        .map(|e| PayloadExample {
            value: if e.form { form_value(&prepared.api, &e.ty, &e.value) } else { e.value.clone() },
            ..e.clone()
        })
        .collect();
    let (program, data) = program::program(&inputs, &prepared.options.crate_name)?;
    prepared.files.insert("tests/examples.rs".into(), program);
    prepared.files.insert("tests/examples.json".into(), data);
    prepared.write()?;
    let generated = started.elapsed();
    let out = prepared.dir.join("target-examples.jsonl");
    let _ = std::fs::remove_file(&out);
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "-q", "--test", "examples"])
        .current_dir(&prepared.dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("EXAMPLES_OUT", &out)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the examples test of {} failed ({status})", prepared.dir.display()));
    }
    let tested = started.elapsed();
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let results: Vec<Value> =
        text.lines().map(serde_json::from_str).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    if results.len() != examples.len() {
        return Err(format!("{} results for {} examples", results.len(), examples.len()));
    }
    let started = Instant::now();
    let mut validator = SchemaCheck::new(spec)?;
    let mut counts = Counts { examples: results.len(), ..Counts::default() };
    let mut faults: Vec<String> = Vec::new();
    let mut bugs: Vec<String> = Vec::new();
    let mut lost_members: BTreeMap<String, usize> = BTreeMap::new();
    for ((example, input), result) in examples.iter().zip(&inputs).zip(&results) {
        let outcome = match (result.get("encoded"), result.get("error")) {
            (Some(encoded), _) if example.form => compare_form(&prepared.api, &mut validator, example, encoded),
            (Some(encoded), _) => compare(&prepared.api, &mut validator, example, encoded),
            (None, Some(error)) => Outcome::NotDecoded(error.as_str().unwrap_or_default().to_owned()),
            (None, None) => Outcome::NotDecoded("no result".into()),
        };
        let what = match &outcome {
            Outcome::Exact => {
                counts.decoded += 1;
                counts.exact += 1;
                continue;
            }
            Outcome::Respelled => {
                counts.decoded += 1;
                counts.respelled += 1;
                continue;
            }
            Outcome::LostUnknown(members) => {
                counts.decoded += 1;
                counts.lost_unknown += 1;
                for member in members {
                    *lost_members.entry(last_segment(member)).or_default() += 1;
                }
                if verbose {
                    println!(
                        "  lost unknown members: {} ({}): {}",
                        example.pointer,
                        type_text(&example.ty),
                        members.join(", ")
                    );
                }
                continue;
            }
            Outcome::NotDecoded(error) => format!("does not decode: {}", excerpt(error)),
            Outcome::Changed(diffs) => {
                counts.decoded += 1;
                format!("comes back changed: {}", excerpt(&diffs.join("; ")))
            }
        };
        let place = example.place.name();
        let ty = type_text(&example.ty);
        match validator.violation(example.schema.as_str(), &input.value) {
            Some(why) => {
                counts.document_fault += 1;
                faults.push(format!("  {} ({place}, {ty}): {} — {what}", example.pointer, excerpt(&why)));
            }
            None => {
                counts.unexplained += 1;
                bugs.push(format!(
                    "  {} ({place}, {ty}): {what}; the schema accepts it: {}",
                    example.pointer,
                    excerpt(&example.value.to_string())
                ));
            }
        }
    }
    let judged = started.elapsed();
    println!(
        "{name}: {} examples, {} decoded, {} exact, {} date-times respelled, {} lost unknown members, {} the document's fault, {} generator bugs (generate {:.1} s, build and run {:.1} s, judge {:.1} s)",
        counts.examples,
        counts.decoded,
        counts.exact,
        counts.respelled,
        counts.lost_unknown,
        counts.document_fault,
        counts.unexplained,
        generated.as_secs_f64(),
        tested.as_secs_f64(),
        judged.as_secs_f64()
    );
    if !lost_members.is_empty() {
        let list: Vec<String> =
            lost_members.iter().take(12).map(|(m, n)| if *n > 1 { format!("{m} ×{n}") } else { m.clone() }).collect();
        let more =
            if lost_members.len() > 12 { format!(", and {} more", lost_members.len() - 12) } else { String::new() };
        println!("  members lost, not in their type: {}{more}", list.join(", "));
    }
    if !faults.is_empty() {
        println!("  the document's fault (the example breaks its own schema):");
        let shown = if quiet { 5 } else { faults.len() };
        for fault in faults.iter().take(shown) {
            println!("{fault}");
        }
        if faults.len() > shown {
            println!("  … and {} more (without --quiet: all)", faults.len() - shown);
        }
    }
    if !bugs.is_empty() {
        println!("  generator bugs (the schema accepts the example):");
        for bug in &bugs {
            println!("{bug}");
        }
    }
    Ok(counts)
}

fn last_segment(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

fn excerpt(text: &str) -> String {
    const MAX: usize = 220;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::List(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("Map<{}>", type_text(inner)),
        TypeRef::OrNull(inner) => format!("Option<{}>", type_text(inner)),
        other => format!("{other:?}"),
    }
}

/// A form body's example as the values it stands for, by the type that decodes it: text where a
/// boolean or a number is wanted is read as one, a single value where a list is wanted is a
/// list of one.
fn form_value(api: &Api, ty: &TypeRef, value: &Value) -> Value {
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
fn compare_form(api: &Api, schemas: &mut SchemaCheck, example: &PayloadExample, encoded: &Value) -> Outcome {
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
    let mut lost = Vec::new();
    let mut other = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < want.len() || j < got.len() {
        match (want.get(i), got.get(j)) {
            (Some(w), Some(g)) if w.0 == g.0 => {
                if !same(&w.1, &g.1) {
                    other.push(format!("/{}: {:?} became {:?}", w.0, w.1, g.1));
                }
                i += 1;
                j += 1;
            }
            (Some(w), g) if g.is_none_or(|g| w.0 < g.0) => {
                if knows_member(api, schemas, &example.ty, original, &[], &w.0) {
                    other.push(format!("/{}: lost, although the type declares it", w.0));
                } else if schemas.declares(&example.schema, original, &[], &w.0) {
                    other.push(format!("/{}: lost: the schema declares it, the type does not", w.0));
                } else {
                    lost.push(format!("/{}", w.0));
                }
                i += 1;
            }
            (_, Some(g)) => {
                other.push(format!("/{}: added ({:?})", g.0, g.1));
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
fn compare(api: &Api, schemas: &mut SchemaCheck, example: &PayloadExample, encoded: &Value) -> Outcome {
    let mut diffs = Vec::new();
    differences(&example.value, encoded, "", &mut diffs);
    if diffs.is_empty() {
        return Outcome::Exact;
    }
    let mut lost = Vec::new();
    let mut other = Vec::new();
    for diff in diffs {
        match diff {
            Diff::Respelled => {}
            Diff::Lost(path) => {
                let (container, member) = path.rsplit_once('/').unwrap_or(("", &path));
                let segments: Vec<&str> = container.split('/').skip(1).collect();
                if knows_member(api, schemas, &example.ty, &example.value, &segments, member) {
                    other.push(format!("{path}: lost, although the type declares it"));
                } else if schemas.declares(&example.schema, &example.value, &segments, member) {
                    other.push(format!("{path}: lost: the schema declares it, the type does not"));
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
    Lost(String),
    /// A date-time written otherwise, with the same instant and offset.
    Respelled,
    Other(String),
}

fn differences(original: &Value, encoded: &Value, path: &str, out: &mut Vec<Diff>) {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                match b.get(key) {
                    Some(other) => differences(value, other, &here, out),
                    None => out.push(Diff::Lost(here)),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(Diff::Other(format!("{path}/{key}: added ({})", excerpt(&value.to_string()))));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(x, y, &format!("{path}/{i}"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) if same_number(a, b) => {}
        (a, b) if a == b => {}
        (Value::String(a), Value::String(b)) if same_date_time(a, b) => out.push(Diff::Respelled),
        (a, b) => out.push(Diff::Other(format!(
            "{}: {} became {}",
            if path.is_empty() { "/" } else { path },
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

/// Whether the container at `path` inside `value`, a value of `ty`, has a type that declares
/// `member` (or keeps every member: a map, free-form JSON, `additionalProperties`). Through a
/// union, the variants whose schemas accept the value there count (all of them when none does):
/// The member or item of `value` that one (unescaped) JSON-pointer segment names.
fn child<'v>(value: &'v Value, segment: &str) -> Option<&'v Value> {
    match value {
        Value::Object(members) => members.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

/// a member one of those declares was not lost by design; one only a variant that cannot hold
/// the value declares was.
fn knows_member(
    api: &Api,
    schemas: &mut SchemaCheck,
    ty: &TypeRef,
    value: &Value,
    path: &[&str],
    member: &str,
) -> bool {
    let mut value = value;
    let mut current = concrete(api, schemas, ty, value);
    for segment in path {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let Some(inner) = child(value, &segment) else { return false };
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
                        match s.fields.iter().find(|f| f.wire == segment) {
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
                                Some(def) => schemas.violation(def.pointer.as_str(), value).is_none(),
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

/// The document as JSON Schema, to ask whether an example satisfies its schema.
struct SchemaCheck {
    registry: jsonschema::Registry<'static>,
    draft: jsonschema::Draft,
    /// Where `nullable` wrapping moved schemas: (old, new) prefixes, deepest first.
    moves: Vec<(String, String)>,
    validators: HashMap<String, Result<jsonschema::Validator, String>>,
    /// The document as written, to see what its schemas declare.
    raw: Value,
}

const BASE: &str = "https://apigen.invalid/document.json";

/// Formats that give a value a Rust type of its own (a malformed one cannot decode).
const TYPED_FORMATS: [&str; 4] = ["date-time", "date", "uuid", "byte"];

impl SchemaCheck {
    fn new(spec: &Path) -> Result<SchemaCheck, String> {
        let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        let mut document: Value = if spec.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?
        } else {
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?
        };
        let version = document.get("openapi").and_then(Value::as_str).unwrap_or("3.0").to_owned();
        // 3.0's schemas are draft 4's words (boolean `exclusiveMinimum`, `$ref` siblings
        // ignored); 3.1 and 3.2 use 2020-12.
        let draft = if version.starts_with("3.0") { jsonschema::Draft::Draft4 } else { jsonschema::Draft::Draft202012 };
        let raw = document.clone();
        let moves = allow_nullable(&mut document);
        let registry = jsonschema::Registry::new()
            .draft(draft)
            .add(BASE, draft.create_resource(document))
            .and_then(|builder| builder.prepare())
            .map_err(|e| format!("the document as JSON Schema: {e}"))?;
        Ok(SchemaCheck { registry, draft, moves, validators: HashMap::new(), raw })
    }

    /// Why `value` does not satisfy the schema at `schema`, if it does not.
    fn violation(&mut self, schema: &str, value: &Value) -> Option<String> {
        let pointer = map_pointer(&self.moves, schema);
        let validator = self.validators.entry(pointer.clone()).or_insert_with(|| {
            let root = serde_json::json!({ "$ref": format!("{BASE}#{}", encode_fragment(&pointer)) });
            jsonschema::options()
                .with_draft(self.draft)
                .with_registry(&self.registry)
                .should_validate_formats(true)
                .build(&root)
                .map_err(|e| e.to_string())
        });
        let validator = match validator {
            Ok(validator) => validator,
            Err(error) => return Some(format!("(the schema could not be compiled: {error})")),
        };
        let found: Vec<String> = validator
            .iter_errors(value)
            .filter(|e| match e.kind() {
                // A format the client reads as a plain string (`uri`, `email`…) cannot make an
                // example fail: only those with a type of their own count.
                jsonschema::error::ValidationErrorKind::Format { format } => TYPED_FORMATS.contains(&format.as_str()),
                _ => true,
            })
            .map(|e| {
                let at = e.instance_path().to_string();
                if at.is_empty() {
                    e.to_string()
                } else {
                    format!("{at}: {e}")
                }
            })
            .collect();
        match found.len() {
            0 => None,
            1..=3 => Some(found.join("; ")),
            n => Some(format!("{}; and {} more", found[..3].join("; "), n - 3)),
        }
    }

    /// Whether the schema at `schema` declares property `member` of the object at `path` inside
    /// `value` (through `$ref`, `allOf`, `properties`, `additionalProperties`, `items`, and the
    /// `oneOf`/`anyOf` alternatives that accept the value there).
    fn declares(&mut self, schema: &apigen::Pointer, value: &Value, path: &[&str], member: &str) -> bool {
        let mut value = value;
        let mut current = self.applicable(schema.as_str(), value);
        for segment in path {
            let unescaped = segment.replace("~1", "/").replace("~0", "~");
            let Some(inner) = child(value, &unescaped) else { return false };
            value = inner;
            let mut next = Vec::new();
            for pointer in current {
                let Some(s) = self.raw.pointer(&pointer) else { continue };
                let step = if s.get("properties").and_then(|p| p.get(&unescaped)).is_some() {
                    Some(format!("{pointer}/properties/{segment}"))
                } else if segment.parse::<usize>().is_ok() && s.get("items").is_some_and(Value::is_object) {
                    Some(format!("{pointer}/items"))
                } else if s.get("additionalProperties").is_some_and(Value::is_object) {
                    Some(format!("{pointer}/additionalProperties"))
                } else {
                    None
                };
                if let Some(step) = step {
                    next.extend(self.applicable(&step, value));
                }
            }
            current = next;
        }
        current
            .iter()
            .any(|p| self.raw.pointer(p).and_then(|s| s.get("properties")).and_then(|p| p.get(member)).is_some())
    }

    /// A schema's pointer and those of the schemas it brings in for `value`: `$ref` targets,
    /// `allOf` members, and the `oneOf`/`anyOf` alternatives that accept it (all of them when
    /// none does), each once.
    fn applicable(&mut self, schema: &str, value: &Value) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut work = vec![schema.to_owned()];
        while let Some(pointer) = work.pop() {
            if out.contains(&pointer) {
                continue;
            }
            let Some(s) = self.raw.pointer(&pointer).cloned() else { continue };
            out.push(pointer.clone());
            if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                work.push(decode_fragment(target));
            }
            let count = |key: &str| s.get(key).and_then(Value::as_array).map_or(0, Vec::len);
            work.extend((0..count("allOf")).map(|i| format!("{pointer}/allOf/{i}")));
            for key in ["oneOf", "anyOf"] {
                let members: Vec<String> = (0..count(key)).map(|i| format!("{pointer}/{key}/{i}")).collect();
                let accepting: Vec<String> =
                    members.iter().filter(|m| self.violation(m, value).is_none()).cloned().collect();
                work.extend(if accepting.is_empty() { members } else { accepting });
            }
        }
        out
    }
}

/// Makes `nullable: true` allow `null`, as the generator reads it (in every version: 3.1
/// documents that still say `nullable` mean it). A schema with a plain `type` gets `null` added
/// to it (and to its `enum`); any other (`$ref`, `allOf`…) is wrapped in place as
/// `anyOf: [{type: null}, <schema>]`, which moves it one level down: the moves are returned, and
/// the document's `$ref`s into moved schemas are rewritten.
fn allow_nullable(document: &mut Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    find_nullable(document, String::new(), &mut found);
    // Deepest first: wrapping a schema does not move the ones around it.
    found.sort_by_key(|p| std::cmp::Reverse(p.matches('/').count()));
    let mut moves = Vec::new();
    for pointer in found {
        let Some(Value::Object(schema)) = document.pointer_mut(&pointer) else { continue };
        schema.remove("nullable");
        let composite = ["$ref", "allOf", "oneOf", "anyOf"].iter().any(|k| schema.contains_key(*k));
        match schema.get_mut("type") {
            Some(Value::String(ty)) if !composite => {
                let ty = std::mem::take(ty);
                schema.insert("type".into(), serde_json::json!([ty, "null"]));
                if let Some(Value::Array(values)) = schema.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            _ => {
                let inner = Value::Object(std::mem::take(schema));
                schema.insert("anyOf".into(), serde_json::json!([{ "type": "null" }, inner]));
                moves.push((pointer.clone(), format!("{pointer}/anyOf/1")));
            }
        }
    }
    if !moves.is_empty() {
        rewrite_refs(document, &moves);
    }
    moves
}

fn find_nullable(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                out.push(pointer.clone());
            }
            for (key, child) in map {
                // Example payloads are data, not schemas.
                if key == "example" || key == "examples" || key == "default" || key == "enum" || key == "const" {
                    continue;
                }
                find_nullable(child, format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_nullable(child, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn map_pointer(moves: &[(String, String)], pointer: &str) -> String {
    let mut pointer = pointer.to_owned();
    for (from, to) in moves {
        if let Some(rest) = pointer.strip_prefix(from.as_str()) {
            if rest.starts_with('/') {
                pointer = format!("{to}{rest}");
            }
        }
    }
    pointer
}

fn rewrite_refs(value: &mut Value, moves: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(fragment) = reference.strip_prefix('#') {
                    let pointer = decode_fragment(fragment);
                    let mapped = map_pointer(moves, &pointer);
                    if mapped != pointer {
                        *reference = format!("#{}", encode_fragment(&mapped));
                    }
                }
            }
            for child in map.values_mut() {
                rewrite_refs(child, moves);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|child| rewrite_refs(child, moves)),
        _ => {}
    }
}

/// A JSON pointer as a URI fragment: what a fragment may not hold, percent-encoded.
fn encode_fragment(pointer: &str) -> String {
    let mut out = String::new();
    for byte in pointer.bytes() {
        let c = byte as char;
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn decode_fragment(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&fragment[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_allows_null_in_place_or_wrapped_with_references_following() {
        let mut document = json!({
            "components": {"schemas": {
                "A": {"type": "string", "nullable": true, "enum": ["x"]},
                "B": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/C"}], "properties": {"p": {"type": "integer"}}},
                "C": {"type": "object"},
                "D": {"$ref": "#/components/schemas/B/properties/p"}
            }}
        });
        let moves = allow_nullable(&mut document);
        assert_eq!(document["components"]["schemas"]["A"], json!({"type": ["string", "null"], "enum": ["x", null]}));
        assert_eq!(document["components"]["schemas"]["B"]["anyOf"][0], json!({"type": "null"}));
        assert_eq!(document["components"]["schemas"]["D"]["$ref"], "#/components/schemas/B/anyOf/1/properties/p");
        assert_eq!(
            map_pointer(&moves, "/components/schemas/B/properties/p"),
            "/components/schemas/B/anyOf/1/properties/p"
        );
        assert_eq!(map_pointer(&moves, "/components/schemas/B"), "/components/schemas/B");
    }

    #[test]
    fn numbers_compare_as_numbers_and_lost_members_are_told_apart() {
        let mut diffs = Vec::new();
        differences(&json!({"a": 1.0, "b": [1, 2], "c": "x"}), &json!({"a": 1, "b": [1, 2]}), "", &mut diffs);
        assert!(matches!(diffs.as_slice(), [Diff::Lost(path)] if path == "/c"));
        let mut diffs = Vec::new();
        differences(&json!({"t": "2024-01-01T10:00:00-05:00"}), &json!({"t": "2024-01-01T15:00:00Z"}), "", &mut diffs);
        assert!(matches!(diffs.as_slice(), [Diff::Other(_)]));
        let mut diffs = Vec::new();
        differences(&json!(["2024-01-01T10:00:00.000-05:00"]), &json!(["2024-01-01T10:00:00-05:00"]), "", &mut diffs);
        assert!(matches!(diffs.as_slice(), [Diff::Respelled]));
    }

    #[test]
    fn expected_counts_catch_every_regression_and_allow_improvements() {
        let path = std::env::temp_dir().join(format!("examples-expected-{}.txt", std::process::id()));
        std::fs::write(&path, format!("{EXPECTED_HEADER}a.yaml 10 9 8 1 1 1\n")).unwrap();
        let row = |examples, decoded, exact, respelled, lost| Row {
            document: "a.yaml".into(),
            counts: Ok(Counts {
                examples,
                decoded,
                exact,
                respelled,
                document_fault: 0,
                lost_unknown: lost,
                unexplained: 0,
            }),
            seconds: 0.0,
        };
        assert!(compare_expected(&path, &[row(10, 9, 8, 1, 1)]).unwrap().is_empty());
        assert!(compare_expected(&path, &[row(10, 10, 9, 1, 0)]).unwrap().is_empty(), "better is fine");
        for (worse, what) in [
            (row(11, 9, 8, 1, 1), "examples found"),
            (row(10, 8, 8, 1, 1), "decoded"),
            (row(10, 9, 7, 2, 1), "round-tripped exactly"),
            (row(10, 9, 8, 0, 1), "but for date-time spelling"),
            (row(10, 9, 8, 1, 2), "lost unknown members"),
        ] {
            let problems = compare_expected(&path, &[worse]).unwrap();
            assert!(problems.iter().any(|p| p.contains(what)), "{what}: {problems:?}");
        }
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn form_examples_are_read_as_form_text_and_compared_as_pairs() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /calls:\n    post:\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema:\n              type: object\n              properties:\n                Record: {type: boolean}\n                Price: {type: number}\n                Event: {type: array, items: {type: string}}\n            example: {Record: 'true', Price: '12.00', Event: ringing, Extra: x}\n      responses:\n        '204': {description: ok}\n";
        let path = std::env::temp_dir().join(format!("examples-form-{}.yaml", std::process::id()));
        std::fs::write(&path, yaml).unwrap();
        let options = apigen::Options::new("t", apigen::RuntimeDependency::Path("rt".into()));
        let (modelled, examples) = apigen::stages::Loaded::read(&path, &options)
            .and_then(|loaded| loaded.model_with(|resolved, api| collect::collect(api, resolved)))
            .unwrap();
        let api = modelled.into_api();
        let [example] = examples.as_slice() else { panic!("{examples:?}") };
        assert!(example.form);
        let read = form_value(&api, &example.ty, &example.value);
        assert_eq!(read, json!({"Record": true, "Price": 12.0, "Event": ["ringing"], "Extra": "x"}));
        let mut schemas = SchemaCheck::new(&path).unwrap();
        assert_eq!(schemas.violation(example.schema.as_str(), &read), None);
        assert!(schemas.violation(example.schema.as_str(), &example.value).is_some(), "form text is not JSON's types");
        // What the client sends for it (`apigen_runtime::form::pairs`): `Extra` is not a field.
        let sent = json!([["Record", "true"], ["Price", "12.0"], ["Event", "ringing"]]);
        assert!(
            matches!(compare_form(&api, &mut schemas, example, &sent), Outcome::LostUnknown(lost) if lost == ["/Extra"])
        );
        let changed = json!([["Record", "false"], ["Price", "12.0"], ["Event", "ringing"]]);
        assert!(matches!(compare_form(&api, &mut schemas, example, &changed), Outcome::Changed(_)));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn fragments_round_trip() {
        let pointer = "/paths/~1a~1{id}/get/responses/200/content/application~1json/schema";
        let fragment = encode_fragment(pointer);
        assert!(fragment.contains("%7Bid%7D"));
        assert_eq!(decode_fragment(&fragment), pointer);
    }
}
