//! Webhooks → `webhooks.rs`: one alias per webhook, naming the type its deliveries decode into.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{clean, code, doc, inline};
use super::rust::rust_type;
use crate::model::{Api, Payload, TypeRef, Webhook};

/// The type a webhook's body decodes into, if it has a body.
pub fn payload_type(webhook: &Webhook) -> Option<TokenStream> {
    match &webhook.body.as_ref()?.payload {
        Payload::Empty => None,
        Payload::Text => Some(quote!(String)),
        Payload::Bytes | Payload::Events(_) | Payload::Lines(..) => Some(quote!(apigen_runtime::Bytes)),
        Payload::Json(ty) | Payload::Form(ty) | Payload::Multipart(ty) => Some(rust_type(ty, &quote!(crate::types::))),
    }
}

pub fn module(api: &Api) -> TokenStream {
    let aliases = api.webhooks.iter().filter_map(|webhook| {
        let ty = payload_type(webhook)?;
        let name = format_ident!("{}", webhook.alias);
        let docs = doc(&webhook_docs(webhook));
        Some(quote! {
            #docs
            pub type #name = #ty;
        })
    });
    let without_body: Vec<String> = api
        .webhooks
        .iter()
        .filter(|w| payload_type(w).is_none())
        .map(|w| format!("{} (`{}`)", code(&w.name), w.method))
        .collect();
    let mut module_docs = "Requests the API sends to your server (the document's `webhooks`): the type each \
                           delivery's body decodes into, e.g. `serde_json::from_slice::<webhooks::Name>(&body)`."
        .to_owned();
    if !without_body.is_empty() {
        module_docs.push_str(&format!("\n\nWebhooks without a body: {}.", without_body.join(", ")));
    }
    let module_docs = module_docs.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #line])
    });
    let deprecated = api
        .webhooks
        .iter()
        .filter_map(|w| w.body.as_ref()?.payload.typed())
        .any(|ty| matches!(ty, TypeRef::Named(name) if api.type_named(name).is_some_and(|t| t.deprecated)));
    let allow_deprecated = deprecated.then(|| quote!(#![allow(deprecated)]));
    quote! {
        #(#module_docs)*
        #allow_deprecated

        #(#aliases)*
    }
}

fn webhook_docs(webhook: &Webhook) -> String {
    let mut paragraphs = Vec::new();
    let summary = webhook.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    paragraphs.push(match summary {
        Some(summary) => inline(summary),
        None => format!("The body of the {} webhook.", code(&webhook.name)),
    });
    let mut line = format!("Webhook {}: the API sends `{}` with this body", code(&webhook.name), webhook.method);
    if let Some(body) = &webhook.body {
        line.push_str(&format!(" (`{}`{})", body.content_type, if body.required { "" } else { ", optional" }));
    }
    line.push('.');
    if !webhook.responses.is_empty() {
        let answers: Vec<String> = webhook
            .responses
            .iter()
            .map(|(status, description)| format!("`{status}`: {}", inline(description)))
            .collect();
        line.push_str(&format!(" Answer with {}.", answers.join("; ")));
    }
    paragraphs.push(line);
    if let Some(description) = webhook.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        paragraphs.push(clean(description));
    }
    if let Some(docs) = webhook.body.as_ref().and_then(|b| b.docs.as_deref()) {
        paragraphs.push(clean(docs));
    }
    paragraphs.join("\n\n")
}
