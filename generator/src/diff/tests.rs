//! One small document pair per kind of change: the change is found, named as the generated
//! crate names it, classified, and points into the document.

use super::{diff, markdown, Change, Severity};
use crate::model::testing::model;

/// A document with one operation (`POST /pets`, sending and returning `Pet`) and these
/// `Pet` properties, `required` list and extra schemas.
fn doc(properties: &str, required: &str, extra: &str, operation: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /pets:\n    post:\n      operationId: {operation}\n      tags: [pets]\n      requestBody: {{required: true, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      required: [{required}]\n      properties:\n{properties}{extra}"
    )
}

const BASE: &str = "        id: {type: integer, format: int64}\n        name: {type: string}\n";

fn changes(old: &str, new: &str) -> Vec<Change> {
    diff(&model(old), &model(new))
}

fn find<'a>(changes: &'a [Change], item: &str, what: &str) -> &'a Change {
    changes
        .iter()
        .find(|c| c.item == item && c.what == what)
        .unwrap_or_else(|| panic!("no `{what}` of {item} in {changes:#?}"))
}

#[test]
fn the_same_document_has_no_changes() {
    let old = doc(BASE, "id", "", "createPet");
    assert_eq!(changes(&old, &old), []);
    assert!(markdown(&[]).contains("0 breaking, 0 compatible, 0 wire-only"));
}

/// Generated structs have pub fields and no `#[non_exhaustive]`: even an optional field breaks
/// a struct literal, though `new(..)` callers are fine.
#[test]
fn an_optional_field_added_is_breaking_for_struct_literals() {
    let old = doc(BASE, "id", "", "createPet");
    let new = doc(&format!("{BASE}        tag: {{type: string}}\n"), "id", "", "createPet");
    let all = changes(&old, &new);
    let field = find(&all, "types::Pet::tag", "added");
    assert_eq!(field.severity, Severity::Breaking);
    assert_eq!(field.new.as_deref(), Some("Option<String>"));
    assert_eq!(field.pointer.to_string(), "#/components/schemas/Pet/properties/tag");
    assert!(field.why.contains("non_exhaustive"), "{}", field.why);
    // `new(id)` takes only the required fields: unchanged.
    assert!(all.iter().all(|c| c.item != "types::Pet::new"), "{all:#?}");
}

#[test]
fn a_field_made_required_changes_its_type_and_the_constructor() {
    let old = doc(BASE, "id", "", "createPet");
    let new = doc(BASE, "id, name", "", "createPet");
    let all = changes(&old, &new);
    let field = find(&all, "types::Pet::name", "made required");
    assert_eq!((field.old.as_deref(), field.new.as_deref()), (Some("Option<String>"), Some("String")));
    assert_eq!(field.severity, Severity::Breaking);
    // Every field required: a literal names them all, so `new` goes.
    assert_eq!(find(&all, "types::Pet::new", "removed").severity, Severity::Breaking);
}

#[test]
fn a_field_removed_or_retyped_is_breaking() {
    let old = doc(BASE, "id", "", "createPet");
    let new = doc("        id: {type: string}\n", "id", "", "createPet");
    let all = changes(&old, &new);
    assert_eq!(find(&all, "types::Pet::name", "removed").severity, Severity::Breaking);
    let retyped = find(&all, "types::Pet::id", "changed");
    assert_eq!((retyped.old.as_deref(), retyped.new.as_deref()), (Some("i64"), Some("String")));
}

#[test]
fn a_field_made_nullable_is_breaking() {
    let old = doc(BASE, "id", "", "createPet");
    let new = doc(
        "        id: {type: integer, format: int64}\n        name: {type: string, nullable: true}\n",
        "id",
        "",
        "createPet",
    );
    let changed = find(&changes(&old, &new), "types::Pet::name", "made optional, nullable").clone();
    assert_eq!(changed.new.as_deref(), Some("apigen_runtime::Nullable<String>"));
    assert_eq!(changed.severity, Severity::Breaking);
}

#[test]
fn wire_names_defaults_and_constraints_are_wire_only() {
    let old = doc(BASE, "id", "", "createPet");
    let new = doc(
        "        id: {type: integer, format: int64}\n        name: {type: string, default: rex, maxLength: 20}\n",
        "id",
        "",
        "createPet",
    );
    let all = changes(&old, &new);
    assert_eq!(find(&all, "types::Pet::name", "default").new.as_deref(), Some("\"rex\""));
    assert_eq!(find(&all, "types::Pet::name", "constraints").severity, Severity::WireOnly);
    assert!(all.iter().all(|c| c.severity == Severity::WireOnly), "{all:#?}");
}

#[test]
fn an_enum_value_added_is_breaking_for_exhaustive_matches() {
    let kind = |values: &str| format!("    Kind: {{type: string, enum: [{values}]}}\n");
    let old = doc(BASE, "id", &kind("cat, dog"), "createPet");
    let new = doc(BASE, "id", &kind("cat, dog, bird"), "createPet");
    let added = find(&changes(&old, &new), "types::Kind::Bird", "added").clone();
    assert_eq!(added.severity, Severity::Breaking);
    assert_eq!(added.pointer.to_string(), "#/components/schemas/Kind/enum");
    let removed = changes(&new, &old);
    assert_eq!(find(&removed, "types::Kind::Bird", "removed").severity, Severity::Breaking);
}

#[test]
fn an_integer_enum_constant_added_is_compatible() {
    let level = |values: &str, names: &str| {
        format!("    Level: {{type: integer, enum: [{values}], x-enum-varnames: [{names}]}}\n")
    };
    let old = doc(BASE, "id", &level("1, 2", "low, mid"), "createPet");
    let new = doc(BASE, "id", &level("1, 2, 3", "low, mid, high"), "createPet");
    let all = changes(&old, &new);
    let added = all.iter().find(|c| c.item.starts_with("types::Level::") && c.what == "added").expect("a constant");
    assert_eq!(added.severity, Severity::Compatible, "{all:#?}");
}

#[test]
fn a_union_variant_added_is_breaking() {
    let union = |refs: &str| {
        format!("    Cat: {{type: object, properties: {{meow: {{type: boolean}}}}}}\n    Dog: {{type: object, properties: {{bark: {{type: boolean}}}}}}\n    Bird: {{type: object, properties: {{tweet: {{type: boolean}}}}}}\n    Animal: {{oneOf: [{refs}]}}\n")
    };
    let r = |name: &str| format!("{{$ref: '#/components/schemas/{name}'}}");
    let old = doc(BASE, "id", &union(&format!("{}, {}", r("Cat"), r("Dog"))), "createPet");
    let new = doc(BASE, "id", &union(&format!("{}, {}, {}", r("Cat"), r("Dog"), r("Bird"))), "createPet");
    let all = changes(&old, &new);
    let added = all.iter().find(|c| c.item.starts_with("types::Animal::") && c.what == "added").expect("a variant");
    assert_eq!(added.severity, Severity::Breaking, "{all:#?}");
}

#[test]
fn types_added_are_compatible_and_removed_breaking() {
    let old = doc(BASE, "id", "", "createPet");
    let new = doc(BASE, "id", "    Owner: {type: object, properties: {name: {type: string}}}\n", "createPet");
    let all = changes(&old, &new);
    assert_eq!(find(&all, "types::Owner", "added").severity, Severity::Compatible);
    let removed = changes(&new, &old);
    assert_eq!(find(&removed, "types::Owner", "removed").severity, Severity::Breaking);
    assert_eq!(find(&removed, "types::Owner", "removed").old.as_deref(), Some("pub struct Owner"));
}

#[test]
fn an_alias_retargeted_is_breaking_and_reads_as_rust() {
    let old = doc(BASE, "id", "    Name: {type: string}\n", "createPet");
    let new = doc(BASE, "id", "    Name: {type: integer, format: int64}\n", "createPet");
    let changed = find(&changes(&old, &new), "types::Name", "changed").clone();
    assert_eq!(
        (changed.old.as_deref(), changed.new.as_deref()),
        (Some("pub type Name = String"), Some("pub type Name = i64"))
    );
    assert_eq!(changed.severity, Severity::Breaking);
}

#[test]
fn a_renamed_operation_is_one_breaking_rename() {
    let old = doc(BASE, "id", "", "createPet");
    let new = doc(BASE, "id", "", "addPet");
    let all = changes(&old, &new);
    let rename = find(&all, "PetsApi::create_pet", "renamed");
    assert_eq!(rename.new.as_deref(), Some("PetsApi::add_pet"));
    assert_eq!(rename.severity, Severity::Breaking);
    assert!(all.iter().all(|c| c.what != "added" || c.item != "PetsApi::add_pet"), "{all:#?}");
}

#[test]
fn an_optional_parameter_added_changes_the_method_and_adds_an_options_struct() {
    let old = doc(BASE, "id", "", "createPet");
    let new = old.replace(
        "      requestBody:",
        "      parameters: [{name: dry-run, in: query, schema: {type: boolean}}]\n      requestBody:",
    );
    let all = changes(&old, &new);
    let method = find(&all, "PetsApi::create_pet", "changed");
    assert_eq!(method.severity, Severity::Breaking);
    assert!(method.new.as_deref().unwrap().contains("options: &CreatePetOptions"), "{method:#?}");
    assert_eq!(find(&all, "CreatePetOptions", "added").severity, Severity::Compatible);
    assert_eq!(find(&all, "PetsApi::create_pet", "parameters").severity, Severity::WireOnly);
}

#[test]
fn a_path_or_status_change_is_wire_only() {
    let old = doc(BASE, "id", "", "createPet");
    let new = old.replace("  /pets:", "  /v2/pets:").replace("'200'", "'201'");
    let all = changes(&old, &new);
    assert_eq!(find(&all, "PetsApi::create_pet", "operation").new.as_deref(), Some("POST /v2/pets"));
    assert_eq!(find(&all, "PetsApi::create_pet", "status codes").severity, Severity::WireOnly);
    assert!(all.iter().all(|c| c.severity == Severity::WireOnly), "{all:#?}");
}

#[test]
fn markdown_puts_breaking_first_and_folds_long_lists() {
    let old = doc(BASE, "id", "", "createPet");
    let mut properties = BASE.to_owned();
    for i in 0..12 {
        properties.push_str(&format!("        extra{i}: {{type: string}}\n"));
    }
    let new = doc(&properties, "id", "    Owner: {type: object}\n", "createPet");
    let text = markdown(&changes(&old, &new));
    assert!(text.starts_with("**apigen diff**: 12 breaking, 1 compatible, 0 wire-only\n"), "{text}");
    assert!(text.find("### Breaking").unwrap() < text.find("### Compatible").unwrap());
    assert!(text.contains("<details><summary>12 changes</summary>"), "{text}");
    assert!(
        text.contains(
            "| `types::Pet::extra0` | added | — → `Option<String>` | `#/components/schemas/Pet/properties/extra0` |"
        ),
        "{text}"
    );
}

/// The model of `yaml` with these options (tag features, renames).
fn model_with(yaml: &str, options: &crate::Options) -> crate::model::Api {
    let document = crate::load::parse(std::path::Path::new("t.yaml"), yaml).unwrap();
    let resolved = crate::resolve::resolve(&document).unwrap();
    crate::model::build(&resolved, options).unwrap()
}

fn options() -> crate::Options {
    crate::Options::new("t", crate::RuntimeDependency::Path("r".into()))
}

#[test]
fn a_tag_feature_added_is_compatible_and_removed_breaking() {
    let tag_features = crate::Options { tag_features: true, ..options() };
    let old = doc(BASE, "id", "", "createPet");
    let new = old.replace(
        "components:",
        "  /owners:\n    get:\n      operationId: listOwners\n      tags: [owners]\n      responses: {'204': {description: none}}\ncomponents:",
    );
    let (old, new) = (model_with(&old, &tag_features), model_with(&new, &tag_features));
    let added = diff(&old, &new);
    assert_eq!(find(&added, "feature `owners`", "added").severity, Severity::Compatible);
    assert_eq!(find(&added, "OwnersApi::list_owners", "added").severity, Severity::Compatible);
    assert_eq!(find(&diff(&new, &old), "feature `owners`", "removed").severity, Severity::Breaking);
}

/// A rename in `apigen.toml` applies to both sides: the same configuration, no change; a
/// rename added to it alone is a method renamed.
#[test]
fn a_rename_through_the_configuration_is_a_rename_of_the_method() {
    let document = doc(BASE, "id", "", "createPet");
    let mut renamed = options();
    renamed.renames.operations.insert("createPet".into(), "add_pet".into());
    let same = diff(&model_with(&document, &renamed), &model_with(&document, &renamed));
    assert_eq!(same, []);
    let all = diff(&model_with(&document, &options()), &model_with(&document, &renamed));
    assert_eq!(find(&all, "PetsApi::create_pet", "renamed").new.as_deref(), Some("PetsApi::add_pet"));
}

/// Renaming an operation renames what is named after it: its options struct and their fields
/// are renames too, not removals and additions.
#[test]
fn what_is_named_after_a_renamed_operation_is_renamed_with_it() {
    let with_option = |id: &str| {
        doc(BASE, "id", "", id).replace(
            "      requestBody:",
            "      parameters: [{name: dry-run, in: query, schema: {type: boolean}}]\n      requestBody:",
        )
    };
    let all = changes(&with_option("createPet"), &with_option("addPet"));
    assert_eq!(find(&all, "CreatePetOptions", "renamed").new.as_deref(), Some("AddPetOptions"));
    assert_eq!(find(&all, "CreatePetOptions::dry_run", "renamed").new.as_deref(), Some("AddPetOptions::dry_run"));
    assert!(all.iter().all(|c| c.what == "renamed" || c.severity == Severity::WireOnly), "{all:#?}");
}

/// `required` and nullable, or optional: both `Option<T>` in Rust, but one sends `null` and the
/// other leaves the field out.
#[test]
fn presence_that_keeps_the_rust_type_is_wire_only() {
    let old = doc(BASE, "id", "", "createPet");
    let new = doc(
        "        id: {type: integer, format: int64}\n        name: {type: string, nullable: true}\n",
        "id, name",
        "",
        "createPet",
    );
    let all = changes(&old, &new);
    let presence = find(&all, "types::Pet::name", "presence");
    assert_eq!((presence.old.as_deref(), presence.new.as_deref()), (Some("optional"), Some("required, nullable")));
    assert_eq!(presence.severity, Severity::WireOnly);
    assert!(all.iter().all(|c| c.item != "types::Pet::name" || c.severity == Severity::WireOnly), "{all:#?}");
}

/// A type whose fields were all optional loses `Default` when one becomes required, and gains
/// `new(..)` (it is sent): losing `Default` breaks, gaining `new` does not.
#[test]
fn a_type_that_stops_being_default_is_breaking() {
    let old = doc(BASE, "", "", "createPet").replace("      required: []\n", "");
    let new = doc(BASE, "id", "", "createPet");
    let all = changes(&old, &new);
    assert_eq!(find(&all, "impl Default for types::Pet", "removed").severity, Severity::Breaking);
    let new_fn = find(&all, "types::Pet::new", "added");
    assert_eq!((new_fn.severity, new_fn.new.as_deref()), (Severity::Compatible, Some("fn new(id: i64) -> Self")));
}
