//! `lib.rs`: the crate docs, the client and its accessors, one per tag.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, doc, inline};
use super::rust::{cfg, ident};
use crate::model::{Api, ServerUrl};
use crate::Options;

pub fn lib(api: &Api, options: &Options) -> TokenStream {
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
    // The crate docs are the README (`emit::readme`), so that the registry and rustdoc show one
    // front page.
    quote! {
        #![doc = include_str!("../README.md")]
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
