//! The library as a build script uses it: a whole client as one module, mounted elsewhere.

use std::path::Path;

use apigen::embed::Builder;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[test]
fn a_split_document_becomes_one_module_and_every_file_read_is_listed() {
    let module = Builder::new(fixture("split/openapi.yaml")).module("crate::clients::pets").generate().unwrap();
    assert_eq!(module.file_name, "pets.rs");
    // Valid Rust, one `pub mod pets` holding everything, with no `mod x;` left to find on disk.
    let file: syn::File = syn::parse_str(&module.code).unwrap();
    assert!(matches!(&file.items[..], [syn::Item::Mod(m)] if m.ident == "pets" && m.content.is_some()));
    assert!(!module.code.contains("pub mod types;") && module.code.contains("pub mod types {"));
    // The crate's own paths now start where the module is mounted.
    assert!(!module.code.contains("crate::types"), "a path still names the crate root");
    assert!(module.code.contains("crate::clients::pets::types"));
    // The crate's docs are its README, included from beside `src/`: a module holds the text.
    assert!(!module.code.contains("include_str!"), "the module includes a file it has not");
    assert!(module.code.contains("    //! ## Operations"), "the README's text is not the module's docs");
    assert!(module.files.len() > 3, "{:?}", module.files);
    assert!(module.files.iter().all(|f| f.is_file()), "{:?}", module.files);
    assert!(
        module.files.iter().any(|f| f.components().count() > fixture("split").components().count() + 1),
        "nested files: {:?}",
        module.files
    );
}

#[test]
fn generating_a_module_twice_is_byte_identical() {
    let builder = Builder::new(fixture("unions.yaml"));
    assert_eq!(builder.generate().unwrap().code, builder.generate().unwrap().code);
}

#[test]
fn a_module_path_must_start_at_the_crate() {
    for bad in ["api", "crate", "crate::9lives", "super::api"] {
        let err = Builder::new(fixture("unions.yaml")).module(bad).generate().unwrap_err().to_string();
        assert!(err.contains("is not a module path such as `crate::api`"), "{bad}: {err}");
    }
}

#[test]
fn writing_outside_a_build_script_says_so() {
    // Tests run without OUT_DIR unless cargo sets it for a build script.
    if std::env::var_os("OUT_DIR").is_none() {
        let err = Builder::new(fixture("unions.yaml")).write_to_out_dir().unwrap_err().to_string();
        assert!(err.contains("OUT_DIR is not set"), "{err}");
    }
}
