//! `cargo xtask check-features --spec PATH`: a crate generated with tag features compiles with
//! every feature (the default), with none, and with each tag feature alone, without warnings.
//! Each `cargo check` is of the generated crate only: dependencies build once, in a target
//! directory kept under `target/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use apigen::{DateTimeType, Options, RuntimeDependency};

use crate::codegen::workspace_root;

const USAGE: &str = "usage: cargo xtask check-features --spec PATH [--sample N] [--date-time chrono|time|string]";

struct Args {
    spec: PathBuf,
    /// Check only this many tag features (spread over the list); all when `None`.
    sample: Option<usize>,
    date_time: DateTimeType,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut spec = None;
    let mut sample = None;
    let mut date_time = DateTimeType::Chrono;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = Some(PathBuf::from(args.next().ok_or("--spec needs a path")?)),
            "--sample" => {
                sample = Some(
                    args.next().and_then(|n| n.parse().ok()).filter(|n| *n > 0).ok_or("--sample needs a number ≥ 1")?,
                )
            }
            "--date-time" => {
                date_time = match args.next().map(String::as_str) {
                    Some("chrono") => DateTimeType::Chrono,
                    Some("time") => DateTimeType::Time,
                    Some("string") => DateTimeType::String,
                    _ => return Err("--date-time is one of chrono, time, string".into()),
                }
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(Args { spec: spec.ok_or(USAGE)?, sample, date_time })
}

pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let root = workspace_root();
    let stem = args.spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = apigen::model::package_name(&stem, "features");
    let options = Options {
        standalone: true,
        tag_features: true,
        date_time: args.date_time,
        ..Options::new(name.clone(), RuntimeDependency::Path(root.join("runtime").to_string_lossy().into_owned()))
    };
    let generated = apigen::generate(&args.spec, &options).map_err(|e| e.to_string())?;
    let dir = root.join("target/check-features").join(&name);
    apigen::write::write(&generated.files, &dir).map_err(|e| e.to_string())?;
    // The workspace's versions of every dependency: nothing new to resolve or download.
    if let Ok(lock) = std::fs::read(root.join("Cargo.lock")) {
        let _ = std::fs::write(dir.join("Cargo.lock"), lock);
    }
    let features = tag_features(&generated.files["Cargo.toml"]);
    let chosen = sample(&features, args.sample);
    println!(
        "{}: tag features: {}; checking all, none, and {} alone",
        args.spec.display(),
        features.len(),
        if chosen.len() == features.len() { "each".to_owned() } else { format!("{} of them", chosen.len()) }
    );

    let mut runs: Vec<(String, Vec<String>)> = vec![("all (default)".into(), Vec::new())];
    runs.push(("none".into(), vec!["--no-default-features".into()]));
    for feature in &chosen {
        runs.push((feature.clone(), vec!["--no-default-features".into(), "--features".into(), feature.clone()]));
    }
    let mut failures = Vec::new();
    for (label, flags) in &runs {
        let outcome = check(&dir, flags)?;
        let status = match &outcome.problems {
            None => "ok".to_owned(),
            Some(problems) => {
                failures.push(label.clone());
                format!("FAILED\n{problems}")
            }
        };
        println!("  {label}: {status} ({:.1} s)", outcome.took.as_secs_f64());
    }
    if failures.is_empty() {
        println!("every feature set compiles without warnings");
        Ok(())
    } else {
        Err(format!("{} feature sets fail or warn: {}", failures.len(), failures.join(", ")))
    }
}

/// The tag features a generated manifest declares: every `name = []` of `[features]`.
pub fn tag_features(manifest: &str) -> Vec<String> {
    let mut in_features = false;
    let mut found = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
        } else if in_features {
            if let Some(name) = line.strip_suffix("= []") {
                found.push(name.trim().to_owned());
            }
        }
    }
    found
}

/// `count` features spread evenly over the list (first and last included), or all of them.
fn sample(features: &[String], count: Option<usize>) -> Vec<String> {
    match count {
        Some(n) if n < features.len() => {
            let step = (features.len() - 1) as f64 / (n.max(2) - 1) as f64;
            let mut picked: Vec<String> = (0..n)
                .map(|i| features[((i as f64 * step).round() as usize).min(features.len() - 1)].clone())
                .collect();
            picked.dedup();
            picked
        }
        _ => features.to_vec(),
    }
}

pub struct Checked {
    /// Errors and warnings of the generated crate, when there are any.
    pub problems: Option<String>,
    pub took: Duration,
}

/// `cargo check` of the crate in `dir` with `flags`; warnings count as problems.
pub fn check(dir: &Path, flags: &[String]) -> Result<Checked, String> {
    let started = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .arg("check")
        .args(flags)
        .args(["--message-format=short", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace_root().join("target/check-features-target"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problems: Vec<&str> = stderr.lines().filter(|l| l.contains("warning") || l.contains("error")).collect();
    let problems = (!output.status.success() || !problems.is_empty()).then(|| {
        let shown: Vec<&str> = problems.iter().take(12).copied().collect();
        format!("    {}\n    ({} lines of errors and warnings)", shown.join("\n    "), problems.len())
    });
    Ok(Checked { problems, took })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_read_from_the_manifest_and_sampled_evenly() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"full\"]\nfull = [\"a\", \"b\"]\na = []\nb-c = []\nd = []\n";
        let features = tag_features(manifest);
        assert_eq!(features, ["a", "b-c", "d"]);
        assert_eq!(sample(&features, Some(2)), ["a", "d"]);
        assert_eq!(sample(&features, Some(9)), features);
        assert_eq!(sample(&features, None), features);
    }
}
