//! Credentials, and which of them a request gets.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use http::{HeaderName, HeaderValue};

use crate::oauth2::{AccessToken, OAuth2, TokenError, TokenProvider, TokenRequest};

/// A security requirement list from the document: alternatives (any one suffices) of scheme
/// sets (all needed). `&[&["bearerAuth"], &["ApiKeyAuth"]]` is bearer or API key; an empty
/// alternative means anonymous access is allowed.
pub type Security = &'static [&'static [&'static str]];

/// A credential for one security scheme of the document, by scheme name. `Debug` never shows
/// the secret.
#[derive(Clone)]
pub struct Credential {
    scheme: String,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Bearer {
        token: String,
    },
    Basic {
        user: String,
        password: String,
    },
    ApiKeyHeader {
        header: String,
        prefix: Option<String>,
        key: String,
    },
    ApiKeyQuery {
        name: String,
        key: String,
    },
    ApiKeyCookie {
        name: String,
        key: String,
    },
    /// An access token asked of the provider on every attempt (it caches).
    OAuth2 {
        provider: Arc<dyn TokenProvider>,
    },
}

/// Why a credential could not be added to a request.
pub(crate) enum CredentialError {
    /// A value a header cannot carry.
    Invalid(String),
    /// No token could be had.
    Token(TokenError),
}

impl Credential {
    /// `Authorization: Bearer <token>` for the http/bearer scheme named `scheme` (also OAuth2
    /// and OpenID Connect access tokens).
    pub fn bearer(scheme: &str, token: impl Into<String>) -> Self {
        Self::new(scheme, Kind::Bearer { token: token.into() })
    }

    /// `Authorization: Basic base64(user:password)`.
    pub fn basic(scheme: &str, user: impl Into<String>, password: impl Into<String>) -> Self {
        Self::new(scheme, Kind::Basic { user: user.into(), password: password.into() })
    }

    /// `<header>: [<prefix> ]<key>` for an apiKey-in-header scheme.
    pub fn api_key_header(scheme: &str, header: &str, key: impl Into<String>) -> Self {
        Self::new(scheme, Kind::ApiKeyHeader { header: header.to_owned(), prefix: None, key: key.into() })
    }

    /// `?<name>=<key>` for an apiKey-in-query scheme.
    pub fn api_key_query(scheme: &str, name: &str, key: impl Into<String>) -> Self {
        Self::new(scheme, Kind::ApiKeyQuery { name: name.to_owned(), key: key.into() })
    }

    /// `Cookie: <name>=<key>` for an apiKey-in-cookie scheme.
    pub fn api_key_cookie(scheme: &str, name: &str, key: impl Into<String>) -> Self {
        Self::new(scheme, Kind::ApiKeyCookie { name: name.to_owned(), key: key.into() })
    }

    /// `Authorization: Bearer <token>` with a token `provider` gives on each attempt: your own
    /// (a cloud metadata service, a vault) or an [`OAuth2`] flow (which converts with `.into()`).
    pub fn oauth2(scheme: &str, provider: impl TokenProvider) -> Self {
        Self::new(scheme, Kind::OAuth2 { provider: Arc::new(provider) })
    }

    fn new(scheme: &str, kind: Kind) -> Self {
        Credential { scheme: scheme.to_owned(), kind }
    }

    /// A prefix sent before an API key, separated by one space (Qovery's tokens: `Token`).
    /// Other kinds of credential are returned unchanged.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        if let Kind::ApiKeyHeader { prefix: slot, .. } = &mut self.kind {
            *slot = Some(prefix.into());
        }
        self
    }

    /// The security scheme this credential is for, as the document names it.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Applies the credential, asking a token provider for its token (`token`: what to ask it;
    /// `None` for the other kinds). Returns the access token sent, if any, so that a `401` can
    /// name the token refused.
    pub(crate) async fn apply_async(
        &self,
        request: &mut reqwest::Request,
        token: TokenRequest<'_>,
    ) -> Result<Option<AccessToken>, CredentialError> {
        let Kind::OAuth2 { provider } = &self.kind else {
            return self.apply(request).map(|()| None).map_err(CredentialError::Invalid);
        };
        let access = provider.token(token).await.map_err(CredentialError::Token)?;
        let mut value = HeaderValue::from_str(&format!("Bearer {}", access.secret())).map_err(|_| {
            CredentialError::Invalid(format!(
                "the access token for `{}` contains characters a header cannot carry",
                self.scheme
            ))
        })?;
        value.set_sensitive(true);
        request.headers_mut().append(http::header::AUTHORIZATION, value);
        Ok(Some(access))
    }

    /// Applies the credential. Header values are marked sensitive so that nothing downstream
    /// (reqwest's own `Debug`, an HTTP/2 encoder) shows or indexes them.
    fn apply(&self, request: &mut reqwest::Request) -> Result<(), String> {
        let header = |name: &str, value: String| -> Result<(HeaderName, HeaderValue), String> {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("credential for `{}`: `{name}` is not a valid header name", self.scheme))?;
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| format!("credential for `{}` contains characters a header cannot carry", self.scheme))?;
            value.set_sensitive(true);
            Ok((name, value))
        };
        let (name, value) = match &self.kind {
            Kind::Bearer { token } => header("authorization", format!("Bearer {token}"))?,
            Kind::Basic { user, password } => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                header("authorization", format!("Basic {encoded}"))?
            }
            Kind::ApiKeyHeader { header: name, prefix, key } => {
                let value = match prefix {
                    Some(prefix) => format!("{prefix} {key}"),
                    None => key.clone(),
                };
                header(name, value)?
            }
            Kind::ApiKeyQuery { name, key } => {
                request.url_mut().query_pairs_mut().append_pair(name, key);
                return Ok(());
            }
            Kind::ApiKeyCookie { name, key } => header("cookie", format!("{name}={key}"))?,
            Kind::OAuth2 { .. } => return Err(format!("credential for `{}` needs its token provider", self.scheme)),
        };
        request.headers_mut().append(name, value);
        Ok(())
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Credential");
        out.field("scheme", &self.scheme);
        match &self.kind {
            Kind::Bearer { .. } => out.field("kind", &"bearer"),
            Kind::Basic { user, .. } => out.field("kind", &"basic").field("user", user),
            Kind::ApiKeyHeader { header, prefix, .. } => {
                out.field("kind", &"api key in header").field("header", header).field("prefix", prefix)
            }
            Kind::ApiKeyQuery { name, .. } => out.field("kind", &"api key in query").field("name", name),
            Kind::ApiKeyCookie { name, .. } => out.field("kind", &"api key in cookie").field("name", name),
            Kind::OAuth2 { .. } => out.field("kind", &"oauth2 token provider"),
        };
        out.field("secret", &"***").finish()
    }
}

impl From<OAuth2> for Credential {
    /// The flow as a caching provider: one token per scope set, shared by concurrent calls.
    fn from(flow: OAuth2) -> Credential {
        let scheme = flow.scheme.clone();
        Credential::new(&scheme, Kind::OAuth2 { provider: flow.into_provider() })
    }
}

/// The credentials to send: the first alternative whose every scheme has one. `None` when no
/// alternative can be met (the caller decides what that means), `Some(empty)` for no auth.
pub(crate) fn choose(security: Security, credentials: &[Credential]) -> Option<Vec<&Credential>> {
    if security.is_empty() {
        return Some(Vec::new());
    }
    security.iter().find_map(|alternative| {
        alternative.iter().map(|scheme| credentials.iter().find(|c| c.scheme == *scheme)).collect::<Option<Vec<_>>>()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_satisfiable_alternative_wins() {
        let bearer = Credential::bearer("bearerAuth", "t");
        let key = Credential::api_key_header("ApiKeyAuth", "Authorization", "k");
        let both: Security = &[&["bearerAuth"], &["ApiKeyAuth"]];
        let only_key = [key.clone()];
        assert_eq!(choose(both, &only_key).unwrap()[0].scheme(), "ApiKeyAuth");
        let all = [key.clone(), bearer.clone()];
        assert_eq!(choose(both, &all).unwrap()[0].scheme(), "bearerAuth");
        let together: Security = &[&["bearerAuth", "ApiKeyAuth"]];
        assert!(choose(together, &only_key).is_none());
        assert_eq!(choose(together, &all).unwrap().len(), 2);
        assert!(choose(&[], &[]).unwrap().is_empty());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        for credential in [
            Credential::bearer("b", "tok-SECRET"),
            Credential::basic("basic", "me", "pw-SECRET"),
            Credential::api_key_header("k", "Authorization", "key-SECRET").with_prefix("Token"),
            Credential::api_key_query("q", "api_key", "key-SECRET"),
            Credential::api_key_cookie("c", "session", "key-SECRET"),
        ] {
            let shown = format!("{credential:?} {credential:#?}");
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
    }
}
