//! Where the parts of a bundled document came from. `bundle` copies each place another file
//! holds into the root's tree; [`Sources`] remembers each copy, so that an error or a warning
//! about a part of the bundled tree names the file and the pointer the user wrote:
//! `schemas/pet.yaml#/properties/tag`, not `#/components/schemas/Pet/properties/tag`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Error, Warning};
use crate::pointer::Pointer;

/// Where the parts of a bundled document came from: each copy of a place in another file.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// By the pointer of the copy in the bundled tree.
    copies: HashMap<Pointer, Copy>,
}

/// The place a copy was made from: a file, and the pointer inside it.
#[derive(Clone, Debug)]
struct Copy {
    file: PathBuf,
    pointer: Pointer,
}

impl Sources {
    /// Records that the bundled tree has at `at` a copy of what `file` has at `pointer`.
    pub(super) fn add(&mut self, at: Pointer, file: PathBuf, pointer: Pointer) {
        self.copies.insert(at, Copy { file, pointer });
    }

    /// Every file besides the root that parts of the document came from, in order (for a
    /// build script's `rerun-if-changed`).
    pub fn files(&self) -> Vec<&Path> {
        let files: std::collections::BTreeSet<&Path> = self.copies.values().map(|copy| copy.file.as_path()).collect();
        files.into_iter().collect()
    }

    /// The file and the pointer inside it of `pointer` (into the bundled tree), when that place
    /// came from another file than the root.
    pub fn locate(&self, pointer: &Pointer) -> Option<(&Path, Pointer)> {
        if self.copies.is_empty() || pointer.file().is_some() {
            return None;
        }
        // Copies never nest, so the first prefix that is a copy is the one.
        for prefix in pointer.prefixes() {
            if let Some(copy) = self.copies.get(&prefix) {
                let rest = pointer.relative_to(&prefix)?;
                return Some((&copy.file, copy.pointer.concat(&rest)));
            }
        }
        None
    }

    /// The warning, naming the file it is about when that is not the root.
    pub fn relocate_warning(&self, warning: Warning) -> Warning {
        match self.locate(&warning.pointer) {
            Some((file, pointer)) => Warning { pointer: pointer.in_file(file), message: warning.message },
            None => warning,
        }
    }

    /// The error, naming the file it is about when that is not the root.
    pub fn relocate_error(&self, error: Error) -> Error {
        match error {
            Error::Invalid { file, pointer, message } => match self.locate(&pointer) {
                Some((file, pointer)) => Error::Invalid { file: file.to_owned(), pointer, message },
                None => Error::Invalid { file, pointer, message },
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_give_back_the_file_and_pointer_of_a_copy() {
        let at = Pointer::root().join("components").join("schemas").join("Pet");
        let mut sources = Sources::default();
        sources.add(at.clone(), "schemas/pet.yaml".into(), Pointer::root());
        let inside = at.join("properties").join("tag");
        let (file, pointer) = sources.locate(&inside).unwrap();
        assert_eq!((file, pointer.as_str()), (Path::new("schemas/pet.yaml"), "/properties/tag"));
        // Neither a sibling whose name starts the same nor the root's own parts.
        assert!(sources.locate(&Pointer::root().join("components").join("schemas").join("Pets")).is_none());
        assert!(sources.locate(&Pointer::root().join("paths")).is_none());
        let warning = sources.relocate_warning(Warning { pointer: inside, message: "m".into() });
        assert_eq!(warning.to_string(), "schemas/pet.yaml#/properties/tag: m");
    }
}
