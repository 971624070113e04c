//! `cargo xtask codegen`: the `apigen` command inside this workspace.
//!
//! Without arguments it generates the committed crate that `apigen.toml` at the workspace root
//! describes; `--check` says whether that crate is stale. With `--spec PATH --out DIR` it makes a
//! standalone crate that depends on this workspace's runtime. Any other flag of
//! `apigen generate` is passed on, so the two never drift apart.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The workspace root: xtask lives one level below it.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits inside the workspace").to_owned()
}

/// The configuration of the committed crate.
pub fn committed_config() -> PathBuf {
    workspace_root().join(apigen::config::FILE_NAME)
}

/// The `apigen` command line that `cargo xtask codegen ARGS` stands for.
pub fn apigen_args(args: &[String]) -> Vec<OsString> {
    let check = args.iter().any(|a| a == "--check");
    let mut command: Vec<OsString> = vec!["apigen".into(), if check { "check" } else { "generate" }.into()];
    let passed: Vec<&String> = args.iter().filter(|a| *a != "--check").collect();
    if passed.iter().any(|a| *a == "--spec") {
        if !passed.iter().any(|a| a.starts_with("--runtime")) {
            command.push("--runtime-path".into());
            command.push(workspace_root().join("runtime").into());
        }
        command.push("--standalone".into());
    } else if !passed.iter().any(|a| *a == "--config") {
        command.push("--config".into());
        command.push(committed_config().into());
    }
    command.extend(passed.into_iter().map(OsString::from));
    command
}

pub fn run(args: &[String]) -> ExitCode {
    apigen::cli::main(apigen_args(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed() -> apigen::Job {
        let jobs = apigen::config::read(&committed_config(), &Default::default()).unwrap();
        jobs.into_iter().next().unwrap()
    }

    /// As rust-analyzer does: regenerate in memory and fail when the committed crate differs.
    /// A stale crate is rewritten before the test fails, so the fix is already in the tree and
    /// the failure only asks for a review and a commit, not for a command to remember.
    #[test]
    fn generated_crate_is_up_to_date() {
        let job = committed();
        assert_eq!(job.out, workspace_root().join("generated"));
        let generated = apigen::generate(&job.spec, &job.options).unwrap();
        let stale = apigen::write::check(&generated.files, &job.out).unwrap();
        if stale.is_empty() {
            return;
        }
        let report = apigen::write::write(&generated.files, &job.out).unwrap();
        let mut changes: Vec<String> = report.written.iter().map(|f| format!("rewrote generated/{f}")).collect();
        changes.extend(report.removed.iter().map(|f| format!("removed generated/{f}")));
        panic!(
            "generated/ was stale: {}.\nThe tree now holds the regenerated crate (what `cargo xtask codegen` \
             writes): review it with `git diff generated/` and commit it.",
            changes.join(", ")
        );
    }

    #[test]
    fn generating_twice_is_byte_identical() {
        let job = committed();
        let first = apigen::generate(&job.spec, &job.options).unwrap().files;
        let second = apigen::generate(&job.spec, &job.options).unwrap().files;
        assert_eq!(first, second);
    }

    #[test]
    fn xtask_flags_become_apigen_flags() {
        let strings = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let shown = |a: Vec<OsString>| a.iter().map(|s| s.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ");
        let committed = shown(apigen_args(&strings(&["--check"])));
        assert!(committed.starts_with("apigen check --config ") && committed.ends_with("apigen.toml"), "{committed}");
        let standalone = shown(apigen_args(&strings(&["--spec", "a.yaml", "--out", "x"])));
        assert!(
            standalone.starts_with("apigen generate --runtime-path ")
                && standalone.ends_with("runtime --standalone --spec a.yaml --out x"),
            "{standalone}"
        );
    }

    /// The crate a snapshot of `generator/tests/snapshots.rs` holds: its text after insta's
    /// header, cut at the `// ===== PATH =====` line that starts each file. Lines before the
    /// first file are the generator's warnings. Every crate is named `fixture` and finds the
    /// runtime at `../runtime` there; here each gets a name of its own and this runtime.
    fn snapshot_crate(snapshot: &str, name: &str) -> apigen::CrateFiles {
        let body = snapshot
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map_or_else(|| panic!("{name}: no insta header"), |(_, body)| body);
        let mut files = apigen::CrateFiles::new();
        let mut current: Option<(String, String)> = None;
        for line in body.lines() {
            if let Some(path) = line.strip_prefix("// ===== ").and_then(|l| l.strip_suffix(" =====")) {
                files.extend(current.replace((path.to_owned(), String::new())));
            } else if let Some((_, contents)) = &mut current {
                contents.push_str(line);
                contents.push('\n');
            }
        }
        files.extend(current);
        let manifest = files.get_mut("Cargo.toml").unwrap_or_else(|| panic!("{name}: no Cargo.toml"));
        let runtime = format!("path = {:?}", workspace_root().join("runtime").display().to_string());
        for (from, to) in [("name = \"fixture\"", format!("name = \"{name}\"")), ("path = \"../runtime\"", runtime)] {
            assert!(manifest.contains(from), "{name}: the snapshot's Cargo.toml has no `{from}`");
            *manifest = manifest.replacen(from, &to, 1);
        }
        files
    }

    /// The snapshots are the reviewed goldens, so they must be code that builds: every one is
    /// written as a crate of one scratch workspace, `target/fixture-crates`, and the workspace
    /// is `cargo check`ed once. It uses this workspace's target directory and lock file, and its
    /// dependencies have the features of `cargo xtask check-specs`'s scratch workspace (plus
    /// `time`), so their check builds are made once for both. The nested cargo does not wait on
    /// the `cargo test` that runs this: cargo lets go of the target directory's lock before it
    /// runs test binaries. Files are only rewritten when a snapshot changed, so a second run
    /// checks nothing (a cold run, about 30 s on two cores; a warm one, well under a second).
    #[test]
    fn fixture_snapshots_compile() {
        let snapshots = workspace_root().join("generator/tests/snapshots");
        let out = workspace_root().join("target/fixture-crates");
        let mut members = Vec::new();
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(&snapshots).unwrap().map(|entry| entry.unwrap().path()).collect();
        entries.sort();
        for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "snap")) {
            let stem = path.file_stem().unwrap().to_string_lossy();
            let name = format!("fixture-{}", stem.trim_start_matches("snapshots__").replace('_', "-"));
            let files = snapshot_crate(&std::fs::read_to_string(path).unwrap(), &name);
            apigen::write::write(&files, &out.join(&name)).unwrap();
            members.push(format!("{name:?}"));
        }
        assert!(!members.is_empty(), "no snapshots in {}", snapshots.display());
        let manifest = format!(
            "# Scratch workspace of the generator's fixture snapshots, made by xtask's `fixture_snapshots_compile`.\n\
             [workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        );
        std::fs::write(out.join("Cargo.toml"), manifest).unwrap();
        // The project's versions, so dependency builds are shared (cargo then prunes this copy
        // to what the fixtures use, hence a fresh copy each time).
        std::fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
        let started = std::time::Instant::now();
        // The environment is passed on as it is, as `cargo xtask check-specs` passes its own (cargo
        // gives xtask's tests and `cargo run` the same variables): ring's build script fingerprints
        // some that cargo sets (CARGO_PKG_NAME, CARGO_MANIFEST_DIR), and another value would rebuild
        // ring and all that depends on it instead of sharing them.
        let output = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--workspace", "--quiet"])
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", workspace_root().join("target"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "cargo check of the fixture snapshots' crates in {} failed (crate fixture-a-b is \
             generator/tests/snapshots/snapshots__a_b.snap):\n{}",
            out.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        println!("cargo check of {} fixture crates: {:.1?}", members.len(), started.elapsed());
    }
}
