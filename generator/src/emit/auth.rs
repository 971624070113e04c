//! `auth.rs`: a constructor of credentials per security scheme the document declares.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{clean, doc};
use super::rust::ident;
use crate::model::{Api, SchemeKind};

pub fn module(api: &Api) -> TokenStream {
    let constructors = api.security_schemes.iter().map(|scheme| {
        let name = ident(&scheme.fn_name);
        let scheme_name = &scheme.name;
        let (how, arg, body) = match &scheme.kind {
            SchemeKind::Bearer { format } => (
                format!(
                    "HTTP bearer token{}: `Authorization: Bearer <token>`",
                    format.as_deref().map(|f| format!(" ({f})")).unwrap_or_default()
                ),
                quote!(token: impl Into<String>),
                quote!(Credential::bearer(#scheme_name, token)),
            ),
            SchemeKind::Basic => (
                "HTTP basic authentication".to_owned(),
                quote!(user: impl Into<String>, password: impl Into<String>),
                quote!(Credential::basic(#scheme_name, user, password)),
            ),
            SchemeKind::ApiKeyHeader { header } => (
                format!("API key in the `{header}` header; add a prefix with `.with_prefix(…)`"),
                quote!(key: impl Into<String>),
                quote!(Credential::api_key_header(#scheme_name, #header, key)),
            ),
            SchemeKind::ApiKeyQuery { name } => (
                format!("API key in the `{name}` query parameter"),
                quote!(key: impl Into<String>),
                quote!(Credential::api_key_query(#scheme_name, #name, key)),
            ),
            SchemeKind::ApiKeyCookie { name } => (
                format!("API key in the `{name}` cookie"),
                quote!(key: impl Into<String>),
                quote!(Credential::api_key_cookie(#scheme_name, #name, key)),
            ),
        };
        let mut text = format!("`{scheme_name}`: {how}.");
        if let Some(description) = &scheme.description {
            text.push_str("\n\n");
            text.push_str(&clean(description));
        }
        text.push_str("\n\nThe secret is redacted in `Debug`.");
        let docs = doc(&text);
        quote! {
            #docs
            pub fn #name(#arg) -> Credential {
                #body
            }
        }
    });
    let import = (!api.security_schemes.is_empty()).then(|| {
        quote!(
            use apigen_runtime::Credential;
        )
    });
    quote! {
        //! Credentials for the security schemes the document declares.

        #import

        #(#constructors)*
    }
}
