//! OpenAPI 3.0, 3.1 and 3.2 → Rust client generator.
//!
//! The generator is a pipeline; each stage is a module and data flows one way:
//!
//! ```text
//! file ──load──▶ Document (one dialect for every OpenAPI version) ──resolve──▶ Resolved
//!      ──model──▶ Api ──emit──▶ Crate (token streams)
//!      ──write──▶ formatted files on disk
//! ```
//!
//! `model` knows nothing of `syn`; `emit` knows nothing of YAML. [`generate`] runs every stage
//! in memory and [`write`] puts the result on disk.

pub mod diagnostics;
pub mod emit;
pub mod load;
pub mod model;
pub mod resolve;
pub mod write;

use std::path::Path;
use std::time::{Duration, Instant};

pub use diagnostics::{Error, Pointer, Warning};
pub use write::{CrateFiles, WriteReport};

/// What the generated crate is called and where its runtime lives.
#[derive(Clone, Debug)]
pub struct Options {
    /// Cargo package name of the generated crate, e.g. `qovery-secrets`.
    pub crate_name: String,
    /// Version written into the generated `Cargo.toml`.
    pub crate_version: String,
    /// How the generated `Cargo.toml` refers to the runtime crate, e.g. `../runtime`.
    pub runtime_path: String,
    /// Standalone crates get an empty `[workspace]` table so that they build on their own
    /// even when generated inside another workspace's directory.
    pub standalone: bool,
}

/// Time spent in each stage, for the codegen summary and benchmarks.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub load: Duration,
    pub resolve: Duration,
    pub model: Duration,
    pub emit: Duration,
    pub format: Duration,
}

/// A generated crate held in memory, plus what it took to make it.
#[derive(Debug)]
pub struct Generated {
    pub files: CrateFiles,
    pub operations: usize,
    pub types: usize,
    pub warnings: Vec<Warning>,
    pub timings: Timings,
}

/// Runs load → resolve → model → emit → format for the document at `spec`, in memory.
pub fn generate(spec: &Path, options: &Options) -> Result<Generated, Error> {
    let mut timings = Timings::default();

    let started = Instant::now();
    let document = load::load(spec)?;
    timings.load = started.elapsed();

    let started = Instant::now();
    let resolved = resolve::resolve(&document)?;
    timings.resolve = started.elapsed();

    let started = Instant::now();
    let api = model::build(&resolved)?;
    timings.model = started.elapsed();

    let started = Instant::now();
    let tokens = emit::emit(&api, options);
    timings.emit = started.elapsed();

    let started = Instant::now();
    let files = write::format(tokens, options)?;
    timings.format = started.elapsed();

    Ok(Generated {
        files,
        operations: api.operations.len(),
        types: api.types.len(),
        warnings: api.warnings,
        timings,
    })
}
