//! The pipeline as one staged API: load → resolve and model → emit → format, each stage a method
//! that consumes the value of the one before.
//!
//! ```no_run
//! # fn main() -> Result<(), apigen::Error> {
//! let options = apigen::Options::new("petstore", apigen::RuntimeDependency::Version("0.1".into()));
//! let generated = apigen::stages::Loaded::read("openapi.yaml".as_ref(), &options)?.model()?.emit().format()?;
//! println!("{} files in {:?}", generated.files.len(), generated.timings);
//! # Ok(())
//! # }
//! ```
//!
//! Every caller goes through these types — [`crate::generate`], the build-script API, the command,
//! the project's tasks — so the stages run in one order, each is timed ([`Timings`]), and a
//! warning names the file of a split document it is about whoever asks. Consuming each stage is
//! what keeps memory down: by the time the token streams are formatted, the document and the model
//! they came from are gone (on a large document they are a third of the peak).
//!
//! The resolved document borrows the loaded one, so it lives only inside [`Loaded::model_with`]:
//! a caller that needs it (to pair the model's types with the schemas they came from) looks at it
//! there.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::{Error, Warning};
use crate::emit::CrateTokens;
use crate::load::Document;
use crate::model::Api;
use crate::resolve::Resolved;
use crate::write::CrateFiles;
use crate::Options;

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

/// Stage 1 done: the document in memory, in one dialect whatever its OpenAPI version.
#[derive(Debug)]
pub struct Loaded<'o> {
    document: Document,
    options: &'o Options,
    timings: Timings,
}

/// Stages 2 and 3 done: the model of the client, beside the document it was made from.
#[derive(Debug)]
pub struct Modelled<'o> {
    document: Document,
    api: Api,
    options: &'o Options,
    timings: Timings,
}

/// Stage 4 done: one token stream per file of the crate; the document and the model are dropped.
pub struct Emitted<'o> {
    tokens: CrateTokens,
    operations: usize,
    types: usize,
    warnings: Vec<Warning>,
    options: &'o Options,
    timings: Timings,
}

impl<'o> Loaded<'o> {
    /// Reads the document at `spec` (and the files it refers to) and applies the options'
    /// overlays, in order.
    pub fn read(spec: &Path, options: &'o Options) -> Result<Loaded<'o>, Error> {
        let started = Instant::now();
        let document = crate::load::load_with_overlays(spec, &options.overlays)?;
        let timings = Timings { load: started.elapsed(), ..Timings::default() };
        Ok(Loaded { document, options, timings })
    }

    /// The document an `openapiv3::OpenAPI` value holds (as Dropshot and other Rust servers
    /// build it, and as progenitor takes it), with the options' overlays applied as to a file's
    /// (see [`crate::load::from_openapiv3`]): the same crate as from the equivalent file.
    pub fn from_openapiv3(spec: &openapiv3::OpenAPI, options: &'o Options) -> Result<Loaded<'o>, Error> {
        let started = Instant::now();
        let document = crate::load::from_openapiv3(spec, &options.overlays)?;
        let timings = Timings { load: started.elapsed(), ..Timings::default() };
        Ok(Loaded { document, options, timings })
    }

    /// A document loaded otherwise (parsed from text, built from a JSON value, changed by hand):
    /// the later stages run on it as they would on one [`Loaded::read`] gave. The options'
    /// overlays are not applied (the document is taken as final); no load time is counted.
    pub fn from_document(document: Document, options: &'o Options) -> Loaded<'o> {
        Loaded { document, options, timings: Timings::default() }
    }

    pub fn document(&self) -> &Document {
        &self.document
    }

    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// Resolves the document's references and builds the model with the user's choices.
    pub fn model(self) -> Result<Modelled<'o>, Error> {
        self.model_with(|_, _| ()).map(|(modelled, ())| modelled)
    }

    /// [`Loaded::model`], with a look at the resolved document and the model together before
    /// the resolved document is dropped: `look` gets both and what it returns is handed back.
    pub fn model_with<T>(self, look: impl FnOnce(&Resolved<'_>, &Api) -> T) -> Result<(Modelled<'o>, T), Error> {
        let Loaded { document, options, mut timings } = self;
        let started = Instant::now();
        let resolved = crate::resolve::resolve(&document)?;
        timings.resolve = started.elapsed();

        let started = Instant::now();
        let mut api = crate::model::build(&resolved, options)?;
        timings.model = started.elapsed();

        // Emitting does not read the warnings: they are located here, once, so that every
        // caller sees them naming their files.
        api.warnings = located_warnings(&document, &api);
        let seen = look(&resolved, &api);
        drop(resolved);
        Ok((Modelled { document, api, options, timings }, seen))
    }
}

impl<'o> Modelled<'o> {
    /// What the generated crate will contain, before any Rust is written; its warnings name
    /// the file of a split document they are about.
    pub fn api(&self) -> &Api {
        &self.api
    }

    pub fn document(&self) -> &Document {
        &self.document
    }

    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// Every file read besides the document itself: those a split document refers to, then the
    /// overlays (what a build script reruns on).
    pub fn files_read(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self.document.sources.files().into_iter().map(Path::to_owned).collect();
        files.extend(self.options.overlays.iter().cloned());
        files
    }

    /// The model alone, for those who only list or inspect it.
    pub fn into_api(self) -> Api {
        self.api
    }

    /// The model as token streams, one per file of the crate. The document and the model are
    /// dropped here: formatting needs neither.
    pub fn emit(self) -> Emitted<'o> {
        let Modelled { document, api, options, mut timings } = self;
        let started = Instant::now();
        let tokens = crate::emit::emit(&api, options);
        timings.emit = started.elapsed();
        let (operations, types) = (api.operations.len(), api.types().len());
        let warnings = api.warnings;
        drop(document);
        Emitted { tokens, operations, types, warnings, options, timings }
    }
}

impl Emitted<'_> {
    pub fn tokens(&self) -> &CrateTokens {
        &self.tokens
    }

    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// Every file of the crate as text: Rust formatted with `prettyplease` under the "do not
    /// edit" header, the manifest, the crate's `rustfmt.toml`.
    pub fn format(self) -> Result<Generated, Error> {
        let Emitted { tokens, operations, types, warnings, options, mut timings } = self;
        let started = Instant::now();
        let files = crate::write::format(tokens, options)?;
        timings.format = started.elapsed();
        Ok(Generated { files, operations, types, warnings, timings })
    }

    /// The crate as one module mounted at `mount` (`["crate", "api"]`) of the crate that
    /// includes it, formatted (see [`crate::write::format_module`]).
    pub fn format_module(self, mount: &[String]) -> Result<String, Error> {
        let crate_ident = crate::model::crate_ident(&self.options.crate_name);
        crate::write::format_module(self.tokens, mount, &crate_ident)
    }
}

/// Warnings about parts of a split document name the file each part came from.
fn located_warnings(document: &Document, api: &Api) -> Vec<Warning> {
    let mut warnings: Vec<Warning> =
        api.warnings.iter().cloned().map(|w| document.sources.relocate_warning(w)).collect();
    warnings.sort();
    warnings
}
