//! A change to the generated crate's public API and how Rust's semver rules classify it, as
//! they apply to what apigen generates: every struct has only `pub` fields and no
//! `#[non_exhaustive]`, every enum (string enums keep `Unknown(String)`, unions, outcome enums)
//! is exhaustive for `match`, integer enums are integers with associated constants.

use super::surface::ItemKind;
use crate::pointer::Pointer;

/// How a change affects code that uses the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Some code that compiled against the old crate no longer compiles.
    Breaking,
    /// Code that compiled still compiles (new items only).
    Compatible,
    /// The Rust API is the same; what goes over the wire is not (a wire name, a path, a default,
    /// a constraint, a status code, a security requirement).
    WireOnly,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Compatible => "compatible",
            Severity::WireOnly => "wire-only",
        }
    }
}

/// One change, with the document pointer that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub severity: Severity,
    /// The Rust item as generated: `PetsApi::list_pets`, `types::Pet::name`, feature `pets`.
    pub item: String,
    /// What happened: `added`, `removed`, `renamed`, `type changed`, `made optional`, `path`…
    pub what: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The JSON pointer in the document: the new one, or the old one for what was removed
    /// (`in_old`).
    pub pointer: Pointer,
    pub in_old: bool,
    /// Why it is classified so, in a few words.
    pub why: &'static str,
}

/// Adding an item of this kind: breaking for fields and enum variants, compatible otherwise.
pub fn added(kind: ItemKind) -> (Severity, &'static str) {
    match kind {
        ItemKind::Field => (
            Severity::Breaking,
            "structs have only pub fields and no #[non_exhaustive]: a struct literal or an exhaustive pattern without `..` stops compiling, even when new(..) or Default exist",
        ),
        ItemKind::Variant => (Severity::Breaking, "the enum is exhaustive: a `match` without a wildcard arm stops compiling"),
        ItemKind::Constant => (Severity::Compatible, "integer enums are integers with associated constants: a new constant breaks nothing"),
        _ => (Severity::Compatible, "a new item breaks no existing code (barring glob-import name clashes)"),
    }
}

/// Removing an item is always breaking: code that names it stops compiling.
pub fn removed() -> (Severity, &'static str) {
    (Severity::Breaking, "code that names the item stops compiling")
}

/// A change to an item's Rust text (a type, the arguments, the result).
pub fn changed() -> (Severity, &'static str) {
    (Severity::Breaking, "the item's Rust signature or type changed")
}

/// A change of something only the wire sees.
pub fn wire() -> (Severity, &'static str) {
    (Severity::WireOnly, "the Rust API is unchanged; requests or answers differ on the wire")
}
