//! The body of an operation's method: the chain of runtime calls that builds the request from
//! the arguments (method and path, security, parameters, body), sends it and reads the answer.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust::ident;
use super::signature::{apis_type, Signature};
use super::types::holds_offset_date_time;
use crate::model::{Api, Body, LineFormat, Location, Operation, Param, Payload, TypeKind, TypeRef};

/// A method's body, by the kind of method it makes.
pub(super) enum MethodBody {
    /// Awaits inside: the method is an `async fn`.
    Async(TokenStream),
    /// The runtime's future itself, which the method returns.
    Future(TokenStream),
}

/// The body of the method of `signature`; with `stream`, of the method returning the response
/// as that stream. `errors` is the operation's table of error statuses.
pub(super) fn method_body(
    api: &Api,
    signature: &Signature,
    errors: &TokenStream,
    stream: Option<&Payload>,
) -> MethodBody {
    let op = signature.op;
    let request = request(api, op, stream.is_some());
    match (&signature.outcome, stream) {
        (Some(outcome), None) => {
            let (send_raw, arms) = outcome_arms(api, op, &outcome.name);
            MethodBody::Async(quote! {
                let response = self
                    .client
                    .#request
                    .#send_raw()
                    .await?;
                match response.status.as_u16() {
                    #(#arms)*
                    _ => Err(response.into_error(#errors)),
                }
            })
        }
        _ => {
            let Receive { send, then } = match stream {
                Some(payload) => receive(api, payload, errors, true),
                None => receive(api, &op.success.payload, errors, false),
            };
            let call = quote! {
                self.client
                    .#request
                    #send
            };
            match then {
                Some(then) => MethodBody::Async(quote!(#call.await #then)),
                None => MethodBody::Future(call),
            }
        }
    }
}

/// The request, as the runtime calls that build it from the method's arguments: method and
/// path, security, parameters, body. `streaming`: for the method returning a stream.
pub(super) fn request(api: &Api, op: &Operation, streaming: bool) -> TokenStream {
    let path = &op.path;
    let path_args = op.params.iter().filter(|p| p.location == Location::Path).map(|p| {
        let arg = ident(&p.name);
        display(api, &p.ty, quote!(#arg)).unwrap_or(quote!(#arg))
    });
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
    let security = security(api, op);
    let redirect_answers = op.success.redirect_answers.then(|| quote!(.redirect_answers()));
    let scopes = (!op.scopes.is_empty()).then(|| {
        let scopes = &op.scopes;
        quote!(.scopes(&[#(#scopes),*]))
    });
    let idempotency = op.idempotency_header.as_deref().map(|header| quote!(.idempotency_header(#header)));
    let params = op.params.iter().filter(|p| p.location != Location::Path).map(|p| param_call(api, p));
    // The body property that asks for a stream is set by the stream method, cleared by the other.
    let flag = op.stream.as_ref().and_then(|m| m.flag.as_deref()).map(|flag| (flag, streaming));
    let body_call = op.body.as_ref().map(|b| body_call(api, b, flag));
    quote! {
        #start
        #security
        #scopes
        #redirect_answers
        #idempotency
        #(#params)*
        #body_call
    }
}

/// For an operation whose success statuses carry different bodies (the enum `outcome`): the
/// runtime call that sends the request and gives the response whole, and one `match` arm per
/// status making the variant.
fn outcome_arms(api: &Api, op: &Operation, outcome: &Ident) -> (Ident, Vec<TokenStream>) {
    let arms = op
        .success
        .outcomes
        .iter()
        .map(|o| {
            let status = proc_macro2::Literal::u16_unsuffixed(o.status);
            let variant = format_ident!("{}", o.name);
            let value = match &o.payload {
                Payload::Empty => quote!(Ok(#outcome::#variant)),
                Payload::Text => quote!(response.text().map(#outcome::#variant)),
                Payload::Bytes => quote!(Ok(#outcome::#variant(response.body))),
                Payload::Json(ty) if holds_offset_date_time(api, ty) => {
                    let ty = apis_type(ty);
                    quote!(response.json::<apigen_runtime::rfc3339::Wire<#ty>, _>().map(|value| #outcome::#variant(value.0)))
                }
                _ => quote!(response.json().map(#outcome::#variant)),
            };
            quote!(#status => #value,)
        })
        .collect();
    let any_json = op.success.outcomes.iter().any(|o| matches!(o.payload, Payload::Json(_)));
    let send_raw = if any_json { format_ident!("send_raw_json") } else { format_ident!("send_raw") };
    (send_raw, arms)
}

/// Whether the method's body names `apigen_runtime::Method` (`Method::HEAD`), which its module
/// then imports.
pub(super) fn names_method_constant(op: &Operation) -> bool {
    method_helper(op).is_none() && method_constant(op)
}

/// Whether the request reads a deprecated field: a multipart body, sent part by part.
pub(super) fn reads_deprecated_field(api: &Api, op: &Operation) -> bool {
    matches!(op.body.as_ref().map(|b| &b.payload), Some(Payload::Multipart(ty))
        if matches!(named_kind(api, ty), Some(TypeKind::Struct(s)) if s.fields.iter().any(|f| f.deprecated)))
}

/// How a success body is received: the runtime call that sends the request and reads the body,
/// and what follows its `.await`, if anything.
struct Receive {
    send: TokenStream,
    /// A conversion of what the runtime gives (`.map(|value| value.0)`): the method then awaits
    /// the call itself.
    then: Option<TokenStream>,
}

/// How a success body is received. `streamed` reads a binary body as it arrives instead of
/// whole; the type it gives is [`Signature::result`]'s.
fn receive(api: &Api, payload: &Payload, errors: &TokenStream, streamed: bool) -> Receive {
    // A body that is a `time::OffsetDateTime` (or a list of them…) is read as RFC 3339 through
    // the runtime's wrapper: `time`'s own serde format is another.
    if let Payload::Json(ty) = payload {
        if holds_offset_date_time(api, ty) {
            let ty = apis_type(ty);
            return Receive {
                send: quote!(.send_json::<apigen_runtime::rfc3339::Wire<#ty>, _>(#errors)),
                then: Some(quote!(.map(|value| value.0))),
            };
        }
    }
    let send = match payload {
        Payload::Empty => quote!(.send_empty(#errors)),
        Payload::Json(_) | Payload::Form(_) | Payload::Multipart(_) => quote!(.send_json(#errors)),
        Payload::Text => quote!(.send_text(#errors)),
        Payload::Bytes if streamed => quote!(.send_stream(#errors)),
        Payload::Bytes => quote!(.send_bytes(#errors)),
        Payload::Events(ty) => {
            let decode = if *ty == TypeRef::String { quote!(text) } else { quote!(json) };
            quote!(.send_events(#errors, apigen_runtime::stream::#decode))
        }
        Payload::Lines(_, format) => {
            let format = match format {
                LineFormat::Lines => quote!(Lines),
                LineFormat::Sequence => quote!(Sequence),
            };
            quote!(.send_lines(#errors, apigen_runtime::LineFormat::#format, apigen_runtime::stream::json))
        }
    };
    Receive { send, then: None }
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
fn method_helper(op: &Operation) -> Option<Ident> {
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
