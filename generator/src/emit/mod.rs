//! Stage 4: the model → token streams, one per file of the generated crate.
//!
//! Types go to `types.rs`, each tag's operations to `apis/<tag>.rs`, webhooks' payload types to
//! `webhooks.rs`, the client, credentials and crate docs to `lib.rs` and `auth.rs`. This stage
//! knows nothing of YAML: it reads only the model.
//!
//! The modules are layers: each uses only modules of the layers above it, so that none
//! imports one that imports it back.
//!
//! 1. `docs` (document text made safe for rustdoc) and `rust` (identifiers, types and `cfg`
//!    gates as Rust writes them).
//! 2. `types` (`types.rs`), `webhooks` (`webhooks.rs`), `auth` (`auth.rs`), `manifest`
//!    (`Cargo.toml`), `error_tables` (the error statuses the operations share), and `signature`:
//!    an operation's method signature (its arguments, the options struct, the outcome enum, the
//!    result), which the method's body, its docs and the example calls all read.
//! 3. `examples` (example calls of an operation, in Rust source) and `request` (a method's body:
//!    the runtime calls that build the request and read the answer).
//!    `surface` (the Rust text of public items, for the `diff` stage) reads `types` and
//!    `signature` too.
//! 4. `operation_docs`: a method's rustdoc, its example included; `pagination`: the `_stream`
//!    and `_pages` methods of an operation that pages.
//! 5. `operations` (`apis.rs`, `apis/<tag>.rs`), `client` (`lib.rs`) and `readme` (`README.md`,
//!    which `lib.rs` includes as the crate docs), which [`emit`] calls.
//!
//! [`example_call`] and [`rust_type`] are public for xtask's test programs (the contract and
//! the example conformance programs), which call every operation and name every type.

mod auth;
mod client;
mod docs;
mod error_tables;
mod examples;
mod manifest;
mod operation_docs;
mod operations;
mod pagination;
mod readme;
mod request;
mod rust;
mod signature;
mod surface;
mod types;
mod webhooks;

use proc_macro2::TokenStream;

use crate::model::Api;
use crate::Options;

pub use examples::example_call;
pub use rust::rust_type;
/// The Rust text of generated items, for `diff`.
pub use surface::{built_by, field_text, method_text, type_text, BuiltBy, MethodText};

/// The generated crate before formatting: Rust files as tokens, the manifest as text.
pub struct CrateTokens {
    /// Paths relative to the crate root (`src/types.rs`), in a fixed order.
    pub rust: Vec<(String, TokenStream)>,
    pub manifest: String,
    /// `README.md`, which `lib.rs` includes as the crate docs.
    pub readme: String,
}

pub fn emit(api: &Api, options: &Options) -> CrateTokens {
    let errors = error_tables::ErrorTables::new(api);
    let mut rust = vec![
        ("src/lib.rs".to_owned(), client::lib(api, options)),
        ("src/auth.rs".to_owned(), auth::module(api)),
        ("src/types.rs".to_owned(), types::module(api, options)),
        ("src/apis.rs".to_owned(), operations::index(api, &errors)),
    ];
    let krate = crate::model::crate_ident(&options.crate_name);
    for group in &api.groups {
        rust.push((format!("src/apis/{}.rs", group.module), operations::group(api, group, &errors, &krate)));
    }
    if !api.webhooks.is_empty() {
        rust.push(("src/webhooks.rs".to_owned(), webhooks::module(api)));
    }
    CrateTokens { rust, manifest: manifest::manifest(api, options), readme: readme::readme(api, options) }
}
