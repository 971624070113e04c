//! Stage 1: read a YAML or JSON file into an OpenAPI document.
//!
//! The document is kept twice: typed (`openapiv3`) for the stages that walk it, and raw
//! (`serde_json::Value`) so that `resolve` can follow a `$ref` to *any* JSON pointer, not only
//! to `#/components/...` (real documents point inside `paths` too).

use std::path::{Path, PathBuf};

use crate::diagnostics::{Error, Pointer};

/// A parsed document and where it came from.
#[derive(Debug)]
pub struct Document {
    pub file: PathBuf,
    pub raw: serde_json::Value,
    pub api: openapiv3::OpenAPI,
}

/// Reads and parses `path`. JSON files go through `serde_json` (faster, same result); anything
/// else through `serde_yaml`, since YAML is a superset of JSON.
pub fn load(path: &Path) -> Result<Document, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses document text; `file` only names it in errors.
pub fn parse(file: &Path, text: &str) -> Result<Document, Error> {
    let is_json = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let raw: serde_json::Value = if is_json {
        serde_json::from_str(text).map_err(|e| Error::Syntax {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            Error::Syntax {
                file: file.to_owned(),
                line,
                column,
                message: e.to_string(),
            }
        })?
    };
    from_value(file, raw)
}

/// Checks the version and builds the typed document from an already parsed tree.
pub fn from_value(file: &Path, raw: serde_json::Value) -> Result<Document, Error> {
    let invalid = |pointer: Pointer, message: String| Error::Invalid {
        file: file.to_owned(),
        pointer,
        message,
    };
    if !raw.is_object() {
        return Err(invalid(Pointer::root(), "an OpenAPI document must be a mapping".into()));
    }
    match raw.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) => {
            return Err(invalid(
                Pointer::root().join("openapi"),
                format!("OpenAPI {v} is not supported; this generator reads OpenAPI 3.0.x documents"),
            ))
        }
        None if raw.get("swagger").is_some() => {
            return Err(invalid(
                Pointer::root().join("swagger"),
                "Swagger 2.0 is not supported; convert the document to OpenAPI 3.0 first".into(),
            ))
        }
        None => {
            return Err(invalid(
                Pointer::root().join("openapi"),
                "missing `openapi` version field (expected 3.0.x)".into(),
            ))
        }
    }
    let api = serde_path_to_error::deserialize(&raw).map_err(|e| {
        let (pointer, message) = locate_in_paths(&raw).unwrap_or_else(|| (pointer_of(e.path()), e.into_inner().to_string()));
        invalid(pointer, message)
    })?;
    Ok(Document {
        file: file.to_owned(),
        raw,
        api,
    })
}

/// `openapiv3` flattens `paths` into a map, which hides the rest of the path from
/// `serde_path_to_error`; when a path item is what fails, parse them one by one to say which.
fn locate_in_paths(raw: &serde_json::Value) -> Option<(Pointer, String)> {
    let paths = raw.get("paths")?.as_object()?;
    let base = Pointer::root().join("paths");
    paths.iter().find_map(|(path, item)| {
        if path.starts_with("x-") {
            return None;
        }
        let error = serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item).err()?;
        let inner = pointer_of(error.path());
        let pointer = inner.segments().fold(base.join(path), |p, s| p.join(s));
        Some((pointer, error.into_inner().to_string()))
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(Pointer::root(), |pointer, segment| match segment {
        Segment::Seq { index } => pointer.join(index),
        Segment::Map { key } => pointer.join(key),
        Segment::Enum { variant } => pointer.join(variant),
        Segment::Unknown => pointer,
    })
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
        assert_eq!(parse_str("a.yaml", yaml).unwrap().api.info.title, "t");
        let json = r#"{"openapi":"3.0.0","info":{"title":"j","version":"1"},"paths":{}}"#;
        assert_eq!(parse_str("a.json", json).unwrap().api.info.title, "j");
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
    fn refuses_other_versions_with_pointer() {
        let err = parse_str("v.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n").unwrap_err();
        assert!(err.to_string().contains("#/openapi: OpenAPI 3.1.0 is not supported"), "{err}");
        let err = parse_str("v.yaml", "swagger: '2.0'\n").unwrap_err();
        assert!(err.to_string().contains("Swagger 2.0"), "{err}");
        let err = parse_str("v.yaml", "- 1\n").unwrap_err();
        assert!(err.to_string().contains("must be a mapping"), "{err}");
    }
}
