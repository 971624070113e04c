//! Operations → `apis.rs` and one module per tag (`apis/<tag>.rs`): an API struct per tag, each
//! method a short call into the runtime, with its docs.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{clean, code, doc, inline};
use super::error_tables::ErrorTables;
use super::operation_docs::{method_docs, stream_docs};
use super::request::{method_body, names_method_constant, reads_deprecated_field, MethodBody};
use super::rust::{cfg, ident};
use super::signature::Signature;
use crate::model::{Api, Group, Operation, Payload, StreamMethod};

/// `apis.rs`: one module per tag, and the error tables they share.
pub fn index(api: &Api, errors: &ErrorTables) -> TokenStream {
    let modules = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let type_name = ident(&g.type_name);
        let docs = doc(&format!("Operations tagged {}.", code(&g.tag)));
        let gate = cfg(&g.features);
        quote! {
            #docs
            #gate
            pub mod #module;
            #gate
            pub use #module::#type_name;
        }
    });
    let consts = errors.consts();
    quote! {
        //! Operations, grouped by tag as the API's own documentation groups them.
        #(#modules)*

        #consts
    }
}

/// `apis/<tag>.rs`: the tag's API struct, a method per operation, and the types the methods
/// declare (options structs, outcome enums).
pub fn group(api: &Api, group: &Group, errors: &ErrorTables, krate: &str) -> TokenStream {
    let type_name = ident(&group.type_name);
    let mut group_docs = match group.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(summary) => format!("{}: operations tagged {}.", inline(summary), code(&group.tag)),
        None => format!("Operations tagged {}.", code(&group.tag)),
    };
    if let Some(parent) = &group.parent {
        // 3.2 nests tags; the parent may have operations of its own (an API type) or not.
        match api.groups.iter().find(|g| &g.tag == parent) {
            Some(parent) => {
                group_docs.push_str(&format!(" Nested under [`{}`](super::{}).", parent.tag, parent.type_name))
            }
            None => group_docs.push_str(&format!(" Nested under {}.", code(parent))),
        }
    }
    if let Some(description) = &group.description {
        group_docs.push_str("\n\n");
        group_docs.push_str(&clean(description));
    }
    let group_docs = doc(&group_docs);
    let operations: Vec<(usize, Signature)> =
        group.operations.iter().map(|&i| (i, Signature::of(api, &api.operations[i]))).collect();
    // A group whose operations belong to several features (a document without tags, grouped by
    // path) gates each method; otherwise the whole module is gated in `apis.rs`.
    let per_operation = group.features.len() > 1;
    let gate = |op: &Operation| if per_operation { cfg(op.feature.as_slice()) } else { TokenStream::new() };
    let methods = operations.iter().map(|(i, signature)| {
        let gate = gate(signature.op);
        method(api, group, signature, errors.reference(*i), &gate, krate)
    });
    let option_structs = operations.iter().filter_map(|(_, signature)| {
        signature.options.as_ref().map(|options| {
            let gate = gate(signature.op);
            let definition = options.definition(&signature.op.fn_name);
            quote!(#gate #definition)
        })
    });
    let outcome_enums = operations.iter().filter_map(|(_, signature)| {
        signature.outcome.as_ref().map(|outcome| {
            let gate = gate(signature.op);
            let definition = outcome.definition(&signature.op.fn_name);
            quote!(#gate #definition)
        })
    });
    let allow_unused = per_operation.then(|| quote!(#![allow(unused_imports)]));
    let types_import = operations.iter().any(|(_, signature)| !signature.named_types().is_empty()).then(|| {
        quote!(
            use crate::types;
        )
    });
    let method_import =
        operations.iter().any(|(_, signature)| names_method_constant(signature.op)).then(|| quote!(Method,));
    let allow_deprecated =
        uses_deprecated(api, operations.iter().map(|(_, signature)| signature)).then(|| quote!(#![allow(deprecated)]));
    quote! {
        #allow_deprecated
        #allow_unused

        use apigen_runtime::{#method_import Result};
        #types_import

        #group_docs
        #[derive(Clone, Copy, Debug)]
        pub struct #type_name<'a> {
            client: &'a apigen_runtime::Client,
        }

        impl<'a> #type_name<'a> {
            pub(crate) fn new(client: &'a apigen_runtime::Client) -> Self {
                Self { client }
            }

            #(#methods)*
        }

        #(#option_structs)*

        #(#outcome_enums)*
    }
}

/// Whether the group's code uses something deprecated: a type in a signature, or a field the
/// multipart code reads. Only then does the module allow it.
fn uses_deprecated<'a>(api: &Api, mut signatures: impl Iterator<Item = &'a Signature<'a>>) -> bool {
    let deprecated_type = |name: &str| api.type_named(name).is_some_and(|t| t.deprecated);
    signatures.any(|signature| {
        signature.named_types().into_iter().any(deprecated_type) || reads_deprecated_field(api, signature.op)
    })
}

/// The operation's method, and the one returning its stream when it has one.
/// `gate`: the `#[cfg(…)]` of each, or nothing. `krate`: the crate's name in Rust, for the
/// doc example.
fn method(
    api: &Api,
    group: &Group,
    signature: &Signature,
    errors: TokenStream,
    gate: &TokenStream,
    krate: &str,
) -> TokenStream {
    let op = signature.op;
    let plain = one_method(api, signature, &errors, None, doc(&method_docs(api, group, signature, krate)));
    let stream = op.stream.as_ref().zip(op.success.stream.as_ref()).map(|(method, payload)| {
        let stream = one_method(api, signature, &errors, Some((method, payload)), doc(&stream_docs(op, payload)));
        quote!(#gate #stream)
    });
    let pages = super::pagination::methods(api, signature, &errors, gate);
    quote!(#gate #plain #stream #pages)
}

/// A method of `op`: the plain one, or with `stream`, the one returning the response as a stream.
fn one_method(
    api: &Api,
    signature: &Signature,
    errors: &TokenStream,
    stream: Option<(&StreamMethod, &Payload)>,
    docs: TokenStream,
) -> TokenStream {
    let op = signature.op;
    let name = ident(stream.map_or(&op.fn_name, |(method, _)| &method.fn_name));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let generics = signature.generics();
    let args = signature.arguments();
    let stream = stream.map(|(_, payload)| payload);
    let result = signature.result(stream);
    match method_body(api, signature, errors, stream) {
        MethodBody::Async(body) => quote! {
            #docs
            #deprecated
            pub async fn #name #generics (&self, #(#args),*) -> #result {
                #body
            }
        },
        // The runtime's future itself, not an `async fn` around it: the same call for the
        // caller (`.await` it), one state machine fewer per operation for the compiler (about a
        // tenth of a large crate's check time). The request is built from the arguments before
        // returning, so the future borrows only the client: `use<'_>` says so, where edition
        // 2024 would otherwise tie it to every borrowed argument too.
        MethodBody::Future(call) => {
            let captures = signature.captures();
            quote! {
                #docs
                #deprecated
                pub fn #name #generics (&self, #(#args),*) -> impl std::future::Future<Output = #result> + use<#captures> {
                    #call
                }
            }
        }
    }
}
