//! A file → a JSON tree: read, and parsed as JSON or YAML. The root document, the files it
//! references (`bundle`) and overlays (`overlay`) are all read through here, so that a syntax
//! error says the file, line and column the same way whichever file it is in.

use std::path::Path;

use super::yaml;
use crate::diagnostics::Error;

/// Reads and parses one file into a tree, named in errors as `path` is written.
pub(super) fn read_value(path: &Path) -> Result<serde_json::Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    parse_value(path, &text)
}

/// Parses text into a tree; `file` only names it in errors. JSON files go through
/// `serde_json` (faster, same result); anything else is YAML, a superset of JSON.
pub(super) fn parse_value(file: &Path, text: &str) -> Result<serde_json::Value, Error> {
    let is_json = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        serde_json::from_str(text).map_err(|e| Error::Syntax {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    } else {
        yaml::parse(text).map_err(|(line, column, message)| Error::Syntax {
            file: file.to_owned(),
            line,
            column,
            message,
        })
    }
}
