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
//!
//! This file is the command (its arguments, the table, the verdict); the rest is one concern a
//! file: [`collect`] finds the examples, [`program`] writes the program that round-trips them,
//! [`document`] runs it for one document, [`compare`] says what came back, [`schema`] asks the
//! document's own schemas, [`expected`] keeps the counts a run must not fall below.

mod collect;
mod compare;
mod document;
mod expected;
mod program;
mod schema;

use std::path::PathBuf;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask examples (--spec PATH ... | --all) [--expect FILE] [--write-expected FILE] [--quiet | --verbose]";

/// What one document's run counted.
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
    /// Bodies the docs show assembled from their schema (the document gives no example), and
    /// how many of them decode into their type: every one must, or the run fails (each one
    /// that does not is counted in `unexplained` too). Not part of the counts above.
    pub assembled: usize,
    pub assembled_decoded: usize,
}

/// One document's line of the table.
pub struct Row {
    pub document: String,
    pub counts: Result<Counts, String>,
    pub seconds: f64,
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
        let counts = document::check(spec, quiet, verbose);
        if let Err(error) = &counts {
            println!("{document}: {error}");
        }
        rows.push(Row { document, counts, seconds: started.elapsed().as_secs_f64() });
    }
    println!();
    println!("| document | examples | decoded | exact | date-times respelled | lost unknown members | document's fault | generator bugs | assembled for the docs | decoded | time |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for row in &rows {
        match &row.counts {
            Ok(c) => println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |",
                row.document,
                c.examples,
                c.decoded,
                c.exact,
                c.respelled,
                c.lost_unknown,
                c.document_fault,
                c.unexplained,
                c.assembled,
                c.assembled_decoded,
                row.seconds
            ),
            Err(_) => println!("| {} | failed | | | | | | | | | {:.0} s |", row.document, row.seconds),
        }
    }
    println!(
        "\nexact: the value encoded again equals the example (JSON values; numbers as numbers). date-times respelled: equal but for\n\
         date-times written otherwise with the same instant and offset (`.000Z` as `Z`). lost unknown members: equal but for\n\
         members the generated type does not declare, which a struct without additionalProperties drops by design.\n\
         assembled for the docs: request and response bodies the operations' docs show, assembled from the schema where the\n\
         document gives no example; each must decode into the type the client uses for it."
    );
    if let Some(path) = write_expected {
        expected::write(&path, &rows)?;
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
        problems.extend(expected::regressions(&path, &rows)?);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
