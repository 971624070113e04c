//! `cargo xtask mutants [--file PATH]... [--timeout S]`: `cargo mutants` on the runtime, one
//! file at a time (each file's mutants tested against the runtime's unit tests), with caught,
//! missed and timed-out counts per file. Not in CI: it takes minutes per file. Needs
//! `cargo install --locked cargo-mutants`.

use std::process::Command;

use crate::codegen::workspace_root;

/// The runtime files whose logic reads server input or decides what is sent again: the
/// default set, smallest first.
const FILES: &[&str] = &[
    "runtime/src/stream/lines.rs",
    "runtime/src/stream/sse.rs",
    "runtime/src/union.rs",
    "runtime/src/retry.rs",
    "runtime/src/stream.rs",
];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut files = Vec::new();
    let mut timeout = "120".to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--file" => files.push(args.next().cloned().ok_or("--file needs a path")?),
            "--timeout" => timeout = args.next().cloned().ok_or("--timeout needs seconds")?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if files.is_empty() {
        files = FILES.iter().map(|f| f.to_string()).collect();
    }
    let root = workspace_root();
    let mut rows = Vec::new();
    for file in &files {
        let out = root.join("target/mutants").join(file.replace('/', "_"));
        // cargo mutants exits non-zero when a mutant is missed: the counts say what happened.
        let status = Command::new("cargo")
            .current_dir(&root)
            .args(["mutants", "--package", "apigen-runtime", "--file", file, "--timeout", &timeout, "-o"])
            .arg(&out)
            .args(["--", "--lib"])
            .status()
            .map_err(|e| format!("cargo mutants (cargo install --locked cargo-mutants): {e}"))?;
        let count = |name: &str| {
            std::fs::read_to_string(out.join("mutants.out").join(name)).map_or(0, |text| text.lines().count())
        };
        rows.push((
            file.clone(),
            count("caught.txt"),
            count("missed.txt"),
            count("timeout.txt"),
            count("unviable.txt"),
            status,
        ));
    }
    println!("{:<34} {:>7} {:>7} {:>8} {:>9}", "file", "caught", "missed", "timeout", "unviable");
    for (file, caught, missed, timeout, unviable, _) in &rows {
        println!("{file:<34} {caught:>7} {missed:>7} {timeout:>8} {unviable:>9}");
    }
    println!("missed mutants: target/mutants/<file>/mutants.out/missed.txt");
    Ok(())
}
