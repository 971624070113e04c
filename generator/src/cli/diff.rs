//! `apigen diff`: the change to the generated crate's public API between two documents (or the
//! document and itself at a git revision), with the same configuration, in Markdown or JSON.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Args, ValueEnum};

use super::{jobs, overrides, Failure, Source};
use crate::diff::{self, Severity};

#[derive(Debug, Args)]
pub(super) struct DiffArgs {
    /// The document before the change.
    #[arg(long, value_name = "PATH", required_unless_present = "base", conflicts_with = "base")]
    old: Option<PathBuf>,
    /// The document after the change [default: the configuration's `spec`].
    #[arg(long, value_name = "PATH")]
    new: Option<PathBuf>,
    /// Compare with the same document (and the files it refers to) at this git revision.
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// The configuration [default: apigen.toml next to the new document, or in this directory].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Both crates with tag features, as `generate --tag-features` makes them.
    #[arg(long)]
    tag_features: bool,
    /// Print JSON for tools instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 when there is a change of this kind.
    #[arg(long, value_name = "KIND")]
    fail_on: Option<FailOn>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailOn {
    Breaking,
    /// Any change at all, wire-only included.
    Any,
}

pub(super) fn run(args: &DiffArgs) -> Result<(), Failure> {
    let source = Source { spec: args.new.clone(), config: args.config.clone(), overlays: Vec::new() };
    let mut overrides = overrides(&source, None);
    // Nothing is written, but a job needs an output directory when no configuration names one.
    overrides.out.get_or_insert_with(|| PathBuf::from("."));
    let mut jobs = jobs(&source, overrides)?;
    if jobs.len() != 1 {
        let message = format!("the configuration describes {} clients: name the document with --new", jobs.len());
        return Err(Failure { code: 2, message });
    }
    let mut job = jobs.remove(0);
    job.options.tag_features |= args.tag_features;
    let old_copy = match &args.base {
        Some(rev) => Some(checkout(&job.spec, rev)?),
        None => None,
    };
    let old_spec = match (&old_copy, &args.old) {
        (Some(copy), _) => copy.spec.clone(),
        (None, Some(old)) => old.clone(),
        (None, None) => return Err(Failure { code: 2, message: "--old PATH or --base REV is needed".into() }),
    };
    for spec in [&old_spec, &job.spec] {
        if !spec.is_file() {
            return Err(Failure { code: 1, message: format!("{}: no such document", spec.display()) });
        }
    }
    let old = crate::stages::Loaded::read(&old_spec, &job.options)?.model()?;
    let new = crate::stages::Loaded::read(&job.spec, &job.options)?.model()?;
    let mut changes = diff::diff(old.api(), new.api());
    // Pointers into a split document name the file each part came from; in a revision's copy,
    // relative to the copy (the temporary directory is gone when the report is read).
    for change in &mut changes {
        let sources = if change.in_old { &old.document().sources } else { &new.document().sources };
        let mut pointer = sources.relocate(&change.pointer);
        let copied = pointer.file().zip(old_copy.as_ref()).and_then(|(file, copy)| file.strip_prefix(&copy.dir).ok());
        if let Some(relative) = copied.map(Path::to_owned) {
            pointer = pointer.in_file(&relative);
        }
        change.pointer = pointer;
    }
    drop(old_copy);
    let report = if args.json {
        format!("{}\n", serde_json::to_string_pretty(&diff::json(&changes)).unwrap_or_default())
    } else {
        diff::markdown(&changes)
    };
    // Not `print!`: a reader that stops early (`| head`) is no reason to panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), report.as_bytes());
    let failing = match args.fail_on {
        Some(FailOn::Breaking) => changes.iter().any(|c| c.severity == Severity::Breaking),
        Some(FailOn::Any) => !changes.is_empty(),
        None => false,
    };
    if failing {
        // With --json the report on stdout already says it; a second JSON object would not parse.
        let message =
            if args.json { String::new() } else { format!("the generated API changed: {}", diff::summary(&changes)) };
        return Err(Failure { code: 1, message });
    }
    Ok(())
}

/// The repository's files at a revision, in a directory removed when this is dropped.
struct Checkout {
    dir: PathBuf,
    /// Where the document is in it.
    spec: PathBuf,
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `spec`'s repository at `rev`, written out with `git archive` (split documents need every
/// file they refer to, so the whole tree comes out, not one `git show`).
fn checkout(spec: &Path, rev: &str) -> Result<Checkout, Failure> {
    let fail = |message: String| Failure { code: 1, message };
    let spec = spec.canonicalize().map_err(|e| fail(format!("{}: {e}", spec.display())))?;
    let folder = spec.parent().unwrap_or(Path::new("."));
    let top = git(folder, &["rev-parse", "--show-toplevel"]).map_err(fail)?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let relative = spec
        .strip_prefix(top.canonicalize().unwrap_or(top.clone()))
        .map_err(|_| fail(format!("{}: not inside the git repository {}", spec.display(), top.display())))?;
    let dir =
        std::env::temp_dir().join(format!("apigen-diff-{}-{}", std::process::id(), rev.replace(['/', '\\', '.'], "_")));
    std::fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    let checkout = Checkout { spec: dir.join(relative), dir };
    let archive = git(&top, &["archive", "--format=tar", rev]).map_err(fail)?;
    let mut tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&checkout.dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("tar: {e}")))?;
    if let Some(mut stdin) = tar.stdin.take() {
        std::io::Write::write_all(&mut stdin, &archive).map_err(|e| fail(format!("tar: {e}")))?;
    }
    let status = tar.wait().map_err(|e| fail(format!("tar: {e}")))?;
    if !status.success() {
        return Err(fail(format!("tar could not unpack revision {rev}")));
    }
    if !checkout.spec.is_file() {
        return Err(fail(format!("{}: not in revision {rev}", relative.display())));
    }
    Ok(checkout)
}

/// Runs git in `dir`; its stdout, or what it said went wrong.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git").arg("-C").arg(dir).args(args).output().map_err(|e| format!("git: {e}"))?;
    if !output.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
    }
    Ok(output.stdout)
}
