//! An operation's method signature: its arguments (the required parameters, positional, each
//! passed as its type allows; the body; the options struct holding the optional parameters),
//! the enum of outcomes it may return, and its return type, with the definitions of the two
//! types it declares. The method's body (`operations`, `request`), its docs (`operation_docs`)
//! and the example calls (`examples`) all read the one [`Signature`], so that they agree.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs::{code, constraints_text, doc, inline};
use super::rust::{ident, rust_type};
use crate::model::{Api, Body, Location, Operation, Outcome, Param, Payload, TypeRef};

/// How a type is written in an operations' module (`apis/<tag>.rs`), which imports
/// `crate::types`: `types::Pet`.
pub(super) fn apis_type(ty: &TypeRef) -> TokenStream {
    rust_type(ty, &quote!(types::))
}

/// What the method of an operation takes and returns. Its arguments, after `&self`, are the
/// positional ones, then the body, then the options.
pub(super) struct Signature<'a> {
    /// The operation the method calls.
    pub op: &'a Operation,
    /// The required parameters, in the document's order.
    pub positional: Vec<Arg<'a>>,
    pub body: Option<BodyArg<'a>>,
    /// The last argument, when the operation has optional parameters.
    pub options: Option<OptionsStruct<'a>>,
    /// What the method returns when success statuses carry different bodies.
    pub outcome: Option<OutcomeEnum<'a>>,
}

/// A required parameter, as an argument of the method.
pub(super) struct Arg<'a> {
    pub param: &'a Param,
    pub passing: Passing,
}

/// How an argument is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Passing {
    /// Text as `&str`, also through an alias (`SnowflakeType = String`): a string literal will do.
    Str,
    /// A cheap scalar (a number, `bool`, `Uuid`) by value.
    Value,
    /// Anything else by reference (`&types::Pet`), so that the caller keeps it.
    Reference,
}

/// The body, as an argument of the method.
pub(super) struct BodyArg<'a> {
    pub body: &'a Body,
    pub passing: BodyPassing<'a>,
}

/// How a body argument is passed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum BodyPassing<'a> {
    /// A JSON, form or multipart body, by reference to its type: `&types::Pet`.
    Reference(&'a TypeRef),
    /// Text, as a `String`.
    Text,
    /// Bytes (in memory, from a file or a stream: `Upload` says which): a required body is any
    /// `U: Into<apigen_runtime::Upload>`, an optional one an `Upload`. (The model makes a
    /// request body that streams bytes.)
    Upload,
}

/// The `Default` struct holding an operation's optional parameters: named fields rather than a
/// row of `None`s.
pub(super) struct OptionsStruct<'a> {
    /// `ListPetsOptions`.
    pub name: Ident,
    pub fields: Vec<&'a Param>,
}

/// The enum an operation returns when its success statuses carry different bodies.
pub(super) struct OutcomeEnum<'a> {
    /// `CreatePetOutcome`.
    pub name: Ident,
    pub outcomes: &'a [Outcome],
}

impl<'a> Signature<'a> {
    pub fn of(api: &Api, op: &'a Operation) -> Self {
        let upper = || heck::ToUpperCamelCase::to_upper_camel_case(op.fn_name.as_str());
        let positional = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| Arg { param: p, passing: Passing::of(api, &p.ty) })
            .collect();
        let body = op.body.as_ref().map(|body| BodyArg { body, passing: BodyPassing::of(&body.payload) });
        let fields: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
        let options = (!fields.is_empty()).then(|| OptionsStruct { name: format_ident!("{}Options", upper()), fields });
        let outcome = (!op.success.outcomes.is_empty())
            .then(|| OutcomeEnum { name: format_ident!("{}Outcome", upper()), outcomes: &op.success.outcomes });
        Signature { op, positional, body, options, outcome }
    }

    /// The arguments after `&self`: `pet_id: i64, body: &types::Pet, options: &ListPetsOptions`.
    pub fn arguments(&self) -> Vec<TokenStream> {
        let mut arguments: Vec<TokenStream> = self
            .positional
            .iter()
            .map(|arg| {
                let name = ident(&arg.param.name);
                let ty = arg.ty();
                quote!(#name: #ty)
            })
            .collect();
        if let Some(body) = &self.body {
            let ty = body.ty();
            arguments.push(quote!(body: #ty));
        }
        if let Some(options) = &self.options {
            let name = &options.name;
            arguments.push(quote!(options: &#name));
        }
        arguments
    }

    /// The method's type parameters: a body of bytes takes anything that converts into an
    /// upload, a type parameter of its own (rather than `impl Into<…>`), which the returned
    /// future's `use<…>` must name.
    pub fn generics(&self) -> TokenStream {
        match &self.body {
            Some(body) if body.is_type_parameter() => quote!(<U: Into<apigen_runtime::Upload>>),
            _ => TokenStream::new(),
        }
    }

    /// What the returned future captures (`use<…>`): the client, and the body's type parameter.
    pub fn captures(&self) -> TokenStream {
        match &self.body {
            Some(body) if body.is_type_parameter() => quote!('_, U),
            _ => quote!('_),
        }
    }

    /// `Result<…>` of what the method gives: with `stream`, the response read as that stream.
    pub fn result(&self, stream: Option<&Payload>) -> TokenStream {
        let success = match (stream, &self.outcome) {
            (Some(payload), _) => success_type(payload, true),
            (None, Some(outcome)) => {
                let name = &outcome.name;
                quote!(#name)
            }
            (None, None) => success_type(&self.op.success.payload, false),
        };
        match &self.op.error_type {
            Some(ty) => {
                let ty = apis_type(ty);
                quote!(Result<#success, #ty>)
            }
            None => quote!(Result<#success>),
        }
    }

    /// The generated types the signature names (and so needs `use crate::types` for): a
    /// positional parameter of an alias to `String` is a `&str`, and names none.
    pub fn named_types(&self) -> Vec<&'a str> {
        let op = self.op;
        let mut out = Vec::new();
        let payloads = op
            .success
            .outcomes
            .iter()
            .map(|o| &o.payload)
            .chain(op.body.as_ref().map(|b| &b.payload))
            .chain([&op.success.payload]);
        for ty in payloads.filter_map(Payload::typed) {
            out.extend(ty.named_types());
        }
        let params = self.positional.iter().filter(|arg| arg.passing != Passing::Str).map(|arg| arg.param);
        for p in params.chain(self.options.iter().flat_map(|o| o.fields.iter().copied())) {
            out.extend(p.ty.named_types());
        }
        if let Some(ty) = &op.error_type {
            out.extend(ty.named_types());
        }
        out
    }
}

impl Passing {
    fn of(api: &Api, ty: &TypeRef) -> Self {
        match api.unaliased(ty) {
            TypeRef::String => Passing::Str,
            TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Uuid => Passing::Value,
            _ => Passing::Reference,
        }
    }
}

impl Arg<'_> {
    /// The argument's type: `&str`, `i64`, `&types::Pet`.
    pub fn ty(&self) -> TokenStream {
        match self.passing {
            Passing::Str => quote!(&str),
            Passing::Value => apis_type(&self.param.ty),
            Passing::Reference => {
                let ty = apis_type(&self.param.ty);
                quote!(&#ty)
            }
        }
    }
}

impl<'a> BodyPassing<'a> {
    fn of(payload: &'a Payload) -> Self {
        match payload {
            Payload::Json(ty) | Payload::Form(ty) | Payload::Multipart(ty) => BodyPassing::Reference(ty),
            Payload::Text => BodyPassing::Text,
            Payload::Bytes | Payload::Empty | Payload::Events(_) | Payload::Lines(..) => BodyPassing::Upload,
        }
    }
}

impl BodyArg<'_> {
    /// Whether the argument's type is the method's type parameter `U` (a required upload).
    fn is_type_parameter(&self) -> bool {
        self.body.required && self.passing == BodyPassing::Upload
    }

    /// The argument's type: `&types::Pet`, `String`, `U`, `Option<…>` of those when optional.
    fn ty(&self) -> TokenStream {
        if self.is_type_parameter() {
            return quote!(U);
        }
        let inner = match self.passing {
            // A JSON string body (Jira's watcher, a user's name) takes a string literal.
            BodyPassing::Reference(TypeRef::String) => quote!(&str),
            BodyPassing::Reference(ty) => {
                let ty = apis_type(ty);
                quote!(&#ty)
            }
            BodyPassing::Text => quote!(String),
            BodyPassing::Upload => quote!(apigen_runtime::Upload),
        };
        if self.body.required {
            inner
        } else {
            quote!(Option<#inner>)
        }
    }
}

impl OptionsStruct<'_> {
    /// The struct's definition, for the operation `fn_name`.
    pub fn definition(&self, fn_name: &str) -> TokenStream {
        let name = &self.name;
        let struct_docs = doc(&format!("Optional parameters of `{fn_name}`."));
        let fields = self.fields.iter().map(|p| {
            let field = ident(&p.name);
            let ty = apis_type(&p.ty);
            let docs = doc(&field_docs(p));
            quote! {
                #docs
                pub #field: Option<#ty>,
            }
        });
        quote! {
            #struct_docs
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct #name {
                #(#fields)*
            }
        }
    }
}

impl OutcomeEnum<'_> {
    /// The enum's definition, for the operation `fn_name`: one variant per success status.
    pub fn definition(&self, fn_name: &str) -> TokenStream {
        let name = &self.name;
        let docs = doc(&format!("The success outcomes of `{fn_name}`, one per status."));
        let variants = self.outcomes.iter().map(|o| {
            let variant = format_ident!("{}", o.name);
            let docs = doc(&format!("`{}`: {}", o.status, inline(&o.description)));
            let payload = match &o.payload {
                Payload::Empty => None,
                // The model makes a streamed outcome text: an enum of outcomes is read whole.
                Payload::Text | Payload::Events(_) | Payload::Lines(..) => Some(quote!(String)),
                Payload::Bytes => Some(quote!(apigen_runtime::Bytes)),
                Payload::Json(ty) | Payload::Form(ty) | Payload::Multipart(ty) => Some(apis_type(ty)),
            };
            match payload {
                Some(payload) => quote!(#docs #variant(#payload),),
                None => quote!(#docs #variant,),
            }
        });
        quote! {
            #docs
            #[derive(Clone, Debug, PartialEq)]
            pub enum #name {
                #(#variants)*
            }
        }
    }
}

/// The type a success body is received as; `streamed` reads a binary body as it arrives
/// instead of whole.
fn success_type(payload: &Payload, streamed: bool) -> TokenStream {
    match payload {
        Payload::Empty => quote!(()),
        Payload::Json(ty) | Payload::Form(ty) | Payload::Multipart(ty) => apis_type(ty),
        Payload::Text => quote!(String),
        Payload::Bytes if streamed => quote!(apigen_runtime::ByteStream),
        Payload::Bytes => quote!(apigen_runtime::Bytes),
        Payload::Events(ty) => {
            let item = apis_type(ty);
            quote!(apigen_runtime::EventStream<#item>)
        }
        Payload::Lines(ty, _) => {
            let item = apis_type(ty);
            quote!(apigen_runtime::LineStream<#item>)
        }
    }
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

/// The docs of an options struct's field: ``query parameter `limit`: How many (at most 100)``.
fn field_docs(p: &Param) -> String {
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
