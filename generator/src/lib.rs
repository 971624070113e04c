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
//! `model` knows nothing of `syn`; `emit` knows nothing of YAML. [`stages`] is the one way to run
//! them (a type per stage, each consuming the one before, timed); [`generate`] runs every stage
//! in memory and [`write`] puts the result on disk.

#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod embed;
pub mod emit;
pub mod load;
pub mod model;
mod pointer;
pub mod resolve;
pub mod stages;
pub mod write;

use std::path::{Path, PathBuf};

pub use config::Job;
pub use diagnostics::{Error, Warning};
/// The `openapiv3` crate this one reads values of, so that a caller's version matches.
pub use openapiv3;
pub use pointer::Pointer;
pub use stages::{Generated, Timings};
pub use write::{CrateFiles, WriteReport};

/// What the generated crate is called, where its runtime lives, and what the user chose.
#[derive(Clone, Debug)]
pub struct Options {
    /// Cargo package name of the generated crate, e.g. `qovery-secrets`.
    pub crate_name: String,
    /// Version written into the generated `Cargo.toml`.
    pub crate_version: String,
    /// How the generated `Cargo.toml` depends on the runtime crate.
    pub runtime: RuntimeDependency,
    /// Standalone crates get an empty `[workspace]` table so that they build on their own
    /// even when generated inside another workspace's directory.
    pub standalone: bool,
    /// OpenAPI Overlay files applied, in order, to the document before anything reads it.
    pub overlays: Vec<PathBuf>,
    /// Which operations the crate contains; the types they do not reach are left out.
    pub selection: Selection,
    /// Rust names the user prefers to the ones derived from the document.
    pub renames: Renames,
    /// Derives added to every struct and enum of `types.rs`, e.g. `Eq`, `Hash`,
    /// `schemars::JsonSchema`: each must be a Rust path, and one a type already derives or
    /// implements (by last segment: `Hash`, `std::hash::Hash`) is not repeated. Whether the
    /// types' fields implement the trait is the user's to know (`f64` is not `Eq`).
    pub extra_derives: Vec<String>,
    /// The Rust type for `format: date-time` strings.
    pub date_time: DateTimeType,
    /// Each tag (or, without tags, each first path segment) becomes a cargo feature, and types
    /// compile only when a selected feature reaches them. An operation's feature is its first
    /// tag, in kebab-case; webhooks share a `webhooks` feature; `full` (the default) is every
    /// feature and also compiles the components no operation uses.
    pub tag_features: bool,
    /// The command that regenerates the crate, named in the "do not edit" header of every
    /// generated file so that whoever opens one knows what to run (`apigen generate` unless
    /// the configuration's `regenerate` key says otherwise, e.g. `cargo xtask codegen`).
    pub regenerate: String,
    /// How operations page where the document leaves it ambiguous (`[pagination]`), or that
    /// one does not page at all: each rule must name an operation, and every parameter and
    /// field it names must exist.
    pub pagination: Vec<model::PagingRule>,
    /// What the generated `Cargo.toml` says about the package beyond its name and version:
    /// whether it may be published, and the metadata a registry asks for.
    pub package: Package,
}

/// Registry metadata of the generated crate (`apigen.toml`'s `publish`, `license`,
/// `repository`, `authors`, `keywords`). Unpublished by default: a generated crate usually
/// lives in the repository that uses it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    /// `publish = true` in the manifest (otherwise `publish = false`, so that `cargo publish`
    /// refuses it).
    pub publish: bool,
    /// An SPDX expression (`MIT OR Apache-2.0`).
    pub license: Option<String>,
    pub repository: Option<String>,
    pub authors: Vec<String>,
    /// At most five, as crates.io accepts.
    pub keywords: Vec<String>,
}

impl Options {
    /// A crate named `crate_name`, version 0.1.0, with every default choice.
    pub fn new(crate_name: impl Into<String>, runtime: RuntimeDependency) -> Options {
        Options {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".into(),
            runtime,
            standalone: false,
            overlays: Vec::new(),
            selection: Selection::default(),
            renames: Renames::default(),
            extra_derives: Vec::new(),
            date_time: DateTimeType::default(),
            tag_features: false,
            regenerate: "apigen generate".into(),
            pagination: Vec::new(),
            package: Package::default(),
        }
    }
}

/// Where the generated crate finds `apigen-runtime`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path, written as given (relative paths are relative to the generated crate).
    Path(String),
    /// A git repository, at a revision when one is given.
    Git { url: String, rev: Option<String> },
    /// A version requirement on a registry.
    Version(String),
}

/// Operations kept in the generated crate. Empty lists keep everything; an operation is kept when
/// it matches `tags` (any of its tags) or `operations` (or both are empty) and matches neither
/// exclusion list. Operations are named by `operationId` or by `METHOD /path` (method in any
/// case). Webhooks are kept unless excluded, until `tags` or `operations` list what to keep:
/// then a webhook must be listed too (by tag, `operationId` or name). Any selection leaves out
/// the types nothing kept reaches. An entry that matches nothing, or a selection that keeps
/// nothing, is an [`Error::Options`] naming it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub tags: Vec<String>,
    pub exclude_tags: Vec<String>,
    pub operations: Vec<String>,
    pub exclude_operations: Vec<String>,
}

impl Selection {
    pub fn is_everything(&self) -> bool {
        *self == Selection::default()
    }
}

/// Renames keyed by what the document says: a component schema name for types, an
/// `operationId` (or `METHOD /path`) for operations; values are the Rust names to use (a type
/// name, a method name). A key that names nothing, a value that is not an identifier, or one
/// another type or method already has, is an [`Error::Options`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renames {
    pub types: std::collections::BTreeMap<String, String>,
    pub operations: std::collections::BTreeMap<String, String>,
}

/// The Rust type of `format: date-time` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateTimeType {
    /// `chrono::DateTime<chrono::FixedOffset>`: the offset a value came with is kept
    /// (`2024-01-01T10:00:00-05:00` is sent back as such, not as `15:00:00Z`).
    #[default]
    Chrono,
    /// `time::OffsetDateTime`, RFC 3339 on the wire (through `apigen_runtime::rfc3339`; the
    /// generated crate depends on `time` and the runtime's `time` feature).
    Time,
    /// The text as sent.
    String,
}

/// Runs load → resolve → model → emit → format for the document at `spec`, in memory (the
/// [`stages`] one after another).
pub fn generate(spec: &Path, options: &Options) -> Result<Generated, Error> {
    stages::Loaded::read(spec, options)?.model()?.emit().format()
}

/// [`generate`] for a document held as an `openapiv3::OpenAPI` value rather than a file (what
/// progenitor's `generate_tokens` takes): the same crate as from the equivalent file.
pub fn generate_from_openapiv3(spec: &openapiv3::OpenAPI, options: &Options) -> Result<Generated, Error> {
    stages::Loaded::from_openapiv3(spec, options)?.model()?.emit().format()
}

/// The document at `spec` read, resolved and modelled: what the generated crate would contain,
/// before any Rust is written (for listings and tools).
pub fn api(spec: &Path, options: &Options) -> Result<model::Api, Error> {
    Ok(stages::Loaded::read(spec, options)?.model()?.into_api())
}
