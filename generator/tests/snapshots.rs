//! The whole pipeline on small documents, one per construct, and on `spec/openapi.yaml`:
//! the generated code is reviewed as snapshots in pull requests.

use std::path::Path;

fn options() -> apigen::Options {
    apigen::Options::new("fixture", apigen::RuntimeDependency::Path("../runtime".into()))
}

/// Every generated file, in order, with a header line naming it.
fn generate(spec: &Path) -> String {
    let generated = apigen::generate(spec, &options()).unwrap_or_else(|e| panic!("{e}"));
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
    allof, nullable, enums, refs, security, unions, objects, params, bodies,
    // OpenAPI 3.1 and 3.2
    v31_nullable, v31_consts, v31_refs, v31_keywords, v31_webhooks, v32_features,
    // Streams, downloads and uploads
    streams,
);

#[test]
fn qovery_secrets_spec() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    insta::assert_snapshot!("qovery_secrets", generate(&spec));
}

#[test]
fn split_document() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split/openapi.yaml");
    insta::assert_snapshot!("split", generate(&spec));
}
