//! `cargo xtask bench --against BIN [--spec PATH]… [--runs N]`: the generation time of another
//! `apigen` binary (an earlier build kept aside, to show what a change did) beside this
//! checkout's, in one run. The two alternate on each document, round after round, so that the
//! machine's load falls on both alike; the medians and their ratio are printed, never asserted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::codegen::workspace_root;

/// Large and small shared documents, when no `--spec` is given.
const DEFAULT_SPECS: [&str; 4] = ["discord.json", "box.json", "twilio-api-v2010.yaml", "qovery.yaml"];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut against: Option<PathBuf> = None;
    let mut specs: Vec<PathBuf> = Vec::new();
    let mut runs = 9;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--against" => against = Some(args.next().ok_or("--against needs an apigen binary")?.into()),
            "--spec" => specs.push(args.next().ok_or("--spec needs a path")?.into()),
            "--runs" => {
                runs =
                    args.next().and_then(|r| r.parse().ok()).filter(|r| *r >= 3).ok_or("--runs needs a number ≥ 3")?
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let against = against.ok_or("--against needs an apigen binary")?;
    if specs.is_empty() {
        specs = DEFAULT_SPECS.iter().map(|name| workspace_root().join("../shared/specs").join(name)).collect();
    }
    let now = build_apigen()?;
    println!("| document | --against | this checkout | this / against |");
    println!("| --- | ---: | ---: | ---: |");
    for spec in &specs {
        let (mut before, mut after) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            before.push(generate(&against, spec)?);
            after.push(generate(&now, spec)?);
        }
        let (before, after) = (median(before), median(after));
        println!(
            "| {} | {:.3} s | {:.3} s | {:.2} |",
            spec.file_name().unwrap_or_default().to_string_lossy(),
            before.as_secs_f64(),
            after.as_secs_f64(),
            after.as_secs_f64() / before.as_secs_f64()
        );
    }
    Ok(())
}

/// This checkout's `apigen`, built in release mode.
fn build_apigen() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "-q", "-p", "apigen", "--bin", "apigen"])
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building apigen failed ({status})"));
    }
    Ok(workspace_root().join("target/release/apigen"))
}

/// One `apigen generate` of `spec` into a fresh directory, timed from spawn to exit.
fn generate(apigen: &Path, spec: &Path) -> Result<Duration, String> {
    let out = workspace_root().join("target/bench-against");
    let _ = std::fs::remove_dir_all(&out);
    let started = Instant::now();
    let output = Command::new(apigen)
        .arg("generate")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(&out)
        .args(["--name", "bench-against", "--runtime-path", "../runtime", "--quiet"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", apigen.display()))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(format!(
            "{} generate --spec {} failed: {}",
            apigen.display(),
            spec.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(elapsed)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
