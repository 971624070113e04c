//! `cargo xtask new-user`: apigen adopted as a new user would, in an empty repository.
//!
//! Installs the `apigen` command with `cargo install --path generator`, then, in a new git
//! repository under the system's temp directory: writes a document, an overlay and an
//! `apigen.toml` (an overlay, a selection, tag features); runs `apigen list`, `apigen generate`,
//! `apigen check` (current, then stale after a hand edit) and a configuration with a typo; and
//! builds an application that uses one tag of the generated crate. Then, as for a registry
//! (`registry`): `cargo publish --dry-run` of apigen-runtime and apigen, an `apigen` installed
//! from that package, and a publishable crate it generates, dry-run published. Each step checks its exit
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

    registry::run(&root, &install)?;
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

/// The same adoption with an `apigen` installed as from a registry, and a generated crate meant
/// for one.
mod registry {
    use std::path::Path;
    use std::process::Command;

    use super::{cargo, expect, run_command, step, write, DOCUMENT};

    /// A crate for a registry: no `[runtime]`, so the one of the installed `apigen`'s version.
    const CONFIG: &str = r#"spec = "api/inventory.yaml"
out = "inventory-client"
name = "inventory-client"
version = "1.0.0"
publish = true
license = "MIT OR Apache-2.0"
repository = "https://example.com/inventory-client"
authors = ["Inventory Team <team@example.com>"]
keywords = ["inventory", "api"]
"#;

    pub fn run(root: &Path, install: &Path) -> Result<(), String> {
        let repo = std::env::temp_dir().join(format!("apigen-new-user-registry-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&repo);

        step("cargo publish --dry-run of apigen-runtime and apigen, as the project would publish them");
        for package in ["apigen-runtime", "apigen"] {
            let published = run_command(
                Command::new(cargo())
                    .args(["publish", "--dry-run", "--allow-dirty", "--quiet", "-p", package])
                    .current_dir(root)
                    .env("CARGO_TARGET_DIR", root.join("target")),
            )?;
            expect(&published, 0, &[])?;
        }

        step("install from the packaged apigen, as from a registry: no checkout around it");
        // `cargo publish --dry-run` left the package unpacked beside its archive: what a
        // registry would hand `cargo install`.
        let packaged = root.join(format!("target/package/apigen-{}", env!("CARGO_PKG_VERSION")));
        let installed = run_command(
            Command::new(cargo())
                .args(["install", "--quiet", "--debug", "--locked", "--force", "--path"])
                .arg(&packaged)
                .arg("--root")
                .arg(install.join("registry"))
                .env("CARGO_TARGET_DIR", root.join("target")),
        )?;
        expect(&installed, 0, &[])?;
        let apigen = install.join("registry/bin").join(format!("apigen{}", std::env::consts::EXE_SUFFIX));

        step("a crate meant for a registry: publish, license, repository, authors, keywords");
        let workspace = "[workspace]\nresolver = \"2\"\nmembers = [\"inventory-client\", \"apigen-runtime\"]\n";
        for (path, text) in [("api/inventory.yaml", DOCUMENT), ("apigen.toml", CONFIG), ("Cargo.toml", workspace)] {
            write(&repo.join(path), text)?;
        }
        run_command(Command::new("git").args(["init", "--quiet"]).current_dir(&repo))?;
        let generated = run_command(Command::new(&apigen).arg("generate").current_dir(&repo))?;
        expect(&generated, 0, &["inventory-client: 3 operations"])?;
        let requirement = format!("apigen-runtime = \"{}\"\n", env!("CARGO_PKG_VERSION"));
        let manifest = manifest_with(
            &repo,
            &[
                &requirement,
                "publish = true\n",
                "license = \"MIT OR Apache-2.0\"\n",
                "readme = \"README.md\"\n",
                "keywords = [\"inventory\", \"api\"]\n",
            ],
        )?;
        let readme = std::fs::read_to_string(repo.join("inventory-client/README.md")).map_err(|e| e.to_string())?;
        if !readme.contains("inventory-client = \"1.0.0\"") {
            return Err(format!("the README does not say to depend on version 1.0.0:\n{readme}\n{manifest}"));
        }

        step("cargo publish --dry-run of the generated crate, with the packaged runtime beside it");
        // apigen-runtime is not on the registry: `cargo publish` of several packages resolves the
        // one by the other when the dependency is a path with a version, as a workspace
        // publishing both at once has it; the runtime is the package the dry run above made.
        let packaged = root.join(format!("target/package/apigen-runtime-{}", env!("CARGO_PKG_VERSION")));
        copy_package(&packaged, &repo.join("apigen-runtime"))?;
        write(&repo.join("apigen.toml"), &format!("{CONFIG}\n[runtime]\npath = \"apigen-runtime\"\n"))?;
        expect(&run_command(Command::new(&apigen).arg("generate").current_dir(&repo))?, 0, &[])?;
        let requirement = format!(
            "apigen-runtime = {{ path = \"../apigen-runtime\", version = \"{}\" }}\n",
            env!("CARGO_PKG_VERSION")
        );
        manifest_with(&repo, &[&requirement])?;
        std::fs::copy(root.join("Cargo.lock"), repo.join("Cargo.lock"))
            .map_err(|e| format!("copying Cargo.lock: {e}"))?;
        let published = run_command(
            Command::new(cargo())
                .args(["publish", "--dry-run", "--allow-dirty", "-p", "apigen-runtime", "-p", "inventory-client"])
                .current_dir(&repo)
                .env("CARGO_TARGET_DIR", root.join("target")),
        )?;
        expect(&published, 0, &["Verifying inventory-client v1.0.0", "Uploading inventory-client v1.0.0"])?;
        let _ = std::fs::remove_dir_all(&repo);
        Ok(())
    }

    /// The generated manifest, when it has every line of `lines`.
    fn manifest_with(repo: &Path, lines: &[&str]) -> Result<String, String> {
        let manifest = std::fs::read_to_string(repo.join("inventory-client/Cargo.toml")).map_err(|e| e.to_string())?;
        match lines.iter().find(|line| !manifest.contains(**line)) {
            Some(missing) => Err(format!("the generated Cargo.toml lacks `{}`:\n{manifest}", missing.trim_end())),
            None => Ok(manifest),
        }
    }

    /// A package as `cargo package` unpacked it, less the files cargo writes itself when it
    /// packages it again.
    fn copy_package(from: &Path, to: &Path) -> Result<(), String> {
        for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let name = path.file_name().unwrap_or_default();
            if name == "Cargo.toml.orig" || name == ".cargo_vcs_info.json" || name == "target" {
                continue;
            }
            let target = to.join(name);
            if path.is_dir() {
                copy_package(&path, &target)?;
            } else {
                std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
                std::fs::copy(&path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        Ok(())
    }
}
