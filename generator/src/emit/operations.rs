//! Operations → one API struct per tag, each method a short call into the runtime.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{clean, code, constraints_text, doc, inline, one_line};
use super::operation_docs::{method_docs, payload_text};
use super::types::holds_offset_date_time;
use super::{cfg, ident, rust_type, unaliased};
use crate::model::{
    Api, Body, ErrorResponse, Group, LineFormat, Location, Operation, Param, Payload, StreamMethod, TypeKind, TypeRef,
};

/// The error statuses operations declare, one `const` per distinct list: most operations of an
/// API share a handful of lists, and the tables are written once in `apis.rs` instead of in
/// every method.
pub struct ErrorTables {
    /// `ERRORS_401_403_404`, with its statuses.
    tables: Vec<(String, Vec<ErrorResponse>)>,
    /// Index of each operation's table (`None` when it declares no errors).
    by_operation: Vec<Option<usize>>,
    /// Per table, the features of the operations that use it: with tag features, a table
    /// compiles when one of them is on (empty: always, without tag features).
    gates: Vec<Vec<String>>,
}

impl ErrorTables {
    pub fn new(api: &Api) -> Self {
        let mut tables: Vec<(String, Vec<ErrorResponse>)> = Vec::new();
        let mut by_operation = Vec::with_capacity(api.operations.len());
        for op in &api.operations {
            if op.errors.is_empty() {
                by_operation.push(None);
                continue;
            }
            if let Some(i) = tables.iter().position(|(_, errors)| *errors == op.errors) {
                by_operation.push(Some(i));
                continue;
            }
            let statuses: Vec<String> =
                op.errors.iter().map(|e| e.status.map_or("DEFAULT".to_owned(), |s| s.to_string())).collect();
            let base = format!("ERRORS_{}", statuses.join("_"));
            let same_statuses =
                tables.iter().filter(|(name, _)| *name == base || name.starts_with(&format!("{base}_V"))).count();
            let name = if same_statuses == 0 { base } else { format!("{base}_V{}", same_statuses + 1) };
            tables.push((name, op.errors.clone()));
            by_operation.push(Some(tables.len() - 1));
        }
        let mut gates: Vec<Vec<String>> = vec![Vec::new(); tables.len()];
        if !api.features.is_empty() {
            for (i, gate) in gates.iter_mut().enumerate() {
                let features: std::collections::BTreeSet<&String> = api
                    .operations
                    .iter()
                    .zip(&by_operation)
                    .filter(|(_, table)| **table == Some(i))
                    .filter_map(|(op, _)| op.feature.as_ref())
                    .collect();
                // Gated even when every feature uses it: the table is private, and with no
                // feature on it would be dead code.
                *gate = features.into_iter().cloned().collect();
            }
        }
        ErrorTables { tables, by_operation, gates }
    }

    /// `super::ERRORS_…`, as the operations' modules refer to it, or `&[]`.
    fn reference(&self, operation: usize) -> TokenStream {
        match self.by_operation[operation] {
            Some(i) => {
                let name = format_ident!("{}", self.tables[i].0);
                quote!(super::#name)
            }
            None => quote!(&[]),
        }
    }

    fn consts(&self) -> TokenStream {
        let consts = self.tables.iter().zip(&self.gates).map(|((name, errors), gate)| {
            let gate = cfg(gate);
            let name = format_ident!("{name}");
            let entries = errors.iter().map(|e| {
                let description = one_line(&e.description);
                let status = e.status.map(proc_macro2::Literal::u16_unsuffixed);
                match (status, e.ty.is_some()) {
                    (Some(status), false) => quote!(ErrorStatus::new(#status, #description)),
                    (Some(status), true) => quote!(ErrorStatus::typed(#status, #description)),
                    (None, false) => quote!(ErrorStatus::default_untyped(#description)),
                    (None, true) => quote!(ErrorStatus::default_typed(#description)),
                }
            });
            quote!(#gate const #name: &[ErrorStatus] = &[#(#entries),*];)
        });
        // With tag features every table may be compiled out, and the import with it unused.
        let allow = self.gates.iter().any(|g| !g.is_empty()).then(|| quote!(#[allow(unused_imports)]));
        let import = (!self.tables.is_empty()).then(|| quote!(#allow use apigen_runtime::ErrorStatus;));
        quote! {
            #import
            #(#consts)*
        }
    }
}

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
    let operations: Vec<&Operation> = group.operations.iter().map(|&i| &api.operations[i]).collect();
    // A group whose operations belong to several features (a document without tags, grouped by
    // path) gates each method; otherwise the whole module is gated in `apis.rs`.
    let per_operation = group.features.len() > 1;
    let gate = |op: &Operation| if per_operation { cfg(op.feature.as_slice()) } else { TokenStream::new() };
    let methods = group.operations.iter().map(|&i| {
        let op = &api.operations[i];
        method(api, group, op, errors.reference(i), &gate(op), krate)
    });
    let option_structs = operations.iter().filter_map(|op| {
        options_struct(op).map(|s| {
            let gate = gate(op);
            quote!(#gate #s)
        })
    });
    let outcome_enums = operations.iter().filter_map(|op| {
        outcome_enum(op).map(|e| {
            let gate = gate(op);
            quote!(#gate #e)
        })
    });
    let allow_unused = per_operation.then(|| quote!(#![allow(unused_imports)]));
    let types_import = operations.iter().any(|op| mentions_named(api, op)).then(|| {
        quote!(
            use crate::types;
        )
    });
    let method_import =
        operations.iter().any(|op| method_helper(op).is_none() && method_constant(op)).then(|| quote!(Method,));
    let allow_deprecated = uses_deprecated(api, &operations).then(|| quote!(#![allow(deprecated)]));
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

/// Whether the operation's signature names a generated type (and so needs `use crate::types`).
fn mentions_named(api: &Api, op: &Operation) -> bool {
    !named_in_signature(api, op).is_empty()
}

/// The generated types an operation's signature names (a parameter of an alias to `String` is
/// a `&str`).
fn named_in_signature<'a>(api: &Api, op: &'a Operation) -> Vec<&'a str> {
    fn named<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
        match ty {
            TypeRef::Named(name) => out.push(name),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) => named(inner, out),
            TypeRef::Tuple(items) => items.iter().for_each(|item| named(item, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let payloads = op
        .success
        .outcomes
        .iter()
        .map(|o| &o.payload)
        .chain(op.body.as_ref().map(|b| &b.payload))
        .chain([&op.success.payload]);
    for ty in payloads.filter_map(Payload::typed) {
        named(ty, &mut out);
    }
    for p in op.params.iter().filter(|p| !p.required || unaliased(api, &p.ty) != &TypeRef::String) {
        named(&p.ty, &mut out);
    }
    if let Some(ty) = &op.error_type {
        named(ty, &mut out);
    }
    out
}

/// Whether the group's code uses something deprecated: a type in a signature, or a field the
/// multipart code reads. Only then does the module allow it.
fn uses_deprecated(api: &Api, operations: &[&Operation]) -> bool {
    let deprecated_type = |name: &str| api.type_named(name).is_some_and(|t| t.deprecated);
    operations.iter().any(|op| {
        named_in_signature(api, op).into_iter().any(deprecated_type)
            || matches!(op.body.as_ref().map(|b| &b.payload), Some(Payload::Multipart(ty))
                if matches!(named_kind(api, ty), Some(TypeKind::Struct(s)) if s.fields.iter().any(|f| f.deprecated)))
    })
}

fn types_prefix() -> TokenStream {
    quote!(types::)
}

/// Parameters that are arguments of the method: the path's, then required ones.
pub(super) fn positional(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.required)
}

pub(super) fn optional(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| !p.required)
}

pub(super) fn outcome_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Outcome", heck::ToUpperCamelCase::to_upper_camel_case(op.fn_name.as_str()))
}

/// The enum an operation returns when its success statuses carry different bodies.
fn outcome_enum(op: &Operation) -> Option<TokenStream> {
    if op.success.outcomes.is_empty() {
        return None;
    }
    let name = outcome_name(op);
    let docs = doc(&format!("The success outcomes of `{}`, one per status.", op.fn_name));
    let variants = op.success.outcomes.iter().map(|o| {
        let variant = format_ident!("{}", o.name);
        let docs = doc(&format!("`{}`: {}", o.status, inline(&o.description)));
        let payload = match &o.payload {
            Payload::Empty => None,
            // The model makes a streamed outcome text: an enum of outcomes is read whole.
            Payload::Text | Payload::Events(_) | Payload::Lines(..) => Some(quote!(String)),
            Payload::Bytes => Some(quote!(apigen_runtime::Bytes)),
            Payload::Json(ty) | Payload::Form(ty) | Payload::Multipart(ty) => Some(rust_type(ty, &types_prefix())),
        };
        match payload {
            Some(payload) => quote!(#docs #variant(#payload),),
            None => quote!(#docs #variant,),
        }
    });
    Some(quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    })
}

pub(super) fn options_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Options", heck::ToUpperCamelCase::to_upper_camel_case(op.fn_name.as_str()))
}

/// Optional parameters are named fields of a `Default` struct, never a row of `None`s.
fn options_struct(op: &Operation) -> Option<TokenStream> {
    let optional: Vec<&Param> = optional(op).collect();
    if optional.is_empty() {
        return None;
    }
    let name = options_name(op);
    let struct_docs = doc(&format!("Optional parameters of `{}`.", op.fn_name));
    let fields = optional.iter().map(|p| {
        let field = ident(&p.name);
        let ty = rust_type(&p.ty, &types_prefix());
        let docs = doc(&param_line(p));
        quote! {
            #docs
            pub #field: Option<#ty>,
        }
    });
    Some(quote! {
        #struct_docs
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// The operation's method, and the one returning its stream when it has one.
/// `gate`: the `#[cfg(…)]` of each, or nothing. `krate`: the crate's name in Rust, for the
/// doc example.
fn method(
    api: &Api,
    group: &Group,
    op: &Operation,
    errors: TokenStream,
    gate: &TokenStream,
    krate: &str,
) -> TokenStream {
    let plain = one_method(api, op, &errors, None, doc(&method_docs(api, group, op, krate)));
    let stream = op.stream.as_ref().zip(op.success.stream.as_ref()).map(|(method, payload)| {
        let stream = one_method(api, op, &errors, Some((method, payload)), doc(&stream_docs(op, payload)));
        quote!(#gate #stream)
    });
    quote!(#gate #plain #stream)
}

/// A method of `op`: the plain one, or with `stream`, the one returning the response as a stream.
fn one_method(
    api: &Api,
    op: &Operation,
    errors: &TokenStream,
    stream: Option<(&StreamMethod, &Payload)>,
    docs: TokenStream,
) -> TokenStream {
    let name = ident(stream.map_or(&op.fn_name, |(method, _)| &method.fn_name));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let mut args: Vec<TokenStream> = positional(op)
        .map(|p| {
            let arg = ident(&p.name);
            let ty = arg_type(api, &p.ty);
            quote!(#arg: #ty)
        })
        .collect();
    // A body of bytes takes anything that converts into an upload: a type parameter of its own
    // (rather than `impl Into<…>`), which the returned future's `use<…>` must name.
    let mut generics = TokenStream::new();
    let mut captures = quote!('_);
    if let Some(body) = &op.body {
        if upload_parameter(body) {
            generics = quote!(<U: Into<apigen_runtime::Upload>>);
            captures = quote!('_, U);
        }
        let ty = body_type(body);
        args.push(quote!(body: #ty));
    }
    let has_options = optional(op).next().is_some();
    if has_options {
        let options_name = options_name(op);
        args.push(quote!(options: &#options_name));
    }

    let path = &op.path;
    let path_args = op.params.iter().filter(|p| p.location == Location::Path).map(|p| {
        let arg = ident(&p.name);
        display(api, &p.ty, quote!(#arg)).unwrap_or(quote!(#arg))
    });
    let mut security = security(api, op);
    if op.success.redirect_answers {
        security.extend(quote!(.redirect_answers()));
    }
    let start = match method_helper(op) {
        Some(helper) => quote!(#helper(#path, &[#(&#path_args),*])),
        None if method_constant(op) => {
            let method = format_ident!("{}", op.method);
            quote!(request(Method::#method, #path, &[#(&#path_args),*]))
        }
        // `QUERY`, and 3.2's `additionalOperations`: methods HTTP libraries have no constant for.
        None => {
            let method = &op.method;
            quote!(request_custom(#method, #path, &[#(&#path_args),*]))
        }
    };
    let params = op.params.iter().filter(|p| p.location != Location::Path).map(|p| param_call(api, p));
    // The body property that asks for a stream is set by the stream method, cleared by the other.
    let flag = op.stream.as_ref().and_then(|m| m.flag.as_deref()).map(|flag| (flag, stream.is_some()));
    let body_call = op.body.as_ref().map(|b| body_call(api, b, flag));
    let (send, success, after) = match stream {
        Some((_, payload)) => receive(api, payload, errors, true),
        None => receive(api, &op.success.payload, errors, false),
    };
    let success = if op.success.outcomes.is_empty() || stream.is_some() {
        success
    } else {
        let outcome = outcome_name(op);
        quote!(#outcome)
    };
    let result = match &op.error_type {
        Some(ty) => {
            let ty = rust_type(ty, &types_prefix());
            quote!(Result<#success, #ty>)
        }
        None => quote!(Result<#success>),
    };
    if !op.success.outcomes.is_empty() && stream.is_none() {
        let outcome = outcome_name(op);
        let arms = op.success.outcomes.iter().map(|o| {
            let status = proc_macro2::Literal::u16_unsuffixed(o.status);
            let variant = format_ident!("{}", o.name);
            let value = match &o.payload {
                Payload::Empty => quote!(Ok(#outcome::#variant)),
                Payload::Text => quote!(response.text().map(#outcome::#variant)),
                Payload::Bytes => quote!(Ok(#outcome::#variant(response.body))),
                Payload::Json(ty) if holds_offset_date_time(api, ty) => {
                    let ty = rust_type(ty, &types_prefix());
                    quote!(response.json::<apigen_runtime::rfc3339::Wire<#ty>, _>().map(|value| #outcome::#variant(value.0)))
                }
                _ => quote!(response.json().map(#outcome::#variant)),
            };
            quote!(#status => #value,)
        });
        let any_json = op.success.outcomes.iter().any(|o| matches!(o.payload, Payload::Json(_)));
        let send_raw = if any_json { format_ident!("send_raw_json") } else { format_ident!("send_raw") };
        return quote! {
            #docs
            #deprecated
            pub async fn #name #generics (&self, #(#args),*) -> #result {
                let response = self
                    .client
                    .#start
                    #security
                    #(#params)*
                    #body_call
                    .#send_raw()
                    .await?;
                match response.status.as_u16() {
                    #(#arms)*
                    _ => Err(response.into_error(#errors)),
                }
            }
        };
    }
    let call = quote! {
        self.client
            .#start
            #security
            #(#params)*
            #body_call
            #send
    };
    if !after.is_empty() {
        return quote! {
            #docs
            #deprecated
            pub async fn #name #generics (&self, #(#args),*) -> #result {
                #call.await #after
            }
        };
    }
    // The runtime's future itself, not an `async fn` around it: the same call for the caller
    // (`.await` it), one state machine fewer per operation for the compiler (about a tenth of
    // a large crate's check time). The request is built from the arguments before returning,
    // so the future borrows only the client: `use<'_>` says so, where edition 2024 would
    // otherwise tie it to every borrowed argument too.
    quote! {
        #docs
        #deprecated
        pub fn #name #generics (&self, #(#args),*) -> impl std::future::Future<Output = #result> + use<#captures> {
            #call
        }
    }
}

/// How a success body is received: the runtime call, what it gives, and what follows the
/// `.await` (usually nothing). `streamed` reads a binary body as it arrives instead of whole.
fn receive(
    api: &Api,
    payload: &Payload,
    errors: &TokenStream,
    streamed: bool,
) -> (TokenStream, TokenStream, TokenStream) {
    // A body that is a `time::OffsetDateTime` (or a list of them…) is read as RFC 3339 through
    // the runtime's wrapper: `time`'s own serde format is another.
    if let Payload::Json(ty) = payload {
        if holds_offset_date_time(api, ty) {
            let ty = rust_type(ty, &types_prefix());
            return (
                quote!(.send_json::<apigen_runtime::rfc3339::Wire<#ty>, _>(#errors)),
                ty,
                quote!(.map(|value| value.0)),
            );
        }
    }
    let (send, success) = match payload {
        Payload::Empty => (quote!(.send_empty(#errors)), quote!(())),
        Payload::Json(ty) | Payload::Form(ty) | Payload::Multipart(ty) => {
            (quote!(.send_json(#errors)), rust_type(ty, &types_prefix()))
        }
        Payload::Text => (quote!(.send_text(#errors)), quote!(String)),
        Payload::Bytes if streamed => (quote!(.send_stream(#errors)), quote!(apigen_runtime::ByteStream)),
        Payload::Bytes => (quote!(.send_bytes(#errors)), quote!(apigen_runtime::Bytes)),
        Payload::Events(ty) => {
            let decode = if *ty == TypeRef::String { quote!(text) } else { quote!(json) };
            let item = rust_type(ty, &types_prefix());
            (quote!(.send_events(#errors, apigen_runtime::stream::#decode)), quote!(apigen_runtime::EventStream<#item>))
        }
        Payload::Lines(ty, format) => {
            let format = match format {
                LineFormat::Lines => quote!(Lines),
                LineFormat::Sequence => quote!(Sequence),
            };
            let item = rust_type(ty, &types_prefix());
            (
                quote!(.send_lines(#errors, apigen_runtime::LineFormat::#format, apigen_runtime::stream::json)),
                quote!(apigen_runtime::LineStream<#item>),
            )
        }
    };
    (send, success, TokenStream::new())
}

/// Docs of a stream method: what it returns, and the plain method for the rest.
fn stream_docs(op: &Operation, payload: &Payload) -> String {
    let what = match payload {
        Payload::Bytes => "the response body as a stream of bytes, read as it arrives ([`apigen_runtime::ByteStream`]: never held whole in memory)".to_owned(),
        other => format!("the response as {}", payload_text(other)),
    };
    let mut text = format!("[`{}`](Self::{}), returning {what}.", op.fn_name, op.fn_name);
    if let Some(flag) = op.stream.as_ref().and_then(|m| m.flag.as_deref()) {
        text.push_str(&format!(" It sends the body with `\"{flag}\": true`, which asks for the stream."));
    }
    text
}

/// Argument types: strings as `&str` (also through an alias: `SnowflakeType = String`), cheap
/// scalars by value, everything else by reference.
pub(super) fn arg_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match unaliased(api, ty) {
        TypeRef::String => quote!(&str),
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Uuid => {
            rust_type(ty, &types_prefix())
        }
        _ => {
            let ty = rust_type(ty, &types_prefix());
            quote!(&#ty)
        }
    }
}

/// Whether the body argument is anything that converts into an [`apigen_runtime::Upload`].
fn upload_parameter(body: &Body) -> bool {
    body.required && matches!(body.payload, Payload::Bytes | Payload::Empty | Payload::Events(_) | Payload::Lines(..))
}

fn body_type(body: &Body) -> TokenStream {
    let inner = match &body.payload {
        Payload::Json(ty) | Payload::Form(ty) | Payload::Multipart(ty) => {
            let ty = rust_type(ty, &types_prefix());
            quote!(&#ty)
        }
        Payload::Text => quote!(String),
        // In memory, from a file or from a stream: `Upload` says which. (The model makes a
        // request body that streams bytes.)
        Payload::Bytes | Payload::Empty | Payload::Events(_) | Payload::Lines(..) if upload_parameter(body) => {
            return quote!(U)
        }
        Payload::Bytes | Payload::Empty | Payload::Events(_) | Payload::Lines(..) => quote!(apigen_runtime::Upload),
    };
    if body.required {
        inner
    } else {
        quote!(Option<#inner>)
    }
}

/// The body; `flag` is a boolean JSON property to set (`stream`) and its value.
fn body_call(api: &Api, body: &Body, flag: Option<(&str, bool)>) -> TokenStream {
    let content_type = &body.content_type;
    match (&body.payload, body.required) {
        // Written as RFC 3339 through the runtime's wrapper, as received bodies are read.
        (Payload::Json(ty), true) if holds_offset_date_time(api, ty) => {
            quote!(.json(&apigen_runtime::rfc3339::WireRef(body)))
        }
        (Payload::Json(ty), false) if holds_offset_date_time(api, ty) => {
            quote!(.json_opt(body.map(apigen_runtime::rfc3339::WireRef).as_ref()))
        }
        (Payload::Json(_), true) => match flag {
            Some((property, value)) => quote!(.json_setting(body, #property, #value)),
            None => quote!(.json(body)),
        },
        (Payload::Json(_), false) => quote!(.json_opt(body)),
        (Payload::Form(_), true) => quote!(.form(body)),
        (Payload::Form(_), false) => quote!(.form_opt(body)),
        (Payload::Multipart(ty), true) => {
            let parts = multipart(api, ty, quote!(body));
            quote!(.multipart(#parts))
        }
        (Payload::Multipart(ty), false) => {
            let parts = multipart(api, ty, quote!(body));
            quote!(.multipart_opt(body.map(|body| #parts)))
        }
        (Payload::Text, true) => quote!(.body(#content_type, body)),
        (Payload::Text, false) => quote!(.body_opt(#content_type, body)),
        (_, true) => quote!(.upload(#content_type, body)),
        (_, false) => quote!(.upload_opt(#content_type, body)),
    }
}

/// A multipart form with one part per property: binary properties as file parts, text as text,
/// anything structured as JSON. Read-only properties are the server's and are not sent.
fn multipart(api: &Api, ty: &TypeRef, body: TokenStream) -> TokenStream {
    let fields = match named_kind(api, ty) {
        Some(TypeKind::Struct(s)) => &s.fields,
        _ => return quote!(apigen_runtime::Multipart::new().json("body", #body)),
    };
    let parts = fields.iter().filter(|f| !f.read_only).map(|f| {
        let wire = &f.wire;
        let field = ident(&f.name);
        let (method, conversion) = match (&f.ty, f.secret) {
            (TypeRef::Bytes, _) => ("file", None),
            // Several files under one name: one part each.
            (TypeRef::List(item), _) if **item == TypeRef::Bytes => ("files", None),
            (_, true) => ("text", Some(quote!(v.expose()))),
            (ty, false) => match display(api, ty, quote!(v)) {
                None => ("text", None),
                Some(_) if matches!(ty, TypeRef::DateTime | TypeRef::OffsetDateTime) => {
                    ("text", display(api, ty, quote!(v)))
                }
                Some(_) => ("json", None),
            },
        };
        let always = f.required && !f.nullable;
        let access = quote!(#body.#field);
        if always {
            let method = format_ident!("{method}");
            let value = match conversion {
                Some(c) => quote!({ let v = &#access; #c }),
                None => quote!(&#access),
            };
            quote!(.#method(#wire, #value))
        } else {
            let method = format_ident!("{method}_opt");
            let present = if f.nullable && !f.required { quote!(#access.value()) } else { quote!(#access.as_ref()) };
            match conversion {
                Some(c) => quote!(.#method(#wire, #present.map(|v| #c))),
                None => quote!(.#method(#wire, #present)),
            }
        }
    });
    quote!(apigen_runtime::Multipart::new() #(#parts)*)
}

fn named_kind<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a TypeKind> {
    let TypeRef::Named(name) = ty else { return None };
    let def = api.type_named(name)?;
    match &def.kind {
        TypeKind::Alias(inner) => named_kind(api, inner),
        kind => Some(kind),
    }
}

/// How to render a parameter value as text, when the type does not do it itself with `Display`:
/// date-times as RFC 3339, lists joined by commas, objects as JSON.
fn display(api: &Api, ty: &TypeRef, value: TokenStream) -> Option<TokenStream> {
    match ty {
        TypeRef::DateTime => Some(quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))),
        TypeRef::OffsetDateTime => Some(quote!(apigen_runtime::rfc3339::text(&#value))),
        TypeRef::Json | TypeRef::Map(_) | TypeRef::Bytes | TypeRef::Base64 | TypeRef::Tuple(_) | TypeRef::OrNull(_) => {
            Some(quote!(apigen_runtime::ParamText::json(&#value)))
        }
        TypeRef::List(item) => {
            let items = match display(api, item, quote!(v)) {
                Some(conversion) => quote!(#value.iter().map(|v| #conversion)),
                None => quote!(#value.iter()),
            };
            Some(quote!(apigen_runtime::ParamText::joined(#items, ',')))
        }
        TypeRef::Named(name) => {
            let def = api.type_named(name)?;
            match &def.kind {
                TypeKind::Enum(_) => None,
                TypeKind::IntEnum(_) => Some(quote!(#value.0)),
                TypeKind::Alias(inner) => display(api, inner, value),
                TypeKind::Struct(_) | TypeKind::Union(_) => Some(quote!(apigen_runtime::ParamText::json(&#value))),
            }
        }
        _ => None,
    }
}

fn param_call(api: &Api, p: &Param) -> TokenStream {
    let wire = &p.wire;
    let name = ident(&p.name);
    let kind = match p.location {
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
        Location::QueryString => {
            return if p.required {
                quote!(.query_string(#name))
            } else {
                quote!(.query_string_opt(options.#name.as_ref()))
            };
        }
        Location::Path => unreachable!("path parameters fill the template"),
    };
    let value = if p.required { quote!(#name) } else { quote!(options.#name) };
    if let TypeRef::List(item) = &p.ty {
        let items = if p.required { quote!(#value.iter()) } else { quote!(#value.iter().flatten()) };
        let items = match display(api, item, quote!(v)) {
            Some(conversion) => quote!(#items.map(|v| #conversion)),
            None => items,
        };
        return match (p.location, p.joined_by) {
            (Location::Query, None) => quote!(.query_each(#wire, #items)),
            (Location::Query, Some(separator)) => quote!(.query_joined(#wire, #items, #separator)),
            (Location::Cookie, None) => quote!(.cookie_each(#wire, #items)),
            _ => {
                let method = format_ident!("{kind}_joined");
                quote!(.#method(#wire, #items, ','))
            }
        };
    }
    if p.required {
        let method = format_ident!("{kind}");
        let shown = display(api, &p.ty, quote!(#name)).unwrap_or(quote!(#name));
        quote!(.#method(#wire, &#shown))
    } else {
        let method = format_ident!("{kind}_opt");
        match display(api, &p.ty, quote!(v)) {
            Some(conversion) => quote!(.#method(#wire, #value.as_ref().map(|v| #conversion))),
            None => quote!(.#method(#wire, #value.as_ref())),
        }
    }
}

/// Whether `Method` has a constant for the operation's method (`Method::HEAD`).
fn method_constant(op: &Operation) -> bool {
    matches!(op.method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" | "TRACE" | "CONNECT")
}

/// The runtime's shorthand for the operation's method (`client.get(…)`), if it has one.
fn method_helper(op: &Operation) -> Option<proc_macro2::Ident> {
    matches!(op.method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE")
        .then(|| format_ident!("{}", op.method.to_ascii_lowercase()))
}

/// The client applies the document's top-level security; only operations that differ say so.
fn security(api: &Api, op: &Operation) -> TokenStream {
    if op.security == api.security {
        return TokenStream::new();
    }
    let alternatives = op.security.iter().map(|schemes| quote!(&[#(#schemes),*]));
    quote!(.security(&[#(#alternatives),*]))
}

/// Where a parameter travels, in words: `path`, `query`…
pub(super) fn location_name(p: &Param) -> &'static str {
    match p.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::QueryString => "query string",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

fn param_line(p: &Param) -> String {
    let mut line = format!("{} parameter {}", location_name(p), code(&p.wire));
    if let Some(docs) = &p.docs {
        line.push_str(": ");
        line.push_str(&inline(docs));
    }
    if let Some(constraints) = constraints_text(&p.constraints) {
        line.push_str(&format!(" ({constraints})"));
    }
    if p.deprecated {
        line.push_str(" (deprecated)");
    }
    line
}
