//! `cargo xtask contract`: the generated client against the Prism mock server, an independent
//! validator of requests and responses. Prism is installed from the npm registry into
//! `target/prism` (once) and started on the document with request validation.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::codegen::workspace_root;

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

pub fn run(args: &[String]) -> Result<(), String> {
    let spec = match args {
        [] => None,
        [flag, path] if flag == "--spec" => Some(PathBuf::from(path)),
        _ => return Err("usage: cargo xtask contract [--spec PATH]".into()),
    };
    let root = workspace_root();
    let prism_dir = root.join("target/prism");
    let prism = prism_dir.join("node_modules/.bin/prism");
    if !prism.exists() {
        install(&prism_dir)?;
    }
    let document = spec.clone().unwrap_or_else(|| root.join("spec/openapi.yaml"));
    let log = std::fs::File::create(prism_dir.join("prism.log")).map_err(|e| e.to_string())?;
    let child = Command::new(&prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &PORT.to_string()])
        .arg(&document)
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
    let _running = Running(child);
    wait_for_port(PORT, Duration::from_secs(120))?;
    let mut test = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    test.env("PRISM_URL", format!("http://127.0.0.1:{PORT}"));
    match spec {
        // The committed client: its hand-written contract test, which also checks refusals.
        None => {
            test.args(["test", "-p", "integration-tests", "--test", "contract", "--", "--ignored"]).current_dir(&root);
        }
        // Any document: a crate generated for it, with a generated call of every operation.
        Some(spec) => {
            let dir = generate_with_contract(&spec)?;
            test.args(["test", "-q", "--test", "contract", "--", "--nocapture"])
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", root.join("target"));
        }
    }
    let status = test.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("contract test failed; Prism's log: {}", prism_dir.join("prism.log").display()));
    }
    Ok(())
}

/// A crate generated for a document under `target/contract/<name>-contract`, shared by
/// `contract` and `examples` (the library compiles once for both), with what it was made from.
pub struct Prepared {
    pub dir: PathBuf,
    pub options: apigen::Options,
    pub api: apigen::model::Api,
    /// The document's example payloads and the types that decode them.
    pub examples: Vec<apigen::model::payload_examples::PayloadExample>,
    /// The crate's files, `Cargo.toml` with the test dependencies; callers add their test
    /// programs and then [`Prepared::write`].
    pub files: apigen::CrateFiles,
}

impl Prepared {
    /// Writes what changed (an unchanged library is not rebuilt).
    pub fn write(&self) -> Result<(), String> {
        apigen::write::write(&self.files, &self.dir).map_err(|e| e.to_string())?;
        if let Ok(lock) = std::fs::read(workspace_root().join("Cargo.lock")) {
            if std::fs::read(self.dir.join("Cargo.lock")).ok().as_ref() != Some(&lock) {
                let _ = std::fs::write(self.dir.join("Cargo.lock"), lock);
            }
        }
        Ok(())
    }
}

/// Generates (in memory) the standalone crate for `spec`.
pub fn prepare(spec: &Path) -> Result<Prepared, String> {
    let root = workspace_root();
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let name = format!("{}-contract", name.trim_matches('-'));
    let runtime = apigen::RuntimeDependency::Path(root.join("runtime").to_string_lossy().into_owned());
    let options = apigen::Options { standalone: true, ..apigen::Options::new(name.clone(), runtime) };
    let err = |e: apigen::Error| format!("{}: {e}", spec.display());
    let document = apigen::load::load(spec).map_err(err)?;
    let resolved = apigen::resolve::resolve(&document).map_err(err)?;
    let api = apigen::model::build(&resolved, &options).map_err(err)?;
    let examples = apigen::model::payload_examples::collect(&api, &resolved);
    let mut files = apigen::write::format(apigen::emit::emit(&api, &options), &options).map_err(err)?;
    if let Some(manifest) = files.get_mut("Cargo.toml") {
        manifest.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }\n");
    }
    let dir = root.join("target/contract").join(&name);
    Ok(Prepared { dir, options, api, examples, files })
}

/// Generates a standalone crate for `spec` under `target/contract/` with `tests/contract.rs`.
fn generate_with_contract(spec: &Path) -> Result<PathBuf, String> {
    let mut prepared = prepare(spec)?;
    let test = apigen::emit::contract_test(&prepared.api, &prepared.options);
    prepared.files.insert("tests/contract.rs".into(), test);
    prepared.write()?;
    let dir = prepared.dir;
    println!("{}: {} operations; contract test in {}", spec.display(), prepared.api.operations.len(), dir.join("tests/contract.rs").display());
    Ok(dir)
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

fn wait_for_port(port: u16, limit: Duration) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("Prism did not listen on port {port} within {limit:?}"))
}
