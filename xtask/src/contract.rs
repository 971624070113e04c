//! `cargo xtask contract`: the generated client against the Prism mock server, an independent
//! validator of requests and responses. Prism is installed from the npm registry into
//! `target/prism` (once) and started on the document with request validation. The program that
//! calls every operation is written by [`program`].

mod program;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::codegen::workspace_root;
use crate::test_crate::TestCrate;

const PRISM: &str = "@stoplight/prism-cli@5.16.0";
const PORT: u16 = 4010;

/// Kills Prism however the run ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Operations no client can pass against Prism because of the document itself, per document
/// (file stem), each with the evidence. They must fail; anything else failing fails the run.
const KNOWN_FAILURES: &str = include_str!("../contract-known-failures.toml");

pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => run_one(None).map(|_| ()),
        [flag, path] if flag == "--spec" => run_one(Some(Path::new(path))).map(|_| ()),
        [flag, rest @ ..] if flag == "--all" => run_all(rest),
        _ => Err("usage: cargo xtask contract [--spec PATH | --all [--only STEM,STEM…]]".into()),
    }
}

/// What one document's run found.
struct Outcome {
    total: usize,
    passed: usize,
    known: usize,
    /// Both of Prism's answers (its example, and one generated from the schema) violate the
    /// document by Prism's own validation: nothing valid to decode.
    invalid_answers: usize,
    failed: usize,
}

/// Every document `check-specs` covers (or those `--only` names), one after another, and a table.
fn run_all(args: &[String]) -> Result<(), String> {
    let only: Option<Vec<String>> = match args {
        [] => None,
        [flag, list] if flag == "--only" => Some(list.split(',').map(str::to_owned).collect()),
        _ => return Err("usage: cargo xtask contract --all [--only STEM,STEM…]".into()),
    };
    // The documents `check-specs` covers: `specs/`, and those of `specs-next/` that load.
    let mut documents: Vec<PathBuf> = crate::specs::documents()?
        .into_iter()
        .map(|(path, _)| path)
        .filter(|p| {
            only.as_ref()
                .is_none_or(|only| only.iter().any(|o| Some(o.as_str()) == p.file_stem().and_then(|s| s.to_str())))
        })
        .collect();
    documents.sort();
    if let Some(only) = &only {
        if documents.len() != only.len() {
            return Err(format!(
                "--only {}: not every name is a document of ../shared/specs or specs-next",
                only.join(",")
            ));
        }
    }
    let mut rows = Vec::new();
    for document in &documents {
        let started = Instant::now();
        let result = run_one(Some(document));
        let result = match result {
            Err(e) if e == NO_OPERATIONS => continue,
            other => other,
        };
        rows.push((stem(document), result, started.elapsed()));
    }
    println!("\n| document | operations | passed | known-impossible | Prism's answers invalid | failed | time |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut broken = Vec::new();
    for (name, result, elapsed) in &rows {
        match result {
            Ok(o) => println!(
                "| {name} | {} | {} | {} | {} | {} | {:.0} s |",
                o.total,
                o.passed,
                o.known,
                o.invalid_answers,
                o.failed,
                elapsed.as_secs_f64()
            ),
            Err(e) => println!(
                "| {name} | – | – | – | – | run failed: {} | {:.0} s |",
                e.lines().next().unwrap_or(""),
                elapsed.as_secs_f64()
            ),
        }
        if !matches!(result, Ok(o) if o.failed == 0) {
            broken.push(name.as_str());
        }
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(format!("contract failures in: {}", broken.join(", ")))
    }
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The known failures of the document with this stem, from [`KNOWN_FAILURES`].
fn known_failures(stem: &str) -> Result<Vec<String>, String> {
    let table: toml::Table = KNOWN_FAILURES.parse().map_err(|e| format!("contract-known-failures.toml: {e}"))?;
    Ok(table.get(stem).and_then(|t| t.as_table()).map(|t| t.keys().cloned().collect()).unwrap_or_default())
}

/// What `run_one` says of a document with nothing to call (webhooks only): no row for it.
const NO_OPERATIONS: &str = "the document has no operations to call";

fn run_one(spec: Option<&Path>) -> Result<Outcome, String> {
    let root = workspace_root();
    let prism_dir = root.join("target/prism");
    let prism = prism_dir.join("node_modules/.bin/prism");
    if !prism.exists() {
        install(&prism_dir)?;
    }
    // Built before Prism starts: compiling takes longer than Prism waits for nothing.
    let crate_dir = match spec {
        Some(spec) => Some(generate_with_contract(spec)?),
        None => None,
    };
    if let Some((_, 0)) = &crate_dir {
        return Err(NO_OPERATIONS.into());
    }
    let crate_dir = crate_dir.map(|(dir, _)| dir);
    let document = spec.map(Path::to_path_buf).unwrap_or_else(|| root.join("spec/openapi.yaml"));
    let log = std::fs::File::create(prism_dir.join("prism.log")).map_err(|e| e.to_string())?;
    let child = Command::new(&prism)
        // Seeded: answers Prism generates from schemas (asked for on a retry) are the same each run.
        .args(["mock", "--host", "127.0.0.1", "--port", &PORT.to_string(), "--seed", "1"])
        .arg(&document)
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
    let mut running = Running(child);
    wait_for_port(&mut running, PORT, Duration::from_secs(120))?;
    let mut test = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    test.env("PRISM_URL", format!("http://127.0.0.1:{PORT}"));
    let known = match spec {
        Some(spec) => known_failures(&stem(spec))?,
        None => Vec::new(),
    };
    match &crate_dir {
        // The committed client: its hand-written contract test, which also checks refusals.
        None => {
            test.args(["test", "-p", "integration-tests", "--test", "contract", "--", "--ignored"]).current_dir(&root);
        }
        // Any document: a crate generated for it, with a generated call of every operation.
        Some(dir) => {
            // An explicit list in the environment wins (to try one out without editing the file).
            if std::env::var_os("CONTRACT_KNOWN_FAILURES").is_none() {
                test.env("CONTRACT_KNOWN_FAILURES", known.join(","));
            }
            test.args(["test", "-q", "--test", "contract", "--", "--nocapture"])
                .current_dir(dir)
                .env("CARGO_TARGET_DIR", root.join("target"));
        }
    }
    let output = test.stderr(Stdio::inherit()).output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    let outcome = outcome(&stdout);
    // A run that counted its operations reports its failures in the counts; one that did not
    // (a compile error, a crash) is an error of its own.
    if !output.status.success() && (outcome.total == 0 || outcome.failed == 0) {
        return Err(format!("contract test failed; Prism's log: {}", prism_dir.join("prism.log").display()));
    }
    Ok(outcome)
}

/// The counts the contract program printed (`contract: N of M …`, then one line per failure).
fn outcome(stdout: &str) -> Outcome {
    let mut outcome = Outcome { total: 0, passed: 0, known: 0, invalid_answers: 0, failed: 0 };
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("contract: ") {
            let numbers: Vec<usize> = rest.split_whitespace().filter_map(|w| w.parse().ok()).collect();
            if let [passed, total, ..] = numbers[..] {
                outcome.passed = passed;
                outcome.total = total;
            }
        } else if line.trim_start().starts_with("known: ") {
            outcome.known += 1;
        } else if line.trim_start().starts_with("PRISM ANSWERS INVALID: ") {
            outcome.invalid_answers += 1;
        } else if line.trim_start().starts_with("FAILED: ")
            || line.trim_start().starts_with("PASSES, listed as known: ")
        {
            outcome.failed += 1;
        }
    }
    outcome
}

/// Generates a standalone crate for `spec` under `target/contract/` with `tests/contract.rs`;
/// with the number of operations it calls.
fn generate_with_contract(spec: &Path) -> Result<(PathBuf, usize), String> {
    let (mut test_crate, ()) = TestCrate::generate(spec, |_, _| ())?;
    let program = program::program(&test_crate.api, &test_crate.options.crate_name)?;
    test_crate.files.insert("tests/contract.rs".into(), program);
    test_crate.write()?;
    let operations = test_crate.api.operations.len();
    println!(
        "{}: {operations} operations; contract test in {}",
        spec.display(),
        test_crate.dir.join("tests/contract.rs").display()
    );
    Ok((test_crate.dir, operations))
}

fn install(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    println!("installing {PRISM} into {}", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .arg(PRISM)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run npm (Node.js is needed for Prism): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm install {PRISM} failed ({status})"))
    }
}

fn wait_for_port(prism: &mut Running, port: u16, limit: Duration) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Ok(Some(status)) = prism.0.try_wait() {
            return Err(format!(
                "Prism exited ({status}) before listening: it could not read the document; see target/prism/prism.log"
            ));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("Prism did not listen on port {port} within {limit:?}"))
}
