//! Stage 1: read a YAML or JSON file into the one dialect the rest of the pipeline reads.
//!
//! OpenAPI 3.0, 3.1 and 3.2 are all read here, and only here: [`document`] defines the dialect
//! (one form for each thing the versions say differently), [`reader`] reads every version's
//! wording into it, with a warning (and its JSON pointer) for anything the dialect cannot carry.
//! The stages after this one never ask which version they are reading.

pub mod document;
mod reader;
mod uri;
mod yaml;

use std::path::Path;

pub use document::*;

use crate::diagnostics::{Error, Pointer};

/// The OpenAPI versions this loader reads.
const SUPPORTED: &str = "3.0.x, 3.1.x and 3.2.x";

/// Reads and parses `path`.
pub fn load(path: &Path) -> Result<Document, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Parses document text; `file` only names it in errors. JSON files go through `serde_json`
/// (faster, same result); anything else is YAML, a superset of JSON.
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
        yaml::parse(text).map_err(|(line, column, message)| Error::Syntax {
            file: file.to_owned(),
            line,
            column,
            message,
        })?
    };
    from_value(file, raw)
}

/// Checks the version and reads an already parsed tree.
pub fn from_value(file: &Path, raw: serde_json::Value) -> Result<Document, Error> {
    let invalid = |pointer: Pointer, message: String| Error::Invalid {
        file: file.to_owned(),
        pointer,
        message,
    };
    if !raw.is_object() {
        return Err(invalid(Pointer::root(), "an OpenAPI document must be a mapping".into()));
    }
    match raw.get("openapi") {
        Some(serde_json::Value::String(version)) if is_supported(version) => {}
        Some(serde_json::Value::String(version)) => {
            return Err(invalid(
                Pointer::root().join("openapi"),
                format!("OpenAPI {version} is not supported; this generator reads OpenAPI {SUPPORTED}"),
            ))
        }
        Some(other) => {
            return Err(invalid(
                Pointer::root().join("openapi"),
                format!("the version must be a string such as \"3.1.0\", not `{other}` (quote it in YAML)"),
            ))
        }
        None if raw.get("swagger").is_some() => {
            return Err(invalid(
                Pointer::root().join("swagger"),
                "Swagger 2.0 is not supported; convert the document to OpenAPI 3 first".into(),
            ))
        }
        None => {
            return Err(invalid(
                Pointer::root().join("openapi"),
                format!("missing `openapi` version field (expected {SUPPORTED})"),
            ))
        }
    }
    reader::read(file, &raw)
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
        let err = parse_str("v.yaml", "swagger: '2.0'\n").unwrap_err();
        assert!(err.to_string().contains("Swagger 2.0"), "{err}");
        let err = parse_str("v.yaml", "- 1\n").unwrap_err();
        assert!(err.to_string().contains("must be a mapping"), "{err}");
    }
}
