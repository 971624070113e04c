//! What the model's tests share: a model built from a YAML document with default options, the
//! error a document is refused with, and a type looked up by name.

use std::path::Path;

use super::api::Api;
use super::ir::TypeKind;

fn options() -> crate::Options {
    crate::Options::new("t", crate::RuntimeDependency::Path("r".into()))
}

/// The model of `yaml`; panics with the error when there is none.
pub fn model(yaml: &str) -> Api {
    let document = crate::load::parse(Path::new("t.yaml"), yaml).unwrap();
    let resolved = crate::resolve::resolve(&document).unwrap();
    super::build(&resolved, &options()).unwrap_or_else(|e| panic!("{e}"))
}

/// Why `yaml` has no model; panics when it has one.
pub fn refused(yaml: &str) -> String {
    let document = crate::load::parse(Path::new("t.yaml"), yaml).unwrap();
    let error = crate::resolve::resolve(&document).and_then(|r| super::build(&r, &options()).map(|_| ()));
    error.unwrap_err().to_string()
}

/// What the type called `name` is; panics when there is no such type.
pub fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
    &api.type_named(name).unwrap_or_else(|| panic!("no type {name}")).kind
}
