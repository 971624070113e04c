//! The expected counts of `cargo xtask examples` (`xtask/examples-expected.txt`): one line per
//! document, written with `--write-expected` and checked with `--expect`, so that a change that
//! finds fewer examples, or decodes or round-trips fewer, fails the run until it is understood.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Counts, Row};

/// The comment that opens the file: what the columns are and what fails a run.
pub const HEADER: &str =
    "# Expected example conformance, checked by `cargo xtask examples --expect` (see xtask/src/examples.rs).\n\
# document examples decoded exact date-times-respelled document's-fault lost-unknown-members\n\
# The run fails when a document finds another number of examples, decodes fewer, round-trips fewer\n\
# exactly (or exactly but for date-time spelling), or loses unknown members of more examples, and\n\
# whenever an example its schema accepts fails. Rewrite with --write-expected once a change is understood.\n";

/// The regressions against the expected counts (`document examples decoded exact fault lost`).
pub fn regressions(path: &Path, rows: &[Row]) -> Result<Vec<String>, String> {
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
            Counts { examples, decoded, exact, respelled, document_fault, lost_unknown, ..Counts::default() },
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

/// The counts of every document that ran, under [`HEADER`], as `path`.
pub fn write(path: &Path, rows: &[Row]) -> Result<(), String> {
    let mut text = String::from(HEADER);
    for row in rows {
        if let Ok(c) = &row.counts {
            text.push_str(&format!(
                "{} {} {} {} {} {} {}\n",
                row.document, c.examples, c.decoded, c.exact, c.respelled, c.document_fault, c.lost_unknown
            ));
        }
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_counts_catch_every_regression_and_allow_improvements() {
        let path = std::env::temp_dir().join(format!("examples-expected-{}.txt", std::process::id()));
        std::fs::write(&path, format!("{HEADER}a.yaml 10 9 8 1 1 1\n")).unwrap();
        let row = |examples, decoded, exact, respelled, lost| Row {
            document: "a.yaml".into(),
            counts: Ok(Counts {
                examples,
                decoded,
                exact,
                respelled,
                document_fault: 0,
                lost_unknown: lost,
                ..Counts::default()
            }),
            seconds: 0.0,
        };
        assert!(regressions(&path, &[row(10, 9, 8, 1, 1)]).unwrap().is_empty());
        assert!(regressions(&path, &[row(10, 10, 9, 1, 0)]).unwrap().is_empty(), "better is fine");
        for (worse, what) in [
            (row(11, 9, 8, 1, 1), "examples found"),
            (row(10, 8, 8, 1, 1), "decoded"),
            (row(10, 9, 7, 2, 1), "round-tripped exactly"),
            (row(10, 9, 8, 0, 1), "but for date-time spelling"),
            (row(10, 9, 8, 1, 2), "lost unknown members"),
        ] {
            let problems = regressions(&path, &[worse]).unwrap();
            assert!(problems.iter().any(|p| p.contains(what)), "{what}: {problems:?}");
        }
        let _ = std::fs::remove_file(&path);
    }
}
