//! `cargo xtask bench --unions`: decoding a list of discriminated-union items, generated client
//! against hand-written reqwest + `#[serde(tag)]`, in one criterion run.
//!
//! The client is generated from the full Qovery document (`../shared/specs/qovery.yaml`, whose
//! `JobResponse` is a `oneOf` told apart by `job_type`) into `target/bench-unions/qovery`, and the
//! benchmark (`xtask/templates/unions.rs`) into a crate beside it that depends on it.

use std::path::Path;
use std::process::Command;

use apigen::{Options, RuntimeDependency};

use crate::codegen::workspace_root;

const BENCH: &str = include_str!("../templates/unions.rs");

pub fn run(args: &[String]) -> Result<(), String> {
    let mut criterion_args: Vec<String> = Vec::new();
    let mut spec = workspace_root().join("../shared/specs/qovery.yaml");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = args.next().ok_or("--spec needs a path")?.into(),
            // Passed to criterion, e.g. `--test` to run each benchmark once.
            "--test" | "--quick" => criterion_args.push(arg.clone()),
            other => return Err(format!("unknown argument `{other}` for --unions")),
        }
    }
    let root = workspace_root();
    let dir = root.join("target/bench-unions");
    let runtime = root.join("runtime").to_string_lossy().into_owned();
    let options = Options { standalone: true, ..Options::new("qovery", RuntimeDependency::Path(runtime.clone())) };
    let generated = apigen::generate(&spec, &options).map_err(|e| e.to_string())?;
    apigen::write::write(&generated.files, &dir.join("qovery")).map_err(|e| e.to_string())?;

    let path = |p: &Path| p.to_string_lossy().replace('\\', "/");
    let manifest = format!(
        r#"[package]
name = "bench-unions"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dev-dependencies]
qovery = {{ path = "../qovery" }}
testkit = {{ path = "{testkit}" }}
criterion = {{ version = "0.7", default-features = false, features = ["cargo_bench_support", "async_tokio"] }}
reqwest = {{ version = "0.13", default-features = false, features = ["rustls-no-provider"] }}
rustls = {{ version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
tokio = {{ version = "1", features = ["rt-multi-thread", "macros"] }}
uuid = {{ version = "1", features = ["serde"] }}
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std", "clock"] }}

[[bench]]
name = "unions"
harness = false

# The workspace's dev profile, so that `--test` reuses what the workspace's tests built.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"#,
        testkit = path(&root.join("testkit")),
    );
    let bench = dir.join("bench");
    write(&bench.join("Cargo.toml"), &manifest)?;
    write(&bench.join("src/lib.rs"), "//! Only the benchmark in `benches/`.\n")?;
    let common = path(&root.join("integration/benches/common/mod.rs"));
    write(&bench.join("benches/unions.rs"), &BENCH.replace("@BENCH_COMMON@", &common))?;
    // The workspace's lock file: the same dependency versions, nothing resolved anew.
    if let Ok(lock) = std::fs::read(root.join("Cargo.lock")) {
        std::fs::write(bench.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
    }
    // `--test` only checks that the benchmark builds and its payload decodes: the dev profile
    // does that with the dependencies the workspace's tests have built already, where the bench
    // profile would build the whole tree again, optimised (minutes of CI).
    let profile = if criterion_args.iter().any(|a| a == "--test") { "dev" } else { "bench" };
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["bench", "--profile", profile, "--bench", "unions", "--"])
        .args(&criterion_args)
        .current_dir(&bench)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .map_err(|e| e.to_string())?;
    match status.success() {
        true => Ok(()),
        false => Err(format!("the unions benchmark failed ({status})")),
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
