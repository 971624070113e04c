//! The `apigen` command as a user runs it: how it prints the warnings of a document.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A document with five properties of one object that `required` names but nothing describes
/// (five warnings of one kind, each a fallback to `serde_json::Value`) and one ignored keyword.
const DOCUMENT: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [a, b, c, d, e]
      properties:
        name: {type: string, if: {}}
";

/// A folder of its own for one test, with the document in it.
fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("api.yaml"), DOCUMENT).unwrap();
    dir
}

fn apigen(dir: &PathBuf, extra: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .current_dir(dir)
        .args(["generate", "--spec", "api.yaml", "--out", "client", "--runtime-version", "0.1"])
        .args(extra)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output
}

#[test]
fn repeated_warnings_are_grouped_with_a_count_and_examples_and_verbose_prints_each() {
    let dir = scratch("grouped");
    let stderr = String::from_utf8(apigen(&dir, &[]).stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[0], "warning: api.yaml: 5 × required property … has no schema; typed as serde_json::Value",
        "{stderr}"
    );
    assert_eq!(
        lines[1],
        "    #/components/schemas/Thing: required property `a` has no schema; typed as serde_json::Value"
    );
    assert!(
        lines[3].contains("`c`") && lines[4] == "    … and 2 more like these (--verbose prints every one)",
        "{stderr}"
    );
    // A warning of a kind of its own stays one line.
    assert!(lines[5].starts_with("warning: api.yaml: #/components/schemas/Thing/properties/name: `if`/`then`/`else`"));
    assert!(lines[6].contains("6 warnings (0 operations and 1 type fell back to a safe type)"), "{stderr}");
    assert_eq!(lines.len(), 7, "{stderr}");

    let stderr = String::from_utf8(apigen(&dir, &["--verbose"]).stderr).unwrap();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 6, "{stderr}");
    assert!(warnings[..5].iter().all(|w| w.contains("has no schema")), "{stderr}");
}

#[test]
fn json_keeps_every_warning_with_its_kind_and_the_fallback_counts() {
    let dir = scratch("json");
    let output = apigen(&dir, &["--json"]);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let client = &summary["clients"][0];
    let warnings = client["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 6);
    assert_eq!(warnings.iter().filter(|w| w["fell_back"] == true).count(), 5);
    assert_eq!(warnings[0]["kind"], "required property … has no schema; typed as serde_json::Value");
    assert_eq!(client["fell_back"], serde_json::json!({"operations": 0, "types": 1}));
}
