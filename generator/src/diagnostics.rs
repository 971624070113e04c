//! Errors and warnings. Every one of them says where: the file and, inside it, a JSON pointer.

use std::fmt;
use std::path::PathBuf;

/// A JSON pointer (RFC 6901) into the document, built as the generator walks it.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/Secret`). A fragment is a
    /// URI fragment, so `%7B` in `#/paths/~1job~1%7BjobId%7D` stands for `{`.
    pub fn from_ref(reference: &str) -> Option<Self> {
        let fragment = percent_decode(reference.strip_prefix('#')?)?;
        if !(fragment.is_empty() || fragment.starts_with('/')) {
            return None;
        }
        Some(Pointer(fragment))
    }

    /// This pointer with one more segment, escaped as RFC 6901 wants (`/` → `~1`, `~` → `~0`).
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        let segment = segment.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, segment))
    }

    /// `other` appended to this pointer (`other` is relative to this one).
    pub fn concat(&self, other: &Pointer) -> Self {
        Pointer(format!("{}{}", self.0, other.0))
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
        self.0
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
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
        write!(f, "#{}", self.0)
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
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The document parses but is not a valid or supported OpenAPI document.
    #[error("{file}{pointer}: {message}")]
    Invalid {
        file: PathBuf,
        pointer: Pointer,
        message: String,
    },
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
