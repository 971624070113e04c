//! An `openapiv3::OpenAPI` value as input (what Dropshot and other Rust servers build in memory,
//! and what progenitor takes): the crate generated from the value is compared, file by file,
//! with the crate generated from the file the value was parsed from, with the same options.
//!
//! What `openapiv3` changes in a document, found by comparing the JSON trees of qovery and
//! omicron-nexus before and after a round trip through it:
//!
//! - it writes each parameter's `style` (`form` for query and cookie, `simple` for path and
//!   header), which are the defaults the reader assumes anyway;
//! - it leaves out fields whose value is the default (`required: false`, `nullable: false`,
//!   `default: null`, empty `properties`, `tags`, `parameters`, `headers`, `content`);
//! - it drops every sibling of a `$ref` (its `Reference` holds `$ref` alone, as OpenAPI 3.0 says
//!   siblings are ignored), where this generator reads a `description` or `nullable` written
//!   beside a `$ref`, as Qovery's document relies on.
//!
//! Only the last changes the generated crate. Omicron (Dropshot's output, the real use case) has
//! no `$ref` siblings and is byte-identical. Qovery has four, three of which show in `types.rs`
//! (a field's doc comment and two `nullable`s); the test pins them and checks that the value
//! gives exactly the crate of the file with its `$ref` siblings removed, so nothing else differs.
//!
//! The documents are those of `../shared/specs/` beside the repository, as for `cargo xtask
//! check-specs`.

use std::path::{Path, PathBuf};

use apigen::stages::Loaded;
use apigen::{CrateFiles, Options, RuntimeDependency};
use serde_json::Value;

fn shared_spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs").join(name)
}

fn options() -> Options {
    Options::new("client", RuntimeDependency::Path("../runtime".into()))
}

/// The file's tree, as the generator parses it (JSON or YAML by extension).
fn tree(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).unwrap()
    } else {
        serde_yaml::from_str(&text).unwrap()
    }
}

/// The value a progenitor user's build script has: the file deserialised into `openapiv3`.
fn openapiv3_value(path: &Path) -> openapiv3::OpenAPI {
    serde_json::from_value(tree(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn from_file(path: &Path, options: &Options) -> apigen::Generated {
    apigen::generate(path, options).unwrap_or_else(|e| panic!("{e}"))
}

fn from_value(spec: &openapiv3::OpenAPI, options: &Options) -> apigen::Generated {
    apigen::generate_from_openapiv3(spec, options).unwrap_or_else(|e| panic!("{e}"))
}

fn warnings(generated: &apigen::Generated) -> Vec<String> {
    generated.warnings.iter().map(ToString::to_string).collect()
}

/// The names of the files whose text differs (or that only one side has).
fn differing(a: &CrateFiles, b: &CrateFiles) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names.into_iter().filter(|name| a.get(*name) != b.get(*name)).cloned().collect()
}

/// Removes every sibling of a `$ref` (what `openapiv3` does), returning the pointers of the
/// siblings removed.
fn strip_ref_siblings(value: &mut Value, at: &str, removed: &mut Vec<String>) {
    match value {
        Value::Object(map) if map.get("$ref").is_some_and(Value::is_string) => {
            let siblings: Vec<String> = map.keys().filter(|k| *k != "$ref").cloned().collect();
            for key in siblings {
                map.remove(&key);
                removed.push(format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")));
            }
        }
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                strip_ref_siblings(child, &format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), removed);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                strip_ref_siblings(child, &format!("{at}/{index}"), removed);
            }
        }
        _ => {}
    }
}

/// The crate of the file's tree with its `$ref` siblings removed, and the pointers removed.
fn from_file_without_ref_siblings(path: &Path, options: &Options) -> (apigen::Generated, Vec<String>) {
    let mut raw = tree(path);
    let mut removed = Vec::new();
    strip_ref_siblings(&mut raw, "", &mut removed);
    let document = apigen::load::from_value(path, raw).unwrap_or_else(|e| panic!("{e}"));
    let generated = Loaded::from_document(document, options).model().unwrap().emit().format().unwrap();
    (generated, removed)
}

#[test]
fn omicron_from_its_openapiv3_value_is_byte_identical_to_from_its_file() {
    let path = shared_spec("omicron-nexus.json");
    let (file, value) = (from_file(&path, &options()), from_value(&openapiv3_value(&path), &options()));
    assert!(file.operations > 300, "{} operations", file.operations);
    assert_eq!(differing(&file.files, &value.files), Vec::<String>::new());
    assert!(file.files == value.files);
    assert_eq!(warnings(&file), warnings(&value));
    // Dropshot writes no `$ref` siblings: nothing of its document is lost on the way.
    assert_eq!(from_file_without_ref_siblings(&path, &options()).1, Vec::<String>::new());
}

#[test]
fn qovery_from_its_openapiv3_value_differs_only_by_the_ref_siblings_openapiv3_drops() {
    let path = shared_spec("qovery.yaml");
    let (file, value) = (from_file(&path, &options()), from_value(&openapiv3_value(&path), &options()));
    assert!(file.operations > 400, "{} operations", file.operations);
    assert_eq!(warnings(&file), warnings(&value));

    // The siblings of a `$ref` in Qovery's document, every one of which `openapiv3` drops.
    let (stripped, removed) = from_file_without_ref_siblings(&path, &options());
    assert_eq!(
        removed,
        [
            "/paths/~1helm~1{helmId}~1listServices/get/responses/200/content/application~1json/schema/type",
            "/components/schemas/BlueprintCreateRequest/properties/spec_overrides/nullable",
            "/components/schemas/BlueprintUpdateRequest/properties/variables/additionalProperties/nullable",
            "/components/schemas/AlertTarget/properties/service/description",
        ]
    );
    // Those and nothing else: the value's crate is the stripped file's, byte for byte.
    assert_eq!(differing(&stripped.files, &value.files), Vec::<String>::new());
    assert!(stripped.files == value.files);

    // What they change in the crate: `types.rs` only, in the three places below (a `type`
    // beside a `$ref` changes nothing).
    assert_eq!(differing(&file.files, &value.files), ["src/types.rs"]);
    let (file_types, value_types) = (&file.files["src/types.rs"], &value.files["src/types.rs"]);
    // The lines of `a` that `b` lacks, sorted, counted as a multiset (a line may occur more
    // than once, and which occurrence is left over is not the point).
    let only_in = |a: &str, b: &str| -> Vec<String> {
        let mut left: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for line in b.lines() {
            *left.entry(line).or_default() += 1;
        }
        let mut only = Vec::new();
        for line in a.lines() {
            match left.get_mut(line) {
                Some(count) if *count > 0 => *count -= 1,
                _ => only.push(line.trim().to_owned()),
            }
        }
        only.sort();
        only
    };
    assert_eq!(
        only_in(file_types, value_types),
        [
            "/// Service details when target_type is APPLICATION, CONTAINER, JOB, CRONJOB, HELM or TERRAFORM",
            "pub spec_overrides: apigen_runtime::Nullable<BlueprintSpecOverrides>,",
            "spec_overrides: apigen_runtime::Nullable<BlueprintSpecOverrides> = nullable \"spec_overrides\",",
            "std::collections::BTreeMap<String, Option<BlueprintUpdateVariableValue>>,",
            "variables: Option<std::collections::BTreeMap<String, Option<BlueprintUpdateVariableValue>>> = optional \"variables\",",
        ]
    );
    assert_eq!(
        only_in(value_types, file_types),
        [
            "pub spec_overrides: Option<BlueprintSpecOverrides>,",
            "spec_overrides: Option<BlueprintSpecOverrides> = optional \"spec_overrides\",",
            "std::collections::BTreeMap<String, BlueprintUpdateVariableValue>,",
            "variables: Option<std::collections::BTreeMap<String, BlueprintUpdateVariableValue>> = optional \"variables\",",
        ]
    );
}

/// A small OpenAPI 3.0 document, written to a directory of its own so that it can be read as a
/// file too.
fn small_document(test: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigen-openapiv3-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("openapi.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

const PETS: &str = r##"openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      operationId: createPet
      tags: [pets]
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "201": {description: created}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
"##;

#[test]
fn overlays_apply_to_a_value_as_to_its_file() {
    let path = small_document("overlays", PETS);
    let overlay = path.with_file_name("overlay.yaml");
    std::fs::write(
        &overlay,
        "overlay: 1.0.0\ninfo: {title: no creating, version: '1'}\nactions:\n  - target: $.paths['/pets'].post\n    remove: true\n",
    )
    .unwrap();
    let mut options = options();
    options.overlays = vec![overlay];
    let value = openapiv3_value(&path);
    let (file, from_value) = (from_file(&path, &options), from_value(&value, &options));
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    assert_eq!(from_value.operations, 1, "the overlay removed `createPet`");
    assert!(file.files == from_value.files, "{:?}", differing(&file.files, &from_value.files));
}

#[test]
fn an_error_in_a_value_names_the_value_and_a_pointer() {
    let text = PETS.replace("#/components/schemas/Pet\"}}", "#/components/schemas/Missing\"}}");
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text).unwrap();
    let error = apigen::generate_from_openapiv3(&spec, &options()).unwrap_err().to_string();
    assert!(
        error.starts_with("openapiv3::OpenAPI#/paths/~1pets/get/responses/200/content/application~1json/schema/items"),
        "{error}"
    );
    assert!(error.contains("#/components/schemas/Missing"), "{error}");
}

#[test]
fn a_build_script_generates_the_same_module_from_a_value_as_from_its_file() {
    let path = small_document("embed", PETS);
    let value = openapiv3_value(&path);
    let from_file = apigen::embed::Builder::new(&path).module("crate::pets").generate().unwrap();
    let from_value = apigen::embed::Builder::from_openapiv3(value).module("crate::pets").generate().unwrap();
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    assert_eq!(from_file.code, from_value.code);
    assert_eq!(from_file.files, [path]);
    assert_eq!(from_value.files, Vec::<PathBuf>::new(), "a value has no file to watch");
}
