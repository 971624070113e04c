//! JSON pointers (RFC 6901): [`Pointer`], the one place where pointers are built, parsed,
//! escaped and unescaped, and [`percent_decode`], the one percent-decoder of the crate (a
//! pointer in a `$ref` is a URI fragment, so it is percent-encoded there).
//!
//! Everything else goes through these: a segment is escaped by [`Pointer::join`] and unescaped
//! by [`Pointer::segments`], a `$ref`'s text is parsed by [`Pointer::from_ref`] and written by
//! [`Pointer::to_ref`], so that no two places can disagree on what `~1` or `%25` means.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// A JSON pointer (RFC 6901) into the document, built as the generator walks it.
///
/// A pointer is into the document the pipeline reads unless it names a file of its own: a
/// warning about a part of a split document that came from another file, or about an overlay,
/// says that file (see [`Pointer::in_file`]), so that it reads `schemas/pet.yaml#/properties/tag`.
///
/// The text is kept escaped (`/paths/~1pets`), as RFC 6901 writes it: that is what
/// [`serde_json::Value::pointer`] takes and what messages show.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String, Option<Box<Path>>);

impl Pointer {
    pub fn root() -> Self {
        Pointer(String::new(), None)
    }

    /// The pointer made of these (unescaped) segments: `["paths", "/pets"]` → `/paths/~1pets`.
    pub fn from_segments<S: fmt::Display>(segments: impl IntoIterator<Item = S>) -> Self {
        segments.into_iter().fold(Pointer::root(), |pointer, segment| pointer.join(segment))
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
        Pointer::from_fragment(reference.strip_prefix('#')?)
    }

    /// Parses a URI fragment as written after its `#` (`/paths/~1job~1%7BjobId%7D`, or nothing
    /// for the root): `None` when it is not a pointer (an anchor such as `pet`) or has a bad
    /// `%` escape.
    pub fn from_fragment(fragment: &str) -> Option<Self> {
        let pointer = percent_decode(fragment)?;
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            return None;
        }
        Some(Pointer(pointer, None))
    }

    /// This pointer as the text of a local `$ref`: `#` and the pointer as a URI fragment, which
    /// [`Pointer::from_ref`] reads back to this pointer. Only `%` needs escaping for that (as
    /// `%25`); everything else is written as it is, so that the text stays readable.
    pub fn to_ref(&self) -> String {
        format!("#{}", self.0.replace('%', "%25"))
    }

    /// This pointer as the text of a local `$ref` that a strict URI parser accepts (the
    /// `jsonschema` crate's): `#` and the pointer with everything a URI fragment may not hold
    /// percent-encoded (`{`, space, `%`, non-ASCII…), so `/paths/~1a~1{id}` is written
    /// `#/paths/~1a~1%7Bid%7D`. [`Pointer::from_ref`] reads it back to this pointer.
    pub fn to_uri_ref(&self) -> String {
        format!("#{}", utf8_percent_encode(&self.0, FRAGMENT))
    }

    /// This pointer with one more segment, escaped as RFC 6901 wants (`/` → `~1`, `~` → `~0`).
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        let segment = segment.to_string();
        Pointer(format!("{}/{}", self.0, Pointer::escape_segment(&segment)), self.1.clone())
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

    /// This pointer without its last segment; `None` for the root.
    pub fn parent(&self) -> Option<Pointer> {
        let (parent, _) = self.0.rsplit_once('/')?;
        Some(Pointer(parent.to_owned(), self.1.clone()))
    }

    /// Every pointer from the first segment down to this one, outermost first
    /// (`/a/b` → `/a`, `/a/b`); nothing for the root.
    pub fn prefixes(&self) -> impl Iterator<Item = Pointer> + '_ {
        let ends = self.0.match_indices('/').map(|(i, _)| i).skip(1).chain([self.0.len()]);
        ends.filter(|_| !self.is_root()).map(|end| Pointer(self.0[..end].to_owned(), self.1.clone()))
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether this pointer is `other` or inside it.
    pub fn starts_with(&self, other: &Pointer) -> bool {
        self.0.strip_prefix(&other.0).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// The pointer as RFC 6901 writes it, escaped, without `#` (`/paths/~1pets`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped segments.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(|s| Pointer::unescape_segment(s).into_owned())
    }

    /// The last unescaped segment, if any.
    pub fn last(&self) -> Option<String> {
        self.segments().last()
    }

    /// The name of the component this pointer is, when it is `#/components/{section}/{name}`.
    pub fn component(&self, section: &str) -> Option<String> {
        match self.segments().collect::<Vec<_>>().as_slice() {
            [components, found, name] if components == "components" && found == section => Some(name.clone()),
            _ => None,
        }
    }

    /// One segment escaped as RFC 6901 wants: `~` → `~0`, `/` → `~1` (in that order, so that a
    /// `~1` in the name becomes `~01` and reads back as itself).
    pub fn escape_segment(segment: &str) -> Cow<'_, str> {
        if segment.contains(['~', '/']) {
            Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
        } else {
            Cow::Borrowed(segment)
        }
    }

    /// One escaped segment read back: `~1` → `/`, `~0` → `~` (in that order: `~01` is `~1`).
    pub fn unescape_segment(segment: &str) -> Cow<'_, str> {
        if segment.contains('~') {
            Cow::Owned(segment.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(segment)
        }
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.1 {
            Some(file) => write!(f, "{}#{}", file.display(), self.0),
            None => write!(f, "#{}", self.0),
        }
    }
}

/// The bytes a URI fragment (RFC 3986, section 3.5) holds percent-encoded: all but `pchar`
/// (unreserved, sub-delims, `:` and `@`), `/` and `?`.
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'?');

/// Percent-decoded URI text (RFC 3986, section 2.1): `my%20pet.yaml` → `my pet.yaml`. `None` when
/// a `%` is not followed by two hex digits (`%zz`, `%2` at the end) or the bytes are not UTF-8:
/// such a reference is malformed, and guessing what it meant would name the wrong thing.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    // `percent_decode_str` keeps a malformed escape as it is written; a URI may not hold one.
    let bytes = text.as_bytes();
    let well_formed = text
        .match_indices('%')
        .all(|(i, _)| bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)));
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(text).decode_utf8().ok().map(Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_and_decode() {
        let p = Pointer::root().join("paths").join("/job/{jobId}").join("a~b");
        assert_eq!(p.to_string(), "#/paths/~1job~1{jobId}/a~0b");
        assert_eq!(p.segments().collect::<Vec<_>>(), ["paths", "/job/{jobId}", "a~b"]);
        assert_eq!(Pointer::from_segments(["paths", "/job/{jobId}", "a~b"]), p);
        assert_eq!(Pointer::from_ref("#/paths/~1job~1%7BjobId%7D").unwrap().as_str(), "/paths/~1job~1{jobId}");
        assert_eq!(Pointer::from_ref("other.yaml#/a"), None);
        assert_eq!(Pointer::from_ref("#/a%zz"), None);
    }

    #[test]
    fn segments_escape_in_the_order_rfc_6901_says() {
        assert_eq!(Pointer::escape_segment("a~1b/c"), "a~01b~1c");
        assert_eq!(Pointer::unescape_segment("a~01b~1c"), "a~1b/c");
        assert!(matches!(Pointer::escape_segment("plain"), Cow::Borrowed("plain")));
        let p = Pointer::root().join("a~1b");
        assert_eq!(p.last().as_deref(), Some("a~1b"));
    }

    #[test]
    fn fragments_parse_and_refs_read_back() {
        assert_eq!(Pointer::from_fragment(""), Some(Pointer::root()));
        assert_eq!(Pointer::from_fragment("pet"), None, "an anchor is not a pointer");
        assert_eq!(Pointer::from_fragment("/a%20b").unwrap().last().as_deref(), Some("a b"));
        let p = Pointer::from_segments(["components", "schemas", "100%"]);
        assert_eq!(p.to_ref(), "#/components/schemas/100%25");
        assert_eq!(Pointer::from_ref(&p.to_ref()), Some(p));
    }

    #[test]
    fn uri_refs_encode_what_a_fragment_may_not_hold_and_read_back() {
        let p = Pointer::from_segments(["paths", "/a/{id} x", "100%", "café", "a~b", "k=v;q?"]);
        let uri = p.to_uri_ref();
        assert_eq!(uri, "#/paths/~1a~1%7Bid%7D%20x/100%25/caf%C3%A9/a~0b/k=v;q?");
        assert_eq!(Pointer::from_ref(&uri), Some(p));
        assert_eq!(Pointer::root().to_uri_ref(), "#");
    }

    #[test]
    fn parents_prefixes_and_components() {
        let p = Pointer::from_segments(["components", "schemas", "a/b"]);
        assert_eq!(p.parent(), Some(Pointer::from_segments(["components", "schemas"])));
        assert_eq!(Pointer::root().parent(), None);
        let prefixes: Vec<String> = p.prefixes().map(|p| p.as_str().to_owned()).collect();
        assert_eq!(prefixes, ["/components", "/components/schemas", "/components/schemas/a~1b"]);
        assert_eq!(Pointer::root().prefixes().count(), 0);
        assert_eq!(p.component("schemas").as_deref(), Some("a/b"));
        assert_eq!(p.component("responses"), None);
        assert_eq!(p.join("properties").component("schemas"), None);
    }

    #[test]
    fn percent_escapes_are_decoded_or_refused() {
        assert_eq!(percent_decode("my%20pet.yaml").as_deref(), Some("my pet.yaml"));
        assert_eq!(percent_decode("plain.yaml").as_deref(), Some("plain.yaml"));
        assert_eq!(percent_decode("%7Bid%7d").as_deref(), Some("{id}"));
        assert_eq!(percent_decode("%2541").as_deref(), Some("%41"), "decoded once");
        assert_eq!(percent_decode("bad%zz"), None);
        assert_eq!(percent_decode("cut%2"), None);
        assert_eq!(percent_decode("cut%"), None);
        assert_eq!(percent_decode("%+f"), None);
        assert_eq!(percent_decode("%é1"), None);
        assert_eq!(percent_decode("%ff%fe"), None);
        assert_eq!(percent_decode("caf%C3%A9").as_deref(), Some("café"));
    }
}
