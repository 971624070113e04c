//! `lib.rs`: the crate docs, the client and its accessors, one per tag.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{clean, code, doc, inline};
use super::examples::{client_expression, example_call};
use super::rust::{cfg, ident};
use crate::model::{Api, Operation, Payload, ServerUrl, TypeRef, FULL_FEATURE};
use crate::Options;

pub fn lib(api: &Api, options: &Options) -> TokenStream {
    let crate_docs = crate_docs(api, options)
        .lines()
        .map(|line| {
            let line = if line.is_empty() { String::new() } else { format!(" {line}") };
            quote!(#![doc = #line])
        })
        .collect::<TokenStream>();
    let base_url = api.servers.first().map_or("http://localhost", |s| s.url.as_str());
    let base_url_docs = match api.servers.first() {
        Some(server) => format!(
            "The first server the document lists{}.",
            server.description.as_deref().map(|d| format!(": {}", inline(d))).unwrap_or_default()
        ),
        None => "The document lists no server: set one with `Client::builder().base_url(…)`.".to_owned(),
    };
    let base_url_docs = doc(&base_url_docs);
    let server_url = api.servers.first().filter(|s| !s.variables.is_empty()).map(server_url);
    // The default security is set on wrapping rather than in `builder()` so that a runtime
    // client built by hand and converted with `From` authenticates too.
    let (security, wrap_docs, wrap_runtime) = if api.security.is_empty() {
        (quote!(), quote!(), quote!(Self { inner }))
    } else {
        let alternatives = api.security.iter().map(|schemes| quote!(&[#(#schemes),*]));
        (
            quote! {
                /// The document's top-level security: what operations need unless they say otherwise.
                pub const SECURITY: apigen_runtime::Security = &[#(#alternatives),*];
            },
            doc("Wraps a runtime client; its requests need [`SECURITY`] unless its builder set another default."),
            quote!(Self { inner: inner.or_default_security(SECURITY) }),
        )
    };
    let title = &api.title;
    let client_docs = doc(&format!("Client for the {title}.\n\nCheap to clone: clones share one connection pool."));
    let accessors = api.groups.iter().map(|g| {
        let accessor = ident(&g.module);
        let type_name = ident(&g.type_name);
        let docs = doc(&format!("Operations tagged {}.", code(&g.tag)));
        let gate = cfg(&g.features);
        quote! {
            #docs
            #gate
            pub fn #accessor(&self) -> apis::#type_name<'_> {
                apis::#type_name::new(&self.inner)
            }
        }
    });
    let user_agent = format!("{}/{}", options.crate_name, options.crate_version);
    let webhooks = (!api.webhooks.is_empty()).then(|| {
        let gate = cfg(api.webhooks[0].feature.as_slice());
        quote!(#gate pub mod webhooks;)
    });
    // Document text is made safe for rustdoc (`docs::clean`), so no rustdoc lint is turned off,
    // except with tag features: the crate docs link every tag's API, and a build with only some
    // features on leaves the others out.
    let allow = options.tag_features.then(|| quote!(#![allow(rustdoc::broken_intra_doc_links)]));
    quote! {
        #crate_docs
        #allow

        pub mod apis;
        pub mod auth;
        pub mod types;
        #webhooks

        pub use apigen_runtime::{ApiError, Bytes, CallOptions, Credential, DecodeError, Error, FilePart, Nullable, Response, Result, Secret, Upload, WithMeta};
        /// OAuth2 flows and token providers: tokens from a vault or a metadata service with `Credential::oauth2`.
        pub use apigen_runtime::oauth2;

        #base_url_docs
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #server_url

        /// Sent as `User-Agent` unless the builder sets another.
        pub const USER_AGENT: &str = #user_agent;

        #security

        #client_docs
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: apigen_runtime::Client,
        }

        impl Client {
            /// A client for [`DEFAULT_BASE_URL`] that authenticates with `credential`.
            pub fn new(credential: impl Into<Credential>) -> Result<Self> {
                Self::builder().credential(credential).build()
            }

            /// A builder starting from [`DEFAULT_BASE_URL`] and [`USER_AGENT`]: set the base URL,
            /// credentials, timeouts or your own `reqwest::Client` there.
            pub fn builder() -> apigen_runtime::ClientBuilder<Self> {
                apigen_runtime::ClientBuilder::new(DEFAULT_BASE_URL).user_agent(USER_AGENT)
            }

            /// The runtime client underneath, for requests this crate does not describe.
            pub fn runtime(&self) -> &apigen_runtime::Client {
                &self.inner
            }

            /// This client with [`CallOptions`] for the calls made through it: a timeout, extra
            /// headers or query parameters, a retry policy, a body limit, an idempotency key
            /// (`client.with_options(CallOptions::new().body_limit(1 << 30))`). Shares the
            /// connection pool and credentials.
            pub fn with_options(&self, options: CallOptions) -> Self {
                Self { inner: self.inner.with_options(options) }
            }

            #(#accessors)*
        }

        #wrap_docs
        impl From<apigen_runtime::Client> for Client {
            fn from(inner: apigen_runtime::Client) -> Self {
                #wrap_runtime
            }
        }
    }
}

/// The first server's URL template as a function of its variables.
fn server_url(server: &ServerUrl) -> TokenStream {
    let mut text = format!(
        "The base URL {} with its variables filled in; [`DEFAULT_BASE_URL`] uses their defaults.\n",
        code(&server.template)
    );
    for v in &server.variables {
        text.push_str(&format!("\n- `{}`: default {}", v.param, code(&v.default)));
        if !v.allowed.is_empty() {
            let allowed: Vec<String> = v.allowed.iter().map(|a| code(a)).collect();
            text.push_str(&format!(", one of {}", allowed.join(", ")));
        }
        if let Some(description) = &v.description {
            text.push_str(&format!(": {}", inline(description)));
        }
    }
    let docs = doc(&text);
    let params: Vec<_> = server.variables.iter().map(|v| ident(&v.param)).collect();
    // `{name}` in the template → `{}` filled positionally, in the order the variables are listed.
    let mut template = server.template.replace('{', "{{").replace('}', "}}");
    for v in &server.variables {
        template = template.replace(&format!("{{{{{}}}}}", v.name), "{}");
    }
    let mut ordered: Vec<(usize, &proc_macro2::Ident)> = server
        .variables
        .iter()
        .zip(&params)
        .map(|(v, p)| (server.template.find(&format!("{{{}}}", v.name)).unwrap_or(0), p))
        .collect();
    ordered.sort_by_key(|(at, _)| *at);
    let args = ordered.iter().map(|(_, p)| p);
    quote! {
        #docs
        pub fn server_url(#(#params: &str),*) -> String {
            format!(#template, #(#args),*)
        }
    }
}

fn crate_docs(api: &Api, options: &Options) -> String {
    let krate = crate::model::crate_ident(&options.crate_name);
    let mut text = format!("Client for the {} (version {}).", api.title, api.version);
    if let Some(summary) = api.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        text.push_str(&format!(" {}", inline(summary)));
    }
    if let Some(description) = &api.description {
        text.push_str("\n\n");
        text.push_str(&clean(description));
    }
    if let Some(license) = &api.license {
        text.push_str(&format!("\n\nThe document publishes the API under the {} license.", code(license)));
    }
    let count = |n: usize, what: &str| if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") };
    text.push_str(&format!(
        "\n\nGenerated by apigen from the OpenAPI document: {}, {}.",
        count(api.operations.len(), "operation"),
        count(api.types().len(), "type")
    ));
    if api.operations.is_empty() {
        // A document of webhooks or shared schemas only: there is nothing to call.
        text.push_str("\n\nThe document describes no operation to call: this crate holds its types.\n");
        webhooks_docs(api, &mut text);
        features_docs(api, options, &mut text);
        return text;
    }
    // One call, preferably one that sends a body: it shows how request types are built.
    let sends_body =
        |op: &&Operation| matches!(op.body.as_ref().map(|b| &b.payload), Some(Payload::Json(TypeRef::Named(_))));
    let shown = api.operations.iter().find(sends_body).or(api.operations.first());
    text.push_str("\n\n# Usage\n\n```no_run\n");
    // The example compiles only with the feature of the operation it calls (the doctest is empty
    // without it).
    if let Some(feature) = shown.and_then(|op| op.feature.as_deref()) {
        text.push_str(&format!("# #[cfg(feature = \"{feature}\")]\n"));
    }
    text.push_str("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    if let Some(op) = shown {
        text.push_str(&format!("let client = {};\n", client_expression(api, op, &krate)));
        let group = api.groups.iter().find(|g| g.operations.iter().any(|&i| api.operations[i].id == op.id));
        if let Some(group) = group {
            let (setup, call) = example_call(api, group, op, &krate);
            for line in setup {
                text.push_str(&line);
                text.push('\n');
            }
            text.push_str(&format!("let response = {call}.await?;\nprintln!(\"{{response:?}}\");\n"));
        }
    }
    text.push_str("# Ok(())\n# }\n```\n");
    text.push_str(
        "\n# Errors\n\nEvery operation returns [`Result`]: a status the operation does not declare as a success is \
         an [`Error::Status`] keeping the status, headers, body and the document's description of it (with the \
         typed body when the document declares one); a success body that does not decode is an \
         [`Error::Decode`] naming the type.\n",
    );
    text.push_str(
        "\n# Per-call options and response headers\n\n[`Client::with_options`] gives a view of the client whose \
         calls carry [`CallOptions`] (a timeout, extra headers or query parameters, a retry policy, a body limit, \
         an idempotency key). `.with_meta()` on any call ([`WithMeta`]) returns its body in a [`Response`] with the \
         status and headers.\n",
    );
    if !api.security.is_empty() {
        text.push_str(
            "\n# Authentication\n\nOperations need the document's top-level security ([`SECURITY`]) unless their \
             documentation says otherwise. Credentials are built in [`auth`] and redacted in `Debug`.\n",
        );
    }
    text.push_str("\n# Operations\n\nGrouped by tag, as the document groups them:\n");
    for group in &api.groups {
        let count = match group.operations.len() {
            1 => "1 operation".to_owned(),
            n => format!("{n} operations"),
        };
        text.push_str(&format!("- [`{}`](apis::{}): {count}\n", group.tag, group.type_name));
    }
    webhooks_docs(api, &mut text);
    features_docs(api, options, &mut text);
    text
}

/// How to compile only part of the API, when each tag is a feature.
fn features_docs(api: &Api, options: &Options, text: &mut String) {
    if !options.tag_features {
        return;
    }
    let features: Vec<String> = api.features.iter().map(|f| code(f)).collect();
    text.push_str(&format!(
        "\n# Cargo features\n\nEach tag is a cargo feature compiling its operations and the types they use: {}. \
         `{FULL_FEATURE}`, the default, is all of them (and the types no operation uses). To compile only what you \
         call, depend on this crate with `default-features = false` and the features of the tags you use.\n",
        if features.is_empty() { "none here".to_owned() } else { features.join(", ") }
    ));
}

fn webhooks_docs(api: &Api, text: &mut String) {
    if !api.webhooks.is_empty() {
        text.push_str("\n# Webhooks\n\nRequests the API sends to your server; [`webhooks`] names the type each body decodes into:\n");
        for webhook in &api.webhooks {
            let payload = match super::webhooks::payload_type(webhook) {
                Some(_) => format!(": [`webhooks::{}`]", webhook.alias),
                None => ", without a body".to_owned(),
            };
            text.push_str(&format!("- {} (`{}`){payload}\n", code(&webhook.name), webhook.method));
        }
    }
}
