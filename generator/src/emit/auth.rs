//! `auth.rs`: a constructor of credentials per security scheme the document declares.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{clean, code, doc};
use super::rust::ident;
use crate::model::{Api, SchemeKind, SecurityScheme};

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
            SchemeKind::OAuth2 { .. } => (
                "an OAuth2 access token you already hold, sent as `Authorization: Bearer <token>` (the flows below fetch and refresh one)".to_owned(),
                quote!(token: impl Into<String>),
                quote!(Credential::bearer(#scheme_name, token)),
            ),
        };
        let mut text = format!("`{scheme_name}`: {how}.");
        if let Some(description) = &scheme.description {
            text.push_str("\n\n");
            text.push_str(&clean(description));
        }
        text.push_str("\n\nThe secret is redacted in `Debug`.");
        let docs = doc(&text);
        let flows = oauth_flows(scheme);
        quote! {
            #docs
            pub fn #name(#arg) -> Credential {
                #body
            }
            #flows
        }
    });
    let oauth = api.security_schemes.iter().any(|s| matches!(s.kind, SchemeKind::OAuth2 { .. }));
    let import = match (api.security_schemes.is_empty(), oauth) {
        (true, _) => None,
        (false, false) => Some(quote!(
            use apigen_runtime::Credential;
        )),
        (false, true) => Some(quote!(
            use apigen_runtime::{oauth2::OAuth2, Credential};
        )),
    };
    quote! {
        //! Credentials for the security schemes the document declares.

        #import

        #(#constructors)*
    }
}

/// For an OAuth2 scheme with flows the client can use by itself: a constructor per flow, with
/// the document's token URL. They return the flow, to adjust (scopes, secret, refresh margin)
/// before it becomes a credential with `.into()` (`ClientBuilder::credential` takes either).
fn oauth_flows(scheme: &SecurityScheme) -> Option<TokenStream> {
    let SchemeKind::OAuth2 { client_credentials, refresh } = &scheme.kind else { return None };
    let scheme_name = &scheme.name;
    let client_credentials = client_credentials.as_deref().map(|url| {
        let name = ident(&format!("{}_client_credentials", scheme.fn_name));
        let docs = doc(&format!(
            "`{scheme_name}` with the client credentials flow: the client fetches its own access token from {} \
             with this client id and secret, caches it, refreshes it before it expires (and once when the API \
             answers `401`), and asks for the scopes each operation needs. Concurrent calls share one fetch.\n\n\
             The secret and the tokens are redacted in `Debug` and never logged.",
            code(url)
        ));
        quote! {
            #docs
            pub fn #name(client_id: impl Into<String>, client_secret: impl Into<String>) -> OAuth2 {
                OAuth2::client_credentials(#scheme_name, #url, client_id, client_secret)
            }
        }
    });
    let refresh = refresh.as_deref().map(|url| {
        let name = ident(&format!("{}_refresh_token", scheme.fn_name));
        let docs = doc(&format!(
            "`{scheme_name}` from a refresh token you hold (after the authorization code or password flow): \
             the client exchanges it at {} for access tokens, again whenever one expires or is refused, and keeps \
             the new refresh token a server sends. A confidential client adds its secret with \
             `.client_secret(…)`; a token you already hold goes in `.access_token(…)`.\n\n\
             The tokens are redacted in `Debug` and never logged.",
            code(url)
        ));
        quote! {
            #docs
            pub fn #name(client_id: impl Into<String>, refresh_token: impl Into<String>) -> OAuth2 {
                OAuth2::refresh_token(#scheme_name, #url, client_id, refresh_token)
            }
        }
    });
    Some(quote!(#client_credentials #refresh))
}
