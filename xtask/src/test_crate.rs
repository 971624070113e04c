//! The standalone crate generated for a document under `target/contract/<name>-contract`, into
//! which `contract` and `examples` write their test programs: one crate for both, so the library
//! compiles once for both.

use std::path::{Path, PathBuf};

use apigen::model::Api;
use apigen::resolve::Resolved;
use apigen::stages::Loaded;

use crate::codegen::workspace_root;

/// A generated crate in memory, with the model it was made from.
pub struct TestCrate {
    pub dir: PathBuf,
    pub options: apigen::Options,
    /// The model, kept for writing and judging the test programs after the crate is formatted.
    pub api: Api,
    /// The crate's files, `Cargo.toml` with the test dependencies; callers add their test
    /// programs and then [`TestCrate::write`].
    pub files: apigen::CrateFiles,
}

impl TestCrate {
    /// Generates (in memory) the crate for `spec`; `look` sees the resolved document beside the
    /// model (to pair the model's types with the schemas they came from), and what it returns is
    /// handed back.
    pub fn generate<T>(spec: &Path, look: impl FnOnce(&Resolved<'_>, &Api) -> T) -> Result<(TestCrate, T), String> {
        let root = workspace_root();
        let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let name = apigen::model::package_name(&stem, "contract");
        let runtime = apigen::RuntimeDependency::Path(root.join("runtime").to_string_lossy().into_owned());
        let options = apigen::Options { standalone: true, ..apigen::Options::new(name.clone(), runtime) };
        let err = |e: apigen::Error| format!("{}: {e}", spec.display());
        let (modelled, seen) = Loaded::read(spec, &options).and_then(|loaded| loaded.model_with(look)).map_err(err)?;
        // Formatting drops the model (memory), and the test programs are written from it after.
        let api = modelled.api().clone();
        let mut files = modelled.emit().format().map_err(err)?.files;
        if let Some(manifest) = files.get_mut("Cargo.toml") {
            manifest.push_str(
                "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }\n",
            );
        }
        let dir = root.join("target/contract").join(&name);
        Ok((TestCrate { dir, options, api, files }, seen))
    }

    /// Writes what changed (an unchanged library is not rebuilt), with the workspace's
    /// `Cargo.lock`, so the crate builds with the dependencies the workspace was tested with.
    pub fn write(&self) -> Result<(), String> {
        apigen::write::write(&self.files, &self.dir).map_err(|e| e.to_string())?;
        if let Ok(lock) = std::fs::read(workspace_root().join("Cargo.lock")) {
            if std::fs::read(self.dir.join("Cargo.lock")).ok().as_ref() != Some(&lock) {
                let _ = std::fs::write(self.dir.join("Cargo.lock"), lock);
            }
        }
        Ok(())
    }
}

/// A test program's tokens as Rust text: formatted by `prettyplease`, with a blank line between
/// items (which it leaves out), so that whoever opens the program can read it.
pub fn format_program(tokens: proc_macro2::TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("the test program does not parse: {e}"))?;
    let text = prettyplease::unparse(&file);
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        // An item ends at the left margin with `}` or `;`; a run of `use` lines stays together.
        let item_ended = previous.is_some_and(|p| !p.starts_with(' ') && (p.ends_with('}') || p.ends_with(';')));
        let starts_item = !line.starts_with([' ', '}', ')', ']']) && !line.is_empty();
        let both_uses = previous.is_some_and(|p| p.starts_with("use ")) && line.starts_with("use ");
        if item_ended && starts_item && !both_uses {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    Ok(out)
}
