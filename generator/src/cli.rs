//! The `apigen` command: `generate`, `check`, `list` and `diff`, over [`config`](crate::config).
//!
//! Exit codes: 0 done (or up to date), 1 generation failed or (for `check`) a crate is stale,
//! 2 the command line or the configuration is wrong. Messages go to stderr on one line each;
//! `--json` prints one JSON object on stdout instead, for CI.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};

use crate::config::{self, Job, Overrides, RuntimeSource};
use crate::diagnostics::Error;

mod diff;

#[derive(Debug, Parser)]
#[command(name = "apigen", version, about = "OpenAPI 3.0/3.1/3.2 documents to Rust client crates")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the client crate of each configured document.
    Generate(GenerateArgs),
    /// Exit with status 1 when a generated crate on disk differs from what its document gives.
    Check(GenerateArgs),
    /// List the tags and operations of a document.
    List(ListArgs),
    /// What a document change does to the generated crate's public Rust API (Markdown or JSON).
    Diff(diff::DiffArgs),
}

#[derive(Debug, Args)]
struct Source {
    /// The OpenAPI document (YAML or JSON); other files it refers to are read too.
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// The configuration [default: apigen.toml next to the document, or in this directory].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// An OpenAPI Overlay applied to the document before generation, after the configuration's
    /// own; repeatable, applied in order.
    #[arg(long = "overlay", value_name = "FILE")]
    overlays: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    #[command(flatten)]
    source: Source,
    /// Directory of the generated crate.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Cargo package name of the generated crate [default: the document's file name + `-client`].
    #[arg(long, value_name = "CRATE")]
    name: Option<String>,
    /// Depend on the runtime crate at this path (relative to the current directory).
    #[arg(long, value_name = "PATH", group = "runtime")]
    runtime_path: Option<PathBuf>,
    /// Depend on the runtime crate in this git repository.
    #[arg(long, value_name = "URL", group = "runtime")]
    runtime_git: Option<String>,
    /// The git revision (commit, tag or branch) of --runtime-git.
    #[arg(long, value_name = "REV", requires = "runtime_git")]
    rev: Option<String>,
    /// Depend on this version of the runtime crate from the registry.
    #[arg(long, value_name = "VERSION", group = "runtime")]
    runtime_version: Option<String>,
    /// Give the crate an empty `[workspace]`, so it builds on its own inside another workspace.
    #[arg(long)]
    standalone: bool,
    /// Make each tag a cargo feature, so users compile only the tags they use.
    #[arg(long)]
    tag_features: bool,
    /// Print errors only.
    #[arg(long, short)]
    quiet: bool,
    /// Print every warning on its own line, rather than repeated ones grouped by kind.
    #[arg(long, short, conflicts_with = "quiet")]
    verbose: bool,
    /// Print one JSON summary on stdout (for CI) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ListArgs {
    #[command(flatten)]
    source: Source,
    /// Only operations with this tag (repeatable).
    #[arg(long, value_name = "TAG")]
    tag: Vec<String>,
    /// Only operations whose id, path or summary contains this text (any case).
    #[arg(long = "match", value_name = "TEXT")]
    matching: Option<String>,
    /// Only the tags, with their operation counts.
    #[arg(long)]
    tags: bool,
    /// Only operations that page, with how (and list-like ones left without, with why).
    #[arg(long)]
    paginated: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Why a command stopped, with the exit code that says so.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let code = if matches!(error, Error::Config { .. } | Error::Options { .. }) { 2 } else { 1 };
        Failure { code, message: error.to_string() }
    }
}

/// Runs the command line `args` (the first is the program name) and says how it ended.
pub fn main<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version are not failures; clap prints and picks the code.
            let _ = error.print();
            return ExitCode::from(error.exit_code().clamp(0, 255) as u8);
        }
    };
    let json = match &cli.command {
        Command::Generate(args) | Command::Check(args) => args.json,
        Command::List(args) => args.json,
        Command::Diff(args) => args.json,
    };
    let result = match cli.command {
        Command::Generate(args) => generate(&args, false),
        Command::Check(args) => generate(&args, true),
        Command::List(args) => list(&args),
        Command::Diff(args) => diff::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // An empty message: the output already said why (`diff --json --fail-on`).
        Err(failure) if failure.message.is_empty() => ExitCode::from(failure.code),
        Err(failure) => {
            if json {
                println!("{}", json!({ "ok": false, "error": failure.message }));
            } else {
                eprintln!("error: {}", failure.message);
            }
            ExitCode::from(failure.code)
        }
    }
}

/// The jobs the configuration and flags describe.
fn jobs(source: &Source, overrides: Overrides) -> Result<Vec<Job>, Error> {
    let config = match &source.config {
        Some(path) if !path.is_file() => {
            return Err(Error::Config { file: path.clone(), message: "no such configuration file".into() })
        }
        Some(path) => Some(path.clone()),
        None => config::discover(source.spec.as_deref()),
    };
    match config {
        Some(path) => config::read(&path, &overrides),
        None => Ok(vec![config::from_overrides(&overrides)?]),
    }
}

fn overrides(source: &Source, args: Option<&GenerateArgs>) -> Overrides {
    let runtime = args.and_then(|args| {
        if let Some(path) = &args.runtime_path {
            Some(RuntimeSource::Path(path.clone()))
        } else if let Some(url) = &args.runtime_git {
            Some(RuntimeSource::Git { url: url.clone(), rev: args.rev.clone() })
        } else {
            args.runtime_version.clone().map(RuntimeSource::Version)
        }
    });
    Overrides {
        spec: source.spec.clone(),
        out: args.and_then(|a| a.out.clone()),
        name: args.and_then(|a| a.name.clone()),
        runtime,
        overlays: source.overlays.clone(),
    }
}

fn generate(args: &GenerateArgs, check_only: bool) -> Result<(), Failure> {
    let mut jobs = jobs(&args.source, overrides(&args.source, Some(args)))?;
    let mut reports = Vec::new();
    let mut stale_crates = Vec::new();
    for job in &mut jobs {
        job.options.standalone |= args.standalone;
        job.options.tag_features |= args.tag_features;
        if !job.spec.is_file() {
            return Err(Failure { code: 1, message: format!("{}: no such document", job.spec.display()) });
        }
        let started = Instant::now();
        let generated = crate::generate(&job.spec, &job.options)?;
        let fallbacks = crate::diagnostics::fallbacks(&generated.warnings);
        if !args.quiet && !args.json {
            print_warnings(&job.spec, &generated.warnings, args.verbose);
        }
        let mut report = json!({
            "name": job.options.crate_name,
            "spec": job.spec.display().to_string(),
            "out": job.out.display().to_string(),
            "operations": generated.operations,
            "types": generated.types,
            "warnings": generated.warnings.iter().map(|w| json!({ "pointer": w.pointer.to_string(), "message": w.message, "kind": w.kind(), "fell_back": w.fell_back })).collect::<Vec<_>>(),
            "fell_back": { "operations": fallbacks.operations, "types": fallbacks.types },
        });
        let line = if check_only {
            let stale = crate::write::check(&generated.files, &job.out)?;
            let line = match stale.len() {
                0 => format!("{} is up to date", job.out.display()),
                n => format!(
                    "{} is stale: {n} {} ({}); run `apigen generate`",
                    job.out.display(),
                    if n == 1 { "file differs" } else { "files differ" },
                    stale.join(", ")
                ),
            };
            if !stale.is_empty() {
                stale_crates.push(job.out.display().to_string());
            }
            report["stale"] = json!(stale);
            line
        } else {
            let written = crate::write::write(&generated.files, &job.out)?;
            report["written"] = json!(written.written);
            report["unchanged"] = json!(written.unchanged.len());
            report["removed"] = json!(written.removed);
            format!(
                "{} ({} written, {} unchanged, {} removed)",
                job.out.display(),
                written.written.len(),
                written.unchanged.len(),
                written.removed.len()
            )
        };
        let seconds = started.elapsed().as_secs_f64();
        report["seconds"] = json!((seconds * 1000.0).round() / 1000.0);
        if !args.quiet && !args.json {
            let fell_back = match (fallbacks.operations, fallbacks.types) {
                (0, 0) => String::new(),
                (operations, types) => format!(
                    " ({} and {} fell back to a safe type)",
                    count(operations, "operation"),
                    count(types, "type")
                ),
            };
            eprintln!(
                "{}: {}, {}, {}{fell_back} → {line} in {seconds:.2} s",
                job.options.crate_name,
                count(generated.operations, "operation"),
                count(generated.types, "type"),
                count(generated.warnings.len(), "warning"),
            );
        }
        reports.push(report);
    }
    if args.json {
        println!(
            "{}",
            json!({ "ok": stale_crates.is_empty(), "command": if check_only { "check" } else { "generate" }, "clients": reports })
        );
    }
    match stale_crates.is_empty() {
        true => Ok(()),
        false => Err(Failure { code: 1, message: format!("stale: {}", stale_crates.join(", ")) }),
    }
}

fn list(args: &ListArgs) -> Result<(), Failure> {
    let mut overrides = overrides(&args.source, None);
    // A listing writes nothing, but a job needs an output directory when no configuration
    // names one.
    overrides.out.get_or_insert_with(|| PathBuf::from("."));
    let jobs = jobs(&args.source, overrides)?;
    let mut documents = Vec::new();
    for job in jobs {
        // Everything the document offers, whatever the configuration selects or renames: this
        // is where the names to select come from.
        let options = crate::Options {
            overlays: job.options.overlays.clone(),
            pagination: job.options.pagination.clone(),
            ..crate::Options::new(job.options.crate_name.clone(), job.options.runtime.clone())
        };
        let api = crate::api(&job.spec, &options)?;
        documents.push((job.spec, api));
    }
    let needle = args.matching.as_deref().map(str::to_lowercase);
    let mut output = Vec::new();
    for (spec, api) in &documents {
        let mut tags = Vec::new();
        for group in &api.groups {
            if !args.tag.is_empty() && !args.tag.iter().any(|t| t.eq_ignore_ascii_case(&group.tag)) {
                continue;
            }
            let operations: Vec<Value> = group
                .operations
                .iter()
                .map(|&index| &api.operations[index])
                .filter(|op| {
                    needle.as_ref().is_none_or(|needle| {
                        [Some(op.id.as_str()), Some(op.path.as_str()), op.summary.as_deref()]
                            .into_iter()
                            .flatten()
                            .any(|text| text.to_lowercase().contains(needle.as_str()))
                    })
                })
                .filter(|op| !args.paginated || op.pagination.is_some() || op.unpaged.is_some())
                .map(|op| {
                    let mut entry = json!({ "id": op.id, "method": op.method, "path": op.path, "summary": op.summary, "deprecated": op.deprecated });
                    if args.paginated {
                        entry["pagination"] = paging_json(op);
                    }
                    entry
                })
                .collect();
            if !operations.is_empty() || (needle.is_none() && args.tag.is_empty() && !args.paginated) {
                tags.push(json!({ "tag": group.tag, "operations": operations }));
            }
        }
        output.push((spec, tags));
    }
    if args.json {
        let documents: Vec<Value> =
            output.iter().map(|(spec, tags)| json!({ "spec": spec.display().to_string(), "tags": tags })).collect();
        println!("{}", json!({ "ok": true, "documents": documents }));
        return Ok(());
    }
    for (spec, tags) in &output {
        if output.len() > 1 {
            println!("{}", spec.display());
        }
        for tag in tags {
            let operations = tag["operations"].as_array().map(Vec::as_slice).unwrap_or_default();
            println!("{} ({})", tag["tag"].as_str().unwrap_or_default(), count(operations.len(), "operation"));
            if args.tags {
                continue;
            }
            let width = operations
                .iter()
                .map(|op| {
                    op["method"].as_str().unwrap_or_default().len() + op["path"].as_str().unwrap_or_default().len()
                })
                .max()
                .unwrap_or(0);
            for op in operations {
                let (method, path) =
                    (op["method"].as_str().unwrap_or_default(), op["path"].as_str().unwrap_or_default());
                let padding = " ".repeat(width - method.len() - path.len());
                let summary = op["summary"].as_str().map(|s| format!("  {}", one_line(s))).unwrap_or_default();
                let deprecated = if op["deprecated"] == true { " (deprecated)" } else { "" };
                let summary = match &op["pagination"] {
                    Value::Null => summary,
                    paging => format!("  {}", paging["text"].as_str().unwrap_or_default()),
                };
                println!("  {method} {path}{padding}  {}{deprecated}{summary}", op["id"].as_str().unwrap_or_default());
            }
        }
        if args.paginated {
            println!("{}", paging_summary(tags));
        }
    }
    Ok(())
}

/// How an operation pages (`pattern`, `source`, the methods, and a line of `text`), or why a
/// list-like one does not (`left_without`).
fn paging_json(op: &crate::model::Operation) -> Value {
    use crate::model::PageStyle;
    let Some(paging) = &op.pagination else {
        let why = op.unpaged.clone().unwrap_or_default();
        return json!({ "pattern": null, "left_without": why, "text": format!("not paginated: {why}") });
    };
    let how = match &paging.style {
        PageStyle::Cursor { param, cursor, .. } => format!("`{}` → `{param}`", cursor.wire()),
        PageStyle::AfterLast { param, has_more, id } => {
            format!("`{}`, last item's `{}` → `{param}`", has_more.wire(), id.wire)
        }
        PageStyle::NextUrl { next } => format!("`{}`", next.wire()),
        PageStyle::LinkHeader => "rel=\"next\"".to_owned(),
        PageStyle::Offset { param, size, .. } | PageStyle::PageNumber { param, size, .. } => match size {
            Some(size) => format!("`{param}`, size `{size}`"),
            None => format!("`{param}`"),
        },
    };
    let pattern = paging.style.name();
    let text = format!("{pattern} ({how}; {}) → {}, {}", paging.source, paging.stream_fn, paging.pages_fn);
    json!({ "pattern": pattern, "source": paging.source, "stream": paging.stream_fn, "pages": paging.pages_fn, "text": text })
}

/// `42 operations paginated (cursor 40, offset 2); 3 list-like operations left without`.
fn paging_summary(tags: &[Value]) -> String {
    let operations = tags.iter().flat_map(|tag| tag["operations"].as_array().into_iter().flatten());
    let mut patterns = std::collections::BTreeMap::new();
    let mut left = 0;
    for op in operations {
        match op["pagination"]["pattern"].as_str() {
            Some(pattern) => *patterns.entry(pattern.to_owned()).or_insert(0) += 1,
            None => left += 1,
        }
    }
    let paged: usize = patterns.values().sum();
    let by: Vec<String> = patterns.iter().map(|(pattern, n)| format!("{pattern} {n}")).collect();
    let by = if by.is_empty() { String::new() } else { format!(" ({})", by.join(", ")) };
    format!("{} paginated{by}; {} left without", count(paged, "operation"), count(left, "list-like operation"))
}

/// `1 type`, `2 types`.
/// How many examples of a repeated warning the grouped output shows.
const EXAMPLES_PER_KIND: usize = 3;

/// Warnings on stderr: each on its own line when `verbose`, otherwise a kind that repeats is one
/// line with its count, followed by a few of its warnings and how many more there are.
fn print_warnings(spec: &std::path::Path, warnings: &[crate::Warning], verbose: bool) {
    let spec = spec.display();
    if verbose {
        for warning in warnings {
            eprintln!("warning: {spec}: {warning}");
        }
        return;
    }
    for group in crate::diagnostics::group(warnings) {
        if let [warning] = group.warnings.as_slice() {
            eprintln!("warning: {spec}: {warning}");
            continue;
        }
        eprintln!("warning: {spec}: {} × {}", group.warnings.len(), group.kind);
        for warning in group.warnings.iter().take(EXAMPLES_PER_KIND) {
            eprintln!("    {warning}");
        }
        if let Some(more) = group.warnings.len().checked_sub(EXAMPLES_PER_KIND).filter(|&more| more > 0) {
            eprintln!("    … and {more} more like these (--verbose prints every one)");
        }
    }
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The first line of a summary, for one-line listings.
fn one_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default().trim()
}
