//! `apigen diff` as CI runs it: two documents in a folder, Markdown or JSON on stdout, the exit
//! code of `--fail-on`, a revision of a git repository with `--base`, and a broken document.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const OLD: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: integer, format: int64}
";

/// `OLD` with a new optional field (breaking: struct literals) and a new path (wire-only).
fn new_document() -> String {
    OLD.replace("  /pets:", "  /v2/pets:").replace(
        "        id: {type: integer, format: int64}\n",
        "        id: {type: integer, format: int64}\n        name: {type: string}\n",
    )
}

fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-cli-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("old.yaml"), OLD).unwrap();
    std::fs::write(dir.join("new.yaml"), new_document()).unwrap();
    dir
}

fn apigen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen")).current_dir(dir).arg("diff").args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn markdown_names_the_rust_item_the_change_and_the_pointer() {
    let dir = scratch("markdown");
    let output = apigen(&dir, &["--old", "old.yaml", "--new", "new.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(text.starts_with("**apigen diff**: 1 breaking, 0 compatible, 1 wire-only\n"), "{text}");
    assert!(
        text.contains(
            "| `types::Pet::name` | added | — → `Option<String>` | `#/components/schemas/Pet/properties/name` |"
        ),
        "{text}"
    );
    assert!(
        text.contains("| `PetsApi::list_pets` | operation | `GET /pets` → `GET /v2/pets` | `#/paths/~1v2~1pets/get` |"),
        "{text}"
    );
    // Deterministic: the same report twice.
    assert_eq!(stdout(&apigen(&dir, &["--old", "old.yaml", "--new", "new.yaml"])), text);
}

#[test]
fn fail_on_breaking_exits_1_and_json_stays_one_object() {
    let dir = scratch("fail-on");
    let output = apigen(&dir, &["--old", "old.yaml", "--new", "new.yaml", "--fail-on", "breaking", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    assert_eq!(report["breaking"], 1);
    assert_eq!(report["changes"][0]["item"], "types::Pet::name");
    assert_eq!(report["changes"][0]["severity"], "breaking");
    // The same document twice: nothing changed, nothing to fail on.
    let same = apigen(&dir, &["--old", "new.yaml", "--new", "new.yaml", "--fail-on", "breaking"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).starts_with("**apigen diff**: 0 breaking, 0 compatible, 0 wire-only"));
    // Wire-only changes fail `--fail-on any` but not `--fail-on breaking`.
    let moved = OLD.replace("  /pets:", "  /v2/pets:");
    std::fs::write(dir.join("moved.yaml"), moved).unwrap();
    assert_eq!(
        apigen(&dir, &["--old", "old.yaml", "--new", "moved.yaml", "--fail-on", "breaking"]).status.code(),
        Some(0)
    );
    assert_eq!(apigen(&dir, &["--old", "old.yaml", "--new", "moved.yaml", "--fail-on", "any"]).status.code(), Some(1));
}

#[test]
fn a_broken_document_is_an_error_naming_the_file_not_a_panic() {
    let dir = scratch("broken");
    std::fs::write(dir.join("broken.yaml"), OLD.replace("#/components/schemas/Pet'", "#/components/schemas/Nope'"))
        .unwrap();
    let output = apigen(&dir, &["--old", "broken.yaml", "--new", "new.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.yaml") && stderr.contains("#/components/schemas/Nope"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let missing = apigen(&dir, &["--old", "missing.yaml", "--new", "new.yaml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing.yaml: no such document"));
}

#[test]
fn base_compares_with_the_document_at_a_git_revision() {
    let dir = scratch("base");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::write(dir.join("api.yaml"), OLD).unwrap();
    git(&["add", "api.yaml"]);
    git(&["commit", "-qm", "old"]);
    std::fs::write(dir.join("api.yaml"), new_document()).unwrap();
    let output = apigen(&dir, &["--base", "HEAD", "--new", "api.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        stdout(&output).starts_with("**apigen diff**: 1 breaking, 0 compatible, 1 wire-only"),
        "{}",
        stdout(&output)
    );
    let unknown = apigen(&dir, &["--base", "no-such-rev", "--new", "api.yaml"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no-such-rev"));
}

/// A split document at a revision: the file it refers to comes from the revision too.
#[test]
fn base_reads_every_file_of_a_split_document_at_the_revision() {
    let dir = scratch("base-split");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    let root = OLD.split("components:").next().unwrap().replace("#/components/schemas/Pet", "schemas/Pet.yaml");
    std::fs::create_dir_all(dir.join("api/schemas")).unwrap();
    std::fs::write(dir.join("api/openapi.yaml"), &root).unwrap();
    let pet = "type: object\nrequired: [id]\nproperties:\n  id: {type: integer, format: int64}\n";
    std::fs::write(dir.join("api/schemas/Pet.yaml"), pet).unwrap();
    git(&["init", "-q"]);
    git(&["add", "api"]);
    git(&["commit", "-qm", "old"]);
    // Only the referred file changes.
    std::fs::write(dir.join("api/schemas/Pet.yaml"), format!("{pet}  name: {{type: string}}\n")).unwrap();
    let output = apigen(&dir.join("api"), &["--base", "HEAD", "--new", "openapi.yaml", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["breaking"], 1, "{report:#}");
    assert_eq!(report["changes"][0]["item"], "types::Pet::name", "{report:#}");
    // The pointer names the file the property is written in, not the bundled document.
    assert_eq!(report["changes"][0]["pointer"], "schemas/Pet.yaml#/properties/name", "{report:#}");
}
