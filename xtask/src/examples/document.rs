//! One document's example conformance: its crate generated with the program that round-trips
//! every example, the program built and run, and each result judged and counted, with the
//! document's faults and the generator's bugs listed.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use apigen::model::TypeRef;
use serde_json::Value;

use super::collect::{self, PayloadExample};
use super::compare::{compare, compare_form, excerpt, form_value, Outcome};
use super::schema::SchemaCheck;
use super::{program, Counts};
use crate::codegen::workspace_root;
use crate::test_crate::TestCrate;

/// The counts of the document at `spec`; `quiet` lists five of the document's faults, `verbose`
/// also every example that lost unknown members.
pub fn check(spec: &Path, quiet: bool, verbose: bool) -> Result<Counts, String> {
    let root = workspace_root();
    let started = Instant::now();
    let (mut test_crate, examples) = TestCrate::generate(spec, |resolved, api| collect::collect(api, resolved))?;
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
            value: if e.form { form_value(&test_crate.api, &e.ty, &e.value) } else { e.value.clone() },
            ..e.clone()
        })
        .collect();
    let (program, data) = program::program(&inputs, &test_crate.options.crate_name)?;
    test_crate.files.insert("tests/examples.rs".into(), program);
    test_crate.files.insert("tests/examples.json".into(), data);
    test_crate.write()?;
    let generated = started.elapsed();
    let out = test_crate.dir.join("target-examples.jsonl");
    let _ = std::fs::remove_file(&out);
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "-q", "--test", "examples"])
        .current_dir(&test_crate.dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("EXAMPLES_OUT", &out)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the examples test of {} failed ({status})", test_crate.dir.display()));
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
    let assembled = examples.iter().filter(|e| e.place == collect::Place::Assembled).count();
    let mut counts = Counts { examples: results.len() - assembled, assembled, ..Counts::default() };
    let mut faults: Vec<String> = Vec::new();
    let mut bugs: Vec<String> = Vec::new();
    let mut lost_members: BTreeMap<String, usize> = BTreeMap::new();
    for ((example, input), result) in examples.iter().zip(&inputs).zip(&results) {
        let outcome = match (result.get("encoded"), result.get("error")) {
            (Some(encoded), _) if example.form => compare_form(&test_crate.api, &mut validator, example, encoded),
            (Some(encoded), _) => compare(&test_crate.api, &mut validator, example, encoded),
            (None, Some(error)) => Outcome::NotDecoded(error.as_str().unwrap_or_default().to_owned()),
            (None, None) => Outcome::NotDecoded("no result".into()),
        };
        // What the docs show must decode; that is all that is asked of it (the judgement below is
        // for the document's own examples).
        if example.place == collect::Place::Assembled {
            match &outcome {
                Outcome::NotDecoded(error) => {
                    counts.unexplained += 1;
                    bugs.push(format!(
                        "  {} ({}): the docs show JSON that does not decode: {}: {}",
                        example.pointer,
                        type_text(&example.ty),
                        excerpt(error),
                        excerpt(&example.value.to_string())
                    ));
                }
                _ => counts.assembled_decoded += 1,
            }
            continue;
        }
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
                    *lost_members.entry(member.last().unwrap_or_default()).or_default() += 1;
                }
                if verbose {
                    let members: Vec<&str> = members.iter().map(|m| m.as_str()).collect();
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
        match validator.violation(&example.schema, &input.value) {
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
        "{name}: {} examples, {} decoded, {} exact, {} date-times respelled, {} lost unknown members, {} the document's fault, {} generator bugs; {} bodies assembled for the docs, {} decoded (generate {:.1} s, build and run {:.1} s, judge {:.1} s)",
        counts.examples,
        counts.decoded,
        counts.exact,
        counts.respelled,
        counts.lost_unknown,
        counts.document_fault,
        counts.unexplained,
        counts.assembled,
        counts.assembled_decoded,
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

/// How a type is named in the report: `Pet`, `Vec<Pet>`, `Option<String>`.
fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::List(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("Map<{}>", type_text(inner)),
        TypeRef::OrNull(inner) => format!("Option<{}>", type_text(inner)),
        other => format!("{other:?}"),
    }
}
