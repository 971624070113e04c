//! Stage 1: read a YAML or JSON file into the one dialect the rest of the pipeline reads.
//!
//! OpenAPI 3.0, 3.1 and 3.2 are all read here, and only here: [`document`] defines the dialect
//! (one form for each thing the versions say differently), [`reader`] reads every version's
//! wording into it, with a warning (and its JSON pointer) for anything the dialect cannot carry.
//! The stages after this one never ask which version they are reading. Swagger 2.0 is
//! rewritten as OpenAPI 3.0 first (`swagger2`), before the root is bundled, and what the
//! rewrite moved is kept in [`Sources`] so that messages name the 2.0 places.
//!
//! Files are known here only, too. [`load_with_overlays`] reads the root file, applies the
//! overlays to its tree (`overlay.rs`), then bundles whatever it references in other files into
//! that one tree (`bundle.rs`), so that `resolve` and `model` see a single document; the
//! [`Sources`] it keeps lets every error and warning name the file a part came from.
//!
//! One concern a file, each named by what it holds:
//!
//! - reading files: `tree` (a file → a JSON tree), `yaml` (YAML text → a JSON tree),
//!   `overlay` (overlays applied to the root's tree);
//! - one document out of several files: `bundle` (references to other files followed, their
//!   targets copied in), `walk` (where a tree's `$ref`s are), `sources` (where each copy came
//!   from), `uri` (`$id`s and `$ref`s resolved against each other), `values` (a `$ref` where a
//!   plain value belongs replaced by that value);
//! - Swagger 2.0: `swagger2` (the 2.0 tree rewritten as a 3.0 one, and what the bundler copies
//!   from other files after it);
//! - the dialect: `document`, and the reader, an `impl Reader` block a concern: `reader` (its
//!   state, and the way in), `fields` (typed access to fields), `objects` (the document's own
//!   objects), `operations` (path items, operations and what they hold), `schema` (the schema
//!   reader), `references` (`$ref`s turned into pointers).
//!
//! Imports go one way: `reader` imports none of the files that extend it, `tree` and `walk`
//! none of `bundle`'s, and no file imports this one.

mod bundle;
pub mod document;
mod fields;
mod objects;
mod operations;
mod overlay;
mod reader;
mod references;
mod schema;
mod sources;
mod swagger2;
mod tree;
mod uri;
mod values;
mod walk;
mod yaml;

use std::path::{Path, PathBuf};

pub use document::*;
pub use sources::Sources;

use crate::diagnostics::{Error, Warning};
use crate::pointer::Pointer;
use tree::{parse_value, read_value};

/// The OpenAPI versions this loader reads.
const SUPPORTED: &str = "3.0.x, 3.1.x and 3.2.x";

/// Reads the document at `path` and every file it references.
pub fn load(path: &Path) -> Result<Document, Error> {
    load_with_overlays(path, &[])
}

/// Reads the document at `path`, applies each overlay (OpenAPI Overlay 1.0 or 1.1), in order,
/// to its tree, then reads every file the result references, as one document.
///
/// Overlays change the root file's tree only, before external references are followed: their
/// JSONPath targets select nodes of the root file as written (a `$ref` to another file is a
/// `$ref` there, not what it points at).
pub fn load_with_overlays(path: &Path, overlays: &[PathBuf]) -> Result<Document, Error> {
    let mut raw = read_value(path)?;
    let mut warnings = Vec::new();
    for overlay in overlays {
        overlay::apply(overlay, &mut raw, &mut warnings)?;
    }
    let mut swagger2 = match check(path, &raw)? {
        Version::Swagger2 => {
            let (converted, swagger2) = swagger2::convert(path, &raw)?;
            raw = converted;
            Some(swagger2)
        }
        Version::OpenApi3 => None,
    };
    let (mut raw, mut sources) = bundle::bundle(path, raw)?;
    if let Some(swagger2) = &mut swagger2 {
        swagger2.after_bundle(&mut raw, &sources)?;
        swagger2.record(&mut sources);
        warnings.append(&mut swagger2.warnings);
    }
    read(path, raw, sources, warnings)
}

/// Reads the (bundled, rewritten) tree, once every `$ref` that stands for a plain value is
/// replaced by it; errors and warnings name the places as written.
fn read(
    path: &Path,
    mut raw: serde_json::Value,
    sources: Sources,
    mut warnings: Vec<Warning>,
) -> Result<Document, Error> {
    let mut plain = Vec::new();
    values::put_in_place(&mut raw, &mut plain);
    let mut document = reader::read(path, &raw).map_err(|e| sources.relocate_error(e))?;
    plain.append(&mut document.warnings);
    document.warnings = plain.into_iter().map(|w| sources.relocate_warning(w)).collect();
    warnings.append(&mut document.warnings);
    document.warnings = warnings;
    document.sources = sources;
    Ok(document)
}

/// Applies the overlay `overlay` (already parsed; `name` names it in errors and warnings) to
/// the tree of an OpenAPI document, as [`load_with_overlays`] does with files: the warnings are
/// the actions whose target matched nothing and what the overlay says that is ignored.
pub fn apply_overlay(
    name: &Path,
    overlay: &serde_json::Value,
    document: &mut serde_json::Value,
) -> Result<Vec<Warning>, Error> {
    let mut warnings = Vec::new();
    overlay::apply_value(name, overlay, document, &mut warnings)?;
    Ok(warnings)
}

/// Parses document text; `file` only names it in errors. Only this text is read: a `$ref` to
/// another file is an error here (use [`load`] to read a document split over files).
pub fn parse(file: &Path, text: &str) -> Result<Document, Error> {
    from_value(file, parse_value(file, text)?)
}

/// Checks the version and reads an already parsed tree (one file: see [`parse`]).
pub fn from_value(file: &Path, raw: serde_json::Value) -> Result<Document, Error> {
    match check(file, &raw)? {
        Version::OpenApi3 => read(file, raw, Sources::default(), Vec::new()),
        Version::Swagger2 => {
            let (converted, mut swagger2) = swagger2::convert(file, &raw)?;
            let mut sources = Sources::default();
            swagger2.record(&mut sources);
            let warnings = std::mem::take(&mut swagger2.warnings);
            read(file, converted, sources, warnings)
        }
    }
}

/// What a document given as an `openapiv3::OpenAPI` value is called in errors and warnings:
/// `openapiv3::OpenAPI#/paths/~1pets/get: …`, as a file's name would be.
pub const OPENAPIV3_SOURCE: &str = "openapiv3::OpenAPI";

/// Reads an `openapiv3::OpenAPI` value (what Dropshot and other Rust servers build in memory,
/// and what progenitor takes) as [`load_with_overlays`] reads the same document from a file:
/// the value is serialised to a JSON tree, the overlays are applied to that tree in order, and
/// the one reader every file goes through reads it. Going through the tree, rather than
/// converting `openapiv3`'s types one by one, is what makes the crate the same as from the file,
/// warnings and pointers included.
///
/// The value is one document: a `$ref` to another file is an error (there is no directory to
/// look in). `openapiv3` models OpenAPI 3.0 only, and keeps only what it models: a field it
/// does not know (outside the `x-` extensions it keeps) is gone before this reads the value.
pub fn from_openapiv3(spec: &openapiv3::OpenAPI, overlays: &[PathBuf]) -> Result<Document, Error> {
    let name = Path::new(OPENAPIV3_SOURCE);
    let mut raw = serde_json::to_value(spec).map_err(|e| Error::Invalid {
        file: name.to_owned(),
        pointer: Pointer::root(),
        message: format!("the value does not serialise to JSON: {e}"),
    })?;
    // As in `load_with_overlays`: overlay warnings first, then the reader's.
    let mut warnings = Vec::new();
    for overlay in overlays {
        overlay::apply(overlay, &mut raw, &mut warnings)?;
    }
    let mut document = from_value(name, raw)?;
    warnings.append(&mut document.warnings);
    document.warnings = warnings;
    Ok(document)
}

/// The family of versions a document is written in: Swagger 2.0 is rewritten as 3.0 first.
enum Version {
    Swagger2,
    OpenApi3,
}

/// Whether the tree is an OpenAPI document of a version this loader reads, and which.
fn check(file: &Path, raw: &serde_json::Value) -> Result<Version, Error> {
    let invalid = |pointer: Pointer, message: String| Error::Invalid { file: file.to_owned(), pointer, message };
    if !raw.is_object() {
        return Err(invalid(Pointer::root(), "an OpenAPI document must be a mapping".into()));
    }
    match raw.get("openapi") {
        Some(serde_json::Value::String(version)) if is_supported(version) => Ok(Version::OpenApi3),
        Some(serde_json::Value::String(version)) => Err(invalid(
            Pointer::root().join("openapi"),
            format!("OpenAPI {version} is not supported; this generator reads OpenAPI {SUPPORTED}"),
        )),
        Some(other) => Err(invalid(
            Pointer::root().join("openapi"),
            format!("the version must be a string such as \"3.1.0\", not `{other}` (quote it in YAML)"),
        )),
        None => match raw.get("swagger") {
            Some(serde_json::Value::String(version)) if version == "2.0" => Ok(Version::Swagger2),
            Some(other) => Err(invalid(
                Pointer::root().join("swagger"),
                format!(
                    "Swagger `{other}` is not supported; this generator reads Swagger \"2.0\" and OpenAPI {SUPPORTED}"
                ),
            )),
            None => Err(invalid(
                Pointer::root().join("openapi"),
                format!("missing `openapi` version field (expected {SUPPORTED}, or `swagger: \"2.0\"`)"),
            )),
        },
    }
}

fn is_supported(version: &str) -> bool {
    let mut parts = version.split('.');
    let (major, minor) = (parts.next(), parts.next());
    major == Some("3") && matches!(minor, Some("0" | "1" | "2"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(name: &str, text: &str) -> Result<Document, Error> {
        parse(Path::new(name), text)
    }

    #[test]
    fn reads_yaml_and_json() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        assert_eq!(parse_str("a.yaml", yaml).unwrap().info.title, "t");
        let json = r#"{"openapi":"3.0.0","info":{"title":"j","version":"1"},"paths":{}}"#;
        assert_eq!(parse_str("a.json", json).unwrap().info.title, "j");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = parse_str("bad.yaml", "openapi: 3.0.0\ninfo: [unclosed\n").unwrap_err();
        let Error::Syntax { line, file, .. } = &err else { panic!("{err}") };
        assert!(*line >= 2, "{err}");
        assert_eq!(file, Path::new("bad.yaml"));
        assert!(err.to_string().starts_with("bad.yaml:"), "{err}");
    }

    #[test]
    fn structural_error_has_pointer() {
        let yaml = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let err = parse_str("s.yaml", yaml).unwrap_err();
        assert!(err.to_string().contains("#/paths/~1a/get/responses"), "{err}");
    }

    #[test]
    fn reads_every_3_x_and_refuses_the_rest_with_pointer() {
        for version in ["3.0.3", "3.1.0", "3.1.1", "3.2.0"] {
            let text = format!("openapi: {version}\ninfo: {{title: t, version: '1'}}\n");
            assert!(parse_str("v.yaml", &text).is_ok(), "{version}");
        }
        let err = parse_str("v.yaml", "openapi: 4.0.0\ninfo: {title: t, version: '1'}\n").unwrap_err();
        assert!(err.to_string().contains("#/openapi: OpenAPI 4.0.0 is not supported"), "{err}");
        let err = parse_str("v.yaml", "openapi: 3.1\ninfo: {title: t, version: '1'}\n").unwrap_err();
        assert!(err.to_string().contains("quote it"), "{err}");
        let err = parse_str("v.yaml", "swagger: 2.0\n").unwrap_err();
        assert!(err.to_string().contains("#/swagger: Swagger `2.0` is not supported"), "{err}");
        assert!(parse_str("v.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").is_ok());
        let err = parse_str("v.yaml", "- 1\n").unwrap_err();
        assert!(err.to_string().contains("must be a mapping"), "{err}");
    }
}
