//! Where the parts of a bundled document came from. `bundle` copies each place another file
//! holds into the root's tree; [`Sources`] remembers each copy, so that an error or a warning
//! about a part of the bundled tree names the file and the pointer the user wrote:
//! `schemas/pet.yaml#/properties/tag`, not `#/components/schemas/Pet/properties/tag`.
//!
//! A Swagger 2.0 root is rewritten as OpenAPI 3.0 before it is bundled (`swagger2`), which
//! moves parts within the root file (`#/definitions/Pet` → `#/components/schemas/Pet`): each
//! move is remembered here too, the same way, so that a message names the place as written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Error, Warning};
use crate::pointer::Pointer;

/// Where the parts of a bundled document came from: each copy of a place in another file.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// By the pointer of the copy in the bundled tree.
    copies: HashMap<Pointer, Copy>,
    /// Places of the root file that a version's rewriting moved: by the pointer in the tree
    /// read, the pointer as written. Moves nest (a parameter moved, and its `schema` made of
    /// the parameter's own fields), so the longest prefix that moved is the one.
    moves: HashMap<Pointer, Pointer>,
}

/// The pointer, marked as a place of the root file as written. A warning may be relocated
/// twice (by `load`, then with the model's warnings), and a move must be undone once only: the
/// mark says it was. The root's file name is empty, so the pointer shows as any root pointer
/// does (`#/definitions/Pet`).
pub(super) fn as_written(pointer: Pointer) -> Pointer {
    pointer.in_file(Path::new(""))
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

    /// Records that the root's tree has at `at` what the file as written has at `from`.
    pub(super) fn moved(&mut self, at: Pointer, from: Pointer) {
        self.moves.insert(at, from);
    }

    /// Where copies of other files' places are, in the bundled tree.
    pub(super) fn copies(&self) -> impl Iterator<Item = &Pointer> {
        self.copies.keys()
    }

    /// The pointer as written in the root file of `pointer` (into the tree read), when a
    /// rewriting moved that place.
    fn unmove(&self, pointer: &Pointer) -> Option<Pointer> {
        if self.moves.is_empty() || pointer.file().is_some() {
            return None;
        }
        let prefixes: Vec<Pointer> = pointer.prefixes().collect();
        prefixes.into_iter().rev().find_map(|prefix| {
            let from = self.moves.get(&prefix)?;
            Some(from.concat(&pointer.relative_to(&prefix)?))
        })
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
        Warning { pointer: self.relocate(&warning.pointer), ..warning }
    }

    /// `pointer` (into the bundled tree) as the place a user finds: in the file it came from,
    /// or where a Swagger 2.0 document wrote it.
    pub fn relocate(&self, pointer: &Pointer) -> Pointer {
        match self.locate(pointer) {
            Some((file, inside)) => inside.in_file(file),
            None => self.unmove(pointer).map(as_written).unwrap_or_else(|| pointer.clone()),
        }
    }

    /// The error, naming the file it is about when that is not the root.
    pub fn relocate_error(&self, error: Error) -> Error {
        match error {
            Error::Invalid { file, pointer, message } => match self.locate(&pointer) {
                Some((file, pointer)) => Error::Invalid { file: file.to_owned(), pointer, message },
                None => match self.unmove(&pointer) {
                    Some(pointer) => Error::Invalid { file, pointer, message },
                    None => Error::Invalid { file, pointer, message },
                },
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
        let warning = sources.relocate_warning(Warning::new(inside, "m"));
        assert_eq!(warning.to_string(), "schemas/pet.yaml#/properties/tag: m");
    }

    #[test]
    fn moves_give_back_the_place_as_written_by_the_longest_prefix() {
        let mut sources = Sources::default();
        let parameter = Pointer::from_segments(["components", "parameters", "limit"]);
        let root = Path::new("api.yaml");
        sources.moved(parameter.clone(), Pointer::from_segments(["parameters", "limit"]));
        sources.moved(parameter.join("schema"), Pointer::from_segments(["parameters", "limit"]));
        let warning = sources.relocate_warning(Warning::new(parameter.join("schema").join("enum"), "m"));
        assert_eq!(warning.to_string(), "#/parameters/limit/enum: m");
        // Relocated once only.
        assert_eq!(sources.relocate_warning(warning).to_string(), "#/parameters/limit/enum: m");
        let error = Error::Invalid { file: root.into(), pointer: parameter.join("in"), message: "m".into() };
        assert_eq!(sources.relocate_error(error).to_string(), "api.yaml#/parameters/limit/in: m");
    }
}
