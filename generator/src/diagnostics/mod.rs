//! Errors and warnings. Every one of them says where: the file and, inside it, a JSON pointer.

use std::fmt;
use std::path::PathBuf;

use crate::pointer::Pointer;

/// Why generation stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid YAML/JSON.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax { file: PathBuf, line: usize, column: usize, message: String },
    /// The document parses but is not a valid or supported OpenAPI document.
    #[error("{file}{pointer}: {message}")]
    Invalid { file: PathBuf, pointer: Pointer, message: String },
    /// The configuration (`apigen.toml` or the command line) is incomplete or contradictory.
    #[error("{file}: {message}")]
    Config { file: PathBuf, message: String },
    /// A choice of the user's (a selection, a rename, a derive) that does not fit the document
    /// or is not valid Rust; the message names the entry.
    #[error("{file}: {message}")]
    Options { file: PathBuf, message: String },
    /// Formatting the generated code failed: a generator bug, never the user's.
    #[error("internal error while formatting {file}: {message}")]
    Internal { file: String, message: String },
}

/// Something the generator could not express exactly, ignored or replaced with a safe fallback.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub pointer: Pointer,
    pub message: String,
    /// Whether a type was replaced by a safe one (`serde_json::Value`, or the most general of
    /// several bodies) because of it, rather than a keyword ignored or a choice made.
    pub fell_back: bool,
}

impl Warning {
    pub fn new(pointer: Pointer, message: impl Into<String>) -> Self {
        Warning { pointer, message: message.into(), fell_back: false }
    }

    /// A warning whose type fell back to a safe one.
    pub fn fallback(pointer: Pointer, message: impl Into<String>) -> Self {
        Warning { pointer, message: message.into(), fell_back: true }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

mod summary;

pub use summary::{fallbacks, group, Fallbacks, WarningGroup};
