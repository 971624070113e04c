//! Generating from a build script: the client as a module of the crate that builds it.
//!
//! ```no_run
//! // build.rs
//! use apigen::embed::Builder;
//!
//! fn main() {
//!     Builder::new("openapi.yaml")
//!         .module("crate::petstore")
//!         .write_to_out_dir()
//!         .unwrap_or_else(|error| panic!("{error}"));
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs: the file defines `pub mod petstore`.
//! include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! ```
//!
//! A document already in memory as an `openapiv3::OpenAPI` value (what progenitor's build scripts
//! hand it) goes through [`Builder::from_openapiv3`] instead of [`Builder::new`].
//!
//! The including crate depends on what the generated code uses: `apigen-runtime`, `serde` (with
//! `derive`), `serde_json`, `uuid` (with `serde`) and `chrono` (with `serde`) — the dependencies a
//! generated crate's own `Cargo.toml` lists.

// The example above is a whole build script, whose `fn main` is the point.
#![allow(clippy::needless_doctest_main)]

use std::path::{Path, PathBuf};

use crate::config::{self, Overrides};
use crate::diagnostics::Error;
use crate::stages::Loaded;
use crate::{Options, RuntimeDependency, Warning};

/// What to generate and where the module goes.
#[derive(Clone, Debug)]
pub struct Builder {
    spec: Spec,
    options: Options,
    mount: Vec<String>,
}

/// Where the document comes from.
#[derive(Clone, Debug)]
enum Spec {
    File(PathBuf),
    /// Boxed: the value is large beside a path, and a builder is moved at every call.
    OpenApiV3(Box<openapiv3::OpenAPI>),
}

impl Spec {
    /// The file cargo should watch; a value has none (whatever the build script read to make
    /// it is the build script's to declare).
    fn file(&self) -> Option<&Path> {
        match self {
            Spec::File(path) => Some(path),
            Spec::OpenApiV3(_) => None,
        }
    }

    /// How warnings name the document.
    fn name(&self) -> &Path {
        self.file().unwrap_or(Path::new(crate::load::OPENAPIV3_SOURCE))
    }
}

/// A generated module, in memory.
#[derive(Debug)]
pub struct Module {
    /// The Rust source of `pub mod {name} { … }`.
    pub code: String,
    /// The file name it goes by in `OUT_DIR`: `{name}.rs`.
    pub file_name: String,
    pub warnings: Vec<Warning>,
    /// Every file read: the document (unless it was a value), the files it refers to, the
    /// overlays.
    pub files: Vec<PathBuf>,
}

impl Builder {
    /// The document at `spec` (relative paths are relative to the build script's package),
    /// mounted as `crate::api`.
    pub fn new(spec: impl Into<PathBuf>) -> Builder {
        Builder::with_spec(Spec::File(package_relative(spec.into())))
    }

    /// The document an `openapiv3::OpenAPI` value holds (what progenitor's `generate_tokens`
    /// takes, or what a Dropshot server describes itself as), mounted as `crate::api`: the same
    /// module as from the equivalent file. The options' overlays apply to it as to a file.
    ///
    /// The build script should print `cargo:rerun-if-changed` for what it built the value
    /// from: once any such line is printed (this prints one per overlay), cargo reruns the
    /// script for those files only.
    pub fn from_openapiv3(spec: openapiv3::OpenAPI) -> Builder {
        Builder::with_spec(Spec::OpenApiV3(Box::new(spec)))
    }

    fn with_spec(spec: Spec) -> Builder {
        // The including package names the client (its `User-Agent`); the runtime dependency
        // only matters for a crate's Cargo.toml, which a module has not.
        let package = std::env::var("CARGO_PKG_NAME").unwrap_or_else(|_| "api-client".into());
        let mut options = Options::new(package, RuntimeDependency::Version(env!("CARGO_PKG_VERSION").into()));
        if let Ok(version) = std::env::var("CARGO_PKG_VERSION") {
            options.crate_version = version;
        }
        Builder { spec, options, mount: default_mount() }
    }

    /// The one client an `apigen.toml` describes (its document, overlays, selection, renames,
    /// derives, formats); its output directory and runtime are ignored.
    pub fn from_config(path: impl Into<PathBuf>) -> Result<Builder, Error> {
        let path = package_relative(path.into());
        let mut jobs = config::read(&path, &Overrides::default())?;
        if jobs.len() != 1 {
            return Err(Error::Config {
                file: path,
                message: format!("it lists {} clients; a build script generates one", jobs.len()),
            });
        }
        let job = jobs.remove(0);
        Ok(Builder { spec: Spec::File(job.spec), options: job.options, mount: default_mount() })
    }

    /// Where the including crate puts the module: `crate::api` (the default), or deeper, such
    /// as `crate::clients::petstore`. The last segment names the module and its file.
    pub fn module(mut self, path: &str) -> Builder {
        self.mount = path.split("::").map(|s| s.trim().to_owned()).collect();
        self
    }

    /// Applies an OpenAPI Overlay after those already given.
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Builder {
        self.options.overlays.push(package_relative(path.into()));
        self
    }

    /// Adjusts any other choice (selection, renames, derives, date-time type).
    pub fn options(mut self, change: impl FnOnce(&mut Options)) -> Builder {
        change(&mut self.options);
        self
    }

    /// Generates the module in memory.
    pub fn generate(&self) -> Result<Module, Error> {
        let valid = |s: &String| {
            s == "crate" || (crate::model::is_identifier(s) && !crate::model::RUST_KEYWORDS.contains(&s.as_str()))
        };
        if self.mount.len() < 2 || self.mount[0] != "crate" || !self.mount.iter().all(valid) {
            return Err(Error::Config {
                file: PathBuf::from("build script"),
                message: format!("`{}` is not a module path such as `crate::api`", self.mount.join("::")),
            });
        }
        let loaded = match &self.spec {
            Spec::File(path) => Loaded::read(path, &self.options)?,
            Spec::OpenApiV3(spec) => Loaded::from_openapiv3(spec, &self.options)?,
        };
        let modelled = loaded.model()?;
        let mut files: Vec<PathBuf> = self.spec.file().map(Path::to_owned).into_iter().collect();
        files.extend(modelled.files_read());
        let emitted = modelled.emit();
        let warnings = emitted.warnings().to_vec();
        let code = emitted.format_module(&self.mount)?;
        let name = self.mount.last().cloned().unwrap_or_default();
        Ok(Module { code, file_name: format!("{name}.rs"), warnings, files })
    }

    /// Generates into `$OUT_DIR/{name}.rs` (rewritten only when it changed), tells cargo to run
    /// the build script again when the document, a file it refers to or an overlay changes, and
    /// shows generation warnings as cargo warnings. Returns the file's path.
    pub fn write_to_out_dir(&self) -> Result<PathBuf, Error> {
        let out_dir = std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| Error::Config {
            file: PathBuf::from("build script"),
            message: "OUT_DIR is not set: call this from a build script (build.rs)".into(),
        })?;
        // Before generating, so that a document that fails is looked at again once fixed.
        if let Some(file) = self.spec.file() {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        for overlay in &self.options.overlays {
            println!("cargo:rerun-if-changed={}", overlay.display());
        }
        let module = self.generate()?;
        for file in &module.files {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        for warning in &module.warnings {
            println!("cargo:warning={}: {}", self.spec.name().display(), warning.to_string().replace('\n', " "));
        }
        let path = out_dir.join(&module.file_name);
        if std::fs::read(&path).ok().as_deref() != Some(module.code.as_bytes()) {
            std::fs::write(&path, &module.code).map_err(|source| Error::Io { path: path.clone(), source })?;
        }
        Ok(path)
    }
}

/// Where the module goes unless [`Builder::module`] says otherwise: `crate::api`.
fn default_mount() -> Vec<String> {
    vec!["crate".into(), "api".into()]
}

/// Relative paths are taken from the package being built, as cargo runs build scripts there.
fn package_relative(path: PathBuf) -> PathBuf {
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) if path.is_relative() => Path::new(&dir).join(path),
        _ => path,
    }
}
