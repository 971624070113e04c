//! `cargo xtask check-specs`: every real document in `../shared/specs/` (and those of
//! `../shared/specs-next/` whose version the loader reads) → a crate, and all of them
//! `cargo check`ed together in one scratch workspace, so dependencies build once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use apigen::{Options, RuntimeDependency};

use crate::codegen::workspace_root;

pub fn specs_dir() -> PathBuf {
    workspace_root().join("../shared/specs")
}

/// The documents that join `specs/` once they load (`../shared/specs-next/README.md`).
pub fn specs_next_dir() -> PathBuf {
    workspace_root().join("../shared/specs-next")
}

/// Every OpenAPI document of `../shared/specs/` (all of them: none is skipped), then those of
/// `../shared/specs-next/` whose version the loader reads, sorted, with the crate each becomes.
/// A left-out document is named on stderr with the loader's reason, so that a run says what it
/// did not cover, and each joins by itself once the loader reads its version (no file names
/// here to keep up to date).
pub fn documents() -> Result<Vec<(PathBuf, String)>, String> {
    let mut found = documents_in(&specs_dir())?;
    let next = specs_next_dir();
    if next.is_dir() {
        for (path, name) in documents_in(&next)? {
            match version_refused(&path) {
                None => found.push((path, name)),
                Some(reason) => eprintln!("{}: left out ({reason})", path.display()),
            }
        }
    }
    Ok(found)
}

fn documents_in(dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut found: Vec<(PathBuf, String)> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e} (beside the repository)", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .map(|path| {
            // The library's rule, as `apigen` names packages: `box.json` → `box-api`.
            let name = apigen::model::package_name(&path.file_stem().unwrap_or_default().to_string_lossy(), "");
            (path, name)
        })
        .collect();
    found.sort();
    Ok(found)
}

/// Why the loader refuses the document's version (its error at `/openapi` or `/swagger`), or
/// `None` when it reads it. Any other load error keeps the document in, so that a regression
/// fails the check rather than quietly shrinking what it covers.
fn version_refused(path: &Path) -> Option<String> {
    match apigen::load::load(path) {
        Err(apigen::Error::Invalid { pointer, message, .. })
            if pointer.parent().is_some_and(|p| p.is_root())
                && matches!(pointer.last().as_deref(), Some("openapi" | "swagger")) =>
        {
            Some(message)
        }
        _ => None,
    }
}

pub struct Row {
    pub document: String,
    pub operations: usize,
    pub types: usize,
    pub warnings: usize,
    pub lines: usize,
    pub seconds: f64,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut out = workspace_root().join("target/spec-crates");
    let mut check = true;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().ok_or("--out needs a value")?.into(),
            "--no-check" => check = false,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let rows = generate_all(&out)?;
    println!("| document | operations | types | warnings | lines | generation |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for row in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {:.0} ms |",
            row.document,
            row.operations,
            row.types,
            row.warnings,
            row.lines,
            row.seconds * 1000.0
        );
    }
    if check {
        cargo_check(&out)?;
        run_payload_tests(&out)?;
    }
    Ok(())
}

/// Tests that decode realistic payloads through generated types live in
/// `integration/generated-tests/<crate>.rs`; each is copied into its crate and run.
fn run_payload_tests(out: &Path) -> Result<(), String> {
    let dir = workspace_root().join("integration/generated-tests");
    let mut packages = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(name) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else { continue };
        let tests = out.join(&name).join("tests");
        std::fs::create_dir_all(&tests).map_err(|e| format!("{}: {e}", tests.display()))?;
        std::fs::copy(&path, tests.join("payloads.rs")).map_err(|e| format!("{}: {e}", path.display()))?;
        // What the tests use besides the crate itself: the loopback server and a runtime.
        let manifest = out.join(&name).join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
        if !text.contains("[dev-dependencies]") {
            text.push_str(&format!(
                "\n[dev-dependencies]\ntestkit = {{ path = \"{}\" }}\ntokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n",
                workspace_root().join("testkit").display()
            ));
            std::fs::write(&manifest, text).map_err(|e| format!("{}: {e}", manifest.display()))?;
        }
        packages.push(name);
    }
    packages.sort();
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["test", "--test", "payloads"])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", workspace_root().join("target"));
    for package in &packages {
        command.args(["-p", package]);
    }
    let status = command.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("payload tests of the generated crates failed ({status})"));
    }
    Ok(())
}

/// The generator's fixture documents: compiled too, so a snapshot cannot hide code that does not
/// build.
fn fixtures() -> Result<Vec<(PathBuf, String)>, String> {
    let dir = workspace_root().join("generator/tests/fixtures");
    let mut found: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            (path, format!("fixture-{stem}"))
        })
        .collect();
    found.sort();
    Ok(found)
}

/// Generates every document as a member of one scratch workspace at `out`.
pub fn generate_all(out: &Path) -> Result<Vec<Row>, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let runtime = workspace_root().join("runtime");
    let mut documents = documents()?;
    documents.extend(fixtures()?);
    let mut rows = Vec::new();
    for (path, name) in &documents {
        let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let options = Options::new(name.clone(), RuntimeDependency::Path(runtime.to_string_lossy().into_owned()));
        let started = Instant::now();
        let generated = apigen::generate(path, &options).map_err(|e| e.to_string())?;
        let seconds = started.elapsed().as_secs_f64();
        for warning in &generated.warnings {
            println!("{file}: warning: {warning}");
        }
        apigen::write::write(&generated.files, &out.join(name)).map_err(|e| e.to_string())?;
        rows.push(Row {
            document: file,
            operations: generated.operations,
            types: generated.types,
            warnings: generated.warnings.len(),
            lines: generated.files.values().map(|f| f.lines().count()).sum(),
            seconds,
        });
    }
    let members: Vec<String> = documents.iter().map(|(_, name)| format!("\"{name}\"")).collect();
    let manifest = format!(
        "# Scratch workspace of crates generated from ../shared/specs (and specs-next) by `cargo xtask check-specs`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    // The same lock file as the project, so the same dependency builds are reused.
    let lock = workspace_root().join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, out.join("Cargo.lock")).map_err(|e| e.to_string())?;
    }
    Ok(rows)
}

fn cargo_check(out: &Path) -> Result<(), String> {
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--workspace", "--quiet"])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", workspace_root().join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo check of the generated crates failed ({status})"));
    }
    println!("cargo check of the generated crates: ok in {:.1?}", started.elapsed());
    Ok(())
}
