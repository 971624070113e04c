//! `cargo xtask new-user`: apigen adopted as a new user would, in an empty repository.
//!
//! Installs the `apigen` command with `cargo install --path generator`, then, in a new git
//! repository under the system's temp directory: writes a document, an overlay and an
//! `apigen.toml` (an overlay, a selection, tag features); runs `apigen list`, `apigen generate`,
//! `apigen check` (current, then stale after a hand edit) and a configuration with a typo; and
//! builds an application that uses one tag of the generated crate. Each step checks its exit
//! code and output; the build shares this workspace's target directory so dependencies compile
//! once.

use std::path::Path;
use std::process::{Command, Output};

use crate::codegen::workspace_root;

/// The document the new user brings: written here, small, with two tags.
const DOCUMENT: &str = r##"openapi: 3.1.0
info:
  title: Inventory API
  version: "1.0"
servers:
  - url: https://inventory.example.com/v1
paths:
  /items:
    get:
      operationId: listItems
      tags: [Items]
      summary: List the items in stock
      parameters:
        - name: limit
          in: query
          schema: {type: integer, minimum: 1}
      responses:
        "200":
          description: The items
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Item"}
  /items/{id}:
    delete:
      operationId: deleteItem
      tags: [Items]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: Deleted}
  /warehouses:
    get:
      operationId: listWarehouses
      tags: [Warehouses]
      responses:
        "200":
          description: The warehouses
          content:
            application/json:
              schema:
                type: array
                items: {type: string}
components:
  schemas:
    Item:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        quantity: {type: [integer, "null"]}
"##;

/// The fix the user cannot wait for the API owner to make: `quantity` is always sent.
const OVERLAY: &str = r#"overlay: 1.0.0
info:
  title: Inventory fixes
  version: "1"
actions:
  - target: $.components.schemas.Item
    update:
      required: [id, name, quantity]
"#;

const CONFIG: &str = r#"spec = "api/inventory.yaml"
out = "inventory-client"
name = "inventory-client"
overlays = ["api/fixes.overlay.yaml"]
tag-features = true

[select]
exclude-operations = ["deleteItem"]
"#;

const APP: &str = r#"fn main() {
    let client = inventory_client::Client::builder().build().ok();
    let item = inventory_client::types::Item { id: "a1".into(), name: "bolt".into(), quantity: Some(3) };
    println!("{} {:?}", item.name, client.is_some());
}
"#;

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(other) = args.first() {
        return Err(format!("new-user takes no arguments, not `{other}`"));
    }
    let root = workspace_root();
    let install = root.join("target/new-user/install");
    let repo = std::env::temp_dir().join(format!("apigen-new-user-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);

    step("install: cargo install --path generator");
    let installed = run_command(
        Command::new(cargo())
            .args(["install", "--quiet", "--debug", "--locked", "--force", "--path"])
            .arg(root.join("generator"))
            .arg("--root")
            .arg(&install)
            .env("CARGO_TARGET_DIR", root.join("target")),
    )?;
    expect(&installed, 0, &[])?;
    let apigen = install.join("bin").join(format!("apigen{}", std::env::consts::EXE_SUFFIX));

    step("an empty repository with a document, an overlay and apigen.toml");
    for (path, text) in [
        ("api/inventory.yaml", DOCUMENT),
        ("api/fixes.overlay.yaml", OVERLAY),
        ("apigen.toml", CONFIG),
        ("Cargo.toml", "[workspace]\nresolver = \"2\"\nmembers = [\"inventory-client\", \"app\"]\n"),
        ("app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ninventory-client = { path = \"../inventory-client\", default-features = false, features = [\"items\"] }\n"),
        ("app/src/main.rs", APP),
    ] {
        write(&repo.join(path), text)?;
    }
    run_command(Command::new("git").args(["init", "--quiet"]).current_dir(&repo))?;
    let apigen_in = |args: &[&str]| run_command(Command::new(&apigen).args(args).current_dir(&repo));

    step("apigen list --tags");
    expect(&apigen_in(&["list", "--tags"])?, 0, &["Items (2 operations)", "Warehouses (1 operation)"])?;

    step("apigen generate");
    // The selection leaves `deleteItem` out.
    expect(&apigen_in(&["generate"])?, 0, &["inventory-client: 2 operations, 1 type, 0 warnings"])?;

    step("apigen check: up to date");
    expect(&apigen_in(&["check", "--json"])?, 0, &["\"ok\":true"])?;

    step("cargo build of an application using one tag (a cargo feature) of the generated crate");
    // The workspace's lock file pins the same dependency versions, so nothing new is resolved.
    std::fs::copy(root.join("Cargo.lock"), repo.join("Cargo.lock")).map_err(|e| format!("copying Cargo.lock: {e}"))?;
    let built = run_command(
        Command::new(cargo())
            .args(["build", "--quiet"])
            .current_dir(&repo)
            .env("CARGO_TARGET_DIR", root.join("target")),
    )?;
    expect(&built, 0, &[])?;

    step("apigen check: stale after a hand edit");
    let lib = repo.join("inventory-client/src/lib.rs");
    let text = std::fs::read_to_string(&lib).map_err(|e| e.to_string())?;
    write(&lib, &format!("{text}\n// edited by hand\n"))?;
    expect(&apigen_in(&["check"])?, 1, &["inventory-client is stale: 1 file differs (src/lib.rs)"])?;

    step("a typo in apigen.toml: exit code 2, the key named");
    write(&repo.join("apigen.toml"), &format!("tag-feature = true\n{CONFIG}"))?;
    expect(&apigen_in(&["generate"])?, 2, &["apigen.toml: line 1, column 1: unknown field `tag-feature`"])?;

    let _ = std::fs::remove_dir_all(&repo);
    println!("new-user: every step passed");
    Ok(())
}

fn step(what: &str) {
    println!("== {what}");
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run_command(command: &mut Command) -> Result<Output, String> {
    command.output().map_err(|e| format!("{command:?}: {e}"))
}

/// The command ended with `code`, and every needle is in what it printed (stdout or stderr).
fn expect(output: &Output, code: i32, needles: &[&str]) -> Result<(), String> {
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    print!("{printed}");
    if output.status.code() != Some(code) {
        return Err(format!("expected exit code {code}, got {:?}", output.status.code()));
    }
    if let Some(missing) = needles.iter().find(|needle| !printed.contains(**needle)) {
        return Err(format!("expected the output to contain `{missing}`"));
    }
    Ok(())
}
