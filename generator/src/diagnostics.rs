//! Errors and warnings. Every one of them says where: the file and, inside it, a JSON pointer.

use std::fmt;
use std::path::{Path, PathBuf};

/// A JSON pointer (RFC 6901) into the document, built as the generator walks it.
///
/// A pointer is into the document the pipeline reads unless it names a file of its own: a
/// warning about a part of a split document that came from another file, or about an overlay,
/// says that file (see [`Pointer::in_file`]), so that it reads `schemas/pet.yaml#/properties/tag`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String, Option<Box<Path>>);

impl Pointer {
    pub fn root() -> Self {
        Pointer(String::new(), None)
    }

    /// The same pointer, into `file` rather than into the document being read.
    pub fn in_file(mut self, file: &Path) -> Self {
        self.1 = Some(file.into());
        self
    }

    /// The file this pointer is into, when it is not the document being read.
    pub fn file(&self) -> Option<&Path> {
        self.1.as_deref()
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/Secret`). A fragment is a
    /// URI fragment, so `%7B` in `#/paths/~1job~1%7BjobId%7D` stands for `{`.
    pub fn from_ref(reference: &str) -> Option<Self> {
        let fragment = percent_decode(reference.strip_prefix('#')?)?;
        if !(fragment.is_empty() || fragment.starts_with('/')) {
            return None;
        }
        Some(Pointer(fragment, None))
    }

    /// This pointer with one more segment, escaped as RFC 6901 wants (`/` → `~1`, `~` → `~0`).
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        let segment = segment.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, segment), self.1.clone())
    }

    /// `other` appended to this pointer (`other` is relative to this one).
    pub fn concat(&self, other: &Pointer) -> Self {
        Pointer(format!("{}{}", self.0, other.0), self.1.clone())
    }

    /// What is left of this pointer after `base`, when it is `base` or inside it.
    pub fn relative_to(&self, base: &Pointer) -> Option<Pointer> {
        if !self.starts_with(base) {
            return None;
        }
        Some(Pointer(self.0[base.0.len()..].to_owned(), self.1.clone()))
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether this pointer is `other` or inside it.
    pub fn starts_with(&self, other: &Pointer) -> bool {
        self.0.strip_prefix(&other.0).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped segments.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~"))
    }

    /// The last unescaped segment, if any.
    pub fn last(&self) -> Option<String> {
        self.segments().last()
    }
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.1 {
            Some(file) => write!(f, "{}#{}", file.display(), self.0),
            None => write!(f, "#{}", self.0),
        }
    }
}

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

/// Something the generator could not express exactly and replaced with a safe fallback.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub pointer: Pointer,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_and_decode() {
        let p = Pointer::root().join("paths").join("/job/{jobId}").join("a~b");
        assert_eq!(p.to_string(), "#/paths/~1job~1{jobId}/a~0b");
        assert_eq!(p.segments().collect::<Vec<_>>(), ["paths", "/job/{jobId}", "a~b"]);
        assert_eq!(Pointer::from_ref("#/paths/~1job~1%7BjobId%7D").unwrap().as_str(), "/paths/~1job~1{jobId}");
        assert_eq!(Pointer::from_ref("other.yaml#/a"), None);
        assert_eq!(Pointer::from_ref("#/a%zz"), None);
    }
}
