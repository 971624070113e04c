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
}
