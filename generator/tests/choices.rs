//! The user's choices against `fixtures/choices.yaml`: what a selection keeps, and every
//! mistake (a typo in a selection, a rename that fits nothing or clashes, a derive that is not
//! a path) refused with a message naming it.

use std::path::PathBuf;

use apigen::{Options, RuntimeDependency, Selection};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/choices.yaml")
}

fn options() -> Options {
    Options::new("fixture", RuntimeDependency::Path("../runtime".into()))
}

fn refused(options: &Options) -> String {
    match apigen::generate(&fixture(), options) {
        Ok(_) => panic!("generated, but should have been refused"),
        Err(error) => error.to_string(),
    }
}

fn selecting(selection: Selection) -> Options {
    Options { selection, ..options() }
}

/// Every generated file, concatenated.
fn generated(options: &Options) -> String {
    let generated = apigen::generate(&fixture(), options).unwrap_or_else(|e| panic!("{e}"));
    generated.files.values().cloned().collect::<Vec<_>>().join("\n")
}

#[test]
fn a_tag_that_is_not_there_is_an_error_naming_it_and_the_nearest_tags() {
    let error = refused(&selecting(Selection { tags: vec!["Pet".into()], ..Selection::default() }));
    assert!(error.contains("choices.yaml") && error.contains("tags entry `Pet` is the tag of no operation"), "{error}");
    assert!(error.contains("nearest: `Pets`"), "{error}");
    let error = refused(&selecting(Selection { exclude_tags: vec!["admin".into()], ..Selection::default() }));
    assert!(error.contains("exclude_tags entry `admin`") && error.contains("`Admin`"), "{error}");
}

#[test]
fn an_operation_that_is_not_there_is_an_error_naming_it_and_the_nearest_operations() {
    let error = refused(&selecting(Selection { operations: vec!["listPet".into()], ..Selection::default() }));
    assert!(error.contains("operations entry `listPet` names no operation") && error.contains("`listPets`"), "{error}");
    let error = refused(&selecting(Selection { exclude_operations: vec!["GET /pet".into()], ..Selection::default() }));
    assert!(error.contains("exclude_operations entry `GET /pet`") && error.contains("`GET /pets`"), "{error}");
}

#[test]
fn a_selection_that_keeps_nothing_is_an_error() {
    let error = refused(&selecting(Selection {
        tags: vec!["Admin".into()],
        exclude_operations: vec!["adminStats".into()],
        ..Selection::default()
    }));
    assert!(error.contains("the selection keeps no operation"), "{error}");
}

#[test]
fn a_selection_keeps_only_what_its_operations_reach() {
    // `METHOD /path` with the method in any case.
    let code = generated(&selecting(Selection { operations: vec!["get /admin/stats".into()], ..Selection::default() }));
    assert!(code.contains("pub struct Stats"), "{code}");
    for gone in [
        "pub struct Pet",
        "pub struct Problem",
        "pub struct Unused",
        "pub enum Moment",
        "pub mod webhooks",
        "list_pets",
    ] {
        assert!(!code.contains(gone), "{gone} should be left out");
    }
    // Exclusions alone keep the rest, webhooks included.
    let code = generated(&selecting(Selection { exclude_tags: vec!["Admin".into()], ..Selection::default() }));
    assert!(!code.contains("pub struct Stats") && !code.contains("admin_stats"));
    assert!(code.contains("pub mod webhooks") && code.contains("pub struct Adoption"));
    // Any selection prunes: a component nothing kept reaches is left out.
    assert!(!code.contains("pub struct Unused"));
    // Once the selection lists what it wants, a webhook is kept when it is listed, by name.
    let code = generated(&selecting(Selection {
        tags: vec!["Admin".into()],
        operations: vec!["petAdopted".into()],
        ..Selection::default()
    }));
    assert!(
        code.contains("pub type PetAdopted") && code.contains("pub struct Adoption") && code.contains("pub struct Pet")
    );
}

#[test]
fn type_renames_must_name_a_component_and_give_a_free_identifier() {
    let renamed = |from: &str, to: &str| {
        let mut options = options();
        options.renames.types.insert(from.into(), to.into());
        options
    };
    let error = refused(&renamed("Pett", "Animal"));
    assert!(error.contains("type `Pett` is not a component schema") && error.contains("`Pet`"), "{error}");
    let error = refused(&renamed("Pet", "NewPet"));
    assert!(
        error.contains("`Pet` → `NewPet`") && error.contains("component `NewPet` already has that name"),
        "{error}"
    );
    for bad in ["2Pet", "type", "Pet-Kind", "", "Option"] {
        let error = refused(&renamed("Pet", bad));
        assert!(error.contains(&format!("type `Pet` → `{bad}`")), "{error}");
    }
    let mut both = renamed("Pet", "Animal");
    both.renames.types.insert("Order".into(), "Animal".into());
    let error = refused(&both);
    assert!(error.contains("renamed to it too"), "{error}");
    // A rename is used everywhere the type is.
    let code = generated(&renamed("Pet", "Animal"));
    assert!(
        code.contains("pub struct Animal") && code.contains("pub pet: Animal") && !code.contains("pub struct Pet ")
    );
}

#[test]
fn operation_renames_must_name_an_operation_and_give_a_free_method_name() {
    let renamed = |from: &str, to: &str| {
        let mut options = options();
        options.renames.operations.insert(from.into(), to.into());
        options
    };
    let error = refused(&renamed("listPet", "all_pets"));
    assert!(error.contains("operation `listPet` is not in the document") && error.contains("`listPets`"), "{error}");
    let error = refused(&renamed("listPets", "create_pet"));
    assert!(error.contains("operation `createPet` already has that method name"), "{error}");
    for bad in ["new", "fn", "all pets", "3rd"] {
        let error = refused(&renamed("listPets", bad));
        assert!(error.contains(&format!("operation `listPets` → `{bad}`")), "{error}");
    }
    let mut twice = renamed("listPets", "all_pets");
    twice.renames.operations.insert("GET /pets".into(), "every_pet".into());
    let error = refused(&twice);
    assert!(error.contains("rename the same operation"), "{error}");
    // By `METHOD /path` too; options struct and doc links follow the new name.
    let code = generated(&renamed("GET /pets", "all_pets"));
    assert!(code.contains("pub fn all_pets(") && code.contains("pub struct AllPetsOptions"), "{code}");
}

#[test]
fn extra_derives_must_be_paths_listed_once() {
    for bad in ["Hash<T>", "", "serde::", "fn", "Partial Eq", "::"] {
        let error = refused(&Options { extra_derives: vec![bad.into()], ..options() });
        assert!(error.contains(&format!("extra derive `{bad}` is not a Rust path")), "{error}");
    }
    let error = refused(&Options { extra_derives: vec!["Hash".into(), "Hash".into()], ..options() });
    assert!(error.contains("listed twice"), "{error}");
    // A derive a type already has is not repeated: string enums derive `Hash` themselves.
    let code = generated(&Options { extra_derives: vec!["Hash".into(), "::std::cmp::Eq".into()], ..options() });
    let squashed: String = code.split_whitespace().collect();
    assert!(
        squashed.contains("#[derive(Clone,Debug,Default,PartialEq,Hash,::std::cmp::Eq)]pubstructProblem"),
        "{code}"
    );
    assert!(squashed.contains("#[derive(Clone,Debug,PartialEq,Eq,Hash)]pubenumPetStatus"), "{code}");
}
