//! Documents split over files and OpenAPI Overlays, read through `load` and the whole pipeline:
//! what each becomes, and that every error and warning names the file and the pointer.

use std::path::{Path, PathBuf};

use apigen::load::{load, load_with_overlays, Document};
use apigen::{Error, Options, RuntimeDependency};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

fn options() -> Options {
    Options::new("fixture", RuntimeDependency::Path("../runtime".into()))
}

fn schema_names(document: &Document) -> Vec<&str> {
    document.components.schemas.keys().map(String::as_str).collect()
}

/// The error, shown with the fixtures folder left out.
fn load_error(path: &str) -> String {
    let error = load(&fixture(path)).expect_err(path).to_string();
    error.replace(&format!("{}/", fixture("").display()), "").replace(&fixture("").display().to_string(), "")
}

// ----- split documents -----

#[test]
fn split_document_is_one_document_with_one_component_per_place() {
    let document = load(&fixture("split/openapi.yaml")).unwrap();
    // The root's own schemas first (`Owner: {$ref: schemas/people/Owner.json}` is that file, in
    // place), then every schema of another file once, named after it, in the order met
    // (breadth first from the root).
    assert_eq!(
        schema_names(&document),
        ["Owner", "Error", "Kind", "Pet", "NewPet", "Tag", "pets_Tag", "Details", "Cat", "Dog"]
    );
    let owner = document.schemas.get(document.components.schemas["Owner"]);
    assert!(owner.reference.is_none() && owner.properties.contains_key("pets"));
    // Path items that are files are read in place, as if written there.
    assert!(document.paths.iter().all(|p| matches!(p.value, apigen::load::Ref::Item(_))));
    assert!(document.components.path_items.is_empty());
    let parameters: Vec<&String> = document.components.parameters.keys().collect();
    assert_eq!(parameters, ["Limit"]);
    let responses: Vec<&String> = document.components.responses.keys().collect();
    assert_eq!(responses, ["Error", "NotFound"]);
    assert_eq!(document.paths.len(), 3);
    assert!(document.warnings.is_empty(), "{:?}", document.warnings);
}

#[test]
fn split_document_generates_the_same_bytes_every_time() {
    let spec = fixture("split/openapi.yaml");
    let first = apigen::generate(&spec, &options()).unwrap();
    for _ in 0..3 {
        let again = apigen::generate(&spec, &options()).unwrap();
        assert_eq!(first.files, again.files);
        assert_eq!(first.warnings, again.warnings);
    }
    assert_eq!(first.operations, 4);
}

#[test]
fn parts_of_other_files_are_named_by_their_file_in_errors() {
    let error = load(&fixture("broken/invalid_inner.yaml")).unwrap_err();
    let Error::Invalid { file, pointer, .. } = &error else { panic!("{error}") };
    assert!(file.ends_with("broken/parts/wrong.yaml"), "{error}");
    assert_eq!(pointer.as_str(), "/Wrong/properties/tag/required", "{error}");
}

#[test]
fn parts_of_other_files_are_named_by_their_file_in_warnings() {
    let document = load(&fixture("broken/warns.yaml")).unwrap();
    let warnings: Vec<String> = document.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("broken/parts/params.yaml#/Odd/bogus: `bogus` is not a field"), "{warnings:?}");
    // Through the whole pipeline too.
    let generated = apigen::generate(&fixture("broken/warns.yaml"), &options()).unwrap();
    assert!(generated.warnings.iter().any(|w| w.to_string().contains("parts/params.yaml#/Odd/bogus")));
}

#[test]
fn path_item_files_are_named_by_their_file_in_errors_relative_to_the_root_as_given() {
    // The working directory of a test is the package's: the root is named as given here.
    let error = load(Path::new("tests/fixtures/broken/path_item.yaml")).unwrap_err().to_string();
    assert!(error.starts_with("tests/fixtures/broken/parts/path.yaml#/get/responses: "), "{error}");
}

#[test]
fn a_reference_to_something_other_than_a_file_is_refused() {
    let error = load_error("broken/directory.yaml");
    assert!(
        error.starts_with(
            "broken/directory.yaml#/components/schemas/A/$ref: `parts` names broken/parts, which is not a file"
        ),
        "{error}"
    );
}

#[test]
fn missing_file_names_the_referring_file_pointer_and_missing_path() {
    let error = load_error("broken/missing.yaml");
    assert!(error.starts_with("broken/missing.yaml#/components/schemas/A/properties/b/$ref: `parts/nope.yaml` names broken/parts/nope.yaml, which cannot be read"), "{error}");
}

#[test]
fn dangling_reference_into_another_file_names_both() {
    let error = load_error("broken/dangling.yaml");
    assert!(error.starts_with("broken/dangling.yaml#/components/schemas/A/$ref:"), "{error}");
    assert!(error.contains("broken/parts/pet.yaml has nothing at #/definitions/Nope"), "{error}");

    // A reference inside another file is relative to that file.
    let error = load_error("broken/dangling_inner.yaml");
    assert!(error.starts_with("broken/parts/inner.yaml#/properties/tag/$ref: `#/definitions/Missing`"), "{error}");
}

#[test]
fn a_pointer_meant_for_the_root_says_how_to_write_it() {
    let error = load_error("broken/root_pointer.yaml");
    assert!(error.starts_with("broken/parts/deeper/forgot.yaml#/properties/tag/$ref: `#/components/schemas/Tag`: broken/parts/deeper/forgot.yaml has nothing at #/components/schemas/Tag (the root document has: refer to it as `../../root_pointer.yaml#/components/schemas/Tag`)"), "{error}");
}

#[test]
fn syntax_error_in_a_referenced_file_has_its_line_and_column() {
    let error = load(&fixture("broken/syntax.yaml")).unwrap_err();
    let Error::Syntax { file, line, .. } = &error else { panic!("{error}") };
    assert!(file.ends_with("broken/parts/bad.yaml"), "{error}");
    assert!(*line >= 3, "{error}");
}

#[test]
fn remote_references_are_refused_without_the_network() {
    let error = load_error("broken/remote.yaml");
    assert!(
        error.starts_with(
            "broken/remote.yaml#/components/schemas/A/properties/b/$ref: `https://example.com/schemas/pet.yaml#/Pet`"
        ),
        "{error}"
    );
    assert!(error.contains("nothing is fetched at generation time"), "{error}");
    assert!(error.contains("download it"), "{error}");
}

#[test]
fn anchors_into_other_files_are_refused() {
    let error = load_error("broken/anchor.yaml");
    assert!(error.contains("broken/anchor.yaml#/components/schemas/A/$ref"), "{error}");
    assert!(error.contains("anchor"), "{error}");
}

#[test]
fn absolute_paths_and_file_uris_are_read() {
    let dir = std::env::temp_dir().join(format!("apigen-absolute-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pet = dir.join("pet.yaml");
    std::fs::write(&pet, "type: object\nproperties:\n  name: {type: string}\n").unwrap();
    let root = dir.join("root.yaml");
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\ncomponents:\n  schemas:\n    A: {{properties: {{p: {{$ref: '{}'}}, q: {{$ref: 'file://{}'}}}}}}\n",
        pet.display(),
        pet.display()
    );
    std::fs::write(&root, text).unwrap();
    let document = load(&root).unwrap();
    // One place, one component, however it is named.
    assert_eq!(schema_names(&document), ["A", "pet"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ids_and_self_are_resolved_as_before_beside_files() {
    let document = load(&fixture("split_ids/openapi.yaml")).unwrap();
    assert_eq!(schema_names(&document), ["Tree", "Label", "Use", "pet"]);
    let generated = apigen::generate(&fixture("split_ids/openapi.yaml"), &options()).unwrap();
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("pub tree: Option<Tree>"), "{types}");
    assert!(types.contains("pub pet: Option<Pet>"), "{types}");
    assert!(types.contains("pub kids: Option<Vec<Tree>>"), "{types}");
}

#[test]
fn cycles_across_files_are_recursive_types() {
    let generated = apigen::generate(&fixture("split/openapi.yaml"), &options()).unwrap();
    let types = &generated.files.iter().find(|(path, _)| path.as_str() == "src/types.rs").unwrap().1;
    assert!(types.contains("pub pets: Option<Vec<Pet>>"), "{types}");
    assert!(types.contains("pub owner: Option<Owner>"), "{types}");
    assert!(types.contains("pub parent: Option<Box<Pet>>"), "{types}");
}

// ----- overlays -----

fn overlaid(overlays: &[&str]) -> Result<Document, Error> {
    let overlays: Vec<PathBuf> = overlays.iter().map(|o| fixture(&format!("overlays/{o}"))).collect();
    load_with_overlays(&fixture("overlays/openapi.yaml"), &overlays)
}

fn overlay_error(overlay: &str) -> String {
    overlaid(&[overlay]).expect_err(overlay).to_string().replace(&format!("{}/", fixture("overlays").display()), "")
}

#[test]
fn overlay_update_merges_objects_and_appends_lists() {
    let document = overlaid(&["update.yaml"]).unwrap();
    assert_eq!(document.info.description.as_deref(), Some("Pets, with what the upstream document forgot."));
    let tags: Vec<&str> = document.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["pets", "owners"]);
    let pet = document.schemas.get(document.components.schemas["Pet"]);
    assert_eq!(pet.required, ["id", "name"]);
    let properties: Vec<&str> = pet.properties.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(properties, ["id", "name", "secret", "tag"]);
}

#[test]
fn overlay_remove_and_unmatched_target_warning() {
    let document = overlaid(&["remove.json"]).unwrap();
    let paths: Vec<&str> = document.paths.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(paths, ["/pets"]);
    for name in ["Pet", "Owner"] {
        let schema = document.schemas.get(document.components.schemas[name]);
        assert!(schema.properties.iter().all(|(name, _)| name != "secret"), "{name}");
    }
    let warnings: Vec<String> = document.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].ends_with("overlays/remove.json#/actions/2: overlay action: target `$.paths[?@.get.operationId == 'nothing']` matches nothing in the document; nothing changed"), "{warnings:?}");
}

#[test]
fn overlay_copy_and_primitive_update_in_1_1() {
    let document = overlaid(&["copy.yaml"]).unwrap();
    assert_eq!(document.info.title, "Renamed pets");
    let cat = document.schemas.get(document.components.schemas["Cat"]);
    assert_eq!(cat.description.as_deref(), Some("A cat."));
    assert_eq!(cat.properties.len(), 3);
    let warnings: Vec<String> = document.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.iter().any(|w| w.contains("copy.yaml#/extends: `extends` is ignored")), "{warnings:?}");
}

#[test]
fn overlays_apply_in_order_through_generate() {
    let mut options = options();
    options.overlays = vec![fixture("overlays/remove.json"), fixture("overlays/update.yaml")];
    let generated = apigen::generate(&fixture("overlays/openapi.yaml"), &options).unwrap();
    assert_eq!(generated.operations, 1);
    let types = &generated.files.iter().find(|(path, _)| path.as_str() == "src/types.rs").unwrap().1;
    assert!(types.contains("pub tag: Option<String>"), "{types}");
    assert!(!types.contains("secret"), "{types}");
}

#[test]
fn references_an_overlay_adds_are_followed() {
    let document = overlaid(&["external.yaml"]).unwrap();
    assert_eq!(schema_names(&document), ["Pet", "Owner", "tag"]);
    let owner = document.schemas.get(document.components.schemas["Owner"]);
    assert!(owner.properties.contains_key("tag"));
}

#[test]
fn invalid_overlays_are_errors_naming_the_overlay_and_pointer() {
    let cases = [
        ("bad_version.yaml", "bad_version.yaml#/overlay: Overlay 2.0.0 is not supported"),
        ("bad_target.yaml", "bad_target.yaml#/actions/1/target: `$.paths[?` is not an RFC 9535 JSONPath"),
        ("bad_action.yaml", "bad_action.yaml#/actions/0/updates: `updates` is not a field of an overlay action"),
        ("copy_in_1_0.yaml", "copy_in_1_0.yaml#/actions/0/copy: `copy` is an Overlay 1.1 action"),
        (
            "copy_many.yaml",
            "copy_many.yaml#/actions/0/copy: `copy` must select exactly one node of the document; it selects 2",
        ),
        ("no_info.yaml", "no_info.yaml#/info: missing `info`"),
        ("empty_actions.yaml", "empty_actions.yaml#/actions: an overlay needs at least one action"),
        ("openapi.yaml", "openapi.yaml#: this is an OpenAPI document, not an overlay"),
    ];
    for (overlay, expected) in cases {
        let error = overlay_error(overlay);
        assert!(error.starts_with(expected), "{overlay}: {error}");
    }

    let error = overlaid(&["bad_syntax.yaml"]).unwrap_err();
    let Error::Syntax { file, line, .. } = &error else { panic!("{error}") };
    assert!(file.ends_with("overlays/bad_syntax.yaml") && *line >= 2, "{error}");
    let error = overlaid(&["missing.yaml"]).unwrap_err();
    let Error::Io { path, .. } = &error else { panic!("{error}") };
    assert!(path.ends_with("overlays/missing.yaml"), "{error}");
}

// ----- Swagger 2.0 split over files -----

#[test]
fn swagger2_split_over_files_is_rewritten_after_bundling() {
    let document = load(&fixture("split_swagger2/swagger.yaml")).unwrap();
    assert_eq!(schema_names(&document), ["Pet", "Tag"]);
    let limit = document.components.parameters.get("limit").expect("the parameter copied");
    let apigen::load::Ref::Item(limit) = limit else { panic!("{limit:?}") };
    assert_eq!(limit.name, "limit");
    assert!(limit.schema.is_some(), "its type and format are its schema");
    assert!(document.components.responses.contains_key("NotFound"));
    let warnings: Vec<String> = document.warnings.iter().map(ToString::to_string).collect();
    // The reader's warning about the copied parameter names the other file.
    let nonsense = warnings.iter().find(|w| w.contains("nonsense")).unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(nonsense.contains("common.yaml#/parameters/limit"), "{nonsense}");
    // And so does the rewrite's own.
    let tsv = warnings.iter().find(|w| w.contains("tsv")).unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(tsv.contains("common.yaml#/parameters/ids/collectionFormat"), "{tsv}");
    let generated = apigen::generate(&fixture("split_swagger2/swagger.yaml"), &options()).unwrap();
    assert!(generated.files.iter().any(|(path, _)| path.ends_with("types.rs")));
}
