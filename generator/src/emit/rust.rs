//! How the model is written in Rust, whatever the file: identifiers, types (as tokens, or as
//! text for docs and example source) and `#[cfg(feature = …)]` gates. The bottom layer of the
//! emitters, with `docs`: it knows no operation, type definition or file.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{TypeRef, RUST_KEYWORDS};

/// An identifier; keywords become raw identifiers (`r#type`).
pub(super) fn ident(name: &str) -> Ident {
    if RUST_KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// `#[cfg(…)]` compiling an item when any of `features` is on; nothing when the list is empty
/// (the item always compiles).
pub(super) fn cfg(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        several => quote!(#[cfg(any(#(feature = #several),*))]),
    }
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

/// A type as text, named types unqualified: `chrono::DateTime<chrono::FixedOffset>`, for docs
/// and for example source, which are strings rather than tokens. (`TokenStream`'s own text puts
/// a space between every two tokens.)
pub(super) fn type_text(ty: &TypeRef) -> String {
    rust_type(ty, &TokenStream::new()).to_string().replace(' ', "")
}
