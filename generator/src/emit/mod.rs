//! Stage 4: the model → token streams, one per file of the generated crate.
//!
//! Types go to `types.rs`, each tag's operations to `apis/<tag>.rs`, webhooks' payload types to
//! `webhooks.rs`, the client, credentials and crate docs to `lib.rs` and `auth.rs`. This stage
//! knows nothing of YAML: it reads only the model.

mod client;
mod docs;
mod examples;
mod operation_docs;
mod operations;
mod types;
mod webhooks;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Api, TypeRef};
use crate::Options;

pub use examples::example_call;

/// The generated crate before formatting: Rust files as tokens, the manifest as text.
pub struct CrateTokens {
    /// Paths relative to the crate root (`src/types.rs`), in a fixed order.
    pub rust: Vec<(String, TokenStream)>,
    pub manifest: String,
}

pub fn emit(api: &Api, options: &Options) -> CrateTokens {
    let errors = operations::ErrorTables::new(api);
    let mut rust = vec![
        ("src/lib.rs".to_owned(), client::lib(api, options)),
        ("src/auth.rs".to_owned(), client::auth(api)),
        ("src/types.rs".to_owned(), types::module(api, options)),
        ("src/apis.rs".to_owned(), operations::index(api, &errors)),
    ];
    let krate = options.crate_name.replace('-', "_");
    for group in &api.groups {
        rust.push((format!("src/apis/{}.rs", group.module), operations::group(api, group, &errors, &krate)));
    }
    if !api.webhooks.is_empty() {
        rust.push(("src/webhooks.rs".to_owned(), webhooks::module(api)));
    }
    CrateTokens { rust, manifest: client::manifest(api, options) }
}

const KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// An identifier; keywords become raw identifiers (`r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) || name == "gen" {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// `#[cfg(…)]` compiling an item when any of `features` is on; nothing when the list is empty
/// (the item always compiles).
pub(crate) fn cfg(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        several => quote!(#[cfg(any(#(feature = #several),*))]),
    }
}

/// The type an alias (or a chain of them) stands for.
pub(crate) fn unaliased<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    api.unaliased(ty)
}

/// How a type is written. `prefix` qualifies named types (`types::` outside the types module).
pub fn rust_type(ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#prefix #name)
        }
        TypeRef::String => quote!(String),
        // Binary content inside a schema: a file part of a multipart body, mostly.
        TypeRef::Bytes => quote!(apigen_runtime::FilePart),
        TypeRef::Base64 => quote!(apigen_runtime::Base64),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::FixedOffset>),
        TypeRef::OffsetDateTime => quote!(time::OffsetDateTime),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::List(item) => {
            let item = rust_type(item, prefix);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = rust_type(value, prefix);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::OrNull(inner) => {
            let inner = rust_type(inner, prefix);
            quote!(Option<#inner>)
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|item| rust_type(item, prefix));
            quote!((#(#items,)*))
        }
    }
}
