//! The whole pipeline on small documents, one per construct: the generated code is reviewed as
//! snapshots in pull requests.
//!
//! `spec/openapi.yaml` has no snapshot here: its crate is committed as `generated/`, which
//! xtask's freshness test (`generated_crate_is_up_to_date`) already pins, file by file.
//!
//! Each snapshot is a whole crate, and xtask's `fixture_snapshots_compile` test cargo-checks it:
//! it splits a snapshot at the `// ===== PATH =====` lines that [`generate_with`] writes, so a
//! change to that layout is a change to that test too.

use std::path::Path;

fn options() -> apigen::Options {
    apigen::Options::new("fixture", apigen::RuntimeDependency::Path("../runtime".into()))
}

/// Every generated file, in order, with a header line naming it.
fn generate(spec: &Path) -> String {
    generate_with(spec, &options())
}

fn generate_with(spec: &Path, options: &apigen::Options) -> String {
    let generated = apigen::generate(spec, options).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    for warning in &generated.warnings {
        out.push_str(&format!("// warning: {warning}\n"));
    }
    for (path, contents) in &generated.files {
        out.push_str(&format!("// ===== {path} =====\n{contents}\n"));
    }
    out
}

macro_rules! fixture {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(concat!(stringify!($name), ".yaml"));
            insta::assert_snapshot!(stringify!($name), generate(&spec));
        }
    )*};
}

fixture!(
    allof,
    nullable,
    enums,
    refs,
    security,
    unions,
    objects,
    params,
    bodies,
    pagination,
    // OpenAPI 3.1 and 3.2
    v31_nullable,
    v31_consts,
    v31_refs,
    v31_keywords,
    v31_webhooks,
    v32_features,
    // Swagger 2.0, read as OpenAPI 3.0
    swagger2,
    // Streams, downloads and uploads
    streams,
    // The user's choices: here with none made
    choices,
    // The long tail of real documents
    pasted_defs,
    x_names,
    // Idempotency keys, OAuth2 flows, declared response headers
    client_flows,
);

fn fixture_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Every choice at once: two tags and one operation of a third kept, one operation excluded,
/// a type and a method renamed, derives added (one the types already have), `time` for
/// date-times and each tag a feature. `Admin`, `/health` and the `Unused` component are left
/// out, and so is the webhook (the selection lists what it wants and not the webhook).
#[test]
fn choices_all_at_once() {
    let mut options = options();
    options.selection = apigen::Selection {
        tags: vec!["Pets".into(), "Store Orders".into()],
        exclude_tags: Vec::new(),
        operations: vec!["GET /health".into()],
        exclude_operations: vec!["deletePet".into()],
    };
    options.renames.types.insert("Pet".into(), "Animal".into());
    options.renames.operations.insert("listPets".into(), "all_pets".into());
    options.extra_derives = vec!["Eq".into(), "Hash".into(), "serde::Serialize".into()];
    options.date_time = apigen::DateTimeType::Time;
    options.tag_features = true;
    insta::assert_snapshot!("choices_all_at_once", generate_with(&fixture_path("choices.yaml"), &options));
}

/// Tag features on the whole document: the untagged operation gets the feature of its path,
/// the webhook its own, `Unused` compiles only with `full`; date-times are plain text.
#[test]
fn choices_features_and_text_dates() {
    let mut options = options();
    options.date_time = apigen::DateTimeType::String;
    options.tag_features = true;
    insta::assert_snapshot!("choices_features_and_text_dates", generate_with(&fixture_path("choices.yaml"), &options));
}

#[test]
fn split_document() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split/openapi.yaml");
    insta::assert_snapshot!("split", generate(&spec));
}

/// `$ref`s where OpenAPI expects text (`description`, `summary`), to another file and to the
/// document itself: put in place, or left out with a warning when they do not name text.
#[test]
fn split_values() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split_values/openapi.yaml");
    insta::assert_snapshot!("split_values", generate(&spec));
}
